/** The preset configs behind generated/: presets/*.json, sorted. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../generator/core/version.js';

export function presetFiles(): string[] {
  const dir = join(ROOT, 'presets');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}
