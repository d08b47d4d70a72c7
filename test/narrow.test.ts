/**
 * Two ways a wide block spends less of a mid-size FPGA: pipeline.ramDelays (the long delayed copies,
 * a lane's e waiting for the coefficients, in distributed RAM rather than chains of registers) and
 * method.expLoWidth (a narrower low table of the range-reduced exponent, so that its product takes one
 * MULT18X18D side). The first must simulate bit-exactly and fail when its read address is one off;
 * the second must keep the error bound the generator proves, and its config errors name the key.
 * Icarus and Verilator are required: without them these tests fail, never skip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateBlock } from '../generator/block/verify.js';
import { lint } from '../generator/evidence/runner.js';
import { fileNames } from '../generator/block/files.js';
import { makePlan } from '../generator/hardware/plan.js';
import { errorBound } from '../generator/numerics/bound.js';
import { planText } from '../generator/numerics/plan-text.js';
import { RAM_DELAY_MIN } from '../generator/hardware/archs/parallel.js';
import { cfg, generateTo, rejection } from './helpers.js';

const W16 = { input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' } };

describe('pipeline.ramDelays: long delayed copies in distributed RAM', () => {
  const base = { n: 3, ...W16, method: { name: 'rexp', expWidth: 24, expLoWidth: 18 }, verify: { vectors: 120, seed: 6 } };
  const pipelines = {
    fifo: { device: 'ecp5', targetMHz: 150, outputFifo: true, ramDelays: true },
    ce: { device: 'ecp5', targetMHz: 150, outputSlice: true, ramDelays: true },
  };
  for (const [kind, pipeline] of Object.entries(pipelines)) {
    it(`ecp5 at 150 MHz (${kind === 'fifo' ? 'output FIFO, no clock enable' : 'output slice, clock enable'}): the lane's e in a RAM, bit-exact, same latency, lint clean`, () => {
      const config = cfg({ ...base, name: `rd_${kind}`, pipeline });
      const { block, dir } = generateTo(config);
      const rtl = block.files.get(fileNames(block.module).rtl)!;
      // k - 1 cycles in the RAM, read into a register, then the last one a plain register
      const m = /reg \[23:0\] e_i_dm \[0:(\d+)\];[\s\S]*?e_i_dq <= e_i_dm\[e_i_rp\];\s*e_i_d(\d+) <= e_i_dq;/.exec(rtl);
      expect(m).not.toBeNull();
      const k = Number(m![2]);
      expect(k).toBeGreaterThanOrEqual(RAM_DELAY_MIN);
      expect(Number(m![1]) + 1).toBeGreaterThanOrEqual(k - 1);
      expect(rtl).toMatch(new RegExp(`e_i_rp <= e_i_wp - \\d+'d${k - 3};`));
      // no chain of registers for it, and the delays stay where they were
      expect(rtl).not.toMatch(/reg \[23:0\] e_i_d1;/);
      expect(block.plan.latency).toBe(makePlan(cfg({ ...base, pipeline: { ...pipeline, ramDelays: false } })).latency);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.beats).toBe(240);
      expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    });
  }

  it('the read address one word off fails the testbench', () => {
    const config = cfg({ ...base, name: 'rd_off', pipeline: pipelines.fifo });
    const { block, dir } = generateTo(config);
    const file = join(dir, fileNames(block.module).rtl);
    const rtl = readFileSync(file, 'utf8');
    const changed = rtl.replace(/e_i_rp <= e_i_wp - (\d+)'d(\d+);/, (_m, a, d) => `e_i_rp <= e_i_wp - ${a}'d${Number(d) + 1};`);
    expect(changed).not.toBe(rtl);
    writeFileSync(file, changed);
    expect(simulateBlock(block, dir).problem).toMatch(/^(MISMATCH|FAIL)/);
  });

  it('off by default and for ice40 blocks unless asked; rejected with arch stream, naming the key', () => {
    expect(generateTo(cfg({ ...base, name: 'rd_none', pipeline: { device: 'ecp5', targetMHz: 150 } })).block.files.get('rd_none.v')).not.toContain('_dm [');
    expect(rejection({ pipeline: { ramDelays: 1 } })).toMatchObject({ key: 'pipeline.ramDelays', message: expect.stringContaining('allowed: true or false') });
    expect(rejection({ n: undefined, arch: 'stream', stream: { lanes: 2, maxN: 8 }, pipeline: { ramDelays: true } })).toMatchObject({ key: 'pipeline.ramDelays', message: expect.stringContaining('allowed: false with arch stream') });
    expect(rejection({ pipeline: { ramDelays: true } })).toBeNull();
  });
});

describe('method.expLoWidth: the range-reduced exponent with a narrower low table', () => {
  it('the 16-bit formats at n = 64: an 18-bit low table keeps the proven bound of the default 26-bit one', () => {
    const raw = { name: 'lo', n: 64, ...W16, method: { name: 'rexp' } };
    const wide = makePlan(cfg(raw));
    const narrow = makePlan(cfg({ ...raw, method: { name: 'rexp', expLoWidth: 18 } }));
    expect(wide.mp.expLo!.width).toBe(26);
    expect(narrow.mp.expLo!.width).toBe(18);
    expect(narrow.mp.expLoFrac).toBe(17);
    expect(narrow.mp.expLo!.values[0]).toBe(2 ** 17);
    expect(planText(narrow).join('\n')).toContain('one 24x18 product per element');
    expect(errorBound(narrow).lsb).toBe(errorBound(wide).lsb);
    // two bits fewer and the bound grows: the generator proves what the narrower table costs
    expect(errorBound(makePlan(cfg({ ...raw, method: { name: 'rexp', expLoWidth: 16 } }))).lsb).toBeGreaterThan(errorBound(wide).lsb);
  });

  it('config errors name the key, the value and the allowed range', () => {
    expect(rejection({ method: { name: 'rexp', expLoWidth: 1 } })).toMatchObject({ key: 'method.expLoWidth' });
    expect(rejection({ method: { name: 'rexp', expLoWidth: 27 } })).toMatchObject({ key: 'method.expLoWidth' });
    expect(rejection({ method: { name: 'rexp', exp: 'direct', expLoWidth: 18 } })).toMatchObject({ key: 'method.expLoWidth', message: expect.stringContaining('allowed: only with method.exp reduced or auto') });
    expect(rejection({ method: { name: 'rexp', exp: 'reduced', expLoWidth: 12 } })).toBeNull();
  });
});
