/**
 * REXP's pieces of the error bound: the cells of S on which the coefficients are constant (sCells), the
 * runs of S with one output code under correct rounding (outputRuns), and the most a lane's output before
 * saturation differs from 2^OF e / S (quotientError). The error bound (generator/numerics/bound.ts) uses
 * them, and the adversarial search (generator/evidence/adversarial.ts) aims its bin-edge family at the same cells.
 */
import { linearCells, monotoneRuns, normCells } from '../../tables.js';
import type { CommonPlan, MethodPlan, OutputRun, SCell } from '../../types.js';
import { extraOf } from './plan.js';
import { lane, normalize } from './model.js';

export function sCells(mp: MethodPlan, _c: CommonPlan, sMin: number, sMax: number): SCell[] | undefined {
  const ex = extraOf(mp);
  // the coefficients are constant on these cells only without interpolation and without S itself
  if (ex.interp || ex.correct) return undefined;
  return ex.linear ? linearCells(ex.linear) : normCells(ex.norm!, sMin, sMax);
}

export function outputRuns(mp: MethodPlan, c: CommonPlan, e: number, sMin: number, sMax: number): OutputRun[] | undefined {
  // correct rounding: y = min(maxCode, round(e 2^OF / S)), which never grows with S
  if (!extraOf(mp).correct) return undefined;
  return monotoneRuns((s) => lane(mp, c, e, normalize(mp, c, s)), sMin, sMax);
}

export function quotientError(mp: MethodPlan, c: CommonPlan): number {
  const ex = extraOf(mp);
  return ex.correct ? 0.5 : 0.5 + 2 ** c.ofrac * ex.rhoMax;
}
