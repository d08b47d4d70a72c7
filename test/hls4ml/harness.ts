/**
 * hls4ml's own softmax, as the reference of the hls4ml baselines: nnet::softmax from the hls4ml package
 * that scripts/setup.sh installs, pinned, into .venv (scripts/requirements.txt), compiled with g++ against
 * the ap_types headers it ships, as hls4ml's own C simulation compiles it. Nothing of hls4ml is copied
 * here: the program below is ours, and includes the installed headers.
 *
 * A configuration is written as hls4ml's Vivado softmax config template writes one (the struct's fields);
 * the program reads vectors of input codes on stdin and prints the output codes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../generator/core/version.js';
import { requireTool } from '../../generator/evidence/runner.js';

/** The fields of hls4ml's softmax config struct (ap types as C++ type names). */
export interface Hls4mlSoftmax {
  n: number;
  /** The input and output types, e.g. ap_fixed<8,4> and ap_ufixed<8,0>. */
  input: string;
  result: string;
  implementation: 'stable' | 'latency';
  expTableSize: number;
  invTableSize: number;
  expTable: string;
  invTable: string;
  accum: string;
  invInp: string;
  /** Only read by the stable implementation. */
  inpNorm: string;
  expScale?: number;
}

const VENV_PYTHON = join(ROOT, '.venv', 'bin', 'python');

let templates: string | undefined;

/** hls4ml's Vivado templates folder (nnet_utils/, ap_types/) in .venv (looked up once); throws how to install it when missing. */
export function hls4mlTemplates(): string {
  if (templates) return templates;
  const how = 'hls4ml is not installed in .venv: run bash scripts/setup.sh (it installs scripts/requirements.txt)';
  if (!existsSync(VENV_PYTHON)) throw new Error(how);
  // find_spec locates the package without importing it
  const r = spawnSync(VENV_PYTHON, ['-c', 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("hls4ml").origin))'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${how}\n${r.stderr}`);
  const dir = join(r.stdout.trim(), 'templates', 'vivado');
  if (!existsSync(join(dir, 'nnet_utils', 'nnet_activation.h'))) throw new Error(`${how}: no nnet_utils/nnet_activation.h under ${dir}`);
  templates = dir;
  return dir;
}

/** The installed hls4ml version, as pip reports it. */
export function hls4mlVersion(): string {
  const r = spawnSync(VENV_PYTHON, ['-c', 'import importlib.metadata as m; print(m.version("hls4ml"))'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

/** The C++ program for one configuration. */
export function harnessSource(c: Hls4mlSoftmax): string {
  return `// softmax-lut: hls4ml's nnet::softmax on vectors of input codes from stdin (test/hls4ml/harness.ts)
#include <cstdio>
#include "nnet_utils/nnet_activation.h"

typedef ${c.input} input_t;
typedef ${c.result} result_t;

struct softmax_config : nnet::activ_config {
    static const unsigned n_in = ${c.n};
    static const unsigned n_slice = ${c.n};
    static const unsigned n_outer = 1;
    static const unsigned n_inner = 1;
    static const int parallelization_factor = -1;
    static const unsigned exp_table_size = ${c.expTableSize};
    static const unsigned inv_table_size = ${c.invTableSize};
    static const unsigned io_type = nnet::io_parallel;
    static const unsigned reuse_factor = 1;
    static const unsigned axis = -1;
    static const nnet::softmax_implementation implementation = nnet::softmax_implementation::${c.implementation};
    static constexpr float exp_scale = ${(c.expScale ?? 1).toFixed(6)};
    typedef ${c.expTable} exp_table_t;
    typedef ${c.invTable} inv_table_t;
    typedef ${c.accum} accum_t;
    typedef ${c.invInp} inv_inp_t;
    typedef ${c.inpNorm} inp_norm_t;
};

int main() {
    unsigned count = 0;
    if (scanf("%u", &count) != 1) return 2;
    input_t x[${c.n}];
    result_t y[${c.n}];
    for (unsigned v = 0; v < count; v++) {
        for (unsigned i = 0; i < ${c.n}; i++) {
            long long code;
            if (scanf("%lld", &code) != 1) return 2;
            x[i].range() = code; // the code's two's complement bits
        }
        nnet::softmax<input_t, result_t, softmax_config>(x, y);
        for (unsigned i = 0; i < ${c.n}; i++) printf(i ? " %llu" : "%llu", (unsigned long long)y[i].range().to_uint64());
        printf("\\n");
    }
    return 0;
}
`;
}

/** Compile (once per configuration, cached in the system's temporary folder) and return the binary's path. */
export function compileHarness(c: Hls4mlSoftmax): string {
  const gxx = requireTool('g++', 'g++');
  const tpl = hls4mlTemplates();
  const src = harnessSource(c);
  const key = createHash('sha256').update(src).update(tpl).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `softmax-lut-hls4ml-${key}`);
  const bin = join(dir, 'softmax');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'softmax.cpp'), src);
  const r = spawnSync(gxx, ['-std=c++17', '-O2', '-w', `-I${tpl}`, `-I${join(tpl, 'ap_types')}`, '-o', bin + '.tmp', join(dir, 'softmax.cpp')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`g++ failed on hls4ml's softmax:\n${r.stderr}`);
  renameSync(bin + '.tmp', bin);
  return bin;
}

/** hls4ml's output codes for vectors of n input codes. */
export function runHls4ml(c: Hls4mlSoftmax, vectors: number[][]): number[][] {
  const bin = compileHarness(c);
  for (const v of vectors) if (v.length !== c.n) throw new Error(`runHls4ml: a vector of ${v.length} codes, not ${c.n}`);
  const input = `${vectors.length}\n${vectors.map((v) => v.join(' ')).join('\n')}\n`;
  const r = spawnSync(bin, [], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`hls4ml's softmax exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  if (lines.length !== vectors.length) throw new Error(`hls4ml's softmax printed ${lines.length} lines for ${vectors.length} vectors`);
  return lines.map((l) => l.split(' ').map(Number));
}
