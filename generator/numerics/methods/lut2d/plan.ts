/**
 * LUT2D's plan: the parameter schema, the exponent table, how the 2D table of e / S is addressed (rows by the
 * sum, linear or normalized; columns by the numerator), and its fill, taken from the error bound's own
 * enumeration (numerics/bound.ts minimaxFill) so that no cell is biased. The addressing is kept beside the
 * MethodPlan for the other files.
 */
import { z } from 'zod';
import { intIn } from '../../../core/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { bitsFor, leadingOne, shr } from '../../../core/bits.js';
import { minimaxFill } from '../../bound.js';
import { expParamShape, expParams, expUnit, linearCells, linearS, normCells, normIndex, normS, planExp, type LinearS, type NormS } from '../../tables.js';
import type { CommonPlan, MethodPlan, SCell } from '../../types.js';

export const paramsSchema = z
  .object({
    ...expParamShape,
    rowBits: intIn(1, 12).optional(),
    colBits: intIn(1, 12).optional(),
  })
  .strict();

type Params = z.infer<typeof paramsSchema>;

/** One octave of v = e / 2^p (normalized addressing): its rows and columns, and where its block of entries starts. */
export interface Octave {
  rowBits: number;
  colBits: number;
  base: number;
}

/** How the table is addressed. */
export interface Addressing {
  linear?: LinearS & { colShift: number };
  norm?: NormS & {
    /** Octaves 1..O of v (octaves[o - 1]), v in [2^-o, 2^(1-o)). */
    octaves: Octave[];
    /** The entry of octave 0 (v >= 1: e = S, the element is the whole sum). */
    oct0: number;
    /** The entry of e = 0 and of every octave below O. */
    tail: number;
    /** The exponent entries' width: e has its leading one at EW - 1 - lz. */
    ew: number;
  };
}

const extra = new WeakMap<MethodPlan, Addressing>();

/** The addressing the plan kept beside a MethodPlan of this method. */
export function extraOf(mp: MethodPlan): Addressing {
  return extra.get(mp)!;
}

const MAX_2D_BITS = 16;

/**
 * The octaves of v for normalized addressing. Octave 1 ([1/2, 1)) has 2^rowBits rows of 2^colBits columns;
 * each octave below gives up one bit, of its rows while they outnumber its column bits, else of its columns:
 * an output there is half as large, so a cell twice as wide (relative to v) keeps about the same absolute
 * error. Octave OF + 1 is the last where y can reach half an LSB (v < 2^-o gives y < 2^(OF + 1 - o) LSB).
 */
export function octaveLayout(rowBits: number, colBits: number, count: number): { octaves: Octave[]; oct0: number; tail: number } {
  const octaves: Octave[] = [];
  let r = rowBits;
  let f = colBits;
  let base = 0;
  for (let o = 1; o <= count; o++) {
    octaves.push({ rowBits: r, colBits: f, base });
    base += 2 ** (r + f);
    if (r > f) r--;
    else if (f > 0) f--;
  }
  return { octaves, oct0: base, tail: base + 1 };
}

/**
 * The entry of the normalized table for numerator e, with the sum's leading one c = p - pMin above T[0]'s and
 * its row j (the top rowBits bits of m - 1). v = e / 2^p lies in octave o = p - lead(e); below the leading
 * one of e, the octave's top colBits bits are its column.
 */
export function normEntry(n: NonNullable<Addressing['norm']>, e: number, c: number, j: number): number {
  if (e === 0) return n.tail;
  const q = leadingOne(e);
  const o = c + n.ew - 1 - q;
  if (o === 0) return n.oct0;
  if (o > n.octaves.length) return n.tail;
  const oc = n.octaves[o - 1]!;
  // the colBits bits below e's leading one (zeros below e's last bit)
  const mant = shr(e * 2 ** oc.colBits, q) - 2 ** oc.colBits;
  return oc.base + shr(j, n.bits - oc.rowBits) * 2 ** oc.colBits + mant;
}

/** The linear table's entry: row = (S >> sh) - base, col = e >> colShift. */
export function linearEntry(l: NonNullable<Addressing['linear']>, colBits: number, e: number, row: number): number {
  return row * 2 ** colBits + shr(e, l.colShift);
}

/**
 * Lower entries until the output never falls as e grows at one S: on every cell of S, walking the
 * exponent values down from the largest, an entry holds at most the least code of the entries above
 * it. Entries are shared between cells (the coarser octaves' rows, the tail entry), so the walk
 * repeats until nothing changes; it only lowers, so it ends. The narrow exponents need it (a 2-bit
 * entry's tail entry held 1 where octave 4 held 0); the defaults' tables come out of the fill
 * monotone and are left as they are. Returns how many entries it lowered.
 */
