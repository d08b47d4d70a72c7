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
import { benchConfig, benchTable, HW_BEGIN, HW_END, plannedRows, readResults, sameRow } from '../scripts/bench.js';
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
  it('each planned row is exactly one row of the results (a run of --ecp5 merges its figures by it)', () => {
    // arch, method, addressing, n and parameters: linear and normalized rows of one method are two
    for (const p of plannedRows()) expect(results.rows.filter((r) => sameRow(r, p.row)), `${p.row.arch} ${p.row.method} ${p.row.addressing} n=${p.row.n}`).toHaveLength(1);
  });
  it('the ECP5 columns, once measured (npm run bench -- --ecp5 --write), match the current generator: latency and RTL hash', () => {
    if (!results.ecp5) {
      // not measured yet: the table has no ECP5 columns
      expect(benchTable(results)).not.toContain('ECP5 Fmax');
      return;
    }
    // a run writes each row as it finishes: the rows not measured yet are counted in the table's note
    const rows = results.rows.filter((r) => r.synthesis);
    const measured = rows.filter((r) => r.ecp5);
    expect(measured.length).toBeGreaterThan(0);
    expect(benchTable(results)).toContain(`${measured.length} of ${rows.length} rows measured`);
    for (const row of measured) {
      const tag = `${row.arch} ${row.method} ${row.addressing} n=${row.n}`;
      const block = buildBlock(benchConfig(row.arch, row.method, row.addressing, row.n, row.params, true));
      expect(row.ecp5!.latency, tag).toBe(block.plan.latency);
      expect(row.ecp5!.rtlSha256, `${tag}: the ECP5 RTL changed since the bench; run npm run bench -- --ecp5 --write`).toBe(rtlSha256(block));
    }
  });
  it('the ECP5 columns: the block pipelined for ecp5 at 150 MHz (parallel with the output FIFO), and how a row reads', () => {
    const p = benchConfig('parallel', 'rexp', 'normalized', 8, {}, true);
    expect(p.pipeline).toMatchObject({ device: 'ecp5', targetMHz: 150, outputFifo: true });
    const st = benchConfig('stream', 'rexp', 'normalized', 64, {}, true);
    expect(st.pipeline).toMatchObject({ device: 'ecp5', targetMHz: 150 });
    expect(st.pipeline.outputFifo).toBeFalsy();
    const e = { rtlSha256: 'x', latency: 29, luts: 986, ffs: 3934, carry: 218, ebr: 9, dsp: 8, harness: false, seconds: 1 };
    const rows = [
      { ...results.rows[0]!, ecp5: { ...e, fmaxMHz: 213.49 } },
      { ...results.rows[1]!, ecp5: { ...e, fmaxMHz: 151.68, harness: true } },
      { ...results.rows[2]!, ecp5: { ...e, fmaxMHz: null, reason: 'nextpnr-ecp5 failed (exit 125): ERROR: Unable to find legal placement for all cells' } },
      { ...results.rows[3]!, ecp5: { ...e, fmaxMHz: null, reason: 'nextpnr-ecp5 failed (exit null): ' } },
      { ...results.rows[4]!, ecp5: undefined },
    ];
    const t = benchTable({ ...results, rows, ecp5: { tools: { yosys: 'Yosys 0.70', nextpnr: 'nextpnr-ecp5 0.11.1' }, device: 'LFE5U-85F-6BG381', seed: 1, jobs: 2 } });
    const body = t.split('\n').slice(2, 7);
    expect(body[0]).toMatch(/ \| 29 \| 986 \| 3934 \| 9 \| 8 \| 213\.5 \|$/);
    expect(body[1]).toMatch(/ \| 151\.7 \(harness\) \|$/);
    expect(body[2]).toMatch(/ \| no legal placement \|$/);
    expect(body[3]).toMatch(/ \| nextpnr timed out \|$/);
    expect(body[4]).toMatch(/ \| - \| - \| - \| - \| - \| - \|$/);
    expect(t.split('\n')[0]).toMatch(/ECP5 latency \| ECP5 LUT4 \| ECP5 FF \| ECP5 DP16KD \| ECP5 MULT18X18D \| ECP5 Fmax \(MHz\) \|$/);
    expect(t).toContain('4 of 5 rows measured ("-": not yet; `npm run bench -- --ecp5 --write` resumes): synthesis, place and route took 4 s over them');
  });
});
