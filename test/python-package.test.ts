/**
 * The Python package (issue 23): `pip install ./python` into a fresh virtual environment (setuptools to
 * build it and NumPy from PyPI, as a user's pip would fetch them), then the installed package, not the
 * source tree, imports with NumPy alone and is bit-exact on committed blocks; its wheel builds; its
 * version is package.json's. Needs Debian's python3 with venv (scripts/setup.sh installs it) and PyPI.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';
import { run } from '../generator/evidence/runner.js';
import { SYSTEM_PYTHON } from './helpers.js';

const PY = SYSTEM_PYTHON;
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A copy of python/ without the experiment (pip builds in its source folder: not in the repository). */
function source(work: string): string {
  const src = join(work, 'src');
  cpSync(join(ROOT, 'python'), src, { recursive: true, filter: (f) => !/(experiments|__pycache__|\.egg-info|[/\\]build)$/.test(f) });
  return src;
}

function ok(r: ReturnType<typeof run>, what: string): string {
  expect(r.status, `${what}\n${r.stdout}${r.stderr}${r.error ?? ''}`).toBe(0);
  return r.stdout;
}

describe('the Python package (pip install ./python)', () => {
  it("pyproject.toml and softmax_lut.__version__ give package.json's version", () => {
    const toml = readFileSync(join(ROOT, 'python', 'pyproject.toml'), 'utf8');
    const project = toml.slice(toml.indexOf('[project]'));
    expect(project.match(/^version = "([^"]+)"$/m)?.[1]).toBe(VERSION);
    expect(readFileSync(join(ROOT, 'python', 'softmax_lut', '__init__.py'), 'utf8').match(/^__version__ = "([^"]+)"$/m)?.[1]).toBe(VERSION);
  });

  it('installs into a fresh virtual environment, imports without torch, and the installed copy is bit-exact', () => {
    const work = mkdtempSync(join(tmpdir(), 'softmax-lut-pip-'));
    const src = source(work);
    ok(run(PY, ['-m', 'venv', join(work, 'v')], work, 120_000), `${PY} -m venv (Debian: apt-get install python3-venv; scripts/setup.sh does it)`);
    const vpy = join(work, 'v', 'bin', 'python');
    ok(run(vpy, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', src], work, 600_000), 'pip install ./python');
    // run from the temporary folder: the installed package, not python/ of the repository
    const out = ok(run(vpy, ['-c', "import sys, softmax_lut; assert 'torch' not in sys.modules, 'torch imported'; print(softmax_lut.__file__); print(softmax_lut.__version__)"], work, 60_000), 'import softmax_lut');
    const [file, version] = out.trim().split('\n');
    expect(file).toContain(join(work, 'v'));
    expect(version).toBe(VERSION);
    const blocks = ['softmax_default', 'softmax_attention_p8_n2048'];
    const check = ok(run(vpy, ['-m', 'softmax_lut.check', ...blocks.map((b) => join(ROOT, 'generated', b))], work, 300_000), 'python -m softmax_lut.check');
    expect(check.trim().split('\n').map((l) => l.split(':')[0])).toEqual(blocks);
    for (const l of check.trim().split('\n')) expect(l).toMatch(/: ok, bit-exact on \d+ (vectors|rows)/);
    // the calibration command, installed as a console script; calibrate() without torch
    const help = ok(run(join(work, 'v', 'bin', 'softmax-lut-calibrate'), ['--help'], work, 60_000), 'softmax-lut-calibrate --help');
    expect(help).toMatch(/^usage: softmax-lut-calibrate /);
    const cal = ok(run(vpy, ['-c', "import sys, numpy as np, softmax_lut; c = softmax_lut.calibrate(np.arange(12.0).reshape(3, 4)); assert 'torch' not in sys.modules; print(c.input)"], work, 60_000), 'softmax_lut.calibrate');
    // |score| at 99.99 % of 0..11: 10.9989, on 127 codes
    expect(cal.trim()).toBe("{'type': 'int8', 'scale': 0.086606}");
  });

  it('builds a wheel with the emulator and its methods, without the experiment', () => {
    const work = mkdtempSync(join(tmpdir(), 'softmax-lut-wheel-'));
    const src = source(work);
    ok(run(join(ROOT, '.venv', 'bin', 'python'), ['-m', 'pip', 'wheel', '--disable-pip-version-check', '--no-input', '-q', '--no-deps', '-w', join(work, 'dist'), src], work, 600_000), 'pip wheel ./python (.venv: bash scripts/setup.sh)');
    const wheels = readdirSync(join(work, 'dist'));
    expect(wheels).toEqual([`softmax_lut-${VERSION}-py3-none-any.whl`]);
    const list = ok(run(PY, ['-m', 'zipfile', '-l', join(work, 'dist', wheels[0]!)], work, 60_000), 'zipfile -l');
    expect(list).toContain('softmax_lut/__init__.py');
    expect(list).toContain('softmax_lut/methods/rexp.py');
    expect(list).toContain('softmax_lut/torch.py');
    expect(list).toContain('softmax_lut/testbench.py');
    expect(list).not.toContain('experiments');
    // the torch extra, and NumPy the one requirement outside it
    const meta = ok(run(PY, ['-c', `import zipfile; print(zipfile.ZipFile(${JSON.stringify(join(work, 'dist', wheels[0]!))}).read('softmax_lut-${VERSION}.dist-info/METADATA').decode())`], work, 60_000), 'METADATA');
    expect(meta.split('\n').filter((l) => l.startsWith('Requires-Dist:'))).toEqual(['Requires-Dist: numpy>=1.22', 'Requires-Dist: torch>=1.13; extra == "torch"', 'Requires-Dist: cocotb>=2.0; extra == "cocotb"']);
  });
});
