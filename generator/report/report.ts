/** Stage 5 of the flow: report. Text the CLI prints about a block and its verification. */
import { errorBound, witnessText } from '../numerics/bound.js';
import type { SimResult } from '../evidence/runner.js';
import { streamSimReport } from './stream-report.js';
import { planText } from '../numerics/plan-text.js';
import type { Block } from '../block/files.js';

export function planReport(b: Block): string {
  return [
    `plan for ${b.module}:`,
    ...planText(b.plan).map((l) => '  ' + l),
    `  the bound is approached by ${witnessText(errorBound(b.plan))}`,
  ].join('\n');
}

export function accuracyReport(b: Block): string {
  const a = b.accuracy;
  return [
    `accuracy against the float softmax over ${a.vectors} vectors (output LSB = 2^-${b.plan.common.ofrac}):`,
    `  max abs error   ${a.maxErrLsb} LSB (error bound for every input: ${errorBound(b.plan).lsb} LSB)`,
    `  mean abs error  ${a.meanErrLsb} LSB`,
    `  argmax agrees   ${(a.argmaxAgreement * 100).toFixed(2)} % (ties count as agreement)`,
    `  worst |sum-1|   ${a.worstSumErr}`,
  ].join('\n');
}

export function simReport(b: Block, r: SimResult, shown = 10): string {
  if (b.stream && r.stream) return streamSimReport(b, r.stream, shown);
  const nvec = b.vectors.length;
  if (r.ok) {
    const tp = r.phase0Cycles ? `, ${nvec} vectors in ${r.phase0Cycles} cycles without stalls` : '';
    return `simulation: PASS, ${r.beats} beats bit-exact against the golden model (${nvec} vectors, no stalls then random stalls)${tp}, latency ${b.plan.latency} cycles`;
  }
  const lines = [`simulation: FAIL: ${r.problem}`];
  for (const m of r.mismatches.slice(0, shown)) {
    lines.push(`  beat ${m.beat} (vector ${m.vector}, line ${m.vector + 2} of ${b.module}_exp.hex), element ${m.element}: expected ${m.expected}, got ${m.got}`);
  }
  if (r.mismatches.length > shown) lines.push(`  ... and ${r.mismatches.length - shown} more`);
  return lines.join('\n');
}
