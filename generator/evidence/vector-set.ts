/** The testbench's vector set: corner cases, the block's adversarial vectors, seeded random vectors. */
import type { Plan } from '../numerics/types.js';
import { adversarialVectors } from './adversarial.js';
import { cornerVectors, DISTRIBUTIONS, randomVector, rng, type InputFormat } from './vectors.js';

/** At most this many adversarial vectors in a vector set (and at most 1/8 of it). */
export const ADVERSARIAL_IN_SET = 64;

/**
 * The vector set of a block: every corner case, then, when the block's plan is given, up to
 * min(64, count / 8) of its adversarial vectors (adversarial.ts; the families take turns,
 * the tail-mass vector first), then seeded random vectors up to `count`. Without a plan the random
 * vectors follow the corner cases directly; with one they are the same sequence, cut shorter.
 */
export function vectorSet(n: number, f: InputFormat, count: number, seed: number, plan?: Plan): number[][] {
  const corners = cornerVectors(n, f).map((c) => c.x);
  const out = corners.slice(0, count);
  if (plan) {
    if (plan.common.iw !== f.width) throw new Error(`internal: vectorSet: the plan's input is ${plan.common.iw} bits, the format ${f.width}`);
    const m = Math.min(ADVERSARIAL_IN_SET, Math.floor(count / 8), count - out.length);
    if (m > 0) for (const v of adversarialVectors(plan, n, { maxVectors: m })) out.push(v.x);
  }
  const r = rng(seed);
  let k = 0;
  while (out.length < count) {
    out.push(randomVector(n, f, DISTRIBUTIONS[k % DISTRIBUTIONS.length]!, r));
    k++;
  }
  return out;
}
