/** Generated sections of README.md, between a begin and an end marker. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withSection } from '../generator/core/sections.js';

export { section } from '../generator/core/sections.js';

/** Replace the text between the markers in a file. */
export function replaceSection(path: string, begin: string, end: string, body: string): void {
  const text = withSection(readFileSync(path, 'utf8'), begin, end, body);
  if (text === null) throw new Error(`${path} has no ${begin} ... ${end} section`);
  writeFileSync(path, text);
}
