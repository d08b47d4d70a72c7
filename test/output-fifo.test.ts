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
import { lint, requireTool } from '../generator/evidence/runner.js';
import { spawnSync } from 'node:child_process';
import { fileNames } from '../generator/block/files.js';
import { fifoReadBanks, outputFifoDepth } from '../generator/hardware/archs/fifo.js';
import { delayModel } from '../generator/pipeline/delay.js';
import { makeStreamPlan } from '../generator/hardware/archs/stream.js';
import { cfg, generateTo, rejection, tmp } from './helpers.js';

const FIFO = { device: 'ecp5', targetMHz: 200, outputFifo: true };
/** At 150 MHz the ECP5 FIFO's read fits a stage: no banks (fifoReadBanks). */
const FIFO150 = { ...FIFO, targetMHz: 150 };

/** The beats of the output FIFO in a block's RTL: one memory, or the banks of one lane. */
function fifoBeats(rtl: string): { fd: number; banks: number } {
  const one = /reg {2}\[\d+:0\] fifo_mem \[0:(\d+)\];/.exec(rtl);
  if (one) return { fd: Number(one[1]) + 1, banks: 0 };
  // (the lanes' banks, in order: the first lane's are those before fifo_mem0 comes again)
  const all = [...rtl.matchAll(/reg {2}\[\d+:0\] fifo_mem(\d+) \[0:(\d+)\];/g)];
  const again = all.findIndex((m, i) => i > 0 && m[1] === '0');
  const banks = again < 0 ? all : all.slice(0, again);
  return { fd: banks.reduce((a, m) => a + Number(m[2]) + 1, 0), banks: banks.length };
}

describe('outputFifo: bit-exact under stalls, latency as planned, one vector per clock, lint clean', () => {
  for (const m of METHODS) {
    it(`${m.name} on ecp5 at 200 MHz: no clock enable in the pipeline, the FIFO read through a register per bank, three cycles more than without the FIFO`, () => {
      const base = { n: 4, method: { name: m.name }, verify: { vectors: 200, seed: 11 } };
      const config = cfg({ ...base, name: `of_${m.name.replace(/-/g, '_')}`, pipeline: FIFO });
      const { block, dir } = generateTo(config);
      expect(block.plan.latency).toBe(makePlan(cfg({ ...base, pipeline: { ...FIFO, outputFifo: false } })).latency + 3);
      const rtl = block.files.get(fileNames(block.module).rtl)!;
      // no register of the block or of its lanes waits on an enable
      expect(rtl).not.toMatch(/\bce\b|ce_next/);
      // the FIFO holds at least every vector in flight before the head register, in banks of 16 beats
      // (at least two)
      const { fd, banks } = fifoBeats(rtl);
      expect(fd).toBe(outputFifoDepth(block.plan.latency));
      expect(banks).toBe(Math.max(2, fd / 16));
      expect(fd).toBeGreaterThanOrEqual(block.plan.latency);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.beats).toBe(400);
      expect(r.phase0Cycles).toBe(200);
      expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    });
  }

  it('ecp5 at 150 MHz: the FIFO read in one cycle, two cycles more than without the FIFO', () => {
    const base = { n: 4, method: { name: 'rexp' }, verify: { vectors: 200, seed: 11 } };
    const config = cfg({ ...base, name: 'of_rexp150', pipeline: FIFO150 });
    const { block, dir } = generateTo(config);
    expect(block.plan.latency).toBe(makePlan(cfg({ ...base, pipeline: { ...FIFO150, outputFifo: false } })).latency + 2);
    const rtl = block.files.get(fileNames(block.module).rtl)!;
    expect(fifoBeats(rtl)).toEqual({ fd: outputFifoDepth(block.plan.latency), banks: 0 });
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(r.phase0Cycles).toBe(200);
  });

  it('the banks: where the model reads the FIFO slower than the period less the slack (ECP5 5.44 ns)', () => {
    const ecp5 = delayModel('ecp5');
    expect([5, 6, 1000 / 150].map((p) => fifoReadBanks(ecp5, p, 64))).toEqual([4, 4, 0]);
    expect([16, 32, 48, 64, 128].map((d) => fifoReadBanks(ecp5, 5, d))).toEqual([2, 2, 3, 4, 8]);
    expect(fifoReadBanks(delayModel('ice40'), 2, 64)).toBe(0);
  });

  it('a 48-beat FIFO in three banks and a 32-beat one in two: bit-exact under stalls, one vector per clock', () => {
    for (const [name, n, method] of [['of_b2', 2, 'lut2d'], ['of_b3', 16, 'rexp']] as const) {
      const config = cfg({ name, n, method: { name: method }, pipeline: FIFO, verify: { vectors: 150, seed: 4 } });
      const { block, dir } = generateTo(config);
      const { fd, banks } = fifoBeats(block.files.get(fileNames(block.module).rtl)!);
      expect([fd, banks]).toEqual(name === 'of_b2' ? [32, 2] : [48, 3]);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.phase0Cycles).toBe(150);
      expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    }
  });

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
    const config = cfg({ name, n: 4, pipeline: name.startsWith('of_bank') ? FIFO : FIFO150, verify: { vectors: 120, seed: 3 } });
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

  it('banks: a write counted before its bank\'s read register holds it: the head takes a stale beat', () => {
    const r = broken('of_bank_early', (rtl) => rtl.replaceAll('reg         fifo_wr_c;\n  always @(posedge aclk) fifo_wr_c <= aresetn & fifo_wr;', 'wire        fifo_wr_c = fifo_wr;'));
    expect(r.problem).toMatch(/^(MISMATCH|FAIL)/);
  });

  it('the head register loading while the sink stalls: beats are lost', () => {
    const r = broken('of_noready', (rtl) => rtl.replace('wire        load = fifo_nonempty & (~head_valid | m_ready);', 'wire        load = fifo_nonempty;'));
    expect(r.problem).toMatch(/^(MISMATCH|FAIL)/);
  });
});

