/**
 * `--max-error X` for generate, verify and report: sweep the configurations of the block methods (not the baselines)
 * (or of the method given with --method / --addressing) for the config's formats and pick the one
 * with the fewest table bytes whose error is at most X LSB, and say why. `--by bound` (the default)
 * goes by the proven error bound (bound.ts), so the pick holds for every input; `--by measured` goes by
 * the max error measured on the workload set and each configuration's adversarial vectors, which a
 * real input can exceed: that pick is not guaranteed, and the command says so.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { describeParams, measure, paretoFront, PICK_BY, prepareFor, smallestMeeting, sweepSpace, type Bounded, type PickBy, type Row } from '../../explore/explore.js';
import { progressLine, runBounds, runSweep } from '../../explore/run.js';
import { loadConfig } from '../flow.js';
import { OWN_METHODS } from '../../numerics/methods/index.js';
import { workloadSummary, WORKLOAD_DEFAULTS } from '../../evidence/workloads.js';
import { checkSweepArgs, frontTable, type ExploreArgs } from './explore.js';

export interface MaxErrorArgs extends ExploreArgs {
  maxError?: number;
  by?: PickBy;
}

/** The message for a bad value of --by (naming the option, the value and the allowed values), or null. */
function byProblem(v: unknown): string | null {
  return typeof v === 'string' && (PICK_BY as readonly string[]).includes(v) ? null : `--by = ${JSON.stringify(v)}: allowed: ${PICK_BY.join(', ')}`;
}

/** The value of --by, checked: a UsageError names the option, the value and the allowed values. */
export function checkBy(v: unknown): PickBy {
  const problem = byProblem(v);
  if (problem) throw new UsageError(problem);
  return v as PickBy;
}

export function withMaxErrorOption<T>(y: Argv<T>) {
  return y
    .option('max-error', {
      type: 'number',
      describe:
        'pick the smallest-table configuration whose error is at most this many output LSBs: by default its proven bound, ' +
        'so the pick holds for every input (see --by)',
    })
    .option('by', {
      type: 'string',
      describe:
        `what --max-error goes by: ${PICK_BY.join(' or ')} (default bound). bound: the proven worst case over every input; ` +
        'measured: the max error on the workload set and adversarial vectors (smaller tables, but NOT guaranteed)',
    })
    .check((argv) => {
      // yargs hands a thrown error to the CLI's fail handler as it is: a UsageError, exit 2, nothing written
      if (argv.by === undefined) return true;
      const v = checkBy(Array.isArray(argv.by) ? argv.by[argv.by.length - 1] : argv.by);
      if (argv.maxError === undefined) throw new UsageError(`--by ${v}: only with --max-error`);
      return true;
    })
    .option('workers', { type: 'number', describe: 'worker threads for --max-error (default: one per core)' });
}

function where(r: Bounded): string {
  return `${r.method} ${r.addressing} ${describeParams(r.resolved)}`;
}

const isOwn = (r: Bounded) => OWN_METHODS.some((m) => m.name === r.method);

/**
 * The smallest-table row whose worst found is at most x (ties as smallestMeeting), from rows measured
 * on the workload set only: a row's worst found is never below its workload set's max error, so only
 * rows whose workload max is at most x get their adversarial vectors measured (`full`), in order of bytes.
 */
function smallestMeasured(rows: Row[], x: number, full: (r: Row) => Row): Row | undefined {
  const order = [...rows].sort((p, q) => p.lutBytes - q.lutBytes); // stable: the sweep order within equal bytes
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]!.lutBytes === order[i]!.lutBytes) j++;
    const meet = order
      .slice(i, j)
      .filter((r) => r.found.workloads <= x)
      .map(full)
      .filter((r) => r.metrics.maxErrLsb <= x);
    if (meet.length) return smallestMeeting(meet, x, 'measured');
    i = j;
  }
  return undefined;
}

/** The row with the smallest worst found (ties: fewer bytes), measuring adversarial vectors only while they can matter. */
function lowestWorstFound(rows: Row[], full: (r: Row) => Row): Row | undefined {
  const order = [...rows].sort((p, q) => p.found.workloads - q.found.workloads);
  let best: Row | undefined;
  for (const r of order) {
    if (best && r.found.workloads > best.metrics.maxErrLsb) break;
    const m = full(r);
    if (!best || m.metrics.maxErrLsb < best.metrics.maxErrLsb || (m.metrics.maxErrLsb === best.metrics.maxErrLsb && m.lutBytes < best.lutBytes)) best = m;
  }
  return best;
}

/**
 * The arguments with the picked method, addressing and parameters in place. By the bound, only the
 * sizes and bounds of the whole sweep are computed (no model runs), then the pick and the front
 * around it are measured. By the measured error, every configuration is measured on the workload
 * set, and the adversarial vectors of those that could still meet X (see smallestMeasured).
 */
