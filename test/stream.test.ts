/**
 * Architecture 'stream': config errors, the stream golden model, and bit-exact simulation of stream
 * configs (P in {1, 4, 16} x maxN in {16, 1000, 4096}, every method and addressing) with masks,
 * partial beats, random stalls on both sides and the measured sustained throughput; then tests that
 * show each check can fail. Icarus is required: without it these tests fail, they never skip.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../generator/config/config.js';
import { ConfigError } from '../generator/core/errors.js';
import { modelTrace } from '../generator/numerics/model.js';
import { makeStreamPlan, streamModel } from '../generator/hardware/archs/stream.js';
import { cli, generateTo, tmp } from './helpers.js';
import { lint } from '../generator/evidence/runner.js';
import { streamSection, streamTable } from '../scripts/stream-table.js';
import { ROOT } from '../generator/core/version.js';
import { simulateBlock } from '../generator/block/verify.js';

const base = {
  name: 'st',
  arch: 'stream',
  stream: { lanes: 4, maxN: 64 },
  input: { width: 8, frac: 4 },
  output: { width: 8, frac: 8 },
  method: { name: 'rexp', addressing: 'normalized' },
};

function rejection(raw: Record<string, unknown>): ConfigError {
  try {
    validateConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('stream config', () => {
  it('rejects bad keys naming the key, the value and the allowed range', () => {
    const cases: [Record<string, unknown>, string, unknown, RegExp][] = [
      [{ ...base, stream: { lanes: 0, maxN: 64 } }, 'stream.lanes', 0, /1\.\.64/],
      [{ ...base, stream: { lanes: 65, maxN: 1024 } }, 'stream.lanes', 65, /1\.\.64/],
      [{ ...base, stream: { lanes: 4, maxN: 8193 } }, 'stream.maxN', 8193, /2\.\.8192/],
      [{ ...base, stream: { lanes: 4, maxN: 1 } }, 'stream.maxN', 1, /2\.\.8192/],
      [{ ...base, stream: { lanes: 32, maxN: 16 } }, 'stream.lanes', 32, /1\.\.16 \(at most stream.maxN\)/],
      [{ ...base, stream: { lanes: 4, maxN: 64, depth: 3 } }, 'stream.depth', 3, /unknown key/],
      [{ ...base, stream: undefined }, 'stream', undefined, /required with arch stream/],
      [{ ...base, n: 8 }, 'n', 8, /not used with arch stream/],
      [{ ...base, arch: 'parallel', n: 8 }, 'stream', { lanes: 4, maxN: 64 }, /only with arch stream/],
    ];
    for (const [raw, key, value, allowed] of cases) {
      const e = rejection(raw);
      expect(e.key, key).toBe(key);
      expect(e.value).toEqual(value);
      expect(e.allowed).toMatch(allowed);
    }
  });

  it('CLI: exit code 2 and nothing written', () => {
    const dir = tmp();
    const out = join(dir, 'o');
    const r = cli(['generate', '--set', 'arch=stream', '--set', 'stream.lanes=65', '--set', 'stream.maxN=1024', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stream.lanes = 65: allowed: an integer in 1..64');
    expect(existsSync(out)).toBe(false);
  });

  it('plans the row stores, latency and throughput from P and maxN', () => {
    const sp = makeStreamPlan(validateConfig({ ...base, stream: { lanes: 16, maxN: 1000 } }));
    expect(sp.maxBeats).toBe(63);
    expect(sp.throughputCycles).toBe(8 * 63);
    expect(sp.memoryBits).toBe((sp.depth1 + sp.depth2) * 16 * 9);
    expect(sp.latencyFormula).toBe(`2*ceil(len/16) + ${sp.latencyConst}`);
    expect(sp.plan.sw).toBe(sp.plan.ew + 10); // S of 1000 elements
  });
});

describe('README', () => {
  it('its table of stream blocks is what scripts/stream-table.ts computes now', () => {
    expect(streamSection(readFileSync(join(ROOT, 'README.md'), 'utf8'))).toBe(streamTable());
  });
});

describe('stream golden model', () => {
  const sp = makeStreamPlan(validateConfig(base));
  it('is the parallel model on the kept elements, 0 where masked', () => {
    const x = [5, -100, 30, 127, 0, -7];
    const keep = [true, true, false, false, true, true];
    const y = streamModel(sp, { x, keep });
    const yk = modelTrace(sp.plan, [5, -100, 0, -7]).y;
    expect(y).toEqual([yk[0], yk[1], 0, 0, yk[2], yk[3]]);
    // masked values do not matter
    expect(streamModel(sp, { x: [5, -100, -128, 99, 0, -7], keep })).toEqual(y);
  });
  it('gives all zeros for an all-masked row, and the one-element softmax for a single kept element', () => {
    expect(streamModel(sp, { x: [1, 2, 3], keep: [false, false, false] })).toEqual([0, 0, 0]);
    const y = streamModel(sp, { x: [1, 2, 3], keep: [false, true, false] });
    expect(y[0]).toBe(0);
    expect(y[2]).toBe(0);
    expect(y[1]).toBe(255); // 1.0 saturates at the largest 8-bit code
  });
});

function genSim(over: Record<string, unknown>) {
  const config = validateConfig({ ...base, ...over });
  return { ...generateTo(config), config };
}

const configs: [number, number, string, string, number][] = [
  // lanes, maxN, method, addressing, random rows
  [1, 16, 'rexp', 'linear', 60],
  [4, 16, 'lut2d', 'normalized', 60],
  [16, 16, 'rexp', 'normalized', 60],
  [1, 1000, 'lut2d', 'linear', 16],
  [4, 1000, 'rexp', 'normalized', 24],
  [16, 1000, 'lut2d', 'normalized', 24],
  [1, 4096, 'rexp', 'normalized', 8],
  [4, 4096, 'lut2d', 'linear', 10],
  [16, 4096, 'rexp', 'linear', 16],
  // the baselines are methods like the others: the stream architecture takes them unchanged
  [4, 64, 'hls4ml-like', 'top-bits', 30],
  [4, 40, 'hls4ml-like', 'default', 30],
  [2, 64, 'exact', 'divider', 30],
  // I-BERT: the computed exponent (no table), unrolled over three lanes in passes B and C
  [3, 50, 'ibert', 'divider', 30],
  // Softermax: the base-2 exponent (a constant multiplier, a fraction ROM and a shift) in both passes
  [2, 40, 'softermax', 'normalized', 30],
];

describe(`bit-exact simulation of ${configs.length + 1} stream configs (masks, partial beats, stalls, throughput)`, () => {
  for (const [lanes, maxN, method, addressing, rows] of configs) {
    it(`P=${lanes} maxN=${maxN} ${method} ${addressing}`, () => {
      const { block, dir } = genSim({
        name: `st_${lanes}_${maxN}_${method}_${addressing}`.replace(/-/g, "_"),
        stream: { lanes, maxN },
        method: { name: method, addressing },
        verify: { vectors: rows, seed: 11 },
      });
      const s = block.stream!;
      // the rows cover length 1, maxN and lengths that are not a multiple of P
      const lens = s.rows.map((r) => r.x.length);
      expect(lens).toContain(1);
      expect(lens).toContain(maxN);
      if (lanes > 1) expect(lens.some((l) => l % lanes !== 0)).toBe(true);
      expect(s.rows.some((r) => r.keep.every((k) => !k))).toBe(true);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.mismatches).toEqual([]);
      expect(r.beats).toBe(s.beatsIn.length);
      const cycles = 8 * Math.ceil(maxN / lanes);
      expect(r.stream!.inputCycles).toBe(cycles);
      expect(r.stream!.outputCycles).toBe(cycles);
      expect(r.stream!.elementsPerCycle).toBeGreaterThanOrEqual(0.98 * lanes);
    });
  }
  // pipeline.laneRegister: a register the delay model would not place (the keep bits, tlast and valid
  // wait for it); the lanes re-pack after it, so the latency grows by at most one cycle
  for (const [lanes, method, addressing] of [
    [1, 'rexp', 'normalized'],
    [4, 'rexp', 'linear'],
    [3, 'lut2d', 'normalized'],
    [4, 'lut2d', 'linear'],
  ] as const) {
    it(`P=${lanes} maxN=37 ${method} ${addressing} with laneRegister`, () => {
      const over = { stream: { lanes, maxN: 37 }, method: { name: method, addressing }, verify: { vectors: 40, seed: 12 } };
      const { block, dir } = genSim({ ...over, name: `stl_${lanes}_${method}_${addressing}`, pipeline: { laneRegister: true } });
      const plain = genSim({ ...over, name: `stp_${lanes}_${method}_${addressing}` }).block;
      expect(block.stream!.sp.latencyConst - plain.stream!.sp.latencyConst).toBeOneOf([0, 1]);
      expect(block.files.get(`${block.module}.v`)).toMatch(method === 'rexp' ? /reg \[\d+:0\] mul_q;/ : /reg \[\d+:0\] a2d_q;/);
      expect(plain.files.get(`${plain.module}.v`)).not.toMatch(/mul_q|a2d_q/);
      expect(block.stream!.rows.some((r) => r.keep.some((k) => !k) && r.keep.some((k) => k))).toBe(true);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.mismatches).toEqual([]);
      expect(r.beats).toBe(block.stream!.beatsIn.length);
      expect(lint(join(dir, `${block.module}.v`), block.module)).toEqual([]);
    });
  }
  it('other formats: P=3, 16-bit input, 6-bit output, a register after every tree level', () => {
    const { block, dir } = genSim({
      name: 'st_odd',
      stream: { lanes: 3, maxN: 50 },
      input: { width: 16, frac: 8 },
      output: { width: 6, frac: 5 },
      method: { name: 'lut2d', addressing: 'linear' },
      pipeline: { treeLevelsPerStage: 1 },
      verify: { vectors: 40, seed: 3 },
    });
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(r.stream!.inputCycles).toBe(8 * 17);
  });
});

describe('the stream checks can fail', () => {
  const small = { stream: { lanes: 4, maxN: 40 }, verify: { vectors: 30, seed: 2 } };

  it('a wrong expected value stops the testbench naming row, beat, lane, expected and got', () => {
    const { block, dir } = genSim({ name: 'stn1', ...small });
    const f = join(dir, 'stn1_exp.hex');
    const lines = readFileSync(f, 'utf8').split('\n');
    // output beat 3 (line 5, index 4) is beat 3 of row 0: flip bit 0 of lane 0
    const hex = lines[4]!;
    lines[4] = hex.slice(0, -1) + (parseInt(hex.slice(-1), 16) ^ 1).toString(16);
    writeFileSync(f, lines.join('\n'));
    const r = simulateBlock(block, dir);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/^MISMATCH: row 0, beat 3 \(output beat 3, line 5 of the vector files\), lane 0: expected \d+, got \d+/);
  });

  it('a missing beat file fails, though vvp would exit 0 on $readmemh errors', () => {
    const { block, dir } = genSim({ name: 'stn2', ...small });
    renameSync(join(dir, 'stn2_in.hex'), join(dir, 'moved.hex'));
    const r = simulateBlock(block, dir);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/could not read \d+ input beats/);
  });

  /** Replace a piece of a generated file, checking first that it is there. */
  function mutate(file: string, from: string | RegExp, to: string | ((...m: string[]) => string)) {
    const v = readFileSync(file, 'utf8');
    expect(v).toMatch(from);
    writeFileSync(file, v.replace(from, to as string));
  }

  it('RTL that lets masked lanes into the max is caught', () => {
    const { block, dir } = genSim({ name: 'stn3', ...small });
    mutate(
      join(dir, 'stn3.v'),
      "assign a_xm[g*IW +: IW] = s_axis_tuser[g] ? s_axis_tdata[g*IW +: IW] : {1'b1, {(IW-1){1'b0}}};",
      'assign a_xm[g*IW +: IW] = s_axis_tdata[g*IW +: IW];',
    );
    const r = simulateBlock(block, dir);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/^MISMATCH: row \d+, beat \d+ .*lane \d+: expected \d+, got \d+/);
  });

  for (const store of ['m1', 'm2'] as const) {
    it(`row store ${store} one beat shallower cannot sustain P per clock: the throughput check fails`, () => {
      const { block, dir } = genSim({ name: `stn4${store}`, ...small });
      const d = store === 'm1' ? block.stream!.sp.depth1 : block.stream!.sp.depth2;
      // the registered room flag leaves one beat for the cycle it is late by: one fewer is a shallower store
      mutate(join(dir, `stn4${store}.v`), new RegExp(`\\(${store}_cnt < (\\d+)'d${d - 1}\\)`), (_, w) => `(${store}_cnt < ${w}'d${d - 2})`);
      const r = simulateBlock(block, dir);
      expect(r.ok).toBe(false);
      expect(r.problem).toMatch(/s_axis_tready low in phase 0 .*not 4 elements per clock/);
    });
  }

  it('the Node runner compares every beat itself: a testbench that checks nothing still fails', () => {
    const { block, dir } = genSim({ name: 'stn5', ...small });
    mutate(join(dir, 'stn5_tb.v'), 'if (g_beat !== e_beat) begin', "if (1'b0) begin");
    // masked lanes no longer give 0
    mutate(join(dir, 'stn5.v'), /wire \[(\d+):0\] y_k = \S+\[g\] \? (\S+) : \d+'d0;/, (_, w, y) => `wire [${w}:0] y_k = ${y};`);
    const r = simulateBlock(block, dir);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/difference\(s\) from the golden model/);
    const m = r.stream!.mismatches[0]!;
    expect(m.lane).toEqual(expect.any(Number));
    expect(m.expected).toBe(0);
    expect(block.stream!.beatsOut[m.index]!.keep[m.lane as number]).toBe(false);
  });

  it('a wrong tlast is named as such', () => {
    const { block, dir } = genSim({ name: 'stn6', ...small });
    mutate(join(dir, 'stn6.v'), /l_out <= s_v \? s_l : c_l2\w*;/, "l_out <= 1'b0;");
    const r = simulateBlock(block, dir);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/^MISMATCH: row 0, beat \d+ .*: tlast expected 1, got 0/);
  });
});

