/**
 * The `synth` command and the synthesis section of the manifest. Yosys and nextpnr-ice40 are
 * required: without them these tests fail with the install hint, they never skip.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, generateFull } from '../generator/cli/flow.js';
import { readSynthesis, sha256, HW_BEGIN, HW_END } from '../generator/measure/synthesis.js';
import { ice40Counts, parseStat, pickDevice, xilinxCounts } from '../generator/measure/synth.js';
import { section } from '../generator/core/sections.js';
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
  const c = { luts: 100, ffs: 100, carry: 0, ram: 1, dsp: 0, cells: {} };
  const pick = (r: ReturnType<typeof pickDevice>) => ('device' in r ? { device: `${r.device.name}-${r.device.package}`, harness: r.harness } : r);
  it('pins fit: the block on the HX8K bare pins; pins do not: through the harness, its registers counted', () => {
    expect(pick(pickDevice(134, c, { harnessRegisters: 157 }))).toEqual({ device: 'iCE40HX8K-ct256', harness: false });
    expect(pick(pickDevice(1030, { ...c, luts: 7000, ffs: 6000 }, { harnessRegisters: 680 }))).toEqual({ device: 'iCE40HX8K-ct256', harness: true });
    // 7000 LUTs fit the HX8K bare, not with 681 harness registers: the UP5K wants the -dsp counts
    expect(pickDevice(1030, { ...c, luts: 7000 }, { harnessRegisters: 681 })).toEqual({
      reason:
        'does not fit: iCE40HX8K-ct256 (through the harness: 1030 I/O > 206): 7000 LUTs or FFs + 681 harness registers > 7680 logic cells; ' +
        'iCE40UP5K-sg48: not tried without the synth_ice40 -dsp counts',
      needsDsp: true,
    });
    // no harness (the ports could not be read): the I/O decide, as before
    expect(pickDevice(1000, c)).toEqual({
      reason: 'does not fit: iCE40HX8K-ct256: 1000 I/O > 206 and no harness; iCE40UP5K-sg48: 1000 I/O > 39 and no harness',
      needsDsp: false,
    });
  });
  it('too large for the HX8K: the UP5K with its -dsp counts, through the harness above 39 I/O, at most 8 SB_MAC16', () => {
    const big = { ...c, luts: 9000, ffs: 3000, ram: 20 };
    const dsp = { ...c, luts: 4800, ffs: 3000, ram: 20, dsp: 8 };
    expect(pick(pickDevice(262, big, { harnessRegisters: 350, dsp }))).toEqual({ device: 'iCE40UP5K-sg48', harness: true });
    expect(pick(pickDevice(30, big, { harnessRegisters: 40, dsp }))).toEqual({ device: 'iCE40UP5K-sg48', harness: false });
    expect(pickDevice(262, big, { harnessRegisters: 350, dsp: { ...dsp, dsp: 16 } })).toEqual({
      reason:
        'does not fit: iCE40HX8K-ct256 (through the harness: 262 I/O > 206): 9000 LUTs or FFs + 350 harness registers > 7680 logic cells; ' +
        'iCE40UP5K-sg48 (through the harness: 262 I/O > 39): 16 SB_MAC16 > 8',
      needsDsp: false,
    });
    expect(pickDevice(262, big, { harnessRegisters: 350, dsp: { ...dsp, luts: 5000 } })).toEqual({
      reason:
        'does not fit: iCE40HX8K-ct256 (through the harness: 262 I/O > 206): 9000 LUTs or FFs + 350 harness registers > 7680 logic cells; ' +
        'iCE40UP5K-sg48 (through the harness: 262 I/O > 39): 5000 LUTs or FFs with -dsp + 350 harness registers > 5280 logic cells',
      needsDsp: false,
    });
    // more FFs than the UP5K holds even if its 8 SB_MAC16 took 96 register bits each: no -dsp run is wanted
    expect(pickDevice(1030, { ...c, luts: 38781, ffs: 6000, ram: 30 }, { harnessRegisters: 1370 })).toEqual({
      reason:
        'does not fit: iCE40HX8K-ct256 (through the harness: 1030 I/O > 206): 38781 LUTs or FFs + 1370 harness registers > 7680 logic cells; ' +
        'iCE40UP5K-sg48 (through the harness: 1030 I/O > 39): 6000 FFs, at most 768 of them in SB_MAC16 registers, + 1370 harness registers > 5280 logic cells',
      needsDsp: false,
    });
    expect(pickDevice(1030, { ...c, luts: 38781, ffs: 3000, ram: 30 }, { harnessRegisters: 1370 })).toMatchObject({ needsDsp: true });
    // more RAM than either device: no -dsp run is wanted
    expect(pickDevice(262, { ...big, ram: 64 }, { harnessRegisters: 350 })).toEqual({
      reason: 'does not fit: iCE40HX8K-ct256: 64 RAM blocks > 32; iCE40UP5K-sg48: 64 RAM blocks > 30',
      needsDsp: false,
    });
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
