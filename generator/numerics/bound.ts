/**
 * A sound worst-case error bound for a planned block: the largest |y_i - y_ref_i| in output LSBs over
 * every input vector of every length 1..N (N = n, or stream.maxN: a masked row is the vector of its
 * kept elements), where y_ref is the float softmax of the same codes times 2^OF, saturated at the
 * largest code. It is computed from the block's actual tables and its bit-exact normalisation and
 * lane functions; nothing is sampled. The derivation (README, "The error bound"):
 *
 * 1. Entries. E = T[0] (the table's e^0). For every difference d = max - x_i in 0..2^IW - 1 the block
 *    reads e(d) (0 past the table) where the ideal is x(d) = E e^(-d 2^-IF); its error is
 *    eps(d) = e(d) - x(d). Between two table steps eps is linear in x, so the (x, eps) pairs of all d
 *    lie on 2 points per entry, plus the tail where e = 0 (the lost mass: eps = -x).
 * 2. The others. For output i, the other L - 1 <= N - 1 elements have A = sum x_j and U = sum eps_j.
 *    Padding with absent elements (0, 0), (A, U) lies in (N-1) conv(P), P = the pairs of step 1 and
 *    (0, 0): U_lo(A) <= U <= U_hi(A), with U_lo and U_hi (N-1) times the lower convex and upper
 *    concave hulls of P at A / (N-1). A >= E unless i itself may be the maximum (the maximum's entry
 *    is exactly E). Every lost tail element and every rounded entry is in there, at any count up to N.
 * 3. The sum. S = e_i + A + U. The method cuts S into cells on which its coefficients (reciprocal
 *    entry and shift, 2D row, inverse entry) are constant, so for a given e_i the output code y is
 *    known exactly on each cell (the bit-exact lane function). A cell [sLo, sHi] fixes A to
 *    [A_min, A_max]: the smallest A with A + U_hi(A) >= sLo - e_i and the largest with
 *    A + U_lo(A) <= sHi - e_i (both sides grow with A, since every hull slope is at least -1).
 * 4. The reference. y_ref = 2^OF x_i / (x_i + A), saturated, lies in
 *    [2^OF x_lo / (x_lo + A_max), 2^OF x_hi / (x_hi + A_min)] for the x_i that read e_i, so the error
 *    on that cell is at most max(y - ref_lo, ref_hi - y). The bound is the largest over every entry
 *    value and every cell; it is rounded up at the 4th decimal.
 *
 * With Softermax's online sum (MethodPlan.expOnline) d is d' = M - x (M: the max rounded up to a
 * power of two), the maximum reads d' below the granule (A >= x(granule - 1) otherwise), each element
 * adds its unrounded power of two to S (the hull points are (x, s - x)), and S is their sum's floor:
 * a cell [sLo, sHi] takes sums in [sLo, sHi + 1).
 *
 * Every step is an outer approximation (a convex hull, an interval), so the bound holds; how close it
 * is shows in the worst error that the adversarial workloads find (generator/evidence/adversarial.ts).
 */
import type { CommonPlan, MethodPlan, OutputRun, SCell, Plan } from './types.js';
import { expValue, type ExpUnit } from './tables.js';

/**
 * One value of the exponent entry, with the differences d that read it; for a method whose lanes
 * read d (laneInput 'd'), one d.
 */
export interface EntryGroup {
  e: number;
  /** The lane's input: e, or d for a method whose lanes read d. */
  v: number;
  dLo: number;
  dHi: number;
  /** The ideal E e^(-d 2^-IF) over those d. */
  xLo: number;
  xHi: number;
  /** d = 0 reads it (online sum: some d' below the granule): the element may be the maximum. */
  hasMax: boolean;
  /**
   * What the element adds to S (before an online sum's floor), over those d: e itself, or with an
   * online sum its unrounded power of two, sum[d'] / 2^zmax.
   */
  sLo: number;
  sHi: number;
}

