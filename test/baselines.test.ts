/**
 * The baselines (hls4ml-like, exact) simulate bit-exactly in Icarus against the golden model, like
 * the paper's methods (sim.test.ts), with every corner case and random stalls.
 */
import { describe, expect, it } from 'vitest';
import { cfg, generateTo } from './helpers.js';
import { simulateBlock } from '../generator/block/verify.js';

const cases: [string, number, number][] = [
  ['hls4ml-like', 2, 8],
  ['hls4ml-like', 5, 8],
  ['hls4ml-like', 16, 10],
  ['hls4ml-like', 16, 6],
  ['exact', 2, 8],
  ['exact', 7, 8],
  ['exact', 16, 16],
];

describe('bit-exact simulation of the baselines (512 vectors each)', () => {
  for (const [method, n, iw] of cases) {
    it(`${method} n=${n} input ${iw} bits`, () => {
      const config = cfg({ name: `sm_${method.replace('-', '_')}_${n}_${iw}`, n, input: { width: iw, frac: iw / 2 }, method: { name: method }, verify: { vectors: 512, seed: 9 } });
      const { block, dir } = generateTo(config);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.beats).toBe(1024);
      expect(r.phase0Cycles).toBe(512);
    });
  }
});
