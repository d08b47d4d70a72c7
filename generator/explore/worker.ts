/**
 * A worker thread of `explore`: measures a share of the candidates over its own copy of the workload
 * set (the set is a pure function of the formats and the seed), or with `boundsOnly` computes only
 * their sizes and error bounds, reporting progress as it goes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { bounded, measure, prepareFor, type Bounded, type Candidate, type Formats, type Row } from './explore.js';

interface Job {
  f: Formats;
  candidates: Candidate[];
  perWorkload?: number;
  seed?: number;
  adversarial?: boolean;
  boundsOnly?: boolean;
}

const job = workerData as Job;
const set = job.boundsOnly ? undefined : prepareFor(job.f, job.perWorkload, job.seed);
const rows: (Row | Bounded | null)[] = [];
for (const c of job.candidates) {
  rows.push(set ? measure(job.f, c, set, { adversarial: job.adversarial }) : bounded(job.f, c));
  parentPort!.postMessage({ kind: 'progress' });
}
parentPort!.postMessage({ kind: 'done', rows });
