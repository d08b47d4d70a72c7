import { describe, expect, it } from 'vitest';
import { makePlan, treeLevels } from '../generator/plan.js';
import { bitsFor, clog2, leadingOne, shrRound } from '../generator/numerics.js';
import { packBeat, unpackBeat } from '../generator/hexfile.js';
import { cfg } from './helpers.js';

describe('integer helpers', () => {
  it('bit widths', () => {
    expect([0, 1, 2, 3, 4, 255, 256].map(bitsFor)).toEqual([1, 1, 2, 2, 3, 8, 9]);
    expect([1, 2, 3, 4, 5, 1024, 1025].map(clog2)).toEqual([0, 1, 2, 2, 3, 10, 11]);
    expect([1, 2, 3, 4, 4095, 4096].map(leadingOne)).toEqual([0, 1, 1, 2, 11, 12]);
  });
  it('round-half-up shift equals floor((a + 2^(s-1)) / 2^s)', () => {
    for (let a = 0; a < 300; a++) for (let s = 1; s < 6; s++) expect(shrRound(a, s)).toBe(Math.floor((a + 2 ** (s - 1)) / 2 ** s));
    expect(shrRound(5, 0)).toBe(5);
    expect(shrRound(5, -2)).toBe(20);
  });
  it('packs beats with element 0 in the low bits, whole nibbles, two complement', () => {
    expect(packBeat([1, 2], 8)).toBe('0201');
    expect(packBeat([-1, 0], 8)).toBe('00ff');
    expect(packBeat([1, 1, 1], 3)).toBe('049'); // 9 bits -> 3 nibbles
    expect(unpackBeat('00ff', 2, 8, true)).toEqual([-1, 0]);
    expect(unpackBeat('00ff', 2, 8, false)).toEqual([255, 0]);
  });
});

describe('the plan', () => {
  it('exponent table of the default block: round(4095 e^-(k/16)), up to the first zero', () => {
    const p = makePlan(cfg());
    const t = p.mp.expTable;
    expect(t.width).toBe(12);
    expect(t.values.length).toBe(145);
    expect(t.values[0]).toBe(4095);
    expect(t.values[16]).toBe(Math.floor(4095 * Math.exp(-1) + 0.5));
    expect(t.values[16]).toBe(1506);
    expect(t.values[144]).toBe(1);
    expect(Math.floor(4095 * Math.exp(-145 / 16) + 0.5)).toBe(0);
    expect(p.sw).toBe(15);
    expect(p.latency).toBe(9);
    expect(p.lutBytes).toBe(Math.ceil((145 * 12) / 8) + Math.ceil((256 * 10) / 8));
  });
  it('coarser exponent step: entries at k * 2^s input codes', () => {
    const p = makePlan(cfg({ method: { name: 'rexp', expStepLog2: 2 } }));
    const t = p.mp.expTable;
    expect(p.mp.expShift).toBe(2);
    expect(t.values[1]).toBe(Math.floor(4095 * Math.exp(-4 / 16) + 0.5));
    expect(t.values.length).toBe(37);
  });
  it('a table that covers every d has no clipping: 8-bit input with frac 0 and a 16-bit exponent', () => {
    const p = makePlan(cfg({ input: { width: 4, frac: 0 }, method: { name: 'rexp', expWidth: 24 } }));
    expect(p.mp.expTable.values.length).toBe(16);
  });
  it('16-bit input defaults to a coarser step that keeps the table at 512 entries or fewer', () => {
    const p = makePlan(cfg({ input: { width: 16, frac: 8 } }));
    expect(p.mp.expTable.values.length).toBeLessThanOrEqual(512);
    expect(p.mp.expShift).toBe(3);
  });
  it('reciprocal table (normalized): r_j = round(2^RW / (1 + (j + 0.5) / 2^M))', () => {
    const p = makePlan(cfg());
    const r = p.mp.tables[0]!;
    expect(r.values.length).toBe(256);
    expect(r.values[0]).toBe(Math.floor(1024 / (1 + 0.5 / 256) + 0.5));
    expect(r.values[255]).toBe(Math.floor(1024 / (1 + 255.5 / 256) + 0.5));
  });
  it('reciprocal table (linear) covers S_min..S_max', () => {
    const p = makePlan(cfg({ method: { name: 'rexp', addressing: 'linear' } }));
    const r = p.mp.tables[0]!;
    // S in [4095, 8 * 4095], 9 address bits -> shift 6: (32760 >> 6) - (4095 >> 6) + 1 = 511 - 63 + 1
    expect(r.values.length).toBe(449);
  });
  it('2D table sizes', () => {
    const n = makePlan(cfg({ method: { name: 'lut2d', rowBits: 4, colBits: 6 } }));
    expect(n.mp.tables[0]!.values.length).toBe(16 * 64);
    expect(n.mp.tables[0]!.width).toBe(8);
    expect(n.lutBytes).toBe(1024 + 218);
  });
  it('trees: levels and registers', () => {
    expect(treeLevels(5, 2).map((l) => [l.count, l.registered])).toEqual([
      [3, false],
      [2, true],
      [1, true],
    ]);
    expect(treeLevels(2, 2).map((l) => [l.count, l.registered])).toEqual([[1, true]]);
    expect(treeLevels(64, 1).length).toBe(6);
  });
});
