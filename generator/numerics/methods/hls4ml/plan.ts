/**
 * hls4ml-like: the fixed formats (ap_fixed<18,8>, 10-bit table indices), the parameter schema, and the
 * plan: the exp table and the reachable half of the inverse table. The base of the folder.
 */
import { z } from 'zod';
import { fmtUnit } from '../../tables.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, clog2 } from '../../../core/bits.js';
import type { CommonPlan, MethodPlan, Table } from '../../types.js';

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

export function plan(c: CommonPlan): MethodPlan {
  if (c.iw > TABLE_BITS) {
    throw new ConfigError('input.width', c.iw, `allowed: 2..${TABLE_BITS} for method hls4ml-like (see generator/numerics/methods/hls4ml/plan.ts)`);
  }
  const dSat = 2 ** (c.iw - 1);
  const exp: number[] = [];
  for (let d = 0; d < 2 ** c.iw; d++) exp.push(toFixed(Math.exp(-Math.min(d, dSat) * c.unit)));
  while (exp.length > 1 && exp[exp.length - 1] === 0) exp.pop();
  const inv: number[] = [];
  for (let i = 0; i < 2 ** (TABLE_BITS - 1); i++) inv.push(toFixed(1 / (i * 2 ** (W - TABLE_BITS - F))));
  const expTable: Table = { name: 'exp_lut', what: 'e^-d, ap_fixed<18,8>', width: W, addrWidth: Math.max(1, clog2(exp.length)), values: exp };
  const invTable: Table = { name: 'inv_lut', what: '1/S at the lower bin edge, ap_fixed<18,8>', width: W, addrWidth: TABLE_BITS - 1, values: inv };
  const shift = 2 * F - c.ofrac;
  return {
    params: {},
    expTable,
    expShift: 0,
    tables: [invTable],
    notes: [
      `hls4ml-like exp table: e = ap_fixed<18,8>(e^-min(d, ${dSat}) * ${fmtUnit(c)}) (${exp.length} of 1024 entries reachable and non-zero)`,
      `sum accumulated in ap_fixed<18,8>, saturating at ${MAX} (127.999)`,
      `inverse table: index = top 10 bits of the 18-bit sum (512 reachable entries of 1024), entry 1/(lower bin edge)`,
      `output: y = floor(e * inv / 2^${shift}) (truncation), saturated at ${c.maxCode}`,
    ],
    vars: { shift, eBits: bitsFor(Math.max(...exp)) },
  };
}
