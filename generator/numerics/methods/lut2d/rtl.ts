/**
 * LUT2D's RTL stages: the normalisation (the row, and for normalized addressing the sum's leading one) and the
 * lanes (the table entry's address and the 2D table), made from the shared stage builders
 * (generator/pipeline/stages.ts).
 */
import type { Pipe, Sig } from '../../../pipeline/builder.js';
import { levelsFor } from '../../../pipeline/delay.js';
import { arith, constMinusLz, logic, mantissaIndex, normalizeLeft, unusedOutside, wire, zx } from '../../../pipeline/stages.js';
import type { MethodBuild, MethodPlan } from '../../types.js';
import { extraOf } from './plan.js';

export function build(mp: MethodPlan): MethodBuild {
  const ex = extraOf(mp);
  const sw = mp.vars.sw!;
  const ew = mp.expTable.width;
  const cb = mp.vars.colBits!;
  const aw = mp.vars.addr!;
  // pipeline.laneRegister: the address is registered before the 2D table
  const laneReg = mp.laneRegister === true;
  const lookup = (ln: Pipe, a0: Sig): Sig => {
    const addr = laneReg ? ln.reg(a0, 'a2d_q', 'lane: 2D address') : a0;
    return ln.rom({ name: 'y_rom', width: mp.tables[0]!.width, addr, fn: 'lut2d', what: 'lane: 2D table' });
  };
  if (ex.linear) {
    const l = ex.linear;
    const ra = l.addrWidth;
    const cs = l.colShift;
    return {
      norm(top, sum) {
        // linear addressing: row = (S >> sh) - base, computed modulo 2^ra (exact: it is below the rows)
        const row = arith(top, 'row', ra, [sum], 'normalisation: row', (r) => `${r(sum)}[${l.sh + ra - 1}:${l.sh}] - ${ra}'d${l.base % 2 ** ra}`);
        // the sum's other bits are read on purpose, where the row is made
        unusedOutside(top, sum, l.sh, l.sh + ra - 1, 'unused_sum', row.cycle);
        return { row };
      },
      lane(ln, e, k) {
        const row = k.row!;
        const a = wire(ln, 'a2d', aw, [row, e], 'lane: 2D address', (r) => `{${r(row)}, ${r(e)}[${ew - 1}:${cs}]}`);
        unusedOutside(ln, e, cs, ew - 1, 'unused_e', a.cycle);
        return lookup(ln, a);
      },
    };
  }
  const n = ex.norm!;
  const pw = mp.vars.pw!;
  return {
    norm(top, sum) {
      const { lz, j: row } = mantissaIndex(top, sum, n.bits, 'row', 'normalisation: leading one');
      // the sum's leading one above T[0]'s: p - pMin = (SW - 1 - pMin) - lz, modulo 2^pw (exact: p >= pMin)
      const pc = constMinusLz(top, lz, sw - 1 - n.pMin, pw, 'pc', 'normalisation: p - pMin', 'unused_lz');
      return { row, pc };
    },
    lane(ln, e, k) {
      const row = k.row!;
      const pc = k.pc!;
      // the octave of v = e / 2^p: o = p - lead(e) = (p - pMin) + lz(e), as pMin = EW - 1
      // only the leading one and the colBits bits below it are kept
      const { lz, xn } = normalizeLeft(ln, e, 'en', 'lane: leading one of e', cb + 1);
      const ow = Math.max(lz.width, pw) + 1;
      const oct = arith(ln, 'oct', ow, [lz, pc], 'lane: octave', (r) => `${zx(r(lz), lz.width, ow)} + ${zx(r(pc), pw, ow)}`);
      // the entry: a block of 2^(R_o + C_o) entries per octave, each at a multiple of its size, so the
      // address is a constant prefix, the row's top R_o bits and the C_o bits below e's leading one
      const hex = (v: number) => `${aw}'d${v}`;
      const arms = n.octaves.map((o, i) => {
        const t = o.rowBits + o.colBits;
        const parts = [
          ...(aw > t ? [`${aw - t}'d${o.base / 2 ** t}`] : []),
          ...(o.rowBits > 0 ? [`R[${n.bits - 1}:${n.bits - o.rowBits}]`] : []),
          ...(o.colBits > 0 ? [`X[${cb - 1}:${cb - o.colBits}]`] : []),
        ];
        return { o: i + 1, expr: parts.length === 1 ? parts[0]! : `{${parts.join(', ')}}` };
      });
      const a = logic(ln, 'a2d', aw, [oct, row, xn], levelsFor(ln.model, ow + n.bits + cb + 1), 'lane: 2D address', (r) => {
        const O = r(oct);
        const R = r(row);
        const X = r(xn);
        const chain = arms.map((m) => `(${O} == ${ow}'d${m.o}) ? ${m.expr.replace(/R\[/g, `${R}[`).replace(/X\[/g, `${X}[`)} : `).join('');
        return `!${X}[${cb}] ? ${hex(n.tail)} : (${O} == ${ow}'d0) ? ${hex(n.oct0)} : ${chain}${hex(n.tail)}`;
      });
      return lookup(ln, a);
    },
  };
}
