/**
 * The whole flow as library calls: config -> plan -> render -> verify -> report.
 * The CLI, the scripts and the tests all go through these.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { buildBlock } from '../block/block.js';
import { DEFAULT_CONFIG, parseSetting, setPath, validateConfig } from '../config/config.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { writeFiles } from '../block/writer.js';
import { carrySynthesis } from '../measure/synthesis.js';
import { ROOT } from '../core/version.js';
import { makePlan } from '../hardware/plan.js';
import type { Config } from '../numerics/types.js';
import type { Block } from '../block/files.js';

export interface Overrides {
  name?: string;
  n?: number;
  method?: string;
  addressing?: string;
  set?: string[];
}

/** Read a config file (or the default config) and apply the overrides, then validate. */
export function loadConfig(file: string | undefined, o: Overrides = {}): Config {
  let raw: Record<string, unknown>;
  if (file === undefined) {
    raw = structuredClone(DEFAULT_CONFIG) as Record<string, unknown>;
  } else {
    if (!existsSync(file)) throw new UsageError(`config file ${file} does not exist`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read config file ${file}: ${(e as Error).message}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(file, text.slice(0, 40), `allowed: a JSON object (${(e as Error).message})`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError('(config)', raw, 'allowed: a JSON object');
    }
  }
  if (o.name !== undefined) raw.name = o.name;
  if (o.n !== undefined) raw.n = o.n;
  if (o.method !== undefined) {
    // a different method: its own parameters do not carry over
    const m = raw.method as Record<string, unknown> | undefined;
    raw.method = m && typeof m === 'object' && m.name === o.method ? { ...m } : { name: o.method };
  }
  if (o.addressing !== undefined) {
    const m = raw.method;
    raw.method = { ...(m && typeof m === 'object' ? m : {}), addressing: o.addressing };
  }
  for (const s of o.set ?? []) {
    const { path, value } = parseSetting(s);
    setPath(raw, path, value);
    // a port's type and its width/frac say the same thing: the one set on the command line replaces
    // the other from the file (or the built-in default)
    if (path.length === 2 && (path[0] === 'input' || path[0] === 'output')) {
      const port = raw[path[0]] as Record<string, unknown>;
      if (path[1] === 'type') {
        delete port.width;
        delete port.frac;
      } else if (path[1] === 'width' || path[1] === 'frac') {
        delete port.type;
      }
    }
  }
  // the built-in default is a parallel block; switched to arch stream, its n gives way to stream.maxN
  if (file === undefined && raw.arch === 'stream' && o.n === undefined && !(o.set ?? []).some((s) => s.startsWith('n='))) delete raw.n;
  return validateConfig(raw);
}

/**
 * generated/<name> of the checkout; for an installed package (its root lies in node_modules),
 * generated/<name> in the working folder instead.
 */
export function defaultOutDir(config: Config): string {
  const base = ROOT.split(sep).includes('node_modules') ? process.cwd() : ROOT;
  return join(base, 'generated', config.name);
}

/** Write a block; synthesis figures measured on byte-identical RTL stay, figures of other RTL are dropped. */
function writeBlock(block: Block, outDir: string): { block: Block; written: string[] } {
  carrySynthesis(block, outDir);
  return { block, written: writeFiles(outDir, block.files) };
}

export function generate(config: Config, outDir: string): { block: Block; written: string[] } {
  return writeBlock(buildBlock(config), outDir);
}

/** The block with every file its config asks for, report.html included (which is async to render). */
export async function buildFullBlock(config: Config): Promise<Block> {
  if (!config.report) return buildBlock(config);
  const { renderReport, REPORT_FILE } = await import('../report/htmlreport.js');
  const html = await renderReport(makePlan(config));
  return buildBlock(config, new Map([[REPORT_FILE, html]]));
}

export async function generateFull(config: Config, outDir: string): Promise<{ block: Block; written: string[] }> {
  return writeBlock(await buildFullBlock(config), outDir);
}
