/**
 * Baseline "hls4ml-like": an emulation of hls4ml's default softmax (implementation 'stable', in
 * nnet_activation.h), so that its probability error can be measured beside the paper's methods and
 * its RTL verified the same way. Our reading of it, and every assumption we add:
 *
 * 1. d_i = x_i - max(x) in the input type, with rounding and saturation: x - max below the smallest
 *    input code saturates there, so d is clipped at 2^(IW-1) codes.
 * 2. exp table: table_size = 1024 entries of exp_table_t = ap_fixed<18,8> (10 fraction bits), rounded
 *    and saturated. The index is the top 10 bits of the (signed) word x_i - max; the entry is exp() of
 *    the word with the lower bits zero, i.e. the lower edge of the bin. ASSUMPTION: inputs narrower
 *    than 10 bits are addressed as if extended with zero fraction bits (hls4ml itself needs at least
 *    10 input bits), so every d has its own entry; inputs wider than 10 bits are not supported here,
 *    since the skeleton addresses the exponent table by d >> s and hls4ml's lower edge of x - max is
 *    the upper edge of d.
 * 3. The sum is accumulated in exp_table_t (ap_fixed<18,8>, saturating): S = min(sum, 2^17 - 1) in
 *    units of 2^-10.
 * 4. inverse table: 1024 entries of inv_table_t = ap_fixed<18,8>, rounded and saturated, addressed by
 *    the top 10 bits of the 18-bit sum (steps of 0.25), entry 1 / (lower edge of the bin); 1/0
 *    saturates to the largest value. The sum is non-negative and saturating, so only the lower 512
 *    entries are reachable; the RTL holds those.
 * 5. y_i = e_i * inv, cast to the output format. ASSUMPTION: the cast truncates (AP_TRN, the ap_fixed
 *    default) and saturates at the largest code (hls4ml's default AP_WRAP would wrap 1.0 to 0 at 8
 *    fraction bits; we are kinder to it).
 *
 * The RTL holds the reachable entries of both tables (trailing zeros of the exp table dropped, which
 * the skeleton's "0 past the table" reproduces exactly); hls4ml itself stores 2 x 1024 x 18 bits
 * = 4608 bytes.
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
  summary: "baseline: emulation of hls4ml's default 'stable' softmax (1024-entry exp and 1/sum tables, ap_fixed<18,8>)",
  baseline: true,
  paramsSchema,
  addressings: ['top-bits'] as const,
  roundings: ['nearest'] as const,
  plan,
  normalize,
  // one point: hls4ml's own configuration
  sweep: () => [{ addressing: 'top-bits', axes: {} }],
  emulation,
  sCells,
  lane,
  build,
};
