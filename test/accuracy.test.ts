/** The workload set, the metrics, the baselines' numerics and the explore machinery. */
import { describe, expect, it } from 'vitest';
import { evaluate, prepare } from '../generator/evidence/evaluate.js';
import { errorBound } from '../generator/numerics/bound.js';
import { markPareto, measure, prepareAdversarial, prepareFor, smallestMeeting, sweepSpace, type Row } from '../generator/explore/explore.js';
import { accuracy } from '../generator/numerics/metrics.js';
import { model, modelTrace, referenceLsb } from '../generator/numerics/model.js';
import { cornerVectors } from '../generator/evidence/vectors.js';
import { modelAttentionRows, modelAttentionVectors, workloadSet, WORKLOAD_NAMES } from '../generator/evidence/workloads.js';
import { cfg } from './helpers.js';
import { makePlan } from '../generator/hardware/plan.js';
import { constDivider } from '../generator/numerics/expcalc.js';

const F8 = { width: 8, frac: 4 };

describe('workload set', () => {
  it('has every workload, the corner cases first, deterministic, and each workload independent of the others', () => {
    const a = workloadSet(64, F8, 50, 1);
    expect(a.map((w) => w.name)).toEqual([...WORKLOAD_NAMES]);
    expect(a[0]!.vectors).toEqual(cornerVectors(64, F8).map((c) => c.x));
    expect(workloadSet(64, F8, 50, 1)).toEqual(a);
    expect(workloadSet(64, F8, 50, 2)[1]!.vectors).not.toEqual(a[1]!.vectors);
    // a longer set starts with the same vectors, workload by workload
    const b = workloadSet(64, F8, 80, 1);
    for (let k = 1; k < a.length; k++) expect(b[k]!.vectors.slice(0, 50)).toEqual(a[k]!.vectors);
    for (const w of a) for (const x of w.vectors) for (const v of x) expect(v >= -128 && v <= 127 && Number.isInteger(v)).toBe(true);
  });
  it('model attention: captured rows, their last n scores quantised with the format (and input.scale)', () => {
    const rows = modelAttentionRows();
    expect(rows).toHaveLength(2000);
    for (const r of rows) expect(r.length >= 1 && r.length <= 128).toBe(true);
    const q = (s: number, unit: number) => Math.min(127, Math.max(-128, Math.floor(s / unit + 0.5)));
    const v = modelAttentionVectors(8, F8, 5);
    expect(v).toEqual([0, 977, 1954, 931, 1908].map((i) => rows[i]!.slice(-8).map((s) => q(s, 1 / 16))));
    const w = modelAttentionVectors(128, { width: 8, frac: 0, scale: 0.125 }, 3);
    expect(w.map((x) => x.length)).toEqual([0, 977, 1954].map((i) => rows[i]!.length));
    expect(w[1]).toEqual(rows[977]!.map((s) => q(s, 0.125)));
  });
  it('draws what it says: near-ties within 4 codes, Gaussian sigma about right, attention has a large score', () => {
    const ws = Object.fromEntries(workloadSet(512, { width: 16, frac: 8 }, 20, 3).map((w) => [w.name, w.vectors]));
    for (const x of ws['near-ties']!) expect(Math.max(...x) - Math.min(...x)).toBeLessThanOrEqual(3);
    const x = ws.gauss2![0]!.map((v) => v / 256);
    const mu = x.reduce((a, b) => a + b, 0) / x.length;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - mu) ** 2, 0) / x.length);
    expect(sd).toBeGreaterThan(1.8);
    expect(sd).toBeLessThan(2.2);
    for (const v of ws.attention!) expect(Math.max(...v)).toBeGreaterThanOrEqual(2 * 256);
  });
});

