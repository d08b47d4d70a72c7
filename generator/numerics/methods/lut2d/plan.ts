/**
 * LUT2D's plan: the parameter schema, the exponent table and the 2D table of e / S (rows by the sum, linear or
 * normalized; columns by the numerator), and the sum's addressing it keeps beside the MethodPlan for the other files.
 */
import { z } from 'zod';
import { intIn } from '../../../core/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, roundHalfUp } from '../../../core/bits.js';
import { expParamShape, expParams, expUnit, linearS, mantissaMid, normS, planExp, type SAddressing } from '../../tables.js';
import type { CommonPlan, MethodPlan } from '../../types.js';

export const paramsSchema = z
  .object({
    ...expParamShape,
    rowBits: intIn(1, 12).optional(),
    colBits: intIn(1, 12).optional(),
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

const extra = new WeakMap<MethodPlan, SAddressing>();

/** The sum's addressing the plan kept beside a MethodPlan of this method. */
export function extraOf(mp: MethodPlan): SAddressing {
  return extra.get(mp)!;
}

const MAX_2D_BITS = 16;

export function plan(c: CommonPlan, raw: Record<string, unknown>, addressing: string): MethodPlan {
  const prm = raw as Params;
  const e = planExp(c, prm);
  const rowBits = prm.rowBits ?? 5;
  const colBits = prm.colBits ?? Math.min(e.ew, 5);
  if (colBits > e.ew) {
    throw new ConfigError('method.colBits', colBits, `allowed: an integer in 1..${e.ew} (at most expWidth)`);
  }
  const notes = [...e.notes];
  const vars: Record<string, number> = { sw: e.sw, colBits };
  const ex: SAddressing = {};
  const values: number[] = [];
  const toCode = (v: number) => Math.min(c.maxCode, roundHalfUp(v * 2 ** c.ofrac));
  let rowAddr: number;
  if (addressing === 'linear') {
    const l = linearS(e, rowBits);
    ex.linear = l;
    rowAddr = l.addrWidth;
    const colShift = e.ew - colBits;
    vars.colShift = colShift;
    for (const b of l.bins) {
      const sMid = (b.lo + b.hi) / 2;
      for (let col = 0; col < 2 ** colBits; col++) {
        const eMid = col * 2 ** colShift + (2 ** colShift - 1) / 2;
        values.push(toCode(eMid / sMid));
      }
    }
    notes.push(
      `2D table (linear): row = (S >> ${l.sh}) - ${l.base} (${l.entries} rows), col = e >> ${colShift} (${2 ** colBits} columns)`,
    );
  } else {
    const ns = normS(e, rowBits);
    ex.norm = ns;
    rowAddr = rowBits;
    // col = floor(e * 2^(C-1) / 2^p) = e >> (p - C + 1); p >= EW - 1 >= C - 1
    const k = colBits - 1;
    vars.k = k;
    vars.shw = bitsFor(ns.pMax - k);
    for (let j = 0; j < 2 ** rowBits; j++) {
      const m = mantissaMid(ns, j);
      for (let col = 0; col < 2 ** colBits; col++) values.push(toCode((col + 0.5) / 2 ** k / m));
    }
    notes.push(
      `normalisation: S = m * 2^p by leading-one detection, p in ${ns.pMin}..${ns.pMax} (${ns.pw} bits)`,
      `2D table (normalized): row = top ${rowBits} bits of m - 1, col = e >> (p - ${k}) (${2 ** colBits} columns, e/2^p in [0, 2))`,
    );
  }
  if (rowAddr + colBits > MAX_2D_BITS) {
    throw new ConfigError(
      'method.rowBits',
      rowBits,
      `allowed: rows x columns at most 2^${MAX_2D_BITS} entries (colBits is ${colBits})`,
    );
  }
  vars.rowAddr = rowAddr;
  notes.push(`output: y = LUT_2D[row][col], ${c.ow}-bit entries, rounded and saturated in the table`);
  const mp: MethodPlan = {
    params: { ...expParams(e), rowBits, colBits },
    ...expUnit(e),
    tables: [{ name: 'lut2d', what: 'e / S', width: c.ow, addrWidth: rowAddr + colBits, values }],
    laneRegister: c.config.pipeline.laneRegister,
    notes,
    vars,
  };
  extra.set(mp, ex);
  return mp;
}
