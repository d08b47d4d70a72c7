import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvedConfigJson, validateConfig } from '../generator/config/config.js';
import { ConfigError } from '../generator/core/errors.js';
import { parseInputType, parseOutputType } from '../generator/config/formats.js';
import { cli, tmp } from './helpers.js';
import { makePlan } from '../generator/hardware/plan.js';
import type { Config } from '../generator/numerics/types.js';

const base = {
  name: 'dut',
  n: 8,
  input: { width: 8, frac: 4 },
  output: { width: 8, frac: 8 },
  method: { name: 'rexp' },
};

/** The ConfigError that f throws (fails the test when f throws something else or nothing). */
function configError(f: () => unknown): ConfigError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

function rejects(f: () => unknown, key: string, value: unknown, allowed: RegExp) {
  const e = configError(f);
  expect(e.key).toBe(key);
  expect(e.value).toEqual(value);
  expect(e.allowed).toMatch(allowed);
}

/** Validate and plan, as `plan` and `generate` do. */
const planned = (raw: unknown) => makePlan(validateConfig(raw));

describe('parseInputType', () => {
  it('reads ap_fixed<W,I> and intN as W bits with W - I (or 0) fraction bits', () => {
    expect(parseInputType('ap_fixed<16,6>')).toEqual({ width: 16, frac: 10 });
    expect(parseInputType('ap_fixed<8,8>')).toEqual({ width: 8, frac: 0 });
    expect(parseInputType('ap_fixed<8,10>')).toEqual({ width: 8, frac: -2 });
    expect(parseInputType('int8')).toEqual({ width: 8, frac: 0 });
    expect(parseInputType('int16')).toEqual({ width: 16, frac: 0 });
    expect(parseInputType('ap_fixed< 16 , 6 >')).toEqual({ width: 16, frac: 10 });
  });
  it('rejects unsigned, too wide, unknown and non-string types naming input.type and the value', () => {
    const f = (v: unknown) => () => parseInputType(v);
    rejects(f('ap_ufixed<8,0>'), 'input.type', 'ap_ufixed<8,0>', /^allowed: .*signed/);
    rejects(f('uint8'), 'input.type', 'uint8', /^allowed: .*signed/);
    rejects(f('ap_fixed<40,6>'), 'input.type', 'ap_fixed<40,6>', /^allowed: .*width 40 is outside 2\.\.32/);
    rejects(f('float'), 'input.type', 'float', /^allowed: ap_fixed<W,I> or intN/);
    rejects(f(8), 'input.type', 8, /^allowed: a string/);
  });
});

describe('parseOutputType', () => {
  it('reads ap_ufixed<W,I>, uintN and the TFLite int8 convention', () => {
    expect(parseOutputType('ap_ufixed<16,0>')).toEqual({ width: 16, frac: 16 });
    expect(parseOutputType('ap_ufixed<8,1>')).toEqual({ width: 8, frac: 7 });
    expect(parseOutputType('uint8')).toEqual({ width: 8, frac: 8 });
    expect(parseOutputType('uint12')).toEqual({ width: 12, frac: 12 });
    expect(parseOutputType('int8')).toEqual({ width: 8, frac: 8, zeroPoint: -128 });
  });
  it('rejects signed types (but int8), negative fraction bits and 1-bit widths', () => {
    const f = (v: unknown) => () => parseOutputType(v);
    rejects(f('ap_fixed<8,0>'), 'output.type', 'ap_fixed<8,0>', /^allowed: .*not negative/);
    rejects(f('int16'), 'output.type', 'int16', /^allowed: .*signed outputs only in the int8 convention/);
    rejects(f('ap_ufixed<8,9>'), 'output.type', 'ap_ufixed<8,9>', /^allowed: ap_ufixed<W,I> .*W - I in 0\.\.48/);
    rejects(f('ap_ufixed<1,0>'), 'output.type', 'ap_ufixed<1,0>', /^allowed: .*width 1 is outside 2\.\.32/);
  });
});

