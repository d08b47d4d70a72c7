/**
 * The committed blocks in generated/: regenerating them from presets/ is byte-identical, they lint
 * clean under Verilator -Wall, synthesise with Yosys and simulate bit-exactly. Verilator, Yosys and
 * Icarus are required (.ci/run installs them): without them these tests fail, they never skip.
 * This file: the folder as a whole and half of the parallel blocks; test/generated-b.test.ts: the
 * other half; test/generated-stream.test.ts: the stream blocks (test/generated-cases.ts has the
 * checks of one block).
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../generator/cli/flow.js';
import { ROOT } from '../generator/core/version.js';
import { presets, presetSuites } from './generated-cases.js';

describe('generated/ matches presets/', () => {
  it('every folder in generated/ comes from a preset, and every preset has its folder', () => {
    const names = presets.map((f) => loadConfig(join(ROOT, 'presets', f)).name).sort();
    const dirs = readdirSync(join(ROOT, 'generated')).sort();
    expect(dirs).toEqual(names);
  });
  it('covers the default block and every method x addressing', () => {
    const combos = new Set(
      presets.map((f) => {
        const c = loadConfig(join(ROOT, 'presets', f));
        return `${c.method.name}/${c.method.addressing}`;
      }),
    );
    expect([...combos].sort()).toEqual(['exact/divider', 'hls4ml-like/default', 'hls4ml-like/top-bits', 'ibert/divider', 'logexp/normalized', 'lut2d/linear', 'lut2d/normalized', 'rexp/interpolated', 'rexp/linear', 'rexp/normalized', 'softermax/normalized']);
    expect(existsSync(join(ROOT, 'generated', 'softmax_default', 'manifest.json'))).toBe(true);
  });
});

// the parallel presets in even places; the odd ones in generated-b.test.ts
presetSuites((arch, k) => arch !== 'stream' && k % 2 === 0);
