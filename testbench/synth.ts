/**
 * Hardware cost of a block: Yosys synth_ice40 and synth_xilinx cell counts, and nextpnr-ice40 place
 * and route for Fmax on the first iCE40 device the block fits. Tools are started with argument
 * arrays, never through a shell; their scratch files live in a temporary folder.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireTool } from './runner.js';

/** Cell counts by category, plus every cell type Yosys reported. */
export interface CellCounts {
  luts: number;
  ffs: number;
  carry: number;
  /** Block RAMs: iCE40 SB_RAM40_4K (4 kbit); Xilinx in RAMB18 units (a RAMB36 counts 2). */
  ram: number;
  /** DSP blocks / hard multipliers (iCE40 SB_MAC16, Xilinx DSP48). */
  dsp: number;
  cells: Record<string, number>;
}

export interface Device {
  /** nextpnr-ice40 option and package. */
  option: string;
  name: string;
  package: string;
  io: number;
  lcs: number;
  ram: number;
}

/** Devices tried in order; the first the block fits (I/O, logic cells, RAM) is placed and routed. */
export const ICE40_DEVICES: readonly Device[] = [
  { option: '--hx8k', name: 'iCE40HX8K', package: 'ct256', io: 206, lcs: 7680, ram: 32 },
  { option: '--up5k', name: 'iCE40UP5K', package: 'sg48', io: 39, lcs: 5280, ram: 30 },
];

export interface PnrOptions {
  /** Target clock for timing-driven placement, MHz. */
  freqMhz: number;
  seed: number;
}

export const DEFAULT_PNR: PnrOptions = { freqMhz: 100, seed: 1 };

export type PnrResult =
  | {
      fits: true;
      tool: string;
      device: string;
      package: string;
      constraint: string;
      seed: number;
      fmaxMhz: number;
      logicCells: number;
      ioCells: number;
      ramCells: number;
    }
  | { fits: false; tool: string; reason: string };

/**
 * The Xilinx estimate: Yosys `sta` after `synth_xilinx -abc9 -flatten`, the longest register-to-
 * register path in ps from the 7-series cells' delays (LUT, CARRY4, DSP48E1, block RAM, flip-flop).
 * It counts no routing, so a placed and routed design is slower; it is a comparison between blocks
 * and a check of logic depth, not an Fmax.
 */
export interface XilinxCounts extends CellCounts {
  flow: string;
  staPs: number | null;
}

export interface SynthResult {
  tools: { yosys: string; nextpnr?: string };
  ice40: CellCounts & { flow: string };
  xilinx: XilinxCounts;
  pnr?: PnrResult;
  seconds: number;
}

export interface SynthSpec {
  rtl: string;
  top: string;
  /** Top-level I/O bits, to decide which device the block can fit. */
  ioBits: number;
  /** Skip place and route (only the cell counts). */
  noPnr?: boolean;
  pnr?: PnrOptions;
  timeoutMs?: number;
}

interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/** Run a tool without blocking, so that a benchmark can keep two of them busy. */
function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let error: Error | undefined;
    const timer = setTimeout(() => {
      error = new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => (error = e));
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status: error ? null : status, stdout, stderr, error });
    });
  });
}

/** The cell table of a Yosys `stat` listing (the last one in the text). */
export function parseStat(text: string): Record<string, number> {
  const at = text.lastIndexOf('Number of cells:');
  if (at < 0) throw new Error('no "Number of cells" in the Yosys statistics');
  const cells: Record<string, number> = {};
  for (const line of text.slice(at).split('\n').slice(1)) {
    const m = /^\s+(\$?[A-Za-z_][\w$]*)\s+(\d+)\s*$/.exec(line);
    if (!m) break;
    cells[m[1]!] = Number(m[2]);
  }
  return cells;
}

function sum(cells: Record<string, number>, re: RegExp, weight: (name: string) => number = () => 1): number {
  return Object.entries(cells).reduce((a, [k, v]) => (re.test(k) ? a + v * weight(k) : a), 0);
}

export function ice40Counts(cells: Record<string, number>): CellCounts {
  return {
    luts: sum(cells, /^SB_LUT4$/),
    ffs: sum(cells, /^SB_DFF/),
    carry: sum(cells, /^SB_CARRY$/),
    ram: sum(cells, /^SB_RAM40_4K|^SB_SPRAM256KA$/),
    dsp: sum(cells, /^SB_MAC16$/),
    cells,
  };
}

export function xilinxCounts(cells: Record<string, number>): CellCounts {
  return {
    // logic LUTs, LUTs used as shift registers or distributed RAM
    luts: sum(cells, /^(LUT[1-6](_2)?|SRL16E|SRLC32E|RAM\d+[XSDM])/),
    ffs: sum(cells, /^FD[CPRS]E?$/),
    carry: sum(cells, /^CARRY[48]$/),
    ram: sum(cells, /^RAMB(18|36)/, (k) => (k.startsWith('RAMB36') ? 2 : 1)),
    dsp: sum(cells, /^DSP48/),
    cells,
  };
}

/** The first device whose I/O, logic cells and RAM can hold the block, or why none can. */
export function pickDevice(ioBits: number, ice: CellCounts): { device: Device } | { reason: string } {
  const reasons: string[] = [];
  for (const d of ICE40_DEVICES) {
    const lcs = Math.max(ice.luts, ice.ffs);
    if (ioBits > d.io) reasons.push(`${d.name}-${d.package}: ${ioBits} I/O > ${d.io}`);
    else if (lcs > d.lcs) reasons.push(`${d.name}: ${lcs} LUTs or FFs > ${d.lcs} logic cells`);
    else if (ice.ram > d.ram) reasons.push(`${d.name}: ${ice.ram} RAM blocks > ${d.ram}`);
    else return { device: d };
  }
  return { reason: `does not fit: ${reasons.join('; ')}` };
}

