/**
 * LOGEXP (ours): the softmax in the log domain, with no multiplier and no divider anywhere.
 *
 *   y_i = 2^OF e^-(d_i u + ln(S / T[0])),  S = sum of the exponent entries T[d_j] (as every method)
 *
 * ln(S / T[0]) comes from the normalised sum, S = m 2^p: a small table of p (p ln 2 - ln T[0]) and
 * one of the mantissa's top bits (ln m), added and rounded once to K, in steps delta = u / 2^F. Each
 * lane adds A = d_i 2^F + K and reads y from one table of e^-a whose step grows with a (fine where y
 * is large, coarse in the tail): the float index of A, its leading one selecting the shift.
 * Files: plan.ts (tables), model.ts (normalize, lane, emulation), rtl.ts (build), bound.ts (sCells).
 */
import type { Method } from '../../types.js';
import { paramsSchema, plan } from './plan.js';
import { emulation, lane, normalize } from './model.js';
import { build } from './rtl.js';
import { sCells } from './bound.js';

export const logexp: Method = {
  name: 'logexp',
  summary: 'log domain: y = e^-(d + ln S) from a table of ln S and one of e^-a: an adder per lane, no multiplier, no divider',
  baseline: false,
  paramsSchema,
  addressings: ['normalized'] as const,
  roundings: ['nearest'] as const,
  plan,
  normalize,
  lane,
  emulation,
  build,
  sCells,
  // the exponent width OW..OW+6 at the planner's step, the log step and both tables' bits around OW + 1
  sweep(s) {
    const around = (lo: number, hi: number) => s.range(Math.min(12, Math.max(2, s.ow + lo)), Math.min(12, s.ow + hi));
    return [{ addressing: 'normalized', axes: { expWidth: s.widths(0, Math.ceil(Math.log2(s.n)) + 4), expStepLog2: [s.step], mantBits: around(-1, 2), yBits: around(-1, 2) } }];
  },
};
