/**
 * Pieces the paper's two methods share: the exponent table LUT_1/e, and the two ways of
 * addressing a table by the sum S (linear quantisation, or leading-one normalisation).
 */
import { intIn } from '../schema.js';
import { ConfigError } from '../errors.js';
import type { CommonPlan } from '../plan.js';
import { bitsFor, clog2, leadingOne, roundHalfUp, shr } from '../numerics.js';
import type { SCell, Table } from './types.js';

export const MAX_TABLE_ENTRIES = 65536;

export const expParamShape = {
  expWidth: intIn(2, 24).optional(),
  expStepLog2: intIn(0, 31).optional(),
};

export interface ExpPlan {
  table: Table;
  shift: number;
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
  while (k <= kMax && roundHalfUp(scale * Math.exp(-k * 2 ** shift * 2 ** -c.ifrac)) > 0) {
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

export function planExp(c: CommonPlan, raw: { expWidth?: number; expStepLog2?: number }): ExpPlan {
  const ew = raw.expWidth ?? defaultExpWidth(c);
  const scale = 2 ** ew - 1;
  let shift: number;
  if (raw.expStepLog2 !== undefined) {
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
  } else {
    shift = 0;
    while (shift < c.dw - 1 && expLength(c, scale, shift) > DEFAULT_EXP_ENTRIES) shift++;
  }
  const len = expLength(c, scale, shift);
  const values: number[] = [];
  for (let k = 0; k < len; k++) values.push(roundHalfUp(scale * Math.exp(-k * 2 ** shift * 2 ** -c.ifrac)));
  const kMax = shr(2 ** c.dw - 1, shift);
  const sMin = values[0]!;
  const sMax = c.n * sMin;
  const sw = ew + clog2(c.n);
  const step = `2^${shift - c.ifrac}`;
  const notes = [
    `exponent table LUT_1/e: e = round(${scale} * e^-(k*${step})), k = d >> ${shift}; ${len} entries of ${ew} bits` +
      (len <= kMax ? `, k >= ${len} gives 0 (first entry that rounds to 0)` : ', covers every d'),
  ];
  return {
    table: { name: 'exp_lut', what: 'e^-d', width: ew, addrWidth: Math.max(1, clog2(len)), values },
    shift,
    ew,
    scale,
    sMin,
    sMax,
    sw,
    notes,
  };
}

/** Bit-exact lookup of the exponent table (the RTL: k < length ? T[k] : 0). */
export function expLookup(t: Table, shift: number, d: number): number {
  const k = shr(d, shift);
  return k < t.values.length ? t.values[k]! : 0;
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
