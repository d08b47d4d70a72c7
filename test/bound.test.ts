/**
 * Tests that can fail (issue item 3): the worst-case error bound of generator/numerics/bound.ts against the
 * bit-exact model. errorBound(plan).lsb claims the largest |y_i - y_ref_i| (output LSBs) over every
 * input vector of every length 1..N (N = n, or stream.maxN with a masked row standing for the vector
 * of its kept elements). Here:
 *
 * 1. random configs (fast-check, fixed seed; every method and addressing, both architectures): the
 *    measured error over the workload set, the adversarial vectors (stream: also at shorter lengths,
 *    and masked rows through streamModel) and random vectors of random lengths 1..N stays within it;
 * 2. tiny formats, enumerated exhaustively (every vector of every length 1..n): the worst error stays
 *    within the bound AND reaches a good share of it, so a bound that grew uselessly loose fails too;
 * 3. a deliberately wrong bound fails the same check: the bound that forgets the tail mass
 *    (errorBound(plan, { ignoreTailMass: true })) against the adversarial vectors of a long block, and
 *    90 % of the true bound against the exhaustive worst case of a tiny block.
 *
 * A measured error above the bound is a bug in generator/numerics/bound.ts, never a reason to loosen a check.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeStreamPlan, streamModel, type Row, type StreamPlan } from '../generator/hardware/archs/stream.js';
import { errorBound, minimaxFill } from '../generator/numerics/bound.js';
import { validateConfig } from '../generator/config/config.js';
import { model, referenceLsb } from '../generator/numerics/model.js';
import { adversarialVectors } from '../generator/evidence/adversarial.js';
import { randomLengthVectors } from './helpers.js';
import { codeRange, rng } from '../generator/evidence/vectors.js';
import { workloadSet } from '../generator/evidence/workloads.js';
import { BOUND_STRATA, boundConfig, plannable, type BoundStratum } from './arbitraries.js';
import { makePlan } from '../generator/hardware/plan.js';
import type { Plan, Config } from '../generator/numerics/types.js';

const SEED = 20261203;

/** The worst error found, and where: the vector (the kept elements, for a masked row) and the element. */
interface Worst {
  err: number;
  x: number[];
  i: number;
  /** The whole row with its keep bits, when the worst came from a masked stream row. */
  row?: Row;
}

const NONE: Worst = { err: 0, x: [], i: -1 };

/** The largest |y_i - y_ref_i| (output LSBs) of the bit-exact model over the given vectors (any lengths 1..N). */
function worstError(plan: Plan, vectors: Iterable<readonly number[]>): Worst {
  let w = NONE;
  for (const x of vectors) {
    const y = model(plan, x);
    const ref = referenceLsb(plan, x);
    for (let i = 0; i < x.length; i++) {
      const err = Math.abs(y[i]! - ref[i]!);
      if (err > w.err) w = { err, x: [...x], i };
    }
  }
  return w;
}

/** The same over masked stream rows: the stream model's outputs on the kept lanes against the reference of the kept elements. */
function worstRowError(sp: StreamPlan, rows: Iterable<Row>): Worst {
  let w = NONE;
  for (const row of rows) {
    const kept = row.x.filter((_, i) => row.keep[i]);
    if (kept.length === 0) continue;
    const y = streamModel(sp, row).filter((_, i) => row.keep[i]);
    const ref = referenceLsb(sp.plan, kept);
    for (let i = 0; i < kept.length; i++) {
      const err = Math.abs(y[i]! - ref[i]!);
      if (err > w.err) w = { err, x: kept, i, row };
    }
  }
  return w;
}

function larger(a: Worst, b: Worst): Worst {
  return b.err > a.err ? b : a;
}

/** The check every test below makes: the worst measured error is within the bound; the message names everything needed to reproduce. */
function expectWithinBound(what: string, raw: unknown, w: Worst, bound: number): void {
  expect(
    w.err,
    `${what}: measured error ${w.err} LSB above the bound ${bound} LSB\n` +
      `config: ${JSON.stringify(raw)}\nvector (${w.x.length} elements): ${JSON.stringify(w.x)}, element ${w.i}` +
      (w.row ? `\nrow: ${JSON.stringify(w.row)}` : ''),
  ).toBeLessThanOrEqual(bound);
}

