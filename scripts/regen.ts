/**
 * Regenerate every preset in presets/ into generated/<name>/. Running it on a clean checkout must
 * leave `git status` clean: the output is a pure function of the config.
 * Usage: npm run regen [-- --verify]   (--verify also simulates each block)
 */
import { defaultOutDir, generateFull, loadConfig } from '../generator/cli/flow.js';
import { simReport } from '../generator/report/report.js';
import { presetFiles } from './presets.js';
import { simulateBlock } from '../generator/block/verify.js';

const verify = process.argv.includes('--verify');
let failed = 0;
for (const file of presetFiles()) {
  const config = loadConfig(file);
  const out = defaultOutDir(config);
  const { block } = await generateFull(config, out);
  let line = `${config.name}: ${block.plan.lutBytes} B of tables, latency ${block.plan.latency}, max error ${block.accuracy.maxErrLsb} LSB`;
  if (verify) {
    const r = simulateBlock(block, out);
    if (!r.ok) failed++;
    line += `\n  ${simReport(block, r)}`;
  }
  console.log(line);
}
if (failed) {
  console.error(`${failed} block(s) failed`);
  process.exitCode = 1;
}