/** Where the bound is reached: the entry, the cell of S, the output code and the reference's extreme. */
export interface Witness {
  e: number;
  dLo: number;
  dHi: number;
  sLo: number;
  sHi: number;
  y: number;
  /** 'above': y exceeds the smallest reference (others' mass A at its largest); 'below' the opposite. */
  side: 'above' | 'below';
  ref: number;
  /** The others' ideal mass sum x_j (units of E) at that extreme. */
  a: number;
}

export interface ErrorBound {
  /** The bound in output LSBs, rounded up at the 4th decimal. */
  lsb: number;
  /** Unrounded. */
  raw: number;
  witness: Witness;
  /** Vectors of 1..n elements. */
  n: number;
  /** E = T[0], the scale of the exponent entries. */
  scale: number;
  /** The most that n - 1 tail elements (entries stored as 0) can lose from S, in units of E: n-1 times the largest x with e = 0. */
  tailLoss: number;
  /** 'joint': entries against the runs of the output code; 'split': quotient error plus the exponent's share. */
  kind: 'joint' | 'split';
  /** Split bound only: its two terms, in LSBs. */
  quotient?: number;
  expShare?: number;
}

export interface BoundOptions {
  /**
   * Deliberately wrong, for tests only: leave the tail (entries stored as 0) out of the hulls, as if
   * it lost no mass. Tail-mass inputs must then exceed the bound.
   */
  ignoreTailMass?: boolean;
  /** Compute the split bound even where the joint one is affordable (tests compare the two). */
  split?: boolean;
}

/** Piecewise-linear function through (xs[k], ys[k]), xs ascending. */
interface Pwl {
  xs: number[];
  ys: number[];
}

function hull(points: { x: number; y: number }[], upper: boolean): Pwl {
  const pts = [...points].sort((a, b) => a.x - b.x || (upper ? b.y - a.y : a.y - b.y));
  const h: { x: number; y: number }[] = [];
  for (const p of pts) {
    if (h.length > 0 && h[h.length - 1]!.x === p.x) continue; // same x: the first is the extreme
    while (h.length >= 2) {
      const a = h[h.length - 2]!;
      const b = h[h.length - 1]!;
      const cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
      // lower hull keeps left turns (cross > 0), upper hull right turns (cross < 0)
      if (upper ? cross >= 0 : cross <= 0) h.pop();
      else break;
    }
    h.push(p);
  }
  return { xs: h.map((p) => p.x), ys: h.map((p) => p.y) };
}

/** F(A) = A + K h(A / K): the least or most that A of ideal mass adds to S. Nondecreasing. */
class SumSide {
  readonly as: number[];
  readonly fs: number[];
  constructor(h: Pwl, k: number) {
    this.as = h.xs.map((x) => k * x);
    this.fs = h.xs.map((x, i) => k * x + k * h.ys[i]!);
    for (let i = 1; i < this.fs.length; i++) {
      if (this.fs[i]! < this.fs[i - 1]! - 1e-9 * (1 + Math.abs(this.fs[i - 1]!))) {
        throw new Error('internal: error bound: a hull slope below -1 (an entry above T[0]?)');
      }
    }
  }
  private at(i: number, a: number): number {
    const a0 = this.as[i]!;
    const a1 = this.as[i + 1]!;
    const f0 = this.fs[i]!;
    return a1 === a0 ? f0 : f0 + ((this.fs[i + 1]! - f0) * (a - a0)) / (a1 - a0);
  }
  /** F at A (A within the domain). */
  value(a: number): number {
    let lo = 0;
    let hi = this.as.length - 1;
    if (a <= this.as[0]!) return this.fs[0]!;
    if (a >= this.as[hi]!) return this.fs[hi]!;
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1;
      if (this.as[m]! <= a) lo = m;
      else hi = m;
    }
    return this.at(lo, a);
  }
  /** The smallest A >= a0 with F(A) >= z; Infinity if none. */
  firstReaching(z: number, a0: number): number {
    if (this.value(a0) >= z) return a0;
    const last = this.as.length - 1;
    if (this.fs[last]! < z) return Infinity;
    let lo = 0;
    let hi = last; // fs[hi] >= z
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1;
      if (this.fs[m]! >= z) hi = m;
      else lo = m;
    }
    // F crosses z on [as[hi-1], as[hi]]
    const a0s = this.as[hi - 1]!;
    const a1s = this.as[hi]!;
    const f0 = this.fs[hi - 1]!;
    const f1 = this.fs[hi]!;
    const a = f1 === f0 ? a0s : a0s + ((z - f0) * (a1s - a0s)) / (f1 - f0);
    return Math.max(a0, Math.min(a1s, a));
  }
  /** The largest A with F(A) <= z; -Infinity if none. */
  lastBelow(z: number): number {
    const last = this.as.length - 1;
    if (this.fs[last]! <= z) return this.as[last]!;
    if (this.fs[0]! > z) return -Infinity;
    let lo = 0; // fs[lo] <= z
    let hi = last; // fs[hi] > z
    while (hi - lo > 1) {
      const m = (lo + hi) >> 1;
      if (this.fs[m]! <= z) lo = m;
      else hi = m;
    }
    const a0s = this.as[lo]!;
    const a1s = this.as[hi]!;
    const f0 = this.fs[lo]!;
    const f1 = this.fs[hi]!;
    const a = f1 === f0 ? a1s : a0s + ((z - f0) * (a1s - a0s)) / (f1 - f0);
    return Math.max(a0s, Math.min(a1s, a));
  }
}

