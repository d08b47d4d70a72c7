/**
 * The npm package runs after install: `npm pack`, install the tarball into an empty project, run its
 * bin. Needs the npm registry (or npm's cache) for the runtime dependencies.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';
import { tmp } from './helpers.js';

function npm(args: string[], cwd: string) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm pack', () => {
  it('packs a package whose bin generates a block after install', () => {
    const dest = tmp('softmax-lut-pack-');
    const p = npm(['pack', '--json', '--pack-destination', dest], ROOT);
    expect(p.code, p.stderr).toBe(0);
    const info = JSON.parse(p.stdout)[0] as { filename: string; files: { path: string }[] };
    const paths = info.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['bin/softmax-lut.js', 'generator/cli.ts', 'generator/hardware/templates/parallel.v.hbs', 'generator/evidence/runner.ts', 'generator/evidence/data/model-attention.json']));
    expect(paths.some((f) => f.startsWith('test/') || f.startsWith('generated/') || f.startsWith('node_modules/'))).toBe(false);

    const app = tmp('softmax-lut-app-');
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, version: '1.0.0' }));
    const i = npm(['install', '--no-audit', '--no-fund', '--prefer-offline', join(dest, info.filename)], app);
    expect(i.code, i.stderr).toBe(0);

    const bin = join(app, 'node_modules', '.bin', 'softmax-lut');
    const run = (args: string[]) => spawnSync(bin, args, { cwd: app, encoding: 'utf8', timeout: 120_000 });
    const v = run(['--version']);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const g = run(['generate', '--name', 'sm_packed', '--n', '4', '-q']);
    expect(g.status, g.stderr).toBe(0);
    // output goes to the working folder, not into node_modules
    expect(existsSync(join(app, 'generated', 'sm_packed', 'sm_packed.v'))).toBe(true);
    expect(readFileSync(join(app, 'generated', 'sm_packed', 'sm_packed.v'), 'utf8')).toContain('module sm_packed (');
    const bad = run(['generate', '--n', '1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('n = 1: allowed: an integer in 2..1024');
  });
});
