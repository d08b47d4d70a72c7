/**
 * hls4ml-like, the error bound's piece: sCells, the cells of the sum S on which the inverse table's
 * index (and so normalize's coefficient) is the same. The error bound (generator/numerics/bound.ts)
 * works cell by cell from them, and the adversarial search (generator/evidence/adversarial.ts) aims its
 * bin-edge family at the same cells' edges.
 */
import type { CommonPlan, MethodPlan, SCell } from '../../types.js';

export function sCells(mp: MethodPlan, _c: CommonPlan, sMin: number, sMax: number): SCell[] {
  // the index is floor(min(S, max) / 2^indexShift): bins of 2^indexShift, the last one open to the top
  const MAX = mp.vars.satMax!;
  const bin = 2 ** mp.vars.indexShift!;
  const out = [];
  for (let k = Math.floor(Math.min(sMin, MAX) / bin); k * bin <= Math.min(sMax, MAX); k++) {
    const top = k === Math.floor(MAX / bin) ? sMax : (k + 1) * bin - 1;
    out.push({ sLo: Math.max(sMin, k * bin), sHi: Math.min(sMax, top) });
  }
  return out;
}
