/**
 * The long division of the exact and I-BERT lanes (generator/pipeline/stages.ts longDivide), as RTL:
 * every numerator and divisor of a small format through the pipelined divider in Icarus, against
 * floor(num / den). ice40 writes it restoring (a subtraction, then a multiplexer), ecp5 non-restoring
 * (one carry chain that adds or subtracts by the remainder's sign: model.nonRestoringDivide). Icarus
 * is required: these tests fail, never skip, without it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Pipe } from '../generator/pipeline/builder.js';
import { delayModel, type DeviceName } from '../generator/pipeline/delay.js';
import { longDivide } from '../generator/pipeline/stages.js';
import { requireTool, run } from '../generator/evidence/runner.js';

/** The divider of dw-bit divisors and qb quotient bits, pipelined for `device` at `mhz`, as a module. */
function divider(device: DeviceName, mhz: number, dw: number, qb: number): { text: string; latency: number } {
  const p = new Pipe({ model: delayModel(device), period: 1000 / mhz, ce: null, indent: 2 });
  const num = p.input('num', qb + dw, 0);
  const den = p.input('den', dw, 0);
  const q = longDivide(p, num, den, qb, 'divider');
  const out = p.at(q, q.cycle);
  // (aresetn: the synchronous clear of long delayed copies on ice40, model.shiftRegisterGuard)
  const text = [
    '`default_nettype none',
    'module div (',
    '  input  wire aclk,',
    '  input  wire aresetn,',
    `  input  wire [${qb + dw - 1}:0] num,`,
    `  input  wire [${dw - 1}:0] den,`,
    `  output wire [${qb - 1}:0] q`,
    ');',
    p.text(),
    `  assign q = ${out};`,
    'endmodule',
  ].join('\n');
  return { text, latency: q.cycle };
}

/** Every num < den * 2^qb for every den >= 1, one a clock; returns the testbench's report. */
function exhaustive(device: DeviceName, mhz: number, dw: number, qb: number): { text: string; stdout: string } {
  const iverilog = requireTool('iverilog', 'iverilog');
  const vvp = requireTool('vvp', 'iverilog');
  const d = divider(device, mhz, dw, qb);
  if (d.latency < 1) throw new Error('the divider should be pipelined at this clock');
  const W = qb + dw;
  const tb = [
    '`timescale 1ns / 1ps',
    '`default_nettype none',
    'module tb;',
    '  reg aclk = 0;',
    `  reg [${W - 1}:0] num = 0;`,
    `  reg [${dw - 1}:0] den = 1;`,
    `  wire [${qb - 1}:0] q;`,
    "  div dut (.aclk(aclk), .aresetn(1'b1), .num(num), .den(den), .q(q));",
    `  localparam L = ${d.latency};`,
    `  reg [${W - 1}:0] pn [0:L];`,
    `  reg [${dw - 1}:0] pd [0:L];`,
    '  integer k, t = 0, checked = 0, bad = 0, done = 0;',
    '  always #1 aclk = ~aclk;',
    '  always @(posedge aclk) begin',
    '    // q shows the pair that was on num and den L edges ago: pn[L-1] before this edge; den = 0 ends',
    '    if (t >= L) begin',
    '      if (pd[L-1] == 0) begin $display("CHECKED %0d BAD %0d", checked, bad); $finish; end',
    '      if (q !== pn[L-1] / pd[L-1]) begin',
    '        bad = bad + 1;',
    '        if (bad < 5) $display("MISMATCH num=%0d den=%0d q=%0d expected %0d", pn[L-1], pd[L-1], q, pn[L-1] / pd[L-1]);',
    '      end',
    '      checked = checked + 1;',
    '    end',
    '    for (k = L; k > 0; k = k - 1) begin pn[k] <= pn[k-1]; pd[k] <= pd[k-1]; end',
    '    pn[0] <= num; pd[0] <= den;',
    '    t = t + 1;',
    '    if (done) ;',
    `    else if (num + 1 < den * ${2 ** qb}) num <= num + 1;`,
    `    else if (den == ${2 ** dw - 1}) begin done = 1; den <= 0; num <= 0; end`,
    '    else begin den <= den + 1; num <= 0; end',
    '  end',
    'endmodule',
  ].join('\n');
  const work = mkdtempSync(join(tmpdir(), 'softmax-lut-div-'));
  writeFileSync(join(work, 'div.v'), d.text);
  writeFileSync(join(work, 'tb.v'), tb);
  const c = run(iverilog, ['-g2005', '-o', 'sim', 'tb.v', 'div.v'], work, 60_000);
  if (c.status !== 0) throw new Error(`iverilog: ${c.stderr}${c.stdout}`);
  const s = run(vvp, ['-n', 'sim'], work, 120_000);
  return { text: d.text, stdout: s.stdout };
}

// every num < den * 2^4 for den 1..31: 16 * (1 + ... + 31) pairs
const PAIRS = 16 * ((31 * 32) / 2);

describe('long division in RTL, every input of a small format', () => {
  it('ecp5: non-restoring, one carry chain per step, the quotient of every pair', () => {
    const r = exhaustive('ecp5', 200, 5, 4);
    expect(r.text).toContain("wire [7:0] dt3 = {nr0, nb3, 1'b1} + {{2'b0, den} ^ {7{~nr0[5]}}, ~nr0[5]};");
    expect(r.text).not.toMatch(/\? \{rem/);
    expect(r.stdout).toContain(`CHECKED ${PAIRS} BAD 0`);
  });
  it('ice40: restoring, the quotient of every pair', () => {
    const r = exhaustive('ice40', 100, 5, 4);
    expect(r.text).not.toContain('nr0');
    expect(r.stdout).toContain(`CHECKED ${PAIRS} BAD 0`);
  });
});
