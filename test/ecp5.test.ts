/**
 * The ECP5 measurement (generator/measure/ecp5.ts, issue 22): Yosys synth_ecp5 and nextpnr-ecp5 from
 * the pinned WebAssembly packages in .venv, on the LFE5U-85F. One small block pipelined for the ECP5
 * is placed and routed twice: on bare pins (through measureBlock, into its manifest) and through the
 * Fmax harness. A missing .venv fails here with how to install it.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECP5_PART, measureEcp5, parseStatCounts, venvTool } from '../generator/measure/ecp5.js';
import { describeError } from '../generator/cli.js';
import { harnessFor } from '../generator/measure/harness.js';
import { ioBits, measureBlock, readSynthesis, synthesisText, type Ecp5Entry } from '../generator/measure/synthesis.js';
import { writeFiles } from '../generator/block/writer.js';
import { run } from '../generator/evidence/runner.js';
import { synthesize } from '../generator/measure/synth.js';
import { cfg, generateTo } from './helpers.js';

describe('Yosys 0.4x+ statistics', () => {
  it('reads the cell table after the "<n> cells" line', () => {
    const text = ['=== top ===', '     6210 cells', '        8   $scopeinfo', '      759   CCU2C', '        9   DP16KD', '     1896   LUT4', '', '    9 other'].join('\n');
    expect(parseStatCounts(text)).toEqual({ $scopeinfo: 8, CCU2C: 759, DP16KD: 9, LUT4: 1896 });
  });
  it('fails on a listing without one', () => {
    expect(() => parseStatCounts('Number of cells: 3')).toThrow(/no "<n> cells" line/);
  });
  it('a tool missing from .venv: the CLI\'s exit code 3 and how to install it', () => {
    let err: unknown;
    try {
      venvTool('yowasp-no-such-tool');
    } catch (e) {
      err = e;
    }
    expect(describeError(err)).toEqual({
      code: 3,
      lines: ['softmax-lut: yowasp-no-such-tool is not installed in .venv: run bash scripts/setup.sh (it installs scripts/requirements.txt)'],
    });
  });
});

describe('ECP5 synthesis of a computed exponent (Softermax)', () => {
  it('its 2^-f table is one DP16KD per element, not LUTs and wide multiplexers (model.computedTableBlockRam)', () => {
    const { block, dir } = generateTo(cfg({ name: 'e5sm', n: 2, method: { name: 'softermax' }, pipeline: { device: 'ecp5', targetMHz: 150 } }));
    const work = mkdtempSync(join(tmpdir(), 'softmax-lut-e5sm-'));
    copyFileSync(join(dir, `${block.module}.v`), join(work, 'block.v'));
    const top = `${block.module}_exp`;
    const r = run(venvTool('yowasp-yosys'), ['-q', '-p', `read_verilog block.v; synth_ecp5 -top ${top}; tee -q -o stat.txt stat -top ${top}`], work, 300_000);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const cells = parseStatCounts(readFileSync(join(work, 'stat.txt'), 'utf8'));
    // as a function (64 x 13 bits), Yosys built it from 119 LUT4, 36 PFUMX and 14 L6MUX21 per element
    expect(cells.DP16KD).toBe(1);
    // (what multiplexers remain are the shift's after the read: 4 PFUMX and 1 L6MUX21 with the
    // fifth ECP5 batch's registers, 42 LUT4)
    expect(cells.L6MUX21 ?? 0).toBeLessThanOrEqual(1);
    expect(cells.PFUMX ?? 0).toBeLessThanOrEqual(4);
    expect(cells.LUT4 ?? 0).toBeLessThan(119);
  });
});

describe('pipeline.ramDelays on ecp5: the iCE40 and Xilinx counts of the manifest', () => {
  it('Yosys 0.23 synthesises the delays in distributed RAM (iCE40 has none: left to Yosys\'s choice)', async () => {
    const config = cfg({ name: 'rd_counts', n: 3, input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp', expWidth: 24, expLoWidth: 18 }, pipeline: { device: 'ecp5', targetMHz: 150, outputFifo: true, ramDelays: true } });
    const { block, dir } = generateTo(config);
    const rtl = join(dir, `${block.module}.v`);
    expect(readFileSync(rtl, 'utf8')).toContain('(* ram_style = "distributed" *)');
    // with the attribute kept in the iCE40 run, Yosys stops: "no valid mapping found for memory"
    const s = await synthesize({ rtl, top: block.module, ioBits: ioBits(block), noPnr: true });
    expect(s.ice40.ffs).toBeGreaterThan(0);
    expect(s.xilinx.luts).toBeGreaterThan(0);
  });
});

describe('ECP5 place and route (LFE5U-85F, speed 6)', () => {
  // a 4-element block pipelined by the ECP5 delay model for 100 MHz, with the output FIFO, whose
  // input register samples s_axis_tdata on every cycle (through the harness, a chain that copied its
  // bits would have the same D inputs, and Yosys merged the two: 1168 FF placed, 1232 expected)
  const { block, dir } = generateTo(cfg({ name: 'e5', n: 4, pipeline: { device: 'ecp5', targetMHz: 100, outputFifo: true } }));
  const rtl = join(dir, `${block.module}.v`);
  // the bare-pin figures of the first test, which the harness run compares its counts with
  let bare: Ecp5Entry | undefined;
  const PACKED = 'MULT18X18D register packing: 4 DSPs, 4 A and 4 B input registers and 4 output registers absorbed. DP16KD output register packing: 5 DP16KD, 5 of 5 read ports absorbed (A 5, B 0)';

  it('measureBlock on a config for ecp5: iCE40 and Xilinx counts, the ECP5 Fmax on bare pins, no iCE40 place and route', async () => {
    const s = await measureBlock(block, dir);
    writeFiles(dir, block.files);
    expect(readSynthesis(dir)).toEqual(s);
    expect(s.pnr).toBeUndefined();
    expect(s.ice40.luts).toBeGreaterThan(100);
    expect(s.xilinx.staPs).toBeGreaterThan(0);
    const e = s.ecp5!;
    expect(e.device).toBe('LFE5U-85F-6BG381');
    expect(e.flow).toBe('yosys synth_ecp5');
    expect(e).not.toHaveProperty('seconds');
    expect(e.tools.yosys).toMatch(/^Yosys 0\.70 /);
    expect(e.tools.nextpnr).toBe('nextpnr-ecp5 nextpnr-0.11.1');
    expect(e.harness).toBe(false);
    expect(e).not.toHaveProperty('harnessRegisters');
    expect(e.constraint).toBe('--freq 100 (MHz, timing-driven placement), --seed 1, pins placed by the tool');
    expect(e.seed).toBe(1);
    expect(e.luts).toBeGreaterThan(100);
    expect(e.ffs).toBeGreaterThan(100);
    // the tables are block RAM (one per lane's exponent table and the reciprocal), as nextpnr places them
    expect(e.ebr).toBe(e.cells.DP16KD);
    expect(e.used.DP16KD).toBe(e.ebr);
    // the registers around each product and after each table read went into the MULT18X18D and DP16KD
    expect(e.packed).toBe(PACKED);
    expect(e.used.TRELLIS_FF).toBeLessThan(e.ffs);
    // every port on a pin of its own
    expect(e.pins).toBe(ioBits(block));
    expect(e.fmaxMHz).toBeGreaterThan(0);
    for (const l of synthesisText(s)) console.log(l);
    bare = e;
  });

  it('more I/O bits than the package has pins: through the Fmax harness, the block\'s counts those of the bare-pin run, the pack hook\'s netlist placed', async () => {
    expect(bare, 'the bare-pin run of the test before').toBeDefined();
    const seen: string[][] = [];
    const r = await measureEcp5(rtl, block.module, {
      freqMhz: 100,
      ioBits: ECP5_PART.pins + 1,
      pack: (netlist) => {
        // the design's modules (the cell library's come as blackboxes)
        const modules = (netlist as { modules: Record<string, { attributes?: { blackbox?: string } }> }).modules;
        seen.push(Object.keys(modules).filter((m) => !modules[m]!.attributes?.blackbox));
        return { netlist, note: 'identity' };
      },
    });
    const h = harnessFor(readFileSync(rtl, 'utf8'), block.module);
    expect(r.harness).toBe(true);
    expect(r.harnessRegisters).toBe(h.registers);
    expect(r.harnessRegisters).toBeGreaterThan(0);
    expect(r.fmaxMHz).toBeGreaterThan(0);
    expect(r.pins).toBe(4);
    expect(r.constraint).toBe(
      '--freq 100 (MHz, timing-driven placement), --seed 1, pins placed by the tool; through the Fmax harness e5_harness ' +
        `(the block's 366 I/O bits > 365 pins of the CABGA381; 4 pins clk, rstn, sin, sout; ${h.registers} harness registers in the placed design, ` +
        "not in the block's counts; register-to-register paths only, see generator/measure/harness.ts)",
    );
    // the block's cells alone, exactly those of the bare-pin run; the harness registers are placed beside them
    const counts = (x: Ecp5Entry | typeof r) => ({ luts: x.luts, ffs: x.ffs, carry: x.carry, ebr: x.ebr, dsp: x.dsp, cells: x.cells });
    expect(counts(r)).toEqual(counts(bare!));
    // every flip-flop of the block and of the harness placed: none merged across the two
    expect(r.used.TRELLIS_FF).toBe(r.ffs + h.registers);
    expect(r.used.DP16KD).toBe(r.ebr);
    // the hook saw the flattened harness netlist, once, and its note is recorded
    expect(seen).toEqual([['e5_harness']]);
    expect(r.packed).toBe('identity');
    console.log(
      `ecp5: ${block.module}: bare pins ${bare!.luts} LUT4, ${bare!.ffs} FF, ${bare!.fmaxMHz} MHz (${bare!.used.TRELLIS_COMB} TRELLIS_COMB); ` +
        `harness ${r.luts} LUT4, ${r.ffs} FF (+ ${r.harnessRegisters} harness registers), ${r.fmaxMHz} MHz (${r.used.TRELLIS_COMB} TRELLIS_COMB); ` +
        `yosys ${r.seconds.yosys} s, nextpnr ${r.seconds.nextpnr} s`,
    );
  });

  it('fails on a module that is not there, with Yosys\'s message', async () => {
    await expect(measureEcp5(rtl, 'no_such_module', { freqMhz: 100 })).rejects.toThrow(/synth_ecp5 failed[\s\S]*no_such_module/);
  });
});
