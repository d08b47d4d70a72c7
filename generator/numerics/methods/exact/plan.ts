/**
 * exact, the parameter schema (the exponent table's keys only) and the plan: the exponent table and the
 * divider's numerator and denominator widths. The base of the folder.
 */
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import { defaultExpWidth, expParamShape, expParams, expUnit, planExp } from '../../tables.js';
import type { CommonPlan, MethodPlan } from '../../types.js';

export const paramsSchema = z
  .object({
    ...expParamShape,
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

export function plan(c: CommonPlan, raw: Record<string, unknown>): MethodPlan {
  const prm = raw as Params;
  const e = planExp(c, { ...prm, expWidth: prm.expWidth ?? defaultExpWidth(c, 6) });
  const numw = e.ew + c.ofrac + 1;
  const denw = e.sw + 1;
  if (Math.max(numw, denw) > 52) {
    throw new ConfigError('method.expWidth', e.ew, `allowed: expWidth + output.frac + 1 <= 52 (the divider's numerator)`);
  }
  return {
    params: { ...expParams(e) },
    ...expUnit(e),
    tables: [],
    notes: [
      ...e.notes,
      `divider per lane: y = floor((e * 2^${c.ofrac + 1} + S) / (2 S)) = round(e * 2^${c.ofrac} / S), ` +
        `${numw}-bit numerator / ${denw}-bit denominator, saturated at ${c.maxCode}`,
    ],
    vars: { sw: e.sw, numw, denw },
  };
}
