/**
 * Design-space exploration: sweep the table sizes and widths of every method and addressing for one
 * set of formats and n; for each configuration compute its proven error bound (bound.ts) and measure
 * it with the bit-exact model over the workload set and its own adversarial vectors; keep the Pareto
 * front of the bound (or of the measured error) against table bytes.
 */
import { errorBound } from '../numerics/bound.js';
import { validateConfig } from '../config/config.js';
import { ConfigError } from '../core/errors.js';
import { evaluate, prepare, type Metrics, type Prepared } from '../evidence/evaluate.js';
import { METHODS } from '../numerics/methods/index.js';
import { adversarialVectors } from '../evidence/adversarial.js';
import { workloadSet, WORKLOAD_DEFAULTS } from '../evidence/workloads.js';
import { makePlan } from '../hardware/plan.js';
import { type Plan } from '../numerics/types.js';
import { type Config } from '../numerics/types.js';

/**
 * What a pick or a Pareto front goes by: the proven error bound (holds for every input) or the max
 * error measured on the workload set and the adversarial vectors (a sample: real inputs can exceed it).
 */
export type PickBy = 'bound' | 'measured';
export const PICK_BY: readonly PickBy[] = ['bound', 'measured'];

/** The formats a sweep is for: everything of a config but the method. */
export interface Formats {
  n: number;
  input: { width: number; frac: number };
  output: { width: number; frac: number };
}

export interface Candidate {
  method: string;
  addressing: string;
  params: Record<string, number>;
}

/** A configuration's size and proven error bound, without measurements (cheap: no model runs). */
export interface Bounded extends Candidate {
  /** The resolved parameters (defaults filled in). */
  resolved: Record<string, number>;
  lutBytes: number;
  latency: number;
  /** The proven worst-case error in output LSBs over every input of 1..n elements: errorBound(plan).lsb. */
  bound: number;
}

export interface Row extends Bounded {
  /**
   * The metrics over the workload set, except maxErrLsb: the worst found, the larger of the workload
   * set's max error and the max error on the configuration's own adversarial vectors (`found`).
   */
  metrics: Metrics;
  /** The max error on each part of what was measured (adversarial null: not measured, see `measure`). */
  found: { workloads: number; adversarial: number | null };
  /** On the Pareto front of the bound against table bytes (markPareto). */
  pareto: boolean;
}

/** What errorOf, paretoFront and smallestMeeting need: a size, a bound and, to go by measured, the metrics. */
export type Judged = Pick<Bounded, 'lutBytes' | 'bound'> & { metrics?: Pick<Metrics, 'maxErrLsb'> };

/** The error a row is judged by: its bound, or the worst found. */
export function errorOf(r: Judged, by: PickBy = 'bound'): number {
  if (by === 'bound') return r.bound;
  if (!r.metrics) throw new Error('internal: a row without measurements judged by the measured error');
  return r.metrics.maxErrLsb;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let v = a; v <= b; v++) out.push(v);
  return out;
}

function product(axes: Record<string, number[]>): Record<string, number>[] {
  let out: Record<string, number>[] = [{}];
  for (const [k, vs] of Object.entries(axes)) out = out.flatMap((o) => vs.map((v) => ({ ...o, [k]: v })));
  return out;
}

/** The default exponent step for these formats (the planner's own choice). */
function defaultStep(f: Formats): number {
  return makePlan(validateConfig({ name: 'x', ...f, method: { name: 'exact', expWidth: Math.min(24, f.output.width + 4) } })).mp.expShift;
}

/**
 * The sweep: for each method and addressing, a grid around the defaults, scaled with the output
 * width OW. The bound needs roughly expWidth >= OW + log2(n) + 2 for long vectors, so at the finest
 * exponent step (the planner's default) the exponent width reaches min(24, OW + ceil(log2 n) + 6);
 * the two coarser steps, whose entry errors dominate long before that, keep OW..OW+6 (rexp) and
 * OW..OW+4 (lut2d) with somewhat narrower reciprocal axes. Baselines: hls4ml-like has one point;
 * exact sweeps its exponent width. For n = 64 and 8-bit formats: 3678 configurations.
 */
export function sweepSpace(f: Formats, methods: string[] = METHODS.map((m) => m.name)): Candidate[] {
  const ow = f.output.width;
  const s0 = defaultStep(f);
  const coarse = range(s0 + 1, Math.min(f.input.width - 1, s0 + 2));
  const ew = (lo: number, hi: number) => range(Math.max(2, ow + lo), Math.min(24, ow + hi));
  const hi = Math.ceil(Math.log2(f.n)) + 6;
  const wide = ew(0, hi);
  const top = wide[wide.length - 1]!;
  // lut2d reads only the top colBits of an entry: every width to OW+5, then every other one, and the top
  const sparse = [...new Set([...wide.filter((w) => w <= ow + 5 || ((w - ow) % 2 === 1 && w <= top - 2)), top])];
  const out: Candidate[] = [];
  const add = (method: string, addressing: string, axes: Record<string, number[]>) => {
    if (!methods.includes(method)) return;
    for (const params of product(axes)) out.push({ method, addressing, params });
  };
  for (const [addressing, ra0] of [['normalized', 3], ['linear', 4]] as const) {
    add('rexp', addressing, { expWidth: wide, expStepLog2: [s0], recipAddrBits: range(ra0, Math.min(16, ow + ra0 - 1)), recipWidth: ew(-1, 5) });
    add('rexp', addressing, { expWidth: ew(0, 6), expStepLog2: coarse, recipAddrBits: range(ra0, Math.min(16, ow + ra0 - 3)), recipWidth: ew(-1, 3) });
  }
  for (const addressing of ['normalized', 'linear']) {
    add('lut2d', addressing, { expWidth: sparse, expStepLog2: [s0], rowBits: range(2, 7), colBits: range(3, Math.min(8, ow)) });
    add('lut2d', addressing, { expWidth: ew(0, 4), expStepLog2: coarse, rowBits: range(2, 7), colBits: range(3, Math.min(8, ow)) });
  }
  add('hls4ml-like', 'top-bits', {});
  add('exact', 'divider', { expWidth: ew(2, 14), expStepLog2: [s0] });
  return out;
}