function planOf(c: Config): { plan: Plan; sp?: StreamPlan } {
  if (c.arch === 'stream') {
    const sp = makeStreamPlan(c);
    return { plan: sp.plan, sp };
  }
  return { plan: makePlan(c) };
}

/** Masked rows of at most maxN elements: kept elements from adversarial vectors, masked lanes with random codes (often above the kept maximum). */
function maskedRows(sp: StreamPlan, count: number, seed: number): Row[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const { min, max } = codeRange({ width: sp.plan.common.iw, frac: sp.plan.common.ifrac });
  const rows: Row[] = [];
  for (let k = 0; k < count; k++) {
    const total = int(1, sp.maxN);
    const keptLen = int(1, total);
    const adv = adversarialVectors(sp.plan, keptLen);
    const kept = adv.length > 0 && r() < 0.8 ? adv[int(0, adv.length - 1)]!.x : Array.from({ length: keptLen }, () => int(min, max));
    const masked = new Set<number>();
    while (masked.size < total - keptLen) masked.add(int(0, total - 1));
    const row: Row = { x: [], keep: [] };
    let j = 0;
    for (let i = 0; i < total; i++) {
      const keep = !masked.has(i);
      row.keep.push(keep);
      row.x.push(keep ? kept[j++]! : int(min, max));
    }
    rows.push(row);
  }
  return rows;
}

/** Everything part 1 measures on one config; the worst error and how many vectors (or rows) it took. */
function measure(c: Config, seed: number): { worst: Worst; vectors: number; plan: Plan } {
  const { plan, sp } = planOf(c);
  const N = plan.common.n;
  const input = { width: plan.common.iw, frac: plan.common.ifrac };
  const sets: number[][][] = [
    workloadSet(N, input, 16, 1).flatMap((w) => w.vectors),
    adversarialVectors(plan).map((v) => v.x),
    randomLengthVectors(plan, 60, N, seed),
  ];
  if (sp) {
    // rows shorter than maxN: the adversarial vectors at a random length and at half of maxN
    const r = rng(seed ^ 0x5bd1e995);
    for (const len of new Set([1 + Math.floor(r() * (N - 1)), Math.max(1, Math.floor(N / 2))])) sets.push(adversarialVectors(plan, len).map((v) => v.x));
  }
  let worst = NONE;
  let vectors = 0;
  for (const s of sets) {
    worst = larger(worst, worstError(plan, s));
    vectors += s.length;
  }
  if (sp) {
    const rows = maskedRows(sp, 12, seed + 1);
    worst = larger(worst, worstRowError(sp, rows));
    vectors += rows.length;
  }
  return { worst, vectors, plan };
}

const PER_STRATUM = 6;

describe('error bound: random configs (every method, addressing and architecture)', () => {
  BOUND_STRATA.forEach((s: BoundStratum, k) => {
    it(`${s.method} ${s.addressing} ${s.arch}: ${PER_STRATUM} random configs stay within errorBound`, () => {
      let checked = 0;
      let vectors = 0;
      let closest = 0;
      fc.assert(
        fc.property(boundConfig(s), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (raw, seed) => {
          const c = plannable(raw);
          fc.pre(c !== null);
          const m = measure(c!, seed);
          const bound = errorBound(m.plan).lsb;
          expectWithinBound(`${s.method} ${s.addressing} ${s.arch}`, raw, m.worst, bound);
          checked++;
          vectors += m.vectors;
          if (bound > 0) closest = Math.max(closest, m.worst.err / bound);
        }),
        { numRuns: PER_STRATUM, seed: SEED + k, maxSkipsPerRun: 50 },
      );
      expect(checked).toBe(PER_STRATUM);
      console.log(`random: ${s.method} ${s.addressing} ${s.arch}: ${checked} configs, ${vectors} vectors, closest worst/bound ${closest.toFixed(3)}`);
    });
  });
});

