/** Stage 4 of the flow for a block written to a folder: simulate its testbench (Icarus) and lint its RTL (Verilator). */
import { join } from 'node:path';
import { lint, simulate, which, type SimResult } from '../evidence/runner.js';
import { simulateStream } from '../evidence/stream-runner.js';
import { fileNames, type Block } from './files.js';

export function simulateBlock(block: Block, dir: string): SimResult {
  if (block.stream) return simulateStreamBlock(block, dir);
  const names = fileNames(block.module);
  return simulate({
    dir,
    top: `${block.module}_tb`,
    sources: [names.tb, names.rtl],
    vectors: names.vin,
    expectedFile: names.vexp,
    n: block.plan.common.n,
    ow: block.plan.common.ow,
    expected: block.expected,
  });
}

/** Lint the block's RTL with Verilator when it is installed; null when it is not. */
export function lintBlock(block: Block, dir: string): string[] | null {
  if (!which('verilator')) return null;
  return lint(join(dir, fileNames(block.module).rtl), block.module);
}

/** simulateBlock for a stream block: the generic result, with the stream findings attached. */
function simulateStreamBlock(block: Block, dir: string): SimResult {
  const n = fileNames(block.module);
  const r = simulateStream(block.stream!, dir, { tb: n.tb, rtl: n.rtl, vin: n.vin, vexp: n.vexp, top: `${block.module}_tb` });
  const mismatches = r.mismatches.map((m) => ({
    beat: m.index,
    vector: m.row,
    element: typeof m.lane === 'number' ? m.lane : -1,
    expected: typeof m.expected === 'number' ? m.expected : NaN,
    got: typeof m.got === 'number' ? m.got : NaN,
  }));
  return { ok: r.ok, beats: r.beats, mismatches, problem: r.problem, stdout: r.stdout, phase0Cycles: r.inputCycles, stream: r };
}
