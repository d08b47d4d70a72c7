/**
 * hls4ml-like: the fixed formats (ap_fixed<18,8>), the parameter schema, and the plan of its two
 * configurations: the exp table and the reachable half of the inverse table.
 *
 * - top-bits (a tuned hls4ml): 1024-entry tables; d = max - x wide enough for every difference; the sum
 *   in hls4ml's default accum_t, ap_fixed<18+ceil(log2 n), 8+ceil(log2 n)> (exact), cast for the inverse
 *   table to inv_inp_t = ap_ufixed<18, I, AP_TRN, AP_SAT> (unsigned: the top 10 bits address all 1024
 *   entries, in steps of 2^(I-10)), I chosen per n by sumIntBits below (or method.sumIntBits); the output
 *   truncated and saturated;
 * - default (hls4ml's own defaults for the block's input and output types): table_size = 2^IW, the
 *   exponent table 2^(IW-1) entries addressed by d in ap_ufixed<IW-1, I-1>, which wraps modulo
 *   2^(IW-1) codes; the inverse addressed by the top IW bits of the sum; the output truncated and
 *   wrapped (AP_TRN, AP_WRAP), so that 1.0 comes out as 0.
 */
import { z } from 'zod';
import { intIn } from '../../../core/schema.js';
import { fmtUnit } from '../../tables.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, clog2 } from '../../../core/bits.js';
import type { CommonPlan, MethodPlan, Table } from '../../types.js';

/** The tuned configuration's table index bits (hls4ml's default table_size, 1024). */
export const TABLE_BITS = 10;
export const W = 18; // ap_fixed<18,8>
export const F = 10; // its fraction bits
export const MAX = 2 ** (W - 1) - 1;

/**
 * The tuned configuration's inv_inp_t integer bits I for rows of up to n elements, as a careful user
 * would pick them: the I in 1..ceil(log2(n+1)) whose inverse table is closest to 1/S over every sum the
 * block can see (1.0 <= S <= n: the largest element contributes 1.0), measured as max |inv(S) - 1/S|,
 * the output error of an element with e = 1.0 in units of 1.0. Fewer integer bits give finer steps,
 * 2^(I-10), at small sums and saturate large ones at 2^I, where the outputs are small: the best I holds
 * far less than n (measured: 3 at n = 8, 4 at n = 64, 3 at n = 512). Within one index bin the entry is
 * fixed and 1/S monotone, so each bin's two edges give its worst.
 */
export function sumIntBits(n: number): number {
  let best = { i: 1, err: Infinity };
  const slack = (n - 1) / 2;
  for (let i = 1; i <= clog2(n + 1); i++) {
    const satMax = Math.min(n * 2 ** F, 2 ** (i + F) - 1);
    let err = 0;
    for (let k = Math.floor(2 ** F / 2 ** i); k <= Math.floor(satMax / 2 ** i); k++) {
      const inv = toFixed(1 / (k * 2 ** (i - F))) / 2 ** F;
      // the table's sum S is within (n - 1) half-units of the true sum (every entry but the 1.0 rounds)
      const lo = Math.max(2 ** F, k * 2 ** i - slack);
      const hi = Math.min(n * 2 ** F, (k === Math.floor(satMax / 2 ** i) ? n * 2 ** F : (k + 1) * 2 ** i - 1) + slack);
      err = Math.max(err, Math.abs(inv - 2 ** F / lo), Math.abs(inv - 2 ** F / hi));
    }
    if (err < best.err) best = { i, err };
  }
  return best.i;
}

export const paramsSchema = z
  .object({
    /**
     * top-bits only: the integer bits I of the tuned inv_inp_t, ap_ufixed<18, I, AP_TRN, AP_SAT>
     * (default ceil(log2(n+1)), the smallest that holds every sum; fewer saturate the sum, finer steps).
     */
    sumIntBits: intIn(1, 17).optional(),
  })
  .strict();

/** ap_fixed<18,8> with AP_RND (round half up) and AP_SAT, as an integer in units 2^-10. */
function toFixed(v: number): number {
  if (!(v < Infinity)) return MAX;
  return Math.max(-(2 ** (W - 1)), Math.min(MAX, Math.floor(v * 2 ** F + 0.5)));
}

