/**
 * --max-error and explore by the error bound: picks by bound (guaranteed) or by the measured error
 * (--by measured, not guaranteed), both Pareto fronts, the sweep grid, the plot's marks, and the CLI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorBound } from '../generator/numerics/bound.js';
import { validateConfig } from '../generator/config/config.js';
import { markPareto, paretoFront, smallestMeeting, sweepSpace, toCsv, type Row } from '../generator/explore/explore.js';
import { frontTable } from '../generator/cli/commands/explore.js';
import { compactSvg, paretoSpec, renderSvg, scatterMarks } from '../generator/report/plots.js';
import { cli, tmp } from './helpers.js';
import { makePlan } from '../generator/hardware/plan.js';

const F8 = { width: 8, frac: 4 };
const O8 = { width: 8, frac: 8 };

/** A hand-made row: table bytes, worst error found, proven bound. */
const row = (bytes: number, measured: number, bound: number) =>
  ({
    method: 'rexp',
    addressing: 'normalized',
    params: {},
    resolved: { bytes },
    lutBytes: bytes,
    latency: 1,
    bound,
    metrics: { maxErrLsb: measured },
    found: { workloads: measured, adversarial: measured },
    pareto: false,
  }) as unknown as Row;

describe('smallestMeeting and the Pareto fronts', () => {
  // B (100 B) measures 0.9 <= 1 but its bound is 1.4 > 1; C (150 B) is the smallest whose bound is <= 1
  const rows = [row(80, 1.2, 3), row(100, 0.9, 1.4), row(120, 0.95, 1.2), row(150, 0.8, 0.95), row(200, 0.7, 0.9), row(250, 0.6, 1.0)];
  const [A, B, E, C, D, F] = rows as [Row, Row, Row, Row, Row, Row];

  it('by the bound (the default) picks the smallest table whose bound is at most X, even when a smaller one measured below X', () => {
    expect(smallestMeeting(rows, 1)).toBe(C);
    expect(smallestMeeting(rows, 1, 'bound')).toBe(C);
    expect(smallestMeeting(rows, 0.92)).toBe(D);
    expect(smallestMeeting(rows, 1.3)).toBe(E);
    expect(smallestMeeting(rows, 0.89)).toBeUndefined();
  });
  it('by the measured error picks the smaller table that only measured below X', () => {
    expect(smallestMeeting(rows, 1, 'measured')).toBe(B);
    expect(smallestMeeting(rows, 0.75, 'measured')).toBe(D);
    expect(smallestMeeting(rows, 0.5, 'measured')).toBeUndefined();
    // equal bytes: the smaller error of the criterion wins
    const twins = [row(100, 0.5, 0.9), row(100, 0.6, 0.8)];
    expect(smallestMeeting(twins, 1)).toBe(twins[1]);
    expect(smallestMeeting(twins, 1, 'measured')).toBe(twins[0]);
  });
  it('the bound and the measured error give different fronts; markPareto marks the bound front', () => {
    expect(paretoFront(rows, 'bound')).toEqual([A, B, E, C, D]);
    expect(paretoFront(rows, 'measured')).toEqual([A, B, C, D, F]);
    expect(rows.some((r) => r.pareto)).toBe(false); // paretoFront marks nothing
    expect(markPareto(rows)).toEqual([A, B, E, C, D]);
    expect(rows.filter((r) => r.pareto)).toEqual([A, B, E, C, D]);
  });
});

describe('explore output', () => {
  it('the CSV has the bound next to the worst found, and the front table prints bytes, bound, worst found and mean error', () => {
    const r = { ...row(602, 1.1042, 1.1047), resolved: { expWidth: 16 }, metrics: { vectors: 9, maxErrLsb: 1.1042, meanErrLsb: 0.2091, meanSignedErrLsb: 0.01, rmsErrLsb: 0.3, argmaxAgreement: 1, klMean: 1e-4, klMax: 2e-3, worstSumErr: 0.01 }, pareto: true } as Row;
    expect(toCsv([r])).toBe(
      'method,addressing,params,lutBytes,latency,bound,maxErrLsb,meanErrLsb,rmsErrLsb,argmaxAgreement,klMean,klMax,worstSumErr,pareto\n' +
        'rexp,normalized,expWidth=16,602,1,1.1047,1.1042,0.2091,0.3,1,0.0001,0.002,0.01,true\n',
    );
    expect(frontTable([r]).split('\n')).toEqual([
      '  bytes    bound  worst found  mean err  method / addressing  parameters',
      '    602    1.105        1.104     0.209  rexp normalized      expWidth=16',
    ]);
  });
});

