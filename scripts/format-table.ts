/**
 * The README's format table (issue 11): blocks for 8-, 12- and 16-bit formats, with the error bound
 * (generator/numerics/bound.ts: joint where affordable, else split), the worst error found over the workload
 * set plus the block's adversarial vectors, and the table bytes, each distinct table counted once as
 * the manifest counts them.
 *
 *   npx tsx scripts/format-table.ts            print the table
 *   npx tsx scripts/format-table.ts --write    also replace it in README.md
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

const BEGIN = '<!-- format-table:begin (npx tsx scripts/format-table.ts --write) -->';
const END = '<!-- format-table:end -->';
/** Random vectors per workload (seed 1). */
const VECTORS = 64;

interface Row {
  label: string;
  raw: Record<string, unknown>;
}

const i8 = { width: 8, frac: 4 };
const o8 = { width: 8, frac: 8 };
const rows: Row[] = [
  { label: '8/8', raw: { n: 64, input: i8, output: o8, method: { name: 'rexp' } } },
  { label: '8/8, correct', raw: { n: 64, input: i8, output: { ...o8, rounding: 'correct' }, method: { name: 'rexp' } } },
  { label: '8/8, correct', raw: { n: 1024, input: i8, output: { ...o8, rounding: 'correct' }, method: { name: 'rexp' } } },
  { label: '8/8, exact divider', raw: { n: 64, input: i8, output: o8, method: { name: 'exact' } } },
  { label: '8/16', raw: { n: 64, input: i8, output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp' } } },
  { label: '12/12', raw: { n: 64, input: { width: 12, frac: 6 }, output: { width: 12, frac: 12 }, method: { name: 'rexp' } } },
  { label: '12/12, correct', raw: { n: 64, input: { width: 12, frac: 6 }, output: { width: 12, frac: 12, rounding: 'correct' }, method: { name: 'rexp' } } },
  { label: '16/16', raw: { n: 64, input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp' } } },
  { label: '16/16, correct', raw: { n: 64, input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>', rounding: 'correct' }, method: { name: 'rexp' } } },
  {
    label: 'attention: int8 x 1/8 -> uint8',
    raw: { arch: 'stream', stream: { lanes: 8, maxN: 2048 }, input: { type: 'int8', scale: 0.125 }, output: { type: 'uint8' }, method: { name: 'rexp' } },
  },
];

function fmt(c: Config): string {
  const i = c.input;
  const o = c.output;
  return `${i.type ?? `${i.width}.${i.frac}`}${i.scale !== undefined ? ` x ${i.scale}` : ''} -> ${o.type ?? `${o.width}.${o.frac}`}`;
}

export function formatTable(progress = (_: string) => {}): string {
  const out = [
    '| format | in -> out | n | method, addressing | exponent | rounding | table bytes | error bound (LSB) | bound kind | worst found (LSB) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const c = validateConfig({ name: 'fmt', ...r.raw });
    progress(`${r.label} n=${c.n}`);
    const p = makePlan(c);
    const b = errorBound(p);
    const set = prepare(workloadSet(c.n, c.input, VECTORS), c.n, c.input.frac, c.input.scale ?? 1);
    const ev = evaluateWithAdversarial(p, set, c.arch === 'stream' ? adversarialLengths(p) : [c.n]);
    const exp = p.mp.expLo ? `reduced, ${p.mp.expShift} low bits` : p.mp.expShift ? `direct, step 2^${p.mp.expShift}` : 'direct';
    out.push(
      `| ${r.label} | ${fmt(c)} | ${c.arch === 'stream' ? `stream P=${c.stream!.lanes}, maxN ` : ''}${c.n} | ${c.method.name}, ${c.method.addressing} | ${exp} | ${c.method.name === 'exact' ? 'correct (divider)' : c.output.rounding} | ${p.lutBytes} | ${b.lsb.toFixed(4)} | ${b.kind} | ${ev.overall.maxErrLsb.toFixed(4)} |`,
    );
  }
  out.push('');
  out.push(
    `In -> out: width.frac, or the type string given. The output LSB is 2^-frac of each row's output. Worst found: the largest error over the workload set ` +
      `(${VECTORS} random vectors per workload, seed 1) and the block's adversarial vectors (generator/evidence/adversarial.ts). Bound kind: "joint" (every entry ` +
      `against every run of the output code) or "split" (quotient error plus the exponent's share), see "The error bound".`,
  );
  return out.join('\n');
}

export function readmeFormatSection(readme: string): string | null {
  return section(readme, BEGIN, END);
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  const table = formatTable((s) => process.stderr.write(`format table: ${s}\n`));
  console.log(table);
  if (process.argv.includes('--write')) {
    replaceSection(join(ROOT, 'README.md'), BEGIN, END, table);
    console.log('README.md updated');
  }
}
