/**
 * The Python emulator (python/softmax_lut), run with Debian's python3 and python3-numpy: bit-exact
 * against every committed block's testbench vectors, parallel and stream with masks, and against
 * blocks of the formats and modes no preset has. Python and NumPy are required (.ci/run installs
 * them through scripts/setup.sh): without them these tests fail with the install hint, they never skip.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';
import { model } from '../generator/numerics/model.js';
import { streamModel, type Row } from '../generator/hardware/archs/stream.js';
import { rng } from '../generator/evidence/vectors.js';
import { cfg, generateTo, SYSTEM_PYTHON } from './helpers.js';

/** SYSTEM_PYTHON, with NumPy. */
function python(): string {
  const py = SYSTEM_PYTHON;
  const r = spawnSync(py, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${py} with NumPy is required: apt-get install python3 python3-numpy (scripts/setup.sh does it)\n${r.stderr ?? r.error}`);
  return py;
}

function runPy(args: string[], input?: string) {
  const r = spawnSync(python(), args, { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'python') }, input, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function check(dirs: string[]) {
  return runPy(['-m', 'softmax_lut.check', ...dirs]);
}

describe('the Python emulator', () => {
  it('is bit-exact on every committed block (testbench vectors; stream rows with their masks)', () => {
    const names = readdirSync(join(ROOT, 'generated')).sort();
    const r = check(names.map((n) => join(ROOT, 'generated', n)));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(names.length);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^${names[i]}: ok, bit-exact on \\d+ (vectors|rows)`)));
  });

  it('is bit-exact on the modes no preset has', () => {
    const cases: Record<string, unknown>[] = [
      { name: 'em_correct', output: { width: 8, frac: 8, rounding: 'correct' }, method: { name: 'rexp' } },
      { name: 'em_int8', n: 5, input: { type: 'int8', scale: 0.3 }, output: { type: 'int8' }, method: { name: 'rexp' } },
      { name: 'em_i12c', n: 4, input: { width: 12, frac: 6 }, output: { width: 12, frac: 12, rounding: 'correct' }, method: { name: 'rexp' } },
      { name: 'em_lut2d_red', n: 6, input: { width: 14, frac: 8 }, method: { name: 'lut2d', addressing: 'normalized' } },
      { name: 'em_exact_red', n: 3, input: { width: 12, frac: 8 }, output: { width: 10, frac: 10 }, method: { name: 'exact', exp: 'reduced' } },
      { name: 'em_hls', n: 4, method: { name: 'hls4ml-like' } },
      { name: 'em_s_int8', n: undefined, arch: 'stream', stream: { lanes: 3, maxN: 20 }, input: { type: 'int8', scale: 0.125 }, output: { type: 'int8' }, method: { name: 'rexp' } },
      { name: 'em_s_lin', n: undefined, arch: 'stream', stream: { lanes: 2, maxN: 9 }, method: { name: 'rexp', addressing: 'linear' } },
      { name: 'em_pow2_exact', n: 5, method: { name: 'exact', exp: 'pow2', expFracBits: 5 } },
      { name: 'em_s_pow2_lut2d', n: undefined, arch: 'stream', stream: { lanes: 3, maxN: 10 }, input: { type: 'int8', scale: 0.6931471805599453 }, method: { name: 'lut2d', exp: 'pow2' } },
      { name: 'em_s_ibert', n: undefined, arch: 'stream', stream: { lanes: 2, maxN: 12 }, input: { type: 'int8', scale: 0.3 }, method: { name: 'ibert', workBits: 2 } },
      // Softermax's online sum (IntMax, the exact sum floored once): parallel, and the one-pass stream block
      { name: 'em_online', n: 6, input: { width: 8, frac: 4, scale: Math.LN2 }, method: { name: 'softermax', online: true } },
      { name: 'em_s_online', n: undefined, arch: 'stream', stream: { lanes: 3, maxN: 14 }, input: { width: 8, frac: 4, scale: Math.LN2 }, method: { name: 'softermax', online: true } },
    ];
    const dirs = cases.map((c) => generateTo(cfg({ verify: { vectors: 48, seed: 9 }, ...c })).dir);
    const r = check(dirs);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => l.split(':')[0])).toEqual(cases.map((c) => c.name));
  });

  it('fails on one wrong table entry', () => {
    const { dir } = generateTo(cfg({ name: 'em_broken', verify: { vectors: 64, seed: 3 } }));
    const r = runPy([
      '-c',
      [
        'import json, sys',
        `p = ${JSON.stringify(join(dir, 'emulator.json'))}`,
        'd = json.load(open(p)); d["exp"]["table"][1] += 50; json.dump(d, open(p, "w"))',
      ].join('\n'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const c = check([dir]);
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(/^em_broken: MISMATCH, \d+ codes differ/);
  });

  it('has the documented API: codes of shape (..., n), softmax of real scores, errors on bad input', () => {
    const { dir, block } = generateTo(cfg({ name: 'em_api', n: 4, input: { width: 8, frac: 4 }, output: { type: 'int8' }, method: { name: 'rexp' } }));
    const x = [
      [16, 0, -16, 3],
      [0, 0, 0, 0],
    ];
    const want = x.map((v) => model(block.plan, v).map((y) => y - 128));
    const script = [
      'import json, numpy as np, softmax_lut',
      `b = softmax_lut.load(${JSON.stringify(dir)})`,
      `x = np.array(${JSON.stringify(x)})`,
      'y = b(x)',
      'y3 = b(np.stack([x, x]))',
      'p = b.softmax(x / 16.0)',
      'errs = []',
      'for bad in (lambda: b(np.zeros((2, 5), dtype=int)), lambda: b(x, keep=np.ones(4)), lambda: b(x * 1.5), lambda: b(np.array([[200, 0, 0, 0]]))):',
      '    try:',
      '        bad(); errs.append("none")',
      '    except (ValueError, TypeError) as e:',
      '        errs.append(type(e).__name__)',
      'print(json.dumps({"y": y.tolist(), "shape": list(y3.shape), "same": bool((y3[1] == y).all()), "p": p.tolist(), "errs": errs}))',
    ].join('\n');
    const r = runPy(['-c', script]);
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.y).toEqual(want);
    expect(o.shape).toEqual([2, 2, 4]);
    expect(o.same).toBe(true);
    // int8: probability = (code + 128) / 256; the scores are exactly the codes / 16
    expect(o.p).toEqual(want.map((v) => v.map((c) => (c + 128) / 256)));
    expect(o.errs).toEqual(['ValueError', 'ValueError', 'TypeError', 'ValueError']);
  });
});

