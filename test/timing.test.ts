/**
 * Frequency-directed pipelining (generator/pipeline/): the builder places a register exactly where
 * the delay model says a stage would pass the clock period, delays operands read in later cycles,
 * and the plans follow the target. The Xilinx estimate's parser reads Yosys `sta`.
 */
import { describe, expect, it } from 'vitest';
import { Pipe, summarize } from '../generator/pipeline/builder.js';
import { delayModel, type DelayModel } from '../generator/pipeline/delay.js';
import { cfg } from './helpers.js';
import { validateConfig, DEFAULT_CONFIG } from '../generator/config/config.js';
import { ConfigError } from '../generator/core/errors.js';
import { parseSta } from '../generator/measure/synth.js';
import { romSplit } from '../generator/pipeline/rom.js';
import { makePlan } from '../generator/hardware/plan.js';

// a model with round numbers: a register costs 1 ns, a LUT level 2 ns
const toy: DelayModel = { ...delayModel('generic'), reg: 1, route: 1.5, lut: 0.5, romOut: 3, romSetup: 0.5 };

function chain(period: number, levels: number) {
  const p = new Pipe({ model: toy, period, ce: 'ce', indent: 0 });
  const x = p.input('x', 4, 0);
  let s = x;
  for (let i = 0; i < levels; i++) {
    const src = s;
    s = p.op({ name: `s${i}`, width: 4, deps: [src], delay: 2, levels: 1, what: `level ${i}`, code: (r) => `wire [3:0] s${i} = ~${r(src)};` });
  }
  return { p, x, s };
}

describe('pipeline builder', () => {
  it('fits as many 2 ns levels as the budget (period - register) holds, then starts a new cycle', () => {
    // 9 ns period: budget 8 ns, four levels per cycle
    const { p, s } = chain(9, 10);
    expect(s.cycle).toBe(2);
    expect(s.time).toBe(4);
    expect(summarize(p.log, toy.reg).map((x) => [x.cycle, x.estimateNs, x.levels])).toEqual([
      [0, 9, 4],
      [1, 9, 4],
      [2, 5, 2],
    ]);
    // 5 ns: two levels per cycle
    expect(chain(5, 10).s.cycle).toBe(4);
    // a single level longer than the budget still gets a cycle of its own
    expect(chain(2.5, 3).s.cycle).toBe(2);
  });

  it('reads an operand made in an earlier cycle through delayed copies, declared once', () => {
    const { p, x, s } = chain(5, 4); // two levels per cycle: s3 ends cycle 1 at 4 ns, the whole budget
    const t = p.op({ name: 't', width: 4, deps: [s, x], delay: 0.5, levels: 1, what: 'join', code: (r) => `wire [3:0] t = ${r(s)} & ${r(x)};` });
    const u = p.op({ name: 'u', width: 4, deps: [t, x], delay: 0.5, levels: 1, what: 'join', code: (r) => `wire [3:0] u = ${r(t)} | ${r(x)};` });
    expect([s.cycle, t.cycle, u.cycle]).toEqual([1, 2, 2]);
    const text = p.text();
    expect(text).toContain('wire [3:0] t = s3_d1 & x_d2;');
    expect(text).toContain('wire [3:0] u = t | x_d2;');
    expect(text.match(/reg \[3:0\] x_d2;/g)).toHaveLength(1);
    expect(text).toContain('always @(posedge aclk) if (ce) x_d1 <= x;');
    expect(text).toContain('always @(posedge aclk) if (ce) x_d2 <= x_d1;');
    // the registers the operations crossed: s1 -> s2 is the cycle boundary, s1 is read as s1_d1
    expect(text).toContain('wire [3:0] s2 = ~s1_d1;');
  });

  it('registers a ROM read, with the address straight from a register', () => {
    const p = new Pipe({ model: toy, period: 10, ce: null, indent: 0 });
    const a = p.input('a', 8, 0);
    const b = p.op({ name: 'b', width: 8, deps: [a], delay: 2, levels: 1, what: 'addr', code: (r) => `wire [7:0] b = ${r(a)} + 8'd1;` });
    const q = p.rom({ name: 'q', width: 4, addr: b, fn: 'tbl', what: 'rom' });
    // b arrives 2 ns into cycle 0, so the read waits for cycle 1: data in cycle 2, romOut into it
    expect([q.cycle, q.time]).toEqual([2, 3]);
    expect(p.text()).toContain('always @(posedge aclk) q <= tbl(b_d1);');
  });
});

