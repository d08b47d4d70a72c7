/**
 * exact, the error bound's pieces: outputRuns (the divider's coefficient is S itself, not piecewise
 * constant, so no sCells) and quotientError. The error bound (generator/numerics/bound.ts) uses them,
 * and the adversarial search (generator/evidence/adversarial.ts) aims its bin-edge family at the same
 * runs (those of y for e = T[0]).
 */
import { monotoneRuns } from '../../tables.js';
import { lane } from './model.js';
import type { CommonPlan, MethodPlan, OutputRun } from '../../types.js';

export function outputRuns(mp: MethodPlan, c: CommonPlan, e: number, sMin: number, sMax: number): OutputRun[] {
  // y = min(maxCode, floor((e 2^(OF+1) + S) / 2S)) never grows with S
  return monotoneRuns((s) => lane(mp, c, e, { s }), sMin, sMax);
}

export function quotientError(): number {
  return 0.5;
}
