/**
 * I-BERT, the error bound's pieces: outputRuns (the divider's coefficient is S itself) and
 * quotientError (the integer division truncates: less than one LSB below 2^OF e / S).
 */
import { monotoneRuns } from '../../tables.js';
import { lane } from './model.js';
import type { CommonPlan, MethodPlan, OutputRun } from '../../types.js';

export function outputRuns(mp: MethodPlan, c: CommonPlan, e: number, sMin: number, sMax: number): OutputRun[] {
  // y = min(maxCode, floor(e 2^OF / S)) never grows with S
  return monotoneRuns((s) => lane(mp, c, e, { s }), sMin, sMax);
}

export function quotientError(): number {
  return 1;
}
