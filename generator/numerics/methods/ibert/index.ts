/**
 * Baseline I-BERT (Kim et al., "I-BERT: Integer-only BERT Quantization", ICML 2021): the integer-only
 * softmax, written from the paper's description.
 *
 *   i-exp:  t = d 2^k (the difference at the working scale S = u / 2^k), z = floor(t / q_ln2),
 *           r = t - z q_ln2, e = ((q_b - r)^2 + q_c) >> z
 *   output: y_i = floor(e_i 2^OF / S), an integer division per lane
 *
 * e^-x = 2^-z e^-p with p = x - z ln 2 in [0, ln 2), and e^-p is the paper's second-order polynomial
 * L = 0.3585 (1.353 - p)^2 + 0.344 with its constants floored to the working scale. No table: a
 * constant division of t (a multiply-shift), one squarer and a barrel shift per element.
 *
 * Files: plan.ts (constants, exponent, widths), model.ts (golden model), rtl.ts (divider lanes),
 * bound.ts (outputRuns, quotientError).
 */
import { build } from './rtl.js';
import { outputRuns, quotientError } from './bound.js';
import { emulation, lane, normalize } from './model.js';
import { paramsSchema, plan } from './plan.js';
import type { Method } from '../../types.js';

export const ibert: Method = {
  name: 'ibert',
  summary: "baseline: I-BERT's integer softmax, e = polynomial >> shift (no table) and an integer divider per lane",
  baseline: true,
  paramsSchema,
  addressings: ['divider'] as const,
  roundings: ['nearest'] as const,
  plan,
  normalize,
  lane,
  outputRuns,
  quotientError,
  emulation,
  build,
  // the working scale's extra bits
  sweep: (s) => [{ addressing: 'divider', axes: { workBits: s.range(0, 8) } }],
};
