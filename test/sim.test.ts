/**
 * Simulation tests: each config is generated, simulated in Icarus Verilog (no stalls, then random
 * stalls) and compared bit-exactly with the golden model. Icarus is required: without it these
 * tests fail with the install hint, they never skip.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cornerVectors } from '../generator/evidence/vectors.js';
import { cfg, generateTo } from './helpers.js';
import { simulateBlock } from '../generator/block/verify.js';

const methods = [
  ['rexp', 'normalized'],
  ['rexp', 'linear'],
  ['lut2d', 'normalized'],
  ['lut2d', 'linear'],
] as const;
const sizes = [2, 5, 16, 64];
const widths = [8, 16];

/** 512 vectors, 192 for n = 64 (64 lanes simulate slowly; every corner case is still among them). */
const vectorsFor = (n: number) => (n >= 64 ? 192 : 512);

function genSim(over: Record<string, unknown>, vectors = 512) {
  return generateTo(cfg({ verify: { vectors, seed: 5 }, ...over }));
}

describe('bit-exact simulation of 32 configs (512 vectors each, 192 at n = 64, every corner case)', () => {
  for (const [name, addressing] of methods) {
    for (const n of sizes) {
      for (const iw of widths) {
        it(`${name} ${addressing} n=${n} input ${iw} bits`, () => {
          const nv = vectorsFor(n);
          const { block, dir } = genSim({
            name: `sm_${name}_${addressing}_${n}_${iw}`,
            n,
            input: { width: iw, frac: iw / 2 },
            // the direct table these cases were written for (16-bit inputs default to the range-reduced
            // exponent, simulated in test/wide.test.ts)
            method: { name, addressing, exp: 'direct' },
          }, nv);
          expect(block.vectors.length).toBe(nv);
          const corners = cornerVectors(n, { width: iw, frac: iw / 2 });
          expect(block.vectors.slice(0, corners.length)).toEqual(corners.map((c) => c.x));
          const r = simulateBlock(block, dir);
          expect(r.problem).toBeUndefined();
          expect(r.ok).toBe(true);
          expect(r.beats).toBe(2 * nv);
          expect(r.mismatches).toEqual([]);
          expect(r.phase0Cycles).toBe(nv);
        });
      }
    }
  }
  it('other formats: 6-bit output with 5 fraction bits, 12-bit input with 3, one register per tree level', () => {
    const { block, dir } = genSim({
      name: 'sm_odd',
      n: 7,
      input: { width: 12, frac: 3 },
      output: { width: 6, frac: 5 },
      pipeline: { treeLevelsPerStage: 1 },
    });
    const r = simulateBlock(block, dir);
    expect(r.problem).toBeUndefined();
    expect(block.plan.latency).toBe(18);
  });
});

describe('the checks can fail', () => {
  it('a wrong expected value stops the testbench at that beat and the runner names it', () => {
    const { block, dir } = genSim({ name: 'sm_neg1' });
    const f = join(dir, 'sm_neg1_exp.hex');
    const lines = readFileSync(f, 'utf8').split('\n');
    // line 1 is a comment; vector 20 is on line 22 (index 21); flip its lowest element
    const hex = lines[21]!;
    const last = hex.slice(-2);
    lines[21] = hex.slice(0, -2) + ((parseInt(last, 16) ^ 1).toString(16).padStart(2, '0'));
    writeFileSync(f, lines.join('\n'));
    const r = simulateBlock(block, dir);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/MISMATCH: beat 20, vector 20 \(line 22 of the vector files\), element 0/);
  });
  it('a missing vector file fails, though vvp would exit 0 on $readmemh errors', () => {
    const { block, dir } = genSim({ name: 'sm_neg2' });
    renameSync(join(dir, 'sm_neg2_in.hex'), join(dir, 'moved.hex'));
    const r = simulateBlock(block, dir);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/could not read 512 input vectors/);
  });
  it('RTL that differs from the model is caught with vector, element, expected and got', () => {
    const { block, dir } = genSim({ name: 'sm_neg3' });
    const f = join(dir, 'sm_neg3.v');
    const v = readFileSync(f, 'utf8');
    // break one exponent table entry: d = 16 gives round(8191 e^-1) = 3013; make it 2800
    expect(v).toContain("8'd16: exp_lut = 13'd3013;");
    writeFileSync(f, v.replace("8'd16: exp_lut = 13'd3013;", "8'd16: exp_lut = 13'd2800;"));
    const r = simulateBlock(block, dir);
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/^MISMATCH: beat \d+, vector \d+ \(line \d+ of the vector files\), element \d+: expected \d+, got \d+/);
  });
});
