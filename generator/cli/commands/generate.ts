/** `generate`, `verify` and `plan`: the core flow from a config to a verified block. */
import { buildBlock } from '../../block/block.js';
import { defaultOutDir, generateFull, loadConfig } from '../flow.js';
import { pickForMaxError, withMaxErrorOption, type MaxErrorArgs } from './pick.js';
import { accuracyReport, planReport, simReport } from '../../report/report.js';
import { rel, withConfigOptions, type Command, type ConfigArgs } from './shared.js';
import { lintBlock, simulateBlock } from '../../block/verify.js';

async function doGenerate(a: MaxErrorArgs, verify: boolean, force: { report?: boolean } = {}): Promise<number> {
  if (a.maxError !== undefined) a = await pickForMaxError(a);
  if (force.report) a = { ...a, set: [...(a.set ?? []), 'report=true'] };
  const config = loadConfig(a.config, a);
  const out = a.out ?? defaultOutDir(config);
  const say = (s: string) => {
    if (!a.quiet) console.log(s);
  };
  const { block, written } = await generateFull(config, out);
  say(planReport(block));
  console.log(`wrote ${written.length} files to ${rel(out)}: ${written.join(', ')}`);
  say(accuracyReport(block));
  if (!verify) return 0;
  const what = block.stream
    ? `${block.stream.rows.length} rows, ${block.stream.beatsIn.length} beats`
    : `${block.vectors.length} vectors, twice`;
  console.log(`simulating ${block.module} with Icarus Verilog (${what})...`);
  const r = simulateBlock(block, out);
  console.log(simReport(block, r));
  const warnings = lintBlock(block, out);
  if (warnings === null) console.log('lint: skipped, verilator is not installed (sudo apt-get install -y verilator)');
  else if (warnings.length === 0) console.log('lint: verilator --lint-only -Wall is clean');
  else console.log(`lint: verilator --lint-only -Wall warns:\n  ${warnings.join('\n  ')}`);
  return r.ok && (warnings === null || warnings.length === 0) ? 0 : 1;
}

export const generateCommand: Command = {
  command: 'generate [config]',
  describe: 'write the RTL, testbench, vectors and manifest to generated/<name>/',
  builder: (y) =>
    withMaxErrorOption(withConfigOptions(y)).example(
      '$0 generate --n 64 --max-error 1 --name sm64',
      'the smallest-table block meeting 1 LSB max error on the workload set',
    ),
  run: (a) => doGenerate(a as MaxErrorArgs, false),
};

export const verifyCommand: Command = {
  command: 'verify [config]',
  describe: 'generate, then simulate in Icarus, compare bit-exactly with the model, lint and report accuracy',
  builder: (y) => withMaxErrorOption(withConfigOptions(y)),
  run: (a) => doGenerate(a as MaxErrorArgs, true),
};

export const planCommand: Command = {
  command: 'plan [config]',
  describe: 'print the widths, tables and latency without writing anything',
  builder: (y) => withConfigOptions(y),
  run: (a) => {
    const b = buildBlock(loadConfig((a as ConfigArgs).config, a as ConfigArgs));
    console.log(planReport(b));
    console.log(accuracyReport(b));
    return 0;
  },
};

export const reportCommand: Command = {
  command: 'report [config]',
  describe: 'generate the block with report.html: accuracy per workload, error histogram, table curves, place on the Pareto front (opens offline)',
  builder: (y) =>
    withMaxErrorOption(withConfigOptions(y)).example('$0 report presets/default.json', 'generated/softmax_default/ with report.html'),
  run: (a) => doGenerate(a as MaxErrorArgs, false, { report: true }),
};
