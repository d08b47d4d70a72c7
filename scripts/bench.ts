/**
 * Hardware benchmark: synthesise a fixed set of blocks in one run and print table bytes, cells,
 * Fmax, latency and max error side by side.
 *
 * The set: every architecture in ARCHS x every entry of CANDIDATES x n in NS, on the default formats
 * (8-bit input with 4 fraction bits, 8-bit output with 8). A method that is not registered in
 * generator/numerics/methods/index/ gets a "not available" row, so the baselines join the table as soon as
 * they are merged. Max error is measured with the golden model (bit-exact with the RTL) over the
 * README accuracy table's vector set.
 *
 *   npm run bench                     measure and print; results to build/bench.json
 *   npm run bench -- --write          also save bench/results.json and the README's hardware table
 *   npm run bench -- --jobs 1         one synthesis at a time (default 2)
 *   npm run bench -- --only rexp      only rows whose method contains the text; --arch parallel|stream
 *                                     and --n N select further; with --write the selected rows
 *                                     whose RTL changed (all of them with --force) are measured again
 *                                     and merged into bench/results.json (the other rows, the ECP5
 *                                     columns and the full run's wall time are kept)
 *   npm run bench -- --readme         rewrite the README table from bench/results.json (no synthesis)
 *   npm run bench -- --ecp5 [--write] the ECP5 columns only: each block pipelined for ecp5 at 150 MHz,
 *                                     synth_ecp5 and nextpnr-ecp5 on the LFE5U-85F; --write merges each
 *                                     row into bench/results.json and the README table as it finishes
 *                                     (rows whose ECP5 RTL is unchanged are kept unless --force, so a
 *                                     stopped run resumes; --only, --arch parallel|stream and --n N
 *                                     measure a part)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBlock } from '../generator/block/block.js';
import { validateConfig } from '../generator/config/config.js';
import { accuracy } from '../generator/numerics/metrics.js';
import { METHODS } from '../generator/numerics/methods/index.js';
import { ioBits, measureBlock, rtlSha256, type SynthesisSection } from '../generator/measure/synthesis.js';
import { ECP5_FLOW, ECP5_PART, measureEcp5 } from '../generator/measure/ecp5.js';
import { packEcp5 } from '../generator/measure/ecp5-pack.js';
import { STA_FLOW, type PnrResult } from '../generator/measure/synth.js';
import { ROOT } from '../generator/core/version.js';
import { writeFiles } from '../generator/block/writer.js';
import { errorBound } from '../generator/numerics/bound.js';
import { SUMMARY_SEED as TABLE_SEED, SUMMARY_VECTORS as TABLE_VECTORS } from '../generator/evidence/vectors.js';
import { replaceSection } from './readme-section.js';
import type { Config } from '../generator/numerics/types.js';
import { vectorSet } from '../generator/evidence/vector-set.js';

/** Architectures benchmarked. For 'stream', n is the longest row (stream.maxN), with STREAM_LANES lanes. */
export const ARCHS: readonly string[] = ['parallel', 'stream'];
/** Lanes (elements per beat) of the stream blocks benchmarked. */
export const STREAM_LANES = 4;
/**
 * Methods and addressings benchmarked; addressing undefined means the method's default, params
 * undefined the method's default parameters.
 */
