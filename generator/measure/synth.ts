/**
 * Hardware cost of a block: Yosys synth_ice40 and synth_xilinx cell counts, and nextpnr-ice40 place
 * and route for Fmax on the first iCE40 device the block fits, through the Fmax harness
 * (generator/measure/harness.ts) when its I/O bits exceed the package's pins. Tools are started with argument
 * arrays, never through a shell; their scratch files live in a temporary folder.
 *
 * Yosys runs: (1) synth_ice40 -noflatten of the block (inside its harness when place and route
 * follows) and hierarchical synth_xilinx -abc9, flattened for sta, always; (2) synth_ice40 -dsp for
 * the UP5K, only when the HX8K is too small.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { harnessFor } from './harness.js';
import { requireTool } from '../evidence/runner.js';

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
  /** SB_MAC16 DSP blocks (0: none, the block is synthesised without DSP inference). */
  dsp: number;
  /** The synth_ice40 options of the netlist placed on this device. */
  synthArgs: readonly string[];
}

/**
 * Devices tried in order; the first the block fits (logic cells, RAM, DSPs) is placed and routed,
 * on bare pins when its I/O bits fit the package, else through the Fmax harness (generator/measure/harness.ts).
 * The UP5K is synthesised with -dsp (its multipliers in SB_MAC16), in a second Yosys run made only
 * when the block does not fit the HX8K.
 */
export const ICE40_DEVICES: readonly Device[] = [
  { option: '--hx8k', name: 'iCE40HX8K', package: 'ct256', io: 206, lcs: 7680, ram: 32, dsp: 0, synthArgs: [] },
  { option: '--up5k', name: 'iCE40UP5K', package: 'sg48', io: 39, lcs: 5280, ram: 30, dsp: 8, synthArgs: ['-dsp'] },
];

export interface PnrOptions {
  /** Target clock for timing-driven placement, MHz. */
  freqMhz: number;
  seed: number;
}

export const DEFAULT_PNR: PnrOptions = { freqMhz: 100, seed: 1 };

/** How the Xilinx estimate is made. */
export const STA_FLOW = 'yosys synth_xilinx -abc9 (hierarchy kept), flatten, sta';

export type PnrResult =
  | {
      fits: true;
      tool: string;
      device: string;
      package: string;
      /** The Yosys flow of the placed netlist (synth_ice40 options). */
      flow: string;
      /** Placed through the Fmax harness (the block's I/O bits exceed the package's pins). */
      harness: boolean;
      /** Flip-flops the harness added (counted in logicCells), when it was used. */
      harnessRegisters?: number;
      constraint: string;
      seed: number;
      fmaxMhz: number;
      logicCells: number;
      ioCells: number;
      ramCells: number;
      dspCells: number;
    }
  | { fits: false; tool: string; reason: string };

/**
 * Xilinx cell counts from `synth_xilinx -abc9` with the hierarchy kept (`stat -top`: each lane module
 * mapped once), and an estimate: Yosys `sta` on that netlist flattened, the longest register-to-
 * register path in ps from the 7-series cells' delays (LUT, CARRY4, DSP48E1, block RAM, flip-flop).
 * It counts no routing, so a placed and routed design is slower; it is a comparison between blocks
 * and a check of logic depth, not an Fmax. staReason says why staPs is null.
 */
export interface XilinxCounts extends CellCounts {
  flow: string;
  staPs: number | null;
  /** The flow of the sta estimate. */
  staFlow?: string;
  /** Why staPs is null (no path found). */
  staReason?: string;
}

