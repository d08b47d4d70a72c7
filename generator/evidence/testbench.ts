/**
 * The self-checking testbenches of both architectures, from the templates in evidence/templates/:
 * they read the vector files, drive the block with and without random stalls and compare every
 * output beat with the golden model's (runner.ts and stream-runner.ts run them).
 */
import { join } from 'node:path';
import { ROOT } from '../core/version.js';
import type { Plan } from '../numerics/types.js';
import { header, template } from '../hardware/render.js';
import { latencyOf, type StreamPlan } from '../hardware/archs/stream.js';

/** The testbench templates: generator/evidence/templates/. */
export const TB_TEMPLATES = join(ROOT, 'generator', 'evidence', 'templates');

export function renderTestbench(p: Plan, nvec: number): string {
  const c = p.common;
  return template('testbench.v.hbs', TB_TEMPLATES)({
    header: header(p, 'self-checking testbench'),
    module: c.config.name,
    n: c.n,
    iw: c.iw,
    ow: c.ow,
    nvec,
    latency: p.latency,
    seed: c.config.verify.seed,
  });
}

export function renderStreamTestbench(sp: StreamPlan, rows: number, beats: number): string {
  const c = sp.plan.common;
  return template('stream_tb.v.hbs', TB_TEMPLATES)({
    header: header(sp.plan, 'self-checking testbench (stream)', [`Latency of a row: ${sp.latencyFormula} cycles`]),
    module: c.config.name,
    P: sp.lanes,
    iw: c.iw,
    ow: c.ow,
    maxN: sp.maxN,
    beats,
    rows,
    beats0: sp.throughputCycles,
    rows0: sp.throughputRows,
    elements0: sp.throughputRows * sp.maxN,
    lat0: latencyOf(sp, sp.maxN),
    seed: c.config.verify.seed,
  });
}
