import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBlock, type Block } from '../generator/block.js';
import { validateConfig, type Config } from '../generator/config.js';
import { writeFiles } from '../generator/writer.js';
import { ROOT } from '../generator/version.js';

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

/** Run the CLI as a user would, through tsx, with an argument array. */
export function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'generator', 'cli.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
