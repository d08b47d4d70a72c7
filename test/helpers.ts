import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBlock } from '../generator/block/block.js';
import { validateConfig } from '../generator/config/config.js';
import { ConfigError } from '../generator/core/errors.js';
import { makePlan } from '../generator/hardware/plan.js';
import { writeFiles } from '../generator/block/writer.js';
import { ROOT } from '../generator/core/version.js';
import { entryGroups } from '../generator/numerics/bound.js';
import { codeRange, rng } from '../generator/evidence/vectors.js';
import type { Plan, Config } from '../generator/numerics/types.js';
import type { Block } from '../generator/block/files.js';

export function tmp(prefix = 'softmax-lut-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Build a block and write its files into a fresh temporary folder. */
export function generateTo(config: Config): { block: Block; dir: string } {
  const block = buildBlock(config);
  const dir = tmp();
  writeFiles(dir, block.files);
  return { block, dir };
}

export function cfg(over: Record<string, unknown> = {}): Config {
  return validateConfig({
    name: 'dut',
    n: 8,
    input: { width: 8, frac: 4 },
    output: { width: 8, frac: 8 },
    method: { name: 'rexp', addressing: 'normalized' },
    ...over,
  });
}

/**
 * The key and message of the ConfigError that validating and planning this config raises (a 4-element
 * rexp block with 8-bit formats unless `raw` says otherwise), or null when it is accepted.
 */
export function rejection(raw: Record<string, unknown>): { key: string; message: string } | null {
  try {
    makePlan(validateConfig({ name: 'x', n: 4, input: { width: 8 }, output: { width: 8 }, method: { name: 'rexp' }, ...raw }));
  } catch (e) {
    if (e instanceof ConfigError) return { key: e.key, message: e.message };
    throw e;
  }
  return null;
}

/** Run the CLI as a user would, through tsx, with an argument array. */
export function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'generator', 'cli.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Differences d worth drawing: the ends of every entry's run of d, from the block's own table (tail included). */
export function paletteDs(plan: Plan): number[] {
  const dMax = 2 ** plan.common.dw - 1;
  const ds = new Set<number>([0, 1, dMax]);
  for (const g of entryGroups(plan).groups) for (const d of [g.dLo, g.dHi, g.dLo + 1, g.dHi - 1]) if (d >= 0 && d <= dMax) ds.add(d);
  return [...ds];
}

/** Seeded vectors of random lengths 1..maxLen: uniform codes, or one maximum and the rest at table-chosen d's (one or two levels). */
export function randomLengthVectors(plan: Plan, count: number, maxLen: number, seed: number): number[][] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const { min, max } = codeRange({ width: plan.common.iw, frac: plan.common.ifrac });
  const ds = paletteDs(plan);
  const pick = () => ds[int(0, ds.length - 1)]!;
  const out: number[][] = [];
  for (let k = 0; k < count; k++) {
    const len = int(1, maxLen);
    const kind = k % 3;
    if (kind === 0) {
      out.push(Array.from({ length: len }, () => int(min, max)));
      continue;
    }
    // a maximum somewhere in the range (so that top - d may clip at the minimum code), the rest at d1 / d2
    const top = r() < 0.5 ? max : int(min, max);
    const d1 = pick();
    const d2 = kind === 1 ? d1 : pick();
    const k1 = int(0, len - 1);
    const x = Array.from({ length: len }, (_, i) => Math.max(min, top - (i < k1 ? d1 : d2)));
    x[int(0, len - 1)] = top;
    out.push(x);
  }
  return out;
}

/** Debian's python3 when it is there (the one scripts/setup.sh gives NumPy and venv), else the first on PATH. */
export const SYSTEM_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
