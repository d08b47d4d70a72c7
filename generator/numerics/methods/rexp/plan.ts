/**
 * REXP's plan: the parameter schema, the exponent and reciprocal tables (linear, normalized or interpolated) with the
 * reciprocal's proven accuracy, and the extras beside the MethodPlan that the model, the RTL and the bound read.
 */
import { z } from 'zod';
import { intIn } from '../../../core/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, roundHalfUp, shr } from '../../../core/bits.js';
import {
  defaultExpWidth,
  expParamShape,
  expParams,
  expUnit,
  linearS,
  mantissaMid,
  normS,
  planExp,
  type NormS,
  type SAddressing,
} from '../../tables.js';
import type { CommonPlan, MethodPlan } from '../../types.js';

export const paramsSchema = z
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
export interface Extra extends SAddressing {
  /** interpolated: index bits b and interpolation bits t of the mantissa. */
  interp?: { b: number; t: number };
  /** The largest |rho| over every sum: the lane computes round(2^OF e / S * (1 + rho)). */
  rhoMax: number;
  correct: boolean;
}

const extra = new WeakMap<MethodPlan, Extra>();

/** The extras the plan kept beside a MethodPlan of this method. */
export function extraOf(mp: MethodPlan): Extra {
  return extra.get(mp)!;
}

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

export function plan(c: CommonPlan, raw: Record<string, unknown>, addressing: string): MethodPlan {
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
}
