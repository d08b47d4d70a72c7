/**
 * Random valid configs for property-based tests (test/property.test.ts) and the larger sweep
 * (scripts/sweep.ts), and the check both run on each: generate, lint, simulate, bit-exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildBlock } from '../generator/block/block.js';
import { validateConfig } from '../generator/config/config.js';
import { ConfigError } from '../generator/core/errors.js';
import { writeFiles } from '../generator/block/writer.js';
import { lint } from '../generator/evidence/runner.js';
import { makePlan } from '../generator/hardware/plan.js';
import type { Config } from '../generator/numerics/types.js';
import { simulateBlock } from '../generator/block/verify.js';

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
    fc.record({ name: fc.constant('hls4ml-like'), addressing: fc.constantFrom('top-bits', 'default') }),
    fc.record({ name: fc.constant('exact'), expWidth: bits(2, 24) }, { requiredKeys: ['name'] }),
    fc.record({ name: fc.constant('logexp'), expWidth: bits(2, 20), logFracBits: bits(0, 8), mantBits: bits(1, 10), yBits: bits(2, 10) }, { requiredKeys: ['name'] }),
    fc.record({ name: fc.constant('ibert'), workBits: bits(0, 8) }, { requiredKeys: ['name'] }),
    fc.record({ name: fc.constant('softermax'), expWidth: bits(2, 20), expFracBits: bits(0, 10), recipAddrBits: bits(1, 12), recipWidth: bits(2, 20) }, { requiredKeys: ['name'] }),
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
      outputBuffer: fc.constantFrom('none', 'slice', 'fifo'),
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
      // expAddrRegister, outputSlice and outputFifo belong to the parallel architecture (the stream one
      // rejects them); the slice and the FIFO are one or the other
      pipeline: {
        treeLevelsPerStage: r.tree,
        expAddrRegister: !r.stream && r.expAddrRegister,
        laneRegister: r.laneRegister,
        outputSlice: !r.stream && r.outputBuffer === 'slice',
        outputFifo: !r.stream && r.outputBuffer === 'fifo',
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

/** A method with one of its addressings, and an architecture: one stratum of boundConfig. */
export interface BoundStratum {
  method: 'rexp' | 'lut2d' | 'hls4ml-like' | 'exact' | 'logexp' | 'ibert' | 'softermax';
  addressing: string;
  arch: 'parallel' | 'stream';
}

/** Every method with every addressing, in both architectures. */
export const BOUND_STRATA: readonly BoundStratum[] = (
  [
    ['rexp', 'normalized'],
    ['rexp', 'linear'],
    ['lut2d', 'normalized'],
    ['lut2d', 'linear'],
    ['hls4ml-like', 'top-bits'],
    ['hls4ml-like', 'default'],
    ['exact', 'divider'],
    ['logexp', 'normalized'],
    ['ibert', 'divider'],
    ['softermax', 'normalized'],
    // Softermax's online sum (method.online): its base-2 input scales
    ['softermax', 'online'],
  ] as const
).flatMap(([method, addressing]) => (['parallel', 'stream'] as const).map((arch) => ({ method, addressing, arch })));

/**
 * Raw configs of one stratum with small formats and tables, for the error-bound tests
 * (test/bound.test.ts): the numerics only, so pipeline and verify keys keep their defaults.
 * Some draws are rejected by the plan (colBits above expWidth, ...): filter them with plannable.
 */
export function boundConfig(s: BoundStratum, o: { maxN?: number } = {}): fc.Arbitrary<Record<string, unknown>> {
  const maxN = o.maxN ?? 96;
  const bits = (min: number, max: number) => fc.integer({ min, max });
  const step = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: bits(0, 2) });
  const withStep = (r: Record<string, unknown>, st: number | undefined) => (st === undefined ? r : { ...r, expStepLog2: st });
  const method: fc.Arbitrary<Record<string, unknown>> =
    s.method === 'rexp'
      ? fc
          .record({ expWidth: bits(3, 14), recipAddrBits: bits(1, 10), recipWidth: bits(3, 14), st: step })
          .map(({ st, ...p }) => withStep({ name: 'rexp', addressing: s.addressing, ...p }, st))
      : s.method === 'lut2d'
        ? fc
            .record({ expWidth: bits(3, 14), rowBits: bits(1, 7), colBits: bits(1, 7), st: step })
            .map(({ st, ...p }) => withStep({ name: 'lut2d', addressing: s.addressing, ...p }, st))
        : s.method === 'exact'
          ? fc.record({ expWidth: bits(3, 18), st: step }).map(({ st, ...p }) => withStep({ name: 'exact', ...p }, st))
          : s.method === 'logexp'
            ? fc
                .record({ expWidth: bits(3, 14), logFracBits: bits(0, 7), mantBits: bits(1, 9), yBits: bits(2, 9), st: step })
                .map(({ st, ...p }) => withStep({ name: 'logexp', ...p }, st))
            : s.method === 'ibert'
              ? fc.record({ workBits: bits(0, 6) }).map((p) => ({ name: 'ibert', ...p }))
              : s.method === 'softermax'
                ? fc
                    .record({ expWidth: bits(3, 14), expFracBits: bits(0, 8), recipAddrBits: bits(1, 10), recipWidth: bits(3, 14) })
                    .map((p) => ({ name: 'softermax', ...p, ...(s.addressing === 'online' ? { online: true } : {}) }))
                : fc.constant({ name: 'hls4ml-like', addressing: s.addressing });
  const length =
    s.arch === 'stream'
      ? fc.record({ lanes: bits(1, 6), maxN: bits(2, maxN) }).map((r) => ({ arch: 'stream', stream: { lanes: Math.min(r.lanes, r.maxN), maxN: r.maxN } }))
      : bits(2, maxN).map((n) => ({ n }));
  return fc
    .record({
      length,
      // hls4ml-like takes inputs up to 10 bits
      iw: bits(3, 10),
      ifrac: bits(-1, 6),
      ow: bits(3, 10),
      // output.frac around the width: above it the codes span less than 1 and the reference saturates
      ofracDelta: bits(-2, 1),
      // the online sum needs a code to be a power-of-two fraction of a power of two: ln 2 * 2^k
      lnScale: bits(-1, 1),
      method,
    })
    .map((r) => ({
      name: 'bnd',
      ...r.length,
      input: { width: r.iw, frac: r.ifrac, ...(s.addressing === 'online' ? { scale: Math.LN2 * 2 ** r.lnScale } : {}) },
      output: { width: r.ow, frac: Math.max(0, r.ow + r.ofracDelta) },
      method: r.method,
    }));
}
