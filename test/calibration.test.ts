/**
 * softmax_lut.calibrate and its command (python3 -m softmax_lut.calibration, softmax-lut-calibrate
 * when installed), with Debian's python3 and NumPy: the proposed scale and clipped share on the model
 * experiment's captured attention scores (checked against the rule computed here, in TypeScript),
 * the config it writes (which the generator accepts), the block's bit-exact error, masks, and the
 * errors of bad input (exit 2, nothing written).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';
import { loadConfig } from '../generator/cli/flow.js';
import { cfg, generateTo, SYSTEM_PYTHON } from './helpers.js';

function runPy(args: string[], input?: string) {
  const r = spawnSync(SYSTEM_PYTHON, args, { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'python') }, input, timeout: 300_000 });
  if (r.error) throw new Error(`${SYSTEM_PYTHON} with NumPy is required (scripts/setup.sh installs it): ${r.error}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** NumPy's default percentile (linear between the order statistics). */
function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * (q / 100);
  const lo = Math.floor(h);
  return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
}

const ROWS: number[][] = JSON.parse(readFileSync(join(ROOT, 'generator', 'evidence', 'data', 'model-attention.json'), 'utf8')).rows;

describe('calibration', () => {
  const work = mkdtempSync(join(tmpdir(), 'slt-cal-'));
  const npy = join(work, 'scores.npy');
  beforeAll(() => {
    // the captured rows as one array, NaN past each row's end
    const r = runPy(['-'], `import json, numpy as np\nrows = json.load(open(${JSON.stringify(join(ROOT, 'generator', 'evidence', 'data', 'model-attention.json'))}))['rows']\na = np.full((len(rows), max(map(len, rows))), np.nan)\nfor i, x in enumerate(rows): a[i, :len(x)] = x\nnp.save(${JSON.stringify(npy)}, a)\n`);
    expect(r.code, r.stderr).toBe(0);
  });

  it("proposes int8 with the rule's scale on the captured scores, nothing clipped, and writes a config generate accepts", () => {
    const spread = ROWS.flatMap((r) => r.map((x) => Math.max(...r) - x));
    const mag = ROWS.flatMap((r) => r.map((x) => Math.abs(x)));
    const want = Math.round((Math.max(percentile(spread, 99.99), percentile(mag, 99.99)) / 127) * 1e6) / 1e6;
    expect(want).toBe(0.283089);
    const base = join(work, 'base.json');
    writeFileSync(base, JSON.stringify({ name: 'cal_att', arch: 'stream', stream: { lanes: 8, maxN: 128 }, input: { width: 8, frac: 4 }, output: { width: 8, frac: 8 }, method: { name: 'rexp' } }));
    const out = join(work, 'cal.json');
    const r = runPy(['-m', 'softmax_lut.calibration', npy, '--config', base, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`calibrate: ${ROWS.length} rows, ${spread.length} kept scores`);
    expect(r.stdout).toContain('proposed input: int8 x 0.283089');
    expect(r.stdout).toContain('clipped: 0.0000 % of the kept scores saturate');
    expect(r.stdout).toMatch(/error \(input format alone\): max \d+\.\d{4} LSB, mean \d+\.\d{4} LSB of 2\^-8/);
    const c = JSON.parse(readFileSync(out, 'utf8'));
    expect(c).toEqual({ name: 'cal_att', arch: 'stream', stream: { lanes: 8, maxN: 128 }, input: { type: 'int8', scale: 0.283089 }, output: { width: 8, frac: 8 }, method: { name: 'rexp' } });
    // as generate reads it
    expect(loadConfig(out).input).toMatchObject({ width: 8, frac: 0, scale: 0.283089 });
  });

  it("reports a block's bit-exact error on the scores (as the emulator computes it); a block of another input is refused", () => {
    const { dir } = generateTo(cfg({ name: 'cal_blk', n: undefined, arch: 'stream', stream: { lanes: 8, maxN: 128 }, input: { type: 'int8', scale: 0.283089 }, method: { name: 'rexp' }, verify: { vectors: 16 } }));
    const r = runPy(['-m', 'softmax_lut.calibration', npy, '--block', dir]);
    expect(r.code, r.stderr).toBe(0);
    const m = /error \(cal_blk\): max (\d+\.\d{4}) LSB, mean (\d+\.\d{4}) LSB of 2\^-8/.exec(r.stdout);
    expect(m).not.toBeNull();
    // the same figures from the emulator directly
    const ref = runPy(['-'], [
      'import json, numpy as np, softmax_lut',
      `a = np.load(${JSON.stringify(npy)}); k = np.isfinite(a); b = softmax_lut.load(${JSON.stringify(dir)})`,
      'c = np.clip(np.floor(np.where(k, a, 0) / 0.283089 + 0.5), -128, 127).astype(np.int64)',
      'p = b.probabilities(b(c, keep=k))',
      'z = np.where(k, a, -np.inf); e = np.where(k, np.exp(z - z.max(-1, keepdims=True)), 0); f = e / e.sum(-1, keepdims=True)',
      'd = np.abs(p - f)[k] * 256',
      'print(f"{d.max():.4f} {d.mean():.4f}")',
    ].join('\n'));
    expect(ref.code, ref.stderr).toBe(0);
    expect(`${m![1]} ${m![2]}`).toBe(ref.stdout.trim());
    const other = generateTo(cfg({ name: 'cal_other', n: undefined, arch: 'stream', stream: { lanes: 8, maxN: 128 }, input: { type: 'int8', scale: 0.25 }, method: { name: 'rexp' }, verify: { vectors: 16 } }));
    const bad = runPy(['-m', 'softmax_lut.calibration', npy, '--block', other.dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('calibrate: cal_other takes 8-bit codes with 0 fraction bits and scale 0.25, not int8 x 0.283089');
  });

  it('clipped share and masks: exact on made-up scores', () => {
    const r = runPy(['-'], [
      'import json, numpy as np, softmax_lut',
      // 1000 rows of 10: 0..9 (spread 9, magnitude 9), one with an outlier of -1000 (spread 1009)
      'a = np.tile(np.arange(10.0), (1000, 1)); a[0, 0] = -1000.0',
      'c = softmax_lut.calibrate(a, coverage=99.9)',
      // the same scores with a mask hiding the outlier, and as NaN
      'm = np.ones(a.shape, bool); m[0, 0] = False',
      'b = a.copy(); b[0, 0] = np.nan',
      'cm, cn = softmax_lut.calibrate(a, m), softmax_lut.calibrate(b)',
      // scores far from 0: the magnitude (101), not the spread (2), sets the scale
      'f = softmax_lut.calibrate(np.tile([99.0, 100.0, 101.0], (50, 1)), coverage=100)',
      'print(json.dumps([c.scale, c.clipped, cm.scale, cm.clipped, cm.kept, cn.scale, cn.kept, softmax_lut.calibrate(a, bits=4, coverage=100).scale, f.scale, f.clipped]))',
    ].join('\n'));
    expect(r.code, r.stderr).toBe(0);
    // 99.9 % of 10000: every spread of the normal rows (9) holds, the outlier's 1009 saturates (1 of 10000)
    const [scale, clipped, mscale, mclipped, mkept, nscale, nkept, s4, fscale, fclipped] = JSON.parse(r.stdout) as number[];
    expect([fscale, fclipped]).toEqual([Math.round((101 / 127) * 1e6) / 1e6, 0]);
    expect(scale).toBe(Math.round((9 / 127) * 1e6) / 1e6);
    expect(clipped).toBe(1 / 10000);
    expect([mscale, mclipped, mkept]).toEqual([Math.round((9 / 127) * 1e6) / 1e6, 0, 9999]);
    expect([nscale, nkept]).toEqual([mscale, 9999]);
    expect(s4).toBe(Math.round((1009 / 7) * 1e6) / 1e6);
  });

  it('bad input: exit 2 with the key, the value and the range; a file that exists is not overwritten', () => {
    const out = join(work, 'keep.json');
    writeFileSync(out, 'mine\n');
    const r1 = runPy(['-m', 'softmax_lut.calibration', npy, '--out', out]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`--out ${out} exists: not overwritten`);
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const r2 = runPy(['-m', 'softmax_lut.calibration', npy, '--coverage', '120', '--out', join(work, 'no.json')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('calibrate: coverage 120.0, allowed 50..100');
    expect(existsSync(join(work, 'no.json'))).toBe(false);
    const r3 = runPy(['-m', 'softmax_lut.calibration', npy, '--bits', '40']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('calibrate: bits 40, allowed 2..32');
    const r4 = runPy(['-m', 'softmax_lut.calibration', join(work, 'missing.npy')]);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/^calibrate: .*missing\.npy/);
  });
});
