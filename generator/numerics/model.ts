/**
 * The golden model: a bit-exact TypeScript model of the generated RTL, using the very tables the
 * RTL holds, and the float reference softmax it is measured against.
 */
import { expValue, laneValue, onlineOffset, onlineSumOf } from './tables.js';
import type { Plan } from './types.js';

export interface ModelTrace {
  max: number;
  /** d = max - x, or with an online sum d' = d + o (its IntMax offset). */
  d: number[];
  e: number[];
  sum: number;
  coef: Record<string, number>;
  y: number[];
}

/** Bit-exact output codes for one vector of input codes (signed integers). */
export function modelTrace(p: Plan, x: readonly number[]): ModelTrace {
  let max = x[0]!;
  for (const v of x) if (v > max) max = v;
  const on = p.mp.expOnline;
  const o = on ? onlineOffset(on, max) : 0;
  const d = x.map((v) => max - v + o);
  const e = d.map((dd) => expValue(p.mp, dd));
  let sum = 0;
  if (on) sum = onlineSumOf(on, d);
  else for (const v of e) sum += v;
  const coef = p.method.normalize(p.mp, p.common, sum);
  const y = e.map((ei, i) => p.method.lane(p.mp, p.common, laneValue(p.mp, d[i]!, ei), coef));
  return { max, d, e, sum, coef, y };
}

export function model(p: Plan, x: readonly number[]): number[] {
  return modelTrace(p, x).y;
}

/**
 * The code on the output port for output code y: y itself, or with output.type int8 (TFLite/ONNX:
 * scale 1/256, zero point -128) y - 128 as an 8-bit two's complement pattern, i.e. y with its top
 * bit inverted. Errors are measured on y; the port carries this.
 */
export function portCode(p: Plan, y: number): number {
  const zp = p.common.config.output.zeroPoint;
  if (zp === undefined) return y;
  const m = 2 ** p.common.ow;
  return (((y + zp) % m) + m) % m;
}

/** Port codes for one vector (see portCode). */
export function modelPort(p: Plan, x: readonly number[]): number[] {
  return model(p, x).map((y) => portCode(p, y));
}

/** The manifest's description of the ports' formats. */
export function portFormats(p: Plan) {
  const c = p.common;
  const o = c.config.output;
  return {
    input: { width: c.iw, frac: c.ifrac, signed: true, ...(c.inScale !== 1 ? { scale: c.inScale } : {}) },
    output: { width: c.ow, frac: c.ofrac, signed: o.zeroPoint !== undefined, ...(o.zeroPoint !== undefined ? { zeroPoint: o.zeroPoint } : {}), ...(o.rounding === 'correct' ? { rounding: o.rounding } : {}) },
  };
}

/** Float softmax of the quantised inputs scale * x_i * 2^-frac (double precision). */
export function floatSoftmax(x: readonly number[], frac: number, scale = 1): number[] {
  let max = x[0]!;
  for (const v of x) if (v > max) max = v;
  const u = scale * 2 ** -frac;
  const ex = x.map((v) => Math.exp((v - max) * u));
  const s = ex.reduce((a, b) => a + b, 0);
  return ex.map((v) => v / s);
}

/**
 * The reference in output LSBs: y * 2^OF, saturated at the largest code. The ideal (correctly
 * rounded) output is within 0.5 of it, which is therefore the best any block can reach.
 */
export function referenceLsb(p: Plan, x: readonly number[]): number[] {
  const cap = p.common.maxCode;
  return floatSoftmax(x, p.common.ifrac, p.common.inScale).map((y) => Math.min(cap, y * 2 ** p.common.ofrac));
}
