/**
 * The HTML report of a block: one self-contained page (styles and SVG plots inline, no scripts, no
 * network) with the accuracy per workload, the error histogram, the table curves and the block's
 * place on the Pareto front of max error against table bytes. Deterministic: the same config gives
 * the same bytes.
 */
import { evaluateWithAdversarial, HISTOGRAM_BIN, type Metrics } from '../evidence/evaluate.js';
import { errorBound, witnessText } from '../numerics/bound.js';
import { adversarialLengths } from '../evidence/adversarial.js';
import { describeParams, measure, prepareFor, sweepSpace, type Candidate, type Formats } from '../explore/explore.js';
import { runSweep } from '../explore/run.js';
import { OWN_METHODS } from '../numerics/methods/index.js';
import { planTables } from '../numerics/plan.js';
import { histogramSpec, paretoSpec, renderSvg, tableCurveSpec } from './plots.js';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../core/version.js';
import { esc, hardwareHtml, HW_BEGIN, HW_END } from '../measure/synthesis.js';
import { workloadSummary, WORKLOAD_DEFAULTS } from '../evidence/workloads.js';
import { planText } from '../numerics/plan-text.js';
import type { Plan } from '../numerics/types.js';

/** The report's Pareto sweep: every REPORT_STRIDE-th configuration of the full sweep, on a smaller set. */
export const REPORT_STRIDE = 10;
export const REPORT_PARETO_VECTORS = 64;

function metricCells(m: Metrics): string {
  return [
    m.vectors,
    m.maxErrLsb.toFixed(3),
    m.meanErrLsb.toFixed(3),
    m.rmsErrLsb.toFixed(3),
    (m.argmaxAgreement * 100).toFixed(2) + ' %',
    m.klMean.toExponential(2),
    m.worstSumErr.toFixed(4),
  ]
    .map((v) => `<td>${v}</td>`)
    .join('');
}

function stripXmlDecl(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}

