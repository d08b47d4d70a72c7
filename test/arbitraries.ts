/**
 * Random valid configs for property-based tests (test/property.test.ts) and the larger sweep
 * (scripts/sweep.ts), and the check both run on each: generate, lint, simulate, bit-exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildBlock } from '../generator/block.js';
import { validateConfig, type Config } from '../generator/config.js';
import { ConfigError } from '../generator/errors.js';
import { simulateBlock } from '../generator/flow.js';
import { makePlan } from '../generator/plan.js';
import { writeFiles } from '../generator/writer.js';
import { lint } from '../testbench/runner.js';

/** Raw configs within the documented ranges (kept small enough to simulate quickly). */
export function rawConfig(o: { maxN?: number; maxVectors?: number } = {}): fc.Arbitrary<Record<string, unknown>> {
  const iw = fc.integer({ min: 2, max: 16 });
  const ow = fc.integer({ min: 2, max: 16 });
  const addressed = (name: string, params: Record<string, fc.Arbitrary<number>>) =>
    fc.record({ name: fc.constant(name), addressing: fc.constantFrom('normalized', 'linear'), ...params }, { requiredKeys: ['name', 'addressing'] });
  const bits = (min: number, max: number) => fc.integer({ min, max });
  const method = fc.oneof(
    addressed('rexp', { expWidth: bits(2, 20), recipAddrBits: bits(1, 12), recipWidth: bits(2, 20) }),
    addressed('lut2d', { expWidth: bits(2, 20), rowBits: bits(1, 8), colBits: bits(1, 8) }),
    fc.record({ name: fc.constant('hls4ml-like') }),
    fc.record({ name: fc.constant('exact'), expWidth: bits(2, 24) }, { requiredKeys: ['name'] }),
  );
  // a quarter of the configs use the stream architecture: P lanes, rows up to maxN
  const stream = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.record({ lanes: fc.integer({ min: 1, max: 6 }), maxN: fc.integer({ min: 2, max: 40 }) }) },
  );
  return fc
    .record({
      n: fc.integer({ min: 2, max: o.maxN ?? 24 }),
      iw,
      ifrac: fc.integer({ min: -3, max: 18 }),
      ow,
      ofrac: fc.integer({ min: 0, max: 18 }),
      method,
      tree: fc.integer({ min: 1, max: 4 }),
      expAddrRegister: fc.boolean(),
      laneRegister: fc.boolean(),
      outputSlice: fc.boolean(),
      vectors: fc.integer({ min: 40, max: o.maxVectors ?? 120 }),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      stream,
    })
    .map((r) => ({
      name: 'rnd',
      ...(r.stream ? { arch: 'stream', stream: { lanes: Math.min(r.stream.lanes, r.stream.maxN), maxN: r.stream.maxN } } : { n: r.n }),
      input: { width: r.iw, frac: r.ifrac },
      output: { width: r.ow, frac: Math.min(r.ofrac, r.ow + 2) },
      method: r.method,
      // expAddrRegister and outputSlice belong to the parallel architecture (the stream one rejects them)
      pipeline: {
        treeLevelsPerStage: r.tree,
        expAddrRegister: !r.stream && r.expAddrRegister,
        laneRegister: r.laneRegister,
        outputSlice: !r.stream && r.outputSlice,
      },
      verify: { vectors: r.vectors, seed: r.seed },
    }));
}

/** The config, or null when the plan rejects it with a ConfigError (a table too large, ...). */
export function plannable(raw: Record<string, unknown>): Config | null {
  try {
    const c = validateConfig(raw);
    makePlan(c);
    return c;
  } catch (e) {
    if (e instanceof ConfigError) return null;
    throw e;
  }
}

export interface CheckResult {
  problem?: string;
  lintWarnings: string[];
  latency: number;
}

/** Generate into a temporary folder, lint with Verilator -Wall, simulate in Icarus, compare bit-exactly. */
export function checkConfig(config: Config): CheckResult {
  const block = buildBlock(config);
  const dir = mkdtempSync(join(tmpdir(), 'softmax-lut-rnd-'));
  try {
    writeFiles(dir, block.files);
    const lintWarnings = lint(join(dir, `${config.name}.v`), config.name);
    const r = simulateBlock(block, dir);
    // a parallel testbench runs every vector twice; the stream runner checks its own beat count
    const problem = r.ok ? (block.stream || r.beats === 2 * block.vectors.length ? undefined : `${r.beats} beats`) : r.problem;
    return { problem, lintWarnings, latency: block.plan.latency };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
