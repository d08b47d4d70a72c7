/** Accuracy of output codes against the float softmax: the figures in the manifest and reports. */
import { model, referenceLsb } from './model.js';
import type { Plan } from './types.js';

export interface Accuracy {
  vectors: number;
  /** Max and mean absolute error against the (saturated) float reference, in output LSBs. */
  maxErrLsb: number;
  meanErrLsb: number;
  /** Fraction of vectors whose argmax agrees, ties counted as agreement (see argmaxAgrees). */
  argmaxAgreement: number;
  /** Worst |sum(y) - 1| in real units (codes times 2^-OF). */
  worstSumErr: number;
}

/**
 * Tie-aware argmax agreement: the set of lanes holding the largest output code and the set of lanes
 * holding the largest input must share at least one lane. Equal inputs are true ties; equal output
 * codes are ties the output resolution cannot break.
 */
export function argmaxAgrees(x: readonly number[], y: readonly number[]): boolean {
  const xm = Math.max(...x);
  const ym = Math.max(...y);
  for (let i = 0; i < x.length; i++) if (x[i] === xm && y[i] === ym) return true;
  return false;
}

/** Round to a fixed number of decimals so that reports and manifests are stable. */
export function fix(v: number, digits = 4): number {
  return Number(v.toFixed(digits));
}

export function accuracy(p: Plan, vectors: readonly (readonly number[])[]): Accuracy {
  let maxErr = 0;
  let sumErr = 0;
  let count = 0;
  let agree = 0;
  let worstSum = 0;
  for (const x of vectors) {
    const y = model(p, x);
    const ref = referenceLsb(p, x);
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const err = Math.abs(y[i]! - ref[i]!);
      if (err > maxErr) maxErr = err;
      sumErr += err;
      count++;
      total += y[i]!;
    }
    worstSum = Math.max(worstSum, Math.abs(total * 2 ** -p.common.ofrac - 1));
    if (argmaxAgrees(x, y)) agree++;
  }
  return {
    vectors: vectors.length,
    maxErrLsb: fix(maxErr),
    meanErrLsb: fix(sumErr / Math.max(1, count)),
    argmaxAgreement: fix(agree / Math.max(1, vectors.length)),
    worstSumErr: fix(worstSum, 6),
  };
}
