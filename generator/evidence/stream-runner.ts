/**
 * Verify a 'stream' block: compile with iverilog, run vvp, check that the testbench read its beats,
 * passed, and measured the sustained throughput the manifest states; then compare every output
 * beat (tlast, tuser and each lane) bit-exactly with the golden model.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHexBeats } from './hexfile.js';
import { type StreamData, parseBeatHex } from './stream-vectors.js';
import { requireTool, run, type StreamSimResult } from './runner.js';

export function simulateStream(s: StreamData, dir: string, files: { tb: string; rtl: string; vin: string; vexp: string; top: string }): StreamSimResult {
  const iverilog = requireTool('iverilog', 'iverilog');
  const vvp = requireTool('vvp', 'iverilog');
  const work = mkdtempSync(join(tmpdir(), 'softmax-lut-stream-'));
  const nb = s.beatsIn.length;
  try {
    const comp = run(iverilog, ['-g2005', '-Wall', '-o', join(work, 'tb.vvp'), '-s', files.top, join(dir, files.tb), join(dir, files.rtl)], work, 600_000);
    if (comp.status !== 0) return { ok: false, beats: 0, mismatches: [], problem: `iverilog failed:\n${comp.stderr}${comp.stdout}`, stdout: comp.stdout };
    const out = join(work, 'out.hex');
    const sim = run(vvp, ['-n', join(work, 'tb.vvp'), `+in=${join(dir, files.vin)}`, `+exp=${join(dir, files.vexp)}`, `+out=${out}`], work, 1_200_000);
    const text = sim.stdout + sim.stderr;
    const failLine = /(?:MISMATCH|FAIL): .*/.exec(text)?.[0] ?? text.split('\n').find((l) => /^(FATAL|ERROR|WARNING)/.test(l.trim()));
    const read = new RegExp(`^READ ${nb} beats \\(${s.rows.length} rows\\)`, 'm').test(sim.stdout);
    const pass = new RegExp(`^PASS: ${s.rows.length} rows, ${nb} beats`, 'm').test(sim.stdout);
    const tp = /^THROUGHPUT phase 0: (\d+) rows, (\d+) elements, input (\d+) cycles, output (\d+) cycles/m.exec(sim.stdout);
    const r: StreamSimResult = { ok: false, beats: 0, mismatches: [], stdout: sim.stdout };
    if (tp) {
      r.elements = Number(tp[2]);
      r.inputCycles = Number(tp[3]);
      r.outputCycles = Number(tp[4]);
      r.elementsPerCycle = Number((r.elements / Math.max(r.inputCycles, r.outputCycles)).toFixed(4));
    }
    const got = existsSync(out) ? readHexBeats(readFileSync(out, 'utf8')) : [];
    r.beats = got.length;
    let row = 0;
    let beat = 0;
    got.forEach((hex, k) => {
      const e = s.beatsOut[k];
      const g = parseBeatHex(hex, e?.keep.length ?? 1, s.sp.plan.common.ow);
      if (!e) {
        r.mismatches.push({ row, beat, index: k, lane: 'tlast', expected: 'no beat', got: hex });
        return;
      }
      const at = { row, beat, index: k };
      if (g.last !== e.last) r.mismatches.push({ ...at, lane: 'tlast', expected: Number(e.last), got: Number(g.last) });
      const bits = (b: boolean[]) => b.map((v) => (v ? '1' : '0')).reverse().join('');
      if (bits(g.keep) !== bits(e.keep)) r.mismatches.push({ ...at, lane: 'tuser', expected: bits(e.keep), got: bits(g.keep) });
      e.data.forEach((v, i) => {
        if (g.data[i] !== v) r.mismatches.push({ ...at, lane: i, expected: v, got: g.data[i]! });
      });
      if (e.last) {
        row++;
        beat = 0;
      } else beat++;
    });
    const want = s.sp.throughputCycles;
    if (sim.error) r.problem = `vvp could not run: ${sim.error.message}`;
    else if (failLine) r.problem = failLine.trim();
    else if (sim.status !== 0) r.problem = `vvp exited with status ${sim.status}: ${text.slice(-500)}`;
    else if (!read) r.problem = `the testbench did not confirm reading ${nb} beats (${s.rows.length} rows)`;
    else if (!pass) r.problem = `the testbench did not report PASS for ${s.rows.length} rows, ${nb} beats`;
    else if (got.length !== nb) r.problem = `expected ${nb} output beats, the testbench wrote ${got.length}`;
    else if (r.mismatches.length) r.problem = `${r.mismatches.length} difference(s) from the golden model`;
    else if (!tp) r.problem = 'the testbench did not report the phase-0 throughput';
    else if (r.inputCycles !== want || r.outputCycles !== want) {
      r.problem = `throughput: phase 0 took ${r.inputCycles} cycles at the input and ${r.outputCycles} at the output, the manifest states ${want}`;
    }
    r.ok = !r.problem;
    return r;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
