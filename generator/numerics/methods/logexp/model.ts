/**
 * LOGEXP's bit-exact golden model: K from S (normalize), one lane's output from d and K (lane), and the
 * constants the Python emulator needs to compute the same (emulation).
 */
import { shr } from '../../../core/bits.js';
import { normIndex } from '../../tables.js';
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';
import { extraOf, GUARD, yIndex } from './plan.js';

export function normalize(mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  const ns = extraOf(mp).ns;
  const { p, j } = normIndex(ns, s);
  const [lnp, lnm] = mp.tables;
  // modulo 2^ksw, as the RTL's adder of ksw bits (ln_p holds its entries modulo 2^ksw)
  const ksw = mp.vars.ksw!;
  return { k: shr((lnp!.values[p - ns.pMin]! + lnm!.values[j]! + 2 ** (GUARD - 1)) % 2 ** ksw, GUARD) };
}

/** The lane reads d (laneInput 'd'). */
export function lane(mp: MethodPlan, _c: CommonPlan, d: number, coef: Coef): number {
  const a = d * 2 ** mp.vars.F! + coef.k!;
  return mp.tables[2]!.values[yIndex(a, mp.vars.m!)] ?? 0;
}

export function emulation(mp: MethodPlan): Record<string, number | string | boolean> {
  const ns = extraOf(mp).ns;
  return { laneInput: 'd', bits: ns.bits, pMin: ns.pMin, guard: GUARD, ksw: mp.vars.ksw!, F: mp.vars.F!, m: mp.vars.m! };
}
