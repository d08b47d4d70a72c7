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
import {
  expParamShape,
  linearCells,
  linearIndex,
  linearS,
  mantissaMid,
  normCells,
  normIndex,
  normRtl,
  normS,
  planExp,
  saturate,
  zext,
  type SAddressing,
} from './common.js';
import type { Coef, Method, MethodPlan } from './types.js';

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
      params: { expWidth: e.ew, expStepLog2: e.shift, recipAddrBits: bits, recipWidth: rw },
      expTable: e.table,
      expShift: e.shift,
      tables: [
        addressing === 'linear'
          ? { name: 'recip_lut', what: '2^A / S', width: rw, addrWidth, values }
          : { name: 'recip_lut', what: '2^RW / m - 2^(RW-1)', width: rw - 1, addrWidth, values },
      ],
      normStages: addressing === 'linear' ? 1 : 2,
      laneStages: c.config.pipeline.laneRegister ? 1 : 0,
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

  rtl(mp, c) {
    const ex = extra.get(mp)!;
    const t = mp.tables[0]!;
    const sw = mp.vars.sw!;
    const ew = mp.expTable.width;
    const rw = mp.params.recipWidth!; // the coefficient's width (the normalized table holds rw - 1 bits)
    const pw = mp.vars.prodWidth!;
    const mulw = ew + rw;
    const mulExpr = `${zext('e_i', ew, mulw)} * ${zext(ex.linear ? 'alpha' : 'r', rw, mulw)}`;
    const laneReg = (mp.laneStages ?? 0) > 0;
    // pipeline.laneRegister: the product is registered before the rounding shift and saturation
    const product = laneReg
      ? `  reg [${mulw - 1}:0] mul;\n  always @(posedge aclk) if (ce) mul <= ${mulExpr};\n`
      : `  wire [${mulw - 1}:0] mul = ${mulExpr};\n`;
    if (ex.linear) {
      const l = ex.linear;
      const aw = t.addrWidth;
      const s = mp.vars.a! - c.ofrac;
      const norm =
        `  // linear addressing: index = (S >> ${l.sh}) - ${l.base}, computed modulo 2^${aw} (exact: it is below ${l.entries})\n` +
        `  wire [${aw - 1}:0] ridx = sum_s[${l.sh + aw - 1}:${l.sh}] - ${aw}'d${l.base % 2 ** aw};\n` +
        (sw > l.sh + aw ? `  wire unused_sum_hi = &{1'b0, sum_s[${sw - 1}:${l.sh + aw}], 1'b0};\n` : '') +
        (l.sh > 0 ? `  wire unused_sum_lo = &{1'b0, sum_s[${l.sh - 1}:0], 1'b0};\n` : '') +
        `  reg [${rw - 1}:0] alpha;\n` +
        `  always @(posedge aclk) if (ce) alpha <= recip_lut(ridx);\n`;
      let lane = product;
      if (s >= 1) {
        // round half up: ((mul >> (s-1)) + 1) >> 1; mul is widened when the shift exceeds it
        const w = Math.max(mulw, s);
        const src = w > mulw ? 'mulx' : 'mul';
        if (w > mulw) lane += `  wire [${w - 1}:0] mulx = ${zext('mul', mulw, w)};\n`;
        lane +=
          `  wire [${w - s + 1}:0] half = {1'b0, ${src}[${w - 1}:${s - 1}]} + ${w - s + 2}'d1;\n` +
          (s >= 2 ? `  wire unused_mul = &{1'b0, ${src}[${s - 2}:0], half[0], 1'b0};\n` : `  wire unused_half = &{1'b0, half[0], 1'b0};\n`) +
          saturate(`half[${w - s + 1}:1]`, w - s + 1, c.ow);
      } else {
        lane += saturate(s < 0 ? `{mul, ${-s}'d0}` : 'mul', mulw - s, c.ow);
      }
      return { norm, lane, coefs: [{ name: 'alpha', width: rw }], laneTables: [] };
    }
    const ns = ex.norm!;
    const shw = mp.vars.shw!;
    const pad = mp.vars.pad!;
    const norm =
      normRtl(ns, sw, 'n_') +
      `  // stage 1: register p and the mantissa index
  reg [${ns.pw - 1}:0] n_p;
  reg [${ns.bits - 1}:0] n_j;
  always @(posedge aclk) if (ce) begin
    n_p <= n_p_c;
    n_j <= n_j_c;
  end
  // stage 2: reciprocal lookup and the output shift amount p + ${mp.vars.k}
  reg [${rw - 1}:0] r;
  reg [${shw - 1}:0] shamt;
  always @(posedge aclk) if (ce) begin
    r <= {1'b1, recip_lut(n_j)};
    shamt <= ${zext('n_p', ns.pw, shw)} ${mp.vars.k! >= 0 ? '+' : '-'} ${shw}'d${Math.abs(mp.vars.k!)};
  end
` +
      (laneReg
        ? `  // the shift amount follows the registered product (pipeline.laneRegister)
  reg [${shw - 1}:0] shamt_l;
  always @(posedge aclk) if (ce) shamt_l <= shamt;
`
        : '');
    const lane =
      product +
      `  wire [${pw - 1}:0] prod = ${pad ? `{mul, ${pad}'d0}` : 'mul'};
  wire [${pw - 1}:0] shifted = prod >> ${laneReg ? 'shamt_l' : 'shamt'};
  wire [${pw}:0] half = {1'b0, shifted} + ${pw + 1}'d1;
  wire unused_half = &{1'b0, half[0], 1'b0};
` +
      saturate(`half[${pw}:1]`, pw, c.ow);
    return { norm, lane, coefs: [{ name: 'r', width: rw }, { name: laneReg ? 'shamt_l' : 'shamt', width: shw }], laneTables: [] };
  },
};

