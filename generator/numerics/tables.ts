/**
 * Pieces the paper's two methods share: the exponent table LUT_1/e, and the two ways of
 * addressing a table by the sum S (linear quantisation, or leading-one normalisation).
 */
import { z } from 'zod';
import { intIn } from '../core/schema.js';
import { ConfigError } from '../core/errors.js';
import { bitsFor, clog2, leadingOne, roundHalfUp, shr } from '../core/bits.js';
import type { CommonPlan, ExpCalc, MethodPlan, OnlineSum, SCell, Table } from './types.js';
import { defaultFracBits, planPow2 } from './pow2.js';

export const MAX_TABLE_ENTRIES = 65536;

export const EXP_FORMS = ['auto', 'direct', 'reduced', 'pow2'] as const;
export type ExpForm = (typeof EXP_FORMS)[number];

export const expParamShape = {
  expWidth: intIn(2, 24).optional(),
  expStepLog2: intIn(0, 31).optional(),
  /**
   * The exponent's form: a direct table of d (stepping over 2^expStepLog2 codes), or range-reduced,
   * e^-d = e^-(d_hi) * e^-(d_lo) from two small tables and one product. 'auto' (the default): direct
   * when a table of every code fits DEFAULT_EXP_ENTRIES, else reduced. 'pow2': Softermax's base 2, a
   * shift and a table of 2^expFracBits fractions, computed per element (pow2.ts).
   */
  exp: z.enum(EXP_FORMS, { errorMap: () => ({ message: `allowed: one of ${EXP_FORMS.join(', ')}` }) }).optional(),
  /** Reduced form: bits of d the low table covers (default: the fewest table bytes). */
  expLoBits: intIn(1, 12).optional(),
  /**
   * Reduced form: bits of the low table's entries, T_lo[0] = 2^(expLoWidth - 1) (default expWidth + 2).
   * Narrower makes the product e^-(d_hi) * e^-(d_lo) narrower (18 bits: one MULT18X18D side); the
   * error bound says what it costs.
   */
  expLoWidth: intIn(2, 26).optional(),
  /** pow2 form: fraction bits F of the power of two (a table of 2^F entries). */
  expFracBits: intIn(0, 12).optional(),
  /**
   * pow2 form, when a code is a power-of-two fraction of a power of two (input.scale ln 2 times a
   * power of two): Softermax's online sum, IntMax and an exact sum (MethodPlan.expOnline), so that a
   * stream block builds the sum in the pass that finds the max.
   */
  online: z.boolean().optional(),
};

export interface ExpPlan {
  /** Direct: the table of d >> shift. Reduced: the high table, of d_hi = d >> shift. */
  table: Table;
  shift: number;
  /**
   * Reduced form only: the low table, T_lo[d_lo] = round(2^loFrac e^-(d_lo u)) for d_lo = d mod 2^shift,
   * and e = round(T[d_hi] * T_lo[d_lo] / 2^loFrac).
   */
  lo?: Table;
  loFrac?: number;
  /** pow2 form: the computed exponent (the table holds its value for every d). */
  calc?: ExpCalc;
  /** pow2 form with method.online: the online sum. */
  online?: OnlineSum;
  ew: number;
  /** Scale of the table: e^-d is stored as round(scale * e^-d), scale = 2^EW - 1 so e^0 fits. */
  scale: number;
  /** Range of S: the largest element has d = 0 and contributes T[0]; all n may. */
  sMin: number;
  sMax: number;
  sw: number;
  notes: string[];
}

/** Length of the exponent table for a step of 2^shift input codes: up to the first zero entry. */
function expLength(c: CommonPlan, scale: number, shift: number): number {
  const kMax = shr(2 ** c.dw - 1, shift);
  let k = 0;
  while (k <= kMax && roundHalfUp(scale * Math.exp(-k * 2 ** shift * c.unit)) > 0) {
    k++;
    if (k > MAX_TABLE_ENTRIES) break;
  }
  return k;
}

/** Default exponent step: the finest that keeps the table at 512 entries or fewer. */
const DEFAULT_EXP_ENTRIES = 512;