export const CANDIDATES: readonly { method: string; addressing?: string; params?: Record<string, number>; paper: boolean }[] = [
  { method: 'rexp', addressing: 'normalized', paper: true },
  // small tables (350 B, under 1/4 of the tuned hls4ml-like baseline's 2579 B at these formats): the smallest error bound at
  // n = 64 among the rexp normalized tables of at most 356 B (bound 2.85 LSB at n = 64, against the baseline's 12.0)
  { method: 'rexp', addressing: 'normalized', params: { expWidth: 13, recipAddrBits: 7, recipWidth: 7 }, paper: true },
  { method: 'rexp', addressing: 'linear', paper: true },
  { method: 'lut2d', addressing: 'normalized', paper: true },
  { method: 'lut2d', addressing: 'linear', paper: true },
  { method: 'hls4ml-like', addressing: 'top-bits', paper: false },
  // hls4ml's own defaults for these types (wrapping d and output, tables cut to the input width)
  { method: 'hls4ml-like', addressing: 'default', paper: false },
  { method: 'exact', paper: false },
  // ours, multiplier-free: compared with the baseline like the paper's methods
  { method: 'logexp', paper: true },
  // the published integer softmax: I-BERT's polynomial exponent and an integer divider per lane
  { method: 'ibert', paper: false },
  // Softermax (its base-2 exponent and a reciprocal) at the 8.4 input; its one-pass stream sum needs a
  // base-2 input scale: presets softermax_online_p4_n256 and softermax_stream_p4_n256 compare it
  { method: 'softermax', paper: false },
];
export const NS: readonly number[] = [8, 64];
export const FORMATS = { input: { width: 8, frac: 4 }, output: { width: 8, frac: 8 } };
const PER_BLOCK_TIMEOUT_MS = 1_800_000; // wall clock: generous, the cores are often shared
/** The target of the ECP5 columns: each block pipelined for ecp5 at this clock and routed against it. */
export const ECP5_TARGET_MHZ = 150;
/** Wall clock of one ECP5 place and route in the bench (I-BERT's parallel n = 64 block takes the longest). */
const ECP5_TIMEOUT_MS = 1_200_000;

/** The ECP5 figures of a row: the same block pipelined for ecp5 at ECP5_TARGET_MHZ (its own RTL). */
export interface BenchEcp5 {
  rtlSha256: string;
  latency: number;
  luts: number;
  ffs: number;
  carry: number;
  ebr: number;
  dsp: number;
  /** Routed Fmax, MHz; null with the reason when it was not placed. */
  fmaxMHz: number | null;
  reason?: string;
  harness: boolean;
  seconds: number;
}

export interface BenchRow {
  arch: string;
  method: string;
  addressing: string;
  /** Method parameters other than the defaults. */
  params?: Record<string, number>;
  n: number;
  paper: boolean;
  /** Why there are no figures ("not available", a synthesis failure). */
  missing?: string;
  lutBytes?: number;
  latency?: number;
  maxErrLsb?: number;
  /** The block's error bound (generator/numerics/bound.ts): holds for every input. */
  errorBound?: number;
  synthesis?: SynthesisSection;
  seconds?: number;
  ecp5?: BenchEcp5;
}

export interface BenchResults {
  formats: typeof FORMATS;
  vectors: number;
  seed: number;
  rows: BenchRow[];
  /** Wall time of the run that measured these rows, seconds, and the job count. */
  wallSeconds: number;
  /** CPU seconds the synthesis tools used (user + system, from /proc), when known. */
  toolCpuSeconds?: number;
  jobs: number;
  /** Rows measured again after that run, alone (`--write` with a selection; their RTL had changed). */
  remeasured?: string[];
  /**
   * The ECP5 columns (npm run bench -- --ecp5), once a run has measured a row: the tools, and the job
   * count of the last run (each row keeps its own place-and-route seconds; a run writes each row as
   * it finishes, so an interrupted one resumes where it stopped).
   */
  ecp5?: { tools: { yosys: string; nextpnr: string }; device: string; seed: number; jobs: number };
}

/** The config of one benchmark block; its module name holds the resolved addressing and the parameters. */
export function benchConfig(arch: string, method: string, addressing: string | undefined, n: number, params: Record<string, number> = {}, ecp5 = false): Config {
  const shape = arch === 'stream' ? { stream: { lanes: STREAM_LANES, maxN: n } } : { n };
  // (a parallel block for ecp5 with the output FIFO, as the committed ecp5 presets: across 64 lanes a
  // pipeline that stalls as one block does not reach 150 MHz)
  const pipeline = ecp5 ? { pipeline: { device: 'ecp5', targetMHz: ECP5_TARGET_MHZ, ...(arch === 'parallel' ? { outputFifo: true } : {}) } } : {};
  const c = validateConfig({ name: 'bench', ...shape, ...FORMATS, arch, method: { name: method, ...(addressing ? { addressing } : {}), ...params }, ...pipeline });
  const id = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_');
  const p = Object.values(params).map(String).join('_');
  return { ...c, name: `bench_${id(method)}_${id(c.method.addressing)}${p ? `_p${p}` : ''}_n${n}_${arch}` };
}

