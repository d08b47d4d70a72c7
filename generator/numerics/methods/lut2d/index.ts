/**
 * 2D LUT (Vasyltsov & Chang): y_i = LUT_2D[row(S)][col(e_i)] ~ e_i / S. No multiplier, no divider.
 *
 * - linear:     row = (S >> sh) - base, col = e >> (EW - C); entry = e_mid / S_mid at the bin midpoints.
 * - normalized: S = m * 2^p; row = top R bits of m - 1, col = top C bits of e / 2^p in [0, 2);
 *               entry = v_mid / m_mid, since e / S = (e / 2^p) / m.
 */
import { z } from 'zod';
import { intIn } from '../../../core/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, roundHalfUp, shr } from '../../../core/bits.js';
import {
  expParamShape,
  expParams,
  expUnit,
  linearCells,
  linearIndex,
  linearS,
  mantissaMid,
  normCells,
  normIndex,
  normS,
  planExp,
  type SAddressing,
} from '../../tables.js';
import type { Coef, Method, MethodBuild, MethodPlan } from '../../types.js';
import type { Pipe, Sig } from '../../../pipeline/builder.js';
import { arith, mantissaIndex, shiftRight, unusedOutside, wire, zx } from '../../../pipeline/stages.js';

const paramsSchema = z
  .object({
    ...expParamShape,
    rowBits: intIn(1, 12).optional(),
    colBits: intIn(1, 12).optional(),
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

const extra = new WeakMap<MethodPlan, SAddressing>();

const MAX_2D_BITS = 16;

export const lut2d: Method = {
  name: 'lut2d',
  summary: 'one 2D table addressed by the sum and the numerator: no multiplier, no divider',
  paramsSchema,
  addressings: ['normalized', 'linear'] as const,
  roundings: ['nearest'] as const,

  plan(c, raw, addressing) {
    const prm = raw as Params;
    const e = planExp(c, prm);
    const rowBits = prm.rowBits ?? 5;
    const colBits = prm.colBits ?? Math.min(e.ew, 5);
    if (colBits > e.ew) {
      throw new ConfigError('method.colBits', colBits, `allowed: an integer in 1..${e.ew} (at most expWidth)`);
    }
    const notes = [...e.notes];
    const vars: Record<string, number> = { sw: e.sw, colBits };
    const ex: SAddressing = {};
    const values: number[] = [];
    const toCode = (v: number) => Math.min(c.maxCode, roundHalfUp(v * 2 ** c.ofrac));
    let rowAddr: number;
    if (addressing === 'linear') {
      const l = linearS(e, rowBits);
      ex.linear = l;
      rowAddr = l.addrWidth;
      const colShift = e.ew - colBits;
      vars.colShift = colShift;
      for (const b of l.bins) {
        const sMid = (b.lo + b.hi) / 2;
        for (let col = 0; col < 2 ** colBits; col++) {
          const eMid = col * 2 ** colShift + (2 ** colShift - 1) / 2;
          values.push(toCode(eMid / sMid));
        }
      }
      notes.push(
        `2D table (linear): row = (S >> ${l.sh}) - ${l.base} (${l.entries} rows), col = e >> ${colShift} (${2 ** colBits} columns)`,
      );
    } else {
      const ns = normS(e, rowBits);
      ex.norm = ns;
      rowAddr = rowBits;
      // col = floor(e * 2^(C-1) / 2^p) = e >> (p - C + 1); p >= EW - 1 >= C - 1
      const k = colBits - 1;
      vars.k = k;
      vars.shw = bitsFor(ns.pMax - k);
      for (let j = 0; j < 2 ** rowBits; j++) {
        const m = mantissaMid(ns, j);
        for (let col = 0; col < 2 ** colBits; col++) values.push(toCode((col + 0.5) / 2 ** k / m));
      }
      notes.push(
        `normalisation: S = m * 2^p by leading-one detection, p in ${ns.pMin}..${ns.pMax} (${ns.pw} bits)`,
        `2D table (normalized): row = top ${rowBits} bits of m - 1, col = e >> (p - ${k}) (${2 ** colBits} columns, e/2^p in [0, 2))`,
      );
    }
    if (rowAddr + colBits > MAX_2D_BITS) {
      throw new ConfigError(
        'method.rowBits',
        rowBits,
        `allowed: rows x columns at most 2^${MAX_2D_BITS} entries (colBits is ${colBits})`,
      );
    }
    vars.rowAddr = rowAddr;
    notes.push(`output: y = LUT_2D[row][col], ${c.ow}-bit entries, rounded and saturated in the table`);
    const mp: MethodPlan = {
      params: { ...expParams(e), rowBits, colBits },
      ...expUnit(e),
      tables: [{ name: 'lut2d', what: 'e / S', width: c.ow, addrWidth: rowAddr + colBits, values }],
      laneRegister: c.config.pipeline.laneRegister,
      notes,
      vars,
    };
    extra.set(mp, ex);
    return mp;
  },

  normalize(mp, _c, s): Coef {
    const ex = extra.get(mp)!;
    if (ex.linear) return { row: linearIndex(ex.linear, s) };
    const { p, j } = normIndex(ex.norm!, s);
    return { row: j, shamt: p - mp.vars.k! };
  },

  // as rexp's exponent widths, but the table reads only the top colBits of an entry: every width to
  // OW+5, then every other one, and the top; OW..OW+4 at the two coarser steps
  sweep(s) {
    const wide = s.widths(0, Math.ceil(Math.log2(s.n)) + 6);
    const top = wide[wide.length - 1]!;
    const sparse = [...new Set([...wide.filter((w) => w <= s.ow + 5 || ((w - s.ow) % 2 === 1 && w <= top - 2)), top])];
    return ['normalized', 'linear'].flatMap((addressing) => [
      { addressing, axes: { expWidth: sparse, expStepLog2: [s.step], rowBits: s.range(2, 7), colBits: s.range(3, Math.min(8, s.ow)) } },
      { addressing, axes: { expWidth: s.widths(0, 4), expStepLog2: s.coarse, rowBits: s.range(2, 7), colBits: s.range(3, Math.min(8, s.ow)) } },
    ]);
  },
  emulation(mp): Record<string, number | string | boolean> {
    const ex = extra.get(mp)!;
    const cb = mp.vars.colBits!;
    if (ex.linear) return { mode: 'linear', sh: ex.linear.sh, base: ex.linear.base, colBits: cb, colShift: mp.vars.colShift! };
    return { mode: 'normalized', bits: ex.norm!.bits, colBits: cb, k: mp.vars.k! };
  },

  sCells(mp, _c, sMin, sMax) {
    const ex = extra.get(mp)!;
    return ex.linear ? linearCells(ex.linear) : normCells(ex.norm!, sMin, sMax);
  },

  lane(mp, _c, e, coef) {
    const ex = extra.get(mp)!;
    const cb = mp.vars.colBits!;
    const col = ex.linear ? shr(e, mp.vars.colShift!) : shr(e, coef.shamt!);
    if (col >= 2 ** cb) throw new Error(`internal: lut2d column ${col} out of range`);
    const v = mp.tables[0]!.values[coef.row! * 2 ** cb + col];
    return v ?? 0;
  },

  build(mp): MethodBuild {
    const ex = extra.get(mp)!;
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
        const c0 = (((sw - 1 - kk) % 2 ** shw) + 2 ** shw) % 2 ** shw;
        // only the low shw bits of lz matter modulo 2^shw
        if (lz.width > shw) top.lines.push(`wire unused_lz = &{1'b0, ${top.at(lz, lz.cycle)}[${lz.width - 1}:${shw}], 1'b0};`);
        const shamt = arith(top, 'shamt', shw, [lz], 'normalisation: shift amount', (q) =>
          lz.width > shw ? `${shw}'d${c0} - ${q(lz)}[${shw - 1}:0]` : `${shw}'d${c0} - ${zx(q(lz), lz.width, shw)}`,
        );
        // read a cycle later, the delayed copy loses the same bits
        if (lz.width > shw && shamt.cycle > lz.cycle) top.lines.push(`wire unused_lz_q = &{1'b0, ${top.at(lz, shamt.cycle)}[${lz.width - 1}:${shw}], 1'b0};`);
        return { row, shamt };
      },
      lane(ln, e, k) {
        const esh = shiftRight(ln, e, k.shamt!, 'esh', 'lane: column shift');
        if (ew > cb) ln.lines.push(`wire unused_e = &{1'b0, ${ln.at(esh, esh.cycle)}[${ew - 1}:${cb}], 1'b0};`);
        const col = wire(ln, 'col', cb, [esh], 'lane: column', (r) => `${r(esh)}[${cb - 1}:0]`);
        return lookup(ln, k.row!, col);
      },
    };
  },
};
