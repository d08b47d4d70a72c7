/** `explore`: sweep table sizes and widths, print the Pareto front, write CSV, JSON and an SVG plot. */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { describeParams, sweepSpace, toCsv, type Formats, type Row } from '../../explore/explore.js';
import { progressLine, runSweep, type SweepResult } from '../../explore/run.js';
import { loadConfig } from '../flow.js';
import { METHODS } from '../../numerics/methods/index.js';
import { paretoSpec, renderSvg, type ScatterPoint } from '../../report/plots.js';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../../core/version.js';
import { writeFiles } from '../../block/writer.js';
import { workloadSummary, WORKLOAD_DEFAULTS } from '../../evidence/workloads.js';
import { rel, withConfigOptions, type Command, type ConfigArgs } from './shared.js';
import { MANIFEST } from '../../block/files.js';

export interface ExploreArgs extends ConfigArgs {
  methods?: string[];
  vectors?: number;
  seed?: number;
  workers?: number;
}

export function withSweepOptions<T>(y: Argv<T>) {
  return y
    .option('methods', { type: 'string', array: true, describe: `methods to sweep (default all): ${METHODS.map((m) => m.name).join(', ')}` })
    .option('vectors', { type: 'number', describe: `random vectors per workload (default ${WORKLOAD_DEFAULTS.perWorkload})` })
    .option('seed', { type: 'number', describe: `workload seed (default ${WORKLOAD_DEFAULTS.seed})` })
    .option('workers', { type: 'number', describe: 'worker threads (default: one per core)' });
}

export function formatsOf(a: ExploreArgs): Formats {
  const c = loadConfig(a.config, a);
  return { n: c.n, input: c.input, output: c.output };
}

export function sweepMethods(a: ExploreArgs): string[] {
  const names = METHODS.map((m) => m.name);
  const ms = (a.methods ?? names).flatMap((m) => m.split(','));
  for (const m of ms) if (!names.includes(m)) throw new UsageError(`--methods: unknown method ${m}; allowed: ${names.join(', ')}`);
  return ms;
}

export function checkSweepArgs(a: ExploreArgs): void {
  if (a.vectors !== undefined && !(Number.isInteger(a.vectors) && a.vectors >= 1 && a.vectors <= 100000)) {
    throw new UsageError(`--vectors = ${a.vectors}: allowed: an integer in 1..100000`);
  }
  if (a.workers !== undefined && !(Number.isInteger(a.workers) && a.workers >= 1 && a.workers <= 64)) {
    throw new UsageError(`--workers = ${a.workers}: allowed: an integer in 1..64`);
  }
}

export const seriesOf = (r: Row) => `${r.method} ${r.addressing}`;

/** One point per row: its worst found (maxErr) and its bound, both floored at 0.01 for the log scale. */
export function scatterPoints(rows: Row[]): ScatterPoint[] {
  return rows.map((r) => ({
    series: seriesOf(r),
    bytes: r.lutBytes,
    maxErr: Math.max(r.metrics.maxErrLsb, 0.01),
    bound: Math.max(r.bound, 0.01),
    pareto: r.pareto,
  }));
}

/** Table bytes, bound, worst found (workload set and adversarial vectors) and mean error of each row. */
export function frontTable(front: Row[]): string {
  const lines = ['  bytes    bound  worst found  mean err  method / addressing  parameters'];
  for (const r of front) {
    lines.push(
      `  ${String(r.lutBytes).padStart(5)}  ${r.bound.toFixed(3).padStart(7)}  ${r.metrics.maxErrLsb.toFixed(3).padStart(11)}  ` +
        `${r.metrics.meanErrLsb.toFixed(3).padStart(8)}  ${seriesOf(r).padEnd(19)}  ${describeParams(r.resolved)}`,
    );
  }
  return lines.join('\n');
}

/** The heading of explore's front table: which front it is, and what the columns mean. */
export function frontHeading(points: number): string {
  return (
    `Pareto front of max error against table bytes, by the error bound (proven for every input; paper methods, divider-free; ${points} points);\n` +
    `  worst found: the max error over the workload set and each configuration's adversarial vectors; mean err: over the workload set:`
  );
}

