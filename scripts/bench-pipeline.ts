/**
 * Latency against Fmax: the default block (rexp, normalized, n = 8) and the lut2d block of the same
 * formats, pipelined for targets from 50 to 200 MHz, synthesised and placed and routed on the
 * iCE40 HX8K (nextpnr constrained at the target), with the Xilinx sta estimate beside.
 *   npm run bench:pipeline [-- --jobs 2 --method rexp]
 *
 * With --device ecp5: three blocks pipelined for pipeline.device ecp5 at 100, 150, 200 and 250 MHz,
 * placed and routed by nextpnr-ecp5 on the LFE5U-85F (speed 6, seed 1, --freq at the target, the
 * MULT18X18D and DP16KD registers packed, generator/measure/ecp5-pack.ts): the default block with
 * the output slice (as presets/default_ecp5.json), the 16-bit block (ap_fixed<16,6> in,
 * ap_ufixed<16,0> out, n = 8) with the output FIFO (as presets/fmt16_s8_n64.json), and the P = 4
 * stream block (maxN 1024). It prints latency, the delay model's estimate, the routed Fmax
 * against the target and the resources.
 *   npm run bench:pipeline -- --device ecp5 [--jobs 1] [--only TEXT]
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
if (arg('--device') === 'ecp5') {
  await ecp5Bench();
  process.exit(0);
}
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

/** The ECP5 run (--device ecp5): three blocks at four targets. */
async function ecp5Bench(): Promise<void> {
  const t1 = Date.now();
  const only = arg('--only');
  const blocks: { label: string; config: Record<string, unknown>; pipeline: Record<string, unknown> }[] = [
    { label: 'default (rexp normalized, 8.4 in, 8.8 out, n = 8; output slice)', config: { ...DEFAULT_CONFIG, name: 'pe_default' }, pipeline: { outputSlice: true } },
    {
      label: '16-bit (rexp, ap_fixed<16,6> in, ap_ufixed<16,0> out, n = 8; output FIFO)',
      config: { name: 'pe_fmt16', n: 8, input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp' } },
      pipeline: { outputFifo: true },
    },
    {
      label: 'stream P = 4 (rexp normalized, maxN 1024)',
      config: { name: 'pe_stream', arch: 'stream', stream: { lanes: 4, maxN: 1024 }, input: { width: 8, frac: 4 }, output: { width: 8, frac: 8 }, method: { name: 'rexp', addressing: 'normalized' } },
      pipeline: {},
    },
  ];
  const targets = [100, 150, 200, 250];
  const todo = blocks.filter((b) => !only || b.label.includes(only)).flatMap((b) => targets.map((mhz) => ({ b, mhz })));
  type Row = { label: string; mhz: number; latency: number; estimate: number; s?: SynthesisSection; error?: string };
  const out: Row[] = [];
  let n = 0;
  await pool(todo, jobs, async ({ b, mhz }) => {
    const config = validateConfig({ ...b.config, pipeline: { targetMHz: mhz, device: 'ecp5', ...b.pipeline } });
    const block = buildBlock(config);
    const dir = mkdtempSync(join(tmpdir(), 'softmax-lut-pe-'));
    writeFiles(dir, block.files);
    const sch = block.plan.schedule;
    const worst = sch ? Math.max(...sch.stages.map((x) => x.estimateNs)) : NaN;
    const row: Row = { label: b.label, mhz, latency: block.plan.latency, estimate: 1000 / worst };
    out.push(row);
    try {
      row.s = await measureBlock(block, dir);
    } catch (e) {
      row.error = (e as Error).message.split('\n')[0];
    }
    n++;
    const e = row.s?.ecp5;
    console.log(`bench:pipeline ecp5: [${n}/${todo.length}] ${b.label} at ${mhz} MHz: latency ${row.latency}, ${e?.fmaxMHz ?? row.error ?? e?.reason} (${Math.round((Date.now() - t1) / 1000)} s)`);
  });
  out.sort((a, b) => blocks.findIndex((x) => x.label === a.label) - blocks.findIndex((x) => x.label === b.label) || a.mhz - b.mhz);
  console.log('\n| block | target (MHz) | latency | model estimate (MHz) | LUT4 | FF | CCU2C | DP16KD | MULT18X18D | routed Fmax (MHz) | met |\n|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of out) {
    const e = r.s?.ecp5;
    const f = e?.fmaxMHz ?? null;
    const est = Number.isFinite(r.estimate) ? r.estimate.toFixed(0) : '-';
    const met = f === null ? '-' : f >= r.mhz ? 'yes' : `no (${(((r.mhz - f) / r.mhz) * 100).toFixed(1)} % short)`;
    console.log(`| ${r.label} | ${r.mhz} | ${r.latency} | ${est} | ${e?.luts ?? '-'} | ${e?.ffs ?? '-'} | ${e?.carry ?? '-'} | ${e?.ebr ?? '-'} | ${e?.dsp ?? '-'} | ${f ?? r.error ?? e?.reason ?? '-'} | ${met} |`);
  }
  const any = out.find((r) => r.s?.ecp5)?.s?.ecp5;
  if (any) console.log(`\n${any.tools.nextpnr} on ${any.device} (seed ${any.seed}, --freq at the target, ${any.flow}${any.packed ? '; registers packed into MULT18X18D and DP16KD' : ''}). ${Math.round((Date.now() - t1) / 1000)} s with ${jobs} job(s).`);
}
