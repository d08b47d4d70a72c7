/**
 * Adversarial vectors, built from a block's own tables to break its accuracy claim: they put many
 * elements where the exponent table loses or gains the most, and push the sum S to where the
 * normalisation is worst. A vector is a multiset of differences d = max - x (its order does not
 * matter to the block), so every candidate is scored exactly from its counts (the block's bit-exact
 * normalisation and lane functions against the float reference: the same figure as model.ts and
 * referenceLsb give) before it is written out, and each family keeps its best candidates. Vectors
 * hold their maximum at the largest input code (all-equal and near-tie rows at other codes too), so
 * d = max - x reaches every table entry.
 *
 * | family      | what                                                                                          |
 * |-------------|-----------------------------------------------------------------------------------------------|
 * | tail        | one maximum, the rest at the d whose entry loses the most (the largest true value stored as 0); also with only 1/2 and 1/4 of the rest there and the others far away |
 * | witness     | aimed at the error bound's witness (generator/numerics/bound.ts): its entry at either end of its d range, the others composed so that S lands in the witness's cell of S (at both edges and inside) with their true mass A as large ('above': tail and losing entries) or as small ('below': gaining entries) as the cell allows: two entries mixed from the hull of the entries' errors around the average entry the length allows, or many copies of one, the remainder of S made up exactly from table entries, the rest tail or far; and, where small enough, an exact search (a DP over count and sum) for the extreme A |
 * | bin-edge    | one maximum and the others composed as for the witness (two mixed entries, or k copies of a chosen d, the remainder made up exactly) so that S is exactly the first or last integer of a cell of S (the method's sCells; exact: the runs of y for e = T[0]); up to 256 cells spread over the reachable range are tried, the 24 best kept, plus the first cells above S = T[0] and the cells holding a power of two |
 * | two-level   | one maximum, k elements at d1 and the rest at d2, over the candidate d's (tail, gain, loss, 0) and several k (the best scored) |
 * | near-ties   | every element within 3 codes of the maximum: two levels with the count at every split (or solved for the cell edges on long rows), and fixed patterns |
 * | gain / loss | one maximum, the rest at the d with the largest positive / negative entry error                 |
 * | all-equal   | every element the same code (the maximum, 0, the minimum)                                     |
 * | exhaustive  | short rows with few distinct d (at most 20,000 vectors): every vector scored, the best kept     |
 *
 * Everything is deterministic (no random numbers). One length per call; `adversarialWorkload`
 * gathers several (a stream block's rows are 1..maxN long; `adversarialLengths`). The number of
 * vectors per length and of elements are bounded (options of `adversarialVectors`: 300 vectors, 2
 * million elements), the families taking turns, each best first, so that a cut keeps the best of each.
 */
import { entryGroups, errorBound, type EntryGroup } from '../numerics/bound.js';
import { expValue, laneValue, onlineOffset, onlineSumOf } from '../numerics/tables.js';
import type { SCell, Plan } from '../numerics/types.js';
import type { Workload } from './workloads.js';

export interface AdversarialVector {
  family: string;
  x: number[];
}

/** The order in which the families take turns (and the order of the header table). */
export const ADVERSARIAL_FAMILIES: readonly string[] = ['tail', 'witness', 'bin-edge', 'two-level', 'near-ties', 'gain', 'loss', 'all-equal', 'exhaustive'];

export interface AdversarialOptions {
  /** At most this many vectors (default 300). */
  maxVectors?: number;
  /** At most this many elements in all (default 2,000,000). */
  maxElements?: number;
  /**
   * 'quick' for sweeps of thousands of configurations (explore, --max-error): the bin-edge family
   * tries at most 32 cells of S instead of 256 and the witness family skips its exact search.
   */
  effort?: 'full' | 'quick';
}

export const ADVERSARIAL_DEFAULTS = { maxVectors: 300, maxElements: 2_000_000 };

/**
 * The largest input code the vectors here use as their maximum, and the largest d it leaves: the
 * largest code, or with an online sum (IntMax) the largest code whose rounding up to the granule
 * is o (the offset the vectors' elements all read: d' = d + o).
 */
function vectorTop(plan: Plan, o = 0): { top: number; dMax: number } {
  const c = plan.common;
  const g = plan.mp.expOnline?.granule ?? 1;
  const top = Math.floor((2 ** (c.iw - 1) - 1 + o) / g) * g - o;
  return { top, dMax: top + 2 ** (c.iw - 1) };
}

/** The IntMax offsets the search tries for an online sum: 0, the largest and the middle one (else 0). */
function offsets(plan: Plan): number[] {
  const g = plan.mp.expOnline?.granule ?? 1;
  return [...new Set([0, g - 1, Math.floor(g / 2)])];
}

