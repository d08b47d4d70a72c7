/**
 * Baseline "hls4ml-like": hls4ml's softmax (implementation 'stable', io_parallel, nnet_activation.h), so
 * that its probability error can be measured beside the paper's methods and its RTL verified the same
 * way. Both configurations are checked bit for bit against hls4ml 1.3.0's own code, compiled from the
 * pinned package at test time (test/hls4ml.test.ts, test/hls4ml/harness.ts):
 *
 * - addressing 'top-bits', a tuned hls4ml: d = max - x in ap_ufixed<10,4> (every difference of an input of
 *   up to 10 bits), 1024-entry exp and inverse tables of ap_fixed<18,8,AP_RND,AP_SAT>, the sum and the
 *   inverse's input in the same type (saturating), the inverse addressed by the top 10 bits of the sum
 *   (steps of 0.25), the output ap_ufixed<OW,..,AP_TRN,AP_SAT>: truncated and saturated;
 * - addressing 'default', what hls4ml's config templates produce for the block's input and output types:
 *   table_size 1024 cut to 2^IW (its table-size pass), the exponent table cut to 2^(IW-1) entries and
 *   addressed by d in ap_ufixed<IW-1, I-1> (AP_TRN, AP_WRAP: d wraps modulo 2^(IW-1) codes), the inverse
 *   addressed by the top IW bits of the sum (the integer part, for 8 bits), the output AP_TRN, AP_WRAP:
 *   a probability of 1.0 wraps to 0.
 *
 * Entries are rounded half up (AP_RND) from the real value at the lower edge of each bin; 1/0 saturates.
 * The sum is non-negative and saturating, so only the lower half of the inverse table is reachable; the RTL
 * holds that half, and the exponent entries d reads (trailing zeros dropped: the skeleton's "0 past the
 * table" reproduces them; the default's wrapped table is stored for every d, repeating). Inputs wider than
 * 10 bits are not supported here (the skeleton addresses the exponent table by d >> s).
 *
 * The folder: plan.ts (formats, schema, tables), model.ts (golden model, emulator constants), rtl.ts
 * (RTL stages), bound.ts (sCells for the error bound).
 */
import { build } from './rtl.js';
import { sCells } from './bound.js';
import { emulation, lane, normalize } from './model.js';
import { paramsSchema, plan } from './plan.js';
import type { Method } from '../../types.js';

export const hls4ml: Method = {
  name: 'hls4ml-like',
  summary: "baseline: hls4ml's 'stable' softmax, bit-exact with hls4ml 1.3.0: tuned (top-bits: 1024-entry tables, saturating) or hls4ml's defaults (default: wrapping types, tables cut to the input width)",
  baseline: true,
  paramsSchema,
  addressings: ['top-bits', 'default'] as const,
  roundings: ['nearest'] as const,
  plan,
  normalize,
  // one point per configuration
  sweep: () => [
    { addressing: 'top-bits', axes: {} },
    { addressing: 'default', axes: {} },
  ],
  emulation,
  sCells,
  lane,
  build,
};
