/**
 * The Yosys check every committed block passes (test/generated-cases.ts, test/stream-helpers.ts):
 * it fails on a wire that is undriven or driven twice. (A `check -assert` only after generic synth let
 * both through on softmax_default with such a wire added: its opt passes had removed the wire.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../generator/evidence/runner.js';
import { yosysCheckScript } from './stream-helpers.js';

/** A small module whose output is a AND w; `drive` is what drives w. */
function run(drive: string): number | null {
  const dir = mkdtempSync(join(tmpdir(), 'softmax-lut-ycheck-'));
  const f = join(dir, 't.v');
  writeFileSync(f, `module t(input wire clk, input wire a, input wire b, output reg y);\n  wire w;\n${drive}\n  always @(posedge clk) y <= a & w;\nendmodule\n`);
  const r = spawnSync(requireTool('yosys', 'yosys'), ['-q', '-p', `read_verilog ${f}; ${yosysCheckScript('t')}`], { encoding: 'utf8', timeout: 60_000 });
  return r.status;
}

describe('the Yosys check of the committed blocks', () => {
  it('passes a sound module', () => {
    expect(run('  assign w = b;')).toBe(0);
  });
  it('fails on an undriven wire and on a doubly driven one', () => {
    expect(run('')).not.toBe(0);
    expect(run('  assign w = b;\n  assign w = a;')).not.toBe(0);
  });
});
