/**
 * The `synthesis` section of a block's manifest: Yosys cell counts and nextpnr Fmax, measured on one
 * exact RTL text, identified by its SHA-256. Its entries: iCE40 and Xilinx counts (synth.ts, always),
 * iCE40 place and route (synth.ts, unless skipped), and ECP5 counts with place and route (ecp5.ts,
 * when asked for or when the block's config names pipeline.device ecp5). No run times: the same RTL
 * measured again gives the same section.
 *
 * Generation does not run synthesis (it is slow and needs the tools), yet generated/ must regenerate
 * byte for byte. So the section is carried over from the manifest already in the output folder when
 * the RTL it was measured on is byte-identical to the new RTL, and dropped when the RTL changed:
 * a manifest never holds figures of different RTL. `synth` measures and writes it.
 *
 * The same figures fill the "Hardware cost" section of report.html. The report is rendered at
 * generation time, before any synthesis, so the section sits between two markers and is filled in
 * (or emptied) whenever the block's synthesis figures are attached or carried over: `synth` and
 * `npm run synth:presets` write it, and regeneration reproduces it byte for byte from the manifest.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ownedFiles } from '../block/writer.js';
import { withSection } from '../core/sections.js';
import { synthesize, type CellCounts, type PnrOptions, type PnrResult, type SynthResult, type XilinxCounts } from './synth.js';
import { ECP5_FLOW, ECP5_PART, measureEcp5, type Ecp5Result } from './ecp5.js';
import { packEcp5 } from './ecp5-pack.js';
import { fileNames, manifestText, MANIFEST, type Block } from '../block/files.js';

export interface SynthesisSection {
  rtl: string;
  rtlSha256: string;
  tools: SynthResult['tools'];
  ice40: CellCounts & { flow: string };
  /** The block's synth_ice40 -dsp counts, when the UP5K was considered. */
  ice40Dsp?: CellCounts & { flow: string };
  xilinx: XilinxCounts;
  pnr?: PnrResult;
  /** ECP5 counts and place and route on the LFE5U-85F, when measured. */
  ecp5?: Ecp5Entry;
}

/** The ECP5 entry: measureEcp5's result without its run times, with the part and the Yosys flow. */
export type Ecp5Entry = { device: string; flow: string } & Omit<Ecp5Result, 'seconds'>;

/** The manifest entry of an ECP5 result (the run times left out). */
export function ecp5Entry(r: Ecp5Result): Ecp5Entry {
  const { seconds: _, ...rest } = r;
  return { device: ECP5_PART.name, flow: ECP5_FLOW, ...rest };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function rtlSha256(block: Block): string {
  return sha256(block.files.get(fileNames(block.module).rtl)!);
}

/** The manifest section for a synthesis result of this block's RTL (without the run time). */
export function synthesisSection(block: Block, r: SynthResult, ecp5?: Ecp5Result): SynthesisSection {
  const s: SynthesisSection = { rtl: fileNames(block.module).rtl, rtlSha256: rtlSha256(block), tools: r.tools, ice40: r.ice40, xilinx: r.xilinx };
  if (r.ice40Dsp) s.ice40Dsp = r.ice40Dsp;
  if (r.pnr) s.pnr = r.pnr;
  if (ecp5) s.ecp5 = ecp5Entry(ecp5);
  return s;
}

/** Put the section into the block's manifest (object and file text). */
export function attachSynthesis(block: Block, s: SynthesisSection | undefined): void {
  if (s) block.manifest.synthesis = s;
  else delete block.manifest.synthesis;
  block.files.set(MANIFEST, manifestText(block.manifest));
  // and into report.html's hardware section, when the block has a report
  const html = block.files.get(REPORT_FILE);
  if (html !== undefined) block.files.set(REPORT_FILE, withHardware(html, s, block.module));
}

/** The synthesis section of the generator's manifest in dir, when there is one. */
export function readSynthesis(dir: string): SynthesisSection | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path) || !ownedFiles(dir).has(MANIFEST)) return undefined;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')).synthesis;
    return s && typeof s === 'object' && typeof s.rtlSha256 === 'string' ? (s as SynthesisSection) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Carry the synthesis section of the manifest in dir over to the block when it was measured on
 * byte-identical RTL. Returns 'kept', 'dropped' (the RTL changed) or 'none'.
 */
