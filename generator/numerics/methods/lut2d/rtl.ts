/**
 * LUT2D's RTL stages: the normalisation (the row, and for normalized addressing the column shift) and the lanes
 * (the column and the 2D table), made from the shared stage builders (generator/pipeline/stages.ts).
 */
import type { Pipe, Sig } from '../../../pipeline/builder.js';
import { arith, constMinusLz, mantissaIndex, shiftRight, unusedOutside, wire } from '../../../pipeline/stages.js';
import type { MethodBuild, MethodPlan } from '../../types.js';
import { extraOf } from './plan.js';

export function build(mp: MethodPlan): MethodBuild {
  const ex = extraOf(mp);
  const sw = mp.vars.sw!;
  const ew = mp.expTable.width;
  const cb = mp.vars.colBits!;
  const ra = mp.vars.rowAddr!;
  // pipeline.laneRegister: the column is registered before the 2D table
  const laneReg = mp.laneRegister === true;
  const lookup = (ln: Pipe, row: Sig, col0: Sig): Sig => {
    const col = laneReg ? ln.reg(col0, 'col_q', 'lane: column') : col0;
    const addr = wire(ln, 'a2d', ra + cb, [row, col], 'lane: 2D table', (r) => `{${r(row)}, ${r(col)}}`);
    return ln.rom({ name: 'y_rom', width: mp.tables[0]!.width, addr, fn: 'lut2d', what: 'lane: 2D table' });
  };
  if (ex.linear) {
    const l = ex.linear;
    const cs = mp.vars.colShift!;
    return {
      norm(top, sum) {
        // linear addressing: row = (S >> sh) - base, computed modulo 2^ra (exact: it is below the rows)
        unusedOutside(top, sum, l.sh, l.sh + ra - 1, 'unused_sum');
        return { row: arith(top, 'row', ra, [sum], 'normalisation: row', (r) => `${r(sum)}[${l.sh + ra - 1}:${l.sh}] - ${ra}'d${l.base % 2 ** ra}`) };
      },
      lane(ln, e, k) {
        if (cs > 0) ln.lines.push(`wire unused_e = &{1'b0, ${ln.at(e, e.cycle)}[${cs - 1}:0], 1'b0};`);
        const col = wire(ln, 'col', cb, [e], 'lane: column', (r) => `${r(e)}[${ew - 1}:${cs}]`);
        return lookup(ln, k.row!, col);
      },
    };
  }
  const ns = ex.norm!;
  const shw = mp.vars.shw!;
  const kk = mp.vars.k!;
  const m = ns.bits;
  return {
    norm(top, sum) {
      const { lz, j: row } = mantissaIndex(top, sum, m, 'row', 'normalisation: leading one');
      // the column shift p - k = (SW - 1 - k) - lz, modulo 2^shw (exact: p >= k)
      const shamt = constMinusLz(top, lz, sw - 1 - kk, shw, 'shamt', 'normalisation: shift amount', 'unused_lz');
      return { row, shamt };
    },
    lane(ln, e, k) {
      const esh = shiftRight(ln, e, k.shamt!, 'esh', 'lane: column shift');
      if (ew > cb) ln.lines.push(`wire unused_e = &{1'b0, ${ln.at(esh, esh.cycle)}[${ew - 1}:${cb}], 1'b0};`);
      const col = wire(ln, 'col', cb, [esh], 'lane: column', (r) => `${r(esh)}[${cb - 1}:0]`);
      return lookup(ln, k.row!, col);
    },
  };
}
