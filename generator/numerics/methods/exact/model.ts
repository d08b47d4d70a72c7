/**
 * exact, the bit-exact golden model: the coefficient is the sum itself, the lane the correctly rounded
 * quotient; the Python emulator needs no constants for it.
 */
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';

export function normalize(_mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  return { s };
}

export function lane(_mp: MethodPlan, c: CommonPlan, e: number, coef: Coef): number {
  const s = coef.s!;
  return Math.min(c.maxCode, Math.floor((e * 2 ** (c.ofrac + 1) + s) / (2 * s)));
}

export function emulation(): Record<string, number | string | boolean> {
  return {};
}
