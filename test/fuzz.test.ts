/**
 * Fuzz of the config parser: 1000 junk configs (random JSON, random text, valid configs with one key
 * broken, junk --set overrides) through the CLI's own entry point, in process. Every one must end
 * with exit code 2, a one-line readable message naming what is wrong, no stack trace and nothing
 * written. A few go through a real CLI process as well.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../generator/cli.js';
import { cli, tmp } from './helpers.js';

const valid = {
  name: 'fz',
  n: 8,
  input: { width: 8, frac: 4 },
  output: { width: 8, frac: 8 },
  method: { name: 'rexp', addressing: 'normalized' },
};

/** Values that no integer key accepts (every range lies within -32..2^31-1). */
const badScalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(-1e9, 2 ** 40, 0.5, -0.25, Number.MAX_SAFE_INTEGER, 1e308),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);

/** A valid config with one thing broken, so that it must be rejected. */
const brokenConfig = fc.oneof(
  // an out-of-range or wrongly typed value at a known key
  fc.record({
    path: fc.constantFrom('n', 'input.width', 'input.frac', 'output.width', 'output.frac', 'method.expWidth', 'method.recipWidth', 'method.recipAddrBits', 'method.expStepLog2', 'pipeline.treeLevelsPerStage', 'verify.vectors', 'verify.seed'),
    value: fc.oneof(badScalar, fc.constantFrom(-100, 2 ** 31, 'x', '8', ''), fc.integer({ min: 100, max: 1e6 }).map((v) => -v)),
  }).map(({ path, value }) => setAt(structuredClone(valid), path, value)),
  // an unknown key somewhere
  fc.record({
    where: fc.constantFrom('', 'input.', 'output.', 'method.', 'pipeline.', 'verify.'),
    key: fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !KNOWN.has(k) && k !== '__proto__'),
    value: fc.jsonValue(),
  }).map(({ where, key, value }) => setAt(structuredClone(valid), where + key, value, true)),
  // a name that is not a Verilog identifier, or a keyword
  fc.oneof(fc.string({ maxLength: 70 }).filter((s) => !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(s)), fc.constantFrom('module', 'logic', 'wire', 'always', 'packed', 'int'), badScalar)
    .map((name) => ({ ...valid, name })),
  // a method, addressing, arch or pipeline flag that does not exist
  fc.oneof(
    fc.string({ maxLength: 10 }).filter((s) => !['rexp', 'lut2d', 'hls4ml-like', 'exact'].includes(s)).map((name) => ({ ...valid, method: { name } })),
    fc.string({ maxLength: 10 }).filter((s) => !['normalized', 'linear'].includes(s)).map((a) => ({ ...valid, method: { name: 'lut2d', addressing: a } })),
    fc.string({ maxLength: 10 }).filter((s) => s !== 'parallel' && s !== 'stream').map((arch) => ({ ...valid, arch })),
    badScalar.filter((v) => typeof v !== 'boolean').map((v) => ({ ...valid, pipeline: { laneRegister: v } })),
  ),
  // a required key missing
  fc.constantFrom('name', 'n', 'input', 'output', 'method', 'input.width', 'output.width', 'method.name').map((k) => deleteAt(structuredClone(valid), k)),
);

const KNOWN = new Set(['name', 'n', 'input', 'output', 'arch', 'method', 'pipeline', 'verify', 'width', 'frac', 'addressing', 'expWidth', 'expStepLog2', 'recipAddrBits', 'recipWidth', 'rowBits', 'colBits', 'treeLevelsPerStage', 'expAddrRegister', 'laneRegister', 'outputSlice', 'vectors', 'seed']);

