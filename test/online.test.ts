/**
 * Softermax's online sum (method.online with the pow2 exponent; MethodPlan.expOnline): the row's
 * reference is its max rounded up to a whole power of two (IntMax), and S the exact sum of the
 * elements' unrounded powers of two, floored once. Checked here: the config rules, exact values by
 * hand, and the reason for it all: a single pass with a running max, rescaling its sum by a shift
 * whenever the max moves, builds exactly the model's S, in any order and beat size, with every shift
 * exact.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../generator/hardware/plan.js';
import { modelTrace } from '../generator/numerics/model.js';
import type { Plan } from '../generator/numerics/types.js';
import { cfg } from './helpers.js';

const LN2 = Math.LN2;
const online = (over: Record<string, unknown> = {}) => cfg({ input: { width: 8, frac: 4, scale: LN2 }, method: { name: 'softermax', online: true }, ...over });

/** A seeded generator (mulberry32), for the random rows. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One pass over a row in beats of P, as Softermax's hardware runs it: a running max M (rounded up to
 * the granule), and a running sum kept relative to M, shifted right by the powers of two M moves
 * (asserting that no set bit is shifted out), plus the beat's powers of two relative to the new M.
 * Returns floor(sum / 2^zmax). BigInt: the exact sum can pass 2^53.
 */
function onePass(p: Plan, x: number[], P: number): number {
  const on = p.mp.expOnline!;
  const g = on.granule;
  // powers of two per code: 2^-a, or (granule 1) a whole number of them
  const perCode = Math.round(p.common.unit * Math.LOG2E * 2 ** 20) / 2 ** 20;
  const up = (v: number) => Math.ceil(v / g) * g;
  let m: number | undefined;
  let acc = 0n;
  for (let b = 0; b < x.length; b += P) {
    const beat = x.slice(b, b + P);
    const mNew = up(Math.max(m ?? -Infinity, ...beat));
    if (m !== undefined && mNew > m) {
      const shift = BigInt((mNew - m) * perCode);
      expect(acc % (1n << shift)).toBe(0n); // exact: every term is a multiple of 2^shift
      acc >>= shift;
    }
    m = mNew;
    for (const v of beat) acc += BigInt(on.sum[m - v]!);
  }
  return Number(acc >> BigInt(on.zmax));
}

describe('online sum: config', () => {
  it('needs the pow2 exponent: method.online on rexp with its table exponent names the key', () => {
    expect(() => makePlan(cfg({ method: { name: 'rexp', online: true } }))).toThrow(/method.online = true: allowed: only with method.exp pow2/);
  });
  it('needs a base-2 input: at 8.4 without a scale one code is 0.0901684 powers of two', () => {
    expect(() => makePlan(cfg({ method: { name: 'softermax', online: true } }))).toThrow(/method.online = true: allowed: only when one input code is .* input.scale = ln 2 \* 2\^k \(here one code is 0.0901684/);
  });
  it('needs the exact sum to fit 52 bits: 8.2 x ln 2 spans 64 powers of two, 13 + 64 + 3 bits at n = 8', () => {
    expect(() => makePlan(online({ input: { width: 8, frac: 2, scale: LN2 } }))).toThrow(/method.online = true: allowed: only while the exact sum fits 52 bits; here it takes 80 \(13 exponent bits \+ 64 powers of two/);
  });
  it('at 8.4 x ln 2: a granule of 16 codes (one power of two), d\' up to 255 + 15, zmax = 270 >> 4 = 16', () => {
    const on = makePlan(online()).mp.expOnline!;
    expect(on.granule).toBe(16);
    expect(on.sum.length).toBe(271);
    expect(on.zmax).toBe(16);
  });
});

describe('online sum: the model, by hand', () => {
  it('x = (5, 0, -20) codes at 8.4 x ln 2, n = 3: M = 16, d\' = (11, 16, 36), S = floor(P[44] + P[0] / 2 + P[16] / 4)', () => {
    const p = makePlan(online({ n: 3 }));
    // F = OF - 2 = 6, EW = 8 + 2 + 2 = 12: t = d' * 2^(6 - 4), z = t >> 6, f = t mod 64
    expect(p.mp.params.expWidth).toBe(12);
    const P = (f: number) => Math.floor(4095 * 2 ** (-f / 64) + 0.5);
    const t = modelTrace(p, [5, 0, -20]);
    expect(t.d).toEqual([11, 16, 36]);
    // t = 44, 64, 144: (z, f) = (0, 44), (1, 0), (2, 16)
    expect(t.e).toEqual([P(44), P(0) >> 1, P(16) >> 2]);
    expect(t.sum).toBe(Math.floor(P(44) + P(0) / 2 + P(16) / 4));
    // the exact sum keeps what the lanes' e drop: here S is one more than the sum of e
    expect(t.sum).toBe(t.e[0]! + t.e[1]! + t.e[2]! + 1);
  });
  it('a max already on the granule has offset 0: x = (16, 0) reads d\' = (0, 16)', () => {
    expect(modelTrace(makePlan(online({ n: 2 })), [16, 0]).d).toEqual([0, 16]);
  });
  it('is shift-invariant by whole powers of two: x + 16 gives the same outputs', () => {
    const p = makePlan(online({ n: 8 }));
    const r = rng(5);
    for (let k = 0; k < 200; k++) {
      const x = Array.from({ length: 8 }, () => Math.floor(r() * 200) - 128);
      expect(modelTrace(p, x.map((v) => v + 16)).y).toEqual(modelTrace(p, x).y);
    }
  });
});

describe('online sum: one pass builds the model\'s S exactly', () => {
  for (const [label, over] of [
    ['8.4 x ln 2, n = 64', { n: 64 }],
    ['8.4 x ln 2, n = 512', { n: 512 }],
    ['6.2 x ln 2 (granule 4), n = 16', { n: 16, input: { width: 6, frac: 2, scale: LN2 } }],
    ['8.6 x 2 ln 2 (granule 32), n = 16', { n: 16, input: { width: 8, frac: 6, scale: 2 * LN2 } }],
    ['8.4 x ln 2, F = 2 (t rounded), n = 16', { n: 16, method: { name: 'softermax', online: true, expFracBits: 2 } }],
    ['4.0 x 2 ln 2 (granule 1, 2 powers of two a code), n = 8', { n: 8, input: { width: 4, frac: 0, scale: 2 * LN2 } }],
    ['5.0 x ln 2 (granule 1), n = 8', { n: 8, input: { width: 5, frac: 0, scale: LN2 } }],
  ] as const) {
    it(`${label}: random rows, lengths and beat sizes, in order and reversed`, () => {
      const p = makePlan(online(over as Record<string, unknown>));
      const r = rng(11);
      const lo = -(2 ** (p.common.iw - 1));
      for (let k = 0; k < 300; k++) {
        const len = 1 + Math.floor(r() * p.common.n);
        const spread = 2 ** (1 + Math.floor(r() * p.common.iw));
        const top = lo + Math.floor(r() * 2 ** p.common.iw);
        const x = Array.from({ length: len }, () => Math.max(lo, top - Math.floor(r() * spread)));
        const P = 1 + Math.floor(r() * 8);
        const s = modelTrace(p, x).sum;
        expect(onePass(p, x, P)).toBe(s);
        expect(onePass(p, [...x].reverse(), P)).toBe(s);
      }
    });
  }
});
