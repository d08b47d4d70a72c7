/**
 * Running a sweep on worker threads (one per core, at most the number asked for), with a progress
 * callback. The rows come back in the candidates' order, so the result does not depend on how many
 * workers ran.
 */
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { markPareto, measure, prepareFor, type Candidate, type Formats, type Row } from './explore.js';
import { PAPER_METHODS } from './methods/index.js';

export interface RunOptions {
  workers?: number;
  perWorkload?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SweepResult {
  rows: Row[];
  /** Pareto front of max error against table bytes, over the paper's (divider-free) methods. */
  front: Row[];
  seconds: number;
  configs: number;
}

function workerCode(): string {
  const req = createRequire(import.meta.url);
  const api = 'file://' + req.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const entry = new URL('./explore-worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
}

function runWorker(f: Formats, candidates: Candidate[], o: RunOptions, tick: () => void): Promise<(Row | null)[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerCode(), { eval: true, workerData: { f, candidates, perWorkload: o.perWorkload, seed: o.seed } });
    w.on('message', (m: { kind: string; rows?: (Row | null)[] }) => {
      if (m.kind === 'progress') tick();
      else if (m.kind === 'done') resolve(m.rows!);
    });
    w.on('error', reject);
    w.on('exit', (code) => {
      if (code !== 0) reject(new Error(`explore worker exited with code ${code}`));
    });
  });
}

/** Deduplicate, measure (on workers when there are enough candidates) and mark the Pareto front. */
export async function runSweep(f: Formats, all: Candidate[], o: RunOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const seen = new Set<string>();
  const candidates = all.filter((c) => {
    const k = `${c.method}/${c.addressing}/${JSON.stringify(c.params)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const nw = Math.max(1, Math.min(o.workers ?? cpus().length, Math.ceil(candidates.length / 50)));
  let done = 0;
  const tick = () => o.onProgress?.(++done, candidates.length);
  let measured: (Row | null)[];
  if (nw === 1) {
    const set = prepareFor(f, o.perWorkload, o.seed);
    measured = candidates.map((c) => {
      const r = measure(f, c, set);
      tick();
      return r;
    });
  } else {
    // interleaved shares balance the cost (methods are grouped in the candidate list)
    const shares = Array.from({ length: nw }, (_, w) => candidates.filter((_, i) => i % nw === w));
    const results = await Promise.all(shares.map((s) => runWorker(f, s, o, tick)));
    measured = candidates.map((_, i) => results[i % nw]![Math.floor(i / nw)]!);
  }
  const rows = measured.filter((r): r is Row => r !== null);
  const paper = new Set(PAPER_METHODS.map((m) => m.name));
  const front = markPareto(rows.filter((r) => paper.has(r.method)));
  return { rows, front, seconds: (performance.now() - t0) / 1000, configs: candidates.length };
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