describe('stream config limits', () => {
  it('rejects the parallel-only pipeline registers with arch stream', () => {
    for (const k of ['expAddrRegister', 'outputSlice']) {
      let err: unknown;
      try {
        validateConfig({ ...base, pipeline: { [k]: true } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).key).toBe(`pipeline.${k}`);
      expect((err as ConfigError).allowed).toMatch(/false with arch stream/);
    }
  });
});

/**
 * Softermax's online sum (method.online): one pass over the row finds its max and its sum, so the block
 * keeps one row store and reads the row once more, not twice (generator/hardware/templates/stream1.v.hbs).
 */
describe('one pass: the online sum in the stream architecture', () => {
  const LN2 = Math.LN2;
  const oneCases: [string, Record<string, unknown>, number][] = [
    ['P=4 maxN=64, 8.4 x ln 2 (granule 16)', { stream: { lanes: 4, maxN: 64 }, input: { width: 8, frac: 4, scale: LN2 } }, 30],
    ['P=1 maxN=20, 5.0 x ln 2 (granule 1)', { stream: { lanes: 1, maxN: 20 }, input: { width: 5, frac: 0, scale: LN2 } }, 30],
    [
      'P=3 maxN=50, expFracBits 2 (t rounded), a register after every tree level',
      { stream: { lanes: 3, maxN: 50 }, input: { width: 8, frac: 4, scale: LN2 }, method: { name: 'softermax', online: true, expFracBits: 2 }, pipeline: { treeLevelsPerStage: 1 } },
      30,
    ],
    ['P=5 maxN=5 (one beat a row), 6.2 x ln 2 (granule 4)', { stream: { lanes: 5, maxN: 5 }, input: { width: 6, frac: 2, scale: LN2 } }, 30],
    ['P=2 maxN=6, 3.3 x ln 2 (a granule of 8 codes, wider than half the codes)', { stream: { lanes: 2, maxN: 6 }, input: { width: 3, frac: 3, scale: LN2 } }, 30],
    ['P=2 maxN=30, exact with exp pow2', { stream: { lanes: 2, maxN: 30 }, input: { width: 8, frac: 4, scale: LN2 }, method: { name: 'exact', exp: 'pow2', online: true } }, 30],
  ];
  for (const [label, over, rows] of oneCases) {
    it(`${label}: bit-exact, at full throughput, with one row store`, () => {
      const name = `st1_${label.split(',')[0]!.replace(/[^a-z0-9]/gi, '_')}`;
      const { block, dir } = genSim({ name, method: { name: 'softermax', online: true }, verify: { vectors: rows, seed: 13 }, ...over });
      const sp = block.stream!.sp;
      expect(sp.rowPasses).toBe(1);
      expect(sp.depth2).toBe(0);
      expect(block.files.get(`${block.module}.v`)).not.toMatch(/\bm2\b/);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.mismatches).toEqual([]);
      const cycles = 8 * Math.ceil(sp.maxN / sp.lanes);
      expect(r.stream!.inputCycles).toBe(cycles);
      expect(r.stream!.outputCycles).toBe(cycles);
      expect(lint(join(dir, `${block.module}.v`), block.module)).toEqual([]);
    });
  }
  it('saves a row store and a row of latency against the same block in two passes (P=4, maxN=1024)', () => {
    const raw = { ...base, stream: { lanes: 4, maxN: 1024 }, input: { width: 8, frac: 4, scale: LN2 } };
    const one = makeStreamPlan(validateConfig({ ...raw, method: { name: 'softermax', online: true } }));
    const two = makeStreamPlan(validateConfig({ ...raw, method: { name: 'softermax' } }));
    expect(one.rowPasses).toBe(1);
    expect(two.rowPasses).toBe(2);
    // 256 beats: one store of a row and a few beats, against two
    expect(one.depth1).toBeLessThan(256 + 40);
    expect(one.memoryBits).toBeLessThan(0.6 * two.memoryBits);
    expect(two.latencyMaxN - one.latencyMaxN).toBeGreaterThanOrEqual(256);
  });
  it('fails on a wrong reference MTOP (the sum relative to another power of two)', () => {
    const { block, dir } = genSim({ name: 'st1_bad', stream: { lanes: 4, maxN: 24 }, input: { width: 8, frac: 4, scale: LN2 }, method: { name: 'softermax', online: true }, verify: { vectors: 20, seed: 2 } });
    const f = join(dir, `${block.module}.v`);
    const v = readFileSync(f, 'utf8');
    expect(v).toMatch(/wire \[IW:0\] a_mtop = 9'd128;/);
    writeFileSync(f, v.replace("wire [IW:0] a_mtop = 9'd128;", "wire [IW:0] a_mtop = 9'd112;"));
    const r = simulateBlock(block, dir);
    expect(r.problem ?? '').toMatch(/MISMATCH: row \d+, beat \d+ .* lane \d+: expected \d+, got \d+/);
  });
});