function monotoneRepair(values: number[], cells: SCell[], index: (v: number, cell: number) => number, es: number[]): number {
  const sorted = [...new Set(es)].sort((a, b) => b - a);
  const E = sorted[0]!;
  const changed = new Set<number>();
  for (let again = true; again; ) {
    again = false;
    cells.forEach((cell, k) => {
      let least = Infinity;
      for (const e of sorted) {
        // an element below another is not the maximum: S holds the maximum's E besides it; the one
        // above it may be the maximum itself
        if (e !== E && e > cell.sHi - E) continue;
        const i = index(e, k);
        if (values[i]! > least) {
          values[i] = least;
          changed.add(i);
          again = true;
        }
        least = Math.min(least, values[i]!);
      }
    });
  }
  return changed.size;
}

export function plan(c: CommonPlan, raw: Record<string, unknown>, addressing: string): MethodPlan {
  const prm = raw as Params;
  const e = planExp(c, prm);
  const rowBits = prm.rowBits ?? 5;
  const notes = [...e.notes];
  const vars: Record<string, number> = { sw: e.sw };
  const ex: Addressing = {};
  let size: number;
  let colBits: number;
  let cells: SCell[];
  let index: (v: number, cell: number) => number;
  if (addressing === 'linear') {
    colBits = prm.colBits ?? Math.min(e.ew, 5);
    if (colBits > e.ew) throw new ConfigError('method.colBits', colBits, `allowed: an integer in 1..${e.ew} (at most expWidth)`);
    const l = { ...linearS(e, rowBits), colShift: e.ew - colBits };
    ex.linear = l;
    if (l.addrWidth + colBits > MAX_2D_BITS) {
      throw new ConfigError('method.rowBits', rowBits, `allowed: rows x columns at most 2^${MAX_2D_BITS} entries (colBits is ${colBits})`);
    }
    size = l.entries * 2 ** colBits;
    cells = linearCells(l);
    index = (v, k) => linearEntry(l, colBits, v, k);
    notes.push(`2D table (linear): row = (S >> ${l.sh}) - ${l.base} (${l.entries} rows), col = e >> ${l.colShift} (${2 ** colBits} columns)`);
  } else {
    colBits = prm.colBits ?? Math.min(e.ew - 1, 4);
    if (colBits > e.ew - 1) throw new ConfigError('method.colBits', colBits, `allowed: an integer in 1..${e.ew - 1} (below expWidth: the bits under e's leading one)`);
    const ns = normS(e, rowBits);
    if (ns.pMin !== e.ew - 1) throw new Error(`internal: lut2d: T[0] has its leading one at ${ns.pMin}, not EW - 1 = ${e.ew - 1}`);
    const lay = octaveLayout(rowBits, colBits, c.ofrac + 1);
    const norm = { ...ns, ...lay, ew: e.ew };
    ex.norm = norm;
    size = lay.tail + 1;
    if (size > 2 ** MAX_2D_BITS) {
      throw new ConfigError('method.rowBits', rowBits, `allowed: at most 2^${MAX_2D_BITS} entries in all (colBits is ${colBits}: ${size} entries)`);
    }
    vars.pw = bitsFor(ns.pMax - ns.pMin);
    cells = normCells(ns, e.sMin, e.sMax);
    const at = cells.map((cell) => normIndex(ns, cell.sLo));
    index = (v, k) => normEntry(norm, v, at[k]!.p - ns.pMin, at[k]!.j);
    const shape = lay.octaves.map((o) => `${2 ** o.rowBits}x${2 ** o.colBits}`).join(', ');
    notes.push(
      `normalisation: S = m * 2^p by leading-one detection, p in ${ns.pMin}..${ns.pMax} (${ns.pw} bits); j = top ${rowBits} bits of m - 1`,
      `2D table (normalized), by the octave o = p - lead(e) of v = e / 2^p: octave o in 1..${lay.octaves.length} reads rows j >> (${rowBits} - R_o) and columns the top C_o bits of e below its leading one`,
      `  rows x columns per octave: ${shape}; octave 0 (e = S) one entry, e = 0 and octaves below ${lay.octaves.length} one entry (${size} entries)`,
    );
  }
  vars.colBits = colBits;
  vars.addr = ex.linear ? ex.linear.addrWidth + colBits : bitsFor(size - 1);
  const unit = expUnit(e);
  // the fill reads only the exponent unit and the formats
  const values = minimaxFill({ common: c, mp: unit }, cells, index, size);
  const lowered = monotoneRepair(values, cells, index, [0, ...e.table.values]);
  notes.push(
    `fill: each entry the code that minimises its worst error over every (e, S) that reads it (the error bound's enumeration): the middle of their references, rounded; 0 where all are below half an LSB` +
      (lowered ? `; ${lowered} entries then lowered so that no smaller e reads a larger code than a larger e of the same S` : ''),
    `output: y = LUT_2D[entry], ${c.ow}-bit entries`,
  );
  const mp: MethodPlan = {
    params: { ...expParams(e), rowBits, colBits },
    ...unit,
    tables: [{ name: 'lut2d', what: 'e / S', width: c.ow, addrWidth: vars.addr!, values }],
    laneRegister: c.config.pipeline.laneRegister,
    notes,
    vars,
  };
  extra.set(mp, ex);
  return mp;
}