export async function renderReport(plan: Plan): Promise<string> {
  const c = plan.common;
  const cfg = c.config;
  const f: Formats = { n: c.n, input: cfg.input, output: cfg.output };
  const lengths = cfg.arch === 'stream' ? adversarialLengths(plan) : [c.n];
  const ev = evaluateWithAdversarial(plan, prepareFor(f), lengths, { histogram: true });
  const bound = errorBound(plan);

  // error histogram
  const bins = [...ev.histogram!.entries()].sort((a, b) => a[0] - b[0]).map(([b, count]) => ({ err: b * HISTOGRAM_BIN, count }));
  const histSvg = await renderSvg(histogramSpec(bins, HISTOGRAM_BIN, `signed error over ${ev.overall.vectors} vectors x ${c.n} outputs`));

  // table curves
  const curves = planTables(plan.mp).flatMap((t) => t.values.map((value, address) => ({ table: `${t.name} (${t.what})`, address, value })));
  const curveSvg = await renderSvg(tableCurveSpec(curves, 'table contents'));

  // place on the Pareto front (coarse sweep of the block methods, the baselines aside, plus this block)
  const own: Candidate = { method: cfg.method.name, addressing: cfg.method.addressing, params: plan.mp.params };
  const cands = sweepSpace(f, OWN_METHODS.map((m) => m.name)).filter((_, i) => i % REPORT_STRIDE === 0);
  const sw = await runSweep(f, cands, { workers: 1, perWorkload: REPORT_PARETO_VECTORS, adversarial: false });
  const ownRow = measure(f, own, prepareFor(f, REPORT_PARETO_VECTORS), { adversarial: false })!;
  const points = sw.rows.map((r) => ({ series: `${r.method} ${r.addressing}`, bytes: r.lutBytes, maxErr: Math.max(0.01, r.metrics.maxErrLsb), bound: Math.max(0.01, r.bound) }));
  const paretoSvg = await renderSvg(
    paretoSpec(
      points,
      `this block among ${sw.rows.length} configurations (n = ${c.n})`,
      {
        series: 'this block',
        bytes: ownRow.lutBytes,
        maxErr: Math.max(0.01, ownRow.metrics.maxErrLsb),
        bound: Math.max(0.01, ownRow.bound),
        label: `${cfg.name}: ${ownRow.lutBytes} B, bound ${ownRow.bound.toFixed(2)} LSB`,
      },
      `max error on the workload set (${REPORT_PARETO_VECTORS} vectors per workload)`,
    ),
  );
  const dominatedBy = sw.front.filter((r) => r.lutBytes <= ownRow.lutBytes && r.bound < ownRow.bound);
  const place = dominatedBy.length
    ? `${dominatedBy.length} configuration(s) of the coarse sweep have no more bytes and a smaller error bound, e.g. ` +
      `${dominatedBy[0]!.method} ${dominatedBy[0]!.addressing} ${describeParams(dominatedBy[0]!.resolved)} ` +
      `(${dominatedBy[0]!.lutBytes} B, bound ${dominatedBy[0]!.bound} LSB).`
    : 'No configuration of the coarse sweep has no more bytes and a smaller error bound: the block is on the front.';

  const rows = ev.perWorkload
    .map((w) => `<tr><th title="${esc(w.description)}">${esc(w.name)}</th>${metricCells(w.metrics)}</tr>`)
    .join('\n');
  const tables = plan.luts.map((l) => `${esc(l.name)} ${l.entries} x ${l.width} b = ${l.bytes} B`).join(', ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(cfg.name)}: accuracy report</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: right; }
th { background: #f2f2f2; }
tr.overall th, tr.overall td { font-weight: bold; background: #e8f0fe; }
pre { background: #f7f7f7; padding: 1em; font-size: 12px; overflow-x: auto; }
.fig { margin: 1em 0; }
</style>
</head>
<body>
<h1>${esc(cfg.name)}</h1>
<p>${esc(GENERATOR_NAME)} ${esc(GENERATOR_VERSION)}: method <b>${esc(cfg.method.name)}</b>, addressing <b>${esc(cfg.method.addressing)}</b>
(${esc(describeParams(plan.mp.params) || 'fixed parameters')}); n = ${c.n}; input ${c.iw} bits (${c.ifrac} fraction), output ${c.ow} bits (${c.ofrac} fraction, LSB = 2^-${c.ofrac});
tables ${tables}, total <b>${plan.lutBytes} B</b>; latency ${plan.latency} cycles.</p>
<h2>Error bound</h2>
<p>For every input vector of 1..${c.n} elements${cfg.arch === 'stream' ? ' (every row and every mask)' : ''}, every output is within
<b>${bound.lsb} LSB</b> of the float softmax of the same codes (saturated at the largest code): proven by the generator from the
block's tables (README, "The error bound"). The worst error found, over the workload set and the block's adversarial vectors
(${esc(lengths.length > 1 ? `rows of ${lengths.slice(0, 6).join(', ')}${lengths.length > 6 ? ', ...' : ''} elements` : `vectors of ${c.n} elements`)}), is
<b>${ev.overall.maxErrLsb.toFixed(4)} LSB</b>, ${(ev.overall.maxErrLsb / bound.lsb * 100).toFixed(1)} % of the bound. The bound is approached by
${esc(witnessText(bound))}.</p>
<h2>Accuracy per workload</h2>
<p>Errors against the float softmax of the same quantised inputs, in output LSBs, computed with the bit-exact golden model
(the RTL is verified bit-exact against it). KL is KL(p || q) in nats, q = output codes floored at half an LSB and renormalised.
${esc(workloadSummary(c.n))}, and the block's adversarial vectors (generator/evidence/adversarial.ts).</p>
<table>
<tr><th>workload</th><th>vectors</th><th>max err</th><th>mean err</th><th>RMS err</th><th>argmax agree</th><th>KL mean</th><th>worst |&Sigma;y-1|</th></tr>
${rows}
<tr class="overall"><th>overall</th>${metricCells(ev.overall)}</tr>
</table>
<h2>Error histogram</h2>
<div class="fig">${stripXmlDecl(histSvg)}</div>
<h2>Table curves</h2>
<div class="fig">${stripXmlDecl(curveSvg)}</div>
<h2>Place on the Pareto front</h2>
<p>Every ${REPORT_STRIDE}th configuration of the block methods (the paper's and ours, not the baselines) from the full <code>explore</code> sweep, measured on
${REPORT_PARETO_VECTORS} vectors per workload (the block too, for this plot): filled marks are error bounds, hollow marks the
max error measured; the black line is the Pareto front of the bounds, the dashed line 1 LSB. ${esc(place)}</p>
<div class="fig">${stripXmlDecl(paretoSvg)}</div>
<h2>Hardware cost</h2>
${HW_BEGIN}
${hardwareHtml(undefined, cfg.name)}
${HW_END}
<h2>Plan</h2>
<pre>${esc(planText(plan).join('\n'))}</pre>
</body>
</html>
`;
}

export { REPORT_FILE } from '../measure/synthesis.js';
export { WORKLOAD_DEFAULTS };