export function carrySynthesis(block: Block, dir: string): 'kept' | 'dropped' | 'none' {
  const s = readSynthesis(dir);
  if (!s) return 'none';
  if (s.rtlSha256 !== rtlSha256(block) || s.rtl !== fileNames(block.module).rtl) return 'dropped';
  attachSynthesis(block, s);
  return 'kept';
}

/** Lines for the CLI. */
export function synthesisText(s: SynthesisSection): string[] {
  const c = (x: CellCounts) => `${x.luts} LUTs, ${x.ffs} FFs, ${x.carry} carry, ${x.ram} RAM, ${x.dsp} DSP`;
  const lines = [
    `synthesis of ${s.rtl} (sha256 ${s.rtlSha256.slice(0, 12)}..., ${s.tools.yosys}):`,
    `  iCE40  (synth_ice40):  ${c(s.ice40)}`,
    `  Xilinx (synth_xilinx -abc9): ${c(s.xilinx)} (RAM in RAMB18 units); sta estimate ` +
      (s.xilinx.staPs !== null ? `${s.xilinx.staPs} ps (cell delays, no routing)` : `- (${s.xilinx.staReason ?? 'not measured'})`),
  ];
  if (s.ice40Dsp) lines.push(`  iCE40  (synth_ice40 -dsp, for the UP5K): ${c(s.ice40Dsp)}`);
  if (s.pnr?.fits) {
    lines.push(
      `  Fmax   ${s.pnr.fmaxMhz} MHz on ${s.pnr.device}-${s.pnr.package}${s.pnr.harness ? ' through the Fmax harness' : ''} ` +
        `(${s.pnr.tool}, ${s.pnr.constraint}; ${s.pnr.logicCells} logic cells)`,
    );
  } else if (s.pnr) {
    lines.push(`  Fmax   not measured: ${s.pnr.reason}`);
  }
  if (s.ecp5) lines.push(`  ECP5   (synth_ecp5, ${s.ecp5.tools.yosys}): ${ecp5Counts(s.ecp5)}; ${ecp5Fmax(s.ecp5)}`);
  return lines;
}

/** The ECP5 entry's cell counts, in the part's cell names. */
function ecp5Counts(e: Ecp5Entry): string {
  return `${e.luts} LUT4, ${e.ffs} FF, ${e.carry} CCU2C, ${e.ebr} DP16KD, ${e.dsp} MULT18X18D`;
}

/** The ECP5 entry's Fmax at its target on the part, through the harness or not, or why there is none. */
function ecp5Fmax(e: Ecp5Entry): string {
  const target = /^--freq (\S+) /.exec(e.constraint)?.[1];
  if (e.fmaxMHz === null) return `Fmax not measured: ${e.reason ?? 'no reason recorded'}`;
  return `Fmax ${e.fmaxMHz} MHz at ${target} MHz on ${e.device}${e.harness ? ` through the Fmax harness (${e.harnessRegisters} harness registers)` : ''} (${e.tools.nextpnr}, seed ${e.seed})`;
}

/** Top-level I/O bits of a block: the two data buses plus clock, reset and four handshake signals. */
export function ioBits(block: Block): number {
  const c = block.plan.common;
  // aclk, aresetn, two tvalid, two tready; stream blocks also carry tuser (a bit per lane) and tlast
  if (block.stream) {
    const p = block.stream.sp.lanes;
    return p * (c.iw + c.ow) + 2 * p + 2 + 6;
  }
  return c.n * (c.iw + c.ow) + 6;
}

/** Which place and route measureBlock runs: iCE40 (synth.ts) and ECP5 (ecp5.ts). */
export function pnrFamilies(block: Block, o: { noPnr?: boolean; ecp5?: boolean | 'only' }): { ice40: boolean; ecp5: boolean } {
  if (o.noPnr) return { ice40: false, ecp5: false };
  const ecp5 = o.ecp5 ?? (block.plan.common.config.pipeline.device === 'ecp5' ? 'only' : false);
  return { ice40: ecp5 !== 'only', ecp5: ecp5 !== false };
}

/**
 * Synthesise the block's RTL as written in dir and attach the figures to the block's manifest.
 * The iCE40 and Xilinx counts are always measured. Place and route: o.noPnr, none; else o.ecp5
 * false, iCE40 only (as before ECP5 was measured); true, iCE40 and ECP5; 'only', ECP5 only (the
 * iCE40 counts and the Xilinx sta estimate are still made). Without o.ecp5, a block whose config
 * names pipeline.device ecp5 is placed on the ECP5 only (its Fmax is the ECP5 one), any other on
 * the iCE40 only. Both places and routes use the same target and seed (o.pnr, default the block's
 * pipeline.targetMHz and seed 1).
 */
