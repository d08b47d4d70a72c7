/**
 * The base-2 exponent form (method.exp 'pow2'), after Softermax (Stevens et al., DAC 2021): e^-x
 * written as 2^-(x log2 e), the power of two as a shift by its integer part and a small table of its
 * fraction. Written from the paper's description; our own code.
 *
 *   t = round(d * C / 2^s)   the difference in steps of 2^-F of a power of two (C = u log2 e 2^(F+s))
 *   z = t >> F, f = t mod 2^F
 *   e = P[f] >> z,           P[f] = round((2^EW - 1) 2^(-f / 2^F)), 2^F entries
 *
 * When the input's scale is ln 2 times a power of two (a model trained for base 2, as Softermax's
 * are), C is a power of two and t a slice of d; otherwise C is a constant multiplier, a few adders.
 * The table of every e(d) is the golden model's (expcalc.ts); the RTL computes it
 * (generator/pipeline/stages.ts expCalcStage).
 */
import { bitsFor, clog2, roundHalfUp, shr } from '../core/bits.js';
import { calcTable, splitWidths } from './expcalc.js';
import type { CommonPlan, ExpCalc, Table } from './types.js';

export interface Pow2Plan {
  calc: ExpCalc;
  /** P: the fraction table. */
  frac: Table;
  /** e(d) for every d up to the last nonzero one. */
  table: Table;
  notes: string[];
}

/** Default fraction bits: 2^F entries, the output's fraction bits less two (measured: README, Softermax). */
export function defaultFracBits(c: CommonPlan): number {
  return Math.max(1, Math.min(12, c.ofrac - 2));
}

export function planPow2(c: CommonPlan, ew: number, fracBits: number, maxEntries: number): Pow2Plan {
  const F = fracBits;
  const E = 2 ** ew - 1;
  const dMax = 2 ** c.dw - 1;
  const u2 = c.unit * Math.LOG2E; // one code of d, in powers of two
  // C = u2 2^(F+s): exact when it is a power of two; else s guard bits keep d * C / 2^s within 1/16
  // of a step of t over every d
  const exact = Number.isInteger(Math.log2(u2 * 2 ** F));
  let mul: number;
  let rsh: number;
  let add = 0;
  if (exact) {
    const a = Math.log2(u2 * 2 ** F);
    mul = a >= 0 ? 2 ** a : 1;
    rsh = a >= 0 ? 0 : -a;
    if (rsh > 0) add = 2 ** (rsh - 1);
  } else {
    // and C itself at least 2^4, so that a tiny step still has a multiplier to build
    rsh = Math.max(clog2(dMax + 1) + 4, Math.ceil(4 - Math.log2(u2 * 2 ** F)));
    mul = roundHalfUp(u2 * 2 ** (F + rsh));
    add = 2 ** (rsh - 1);
  }
  const tMax = shr(dMax * mul + add, rsh);
  const tw = bitsFor(tMax);
  const q = 2 ** F;
  const { zw, rw } = splitWidths(tw, q);
  const P: number[] = [];
  for (let f = 0; f < q; f++) P.push(roundHalfUp(E * 2 ** (-f / q)));
  const frac: Table = { name: 'pow2_lut', what: '2^-(f/2^F)', width: ew, addrWidth: Math.max(1, F), values: P };
  const calc: ExpCalc = {
    mul,
    rsh,
    ...(add ? { add } : {}),
    tw,
    q,
    zw,
    rw: F > 0 ? rw : 1,
    gTable: frac,
    gw: ew,
    describe: `base 2 (Softermax): t = ${mul === 1 ? 'd' : `d * ${mul}`}${rsh ? ` rounded >> ${rsh}` : ''}, z = t >> ${F}, f = t mod 2^${F}, e = pow2_lut[f] >> z`,
  };
  const table = calcTable(c, calc, '2^-(d u log2 e)', 'method.expFracBits', F, maxEntries);
  return {
    calc,
    frac,
    table,
    notes: [
      `exponent, base 2 (Softermax): e^-(d u) = 2^-(d u log2 e), t = ${exact ? 'd at' : 'd * C rounded to'} steps of 2^-${F}${exact ? '' : ` (C = ${mul} / 2^${rsh} ~ ${u2.toPrecision(6)} * 2^${F})`}`,
      `  z = t >> ${F} shifts, f = t mod 2^${F} reads pow2_lut: ${q} entries of ${ew} bits, round(${E} * 2^-(f/${q})); e is 0 from d = ${table.values.length} on`,
    ],
  };
}
