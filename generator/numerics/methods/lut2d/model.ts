/**
 * LUT2D's bit-exact golden model: the row (and for normalized addressing the sum's leading one) from S
 * (normalize), one lane's table entry (lane), and the constants the Python emulator needs to compute the same
 * (emulation).
 */
import { linearIndex, normIndex } from '../../tables.js';
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';
import { extraOf, linearEntry, normEntry } from './plan.js';

export function normalize(mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  const ex = extraOf(mp);
  if (ex.linear) return { row: linearIndex(ex.linear, s) };
  const { p, j } = normIndex(ex.norm!, s);
  return { row: j, pc: p - ex.norm!.pMin };
}

export function lane(mp: MethodPlan, _c: CommonPlan, e: number, coef: Coef): number {
  const ex = extraOf(mp);
  const i = ex.linear ? linearEntry(ex.linear, mp.vars.colBits!, e, coef.row!) : normEntry(ex.norm!, e, coef.pc!, coef.row!);
  const v = mp.tables[0]!.values[i];
  if (v === undefined) throw new Error(`internal: lut2d entry ${i} out of range`);
  return v;
}

export function emulation(mp: MethodPlan): Record<string, number | string | boolean> {
  const ex = extraOf(mp);
  const cb = mp.vars.colBits!;
  if (ex.linear) return { mode: 'linear', sh: ex.linear.sh, base: ex.linear.base, colBits: cb, colShift: ex.linear.colShift };
  const n = ex.norm!;
  return {
    mode: 'normalized',
    bits: n.bits,
    pMin: n.pMin,
    expWidth: n.ew,
    // octave o (1..O) as rowBits:colBits:base, in order
    octaves: n.octaves.map((o) => `${o.rowBits}:${o.colBits}:${o.base}`).join(','),
    oct0: n.oct0,
    tail: n.tail,
  };
}