/**
 * The default exponent width: OW + ceil(log2 n) + 2 bits (at most 24). Up to n - 1 entries can each
 * be off by half a unit, and the tail entries stored as 0 lose up to half a unit each, so the sum's
 * relative error grows like n / 2^EW; this keeps it near 2^-(OW+3), a quarter of an output LSB at
 * y = 1 (README, "The error bound"; scripts/bound-table.ts checks the default rexp block at every n).
 */
export function defaultExpWidth(c: CommonPlan, extra = 2): number {
  return Math.min(24, c.ow + clog2(c.n) + extra);
}

/** method.expLoWidth given for an exponent that has no low table. */
const LO_WIDTH_ONLY = 'allowed: only with method.exp reduced or auto (the reduced form\'s low table)';

/** Bytes of a table of `entries` words of `width` bits (as the manifest counts them). */
function bytesOf(entries: number, width: number): number {
  return Math.ceil((entries * width) / 8);
}

/** The reduced form's low table covers 2^loBits codes of d, in loWidth bits (its entry 0 is 2^(loWidth - 1)). */
function reducedCost(c: CommonPlan, scale: number, ew: number, loBits: number, loWidth: number): number {
  return bytesOf(2 ** loBits, loWidth) + bytesOf(expLength(c, scale, loBits), ew);
}

