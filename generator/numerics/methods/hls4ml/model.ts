/**
 * hls4ml-like, the bit-exact golden model: the saturated sum indexes the inverse table, the lane
 * truncates e * inv (and saturates, or wraps in hls4ml's default); and the constants the Python emulator
 * needs for the same.
 */
import { MAX, W } from './plan.js';
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';

export function normalize(mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  const sat = Math.min(s, MAX);
  return { inv: mp.tables[0]!.values[Math.floor(sat / 2 ** (W - mp.vars.tableBits!))]! };
}

export function lane(mp: MethodPlan, c: CommonPlan, e: number, coef: Coef): number {
  const prod = e * coef.inv!;
  const sh = mp.vars.shift!;
  const y = sh >= 0 ? Math.floor(prod / 2 ** sh) : prod * 2 ** -sh;
  return mp.vars.wrap ? y % 2 ** c.ow : Math.min(c.maxCode, y);
}

export function emulation(mp: MethodPlan, c: CommonPlan): Record<string, number | string | boolean> {
  // the sum saturates at max; the inverse table's index is the sum >> (width - tableBits)
  return { width: W, tableBits: mp.vars.tableBits!, max: MAX, shift: mp.vars.shift!, wrap: mp.vars.wrap === 1, outWidth: c.ow };
}