export interface SynthResult {
  tools: { yosys: string; nextpnr?: string };
  /** The block alone, no DSP inference (HX family). */
  ice40: CellCounts & { flow: string };
  /** The block alone with synth_ice40 -dsp, when the UP5K was considered (it did not fit the HX8K). */
  ice40Dsp?: CellCounts & { flow: string };
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

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/** Run a tool without blocking, so that a benchmark can keep two of them busy. */
export function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
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

/** Register bits one SB_MAC16 can hold (its A, B, C, D input and 32-bit output registers). */
const MAC16_REGISTER_BITS = 96;

export type DevicePick = { device: Device; harness: boolean } | { reason: string; needsDsp: boolean };

/**
 * The first device that can hold the block, and whether on bare pins or through the Fmax harness, or
 * why none can. The block goes on bare pins when its I/O bits fit the package, else through the
 * harness (when there is one: o.harnessRegisters), whose registers then count as logic cells too.
 * Logic cells are estimated from below, as the larger of LUTs and FFs: a block rejected here cannot
 * fit, one accepted may still fail in nextpnr. A DSP device (synthArgs -dsp) is judged on the block's
 * -dsp counts (o.dsp); without them it is not tried, and needsDsp says they are wanted (unless the
 * block has too many FFs even if SB_MAC16 registers took some).
 */
export function pickDevice(ioBits: number, ice: CellCounts, o: { harnessRegisters?: number; dsp?: CellCounts } = {}): DevicePick {
  const reasons: string[] = [];
  let needsDsp = false;
  for (const d of ICE40_DEVICES) {
    const at = `${d.name}-${d.package}`;
    // -dsp changes the logic, not the RAM: a device too small in RAM needs no second run
    if (ice.ram > d.ram) {
      reasons.push(`${at}: ${ice.ram} RAM blocks > ${d.ram}`);
      continue;
    }
    const harness = ioBits > d.io;
    if (harness && o.harnessRegisters === undefined) {
      reasons.push(`${at}: ${ioBits} I/O > ${d.io} and no harness`);
      continue;
    }
    const extra = harness ? o.harnessRegisters! : 0;
    const via = harness ? ` (through the harness: ${ioBits} I/O > ${d.io})` : '';
    const c = d.synthArgs.includes('-dsp') ? o.dsp : ice;
    if (!c) {
      // -dsp can take flip-flops into SB_MAC16 registers, no more: a block with too many needs no second run
      const ffs = ice.ffs - d.dsp * MAC16_REGISTER_BITS;
      if (ffs + extra > d.lcs) {
        reasons.push(`${at}${via}: ${ice.ffs} FFs, at most ${d.dsp * MAC16_REGISTER_BITS} of them in SB_MAC16 registers${extra ? `, + ${extra} harness registers` : ''} > ${d.lcs} logic cells`);
      } else {
        needsDsp = true;
        reasons.push(`${at}: not tried without the synth_ice40 -dsp counts`);
      }
      continue;
    }
    const lcs = Math.max(c.luts, c.ffs);
    const flow = d.synthArgs.length ? ` with ${d.synthArgs.join(' ')}` : '';
    if (lcs + extra > d.lcs) {
      reasons.push(`${at}${via}: ${lcs} LUTs or FFs${flow}${extra ? ` + ${extra} harness registers` : ''} > ${d.lcs} logic cells`);
    } else if (c.ram > d.ram) reasons.push(`${at}: ${c.ram} RAM blocks > ${d.ram}`);
    else if (c.dsp > d.dsp) reasons.push(`${at}${via}: ${c.dsp} SB_MAC16 > ${d.dsp}`);
    else return { device: d, harness };
  }
  return { reason: `does not fit: ${reasons.join('; ')}`, needsDsp };
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

const ICE40_FLOW = 'yosys synth_ice40 -noflatten';
/** The label of an iCE40 Yosys flow with the given synth_ice40 options. */
const flowOf = (args: readonly string[]) => (args.length ? `yosys synth_ice40 ${args.join(' ')} -noflatten` : ICE40_FLOW);

/**
 * The Yosys commands of one iCE40 synthesis: the block's statistics into <tag>_stat.txt and its
 * flattened netlist into <tag>.json. With a harness, the harness is the top (the block keeps its own
 * module, so its statistics are those of the block alone) and its netlist goes into <tag>_harness.json.
 */
function ice40Script(top: string, harness: string | undefined, args: readonly string[], tag: string): string[] {
  // iCE40 has no distributed RAM: a memory marked ram_style "distributed" (a delay line of a block
  // for ecp5 with pipeline.ramDelays) is left to Yosys's own choice, where it would stop with "no
  // valid mapping found for memory"
  const synth = [
    `hierarchy -top ${harness ?? top}`,
    'setattr -unset ram_style a:ram_style=distributed',
    `synth_ice40 ${[...args, '-noflatten'].join(' ')} -top ${harness ?? top}`,
  ].join('; ');
  const stat = `tee -q -o ${tag}_stat.txt stat -top ${top}`;
  if (!harness) return [synth, stat, 'flatten', `write_json ${tag}.json`];
  return [synth, stat, 'design -save mapped', `hierarchy -top ${top}`, 'flatten', `write_json ${tag}.json`, 'design -load mapped', 'flatten', `write_json ${tag}_harness.json`];
}

/** The harness as written into the work folder. */
interface HarnessFile {
  name: string;
  file: string;
  pins: string[];
  registers: number;
}

export async function synthesize(spec: SynthSpec): Promise<SynthResult> {
  const t0 = Date.now();
  const yosys = requireTool('yosys', 'yosys');
  const timeoutMs = spec.timeoutMs ?? 1_800_000;
  const work = mkdtempSync(join(tmpdir(), 'softmax-lut-synth-'));
  try {
    const rtl = resolve(spec.rtl);
    const runYosys = async (script: string[]) => {
      const y = await run(yosys, ['-q', '-p', script.join('; ')], work, timeoutMs);
      if (y.status !== 0) {
        const why = y.error ? y.error.message : `${y.stderr}${y.stdout}`.trim().split('\n').slice(-5).join('\n');
        throw new Error(`yosys failed on ${spec.rtl}: ${why}`);
      }
    };
    // the Fmax harness, for place and route when the block's I/O bits exceed a package's pins
    let harness: HarnessFile | undefined;
    let harnessError: string | undefined;
    if (!spec.noPnr) {
      try {
        const h = harnessFor(readFileSync(rtl, 'utf8'), spec.top);
        harness = { name: h.name, file: join(work, `${h.name}.v`), pins: h.pins, registers: h.registers };
        writeFileSync(harness.file, h.text);
      } catch (e) {
        harnessError = (e as Error).message;
      }
    }
    // the harness is synthesised around the block only for the devices whose pins the block exceeds
    // (a block on bare pins gets exactly the netlist of a run without it)
    const around = (dsp: boolean) =>
      harness && ICE40_DEVICES.some((d) => d.synthArgs.includes('-dsp') === dsp && spec.ioBits > d.io) ? harness : undefined;
    const read = (h: HarnessFile | undefined) => [`read_verilog -defer ${rtl}`, ...(h ? [`read_verilog -defer ${h.file}`] : [])];
    await runYosys([
      ...read(around(false)),
      'design -save src',
      // hierarchy kept: each lane module is mapped once and counted once per instance (stat -top);
      // the lanes begin and end at registers, so flattening would find nothing to share across them
      ...ice40Script(spec.top, around(false)?.name, [], 'ice40'),
      'design -load src',
      // Xilinx counts with the hierarchy kept too: fast on wide blocks, where -flatten takes minutes
      `synth_xilinx -abc9 -top ${spec.top}`,
      `tee -q -o xilinx_stat.txt stat -top ${spec.top}`,
      // then the mapped netlist flattened for Yosys's static timing analysis (the same 1975 ps as a
      // second synth_xilinx -abc9 -flatten on softmax_default, in seconds instead of minutes at n = 64)
      'flatten',
      'tee -q -o xilinx_sta.txt sta',
    ]);
    const yosysVersion = firstLine((await run(yosys, ['-V'], work, 30_000)).stdout);
    const ice40 = { flow: ICE40_FLOW, ...ice40Counts(parseStat(readFileSync(join(work, 'ice40_stat.txt'), 'utf8'))) };
    const xilinx: XilinxCounts = {
      flow: 'yosys synth_xilinx -abc9',
      ...xilinxCounts(parseStat(readFileSync(join(work, 'xilinx_stat.txt'), 'utf8'))),
      staPs: null,
    };
    xilinx.staFlow = STA_FLOW;
    xilinx.staPs = parseSta(readFileSync(join(work, 'xilinx_sta.txt'), 'utf8'));
    if (xilinx.staPs === null) xilinx.staReason = 'sta found no register-to-register path';
    const result: SynthResult = { tools: { yosys: yosysVersion }, ice40, xilinx, seconds: 0 };
    if (!spec.noPnr) {
      // the UP5K's -dsp counts, in a second iCE40 run, only for a block the HX8K cannot hold
      const dspCounts = async () => {
        await runYosys([...read(around(true)), ...ice40Script(spec.top, around(true)?.name, ['-dsp'], 'dsp')]);
        result.ice40Dsp = { flow: flowOf(['-dsp']), ...ice40Counts(parseStat(readFileSync(join(work, 'dsp_stat.txt'), 'utf8'))) };
        return result.ice40Dsp;
      };
      result.pnr = await placeAndRoute(work, spec, ice40, { harness, harnessError, dspCounts }, timeoutMs, result);
    }
    result.seconds = (Date.now() - t0) / 1000;
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function placeAndRoute(
  work: string,
  spec: SynthSpec,
  ice: CellCounts,
  h: { harness?: HarnessFile; harnessError?: string; dspCounts: () => Promise<CellCounts> },
  timeoutMs: number,
  result: SynthResult,
): Promise<PnrResult> {
  const nextpnr = requireTool('nextpnr-ice40', 'nextpnr-ice40');
  const v = await run(nextpnr, ['--version'], work, 30_000);
  const tool = firstLine(v.stdout + '\n' + v.stderr).replace(/^nextpnr-ice40 -- .*\(Version (.*)\)$/, 'nextpnr-ice40 $1');
  result.tools.nextpnr = tool;
  const registers = h.harness?.registers;
  let pick = pickDevice(spec.ioBits, ice, { harnessRegisters: registers });
  if ('reason' in pick && pick.needsDsp) pick = pickDevice(spec.ioBits, ice, { harnessRegisters: registers, dsp: await h.dspCounts() });
  if ('reason' in pick) return { fits: false, tool, reason: pick.reason + (h.harnessError ? ` (no harness: ${h.harnessError})` : '') };
  const d = pick.device;
  const netlist = `${d.synthArgs.includes('-dsp') ? 'dsp' : 'ice40'}${pick.harness ? '_harness' : ''}.json`;
  const o = spec.pnr ?? DEFAULT_PNR;
  const report = join(work, 'pnr.json');
  const r = await run(
    nextpnr,
    [d.option, '--package', d.package, '--json', netlist, '--freq', String(o.freqMhz), '--seed', String(o.seed),
      '--timing-allow-fail', '--threads', '1', '-q', '--report', report],
    work,
    timeoutMs,
  );
  const via = pick.harness ? ' through the harness' : '';
  if (r.status !== 0 || !existsSync(report)) {
    const err = r.error?.message ?? (r.stderr + r.stdout).split('\n').find((l) => /ERROR/.test(l))?.trim() ?? `exit status ${r.status}`;
    // the cell estimate let it through, but the packed design has more logic cells than the device
    const full = /Unable to place cell|no BELs remaining|Failed to expand region/.test(err);
    return { fits: false, tool, reason: `${full ? 'does not fit: ' : ''}${d.name}-${d.package}${via}: nextpnr failed: ${err}` };
  }
  const rep = JSON.parse(readFileSync(report, 'utf8'));
  const fmax = parseFmax(rep);
  if (fmax === null) return { fits: false, tool, reason: `${d.name}-${d.package}${via}: no clock in the timing report` };
  const used = (k: string) => Number(rep.utilization?.[k]?.used ?? 0);
  const pins = pick.harness
    ? `; through the Fmax harness ${h.harness!.name} (the block's ${spec.ioBits} I/O bits > ${d.io} pins; ${h.harness!.pins.length} pins ${h.harness!.pins.join(', ')}; ` +
      `${registers} harness registers counted in the logic cells; register-to-register paths only, see generator/measure/harness.ts)`
    : '';
  return {
    fits: true,
    tool,
    device: d.name,
    package: d.package,
    flow: flowOf(d.synthArgs),
    harness: pick.harness,
    ...(pick.harness ? { harnessRegisters: registers } : {}),
    constraint: `--freq ${o.freqMhz} (MHz, timing-driven placement), --seed ${o.seed}, pins placed by the tool${pins}`,
    seed: o.seed,
    fmaxMhz: Number(fmax.toFixed(2)),
    logicCells: used('ICESTORM_LC'),
    ioCells: used('SB_IO'),
    ramCells: used('ICESTORM_RAM'),
    dspCells: used('ICESTORM_DSP'),
  };
}
