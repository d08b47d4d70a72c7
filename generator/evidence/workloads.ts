/**
 * The accuracy workload set: named, documented, seeded groups of input vectors for any n, built from
 * the generators in vectors.ts (the testbench's corner cases and random distributions), so that the
 * testbench and the accuracy figures draw from one definition.
 *
 * | workload   | what                                                                              |
 * |------------|-----------------------------------------------------------------------------------|
 * | corner     | every corner case of vectors.ts (all equal, extremes, ramps, one dominant, ...)   |
 * | uniform    | every element uniform over the whole input code range                             |
 * | gauss0.5 .. gauss4 | N(mu, sigma^2) logits in real units, sigma in {0.5, 1, 2, 4}, mu uniform in [-2, 2) |
 * | attention  | a low background N(-2, 0.5^2) with 1..4 large scores in [2, 4)                   |
 * | near-ties  | every element within -2..+1 codes of one random base code                         |
 * | model-attention | real attention score rows of a trained transformer (generator/evidence/data/model-attention.json), |
 * |            | each row's last n scores quantised with the block's input format (and input.scale)   |
 *
 * Each random workload has its own generator, seeded from (seed, workload name, n), so adding a
 * workload or changing one's count leaves the others' vectors unchanged.
 *
 * The set is shared by every block of the same n and format. A block's own 'adversarial' workload
 * (generator/evidence/adversarial.ts, `adversarialWorkload(plan, lengths)`), built from its tables, is a
 * Workload too; generator/evaluate.ts `evaluateWithAdversarial` measures a block over both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../core/version.js';
import { codeRange, cornerVectors, DISTRIBUTIONS, randomVector, rng, type Distribution, type InputFormat } from './vectors.js';

export interface Workload {
  name: string;
  description: string;
  vectors: number[][];
}

export const WORKLOAD_NAMES: readonly string[] = ['corner', ...DISTRIBUTIONS, 'model-attention'];

export const WORKLOAD_DESCRIPTIONS: Record<string, string> = {
  corner: 'every corner case: all equal, extremes, ramps, one dominant at several lanes, one LSB apart',
  uniform: 'each element uniform over the whole input code range',
  'gauss0.5': 'Gaussian logits, sigma = 0.5 (real units), mean uniform in [-2, 2)',
  gauss1: 'Gaussian logits, sigma = 1',
  gauss2: 'Gaussian logits, sigma = 2',
  gauss4: 'Gaussian logits, sigma = 4',
  attention: 'attention-like: background N(-2, 0.5^2) with 1..4 large scores in [2, 4)',
  'near-ties': 'near-ties: every element within -2..+1 codes of one random base code',
  'model-attention': 'model attention: score rows of a trained character-level transformer with their causal lengths (python/experiments/model_accuracy.py)',
};

/** The captured rows: real attention scores, each the causal prefix of one query (1..128 scores). */
export const MODEL_ATTENTION_FILE = join('generator', 'evidence', 'data', 'model-attention.json');
let modelRows: number[][] | undefined;
const MODEL_ROW_STRIDE = 977;

export function modelAttentionRows(): number[][] {
  modelRows ??= (JSON.parse(readFileSync(join(ROOT, MODEL_ATTENTION_FILE), 'utf8')) as { rows: number[][] }).rows;
  return modelRows;
}

/**
 * count of the captured rows, row k being row (k * 977) mod R (977 is prime to R = 2000: the rows
 * spread over the file, and a longer set starts with a shorter one); each keeps its last n scores
 * (the most recent keys) and is quantised with the format: code = round(score / (scale 2^-frac)),
 * saturated.
 */
export function modelAttentionVectors(n: number, f: InputFormat & { scale?: number }, count: number): number[][] {
  const rows = modelAttentionRows();
  const unit = (f.scale ?? 1) * 2 ** -f.frac;
  const { min, max } = codeRange(f);
  const out: number[][] = [];
  for (let k = 0; k < count; k++) {
    const row = rows[(k * MODEL_ROW_STRIDE) % rows.length]!;
    out.push(row.slice(Math.max(0, row.length - n)).map((s) => Math.min(max, Math.max(min, Math.floor(s / unit + 0.5)))));
  }
  return out;
}

/** The default size of the set: random vectors per workload, and the seed. */
export const WORKLOAD_DEFAULTS = { perWorkload: 256, seed: 1 };

/** FNV-1a over a string: a stable 32-bit seed per (seed, workload, n). */
function hashSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The workload set for n elements of the given input format. */
export function workloadSet(
  n: number,
  f: InputFormat,
  perWorkload = WORKLOAD_DEFAULTS.perWorkload,
  seed = WORKLOAD_DEFAULTS.seed,
): Workload[] {
  const out: Workload[] = [{ name: 'corner', description: WORKLOAD_DESCRIPTIONS.corner!, vectors: cornerVectors(n, f).map((c) => c.x) }];
  for (const d of DISTRIBUTIONS) {
    const r = rng(hashSeed(`${seed}/${d}/${n}`));
    const vectors: number[][] = [];
    for (let k = 0; k < perWorkload; k++) vectors.push(randomVector(n, f, d as Distribution, r));
    out.push({ name: d, description: WORKLOAD_DESCRIPTIONS[d]!, vectors });
  }
  out.push({ name: 'model-attention', description: WORKLOAD_DESCRIPTIONS['model-attention']!, vectors: modelAttentionVectors(n, f, perWorkload) });
  return out;
}

/** One line describing the set, for reports and the README. */
export function workloadSummary(n: number, perWorkload = WORKLOAD_DEFAULTS.perWorkload, seed = WORKLOAD_DEFAULTS.seed): string {
  return (
    `workload set for n = ${n}: the corner cases plus ${perWorkload} seeded vectors each of ` +
    `${DISTRIBUTIONS.join(', ')} (seed ${seed}), and ${perWorkload} model attention rows`
  );
}
