/**
 * The `synthesis` section of a block's manifest: Yosys cell counts and nextpnr Fmax, measured on one
 * exact RTL text, identified by its SHA-256.
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
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function rtlSha256(block: Block): string {
  return sha256(block.files.get(fileNames(block.module).rtl)!);
}

/** The manifest section for a synthesis result of this block's RTL (without the run time). */
export function synthesisSection(block: Block, r: SynthResult): SynthesisSection {
  const s: SynthesisSection = { rtl: fileNames(block.module).rtl, rtlSha256: rtlSha256(block), tools: r.tools, ice40: r.ice40, xilinx: r.xilinx };
  if (r.ice40Dsp) s.ice40Dsp = r.ice40Dsp;
  if (r.pnr) s.pnr = r.pnr;
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
  return lines;
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

/** Synthesise the block's RTL as written in dir and attach the figures to the block's manifest. */
export async function measureBlock(
  block: Block,
  dir: string,
  o: { noPnr?: boolean; pnr?: PnrOptions; timeoutMs?: number } = {},
): Promise<SynthesisSection> {
  // timing-driven placement at the clock the block was pipelined for
  const pnr = o.pnr ?? { freqMhz: block.plan.common.config.pipeline.targetMHz, seed: 1 };
  const r = await synthesize({ rtl: join(dir, fileNames(block.module).rtl), top: block.module, ioBits: ioBits(block), noPnr: o.noPnr, pnr, timeoutMs: o.timeoutMs });
  const s = synthesisSection(block, r);
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
    : '<p>Place and route was not run.</p>';
  return [
    `<p>Measured on <code>${esc(s.rtl)}</code> (SHA-256 <code>${esc(s.rtlSha256)}</code>) with ${esc(s.tools.yosys)}. ` +
      'iCE40 RAM counts SB_RAM40_4K blocks, Xilinx RAM RAMB18 units.</p>',
    '<table>',
    '<tr><th>target</th><th>flow</th><th>LUTs</th><th>FFs</th><th>carry</th><th>RAM</th><th>DSP</th></tr>',
    row('iCE40', s.ice40.flow, s.ice40),
    row('Xilinx 7-series', s.xilinx.flow, s.xilinx),
    '</table>',
    pnr,
  ].join('\n');
}

/** The report with its hardware section replaced; a report without the markers is returned as is. */
export function withHardware(html: string, s: SynthesisSection | undefined, module: string): string {
  return withSection(html, HW_BEGIN, HW_END, hardwareHtml(s, module)) ?? html;
}
