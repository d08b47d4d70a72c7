/**
 * exact, the RTL stages: the sum goes to the lanes as it is; each lane is a combinational long division
 * (one subtraction per quotient bit), saturated.
 */
import { arith, longDivide, saturate, wire, zx } from '../../../pipeline/stages.js';
import type { CommonPlan, MethodBuild, MethodPlan } from '../../types.js';

export function build(mp: MethodPlan, c: CommonPlan): MethodBuild {
  const { sw, numw, denw: dw } = mp.vars as { sw: number; numw: number; denw: number }; // D = 2 S: dw bits
  const ew = mp.expTable.width;
  const qb = c.ofrac + 1; // quotient bits: e <= S, so round(e * 2^OF / S) <= 2^OF
  const w = qb + dw; // num = e * 2^qb + S < (S + 1) * 2^qb holds in qb + dw bits (e <= S, ew <= sw)
  if (numw > w) throw new Error(`exact: numerator of ${numw} bits wider than ${w}`);
  return {
    norm(_top, sum) {
      return { s: sum };
    },
    lane(ln, e, k) {
      const s = k.s!;
      // long division, qb quotient bits: q = (e * 2^(OF+1) + S) / D, D = 2 S, = round(e * 2^OF / S).
      // The partial remainder stays below D, so each step is one (D + 1)-bit subtraction whose borrow
      // is the quotient bit; the delay model places a register every few steps.
      const num = arith(ln, 'num', w, [e, s], 'lane: divider', (r) => `${zx(`{${r(e)}, ${c.ofrac + 1}'d0}`, ew + c.ofrac + 1, w)} + ${zx(r(s), sw, w)}`);
      const den = wire(ln, 'den', dw, [s], 'lane: divider', (r) => `{${r(s)}, 1'b0}`);
      const quo = longDivide(ln, num, den, qb, 'lane: divider');
      return saturate(ln, quo, c.ow, 'y_sat', 'lane: saturate');
    },
  };
}