export async function measureBlock(
  block: Block,
  dir: string,
  o: { noPnr?: boolean; pnr?: PnrOptions; timeoutMs?: number; ecp5?: boolean | 'only' } = {},
): Promise<SynthesisSection> {
  // timing-driven placement at the clock the block was pipelined for
  const pnr = o.pnr ?? { freqMhz: block.plan.common.config.pipeline.targetMHz, seed: 1 };
  const rtl = join(dir, fileNames(block.module).rtl);
  const io = ioBits(block);
  const f = pnrFamilies(block, o);
  const r = await synthesize({ rtl, top: block.module, ioBits: io, noPnr: !f.ice40, pnr, timeoutMs: o.timeoutMs });
  const e = f.ecp5 ? await measureEcp5(rtl, block.module, { freqMhz: pnr.freqMhz, seed: pnr.seed, timeoutMs: o.timeoutMs, ioBits: io, pack: packEcp5 }) : undefined;
  const s = synthesisSection(block, r, e);
  attachSynthesis(block, s);
  return s;
}

export const REPORT_FILE = 'report.html';
export const HW_BEGIN = '<!-- hardware:begin -->';
export const HW_END = '<!-- hardware:end -->';

/** HTML-escape text for the report. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The section's HTML for these figures, or the note that they have not been measured. */
export function hardwareHtml(s: SynthesisSection | undefined, module: string): string {
  if (!s) {
    return (
      `<p>Not measured yet. <code>softmax-lut synth generated/${esc(module)}/config.json</code> runs Yosys and nextpnr-ice40 ` +
      'and writes the figures here and into <code>manifest.json</code>.</p>'
    );
  }
  const row = (name: string, flow: string, c: SynthesisSection['ice40']) =>
    `<tr><th>${esc(name)}</th><td>${esc(flow)}</td><td>${c.luts}</td><td>${c.ffs}</td><td>${c.carry}</td><td>${c.ram}</td><td>${c.dsp}</td></tr>`;
  const pnr = s.pnr
    ? s.pnr.fits
      ? `<p>Fmax <b>${s.pnr.fmaxMhz} MHz</b> on ${esc(s.pnr.device)}-${esc(s.pnr.package)} (${esc(s.pnr.tool)}, ${esc(s.pnr.constraint)}; ${s.pnr.logicCells} logic cells).</p>`
      : `<p>No Fmax: ${esc(s.pnr.reason)}.</p>`
    : s.ecp5
      ? '<p>iCE40 place and route was not run.</p>'
      : '<p>Place and route was not run.</p>';
  const e = s.ecp5;
  const ecp5Pnr = !e
    ? []
    : e.fmaxMHz === null
      ? [`<p>No ECP5 Fmax on ${esc(e.device)}: ${esc(e.reason ?? 'no reason recorded')}.</p>`]
      : [
          // the constraint says whether through the Fmax harness
          `<p>ECP5 Fmax <b>${e.fmaxMHz} MHz</b> on ${esc(e.device)} (${esc(e.tools.nextpnr)}, ${esc(e.constraint)}).</p>`,
        ];
  return [
    `<p>Measured on <code>${esc(s.rtl)}</code> (SHA-256 <code>${esc(s.rtlSha256)}</code>) with ${esc(s.tools.yosys)}. ` +
      'iCE40 RAM counts SB_RAM40_4K blocks, Xilinx RAM RAMB18 units' +
      (e ? `; the ECP5 row counts LUT4, TRELLIS_FF, CCU2C, DP16KD and MULT18X18D cells, from ${esc(e.tools.yosys)}.</p>` : '.</p>'),
    '<table>',
    '<tr><th>target</th><th>flow</th><th>LUTs</th><th>FFs</th><th>carry</th><th>RAM</th><th>DSP</th></tr>',
    row('iCE40', s.ice40.flow, s.ice40),
    row('Xilinx 7-series', s.xilinx.flow, s.xilinx),
    ...(e ? [row('ECP5', e.flow, { ...e, ram: e.ebr })] : []),
    '</table>',
    pnr,
    ...ecp5Pnr,
  ].join('\n');
}

/** The report with its hardware section replaced; a report without the markers is returned as is. */
export function withHardware(html: string, s: SynthesisSection | undefined, module: string): string {
  return withSection(html, HW_BEGIN, HW_END, hardwareHtml(s, module)) ?? html;
}
