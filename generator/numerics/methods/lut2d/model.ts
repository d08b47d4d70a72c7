/**
 * LUT2D's bit-exact golden model: the row and column shift from S (normalize), one lane's table entry (lane), and
 * the constants the Python emulator needs to compute the same (emulation).
 */
import { shr } from '../../../core/bits.js';
import { linearIndex, normIndex } from '../../tables.js';
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';
import { extraOf } from './plan.js';

export function normalize(mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  const ex = extraOf(mp);
  if (ex.linear) return { row: linearIndex(ex.linear, s) };
  const { p, j } = normIndex(ex.norm!, s);
  return { row: j, shamt: p - mp.vars.k! };
}

export function lane(mp: MethodPlan, _c: CommonPlan, e: number, coef: Coef): number {
  const ex = extraOf(mp);
  const cb = mp.vars.colBits!;
  const col = ex.linear ? shr(e, mp.vars.colShift!) : shr(e, coef.shamt!);
  if (col >= 2 ** cb) throw new Error(`internal: lut2d column ${col} out of range`);
  const v = mp.tables[0]!.values[coef.row! * 2 ** cb + col];
  return v ?? 0;
}

export function emulation(mp: MethodPlan): Record<string, number | string | boolean> {
  const ex = extraOf(mp);
  const cb = mp.vars.colBits!;
  if (ex.linear) return { mode: 'linear', sh: ex.linear.sh, base: ex.linear.base, colBits: cb, colShift: mp.vars.colShift! };
  return { mode: 'normalized', bits: ex.norm!.bits, colBits: cb, k: mp.vars.k! };
}
