/**
 * softmax_lut.torch, run with Debian's python3, python3-numpy and python3-torch (CPU; .ci/run installs
 * them through scripts/setup.sh; without them these tests fail with the install hint, they never
 * skip): bit-exact with the testbench vectors and with the NumPy emulator on every committed block,
 * batched, with masks; the straight-through gradient; the attention drop-in; its errors.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../generator/core/version.js';
import { SYSTEM_PYTHON } from './helpers.js';

/** SYSTEM_PYTHON, with NumPy and torch. */
function python(): string {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import numpy, torch'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${SYSTEM_PYTHON} with NumPy and torch is required: apt-get install python3-numpy python3-torch (scripts/setup.sh does it)\n${r.stderr ?? r.error}`);
  return SYSTEM_PYTHON;
}

function runPy(args: string[], input?: string) {
  const r = spawnSync(python(), args, { encoding: 'utf8', env: { ...process.env, PYTHONPATH: join(ROOT, 'python') }, input, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Python source run with softmax_lut importable; its stdout parsed as JSON. */
function pyJson(src: string): unknown {
  const r = runPy(['-'], src);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const BLOCKS = readdirSync(join(ROOT, 'generated')).sort();

describe('softmax_lut.torch', () => {
  it('is bit-exact with every committed block\'s testbench vectors (stream rows with their masks)', () => {
    const r = runPy(['-m', 'softmax_lut.check', '--torch', ...BLOCKS.map((n) => join(ROOT, 'generated', n))]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(BLOCKS.length);
    lines.forEach((l, i) => expect(l).toMatch(new RegExp(`^${BLOCKS[i]}: ok, bit-exact on \\d+ (vectors|rows).*, softmax_lut\\.torch$`)));
  });

  it('fails the check on a block with one exponent entry changed', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'slt-torch-')), 'softmax_default');
    cpSync(join(ROOT, 'generated', 'softmax_default'), dir, { recursive: true });
    const f = join(dir, 'emulator.json');
    const doc = JSON.parse(readFileSync(f, 'utf8'));
    doc.exp.table[3] += 1;
    writeFileSync(f, JSON.stringify(doc));
    const r = runPy(['-m', 'softmax_lut.check', '--torch', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^softmax_default: MISMATCH, \d+ codes differ \(512 vectors of 8, softmax_lut\.torch\)/);
  });

  it('equals the NumPy emulator on every committed block: batched codes, corner rows, random masks', () => {
    const out = pyJson(`
import glob, json, os, numpy as np, torch, softmax_lut, softmax_lut.torch as slt
rng = np.random.default_rng(7)
res = {}
for d in sorted(glob.glob(${JSON.stringify(join(ROOT, 'generated'))} + '/*')):
    b = softmax_lut.load(d)
    lo, hi = -(1 << (b.in_width - 1)), (1 << (b.in_width - 1)) - 1
    if b.arch == 'parallel':
        x = rng.integers(lo, hi + 1, size=(2, 7, b.n))
        x[0, 0], x[0, 1], x[0, 2] = lo, hi, 0
        x[0, 3, ::2] = lo
        want, got = b(x), slt.codes(b, torch.from_numpy(x)).numpy()
    else:
        L = min(b.max_n, 192)
        x = rng.integers(lo, hi + 1, size=(3, 5, L))
        k = rng.random((3, 5, L)) < 0.6
        k[0, 0], k[0, 1] = False, True
        x[0, 2] = lo
        want, got = b(x, keep=k), slt.codes(b, torch.from_numpy(x), torch.from_numpy(k)).numpy()
    res[os.path.basename(d)] = [int(got.size), int((want != got).sum()), str(got.dtype)]
print(json.dumps(res))
`) as Record<string, [number, number, string]>;
    expect(Object.keys(out)).toEqual(BLOCKS);
    for (const [name, [size, bad, dtype]] of Object.entries(out)) {
      expect(bad, name).toBe(0);
      expect(size, name).toBeGreaterThan(60);
      expect(dtype, name).toBe('int64');
    }
  });

  it('softmax: the block\'s probabilities forward, the float softmax\'s gradient backward; masked elements 0', () => {
    const out = pyJson(`
import json, numpy as np, torch, softmax_lut, softmax_lut.torch as slt
b = softmax_lut.load(${JSON.stringify(join(ROOT, 'generated', 'softmax_attention_p8_n2048'))})
torch.manual_seed(3)
s = (torch.randn(2, 3, 9, 9) * 4).requires_grad_()
keep = torch.ones(9, 9, dtype=torch.bool).tril()
keep[0, 0] = False   # a row with none kept
p = slt.softmax(b, s, mask=keep)
# the forward value: the NumPy emulator's probabilities of the same scores
ref = b.softmax(s.detach().numpy() / b.in_scale, keep=np.broadcast_to(keep.numpy(), s.shape))
fwd = float(np.abs(p.detach().numpy() - ref).max())
w = torch.randn(2, 3, 9, 9)
(p * w).sum().backward()
g = s.grad.clone()
s2 = s.detach().clone().requires_grad_()
f = torch.softmax(s2.masked_fill(~keep, float('-inf')), dim=-1)
f = torch.where(keep.any(-1, keepdim=True), f, torch.zeros_like(f))
(f * w).sum().backward()
bwd = float((g - torch.nan_to_num(s2.grad)).abs().max())
masked = float(p.detach()[..., ~keep].abs().max())
const = slt.softmax(b, s, mask=keep, straight_through=False)
print(json.dumps({'fwd': fwd, 'bwd': bwd, 'masked': masked, 'gradNorm': float(g.abs().sum()), 'dtype': str(p.dtype), 'constGrad': const.requires_grad, 'row0': float(p.detach()[0, 0, 0].abs().sum())}))
`) as Record<string, number | string | boolean>;
    expect(out.fwd).toBe(0);
    expect(out.bwd).toBe(0);
    expect(out.masked).toBe(0);
    expect(out.row0).toBe(0);
    expect(out.gradNorm).toBeGreaterThan(0);
    expect(out.dtype).toBe('torch.float32');
    expect(out.constGrad).toBe(false);
  });

  it('scaled_dot_product_attention: the block\'s weights times v, causal and with a boolean mask; a module; fine-tuning steps run', () => {
    const out = pyJson(`
import json, math, numpy as np, torch, softmax_lut, softmax_lut.torch as slt
b = softmax_lut.load(${JSON.stringify(join(ROOT, 'generated', 'softmax_attention_p8_n2048'))})
torch.manual_seed(5)
q, k, v = (torch.randn(2, 4, 12, 16) for _ in range(3))
o = slt.scaled_dot_product_attention(q, k, v, b, is_causal=True)
s = (q @ k.transpose(-2, -1)) / math.sqrt(16)
causal = torch.ones(12, 12, dtype=torch.bool).tril()
w = torch.from_numpy(b.softmax(s.numpy() / b.in_scale, keep=np.broadcast_to(causal.numpy(), s.shape))).float()
d1 = float((o - w @ v).abs().max())
m = torch.rand(2, 1, 12, 12) < 0.8
o2 = slt.scaled_dot_product_attention(q, k, v, b, attn_mask=m, is_causal=True)
w2 = torch.from_numpy(b.softmax(s.numpy() / b.in_scale, keep=np.broadcast_to((m & causal).numpy(), s.shape))).float()
d2 = float((o2 - w2 @ v).abs().max())
mod = slt.Softmax(b)
d3 = float((mod(s, causal) - slt.softmax(b, s, causal)).abs().max())
# a few steps of fine-tuning through the block: the loss is finite and the weights move
lin = torch.nn.Linear(16, 16)
opt = torch.optim.SGD(lin.parameters(), lr=0.1)
before = lin.weight.detach().clone()
losses = []
for _ in range(3):
    qq = lin(q)
    y = slt.scaled_dot_product_attention(qq, k, v, b, is_causal=True)
    loss = (y - v).pow(2).mean()
    opt.zero_grad(); loss.backward(); opt.step()
    losses.append(float(loss))
err = ''
try:
    slt.scaled_dot_product_attention(q, k, v, b, attn_mask=torch.zeros(12, 12))
except TypeError as e:
    err = str(e)
print(json.dumps({'d1': d1, 'd2': d2, 'd3': d3, 'finite': all(math.isfinite(x) for x in losses), 'moved': float((lin.weight.detach() - before).abs().max()), 'err': err, 'repr': repr(mod)}))
`) as Record<string, number | string | boolean>;
    expect(out.d1).toBeLessThan(1e-5);
    expect(out.d2).toBeLessThan(1e-5);
    expect(out.d3).toBe(0);
    expect(out.finite).toBe(true);
    expect(out.moved).toBeGreaterThan(0);
    expect(out.err).toContain('attn_mask: a boolean mask');
    expect(out.repr).toBe('Softmax(softmax_attention_p8_n2048, straight_through=True)');
  });

  it("the README's example runs", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const m = /### In PyTorch[\s\S]*?```python\n([\s\S]*?)```/.exec(readme);
    expect(m).not.toBeNull();
    const r = runPy(['-'], `import os\nos.chdir(${JSON.stringify(ROOT)})\n${m![1]}\nprint(tuple(p.shape), tuple(out.shape), y.tolist())\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('(2, 4, 16, 16) (2, 4, 16, 32) [[8, 248, 0]]');
  });

  it('errors: real numbers as codes, a mask for a parallel block, codes out of range, a row too long', () => {
    const out = pyJson(`
import json, torch, softmax_lut, softmax_lut.torch as slt
par = softmax_lut.load(${JSON.stringify(join(ROOT, 'generated', 'softmax_default'))})
st = softmax_lut.load(${JSON.stringify(join(ROOT, 'generated', 'softmax_softermax_stream_p4_n256'))})
def err(f):
    try:
        f()
    except (TypeError, ValueError) as e:
        return type(e).__name__ + ': ' + str(e)
    return 'no error'
print(json.dumps([
    err(lambda: slt.codes(par, torch.zeros(8))),
    err(lambda: slt.codes(par, torch.zeros(8, dtype=torch.int64), torch.ones(8, dtype=torch.bool))),
    err(lambda: slt.codes(par, torch.full((8,), 128))),
    err(lambda: slt.codes(st, torch.zeros(300, dtype=torch.int64))),
    err(lambda: slt.codes(par, torch.zeros(7, dtype=torch.int64))),
]))
`) as string[];
    expect(out).toEqual([
      'TypeError: softmax_default: codes must be integers (use softmax() for real scores)',
      'ValueError: softmax_default: a parallel block has no keep mask',
      'ValueError: softmax_default: input codes must lie in -128..127 (8-bit signed)',
      'ValueError: softmax_softermax_stream_p4_n256: rows of 1..256 elements expected, got 300',
      'ValueError: softmax_default: codes of shape (..., 8) expected, got (7,)',
    ]);
  });
});
