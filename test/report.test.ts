/**
 * The HTML report (self-contained, renders in headless Chromium), and the explore, --max-error and
 * report commands run as a user would. Chromium is required: without it the screenshot test fails
 * with the install hint.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFullBlock } from '../generator/cli/flow.js';
import { requireTool } from '../generator/evidence/runner.js';
import { cfg, cli, tmp } from './helpers.js';

describe('report.html', () => {
  let html = '';
  it('is written for report: true, listed in the manifest, and self-contained', async () => {
    const b = await buildFullBlock(cfg({ name: 'rep', n: 8, report: true }));
    html = b.files.get('report.html')!;
    expect(JSON.parse(b.files.get('manifest.json')!).generatedFiles).toContain('report.html');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    for (const w of ['corner', 'uniform', 'gauss0.5', 'gauss4', 'attention', 'near-ties', 'overall']) expect(html).toContain(`>${w}</th>`);
    for (const h of ['Accuracy per workload', 'Error histogram', 'Table curves', 'Place on the Pareto front']) expect(html).toContain(`<h2>${h}</h2>`);
    expect((html.match(/<svg/g) ?? []).length).toBe(3);
    // nothing fetched: no scripts, no external sources or stylesheets
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import/);
    expect(html).toContain('this block among');
    const again = await buildFullBlock(cfg({ name: 'rep', n: 8, report: true }));
    expect(again.files.get('report.html')).toBe(html);
    // without report: true, no report and the manifest does not list it
    expect((await buildFullBlock(cfg({ name: 'rep', n: 8 }))).files.has('report.html')).toBe(false);
  });
  it('renders in headless Chromium (screenshot)', () => {
    const chromium = requireTool('chromium', 'chromium');
    const dir = tmp();
    const page = join(dir, 'report.html');
    writeFileSync(page, html);
    const shot = join(dir, 'shot.png');
    const r = spawnSync(
      chromium,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'chromium-'))}`,
        `--screenshot=${shot}`, '--window-size=1200,1600', `file://${page}`],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(shot)).toBe(true);
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1200); // width from the IHDR chunk
    expect(statSync(shot).size).toBeGreaterThan(30_000); // a blank page is a few kB
  });
});

describe('commands', () => {
  it('explore writes CSV, JSON and a Vega SVG and prints the Pareto front', () => {
    const out = tmp();
    const r = cli(['explore', '--n', '4', '--methods', 'rexp', '--vectors', '8', '--workers', '2', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/explore: \d+ configurations in [\d.]+ s/);
    expect(r.stdout).toMatch(/Pareto front of max error against table bytes/);
    expect(r.stderr).toMatch(/explore: \d+\/\d+ configs/);
    const csv = readFileSync(join(out, 'explore.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('method,addressing,params,lutBytes,latency,bound,maxErrLsb,meanErrLsb,rmsErrLsb,argmaxAgreement,klMean,klMax,worstSumErr,pareto');
    const json = JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8'));
    expect(json.rows.length).toBe(csv.length - 1);
    expect(json.pareto.length).toBe(csv.filter((l) => l.endsWith(',true')).length);
    expect(readFileSync(join(out, 'pareto.svg'), 'utf8')).toMatch(/^<svg [^>]*class="marks"/);
    // running again overwrites its own files; a foreign file in the way is never overwritten
    expect(cli(['explore', '--n', '4', '--methods', 'hls4ml-like', '--vectors', '4', '--out', out]).code).toBe(0);
    const other = tmp();
    writeFileSync(join(other, 'explore.csv'), 'mine\n');
    expect(cli(['explore', '--n', '4', '--methods', 'hls4ml-like', '--vectors', '4', '--out', other]).code).toBe(2);
    expect(readFileSync(join(other, 'explore.csv'), 'utf8')).toBe('mine\n');
  });
  it('generate --max-error picks the smallest table meeting the bound and says why', () => {
    const out = tmp();
    const r = cli(['generate', '--n', '4', '--method', 'rexp', '--addressing', 'normalized', '--max-error', '1.5', '--name', 'pick4', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = /picked rexp normalized (.*): (\d+) B of tables, max error ([\d.]+) LSB/.exec(r.stdout)!;
    expect(m).not.toBeNull();
    expect(Number(m[3])).toBeLessThanOrEqual(1.5);
    expect(r.stdout).toMatch(/why: the fewest table bytes among the \d+ of \d+ configurations/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.lutBytes).toBe(Number(m[2]));
    expect(cli(['generate', '--n', '4', '--max-error', '0', '--out', tmp()]).code).toBe(2);
  });
  it('report writes the block and report.html', () => {
    const out = tmp();
    const r = cli(['report', '--n', '4', '--name', 'rep4', '--out', out, '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).report).toBe(true);
  });
});
