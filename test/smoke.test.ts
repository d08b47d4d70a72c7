/**
 * One simulation per architecture, for the fast tier (npm run test:fast; test/fast.ts lists it): a
 * parallel and a stream block generated, simulated in Icarus (no stalls, then random stalls; the
 * stream block with masks, partial beats and back-pressure) and compared bit-exactly with the golden
 * model, their RTL linted clean; and a corrupted expected beat that each must catch. The whole
 * suite simulates many more (sim.test.ts, stream.test.ts, generated*.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintBlock, simulateBlock } from '../generator/block/verify.js';
import { fileNames } from '../generator/block/files.js';
import { cfg, generateTo } from './helpers.js';

const parallel = { name: 'smoke_par', n: 8, verify: { vectors: 128, seed: 3 } };
const stream = { name: 'smoke_st', n: undefined, stream: { lanes: 4, maxN: 24 }, arch: 'stream', method: { name: 'lut2d', addressing: 'normalized' }, verify: { vectors: 24, seed: 3 } };

/** Flip bit 0 of the last hex digit on line k (0-based) of the expected-output file. */
function corrupt(dir: string, module: string, k: number): void {
  const f = join(dir, fileNames(module).vexp);
  const lines = readFileSync(f, 'utf8').split('\n');
  const hex = lines[k]!;
  lines[k] = hex.slice(0, -1) + (parseInt(hex.slice(-1), 16) ^ 1).toString(16);
  writeFileSync(f, lines.join('\n'));
}

describe('one simulation per architecture', () => {
  for (const [arch, over] of [['parallel', parallel], ['stream', stream]] as const) {
    it(`${arch}: bit-exact against the golden model, lint clean`, () => {
      const { block, dir } = generateTo(cfg(over));
      expect(block.plan.common.config.arch).toBe(arch);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.mismatches).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.beats).toBe(arch === 'parallel' ? 2 * 128 : block.stream!.beatsIn.length);
      expect(lintBlock(block, dir)).toEqual([]);
    });

    it(`${arch}: a wrong expected beat fails`, () => {
      const { block, dir } = generateTo(cfg(over));
      corrupt(dir, block.module, 4);
      const r = simulateBlock(block, dir);
      expect(r.ok).toBe(false);
      expect(r.problem).toMatch(/MISMATCH/);
    });
  }
});
