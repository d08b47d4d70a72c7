#!/usr/bin/env node
/**
 * softmax-lut command line. Each command lives in generator/commands/ and is listed in COMMANDS.
 * Exit codes: 0 success, 1 verification failed, 2 bad input (nothing written), 3 a tool is missing.
 */
import { pathToFileURL } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ConfigError, UsageError } from './core/errors.js';
import { generateCommand, planCommand, reportCommand, verifyCommand } from './cli/commands/generate.js';
import { exploreCommand } from './cli/commands/explore.js';
import { synthCommand } from './cli/commands/synth.js';
import type { Command } from './cli/commands/shared.js';
import { GENERATOR_VERSION } from './core/version.js';
import { ToolMissing } from './evidence/runner.js';

const COMMANDS: Command[] = [generateCommand, verifyCommand, planCommand, exploreCommand, reportCommand, synthCommand];

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  let parser = yargs(argv)
    .scriptName('softmax-lut')
    .usage('$0 <command> [config.json] [options]\n\nGenerate LUT-based softmax blocks in Verilog with a bit-exact model and an Icarus testbench.');
  for (const c of COMMANDS) {
    parser = parser.command(c.command, c.describe, c.builder, async (a) => {
      code = await c.run(a as Record<string, unknown>);
    });
  }
  await parser
    .example('$0 verify', 'generate and verify the default block (rexp, normalized, n=8, 8-bit in and out)')
    .example('$0 generate presets/rexp_lin_n16.json', 'generate a block from a config file')
    .example('$0 verify --name sm16 --n 16 --method lut2d --addressing linear', 'a 16-element 2D-LUT block')
    .example('$0 verify presets/stream_p4_n1024.json', 'a streaming block: 4 elements per clock, rows up to 1024, keep bits in tuser')
    .example('$0 plan --set input.width=16 --set input.frac=8 --set method.expWidth=14', 'show the plan for a 16-bit input')
    .example('$0 plan --n 64 --set "input.type=ap_fixed<16,6>" --set "output.type=ap_ufixed<16,0>"', 'hls4ml types: 16-bit in and out, range-reduced exponent, interpolated reciprocal')
    .example('$0 verify --n 64 --set input.type=int8 --set input.scale=0.125 --set output.rounding=correct', 'int8 scores times 1/8 (d_k = 64), correctly rounded output')
    .demandCommand(1, 'give a command: ' + COMMANDS.map((c) => c.command.split(' ')[0]).join(', '))
    .strict()
    .version(GENERATOR_VERSION)
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(`${msg} (run with --help for usage)`);
    })
    .parseAsync();
  return code;
}

/** The exit code and the message lines for an error that ended a command. */
export function describeError(e: unknown): { code: number; lines: string[] } {
  if (e instanceof ConfigError) return { code: 2, lines: [`softmax-lut: config error: ${e.message}`, 'nothing was written'] };
  if (e instanceof UsageError) return { code: 2, lines: [`softmax-lut: ${e.message}`] };
  if (e instanceof ToolMissing) return { code: 3, lines: [`softmax-lut: ${e.message}`] };
  return { code: 1, lines: [`softmax-lut: internal error: ${(e as Error)?.stack ?? e}`] };
}

/** Run the CLI in this process: messages go to the console, the exit code is returned. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    const { code, lines } = describeError(e);
    for (const l of lines) console.error(l);
    return code;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(hideBin(process.argv)).then((code) => {
    process.exitCode = code;
  });
}
