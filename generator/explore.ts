/**
 * Design-space exploration: sweep the table sizes and widths of every method and addressing for one
 * set of formats and n, measure each configuration over the workload set with the bit-exact model,
 * and keep the Pareto front of max error against table bytes.
 */
import { validateConfig, type Config } from './config.js';
import { ConfigError } from './errors.js';
import { evaluate, prepare, type Metrics, type Prepared } from './evaluate.js';
import { METHODS } from './methods/index.js';
import { makePlan } from './plan.js';
import { workloadSet, WORKLOAD_DEFAULTS } from '../testbench/workloads.js';

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

export interface Row extends Candidate {
  /** The resolved parameters (defaults filled in). */
  resolved: Record<string, number>;
  lutBytes: number;
  latency: number;
  metrics: Metrics;
  pareto: boolean;
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
 * width OW. Baselines: hls4ml-like has one point; exact sweeps its exponent width.
 */
export function sweepSpace(f: Formats, methods: string[] = METHODS.map((m) => m.name)): Candidate[] {
  const ow = f.output.width;
  const s0 = defaultStep(f);
  const steps = range(s0, Math.min(f.input.width - 1, s0 + 2));
  const ew = (lo: number, hi: number) => range(Math.max(2, ow + lo), Math.min(24, ow + hi));
  const out: Candidate[] = [];
  const add = (method: string, addressing: string, axes: Record<string, number[]>) => {
    if (!methods.includes(method)) return;
    for (const params of product(axes)) out.push({ method, addressing, params });
  };
  add('rexp', 'normalized', { expWidth: ew(0, 6), expStepLog2: steps, recipAddrBits: range(3, Math.min(16, ow + 2)), recipWidth: ew(-1, 5) });
  add('rexp', 'linear', { expWidth: ew(0, 6), expStepLog2: steps, recipAddrBits: range(4, Math.min(16, ow + 3)), recipWidth: ew(-1, 5) });
  for (const addressing of ['normalized', 'linear']) {
    add('lut2d', addressing, { expWidth: ew(0, 5), expStepLog2: steps, rowBits: range(2, 7), colBits: range(3, Math.min(8, ow)) });
  }
  add('hls4ml-like', 'top-bits', {});
  add('exact', 'divider', { expWidth: ew(2, 14), expStepLog2: [s0] });
  return out;
}

export function candidateConfig(f: Formats, c: Candidate, name = 'explore'): Config {
  return validateConfig({ name, ...f, method: { name: c.method, addressing: c.addressing, ...c.params } });
}

export function prepareFor(f: Formats, perWorkload = WORKLOAD_DEFAULTS.perWorkload, seed = WORKLOAD_DEFAULTS.seed): Prepared {
  return prepare(workloadSet(f.n, f.input, perWorkload, seed), f.n, f.input.frac);
}

/** Measure one candidate; null when its parameters are impossible for these formats. */
export function measure(f: Formats, c: Candidate, set: Prepared): Row | null {
  let plan;
  try {
    plan = makePlan(candidateConfig(f, c));
  } catch (e) {
    if (e instanceof ConfigError) return null;
    throw e;
  }
  const ev = evaluate(plan, set);
  return { ...c, resolved: plan.mp.params, lutBytes: plan.lutBytes, latency: plan.latency, metrics: ev.overall, pareto: false };
}

/** Mark the Pareto front: no other row has fewer or equal bytes and a smaller max error. */
export function markPareto(rows: Row[]): Row[] {
  const sorted = [...rows].sort((a, b) => a.lutBytes - b.lutBytes || a.metrics.maxErrLsb - b.metrics.maxErrLsb);
  let best = Infinity;
  const front: Row[] = [];
  for (const r of sorted) {
    if (r.metrics.maxErrLsb < best) {
      r.pareto = true;
      best = r.metrics.maxErrLsb;
      front.push(r);
    }
  }
  return front;
}

/** The smallest-table row meeting a max error (ties: the smaller error, then the sweep order). */
export function smallestMeeting(rows: Row[], maxErr: number): Row | undefined {
  let best: Row | undefined;
  for (const r of rows) {
    if (r.metrics.maxErrLsb > maxErr) continue;
    if (!best || r.lutBytes < best.lutBytes || (r.lutBytes === best.lutBytes && r.metrics.maxErrLsb < best.metrics.maxErrLsb)) best = r;
  }
  return best;
}

export function describeParams(p: Record<string, number>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

const CSV_HEAD = 'method,addressing,params,lutBytes,latency,maxErrLsb,meanErrLsb,rmsErrLsb,argmaxAgreement,klMean,klMax,worstSumErr,pareto';

export function toCsv(rows: Row[]): string {
  const lines = [CSV_HEAD];
  for (const r of rows) {
    const m = r.metrics;
    lines.push(
      [r.method, r.addressing, describeParams(r.resolved), r.lutBytes, r.latency, m.maxErrLsb, m.meanErrLsb, m.rmsErrLsb, m.argmaxAgreement, m.klMean, m.klMax, m.worstSumErr, r.pareto].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
