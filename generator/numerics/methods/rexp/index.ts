/**
 * REXP (Vasyltsov & Chang): y_i = LUT_1/e[d_i] * LUT_alpha[index(S)], one multiplier per lane.
 *
 * - linear:     alpha = LUT[(S >> sh) - base] ~ 2^A / S;    y = round(e * alpha / 2^(A - OF))
 * - normalized: S = m * 2^p, r = LUT[top bits of m] ~ 2^RW / m;  y = round(e * r / 2^(RW + p - OF))
 */
import { z } from 'zod';
import { intIn } from '../../../core/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, checkWidth, roundHalfUp, shr, shrRound } from '../../../core/bits.js';
import { arith, mantissaIndex, multiply, saturate, shiftRight, unusedOutside, wire, zx } from '../../../pipeline/stages.js';
import {
  defaultExpWidth,
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
  monotoneRuns,
  planExp,
  type NormS,
  type SAddressing,
} from '../../tables.js';
import type { Coef, Method, MethodBuild, MethodPlan } from '../../types.js';
import type { Sig } from '../../../pipeline/builder.js';
import type { CommonPlan } from '../../types.js';

const paramsSchema = z
  .object({
    ...expParamShape,
    recipAddrBits: intIn(1, 16).optional(),
    recipWidth: intIn(2, 24).optional(),
    /** interpolated: bits of the mantissa below the table index that the slope multiplies. */
    recipInterpBits: intIn(1, 16).optional(),
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

/** What the plan keeps beside the MethodPlan: the addressing, and the reciprocal's proven accuracy. */
interface Extra extends SAddressing {
  /** interpolated: index bits b and interpolation bits t of the mantissa. */
  interp?: { b: number; t: number };
  /** The largest |rho| over every sum: the lane computes round(2^OF e / S * (1 + rho)). */
  rhoMax: number;
  correct: boolean;
}

const extra = new WeakMap<MethodPlan, Extra>();

/** The largest |r m / 2^RW - 1| over m in [m0, m1] for a constant r (linear in m: the ends). */
function rhoOver(r: number, m0: number, m1: number, rw: number): number {
  return Math.max(Math.abs((r * m0) / 2 ** rw - 1), Math.abs((r * m1) / 2 ** rw - 1));
}

/**
 * The lane's output shift for a reciprocal r ~ 2^RW / m of cw bits: y = round(e * r * 2^OF / 2^(RW + p)),
 * shift amount RW + p - OF, at least 1 after a pad of the product; sets pad, k (shamt = p + k), cw,
 * prodWidth and shw in vars.
 */
function shiftVars(vars: Record<string, number>, c: CommonPlan, ns: NormS, ew: number, rw: number, cw: number): { pad: number; k: number } {
  const pad = Math.max(0, 1 - (rw + ns.pMin - c.ofrac));
  const k = rw - c.ofrac - 1 + pad;
  Object.assign(vars, { pad, k, cw, prodWidth: ew + cw + pad, shw: Math.max(ns.pw, bitsFor(ns.pMax + k)) });
  return { pad, k };
}

/** The interpolated reciprocal: R = R0[j] - floor(D[j] f / 2^t), R0 = 2^(RW-1) + table entry. */
export function interpR(r0: number, slope: number, f: number, t: number): number {
  return r0 - shr(slope * f, t);
}

function sat(c: CommonPlan, v: number): number {
  return Math.min(v, c.maxCode);
}

export const rexp: Method = {
  name: 'rexp',
  summary: 'e^-d table times a reciprocal table of the sum: one multiplier per lane, no divider',
  paramsSchema,
  addressings: ['normalized', 'linear', 'interpolated'] as const,
  roundings: ['nearest', 'correct'] as const,
  // a table of every 2^-(OW+1) of the mantissa stops paying past 10 output bits: interpolate
  defaultAddressing: (ow) => (ow > 10 ? 'interpolated' : undefined),

  plan(c, raw, addressing) {
    const prm = raw as Params;
    const correct = c.config.output.rounding === 'correct';
    // correct rounding leaves the exponent tables the whole error beyond 0.5 LSB: 4 bits more than
    // nearest's default, as the exact baseline has
    const e = planExp(c, { ...prm, expWidth: prm.expWidth ?? defaultExpWidth(c, correct ? 6 : 2) });
    // interpolated: 5 bits beyond the output fraction keep the entries' rounding near 2^-(OF+5)
    const rw = prm.recipWidth ?? (addressing === 'interpolated' ? Math.min(24, c.ofrac + 5) : Math.min(24, c.ow + 2));
    const notes = [...e.notes];
    const vars: Record<string, number> = { sw: e.sw };
    let values: number[];
    let addrWidth: number;
    const ex: Extra = { rhoMax: 0, correct: false };
    let slopes: number[] = [];
    let bits: number;
    if (addressing === 'linear') {
      bits = prm.recipAddrBits ?? Math.min(16, c.ow + 1);
      const l = linearS(e, bits);
      ex.linear = l;
      const b0 = l.bins[0]!;
      let a = Math.floor(Math.log2(((2 ** rw - 1) * (b0.lo + b0.hi)) / 2));
      while (roundHalfUp((2 ** a * 2) / (b0.lo + b0.hi)) > 2 ** rw - 1) a--;
      values = l.bins.map((b) => roundHalfUp((2 ** a * 2) / (b.lo + b.hi)));
      ex.rhoMax = Math.max(...l.bins.map((b, j) => Math.max(Math.abs((values[j]! * b.lo) / 2 ** a - 1), Math.abs((values[j]! * b.hi) / 2 ** a - 1))));
      addrWidth = l.addrWidth;
      vars.a = a;
      vars.prodWidth = e.ew + rw;
      notes.push(
        `reciprocal table LUT_alpha (linear): index = (S >> ${l.sh}) - ${l.base}, ${l.entries} entries of ${rw} bits, ` +
          `alpha ~ 2^${a} / S at the bin midpoint`,
        `output: y = round(e * alpha / 2^${a - c.ofrac}), product ${e.ew}x${rw} -> ${e.ew + rw} bits`,
      );
    } else if (addressing === 'interpolated') {
      // R ~ 2^RW / m from the table at the top b bits of m - 1 and a slope times the next t bits
      bits = prm.recipAddrBits ?? Math.max(4, Math.ceil(c.ofrac / 2));
      const t = prm.recipInterpBits ?? Math.max(1, c.ofrac + 4 - bits);
      if (bits + t > 24) throw new ConfigError('method.recipInterpBits', t, `allowed: recipAddrBits + recipInterpBits <= 24 (recipAddrBits is ${bits})`);
      const ns = normS(e, bits + t);
      ex.norm = ns;
      ex.interp = { b: bits, t };
      const f = (m: number) => 2 ** rw / m;
      const r0: number[] = [];
      const slope: number[] = [];
      for (let j = 0; j < 2 ** bits; j++) {
        const m0 = 1 + j / 2 ** bits;
        const m1 = 1 + (j + 1) / 2 ** bits;
        // the chord lies above the convex 1/m by at most err (at the geometric mean): start half of it lower
        const mg = Math.sqrt(m0 * m1);
        const err = f(m0) + ((f(m1) - f(m0)) * (mg - m0)) / (m1 - m0) - f(mg);
        r0.push(roundHalfUp(f(m0) - err / 2));
        slope.push(roundHalfUp(f(m0) - f(m1)));
      }
      values = r0.map((v) => v - 2 ** (rw - 1));
      slopes = slope;
      addrWidth = bits;
      // the proof of accuracy: every (j, f) cell of the mantissa, at both ends
      let rho = 0;
      const cell = 2 ** -(bits + t);
      for (let j = 0; j < 2 ** bits; j++) {
        for (let fr = 0; fr < 2 ** t; fr++) {
          const m0 = 1 + (j * 2 ** t + fr) * cell;
          rho = Math.max(rho, rhoOver(interpR(r0[j]!, slope[j]!, fr, t), m0, m0 + cell, rw));
        }
      }
      ex.rhoMax = rho;
      const cw = rw + 1; // R in (2^(RW-1), 2^RW]
      const { pad, k } = shiftVars(vars, c, ns, e.ew, rw, cw);
      vars.slopeWidth = bitsFor(Math.max(...slope));
      notes.push(
        `normalisation: S = m * 2^p by leading-one detection, p in ${ns.pMin}..${ns.pMax} (${ns.pw} bits)`,
        `reciprocal, interpolated: j = top ${bits} bits of m - 1, f = the next ${t} bits; R = 2^${rw - 1} + recip_lut[j] - floor(slope_lut[j] * f / 2^${t}) ~ 2^${rw} / m`,
        `  ${2 ** bits} entries of ${bitsFor(Math.max(...values))} and ${vars.slopeWidth} bits; |R m / 2^${rw} - 1| <= ${rho.toExponential(3)} over every mantissa (checked cell by cell)`,
        `output: y = round(e * R / 2^(p + ${rw - c.ofrac})), product ${e.ew}x${cw}${pad ? ` << ${pad}` : ''} -> ${e.ew + cw + pad} bits, shift ${ns.pMin + k}..${ns.pMax + k} then round`,
      );
    } else {
      // correct rounding needs y0 only within one step: 2^-OF of 1/S, not 2^-(OW+1)
      bits = prm.recipAddrBits ?? (correct ? Math.max(1, Math.min(16, c.ofrac)) : Math.min(16, c.ow + 1));
      const ns = normS(e, bits);
      ex.norm = ns;
      // r = round(2^RW / m_mid) lies in [2^(RW-1), 2^RW - 1] (m_mid < 2): its top bit is always 1, so the
      // table holds r - 2^(RW-1) in RW - 1 bits and the RTL puts the 1 back
      values = [];
      let rho = 0;
      for (let j = 0; j < 2 ** bits; j++) {
        const r = Math.min(2 ** rw - 1, roundHalfUp(2 ** rw / mantissaMid(ns, j)));
        values.push(r - 2 ** (rw - 1));
        rho = Math.max(rho, rhoOver(r, 1 + j / 2 ** bits, 1 + (j + 1) / 2 ** bits, rw));
      }
      ex.rhoMax = rho;
      addrWidth = bits;
      const { pad, k } = shiftVars(vars, c, ns, e.ew, rw, rw);
      notes.push(
        `normalisation: S = m * 2^p by leading-one detection, p in ${ns.pMin}..${ns.pMax} (${ns.pw} bits)`,
        `reciprocal table LUT_alpha (normalized): index = top ${bits} bits of m - 1, ${2 ** bits} entries of ${rw - 1} bits, r = 2^${rw - 1} + entry ~ 2^${rw} / m`,
        `output: y = round(e * r / 2^(p + ${rw - c.ofrac})), product ${e.ew}x${rw}${pad ? ` << ${pad}` : ''} -> ${e.ew + rw + pad} bits, shift ${ns.pMin + k}..${ns.pMax + k} then round`,
      );
    }
    if (c.config.output.rounding === 'correct') {
      if (addressing === 'linear') throw new ConfigError('output.rounding', 'correct', 'allowed: nearest with addressing linear (correct rounding: addressing normalized or interpolated)');
      // y0 = round(2^OF e / S (1 + rho)) and the correct y differ by less than 1 + 2^OF rho_max: at most
      // one step when that is below 2, which one remainder e 2^(OF+1) + S - 2 S y0 decides
      if (2 ** c.ofrac * ex.rhoMax >= 0.99) {
        throw new ConfigError(
          'method.recipAddrBits',
          bits,
          `output.rounding correct needs the reciprocal within 2^-${c.ofrac} of 1/S (it is within ${ex.rhoMax.toExponential(3)}): allowed: more recipAddrBits, recipWidth${addressing === 'interpolated' ? ' or recipInterpBits' : ''}`,
        );
      }
      ex.correct = true;
      vars.yw = c.ofrac + 1;
      notes.push(
        `correct rounding: y0 as above is within 1 of round(e * 2^${c.ofrac} / S) (2^${c.ofrac} * ${ex.rhoMax.toExponential(3)} < 1); ` +
          `the remainder t = e * 2^${c.ofrac + 1} + S - 2 S y0 picks y0 - 1 (t < 0), y0 + 1 (t >= 2 S) or y0: one ${e.sw}x${c.ofrac + 1} product per lane`,
      );
    }
    if (vars.prodWidth! > 52) {
      throw new ConfigError('method.recipWidth', rw, `allowed: expWidth + recipWidth <= ${52 - (vars.prodWidth! - e.ew - rw)} (expWidth is ${e.ew})`);
    }
    const mp: MethodPlan = {
      params: { ...expParams(e), recipAddrBits: bits, recipWidth: rw, ...(ex.interp ? { recipInterpBits: ex.interp.t } : {}) },
      ...expUnit(e),
      tables:
        addressing === 'linear'
          ? [{ name: 'recip_lut', what: '2^A / S', width: rw, addrWidth, values }]
          : ex.interp
            ? [
                { name: 'recip_lut', what: 'R0 - 2^(RW-1), R0 ~ 2^RW / m at the bin start', width: bitsFor(Math.max(...values)), addrWidth, values },
                { name: 'slope_lut', what: 'the fall of 2^RW / m across the bin', width: vars.slopeWidth!, addrWidth, values: slopes },
              ]
            : [{ name: 'recip_lut', what: '2^RW / m - 2^(RW-1)', width: rw - 1, addrWidth, values }],
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
    const { p, j: q } = normIndex(ex.norm!, s);
    const half = 2 ** (mp.params.recipWidth! - 1);
    const sc: Coef = ex.correct ? { s } : {};
    if (ex.interp) {
      const { t } = ex.interp;
      const j = shr(q, t);
      return { r: interpR(rom[j]! + half, mp.tables[1]!.values[j]!, q - j * 2 ** t, t), shamt: p + mp.vars.k!, ...sc };
    }
    return { r: rom[q]! + half, shamt: p + mp.vars.k!, ...sc };
  },

  sCells(mp, _c, sMin, sMax) {
    const ex = extra.get(mp)!;
    // the coefficients are constant on these cells only without interpolation and without S itself
    if (ex.interp || ex.correct) return undefined;
    return ex.linear ? linearCells(ex.linear) : normCells(ex.norm!, sMin, sMax);
  },

  outputRuns(mp, c, e, sMin, sMax) {
    // correct rounding: y = min(maxCode, round(e 2^OF / S)), which never grows with S
    if (!extra.get(mp)!.correct) return undefined;
    return monotoneRuns((s) => rexp.lane(mp, c, e, rexp.normalize(mp, c, s)), sMin, sMax);
  },

  // the exponent width to OW + ceil(log2 n) + 6 at the planner's step (long vectors need about
  // OW + log2 n + 2); OW..OW+6 at the two coarser steps, whose entry errors dominate long before that,
  // with narrower reciprocal axes
  sweep(s) {
    const wide = s.widths(0, Math.ceil(Math.log2(s.n)) + 6);
    return ([['normalized', 3], ['linear', 4]] as const).flatMap(([addressing, ra0]) => [
      { addressing, axes: { expWidth: wide, expStepLog2: [s.step], recipAddrBits: s.range(ra0, Math.min(16, s.ow + ra0 - 1)), recipWidth: s.widths(-1, 5) } },
      { addressing, axes: { expWidth: s.widths(0, 6), expStepLog2: s.coarse, recipAddrBits: s.range(ra0, Math.min(16, s.ow + ra0 - 3)), recipWidth: s.widths(-1, 3) } },
    ]);
  },
  emulation(mp): Record<string, number | string | boolean> {
    const ex = extra.get(mp)!;
    if (ex.linear) return { mode: 'linear', sh: ex.linear.sh, base: ex.linear.base, a: mp.vars.a!, correct: ex.correct };
    const common = { rw: mp.params.recipWidth!, k: mp.vars.k!, pad: mp.vars.pad!, correct: ex.correct };
    if (ex.interp) return { mode: 'interpolated', b: ex.interp.b, t: ex.interp.t, ...common };
    return { mode: 'normalized', bits: ex.norm!.bits, ...common };
  },

  quotientError(mp, c) {
    const ex = extra.get(mp)!;
    return ex.correct ? 0.5 : 0.5 + 2 ** c.ofrac * ex.rhoMax;
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
    const y0 = shr(shr(prod, coef.shamt!) + 1, 1);
    if (!ex.correct) return sat(c, y0);
    // the RTL keeps OF + 1 bits of y0 (the plan proves y0 <= 2^OF + 1)
    checkWidth('rexp y0', y0, mp.vars.yw!);
    const s = coef.s!;
    const t = e * 2 ** (c.ofrac + 1) + s - 2 * s * y0;
    return sat(c, t < 0 ? y0 - 1 : t >= 2 * s ? y0 + 1 : y0);
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
        ln.lines.push(`wire unused_half = &{1'b0, ${ln.at(half, half.cycle)}[0], 1'b0};`);
        const full = wire(ln, 'y_full', pw, [half], 'lane: round', (r) => `${r(half)}[${pw}:1]`);
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
  },
};

