import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';
import { tmp } from './helpers.js';

describe('missing simulator', () => {
  it('verify without iverilog on PATH: exit 3 and how to install it', () => {
    const dir = tmp();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const out = join(dir, 'o');
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'generator', 'cli.ts'), 'verify', '--out', out, '-q'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: bin },
      timeout: 120_000,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('iverilog was not found on PATH');
    expect(r.stderr).toContain('apt-get install -y iverilog');
    // the block itself was generated before the simulator was needed
    expect(readdirSync(out)).toContain('softmax_default.v');
  });
});
