/**
 * Stage 4 of the flow: verify. Compiles a block and its testbench with Icarus Verilog, runs it,
 * checks that it really read its vectors and passed, then compares every output beat bit-exactly
 * with the golden model. Tools are started with argument arrays, never through a shell.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { readHexBeats, unpackBeat } from './hexfile.js';

export class ToolMissing extends Error {
  constructor(tool: string, pkg: string) {
    super(`${tool} was not found on PATH. Install it first: on Debian/Ubuntu, sudo apt-get install -y ${pkg}`);
    this.name = 'ToolMissing';
  }
}

export function which(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  }
  return null;
}

export function requireTool(tool: string, pkg: string): string {
  const p = which(tool);
  if (!p) throw new ToolMissing(tool, pkg);
  return p;
}

export interface StreamMismatch {
  row: number;
  beat: number;
  /** Output beat index over the whole run (line = index + 2 of the vector files). */
  index: number;
  /** A lane number, or 'tlast' / 'tuser'. */
  lane: number | 'tlast' | 'tuser';
  expected: number | string;
  got: number | string;
}

export interface StreamSimResult {
  ok: boolean;
  beats: number;
  mismatches: StreamMismatch[];
  problem?: string;
  stdout: string;
  /** Phase 0 (back-to-back rows of maxN, no stalls): cycles at the input and at the output. */
  inputCycles?: number;
  outputCycles?: number;
  elements?: number;
  /** Measured elements per cycle: elements / max(input, output cycles). */
  elementsPerCycle?: number;
}

export interface Mismatch {
  beat: number;
  vector: number;
  element: number;
  expected: number;
  got: number;
}

export interface SimResult {
  ok: boolean;
  beats: number;
  mismatches: Mismatch[];
  /** Why it failed, when it did: the testbench's FAIL/MISMATCH line or the runner's finding. */
  problem?: string;
  stdout: string;
  /** Cycles the no-stall phase took to accept all vectors (= vectors when one per clock). */
  phase0Cycles?: number;
  /** Arch 'stream': its own findings (rows, lanes, tlast/tuser, measured throughput). */
  stream?: StreamSimResult;
}

export interface SimSpec {
  dir: string;
  top: string;
  sources: string[];
  vectors: string;
  expectedFile: string;
  n: number;
  ow: number;
  expected: number[][];
  timeoutMs?: number;
}

export function run(cmd: string, args: string[], cwd: string, timeoutMs: number) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** Simulate one block; the testbench's output file goes to a temporary folder, never next to the block. */
export function simulate(spec: SimSpec): SimResult {
  const iverilog = requireTool('iverilog', 'iverilog');
  const vvp = requireTool('vvp', 'iverilog');
  const nvec = spec.expected.length;
  const work = mkdtempSync(join(tmpdir(), 'softmax-lut-sim-'));
  const timeoutMs = spec.timeoutMs ?? 600_000;
  try {
    const comp = run(
      iverilog,
      ['-g2005', '-Wall', '-o', join(work, 'tb.vvp'), '-s', spec.top, ...spec.sources.map((s) => join(spec.dir, s))],
      work,
      timeoutMs,
    );
    if (comp.status !== 0) {
      return { ok: false, beats: 0, mismatches: [], problem: `iverilog failed:\n${comp.stderr}${comp.stdout}`, stdout: comp.stdout };
    }
    const out = join(work, 'out.hex');
    const sim = run(
      vvp,
      ['-n', join(work, 'tb.vvp'), `+in=${join(spec.dir, spec.vectors)}`, `+exp=${join(spec.dir, spec.expectedFile)}`, `+out=${out}`],
      work,
      timeoutMs,
    );
    const text = sim.stdout + sim.stderr;
    // the testbench's own words first ("FATAL: file:line: MISMATCH: ..."), else any error line
    const failLine =
      /(?:MISMATCH|FAIL): .*/.exec(text)?.[0] ?? text.split('\n').find((l) => /^(FATAL|ERROR|WARNING)/.test(l.trim()));
    const read = new RegExp(`^READ ${nvec} vectors`, 'm').test(sim.stdout);
    const pass = new RegExp(`^PASS: ${nvec} vectors`, 'm').test(sim.stdout);
    const m = /^THROUGHPUT phase 0: \d+ vectors accepted in (\d+) cycles/m.exec(sim.stdout);
    const phase0Cycles = m ? Number(m[1]) : undefined;
    // compare what the testbench wrote with the model, even when it stopped early
    const beats = existsSync(out) ? readHexBeats(readFileSync(out, 'utf8')) : [];
    const mismatches: Mismatch[] = [];
    // beats with x or z bits (a register read before anything was written to it)
    const unknown: number[] = [];
    beats.forEach((hex, k) => {
      if (!/^[0-9a-fA-F]+$/.test(hex)) {
        unknown.push(k);
        return;
      }
      const got = unpackBeat(hex, spec.n, spec.ow, false);
      const exp = spec.expected[k % nvec]!;
      for (let i = 0; i < spec.n; i++) {
        if (got[i] !== exp[i]) mismatches.push({ beat: k, vector: k % nvec, element: i, expected: exp[i]!, got: got[i]! });
      }
    });
    let problem: string | undefined;
    if (sim.error) problem = `vvp could not run: ${sim.error.message}`;
    else if (failLine) problem = failLine.trim();
    else if (sim.status !== 0) problem = `vvp exited with status ${sim.status}${sim.signal ? ` (${sim.signal})` : ''}: ${text.slice(-500)}`;
    else if (!read) problem = `the testbench did not confirm reading ${nvec} vectors`;
    else if (!pass) problem = `the testbench did not report PASS for ${nvec} vectors`;
    else if (beats.length !== 2 * nvec) problem = `expected ${2 * nvec} output beats, the testbench wrote ${beats.length}`;
    else if (unknown.length) problem = `${unknown.length} output beat(s) hold x or z bits, the first beat ${unknown[0]}`;
    else if (mismatches.length) problem = `${mismatches.length} element(s) differ from the golden model`;
    return { ok: !problem, beats: beats.length, mismatches, problem, stdout: sim.stdout, phase0Cycles };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Verilator lint of one file; returns the warning lines (empty when clean). */
export function lint(file: string, top: string): string[] {
  const verilator = requireTool('verilator', 'verilator');
  const r = run(verilator, ['--lint-only', '-Wall', '--top-module', top, file], process.cwd(), 300_000);
  const lines = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('%'));
  if (r.status !== 0 && lines.length === 0) lines.push(`verilator exited with status ${r.status}`);
  return lines;
}
