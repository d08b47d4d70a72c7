/**
 * Measure the hardware cost of every committed block: Yosys cell counts and nextpnr Fmax into
 * generated/<name>/manifest.json. Blocks whose manifest already holds figures for their very RTL are
 * skipped (--force measures them again). `npm run regen` keeps these figures while the RTL is unchanged.
 *   npm run synth:presets [-- --force] [-- --only TEXT]   (--only: presets whose name contains TEXT)
 */
import { defaultOutDir, generateFull, loadConfig } from '../generator/cli/flow.js';
import { measureBlock, synthesisText } from '../generator/measure/synthesis.js';
import { writeFiles } from '../generator/block/writer.js';
import { presetFiles } from './presets.js';

const force = process.argv.includes('--force');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const files = presetFiles().filter((f) => !only || loadConfig(f).name.includes(only));
const t0 = Date.now();
for (const [i, file] of files.entries()) {
  const config = loadConfig(file);
  const out = defaultOutDir(config);
  const { block } = await generateFull(config, out);
  const tag = `[${i + 1}/${files.length}] ${config.name}`;
  if (block.manifest.synthesis && !force) {
    console.log(`${tag}: figures for this RTL already in the manifest`);
    continue;
  }
  const t = Date.now();
  console.log(`${tag}: synthesising...`);
  const s = await measureBlock(block, out);
  writeFiles(out, block.files);
  console.log(`${tag}: done in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  for (const l of synthesisText(s)) console.log('  ' + l);
}
console.log(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
