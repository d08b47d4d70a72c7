/**
 * I-BERT, the parameter schema and the plan: the working scale, the integer constants of i-exp
 * (Kim et al., ICML 2021, section 3.5 and its Algorithm for i-exp), the exponent table they give for
 * every d, and the divider's widths. The base of the folder.
 */
import { z } from 'zod';
import { intIn } from '../../../core/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, clog2 } from '../../../core/bits.js';
import { calcTable, constDivider, splitWidths } from '../../expcalc.js';
import { MAX_TABLE_ENTRIES } from '../../tables.js';
import type { CommonPlan, ExpCalc, MethodPlan } from '../../types.js';

export const paramsSchema = z
  .object({
    /**
     * Fraction bits of the working scale beyond the input's: the integer algorithm runs on
     * q = d * 2^workBits at the scale S = u / 2^workBits (u: one input code).
     */
    workBits: intIn(0, 12).optional(),
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

/** The paper's second-order fit of e^p on (-ln 2, 0]: L(p) = A (p + B)^2 + C. */
export const POLY = { a: 0.3585, b: 1.353, c: 0.344 } as const;

/** The default working scale: 4 fraction bits beyond the input's (measured: README, I-BERT). */
export const DEFAULT_WORK_BITS = 4;

export function plan(c: CommonPlan, raw: Record<string, unknown>): MethodPlan {
  const prm = raw as Params;
  const k = prm.workBits ?? DEFAULT_WORK_BITS;
  const S = c.unit / 2 ** k;
  // I-BERT's integer constants at scale S: q_ln2 = floor(ln 2 / S), q_b = floor(b / S),
  // q_c = floor(c / (a S^2)); the polynomial's output has the scale a S^2
  const qln2 = Math.floor(Math.LN2 / S);
  if (qln2 < 1) {
    let need = k;
    while (Math.floor(Math.LN2 / (c.unit / 2 ** need)) < 1) need++;
    throw new ConfigError('method.workBits', k, `allowed: ${need}..12 for this input (ln 2 must be at least one step of the working scale)`);
  }
  const qb = Math.floor(POLY.b / S);
  const qc = Math.floor(POLY.c / (POLY.a * S * S));
  const gw = bitsFor(qb * qb + qc);
  if (gw > 24) throw new ConfigError('method.workBits', k, `allowed: a coarser working scale (the polynomial would take ${gw} bits, at most 24)`);
  const tw = c.dw + k;
  const { zw, rw } = splitWidths(tw, qln2);
  const pow2 = 2 ** Math.round(Math.log2(qln2)) === qln2;
  const calc: ExpCalc = {
    mul: 2 ** k,
    rsh: 0,
    tw,
    q: qln2,
    ...(pow2 ? {} : constDivider(qln2, 2 ** tw - 1)),
    zw,
    rw,
    poly: { b: qb, c: qc },
    gw,
    describe: `i-exp: t = d * 2^${k}, z = floor(t / ${qln2}), r = t - ${qln2} z, e = ((${qb} - r)^2 + ${qc}) >> z`,
  };
  const expTable = calcTable(c, calc, 'i-exp(-d)', 'method.workBits', k, MAX_TABLE_ENTRIES);
  const ew = gw;
  const sw = ew + clog2(c.n);
  const numw = ew + c.ofrac;
  if (numw > 52) throw new ConfigError('method.workBits', k, `allowed: a coarser working scale (the divider's numerator would take ${numw} bits, at most 52)`);
  return {
    params: { workBits: k },
    expTable,
    expShift: 0,
    expCalc: calc,
    tables: [],
    notes: [
      `i-exp (I-BERT): working scale S = ${c.unit}/2^${k}; q_ln2 = floor(ln2/S) = ${qln2}, q_b = floor(${POLY.b}/S) = ${qb}, q_c = floor(${POLY.c}/(${POLY.a} S^2)) = ${qc}`,
      `  ${calc.describe}${pow2 ? '' : ` (z as (t * ${calc.divMul}) >> ${calc.divShift}, exact for t < 2^${tw})`}; ${gw}-bit e, one ${bitsFor(qb)}-bit squarer per element, no table`,
      `  e is 0 from d = ${expTable.values.length} on`,
      `divider per lane (I-BERT's integer division): y = floor(e * 2^${c.ofrac} / S), ${numw}-bit numerator / ${sw}-bit denominator, saturated at ${c.maxCode}`,
    ],
    vars: { sw, numw, k, qln2, qb, qc },
  };
}