/** Differences d worth gathering: the entries with the largest errors, and the tail's first d. */
export function candidateDs(plan: Plan, perSide = 4, o = 0): { tail?: number; gain: number[]; loss: number[] } {
  const c = plan.common;
  const E = plan.mp.expTable.values[0]!;
  const { dMax } = vectorTop(plan, o);
  const err: { d: number; eps: number }[] = [];
  for (let d = 1; d <= dMax; d++) err.push({ d, eps: expValue(plan.mp, d + o) - E * Math.exp(-(d + o) * c.unit) });
  const z = entryGroups(plan).groups.find((g) => g.e === 0 && g.dLo - o <= dMax);
  const zero = z ? { dLo: Math.max(0, z.dLo - o) } : undefined;
  const gain = [...err].sort((a, b) => b.eps - a.eps).slice(0, perSide).map((v) => v.d);
  const loss = [...err].sort((a, b) => a.eps - b.eps).slice(0, perSide).map((v) => v.d);
  return { tail: zero?.dLo, gain, loss };
}

/** A vector as counts of differences: [d, count] pairs (d = 0 is the maximum, count >= 1). */
type Parts = [number, number][];

interface Candidate {
  family: string;
  parts: Parts;
  /** The code of the maximum (default: the largest input code). */
  top?: number;
  /** Its exact max error in output LSBs. */
  score: number;
}

/** What the search needs of a block, for one length. */
interface Ctx {
  plan: Plan;
  len: number;
  /** An online sum's IntMax offset that every vector here has (0 without one): e[d] = e(d + o). */
  o: number;
  top: number;
  min: number;
  dMax: number;
  E: number;
  /** e[d]: the entry the block reads; xr[d] = e^(-d 2^-IF), the ideal relative to T[0]. */
  e: number[];
  xr: number[];
  groups: EntryGroup[];
  /** The tail d with the largest true value (entry 0), if the table ends inside the d range. */
  tailD?: number;
  /** The d with the smallest true value: the element that is as good as absent. */
  farD: number;
  /** Distinct positive entries, largest first, each with its d of largest and of smallest true value. */
  coins: { v: number; dBig: number; dSmall: number }[];
  unit: number;
  cap: number;
  /** The entries' error hulls (entryHull), computed on first use. */
  hulls?: { above: HullPt[]; below: HullPt[] };
}

function context(plan: Plan, len: number, o = 0): Ctx {
  const c = plan.common;
  // an online sum (IntMax): vectors whose max rounds up by o, so that every element reads d' = d + o
  const { top, dMax } = vectorTop(plan, o);
  const e: number[] = [];
  const xr: number[] = [];
  for (let d = 0; d <= dMax; d++) {
    e.push(expValue(plan.mp, d + o));
    xr.push(Math.exp(-d * c.unit));
  }
  const eg = entryGroups(plan);
  const scale = eg.scale;
  // (an online sum's groups are of d' = d + o, up to dMax + granule - 1: shifted to d, cut to 0..dMax)
  const groups = eg.groups
    .filter((g) => g.dHi - o >= 0 && g.dLo - o <= dMax)
    .map((g) => (o || g.dHi > dMax ? { ...g, dLo: Math.max(0, g.dLo - o), dHi: Math.min(dMax, g.dHi - o) } : g));
  const zero = groups.find((g) => g.e === 0);
  const coins = groups
    .filter((g) => g.e > 0)
    .map((g) => ({ v: g.e, dBig: g.dLo, dSmall: g.dHi }))
    .sort((a, b) => b.v - a.v);
  return {
    plan,
    len,
    o,
    top,
    min: -(2 ** (c.iw - 1)),
    dMax,
    E: scale,
    e,
    xr,
    groups,
    tailD: zero?.dLo,
    farD: dMax,
    coins,
    unit: 2 ** c.ofrac,
    cap: c.maxCode,
  };
}

/** Merge [d, count] pairs: one pair per d, counts > 0, ascending d. */
function normalizeParts(parts: Parts): Parts {
  const sorted = parts.filter((p) => p[1] > 0).sort((a, b) => a[0] - b[0]);
  const out: Parts = [];
  for (const [d, k] of sorted) {
    const last = out[out.length - 1];
    if (last && last[0] === d) last[1] += k;
    else out.push([d, k]);
  }
  return out;
}

/** The exact max |y - y_ref| (output LSBs) of the vector with these counts: the model, per distinct d. */
function score(ctx: Ctx, parts: Parts): number {
  const { plan } = ctx;
  let s = 0;
  let xs = 0;
  for (const [d, k] of parts) {
    s += k * ctx.e[d]!;
    xs += k * ctx.xr[d]!;
  }
  const on = plan.mp.expOnline;
  if (on) s = onlineSumOf(on, parts.map((p) => p[0] + ctx.o), parts.map((p) => p[1]));
  const coef = plan.method.normalize(plan.mp, plan.common, s);
  let worst = 0;
  for (const [d, k] of parts) {
    if (k <= 0) continue;
    const y = plan.method.lane(plan.mp, plan.common, laneValue(plan.mp, d, ctx.e[d]!), coef);
    const ref = Math.min(ctx.cap, (ctx.unit * ctx.xr[d]!) / xs);
    worst = Math.max(worst, Math.abs(y - ref));
  }
  return worst;
}

