/**
 * hls4ml-like, the bit-exact golden model: the sum, saturated as inv_inp_t saturates it (hls4ml's default;
 * the tuned type holds every sum), indexes the inverse table by its top bits, the lane
 * truncates e * inv (and saturates, or wraps in hls4ml's default); and the constants the Python emulator
 * needs for the same.
 */
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';

export function normalize(mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  const sat = Math.min(s, mp.vars.satMax!);
  return { inv: mp.tables[0]!.values[Math.floor(sat / 2 ** mp.vars.indexShift!)]! };
}

export function lane(mp: MethodPlan, c: CommonPlan, e: number, coef: Coef): number {
  const prod = e * coef.inv!;
  const sh = mp.vars.shift!;
  const y = sh >= 0 ? Math.floor(prod / 2 ** sh) : prod * 2 ** -sh;
  return mp.vars.wrap ? y % 2 ** c.ow : Math.min(c.maxCode, y);
}

export function emulation(mp: MethodPlan, c: CommonPlan): Record<string, number | string | boolean> {
  // the sum saturates at max (a no-op in the tuned configuration); the inverse table's index is it >> indexShift
  return { max: mp.vars.satMax!, indexShift: mp.vars.indexShift!, shift: mp.vars.shift!, wrap: mp.vars.wrap === 1, outWidth: c.ow };
}
