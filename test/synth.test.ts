/**
 * The `synth` command and the synthesis section of the manifest. Yosys and nextpnr-ice40 are
 * required: without them these tests fail with the install hint, they never skip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, generateFull } from '../generator/flow.js';
import { readSynthesis, sha256 } from '../generator/synthesis.js';
import { ice40Counts, parseStat, pickDevice, xilinxCounts } from '../testbench/synth.js';
import { HW_BEGIN, HW_END } from '../generator/report-hardware.js';
import { section } from '../generator/sections.js';
import { cfg, cli, tmp } from './helpers.js';

const STAT = `
=== top ===

   Number of wires:                 10
   Number of cells:                 12
     SB_CARRY                        3
     SB_DFFE                         4
     SB_DFFESR                       1
     SB_LUT4                         2
     SB_RAM40_4K                     2

`;

describe('parsing Yosys statistics', () => {
  it('counts iCE40 cells by category', () => {
    const cells = parseStat(STAT);
    expect(cells).toEqual({ SB_CARRY: 3, SB_DFFE: 4, SB_DFFESR: 1, SB_LUT4: 2, SB_RAM40_4K: 2 });
    expect(ice40Counts(cells)).toMatchObject({ luts: 2, ffs: 5, carry: 3, ram: 2, dsp: 0 });
  });
  it('counts Xilinx cells by category, RAMB36 as two RAMB18', () => {
    const x = xilinxCounts({ LUT2: 3, LUT6: 4, FDRE: 7, FDSE: 1, CARRY4: 2, RAMB18E1: 1, RAMB36E1: 2, DSP48E1: 5, MUXF7: 9, IBUF: 3 });
    expect(x).toMatchObject({ luts: 7, ffs: 8, carry: 2, ram: 5, dsp: 5 });
  });
  it('picks the first iCE40 that the I/O and cells fit, or says why none does', () => {
    const c = { luts: 100, ffs: 100, carry: 0, ram: 1, dsp: 0, cells: {} };
    expect(pickDevice(134, c)).toMatchObject({ device: { name: 'iCE40HX8K', package: 'ct256' } });
    expect(pickDevice(1000, c)).toEqual({ reason: 'does not fit: iCE40HX8K-ct256: 1000 I/O > 206; iCE40UP5K-sg48: 1000 I/O > 39' });
    expect(pickDevice(30, { ...c, luts: 9000 })).toMatchObject({ reason: expect.stringContaining('9000 LUTs or FFs > 7680') });
  });
  it('fails loudly when there is no statistics table', () => {
    expect(() => parseStat('nothing here')).toThrow(/Number of cells/);
  });
});

// the totals of a design with per-lane modules (stat -top): the last table, instances multiplied out
const STAT_HIER = `
=== top ===

   Number of cells:                  5
     SB_DFFE                         2
     SB_LUT4                         1
     top_lane                        2

=== top_lane ===

   Number of cells:                  4
     SB_LUT4                         3
     SB_RAM40_4K                     1

=== design hierarchy ===

   top                               1
     top_lane                        2

   Number of wires:                 20
   Number of cells:                 11
     SB_DFFE                         2
     SB_LUT4                         7
     SB_RAM40_4K                     2

`;

describe('parsing hierarchical Yosys statistics', () => {
  it('counts the design totals, each lane module once per instance', () => {
    expect(ice40Counts(parseStat(STAT_HIER))).toMatchObject({ luts: 7, ffs: 2, ram: 2, carry: 0, dsp: 0 });
  });
});

describe('synth command', () => {
  it('measures a small block, writes the figures into its manifest, keeps them while the RTL is unchanged', () => {
    const out = join(tmp(), 'o');
    const args = ['--name', 'syn', '--n', '2', '--set', 'input.width=4', '--set', 'output.width=4', '--set', 'verify.vectors=20', '--out', out];
    const r = cli(['synth', ...args]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/iCE40 {2}\(synth_ice40\): {2}\d+ LUTs, \d+ FFs/);
    expect(r.stdout).toMatch(/Fmax {3}[\d.]+ MHz on iCE40HX8K-ct256/);
    const s = readSynthesis(out)!;
    expect(s.rtlSha256).toBe(sha256(readFileSync(join(out, 'syn.v'), 'utf8')));
    expect(s.pnr).toMatchObject({ fits: true, device: 'iCE40HX8K', package: 'ct256', seed: 1, ioCells: 22 });
    expect(s.ice40.luts).toBeGreaterThan(10);
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');

    // again: nothing to measure; generate keeps the section byte for byte
    const again = cli(['synth', ...args]);
    expect(again.stdout).toContain('already holds figures measured on this very RTL');
    expect(cli(['generate', ...args, '-q']).code).toBe(0);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);

    // other RTL: the figures are dropped, never shown against RTL they were not measured on
    const { block } = generate(cfg({ name: 'syn', n: 2, input: { width: 4, frac: 2 }, output: { width: 4 }, method: { name: 'rexp', recipWidth: 5 }, verify: { vectors: 20, seed: 1 } }), out);
    expect(block.manifest.synthesis).toBeUndefined();
    expect(readSynthesis(out)).toBeUndefined();
  });
  it('writes the figures into report.html too, and takes them out when the RTL changes', async () => {
    const out = join(tmp(), 'o');
    const args = ['--name', 'synr', '--n', '2', '--set', 'input.width=4', '--set', 'output.width=4', '--set', 'verify.vectors=20', '--set', 'report=true', '--no-pnr', '--out', out];
    const r = cli(['synth', ...args]);
    expect(r.code, r.stderr).toBe(0);
    const s = readSynthesis(out)!;
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const hw = section(html, HW_BEGIN, HW_END)!;
    expect(hw).toContain(s.rtlSha256);
    expect(hw).toContain(`<tr><th>iCE40</th><td>yosys synth_ice40 -noflatten</td><td>${s.ice40.luts}</td><td>${s.ice40.ffs}</td>`);
    expect(hw).toContain(`<td>${s.xilinx.luts}</td><td>${s.xilinx.ffs}</td>`);
    expect(hw).toContain('Place and route was not run.');
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).generatedFiles).toContain('report.html');

    // other RTL: the report's section goes back to "not measured"
    const c = cfg({ name: 'synr', n: 2, input: { width: 4, frac: 2 }, output: { width: 4 }, method: { name: 'rexp', recipWidth: 5 }, verify: { vectors: 20, seed: 1 }, report: true });
    await generateFull(c, out);
    const after = readFileSync(join(out, 'report.html'), 'utf8');
    expect(after).toContain('Not measured yet.');
    expect(after).not.toContain(s.rtlSha256);
  });
  it('rejects a bad --freq with exit code 2', () => {
    const r = cli(['synth', '--freq', '0', '--out', join(tmp(), 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--freq = 0: allowed: a number in 1..1000');
  });
});
