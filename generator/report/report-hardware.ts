/**
 * The "Hardware cost" section of report.html. The report is rendered at generation time, before any
 * synthesis, so the section sits between two markers and is filled in (or emptied) whenever the block's
 * synthesis figures are attached or carried over: `synth` and `npm run synth:presets` write it, and
 * regeneration reproduces it byte for byte from the manifest. Kept apart from htmlreport.ts so that
 * this needs no plotting library.
 */
import { withSection } from './sections.js';
import type { SynthesisSection } from '../measure/synthesis.js';

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