export function plan(c: CommonPlan, raw: Record<string, unknown>, addressing: string): MethodPlan {
  const prm = raw as z.infer<typeof paramsSchema>;
  if (c.iw > TABLE_BITS) {
    throw new ConfigError('input.width', c.iw, `allowed: 2..${TABLE_BITS} for method hls4ml-like (see generator/numerics/methods/hls4ml/plan.ts)`);
  }
  const dflt = addressing === 'default';
  // the inverse table's index bits: hls4ml's table_size, cut to 2^IW by its table-size pass in the default
  const tb = dflt ? c.iw : TABLE_BITS;
  // default: d = max - x in ap_ufixed<IW-1, I-1>, whose IW-1 bits (the input's fraction bits) wrap modulo
  // 2^(IW-1) codes and index a 2^(IW-1)-entry table; the RTL reads it by d itself, so the table repeats.
  // top-bits: d past 2^(IW-1) codes reads e^-(2^(IW-1) codes), which ap_fixed<18,8> rounds to 0 at 8.4
  const half = 2 ** (c.iw - 1);
  const dRead = dflt ? (d: number) => d % half : (d: number) => Math.min(d, half);
  const exp: number[] = [];
  for (let d = 0; d < 2 ** c.iw; d++) exp.push(toFixed(Math.exp(-dRead(d) * c.unit)));
  while (exp.length > 1 && exp[exp.length - 1] === 0) exp.pop();
  // The sum S, an integer in units 2^-F (exact in accum_t), reaches the inverse table as
  //   default: inv_inp_t = ap_fixed<18,8,AP_RND,AP_SAT> (exp_table_t): min(S, MAX), index its top tb bits,
  //            S >> (W - tb) (the sign bit is 0: only the lower half is reachable);
  //   top-bits: inv_inp_t = ap_ufixed<18,I,AP_TRN,AP_SAT>: S < 2^(I+F) never saturates, and its top 10 bits
  //            are S >> I (truncating the fraction first, when I > 8, drops only bits below them).
  if (dflt && prm.sumIntBits !== undefined) {
    throw new ConfigError('method.sumIntBits', prm.sumIntBits, "allowed: only with addressing 'top-bits' (the default configuration's sum type is hls4ml's)");
  }
  const sumInt = dflt ? W - tb : (prm.sumIntBits ?? sumIntBits(c.n));
  // the largest sum the index sees: ap_ufixed<18,I,AP_SAT> saturates at 2^I less one step
  const satMax = dflt ? MAX : Math.min(c.n * 2 ** F, 2 ** (sumInt + F) - 1);
  const indexShift = dflt ? W - tb : sumInt;
  const reach = Math.floor(satMax / 2 ** indexShift) + 1;
  // each entry is 1 / the real value of its index's lower edge (hls4ml's init_invert_table); 1/0 saturates
  const inv: number[] = [];
  for (let i = 0; i < reach; i++) inv.push(toFixed(1 / (i * 2 ** (indexShift - F))));
  const expTable: Table = { name: 'exp_lut', what: 'e^-d, ap_fixed<18,8>', width: W, addrWidth: Math.max(1, clog2(exp.length)), values: exp };
  const invTable: Table = { name: 'inv_lut', what: '1/S at the lower bin edge, ap_fixed<18,8>', width: W, addrWidth: Math.max(1, clog2(reach)), values: inv };
  const shift = 2 * F - c.ofrac;
  const notes = [
    dflt
      ? `hls4ml default: exp table e = ap_fixed<18,8>(e^-(d mod ${half}) * ${fmtUnit(c)}): d in ap_ufixed<${c.iw - 1},${c.iw - c.ifrac - 1}> wraps (${half} entries, read by d: ${exp.length} stored)`
      : `hls4ml-like exp table: e = ap_fixed<18,8>(e^-min(d, ${half}) * ${fmtUnit(c)}) (${exp.length} of 1024 entries reachable and non-zero)`,
    dflt
      ? `sum cast to inv_inp_t = ap_fixed<18,8> (hls4ml's default, exp_table_t), saturating at ${MAX} (127.999)`
      : `sum in accum_t = ap_fixed<${W + clog2(c.n)},${8 + clog2(c.n)}> (exact), cast to inv_inp_t = ap_ufixed<18,${sumInt},AP_TRN,AP_SAT>${satMax < c.n * 2 ** F ? `, saturating at ${satMax} (${2 ** sumInt} less one step)` : ' (holds every sum)'}`,
    dflt
      ? `inverse table: index = top ${tb} bits of the 18-bit sum, S >> ${indexShift} (${reach} reachable entries of ${2 ** tb}), entry 1/(lower bin edge)`
      : `inverse table: index = top ${tb} bits of ap_ufixed<18,${sumInt}>, S >> ${indexShift}: steps of 2^${sumInt - tb} (${reach} reachable entries of ${2 ** tb}), entry 1/(lower bin edge)`,
    dflt
      ? `output: y = floor(e * inv / 2^${shift}) mod ${2 ** c.ow} (truncation, wrapping: hls4ml's default AP_TRN, AP_WRAP)`
      : `output: y = floor(e * inv / 2^${shift}) (truncation), saturated at ${c.maxCode}`,
  ];
  return {
    params: dflt ? {} : { sumIntBits: sumInt },
    expTable,
    expShift: 0,
    tables: [invTable],
    notes,
    vars: { shift, eBits: bitsFor(Math.max(...exp)), tableBits: tb, wrap: dflt ? 1 : 0, satMax, indexShift },
  };
}
