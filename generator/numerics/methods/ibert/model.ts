/**
 * I-BERT, the bit-exact golden model: the exponent is the plan's table of i-exp (expcalc.ts computes
 * it as the RTL does); the coefficient is the sum itself and the lane the integer quotient.
 */
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';

export function normalize(_mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  return { s };
}

export function lane(_mp: MethodPlan, c: CommonPlan, e: number, coef: Coef): number {
  return Math.min(c.maxCode, Math.floor((e * 2 ** c.ofrac) / coef.s!));
}

export function emulation(mp: MethodPlan): Record<string, number | string | boolean> {
  // the exponent's constants, for a reader of emulator.json; the emulator reads the exponent table
  return { workBits: mp.vars.k!, qln2: mp.vars.qln2!, qb: mp.vars.qb!, qc: mp.vars.qc! };
}