/** What steps 1-2 read of a plan: the formats and the exponent unit (and whether the lanes read d). */
export interface ExpSource {
  common: CommonPlan;
  mp: ExpUnit & Pick<MethodPlan, 'laneInput'>;
}

/** The entry values of the exponent lookup with the d that read them, and the (x, eps) hull points. */
export function entryGroups(plan: ExpSource): { groups: EntryGroup[]; points: { x: number; y: number; e: number }[]; scale: number } {
  const c = plan.common;
  const mp = plan.mp;
  const t = mp.expTable.values;
  const E = t[0]!;
  // an online sum: d' = d + o runs to dMax + granule - 1, the element adds sum[d'] / 2^zmax to S
  const on = mp.expOnline;
  const dMax = on ? on.sum.length - 1 : 2 ** c.dw - 1;
  const sumAt = on ? (d: number) => on.sum[d]! / 2 ** on.zmax : undefined;
  const maxD = on ? on.granule - 1 : 0;
  const x = (d: number) => E * Math.exp(-d * c.unit);
  const byD = mp.laneInput === 'd';
  const byValue = new Map<number, EntryGroup>();
  const perD: EntryGroup[] = [];
  const points: { x: number; y: number; e: number }[] = [];
  const segment = (e: number, dLo: number, dHi: number) => {
    const xa = x(dLo);
    const xb = x(dHi);
    // what the element adds to S: e, or (online) its unrounded power of two, one d at a time
    const sa = sumAt ? sumAt(dLo) : e;
    const sb = sumAt ? sumAt(dHi) : e;
    points.push({ x: xa, y: sa - xa, e }, { x: xb, y: sb - xb, e });
    const sLo = Math.min(sa, sb);
    const sHi = Math.max(sa, sb);
    if (byD) {
      // a lane that reads d: one group per d (the hull points above are those of the whole segment)
      for (let d = dLo; d <= dHi; d++) perD.push({ e, v: d, dLo: d, dHi: d, xLo: x(d), xHi: x(d), hasMax: d <= maxD, sLo: sumAt ? sumAt(d) : e, sHi: sumAt ? sumAt(d) : e });
      return;
    }
    const g = byValue.get(e);
    if (g) {
      g.dLo = Math.min(g.dLo, dLo);
      g.dHi = Math.max(g.dHi, dHi);
      g.xLo = Math.min(g.xLo, xb);
      g.xHi = Math.max(g.xHi, xa);
      g.hasMax ||= dLo <= maxD;
      g.sLo = Math.min(g.sLo, sLo);
      g.sHi = Math.max(g.sHi, sHi);
    } else {
      byValue.set(e, { e, v: e, dLo, dHi, xLo: xb, xHi: xa, hasMax: dLo <= maxD, sLo, sHi });
    }
  };
  const step = 2 ** mp.expShift;
  if (mp.expLo) {
    // range-reduced: every d has its own value up to the high table's end
    const end = Math.min(dMax, t.length * step - 1);
    for (let d = 0; d <= end; d++) segment(expValue(mp, d), d, d);
  } else {
    for (let k = 0; k < t.length && k * step <= dMax; k++) segment(t[k]!, k * step, Math.min(dMax, (k + 1) * step - 1));
  }
  // the tail reads 0; an online sum still adds each d's power of two, one point per d
  if (on) for (let d = t.length; d <= dMax; d++) segment(0, d, d);
  else if (t.length * step <= dMax) segment(0, t.length * step, dMax);
  return { groups: [...byValue.values(), ...perD].sort((a, b) => a.e - b.e || a.v - b.v), points, scale: E };
}

