/**
 * The layout's rules (.dependency-cruiser.cjs, README "Development"): dependency-cruiser over the
 * tree finds no cycle and no upward import, and every source file of generator/ is among what it read.
 * On a copy of generator/ with a cycle, an upward type-only import and a method reached past its
 * registry written in, it finds exactly those three, so the check can fail.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';
import { tmp } from './helpers.js';

const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}

function depcruise(cwd: string, paths: string[], output: 'json' | 'err') {
  return spawnSync(process.execPath, [DEPCRUISE, ...paths, '--config', '.dependency-cruiser.cjs', '--output-type', output], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
}

/** The violations and the modules read (JSON output, which exits 0 whatever it finds). */
function cruise(cwd: string, paths: string[]): { violations: Violation[]; modules: string[] } {
  const out = JSON.parse(depcruise(cwd, paths, 'json').stdout) as { summary: { violations: Violation[] }; modules: { source: string }[] };
  return { violations: out.summary.violations, modules: out.modules.map((m) => m.source) };
}

describe('layout', () => {
  it('has no cycle and no upward import, over every source file of generator/', () => {
    const r = cruise(ROOT, ['generator', 'scripts', 'bin', 'test']);
    // (npm test runs the check itself, as `npm run check:deps`, for its exit code)
    expect(r.violations).toEqual([]);
    const tracked = spawnSync('git', ['ls-files', 'generator'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n');
    const sources = tracked.filter((f) => f.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.filter((f) => !r.modules.includes(f))).toEqual([]);
    // and every one lies in a layer folder (the rule's list of layer paths)
    const rules = (createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as { forbidden: { name: string; from: { pathNot?: string[] } }[] }).forbidden;
    const layers = rules.find((x) => x.name === 'every-file-in-a-layer')!.from.pathNot!.map((p) => new RegExp(p));
    expect(layers.length).toBe(11);
    expect(sources.filter((f) => !layers.some((re) => re.test(f)))).toEqual([]);
  });

  it('fails on a cycle, an upward type-only import and a method reached past the registry', () => {
    const dir = tmp('softmax-lut-layers-');
    cpSync(join(ROOT, 'generator'), join(dir, 'generator'), { recursive: true });
    for (const f of ['tsconfig.json', '.dependency-cruiser.cjs']) cpSync(join(ROOT, f), join(dir, f));
    const add = (file: string, line: string) => {
      const path = join(dir, file);
      writeFileSync(path, line + '\n' + readFileSync(path, 'utf8'));
    };
    // a cycle inside core: bits.ts -> errors.ts -> bits.ts
    add('generator/core/bits.ts', "import { ConfigError } from './errors.js';\nexport const unusedError = ConfigError;");
    add('generator/core/errors.ts', "import { clog2 } from './bits.js';\nexport const unusedClog2 = clog2;");
    // the numerics importing a type from the report layer, far above them
    add('generator/numerics/model.ts', "import type { Mark } from '../report/plots.js';\nexport type UnusedMark = Mark;");
    // the adversarial search reaching into a method's folder instead of through the Method interface
    add('generator/evidence/adversarial.ts', "import { rexp } from '../numerics/methods/rexp/index.js';\nexport const unusedRexp = rexp;");
    const r = cruise(dir, ['generator']);
    // the check as npm test runs it fails
    expect(depcruise(dir, ['generator'], 'err').status).not.toBe(0);
    const found = r.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual(
      [
        'layer-numerics: generator/numerics/model.ts -> generator/report/plots.ts',
        'method-is-a-plug-in: generator/evidence/adversarial.ts -> generator/numerics/methods/rexp/index.ts',
        'no-circular: generator/core/bits.ts -> generator/core/errors.ts',
      ].sort(),
    );
  });
});