/** A stream block with pipeline.outputFifo and the same block without it. */
function streamPair(name: string, stream: { lanes: number; maxN: number }, method: Record<string, unknown>, pipeline: Record<string, unknown>, vectors = 24, extra: Record<string, unknown> = {}) {
  const base = { n: undefined, arch: 'stream', stream, method, verify: { vectors, seed: 5 }, ...extra };
  const on = generateTo(cfg({ ...base, name, pipeline: { ...pipeline, outputFifo: true } }));
  const off = makeStreamPlan(cfg({ ...base, name: `${name}_off`, pipeline }));
  return { ...on, off };
}

describe('outputFifo in a stream block: pass C without a clock enable, bit-exact under stalls, full throughput', () => {
  const cases: [string, { lanes: number; maxN: number }, Record<string, unknown>, Record<string, unknown>][] = [
    ['sof_p4', { lanes: 4, maxN: 64 }, { name: 'rexp', addressing: 'normalized' }, { device: 'ecp5', targetMHz: 150 }],
    ['sof_p1', { lanes: 1, maxN: 16 }, { name: 'lut2d', addressing: 'linear' }, { device: 'ecp5', targetMHz: 200 }],
    ['sof_p16', { lanes: 16, maxN: 200 }, { name: 'exact' }, { device: 'ice40', targetMHz: 100 }],
  ];
  for (const [name, stream, method, pipeline] of cases) {
    it(`${name}: P = ${stream.lanes}, maxN ${stream.maxN}, ${method.name as string} on ${pipeline.device as string}: seven cycles more than the skid register, beside pass C's own`, () => {
      const { block, dir, off } = streamPair(name, stream, method, pipeline);
      const sp = block.stream!.sp;
      // pass C's own registers may differ (no skid select to allow for); the FIFO's write adds a cycle,
      // the datapaths of passes B and C, each a cycle behind the pass's decisions, one each, and the
      // row's max and sum, seen two cycles later by passes B and C, two each
      const passC = (x: typeof sp) => x.parts.expC.cycles + x.parts.pc.cycles;
      expect(sp.latencyConst - passC(sp)).toBe(off.latencyConst - passC(off) + 7);
      expect(off.fifoDepth).toBeUndefined();
      const rtl = block.files.get(fileNames(block.module).rtl)!;
      // no clock enable in pass C, no skid register
      expect(rtl).not.toMatch(/\bce\b|\bs_v\b|\bc_ce\b/);
      // the FIFO holds every beat in pass C with a sink that is always ready (its credits)
      const fd = Number(/reg {2}\[\d+:0\] fifo_mem \[0:(\d+)\];/.exec(rtl)![1]) + 1;
      expect(fd).toBe(sp.fifoDepth);
      expect(fd).toBe(outputFifoDepth(sp.parts.expC.cycles + sp.parts.pc.cycles + 7));
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.stream!.inputCycles).toBe(sp.throughputCycles);
      expect(r.stream!.outputCycles).toBe(sp.throughputCycles);
      expect(lint(join(dir, `${block.module}.v`), block.module)).toEqual([]);
    });
  }

  /** The sof_p4 block with its FIFO set to `fd` beats and its credits to `cap`, simulated. */
  const brokenStream = (name: string, size: (fd: number) => [number, number]) => {
    const { block, dir } = streamPair(name, { lanes: 4, maxN: 64 }, { name: 'rexp', addressing: 'normalized' }, { device: 'ecp5', targetMHz: 150 });
    const file = join(dir, fileNames(block.module).rtl);
    const rtl = readFileSync(file, 'utf8');
    const faw = Number(/localparam FAW = (\d+);/.exec(rtl)![1]);
    const [fd, cap] = size(block.stream!.sp.fifoDepth!);
    const changed = rtl
      .replace(/fifo_mem \[0:\d+\];/, `fifo_mem [0:${fd - 1}];`)
      .replace(/(fifo_[wr]p) == \d+'d\d+ \?/g, (_m, ptr) => `${ptr} == ${faw}'d${fd - 1} ?`)
      .replace(/CAPACITY = \d+'d\d+;/, `CAPACITY = ${faw + 1}'d${cap};`)
      .replace(/CAPACITY_LESS1 = \d+'d\d+;/, `CAPACITY_LESS1 = ${faw + 1}'d${cap - 1};`);
    expect(changed).not.toBe(rtl);
    writeFileSync(file, changed);
    return simulateBlock(block, dir);
  };
  it('credits for more than the FIFO holds: beats are overwritten under stalls', () => {
    const r = brokenStream('sof_over', (fd) => [fd, fd + 8]);
    expect(r.problem).toMatch(/difference|MISMATCH|FAIL/);
  });
  it('credits for fewer beats than pass C holds: the throughput drops', () => {
    const { block } = streamPair('sof_probe', { lanes: 4, maxN: 64 }, { name: 'rexp', addressing: 'normalized' }, { device: 'ecp5', targetMHz: 150 });
    const inFlight = block.stream!.sp.parts.expC.cycles + block.stream!.sp.parts.pc.cycles + 7;
    const r = brokenStream('sof_few', (fd) => [fd, inFlight - 1]);
    expect(r.problem).toMatch(/s_axis_tready low in phase 0 .*not 4 elements per clock/);
  });
});

/**
 * The flip-flop bits of each net of a block after Yosys's generic synthesis up to its fine mapping
 * (flattened; equal flip-flops merged), by hierarchical name, from the block's RTL text.
 */
function netBits(rtl: string, top: string): Record<string, string> {
  const dir = tmp();
  writeFileSync(join(dir, 'b.v'), rtl);
  const r = spawnSync(requireTool('yosys', 'yosys'), ['-q', '-p', `read_verilog b.v; synth -flatten -top ${top} -run :fine; opt_clean; write_json net.json`], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  const nets = (JSON.parse(readFileSync(join(dir, 'net.json'), 'utf8')) as { modules: Record<string, { netnames: Record<string, { bits: unknown[] }> }> }).modules[top]!.netnames;
  return Object.fromEntries(Object.entries(nets).map(([k, v]) => [k, JSON.stringify(v.bits)]));
}

describe('outputFifo in a stream block: registers that synthesis keeps apart (Yosys)', () => {
  it("each lane keeps its own delayed copies of the shift amount's bits; merged without the keep", () => {
    const P = 4;
    const { block } = streamPair('sof_keep', { lanes: P, maxN: 64 }, { name: 'rexp', addressing: 'normalized' }, { device: 'ecp5', targetMHz: 150 }, 4);
    const rtl = block.files.get(fileNames(block.module).rtl)!;
    const names = [...new Set([...rtl.matchAll(/\(\* keep \*\) always @\(posedge aclk\) (shf_a\d+_d\d+) <= /g)].map((m) => m[1]!))];
    expect(names.length).toBeGreaterThan(3);
    const distinct = (bits: Record<string, string>) => names.map((n) => new Set(Array.from({ length: P }, (_, g) => bits[`g_lane[${g}].${n}`])).size);
    expect(distinct(netBits(rtl, block.module))).toEqual(names.map(() => P));
    // the same RTL without the keep: every lane reads one copy
    expect(distinct(netBits(rtl.replace(/\(\* keep \*\) always/g, 'always'), block.module))).toEqual(names.map(() => 1));
  });

  it('with a clock enable in pass C: kept apart from 16 lanes on (model.laneDelaysApartFrom), merged at 8', () => {
    for (const P of [16, 8]) {
      const config = cfg({ name: `sce_p${P}`, n: undefined, arch: 'stream', stream: { lanes: P, maxN: 64 }, method: { name: 'rexp', addressing: 'normalized' }, pipeline: { device: 'ecp5', targetMHz: 150 }, verify: { vectors: 4, seed: 5 } });
      const { block } = generateTo(config);
      const rtl = block.files.get(fileNames(block.module).rtl)!;
      const names = [...new Set([...rtl.matchAll(/ reg \[0:0\] (shf_a\d+_d\d+);/g)].map((m) => m[1]!))];
      expect(names.length).toBeGreaterThan(3);
      const bits = netBits(rtl, block.module);
      const distinct = names.map((n) => new Set(Array.from({ length: P }, (_, g) => bits[`g_lane[${g}].${n}`])).size);
      expect(distinct).toEqual(names.map(() => (P === 16 ? P : 1)));
    }
  });

  it("a LUT piece of a product reads operand copies of its own, apart from the DSP pieces' input registers", () => {
    const fmt16 = { input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' } };
    const { block } = streamPair('sof_lutp', { lanes: 2, maxN: 16 }, { name: 'rexp' }, { device: 'ecp5', targetMHz: 150 }, 4, fmt16);
    const rtl = block.files.get(fileNames(block.module).rtl)!;
    // (the 16-bit formats: 24 x 22 products, a DSP piece and LUT pieces of 4 and 6 bits)
    const own = [...rtl.matchAll(/ reg \[\d+:0\] (mul_[ab]\d\d_l);/g)].map((m) => m[1]!);
    expect(own.length).toBeGreaterThan(0);
    const shared = (bits: Record<string, string>) => {
      const dsp = new Set(Object.entries(bits).filter(([k]) => /^g_lane\[0\]\.mul_p\d\d_[ab]reg$/.test(k)).map(([, v]) => v));
      expect(dsp.size).toBeGreaterThan(0);
      // (flip-flop bits are numbers; constant bits are strings)
      const dspBits = new Set([...dsp].flatMap((d) => (JSON.parse(d) as unknown[]).filter((b) => typeof b === 'number')));
      return own.filter((n) => (JSON.parse(bits[`g_lane[0].${n}`]!) as unknown[]).some((b) => typeof b === 'number' && dspBits.has(b)));
    };
    expect(shared(netBits(rtl, block.module))).toEqual([]);
    // the copies without their clear: merged with the DSP's input registers
    const plain = rtl.replace(/if \(!aresetn\) (mul_[ab]\d\d_l) <= \d+'d0; else /g, '');
    expect(plain).not.toBe(rtl);
    expect(shared(netBits(plain, block.module)).length).toBeGreaterThan(0);
  });
});

describe('outputFifo: config', () => {
  const err = (pipeline: Record<string, unknown>, extra: Record<string, unknown> = {}) => rejection({ pipeline, ...extra });
  it('rejects a non-boolean, the output slice beside it, and a one-pass stream block, naming the key', () => {
    expect(err({ outputFifo: 'yes' })).toMatchObject({ key: 'pipeline.outputFifo', message: expect.stringContaining('allowed: true or false') });
    expect(err({ outputFifo: true, outputSlice: true })).toMatchObject({ key: 'pipeline.outputSlice', message: expect.stringContaining('allowed: false with pipeline.outputFifo') });
    const stream = { n: undefined, arch: 'stream', stream: { lanes: 2, maxN: 8 } };
    expect(err({ outputFifo: true }, stream)).toBeNull();
    // the one-pass stream block (an online sum) keeps its skid register
    const online = { ...stream, input: { width: 8, frac: 4, scale: Math.LN2 }, method: { name: 'softermax', online: true } };
    expect(err({ outputFifo: true }, online)).toMatchObject({ key: 'pipeline.outputFifo', message: expect.stringContaining("allowed: false with arch stream and method softermax's online sum") });
    expect(err({ outputFifo: false }, online)).toBeNull();
    expect(err({ outputFifo: true })).toBeNull();
  });
  it('the resolved config writes outputFifo only when it is on', () => {
    const on = generateTo(cfg({ name: 'of_cfg', pipeline: { outputFifo: true } })).block;
    expect(JSON.parse(on.files.get('config.json')!).pipeline.outputFifo).toBe(true);
    const off = generateTo(cfg({ name: 'of_cfg0' })).block;
    expect(JSON.parse(off.files.get('config.json')!).pipeline).not.toHaveProperty('outputFifo');
  });
});
