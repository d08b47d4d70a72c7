/** Generated sections of README.md, between a begin and an end marker. */
import { readFileSync, writeFileSync } from 'node:fs';

/** The text between the markers, trimmed; null when they are missing. */
export function section(text: string, begin: string, end: string): string | null {
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return null;
  return text.slice(a + begin.length, b).trim();
}

/** Replace the text between the markers in a file. */
export function replaceSection(path: string, begin: string, end: string, body: string): void {
  const text = readFileSync(path, 'utf8');
  if (section(text, begin, end) === null) throw new Error(`${path} has no ${begin} ... ${end} section`);
  const a = text.indexOf(begin) + begin.length;
  const b = text.indexOf(end);
  writeFileSync(path, text.slice(0, a) + '\n' + body + '\n' + text.slice(b));
}