/** Whether two rows are the same block of the set (arch, method, addressing, n and parameters). */
export function sameRow(a: BenchRow, b: BenchRow): boolean {
  return a.arch === b.arch && a.method === b.method && a.addressing === b.addressing && a.n === b.n && JSON.stringify(a.params ?? {}) === JSON.stringify(b.params ?? {});
}

/** A row as the progress lines and the table's note name it. */
function rowTag(row: BenchRow): string {
  return `${row.arch} ${row.method} ${addressingLabel(row)} n=${row.n}`;
}

/** The addressing column: the addressing, and the parameters when they are not the defaults. */
function addressingLabel(row: BenchRow): string {
  if (!row.params) return row.addressing;
  return `${row.addressing}, ${Object.entries(row.params).map(([k, v]) => `${k} ${v}`).join(', ')}`;
}

/** The rows of one run, with the figures that need no synthesis filled in. */
export function plannedRows(): { row: BenchRow; config?: Config }[] {
  const out: { row: BenchRow; config?: Config }[] = [];
  for (const arch of ARCHS) {
    for (const n of NS) {
      for (const c of CANDIDATES) {
        const row: BenchRow = { arch, method: c.method, addressing: c.addressing ?? '-', ...(c.params ? { params: c.params } : {}), n, paper: c.paper };
        if (!METHODS.some((m) => m.name === c.method)) {
          row.missing = `not available: method "${c.method}" is not registered in generator/numerics/methods/index/`;
          out.push({ row });
          continue;
        }
        let config: Config;
        try {
          config = benchConfig(arch, c.method, c.addressing, n, c.params);
        } catch (e) {
          row.missing = `not available: ${(e as Error).message}`;
          out.push({ row });
          continue;
        }
        row.addressing = config.method.addressing;
        out.push({ row, config });
      }
    }
  }
  return out;
}

/** The Fmax cell: MHz, and where it was measured when not on the HX8K's pins (UP5K, harness). */
export function fmaxCell(p: PnrResult | undefined): string {
  if (!p) return '-';
  // the reason says whether the block does not fit (the device pick, or nextpnr out of cells); any
  // other failure of nextpnr (a time-out, no clock in its report) is not that
  if (!p.fits) return p.reason.startsWith('does not fit') ? 'does not fit' : /timed out/.test(p.reason) ? 'nextpnr timed out' : 'nextpnr failed';
  const notes = [...(p.device !== 'iCE40HX8K' ? [`${p.device.replace(/^iCE40/, '')}${p.flow?.includes('-dsp') ? ' -dsp' : ''}`] : []), ...(p.harness ? ['harness'] : [])];
  return `${p.fmaxMhz.toFixed(1)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** The ECP5 cells of a row: latency, LUT4, FF, DP16KD, MULT18X18D and the routed Fmax. */
function ecp5Cells(e: BenchEcp5 | undefined): string {
  if (!e) return '- | - | - | - | - | -';
  const why = (r = '') => (/legal placement/.test(r) ? 'no legal placement' : /exit null/.test(r) ? 'nextpnr timed out' : 'nextpnr failed');
  const f = e.fmaxMHz === null ? why(e.reason) : `${e.fmaxMHz.toFixed(1)}${e.harness ? ' (harness)' : ''}`;
  return `${e.latency} | ${e.luts} | ${e.ffs} | ${e.ebr} | ${e.dsp} | ${f}`;
}

/** How many rows have ECP5 figures, and the time their place and route took. */
function ecp5Time(r: BenchResults): string {
  const rows = r.rows.filter((x) => x.synthesis || x.ecp5);
  const done = rows.filter((x) => x.ecp5);
  const secs = done.reduce((a, x) => a + x.ecp5!.seconds, 0);
  return (
    `${done.length} of ${rows.length} rows measured${done.length < rows.length ? ' ("-": not yet; `npm run bench -- --ecp5 --write` resumes)' : ''}: ` +
    `synthesis, place and route took ${secs} s over them (each block's wall clock, summed; ${r.ecp5!.jobs} job(s) sharing two cores in the last run).`
  );
}