export async function sweepWithProgress(f: Formats, a: ExploreArgs, label = 'explore'): Promise<SweepResult> {
  checkSweepArgs(a);
  const cands = sweepSpace(f, sweepMethods(a));
  return runSweep(f, cands, {
    workers: a.workers,
    perWorkload: a.vectors,
    seed: a.seed,
    onProgress: a.quiet ? undefined : progressLine(label),
  });
}

export const exploreCommand: Command = {
  command: 'explore [config]',
  describe: 'sweep table sizes and widths of every method; print the Pareto front of the error bound; write CSV, JSON and an SVG plot',
  builder: (y) =>
    withSweepOptions(withConfigOptions(y))
      .example('$0 explore --n 64', 'sweep every method for n = 64 (8-bit input and output by default) into explore/softmax_default_n64/')
      .example('$0 explore presets/default.json --methods rexp --vectors 64 --out /tmp/ex', 'a quick sweep of rexp only'),
  run: async (args) => {
    const a = args as ExploreArgs;
    const f = formatsOf(a);
    const name = loadConfig(a.config, a).name;
    const out = a.out ?? join(process.cwd(), 'explore', `${name}_n${f.n}`);
    const r = await sweepWithProgress(f, a);
    const set = workloadSummary(f.n, a.vectors ?? WORKLOAD_DEFAULTS.perWorkload, a.seed ?? WORKLOAD_DEFAULTS.seed);
    console.log(`explore: ${r.configs} configurations in ${r.seconds.toFixed(1)} s; ${set}`);
    console.log(frontHeading(r.front.length));
    console.log(frontTable(r.front));
    const baselines = METHODS.filter((m) => m.baseline).map((m) => m.name);
    const base = r.rows.filter((x) => !r.front.includes(x) && baselines.includes(x.method));
    const best = (m: string) => base.filter((x) => x.method === m).sort((p, q) => p.bound - q.bound || p.lutBytes - q.lutBytes)[0];
    for (const m of baselines) {
      const b = best(m);
      if (b) console.log(`baseline ${m}: ${b.lutBytes} B, bound ${b.bound} LSB, worst found ${b.metrics.maxErrLsb} LSB (${describeParams(b.resolved) || 'fixed'})`);
    }
    const svg = await renderSvg(
      paretoSpec(scatterPoints(r.rows), `error bound and worst found vs table bytes, n = ${f.n}, ${f.input.width}-bit in, ${f.output.width}-bit out`),
    );
    const json = {
      generator: `${GENERATOR_NAME} ${GENERATOR_VERSION}`,
      formats: f,
      workloads: set,
      configs: r.configs,
      seconds: Number(r.seconds.toFixed(1)),
      paretoBy: 'bound',
      notes:
        'bound: proven worst-case error (output LSB) over every input of 1..n elements; metrics.maxErrLsb: the worst found, ' +
        "the larger of found.workloads (workload set) and found.adversarial (the configuration's own adversarial vectors); " +
        'every other metric is over the workload set; pareto: the front of the bound against table bytes (paper methods)',
      pareto: r.front.map((x) => ({ method: x.method, addressing: x.addressing, params: x.resolved, lutBytes: x.lutBytes, bound: x.bound, found: x.found, metrics: x.metrics })),
      rows: r.rows.map((x) => ({
        method: x.method,
        addressing: x.addressing,
        params: x.resolved,
        lutBytes: x.lutBytes,
        latency: x.latency,
        pareto: x.pareto,
        bound: x.bound,
        found: x.found,
        metrics: x.metrics,
      })),
    };
    const files = new Map<string, string>([
      ['explore.csv', toCsv(r.rows)],
      ['explore.json', JSON.stringify(json, null, 1) + '\n'],
      ['pareto.svg', svg + '\n'],
    ]);
    files.set(MANIFEST, JSON.stringify({ generator: json.generator, generatedFiles: [...files.keys()] }, null, 2) + '\n');
    writeFiles(out, files);
    console.log(`wrote ${rel(join(out, 'explore.csv'))}, explore.json, pareto.svg`);
    return 0;
  },
};
