/**
 * hls4ml's own softmax, compiled from the pinned package in .venv (test/hls4ml/harness.ts), on inputs whose
 * outputs follow by hand from nnet_activation.h's stable implementation. This is the ground the hls4ml
 * baselines will be checked on bit for bit (issue 21); a missing .venv fails here, with how to install it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';
import { readHexBeats, unpackBeat } from '../generator/evidence/hexfile.js';
import { vectorSet } from '../generator/evidence/vector-set.js';
import { adversarialVectors } from '../generator/evidence/adversarial.js';
import { makePlan } from '../generator/hardware/plan.js';
import { model } from '../generator/numerics/model.js';
import { cfg } from './helpers.js';
import { clog2 } from '../generator/core/bits.js';
import { hls4mlVersion, runHls4ml, type Hls4mlSoftmax } from './hls4ml/harness.js';

const F18 = 'ap_fixed<18,8,AP_RND,AP_SAT>';
/** hls4ml 1.3.0's default accum_t for rows of n (its softmax config template): ap_fixed<18+s, 8+s>, s = ceil(log2 n). */
const accumOf = (n: number) => `ap_fixed<${18 + clog2(n)},${8 + clog2(n)}>`;
// 1024-entry tables, a saturating output; d = max - x in ap_ufixed<10,4>, whose 10 bits are the exponent
// table's index; every other type hls4ml's default exp_table_t
const tuned: Hls4mlSoftmax = {
  n: 2,
  input: 'ap_fixed<8,4>',
  result: 'ap_ufixed<8,0,AP_RND,AP_SAT>',
  implementation: 'stable',
  expTableSize: 1024,
  invTableSize: 1024,
  expTable: F18,
  invTable: F18,
  accum: F18,
  invInp: F18,
  inpNorm: 'ap_ufixed<10,4>',
};

describe("hls4ml's softmax from the pinned package", () => {
  it('is the pinned version', () => {
    expect(hls4mlVersion()).toBe('1.3.0');
  });
  it('x = (0, 0): e = table[0] = 1.0, S = 2.0 reads inverse entry 2048 >> 8 = 8, 1 / 2.0; y = 0.5 = 128', () => {
    expect(runHls4ml(tuned, [[0, 0]])).toEqual([[128, 128]]);
  });
  it('x = (127, -128) codes: the other term rounds to 0, S = 1.0, y = 1.0: 255 saturated, 0 where the output type wraps', () => {
    expect(runHls4ml(tuned, [[127, -128]])).toEqual([[255, 0]]);
    expect(runHls4ml({ ...tuned, result: 'ap_ufixed<8,0>' }, [[127, -128]])).toEqual([[0, 0]]);
  });
});

/**
 * hls4ml's defaults for an ap_fixed<8,4> input and an ap_ufixed<8,0> output, as its Vivado config template and
 * table-size pass set them (hls4ml/backends/vivado/passes/core_templates.py, backends/fpga/passes/
 * fix_softmax_table_size.py in the installed package): table_size 1024 cut to 2^8, the exponent table to
 * 2^7 with d in ap_ufixed<7,3>, accum_t ap_fixed<18+s,8+s> (s = ceil(log2 n)), every other type
 * ap_fixed<18,8,AP_RND,AP_SAT> (inv_inp_t is exp_table_t), the output as the user typed it.
 */
const hlsDefaultOf = (n: number): Hls4mlSoftmax => ({
  ...tuned,
  n,
  accum: accumOf(n),
  result: 'ap_ufixed<8,0>',
  expTableSize: 128,
  invTableSize: 256,
  inpNorm: 'ap_ufixed<7,3>',
});

describe("hls4ml-like 'default' is bit-exact with hls4ml 1.3.0 under its own defaults", () => {
  for (const n of [8, 64]) {
    it(`n = ${n}: the block's vector set (corners, adversarial, random) and 1000 more seeded random vectors`, () => {
      const plan = makePlan(cfg({ n, method: { name: 'hls4ml-like', addressing: 'default' } }));
      const F = { width: 8, frac: 4 };
      const x = [...vectorSet(n, F, 512, 1, plan), ...vectorSet(n, F, 1000, 23)];
      const got = runHls4ml(hlsDefaultOf(n), x);
      expect(got).toEqual(x.map((v) => model(plan, v)));
      // hls4ml's wrap shows: some element of some vector is 0 where the float softmax is near 1
      expect(got.some((r) => r.every((y) => y === 0))).toBe(true);
    });
  }
  it('is not monotone, as hls4ml is not: x = (0, -100, -128) codes, d = 128 wraps to 0 and outweighs d = 100', () => {
    const plan = makePlan(cfg({ n: 3, method: { name: 'hls4ml-like', addressing: 'default' } }));
    const y = runHls4ml(hlsDefaultOf(3), [[0, -100, -128]])[0]!;
    expect(y).toEqual(model(plan, [0, -100, -128]));
    expect(y[2]).toBeGreaterThan(y[1]!);
    expect(y[2]).toBe(y[0]);
  });
});

