/**
 * LOGEXP's piece of the error bound: the cells of S on which (p, q), and so K, is constant (sCells).
 * The error bound (generator/numerics/bound.ts) evaluates the lane on every cell for every d (the
 * lanes read d), and the adversarial search (generator/evidence/adversarial.ts) aims its bin-edge
 * family at the same cells.
 */
import { normCells } from '../../tables.js';
import type { CommonPlan, MethodPlan, SCell } from '../../types.js';
import { extraOf } from './plan.js';

export function sCells(mp: MethodPlan, _c: CommonPlan, sMin: number, sMax: number): SCell[] {
  return normCells(extraOf(mp).ns, sMin, sMax);
}
