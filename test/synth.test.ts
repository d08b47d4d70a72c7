/**
 * The `synth` command and the synthesis section of the manifest. Yosys and nextpnr-ice40 are
 * required: without them these tests fail with the install hint, they never skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, generateFull } from '../generator/cli/flow.js';
import { hardwareHtml, pnrFamilies, readSynthesis, sha256, synthesisText, HW_BEGIN, HW_END, type Ecp5Entry, type SynthesisSection } from '../generator/measure/synthesis.js';
import { ice40Counts, parseStat, pickDevice, xilinxCounts, STA_FLOW, type PnrResult } from '../generator/measure/synth.js';
import { ecp5Choice, sameOptions } from '../generator/cli/commands/synth.js';
import { buildBlock } from '../generator/block/block.js';
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

// a section as measureBlock writes it for the ECP5 (figures of test/ecp5.test.ts's block)
const E5: Ecp5Entry = {
  device: 'LFE5U-85F-6BG381',
  flow: 'yosys synth_ecp5',
  tools: { yosys: 'Yosys 0.70 (git sha1 28ba3cb92)', nextpnr: 'nextpnr-ecp5 nextpnr-0.11.1' },
  luts: 765,
  ffs: 830,
  carry: 86,
  ebr: 5,
  dsp: 4,
  cells: { CCU2C: 86, DP16KD: 5, LUT4: 765, MULT18X18D: 4, TRELLIS_FF: 830 },
  harness: false,
  constraint: '--freq 100 (MHz, timing-driven placement), --seed 1, pins placed by the tool',
  seed: 1,
  fmaxMHz: 123.98,
  pins: 70,
  used: { DP16KD: 5, MULT18X18D: 4, TRELLIS_COMB: 987, TRELLIS_FF: 830, TRELLIS_IO: 70 },
};
const E5_HARNESS: Ecp5Entry = {
  ...E5,
  harness: true,
  harnessRegisters: 81,
  constraint: `${E5.constraint}; through the Fmax harness e5_harness (the block's 366 I/O bits > 365 pins of the CABGA381; 4 pins clk, rstn, sin, sout; ...)`,
  fmaxMHz: 126.07,
  pins: 4,
};
const ICE40_PNR: PnrResult = {
  fits: true,
  tool: 'nextpnr-ice40 0.4-1+b1',
  device: 'iCE40HX8K',
  package: 'ct256',
  flow: 'yosys synth_ice40 -noflatten',
  harness: false,
  constraint: '--freq 100 (MHz, timing-driven placement), --seed 1, pins placed by the tool',
  seed: 1,
  fmaxMhz: 61.2,
  logicCells: 2100,
  ioCells: 70,
  ramCells: 6,
  dspCells: 0,
};
function measured(o: { ecp5?: Ecp5Entry; pnr?: PnrResult } = {}): SynthesisSection {
  return {
    rtl: 'e5.v',
    rtlSha256: 'ab'.repeat(32),
    tools: { yosys: 'Yosys 0.23 (git sha1 7ce5011c24b)' },
    ice40: { flow: 'yosys synth_ice40 -noflatten', luts: 1826, ffs: 964, carry: 214, ram: 6, dsp: 0, cells: {} },
    xilinx: { flow: 'yosys synth_xilinx -abc9', luts: 778, ffs: 381, carry: 46, ram: 0, dsp: 4, cells: {}, staPs: 2620, staFlow: STA_FLOW },
    ...o,
  };
}

describe('the ECP5 entry of the synthesis section', () => {
  const head = [
    'synthesis of e5.v (sha256 abababababab..., Yosys 0.23 (git sha1 7ce5011c24b)):',
    '  iCE40  (synth_ice40):  1826 LUTs, 964 FFs, 214 carry, 6 RAM, 0 DSP',
    '  Xilinx (synth_xilinx -abc9): 778 LUTs, 381 FFs, 46 carry, 0 RAM, 4 DSP (RAM in RAMB18 units); sta estimate 2620 ps (cell delays, no routing)',
  ];
  const line = '  ECP5   (synth_ecp5, Yosys 0.70 (git sha1 28ba3cb92)): 765 LUT4, 830 FF, 86 CCU2C, 5 DP16KD, 4 MULT18X18D; ';
  it('the CLI lines: counts, Fmax at the target on the part, through the harness or not, or the reason', () => {
    expect(synthesisText(measured({ ecp5: E5 }))).toEqual([...head, `${line}Fmax 123.98 MHz at 100 MHz on LFE5U-85F-6BG381 (nextpnr-ecp5 nextpnr-0.11.1, seed 1)`]);
    expect(synthesisText(measured({ ecp5: E5_HARNESS })).at(-1)).toBe(
      `${line}Fmax 126.07 MHz at 100 MHz on LFE5U-85F-6BG381 through the Fmax harness (81 harness registers) (nextpnr-ecp5 nextpnr-0.11.1, seed 1)`,
    );
    const failed = { ...E5, fmaxMHz: null, reason: 'nextpnr-ecp5 failed (exit 1): ERROR: no BELs' };
    expect(synthesisText(measured({ ecp5: failed })).at(-1)).toBe(`${line}Fmax not measured: nextpnr-ecp5 failed (exit 1): ERROR: no BELs`);
    // beside an iCE40 place and route (--device ecp5 on a config for ice40): after its line
    expect(synthesisText(measured({ ecp5: E5, pnr: ICE40_PNR })).slice(3)).toEqual([
      '  Fmax   61.2 MHz on iCE40HX8K-ct256 (nextpnr-ice40 0.4-1+b1, --freq 100 (MHz, timing-driven placement), --seed 1, pins placed by the tool; 2100 logic cells)',
      `${line}Fmax 123.98 MHz at 100 MHz on LFE5U-85F-6BG381 (nextpnr-ecp5 nextpnr-0.11.1, seed 1)`,
    ]);
    // no ECP5 entry: the lines of before
    expect(synthesisText(measured())).toEqual(head);
  });
  it('the report: an ECP5 row and its Fmax', () => {
    const intro =
      `<p>Measured on <code>e5.v</code> (SHA-256 <code>${'ab'.repeat(32)}</code>) with Yosys 0.23 (git sha1 7ce5011c24b). ` +
      'iCE40 RAM counts SB_RAM40_4K blocks, Xilinx RAM RAMB18 units';
    const table = [
      '<table>',
      '<tr><th>target</th><th>flow</th><th>LUTs</th><th>FFs</th><th>carry</th><th>RAM</th><th>DSP</th></tr>',
      '<tr><th>iCE40</th><td>yosys synth_ice40 -noflatten</td><td>1826</td><td>964</td><td>214</td><td>6</td><td>0</td></tr>',
      '<tr><th>Xilinx 7-series</th><td>yosys synth_xilinx -abc9</td><td>778</td><td>381</td><td>46</td><td>0</td><td>4</td></tr>',
    ];
    const ecp5Intro = `${intro}; the ECP5 row counts LUT4, TRELLIS_FF, CCU2C, DP16KD and MULT18X18D cells, from Yosys 0.70 (git sha1 28ba3cb92).</p>`;
    const ecp5Row = '<tr><th>ECP5</th><td>yosys synth_ecp5</td><td>765</td><td>830</td><td>86</td><td>5</td><td>4</td></tr>';
    expect(hardwareHtml(measured({ ecp5: E5 }), 'e5').split('\n')).toEqual([
      ecp5Intro,
      ...table,
      ecp5Row,
      '</table>',
      '<p>iCE40 place and route was not run.</p>',
      '<p>ECP5 Fmax <b>123.98 MHz</b> on LFE5U-85F-6BG381 (nextpnr-ecp5 nextpnr-0.11.1, --freq 100 (MHz, timing-driven placement), --seed 1, pins placed by the tool).</p>',
    ]);
    expect(hardwareHtml(measured({ ecp5: E5_HARNESS }), 'e5').split('\n').at(-1)).toBe(
      '<p>ECP5 Fmax <b>126.07 MHz</b> on LFE5U-85F-6BG381 (nextpnr-ecp5 nextpnr-0.11.1, --freq 100 (MHz, timing-driven placement), ' +
        "--seed 1, pins placed by the tool; through the Fmax harness e5_harness (the block's 366 I/O bits &gt; 365 pins of the CABGA381; 4 pins clk, rstn, sin, sout; ...)).</p>",
    );
    expect(hardwareHtml(measured({ ecp5: { ...E5, fmaxMHz: null, reason: 'a <reason>' } }), 'e5').split('\n').at(-1)).toBe(
      '<p>No ECP5 Fmax on LFE5U-85F-6BG381: a &lt;reason&gt;.</p>',
    );
    // no ECP5 entry: the section of before, byte for byte
    expect(hardwareHtml(measured(), 'e5').split('\n')).toEqual([`${intro}.</p>`, ...table, '</table>', '<p>Place and route was not run.</p>']);
  });
  it('which place and route measureBlock runs, from the config and the ecp5 option', () => {
    const ice = buildBlock(cfg({ name: 'pf', n: 2 }));
    const ecp = buildBlock(cfg({ name: 'pf', n: 2, pipeline: { device: 'ecp5', targetMHz: 100 } }));
    expect(pnrFamilies(ice, {})).toEqual({ ice40: true, ecp5: false });
    expect(pnrFamilies(ecp, {})).toEqual({ ice40: false, ecp5: true });
    expect(pnrFamilies(ice, { ecp5: true })).toEqual({ ice40: true, ecp5: true });
    expect(pnrFamilies(ice, { ecp5: 'only' })).toEqual({ ice40: false, ecp5: true });
    expect(pnrFamilies(ecp, { ecp5: false })).toEqual({ ice40: true, ecp5: false });
    expect(pnrFamilies(ecp, { noPnr: true })).toEqual({ ice40: false, ecp5: false });
    // synth --device: the config's family by default; ecp5 replaces the iCE40 run on a config for ecp5, is added on any other
    expect(ecp5Choice(undefined, 'ice40')).toBe(false);
    expect(ecp5Choice(undefined, 'xc7')).toBe(false);
    expect(ecp5Choice(undefined, 'ecp5')).toBe('only');
    expect(ecp5Choice('ecp5', 'ice40')).toBe(true);
    expect(ecp5Choice('ecp5', 'ecp5')).toBe('only');
    expect(ecp5Choice('ice40', 'ecp5')).toBe(false);
  });
  it('synth measures again unless the manifest holds each wanted entry, at the same target and seed', () => {
    const at100 = { freqMhz: 100, seed: 1 };
    const ice = { ice40: true, ecp5: false };
    const ecp = { ice40: false, ecp5: true };
    const both = { ice40: true, ecp5: true };
    expect(sameOptions(measured({ pnr: ICE40_PNR }), ice, at100)).toBe(true);
    expect(sameOptions(measured({ pnr: ICE40_PNR }), ice, { freqMhz: 125, seed: 1 })).toBe(false);
    expect(sameOptions(measured({ pnr: { fits: false, tool: 't', reason: 'r' } }), ice, { freqMhz: 125, seed: 1 })).toBe(true);
    expect(sameOptions(measured({ ecp5: E5 }), ecp, at100)).toBe(true);
    expect(sameOptions(measured({ ecp5: E5_HARNESS }), ecp, at100)).toBe(true);
    expect(sameOptions(measured({ ecp5: { ...E5, fmaxMHz: null, reason: 'r' } }), ecp, at100)).toBe(true);
    expect(sameOptions(measured({ ecp5: E5 }), ecp, { freqMhz: 100, seed: 2 })).toBe(false);
    expect(sameOptions(measured({ ecp5: E5 }), ecp, { freqMhz: 10, seed: 1 })).toBe(false);
    // an entry wanted and missing, or present and not wanted
    expect(sameOptions(measured({ pnr: ICE40_PNR }), both, at100)).toBe(false);
    expect(sameOptions(measured({ pnr: ICE40_PNR, ecp5: E5 }), ice, at100)).toBe(false);
    expect(sameOptions(measured({ pnr: ICE40_PNR, ecp5: E5 }), ecp, at100)).toBe(false);
    expect(sameOptions(measured({ pnr: ICE40_PNR, ecp5: E5 }), both, at100)).toBe(true);
    expect(sameOptions(measured({ ecp5: E5 }), { ice40: false, ecp5: false }, at100)).toBe(false);
    expect(sameOptions(measured(), { ice40: false, ecp5: false }, at100)).toBe(true);
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
  it('rejects a bad --device with exit code 2, one line naming the option, the value and the choices, nothing written', () => {
    const out = join(tmp(), 'o');
    const r = cli(['synth', '--device', 'xc7', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('softmax-lut: --device = "xc7": allowed: ice40, ecp5\n');
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