/**
 * The tuned hls4ml-like block ('top-bits') in hls4ml's own terms: the stable implementation, 1024-entry
 * tables of ap_fixed<18,8,AP_RND,AP_SAT>, d in ap_ufixed<10,4> (its 10 bits the exponent index), hls4ml's
 * default accum_t, the inverse's input ap_ufixed<18,I,AP_TRN,AP_SAT> with the plan's I (method.sumIntBits,
 * chosen per n by the plan), the output truncated and saturated.
 */
describe("the tuned hls4ml-like block is bit-exact with hls4ml 1.3.0 configured with the block's settings", () => {
  const sumIntBits = (n: number) => makePlan(cfg({ n, method: { name: 'hls4ml-like' } })).mp.params.sumIntBits as number;
  it('takes inv_inp_t ap_ufixed<18,I> with I = 3, 4, 3 at n = 8, 64, 512 (the smallest error bound of every I)', () => {
    expect([8, 64, 512].map(sumIntBits)).toEqual([3, 4, 3]);
  });
  const hlsLike = (n: number): Hls4mlSoftmax => ({
    ...tuned,
    n,
    accum: accumOf(n),
    invInp: `ap_ufixed<18,${sumIntBits(n)},AP_TRN,AP_SAT>`,
    result: 'ap_ufixed<8,0,AP_TRN,AP_SAT>',
  });
  const plan = makePlan(cfg({ n: 64, method: { name: 'hls4ml-like' } }));
  const F = { width: 8, frac: 4 };
  const dir = join(ROOT, 'generated', 'softmax_hls4ml_n64');
  const beats = (file: string, signed: boolean) => readHexBeats(readFileSync(join(dir, file), 'utf8')).map((h) => unpackBeat(h, 64, 8, signed));

  it('on the committed vectors of softmax_hls4ml_n64 (its expected outputs)', () => {
    const x = beats('softmax_hls4ml_n64_in.hex', true);
    const y = beats('softmax_hls4ml_n64_exp.hex', false);
    expect(x.length).toBe(512);
    expect(runHls4ml(hlsLike(64), x)).toEqual(y);
  });
  it('on 1000 seeded random vectors and on the adversarial vectors of its tables', () => {
    const x = [...vectorSet(64, F, 1000, 21), ...adversarialVectors(plan).map((v) => v.x)];
    expect(x.length).toBeGreaterThan(1000);
    expect(runHls4ml(hlsLike(64), x)).toEqual(x.map((v) => model(plan, v)));
  });
  for (const n of [8, 512]) {
    it(`n = ${n} (inv_inp_t ap_ufixed<18,${sumIntBits(n)}>): the block's vector set and 1000 more seeded random vectors`, () => {
      const p = makePlan(cfg({ n, method: { name: 'hls4ml-like' } }));
      const x = [...vectorSet(n, F, 256, 1, p), ...vectorSet(n, F, 1000, 24)];
      expect(runHls4ml(hlsLike(n), x)).toEqual(x.map((v) => model(p, v)));
    });
  }
  it('the sum type is checked: hls4ml with the old inv_inp_t ap_fixed<18,8> disagrees with the block', () => {
    const x = vectorSet(64, F, 200, 25);
    const old = runHls4ml({ ...hlsLike(64), invInp: F18 }, x);
    const differ = x.map((v) => model(plan, v)).flatMap((r, k) => r.filter((y, i) => y !== old[k]![i])).length;
    expect(differ).toBeGreaterThan(0);
  });
  it('fails on a deliberately wrong table: exponent entry d = 1 one unit low', () => {
    const x = vectorSet(64, F, 200, 22);
    const ref = runHls4ml(hlsLike(64), x);
    const t = plan.mp.expTable.values;
    const saved = t[1]!;
    t[1] = saved - 1;
    try {
      const wrong = x.map((v) => model(plan, v));
      const differ = wrong.flatMap((r, k) => r.filter((y, i) => y !== ref[k]![i])).length;
      expect(differ).toBeGreaterThan(0);
    } finally {
      t[1] = saved;
    }
  });
});
