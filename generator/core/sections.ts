/** Generated sections of a text (README.md tables, report.html's hardware section), between a begin and an end marker. */

/** The text between the markers, trimmed; null when they are missing. */
export function section(text: string, begin: string, end: string): string | null {
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return null;
  return text.slice(a + begin.length, b).trim();
}

/** The text with `body` between the markers (on lines of its own); null when they are missing. */
export function withSection(text: string, begin: string, end: string, body: string): string | null {
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return null;
  return text.slice(0, a + begin.length) + '\n' + body + '\n' + text.slice(b);
}
