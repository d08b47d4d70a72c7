/**
 * Baseline "exact": the accuracy ceiling and the area reference. A wide exponent table (the same
 * LUT_1/e as the paper's methods, default OW + ceil(log2 n) + 6 bits, at most 24) and one real divider per lane:
 *
 *   y_i = round(e_i * 2^OF / S) = floor((e_i * 2^(OF+1) + S) / (2 S)), saturated at the largest code.
 *
 * What "exact" means here: the output is the correctly rounded quotient of the table's exponentials,
 * e_i / S. It differs from the correctly rounded float softmax only through the rounding of the
 * exponent table (at most 1/2 in 2^EW per entry), so its max error is 0.5 LSB plus a small measured
 * excess that shrinks as expWidth grows; measured in the README's table.
 *
 * The divider is combinational inside the lane: a long division of OF + 1 quotient bits (the
 * quotient is at most 2^OF since e_i <= S), each bit one subtraction of the width of 2 S whose borrow
 * decides the bit. It is the area reference, not a timing-closed design.
 *
 * The folder: plan.ts (schema, exponent table, divider widths), model.ts (golden model), rtl.ts (RTL
 * stages), bound.ts (outputRuns and quotientError for the error bound).
 */
import { build } from './rtl.js';
import { outputRuns, quotientError } from './bound.js';
import { emulation, lane, normalize } from './model.js';
import { paramsSchema, plan } from './plan.js';
import type { Method } from '../../types.js';

export const exact: Method = {
  name: 'exact',
  summary: 'baseline: correctly rounded e_i / S through a real divider per lane (accuracy ceiling, area reference)',
  baseline: true,
  paramsSchema,
  addressings: ['divider'] as const,
  roundings: ['nearest', 'correct'] as const,
  plan,
  normalize,
  lane,
  outputRuns,
  // the exponent width only
  sweep: (s) => [{ addressing: 'divider', axes: { expWidth: s.widths(2, 14), expStepLog2: [s.step] } }],
  emulation,
  quotientError,
  build,
};