function count(parts: Parts): number {
  let n = 0;
  for (const [, k] of parts) n += k;
  return n;
}

function sumOf(ctx: Ctx, parts: Parts): number {
  const on = ctx.plan.mp.expOnline;
  if (on) return onlineSumOf(on, parts.map((p) => p[0] + ctx.o), parts.map((p) => p[1]));
  let s = 0;
  for (const [d, k] of parts) s += k * ctx.e[d]!;
  return s;
}

/**
 * Make up r of S by turning pad elements (entry p; 0 unless the table covers every d) into table
 * entries, largest first (few elements), each entry read at the d of largest ('big') or smallest
 * true value. Returns the pairs and what could not be made up.
 */
function makeUp(ctx: Ctx, r: number, which: 'big' | 'small', room: number, p = 0): { parts: Parts; left: number } {
  const parts: Parts = [];
  for (const coin of ctx.coins) {
    if (r <= 0 || room <= 0) break;
    const v = coin.v - p;
    if (v <= 0 || v > r) continue;
    const k = Math.min(room, Math.floor(r / v));
    parts.push([which === 'big' ? coin.dBig : coin.dSmall, k]);
    r -= k * v;
    room -= k;
  }
  return { parts, left: r };
}

/**
 * The vectors around a target sum z: the fixed `base` (maximum, target element), the rest of the
 * length at `pad`, of which k are turned into `filler` with k = floor((z - S) / (e_filler - e_pad))
 * - back, the remainder made up from entries.
 */
function compose(ctx: Ctx, base: Parts, z: number, filler: number, back: number, which: 'big' | 'small', pad: number): Parts | undefined {
  const room = ctx.len - count(base);
  if (room < 0) return undefined;
  const p = ctx.e[pad]!;
  const need = z - sumOf(ctx, base) - room * p;
  if (need < 0) return undefined;
  const ef = ctx.e[filler]! - p;
  let k = ef > 0 ? Math.floor(need / ef) - back : 0;
  if (k < 0) return undefined;
  k = Math.min(k, room);
  const rest = makeUp(ctx, need - k * Math.max(0, ef), which, room - k, p);
  const used = k + count(rest.parts);
  return normalizeParts([...base, [filler, k], ...rest.parts, [pad, room - used]]);
}

/** A point (e, eps = e - true value) of the entries, with the d that reads it there. */
interface HullPt {
  e: number;
  eps: number;
  d: number;
}

/**
 * The entries as points (e, eps) with the pad at e = 0, and their upper ('below': the most entry
 * error per unit of S, for the least true mass) or lower ('above': the most lost) hull, ascending e.
 * For S = Z made of at most R elements, the best mix is the two vertices around Z / R.
 */
function entryHull(ctx: Ctx, side: 'above' | 'below'): HullPt[] {
  const pts: HullPt[] = [];
  for (const g of ctx.groups) {
    if (g.e <= 0) continue;
    const d = side === 'above' ? g.dLo : g.dHi;
    pts.push({ e: g.e, eps: g.e - ctx.E * ctx.xr[d]!, d });
  }
  const pad = side === 'above' ? (ctx.tailD ?? ctx.farD) : ctx.farD;
  if (ctx.e[pad] === 0) pts.push({ e: 0, eps: -ctx.E * ctx.xr[pad]!, d: pad });
  pts.sort((a, b) => a.e - b.e || (side === 'below' ? b.eps - a.eps : a.eps - b.eps));
  const h: HullPt[] = [];
  for (const p of pts) {
    if (h.length > 0 && h[h.length - 1]!.e === p.e) continue;
    while (h.length >= 2) {
      const a = h[h.length - 2]!;
      const b = h[h.length - 1]!;
      const cross = (b.e - a.e) * (p.eps - a.eps) - (b.eps - a.eps) * (p.e - a.e);
      if (side === 'below' ? cross >= 0 : cross <= 0) h.pop();
      else break;
    }
    h.push(p);
  }
  return h;
}

/** Pairs of hull vertices (larger e first) around the average entry `avg`, nearest first. */
function hullPairs(h: HullPt[], avg: number, spread = 1): [number, number][] {
  let i = 0;
  while (i + 1 < h.length && h[i + 1]!.e <= avg) i++;
  const out: [number, number][] = [];
  for (let a = i + 1; a <= Math.min(h.length - 1, i + 1 + spread); a++) {
    for (let b = i; b >= Math.max(0, i - spread); b--) if (h[a]!.e > h[b]!.e) out.push([h[a]!.d, h[b]!.d]);
  }
  if (out.length === 0 && h.length >= 2) out.push([h[h.length - 1]!.d, h[h.length - 2]!.d]);
  return out;
}

/**
 * Two entries mixed so that S = z with the length used up: c_a copies of da and c_b of db (e_a > e_b)
 * with c_a + c_b = room - reserve, the remainder of S made up from entries within the reserve, the
 * rest at `pad`.
 */
