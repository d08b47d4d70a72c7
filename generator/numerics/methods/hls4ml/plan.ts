/**
 * hls4ml-like: the fixed formats (ap_fixed<18,8>), the parameter schema, and the plan of its two
 * configurations: the exp table and the reachable half of the inverse table.
 *
 * - top-bits (a tuned hls4ml): 1024-entry tables, the inverse addressed by the top 10 bits of the sum,
 *   d = max - x wide enough for every difference, the output truncated and saturated;
 * - default (hls4ml's own defaults for the block's input and output types): table_size = 2^IW, the
 *   exponent table 2^(IW-1) entries addressed by d in ap_ufixed<IW-1, I-1>, which wraps modulo
 *   2^(IW-1) codes; the inverse addressed by the top IW bits of the sum; the output truncated and
 *   wrapped (AP_TRN, AP_WRAP), so that 1.0 comes out as 0.
 */
import { z } from 'zod';
import { fmtUnit } from '../../tables.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, clog2 } from '../../../core/bits.js';
import type { CommonPlan, MethodPlan, Table } from '../../types.js';

/** The tuned configuration's table index bits (hls4ml's default table_size, 1024). */
export const TABLE_BITS = 10;
export const W = 18; // ap_fixed<18,8>
const F = 10; // its fraction bits
export const MAX = 2 ** (W - 1) - 1;

export const paramsSchema = z.object({}).strict();

/** ap_fixed<18,8> with AP_RND (round half up) and AP_SAT, as an integer in units 2^-10. */
function toFixed(v: number): number {
  if (!(v < Infinity)) return MAX;
  return Math.max(-(2 ** (W - 1)), Math.min(MAX, Math.floor(v * 2 ** F + 0.5)));
}

export function plan(c: CommonPlan, _raw: Record<string, unknown>, addressing: string): MethodPlan {
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
  const inv: number[] = [];
  for (let i = 0; i < 2 ** (tb - 1); i++) inv.push(toFixed(1 / (i * 2 ** (W - tb - F))));
  const expTable: Table = { name: 'exp_lut', what: 'e^-d, ap_fixed<18,8>', width: W, addrWidth: Math.max(1, clog2(exp.length)), values: exp };
  const invTable: Table = { name: 'inv_lut', what: '1/S at the lower bin edge, ap_fixed<18,8>', width: W, addrWidth: tb - 1, values: inv };
  const shift = 2 * F - c.ofrac;
  const notes = [
    dflt
      ? `hls4ml default: exp table e = ap_fixed<18,8>(e^-(d mod ${half}) * ${fmtUnit(c)}): d in ap_ufixed<${c.iw - 1},${c.iw - c.ifrac - 1}> wraps (${half} entries, read by d: ${exp.length} stored)`
      : `hls4ml-like exp table: e = ap_fixed<18,8>(e^-min(d, ${half}) * ${fmtUnit(c)}) (${exp.length} of 1024 entries reachable and non-zero)`,
    `sum accumulated in ap_fixed<18,8>, saturating at ${MAX} (127.999)`,
    `inverse table: index = top ${tb} bits of the 18-bit sum (${2 ** (tb - 1)} reachable entries of ${2 ** tb}), entry 1/(lower bin edge)`,
    dflt
      ? `output: y = floor(e * inv / 2^${shift}) mod ${2 ** c.ow} (truncation, wrapping: hls4ml's default AP_TRN, AP_WRAP)`
      : `output: y = floor(e * inv / 2^${shift}) (truncation), saturated at ${c.maxCode}`,
  ];
  return {
    params: {},
    expTable,
    expShift: 0,
    tables: [invTable],
    notes,
    vars: { shift, eBits: bitsFor(Math.max(...exp)), tableBits: tb, wrap: dflt ? 1 : 0 },
  };
}
