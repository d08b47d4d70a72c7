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
 */
import { z } from 'zod';
import { logic, multiply, saturate, wire } from '../../../pipeline/stages.js';
import { fmtUnit } from '../../tables.js';
import { levelsFor } from '../../../pipeline/delay.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, clog2 } from '../../../core/bits.js';
import type { Coef, Method, MethodBuild, Table } from '../../types.js';

const TABLE_BITS = 10;
const W = 18; // ap_fixed<18,8>
const F = 10; // its fraction bits
const MAX = 2 ** (W - 1) - 1;

const paramsSchema = z.object({}).strict();

/** ap_fixed<18,8> with AP_RND (round half up) and AP_SAT, as an integer in units 2^-10. */
function toFixed(v: number): number {
  if (!(v < Infinity)) return MAX;
  return Math.max(-(2 ** (W - 1)), Math.min(MAX, Math.floor(v * 2 ** F + 0.5)));
}

export const hls4ml: Method = {
  name: 'hls4ml-like',
  summary: "baseline: emulation of hls4ml's default 'stable' softmax (1024-entry exp and 1/sum tables, ap_fixed<18,8>)",
  paramsSchema,
  addressings: ['top-bits'] as const,
  roundings: ['nearest'] as const,

  plan(c) {
    if (c.iw > TABLE_BITS) {
      throw new ConfigError('input.width', c.iw, `allowed: 2..${TABLE_BITS} for method hls4ml-like (see generator/methods/hls4ml.ts)`);
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
  },

  normalize(mp, _c, s): Coef {
    const sat = Math.min(s, MAX);
    return { inv: mp.tables[0]!.values[Math.floor(sat / 2 ** (W - TABLE_BITS))]! };
  },

  // one point: hls4ml's own configuration
  sweep: () => [{ addressing: 'top-bits', axes: {} }],
  emulation(mp) {
    // the sum saturates at max; the inverse table's index is the sum >> (width - tableBits)
    return { width: W, tableBits: TABLE_BITS, max: MAX, shift: mp.vars.shift! };
  },

  sCells(_mp, _c, sMin, sMax) {
    // the index is floor(min(S, MAX) / 2^8): bins of 256, the last one open to the top
    const bin = 2 ** (W - TABLE_BITS);
    const out = [];
    for (let k = Math.floor(Math.min(sMin, MAX) / bin); k * bin <= Math.min(sMax, MAX); k++) {
      const top = k === Math.floor(MAX / bin) ? sMax : (k + 1) * bin - 1;
      out.push({ sLo: Math.max(sMin, k * bin), sHi: Math.min(sMax, top) });
    }
    return out;
  },

  lane(mp, c, e, coef) {
    const prod = e * coef.inv!;
    const sh = mp.vars.shift!;
    const y = sh >= 0 ? Math.floor(prod / 2 ** sh) : prod * 2 ** -sh;
    return Math.min(c.maxCode, y);
  },

  build(mp, c): MethodBuild {
    const sw = mp.expTable.width + clog2(c.n);
    const sh = mp.vars.shift!;
    // entries are at most 1.0 (1024): only the low bits of e_i can be set
    const eb = mp.vars.eBits!;
    return {
      norm(top, sum) {
        // the sum in ap_fixed<18,8>, saturating; index = its top 10 bits (the sign bit is 0)
        const sat = logic(top, 's_sat', W - 1, [sum], levelsFor(top.model, sw - W + 1) + 1, 'normalisation: saturate the sum', (r) =>
          `(|${r(sum)}[${sw - 1}:${W - 1}]) ? {${W - 1}{1'b1}} : ${r(sum)}[${W - 2}:0]`,
        );
        const idx = wire(top, 's_idx', TABLE_BITS - 1, [sat], 'normalisation: saturate the sum', (r) => `${r(sat)}[${W - 2}:${W - TABLE_BITS}]`);
        top.lines.push(`wire unused_s_sat = &{1'b0, s_sat[${W - TABLE_BITS - 1}:0], 1'b0};`);
        return { inv: top.rom({ name: 'inv', width: W, addr: idx, fn: 'inv_lut', what: 'normalisation: inverse table' }) };
      },
      lane(ln, e, k) {
        ln.lines.push(`wire unused_e_hi = &{1'b0, ${ln.at(e, e.cycle)}[${W - 1}:${eb}], 1'b0};`);
        const elo = wire(ln, 'e_lo', eb, [e], 'lane: product', (r) => `${r(e)}[${eb - 1}:0]`);
        const mul = multiply(ln, elo, k.inv!, 'mul', 'lane: product');
        const mulw = eb + W;
        if (sh > 0) {
          ln.lines.push(`wire unused_mul = &{1'b0, ${ln.at(mul, mul.cycle)}[${sh - 1}:0], 1'b0};`);
          const t = wire(ln, 'y_full', mulw - sh, [mul], 'lane: truncate', (r) => `${r(mul)}[${mulw - 1}:${sh}]`);
          return saturate(ln, t, c.ow, 'y_sat', 'lane: saturate');
        }
        const t = wire(ln, 'y_full', mulw - sh, [mul], 'lane: truncate', (r) => (sh < 0 ? `{${r(mul)}, ${-sh}'d0}` : r(mul)));
        return saturate(ln, t, c.ow, 'y_sat', 'lane: saturate');
      },
    };
  },
};
