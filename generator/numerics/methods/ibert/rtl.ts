/**
 * I-BERT, the RTL stages: the exponent is computed by the shared stage (stages.ts expCalcStage, from
 * the plan's expCalc); the sum goes to the lanes as it is, and each lane divides by long division.
 */
import { longDivide, saturate, wire, zx } from '../../../pipeline/stages.js';
import type { CommonPlan, MethodBuild, MethodPlan } from '../../types.js';

export function build(mp: MethodPlan, c: CommonPlan): MethodBuild {
  const sw = mp.vars.sw!;
  const ew = mp.expTable.width;
  const qb = c.ofrac + 1; // e <= S, so floor(e 2^OF / S) <= 2^OF: OF + 1 quotient bits
  const w = qb + sw;
  return {
    norm(_top, sum) {
      return { s: sum };
    },
    lane(ln, e, k) {
      const s = k.s!;
      // num = e * 2^OF < S * 2^(OF+1): the long division's precondition
      const num = wire(ln, 'num', w, [e], 'lane: divider', (r) => zx(`{${r(e)}, ${c.ofrac}'d0}`, ew + c.ofrac, w));
      const quo = longDivide(ln, num, s, qb, 'lane: divider');
      return saturate(ln, quo, c.ow, 'y_sat', 'lane: saturate');
    },
  };
}