describe('validateConfig with port types, input.scale and output.rounding', () => {
  it('takes the width and fraction bits from the types', () => {
    const c = validateConfig({ ...base, input: { type: 'ap_fixed<16,6>' }, output: { type: 'int8' } });
    expect(c.input).toEqual({ width: 16, frac: 10, type: 'ap_fixed<16,6>' });
    expect(c.output).toEqual({ width: 8, frac: 8, rounding: 'nearest', zeroPoint: -128, type: 'int8' });
    const u = validateConfig({ ...base, input: { type: 'int8' }, output: { type: 'ap_ufixed<8,1>' } });
    expect([u.input.width, u.input.frac, u.output.width, u.output.frac]).toEqual([8, 0, 8, 7]);
  });
  it('a type and a width together, or neither, name input.width', () => {
    rejects(() => validateConfig({ ...base, input: { type: 'int8', width: 8 } }), 'input.width', 8, /not used with input\.type/);
    rejects(() => validateConfig({ ...base, input: { frac: 4 } }), 'input.width', undefined, /^required \(or input\.type\)/);
    rejects(() => validateConfig({ ...base, input: { type: 'uint8' } }), 'input.type', 'uint8', /signed/);
  });
  it('input.scale: kept when in 2^-16..2^16, else rejected naming input.scale', () => {
    expect(validateConfig({ ...base, input: { width: 8, frac: 4, scale: 0.125 } }).input).toEqual({ width: 8, frac: 4, scale: 0.125 });
    expect(validateConfig(base).input).toEqual({ width: 8, frac: 4 });
    for (const s of [0, -1, 1e6, '0.5']) {
      rejects(() => validateConfig({ ...base, input: { width: 8, frac: 4, scale: s } }), 'input.scale', s, /2\^-16\.\.2\^16/);
    }
  });
  it("output.rounding 'correct': rexp (default addressing) and exact plan, lut2d and hls4ml-like are rejected", () => {
    const correct = { width: 8, frac: 8, rounding: 'correct' };
    const r = planned({ ...base, output: correct });
    expect(r.common.config.output.rounding).toBe('correct');
    expect(r.common.config.method.addressing).toBe('normalized');
    expect(r.mp.params).toMatchObject({ recipAddrBits: 8 });
    expect(planned({ ...base, output: correct, method: { name: 'exact' } }).common.config.output.rounding).toBe('correct');
    for (const name of ['lut2d', 'hls4ml-like']) {
      rejects(() => validateConfig({ ...base, output: correct, method: { name } }), 'output.rounding', 'correct', new RegExp(`^allowed: nearest with method ${name} \\(correct rounding: methods rexp, exact\\)`));
    }
    rejects(() => planned({ ...base, output: correct, method: { name: 'rexp', addressing: 'linear' } }), 'output.rounding', 'correct', /^allowed: nearest with addressing linear/);
    rejects(() => validateConfig({ ...base, output: { width: 8, rounding: 'up' } }), 'output.rounding', 'up', /nearest, correct/);
  });
  it('correct rounding with a reciprocal table too small for it names method.recipAddrBits', () => {
    rejects(
      () => planned({ ...base, output: { width: 8, frac: 8, rounding: 'correct' }, method: { name: 'rexp', recipAddrBits: 4 } }),
      'method.recipAddrBits',
      4,
      /within 2\^-8 of 1\/S .*allowed: more recipAddrBits, recipWidth$/,
    );
    // the same table is fine when rounding to nearest
    expect(planned({ ...base, method: { name: 'rexp', recipAddrBits: 4 } }).mp.params).toMatchObject({ recipAddrBits: 4 });
  });
});

