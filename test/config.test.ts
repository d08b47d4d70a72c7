import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../generator/config/config.js';
import { ConfigError } from '../generator/core/errors.js';
import { loadConfig } from '../generator/cli/flow.js';
import { cli, tmp } from './helpers.js';
import { makePlan } from '../generator/hardware/plan.js';

const base = {
  name: 'dut',
  n: 8,
  input: { width: 8, frac: 4 },
  output: { width: 8, frac: 8 },
  method: { name: 'rexp' },
};

function rejects(raw: unknown, key: string, value: unknown, allowed: RegExp) {
  let err: unknown;
  try {
    const c = validateConfig(raw);
    makePlan(c);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const e = err as ConfigError;
  expect(e.key).toBe(key);
  expect(e.value).toEqual(value);
  expect(e.allowed).toMatch(allowed);
}

describe('config validation', () => {
  it('fills in the defaults', () => {
    const c = validateConfig(base);
    expect(c.arch).toBe('parallel');
    expect(c.method.addressing).toBe('normalized');
    expect(c.output.frac).toBe(8);
    expect(validateConfig({ ...base, input: { width: 8 }, output: { width: 6 } }).output.frac).toBe(6);
    expect(validateConfig({ ...base, input: { width: 8 } }).input.frac).toBe(4);
  });
  it('rejects out-of-range values naming the key, the value and the range', () => {
    rejects({ ...base, n: 2000 }, 'n', 2000, /2\.\.1024/);
    rejects({ ...base, n: 1 }, 'n', 1, /2\.\.1024/);
    rejects({ ...base, n: 4.5 }, 'n', 4.5, /integer/);
    rejects({ ...base, n: '8' }, 'n', '8', /integer/);
    rejects({ ...base, input: { width: 40 } }, 'input.width', 40, /2\.\.32/);
    rejects({ ...base, output: { width: 8, frac: -1 } }, 'output.frac', -1, /0\.\.48/);
    rejects({ ...base, method: { name: 'rexp', expWidth: 30 } }, 'method.expWidth', 30, /2\.\.24/);
    rejects({ ...base, method: { name: 'lut2d', colBits: 13 } }, 'method.colBits', 13, /1\.\.12/);
    rejects({ ...base, method: { name: 'lut2d', colBits: 12, expWidth: 8 } }, 'method.colBits', 12, /1\.\.7 \(below expWidth/);
    rejects({ ...base, method: { name: 'lut2d', addressing: 'linear', colBits: 12, expWidth: 8 } }, 'method.colBits', 12, /1\.\.8 \(at most expWidth/);
    rejects({ ...base, method: { name: 'lut2d', colBits: 10, rowBits: 10, expWidth: 12 } }, 'method.rowBits', 10, /2\^16/);
    rejects({ ...base, method: { name: 'rexp', expStepLog2: 8 } }, 'method.expStepLog2', 8, /0\.\.7/);
  });
  it('rejects unknown keys, methods and addressings', () => {
    rejects({ ...base, width: 8 }, 'width', 8, /unknown key/);
    rejects({ ...base, input: { width: 8, frc: 3 } }, 'input.frc', 3, /unknown key/);
    rejects({ ...base, method: { name: 'rexp', rowBits: 3 } }, 'method.rowBits', 3, /unknown key/);
    rejects({ ...base, method: { name: 'cordic' } }, 'method.name', 'cordic', /rexp, lut2d/);
    rejects({ ...base, method: { name: 'rexp', addressing: 'log' } }, 'method.addressing', 'log', /normalized, linear/);
    rejects({ ...base, arch: 'systolic' }, 'arch', 'systolic', /parallel, stream/);
  });
  it('rejects names that are not Verilog identifiers or are keywords', () => {
    rejects({ ...base, name: '9lives' }, 'name', '9lives', /identifier/);
    rejects({ ...base, name: 'a-b' }, 'name', 'a-b', /identifier/);
    rejects({ ...base, name: 'module' }, 'name', 'module', /keyword/);
    rejects({ ...base, name: 'logic' }, 'name', 'logic', /keyword/);
    rejects({ ...base, name: undefined }, 'name', undefined, /required/);
  });
  it('applies overrides before validation, so their errors name the key', () => {
    const dir = tmp();
    const f = join(dir, 'c.json');
    writeFileSync(f, JSON.stringify(base));
    expect(loadConfig(f, { n: 16, set: ['method.recipWidth=12', 'output.frac=7'] })).toMatchObject({
      n: 16,
      output: { width: 8, frac: 7 },
      method: { name: 'rexp', params: { recipWidth: 12 } },
    });
    expect(loadConfig(f, { method: 'lut2d', addressing: 'linear' }).method).toEqual({ name: 'lut2d', addressing: 'linear', params: {} });
    expect(() => loadConfig(f, { set: ['n=0'] })).toThrow(/n = 0: allowed: an integer in 2..1024/);
  });
});

describe('CLI on bad input: exit code 2, a message, nothing written', () => {
  it('out-of-range value', () => {
    const out = join(tmp(), 'o');
    const r = cli(['generate', '--n', '5000', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('n = 5000: allowed: an integer in 2..1024');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(existsSync(out)).toBe(false);
  });
  it('broken JSON file and a missing file', () => {
    const dir = tmp();
    const f = join(dir, 'bad.json');
    writeFileSync(f, '{"name": ');
    const r = cli(['generate', f, '--out', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('allowed: a JSON object');
    const r2 = cli(['generate', join(dir, 'nope.json'), '--out', join(dir, 'o')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('does not exist');
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });
  it('unknown option', () => {
    const r = cli(['generate', '--frobnicate', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown argument/i);
  });
  it('never overwrites a file it did not make, and writes nothing then', () => {
    const out = join(tmp(), 'o');
    mkdirSync(out);
    writeFileSync(join(out, 'dut.v'), 'my own file\n');
    const r = cli(['generate', '--name', 'dut', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('was not made by softmax-lut');
    expect(readFileSync(join(out, 'dut.v'), 'utf8')).toBe('my own file\n');
    expect(readdirSync(out)).toEqual(['dut.v']);
  });
  it('regenerates over its own files, and removes only its own stale files', () => {
    const out = join(tmp(), 'o');
    expect(cli(['generate', '--name', 'dut', '--out', out, '-q']).code).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const first = readFileSync(join(out, 'dut.v'), 'utf8');
    expect(cli(['generate', '--name', 'dut', '--out', out, '-q']).code).toBe(0);
    expect(readFileSync(join(out, 'dut.v'), 'utf8')).toBe(first);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'dut.core', 'dut.f', 'dut.v', 'dut_exp.hex', 'dut_in.hex', 'dut_inst.vh', 'dut_tb.v', 'emulator.json', 'manifest.json', 'notes.txt', 'test_dut.py']);
  });
  it('--help shows the commands and examples', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('verify [config]');
    expect(r.stdout).toContain('Examples:');
  });
});
