/**
 * A problem with the user's input: names the key, the value and what is allowed.
 * The CLI turns it into a one-line message and exit code 2, and writes nothing.
 */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${key} = ${showValue(value)}: ${allowed}`);
    this.name = 'ConfigError';
  }
}

/** A usage problem that is not about one config key (a missing file, an output in the way). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function showValue(v: unknown): string {
  if (v === undefined) return '(missing)';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
