/**
 * Rows for the streaming testbench: first THROUGHPUT_ROWS rows of maxN elements (the sustained
 * throughput phase), then, when the block's plan is given, up to 6 adversarial rows, all kept
 * (generator/evidence/adversarial.ts: the tail-mass, witness, bin-edge and near-tie rows at maxN, the worst
 * rows found at a shorter length and at 2 elements), then `count` seeded random rows: lengths 1, maxN,
 * around multiples of P and random; masks all kept, random, causal (a kept prefix), padding (a masked
 * tail), all masked, one kept. Masked elements and the unused lanes of a partial last beat carry
 * random codes, which must not influence anything. Everything is a pure function of its arguments;
 * the adversarial rows draw no random numbers, so the throughput and random rows are the same with
 * or without a plan.
 */
import type { Row, StreamPlan } from '../hardware/archs/stream.js';
import { adversarialBest } from './adversarial.js';
import { codeRange, cornerVectors, DISTRIBUTIONS, randomVector, rng, type InputFormat } from './vectors.js';
import type { Plan } from '../numerics/types.js';

/** A stream block's testbench data: its plan, rows, and input and expected output beats. */
export interface StreamData {
  sp: StreamPlan;
  rows: Row[];
  beatsIn: Beat[];
  beatsOut: Beat[];
}

export interface Beat {
  data: number[];
  keep: boolean[];
  last: boolean;
}

type Mask = 'all' | 'random' | 'causal' | 'padding' | 'none' | 'one';
const MASKS: readonly Mask[] = ['all', 'random', 'causal', 'padding', 'all', 'random', 'none', 'one'];

function mask(kind: Mask, len: number, r: () => number): boolean[] {
  switch (kind) {
    case 'all':
      return new Array<boolean>(len).fill(true);
    case 'none':
      return new Array<boolean>(len).fill(false);
    case 'random': {
      const density = r();
      return Array.from({ length: len }, () => r() < density);
    }
    case 'causal': {
      const k = 1 + Math.floor(r() * len);
      return Array.from({ length: len }, (_, i) => i < k);
    }
    case 'padding': {
      const k = Math.floor(r() * len);
      return Array.from({ length: len }, (_, i) => i < len - k || i === 0);
    }
    case 'one': {
      const k = Math.floor(r() * len);
      return Array.from({ length: len }, (_, i) => i === k);
    }
  }
}

/** At most this many adversarial rows. */
export const ADVERSARIAL_ROWS = 6;

/** The adversarial rows of a stream block (all kept): see the header. */
export function adversarialRows(plan: Plan, lanes: number, maxN: number): Row[] {
  const rows: number[][] = [];
  const atMax = adversarialBest(plan, maxN);
  for (const fam of ['tail', 'witness', 'bin-edge', 'near-ties']) {
    const v = atMax.find((a) => a.family === fam);
    if (v) rows.push(v.x);
  }
  // shorter rows, the last beat partial where P allows: the worst vector found at that length
  const shorter = [...new Set([Math.floor(maxN / 8) + (lanes > 1 ? 1 : 0), 2].filter((l) => l >= 2 && l < maxN))];
  for (const len of shorter) {
    const worst = [...adversarialBest(plan, len)].sort((a, b) => b.score - a.score)[0];
    if (worst) rows.push(worst.x);
  }
  const seen = new Set<string>();
  const out: Row[] = [];
  for (const x of rows) {
    const k = x.join(',');
    if (seen.has(k) || out.length >= ADVERSARIAL_ROWS) continue;
    seen.add(k);
    out.push({ x, keep: new Array<boolean>(x.length).fill(true) });
  }
  return out;
}

export function streamRows(lanes: number, maxN: number, f: InputFormat, count: number, seed: number, throughputRows: number, plan?: Plan): Row[] {
  const r = rng(seed);
  const { min, max } = codeRange(f);
  const garbage = () => min + Math.floor(r() * (max - min + 1));
  const withGarbage = (x: number[], keep: boolean[]) => x.map((v, i) => (keep[i] ? v : garbage()));
  const rows: Row[] = [];
  for (let k = 0; k < throughputRows; k++) {
    const x = randomVector(maxN, f, DISTRIBUTIONS[k % DISTRIBUTIONS.length]!, r);
    const keep = mask(k % 2 ? 'random' : 'all', maxN, r);
    rows.push({ x: withGarbage(x, keep), keep });
  }
  if (plan) rows.push(...adversarialRows(plan, lanes, maxN));
  const lengths = [1, maxN, lanes - 1, lanes + 1, 2 * lanes + 1, maxN - 1, 2, 3 * lanes - 1].filter((n) => n >= 1 && n <= maxN);
  const corners = cornerVectors(maxN, f);
  for (let k = 0; k < count; k++) {
    const len = k < lengths.length ? lengths[k]! : 1 + Math.floor(r() * maxN);
    const keep = mask(MASKS[k % MASKS.length]!, len, r);
    const x =
      k % 5 === 4
        ? corners[Math.floor(k / 5) % corners.length]!.x.slice(0, len)
        : randomVector(len, f, DISTRIBUTIONS[k % DISTRIBUTIONS.length]!, r);
    rows.push({ x: withGarbage(x, keep), keep });
  }
  return rows;
}

/** The beats of rows: P lanes each, the last beat of a row padded with masked random codes. */
export function rowBeats(rows: readonly Row[], lanes: number, values: (row: Row, k: number) => number[], pad: () => number): Beat[] {
  const beats: Beat[] = [];
  rows.forEach((row, k) => {
    const v = values(row, k);
    for (let i = 0; i < row.x.length; i += lanes) {
      const data: number[] = [];
      const keep: boolean[] = [];
      for (let j = i; j < i + lanes; j++) {
        data.push(j < row.x.length ? v[j]! : pad());
        keep.push(j < row.x.length ? row.keep[j]! : false);
      }
      beats.push({ data, keep, last: i + lanes >= row.x.length });
    }
  });
  return beats;
}

/** A beat as one hex line for $readmemh: {tlast, tuser[P-1:0], tdata[P*W-1:0]}. */
export function beatHex(b: Beat, width: number): string {
  const mask = (1n << BigInt(width)) - 1n;
  let v = b.last ? 1n : 0n;
  for (let i = b.keep.length - 1; i >= 0; i--) v = (v << 1n) | (b.keep[i] ? 1n : 0n);
  for (let i = b.data.length - 1; i >= 0; i--) v = (v << BigInt(width)) | (BigInt(b.data[i]!) & mask);
  const bits = 1 + b.keep.length + b.data.length * width;
  return v.toString(16).padStart(Math.ceil(bits / 4), '0');
}

/** Parse a beat line written by the testbench (unsigned lanes). */
export function parseBeatHex(hex: string, lanes: number, width: number): Beat {
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new Error(`not a hex beat: ${JSON.stringify(hex)}`);
  let v = BigInt('0x' + hex);
  const mask = (1n << BigInt(width)) - 1n;
  const data: number[] = [];
  for (let i = 0; i < lanes; i++) {
    data.push(Number(v & mask));
    v >>= BigInt(width);
  }
  const keep: boolean[] = [];
  for (let i = 0; i < lanes; i++) {
    keep.push((v & 1n) === 1n);
    v >>= 1n;
  }
  return { data, keep, last: (v & 1n) === 1n };
}