export function planExp(c: CommonPlan, raw: { expWidth?: number; expStepLog2?: number; exp?: ExpForm; expLoBits?: number; expLoWidth?: number; expFracBits?: number; online?: boolean }): ExpPlan {
  const ew = raw.expWidth ?? defaultExpWidth(c);
  const scale = 2 ** ew - 1;
  const form = raw.exp ?? 'auto';
  // the reduced form's low table: its entries' width (entry 0 is 2^(loWidth - 1))
  const loWidth = raw.expLoWidth ?? ew + 2;
  if (form === 'pow2') {
    if (raw.expStepLog2 !== undefined) throw new ConfigError('method.expStepLog2', raw.expStepLog2, 'allowed: only with method.exp direct or auto (pow2 reads every code)');
    if (raw.expLoBits !== undefined) throw new ConfigError('method.expLoBits', raw.expLoBits, 'allowed: only with method.exp reduced or auto');
    if (raw.expLoWidth !== undefined) throw new ConfigError('method.expLoWidth', raw.expLoWidth, LO_WIDTH_ONLY);
    const pw = planPow2(c, ew, raw.expFracBits ?? defaultFracBits(c), MAX_TABLE_ENTRIES, raw.online === true);
    const E = pw.table.values[0]!;
    // online: the largest element reads d' = o <= granule - 1, and S = floor(sum / 2^zmax) is at least
    // its floored power of two, e(o) >= e(granule - 1)
    const sMin = pw.online ? (pw.table.values[pw.online.granule - 1] ?? 0) : E;
    if (sMin < 1) throw new ConfigError('method.expWidth', ew, 'allowed: wide enough that the largest element reads a nonzero exponent at every IntMax offset');
    const online = pw.online ? { online: pw.online } : {};
    return { table: pw.table, shift: 0, calc: pw.calc, ...online, ew, scale, sMin, sMax: c.n * E, sw: ew + clog2(c.n), notes: pw.notes };
  }
  if (raw.online !== undefined) throw new ConfigError('method.online', raw.online, 'allowed: only with method.exp pow2 (Softermax\'s base-2 exponent)');
  if (raw.expFracBits !== undefined) throw new ConfigError('method.expFracBits', raw.expFracBits, 'allowed: only with method.exp pow2');
  let shift: number;
  let reduced = false;
  if (raw.expStepLog2 !== undefined) {
    if (form === 'reduced') throw new ConfigError('method.expStepLog2', raw.expStepLog2, 'allowed: only with method.exp direct or auto (the reduced form reads every code)');
    shift = raw.expStepLog2;
    if (shift >= c.dw) {
      throw new ConfigError('method.expStepLog2', shift, `allowed: an integer in 0..${c.dw - 1} (below the input width)`);
    }
    const len = expLength(c, scale, shift);
    if (len > MAX_TABLE_ENTRIES) {
      let s = shift;
      while (expLength(c, scale, s) > MAX_TABLE_ENTRIES) s++;
      throw new ConfigError(
        'method.expStepLog2',
        shift,
        `the exponent table would exceed ${MAX_TABLE_ENTRIES} entries; allowed: ${s}..${c.dw - 1} for these formats`,
      );
    }
  } else if (form === 'reduced' || (form === 'auto' && (raw.expLoBits !== undefined || expLength(c, scale, 0) > DEFAULT_EXP_ENTRIES))) {
    if (c.dw < 2) throw new ConfigError('method.exp', form, 'allowed: direct (a 1-bit difference has nothing to split)');
    reduced = true;
    if (raw.expLoBits !== undefined) {
      if (raw.expLoBits >= c.dw) throw new ConfigError('method.expLoBits', raw.expLoBits, `allowed: an integer in 1..${c.dw - 1} (below the input width)`);
      shift = raw.expLoBits;
    } else {
      // the split with the fewest table bytes
      shift = 1;
      for (let l = 2; l < Math.min(c.dw, 13); l++) if (reducedCost(c, scale, ew, l, loWidth) < reducedCost(c, scale, ew, shift, loWidth)) shift = l;
    }
  } else {
    if (raw.expLoBits !== undefined) throw new ConfigError('method.expLoBits', raw.expLoBits, 'allowed: only with method.exp reduced or auto');
    shift = 0;
    while (shift < c.dw - 1 && expLength(c, scale, shift) > DEFAULT_EXP_ENTRIES) shift++;
  }
  if (!reduced && raw.expLoWidth !== undefined) throw new ConfigError('method.expLoWidth', raw.expLoWidth, LO_WIDTH_ONLY);
  const len = expLength(c, scale, shift);
  const values: number[] = [];
  for (let k = 0; k < len; k++) values.push(roundHalfUp(scale * Math.exp(-k * 2 ** shift * c.unit)));
  const kMax = shr(2 ** c.dw - 1, shift);
  const sMin = values[0]!;
  const sMax = c.n * sMin;
  const sw = ew + clog2(c.n);
  const step = fmtUnit(c, shift);
  const tail = len <= kMax ? `, d_hi >= ${len} gives 0 (first entry that rounds to 0)` : ', covers every d';
  const common = { shift, ew, scale, sMin, sMax, sw };
  if (reduced) {
    // T_lo[l] = round(2^loFrac e^-(l u)), loFrac = expLoWidth - 1 (default EW + 1): entry 0 is 2^loFrac
    // itself, expLoWidth bits
    const loFrac = loWidth - 1;
    const lo: number[] = [];
    for (let l = 0; l < 2 ** shift; l++) lo.push(roundHalfUp(2 ** loFrac * Math.exp(-l * c.unit)));
    return {
      table: { name: 'exp_lut', what: 'e^-(d_hi)', width: ew, addrWidth: Math.max(1, clog2(len)), values },
      lo: { name: 'exp_lo_lut', what: 'e^-(d_lo)', width: loFrac + 1, addrWidth: shift, values: lo },
      loFrac,
      ...common,
      notes: [
        `exponent, range-reduced: e^-d = e^-(d_hi) * e^-(d_lo), d_hi = d >> ${shift}, d_lo = the low ${shift} bits of d`,
        `  high table: round(${scale} * e^-(d_hi*${step})); ${len} entries of ${ew} bits${tail}`,
        `  low table: round(2^${loFrac} * e^-(d_lo*${fmtUnit(c)})); ${2 ** shift} entries of ${loFrac + 1} bits`,
        `  e = round(high * low / 2^${loFrac}): one ${ew}x${loFrac + 1} product per element`,
      ],
    };
  }
  return {
    table: { name: 'exp_lut', what: 'e^-d', width: ew, addrWidth: Math.max(1, clog2(len)), values },
    ...common,
    notes: [`exponent table LUT_1/e: e = round(${scale} * e^-(k*${step})), k = d >> ${shift}; ${len} entries of ${ew} bits` + tail.replace('d_hi', 'k')],
  };
}