function composePair(ctx: Ctx, base: Parts, z: number, da: number, db: number, which: 'big' | 'small', pad: number, back = 0): Parts | undefined {
  const room = ctx.len - count(base);
  if (room < 0) return undefined;
  const p = ctx.e[pad]!;
  const need = z - sumOf(ctx, base) - room * p; // over the pads
  if (need < 0) return undefined;
  const ea = ctx.e[da]! - p;
  const eb = ctx.e[db]! - p;
  if (!(ea > eb) || eb < 0) return undefined;
  const reserve = Math.min(8, room);
  const r = room - reserve;
  let ca = Math.max(0, Math.min(r, Math.floor((need - r * eb) / (ea - eb)) - back));
  let cb = r - ca;
  if (ca * ea + cb * eb > need) {
    ca = 0;
    cb = eb > 0 ? Math.min(r, Math.floor(need / eb)) : 0;
  }
  const rest = makeUp(ctx, need - ca * ea - cb * eb, which, room - ca - cb, p);
  const used = ca + cb + count(rest.parts);
  return normalizeParts([...base, [da, ca], [db, cb], ...rest.parts, [pad, room - used]]);
}

/** The largest DP the exact search runs (count x sum x entries). */
const DP_BUDGET = 4_000_000;

/**
 * Exact search where it is small: the others (beyond `base`) of S - S_base in [zLo, zHi] and at most
 * len - |base| elements, with their true mass A as large ('above') or small ('below') as possible.
 * A = (S - S_base) - sum eps, so a DP over (count, sum) of the entries' errors eps (each entry read at
 * the d that makes eps most negative, or most positive), the rest padded with the tail or far
 * elements. Returns the `keep` best compositions, or nothing when the DP would be too large.
 */
function exactSearch(ctx: Ctx, family: string, base: Parts, zLo: number, zHi: number, side: 'above' | 'below', keep = 3): Candidate[] {
  const room = ctx.len - count(base);
  if (room < 0) return [];
  const pad = side === 'above' ? (ctx.tailD ?? ctx.farD) : ctx.farD;
  const p = ctx.e[pad]!;
  const padEps = p - ctx.E * ctx.xr[pad]!;
  // every other element starts as a pad; the DP turns c of them into entries, adding v - p each
  const s0 = sumOf(ctx, base) + room * p;
  const lo = Math.max(0, zLo - s0);
  const hi = zHi - s0;
  if (hi < lo || hi < 0) return [];
  const items = ctx.coins
    .filter((c) => c.v > p && c.v - p <= hi)
    .map((c) => {
      const d = side === 'above' ? c.dBig : c.dSmall;
      return { v: c.v - p, d, eps: c.v - ctx.E * ctx.xr[d]! - padEps };
    });
  const cMax = Math.min(room, hi);
  if ((cMax + 1) * (hi + 1) * Math.max(1, items.length) > DP_BUDGET) return [];
  const w = hi + 1;
  const sign = side === 'above' ? -1 : 1; // maximise sign * sum eps
  const dp = new Float64Array((cMax + 1) * w).fill(-Infinity);
  const from = new Int32Array((cMax + 1) * w).fill(-1);
  dp[0] = 0;
  for (let c = 1; c <= cMax; c++) {
    const row = c * w;
    const prev = (c - 1) * w;
    for (let it = 0; it < items.length; it++) {
      const { v, eps } = items[it]!;
      const g = sign * eps;
      for (let s = v; s <= hi; s++) {
        const q = dp[prev + s - v]!;
        if (q === -Infinity) continue;
        if (q + g > dp[row + s]!) {
          dp[row + s] = q + g;
          from[row + s] = it;
        }
      }
    }
  }
  // the others' true mass A of each (count, sum): their entries' sum minus their errors
  const ends: { c: number; s: number; a: number }[] = [];
  for (let c = 0; c <= cMax; c++) {
    for (let s = lo; s <= hi; s++) {
      const v = dp[c * w + s]!;
      if (v === -Infinity) continue;
      ends.push({ c, s, a: s + room * p - (sign * v + room * padEps) });
    }
  }
  ends.sort((a, b) => (side === 'above' ? b.a - a.a : a.a - b.a) || a.c - b.c || a.s - b.s);
  const out: Candidate[] = [];
  for (const end of ends.slice(0, keep)) {
    const parts: Parts = [...base, [pad, room - end.c]];
    let c = end.c;
    let s = end.s;
    while (c > 0) {
      const it = items[from[c * w + s]!]!;
      parts.push([it.d, 1]);
      s -= it.v;
      c--;
    }
    push(out, cand(ctx, family, parts));
  }
  return out;
}

/** d of each positive entry (both ends of its d range), ranked by true value per unit of entry. */
function fillers(ctx: Ctx, side: 'above' | 'below', howMany: number): number[] {
  const ds: { d: number; r: number }[] = [];
  for (const g of ctx.groups) {
    if (g.e <= 0) continue;
    for (const d of new Set([g.dLo, g.dHi])) ds.push({ d, r: (ctx.E * ctx.xr[d]!) / ctx.e[d]! });
  }
  // above: many true units per entry unit (entries that lose); below: few (entries that gain)
  ds.sort((a, b) => (side === 'above' ? b.r - a.r : a.r - b.r) || a.d - b.d);
  return ds.slice(0, howMany).map((v) => v.d);
}