function fmt(v: number | undefined, digits = 0): string {
  return v === undefined ? '-' : digits ? v.toFixed(digits) : String(v);
}

export function benchTable(r: BenchResults): string {
  // the ECP5 columns once a run of --ecp5 has filled them
  const e5 = r.ecp5 !== undefined;
  const lines = [
    '| arch | method | addressing (and parameters other than the defaults) | n | elements per cycle | table bytes | error bound (LSB) | max err (LSB) | latency | iCE40 LUT | iCE40 FF | iCE40 carry | iCE40 RAM | iCE40 Fmax (MHz) | Xilinx LUT | Xilinx FF | Xilinx RAMB18 | Xilinx DSP | Xilinx sta (ps) |' +
      (e5 ? ' ECP5 latency | ECP5 LUT4 | ECP5 FF | ECP5 DP16KD | ECP5 MULT18X18D | ECP5 Fmax (MHz) |' : ''),
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|' + (e5 ? '---|---|---|---|---|---|' : ''),
  ];
  for (const row of r.rows) {
    const head = `| ${row.arch} | ${row.method} | ${addressingLabel(row)} | ${row.n} | ${row.arch === 'stream' ? STREAM_LANES : row.n} |`;
    if (row.missing && row.lutBytes === undefined) {
      lines.push(`${head} ${row.missing} | | | | | | | | | | | | | |${e5 ? ' | | | | | |' : ''}`);
      continue;
    }
    const s = row.synthesis;
    const fmax = fmaxCell(s?.pnr);
    lines.push(
      `${head} ${fmt(row.lutBytes)} | ${fmt(row.errorBound, 3)} | ${fmt(row.maxErrLsb, 3)} | ${fmt(row.latency)} | ${fmt(s?.ice40.luts)} | ${fmt(s?.ice40.ffs)} | ` +
        `${fmt(s?.ice40.carry)} | ${fmt(s?.ice40.ram)} | ${fmax} | ${fmt(s?.xilinx.luts)} | ${fmt(s?.xilinx.ffs)} | ${fmt(s?.xilinx.ram)} | ${fmt(s?.xilinx.dsp)} | ${fmt(s?.xilinx.staPs ?? undefined)} |` +
        (e5 ? ` ${ecp5Cells(row.ecp5)} |` : '') +
        (row.missing ? ` ${row.missing}` : ''),
    );
  }
  const devices = [...new Set(r.rows.flatMap((x) => (x.synthesis?.pnr?.fits ? [`${x.synthesis.pnr.device}-${x.synthesis.pnr.package}`] : [])))];
  const pnr = r.rows.find((x) => x.synthesis?.pnr?.fits && !x.synthesis.pnr.harness)?.synthesis?.pnr ?? r.rows.find((x) => x.synthesis?.pnr?.fits)?.synthesis?.pnr;
  const tools = r.rows.find((x) => x.synthesis)?.synthesis?.tools;
  // the flows the rows were measured with, as recorded: Xilinx counts hierarchical, sta in a separate flattened run
  const xflows = [...new Set(r.rows.flatMap((x) => (x.synthesis ? [x.synthesis.xilinx.flow.replace(/^yosys /, '')] : [])))];
  const hier = xflows.includes('synth_xilinx -abc9');
  const harness = r.rows.some((x) => x.synthesis?.pnr?.fits && x.synthesis.pnr.harness);
  const up5k = r.rows.some((x) => x.synthesis?.pnr?.fits && x.synthesis.pnr.device === 'iCE40UP5K');
  lines.push('');
  lines.push(
    `Input ${r.formats.input.width} bits (${r.formats.input.frac} fraction bits), output ${r.formats.output.width} bits ` +
      `(${r.formats.output.frac} fraction bits), default method parameters unless the addressing column lists others. Max error over ${r.vectors} vectors (seed ${r.seed}) ` +
      '(every corner case, then seeded random vectors of generator/evidence/vectors.ts). ' +
      (ARCHS.includes('stream')
        ? `Stream blocks take ${STREAM_LANES} elements per beat; their n is the longest row (stream.maxN), their max error is over the same vectors as rows of n elements, and their latency is that of a row of n elements. `
        : '') +
      'Every block pipelined by the delay model for its pipeline.targetMHz on pipeline.device (100 MHz on ice40 unless its config says otherwise). ' +
      `Cells from Yosys synth_ice40 (no DSP inference, HX family) and ${xflows.join(', ') || 'synth_xilinx'}${hier ? ' (hierarchy kept, counted with stat -top)' : ''}` +
      (tools ? ` (${tools.yosys})` : '') +
      '; iCE40 RAM counts SB_RAM40_4K blocks, Xilinx RAM RAMB18 units. ' +
      `Xilinx sta: the longest register-to-register path of Yosys \`sta\` (${STA_FLOW}), ` +
      'from 7-series cell delays without routing (a comparison of logic depth, not an Fmax). ' +
      (pnr && pnr.fits
        ? `Fmax from ${pnr.tool} on ${devices.join(', ')} with ${pnr.constraint}` +
          (up5k ? '; "(UP5K -dsp)": too large for the HX8K, placed on the UP5K with its multipliers in SB_MAC16 (synth_ice40 -dsp)' : '') +
          (harness
            ? '; "(harness)": more I/O bits than the package has pins, placed inside the Fmax harness of generator/measure/harness.ts ' +
              '(4 pins; the block\'s inputs from a shift chain, its outputs registered and XOR-reduced; register-to-register paths only, the harness registers counted in the logic cells)'
            : '') +
          `; "does not fit" means the block's RAM, logic cells or DSPs exceed the iCE40 HX8K and UP5K (more I/O than the package has pins alone would go through the Fmax harness); "nextpnr timed out": place and route did not finish within the bench's ${PER_BLOCK_TIMEOUT_MS / 1000} s a block ("nextpnr failed": any other failure, its message in bench/results.json). `
        : '') +
      `One run of \`npm run bench\` with ${r.jobs} parallel job(s) took ${Math.round(r.wallSeconds)} s` +
      (r.toolCpuSeconds !== undefined ? ` (the tools used ${r.toolCpuSeconds} CPU seconds).` : '.') +
      (r.remeasured?.length ? ` Measured again since, on their own after their RTL changed: ${r.remeasured.join('; ')}.` : '') +
      (r.ecp5
        ? ` ECP5 columns: the same block pipelined for \`ecp5\` at ${ECP5_TARGET_MHZ} MHz, a parallel one with the output FIFO (its own RTL, so its own latency), ${ECP5_FLOW} ` +
          `(${r.ecp5.tools.yosys}), registers packed into MULT18X18D and DP16KD, then ${r.ecp5.tools.nextpnr} on the ${r.ecp5.device} (seed ${r.ecp5.seed}, --freq ${ECP5_TARGET_MHZ}), ` +
          `through the Fmax harness ("(harness)") where the block has more I/O bits than the package's ${ECP5_PART.pins} pins; "no legal placement": nextpnr-ecp5 found none, ` +
          `"nextpnr timed out": it did not finish within ${ECP5_TIMEOUT_MS / 1000} s. ` +
          ecp5Time(r)
        : ''),
  );
  return lines.join('\n');
}

