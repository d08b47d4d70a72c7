import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accuracyTable, PARETO_SVG, readmeSection } from '../scripts/accuracy-table.js';
import { ROOT } from '../generator/core/version.js';
import { boundTable, defaultBounds, DEFAULT_TARGET, readmeBoundSection } from '../scripts/bound-table.js';
import { formatTable, readmeFormatSection } from '../scripts/format-table.js';

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  it('its accuracy table is what `npm run table` measures now', () => {
    expect(readmeSection(readme)).toBe(accuracyTable());
  });
  it("its table of the default block's bound is what scripts/bound-table.ts measures now", () => {
    expect(readmeBoundSection(readme)).toBe(boundTable());
  });
  it('its format table is what scripts/format-table.ts measures now', () => {
    expect(readmeFormatSection(readme)).toBe(formatTable());
  });
  it('the default rexp block keeps its bound at or below 1.0 LSB at every n from 2 to 8192', () => {
    const b = defaultBounds();
    expect(b.map((r) => r.n)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]);
    for (const r of b) expect(r.bound, `n = ${r.n}`).toBeLessThanOrEqual(DEFAULT_TARGET);
  });
  it('shows the Pareto plot that `npm run table -- --write` renders with Vega', () => {
    expect(readme).toContain(`](${PARETO_SVG})`);
    expect(existsSync(join(ROOT, PARETO_SVG))).toBe(true);
    expect(readFileSync(join(ROOT, PARETO_SVG), 'utf8')).toMatch(/^<svg [^>]*class="marks"[\s\S]*table bytes/);
  });
  it('its quick start is exactly two commands, the ones .ci/run runs', () => {
    const qs = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
    expect(qs).toEqual(['bash scripts/setup.sh', 'npm test']);
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    for (const cmd of qs) expect(ci).toContain(cmd);
  });
});