describe('the Python emulator, stream rows in a batch', () => {
  it('rows of shape (rows, length) with their keep bits give what the TypeScript model gives row by row', () => {
    const { dir, block } = generateTo(cfg({ name: 'em_batch', n: undefined, arch: 'stream', stream: { lanes: 3, maxN: 20 }, input: { type: 'int8', scale: 0.125 }, method: { name: 'rexp' } }));
    const r = rng(17);
    const rows: Row[] = [];
    for (let k = 0; k < 40; k++) {
      const x = Array.from({ length: 20 }, () => Math.floor(r() * 256) - 128);
      // every tenth row keeps nothing; the others keep about two thirds
      const keep = x.map(() => k % 10 !== 0 && r() < 0.67);
      rows.push({ x, keep });
    }
    const want = rows.map((row) => streamModel(block.stream!.sp, row));
    const script = [
      'import json, sys, numpy as np, softmax_lut',
      `b = softmax_lut.load(${JSON.stringify(dir)})`,
      'd = json.load(sys.stdin)',
      'print(json.dumps(b(np.array(d["x"]), keep=np.array(d["keep"])).tolist()))',
    ].join('\n');
    const out = runPy(['-c', script], JSON.stringify({ x: rows.map((w) => w.x), keep: rows.map((w) => w.keep) }));
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(want);
    expect(want[0]!.every((y) => y === 0)).toBe(true);
  });
});
