/**
 * An exponent computed by arithmetic instead of read from a table (types.ts ExpCalc): I-BERT's
 * i-exp (a second-order polynomial on the remainder, shifted by the quotient) and Softermax's 2^-x
 * (a small fraction table shifted by the integer part). The plan makes the ExpCalc and, from it, the
 * exponent table of every d: the golden model, the bound and the emulator read that table, and the
 * RTL (generator/pipeline/stages.ts expCalcStage) computes the same values, which the testbench checks.
 */
import { bitsFor, clog2, shr } from '../core/bits.js';
import { ConfigError } from '../core/errors.js';
import type { CommonPlan, ExpCalc, Table } from './types.js';

/**
 * z = floor(t / q) as floor(t * m / 2^s) for every 0 <= t <= tMax: m = ceil(2^s / q) with the
 * smallest s for which tMax * (m q - 2^s) < 2^s (then the product's excess never reaches the next
 * multiple of q: t = z q + r, r <= q - 1, and r / q + t (m q - 2^s) / (q 2^s) < 1).
 */
export function constDivider(q: number, tMax: number): { divMul: number; divShift: number } {
  // in BigInt: tMax (m q - 2^s) passes 2^53 long before s runs out
  const Q = BigInt(q);
  const T = BigInt(tMax);
  for (let s = 0; s < 48; s++) {
    const p = 1n << BigInt(s);
    const m = (p + Q - 1n) / Q;
    if (T * (m * Q - p) < p) return { divMul: Number(m), divShift: s };
  }
  throw new Error(`internal: no exact reciprocal of ${q} for t <= ${tMax}`);
}

/**
 * The quotient and remainder of t by q, as the RTL computes them: bit fields for a power of two,
 * else (t * divMul) >> divShift, which constDivider proved equal to the integer quotient for every
 * t of tw bits; computed here as that quotient, exactly (t * divMul can pass 2^53).
 */
export function splitT(calc: ExpCalc, t: number): { z: number; r: number } {
  const r = calc.divMul === undefined ? t - shr(t, clog2(calc.q)) * calc.q : t % calc.q;
  return { z: (t - r) / calc.q, r };
}

/** t of d: the difference at the working scale, (d * mul + add) >> rsh. */
export function tOf(calc: ExpCalc, d: number): number {
  return shr(d * calc.mul + (calc.add ?? 0), calc.rsh);
}

/** Bit-exact e(d) = G(r) >> z of an ExpCalc. */
export function calcValue(calc: ExpCalc, d: number): number {
  const { z, r } = splitT(calc, tOf(calc, d));
  const gv = calc.poly ? (calc.poly.b - r) ** 2 + calc.poly.c : calc.gTable!.values[r]!;
  return z >= calc.gw ? 0 : shr(gv, z);
}

/**
 * The exponent table of an ExpCalc: e(d) for d = 0 up to its last nonzero value (0 beyond, as the
 * table lookup reads it), checked against the plan's limits. `key` names the parameter to blame
 * when the table would be too long. d runs to dMax (the largest difference; more with an online sum's
 * offset).
 */
export function calcTable(c: CommonPlan, calc: ExpCalc, what: string, key: string, value: unknown, maxEntries: number, dMax = 2 ** c.dw - 1): Table {
  // e = 0 once z >= gw: t >= gw q, d >= that t at the working scale
  const values: number[] = [];
  let last = -1;
  for (let d = 0; d <= dMax; d++) {
    if (tOf(calc, d) >= calc.gw * calc.q) break;
    const e = calcValue(calc, d);
    values.push(e);
    if (e > 0) last = d;
    if (values.length > maxEntries) {
      throw new ConfigError(key, value, `the exponent reaches past ${maxEntries} codes of d; allowed: a coarser working scale`);
    }
  }
  values.length = last + 1;
  if (!values.length) throw new ConfigError(key, value, 'the exponent of d = 0 rounds to 0; allowed: a finer working scale');
  return { name: 'exp_calc', what, width: calc.gw, addrWidth: Math.max(1, clog2(values.length)), values };
}

/** The widths of z and r for a t of tw bits: z up to floor((2^tw - 1) / q), r up to q - 1. */
export function splitWidths(tw: number, q: number): { zw: number; rw: number } {
  return { zw: bitsFor(Math.floor((2 ** tw - 1) / q)), rw: bitsFor(q - 1) };
}