export function candidateConfig(f: Formats, c: Candidate, name = 'explore'): Config {
  return validateConfig({ name, ...f, method: { name: c.method, addressing: c.addressing, ...c.params } });
}

export function prepareFor(f: Formats, perWorkload = WORKLOAD_DEFAULTS.perWorkload, seed = WORKLOAD_DEFAULTS.seed): Prepared {
  return prepare(workloadSet(f.n, f.input, perWorkload, seed), f.n, f.input.frac, (f.input as { scale?: number }).scale ?? 1);
}

/** A configuration's own adversarial vectors (testbench/adversarial.ts), prepared; duplicates dropped. */
export function prepareAdversarial(plan: Plan): Prepared {
  const seen = new Set<string>();
  const vectors = adversarialVectors(plan, plan.common.n, { effort: 'quick' })
    .map((v) => v.x)
    .filter((x) => {
      const k = x.join(',');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const c = plan.common;
  return prepare(
    [{ name: 'adversarial', description: "vectors built from the block's own tables to hit its worst cases (testbench/adversarial.ts)", vectors }],
    c.n,
    c.ifrac,
    c.inScale,
  );
}

function planOf(f: Formats, c: Candidate): Plan | null {
  try {
    return makePlan(candidateConfig(f, c));
  } catch (e) {
    if (e instanceof ConfigError) return null;
    throw e;
  }
}

function boundedOf(c: Candidate, plan: Plan): Bounded {
  return { ...c, resolved: plan.mp.params, lutBytes: plan.lutBytes, latency: plan.latency, bound: errorBound(plan).lsb };
}

/** One candidate's size and error bound, without running the model; null when its parameters are impossible for these formats. */
export function bounded(f: Formats, c: Candidate): Bounded | null {
  const plan = planOf(f, c);
  return plan && boundedOf(c, plan);
}

/**
 * Measure one candidate: its error bound, and its metrics over the workload set `set` and its own
 * adversarial vectors (the max error is the larger of the two; every other metric is the workload
 * set's). With `adversarial: false` only the workload set is measured (found.adversarial is null):
 * a first pass for a pick by the measured error, which measures the few rows that matter fully.
 * Null when its parameters are impossible for these formats.
 */
export function measure(f: Formats, c: Candidate, set: Prepared, opts: { adversarial?: boolean } = {}): Row | null {
  const plan = planOf(f, c);
  if (!plan) return null;
  const ev = evaluate(plan, set).overall;
  const adv = opts.adversarial === false ? null : evaluate(plan, prepareAdversarial(plan)).overall.maxErrLsb;
  return {
    ...boundedOf(c, plan),
    metrics: adv === null ? ev : { ...ev, maxErrLsb: Math.max(ev.maxErrLsb, adv) },
    found: { workloads: ev.maxErrLsb, adversarial: adv },
    pareto: false,
  };
}

/** The Pareto front by `by` against table bytes: no other row has fewer or equal bytes and a smaller error. Marks nothing. */
export function paretoFront<T extends Judged>(rows: T[], by: PickBy = 'bound'): T[] {
  const sorted = [...rows].sort((a, b) => a.lutBytes - b.lutBytes || errorOf(a, by) - errorOf(b, by));
  let best = Infinity;
  const front: T[] = [];
  for (const r of sorted) {
    if (errorOf(r, by) < best) {
      best = errorOf(r, by);
      front.push(r);
    }
  }
  return front;
}

/** Mark the Pareto front of the bound against table bytes (`pareto`) and return it. */
export function markPareto(rows: Row[]): Row[] {
  const front = paretoFront(rows, 'bound');
  for (const r of front) r.pareto = true;
  return front;
}

/**
 * The smallest-table row whose bound (default) or measured max error is at most maxErr (ties: the
 * smaller error, then the sweep order). By bound, the pick is guaranteed for every input.
 */
export function smallestMeeting<T extends Judged>(rows: T[], maxErr: number, by: PickBy = 'bound'): T | undefined {
  let best: T | undefined;
  for (const r of rows) {
    const e = errorOf(r, by);
    if (e > maxErr) continue;
    if (!best || r.lutBytes < best.lutBytes || (r.lutBytes === best.lutBytes && e < errorOf(best, by))) best = r;
  }
  return best;
}

export function describeParams(p: Record<string, number>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** maxErrLsb: the worst found (workload set and adversarial vectors); pareto: on the bound's front. */
const CSV_HEAD = 'method,addressing,params,lutBytes,latency,bound,maxErrLsb,meanErrLsb,rmsErrLsb,argmaxAgreement,klMean,klMax,worstSumErr,pareto';

export function toCsv(rows: Row[]): string {
  const lines = [CSV_HEAD];
  for (const r of rows) {
    const m = r.metrics;
    lines.push(
      [r.method, r.addressing, describeParams(r.resolved), r.lutBytes, r.latency, r.bound, m.maxErrLsb, m.meanErrLsb, m.rmsErrLsb, m.argmaxAgreement, m.klMean, m.klMax, m.worstSumErr, r.pareto].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
