/**
 * The README's hardware table is what `npm run bench -- --write` measured (bench/results.json), and
 * those results still describe the current generator: same table bytes, latency and max error, and
 * synthesis figures measured on byte-identical RTL. Re-run the bench when this fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBlock } from '../generator/block/block.js';
import { accuracy } from '../generator/numerics/metrics.js';
import { rtlSha256 } from '../generator/measure/synthesis.js';
import { ROOT } from '../generator/core/version.js';
import { errorBound } from '../generator/numerics/bound.js';
import { benchConfig, benchTable, HW_BEGIN, HW_END, plannedRows, readResults } from '../scripts/bench.js';
import { section } from '../scripts/readme-section.js';
import { vectorSet } from '../generator/evidence/vector-set.js';

describe('hardware table', () => {
  const results = readResults();
  it('the README shows bench/results.json', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(section(readme, HW_BEGIN, HW_END)).toBe(benchTable(results));
  });
  it('covers the whole benchmark set, one row each, measured for every method registered now', () => {
    const planned = plannedRows();
    const key = (r: { arch: string; method: string; n: number; params?: unknown }) => `${r.arch} ${r.method} ${r.n} ${JSON.stringify(r.params ?? {})}`;
    expect(results.rows.map(key)).toEqual(planned.map((p) => key(p.row)));
    // a baseline merged since the last bench fails here until `npm run bench -- --write` runs again
    const state = (measured: boolean) => (measured ? 'measured' : 'not available');
    expect(results.rows.map((r) => `${r.method} n=${r.n}: ${state(!r.missing?.startsWith('not available'))}`)).toEqual(
      planned.map((p) => `${p.row.method} n=${p.row.n}: ${state(p.config !== undefined)}`),
    );
  });
  it('every measured row matches the current generator: bytes, latency, max error, RTL hash', () => {
    const vectors = new Map<number, number[][]>();
    for (const row of results.rows.filter((r) => r.synthesis)) {
      const c = benchConfig(row.arch, row.method, row.addressing, row.n, row.params);
      const block = buildBlock(c);
      if (!vectors.has(c.n)) vectors.set(c.n, vectorSet(c.n, c.input, results.vectors, results.seed));
      const tag = `${row.method} ${row.addressing} n=${row.n}`;
      expect(row.lutBytes, tag).toBe(block.plan.lutBytes);
      expect(row.latency, tag).toBe(block.plan.latency);
      expect(row.maxErrLsb, tag).toBe(accuracy(block.plan, vectors.get(c.n)!).maxErrLsb);
      expect(row.errorBound, tag).toBe(errorBound(block.plan).lsb);
      expect(row.synthesis!.rtlSha256, `${tag}: the RTL changed since the bench; run npm run bench -- --write`).toBe(rtlSha256(block));
    }
  });
});
