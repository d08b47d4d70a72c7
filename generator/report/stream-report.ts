/** What `verify` prints about a stream block's simulation. */
import type { Block } from '../block/files.js';
import type { StreamSimResult } from '../evidence/runner.js';

export function streamSimReport(b: Block, r: StreamSimResult, shown = 10): string {
  const s = b.stream!;
  const sp = s.sp;
  const tp =
    r.elementsPerCycle !== undefined
      ? `throughput: ${r.elementsPerCycle} elements/cycle measured (${r.elements} elements of ${sp.throughputRows} back-to-back rows of ${sp.maxN}, ` +
        `${r.inputCycles} cycles at the input, ${r.outputCycles} at the output; ${sp.lanes} lanes, ${(r.elementsPerCycle / sp.lanes).toFixed(4)} of P)`
      : 'throughput: not measured';
  if (r.ok) {
    return [
      `simulation: PASS, ${s.rows.length} rows, ${r.beats} beats bit-exact against the golden model (masks, partial beats, random stalls on both sides)`,
      tp,
      `latency: ${sp.latencyFormula} cycles, ${sp.latencyMaxN} for a row of ${sp.maxN} (checked on every phase-0 row)`,
      `memory: ${sp.memoryBits} bits of row store (${sp.depth2 ? `${sp.depth1} + ${sp.depth2}` : `one store of ${sp.depth1}`} beats x ${sp.wordBits} bits)`,
    ].join('\n');
  }
  const lines = [`simulation: FAIL: ${r.problem}`];
  if (r.elementsPerCycle !== undefined) lines.push(tp);
  for (const m of r.mismatches.slice(0, shown)) {
    lines.push(`  row ${m.row}, beat ${m.beat} (output beat ${m.index}, line ${m.index + 2} of ${b.module}_exp.hex), ${typeof m.lane === 'number' ? `lane ${m.lane}` : m.lane}: expected ${m.expected}, got ${m.got}`);
  }
  if (r.mismatches.length > shown) lines.push(`  ... and ${r.mismatches.length - shown} more`);
  return lines.join('\n');
}
