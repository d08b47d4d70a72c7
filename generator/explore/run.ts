/**
 * Running a sweep on worker threads (one per core, at most the number asked for), with a progress
 * callback. The rows come back in the candidates' order, so the result does not depend on how many
 * workers ran. `runSweep` measures every configuration (bound, workload set, adversarial vectors);
 * `runBounds` only sizes and bounds them, which is all a pick by the bound needs.
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bounded, markPareto, measure, paretoFront, prepareFor, type Bounded, type Candidate, type Formats, type Row } from './explore.js';
import { OWN_METHODS } from '../numerics/methods/index.js';

export interface RunOptions {
  workers?: number;
  perWorkload?: number;
  seed?: number;
  /** Also measure each configuration's adversarial vectors (default true; see explore.ts, measure). */
  adversarial?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface SweepResult {
  rows: Row[];
  /** Pareto front of the error bound against table bytes, over the block methods, the baselines aside (the rows marked `pareto`). */
  front: Row[];
  /** Pareto front of the measured max error (worst found) against table bytes, same methods; not marked. */
  measuredFront: Row[];
  seconds: number;
  configs: number;
}

function workerCode(): string {
  const req = createRequire(import.meta.url);
  const api = 'file://' + req.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const entry = new URL('./worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
}

function runWorker<T>(f: Formats, candidates: Candidate[], o: RunOptions, boundsOnly: boolean, tick: () => void): Promise<(T | null)[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerCode(), { eval: true, workerData: { f, candidates, perWorkload: o.perWorkload, seed: o.seed, adversarial: o.adversarial, boundsOnly } });
    w.on('message', (m: { kind: string; rows?: (T | null)[] }) => {
      if (m.kind === 'progress') tick();
      else if (m.kind === 'done') resolve(m.rows!);
    });
    w.on('error', reject);
    w.on('exit', (code) => {
      if (code !== 0) reject(new Error(`explore worker exited with code ${code}`));
    });
  });
}

function dedupe(all: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return all.filter((c) => {
    const k = `${c.method}/${c.addressing}/${JSON.stringify(c.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Run `one` over the candidates, on workers when there are enough of them; null rows (impossible parameters) dropped. */
async function runAll<T>(f: Formats, candidates: Candidate[], o: RunOptions, boundsOnly: boolean, one: (c: Candidate) => T | null): Promise<T[]> {
  const nw = Math.max(1, Math.min(o.workers ?? cpus().length, Math.ceil(candidates.length / 50)));
  let done = 0;
  const tick = () => o.onProgress?.(++done, candidates.length);
  let out: (T | null)[];
  if (nw === 1) {
    out = candidates.map((c) => {
      const r = one(c);
      tick();
      return r;
    });
  } else {
    // interleaved shares balance the cost (methods are grouped in the candidate list)
    const shares = Array.from({ length: nw }, (_, w) => candidates.filter((_, i) => i % nw === w));
    const results = await Promise.all(shares.map((s) => runWorker<T>(f, s, o, boundsOnly, tick)));
    out = candidates.map((_, i) => results[i % nw]![Math.floor(i / nw)]!);
  }
  return out.filter((r): r is T => r !== null);
}

/** Deduplicate, measure (on workers when there are enough candidates) and mark the Pareto front of the bound. */
export async function runSweep(f: Formats, all: Candidate[], o: RunOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const candidates = dedupe(all);
  let set: ReturnType<typeof prepareFor> | undefined;
  const rows = await runAll<Row>(f, candidates, o, false, (c) => measure(f, c, (set ??= prepareFor(f, o.perWorkload, o.seed)), { adversarial: o.adversarial }));
  const own = new Set(OWN_METHODS.map((m) => m.name));
  const front = markPareto(rows.filter((r) => own.has(r.method)));
  const measuredFront = paretoFront(rows.filter((r) => own.has(r.method)), 'measured');
  return { rows, front, measuredFront, seconds: (performance.now() - t0) / 1000, configs: candidates.length };
}

/** Deduplicate and compute the size and error bound of each candidate (no model runs). */
export async function runBounds(f: Formats, all: Candidate[], o: RunOptions = {}): Promise<{ rows: Bounded[]; seconds: number; configs: number }> {
  const t0 = performance.now();
  const candidates = dedupe(all);
  const rows = await runAll<Bounded>(f, candidates, o, true, (c) => bounded(f, c));
  return { rows, seconds: (performance.now() - t0) / 1000, configs: candidates.length };
}

/** A progress line on stderr: rewritten in place on a terminal, one line per tenth otherwise. */
export function progressLine(label: string): (done: number, total: number) => void {
  let last = 0;
  let lastTenth = 0;
  const t0 = performance.now();
  return (done, total) => {
    const now = performance.now();
    const tenth = Math.floor((done / total) * 10);
    if (process.stderr.isTTY ? done !== total && now - last < 500 : tenth === lastTenth && done !== total) return;
    last = now;
    lastTenth = tenth;
    const s = (now - t0) / 1000;
    const eta = done ? (s / done) * (total - done) : 0;
    const text = `${label}: ${done}/${total} configs, ${s.toFixed(0)} s elapsed, ~${eta.toFixed(0)} s left`;
    process.stderr.write(process.stderr.isTTY ? `\r${text}${done === total ? '\n' : ''}` : text + '\n');
  };
}
