/**
 * hls4ml-like, the RTL stages: the saturated sum addresses the inverse ROM; each lane multiplies the low
 * bits of e by it, truncates and saturates.
 */
import { logic, multiply, saturate, unusedOutside, wire } from '../../../pipeline/stages.js';
import type { Sig, Pipe } from '../../../pipeline/builder.js';
import { levelsFor } from '../../../pipeline/delay.js';
import { clog2 } from '../../../core/bits.js';
import { W } from './plan.js';
import type { CommonPlan, MethodBuild, MethodPlan } from '../../types.js';

export function build(mp: MethodPlan, c: CommonPlan): MethodBuild {
  const sw = mp.expTable.width + clog2(c.n);
  const sh = mp.vars.shift!;
  // entries are at most 1.0 (1024): only the low bits of e_i can be set
  const eb = mp.vars.eBits!;
  const tb = mp.vars.tableBits!;
  // hls4ml's default output type wraps: the low OW bits; the tuned one saturates
  const out = (ln: Pipe, t: Sig): Sig => {
    if (!mp.vars.wrap) return saturate(ln, t, c.ow, 'y_sat', 'lane: saturate');
    unusedOutside(ln, t, 0, c.ow - 1, 'unused_y_full');
    return wire(ln, 'y_wrap', c.ow, [t], 'lane: wrap', (r) => (t.width > c.ow ? `${r(t)}[${c.ow - 1}:0]` : r(t)));
  };
  return {
    norm(top, sum) {
      // the sum in ap_fixed<18,8>, saturating; index = its top 10 bits (the sign bit is 0)
      const sat = logic(top, 's_sat', W - 1, [sum], levelsFor(top.model, sw - W + 1) + 1, 'normalisation: saturate the sum', (r) =>
        `(|${r(sum)}[${sw - 1}:${W - 1}]) ? {${W - 1}{1'b1}} : ${r(sum)}[${W - 2}:0]`,
      );
      const idx = wire(top, 's_idx', tb - 1, [sat], 'normalisation: saturate the sum', (r) => `${r(sat)}[${W - 2}:${W - tb}]`);
      top.lines.push(`wire unused_s_sat = &{1'b0, s_sat[${W - tb - 1}:0], 1'b0};`);
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
        return out(ln, t);
      }
      const t = wire(ln, 'y_full', mulw - sh, [mul], 'lane: truncate', (r) => (sh < 0 ? `{${r(mul)}, ${-sh}'d0}` : r(mul)));
      return out(ln, t);
    },
  };
}
