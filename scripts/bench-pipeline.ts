/**
 * Latency against Fmax: the default block (rexp, normalized, n = 8) and the lut2d block of the same
 * formats, pipelined for targets from 50 to 200 MHz, synthesised and placed and routed on the
 * iCE40 HX8K (nextpnr constrained at the target), with the Xilinx sta estimate beside.
 *   npm run bench:pipeline [-- --jobs 2 --method rexp]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBlock } from '../generator/block/block.js';
import { DEFAULT_CONFIG, validateConfig } from '../generator/config/config.js';
import { measureBlock, type SynthesisSection } from '../generator/measure/synthesis.js';
import { writeFiles } from '../generator/block/writer.js';
import { pool } from './bench.js';

/** Targets of the delay model (pipeline.targetMHz), then two overrides on top of the 100 MHz plan. */
export const SETTINGS: { label: string; pipeline: Record<string, unknown> }[] = [
  ...[50, 75, 100, 125, 150, 200].map((mhz) => ({ label: `targetMHz ${mhz}`, pipeline: { targetMHz: mhz } })),
  { label: 'targetMHz 100, treeLevelsPerStage 1', pipeline: { targetMHz: 100, treeLevelsPerStage: 1 } },
  { label: 'targetMHz 100, outputSlice', pipeline: { targetMHz: 100, outputSlice: true } },
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const jobs = Number(arg('--jobs') ?? 2);
const methods = arg('--method') ? [arg('--method')!] : ['rexp', 'lut2d'];
const t0 = Date.now();
const rows: { method: string; label: string; latency: number; estimate: number; s?: SynthesisSection; error?: string }[] = [];
const todo = methods.flatMap((method) => SETTINGS.map((st) => ({ method, st })));
let done = 0;
await pool(todo, jobs, async ({ method, st }) => {
  const config = validateConfig({ ...DEFAULT_CONFIG, name: `pl_${method}`, method: { name: method, addressing: 'normalized' }, pipeline: st.pipeline });
  const block = buildBlock(config);
  const dir = mkdtempSync(join(tmpdir(), 'softmax-lut-pl-'));
  writeFiles(dir, block.files);
  const worst = Math.max(...block.plan.schedule!.stages.map((x) => x.estimateNs));
  const row: (typeof rows)[number] = { method, label: st.label, latency: block.plan.latency, estimate: 1000 / worst };
  rows.push(row);
  try {
    row.s = await measureBlock(block, dir);
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
  }
  const f = row.s?.pnr?.fits ? `${row.s.pnr.fmaxMhz} MHz` : row.error ?? 'no Fmax';
  done++;
  console.log(`bench:pipeline: [${done}/${todo.length}] ${method} ${st.label}: latency ${row.latency}, ${f} (${Math.round((Date.now() - t0) / 1000)} s)`);
});
const order = (r: (typeof rows)[number]) => methods.indexOf(r.method) * 100 + SETTINGS.findIndex((s) => s.label === r.label);
rows.sort((a, b) => order(a) - order(b));
console.log('\n| method | pipeline setting | latency | model estimate (MHz) | iCE40 LUT | iCE40 FF | iCE40 RAM | Fmax iCE40HX8K (MHz) | Xilinx sta (ps) |\n|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const s = r.s;
  const f = s?.pnr?.fits ? s.pnr.fmaxMhz.toFixed(2) : r.error ?? '-';
  console.log(`| ${r.method} normalized n=8 | ${r.label} | ${r.latency} | ${r.estimate.toFixed(0)} | ${s?.ice40.luts ?? '-'} | ${s?.ice40.ffs ?? '-'} | ${s?.ice40.ram ?? '-'} | ${f} | ${s?.xilinx.staPs ?? '-'} |`);
}
const pnr = rows.find((r) => r.s?.pnr?.fits)?.s?.pnr;
if (pnr?.fits) console.log(`\n${pnr.tool} on ${pnr.device}-${pnr.package}, ${pnr.constraint}. ${Math.round((Date.now() - t0) / 1000)} s with ${jobs} job(s).`);
