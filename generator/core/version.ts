import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** Root of the softmax-lut checkout (the folder that holds package.json). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

export const GENERATOR_NAME: string = pkg.name;
export const GENERATOR_VERSION: string = pkg.version;
