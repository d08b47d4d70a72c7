/**
 * REXP's RTL stages: the normalisation (leading one, reciprocal table, interpolation) and the lanes (product,
 * shift, rounding, correct rounding), made from the shared stage builders (generator/pipeline/stages.ts).
 */
import { arith, mantissaIndex, multiply, saturate, shiftRight, unusedOutside, wire, zx } from '../../../pipeline/stages.js';
import type { Sig } from '../../../pipeline/builder.js';
import type { CommonPlan, MethodBuild, MethodPlan } from '../../types.js';
import { extraOf } from './plan.js';

export function build(mp: MethodPlan, c: CommonPlan): MethodBuild {
  const ex = extraOf(mp);
  const sw = mp.vars.sw!;
  const rw = mp.params.recipWidth!; // the coefficient's width (the normalized table holds rw - 1 bits)
  const pw = mp.vars.prodWidth!;
  const laneReg = mp.laneRegister === true;
  if (ex.linear) {
    const l = ex.linear;
    const aw = mp.tables[0]!.addrWidth;
    const s = mp.vars.a! - c.ofrac;
    return {
      norm(top, sum) {
        // linear addressing: index = (S >> sh) - base, computed modulo 2^aw (exact: it is below the entries)
        const ridx = arith(top, 'ridx', aw, [sum], 'normalisation: table index', (r) => `${r(sum)}[${l.sh + aw - 1}:${l.sh}] - ${aw}'d${l.base % 2 ** aw}`);
        unusedOutside(top, sum, l.sh, l.sh + aw - 1, 'unused_sum', ridx.cycle);
        return { alpha: top.rom({ name: 'alpha', width: rw, addr: ridx, fn: 'recip_lut', what: 'normalisation: reciprocal table' }) };
      },
      lane(ln, e, k) {
        let mul = multiply(ln, e, k.alpha!, 'mul', 'lane: product');
        if (laneReg) mul = ln.reg(mul, 'mul_q', 'lane: product');
        const mulw = mul.width;
        if (s >= 1) {
          // round half up: ((mul >> (s-1)) + 1) >> 1; mul is widened when the shift exceeds it
          const w = Math.max(mulw, s);
          // the bits the rounding reads, taken where the product is made (only they are delayed)
          const mulx = w > mulw ? wire(ln, 'mulx', w, [mul], 'lane: round', (r) => zx(r(mul), mulw, w)) : mul;
          const hi = wire(ln, 'mul_hi', w - s + 1, [mulx], 'lane: round', (r) => `${r(mulx)}[${w - 1}:${s - 1}]`);
          const half = arith(ln, 'half', w - s + 2, [hi], 'lane: round', (r) => `{1'b0, ${r(hi)}} + ${w - s + 2}'d1`);
          const mark = ln.lines.length;
          const top = wire(ln, 'y_full', w - s + 1, [half], 'lane: round', (r) => `${r(half)}[${w - s + 1}:1]`);
          // the bit the rounding drops, in the cycle y_full reads half (a register may lie between)
          ln.lines.splice(mark, 0, `wire unused_half = &{1'b0, ${ln.at(half, top.cycle)}[0]${s >= 2 ? `, ${ln.at(mulx, mulx.cycle)}[${s - 2}:0]` : ''}, 1'b0};`);
          return saturate(ln, top, c.ow, 'y_sat', 'lane: saturate');
        }
        const full = wire(ln, 'y_full', mulw - s, [mul], 'lane: round', (r) => (s < 0 ? `{${r(mul)}, ${-s}'d0}` : r(mul)));
        return saturate(ln, full, c.ow, 'y_sat', 'lane: saturate');
      },
    };
  }
  const ns = ex.norm!;
  const shw = mp.vars.shw!;
  const pad = mp.vars.pad!;
  const k = mp.vars.k!;
  const m = ns.bits;
  const cw = mp.vars.cw!;
  const interp = ex.interp;
  return {
    norm(top, sum) {
      // S = m * 2^p: the leading zeros lz of S (p = SW - 1 - lz) and the mantissa index
      const { lz, j } = mantissaIndex(top, sum, m, 'n_j', 'normalisation: leading one');
      let r: Sig;
      if (!interp) {
        const rl = top.rom({ name: 'r_lut', width: rw - 1, addr: j, fn: 'recip_lut', what: 'normalisation: reciprocal table' });
        r = wire(top, 'r', rw, [rl], 'normalisation: reciprocal table', (q) => `{1'b1, ${q(rl)}}`);
      } else {
        // R = 2^(RW-1) + R0[jh] - floor(D[jh] * f / 2^t)
        const { b, t } = interp;
        const w0 = mp.tables[0]!.width;
        const ws = mp.tables[1]!.width;
        const jh = wire(top, 'n_jh', b, [j], 'normalisation: reciprocal', (q) => `${q(j)}[${b + t - 1}:${t}]`);
        const f = wire(top, 'n_f', t, [j], 'normalisation: reciprocal', (q) => `${q(j)}[${t - 1}:0]`);
        const r0 = top.rom({ name: 'r0_lut', width: w0, addr: jh, fn: 'recip_lut', what: 'normalisation: reciprocal table' });
        const sl = top.rom({ name: 'sl_lut', width: ws, addr: jh, fn: 'slope_lut', what: 'normalisation: reciprocal table' });
        const dm = multiply(top, sl, f, 'n_dm', 'normalisation: interpolation');
        const corr = wire(top, 'n_corr', ws, [dm], 'normalisation: interpolation', (q) => `${q(dm)}[${ws + t - 1}:${t}]`);
        top.lines.push(`wire unused_n_dm = &{1'b0, ${top.at(dm, dm.cycle)}[${t - 1}:0], 1'b0};`);
        r = arith(top, 'r', cw, [r0, corr], 'normalisation: interpolation', (q) => `${cw}'d${2 ** (rw - 1)} + ${zx(q(r0), w0, cw)} - ${zx(q(corr), ws, cw)}`);
      }
      // the output shift p + k = (SW - 1 + k) - lz
      const c0 = (((sw - 1 + k) % 2 ** shw) + 2 ** shw) % 2 ** shw;
      const shamt = arith(top, 'shamt', shw, [lz], 'normalisation: shift amount', (q) => `${shw}'d${c0} - ${zx(q(lz), lz.width, shw)}`);
      const out: Record<string, Sig> = { r, shamt };
      if (ex.correct) out.s = sum;
      return out;
    },
    // S is read only after the first product: one shared delay line, not one per lane
    late: ex.correct ? ['s'] : undefined,
    lane(ln, e, cf) {
      let mul = multiply(ln, e, cf.r!, 'mul', 'lane: product');
      if (laneReg) mul = ln.reg(mul, 'mul_q', 'lane: product');
      const prod = pad ? wire(ln, 'prod', pw, [mul], 'lane: product', (r) => `{${r(mul)}, ${pad}'d0}`) : mul;
      const shifted = shiftRight(ln, prod, cf.shamt!, 'shf', 'lane: shift');
      const half = arith(ln, 'half', pw + 1, [shifted], 'lane: round', (r) => `{1'b0, ${r(shifted)}} + ${pw + 1}'d1`);
      const mark = ln.lines.length;
      const full = wire(ln, 'y_full', pw, [half], 'lane: round', (r) => `${r(half)}[${pw}:1]`);
      // the bit the rounding drops, in the cycle y_full reads half (a register may lie between)
      ln.lines.splice(mark, 0, `wire unused_half = &{1'b0, ${ln.at(half, full.cycle)}[0], 1'b0};`);
      if (!ex.correct) return saturate(ln, full, c.ow, 'y_sat', 'lane: saturate');
      // correct rounding: y0 (OF + 1 bits, proven) and the remainder t = e 2^(OF+1) + S - 2 S y0
      const yw = mp.vars.yw!;
      const what = 'lane: correct rounding';
      const y0 = wire(ln, 'y0', yw, [full], what, (r) => `${r(full)}[${yw - 1}:0]`);
      if (pw > yw) ln.lines.push(`wire unused_y_full = &{1'b0, ${ln.at(full, full.cycle)}[${pw - 1}:${yw}], 1'b0};`);
      const s = cf.s!;
      const ew = e.width;
      // D = e 2^(OF+1) - S (2 y0 + 1) = t - 2S: y0 + 1 when D >= 0; D + 2S = t: y0 - 1 when t < 0.
      // y0 is within one step, so t lies in [-2S, 4S) and D in [-4S, 2S): both fit W = SW + 3 signed
      // bits, and only the low W bits of e 2^(OF+1) and of the product count (mod 2^W)
      const y1 = wire(ln, 'y0_odd', yw + 1, [y0], what, (r) => `{${r(y0)}, 1'b1}`);
      const mfull = multiply(ln, s, y1, 'sy', what);
      const W = sw + 3;
      const mw = Math.min(W, sw + yw + 1);
      const m = wire(ln, 'sy_lo', mw, [mfull], what, (r) => `${r(mfull)}[${mw - 1}:0]`);
      if (sw + yw + 1 > mw) ln.lines.push(`wire unused_sy = &{1'b0, ${ln.at(mfull, mfull.cycle)}[${sw + yw}:${mw}], 1'b0};`);
      const we = Math.min(ew, W - c.ofrac - 1);
      const el = wire(ln, 'e_lo', we, [e], what, (r) => (we < ew ? `${r(e)}[${we - 1}:0]` : r(e)));
      if (we < ew) ln.lines.push(`wire unused_e_hi = &{1'b0, ${ln.at(e, e.cycle)}[${ew - 1}:${we}], 1'b0};`);
      const dd = arith(ln, 'rd', W, [el, m], what, (r) => `${zx(`{${r(el)}, ${c.ofrac + 1}'d0}`, we + c.ofrac + 1, W)} - ${zx(r(m), mw, W)}`);
      const below = wire(ln, 'rd_neg', 1, [dd], what, (r) => `${r(dd)}[${W - 1}]`);
      const rt = arith(ln, 'rt', W, [dd, s], what, (r) => `${r(dd)} + ${zx(`{${r(s)}, 1'b0}`, sw + 1, W)}`);
      const neg = wire(ln, 'rt_neg', 1, [rt], what, (r) => `${r(rt)}[${W - 1}]`);
      ln.lines.push(`wire unused_rt = &{1'b0, ${ln.at(rt, rt.cycle)}[${W - 2}:0], 1'b0};`);
      const yc = arith(
        ln,
        'yc',
        yw + 1,
        [neg, below, y0],
        what,
        (r) => `${r(neg)} ? {1'b0, ${r(y0)}} - ${yw + 1}'d1 : (${r(below)} ? {1'b0, ${r(y0)}} : {1'b0, ${r(y0)}} + ${yw + 1}'d1)`,
      );
      return saturate(ln, yc, c.ow, 'y_sat', 'lane: saturate');
    },
  };
}
