/** Small integer helpers shared by the planner, the methods and the models. */

/** Number of bits needed to hold the values 0..v (v >= 0); at least 1. */
export function bitsFor(v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`bitsFor: bad value ${v}`);
  let b = 1;
  while (2 ** b <= v) b++;
  return b;
}

/** ceil(log2(v)) for v >= 1 (0 for v = 1). */
export function clog2(v: number): number {
  let b = 0;
  while (2 ** b < v) b++;
  return b;
}

/** floor(log2(v)) for a positive integer v: the position of the leading one. */
export function leadingOne(v: number): number {
  if (!(v >= 1)) throw new Error(`leadingOne: value ${v} has no leading one`);
  // below 2^32, the leading one of floor(v) (the same position) from a count of leading zeros
  if (v < 4294967296) return 31 - Math.clz32(v);
  let p = Math.floor(Math.log2(v));
  if (2 ** p > v) p--;
  else if (2 ** (p + 1) <= v) p++;
  return p;
}

/** Round half up to an integer (the rounding the RTL implements: floor(v + 0.5)). */
export function roundHalfUp(v: number): number {
  return Math.floor(v + 0.5);
}

/** floor(a / 2^s) for a non-negative integer a (exact for a < 2^53). */
export function shr(a: number, s: number): number {
  return Math.floor(a / 2 ** s);
}

/** Round-half-up right shift: floor((a + 2^(s-1)) / 2^s), computed as the RTL does it. */
export function shrRound(a: number, s: number): number {
  if (s <= 0) return a * 2 ** -s;
  return shr(shr(a, s - 1) + 1, 1);
}

/** Assert that an integer fits the given unsigned width and is exact in a double. */
export function checkWidth(what: string, v: number, width: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v >= 2 ** width) {
    throw new Error(`internal: ${what} = ${v} does not fit ${width} unsigned bits`);
  }
}
