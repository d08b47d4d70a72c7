/**
 * The Fmax harness (generator/measure/harness.ts): port parsing, the exact harness text of a small block,
 * Verilator -Wall lint and Yosys synthesis of the harness with the block, and a place and route
 * through it. Verilator, Yosys and nextpnr-ice40 are required: without them these tests fail with
 * the install hint, they never skip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalConst, harnessFor, harnessRegisters, harnessVerilog, lintHarness, parsePorts } from '../generator/measure/harness.js';
import { requireTool, run } from '../generator/evidence/runner.js';
import { STA_FLOW, synthesize } from '../generator/measure/synth.js';
import { ROOT } from '../generator/core/version.js';
import { tmp } from './helpers.js';

/** A small lint-clean AXI4-Stream-like block: comments, a width expression, output reg. */
const STUB = `\`timescale 1ns / 1ps
\`default_nettype none
module stub (
  input  wire             aclk,
  input  wire             aresetn,
  /* two elements of 3 bits */
  input  wire [2*3-1:0]   s_axis_tdata, // element i at [i*3 +: 3]
  input  wire             s_axis_tvalid,
  output wire             s_axis_tready,
  output reg  [3:0]       m_axis_tdata,
  output reg              m_axis_tvalid,
  input  wire             m_axis_tready
);
  assign s_axis_tready = ~m_axis_tvalid | m_axis_tready;
  always @(posedge aclk)
    if (!aresetn) begin
      m_axis_tvalid <= 1'b0;
      m_axis_tdata <= 4'd0;
    end else if (s_axis_tready) begin
      m_axis_tvalid <= s_axis_tvalid;
      m_axis_tdata <= {1'b0, s_axis_tdata[2:0]} + {1'b0, s_axis_tdata[5:3]};
    end
endmodule
\`default_nettype wire
`;

/** Its harness, exactly. */
const STUB_HARNESS = `// stub_harness: Fmax harness of stub (generator/measure/harness.ts). Pins: clk, rstn, sin, sout.
// Block inputs (8 bits) from a serial-in chain fed by sin; block outputs (6 bits) registered and
// XOR-reduced into sout, four bits into one per registered level (2 levels). Its Fmax times the
// block's register-to-register paths and its port paths between harness registers, not pads or reset.
\`timescale 1ns / 1ps
\`default_nettype none

module stub_harness (
  input  wire clk,
  input  wire rstn,
  input  wire sin,
  output wire sout
);

  // serial-in chain: chain[0] takes sin, every register drives one block input bit and the next
  // register takes its inverse, so that no chain register has the D input of a block register that
  // samples the port (Yosys would merge the two, and the block's first logic would read the chain)
  reg  [7:0] chain;
  always @(posedge clk) chain <= {~chain[6:0], sin};

  wire dut_s_axis_tready;
  wire [3:0] dut_m_axis_tdata;
  wire dut_m_axis_tvalid;

  stub dut (
    .aclk(clk),
    .aresetn(rstn),
    .s_axis_tdata(chain[5:0]),
    .s_axis_tvalid(chain[6]),
    .m_axis_tready(chain[7]),
    .s_axis_tready(dut_s_axis_tready),
    .m_axis_tdata(dut_m_axis_tdata),
    .m_axis_tvalid(dut_m_axis_tvalid)
  );

  // output registers (level 0 of the XOR tree)
  reg  [5:0] x0;
  always @(posedge clk) begin
    x0[0] <= dut_s_axis_tready;
    x0[4:1] <= dut_m_axis_tdata;
    x0[5] <= dut_m_axis_tvalid;
  end

  // XOR tree level 1: bit i is the XOR of bits 4i..4i+3 of level 0
  reg  [1:0] x1;
  always @(posedge clk) begin
    x1[0] <= ^x0[3:0];
    x1[1] <= ^x0[5:4];
  end

  // XOR tree level 2: bit i is the XOR of bits 4i..4i+3 of level 1
  reg  [0:0] x2;
  always @(posedge clk) begin
    x2[0] <= ^x1[1:0];
  end

  assign sout = x2[0];

endmodule

\`default_nettype wire
`;

