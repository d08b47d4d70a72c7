/**
 * The ECP5 measurement (generator/measure/ecp5.ts, issue 22): Yosys synth_ecp5 and nextpnr-ecp5 from
 * the pinned WebAssembly packages in .venv, on the LFE5U-85F. One small block is placed and routed;
 * a missing .venv fails here with how to install it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECP5_PART, measureEcp5, parseStatCounts } from '../generator/measure/ecp5.js';
import { cfg, generateTo } from './helpers.js';

describe('Yosys 0.4x+ statistics', () => {
  it('reads the cell table after the "<n> cells" line', () => {
    const text = ['=== top ===', '     6210 cells', '        8   $scopeinfo', '      759   CCU2C', '        9   DP16KD', '     1896   LUT4', '', '    9 other'].join('\n');
    expect(parseStatCounts(text)).toEqual({ $scopeinfo: 8, CCU2C: 759, DP16KD: 9, LUT4: 1896 });
  });
  it('fails on a listing without one', () => {
    expect(() => parseStatCounts('Number of cells: 3')).toThrow(/no "<n> cells" line/);
  });
});

describe('ECP5 place and route (LFE5U-85F, speed 6)', () => {
  const { block, dir } = generateTo(cfg({ name: 'e5', n: 4 }));
  const rtl = join(dir, `${block.module}.v`);
  it('the default 4-element block: pinned tools, counts, routed Fmax at its 100 MHz target', async () => {
    const r = await measureEcp5(rtl, block.module, { freqMhz: 100 });
    expect(r.tools.yosys).toMatch(/^Yosys 0\.70 /);
    expect(r.tools.nextpnr).toBe('nextpnr-ecp5 nextpnr-0.11.1');
    expect(r.luts).toBeGreaterThan(100);
    expect(r.ffs).toBeGreaterThan(100);
    // the tables are block RAM (one per lane's exponent table and the reciprocal), as nextpnr places them
    expect(r.ebr).toBe(r.cells.DP16KD);
    expect(r.used.DP16KD).toBe(r.ebr);
    expect(r.used.TRELLIS_FF).toBe(r.ffs);
    expect(r.fmaxMHz).toBeGreaterThan(0);
    console.log(`ecp5: ${block.module}: ${r.luts} LUT4, ${r.ffs} FF, ${r.carry} CCU2C, ${r.ebr} DP16KD, ${r.dsp} MULT18X18D, ${r.fmaxMHz} MHz (${ECP5_PART.name}); yosys ${r.seconds.yosys} s, nextpnr ${r.seconds.nextpnr} s`);
  });
  it('more ports than the package has pins: counts, and the reason instead of an Fmax', async () => {
    const r = await measureEcp5(rtl, block.module, { freqMhz: 100, ioBits: ECP5_PART.pins + 1 });
    expect(r.fmaxMHz).toBeNull();
    expect(r.reason).toMatch(/366 I\/O bits > 365 pins of the CABGA381/);
    expect(r.luts).toBeGreaterThan(100);
  });
  it('fails on a module that is not there, with Yosys\'s message', async () => {
    await expect(measureEcp5(rtl, 'no_such_module', { freqMhz: 100 })).rejects.toThrow(/synth_ecp5 failed[\s\S]*no_such_module/);
  });
});