export async function pickForMaxError(a: MaxErrorArgs): Promise<MaxErrorArgs> {
  const x = a.maxError!;
  if (!(Number.isFinite(x) && x > 0)) throw new UsageError(`--max-error = ${x}: allowed: a number of output LSBs above 0 (0.5 is the best any block can reach)`);
  const by = a.by === undefined ? 'bound' : checkBy(a.by);
  checkSweepArgs(a);
  const c = loadConfig(a.config, a);
  const f = { n: c.n, input: c.input, output: c.output };
  const methods = a.method !== undefined ? [c.method.name] : OWN_METHODS.map((m) => m.name);
  const setText = workloadSummary(f.n, a.vectors ?? WORKLOAD_DEFAULTS.perWorkload, a.seed ?? WORKLOAD_DEFAULTS.seed);
  const measuredOn = `the ${setText}, and each configuration's adversarial vectors`;
  let set: ReturnType<typeof prepareFor> | undefined;
  const measured = new Map<Bounded, Row>();
  /** A row measured in full: the workload set and its adversarial vectors (memoised). */
  const full = (r: Bounded): Row => {
    let m = measured.get(r);
    if (!m) measured.set(r, (m = measure(f, { method: r.method, addressing: r.addressing, params: r.params }, (set ??= prepareFor(f, a.vectors, a.seed)))!));
    return m;
  };
  const progress = a.quiet ? undefined : progressLine('max-error');
  const opts = { workers: a.workers, perWorkload: a.vectors, seed: a.seed, onProgress: progress };
  const all: Bounded[] =
    by === 'bound' ? (await runBounds(f, sweepSpace(f, methods), opts)).rows : (await runSweep(f, sweepSpace(f, methods), { ...opts, adversarial: false })).rows;
  const rows = all.filter((row) => a.addressing === undefined || row.addressing === c.method.addressing);
  const what = `${rows.length} configurations of ${methods.join(', ')}`;
  const bestBound = [...rows].sort((p, q) => p.bound - q.bound || p.lutBytes - q.lutBytes)[0];
  const bestBoundText = bestBound
    ? `the best bound available is ${bestBound.bound} LSB: ${where(bestBound)} with ${bestBound.lutBytes} B`
    : 'no configuration is possible for these formats';
  let pick: Row;
  let why: string;
  if (by === 'bound') {
    const best = smallestMeeting(rows, x, 'bound');
    if (!best) throw new UsageError(`--max-error ${x}: none of ${what} has an error bound of at most ${x} LSB; ${bestBoundText}`);
    pick = full(best);
    const meeting = rows.filter((row) => row.bound <= x).length;
    const smaller = rows.filter((row) => row.lutBytes < best.lutBytes).sort((p, q) => p.bound - q.bound)[0];
    why =
      `the fewest table bytes among the ${meeting} of ${rows.length} configurations (${methods.join(', ')}) whose error bound is at most ${x} LSB` +
      (smaller ? `; the best bound with fewer bytes is only ${smaller.bound} LSB (${smaller.lutBytes} B).` : '.');
  } else {
    const ws = rows as Row[];
    const best = smallestMeasured(ws, x, full);
    if (!best) {
      const closest = lowestWorstFound(ws, full);
      throw new UsageError(
        `--max-error ${x} --by measured: none of ${what} reaches it on ${measuredOn}` +
          (closest ? `; the best measured is ${where(closest)}: ${closest.metrics.maxErrLsb} LSB with ${closest.lutBytes} B` : '') +
          `; ${bestBoundText}`,
      );
    }
    pick = best;
    const fewer = ws.filter((row) => row.lutBytes < best.lutBytes);
    const bestFewer = lowestWorstFound(fewer, full);
    why =
      `the fewest table bytes among the configurations (${methods.join(', ')}) whose measured max error is at most ${x} LSB: ` +
      `all ${fewer.length} of ${rows.length} with fewer bytes measured above it` +
      (bestFewer ? `, the best of them ${bestFewer.metrics.maxErrLsb} LSB (${bestFewer.lutBytes} B).` : '.');
  }
  console.log(
    `--max-error ${x}: picked ${where(pick)}: ${pick.lutBytes} B of tables, max error ${pick.metrics.maxErrLsb} LSB found, ` +
      `mean ${pick.metrics.meanErrLsb} LSB, on ${measuredOn}.`,
  );
  if (by === 'bound') {
    console.log(`  guaranteed: bound ${pick.bound} LSB <= ${x} for every input (every vector of 1..${f.n} elements).`);
  } else {
    console.log(
      `  NOT guaranteed: measured on the workload set and adversarial vectors; the bound is ${pick.bound} LSB` +
        (pick.bound <= x ? ` (here it is at most ${x} too)` : `, so an input may be off by up to that much`) +
        '. Without --by measured the pick goes by the bound.',
    );
  }
  console.log(`  why: ${why}`);
  if (!a.quiet) {
    const near = paretoFront(all.filter(isOwn), 'bound')
      .filter((p) => Math.abs(p.lutBytes - pick.lutBytes) <= pick.lutBytes / 2)
      .map(full);
    console.log(`  Pareto front (by the error bound) around it:\n${frontTable(near)}`);
  }
  return { ...a, method: pick.method, addressing: pick.addressing, set: [...(a.set ?? []), ...Object.entries(pick.resolved).map(([k, v]) => `method.${k}=${v}`)] };
}
