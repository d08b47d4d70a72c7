/**
 * input.scale: the block computes softmax(scale * x), x = code * 2^-IF, with the scale folded into the
 * exponent tables (CommonPlan.unit = scale * 2^-IF). Checked here:
 *
 * 1. the exponent table is round((2^EW - 1) e^(-k scale)) entry by entry, and a power-of-two scale is
 *    the same block as the matching fraction bits (tables and model outputs identical);
 * 2. a non-power-of-two scale (0.3, int8 input): referenceLsb is 2^OF softmax(0.3 x) computed here
 *    independently, and errorBound holds over the adversarial vectors and seeded random vectors of
 *    random lengths (rexp normalized, exact, rexp with correct rounding);
 * 3. the check of 2 can fail: a reference that forgets the scale exceeds the bound;
 * 4. Icarus simulation of a parallel and a stream block with a scale, bit-exact against the model.
 *    Icarus is required: without it these tests fail with the install hint, they never skip.
 */
import { describe, expect, it } from 'vitest';
import { errorBound } from '../generator/numerics/bound.js';
import { validateConfig } from '../generator/config/config.js';
import { floatSoftmax, model, referenceLsb } from '../generator/numerics/model.js';
import { planTables } from '../generator/numerics/plan.js';
import { adversarialVectors } from '../generator/evidence/adversarial.js';
import { codeRange, rng } from '../generator/evidence/vectors.js';
import { cfg, generateTo, randomLengthVectors } from './helpers.js';
import { makePlan } from '../generator/hardware/plan.js';
import type { Plan } from '../generator/numerics/types.js';
import { simulateBlock } from '../generator/block/verify.js';

const SEED = 20260315;

const INT8 = { width: 8, frac: 0 };
const OUT8 = { width: 8, frac: 8 };
const REXP = { name: 'rexp', addressing: 'normalized' };

/** Seeded vectors of exactly `len` uniform codes. */
function uniformVectors(count: number, len: number, seed: number, f = INT8): number[][] {
  const r = rng(seed);
  const { min, max } = codeRange(f);
  return Array.from({ length: count }, () => Array.from({ length: len }, () => min + Math.floor(r() * (max - min + 1))));
}


interface Worst {
  err: number;
  x: number[];
  i: number;
}

/**
 * The largest |y_i - ref_i| (output LSBs) of the bit-exact model over the vectors, each measured at
 * its own length (a vector shorter than n is a block of that many elements, as in test/bound.test.ts).
 */
function worstError(plan: Plan, vectors: Iterable<readonly number[]>, ref: (x: readonly number[]) => number[] = (x) => referenceLsb(plan, x)): Worst {
  let w: Worst = { err: 0, x: [], i: -1 };
  for (const x of vectors) {
    const y = model(plan, x);
    const r = ref(x);
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) {
      const err = Math.abs(y[i]! - r[i]!);
      if (err > w.err) w = { err, x: [...x], i };
    }
  }
  return w;
}

function expectWithinBound(what: string, w: Worst, bound: number): void {
  expect(w.err, `${what}: measured error ${w.err} LSB above the bound ${bound} LSB\nvector (${w.x.length} elements): ${JSON.stringify(w.x)}, element ${w.i}`).toBeLessThanOrEqual(bound);
}

/** 2^OF softmax(scale * x) saturated at 2^OW - 1, written independently of generator/numerics/model.ts: y_i = 1 / sum_j e^(scale (x_j - x_i)). */
function independentRef(x: readonly number[], scale: number, ofrac: number, maxCode: number): number[] {
  return x.map((xi) => {
    let s = 0;
    for (const xj of x) s += Math.exp(scale * (xj - xi));
    return Math.min(maxCode, 2 ** ofrac / s);
  });
}