/** For each n: paper-method blocks against the hls4ml-like baseline (the issue's acceptance test). */
export function comparison(r: BenchResults): string[] {
  const out: string[] = [];
  for (const arch of ARCHS) {
    for (const n of NS) {
      const base = r.rows.find((x) => x.arch === arch && x.n === n && x.method === 'hls4ml-like' && x.addressing === 'top-bits' && x.synthesis);
      if (!base) {
        out.push(`${arch} n=${n}: no hls4ml-like baseline measured, no comparison`);
        continue;
      }
      const bcost = base.synthesis!.ice40.luts + base.synthesis!.ice40.ram;
      for (const p of r.rows.filter((x) => x.arch === arch && x.n === n && x.paper && x.synthesis)) {
        const cost = p.synthesis!.ice40.luts + p.synthesis!.ice40.ram;
        const errOk = p.errorBound! <= base.errorBound!;
        const bytesOk = p.lutBytes! * 4 <= base.lutBytes!;
        const cellsOk = cost < bcost;
        out.push(
          `${arch} n=${n} ${p.method} ${addressingLabel(p)}: error bound ${p.errorBound} vs ${base.errorBound} LSB (${errOk ? 'equal or better' : 'worse'}); ` +
            `table bytes ${p.lutBytes} vs ${base.lutBytes} (${bytesOk ? 'at most 1/4' : 'more than 1/4'}); ` +
            `iCE40 LUTs+RAM ${cost} vs ${bcost} (${cellsOk ? 'fewer' : 'not fewer'})` +
            (errOk ? (bytesOk && cellsOk ? ': MEETS the target' : ': MISSES the target') : ': not comparable (worse error)'),
        );
      }
    }
  }
  return out;
}