/**
 * Steps 1-2 of the header for a plan's exponent unit: its entry groups and the least and most that
 * the other elements add to S (at most N - 1 of them, any mass). The tables of the method are not read,
 * so a method may fill its own tables from these (lut2d does).
 */
export interface SumSides {
  groups: EntryGroup[];
  lo: SumSide;
  hi: SumSide;
  /** E = T[0]. */
  E: number;
  /**
   * The least ideal mass of the row's maximum, when the element is not it: E, or with an online sum
   * E e^-((granule - 1) u), its largest IntMax offset.
   */
  aNonMax: number;
  /** The least and the most S: E (the maximum reads it; online: e(granule - 1)) and n E. */
  sMin: number;
  sMax: number;
  /** 0, or 1 with an online sum: S is the floor of the elements' real sum, so that sum < S + 1. */
  slack: number;
  common: CommonPlan;
}

export function sumSides(plan: ExpSource, opts: { ignoreTailMass?: boolean } = {}): SumSides {
  const k = plan.common.n - 1;
  const { groups, points, scale: E } = entryGroups(plan);
  const pts = (opts.ignoreTailMass ? points.filter((p) => p.e !== 0) : points).map((p) => ({ x: p.x, y: p.y }));
  pts.push({ x: 0, y: 0 });
  const on = plan.mp.expOnline;
  const c = plan.common;
  return {
    groups,
    lo: new SumSide(hull(pts, false), k),
    hi: new SumSide(hull(pts, true), k),
    E,
    aNonMax: on ? E * Math.exp(-(on.granule - 1) * c.unit) : E,
    sMin: on ? expValue(plan.mp, on.granule - 1) : E,
    sMax: c.n * E,
    slack: on ? 1 : 0,
    common: c,
  };
}

/**
 * Steps 3-4 of the header: for an element of entry group g and S in [sLo, sHi], the others' ideal
 * mass A in [aMin, aMax] and the reference y_ref in [refLo, refHi] (output LSBs, saturated, not
 * rounded); undefined when no vector puts S there.
 */
export function reference(sides: SumSides, g: EntryGroup, sLo: number, sHi: number): { refLo: number; refHi: number; aMin: number; aMax: number } | undefined {
  const c = sides.common;
  // the others add A + U to S: S = e_i + A + U, or (online) S = floor(s_i + A + U)
  const a0 = g.hasMax ? 0 : sides.aNonMax;
  const aMin = sides.hi.firstReaching(sLo - g.sHi, a0);
  let aMax = sides.lo.lastBelow(sHi + sides.slack - g.sLo);
  if (!(aMin <= aMax + 1e-9 * (1 + Math.abs(aMax)))) return undefined;
  aMax = Math.max(aMax, aMin);
  const unit = 2 ** c.ofrac;
  return {
    refHi: Math.min(c.maxCode, (unit * g.xHi) / (g.xHi + aMin)),
    refLo: Math.min(c.maxCode, (unit * g.xLo) / (g.xLo + aMax)),
    aMin,
    aMax,
  };
}

