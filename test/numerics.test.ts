import { describe, expect, it } from 'vitest';
import { Pipe } from '../generator/pipeline/builder.js';
import { delayModel } from '../generator/pipeline/delay.js';
import { tree } from '../generator/pipeline/stages.js';
import { bitsFor, clog2, leadingOne, shrRound } from '../generator/core/bits.js';
import { packBeat, unpackBeat } from '../generator/evidence/hexfile.js';
import { cfg } from './helpers.js';
import { expValue } from '../generator/numerics/tables.js';
import { makePlan } from '../generator/hardware/plan.js';

describe('integer helpers', () => {
  it('bit widths', () => {
    expect([0, 1, 2, 3, 4, 255, 256].map(bitsFor)).toEqual([1, 1, 2, 2, 3, 8, 9]);
    expect([1, 2, 3, 4, 5, 1024, 1025].map(clog2)).toEqual([0, 1, 2, 2, 3, 10, 11]);
    expect([1, 2, 3, 4, 4095, 4096].map(leadingOne)).toEqual([0, 1, 1, 2, 11, 12]);
    // either side of 2^32 (where the count of leading zeros stops) and of wide powers of two; non-integers
    expect([2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 - 1, 2 ** 40, 2 ** 52 + 1, 2 ** 53 - 1, 1.5, 3.999, 4294967295.5].map(leadingOne)).toEqual([31, 31, 32, 39, 40, 52, 52, 0, 1, 31]);
    expect(() => leadingOne(0.5)).toThrow(/no leading one/);
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
  it('exponent table of the default block: round(8191 e^-(k/16)), up to the first zero', () => {
    // n = 8: expWidth = OW + ceil(log2 8) + 2 = 13
    const p = makePlan(cfg());
    const t = p.mp.expTable;
    expect(t.width).toBe(13);
    expect(t.values.length).toBe(156);
    expect(t.values[0]).toBe(8191);
    expect(t.values[16]).toBe(Math.floor(8191 * Math.exp(-1) + 0.5));
    expect(t.values[16]).toBe(3013);
    expect(t.values[155]).toBe(1);
    expect(Math.floor(8191 * Math.exp(-156 / 16) + 0.5)).toBe(0);
    expect(p.sw).toBe(16);
    expect(p.latency).toBe(18); // pipelined for the default 100 MHz on ice40
    // the reciprocal entries' top bit is always 1 and not stored: 512 x 9 bits
    expect(p.lutBytes).toBe(Math.ceil((156 * 13) / 8) + Math.ceil((512 * 9) / 8));
  });
  it('the default exponent width grows with n: OW + ceil(log2 n) + 2, at most 24', () => {
    const ew = (n: number) => makePlan(cfg({ n })).mp.expTable.width;
    expect([2, 8, 9, 64, 1024].map(ew)).toEqual([11, 13, 14, 16, 20]);
    const s = makePlan(cfg({ n: undefined, arch: 'stream', stream: { lanes: 4, maxN: 8192 } }));
    expect(s.mp.expTable.width).toBe(23);
    expect(makePlan(cfg({ method: { name: 'exact' } })).mp.expTable.width).toBe(8 + 3 + 6);
  });
  it('coarser exponent step: entries at k * 2^s input codes', () => {
    const p = makePlan(cfg({ method: { name: 'rexp', expStepLog2: 2 } }));
    const t = p.mp.expTable;
    expect(p.mp.expShift).toBe(2);
    expect(t.values[1]).toBe(Math.floor(8191 * Math.exp(-4 / 16) + 0.5));
    expect(t.values.length).toBe(39);
  });
  it('a table that covers every d has no clipping: 8-bit input with frac 0 and a 16-bit exponent', () => {
    const p = makePlan(cfg({ input: { width: 4, frac: 0 }, method: { name: 'rexp', expWidth: 24 } }));
    expect(p.mp.expTable.values.length).toBe(16);
  });
  it('16-bit input with a direct exponent steps over codes to keep the table at 512 entries or fewer', () => {
    const p = makePlan(cfg({ input: { width: 16, frac: 8 }, method: { name: 'rexp', exp: 'direct' } }));
    expect(p.mp.expTable.values.length).toBeLessThanOrEqual(512);
    expect(p.mp.expShift).toBe(3);
    expect(p.mp.expLo).toBeUndefined();
  });
  it('16-bit input defaults to the range-reduced exponent, split where the two tables take the fewest bytes', () => {
    const p = makePlan(cfg({ input: { width: 16, frac: 8 } }));
    // EW = 8 + 3 + 2 = 13; T_lo[l] = round(2^14 e^-(l/256)), T_hi[h] = round(8191 e^-(h 2^L / 256))
    expect(p.mp.expTable.width).toBe(13);
    expect(p.mp.expLoFrac).toBe(14);
    const L = p.mp.expShift;
    expect(p.mp.expLo!.values).toEqual(Array.from({ length: 2 ** L }, (_, l) => Math.floor(2 ** 14 * Math.exp(-l / 256) + 0.5)));
    expect(p.mp.expTable.values.slice(0, 3)).toEqual([0, 1, 2].map((h) => Math.floor(8191 * Math.exp((-h * 2 ** L) / 256) + 0.5)));
    // e(d) = round(T_hi[d >> L] * T_lo[d mod 2^L] / 2^14): d = 2^L + 3
    const d = 2 ** L + 3;
    expect(expValue(p.mp, d)).toBe(Math.floor((p.mp.expTable.values[1]! * p.mp.expLo!.values[3]! + 2 ** 13) / 2 ** 14));
    // every other split costs at least as many bytes
    const bytes = (q: ReturnType<typeof makePlan>) => q.lutBytes - q.luts.filter((t) => !t.name.startsWith('exp')).reduce((a, t) => a + t.bytes, 0);
    for (let l = 1; l < 13; l++) expect(bytes(makePlan(cfg({ input: { width: 16, frac: 8 }, method: { name: 'rexp', expLoBits: l } })))).toBeGreaterThanOrEqual(bytes(p));
  });
  it('reciprocal table (normalized): r_j = round(2^RW / (1 + (j + 0.5) / 2^M))', () => {
    const p = makePlan(cfg());
    const r = p.mp.tables[0]!;
    // default address bits: OW + 1 = 9
    // stored without its top bit (r >= 512): entry = r - 2^(RW-1)
    expect(r.values.length).toBe(512);
    expect(r.width).toBe(9);
    expect(r.values[0]).toBe(Math.floor(1024 / (1 + 0.5 / 512) + 0.5) - 512);
    expect(r.values[511]).toBe(Math.floor(1024 / (1 + 511.5 / 512) + 0.5) - 512);
    expect(Math.min(...r.values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...r.values)).toBeLessThan(512);
  });
  it('reciprocal table (linear) covers S_min..S_max', () => {
    const p = makePlan(cfg({ method: { name: 'rexp', addressing: 'linear' } }));
    const r = p.mp.tables[0]!;
    // S in [8191, 8 * 8191], 9 address bits -> shift 7: (65528 >> 7) - (8191 >> 7) + 1 = 511 - 63 + 1
    expect(r.values.length).toBe(449);
  });
  it('2D table sizes: normalized by octaves of v = e / 2^p, linear rows x columns', () => {
    // octave 1 has 2^4 rows x 2^6 columns; each octave below gives up a column bit while they are at least
    // the row bits, else a row bit: (4,6) (4,5) (4,4) (4,3) (3,3) (3,2) (2,2) (2,1) (1,1) for octaves 1..OF+1 = 9,
    // then the entries of octave 0 and the tail
    const n = makePlan(cfg({ method: { name: 'lut2d', rowBits: 4, colBits: 6 } }));
    expect(n.mp.tables[0]!.values.length).toBe(1024 + 512 + 256 + 128 + 64 + 32 + 16 + 8 + 4 + 2);
    expect(n.mp.tables[0]!.width).toBe(8);
    expect(n.lutBytes).toBe(2046 + Math.ceil((156 * 13) / 8));
    // the default (5, 4): 512 + 256 + ... + 2 + 2 = 1024 entries
    expect(makePlan(cfg({ method: { name: 'lut2d' } })).mp.tables[0]!.values.length).toBe(1024);
    const l = makePlan(cfg({ method: { name: 'lut2d', addressing: 'linear', rowBits: 4, colBits: 6 } }));
    // S in [8191, 8 * 8191]: the row shift 12 leaves (65528 >> 12) - (8191 >> 12) + 1 = 15 rows
    expect(l.mp.tables[0]!.values.length).toBe(15 * 64);
  });
  it('lut2d normalized: the entry of (e, S) by hand', () => {
    // n = 8, EW = 13: T[0] = 8191 (leading one at 12 = pMin); rows: 5 bits of m; octave 1 (32 x 16) at 0
    const p = makePlan(cfg({ method: { name: 'lut2d' } }));
    const lay = { ...p.mp.vars };
    expect(lay.colBits).toBe(4);
    const entry = (e: number, s: number) => {
      const c = p.method.normalize(p.mp, p.common, s);
      return { c, y: p.method.lane(p.mp, p.common, e, c) };
    };
    // e = 4968 = T[8] with the maximum's 8191 beside it: S >= 13159. S = 14000 = 1.709 * 2^13: p - pMin = 1,
    // j = floor(14000 * 32 / 8192) - 32 = 22
    expect(entry(4968, 14000).c).toEqual({ row: 22, pc: 1 });
    // e = 4968 (leading one at 12): octave 13 - 12 = 1; column: floor(4968 * 16 / 4096) - 16 = 3; entry 22 * 16 + 3.
    // Its cell: S in [13824, 14079], and no other e in [4864, 5119]: references 4968 / S * 256 in [90.3, 92.0]
    const t = p.mp.tables[0]!.values;
    expect(entry(4968, 14000).y).toBe(t[22 * 16 + 3]);
    expect(t[22 * 16 + 3]).toBe(91);
    // e = 1000 (leading one at 9): octave 4, (3,3) at 512 + 256 + 128 = 896: row 22 >> 2 = 5, column floor(1000 * 8 / 512) - 8 = 7
    expect(entry(1000, 14000).y).toBe(t[896 + 5 * 8 + 7]);
    // e = 8191 with S = 8191: octave 0 (v = 1), the entry after the octaves: 255; e = 0: the tail, 0
    expect(entry(8191, 8191).y).toBe(255);
    expect(entry(0, 8191 * 8).y).toBe(0);
    expect(t[t.length - 1]).toBe(0);
  });
  it('trees: levels and registers (pipeline.treeLevelsPerStage: a register after every k-th level and the last)', () => {
    const at = (count: number, every: number) => {
      const p = new Pipe({ model: delayModel('ice40'), period: 1000, ce: null, indent: 0 });
      const t = tree(p, { input: p.input('x', count * 8, 0), count, w: 8, kind: 'max', prefix: 'm', what: 'max', every });
      return [t.cycle, t.time];
    };
    expect(at(5, 2)).toEqual([2, 0]); // 5 -> 3 -> 2 (register) -> 1 (register)
    expect(at(2, 2)).toEqual([1, 0]);
    expect(at(64, 1)).toEqual([6, 0]);
    expect(at(64, 4)).toEqual([2, 0]); // after level 4, and after level 6
  });
});