describe('input.scale is folded into the exponent tables', () => {
  const scaled = makePlan(cfg({ name: 'sc_a', n: 8, input: { width: 8, frac: 0, scale: 0.125 }, output: OUT8, method: REXP }));
  const fracd = makePlan(cfg({ name: 'sc_b', n: 8, input: { width: 8, frac: 3 }, output: OUT8, method: REXP }));

  it('int8 input, scale 0.125: T[k] = round((2^EW - 1) e^(-k 0.125)) for every k, up to the first entry that rounds to 0', () => {
    expect(scaled.common.inScale).toBe(0.125);
    expect(scaled.common.unit).toBe(0.125);
    const t = scaled.mp.expTable;
    const EW = t.width;
    expect(EW).toBe(13); // default: OW + ceil(log2 8) + 2
    expect(scaled.mp.expShift).toBe(0);
    expect(scaled.mp.expLo).toBeUndefined();
    const want = (k: number) => Math.round((2 ** EW - 1) * Math.exp(-k * 0.125));
    // the table runs to the first zero: 8191 e^(-k/8) < 0.5 first at k = 78
    expect(t.values.length).toBe(78);
    expect(want(t.values.length)).toBe(0);
    t.values.forEach((v, k) => expect(v, `T[${k}]`).toBe(want(k)));
    expect(t.values[8]).toBe(3013); // round(8191 e^-1)
  });

  it('is the same block as input frac 3 without a scale (0.125 = 2^-3): every table identical', () => {
    expect(fracd.common.inScale).toBe(1);
    expect(fracd.common.unit).toBe(scaled.common.unit);
    expect(scaled.mp.expTable.values).toEqual(fracd.mp.expTable.values);
    expect(scaled.mp.expTable.width).toBe(fracd.mp.expTable.width);
    const ta = planTables(scaled.mp);
    const tb = planTables(fracd.mp);
    expect(ta.map((t) => [t.name, t.width, t.values.length])).toEqual(tb.map((t) => [t.name, t.width, t.values.length]));
    ta.forEach((t, k) => expect(t.values, t.name).toEqual(tb[k]!.values));
    expect(errorBound(scaled).lsb).toBe(errorBound(fracd).lsb);
  });

  it('the two blocks give the same model outputs and references on 400 seeded random vectors', () => {
    const xs = [...uniformVectors(300, 8, SEED), ...randomLengthVectors(scaled, 100, 8, SEED + 1)];
    let differsFromUnscaled = 0;
    const plain = makePlan(cfg({ name: 'sc_c', n: 8, input: INT8, output: OUT8, method: REXP }));
    for (const x of xs) {
      expect(model(scaled, x), JSON.stringify(x)).toEqual(model(fracd, x));
      expect(referenceLsb(scaled, x)).toEqual(referenceLsb(fracd, x));
      if (JSON.stringify(model(plain, x)) !== JSON.stringify(model(scaled, x))) differsFromUnscaled++;
    }
    // and the scale does change the block: int8 without it is a different function on most vectors
    expect(differsFromUnscaled).toBeGreaterThan(xs.length / 2);
  });
});

const variants = [
  { label: 'rexp normalized', method: REXP, rounding: 'nearest' },
  { label: 'exact', method: { name: 'exact' }, rounding: 'nearest' },
  { label: 'rexp normalized, output.rounding correct', method: REXP, rounding: 'correct' },
] as const;

