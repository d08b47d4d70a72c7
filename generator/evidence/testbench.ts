/**
 * The self-checking testbenches of both architectures, from the templates in evidence/templates/:
 * they read the vector files, drive the block with and without random stalls and compare every
 * output beat with the golden model's (runner.ts and stream-runner.ts run them).
 */
import { join } from 'node:path';
import { GENERATOR_NAME, GENERATOR_VERSION, ROOT } from '../core/version.js';
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

/**
 * The block's cocotb testbench, test_<module>.py: a cocotb test that calls softmax_lut.testbench's
 * check_block (AXI4-Stream with random idle cycles and back-pressure, every output beat against the
 * Python emulator) and, run as a script, builds the RTL with Icarus through cocotb's runner.
 */
export function renderCocotbTest(p: Plan): string {
  const c = p.common;
  return template('cocotb_test.py.hbs', TB_TEMPLATES)({ module: c.config.name, seed: c.config.verify.seed, generator: `${GENERATOR_NAME} ${GENERATOR_VERSION}` });
}
