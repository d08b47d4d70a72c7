/**
 * pipeline.outputFifo: the pipeline runs without a clock enable, the valid bits travel beside the
 * data, and an output FIFO takes every vector in flight; s_axis_tready counts credits. Every method
 * simulates bit-exactly under stalls with the latency its plan states and one vector per clock when
 * the sink is always ready, and lints clean. The FIFO's own checks are shown to fail on broken FIFOs.
 * Icarus and Verilator are required: without them these tests fail, never skip.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHODS } from '../generator/numerics/methods/index.js';
import { makePlan } from '../generator/hardware/plan.js';
import { simulateBlock } from '../generator/block/verify.js';
import { lint } from '../generator/evidence/runner.js';
import { fileNames } from '../generator/block/files.js';
import { outputFifoDepth } from '../generator/hardware/archs/parallel.js';
import { cfg, generateTo, rejection } from './helpers.js';

const FIFO = { device: 'ecp5', targetMHz: 200, outputFifo: true };

describe('outputFifo: bit-exact under stalls, latency as planned, one vector per clock, lint clean', () => {
  for (const m of METHODS) {
    it(`${m.name} on ecp5 at 200 MHz: no clock enable in the pipeline, two cycles more than without the FIFO`, () => {
      const base = { n: 4, method: { name: m.name }, verify: { vectors: 200, seed: 11 } };
      const config = cfg({ ...base, name: `of_${m.name.replace(/-/g, '_')}`, pipeline: FIFO });
      const { block, dir } = generateTo(config);
      expect(block.plan.latency).toBe(makePlan(cfg({ ...base, pipeline: { ...FIFO, outputFifo: false } })).latency + 2);
      const rtl = block.files.get(fileNames(block.module).rtl)!;
      // no register of the block or of its lanes waits on an enable
      expect(rtl).not.toMatch(/\bce\b|ce_next/);
      // the FIFO holds at least every vector in flight before the head register
      const fd = Number(/reg {2}\[\d+:0\] fifo_mem \[0:(\d+)\];/.exec(rtl)![1]) + 1;
      expect(fd).toBe(outputFifoDepth(block.plan.latency));
      expect(fd).toBeGreaterThanOrEqual(block.plan.latency);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.beats).toBe(400);
      expect(r.phase0Cycles).toBe(200);
      expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    });
  }

  it('any device: ice40 RTL with the FIFO simulates bit-exactly too', () => {
    const config = cfg({ name: 'of_ice40', n: 6, pipeline: { device: 'ice40', targetMHz: 150, outputFifo: true }, verify: { vectors: 150, seed: 2 } });
    const { block, dir } = generateTo(config);
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(r.phase0Cycles).toBe(150);
    expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
  });

  it('the depth: the latency rounded up to 16', () => {
    expect([1, 16, 17, 26, 32, 33].map(outputFifoDepth)).toEqual([16, 16, 32, 32, 32, 48]);
  });
});

describe('outputFifo: the testbench catches a broken FIFO', () => {
  /** The block's RTL with one edit, simulated by its own testbench. */
  const broken = (name: string, edit: (rtl: string, latency: number) => string) => {
    const config = cfg({ name, n: 4, pipeline: FIFO, verify: { vectors: 120, seed: 3 } });
    const { block, dir } = generateTo(config);
    const file = join(dir, fileNames(block.module).rtl);
    const rtl = readFileSync(file, 'utf8');
    const changed = edit(rtl, block.plan.latency);
    expect(changed).not.toBe(rtl);
    writeFileSync(file, changed);
    return simulateBlock(block, dir);
  };
  /** The lanes' FIFO memories and pointer wraps set for `fd` beats, and the block's capacity to `cap`. */
  const sized = (rtl: string, fd: number, cap: number) => {
    const faw = Number(/localparam FAW {2}= (\d+);/.exec(rtl)![1]);
    return rtl
      .replace(/fifo_mem \[0:\d+\];/, `fifo_mem [0:${fd - 1}];`)
      .replace(/(fifo_[wr]p) == \d+'d\d+ \?/g, (_m, ptr) => `${ptr} == ${faw}'d${fd - 1} ?`)
      .replace(/CAPACITY {2}= \d+'d\d+;/, `CAPACITY  = ${faw + 1}'d${cap};`)
      .replace(/CAPACITY_LESS1 = \d+'d\d+;/, `CAPACITY_LESS1 = ${faw + 1}'d${cap - 1};`);
  };

  it('one beat too shallow for the vectors in flight: s_axis_tready drops while the sink is always ready', () => {
    const r = broken('of_shallow', (rtl, latency) => sized(rtl, latency - 1, latency));
    expect(r.problem).toMatch(/s_axis_tready low with the sink always ready/);
  });

  it('credits for more than the FIFO holds: beats are overwritten under stalls', () => {
    const r = broken('of_overfull', (rtl, latency) => sized(rtl, outputFifoDepth(latency), outputFifoDepth(latency) + 8));
    expect(r.problem).toMatch(/^(MISMATCH|FAIL)/);
  });

  it('the head register loading while the sink stalls: beats are lost', () => {
    const r = broken('of_noready', (rtl) => rtl.replace('wire        load = fifo_nonempty & (~head_valid | m_ready);', 'wire        load = fifo_nonempty;'));
    expect(r.problem).toMatch(/^(MISMATCH|FAIL)/);
  });
});

describe('outputFifo: config', () => {
  const err = (pipeline: Record<string, unknown>, extra: Record<string, unknown> = {}) => rejection({ pipeline, ...extra });
  it('rejects a non-boolean, the output slice beside it, and arch stream, naming the key', () => {
    expect(err({ outputFifo: 'yes' })).toMatchObject({ key: 'pipeline.outputFifo', message: expect.stringContaining('allowed: true or false') });
    expect(err({ outputFifo: true, outputSlice: true })).toMatchObject({ key: 'pipeline.outputSlice', message: expect.stringContaining('allowed: false with pipeline.outputFifo') });
    const stream = { n: undefined, arch: 'stream', stream: { lanes: 2, maxN: 8 } };
    expect(err({ outputFifo: true }, stream)).toMatchObject({ key: 'pipeline.outputFifo', message: expect.stringContaining('allowed: false with arch stream') });
    expect(err({ outputFifo: true })).toBeNull();
  });
  it('the resolved config writes outputFifo only when it is on', () => {
    const on = generateTo(cfg({ name: 'of_cfg', pipeline: { outputFifo: true } })).block;
    expect(JSON.parse(on.files.get('config.json')!).pipeline.outputFifo).toBe(true);
    const off = generateTo(cfg({ name: 'of_cfg0' })).block;
    expect(JSON.parse(off.files.get('config.json')!).pipeline).not.toHaveProperty('outputFifo');
  });
});
