/**
 * 2D LUT (Vasyltsov & Chang): y_i = LUT_2D[row(S)][col(e_i)] ~ e_i / S. No multiplier, no divider.
 *
 * - linear (the paper's, as published re-implementations read it): row = (S >> sh) - base, col = e >> (EW - C).
 * - normalized (ours): S = m * 2^p, row = top R bits of m - 1; the columns are log-spaced in v = e / 2^p:
 *   the octave p - lead(e) picks a block of rows x columns (R x C in octave 1, one bit fewer each octave
 *   below), the column the top bits of e below its leading one. e / S = v / m.
 *
 * Both are filled from the error bound's enumeration: each entry the code that minimises its worst error
 * over every (e, S) that reads it (plan.ts), so no cell is biased.
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
    // normalized: colBits are the columns of v's top octave (the octaves below have fewer), so fewer suffice
    const cols = (addressing: string) => (addressing === 'normalized' ? s.range(2, Math.min(6, s.ow)) : s.range(3, Math.min(8, s.ow)));
    return ['normalized', 'linear'].flatMap((addressing) => [
      { addressing, axes: { expWidth: sparse, expStepLog2: [s.step], rowBits: s.range(2, 7), colBits: cols(addressing) } },
      { addressing, axes: { expWidth: s.widths(0, 4), expStepLog2: s.coarse, rowBits: s.range(2, 7), colBits: cols(addressing) } },
    ]);
  },
  emulation,
  sCells,
  lane,
  build,
};
