/**
 * Baseline "exact": the accuracy ceiling and the area reference. A wide exponent table (the same
 * LUT_1/e as the paper's methods, default OW + ceil(log2 n) + 6 bits, at most 24) and one real divider per lane:
 *
 *   y_i = round(e_i * 2^OF / S) = floor((e_i * 2^(OF+1) + S) / (2 S)), saturated at the largest code.
 *
 * What "exact" means here: the output is the correctly rounded quotient of the table's exponentials,
 * e_i / S. It differs from the correctly rounded float softmax only through the rounding of the
 * exponent table (at most 1/2 in 2^EW per entry), so its max error is 0.5 LSB plus a small measured
 * excess that shrinks as expWidth grows; measured in the README's table.
 *
 * The divider is combinational inside the lane: a long division of OF + 1 quotient bits (the
 * quotient is at most 2^OF since e_i <= S), each bit one subtraction of the width of 2 S whose borrow
 * decides the bit. It is the area reference, not a timing-closed design.
 */
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';
import { defaultExpWidth, expParamShape, expParams, expUnit, monotoneRuns, planExp } from '../../tables.js';
import { arith, logic, saturate, wire, zx } from '../../../pipeline/stages.js';
import type { Sig } from '../../../pipeline/builder.js';
import type { Coef, Method, MethodBuild } from '../../types.js';

const paramsSchema = z
  .object({
    ...expParamShape,
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

export const exact: Method = {
  name: 'exact',
  summary: 'baseline: correctly rounded e_i / S through a real divider per lane (accuracy ceiling, area reference)',
  paramsSchema,
  addressings: ['divider'] as const,
  roundings: ['nearest', 'correct'] as const,

  plan(c, raw) {
    const prm = raw as Params;
    const e = planExp(c, { ...prm, expWidth: prm.expWidth ?? defaultExpWidth(c, 6) });
    const numw = e.ew + c.ofrac + 1;
    const denw = e.sw + 1;
    if (Math.max(numw, denw) > 52) {
      throw new ConfigError('method.expWidth', e.ew, `allowed: expWidth + output.frac + 1 <= 52 (the divider's numerator)`);
    }
    return {
      params: { ...expParams(e) },
      ...expUnit(e),
      tables: [],
      notes: [
        ...e.notes,
        `divider per lane: y = floor((e * 2^${c.ofrac + 1} + S) / (2 S)) = round(e * 2^${c.ofrac} / S), ` +
          `${numw}-bit numerator / ${denw}-bit denominator, saturated at ${c.maxCode}`,
      ],
      vars: { sw: e.sw, numw, denw },
    };
  },

  normalize(_mp, _c, s): Coef {
    return { s };
  },

  lane(_mp, c, e, coef) {
    const s = coef.s!;
    return Math.min(c.maxCode, Math.floor((e * 2 ** (c.ofrac + 1) + s) / (2 * s)));
  },

  outputRuns(mp, c, e, sMin, sMax) {
    // y = min(maxCode, floor((e 2^(OF+1) + S) / 2S)) never grows with S
    return monotoneRuns((s) => exact.lane(mp, c, e, { s }), sMin, sMax);
  },

  // the exponent width only
  sweep: (s) => [{ addressing: 'divider', axes: { expWidth: s.widths(2, 14), expStepLog2: [s.step] } }],
  emulation() {
    return {};
  },

  quotientError() {
    return 0.5;
  },

  build(mp, c): MethodBuild {
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
  },
};