/** The cells of S (where the normalisation's coefficients, or for exact y of T[0], are constant). */
function cellsOf(ctx: Ctx): SCell[] {
  const { plan } = ctx;
  const sMin = ctx.E;
  const sMax = Math.max(sMin, Math.min(ctx.len, plan.common.n) * ctx.E);
  return plan.method.sCells?.(plan.mp, plan.common, sMin, sMax) ?? plan.method.outputRuns?.(plan.mp, plan.common, ctx.E, sMin, sMax) ?? [];
}

function key(c: { parts: Parts; top?: number }): string {
  return `${c.top ?? ''}|${c.parts.map(([d, k]) => `${d}x${k}`).join(',')}`;
}

/** The best `keep` distinct candidates, highest score first (ties: first generated). */
function best(cands: Candidate[], keep: number): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  const order = cands.map((c, i) => ({ c, i })).sort((a, b) => b.c.score - a.c.score || a.i - b.i);
  for (const { c } of order) {
    const k = key(c);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c);
    if (out.length >= keep) break;
  }
  return out;
}

function cand(ctx: Ctx, family: string, parts: Parts | undefined, top?: number): Candidate | undefined {
  if (!parts) return undefined;
  const p = normalizeParts(parts);
  // every d must leave a code at or above the least (the maximum may sit low: an online sum's offset)
  if (count(p) !== ctx.len || !p.some(([d]) => d === 0) || p.some(([d]) => d > ctx.dMax)) return undefined;
  // an online sum's vectors need the maximum their offset was scored with
  return { family, parts: p, top: top ?? (ctx.plan.mp.expOnline ? ctx.top : undefined), score: score(ctx, p) };
}

function push(out: Candidate[], c: Candidate | undefined): void {
  if (c) out.push(c);
}

function tailFamily(ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  const t = ctx.tailD;
  if (t === undefined || ctx.len < 2) return out;
  const r = ctx.len - 1;
  push(out, cand(ctx, 'tail', [[0, 1], [t, r]]));
  for (const k of [Math.floor(r / 2), Math.floor(r / 4)]) if (k >= 1 && k < r) push(out, cand(ctx, 'tail', [[0, 1], [t, k], [ctx.farD, r - k]]));
  return out;
}

function gainLossFamilies(ctx: Ctx, gain: number[], loss: number[]): Candidate[] {
  const out: Candidate[] = [];
  if (ctx.len < 2) return out;
  for (const d of gain) push(out, cand(ctx, 'gain', [[0, 1], [d, ctx.len - 1]]));
  for (const d of loss) push(out, cand(ctx, 'loss', [[0, 1], [d, ctx.len - 1]]));
  return out;
}

function twoLevelFamily(ctx: Ctx, cands: number[], keep: number): Candidate[] {
  const len = ctx.len;
  const out: Candidate[] = [];
  const ks = [...new Set([1, 2, Math.floor((len - 1) / 4), Math.floor((len - 1) / 2), len - 2].filter((k) => k >= 1 && k < len - 1))];
  for (const d1 of cands) for (const d2 of cands) if (d1 !== d2) for (const k of ks) push(out, cand(ctx, 'two-level', [[0, 1], [d1, k], [d2, len - 1 - k]]));
  return best(out, keep);
}

/** The best vector for each edge of a cell, by the search of `compose` over fillers and pads. */
function edgeSearch(
  ctx: Ctx,
  family: string,
  bases: Parts[],
  targets: { z: number; side: 'above' | 'below' }[],
  fill: { above: number[]; below: number[] },
  backs: number[],
  spread: number,
  bothPads = true,
): Candidate[] {
  const out: Candidate[] = [];
  const hulls = (ctx.hulls ??= { above: entryHull(ctx, 'above'), below: entryHull(ctx, 'below') });
  for (const base of bases) {
    for (const { z, side } of targets) {
      const which = side === 'above' ? 'big' : 'small';
      const room = ctx.len - count(base) - Math.min(8, Math.max(0, ctx.len - count(base)));
      const avg = room > 0 ? (z - sumOf(ctx, base)) / room : Infinity;
      for (const [da, db] of hullPairs(hulls[side], avg, spread)) {
        for (const back of [0, 1]) push(out, cand(ctx, family, composePair(ctx, base, z, da, db, which, side === 'above' ? (ctx.tailD ?? ctx.farD) : ctx.farD, back)));
      }
      // the pad: tail elements add true mass for free ('above'), far ones nothing ('below')
      const own = side === 'above' ? (ctx.tailD ?? ctx.farD) : ctx.farD;
      const pads = bothPads ? [...new Set([own, ctx.tailD ?? ctx.farD, ctx.farD])] : [own];
      for (const f of side === 'above' ? fill.above : fill.below) {
        for (const back of backs) {
          for (const pad of pads) {
            push(out, cand(ctx, family, compose(ctx, base, z, f, back, side === 'above' ? 'big' : 'small', pad)));
          }
        }
      }
    }
  }
  return out;
}

