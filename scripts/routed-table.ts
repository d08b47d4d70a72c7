/**
 * The README's table of the committed blocks' routed figures, from their manifests (measured by
 * `npm run synth:presets`): the device each config names, its target, latency, the place-and-route
 * result on that device (iCE40 HX8K or UP5K, or the LFE5U-85F) and the resources there. Nothing is
 * measured here.
 *
 *   npx tsx scripts/routed-table.ts            print the table
 *   npx tsx scripts/routed-table.ts --write    also replace it in README.md
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../generator/cli/flow.js';
import { ROOT } from '../generator/core/version.js';
import { readSynthesis } from '../generator/measure/synthesis.js';
import { presetFiles } from './presets.js';
import { replaceSection } from './readme-section.js';

export const ROUTED_MARK = ['<!-- routed-table:begin (npx tsx scripts/routed-table.ts --write) -->', '<!-- routed-table:end -->'] as const;

export function routedTable(): string {
  const rows = [
    '| block | device (config) | target (MHz) | latency | routed on | Fmax (MHz) | LUT4 | FF | block RAM | DSP |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const f of presetFiles()) {
    const c = loadConfig(f);
    const dir = join(ROOT, 'generated', c.name);
    const s = readSynthesis(dir);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { latency: number };
    const head = `| ${c.name} | ${c.pipeline.device} | ${c.pipeline.targetMHz} | ${m.latency} |`;
    if (s?.ecp5 && !('reason' in s.ecp5)) {
      const e = s.ecp5;
      rows.push(`${head} ${e.device}${e.harness ? ' (harness)' : ''} | ${e.fmaxMHz} | ${e.luts} | ${e.ffs} | ${e.ebr} DP16KD | ${e.dsp} MULT18X18D |`);
    } else if (s?.ecp5) {
      // measured on the ECP5 but not placed: nextpnr's reason, and the cells it had to place
      const e = s.ecp5 as typeof s.ecp5 & { reason: string };
      const why = e.reason.replace(/^nextpnr-ecp5 failed \(exit \d+\): (ERROR: )?/, '').replace(/ \d+ warnings?, \d+ errors?$/, '').replace(/\|/g, '/');
      rows.push(`${head} not placed on ${e.device}${e.harness ? ' (harness)' : ''}: ${why} | - | ${e.luts} | ${e.ffs} | ${e.ebr} DP16KD | ${e.dsp} MULT18X18D |`);
    } else if (s?.pnr?.fits) {
      const p = s.pnr;
      rows.push(`${head} ${p.device}${p.harness ? ' (harness)' : ''} | ${p.fmaxMhz} | ${s.ice40.luts} | ${s.ice40.ffs} | ${p.ramCells} SB_RAM40_4K | ${p.dspCells} |`);
    } else {
      rows.push(`${head} not routed: ${s?.pnr && !s.pnr.fits ? s.pnr.reason.replace(/\|/g, '/') : 'no figures'} | - | - | - | - | - |`);
    }
  }
  return rows.join('\n');
}

if (process.argv[1]?.endsWith('routed-table.ts')) {
  const table = routedTable();
  console.log(table);
  if (process.argv.includes('--write')) {
    replaceSection(join(ROOT, 'README.md'), ROUTED_MARK[0], ROUTED_MARK[1], table);
    console.log('README.md updated');
  }
}