describe('metrics', () => {
  it('agree with metrics.accuracy (max, mean, argmax, |sum-1|) on the same vectors', () => {
    const p = makePlan(cfg({ n: 16 }));
    const ws = workloadSet(16, F8, 40, 5);
    const ev = evaluate(p, prepare(ws, 16, 4));
    const a = accuracy(p, ws.flatMap((w) => w.vectors));
    expect(ev.overall.maxErrLsb).toBe(a.maxErrLsb);
    expect(ev.overall.meanErrLsb).toBe(a.meanErrLsb);
    expect(ev.overall.argmaxAgreement).toBe(a.argmaxAgreement);
    expect(ev.overall.worstSumErr).toBe(a.worstSumErr);
    expect(ev.overall.vectors).toBe(ws.reduce((s, w) => s + w.vectors.length, 0));
    expect(ev.perWorkload.map((w) => w.name)).toEqual(ws.map((w) => w.name));
    expect(Math.max(...ev.perWorkload.map((w) => w.metrics.maxErrLsb))).toBe(ev.overall.maxErrLsb);
  });
  it('the mean signed error is the mean of y - y_ref: by hand; lut2d normalized is unbiased, linear leans up (its column 0 holds every small e)', () => {
    const signed = (method: Record<string, unknown>) => {
      const p = makePlan(cfg({ n: 16, method }));
      const ws = workloadSet(16, F8, 40, 5);
      const ev = evaluate(p, prepare(ws, 16, 4));
      let sum = 0;
      let count = 0;
      for (const x of ws.flatMap((w) => w.vectors)) {
        const y = model(p, x);
        const ref = referenceLsb(p, x);
        for (let i = 0; i < x.length; i++) sum += y[i]! - ref[i]!;
        count += x.length;
      }
      expect(ev.overall.meanSignedErrLsb).toBeCloseTo(sum / count, 4);
      return ev.overall.meanSignedErrLsb;
    };
    expect(Math.abs(signed({ name: 'rexp', addressing: 'normalized' }))).toBeLessThan(0.1);
    expect(Math.abs(signed({ name: 'lut2d', addressing: 'normalized' }))).toBeLessThan(0.25);
    expect(signed({ name: 'lut2d', addressing: 'linear' })).toBeGreaterThan(0.5);
  });
  it('RMS and KL by hand for one vector', () => {
    const p = makePlan(cfg({ n: 2 }));
    const x = [16, 0];
    const y = model(p, x);
    const ref = [1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1))];
    const ev = evaluate(p, prepare([{ name: 'one', description: '', vectors: [x] }], 2, 4));
    const errs = y.map((v, i) => Math.abs(v - ref[i]! * 256));
    expect(ev.overall.rmsErrLsb).toBeCloseTo(Math.sqrt((errs[0]! ** 2 + errs[1]! ** 2) / 2), 4);
    const q = y.map((v) => v / 256 / ((y[0]! + y[1]!) / 256));
    expect(ev.overall.klMean).toBeCloseTo(ref[0]! * Math.log(ref[0]! / q[0]!) + ref[1]! * Math.log(ref[1]! / q[1]!), 6);
  });
});