function binEdgeFamily(ctx: Ctx, keepCells: number, maxCells = 256): Candidate[] {
  const cells = cellsOf(ctx);
  if (cells.length === 0 || ctx.len < 2) return [];
  const fill = { above: [...fillers(ctx, 'above', 3), 0], below: [...fillers(ctx, 'below', 3), 0] };
  // which cells: at most maxCells, spread evenly, plus the first ones and those at powers of two
  const pick = new Set<number>();
  const stride = Math.max(1, Math.ceil(cells.length / maxCells));
  for (let i = 0; i < cells.length; i += stride) pick.add(i);
  for (let i = 0; i < Math.min(4, cells.length); i++) pick.add(i);
  const pow2: number[] = [];
  cells.forEach((cell, i) => {
    if (2 ** Math.ceil(Math.log2(cell.sLo)) <= cell.sHi) pow2.push(i); // the cell holds a power of two
  });
  for (const i of pow2) pick.add(i);
  const perCell: { i: number; best: Candidate[] }[] = [];
  for (const i of [...pick].sort((a, b) => a - b)) {
    const cell = cells[i]!;
    const found = edgeSearch(
      ctx,
      'bin-edge',
      [[[0, 1]]],
      [
        { z: cell.sHi, side: 'above' },
        { z: cell.sLo, side: 'below' },
      ],
      fill,
      [0],
      1,
      false,
    );
    // the best with S on each edge
    const lo = best(found.filter((c) => sumOf(ctx, c.parts) === cell.sLo), 1);
    const hi = best(found.filter((c) => sumOf(ctx, c.parts) === cell.sHi), 1);
    const b = best([...lo, ...hi], 2);
    if (b.length) perCell.push({ i, best: b });
  }
  const cellScore = (x: { best: Candidate[] }) => Math.max(...x.best.map((c) => c.score));
  const chosen = new Set<number>();
  for (const x of [...perCell].sort((a, b) => cellScore(b) - cellScore(a) || a.i - b.i).slice(0, keepCells)) chosen.add(x.i);
  for (const x of perCell.slice(0, 2)) chosen.add(x.i); // the first cells above S = T[0]
  for (const x of perCell.filter((x) => pow2.includes(x.i)).slice(0, 6)) chosen.add(x.i);
  const out = perCell.filter((x) => chosen.has(x.i)).flatMap((x) => x.best);
  return best(out, out.length);
}

function witnessFamily(ctx: Ctx, keep: number, exact = true): Candidate[] {
  const w = errorBound(ctx.plan).witness;
  if (ctx.len < 1) return [];
  // the witness's d are d' = d + o with an online sum: taken at this offset, where they exist
  const ds = [...new Set((w.side === 'above' ? [w.dHi, w.dLo] : [w.dLo, w.dHi]).map((d) => Math.min(ctx.dMax, Math.max(0, d - ctx.o))))];
  const bases: Parts[] = ds.map((d) => (d === 0 ? [[0, 1]] : [[0, 1], [d, 1]]));
  const zs = [...new Set([w.sLo, w.sHi, w.sLo + 1, w.sHi - 1, Math.floor((w.sLo + w.sHi) / 2)])].filter((z) => z >= w.sLo && z <= w.sHi);
  const sides: ('above' | 'below')[] = w.side === 'above' ? ['above', 'below'] : ['below', 'above'];
  const targets = zs.flatMap((z) => sides.map((side) => ({ z, side })));
  const fill = { above: [...fillers(ctx, 'above', 24), 0], below: [...fillers(ctx, 'below', 24), 0] };
  const found = edgeSearch(ctx, 'witness', bases, targets, fill, [0, 1, 2], 3);
  if (exact) for (const base of bases) for (const side of sides) found.push(...exactSearch(ctx, 'witness', base, w.sLo, w.sHi, side));
  // one vector of the maximum alone with the others far, and the base alone padded with the tail
  for (const base of bases) {
    const room = ctx.len - count(base);
    if (room >= 0) {
      push(found, cand(ctx, 'witness', [...base, [ctx.farD, room]]));
      if (ctx.tailD !== undefined) push(found, cand(ctx, 'witness', [...base, [ctx.tailD, room]]));
    }
  }
  return best(found, keep);
}