function stubFile(): string {
  const file = join(tmp(), 'stub.v');
  writeFileSync(file, STUB);
  return file;
}

describe('harness ports', () => {
  it('reads the ANSI header: directions, widths from constant expressions, comments skipped', () => {
    expect(parsePorts(STUB, 'stub')).toEqual([
      { dir: 'input', name: 'aclk', width: 1 },
      { dir: 'input', name: 'aresetn', width: 1 },
      { dir: 'input', name: 's_axis_tdata', width: 6 },
      { dir: 'input', name: 's_axis_tvalid', width: 1 },
      { dir: 'output', name: 's_axis_tready', width: 1 },
      { dir: 'output', name: 'm_axis_tdata', width: 4 },
      { dir: 'output', name: 'm_axis_tvalid', width: 1 },
      { dir: 'input', name: 'm_axis_tready', width: 1 },
    ]);
  });
  it('reads a name list, signed, reg and little-endian ranges; refuses what it cannot read', () => {
    const rtl = 'module m (input wire clk, input signed [0:7] a, b, output reg [(2+1)*4-1:0] q, r);\nendmodule';
    expect(parsePorts(rtl, 'm').map((p) => `${p.dir} ${p.name} ${p.width}`)).toEqual(['input clk 1', 'input a 8', 'input b 8', 'output q 12', 'output r 12']);
    expect(() => parsePorts(rtl, 'other')).toThrow('module other with a port list was not found');
    expect(() => parsePorts('module m (inout wire x);', 'm')).toThrow('inout port x is not supported');
    expect(() => parsePorts('module m (input wire [W-1:0] x);', 'm')).toThrow('"W" is not a number');
    expect(evalConst('16*8-1')).toBe(127);
    expect(evalConst('(4+4)*(2-1)/3%2')).toBe(0);
  });
  it('reads the ports of the generated stream and parallel blocks', () => {
    const stream = parsePorts(readFileSync(join(ROOT, 'generated/softmax_stream_p4_n1024/softmax_stream_p4_n1024.v'), 'utf8'), 'softmax_stream_p4_n1024');
    expect(stream.map((p) => `${p.dir} ${p.name} ${p.width}`)).toEqual([
      'input aclk 1', 'input aresetn 1', 'input s_axis_tdata 32', 'input s_axis_tuser 4', 'input s_axis_tlast 1', 'input s_axis_tvalid 1',
      'output s_axis_tready 1', 'output m_axis_tdata 32', 'output m_axis_tuser 4', 'output m_axis_tlast 1', 'output m_axis_tvalid 1', 'input m_axis_tready 1',
    ]);
    const par = parsePorts(readFileSync(join(ROOT, 'generated/softmax_rexp_norm_n16/softmax_rexp_norm_n16.v'), 'utf8'), 'softmax_rexp_norm_n16');
    expect(par.map((p) => `${p.dir} ${p.name} ${p.width}`)).toEqual([
      'input aclk 1', 'input aresetn 1', 'input s_axis_tdata 128', 'input s_axis_tvalid 1',
      'output s_axis_tready 1', 'output m_axis_tdata 128', 'output m_axis_tvalid 1', 'input m_axis_tready 1',
    ]);
    // 130 chain registers, output levels 130 + 33 + 9 + 3 + 1
    expect(harnessRegisters(par)).toBe(130 + 130 + 33 + 9 + 3 + 1);
  });
});