/**
 * A table filled from the bound's own enumeration (lut2d's): for every entry group and every cell of S,
 * `index` names the entry the block reads there, and each entry gets the integer code that minimises its
 * worst |y - y_ref| over the reference intervals (step 4) of everything that reads it: the middle of
 * their hull, rounded, so that the joint bound on the filled table is the least any fill of these
 * addresses allows. An entry whose every reachable reference is below half an LSB holds 0, and so does
 * an entry nothing reaches.
 *
 * Within one cell, both ends of the reference interval grow with e when the groups' ideal values grow
 * with e (A_min and A_max only fall as e grows), so of a run of groups that read one entry only the
 * first and the last that can reach the cell matter: the fill evaluates those (`full` evaluates every
 * group, for the tests that compare the two). Groups whose ideal values do not grow with e are all
 * evaluated.
 */
export function minimaxFill(
  plan: ExpSource,
  cells: SCell[],
  index: (v: number, cell: number) => number,
  size: number,
  opts: { full?: boolean } = {},
): number[] {
  const sides = sumSides(plan);
  const lo = new Float64Array(size).fill(Infinity);
  const hi = new Float64Array(size).fill(-Infinity);
  const gs = sides.groups;
  const add = (i: number, r: { refLo: number; refHi: number }) => {
    if (!(i >= 0 && i < size)) throw new Error(`internal: minimaxFill: index ${i} outside 0..${size - 1}`);
    if (r.refLo < lo[i]!) lo[i] = r.refLo;
    if (r.refHi > hi[i]!) hi[i] = r.refHi;
  };
  const ordered = gs.every((g, i) => i === 0 || (g.e > gs[i - 1]!.e && g.xLo >= gs[i - 1]!.xLo && g.xHi >= gs[i - 1]!.xHi));
  for (let k = 0; k < cells.length; k++) {
    const { sLo, sHi } = cells[k]!;
    if (opts.full || !ordered) {
      for (const g of gs) {
        const r = reference(sides, g, sLo, sHi);
        if (r) add(index(g.v, k), r);
      }
      continue;
    }
    let next = index(gs[0]!.v, k);
    for (let i = 0; i < gs.length; ) {
      const idx = next;
      let j = i;
      while (j + 1 < gs.length && (next = index(gs[j + 1]!.v, k)) === idx) j++;
      // the first group of the run that reaches the cell, then the last
      let a = i;
      let r: ReturnType<typeof reference>;
      for (; a <= j && !(r = reference(sides, gs[a]!, sLo, sHi)); a++);
      if (r) {
        add(idx, r);
        for (let b = j; b > a; b--) {
          const rb = reference(sides, gs[b]!, sLo, sHi);
          if (rb) {
            add(idx, rb);
            break;
          }
        }
      }
      i = j + 1;
    }
  }
  const max = plan.common.maxCode;
  return Array.from(lo, (l, i) => (l === Infinity ? 0 : Math.max(0, Math.min(max, Math.floor((l + hi[i]!) / 2 + 0.5)))));
}

/** The runs of the output code over S for one lane input v (e or d): the method's own, or its cells' lane codes. */
function runsFor(plan: Plan, cells: SCell[] | undefined, coefs: Record<string, number>[] | undefined, v: number, sMin: number, sMax: number): OutputRun[] {
  const { method, mp, common } = plan;
  if (!cells) return method.outputRuns!(mp, common, v, sMin, sMax)!;
  const runs: OutputRun[] = [];
  for (let k = 0; k < cells.length; k++) {
    const cell = cells[k]!;
    const y = method.lane(mp, common, v, coefs![k]!);
    const last = runs[runs.length - 1];
    if (last && last.y === y && last.sHi + 1 === cell.sLo) last.sHi = cell.sHi;
    else runs.push({ sLo: cell.sLo, sHi: cell.sHi, y });
  }
  return runs;
}

/**
 * Work (hull queries and lane evaluations) above which the joint bound is not computed and the split
 * bound stands alone: about 10 s. The default 8-bit blocks stay far below it, 16-bit formats far above.
 */
export const JOINT_BOUND_WORK = 2e7;

interface Part {
  worst: number;
  witness: Witness;
}