function nearTiesFamily(ctx: Ctx, keep: number): Candidate[] {
  const len = ctx.len;
  const out: Candidate[] = [];
  if (len < 2) return out;
  const span = Math.min(3, ctx.dMax);
  const cells = cellsOf(ctx);
  // two levels, 0 and j: S = c0 E + (len - c0) e_j, c0 in 1..len-1, every c0 for short rows, else at cell edges
  for (let j = 1; j <= span; j++) {
    const ej = ctx.e[j]!;
    const c0s = new Set<number>();
    if (len <= 512) for (let c0 = 1; c0 < len; c0++) c0s.add(c0);
    else if (ctx.E > ej) {
      const sLow = ctx.E + (len - 1) * ej;
      for (const cell of cells) {
        if (cell.sHi < sLow) continue;
        for (const z of [cell.sLo, cell.sHi]) {
          const c0 = 1 + (z - sLow) / (ctx.E - ej);
          for (const v of [Math.floor(c0), Math.ceil(c0)]) if (v >= 1 && v < len) c0s.add(v);
        }
      }
    }
    for (const c0 of c0s) push(out, cand(ctx, 'near-ties', [[0, c0], [j, len - c0]]));
  }
  const top = best(out, Math.max(0, keep - 3));
  // fixed patterns: one maximum and the rest 1 below; the d cycling through 0..span; half and half at 0 and span
  const fixed: Candidate[] = [];
  push(fixed, cand(ctx, 'near-ties', [[0, 1], [1, len - 1]]));
  const cyc: Parts = [];
  for (let i = 0; i < len; i++) cyc.push([i % (span + 1), 1]);
  push(fixed, cand(ctx, 'near-ties', cyc, 0));
  push(fixed, cand(ctx, 'near-ties', [[0, len - Math.floor(len / 2)], [span, Math.floor(len / 2)]], ctx.min + span));
  return best([...top, ...fixed], keep);
}

function allEqualFamily(ctx: Ctx): Candidate[] {
  const out: Candidate[] = [];
  const on = ctx.plan.mp.expOnline;
  for (const top of [ctx.top, 0, ctx.min]) if (!on || onlineOffset(on, top) === ctx.o) push(out, cand(ctx, 'all-equal', [[0, ctx.len]], top));
  return out;
}

/** At most this many vectors are scored by `exhaustiveFamily`. */
const EXHAUSTIVE_LIMIT = 20_000;

/** Short rows with few differences: every vector (one maximum, any multiset of the others' d) scored, the best kept. */
function exhaustiveFamily(ctx: Ctx, keep: number): Candidate[] {
  const k = ctx.len - 1;
  const types = ctx.dMax + 1;
  let total = 1; // multisets of k of `types`: C(k + types - 1, k)
  for (let i = 1; i <= k && total <= EXHAUSTIVE_LIMIT; i++) total = (total * (types - 1 + i)) / i;
  if (k < 1 || total > EXHAUSTIVE_LIMIT) return [];
  const out: Candidate[] = [];
  const cur: Parts = [[0, 1]];
  const rec = (left: number, from: number) => {
    if (left === 0) {
      push(out, cand(ctx, 'exhaustive', cur));
      return;
    }
    for (let d = from; d <= ctx.dMax; d++) {
      for (let c = left; c >= 1; c--) {
        cur.push([d, c]);
        rec(left - c, d + 1);
        cur.pop();
      }
    }
  };
  rec(k, 0);
  return best(out, keep);
}

/** Every family's candidates for one length, each family best first (tail: the full tail row first). */
function families(plan: Plan, len: number, effort: 'full' | 'quick' = 'full'): Map<string, Candidate[]> {
  const os = offsets(plan);
  if (os.length === 1) return familiesAt(plan, len, effort, 0);
  // an online sum: the families at each offset tried, merged, each best first
  const maps = os.map((o) => familiesAt(plan, len, effort, o));
  const m = new Map<string, Candidate[]>();
  for (const f of maps[0]!.keys()) {
    const lists = maps.map((x) => x.get(f) ?? []);
    m.set(f, best(lists.flat(), Math.max(...lists.map((l) => l.length))));
  }
  return m;
}

function familiesAt(plan: Plan, len: number, effort: 'full' | 'quick', o: number): Map<string, Candidate[]> {
  const ctx = context(plan, len, o);
  const quick = effort === 'quick';
  const { tail, gain, loss } = candidateDs(plan, 4, o);
  const m = new Map<string, Candidate[]>();
  m.set('tail', tailFamily(ctx));
  m.set('witness', witnessFamily(ctx, 16, !quick));
  m.set('bin-edge', binEdgeFamily(ctx, 24, quick ? 32 : 256));
  const cands = [...new Set([...(tail !== undefined ? [tail] : []), ...gain, ...loss, 0])];
  m.set('two-level', twoLevelFamily(ctx, cands, 48));
  m.set('near-ties', nearTiesFamily(ctx, 12));
  const gl = gainLossFamilies(ctx, gain, loss);
  m.set('gain', best(gl.filter((c) => c.family === 'gain'), gain.length));
  m.set('loss', best(gl.filter((c) => c.family === 'loss'), loss.length));
  m.set('all-equal', allEqualFamily(ctx));
  m.set('exhaustive', exhaustiveFamily(ctx, 8));
  return m;
}

/** The element codes of a candidate: the maximum first, then each d's copies in ascending d. */
function materialize(ctx: { top: number }, c: Candidate): number[] {
  const top = c.top ?? ctx.top;
  const x: number[] = [];
  for (const [d, k] of c.parts) for (let i = 0; i < k; i++) x.push(top - d);
  return x;
}

