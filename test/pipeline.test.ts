/**
 * The pipelining knobs trade latency for Fmax and change nothing else: every setting simulates
 * bit-exactly with the latency the plan states (the testbench checks the latency of every beat),
 * and lints clean. Icarus and Verilator are required: without them these tests fail, never skip.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderRtl } from '../generator/hardware/render.js';
import { lint, requireTool, run } from '../generator/evidence/runner.js';
import { cfg, generateTo } from './helpers.js';
import { validateConfig } from '../generator/config/config.js';
import { ConfigError } from '../generator/core/errors.js';
import { METHODS } from '../generator/numerics/methods/index.js';
import { makePlan } from '../generator/hardware/plan.js';
import { simulateBlock } from '../generator/block/verify.js';

// the paper's methods, every addressing (methods added later have their own tests)
const methods = METHODS.filter((m) => m.name === 'rexp' || m.name === 'lut2d').flatMap((m) => m.addressings.map((a) => [m.name, a] as const));

describe('pipeline registers: bit-exact, latency as planned, lint clean', () => {
  for (const [name, addressing] of methods) {
    it(`${name} ${addressing}: expAddrRegister and laneRegister each put in their register, at most one cycle more`, () => {
      const base = { n: 5, method: { name, addressing }, verify: { vectors: 200, seed: 3 } };
      const p0 = makePlan(cfg(base));
      const pe = makePlan(cfg({ ...base, pipeline: { expAddrRegister: true } }));
      const pl = makePlan(cfg({ ...base, pipeline: { laneRegister: true } }));
      // the delay model re-packs the stages after a forced register, so it may cost no cycle at all
      expect(pe.latency - p0.latency).toBeOneOf([0, 1]);
      expect(pl.latency - p0.latency).toBeOneOf([0, 1]);
      expect(renderRtl(pe)).toMatch(/reg \[\d+:0\] d_q;/);
      expect(renderRtl(pl)).toMatch(name === 'rexp' ? /reg \[\d+:0\] mul_q;/ : /reg \[\d+:0\] a2d_q;/);
      expect(renderRtl(p0)).not.toMatch(/\bd_q\b|mul_q|a2d_q/);
      const config = cfg({ ...base, name: `pp_${name}_${addressing}`, pipeline: { expAddrRegister: true, laneRegister: true, treeLevelsPerStage: 1 } });
      const { block, dir } = generateTo(config);
      expect(block.plan.latency - makePlan(cfg({ ...base, pipeline: { treeLevelsPerStage: 1 } })).latency).toBeOneOf([0, 1, 2]);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.beats).toBe(400);
      expect(r.phase0Cycles).toBe(200);
      expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    });
  }

  for (const m of METHODS) {
    it(`outputSlice with ${m.name}: one more cycle, full throughput, bit-exact under stalls, lint clean`, () => {
      const base = { n: 4, method: { name: m.name }, verify: { vectors: 200, seed: 5 } };
      const config = cfg({ ...base, name: `os_${m.name.replace(/-/g, '_')}`, pipeline: { outputSlice: true } });
      const { block, dir } = generateTo(config);
      expect(block.plan.latency).toBe(makePlan(cfg(base)).latency + 1);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.beats).toBe(400);
      expect(r.phase0Cycles).toBe(200);
      expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    });
  }

  // With the clock held still, toggle m_axis_tready while the output holds a beat: s_axis_tready
  // must not follow it when the slice or the FIFO is on (it comes from a register), and does without.
  const readyFollows = (outputSlice: boolean, device = 'ice40', outputFifo = false): boolean => {
    const config = cfg({ name: `rdy_${outputSlice ? 'slice' : outputFifo ? 'fifo' : 'plain'}_${device}`, n: 2, pipeline: { outputSlice, device, outputFifo } });
    const { block, dir } = generateTo(config);
    const L = block.plan.latency;
    writeFileSync(
      join(dir, 'harness.v'),
      `\`timescale 1ns / 1ps
module harness;
  reg aclk = 0, aresetn = 0, s_valid = 0, m_ready = 0;
  wire s_ready, m_valid;
  wire [15:0] m_data;
  ${config.name} dut (.aclk(aclk), .aresetn(aresetn), .s_axis_tdata(16'h0102), .s_axis_tvalid(s_valid), .s_axis_tready(s_ready),
    .m_axis_tdata(m_data), .m_axis_tvalid(m_valid), .m_axis_tready(m_ready));
  integer i;
  reg r0, r1;
  initial begin
    for (i = 0; i < 3; i = i + 1) begin #5 aclk = 1; #5 aclk = 0; end
    aresetn = 1; s_valid = 1;
    for (i = 0; i < ${L + 4}; i = i + 1) begin #5 aclk = 1; #5 aclk = 0; end
    if (!m_valid) begin $display("NO OUTPUT"); $finish; end
    m_ready = 0; #1 r0 = s_ready;
    m_ready = 1; #1 r1 = s_ready;
    $display("FOLLOWS %0d", r0 != r1);
    $finish;
  end
endmodule
`,
    );
    const comp = run(requireTool('iverilog', 'iverilog'), ['-g2005', '-o', 'h.vvp', 'harness.v', `${config.name}.v`], dir, 60_000);
    expect(comp.status, comp.stderr + comp.stdout).toBe(0);
    const sim = run(requireTool('vvp', 'iverilog'), ['-n', 'h.vvp'], dir, 60_000);
    const m = /FOLLOWS (\d)/.exec(sim.stdout);
    expect(m, sim.stdout).not.toBeNull();
    return m![1] === '1';
  };

  it('outputSlice, outputFifo: s_axis_tready does not follow m_axis_tready combinationally (without the slice it does)', () => {
    expect(readyFollows(false)).toBe(true);
    expect(readyFollows(true)).toBe(false);
    // on ecp5 the slice's clock enable is a register of its own
    expect(readyFollows(false, 'ecp5')).toBe(true);
    expect(readyFollows(true, 'ecp5')).toBe(false);
    // with the output FIFO, s_axis_tready is a credit count's register
    expect(readyFollows(false, 'ecp5', true)).toBe(false);
  });

  it('the default RTL does not mention the knobs; switching them on shows them in the header', () => {
    const v0 = renderRtl(makePlan(cfg()));
    expect(v0).not.toMatch(/laneRegister|expAddrRegister|outputSlice|\bd_q\b|mul_q|ob_count/);
    const v1 = renderRtl(makePlan(cfg({ pipeline: { laneRegister: true, expAddrRegister: true } })));
    expect(v1).toContain('"laneRegister": true');
    expect(v1).toContain('"expAddrRegister": true');
    expect(v1).toContain('d_q <= d;');
    expect(v1).toMatch(/mul_q <= mul\w*;/);
  });

  it('rejects non-boolean values naming the key', () => {
    for (const [key, value] of [
      ['laneRegister', 1],
      ['expAddrRegister', 'yes'],
      ['outputSlice', 'on'],
    ] as const) {
      let err: unknown;
      try {
        validateConfig({ name: 'x', n: 4, input: { width: 8 }, output: { width: 8 }, method: { name: 'rexp' }, pipeline: { [key]: value } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).key).toBe(`pipeline.${key}`);
      expect((err as ConfigError).message).toContain('allowed: true or false');
    }
  });
});
