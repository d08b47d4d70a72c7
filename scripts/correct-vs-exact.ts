/**
 * Correct rounding two ways, measured side by side (README "Formats"): rexp with output.rounding
 * correct (the reciprocal product, then one remainder product per lane) against the exact divider,
 * 8-bit in and out, n = 8, pipelined for an iCE40 at 100 MHz (no DSP blocks: multipliers from LUTs)
 * and for an AMD 7-series at 250 MHz (multipliers in DSP48). Yosys synth_ice40 and synth_xilinx
 * -abc9 with sta; nextpnr-ice40 (HX8K, seed 1) where the block fits.
 *
 *   npx tsx scripts/correct-vs-exact.ts            print the table (a few minutes)
 *   npx tsx scripts/correct-vs-exact.ts --write    also replace it in README.md
 */
import { join } from 'node:path';
import { validateConfig } from '../generator/config/config.js';
import { buildBlock } from '../generator/block/block.js';
import { errorBound } from '../generator/numerics/bound.js';
import { measureBlock } from '../generator/measure/synthesis.js';
import { writeFiles } from '../generator/block/writer.js';
import { ROOT } from '../generator/core/version.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { replaceSection } from './readme-section.js';

const BEGIN = '<!-- correct-vs-exact:begin (npx tsx scripts/correct-vs-exact.ts --write) -->';
const END = '<!-- correct-vs-exact:end -->';

const designs = [
  { label: 'rexp, rounding correct', method: { name: 'rexp' }, output: { width: 8, frac: 8, rounding: 'correct' } },
  { label: 'exact divider', method: { name: 'exact' }, output: { width: 8, frac: 8 } },
];
const targets = [
  { device: 'ice40', targetMHz: 100 },
  { device: 'xc7', targetMHz: 250 },
];

async function main(): Promise<void> {
  const rows = [
    '| design | pipelined for | latency | table bytes | error bound (LSB) | iCE40 LUT | iCE40 FF | iCE40 Fmax (MHz) | Xilinx LUT | Xilinx FF | Xilinx DSP | Xilinx sta (ps) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const t of targets) {
    for (const d of designs) {
      const config = validateConfig({ name: 'cmp', n: 8, input: { width: 8, frac: 4 }, output: d.output, method: d.method, pipeline: t });
      const block = buildBlock(config);
      const dir = mkdtempSync(join(tmpdir(), 'softmax-lut-cmp-'));
      writeFiles(dir, block.files);
      process.stderr.write(`correct-vs-exact: ${d.label} for ${t.device} at ${t.targetMHz} MHz...\n`);
      const s = await measureBlock(block, dir, { pnr: { freqMhz: t.targetMHz, seed: 1 } });
      const fmax = s.pnr && s.pnr.fits ? s.pnr.fmaxMhz.toFixed(2) : 'does not fit';
      const p = block.plan;
      rows.push(
        `| ${d.label} | ${t.device}, ${t.targetMHz} MHz | ${p.latency} | ${p.lutBytes} | ${errorBound(p).lsb.toFixed(4)} | ${s.ice40.luts} | ${s.ice40.ffs} | ${fmax} | ${s.xilinx.luts} | ${s.xilinx.ffs} | ${s.xilinx.dsp} | ${s.xilinx.staPs ?? '-'} |`,
      );
    }
  }
  rows.push('');
  rows.push(
    'n = 8, 8-bit input (4 fraction bits), 8-bit output (8 fraction bits). iCE40: synth_ice40 and nextpnr-ice40 on the HX8K (ct256), seed 1, at the clock the block was pipelined for. ' +
      'Xilinx: synth_xilinx -abc9 counts and its sta estimate (cell delays, no routing), as in "Hardware cost".',
  );
  const table = rows.join('\n');
  console.log(table);
  if (process.argv.includes('--write')) {
    replaceSection(join(ROOT, 'README.md'), BEGIN, END, table);
    console.log('README.md updated');
  }
}

await main();