/** The joint bound (steps 3-4 of the header): every entry group against every run of the output code. */
function jointBound(plan: Plan, sides: SumSides): Part | undefined {
  const { groups, E, sMin, sMax } = sides;
  const { method, mp, common: c } = plan;
  let cells: SCell[] | undefined;
  let coefs: Record<string, number>[] | undefined;
  // a method with runs of the output code says so for a one-point range, cheaply
  if (method.outputRuns?.(mp, c, E, sMin, sMin) !== undefined) {
    // each run costs a bisection over S
    if (groups.length * Math.min(c.maxCode + 1, sMax - sMin + 1) * Math.log2(sMax + 1) > JOINT_BOUND_WORK) return undefined;
  } else {
    cells = method.sCells?.(mp, c, sMin, sMax);
    if (!cells || groups.length * cells.length > JOINT_BOUND_WORK) return undefined;
    coefs = cells.map((cell) => method.normalize(mp, c, cell.sLo));
    for (let i = 1; i < cells.length; i++) {
      if (cells[i]!.sLo !== cells[i - 1]!.sHi + 1) throw new Error(`internal: error bound: the cells of S are not contiguous at ${cells[i]!.sLo}`);
    }
  }
  let worst = -Infinity;
  let witness: Witness | undefined;
  for (const g of groups) {
    for (const run of runsFor(plan, cells, coefs, g.v, sMin, sMax)) {
      const r = reference(sides, g, run.sLo, run.sHi);
      if (!r) continue; // no vector puts S in this run
      const { refLo, refHi, aMin, aMax } = r;
      const above = run.y - refLo;
      const below = refHi - run.y;
      if (above > worst) {
        worst = above;
        witness = { e: g.e, dLo: g.dLo, dHi: g.dHi, sLo: run.sLo, sHi: run.sHi, y: run.y, side: 'above', ref: refLo, a: aMax / E };
      }
      if (below > worst) {
        worst = below;
        witness = { e: g.e, dLo: g.dLo, dHi: g.dHi, sLo: run.sLo, sHi: run.sHi, y: run.y, side: 'below', ref: refHi, a: aMin / E };
      }
    }
  }
  if (!witness) throw new Error('internal: error bound: no feasible cell');
  return { worst, witness };
}

/**
 * The largest of g(A) = e / (e + F(A)) - x / (x + A) (sign = 1) or its negative with the terms
 * swapped (sign = -1) for A in [a0, a1], F the piecewise-linear side. On a piece F = alpha + beta A
 * and g has one critical point, where sqrt(e beta) (x + A) = sqrt(x) (e + alpha + beta A): the
 * maximum is at an end of a piece or there.
 */
function peak(side: SumSide, a0: number, a1: number, e: number, x: number, sign: 1 | -1): { v: number; a: number; f: number } {
  const g = (a: number, f: number) => {
    const y = e + f > 0 ? e / (e + f) : 0;
    const r = x + a > 0 ? x / (x + a) : 0;
    return sign * (y - r);
  };
  let best = { v: -Infinity, a: a0, f: side.value(a0) };
  const tryAt = (a: number, f: number) => {
    const v = g(a, f);
    if (v > best.v) best = { v, a, f };
  };
  tryAt(a0, side.value(a0));
  tryAt(a1, side.value(a1));
  const as = side.as;
  const fs = side.fs;
  for (let k = 0; k + 1 < as.length; k++) {
    const p0 = as[k]!;
    const p1 = as[k + 1]!;
    if (p1 <= a0 || p0 >= a1 || p1 === p0) continue;
    const beta = (fs[k + 1]! - fs[k]!) / (p1 - p0);
    const alpha = fs[k]! - beta * p0;
    const lo = Math.max(a0, p0);
    const hi = Math.min(a1, p1);
    tryAt(lo, alpha + beta * lo);
    tryAt(hi, alpha + beta * hi);
    const se = Math.sqrt(e * beta);
    const sx = Math.sqrt(x);
    const den = se - beta * sx;
    if (den !== 0) {
      const a = (sx * (e + alpha) - se * x) / den;
      if (a > lo && a < hi) tryAt(a, alpha + beta * a);
    }
  }
  return best;
}

