/** Options and helpers shared by the CLI commands. */
import { relative } from 'node:path';
import type { Argv } from 'yargs';
import { METHODS } from '../../numerics/methods/index.js';
import type { Overrides } from '../flow.js';

export interface ConfigArgs extends Overrides {
  config?: string;
  out?: string;
  quiet?: boolean;
}

/** A CLI command: registered in generator/cli.ts. `run` returns the exit code. */
export interface Command {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (args: Record<string, unknown>) => number | Promise<number>;
}

export function withConfigOptions<T>(y: Argv<T>) {
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

/** A path relative to the working folder when it lies below it. */
export function rel(p: string): string {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
}
