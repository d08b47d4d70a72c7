/**
 * The README's accuracy table: every method x addressing with its default parameters, on the default
 * formats (8-bit input with 4 fraction bits, 8-bit output with 8), for n = 8 and n = 64, measured
 * with the golden model (bit-exact with the RTL) over the same seeded vector set.
 *
 *   npm run table            print the table
 *   npm run table -- --write also replace the table in README.md
 */
import { join } from 'node:path';
import { validateConfig } from '../generator/config.js';
import { accuracy } from '../generator/metrics.js';
import { makePlan } from '../generator/plan.js';
import { ROOT } from '../generator/version.js';
import { METHODS } from '../generator/methods/index.js';
import { vectorSet } from '../testbench/vectors.js';
import { replaceSection, section } from './readme-section.js';

export const TABLE_VECTORS = 4096;
export const TABLE_SEED = 1;
const BEGIN = '<!-- accuracy-table:begin (npm run table -- --write) -->';
const END = '<!-- accuracy-table:end -->';

export function accuracyTable(): string {
  const rows = [
    '| method | addressing | n | table bytes | tables | max err (LSB) | mean err (LSB) | argmax agree | worst abs(sum-1) | latency |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const n of [8, 64]) {
    const input = { width: 8, frac: 4 };
    const vectors = vectorSet(n, input, TABLE_VECTORS, TABLE_SEED);
    for (const m of METHODS) {
      for (const addressing of m.addressings) {
        const p = makePlan(validateConfig({ name: 't', n, input, output: { width: 8, frac: 8 }, method: { name: m.name, addressing } }));
        const a = accuracy(p, vectors);
        const tables = p.luts.map((l) => `${l.name} ${l.entries}x${l.width}b`).join(', ');
        rows.push(
          `| ${m.name} | ${addressing} | ${n} | ${p.lutBytes} | ${tables} | ${a.maxErrLsb.toFixed(3)} | ${a.meanErrLsb.toFixed(3)} | ` +
            `${(a.argmaxAgreement * 100).toFixed(2)} % | ${a.worstSumErr.toFixed(4)} | ${p.latency} |`,
        );
      }
    }
  }
  rows.push('');
  rows.push(
    `Measured over ${TABLE_VECTORS} vectors per n (every corner case, then seeded random vectors from uniform, Gaussian ` +
      `σ = 0.5, 1, 2, 4, attention-like and near-tie distributions; seed ${TABLE_SEED}). Errors are against the float ` +
      'softmax of the same quantised inputs, saturated at the largest code; 0.5 LSB is the best any block can reach.',
  );
  return rows.join('\n');
}

export function readmeSection(readme: string): string | null {
  return section(readme, BEGIN, END);
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  const table = accuracyTable();
  console.log(table);
  if (process.argv.includes('--write')) {
    replaceSection(join(ROOT, 'README.md'), BEGIN, END, table);
    console.log('README.md updated');
  }
}
