/**
 * REXP (Vasyltsov & Chang): y_i = LUT_1/e[d_i] * LUT_alpha[index(S)], one multiplier per lane.
 *
 * - linear:     alpha = LUT[(S >> sh) - base] ~ 2^A / S;    y = round(e * alpha / 2^(A - OF))
 * - normalized: S = m * 2^p, r = LUT[top bits of m] ~ 2^RW / m;  y = round(e * r / 2^(RW + p - OF))
 */
import { z } from 'zod';
import { intIn } from '../schema.js';
import { ConfigError } from '../errors.js';
import { bitsFor, checkWidth, roundHalfUp, shr, shrRound } from '../numerics.js';
import type { CommonPlan } from '../plan.js';
import { arith, mantissaIndex, multiply, saturate, shiftRight, unusedOutside, wire, zx } from '../pipeline/stages.js';
import {
  expParamShape,
  expParams,
  expUnit,
  linearCells,
  linearIndex,
  linearS,
  mantissaMid,
  normCells,
  normIndex,
  normS,
  planExp,
  type SAddressing,
} from './common.js';
import type { Coef, Method, MethodBuild, MethodPlan } from './types.js';

const paramsSchema = z
  .object({
    ...expParamShape,
    recipAddrBits: intIn(1, 16).optional(),
    recipWidth: intIn(2, 24).optional(),
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

const extra = new WeakMap<MethodPlan, SAddressing>();

function sat(c: CommonPlan, v: number): number {
  return Math.min(v, c.maxCode);
}

export const rexp: Method = {
  name: 'rexp',
  summary: 'e^-d table times a reciprocal table of the sum: one multiplier per lane, no divider',
  paramsSchema,
  addressings: ['normalized', 'linear'] as const,
  roundings: ['nearest', 'correct'] as const,

  plan(c, raw, addressing) {
    const prm = raw as Params;
    const e = planExp(c, prm);
    const rw = prm.recipWidth ?? Math.min(24, c.ow + 2);
    const notes = [...e.notes];
    const vars: Record<string, number> = { sw: e.sw };
    let values: number[];
    let addrWidth: number;
    const ex: SAddressing = {};
    let bits: number;
    if (addressing === 'linear') {
      bits = prm.recipAddrBits ?? Math.min(16, c.ow + 1);
      const l = linearS(e, bits);
      ex.linear = l;
      const b0 = l.bins[0]!;
      let a = Math.floor(Math.log2(((2 ** rw - 1) * (b0.lo + b0.hi)) / 2));
      while (roundHalfUp((2 ** a * 2) / (b0.lo + b0.hi)) > 2 ** rw - 1) a--;
      values = l.bins.map((b) => roundHalfUp((2 ** a * 2) / (b.lo + b.hi)));
      addrWidth = l.addrWidth;
      vars.a = a;
      vars.prodWidth = e.ew + rw;
      notes.push(
        `reciprocal table LUT_alpha (linear): index = (S >> ${l.sh}) - ${l.base}, ${l.entries} entries of ${rw} bits, ` +
          `alpha ~ 2^${a} / S at the bin midpoint`,
        `output: y = round(e * alpha / 2^${a - c.ofrac}), product ${e.ew}x${rw} -> ${e.ew + rw} bits`,
      );
    } else {
      bits = prm.recipAddrBits ?? Math.min(16, c.ow + 1);
      const ns = normS(e, bits);
      ex.norm = ns;
      // r = round(2^RW / m_mid) lies in [2^(RW-1), 2^RW - 1] (m_mid < 2): its top bit is always 1, so the
      // table holds r - 2^(RW-1) in RW - 1 bits and the RTL puts the 1 back
      values = [];
      for (let j = 0; j < 2 ** bits; j++) {
        values.push(Math.min(2 ** rw - 1, roundHalfUp(2 ** rw / mantissaMid(ns, j))) - 2 ** (rw - 1));
      }
      addrWidth = bits;
      // y = round(e * r * 2^OF / 2^(RW + p)); shift amount t = RW + p - OF, at least 1 after a pad
      const pad = Math.max(0, 1 - (rw + ns.pMin - c.ofrac));
      const k = rw - c.ofrac - 1 + pad;
      vars.pad = pad;
      vars.k = k;
      vars.prodWidth = e.ew + rw + pad;
      vars.shw = Math.max(ns.pw, bitsFor(ns.pMax + k));
      notes.push(
        `normalisation: S = m * 2^p by leading-one detection, p in ${ns.pMin}..${ns.pMax} (${ns.pw} bits)`,
        `reciprocal table LUT_alpha (normalized): index = top ${bits} bits of m - 1, ${2 ** bits} entries of ${rw - 1} bits, r = 2^${rw - 1} + entry ~ 2^${rw} / m`,
        `output: y = round(e * r / 2^(p + ${rw - c.ofrac})), product ${e.ew}x${rw}${pad ? ` << ${pad}` : ''} -> ${e.ew + rw + pad} bits, shift ${ns.pMin + k}..${ns.pMax + k} then round`,
      );
    }
    if (e.ew + rw + (vars.pad ?? 0) > 52) {
      throw new ConfigError('method.recipWidth', rw, `allowed: expWidth + recipWidth <= 52 (expWidth is ${e.ew})`);
    }
    const mp: MethodPlan = {
      params: { ...expParams(e), recipAddrBits: bits, recipWidth: rw },
      ...expUnit(e),
      tables: [
        addressing === 'linear'
          ? { name: 'recip_lut', what: '2^A / S', width: rw, addrWidth, values }
          : { name: 'recip_lut', what: '2^RW / m - 2^(RW-1)', width: rw - 1, addrWidth, values },
      ],
      laneRegister: c.config.pipeline.laneRegister,
      notes,
      vars,
    };
    extra.set(mp, ex);
    return mp;
  },

  normalize(mp, _c, s): Coef {
    const ex = extra.get(mp)!;
    const rom = mp.tables[0]!.values;
    if (ex.linear) return { alpha: rom[linearIndex(ex.linear, s)]! };
    const { p, j } = normIndex(ex.norm!, s);
    return { r: rom[j]! + 2 ** (mp.params.recipWidth! - 1), shamt: p + mp.vars.k! };
  },

  sCells(mp, _c, sMin, sMax) {
    const ex = extra.get(mp)!;
    return ex.linear ? linearCells(ex.linear) : normCells(ex.norm!, sMin, sMax);
  },

  lane(mp, c, e, coef: Coef) {
    const ex = extra.get(mp)!;
    if (ex.linear) {
      const prod = e * coef.alpha!;
      checkWidth('rexp product', prod, mp.vars.prodWidth!);
      return sat(c, shrRound(prod, mp.vars.a! - c.ofrac));
    }
    const prod = e * coef.r! * 2 ** mp.vars.pad!;
    checkWidth('rexp product', prod, mp.vars.prodWidth!);
    return sat(c, shr(shr(prod, coef.shamt!) + 1, 1));
  },

  build(mp, c): MethodBuild {
    const ex = extra.get(mp)!;
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
          unusedOutside(top, sum, l.sh, l.sh + aw - 1, 'unused_sum');
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
            ln.lines.push(`wire unused_half = &{1'b0, ${ln.at(half, half.cycle)}[0]${s >= 2 ? `, ${ln.at(mulx, mulx.cycle)}[${s - 2}:0]` : ''}, 1'b0};`);
            const top = wire(ln, 'y_full', w - s + 1, [half], 'lane: round', (r) => `${r(half)}[${w - s + 1}:1]`);
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
    return {
      norm(top, sum) {
        // S = m * 2^p: the leading zeros lz of S (p = SW - 1 - lz) and S shifted so its leading one is on top
        // S = m * 2^p: the leading zeros lz of S (p = SW - 1 - lz) and the mantissa index
        const { lz, j } = mantissaIndex(top, sum, m, 'n_j', 'normalisation: leading one');
        const rl = top.rom({ name: 'r_lut', width: rw - 1, addr: j, fn: 'recip_lut', what: 'normalisation: reciprocal table' });
        const r = wire(top, 'r', rw, [rl], 'normalisation: reciprocal table', (q) => `{1'b1, ${q(rl)}}`);
        // the output shift p + k = (SW - 1 + k) - lz
        const c0 = (((sw - 1 + k) % 2 ** shw) + 2 ** shw) % 2 ** shw;
        const shamt = arith(top, 'shamt', shw, [lz], 'normalisation: shift amount', (q) => `${shw}'d${c0} - ${zx(q(lz), lz.width, shw)}`);
        return { r, shamt };
      },
      lane(ln, e, cf) {
        let mul = multiply(ln, e, cf.r!, 'mul', 'lane: product');
        if (laneReg) mul = ln.reg(mul, 'mul_q', 'lane: product');
        const prod = pad ? wire(ln, 'prod', pw, [mul], 'lane: product', (r) => `{${r(mul)}, ${pad}'d0}`) : mul;
        const shifted = shiftRight(ln, prod, cf.shamt!, 'shf', 'lane: shift');
        const half = arith(ln, 'half', pw + 1, [shifted], 'lane: round', (r) => `{1'b0, ${r(shifted)}} + ${pw + 1}'d1`);
        ln.lines.push(`wire unused_half = &{1'b0, ${ln.at(half, half.cycle)}[0], 1'b0};`);
        const full = wire(ln, 'y_full', pw, [half], 'lane: round', (r) => `${r(half)}[${pw}:1]`);
        return saturate(ln, full, c.ow, 'y_sat', 'lane: saturate');
      },
    };
  },
};

