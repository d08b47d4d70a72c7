/**
 * exact, the RTL stages: the sum goes to the lanes as it is; each lane is a combinational long division
 * (one subtraction per quotient bit), saturated.
 */
import { arith, logic, saturate, wire, zx } from '../../../pipeline/stages.js';
import type { Sig } from '../../../pipeline/builder.js';
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
      let rem = wire(ln, 'rem0', dw, [num], 'lane: divider', (r) => `${r(num)}[${qb + dw - 1}:${qb}]`);
      const qbits: Sig[] = [];
      // each step reads one bit of the numerator: taken where it is made, so only that bit is delayed
      const nb: Sig[] = [];
      for (let b = 0; b < qb; b++) nb.push(wire(ln, `nb${b}`, 1, [num], 'lane: divider', (r) => `${r(num)}[${b}]`));
      for (let b = qb - 1; b >= 0; b--) {
        const prev = rem;
        const bit = nb[b]!;
        // D is the same in every lane, and synthesis shares its copies: one more route for that fan-out
        const t = ln.op({
          name: `dt${b}`,
          width: dw + 2,
          deps: [prev, bit, den],
          delay: ln.model.carry(dw + 2) + ln.model.route,
          levels: 1,
          what: 'lane: divider',
          code: (r) => `wire [${dw + 1}:0] dt${b} = {1'b0, ${r(prev)}, ${r(bit)}} - {2'b0, ${r(den)}};`,
        });
        // t[dw] is 0 whenever t is kept (no borrow: t < D)
        ln.lines.push(`wire unused_dt${b} = &{1'b0, ${ln.at(t, t.cycle)}[${dw}], 1'b0};`);
        qbits.push(wire(ln, `dq${b}`, 1, [t], 'lane: divider', (r) => `~${r(t)}[${dw + 1}]`));
        rem = logic(ln, `rem${qb - b}`, dw, [t, prev, bit], 1, 'lane: divider', (r) => `${r(t)}[${dw + 1}] ? {${r(prev)}[${dw - 2}:0], ${r(bit)}} : ${r(t)}[${dw - 1}:0]`);
        // when the choice is made a cycle after the subtraction, its copies of t and prev lose the same bits
        if (rem.cycle > t.cycle) ln.lines.push(`wire unused_dt${b}_q = &{1'b0, ${ln.at(t, rem.cycle)}[${dw}], ${ln.at(prev, rem.cycle)}[${dw - 1}], 1'b0};`);
      }
      ln.lines.push(`wire unused_rem = &{1'b0, ${ln.at(rem, rem.cycle)}, 1'b0};`);
      const quo = wire(ln, 'quo', qb, qbits, 'lane: divider', (r) => `{${qbits.map((q) => r(q)).join(', ')}}`);
      return saturate(ln, quo, c.ow, 'y_sat', 'lane: saturate');
    },
  };
}
