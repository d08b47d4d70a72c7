/**
 * Writing a block's files safely:
 * - a file the generator did not make is never overwritten or deleted;
 * - every file is written to a temporary name in the same folder, then renamed into place;
 * - files listed by a previous manifest of ours that the new block no longer has are removed.
 * A file is "ours" when the folder's manifest.json was written by this generator and lists it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { GENERATOR_NAME } from '../core/version.js';
import { MANIFEST } from './files.js';

/** The files a previous run of the generator made in dir (empty when there is none). */
export function ownedFiles(dir: string): Set<string> {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return new Set();
  let m: { generator?: unknown; files?: unknown; testbench?: { files?: unknown; vectors?: unknown; expected?: unknown }; generatedFiles?: unknown };
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return new Set();
  }
  if (typeof m.generator !== 'string' || !m.generator.startsWith(GENERATOR_NAME + ' ')) return new Set();
  const owned = new Set<string>([MANIFEST]);
  if (Array.isArray(m.generatedFiles)) for (const f of m.generatedFiles) if (typeof f === 'string' && !f.includes('/')) owned.add(f);
  return owned;
}

/** Check that writing `names` into dir overwrites nothing the generator did not make. */
export function checkWritable(dir: string, names: Iterable<string>): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`output ${dir} exists and is not a folder; nothing written`);
  }
  const owned = ownedFiles(dir);
  for (const name of names) {
    const path = join(dir, name);
    if (existsSync(path) && !owned.has(name)) {
      throw new UsageError(`${path} exists and was not made by ${GENERATOR_NAME}; it is left alone and nothing is written (choose another --out or name)`);
    }
  }
}

/** Write the files; returns the names written. Throws UsageError before writing anything. */
export function writeFiles(dir: string, files: Map<string, string>): string[] {
  checkWritable(dir, files.keys());
  const previous = ownedFiles(dir);
  mkdirSync(dir, { recursive: true });
  const tmpSuffix = `.tmp-${process.pid}`;
  const staged: [string, string][] = [];
  try {
    for (const [name, text] of files) {
      const tmp = join(dir, `.${name}${tmpSuffix}`);
      writeFileSync(tmp, text);
      staged.push([tmp, join(dir, name)]);
    }
  } catch (e) {
    for (const [tmp] of staged) rmSync(tmp, { force: true });
    throw e;
  }
  // the manifest goes last, so an interrupted run leaves the old manifest naming the old files
  staged.sort((a, b) => Number(a[1].endsWith(MANIFEST)) - Number(b[1].endsWith(MANIFEST)));
  for (const [tmp, dst] of staged) renameSync(tmp, dst);
  for (const old of previous) if (!files.has(old)) rmSync(join(dir, old), { force: true });
  return [...files.keys()];
}