describe('baselines', () => {
  it('hls4ml-like: ap_fixed<18,8> tables at the lower bin edge, the sum in ap_ufixed<18,I> (I = 2 at n = 4), truncating output', () => {
    const p = makePlan(cfg({ n: 4, method: { name: 'hls4ml-like' } }));
    expect(p.mp.params.sumIntBits).toBe(2);
    const exp = p.mp.expTable.values;
    expect(exp[0]).toBe(1024);
    expect(exp[16]).toBe(Math.floor(1024 * Math.exp(-1) + 0.5)); // 377
    expect(exp[exp.length - 1]).toBeGreaterThan(0);
    // ap_ufixed<18,2>: its top 10 bits are S >> 2 in units 2^-10, steps of 2^-8; all 1024 entries reachable
    const inv = p.mp.tables[0]!.values;
    expect(inv.length).toBe(1024);
    expect(inv[0]).toBe(2 ** 17 - 1); // 1/0 saturates
    expect(inv[256]).toBe(1024); // S in [1.0, 1 + 2^-8): 1/1.0
    expect(inv[257]).toBe(1020); // 1/(1 + 2^-8) = 0.99611 -> 1020.02
    expect(inv[1023]).toBe(256); // 1/(1023/256) = 0.25024 -> 256.25
    // all equal, n = 4: S = 4.0 saturates ap_ufixed<18,2> one step below 4.0 -> index 1023 -> 256;
    // y = floor(1024 * 256 / 2^12) = 64
    expect(model(p, [3, 3, 3, 3])).toEqual([64, 64, 64, 64]);
    const t = modelTrace(p, [8, 0, -128, -128]);
    expect(t.sum).toBe(1024 + exp[8]!); // 1645
    expect(t.coef.inv).toBe(inv[Math.floor((1024 + exp[8]!) / 4)]); // inv[411] = 1/(411/256) -> 638
    expect(t.coef.inv).toBe(638);
    expect(t.y[0]).toBe(Math.min(255, Math.floor((1024 * t.coef.inv!) / 2 ** 12))); // 159
    expect(t.y).toEqual([159, 96, 0, 0]);
  });
  it("hls4ml-like takes method.sumIntBits with 'top-bits' only, and in 1..17", () => {
    expect(makePlan(cfg({ n: 64, method: { name: 'hls4ml-like', sumIntBits: 7 } })).mp.vars.satMax).toBe(64 * 1024); // holds every sum
    expect(() => makePlan(cfg({ method: { name: 'hls4ml-like', addressing: 'default', sumIntBits: 4 } }))).toThrow(/method.sumIntBits = 4: allowed: only with addressing 'top-bits'/);
    expect(() => makePlan(cfg({ method: { name: 'hls4ml-like', sumIntBits: 18 } }))).toThrow(/sumIntBits = 18/);
  });
  it('hls4ml-like rejects inputs wider than 10 bits, naming the key', () => {
    expect(() => makePlan(cfg({ input: { width: 12, frac: 6 }, method: { name: 'hls4ml-like' } }))).toThrow(/input.width = 12: allowed: 2..10/);
  });
  it('lut2d normalized: a narrow exponent still gives no smaller input a larger output (the fill lowered the shared tail entry)', () => {
    // found by the property test: with 2-bit exponents the tail entry (e = 0) held 1 where octave 4 held 0
    const p = makePlan(cfg({ n: 13, input: { width: 4, frac: 3 }, output: { width: 2, frac: 3 }, method: { name: 'lut2d', addressing: 'normalized', expWidth: 2 } }));
    expect(p.mp.notes.join('\n')).toMatch(/; 1 entries then lowered so that no smaller e reads a larger code/);
    const x = [0, 0, 6, -8, -8, 2, 2, 0, 7, 0, 6, 0, 2];
    const y = model(p, x);
    for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) if (x[i]! < x[j]!) expect(y[i], `x[${i}] = ${x[i]} < x[${j}] = ${x[j]}`).toBeLessThanOrEqual(y[j]!);
  });
  it("ibert: I-BERT's integer constants at S = 2^-8 and i-exp on both sides of a shift; y = floor(e 2^OF / S)", () => {
    const p = makePlan(cfg({ n: 8, method: { name: 'ibert' } }));
    // S = 2^-4 / 2^4: q_ln2 = floor(ln2 * 256) = 177, q_b = floor(1.353 * 256) = 346, q_c = floor(0.344 / (0.3585 * 2^-16)) = 62885
    expect(p.mp.vars).toMatchObject({ k: 4, qln2: 177, qb: 346, qc: 62885 });
    expect(p.lutBytes).toBe(0);
    const e = p.mp.expTable.values;
    expect(e[0]).toBe(346 ** 2 + 62885); // t = 0: z = 0, r = 0
    expect(e[11]).toBe(170 ** 2 + 62885); // t = 176: z = 0, r = 176
    expect(e[12]).toBe(Math.floor((331 ** 2 + 62885) / 2)); // t = 192: z = 1, r = 15
    const t = modelTrace(p, [16, 4, 0, -20]);
    t.e.forEach((ei, i) => expect(t.y[i]).toBe(Math.min(255, Math.floor((ei * 256) / t.sum))));
    expect(() => makePlan(cfg({ n: 8, method: { name: 'ibert', workBits: 13 } }))).toThrow(/method.workBits = 13: allowed: an integer in 0..12/);
    // an input code of 1.0: ln 2 is below one step of S until workBits is 1
    expect(() => makePlan(cfg({ n: 8, input: { width: 8, frac: 0 }, method: { name: 'ibert', workBits: 0 } }))).toThrow(/method.workBits = 0: allowed: 1..12/);
  });
  it("ibert's constant division: (t * m) >> s is floor(t / q) for every t of the range, and one bit less of s is not", () => {
    const exactFor = (q: number, tMax: number, m: number, sh: number, ts: Iterable<number>) => {
      for (const t of ts) if ((BigInt(t) * BigInt(m)) >> BigInt(sh) !== BigInt(Math.floor(t / q))) return false;
      return true;
    };
    const all = (tMax: number) => Array.from({ length: tMax + 1 }, (_, t) => t);
    // the default block's q_ln2 = 177 over t < 2^12, every t
    const a = constDivider(177, 4095);
    expect(exactFor(177, 4095, a.divMul, a.divShift, all(4095))).toBe(true);
    const a1 = { divMul: Math.ceil(2 ** (a.divShift - 1) / 177), divShift: a.divShift - 1 };
    expect(exactFor(177, 4095, a1.divMul, a1.divShift, all(4095))).toBe(false);
    // a 28-bit t (t * m past 2^53): the last t below each of the top multiples of q, and the range's end
    const tMax = 2 ** 28 - 1;
    const b = constDivider(1419, tMax);
    const near = Array.from({ length: 2000 }, (_, i) => (Math.floor(tMax / 1419) - i) * 1419 - 1).concat([tMax]);
    expect(exactFor(1419, tMax, b.divMul, b.divShift, near)).toBe(true);
  });
  it("softermax: base 2 by a shift and a 2^F-entry fraction table, t = d log2(e) 2^F / 16 rounded", () => {
    const p = makePlan(cfg({ n: 64, method: { name: 'softermax' } }));
    const frac = p.luts.find((l) => l.name === 'pow2_lut')!;
    expect(frac.entries).toBe(64); // F = OF - 2 = 6
    const P = (f: number) => Math.floor(65535 * 2 ** (-f / 64) + 0.5);
    const t = (d: number) => Math.floor(((d * Math.LOG2E) / 16) * 64 + 0.5);
    const e = p.mp.expTable.values;
    expect(e[0]).toBe(65535);
    for (const d of [1, 7, 11, 12, 45, 100]) expect(e[d], `d = ${d}`).toBe(Math.floor(P(t(d) % 64) / 2 ** Math.floor(t(d) / 64)));
    // the same exponent form in another method, and its keys checked
    expect(makePlan(cfg({ n: 64, method: { name: 'exact', exp: 'pow2', expWidth: 16 } })).mp.expTable.values).toEqual(e);
    expect(() => makePlan(cfg({ n: 8, method: { name: 'rexp', exp: 'pow2', expStepLog2: 1 } }))).toThrow(/method.expStepLog2 = 1: allowed: only with method.exp direct or auto/);
    expect(() => makePlan(cfg({ n: 8, method: { name: 'rexp', expFracBits: 4 } }))).toThrow(/method.expFracBits = 4: allowed: only with method.exp pow2/);
  });
  it('exact: round(e * 2^OF / S), within 0.5 LSB of the float softmax on every corner case', () => {
    const p = makePlan(cfg({ n: 8, method: { name: 'exact' } }));
    for (const { x } of cornerVectors(8, F8)) {
      const t = modelTrace(p, x);
      t.e.forEach((e, i) => expect(t.y[i]).toBe(Math.min(255, Math.round((e * 256) / t.sum))));
    }
    const ev = evaluate(p, prepareFor({ n: 8, input: F8, output: { width: 8, frac: 8 } }, 64));
    expect(ev.overall.maxErrLsb).toBeLessThanOrEqual(0.5001);
  });
});