describe('sweepSpace', () => {
  const count = (n: number, ow = 8) => {
    const c = sweepSpace({ n, input: F8, output: { width: ow, frac: ow } });
    const ew = (method: string, coarse: boolean) =>
      Math.max(...c.filter((x) => x.method === method && (x.params.expStepLog2! > 0) === coarse).map((x) => x.params.expWidth!));
    return { total: c.length, rexp: ew('rexp', false), lut2d: ew('lut2d', false), rexpCoarse: ew('rexp', true), lut2dCoarse: ew('lut2d', true) };
  };
  it('reaches expWidth min(24, OW + ceil(log2 n) + 6) at the finest step, OW + 6 (rexp) and OW + 4 (lut2d) at the coarser ones', () => {
    expect(count(64)).toEqual({ total: 3975, rexp: 20, lut2d: 20, rexpCoarse: 14, lut2dCoarse: 12 });
    expect(count(8)).toEqual({ total: 3525, rexp: 17, lut2d: 17, rexpCoarse: 14, lut2dCoarse: 12 });
    expect(count(1024)).toEqual({ total: 4619, rexp: 24, lut2d: 24, rexpCoarse: 14, lut2dCoarse: 12 });
    expect(count(64, 16)).toEqual({ total: 4758, rexp: 24, lut2d: 24, rexpCoarse: 22, lut2dCoarse: 20 });
  });
  it('keeps every exponent width at the finest step for rexp, and lut2d every width to OW + 5, then every other one and the top', () => {
    const c = sweepSpace({ n: 64, input: F8, output: O8 });
    const widths = (method: string, addressing: string) =>
      [...new Set(c.filter((x) => x.method === method && x.addressing === addressing && x.params.expStepLog2 === 0).map((x) => x.params.expWidth))];
    expect(widths('rexp', 'normalized')).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(widths('lut2d', 'linear')).toEqual([8, 9, 10, 11, 12, 13, 15, 17, 20]);
    expect(widths('exact', 'divider')).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22]);
  });
});