describe('plans follow pipeline.targetMHz and pipeline.device', () => {
  const base = { name: 'tm', n: 8, method: { name: 'rexp' } };
  it('a faster target never takes fewer cycles, and every stage estimate fits the period where its operations can', () => {
    const lat = [];
    for (const mhz of [50, 100, 125, 150, 200]) {
      const p = makePlan(cfg({ ...base, pipeline: { targetMHz: mhz } }));
      lat.push(p.latency);
      const s = p.schedule!;
      // up to 125 MHz every operation fits a period; above, one max-tree level alone (6.2 ns) does not
      if (mhz <= 125) for (const st of s.stages) expect(st.estimateNs, `stage ${st.cycle} at ${mhz} MHz`).toBeLessThanOrEqual(1000 / mhz + 1e-9);
    }
    for (let i = 1; i < lat.length; i++) expect(lat[i]!).toBeGreaterThanOrEqual(lat[i - 1]!);
    expect(lat[0]!).toBeLessThan(lat[lat.length - 1]!);
  });

  it('ecp5: the max reaches 64 subtractions d = max - x over a longer route than 8 (model.maxFanoutRoute)', () => {
    const stage = (n: number) => makePlan(cfg({ n, pipeline: { device: 'ecp5', targetMHz: 150, outputFifo: true } })).schedule!.stages.find((st) => st.what.includes('d = max - x'))!;
    const m = delayModel('ecp5');
    // a stage of its own: the register, the subtraction's carry chain (9 bits), and at 64 the fan-out
    expect(stage(8).estimateNs).toBeCloseTo(m.reg + m.carry(9), 9);
    expect(stage(64).estimateNs).toBeCloseTo(m.reg + m.carry(9) + 2.4, 9);
  });

  it('the default block: 125 MHz on ice40, 22 cycles, as committed', () => {
    const p = makePlan(validateConfig(DEFAULT_CONFIG));
    expect(p.common.config.pipeline).toMatchObject({ targetMHz: 125, device: 'ice40' });
    expect(p.latency).toBe(22);
  });

  it('xc7 (6-input LUTs, DSP multipliers) pipelines the same block in fewer cycles than ice40', () => {
    const ice = makePlan(cfg({ ...base, pipeline: { targetMHz: 125, device: 'ice40' } }));
    const xc7 = makePlan(cfg({ ...base, pipeline: { targetMHz: 125, device: 'xc7' } }));
    expect(xc7.latency).toBeLessThan(ice.latency);
  });

  it('rejects a bad target or device with the key, the value and the allowed range', () => {
    const bad = (pipeline: Record<string, unknown>) => () => validateConfig({ ...DEFAULT_CONFIG, pipeline });
    expect(bad({ targetMHz: 5 })).toThrow(ConfigError);
    expect(bad({ targetMHz: 5 })).toThrow(/pipeline\.targetMHz.*5.*10\.\.1000/);
    expect(bad({ targetMHz: 'fast' })).toThrow(/pipeline\.targetMHz/);
    expect(bad({ device: 'ecp3' })).toThrow(/pipeline\.device.*ecp3.*ice40, ecp5, xc7, generic/);
  });
});

describe('Xilinx estimate', () => {
  it('reads the latest arrival time of Yosys sta', () => {
    expect(parseSta("...\nLatest arrival time in 'softmax_default' is 2040:\n    2040 $auto (FDRE.D)\n")).toBe(2040);
    expect(parseSta('no paths')).toBeNull();
  });
});

describe('tables laid out for the iCE40 block RAM word (pipeline/rom.ts)', () => {
  const ice = delayModel('ice40');
  it('the default reciprocal table, 512 x 9: 8 bits in RAM, the top bit set in the first 171 entries only', () => {
    const p = makePlan(validateConfig(DEFAULT_CONFIG));
    const recip = p.mp.tables.find((t) => t.name === 'recip_lut')!;
    expect(romSplit(recip, ice)).toEqual({ loWidth: 8, hiWidth: 1, hiEntries: 171, hiCodes: 1 });
    // the exponent table, 156 x 13, fits a 256 x 16 word as it is
    expect(romSplit(p.mp.expTable, ice)).toBeNull();
  });
  it('the stream exponent table, 233 x 20: 16 bits in RAM, 4 in the first 45 entries, 15 codes', () => {
    const p = makePlan(validateConfig({ ...DEFAULT_CONFIG, name: 's', n: 1024 }));
    expect(p.mp.expTable.values.length).toBe(233);
    expect(romSplit(p.mp.expTable, ice)).toEqual({ loWidth: 16, hiWidth: 4, hiEntries: 45, hiCodes: 15 });
  });
  it('splits nothing for a device without a RAM word model, a table whose top bits rise, or more than 4 top bits', () => {
    const t = { name: 't', width: 9, addrWidth: 9, values: Array.from({ length: 512 }, (_, k) => 511 - k) };
    expect(romSplit(t, ice)).toEqual({ loWidth: 8, hiWidth: 1, hiEntries: 256, hiCodes: 1 });
    expect(romSplit(t, delayModel('xc7'))).toBeNull();
    expect(romSplit({ ...t, values: t.values.map((v, k) => (k === 300 ? 511 : v)) }, ice)).toBeNull();
    expect(romSplit({ ...t, width: 13 }, ice)).toBeNull();
  });
});