function setAt(obj: Record<string, unknown>, path: string, value: unknown, define = false): Record<string, unknown> {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  if (define) Object.defineProperty(o, keys[keys.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  else o[keys[keys.length - 1]!] = value;
  return obj;
}

function deleteAt(obj: Record<string, unknown>, path: string): Record<string, unknown> {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  delete o[keys[keys.length - 1]!];
  return obj;
}

/** One junk case: the text of the config file, and extra CLI arguments. */
const junk: fc.Arbitrary<{ text: string; args: string[] }> = fc.oneof(
  { weight: 4, arbitrary: brokenConfig.map((c) => ({ text: JSON.stringify(c), args: [] })) },
  // any JSON value at all: not an object, or an object without the required keys
  { weight: 2, arbitrary: fc.jsonValue().map((v) => ({ text: JSON.stringify(v) ?? 'null', args: [] })) },
  // text that is not JSON
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }).filter((s) => !isJson(s)).map((text) => ({ text, args: [] })) },
  // binary junk
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((b) => ({ text: Buffer.from(b).toString('latin1'), args: [] })).filter((c) => !isJson(c.text)) },
  // a valid file with junk overrides
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.tuple(fc.constantFrom('n', 'input.width', 'output.frac', 'method.expWidth', 'verify.vectors'), fc.constantFrom('abc', '-3', '1e9', '[]', 'null', '{}', '0.5', '')).map(([k, v]) => `${k}=${v}`),
        fc.string({ maxLength: 20 }).filter((s) => !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*=/.test(s)),
        fc.string({ minLength: 1, maxLength: 8 }).filter((k) => /^[A-Za-z_]\w*$/.test(k) && !KNOWN.has(k)).map((k) => `${k}=1`),
      )
      .map((set) => ({ text: JSON.stringify(valid), args: ['--set', set] })),
  },
);

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

describe('config fuzz: 1000 junk configs', () => {
  const errors: string[] = [];
  const logs: string[] = [];
  beforeAll(() => {
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
  });
  afterAll(() => vi.restoreAllMocks());

  it('every one exits 2 with a readable message, no stack trace, nothing written', async () => {
    const root = tmp('softmax-lut-fuzz-');
    let count = 0;
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(junk, async ({ text, args }) => {
        const dir = join(root, String(count++));
        mkdirSync(dir);
        const file = join(dir, 'junk.json');
        writeFileSync(file, text);
        errors.length = 0;
        logs.length = 0;
        const code = await runCli(['generate', file, '--out', join(dir, 'out'), ...args]);
        const msg = errors.join('\n');
        expect(code, `${text} ${args.join(' ')}\n${msg}`).toBe(2);
        expect(msg).toMatch(/^softmax-lut: (config error: .+: (allowed|required|unknown key|cannot set)|.+)/);
        expect(msg).not.toMatch(/\n\s+at |internal error|TypeError|ReferenceError/);
        expect(msg.split('\n')[0]!.length).toBeLessThan(400);
        expect(logs).toEqual([]);
        expect(existsSync(join(dir, 'out'))).toBe(false);
        expect(readdirSync(dir)).toEqual(['junk.json']);
        const kind = /config error: ([^ =]+)/.exec(msg)?.[1] ?? msg.slice(13, 40);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }),
      { numRuns: 1000, seed: 20261126 },
    );
    expect(count).toBe(1000);
    // the junk reached many different keys, not one error over and over
    expect(kinds.size).toBeGreaterThan(15);
  });
});

describe('config fuzz through real CLI processes', () => {
  const cases: [string, string[]][] = [
    ['[1, 2, 3]', []],
    ['{"name": "x", "n": 8', []],
    ['\u0000\u0001garbage', []],
    [JSON.stringify({ ...valid, n: 1e9 }), []],
    [JSON.stringify({ ...valid, method: { name: 'rexp', recipWidth: 'wide' } }), []],
    [JSON.stringify(valid), ['--set', 'pipeline.laneRegister=maybe']],
  ];
  for (const [text, args] of cases) {
    it(`${JSON.stringify(text).slice(0, 40)} ${args.join(' ')}`, () => {
      const dir = tmp();
      writeFileSync(join(dir, 'junk.json'), text);
      const r = cli(['generate', join(dir, 'junk.json'), '--out', join(dir, 'out'), ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^softmax-lut: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
      expect(readdirSync(dir)).toEqual(['junk.json']);
    });
  }
});
