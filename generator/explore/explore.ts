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
import type { Plan, SweepScale, Config } from '../numerics/types.js';

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
 * The sweep: for each method and addressing, the method's grids (its `sweep`), scaled with the
 * output width OW and n around the planner's default exponent step. For n = 64 and 8-bit formats:
 * 3975 configurations (test/explore-bound.test.ts counts them).
 */
export function sweepSpace(f: Formats, methods: string[] = METHODS.map((m) => m.name)): Candidate[] {
  const ow = f.output.width;
  const step = defaultStep(f);
  const scale: SweepScale = {
    n: f.n,
    iw: f.input.width,
    ow,
    step,
    coarse: range(step + 1, Math.min(f.input.width - 1, step + 2)),
    widths: (lo, hi) => range(Math.max(2, ow + lo), Math.min(24, ow + hi)),
    range,
  };
  const out: Candidate[] = [];
  for (const m of METHODS) {
    if (!methods.includes(m.name)) continue;
    for (const g of m.sweep(scale)) for (const params of product(g.axes)) out.push({ method: m.name, addressing: g.addressing, params });
  }
  return out;
}

export function candidateConfig(f: Formats, c: Candidate, name = 'explore'): Config {
  return validateConfig({ name, ...f, method: { name: c.method, addressing: c.addressing, ...c.params } });
}

export function prepareFor(f: Formats, perWorkload = WORKLOAD_DEFAULTS.perWorkload, seed = WORKLOAD_DEFAULTS.seed): Prepared {
  return prepare(workloadSet(f.n, f.input, perWorkload, seed), f.n, f.input.frac, (f.input as { scale?: number }).scale ?? 1);
}

/** A configuration's own adversarial vectors (generator/evidence/adversarial.ts), prepared; duplicates dropped. */
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
    [{ name: 'adversarial', description: "vectors built from the block's own tables to hit its worst cases (generator/evidence/adversarial.ts)", vectors }],
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