/** The worst error over EVERY input vector of every length 1..n (2^IW codes per element). */
function exhaustiveWorst(plan: Plan): Worst {
  const { min, max } = codeRange({ width: plan.common.iw, frac: plan.common.ifrac });
  const codes = max - min + 1;
  let w = NONE;
  for (let len = 1; len <= plan.common.n; len++) {
    const x = new Array<number>(len).fill(min);
    const total = codes ** len;
    for (let k = 0; k < total; k++) {
      // x = the digits of k in base `codes`
      let q = k;
      for (let i = 0; i < len; i++) {
        x[i] = min + (q % codes);
        q = Math.floor(q / codes);
      }
      const y = model(plan, x);
      const ref = referenceLsb(plan, x);
      for (let i = 0; i < len; i++) {
        const err = Math.abs(y[i]! - ref[i]!);
        if (err > w.err) w = { err, x: [...x], i };
      }
    }
  }
  return w;
}

/** The tiny configs: every method and addressing, n in 2..4, input 4 bits (1 or 2 fraction bits), output 4..6 bits; tables of a few entries. */
function tinyConfigs(): { label: string; raw: Record<string, unknown> }[] {
  const out: { label: string; raw: Record<string, unknown> }[] = [];
  for (const n of [2, 3, 4]) {
    for (const ifrac of [1, 2]) {
      for (const ow of [4, 5, 6]) {
        const ew = ow + 2; // 6..8
        const rab = ow - 1; // 3..5
        const methods: [string, Record<string, unknown>][] = [
          [`rexp normalized ew=${ew} rab=${rab}`, { name: 'rexp', addressing: 'normalized', expWidth: ew, recipAddrBits: rab, recipWidth: ow + 2 }],
          [`rexp linear ew=${ew} rab=${rab}`, { name: 'rexp', addressing: 'linear', expWidth: ew, recipAddrBits: rab, recipWidth: ow + 2 }],
          [`lut2d normalized ew=${ew} rows=3 cols=3`, { name: 'lut2d', addressing: 'normalized', expWidth: ew, rowBits: 3, colBits: 3 }],
          [`lut2d linear ew=${ew} rows=3 cols=3`, { name: 'lut2d', addressing: 'linear', expWidth: ew, rowBits: 3, colBits: 3 }],
          ['hls4ml-like', { name: 'hls4ml-like' }],
          [`exact ew=${ew}`, { name: 'exact', expWidth: ew }],
          [`logexp ew=${ew} b=3 m=3`, { name: 'logexp', expWidth: ew, mantBits: 3, yBits: 3 }],
          [`ibert k=${ow - 3}`, { name: 'ibert', workBits: ow - 3 }],
          [`softermax ew=${ew} F=${ow - 3} rab=${rab}`, { name: 'softermax', expWidth: ew, expFracBits: ow - 3, recipAddrBits: rab, recipWidth: ow + 2 }],
        ];
        for (const [m, method] of methods) {
          out.push({
            label: `${m} n=${n} in=4.${ifrac} out=${ow}.${ow}`,
            raw: { name: 'tiny', n, input: { width: 4, frac: ifrac }, output: { width: ow, frac: ow }, method },
          });
        }
        // Softermax's online sum (IntMax, exact sum) needs a base-2 input: scale ln 2, granule 2^ifrac codes
        out.push({
          label: `softermax online ew=${ew} F=${ow - 3} rab=${rab} n=${n} in=4.${ifrac} x ln2 out=${ow}.${ow}`,
          raw: {
            name: 'tiny',
            n,
            input: { width: 4, frac: ifrac, scale: Math.LN2 },
            output: { width: ow, frac: ow },
            method: { name: 'softermax', online: true, expWidth: ew, expFracBits: ow - 3, recipAddrBits: rab, recipWidth: ow + 2 },
          },
        });
      }
    }
  }
  return out;
}

/**
 * The least worst/bound accepted: the bound must stay close to what the block really reaches.
 * n = 2 is looser (one other element: the hulls of step 2 allow (mass, error) pairs between the
 * table's few points that a single element cannot take). Observed on this grid: least ratio 0.526
 * (n = 2), 0.819 (n = 3), 0.830 (n = 4) before ibert and softermax joined it.
 * softermax at n = 3 is looser still (0.634): its base-2 exponent's error zigzags with d (t rounded
 * to steps of 2^-F, then the fraction table's own rounding), so the hull of two other elements'
 * (mass, error) pairs takes in pairs that no two entries give; its n = 4 configs reach 0.874 or more.
 * The tuned hls4ml-like is looser on this grid (least 0.471 at n = 2, 0.610 at n = 3, 0.641 at n = 4): its
 * inverse table steps by 2^(I-10), I = 1 or 2 here, much finer than the gaps between the few sums a 4-bit
 * input makes, and step 2's hull takes in sums inside those gaps; at 8 bits (n = 8) it reaches 0.994.
 */
