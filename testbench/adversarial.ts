/**
 * Adversarial vectors, built from a block's own tables to break its accuracy claim: they put many
 * elements where the exponent table loses or gains the most, and push the sum S to where the
 * normalisation is worst. Every vector holds its maximum at the largest input code, so d = max - x
 * reaches every table entry.
 *
 * | family      | what                                                                                 |
 * |-------------|--------------------------------------------------------------------------------------|
 * | tail        | one maximum, the rest at the d whose entry loses the most (largest true value stored as 0) |
 * | gain / loss | one maximum, the rest at the d with the largest positive / negative entry error        |
 * | two-level   | one maximum, k elements at d1 and the rest at d2, over the candidate d's and several k |
 */
import { entryGroups } from '../generator/bound.js';
import type { Plan } from '../generator/plan.js';
import { codeRange } from './vectors.js';

export interface AdversarialVector {
  family: string;
  x: number[];
}

/** Differences d worth gathering: the entries with the largest errors, and the tail's first d. */
export function candidateDs(plan: Plan, perSide = 4): { tail?: number; gain: number[]; loss: number[] } {
  const c = plan.common;
  const t = plan.mp.expTable.values;
  const step = 2 ** plan.mp.expShift;
  const E = t[0]!;
  const dMax = 2 ** c.dw - 1;
  const err: { d: number; eps: number }[] = [];
  for (let d = 1; d <= dMax; d++) {
    const k = Math.floor(d / step);
    const e = k < t.length ? t[k]! : 0;
    err.push({ d, eps: e - E * Math.exp(-d * 2 ** -c.ifrac) });
  }
  const zero = entryGroups(plan).groups.find((g) => g.e === 0);
  const gain = [...err].sort((a, b) => b.eps - a.eps).slice(0, perSide).map((v) => v.d);
  const loss = [...err].sort((a, b) => a.eps - b.eps).slice(0, perSide).map((v) => v.d);
  return { tail: zero?.dLo, gain, loss };
}

/** The adversarial vectors of a block, each of `len` elements (default n). */
export function adversarialVectors(plan: Plan, len = plan.common.n): AdversarialVector[] {
  const c = plan.common;
  const top = codeRange({ width: c.iw, frac: c.ifrac }).max;
  const { tail, gain, loss } = candidateDs(plan);
  const out: AdversarialVector[] = [];
  const row = (family: string, parts: [number, number][]) => {
    const x = [top];
    for (const [count, d] of parts) for (let i = 0; i < count && x.length < len; i++) x.push(top - d);
    while (x.length < len) x.push(top - parts[parts.length - 1]![1]);
    out.push({ family, x: x.slice(0, len) });
  };
  if (tail !== undefined) row('tail', [[len - 1, tail]]);
  for (const d of gain) row('gain', [[len - 1, d]]);
  for (const d of loss) row('loss', [[len - 1, d]]);
  const cands = [...new Set([...(tail !== undefined ? [tail] : []), ...gain, ...loss, 0])];
  const ks = [...new Set([1, 2, Math.floor((len - 1) / 4), Math.floor((len - 1) / 2), len - 2].filter((k) => k >= 1 && k < len - 1))];
  for (const d1 of cands) for (const d2 of cands) if (d1 !== d2) for (const k of ks) row('two-level', [[k, d1], [len - 1 - k, d2]]);
  return out;
}