/**
 * The value of 2^shift input codes, as the plan text writes it: 2^(shift - IF), times input.scale
 * when there is one.
 */
export function fmtUnit(c: CommonPlan, shift = 0): string {
  return c.inScale === 1 ? `2^${shift - c.ifrac}` : `${c.inScale}*2^${shift - c.ifrac}`;
}

/** The exponent unit of a method plan: the table (and low table) and how d addresses them. */
export interface ExpUnit {
  expTable: Table;
  expShift: number;
  expLo?: Table;
  expLoFrac?: number;
  expCalc?: ExpCalc;
  expOnline?: OnlineSum;
}

/**
 * The online sum's IntMax (MethodPlan.expOnline): the offset o = M - max in 0..granule-1 of the row's
 * reference M, max rounded up to a multiple of the granule; every element reads d' = max - x + o.
 */
export function onlineOffset(on: OnlineSum, max: number): number {
  const g = on.granule;
  return (((-max) % g) + g) % g;
}

/**
 * The online sum S = floor(sum_i k_i sum[d'_i] / 2^zmax) of elements d'_i, each counted k_i times
 * (default once), exactly: split so that no partial sum passes 2^53.
 */
export function onlineSumOf(on: OnlineSum, dps: ArrayLike<number>, counts?: ArrayLike<number>): number {
  const q = 2 ** on.zmax;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < dps.length; i++) {
    const v = on.sum[dps[i]!]!;
    const k = counts ? counts[i]! : 1;
    const h = Math.floor(v / q);
    hi += k * h;
    lo += k * (v - h * q);
    if (lo >= q) {
      const c = Math.floor(lo / q);
      hi += c;
      lo -= c * q;
    }
  }
  return hi + Math.floor(lo / q);
}

/** Bit-exact exponent of d, as the RTL computes it: T[d >> shift] (0 past the table), times T_lo[d_lo] rounded when reduced. */
export function expValue(u: ExpUnit, d: number): number {
  const t = u.expTable;
  const k = shr(d, u.expShift);
  const hi = k < t.values.length ? t.values[k]! : 0;
  if (!u.expLo) return hi;
  const lo = u.expLo.values[d - k * 2 ** u.expShift]!;
  return shr(hi * lo + 2 ** (u.expLoFrac! - 1), u.expLoFrac!);
}

/** Every e(d) for d = 0..2^DW - 1. */
export function expValues(u: ExpUnit, dw: number): Float64Array {
  const out = new Float64Array(2 ** dw);
  for (let d = 0; d < out.length; d++) out[d] = expValue(u, d);
  return out;
}

/** The exponent's resolved parameters: the step of a direct table, or the low bits of the reduced form. */
export function expParams(e: ExpPlan): Record<string, number> {
  if (e.calc) return { expWidth: e.ew, expFracBits: Math.round(Math.log2(e.calc.q)) };
  // expLoWidth only when not its default (expWidth + 2)
  if (e.lo) return { expWidth: e.ew, expLoBits: e.shift, ...(e.lo.width !== e.ew + 2 ? { expLoWidth: e.lo.width } : {}) };
  return { expWidth: e.ew, expStepLog2: e.shift };
}

/** The exponent fields of a method plan from its ExpPlan. */
export function expUnit(e: ExpPlan): ExpUnit {
  return {
    expTable: e.table,
    expShift: e.shift,
    ...(e.lo ? { expLo: e.lo, expLoFrac: e.loFrac! } : {}),
    ...(e.calc ? { expCalc: e.calc } : {}),
    ...(e.online ? { expOnline: e.online } : {}),
  };
}

/**
 * Linear addressing of S, the paper's: index = (S >> sh) - (S_min >> sh), with the smallest sh
 * that keeps the index below 2^bits. Bin j covers S in [lo_j, hi_j].
 */
export interface LinearS {
  sh: number;
  base: number;
  entries: number;
  addrWidth: number;
  bins: { lo: number; hi: number }[];
}