describe('explore', () => {
  const f = { n: 8, input: F8, output: { width: 8, frac: 8 } };
  it('sweeps every method and addressing around the defaults', () => {
    const c = sweepSpace(f);
    const series = new Set(c.map((x) => `${x.method}/${x.addressing}`));
    expect([...series].sort()).toEqual(['exact/divider', 'hls4ml-like/default', 'hls4ml-like/top-bits', 'ibert/divider', 'logexp/normalized', 'lut2d/linear', 'lut2d/normalized', 'rexp/linear', 'rexp/normalized', 'softermax/normalized']);
    expect(c.length).toBeGreaterThan(3000);
    expect(c).toContainEqual({ method: 'rexp', addressing: 'normalized', params: { expWidth: 12, expStepLog2: 0, recipAddrBits: 8, recipWidth: 10 } });
  });
  it('measures a candidate exactly as evaluate does (workload set and its adversarial vectors), with its bound, and skips impossible ones', () => {
    const set = prepareFor(f, 16);
    const r = measure(f, { method: 'rexp', addressing: 'normalized', params: {} }, set)!;
    expect(r.lutBytes).toBe(830);
    const p = makePlan(cfg());
    const ws = evaluate(p, set).overall;
    const adv = evaluate(p, prepareAdversarial(p)).overall;
    // the worst found is the larger max error; every other metric is the workload set's
    expect(r.metrics).toEqual({ ...ws, maxErrLsb: Math.max(ws.maxErrLsb, adv.maxErrLsb) });
    expect(r.found).toEqual({ workloads: ws.maxErrLsb, adversarial: adv.maxErrLsb });
    expect(r.bound).toBe(errorBound(p).lsb);
    expect(r.metrics.maxErrLsb).toBeLessThanOrEqual(r.bound);
    expect(measure(f, { method: 'lut2d', addressing: 'normalized', params: { expWidth: 4, colBits: 8 } }, set)).toBeNull();
  });
  it('marks the Pareto front and picks the smallest table meeting a bound', () => {
    // bound and measured error alike here (test/explore-bound.test.ts tells them apart)
    const row = (b: number, e: number) => ({ method: 'm', addressing: 'a', params: {}, resolved: { b }, lutBytes: b, latency: 1, pareto: false, bound: e, metrics: { maxErrLsb: e } }) as unknown as Row;
    const rows = [row(100, 5), row(200, 6), row(200, 2), row(300, 2), row(400, 0.9), row(50, 9)];
    const front = markPareto(rows);
    expect(front.map((r) => [r.lutBytes, r.metrics.maxErrLsb])).toEqual([[50, 9], [100, 5], [200, 2], [400, 0.9]]);
    expect(rows.filter((r) => r.pareto).length).toBe(4);
    expect(smallestMeeting(rows, 2)!.lutBytes).toBe(200);
    expect(smallestMeeting(rows, 2)!.metrics.maxErrLsb).toBe(2);
    expect(smallestMeeting(rows, 1)!.lutBytes).toBe(400);
    expect(smallestMeeting(rows, 0.5)).toBeUndefined();
  });
});