const MIN_RATIO: Record<number, number> = { 2: 0.5, 3: 0.8, 4: 0.8 };
const MIN_RATIO_SOFTERMAX: Record<number, number> = { 2: 0.5, 3: 0.6, 4: 0.8 };
const MIN_RATIO_HLS4ML: Record<number, number> = { 2: 0.45, 3: 0.6, 4: 0.6 };

describe('error bound: exhaustive tiny formats', () => {
  it('every vector of every length 1..n: worst <= bound, and worst/bound reasonably high', () => {
    const rows: { label: string; n: number; worst: Worst; bound: number; ratio: number }[] = [];
    for (const { label, raw } of tinyConfigs()) {
      const plan = makePlan(validateConfig(raw));
      const bound = errorBound(plan).lsb;
      const worst = exhaustiveWorst(plan);
      const ratio = worst.err / bound;
      console.log(`exhaustive: ${label} worst=${worst.err.toFixed(4)} bound=${bound.toFixed(4)} ratio=${ratio.toFixed(3)}`);
      rows.push({ label, n: raw.n as number, worst, bound, ratio });
    }
    for (const r of rows) expectWithinBound(`exhaustive ${r.label}`, r.label, r.worst, r.bound);
    for (const r of rows) {
      const min = (r.label.startsWith('softermax') ? MIN_RATIO_SOFTERMAX : r.label.startsWith('hls4ml') ? MIN_RATIO_HLS4ML : MIN_RATIO)[r.n]!;
      expect(r.ratio, `exhaustive ${r.label}: worst ${r.worst.err} is only ${r.ratio.toFixed(3)} of the bound ${r.bound}`).toBeGreaterThanOrEqual(min);
    }
    const ratios = rows.map((r) => r.ratio).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    console.log(`exhaustive: ${rows.length} configs, ratio min ${ratios[0]!.toFixed(3)}, median ${median.toFixed(3)}, ${rows.filter((r) => r.ratio >= 0.9999).length} reach the bound`);
    expect(median).toBeGreaterThanOrEqual(0.9);
  });
});

describe('error bound: a deliberately wrong bound fails the check', () => {
  const long = { name: 'long', input: { width: 8, frac: 4 }, output: { width: 8, frac: 8 }, method: { name: 'rexp', addressing: 'normalized', expWidth: 12 } };
  for (const raw of [
    { ...long, n: 1024 },
    { ...long, arch: 'stream', stream: { lanes: 8, maxN: 1024 } },
  ]) {
    const arch = 'arch' in raw ? 'stream maxN 1024' : 'parallel n 1024';
    it(`rexp normalized 8.4 -> 8.8, expWidth 12, ${arch}: the adversarial vectors exceed the bound without the tail mass, not the true one`, () => {
      const { plan, sp } = planOf(validateConfig(raw));
      const xs = adversarialVectors(plan).map((v) => v.x);
      // the stream block: through its own model, every lane kept
      const worst = sp ? worstRowError(sp, xs.map((x) => ({ x, keep: x.map(() => true) }))) : worstError(plan, xs);
      const bound = errorBound(plan).lsb;
      const wrong = errorBound(plan, { ignoreTailMass: true }).lsb;
      console.log(`wrong bound: ${arch}: adversarial worst=${worst.err.toFixed(4)} wrong (no tail mass)=${wrong} bound=${bound}`);
      expect(wrong).toBeLessThan(bound);
      expect(() => expectWithinBound(`${arch}, bound without the tail mass`, raw, worst, wrong)).toThrow(/above the bound/);
      expectWithinBound(`${arch}, true bound`, raw, worst, bound);
    });
  }

  it('90 % of the true bound is exceeded by the exhaustive worst case of a tiny block', () => {
    const raw = { name: 'tiny', n: 4, input: { width: 4, frac: 1 }, output: { width: 4, frac: 4 }, method: { name: 'rexp', addressing: 'normalized', expWidth: 5, recipAddrBits: 3, recipWidth: 6 } };
    const plan = makePlan(validateConfig(raw));
    const bound = errorBound(plan).lsb;
    const worst = exhaustiveWorst(plan);
    console.log(`wrong bound: tiny rexp normalized ew=5 rab=3 n=4: exhaustive worst=${worst.err.toFixed(4)} 0.9*bound=${(0.9 * bound).toFixed(4)} bound=${bound}`);
    expect(() => expectWithinBound('tiny, 90 % of the bound', raw, worst, 0.9 * bound)).toThrow(/above the bound/);
    expectWithinBound('tiny, true bound', raw, worst, bound);
  });
});

