/**
 * REXP (Vasyltsov & Chang): y_i = LUT_1/e[d_i] * LUT_alpha[index(S)], one multiplier per lane.
 *
 * - linear:     alpha = LUT[(S >> sh) - base] ~ 2^A / S;    y = round(e * alpha / 2^(A - OF))
 * - normalized: S = m * 2^p, r = LUT[top bits of m] ~ 2^RW / m;  y = round(e * r / 2^(RW + p - OF))
 */
import type { Method } from '../../types.js';
import { paramsSchema, plan } from './plan.js';
import { emulation, lane, normalize } from './model.js';
import { build } from './rtl.js';
import { outputRuns, quotientError, sCells } from './bound.js';

export const rexp: Method = {
  name: 'rexp',
  summary: 'e^-d table times a reciprocal table of the sum: one multiplier per lane, no divider',
  baseline: false,
  paramsSchema,
  addressings: ['normalized', 'linear', 'interpolated'] as const,
  roundings: ['nearest', 'correct'] as const,
  // a table of every 2^-(OW+1) of the mantissa stops paying past 10 output bits: interpolate
  defaultAddressing: (ow) => (ow > 10 ? 'interpolated' : undefined),

  plan,
  normalize,
  sCells,
  outputRuns,

  // the exponent width to OW + ceil(log2 n) + 6 at the planner's step (long vectors need about
  // OW + log2 n + 2); OW..OW+6 at the two coarser steps, whose entry errors dominate long before that,
  // with narrower reciprocal axes
  sweep(s) {
    const wide = s.widths(0, Math.ceil(Math.log2(s.n)) + 6);
    return ([['normalized', 3], ['linear', 4]] as const).flatMap(([addressing, ra0]) => [
      { addressing, axes: { expWidth: wide, expStepLog2: [s.step], recipAddrBits: s.range(ra0, Math.min(16, s.ow + ra0 - 1)), recipWidth: s.widths(-1, 5) } },
      { addressing, axes: { expWidth: s.widths(0, 6), expStepLog2: s.coarse, recipAddrBits: s.range(ra0, Math.min(16, s.ow + ra0 - 3)), recipWidth: s.widths(-1, 3) } },
    ]);
  },
  emulation,
  quotientError,
  lane,
  build,
};