/**
 * The split bound: |y - ref| <= |y - 2^OF e_i / S| + |2^OF e_i / S - ref|. The first is the method's
 * quotientError (its normalisation and lane against an exact division of the table values); the
 * second, the exponent tables' share, is bounded with the same hulls as the joint bound, but over the
 * real quotient, so it needs no runs of the output code: each entry group against each hull piece.
 * Saturation moves neither term up (min(M, .) is 1-Lipschitz). Looser than the joint bound by up to
 * the rounding that the joint bound sees exactly, and cheap at any output width.
 */
function splitBound(plan: Plan, groups: EntryGroup[], lo: SumSide, hi: SumSide, E: number): (Part & { quotient: number; share: number }) | undefined {
  const { method, mp, common: c } = plan;
  // its hull peaks take each element's own sum contribution to be e: not so for an online sum
  if (mp.expOnline) return undefined;
  const q = method.quotientError?.(mp, c);
  if (q === undefined) return undefined;
  const unit = 2 ** c.ofrac;
  const aEnd = lo.as[lo.as.length - 1]!;
  let share = -Infinity;
  let witness: Witness | undefined;
  for (const g of groups) {
    const a0 = g.hasMax ? 0 : E;
    if (a0 > aEnd) continue;
    const up = peak(lo, a0, aEnd, g.e, g.xLo, 1);
    const down = peak(hi, a0, aEnd, g.e, g.xHi, -1);
    for (const [pk, side, x] of [
      [up, 'above', g.xLo],
      [down, 'below', g.xHi],
    ] as const) {
      if (unit * pk.v > share) {
        share = unit * pk.v;
        const s = g.e + pk.f;
        witness = { e: g.e, dLo: g.dLo, dHi: g.dHi, sLo: Math.round(s), sHi: Math.round(s), y: Math.round(s > 0 ? (unit * g.e) / s : 0), side, ref: (unit * x) / (x + pk.a), a: pk.a / E };
      }
    }
  }
  if (!witness) return undefined;
  return { worst: q + Math.max(0, share), witness, quotient: q, share: Math.max(0, share) };
}

const cache = new WeakMap<Plan, ErrorBound>();

/**
 * The block's worst-case error bound in output LSBs (cached per plan): the joint bound where its
 * work is affordable, else the split bound.
 */
export function errorBound(plan: Plan, opts: BoundOptions = {}): ErrorBound {
  if (!opts.ignoreTailMass && !opts.split) {
    const hit = cache.get(plan);
    if (hit) return hit;
  }
  const n = plan.common.n;
  const k = n - 1;
  const sides = sumSides(plan, opts);
  const { groups, lo, hi, E } = sides;
  const joint = opts.split ? undefined : jointBound(plan, sides);
  const split = joint ? undefined : splitBound(plan, groups, lo, hi, E);
  const part = joint ?? split;
  if (!part) throw new Error(`internal: error bound: method ${plan.method.name} has no affordable bound for this format`);
  const zeroX = groups.find((g) => g.e === 0)?.xHi ?? 0;
  const raw = Math.max(0, part.worst);
  const r: ErrorBound = {
    lsb: Math.ceil((raw + 1e-9) * 1e4) / 1e4,
    raw,
    witness: part.witness,
    n,
    scale: E,
    tailLoss: (k * zeroX) / E,
    kind: split ? 'split' : 'joint',
    ...(split ? { quotient: split.quotient, expShare: split.share } : {}),
  };
  if (!opts.ignoreTailMass && !opts.split) cache.set(plan, r);
  return r;
}

/** Where the bound is approached, as `plan`, `verify` and report.html say it. */
export function witnessText(b: ErrorBound): string {
  const w = b.witness;
  const d = w.dLo === w.dHi ? `${w.dLo}` : `${w.dLo}..${w.dHi}`;
  if (b.kind === 'split') {
    return `the split bound, ${b.quotient!.toFixed(4)} LSB of quotient error plus ${b.expShare!.toFixed(4)} LSB of exponent share, the share largest for an element reading e = ${w.e} (d = ${d}) with S near ${w.sLo}: quotient ${w.y}, reference ${w.ref.toFixed(3)}`;
  }
  return `an element reading e = ${w.e} (d = ${d}) with S in ${w.sLo}..${w.sHi}: output ${w.y}, reference ${w.ref.toFixed(3)}`;
}
