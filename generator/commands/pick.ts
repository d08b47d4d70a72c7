/**
 * `--max-error X` for generate, verify and report: sweep the configurations of the paper's methods
 * (or of the method given with --method / --addressing) for the config's formats, pick the one with
 * the fewest table bytes whose max error over the workload set is at most X LSB, and say why.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { describeParams, smallestMeeting } from '../explore.js';
import { loadConfig } from '../flow.js';
import { PAPER_METHODS } from '../methods/index.js';
import { workloadSummary, WORKLOAD_DEFAULTS } from '../../testbench/workloads.js';
import { frontTable, sweepWithProgress, type ExploreArgs } from './explore.js';

export interface MaxErrorArgs extends ExploreArgs {
  maxError?: number;
}

export function withMaxErrorOption<T>(y: Argv<T>) {
  return y
    .option('max-error', {
      type: 'number',
      describe: 'pick the smallest-table configuration whose max error over the workload set is at most this many output LSBs',
    })
    .option('workers', { type: 'number', describe: 'worker threads for --max-error (default: one per core)' });
}

/** The arguments with the picked method, addressing and parameters in place. */
export async function pickForMaxError(a: MaxErrorArgs): Promise<MaxErrorArgs> {
  const x = a.maxError!;
  if (!(Number.isFinite(x) && x > 0)) throw new UsageError(`--max-error = ${x}: allowed: a number of output LSBs above 0 (0.5 is the best any block can reach)`);
  const c = loadConfig(a.config, a);
  const f = { n: c.n, input: c.input, output: c.output };
  const methods = a.method !== undefined ? [c.method.name] : PAPER_METHODS.map((m) => m.name);
  const r = await sweepWithProgress(f, { ...a, methods }, 'max-error');
  const rows = r.rows.filter((row) => a.addressing === undefined || row.addressing === c.method.addressing);
  const best = smallestMeeting(rows, x);
  const set = workloadSummary(f.n, WORKLOAD_DEFAULTS.perWorkload, WORKLOAD_DEFAULTS.seed);
  if (!best) {
    const closest = [...rows].sort((p, q) => p.metrics.maxErrLsb - q.metrics.maxErrLsb)[0];
    throw new UsageError(
      `--max-error ${x}: none of ${rows.length} configurations of ${methods.join(', ')} reaches it on the ${set}` +
        (closest ? `; the best is ${closest.method} ${closest.addressing} ${describeParams(closest.resolved)}: ${closest.metrics.maxErrLsb} LSB with ${closest.lutBytes} B` : ''),
    );
  }
  const meeting = rows.filter((row) => row.metrics.maxErrLsb <= x).length;
  const smaller = rows.filter((row) => row.lutBytes < best.lutBytes).sort((p, q) => p.metrics.maxErrLsb - q.metrics.maxErrLsb)[0];
  console.log(
    `--max-error ${x}: picked ${best.method} ${best.addressing} ${describeParams(best.resolved)}: ${best.lutBytes} B of tables, ` +
      `max error ${best.metrics.maxErrLsb} LSB, mean ${best.metrics.meanErrLsb} LSB on the ${set}.`,
  );
  console.log(
    `  why: the fewest table bytes among the ${meeting} of ${rows.length} configurations (${methods.join(', ')}) that meet ${x} LSB` +
      (smaller ? `; the best with fewer bytes reaches only ${smaller.metrics.maxErrLsb} LSB (${smaller.lutBytes} B).` : '.'),
  );
  if (!a.quiet) console.log(`  Pareto front around it:\n${frontTable(r.front.filter((p) => Math.abs(p.lutBytes - best.lutBytes) <= best.lutBytes / 2))}`);
  return { ...a, method: best.method, addressing: best.addressing, set: [...(a.set ?? []), ...Object.entries(best.resolved).map(([k, v]) => `method.${k}=${v}`)] };
}