describe('the plot', () => {
  it('has a filled mark at the bound and a hollow one at the worst found of every configuration; the line on the bound', () => {
    const pts = [
      { series: 'rexp normalized', bytes: 100, maxErr: 0.9, bound: 1.4, pareto: true },
      { series: 'rexp normalized', bytes: 100.01, maxErr: 0.9, bound: 1.4, pareto: false }, // lands on the first: dropped
      { series: 'lut2d linear', bytes: 300, maxErr: 2, bound: 5, pareto: false },
    ];
    expect(scatterMarks(pts)).toEqual([
      { series: 'rexp normalized', bytes: 100, err: 1.4, kind: 'bound', pareto: true, baseline: false },
      { series: 'rexp normalized', bytes: 100, err: 0.9, kind: 'found', pareto: false, baseline: false },
      { series: 'lut2d linear', bytes: 300, err: 5, kind: 'bound', pareto: false, baseline: false },
      { series: 'lut2d linear', bytes: 300, err: 2, kind: 'found', pareto: false, baseline: false },
    ]);
    // without bounds (an older caller): one mark each, the line on the measured error; never through a baseline
    const old = [
      { series: 'exact divider', bytes: 9, maxErr: 0.5, pareto: true },
      { series: 'rexp linear', bytes: 50, maxErr: 3 },
      { series: 'rexp linear', bytes: 60, maxErr: 4, pareto: true }, // a stale flag: not on the measured front
      { series: 'rexp linear', bytes: 70, maxErr: 2 },
    ];
    expect(scatterMarks(old).map((m) => [m.bytes, m.kind, m.pareto, m.baseline])).toEqual([
      [9, 'found', false, true],
      [50, 'found', true, false],
      [60, 'found', false, false],
      [70, 'found', true, false],
    ]);
  });
  it('renders them compactly: one filled and one hollow circle per configuration, coordinates to a tenth of a pixel', async () => {
    const pts = Array.from({ length: 200 }, (_, i) => ({ series: i % 2 ? 'rexp normalized' : 'lut2d normalized', bytes: 50 + 7 * i, maxErr: 0.6 + (i % 13) / 7, bound: 1 + (i % 17) / 3, pareto: false }));
    const svg = await renderSvg(paretoSpec(pts, 'test'));
    const marks = svg.match(/<path transform="translate\([\d.]+,[\d.]+\)" d="M2,0A2,2,0,1,1,-2,0A2,2,0,1,1,2,0"[^>]*>/g)!;
    expect(marks.filter((m) => / fill="#/.test(m) && !/stroke=/.test(m)).length).toBe(200);
    expect(marks.filter((m) => / stroke="#/.test(m) && !/fill=/.test(m)).length).toBe(200);
    expect(marks.every((m) => /translate\(\d+(\.\d)?,\d+(\.\d)?\)/.test(m))).toBe(true);
    expect(svg.length / 400).toBeLessThan(400); // bytes per mark, axes and legend included
    expect(svg).toContain('filled: error bound (holds for every input)');
  });
  it('compactSvg rounds transform and path coordinates only', () => {
    expect(compactSvg('<path transform="translate(164.7014044296335,188.47874405407916)" d="M1.23456,-0.04L2,3e-7"/><text x="1.23456">1.23456</text>')).toBe(
      '<path transform="translate(164.7,188.5)" d="M1.2,0L2,3e-7"/><text x="1.23456">1.23456</text>',
    );
  });
});

describe('the CLI', () => {
  it('generate --max-error picks by the bound and says it is guaranteed; the block meets it', () => {
    const out = tmp();
    const r = cli(['generate', '--n', '8', '--max-error', '1.5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = /guaranteed: bound ([\d.]+) LSB <= 1\.5 for every input/.exec(r.stdout)!;
    expect(m, r.stdout).not.toBeNull();
    expect(r.stdout).not.toMatch(/NOT guaranteed/);
    const picked = /picked (\S+) (\S+) .*: (\d+) B of tables, max error ([\d.]+) LSB found/.exec(r.stdout)!;
    expect(picked).not.toBeNull();
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const config = validateConfig(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')));
    const bound = errorBound(makePlan(config)).lsb;
    expect(bound).toBeLessThanOrEqual(1.5);
    expect(Number(m[1])).toBe(bound);
    if (manifest.errorBound !== undefined) expect(manifest.errorBound).toBe(bound);
    expect([manifest.method, manifest.addressing, manifest.lutBytes]).toEqual([picked[1], picked[2], Number(picked[3])]);
    expect(Number(picked[4])).toBeLessThanOrEqual(bound);
    expect(r.stdout).toMatch(/why: the fewest table bytes among the \d+ of \d+ configurations \(rexp, lut2d, logexp\) whose error bound is at most 1\.5 LSB/);
  });
  it('--by measured picks by the measured error and says plainly that it is not guaranteed', () => {
    const out = tmp();
    const r = cli(['generate', '--n', '4', '--method', 'rexp', '--addressing', 'normalized', '--max-error', '1.5', '--by', 'measured', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const m = /NOT guaranteed: measured on the workload set and adversarial vectors; the bound is ([\d.]+) LSB/.exec(r.stdout)!;
    expect(m, r.stdout).not.toBeNull();
    const config = validateConfig(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')));
    expect(Number(m[1])).toBe(errorBound(makePlan(config)).lsb);
    expect(Number(/max error ([\d.]+) LSB found/.exec(r.stdout)![1])).toBeLessThanOrEqual(1.5);
  });
  it('--by takes bound or measured, only with --max-error; a bad value exits 2 naming the option, the value and the allowed values', () => {
    const out = tmp();
    const bad = cli(['generate', '--n', '8', '--max-error', '1.5', '--by', 'nonsense', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--by = "nonsense": allowed: bound, measured/);
    expect(readdirSync(out)).toEqual([]);
    const alone = cli(['generate', '--n', '8', '--by', 'measured', '--out', out]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--by measured: only with --max-error/);
    expect(readdirSync(out)).toEqual([]);
  });
  it('when no bound meets X, the message names the best bound available', () => {
    const r = cli(['generate', '--n', '4', '--method', 'rexp', '--addressing', 'normalized', '--max-error', '0.51', '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--max-error 0\.51: none of \d+ configurations of rexp has an error bound of at most 0\.51 LSB; the best bound available is [\d.]+ LSB: rexp normalized /);
  });
});
