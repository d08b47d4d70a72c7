#!/usr/bin/env node
/**
 * softmax-lut command line: generate, verify and plan LUT-based softmax blocks.
 * Exit codes: 0 success, 1 verification failed, 2 bad input (nothing written), 3 a tool is missing.
 */
import { relative } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, UsageError } from './errors.js';
import { defaultOutDir, generate, lintBlock, loadConfig, simulateBlock, type Overrides } from './flow.js';
import { buildBlock } from './block.js';
import { METHODS } from './methods/index.js';
import { accuracyReport, planReport, simReport } from './report.js';
import { GENERATOR_VERSION } from './version.js';
import { ToolMissing } from '../testbench/runner.js';

interface Args extends Overrides {
  config?: string;
  out?: string;
  quiet?: boolean;
}

function withConfigOptions<T>(y: Argv<T>) {
  return y
    .positional('config', { type: 'string', describe: 'JSON config file (default: the built-in default block)' })
    .option('name', { type: 'string', describe: 'module name (a Verilog identifier)' })
    .option('n', { type: 'number', describe: 'elements per vector, 2..1024' })
    .option('method', { type: 'string', describe: `method: ${METHODS.map((m) => m.name).join(', ')}` })
    .option('addressing', { type: 'string', describe: 'addressing of the sum: normalized or linear' })
    .option('set', { type: 'string', array: true, describe: 'override any config key: key.path=value (repeatable)' })
    .option('out', { type: 'string', describe: 'output folder (default: generated/<name>)' })
    .option('quiet', { type: 'boolean', alias: 'q', describe: 'print only the result lines' });
}

function rel(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}

function doGenerate(a: Args, verify: boolean): number {
  const config = loadConfig(a.config, a);
  const out = a.out ?? defaultOutDir(config);
  const say = (s: string) => {
    if (!a.quiet) console.log(s);
  };
  const { block, written } = generate(config, out);
  say(planReport(block));
  console.log(`wrote ${written.length} files to ${rel(out)}: ${written.join(', ')}`);
  say(accuracyReport(block));
  if (!verify) return 0;
  console.log(`simulating ${block.module} with Icarus Verilog (${block.vectors.length} vectors, twice)...`);
  const r = simulateBlock(block, out);
  console.log(simReport(block, r));
  const warnings = lintBlock(block, out);
  if (warnings === null) console.log('lint: skipped, verilator is not installed (sudo apt-get install -y verilator)');
  else if (warnings.length === 0) console.log('lint: verilator --lint-only -Wall is clean');
  else console.log(`lint: verilator --lint-only -Wall warns:\n  ${warnings.join('\n  ')}`);
  return r.ok && (warnings === null || warnings.length === 0) ? 0 : 1;
}

function main(argv: string[]): number {
  let code = 0;
  const parser = yargs(argv)
    .scriptName('softmax-lut')
    .usage('$0 <command> [config.json] [options]\n\nGenerate LUT-based softmax blocks in Verilog with a bit-exact model and an Icarus testbench.')
    .command(
      'generate [config]',
      'write the RTL, testbench, vectors and manifest to generated/<name>/',
      (y) => withConfigOptions(y),
      (a) => {
        code = doGenerate(a as Args, false);
      },
    )
    .command(
      'verify [config]',
      'generate, then simulate in Icarus, compare bit-exactly with the model, lint and report accuracy',
      (y) => withConfigOptions(y),
      (a) => {
        code = doGenerate(a as Args, true);
      },
    )
    .command(
      'plan [config]',
      'print the widths, tables and latency without writing anything',
      (y) => withConfigOptions(y),
      (a) => {
        const b = buildBlock(loadConfig((a as Args).config, a as Args));
        console.log(planReport(b));
        console.log(accuracyReport(b));
      },
    )
    .example('$0 verify', 'generate and verify the default block (rexp, normalized, n=8, 8-bit in and out)')
    .example('$0 generate presets/rexp_linear_n8.json', 'generate a block from a config file')
    .example('$0 verify --name sm16 --n 16 --method lut2d --addressing linear', 'a 16-element 2D-LUT block')
    .example('$0 plan --set input.width=16 --set input.frac=8 --set method.expWidth=14', 'show the plan for a 16-bit input')
    .demandCommand(1, 'give a command: generate, verify or plan')
    .strict()
    .version(GENERATOR_VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      if (err) throw err;
      console.error(msg);
      console.error('run with --help for usage');
      throw new UsageError(msg);
    });
  parser.parseSync();
  return code;
}

try {
  process.exitCode = main(hideBin(process.argv));
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`softmax-lut: config error: ${e.message}`);
    console.error('nothing was written');
    process.exitCode = 2;
  } else if (e instanceof UsageError) {
    if (!/--help/.test(e.message)) console.error(`softmax-lut: ${e.message}`);
    process.exitCode = 2;
  } else if (e instanceof ToolMissing) {
    console.error(`softmax-lut: ${e.message}`);
    process.exitCode = 3;
  } else {
    console.error(`softmax-lut: internal error: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  }
}
