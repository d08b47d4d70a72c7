/**
 * A worker thread of `explore`: measures a share of the candidates over its own copy of the workload
 * set (the set is a pure function of the formats and the seed), reporting progress as it goes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { measure, prepareFor, type Candidate, type Formats, type Row } from './explore.js';

interface Job {
  f: Formats;
  candidates: Candidate[];
  perWorkload?: number;
  seed?: number;
}

const job = workerData as Job;
const set = prepareFor(job.f, job.perWorkload, job.seed);
const rows: (Row | null)[] = [];
for (const c of job.candidates) {
  rows.push(measure(job.f, c, set));
  parentPort!.postMessage({ kind: 'progress' });
}
parentPort!.postMessage({ kind: 'done', rows });
