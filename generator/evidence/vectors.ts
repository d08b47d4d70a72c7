/**
 * Test vectors: hand-picked corner cases first, then (given the block's plan) a selection of its
 * adversarial vectors, then seeded random vectors from several distributions. Everything is a pure
 * function of (n, input format, count, seed, plan).
 */

/** mulberry32: a small, well-known seeded 32-bit generator; deterministic across platforms. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface InputFormat {
  width: number;
  frac: number;
}

export function codeRange(f: InputFormat): { min: number; max: number } {
  return { min: -(2 ** (f.width - 1)), max: 2 ** (f.width - 1) - 1 };
}

/** Corner cases, each named; every one is in every vector set. */
export function cornerVectors(n: number, f: InputFormat): { name: string; x: number[] }[] {
  const { min, max } = codeRange(f);
  const fill = (v: number) => new Array<number>(n).fill(v);
  const out: { name: string; x: number[] }[] = [
    { name: 'all equal (zero)', x: fill(0) },
    { name: 'all at the minimum', x: fill(min) },
    { name: 'all at the maximum', x: fill(max) },
    { name: 'largest span (max, then all min)', x: [max, ...fill(min).slice(1)] },
    { name: 'largest span (halves)', x: Array.from({ length: n }, (_, i) => (i < n / 2 ? max : min)) },
    { name: 'alternating extremes', x: Array.from({ length: n }, (_, i) => (i % 2 ? min : max)) },
    { name: 'alternating extremes (min first)', x: Array.from({ length: n }, (_, i) => (i % 2 ? max : min)) },
    { name: 'single element one LSB above', x: [...fill(0).slice(1), 1] },
    { name: 'single element one LSB below', x: [-1, ...fill(0).slice(1)] },
    { name: 'ramp', x: Array.from({ length: n }, (_, i) => Math.round(min + ((max - min) * i) / Math.max(1, n - 1))) },
    { name: 'ramp down', x: Array.from({ length: n }, (_, i) => Math.round(max - ((max - min) * i) / Math.max(1, n - 1))) },
  ];
  // one dominant element at several positions (all positions for small n)
  const positions = n <= 16 ? [...Array(n).keys()] : [0, 1, Math.floor(n / 2), n - 2, n - 1];
  for (const pos of positions) {
    const x = fill(min);
    x[pos] = max;
    out.push({ name: `one dominant at ${pos}`, x });
  }
  // one element different by one real unit and by a few LSB
  const one = Math.min(max, 2 ** Math.max(0, f.frac));
  const x1 = fill(0);
  x1[n - 1] = one;
  out.push({ name: 'single element +1.0', x: x1 });
  const x2 = fill(max);
  x2[0] = max - 3;
  out.push({ name: 'all max but one 3 LSB lower', x: x2 });
  return out;
}

function clampRound(v: number, f: InputFormat): number {
  const { min, max } = codeRange(f);
  return Math.max(min, Math.min(max, Math.round(v)));
}

/** Standard normal by Box-Muller. */
function gauss(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export type Distribution = 'uniform' | 'gauss0.5' | 'gauss1' | 'gauss2' | 'gauss4' | 'attention' | 'near-ties';
export const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'gauss0.5', 'gauss1', 'gauss2', 'gauss4', 'attention', 'near-ties'];

/** One random vector: logits in real units are drawn, then quantised to the input format. */
export function randomVector(n: number, f: InputFormat, dist: Distribution, r: () => number): number[] {
  const { min, max } = codeRange(f);
  const unit = 2 ** f.frac;
  switch (dist) {
    case 'uniform':
      return Array.from({ length: n }, () => min + Math.floor(r() * (max - min + 1)));
    case 'gauss0.5':
    case 'gauss1':
    case 'gauss2':
    case 'gauss4': {
      const sigma = Number(dist.slice(5));
      const mu = (r() - 0.5) * 4;
      return Array.from({ length: n }, () => clampRound((mu + sigma * gauss(r)) * unit, f));
    }
    case 'attention': {
      // a low background with a few large scores
      const x = Array.from({ length: n }, () => clampRound((-2 + 0.5 * gauss(r)) * unit, f));
      const k = 1 + Math.floor(r() * Math.min(4, n));
      for (let j = 0; j < k; j++) x[Math.floor(r() * n)] = clampRound((2 + 2 * r()) * unit, f);
      return x;
    }
    case 'near-ties': {
      const base = min + Math.floor(r() * (max - min + 1));
      return Array.from({ length: n }, () => clampRound(base + Math.floor(r() * 4) - 2, f));
    }
  }
}

/** The vector set behind the hardware table's max-error column and the sum bound: 4096 vectors, seed 1. */
export const SUMMARY_VECTORS = 4096;
export const SUMMARY_SEED = 1;
