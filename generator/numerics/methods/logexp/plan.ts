/**
 * LOGEXP's plan: the parameter schema, the exponent table (for the sum), the two tables of ln S (its
 * leading-one position and its mantissa) and the output table of e^-a with its float addressing.
 */
import { z } from 'zod';
import { intIn } from '../../../core/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, leadingOne, roundHalfUp, shr } from '../../../core/bits.js';
import { expParamShape, expParams, expUnit, normCells, normIndex, normS, planExp, type NormS } from '../../tables.js';
import type { CommonPlan, MethodPlan } from '../../types.js';

export const paramsSchema = z
  .object({
    ...expParamShape,
    /** F: the lane's log step is delta = unit / 2^F (unit: one input code inside the softmax). */
    logFracBits: intIn(0, 12).optional(),
    /** b: bits of the sum's mantissa that address the ln m table. */
    mantBits: intIn(1, 12).optional(),
    /** m: the output table's mantissa bits (2^m entries at step delta, then 2^(m-1) per doubling of a). */
    yBits: intIn(2, 12).optional(),
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

/** Extra fraction bits of the two ln S tables, dropped (rounding) once, after their sum. */
export const GUARD = 2;

/** What the plan keeps beside the MethodPlan for the other files. */
export interface Extra {
  ns: NormS;
  /** delta = unit / 2^F: the step of the lane's argument A. */
  delta: number;
  /** The offset folded into the ln p table: A = d 2^F + K is a - OFF in units of delta. */
  off: number;
}

const extra = new WeakMap<MethodPlan, Extra>();

export function extraOf(mp: MethodPlan): Extra {
  return extra.get(mp)!;
}

/**
 * The output table's float addressing: A below 2^m is its own index; above, with k = (position of
 * A's leading one) - m + 1, the index is k 2^(m-1) + (A >> k): 2^(m-1) entries for each doubling of A,
 * each covering 2^k values of A.
 */
export function yIndex(a: number, m: number): number {
  if (a < 2 ** m) return a;
  const k = leadingOne(a) - m + 1;
  return k * 2 ** (m - 1) + shr(a, k);
}

/** The values of A that read index idx. */
export function yBucket(idx: number, m: number): { lo: number; hi: number } {
  if (idx < 2 ** m) return { lo: idx, hi: idx };
  const k = Math.floor(idx / 2 ** (m - 1)) - 1;
  const top = idx - k * 2 ** (m - 1);
  return { lo: top * 2 ** k, hi: (top + 1) * 2 ** k - 1 };
}

export function plan(c: CommonPlan, raw: Record<string, unknown>): MethodPlan {
  const prm = raw as Params;
  if (prm.exp === 'reduced') {
    throw new ConfigError('method.exp', prm.exp, 'allowed: direct or auto (the range-reduced exponent needs a product; logexp has none)');
  }
  const e = planExp(c, { ...prm, exp: 'direct' });
  const of = c.ofrac;
  // delta near 2^-(OF+1): a quarter of an output LSB at y = 1 per step
  const F = prm.logFracBits ?? Math.max(0, Math.min(12, Math.ceil(Math.log2(c.unit) + of + 1)));
  const delta = c.unit / 2 ** F;
  const b = prm.mantBits ?? Math.max(1, Math.min(12, of));
  const m = prm.yBits ?? Math.max(2, Math.min(12, of));
  const ns = normS(e, b);
  const E = e.table.values[0]!;
  // lambda(S) = ln(S / E) = p ln 2 + ln m - ln E, in units of delta / 2^GUARD, from two tables
  const lnp: number[] = [];
  for (let p = ns.pMin; p <= ns.pMax; p++) lnp.push(roundHalfUp((2 ** GUARD * (p * Math.LN2 - Math.log(E))) / delta));
  const lnm: number[] = [];
  for (let q = 0; q < 2 ** b; q++) {
    // the bin's geometric middle: the error in ln m is the same at either end
    const mid = 0.5 * (Math.log(1 + q / 2 ** b) + Math.log(1 + (q + 1) / 2 ** b));
    lnm.push(roundHalfUp((2 ** GUARD * mid) / delta));
  }
  // an offset keeps K = (lnp + lnm + half) >> GUARD non-negative for every S that can occur (S >= T[0],
  // so lambda >= 0 but for the tables' rounding)
  let minSum = Infinity;
  for (const cell of normCells(ns, e.sMin, e.sMax)) {
    const { p, j } = normIndex(ns, cell.sLo);
    minSum = Math.min(minSum, lnp[p - ns.pMin]! + lnm[j]!);
  }
  const off = Math.max(0, Math.ceil(-minSum / 2 ** GUARD));
  const lnpOff = lnp.map((v) => v + off * 2 ** GUARD);
  const sumMax = Math.max(...lnpOff) + Math.max(...lnm) + 2 ** (GUARD - 1);
  const kMax = shr(sumMax, GUARD);
  const aMax = (2 ** c.dw - 1) * 2 ** F + kMax;
  const aw = bitsFor(aMax);
  // the output table: the midpoint of each bucket's range of 2^OF e^-a, rounded and saturated; it
  // ends after its last non-zero entry (the ROM reads 0 past it)
  const yOf = (a: number) => 2 ** of * Math.exp(-(a - off) * delta);
  const idxMax = yIndex(aMax, m);
  const ys: number[] = [];
  for (let idx = 0; idx <= idxMax; idx++) {
    const { lo, hi } = yBucket(idx, m);
    ys.push(Math.min(c.maxCode, roundHalfUp((yOf(lo) + yOf(Math.min(hi, aMax))) / 2)));
  }
  let len = ys.length;
  while (len > 1 && ys[len - 1] === 0) len--;
  const yAddr = bitsFor(idxMax);
  // the ln p entries are stored modulo 2^ksw (the smallest p's is negative: only a mantissa near 2
  // reaches it, and the sum K adds up to at least 0 for every S that occurs)
  const ksw = bitsFor(sumMax);
  const lnpStored = lnpOff.map((v) => ((v % 2 ** ksw) + 2 ** ksw) % 2 ** ksw);
  const lnmw = bitsFor(Math.max(...lnm, 1));
  const sw = e.sw;
  const notes = [
    ...e.notes,
    `normalisation: S = m * 2^p by leading-one detection, p in ${ns.pMin}..${ns.pMax} (${ns.pw} bits); q = top ${b} bits of m - 1`,
    `K = (LN_P[p - ${ns.pMin}] + LN_M[q] + ${2 ** (GUARD - 1)}) >> ${GUARD} ~ ln(S / T[0]) / delta + ${off}, delta = unit / 2^${F} = ${delta.toPrecision(4)}`,
    `lane: A = d * 2^${F} + K (${aw} bits, no multiplier); y = Y[index(A)], index: A below 2^${m}, else k 2^${m - 1} + (A >> k), k = lead(A) - ${m - 1}`,
    `output table: ${len} entries of ${c.ow} bits, round(2^${of} e^-((A - ${off}) delta)) at each bucket's middle, saturated; 0 past its end`,
  ];
  const mp: MethodPlan = {
    params: { ...expParams(e), logFracBits: F, mantBits: b, yBits: m },
    ...expUnit(e),
    tables: [
      { name: 'ln_p', what: 'ln 2^p / T[0] modulo 2^' + ksw + ', in delta / 4', width: ksw, addrWidth: Math.max(1, bitsFor(ns.pMax - ns.pMin)), values: lnpStored },
      { name: 'ln_m', what: 'ln m of the mantissa, in delta / 4', width: lnmw, addrWidth: b, values: lnm },
      { name: 'y_lut', what: 'e^-a, float-addressed', width: c.ow, addrWidth: yAddr, values: ys.slice(0, len) },
    ],
    laneInput: 'd',
    notes,
    vars: { sw, F, m, aw, lnmw, off, yAddr, pw: Math.max(1, bitsFor(ns.pMax - ns.pMin)), ksw },
  };
  extra.set(mp, { ns, delta, off });
  return mp;
}