describe("lut2d's fill from the bound's enumeration (minimaxFill)", () => {
  // 8.4 input, 6.6 output, n = 8, 4 x 4 cells in the top octave: 16 + 8 + 4 + ... entries, each cheap to bound
  const small = (addressing: string) =>
    makePlan(validateConfig({ name: 'f', n: 8, input: { width: 8, frac: 4 }, output: { width: 6, frac: 6 }, method: { name: 'lut2d', addressing, rowBits: 2, colBits: 2 } }));
  const boundOf = (p: Plan) => errorBound({ ...p }).raw; // a fresh Plan object: the bound is cached per plan

  for (const addressing of ['normalized', 'linear']) {
    it(`${addressing}: moving any one entry by one code never lowers the bound (the fill is the least bound these addresses allow)`, () => {
      const p = small(addressing);
      const t = p.mp.tables[0]!.values;
      const b0 = boundOf(p);
      let moved = 0;
      for (let i = 0; i < t.length; i++) {
        for (const dy of [-1, 1]) {
          const v = t[i]!;
          if (v + dy < 0 || v + dy > p.common.maxCode) continue;
          t[i] = v + dy;
          try {
            expect(boundOf(p)).toBeGreaterThanOrEqual(b0 - 1e-9);
          } finally {
            t[i] = v;
          }
          moved++;
        }
      }
      expect(moved).toBeGreaterThan(t.length);
    });
  }
  it('evaluating only the ends of each run of one entry gives the same fill as evaluating every group', () => {
    for (const [n, input, output, method] of [
      [8, { width: 8, frac: 4 }, { width: 8, frac: 8 }, { name: 'lut2d', addressing: 'normalized' }],
      [64, { width: 8, frac: 4 }, { width: 8, frac: 8 }, { name: 'lut2d', addressing: 'linear' }],
      [37, { width: 6, frac: 2 }, { width: 6, frac: 5 }, { name: 'lut2d', addressing: 'normalized', rowBits: 3, colBits: 3 }],
      [16, { width: 10, frac: 5 }, { width: 10, frac: 10 }, { name: 'lut2d', addressing: 'normalized', rowBits: 6, colBits: 5, exp: 'reduced' }],
    ] as const) {
      const p = makePlan(validateConfig({ name: 'f', n, input, output, method }));
      const cells = p.method.sCells!(p.mp, p.common, p.mp.expTable.values[0]!, n * p.mp.expTable.values[0]!)!;
      const coefs = cells.map((c) => p.method.normalize(p.mp, p.common, c.sLo));
      // the entry a lane reads: with the table's values replaced by their own indices, lut2d's lane returns it
      const t = p.mp.tables[0]!.values;
      const saved = [...t];
      const index = (v: number, k: number) => p.method.lane(p.mp, p.common, v, coefs[k]!);
      t.splice(0, t.length, ...t.map((_, i) => i));
      let fast: number[];
      try {
        fast = minimaxFill(p, cells, index, t.length);
        expect(fast).toEqual(minimaxFill(p, cells, index, t.length, { full: true }));
      } finally {
        t.splice(0, t.length, ...saved);
      }
      expect(fast).toEqual(saved);
    }
  });
  it('a deliberately biased fill (every non-zero entry one code up) raises the bound', () => {
    const p = small('normalized');
    const t = p.mp.tables[0]!.values;
    const saved = [...t];
    const b0 = boundOf(p);
    for (let i = 0; i < t.length; i++) if (t[i]! > 0 && t[i]! < p.common.maxCode) t[i]! += 1;
    const up = boundOf(p);
    t.splice(0, t.length, ...saved);
    expect(up).toBeGreaterThan(b0 + 0.5);
    expect(boundOf(p)).toBe(b0);
  });
});
