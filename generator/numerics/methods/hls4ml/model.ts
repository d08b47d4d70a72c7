/**
 * hls4ml-like, the bit-exact golden model: the saturated sum indexes the inverse table, the lane
 * truncates e * inv; and the constants the Python emulator needs for the same.
 */
import { MAX, TABLE_BITS, W } from './plan.js';
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';

export function normalize(mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  const sat = Math.min(s, MAX);
  return { inv: mp.tables[0]!.values[Math.floor(sat / 2 ** (W - TABLE_BITS))]! };
}

export function lane(mp: MethodPlan, c: CommonPlan, e: number, coef: Coef): number {
  const prod = e * coef.inv!;
  const sh = mp.vars.shift!;
  const y = sh >= 0 ? Math.floor(prod / 2 ** sh) : prod * 2 ** -sh;
  return Math.min(c.maxCode, y);
}

export function emulation(mp: MethodPlan): Record<string, number | string | boolean> {
  // the sum saturates at max; the inverse table's index is the sum >> (width - tableBits)
  return { width: W, tableBits: TABLE_BITS, max: MAX, shift: mp.vars.shift! };
}