export function linearS(e: ExpPlan, bits: number): LinearS {
  let sh = 0;
  while (shr(e.sMax, sh) - shr(e.sMin, sh) + 1 > 2 ** bits) sh++;
  const base = shr(e.sMin, sh);
  const entries = shr(e.sMax, sh) - base + 1;
  const bins = [];
  for (let j = 0; j < entries; j++) {
    bins.push({ lo: Math.max(e.sMin, (base + j) * 2 ** sh), hi: Math.min(e.sMax, (base + j + 1) * 2 ** sh - 1) });
  }
  return { sh, base, entries, addrWidth: Math.max(1, clog2(entries)), bins };
}

export function linearIndex(l: LinearS, s: number): number {
  return shr(s, l.sh) - l.base;
}

/** How a method addresses its table by S: one of the two, planned. */
export interface SAddressing {
  linear?: LinearS;
  norm?: NormS;
}

/** Normalised addressing: S = m * 2^p with m in [1, 2); the index is the top `bits` bits of m - 1. */
export interface NormS {
  bits: number;
  pMin: number;
  pMax: number;
  /** Width of p. */
  pw: number;
}

export function normS(e: ExpPlan, bits: number): NormS {
  const pMin = leadingOne(e.sMin);
  const pMax = leadingOne(e.sMax);
  return { bits, pMin, pMax, pw: bitsFor(pMax) };
}

/** The leading-one position p and the mantissa index j = floor(S * 2^bits / 2^p) - 2^bits. */
export function normIndex(ns: NormS, s: number): { p: number; j: number } {
  const p = leadingOne(s);
  const j = Math.floor((s * 2 ** ns.bits) / 2 ** p) - 2 ** ns.bits;
  return { p, j };
}

/** The cells of S on which the normalised index (p, j) is constant, clipped to [sMin, sMax]. */
export function normCells(ns: NormS, sMin: number, sMax: number): SCell[] {
  const out: SCell[] = [];
  for (let p = leadingOne(sMin); p <= leadingOne(sMax); p++) {
    for (let j = 0; j < 2 ** ns.bits; j++) {
      // normIndex gives j for S in [2^p + j 2^(p-b), 2^p + (j+1) 2^(p-b))
      const lo = Math.max(sMin, 2 ** p + Math.ceil((j * 2 ** p) / 2 ** ns.bits));
      const hi = Math.min(sMax, 2 ** p + Math.ceil(((j + 1) * 2 ** p) / 2 ** ns.bits) - 1);
      if (lo <= hi) out.push({ sLo: lo, sHi: hi });
    }
  }
  return out;
}

/** The cells of S on which the linear index is constant: the bins. */
export function linearCells(l: LinearS): SCell[] {
  return l.bins.map((b) => ({ sLo: b.lo, sHi: b.hi }));
}

/** Midpoint of mantissa bin j: the constant that minimises the worst relative error of 1/m. */
export function mantissaMid(ns: NormS, j: number): number {
  return 1 + (j + 0.5) / 2 ** ns.bits;
}

export function checkLinearBits(key: string, bits: number, max = 16): void {
  if (bits > max) throw new ConfigError(key, bits, `allowed: an integer in 1..${max}`);
}

/**
 * [sMin, sMax] cut into the runs of a function y(S) that never grows with S (by bisection): for
 * the correctly rounded quotient min(maxCode, round(e 2^OF / S)).
 */
export function monotoneRuns(y: (s: number) => number, sMin: number, sMax: number): { sLo: number; sHi: number; y: number }[] {
  const runs = [];
  let lo = sMin;
  while (lo <= sMax) {
    const v = y(lo);
    let a = lo;
    let b = sMax;
    while (a < b) {
      const m = Math.floor((a + b + 1) / 2);
      if (y(m) === v) a = m;
      else b = m - 1;
    }
    runs.push({ sLo: lo, sHi: a, y: v });
    lo = a + 1;
  }
  return runs;
}

/** A lane's input for the element with difference d and exponent entry e: e, or d with laneInput 'd'. */
export function laneValue(mp: Pick<MethodPlan, 'laneInput'>, d: number, e: number): number {
  return mp.laneInput === 'd' ? d : e;
}