/** The families' candidates taking turns (tail, witness, bin-edge, ...), duplicates dropped, cut to the budget. */
function selection(plan: Plan, len: number, opts: AdversarialOptions): Candidate[] {
  const maxVectors = opts.maxVectors ?? ADVERSARIAL_DEFAULTS.maxVectors;
  const maxElements = opts.maxElements ?? ADVERSARIAL_DEFAULTS.maxElements;
  const limit = Math.min(maxVectors, Math.floor(maxElements / Math.max(1, len)));
  const fam = families(plan, len, opts.effort);
  const lists = ADVERSARIAL_FAMILIES.map((f) => fam.get(f) ?? []);
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (let r = 0; out.length < limit && lists.some((l) => l.length > r); r++) {
    for (const l of lists) {
      const c = l[r];
      if (!c || out.length >= limit) continue;
      const k = key(c);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(c);
    }
  }
  return out;
}

/**
 * The adversarial vectors of a block, each of `len` elements (default n), at most `maxVectors` of
 * them and `maxElements` elements in all; the families take turns, each best first.
 */
export function adversarialVectors(plan: Plan, len = plan.common.n, opts: AdversarialOptions = {}): AdversarialVector[] {
  checkLength(plan, len);
  const top = 2 ** (plan.common.iw - 1) - 1;
  return selection(plan, len, opts).map((c) => ({ family: c.family, x: materialize({ top }, c) }));
}

function checkLength(plan: Plan, len: number): void {
  if (!Number.isInteger(len) || len < 1 || len > plan.common.n) {
    throw new Error(`adversarial vectors: length ${len} is not an integer in 1..${plan.common.n}`);
  }
}

/**
 * Each family's first vector of `len` elements (its best; tail: the full tail row) with its exact
 * max error in LSBs, for picking a few rows (stream testbench) without writing out the whole set.
 */
export function adversarialBest(plan: Plan, len = plan.common.n): (AdversarialVector & { score: number })[] {
  checkLength(plan, len);
  const top = 2 ** (plan.common.iw - 1) - 1;
  const fam = families(plan, len);
  const out: (AdversarialVector & { score: number })[] = [];
  for (const f of ADVERSARIAL_FAMILIES) {
    const c = fam.get(f)?.[0];
    if (c) out.push({ family: f, x: materialize({ top }, c), score: c.score });
  }
  return out;
}

/**
 * The lengths to attack: n for a parallel block. For a stream block maxN and shorter rows: maxN/2,
 * maxN/8, 16, every length up to 8, and the 3 lengths whose quick candidates (all equal; one maximum
 * and the rest at one of a few d) err the most. Where every element reads a large entry (a table
 * without zeros: no element is as good as absent), the error depends on the length above all.
 */
export function adversarialLengths(plan: Plan): number[] {
  const n = plan.common.n;
  if (plan.common.config.arch !== 'stream') return [n];
  const fixed = [n, Math.floor(n / 2), Math.floor(n / 8), 16, 8, 7, 6, 5, 4, 3, 2, 1].filter((l) => l >= 1 && l <= n);
  const ctx = context(plan, n);
  const { tail, gain, loss } = candidateDs(plan, 1);
  const ds = [...new Set([ctx.farD, tail ?? ctx.farD, gain[0] ?? 1, loss[0] ?? 1, 1, Math.floor(ctx.dMax / 2)])];
  const quick: { len: number; score: number }[] = [];
  for (let len = 1; len <= n; len++) {
    let m = score(ctx, [[0, len]]);
    if (len > 1) for (const d of ds) m = Math.max(m, score(ctx, [[0, 1], [d, len - 1]]));
    quick.push({ len, score: m });
  }
  const extra = quick.sort((a, b) => b.score - a.score || a.len - b.len).slice(0, 3).map((q) => q.len);
  return [...new Set([...fixed, ...extra])];
}

export const ADVERSARIAL_DESCRIPTION =
  "adversarial vectors from the block's own tables: tail mass, largest entry errors, sums on the edges of the normalisation's cells, the error bound's witness, near-ties, all equal";

/**
 * The adversarial workload of a block: its vectors at each of `lengths`, at most `maxElements`
 * elements in all (the lengths share it, the shorter ones first: what a short length leaves goes to
 * the longer ones), in the order of `lengths`.
 */
export function adversarialWorkload(plan: Plan, lengths: number[] = adversarialLengths(plan), opts: AdversarialOptions = {}): Workload {
  let left = opts.maxElements ?? ADVERSARIAL_DEFAULTS.maxElements;
  const byLength = new Map<number, number[][]>();
  const order = [...new Set(lengths)].sort((a, b) => a - b);
  order.forEach((len, i) => {
    const share = Math.floor(left / (order.length - i));
    const vs = adversarialVectors(plan, len, { maxVectors: opts.maxVectors, maxElements: share }).map((v) => v.x);
    left -= vs.length * len;
    byLength.set(len, vs);
  });
  const vectors = [...new Set(lengths)].flatMap((len) => byLength.get(len)!);
  return { name: 'adversarial', description: `${ADVERSARIAL_DESCRIPTION}; lengths ${lengths.join(', ')}`, vectors };
}