describe('input.scale 0.3 (not a power of two), int8 input, n 8: reference and error bound', () => {
  for (const v of variants) {
    describe(v.label, () => {
      const plan = makePlan(
        cfg({ name: 'sc_03', n: 8, input: { width: 8, frac: 0, scale: 0.3 }, output: { ...OUT8, rounding: v.rounding }, method: v.method }),
      );
      const bound = errorBound(plan).lsb;
      const adv = adversarialVectors(plan).map((a) => a.x);
      const rnd = randomLengthVectors(plan, 2000, plan.common.n, SEED + 7);
      const all = [...adv, ...rnd];

      it('the plan carries the scale; the table is round((2^EW - 1) e^(-0.3 k))', () => {
        expect(plan.common.inScale).toBe(0.3);
        expect(plan.common.unit).toBe(0.3);
        expect(plan.mp.expShift).toBe(0);
        const EW = plan.mp.expTable.width;
        plan.mp.expTable.values.forEach((e, k) => expect(e, `T[${k}]`).toBe(Math.round((2 ** EW - 1) * Math.exp(-0.3 * k))));
        expect(Math.round((2 ** EW - 1) * Math.exp(-0.3 * plan.mp.expTable.values.length))).toBe(0);
      });

      it('referenceLsb(plan, x) = 2^8 softmax(0.3 x), saturated at 255 (computed independently)', () => {
        expect(adv.length).toBeGreaterThan(20);
        expect(new Set(rnd.map((x) => x.length)).size).toBe(8);
        let worst = 0;
        let saturated = 0;
        for (const x of all) {
          const got = referenceLsb(plan, x);
          const want = independentRef(x, 0.3, 8, 255);
          expect(got.length).toBe(x.length);
          for (let i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
            if (want[i] === 255) saturated++;
          }
        }
        expect(worst).toBeLessThan(1e-9);
        expect(saturated).toBeGreaterThan(0);
        // spot values: two elements one code apart, [1, 0]: 256 / (1 + e^-0.3) = 146.6...
        expect(referenceLsb(plan, [1, 0])[0]).toBeCloseTo(256 / (1 + Math.exp(-0.3)), 12);
        expect(referenceLsb(plan, [0, 10])[0]).toBeCloseTo(256 / (1 + Math.exp(3)), 12);
      });

      it(`errorBound holds over the adversarial vectors and 2000 random vectors of lengths 1..8`, () => {
        const wa = worstError(plan, adv);
        const wr = worstError(plan, rnd);
        expect(bound).toBeGreaterThan(0.5); // no block beats the correctly rounded output
        expectWithinBound(`scale 0.3 ${v.label}, adversarial`, wa, bound);
        expectWithinBound(`scale 0.3 ${v.label}, random lengths`, wr, bound);
        // the adversarial vectors get close to the bound (a loose bound would also be a bug)
        expect(wa.err).toBeGreaterThan(0.5);
      });

      it('the check can fail: a reference that ignores the scale (softmax(x)) exceeds the bound', () => {
        const broken = (x: readonly number[]) => floatSoftmax(x, plan.common.ifrac).map((y) => Math.min(plan.common.maxCode, y * 2 ** plan.common.ofrac));
        const w = worstError(plan, all, broken);
        expect(w.err).toBeGreaterThan(bound);
        expect(() => expectWithinBound('reference without the scale', w, bound)).toThrow(/above the bound/);
      });
    });
  }
});

describe('bit-exact Icarus simulation with input.scale 0.125 (int8 input)', () => {
  it('parallel, n 8, rexp normalized', () => {
    const { block, dir } = generateTo(
      cfg({ name: 'sc_sim_p', n: 8, input: { width: 8, frac: 0, scale: 0.125 }, output: OUT8, method: REXP, verify: { vectors: 96, seed: 9 } }),
    );
    expect(block.plan.common.inScale).toBe(0.125);
    const rtl = block.files.get('sc_sim_p.v')!;
    // the RTL holds the scaled table: d = 8 reads round(8191 e^(-8 * 0.125)) = 3013
    expect(rtl).toContain("7'd8: exp_lut = 13'd3013;");
    expect(rtl).toContain("7'd77: exp_lut = 13'd1;");
    expect(rtl).not.toContain("7'd78: exp_lut");
    expect(block.vectors.length).toBe(96);
    // the expected outputs are those of the scaled model (not of an int8 block without the scale)
    const plain = makePlan(cfg({ name: 'sc_plain', n: 8, input: INT8, output: OUT8, method: REXP }));
    expect(block.expected).toEqual(block.vectors.map((x) => model(block.plan, x)));
    expect(block.vectors.filter((x) => JSON.stringify(model(plain, x)) !== JSON.stringify(model(block.plan, x))).length).toBeGreaterThan(20);
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.beats).toBe(2 * 96);
    expect(r.mismatches).toEqual([]);
  });

  it('stream, lanes 4, maxN 64, rexp normalized', () => {
    const config = validateConfig({
      name: 'sc_sim_s',
      arch: 'stream',
      stream: { lanes: 4, maxN: 64 },
      input: { width: 8, frac: 0, scale: 0.125 },
      output: OUT8,
      method: REXP,
      verify: { vectors: 16, seed: 9 },
    });
    const { block, dir } = generateTo(config);
    const s = block.stream!;
    expect(s.sp.plan.common.inScale).toBe(0.125);
    const EW = s.sp.plan.mp.expTable.width;
    s.sp.plan.mp.expTable.values.forEach((e, k) => expect(e, `T[${k}]`).toBe(Math.round((2 ** EW - 1) * Math.exp(-k * 0.125))));
    const rtl = block.files.get('sc_sim_s.v')!;
    expect(rtl).toContain(`'d8: exp_lut = ${EW}'d${Math.round((2 ** EW - 1) * Math.exp(-1))};`);
    const lens = s.rows.map((row) => row.x.length);
    expect(lens).toContain(1);
    expect(lens).toContain(64);
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.mismatches).toEqual([]);
    expect(r.beats).toBe(s.beatsIn.length);
  });
});
