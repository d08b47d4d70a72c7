/**
 * Multiplier-free (issue 20's definition): the block, generated for pipeline.device xc7 (where products
 * are written as `*` for DSP inference), has no $mul cell after Yosys `proc; flatten; opt`, and
 * synth_xilinx maps no DSP. logexp and lut2d are; rexp, the check's counter-example, is not.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileNames } from '../generator/block/files.js';
import { requireTool, run } from '../generator/evidence/runner.js';
import { cfg, generateTo } from './helpers.js';

function cells(method: Record<string, unknown>, n: number, script: string): Record<string, number> {
  const yosys = requireTool('yosys', 'yosys');
  const { block, dir } = generateTo(cfg({ name: 'mf', n, method, pipeline: { device: 'xc7' } }));
  const r = run(yosys, ['-q', '-p', `read_verilog ${join(dir, fileNames(block.module).rtl)}; hierarchy -top mf; ${script}; tee -o ${join(dir, 'stat.txt')} stat`], dir, 600_000);
  expect(r.status, r.stderr + r.stdout).toBe(0);
  const out: Record<string, number> = {};
  const text = readFileSync(join(dir, 'stat.txt'), 'utf8');
  for (const m of text.matchAll(/^\s+(\d+)\s+(\S+)$|^\s+(\S+)\s+(\d+)$/gm)) {
    if (m[1] !== undefined) out[m[2]!] = (out[m[2]!] ?? 0) + Number(m[1]);
    else out[m[3]!] = (out[m[3]!] ?? 0) + Number(m[4]);
  }
  return out;
}

describe('multiplier-free', () => {
  it('logexp at n = 8 has no $mul after proc; flatten; opt, and synth_xilinx maps no DSP', () => {
    const c = cells({ name: 'logexp' }, 8, 'proc; flatten; opt');
    expect(Object.keys(c).length).toBeGreaterThan(3);
    expect(c['$mul'] ?? 0).toBe(0);
    const x = cells({ name: 'logexp' }, 8, 'synth_xilinx -flatten');
    expect(x['LUT6'] ?? 0).toBeGreaterThan(0);
    expect(x['DSP48E1'] ?? 0).toBe(0);
  });

  for (const addressing of ['normalized', 'linear']) {
    it(`lut2d ${addressing} at n = 8 has no $mul after proc; flatten; opt`, () => {
      const c = cells({ name: 'lut2d', addressing }, 8, 'proc; flatten; opt');
      expect(Object.keys(c).length).toBeGreaterThan(3);
      expect(c['$mul'] ?? 0).toBe(0);
    });
  }

  it('the check sees rexp\'s products: $mul cells and DSP48E1', () => {
    expect(cells({ name: 'rexp' }, 8, 'proc; flatten; opt')['$mul'] ?? 0).toBeGreaterThan(0);
    expect(cells({ name: 'rexp' }, 8, 'synth_xilinx -flatten')['DSP48E1'] ?? 0).toBeGreaterThan(0);
  });
});
