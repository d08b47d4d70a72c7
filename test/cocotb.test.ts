/**
 * The blocks' cocotb testbenches (test_<name>.py, softmax_lut/testbench.py), run as a user runs them:
 * `python3 generated/<name>/test_<name>.py`, with the project's .venv (cocotb 2.1.0 from
 * scripts/requirements.txt; bash scripts/setup.sh installs it) and Icarus Verilog. A parallel block,
 * a stream block and a stream block with the output FIFO pass, with stalls on both sides and every
 * beat counted; one exponent table entry changed in the RTL fails. Without the tools these tests fail
 * with the install hint; they never skip.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';

const VPY = join(ROOT, '.venv', 'bin', 'python');

function runBench(folder: string, name: string, seed?: number) {
  if (!existsSync(VPY)) throw new Error(`${VPY} is missing: bash scripts/setup.sh installs cocotb into .venv`);
  const env = { ...process.env, PYTHONPATH: join(ROOT, 'python'), ...(seed === undefined ? {} : { SOFTMAX_LUT_SEED: String(seed) }) };
  const r = spawnSync(VPY, [join(folder, `test_${name}.py`)], { encoding: 'utf8', env, cwd: mkdtempSync(join(tmpdir(), 'cocotb-run-')), timeout: 300_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout + r.stderr };
}

/** The beats the testbench checked and the cycles it took, from its log line. */
function beats(out: string, name: string): { beats: number; inputs: number; cycles: number } {
  const m = new RegExp(`${name}: (\\d+) output beats bit-exact with the emulator \\((\\d+) input beats, (\\d+) cycles`).exec(out);
  expect(m, out.slice(-3000)).not.toBeNull();
  return { beats: Number(m![1]), inputs: Number(m![2]), cycles: Number(m![3]) };
}

describe('cocotb testbenches', () => {
  it('every committed block has its test_<name>.py, named in its manifest', () => {
    for (const name of readdirSync(join(ROOT, 'generated'))) {
      const m = JSON.parse(readFileSync(join(ROOT, 'generated', name, 'manifest.json'), 'utf8'));
      expect(m.testbench.cocotb).toBe(`test_${name}.py`);
      expect(readFileSync(join(ROOT, 'generated', name, `test_${name}.py`), 'utf8')).toContain(`async def test_${name}(dut):`);
    }
  });

  for (const name of ['softmax_default', 'softmax_attention_p8_n2048', 'softmax_fmt16_s8_n64']) {
    it(`${name}: every beat bit-exact with the emulator, with idle input cycles and back-pressure`, () => {
      const r = runBench(join(ROOT, 'generated', name), name);
      expect(r.code, r.out.slice(-3000)).toBe(0);
      expect(r.out).toContain(`${name}: cocotb 1 of 1 test(s) passed`);
      const m = JSON.parse(readFileSync(join(ROOT, 'generated', name, 'manifest.json'), 'utf8'));
      const b = beats(r.out, name);
      // every vector's (or beat's) result checked, and stalls did happen
      expect(b.beats).toBe(m.testbench.count);
      expect(b.inputs).toBe(m.testbench.count);
      expect(b.cycles).toBeGreaterThan(b.beats + 50);
    });
  }

  it('fails on a block with one exponent table entry changed in its RTL (and passes another seed unchanged)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'cocotb-bad-')), 'softmax_default');
    cpSync(join(ROOT, 'generated', 'softmax_default'), dir, { recursive: true });
    const ok = runBench(dir, 'softmax_default', 7);
    expect(ok.code, ok.out.slice(-2000)).toBe(0);
    const f = join(dir, 'softmax_default.v');
    const rtl = readFileSync(f, 'utf8');
    const bad = rtl.replace(/8'd3: exp_lut = 13'd(\d+);/, (_m, v) => `8'd3: exp_lut = 13'd${Number(v) + 1};`);
    expect(bad).not.toBe(rtl);
    writeFileSync(f, bad);
    const r = runBench(dir, 'softmax_default');
    expect(r.code).toBe(1);
    expect(r.out).toContain('softmax_default: cocotb 0 of 1 test(s) passed -- FAILED');
    expect(r.out).toMatch(/AssertionError: softmax_default: output beat \d+ \(tdata, tuser, tlast\) = \('0x[0-9a-f]+', '0x0', '0x0'\), emulator/);
  });
});
