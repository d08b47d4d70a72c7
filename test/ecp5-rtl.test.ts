/**
 * Blocks pipelined for pipeline.device ecp5 (generator/pipeline/delay.ts): the RTL written for the
 * ECP5 flow (a block RAM output register after every table read, comparisons as a subtraction's
 * sign, lanes kept as modules of their own, the clock enable from its own register with the output
 * slice, no synchronous clear on long delayed copies) simulates bit-exactly under stalls with the
 * latency its plan states, and lints clean. Icarus and Verilator are required: these tests fail,
 * never skip, without them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../generator/numerics/methods/index.js';
import { makePlan } from '../generator/hardware/plan.js';
import { simulateBlock } from '../generator/block/verify.js';
import { lint } from '../generator/evidence/runner.js';
import { fileNames } from '../generator/block/files.js';
import { cfg, generateTo } from './helpers.js';

const ECP5 = { device: 'ecp5', targetMHz: 200, outputSlice: true };

describe('ecp5 RTL: bit-exact under stalls, latency as planned, lint clean', () => {
  for (const m of METHODS) {
    it(`parallel ${m.name} at 200 MHz with the output slice`, () => {
      const config = cfg({ name: `e5_${m.name.replace(/-/g, '_')}`, n: 4, method: { name: m.name }, pipeline: ECP5, verify: { vectors: 200, seed: 9 } });
      const { block, dir } = generateTo(config);
      const rtl = block.files.get(fileNames(block.module).rtl)!;
      // the clock enable is a register; the lanes keep their hierarchy
      expect(rtl).toMatch(/^ {2}reg {13}ce;$/m);
      expect(rtl).toMatch(/\(\* keep_hierarchy \*\)\nmodule e5_\w+_lane \(\n  input  wire aclk,\n  input  wire ce_next,/);
      // each lane keeps its own copy of the enable, loaded from the block's next value
      expect(rtl).toContain('  reg ce;\n  always @(posedge aclk) ce <= ce_next;');
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.beats).toBe(400);
      expect(r.phase0Cycles).toBe(200);
      expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    });
  }

  it('16-bit formats: products wider than 18 x 18 as DSP-sized partial products and an adder tree', () => {
    const config = cfg({ name: 'e5_w16', n: 4, input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp' }, pipeline: ECP5, verify: { vectors: 200, seed: 4 } });
    const { block, dir } = generateTo(config);
    const rtl = block.files.get(fileNames(block.module).rtl)!;
    // every product written with `*` fits one MULT18X18D: operands of at most 18 bits, products of at most 36
    const widths = [
      ...[...rtl.matchAll(/wire \[(\d+):0\] \w+_m = .* \* /g)].map((m) => Number(m[1]) + 1),
      ...[...rtl.matchAll(/assign \w+_m\[g\*(\d+) \+: \d+\] = .* \* /g)].map((m) => Number(m[1])),
    ];
    expect(widths.length).toBeGreaterThanOrEqual(3);
    for (const w of widths) expect(w).toBeLessThanOrEqual(36);
    // the 20 x 22 lane product: one 18 x 18 DSP piece, the narrow pieces in LUTs
    expect(rtl).toContain('wire [35:0] mul_p00_m = {18\'d0, mul_p00_areg');
    expect(rtl).not.toMatch(/mul_p01_m = .* \* /);
    // the interpolated reciprocal leaves its carry chain too late for the route to every lane's
    // register (model.fanoutRoute): a register before the fan-out, which the lanes read
    expect(rtl).toContain('  reg [21:0] r_f;\n  always @(posedge aclk) if (ce) r_f <= r;');
    expect(rtl).toContain('.r_f(r_f)');
    expect(block.plan.schedule!.stages.some((st) => st.what.includes('normalisation: register before the fan-out'))).toBe(true);
    // the route out of the block RAM row (model.hardOutRoute) takes the cycle after the table's
    // output register: the exponent's LUT reads its delayed copy, so the DSP's input register reads
    // that LUT with time for the route into the MULT18X18D (model.dspInputRoute), no fabric register
    // between (before hardOutRoute: the LUT right after the output register, then e0_m_p00_af)
    expect(rtl).toContain('wire [19:0] e0_hi_e = {(e0_hi_or_d1[0 +: 20] &');
    expect(rtl).toMatch(/wire \[17:0\] e0_m_p00_a = e0_m_a00;\n\s+reg \[17:0\] e0_m_p00_areg;/);
    expect(rtl).not.toContain('e0_m_p00_af');
    // the slope table's output register read by a MULT18X18D: the route out of the block RAM row
    // and into the DSP row do not fit one cycle, so a fabric register between (model.dspInputRoute)
    expect(rtl).toMatch(/reg \[12:0\] n_dm_af;\n\s+always @\(posedge aclk\) if \(ce\) n_dm_af <= sl_lut_or;\n\s+wire \[12:0\] n_dm_a = n_dm_af;/);
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(r.beats).toBe(400);
    expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
  });

  it('a 24 x 26 exponent product and a 24 x 22 lane product take one MULT18X18D each (the fmt16 widths)', () => {
    // expWidth 24, as the 16-bit formats get at n = 64: pieces 18 x 18 on a DSP, 18 x 8, 6 x 18 and
    // 6 x 8 in LUTs (model.dspLutSide), so that 64 lanes need 128 of the LFE5U-85F's 156
    const config = cfg({ name: 'e5_w24', n: 3, input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp', expWidth: 24 }, pipeline: { device: 'ecp5', targetMHz: 150 }, verify: { vectors: 120, seed: 5 } });
    const { block, dir } = generateTo(config);
    const rtl = block.files.get(fileNames(block.module).rtl)!;
    expect(rtl).toContain('one 24x26 product per element');
    expect(rtl).toContain('product 24x22 -> 46 bits');
    const dsps = [...rtl.matchAll(/(?:wire \[\d+:0\] |assign )(\w+)_m(?:\[g\*\d+ \+: \d+\])? = \{.* \* /g)].map((m) => m[1]);
    // the exponent (a vector of the three lanes), the lane product, the reciprocal's interpolation
    expect(dsps).toEqual(['n_dm', 'e0_m_p00', 'mul_p00']);
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(r.beats).toBe(240);
    expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
  });

  it('stream rexp, 4 lanes: bit-exact under stalls, lint clean', () => {
    const config = cfg({ name: 'e5_stream', n: undefined, arch: 'stream', stream: { lanes: 4, maxN: 64 }, pipeline: { device: 'ecp5', targetMHz: 150 }, verify: { vectors: 24, seed: 2 } });
    const { block, dir } = generateTo(config);
    // the exponent table (16 bits here): a memory per lane, read by that lane in pass B and in pass C
    // (the two ports of one true-dual-port DP16KD); a wider one keeps its top bits in a function
    const rtl = block.files.get(fileNames(block.module).rtl)!;
    expect(rtl).toContain('(* ram_style = "block" *)\n      reg [16-1:0] rom [0:256-1];');
    expect([...rtl.matchAll(/ q <= g_exp_lut_rom\[g\]\.rom\[([bc])_d_d1\[/g)].map((m) => m[1])).toEqual(['b', 'c']);
    expect(rtl).not.toMatch(/\bexp_lut\(/);
    // pass C's row end loads its count from two reads at register addresses, kept apart (shared, the
    // read port's address multiplexer put the skid register's enable before the distributed RAM)
    expect(rtl).toMatch(/\(\* keep \*\) wire \[\d+:0\] c_cnt_next = q2c\[q2_rn\];\n\s+\(\* keep \*\) wire \[\d+:0\] c_cnt_this = q2c\[q2_r\];/);
    expect(rtl).toMatch(/if \(c_row\) c_rem <= c_cnt_next;\n\s+else if \(c_go\) c_rem <= c_rem - \S+;\n\s+else if \(c_fresh\) c_rem <= c_cnt_this;/);
    // the running sum's adder reads its register alone; the row's last beat clears it
    expect(rtl).toMatch(/wire \[SW-1:0\] b_new = b_acc \+ /);
    // store 2's count picks one of its next values (registers of their own) by the passes' enables
    // (an m2_dn or m2_up left unchanged fails the testbench: MISMATCH, or a timeout)
    expect(rtl).toContain('wire m2_inc = b_go & ~c_go;');
    expect(rtl).toMatch(/end else if \(m2_inc\) begin\n\s+m2_cnt <= m2_up; m2_up <= m2_up \+ \S+; m2_dn <= m2_cnt;/);
    expect(rtl).not.toMatch(/m2_cnt <= m2_cnt \+/);
    // the counters read the enable's own copy (c_ce, kept equal to ~s_v; a copy left at its reset
    // value fails the testbench), not the skid register that drives every register of pass C
    expect(rtl).toContain('wire c_go = c_ce & c_has;');
    expect(rtl).toContain('c_ce <= o_load | ~(s_v | ');
    const ice40 = cfg({ name: 'i4_stream', n: undefined, arch: 'stream', stream: { lanes: 4, maxN: 64 }, pipeline: { device: 'ice40', targetMHz: 150 } });
    expect(generateTo(ice40).block.files.get('i4_stream.v')).not.toContain('_rom');
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
  });
});

describe('ecp5 RTL: a coefficient registered before its fan-out to every lane', () => {
  it('stream, 16-bit formats, 2 lanes at 150 MHz: r and shamt registered in pass C, bit-exact, lint clean', () => {
    const raw = { n: undefined, arch: 'stream', stream: { lanes: 2, maxN: 16 }, input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp' }, verify: { vectors: 24, seed: 3 } };
    const config = cfg({ ...raw, name: 'e5_sfan', pipeline: { device: 'ecp5', targetMHz: 150 } });
    const { block, dir } = generateTo(config);
    const rtl = block.files.get(fileNames(block.module).rtl)!;
    expect(rtl).toContain('  reg [21:0] r_f;\n  always @(posedge aclk) if (ce) r_f <= r;');
    expect(rtl).toContain('  reg [4:0] shamt_f;\n  always @(posedge aclk) if (ce) shamt_f <= shamt;');
    // the lanes read the registered copies only
    expect(rtl).toMatch(/mul_b00 = r_f\[/);
    expect(rtl).not.toMatch(/mul_b\d\d = r\[/);
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    // ice40 (no fan-out route in its model): no such register
    const ice = generateTo(cfg({ ...raw, name: 'i4_sfan', pipeline: { device: 'ice40', targetMHz: 150 } })).block;
    expect(ice.files.get('i4_sfan.v')).not.toMatch(/reg \[21:0\] r_f;/);
  });
});

describe('ecp5 RTL: what the flow asks of the text', () => {
  const rtlOf = (pipeline: Record<string, unknown>) => {
    const { block } = generateTo(cfg({ name: 'e5t', pipeline }));
    return { rtl: block.files.get(fileNames(block.module).rtl)!, plan: block.plan };
  };
  it('every table read is followed by a register that only takes its data (for DP16KD OUTREG)', () => {
    const { rtl } = rtlOf(ECP5);
    const reads = [...rtl.matchAll(/^\s*reg \[(\d+):0\] (\w+)_or;\n\s*always @\(posedge aclk\) if \(ce\) \2_or <= \2;$/gm)].map((m) => m[2]);
    // the default block: the exponent table (lanes' vector) and the reciprocal table
    expect(reads).toEqual(['e0', 'r_lut']);
    expect(rtlOf({ device: 'ice40', targetMHz: 200 }).rtl).not.toMatch(/_or\b/);
  });
  it('the max tree compares by the sign of b - a, not with a > b', () => {
    const { rtl } = rtlOf(ECP5);
    expect(rtl).toContain('wire [8:0] b_minus_a = {b[7], b} - {a[7], a};');
    expect(rtl).not.toMatch(/\(a > b\)/);
    expect(rtlOf({ device: 'ice40', targetMHz: 200 }).rtl).toMatch(/\(a > b\) \? a : b/);
  });
  it('no synchronous clear on long delayed copies (no shift-register primitive to keep out on ECP5)', () => {
    expect(rtlOf(ECP5).rtl).not.toMatch(/if \(!aresetn\) \w+_d\d+ <=/);
    expect(rtlOf({ device: 'xc7', targetMHz: 200 }).rtl).toMatch(/if \(!aresetn\) \w+_d\d+ <=/);
  });
  it('the plan fits every stage estimate in the 5 ns period at 200 MHz', () => {
    const p = makePlan(cfg({ name: 'e5p', pipeline: ECP5 }));
    for (const st of p.schedule!.stages) expect(st.estimateNs, `stage ${st.cycle}: ${st.what.join(', ')}`).toBeLessThanOrEqual(5 * 0.85 + 1e-9);
    // 29 before the route out of DSP and block RAM rows (model.hardOutRoute) counted: 2 cycles more
    expect(p.latency).toBe(31);
  });
});

describe('ecp5 RTL: the row stores are never read where they are written in the same cycle (no_rw_check)', () => {
  type Store = { label: string; write: string; wa: string; read: string; ra: string };
  /**
   * The stream block's testbench with a monitor beside it, through hierarchical names: a read whose
   * data is used, at the address written in the same cycle, ends the simulation with FAIL; the first
   * cycle that writes and reads a store at different addresses prints MONITOR, so the monitor is seen
   * to watch. `edit` changes the RTL first.
   */
  const watched = (name: string, raw: Record<string, unknown>, stores: Store[], edit = (v: string) => v) => {
    const config = cfg({ name, n: undefined, arch: 'stream', pipeline: { device: 'ecp5', targetMHz: 150 }, ...raw });
    const { block, dir } = generateTo(config);
    const names = fileNames(block.module);
    const rtl = readFileSync(join(dir, names.rtl), 'utf8');
    expect(rtl.match(/^ {2}\(\* no_rw_check \*\)/gm)).toHaveLength(stores.length);
    const changed = edit(rtl);
    writeFileSync(join(dir, names.rtl), changed);
    const monitor = stores.flatMap((s, i) => [
      `  reg seen${i} = 1'b0;`,
      `  always @(posedge aclk) if (aresetn && dut.${s.write} && dut.${s.read}) begin`,
      `    if (dut.${s.wa} == dut.${s.ra}) $fatal(1, "FAIL: ${s.label} read where it is written, in one cycle");`,
      `    else if (!seen${i}) begin seen${i} = 1'b1; $display("MONITOR ${s.label}: written and read in one cycle"); end`,
      `  end`,
    ]);
    const tb = readFileSync(join(dir, names.tb), 'utf8');
    const at = tb.lastIndexOf('endmodule');
    writeFileSync(join(dir, names.tb), `${tb.slice(0, at)}${monitor.join('\n')}\n${tb.slice(at)}`);
    // the block as generated lints clean (the marks and the running max as the ecp5 model writes them)
    if (changed === rtl) expect(lint(join(dir, names.rtl), block.module)).toEqual([]);
    return { r: simulateBlock(block, dir), changed: changed !== rtl };
  };
  const twoPass: Store[] = [
    { label: 'row store 1', write: 'a_take', wa: 'a_wp', read: 'b_go', ra: 'b_rp' },
    { label: 'row store 2', write: 'b_v1d', wa: 'b_wa2', read: 'c_go', ra: 'c_rp' },
  ];
  const stream = { stream: { lanes: 2, maxN: 48 }, verify: { vectors: 40, seed: 6 } };

  it('two passes: store 1 (pass A writes, B reads) and store 2 (B writes, C reads)', () => {
    const { r } = watched('nrw2', stream, twoPass);
    expect(r.problem).toBeUndefined();
    expect(r.stdout).toContain('MONITOR row store 1: written and read in one cycle');
    expect(r.stdout).toContain('MONITOR row store 2: written and read in one cycle');
  });

  it('one pass (online sum): store 1 (pass A writes, C reads)', () => {
    const raw = { ...stream, input: { width: 8, frac: 4, scale: Math.LN2 / 16 }, method: { name: 'softermax', online: true } };
    const { r } = watched('nrw1', raw, [{ label: 'row store 1', write: 'a_take', wa: 'a_wp', read: 'c_go', ra: 'c_rp' }]);
    expect(r.problem).toBeUndefined();
    expect(r.stdout).toContain('MONITOR row store 1: written and read in one cycle');
  });

  it('the monitor fails a store that may fill up: pass A let write into the beat pass B is reading', () => {
    const { r, changed } = watched('nrw_bad', stream, twoPass, (v) => v.replace(/a_ready <= \(m1_cnt < \d+'d(\d+)\)/, (_m, d) => `a_ready <= (m1_cnt < ${Number(d) + 1})`));
    expect(changed).toBe(true);
    expect(r.problem).toBe('FAIL: row store 1 read where it is written, in one cycle');
  });

  it('only the ecp5 model marks the stores', () => {
    const { block } = generateTo(cfg({ name: 'nrw_ice', n: undefined, arch: 'stream', ...stream }));
    expect(block.files.get(fileNames(block.module).rtl)!).not.toContain('no_rw_check');
  });
});
