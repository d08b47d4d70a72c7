/**
 * 2D LUT (Vasyltsov & Chang): y_i = LUT_2D[row(S)][col(e_i)] ~ e_i / S. No multiplier, no divider.
 *
 * - linear:     row = (S >> sh) - base, col = e >> (EW - C); entry = e_mid / S_mid at the bin midpoints.
 * - normalized: S = m * 2^p; row = top R bits of m - 1, col = top C bits of e / 2^p in [0, 2);
 *               entry = v_mid / m_mid, since e / S = (e / 2^p) / m.
 */
import type { Method } from '../../types.js';
import { paramsSchema, plan } from './plan.js';
import { emulation, lane, normalize } from './model.js';
import { build } from './rtl.js';
import { sCells } from './bound.js';

export const lut2d: Method = {
  name: 'lut2d',
  summary: 'one 2D table addressed by the sum and the numerator: no multiplier, no divider',
  baseline: false,
  paramsSchema,
  addressings: ['normalized', 'linear'] as const,
  roundings: ['nearest'] as const,

  plan,
  normalize,

  // as rexp's exponent widths, but the table reads only the top colBits of an entry: every width to
  // OW+5, then every other one, and the top; OW..OW+4 at the two coarser steps
  sweep(s) {
    const wide = s.widths(0, Math.ceil(Math.log2(s.n)) + 6);
    const top = wide[wide.length - 1]!;
    const sparse = [...new Set([...wide.filter((w) => w <= s.ow + 5 || ((w - s.ow) % 2 === 1 && w <= top - 2)), top])];
    return ['normalized', 'linear'].flatMap((addressing) => [
      { addressing, axes: { expWidth: sparse, expStepLog2: [s.step], rowBits: s.range(2, 7), colBits: s.range(3, Math.min(8, s.ow)) } },
      { addressing, axes: { expWidth: s.widths(0, 4), expStepLog2: s.coarse, rowBits: s.range(2, 7), colBits: s.range(3, Math.min(8, s.ow)) } },
    ]);
  },
  emulation,
  sCells,
  lane,
  build,
};