const BEGIN = '<!-- hardware-table:begin (npm run bench -- --write) -->';
const END = '<!-- hardware-table:end -->';
export const RESULTS = join(ROOT, 'bench', 'results.json');

export function readResults(): BenchResults {
  return JSON.parse(readFileSync(RESULTS, 'utf8')) as BenchResults;
}

export { BEGIN as HW_BEGIN, END as HW_END };

export async function pool<T>(items: T[], jobs: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
}

/** CPU seconds (user + system) of this process's finished children, on Linux; undefined elsewhere. */
function childCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 16 and 17 of stat(5) (cutime, cstime), counted from the state field (3rd) here
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return undefined;
  }
}

/** The planned rows a run takes: a method containing `only`, of architecture `arch` and size `n` (each when given). */
function selectedRows(o: { only?: string; arch?: string; n?: number }): ReturnType<typeof plannedRows> {
  return plannedRows().filter((p) => (!o.only || p.row.method.includes(o.only)) && (!o.arch || p.row.arch === o.arch) && (o.n === undefined || p.row.n === o.n));
}

/**
 * The ECP5 columns (--ecp5): each planned block pipelined for ecp5, synthesised and routed on the
 * LFE5U-85F; the rest of bench/results.json is kept. Rows whose ECP5 RTL is unchanged keep their
 * figures unless --force.
 */
