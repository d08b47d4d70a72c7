/**
 * The README's table of the default rexp normalized block (8-bit input with 4 fraction bits, 8-bit
 * output with 8) at several lengths: the error bound (generator/numerics/bound.ts), the worst error found over
 * the workload set plus the block's adversarial vectors, and the table bytes. It also checks the
 * promise behind the defaults: the bound is at most 1.0 LSB at every n from 2 to 8192. With fixed
 * tables the bound can only grow with n (vectors of up to n elements are among those of up to n + 1),
 * and the default tables change only where ceil(log2 n) does, so the powers of two 2..8192 cover
 * every n in between.
 *
 *   npx tsx scripts/bound-table.ts            print the table and the check
 *   npx tsx scripts/bound-table.ts --write    also replace the table in README.md
 */
import { join } from 'node:path';
import { validateConfig } from '../generator/config/config.js';
import { errorBound } from '../generator/numerics/bound.js';
import { evaluateWithAdversarial, prepare } from '../generator/evidence/evaluate.js';
import { ROOT } from '../generator/core/version.js';
import { adversarialLengths } from '../generator/evidence/adversarial.js';
import { workloadSet } from '../generator/evidence/workloads.js';
import { replaceSection, section } from './readme-section.js';
import { makePlan } from '../generator/hardware/plan.js';
import type { Config } from '../generator/numerics/types.js';

const BEGIN = '<!-- bound-table:begin (npx tsx scripts/bound-table.ts --write) -->';
const END = '<!-- bound-table:end -->';
const INPUT = { width: 8, frac: 4 };
const OUTPUT = { width: 8, frac: 8 };
/** Random vectors per workload in this table (the rows reach 8192 elements). */
export const BOUND_TABLE_VECTORS = 64;
export const DEFAULT_TARGET = 1.0;

/** The default rexp normalized block for 8-bit input and output: parallel for n <= 1024, else stream (4 lanes). */
export function defaultBlock(n: number, arch: 'parallel' | 'stream' = n <= 1024 ? 'parallel' : 'stream'): Config {
  const shape = arch === 'parallel' ? { n } : { arch, stream: { lanes: 4, maxN: n } };
  return validateConfig({ name: 'softmax_default', ...shape, input: INPUT, output: OUTPUT, method: { name: 'rexp', addressing: 'normalized' } });
}

/** The bound of the default block at every power of two 2..8192. */
export function defaultBounds(): { n: number; expWidth: number; bound: number; bytes: number }[] {
  const out = [];
  for (let n = 2; n <= 8192; n *= 2) {
    const p = makePlan(defaultBlock(n));
    out.push({ n, expWidth: p.mp.params.expWidth!, bound: errorBound(p).lsb, bytes: p.lutBytes });
  }
  return out;
}

export function boundTable(): string {
  const rows = [
    '| arch | n (stream: maxN) | expWidth | table bytes | error bound (LSB) | worst found (LSB) | worst / bound | found by |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const cases: [number, 'parallel' | 'stream'][] = [
    [8, 'parallel'],
    [64, 'parallel'],
    [1024, 'parallel'],
    [1024, 'stream'],
    [4096, 'stream'],
    [8192, 'stream'],
  ];
  for (const [n, arch] of cases) {
    const p = makePlan(defaultBlock(n, arch));
    const b = errorBound(p).lsb;
    const set = prepare(workloadSet(n, INPUT, BOUND_TABLE_VECTORS), n, INPUT.frac);
    const ev = evaluateWithAdversarial(p, set, arch === 'stream' ? adversarialLengths(p) : [n]);
    const worst = ev.overall.maxErrLsb;
    const by = [...ev.perWorkload].sort((a, c) => c.metrics.maxErrLsb - a.metrics.maxErrLsb)[0]!.name;
    rows.push(`| ${arch} | ${n} | ${p.mp.params.expWidth} | ${p.lutBytes} | ${b.toFixed(4)} | ${worst.toFixed(4)} | ${(worst / b).toFixed(3)} | ${by} |`);
  }
  const all = defaultBounds();
  const worstN = all.reduce((a, r) => (r.bound > a.bound ? r : a));
  rows.push('');
  rows.push(
    `Default rexp normalized block, 8-bit input (4 fraction bits), 8-bit output (8 fraction bits): recipAddrBits 9, recipWidth 10, ` +
      `expWidth = 8 + ceil(log2 n) + 2. Worst found: the largest error over the workload set (${BOUND_TABLE_VECTORS} vectors per workload, seed 1) ` +
      `and the block's adversarial vectors (generator/evidence/adversarial.ts; stream rows also at shorter lengths). ` +
      `Bound at every power of two from 2 to 8192 (which covers every n in between): ` +
      all.map((r) => `${r.n}: ${r.bound}`).join(', ') +
      `; the largest is ${worstN.bound} LSB at n = ${worstN.n}${worstN.bound <= DEFAULT_TARGET ? `, within the ${DEFAULT_TARGET} LSB target` : `, ABOVE the ${DEFAULT_TARGET} LSB target`}.`,
  );
  return rows.join('\n');
}

export function readmeBoundSection(readme: string): string | null {
  return section(readme, BEGIN, END);
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  const table = boundTable();
  console.log(table);
  if (process.argv.includes('--write')) {
    replaceSection(join(ROOT, 'README.md'), BEGIN, END, table);
    console.log('README.md updated');
  }
}
