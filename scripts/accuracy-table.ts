/**
 * The README's accuracy table and Pareto plot, measured in one run with the bit-exact golden model
 * over the workload set (generator/evidence/workloads.ts) on the default formats (8-bit input with 4 fraction
 * bits, 8-bit output with 8):
 * - every method x addressing with default parameters, the paper's two, ours and the baselines
 *   (hls4ml-like, exact, I-BERT, Softermax), for n = 8, 64 and 512;
 * - for n = 64, the committed presets best700_n64 (the rexp normalized tables of at most 700 B with the smallest error bound) and paper_linear_n64;
 * - the Pareto plot of the full `explore` sweep for n = 64 (docs/pareto_n64.svg, with --write).
 *
 *   npm run table            print the table
 *   npm run table -- --write also replace the table in README.md and regenerate docs/pareto_n64.svg
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../generator/config/config.js';
import { evaluate, prepare } from '../generator/evidence/evaluate.js';
import { adversarialWorkload } from '../generator/evidence/adversarial.js';
import { errorBound } from '../generator/numerics/bound.js';
import { ROOT } from '../generator/core/version.js';
import { METHODS } from '../generator/numerics/methods/index.js';
import { describeParams, sweepSpace } from '../generator/explore/explore.js';
import { loadConfig } from '../generator/cli/flow.js';
import { workloadSet, WORKLOAD_DEFAULTS } from '../generator/evidence/workloads.js';
import { replaceSection, section } from './readme-section.js';
import { makePlan } from '../generator/hardware/plan.js';

const BEGIN = '<!-- accuracy-table:begin (npm run table -- --write) -->';
const END = '<!-- accuracy-table:end -->';
export const PARETO_SVG = 'docs/pareto_n64.svg';
const INPUT = { width: 8, frac: 4 };
const OUTPUT = { width: 8, frac: 8 };

export function accuracyTable(): string {
  const rows = [
    '| method | addressing | parameters | n | table bytes | error bound (LSB) | worst found (LSB) | max err, workload set (LSB) | max err, model attention (LSB) | mean err (LSB) | mean signed err (LSB) | RMS err (LSB) | KL mean (nats) | argmax agree | worst abs(sum-1) | latency |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const n of [8, 64, 512]) {
    const set = prepare(workloadSet(n, INPUT), n, INPUT.frac);
    const configs = METHODS.flatMap((m) =>
      m.addressings.map((addressing) => validateConfig({ name: 't', n, input: INPUT, output: OUTPUT, method: { name: m.name, addressing } })),
    );
    if (n === 64) for (const p of ['best700_n64', 'paper_linear_n64']) configs.push(loadConfig(join(ROOT, 'presets', `${p}.json`)));
    for (const c of configs) {
      const p = makePlan(c);
      // the workload set's figures, and the worst found with the block's adversarial vectors too
      const ev = evaluate(p, set);
      const a = ev.overall;
      const model = ev.perWorkload.find((w) => w.name === 'model-attention')!.metrics;
      const worst = Math.max(a.maxErrLsb, evaluate(p, prepare([adversarialWorkload(p, [n])], n, INPUT.frac)).overall.maxErrLsb);
      const params = (c.name === 't' ? 'defaults: ' : `preset ${c.name}: `) + (describeParams(p.mp.params) || 'fixed');
      rows.push(
        `| ${c.method.name} | ${c.method.addressing} | ${params} | ${n} | ${p.lutBytes} | ${errorBound(p).lsb.toFixed(3)} | ${worst.toFixed(3)} | ${a.maxErrLsb.toFixed(3)} | ${model.maxErrLsb.toFixed(3)} | ${a.meanErrLsb.toFixed(3)} | ${a.meanSignedErrLsb.toFixed(3)} | ` +
          `${a.rmsErrLsb.toFixed(3)} | ${a.klMean.toExponential(2)} | ${(a.argmaxAgreement * 100).toFixed(2)} % | ${a.worstSumErr.toFixed(4)} | ${p.latency} |`,
      );
    }
  }
  rows.push('');
  rows.push(
    'Error bound: holds for every input (generator/numerics/bound.ts, README "The error bound"). Worst found: the largest error over the workload set and ' +
      "the block's adversarial vectors (generator/evidence/adversarial.ts). The other columns: " +
      `measured over the workload set: for each n, the corner cases plus ${WORKLOAD_DEFAULTS.perWorkload} seeded vectors each of ` +
      `uniform, Gaussian σ = 0.5, 1, 2, 4 (real units), attention-like and near-tie logits, and ${WORKLOAD_DEFAULTS.perWorkload} model attention rows ` +
      `(seed ${WORKLOAD_DEFAULTS.seed}; generator/evidence/workloads.ts). Errors are against the float softmax of the same quantised ` +
      'inputs, saturated at the largest code; 0.5 LSB is the best any block can reach. Mean signed err: the mean of y - y_ref, ' +
      'the bias (positive: the outputs sum to more than 1). KL: KL(p || q), q = output codes floored at ' +
      'half an LSB and renormalised. Table bytes of hls4ml-like count the entries its RTL can reach; hls4ml itself stores 2 x 1024 x 18 bits = 4608 B ' +
      '(top-bits, the tuned configuration) or (128 + 256) x 18 bits = 864 B (default, hls4ml\'s own defaults for an 8-bit input). Both are bit-exact with hls4ml 1.3.0 (test/hls4ml.test.ts).',
  );
  return rows.join('\n');
}

export function readmeSection(readme: string): string | null {
  return section(readme, BEGIN, END);
}

async function writePareto(): Promise<void> {
  const { runSweep, progressLine } = await import('../generator/explore/run.js');
  const { paretoSpec, renderSvg } = await import('../generator/report/plots.js');
  const { scatterPoints, frontTable, frontHeading } = await import('../generator/cli/commands/explore.js');
  const f = { n: 64, input: INPUT, output: OUTPUT };
  const r = await runSweep(f, sweepSpace(f), { onProgress: progressLine('pareto n=64') });
  console.log(`pareto: ${r.configs} configurations in ${r.seconds.toFixed(1)} s\n${frontHeading(r.front.length)}\n${frontTable(r.front)}`);
  const svg = await renderSvg(
    paretoSpec(scatterPoints(r.rows), `error bound and worst found vs table bytes: ${r.rows.length} configurations, n = 64, 8-bit in and out`),
  );
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(join(ROOT, PARETO_SVG), svg + '\n');
  console.log(`${PARETO_SVG} written`);
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  const table = accuracyTable();
  console.log(table);
  if (process.argv.includes('--write')) {
    replaceSection(join(ROOT, 'README.md'), BEGIN, END, table);
    console.log('README.md updated');
    await writePareto();
  }
}
