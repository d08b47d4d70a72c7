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
 *
 * method.online, Softermax's online normalisation, when a code is a power-of-two fraction of a
 * power of two: the row's reference M is its max rounded up to a whole power of two (IntMax, a
 * multiple of `granule` codes), every element reads d' = M - x, and S = floor(sum of P[f] 2^-z) is
 * the exact sum of the unrounded powers of two (MethodPlan.expOnline). Exact, so a stream block
 * builds it in the pass that finds the max (generator/hardware/templates/stream1.v.hbs).
 */
import { bitsFor, clog2, roundHalfUp, shr } from '../core/bits.js';
import { calcTable, splitT, splitWidths, tOf } from './expcalc.js';
import { ConfigError } from '../core/errors.js';
import type { CommonPlan, ExpCalc, OnlineSum, Table } from './types.js';

export interface Pow2Plan {
  calc: ExpCalc;
  /** P: the fraction table. */
  frac: Table;
  /** e(d) for every d up to the last nonzero one (online: every d' = d + o). */
  table: Table;
  /** method.online: the online sum. */
  online?: OnlineSum;
  notes: string[];
}

/** Default fraction bits: 2^F entries, the output's fraction bits less two (measured: README, Softermax). */
export function defaultFracBits(c: CommonPlan): number {
  return Math.max(1, Math.min(12, c.ofrac - 2));
}

export function planPow2(c: CommonPlan, ew: number, fracBits: number, maxEntries: number, online = false): Pow2Plan {
  const F = fracBits;
  const E = 2 ** ew - 1;
  const u2 = c.unit * Math.LOG2E; // one code of d, in powers of two
  // C = u2 2^(F+s): exact when it is a power of two; else s guard bits keep d * C / 2^s within 1/16
  // of a step of t over every d
  const exact = Number.isInteger(Math.log2(u2 * 2 ** F));
  // online (IntMax): the reference moves by whole powers of two, so a code must be a power-of-two
  // fraction (or multiple) of one: granule = codes per power of two, and d' reaches dMax + granule - 1
  if (online && !exact) {
    throw new ConfigError('method.online', true, `allowed: only when one input code is a power of two times a power of two in base 2, input.scale = ln 2 * 2^k (here one code is ${u2.toPrecision(6)} powers of two)`);
  }
  const granule = online ? Math.max(1, Math.round(1 / u2)) : 1;
  const dMax = 2 ** c.dw - 1 + granule - 1;
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
  const table = calcTable(c, calc, '2^-(d u log2 e)', 'method.expFracBits', F, maxEntries, dMax);
  let on: OnlineSum | undefined;
  if (online) {
    // sum[d'] = P[f] 2^(zmax - z): every power of two, unrounded, in units 2^-zmax of e
    const tz = (d: number) => splitT(calc, tOf(calc, d));
    const zmax = tz(dMax).z;
    const sum: number[] = [];
    for (let d = 0; d <= dMax; d++) {
      const { z, r } = tz(d);
      sum.push(P[r]! * 2 ** (zmax - z));
    }
    // the model sums these exactly in doubles (and the emulator in int64): 52 bits at most
    const bits = ew + zmax + clog2(c.n);
    if (bits > 52) {
      throw new ConfigError(
        'method.online',
        true,
        `allowed: only while the exact sum fits 52 bits; here it takes ${bits} (${ew} exponent bits + ${zmax} powers of two that the input's range spans + ${clog2(c.n)} for n): a coarser input scale or fewer input bits`,
      );
    }
    on = { granule, zmax, sum };
  }
  const onlineNotes = on
    ? [
        `  online (Softermax's IntMax): M = max rounded up to a multiple of ${granule} codes (a whole power of two), d' = M - x in 0..${dMax}`,
        `  S = floor(sum of P[f] 2^-z, exact) = floor(sum of P[f] 2^(${on.zmax} - z) / 2^${on.zmax}): ${ew + on.zmax + clog2(c.n)} bits before the floor; e = P[f] >> z for the lanes`,
      ]
    : [];
  return {
    calc,
    frac,
    table,
    ...(on ? { online: on } : {}),
    notes: [
      `exponent, base 2 (Softermax): e^-(d u) = 2^-(d u log2 e), t = ${exact ? 'd at' : 'd * C rounded to'} steps of 2^-${F}${exact ? '' : ` (C = ${mul} / 2^${rsh} ~ ${u2.toPrecision(6)} * 2^${F})`}`,
      `  z = t >> ${F} shifts, f = t mod 2^${F} reads pow2_lut: ${q} entries of ${ew} bits, round(${E} * 2^-(f/${q})); e is 0 from d = ${table.values.length} on`,
      ...onlineNotes,
    ],
  };
}
