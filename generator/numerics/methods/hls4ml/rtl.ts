/**
 * hls4ml-like, the RTL stages: the saturated sum addresses the inverse ROM; each lane multiplies the low
 * bits of e by it, truncates and saturates.
 */
import { logic, multiply, saturate, unusedOutside, wire } from '../../../pipeline/stages.js';
import type { Sig, Pipe } from '../../../pipeline/builder.js';
import { levelsFor } from '../../../pipeline/delay.js';
import { clog2 } from '../../../core/bits.js';
import { F, W } from './plan.js';
import type { CommonPlan, MethodBuild, MethodPlan } from '../../types.js';

export function build(mp: MethodPlan, c: CommonPlan): MethodBuild {
  const sw = mp.expTable.width + clog2(c.n);
  const sh = mp.vars.shift!;
  // entries are at most 1.0 (1024): only the low bits of e_i can be set
  const eb = mp.vars.eBits!;
  // hls4ml's default output type wraps: the low OW bits; the tuned one saturates
  const out = (ln: Pipe, t: Sig): Sig => {
    if (!mp.vars.wrap) return saturate(ln, t, c.ow, 'y_sat', 'lane: saturate');
    unusedOutside(ln, t, 0, c.ow - 1, 'unused_y_full');
    return wire(ln, 'y_wrap', c.ow, [t], 'lane: wrap', (r) => (t.width > c.ow ? `${r(t)}[${c.ow - 1}:0]` : r(t)));
  };
  return {
    norm(top, sum) {
      const ish = mp.vars.indexShift!;
      const aw = mp.tables[0]!.addrWidth;
      const satMax = mp.vars.satMax!;
      const rom = (idx: Sig) => ({ inv: top.rom({ name: 'inv', width: W, addr: idx, fn: 'inv_lut', what: 'normalisation: inverse table' }) });
      if (satMax >= c.n * 2 ** F) {
        // inv_inp_t holds every sum (S <= n * 1.0): the index is S >> indexShift, no saturation
        const idx = wire(top, 's_idx', aw, [sum], 'normalisation: the top bits of the sum', (r) => `${r(sum)}[${ish + aw - 1}:${ish}]`);
        unusedOutside(top, sum, ish, ish + aw - 1, 'unused_sum', idx.cycle);
        return rom(idx);
      }
      // inv_inp_t saturates at satMax = 2^sb - 1 (ap_fixed<18,8>: sb = 17, the sign bit 0; ap_ufixed<18,I>:
      // sb = I + 10); the index is its top bits, [sb-1 : indexShift]
      const sb = clog2(satMax + 1);
      if (2 ** sb !== satMax + 1) throw new Error(`internal: hls4ml-like: saturation value ${satMax} is not 2^k - 1`);
      const sat = logic(top, 's_sat', sb, [sum], levelsFor(top.model, sw - sb) + 1, 'normalisation: saturate the sum', (r) =>
        `(|${r(sum)}[${sw - 1}:${sb}]) ? {${sb}{1'b1}} : ${r(sum)}[${sb - 1}:0]`,
      );
      const idx = wire(top, 's_idx', sb - ish, [sat], 'normalisation: saturate the sum', (r) => `${r(sat)}[${sb - 1}:${ish}]`);
      unusedOutside(top, sat, ish, sb - 1, 'unused_s_sat', idx.cycle);
      return rom(idx);
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