async function ecp5Main(argv: string[], jobs: number, only: string | undefined): Promise<void> {
  const t0 = Date.now();
  const results = readResults();
  const force = argv.includes('--force');
  const write = argv.includes('--write');
  const nText = option(argv, '--n');
  const planned = selectedRows({ only, arch: option(argv, '--arch'), n: nText === undefined ? undefined : Number(nText) });
  const rowOf = (r: BenchRow) => results.rows.find((x) => sameRow(x, r));
  const todo = planned
    .filter((p) => p.config && rowOf(p.row))
    .map((p) => {
      const row = rowOf(p.row)!;
      const block = buildBlock(benchConfig(row.arch, row.method, row.addressing, row.n, row.params, true));
      return { row, block };
    })
    .filter((t) => force || t.row.ecp5?.rtlSha256 !== rtlSha256(t.block))
    .sort((a, b) => b.row.n - a.row.n);
  console.log(`bench --ecp5: ${todo.length} blocks to place and route on ${ECP5_PART.name} with ${jobs} job(s)`);
  let done = 0;
  let tools: { yosys: string; nextpnr: string } | undefined;
  await pool(todo, jobs, async ({ row, block }) => {
    const dir = mkdtempSync(join(tmpdir(), 'softmax-lut-bench-ecp5-'));
    writeFiles(dir, block.files);
    const tag = rowTag(row);
    const t = Date.now();
    try {
      const r = await measureEcp5(join(dir, `${block.module}.v`), block.module, { freqMhz: ECP5_TARGET_MHZ, ioBits: ioBits(block), pack: packEcp5, timeoutMs: ECP5_TIMEOUT_MS });
      tools = r.tools;
      row.ecp5 = { rtlSha256: rtlSha256(block), latency: block.plan.latency, luts: r.luts, ffs: r.ffs, carry: r.carry, ebr: r.ebr, dsp: r.dsp, fmaxMHz: r.fmaxMHz, ...(r.reason ? { reason: r.reason } : {}), harness: r.harness, seconds: Math.round((Date.now() - t) / 1000) };
    } catch (e) {
      console.log(`bench --ecp5: ${tag}: ${(e as Error).message.split('\n')[0]}`);
      delete row.ecp5;
    }
    done++;
    const e = row.ecp5;
    // --write: each row as it finishes (with --only, only those rows change), so that a run stopped
    // halfway keeps what it measured and the next one resumes
    if (tools) results.ecp5 = { tools, device: ECP5_PART.name, seed: 1, jobs };
    if (write && tools) {
      writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
      replaceSection(join(ROOT, 'README.md'), BEGIN, END, benchTable(results));
    }
    console.log(`bench --ecp5: [${done}/${todo.length}] ${tag}: ${e ? `${e.fmaxMHz ?? e.reason} (${e.luts} LUT4, ${e.dsp} MULT18X18D, ${e.ebr} DP16KD), ${e.seconds} s` : 'failed'}; ${Math.round((Date.now() - t0) / 1000)} s elapsed`);
  });
  console.log('\n' + benchTable(results) + '\n');
  console.log(`bench --ecp5: ${todo.length} blocks in ${Math.round((Date.now() - t0) / 1000)} s`);
  if (write && tools) console.log('bench --ecp5: wrote the ECP5 columns into bench/results.json and the README hardware table');
}