/** The latest arrival time of Yosys `sta`, in ps (null when it found no path). */
export function parseSta(text: string): number | null {
  const m = /Latest arrival time in '[^']*' is (\d+)/.exec(text);
  return m ? Number(m[1]) : null;
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim())?.trim() ?? '';
}

/** Fmax of the report's clocks (the slowest, when there are several). */
export function parseFmax(report: { fmax?: Record<string, { achieved: number }> }): number | null {
  const v = Object.values(report.fmax ?? {}).map((c) => c.achieved);
  return v.length ? Math.min(...v) : null;
}

export async function synthesize(spec: SynthSpec): Promise<SynthResult> {
  const t0 = Date.now();
  const yosys = requireTool('yosys', 'yosys');
  const timeoutMs = spec.timeoutMs ?? 1_800_000;
  const work = mkdtempSync(join(tmpdir(), 'softmax-lut-synth-'));
  try {
    const rtl = resolve(spec.rtl);
    const script = [
      `read_verilog -defer ${rtl}`,
      'design -save src',
      // hierarchy kept: each lane module is mapped once and counted once per instance (stat -top);
      // the lanes begin and end at registers, so flattening would find nothing to share across them
      `synth_ice40 -noflatten -top ${spec.top}`,
      `tee -q -o ice40_stat.txt stat -top ${spec.top}`,
      'flatten',
      'write_json ice40.json',
      'design -load src',
      // flattened, with abc9's timing-driven mapping; then Yosys's own static timing analysis
      `synth_xilinx -abc9 -flatten -top ${spec.top}`,
      `tee -q -o xilinx_stat.txt stat -top ${spec.top}`,
      'tee -q -o xilinx_sta.txt sta',
    ].join('; ');
    const y = await run(yosys, ['-q', '-p', script], work, timeoutMs);
    if (y.status !== 0) {
      const why = y.error ? y.error.message : `${y.stderr}${y.stdout}`.trim().split('\n').slice(-5).join('\n');
      throw new Error(`yosys failed on ${spec.rtl}: ${why}`);
    }
    const yosysVersion = firstLine((await run(yosys, ['-V'], work, 30_000)).stdout);
    const ice40 = { flow: 'yosys synth_ice40 -noflatten', ...ice40Counts(parseStat(readFileSync(join(work, 'ice40_stat.txt'), 'utf8'))) };
    const xilinx = {
      flow: 'yosys synth_xilinx -abc9 -flatten',
      ...xilinxCounts(parseStat(readFileSync(join(work, 'xilinx_stat.txt'), 'utf8'))),
      staPs: parseSta(readFileSync(join(work, 'xilinx_sta.txt'), 'utf8')),
    };
    const result: SynthResult = { tools: { yosys: yosysVersion }, ice40, xilinx, seconds: 0 };
    if (!spec.noPnr) result.pnr = await placeAndRoute(work, spec, ice40, timeoutMs, result);
    result.seconds = (Date.now() - t0) / 1000;
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function placeAndRoute(work: string, spec: SynthSpec, ice: CellCounts, timeoutMs: number, result: SynthResult): Promise<PnrResult> {
  const nextpnr = requireTool('nextpnr-ice40', 'nextpnr-ice40');
  const v = await run(nextpnr, ['--version'], work, 30_000);
  const tool = firstLine(v.stdout + '\n' + v.stderr).replace(/^nextpnr-ice40 -- .*\(Version (.*)\)$/, 'nextpnr-ice40 $1');
  result.tools.nextpnr = tool;
  const pick = pickDevice(spec.ioBits, ice);
  if ('reason' in pick) return { fits: false, tool, reason: pick.reason };
  const d = pick.device;
  const o = spec.pnr ?? DEFAULT_PNR;
  const report = join(work, 'pnr.json');
  const r = await run(
    nextpnr,
    [d.option, '--package', d.package, '--json', 'ice40.json', '--freq', String(o.freqMhz), '--seed', String(o.seed),
      '--timing-allow-fail', '--threads', '1', '-q', '--report', report],
    work,
    timeoutMs,
  );
  if (r.status !== 0 || !existsSync(report)) {
    const err = r.error?.message ?? (r.stderr + r.stdout).split('\n').find((l) => /ERROR/.test(l))?.trim() ?? `exit status ${r.status}`;
    return { fits: false, tool, reason: `${d.name}-${d.package}: nextpnr failed: ${err}` };
  }
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  const fmax = parseFmax(rep);
  if (fmax === null) return { fits: false, tool, reason: `${d.name}-${d.package}: no clock in the timing report` };
  const used = (k: string) => Number(rep.utilization?.[k]?.used ?? 0);
  return {
    fits: true,
    tool,
    device: d.name,
    package: d.package,
    constraint: `--freq ${o.freqMhz} (MHz, timing-driven placement), --seed ${o.seed}, pins placed by the tool`,
    seed: o.seed,
    fmaxMhz: Number(fmax.toFixed(2)),
    logicCells: used('ICESTORM_LC'),
    ioCells: used('SB_IO'),
    ramCells: used('ICESTORM_RAM'),
  };
}