describe('harness text', () => {
  it('is exactly the expected Verilog for the small block: 4 pins, the chain, the registered XOR tree', () => {
    const h = harnessFor(STUB, 'stub');
    expect(h.name).toBe('stub_harness');
    expect(h.pins).toEqual(['clk', 'rstn', 'sin', 'sout']);
    expect(h.text).toBe(STUB_HARNESS);
    // 8 chain registers, output levels 6 + 2 + 1
    expect(h.registers).toBe(17);
  });
  it('leaves the rstn pin out for a block without a reset port, and refuses a block without a clock', () => {
    const ports = parsePorts(STUB, 'stub').filter((p) => p.name !== 'aresetn');
    const text = harnessVerilog('stub', ports);
    expect(text).toContain('module stub_harness (\n  input  wire clk,\n  input  wire sin,\n  output wire sout\n);');
    expect(text).not.toContain('rstn');
    expect(() => harnessVerilog('stub', ports, { clock: 'clk' })).toThrow('stub: no clock input "clk"');
  });
});

describe('harness lint and synthesis', () => {
  it('lints clean under verilator --lint-only -Wall with the block, and a broken harness does not', () => {
    const file = stubFile();
    expect(lintHarness(file, STUB_HARNESS, 'stub')).toEqual([]);
    // the check is not vacuous: a harness that leaves a chain bit unused is flagged
    const broken = STUB_HARNESS.replace('.m_axis_tready(chain[7])', '.m_axis_tready(1\'b1)');
    expect(lintHarness(file, broken, 'stub').join('\n')).toMatch(/%Warning-UNUSED/);
  });
  it('lints clean around a generated stream block', () => {
    const file = join(ROOT, 'generated/softmax_stream_p4_n1024/softmax_stream_p4_n1024.v');
    const h = harnessFor(readFileSync(file, 'utf8'), 'softmax_stream_p4_n1024');
    expect(lintHarness(file, h.text, 'softmax_stream_p4_n1024')).toEqual([]);
  });
  it('synthesises with Yosys, every harness register kept', () => {
    const file = stubFile();
    const dir = join(file, '..');
    writeFileSync(join(dir, 'stub_harness.v'), STUB_HARNESS);
    const yosys = requireTool('yosys', 'yosys');
    const r = run(yosys, ['-q', '-p', `read_verilog ${file} ${join(dir, 'stub_harness.v')}; synth_ice40 -noflatten -top stub_harness; tee -q -o stat.txt stat`], dir, 120_000);
    expect(r.status, r.stderr).toBe(0);
    const stat = readFileSync(join(dir, 'stat.txt'), 'utf8');
    // the harness module's own cells: its 17 registers, and LUTs for the XOR tree only
    const own = stat.slice(stat.indexOf('=== stub_harness ==='), stat.indexOf('=== design hierarchy ==='));
    expect(own).toMatch(/SB_DFF +17\n/);
    expect(own).toMatch(/stub +1\n/);
  });
  it('places and routes a block through the harness when its I/O bits exceed the pins', async () => {
    const file = stubFile();
    // the stub has 16 I/O bits; told 300, it exceeds the HX8K-ct256's 206 pins
    const r = await synthesize({ rtl: file, top: 'stub', ioBits: 300, pnr: { freqMhz: 100, seed: 1 } });
    expect(r.pnr).toMatchObject({ fits: true, device: 'iCE40HX8K', package: 'ct256', flow: 'yosys synth_ice40 -noflatten', harness: true, harnessRegisters: 17, ioCells: 4 });
    expect(r.pnr!.fits && r.pnr!.constraint).toContain("through the Fmax harness stub_harness (the block's 300 I/O bits > 206 pins; 4 pins clk, rstn, sin, sout; 17 harness registers");
    // the block's own counts: the harness is not in them
    expect(r.ice40.ffs).toBe(5);
    // the Xilinx estimate on the hierarchical netlist, flattened
    expect(r.xilinx).toMatchObject({ flow: 'yosys synth_xilinx -abc9', staFlow: STA_FLOW });
    expect(r.xilinx.staPs).toBeGreaterThan(0);
    expect(r.ice40Dsp).toBeUndefined();
  });
});