/** The value after `name` on the command line, when it is there. */
function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--readme')) {
    // re-render the README's table from the saved results, measuring nothing
    replaceSection(join(ROOT, 'README.md'), BEGIN, END, benchTable(readResults()));
    console.log('bench: README hardware table rewritten from bench/results.json');
    return;
  }
  const jobs = Number(option(argv, '--jobs') ?? 2);
  const only = option(argv, '--only');
  if (argv.includes('--ecp5')) return ecp5Main(argv, jobs, only);
  const t0 = Date.now();
  const arch = option(argv, '--arch');
  const nText = option(argv, '--n');
  const partial = only !== undefined || arch !== undefined || nText !== undefined;
  const planned = selectedRows({ only, arch, n: nText === undefined ? undefined : Number(nText) });
  // the largest blocks first, so that the two jobs finish together
  // a part (--write with a selection) measures only rows whose RTL changed since bench/results.json,
  // unless --force
  const saved = partial && argv.includes('--write') && !argv.includes('--force') ? readResults() : undefined;
  const changed = (p: (typeof planned)[number]): boolean => {
    const o = saved?.rows.find((x) => sameRow(x, p.row));
    return !o?.synthesis || o.synthesis.rtlSha256 !== rtlSha256(buildBlock(p.config!));
  };
  const todo = planned.filter((p) => p.config && (!saved || changed(p))).sort((a, b) => b.row.n - a.row.n);
  console.log(`bench: ${planned.length} rows, ${todo.length} blocks to synthesise with ${jobs} job(s)`);
  const vectorsByN = new Map<number, number[][]>();
  let done = 0;
  await pool(todo, jobs, async ({ row, config }) => {
    const c = config!;
    const block = buildBlock(c);
    if (!vectorsByN.has(c.n)) vectorsByN.set(c.n, vectorSet(c.n, c.input, TABLE_VECTORS, TABLE_SEED));
    row.lutBytes = block.plan.lutBytes;
    row.latency = block.plan.latency;
    row.maxErrLsb = accuracy(block.plan, vectorsByN.get(c.n)!).maxErrLsb;
    row.errorBound = errorBound(block.plan).lsb;
    const dir = mkdtempSync(join(tmpdir(), 'softmax-lut-bench-'));
    writeFiles(dir, block.files);
    const t = Date.now();
    const tag = rowTag(row);
    console.log(`bench: [start] ${tag}`);
    try {
      row.synthesis = await measureBlock(block, dir, { timeoutMs: PER_BLOCK_TIMEOUT_MS });
    } catch (e) {
      row.missing = `synthesis failed: ${(e as Error).message.split('\n')[0]}`;
    }
    row.seconds = Math.round((Date.now() - t) / 1000);
    done++;
    const s = row.synthesis;
    const p = s?.pnr;
    const fmax = !p ? '' : p.fits ? `${p.fmaxMhz} MHz on ${p.device}${p.harness ? ' through the harness' : ''}` : `no Fmax (${p.reason})`;
    console.log(
      `bench: [${done}/${todo.length}] ${tag}: ${row.seconds} s` +
        (s ? `, iCE40 ${s.ice40.luts} LUT ${s.ice40.ram} RAM, ${fmax}` : `, ${row.missing}`) +
        `; ${Math.round((Date.now() - t0) / 1000)} s elapsed`,
    );
  });
  const results: BenchResults = {
    formats: FORMATS,
    vectors: TABLE_VECTORS,
    seed: TABLE_SEED,
    rows: planned.map((p) => p.row),
    wallSeconds: Math.round((Date.now() - t0) / 1000),
    jobs,
  };
  const cpu = childCpuSeconds();
  if (cpu !== undefined) results.toolCpuSeconds = Math.round(cpu);
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  writeFileSync(join(ROOT, 'build', 'bench.json'), JSON.stringify(results, null, 2) + '\n');
  const table = benchTable(results);
  console.log('\n' + table + '\n');
  for (const l of comparison(results)) console.log(l);
  console.log(`\nbench: ${results.wallSeconds} s wall time, ${results.toolCpuSeconds ?? '?'} CPU seconds in the tools; results in build/bench.json`);
  if (argv.includes('--write') && partial) {
    // a part measured again: its rows replace theirs in the saved results (their ECP5 columns kept);
    // the wall time stays that of the last full run
    const old = readResults();
    for (const row of todo.map((p) => p.row)) {
      const at = old.rows.findIndex((x) => sameRow(x, row));
      if (at < 0) throw new Error(`bench/results.json has no row ${row.arch} ${row.method} n=${row.n}: run the whole set with --write`);
      if (old.rows[at].ecp5) row.ecp5 = old.rows[at].ecp5;
      old.rows[at] = row;
      const tag = rowTag(row);
      old.remeasured = [...(old.remeasured ?? []).filter((t) => t !== tag), tag];
    }
    writeFileSync(RESULTS, JSON.stringify(old, null, 2) + '\n');
    replaceSection(join(ROOT, 'README.md'), BEGIN, END, benchTable(old));
    console.log(`bench: merged ${todo.length} row(s) into bench/results.json and the README hardware table`);
  } else if (argv.includes('--write')) {
    mkdirSync(join(ROOT, 'bench'), { recursive: true });
    // the ECP5 columns come from their own run (--ecp5): kept; a row whose ECP5 RTL changed since
    // fails test/bench.test.ts until --ecp5 runs again
    if (existsSync(RESULTS)) {
      const old = readResults();
      for (const row of results.rows) {
        const o = old.rows.find((x) => sameRow(x, row));
        if (o?.ecp5) row.ecp5 = o.ecp5;
      }
      if (old.ecp5) results.ecp5 = old.ecp5;
    }
    writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n');
    // the table again, now with the ECP5 columns kept from the saved results
    replaceSection(join(ROOT, 'README.md'), BEGIN, END, benchTable(results));
    console.log('bench: wrote bench/results.json and the README hardware table');
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`bench: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
