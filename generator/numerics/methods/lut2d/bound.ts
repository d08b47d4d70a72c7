/**
 * LUT2D's piece of the error bound: the cells of S on which the row (and the sum's leading one) is constant
 * (sCells). The error bound (generator/numerics/bound.ts) uses them, the plan fills the table over the same
 * cells, and the adversarial search (generator/evidence/adversarial.ts) aims its bin-edge family at them.
 */
import { linearCells, normCells } from '../../tables.js';
import type { CommonPlan, MethodPlan, SCell } from '../../types.js';
import { extraOf } from './plan.js';

export function sCells(mp: MethodPlan, _c: CommonPlan, sMin: number, sMax: number): SCell[] | undefined {
  const ex = extraOf(mp);
  return ex.linear ? linearCells(ex.linear) : normCells(ex.norm!, sMin, sMax);
}