describe("rexp's default addressing follows the output width", () => {
  const addressing = (raw: Record<string, unknown>) => validateConfig({ ...base, ...raw }).method.addressing;
  it('normalized up to 10 output bits, interpolated above, an explicit one wins', () => {
    expect(addressing({})).toBe('normalized');
    expect(addressing({ output: { type: 'int8' } })).toBe('normalized');
    expect(addressing({ output: { width: 10 } })).toBe('normalized');
    expect(addressing({ output: { width: 11 } })).toBe('interpolated');
    expect(addressing({ output: { width: 16 } })).toBe('interpolated');
    expect(addressing({ output: { type: 'ap_ufixed<16,0>' } })).toBe('interpolated');
    expect(addressing({ output: { width: 16 }, method: { name: 'rexp', addressing: 'linear' } })).toBe('linear');
    expect(addressing({ output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp', addressing: 'normalized' } })).toBe('normalized');
    expect(addressing({ output: { width: 16 }, method: { name: 'lut2d' } })).toBe('normalized');
  });
});

describe('resolvedConfigJson round trip', () => {
  /** The config.json `generate` writes, and the Config read back from it. */
  function roundTrip(raw: unknown): { c: Config; json: Record<string, unknown>; params: Record<string, number>; back: Config } {
    const c = validateConfig(raw);
    const params = makePlan(c).mp.params;
    const json = JSON.parse(JSON.stringify(resolvedConfigJson(c, params))) as Record<string, unknown>;
    return { c, json, params, back: validateConfig(json) };
  }
  it('writes output.type int8 as its type, and reads the same Config back', () => {
    const { c, json, params, back } = roundTrip({ ...base, output: { type: 'int8' } });
    expect(json.output).toEqual({ type: 'int8' });
    expect(json.input).toEqual({ width: 8, frac: 4 });
    expect(back).toEqual({ ...c, method: { ...c.method, params } });
    expect(makePlan(back).mp.params).toEqual(params);
  });
  it('keeps rounding correct next to the int8 type', () => {
    const { c, json, params, back } = roundTrip({ ...base, output: { type: 'int8', rounding: 'correct' } });
    expect(json.output).toEqual({ type: 'int8', rounding: 'correct' });
    expect(back.output).toEqual({ width: 8, frac: 8, rounding: 'correct', zeroPoint: -128, type: 'int8' });
    expect(back).toEqual({ ...c, method: { ...c.method, params } });
  });
  it('writes input.scale and reads it back', () => {
    const { c, json, params, back } = roundTrip({ ...base, input: { width: 8, frac: 4, scale: 0.125 } });
    expect(json.input).toEqual({ width: 8, frac: 4, scale: 0.125 });
    expect(back.input.scale).toBe(0.125);
    expect(back).toEqual({ ...c, method: { ...c.method, params } });
    expect(makePlan(back).common.unit).toBe(0.125 * 2 ** -4);
  });
});

describe('CLI on a bad port type: exit code 2, one message line, nothing written', () => {
  const badLine =
    'softmax-lut: config error: input.type = "ap_ufixed<8,0>": allowed: a signed type, ap_fixed<W,I> or intN, with W, N in 2..32 (the scores are signed)';
  function badConfig(): string {
    const f = join(tmp(), 'bad.json');
    writeFileSync(f, JSON.stringify({ ...base, input: { type: 'ap_ufixed<8,0>' } }));
    return f;
  }
  it('plan', () => {
    const r = cli(['plan', badConfig()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([badLine, 'nothing was written']);
  });
  it('generate into a fresh folder leaves it empty', () => {
    const out = tmp();
    const r = cli(['generate', badConfig(), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([badLine, 'nothing was written']);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('CLI --set of a type replaces the width and frac it stands for', () => {
  it('on the built-in default (8.4 -> 8.8): input.type and output.type', () => {
    const r = cli(['plan', '--n', '64', '--set', 'input.type=ap_fixed<16,6>', '--set', 'output.type=ap_ufixed<16,0>']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('input   x_i: signed 16 bits, 10 fraction bits');
    expect(r.stdout).toContain('output  y_i: unsigned 16 bits, 16 fraction bits');
  });
  it('on a file with a type: input.width and input.frac replace it', () => {
    const f = join(tmp(), 'typed.json');
    writeFileSync(f, JSON.stringify({ ...base, input: { type: 'int8', scale: 0.125 } }));
    const r = cli(['plan', f, '--set', 'input.width=12', '--set', 'input.frac=6']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('input   x_i: signed 12 bits, 6 fraction bits (code q means q*2^-6); the block computes softmax(0.125 * x)');
  });
});
