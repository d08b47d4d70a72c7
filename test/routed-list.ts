/**
 * The committed blocks without a routed figure, or routed below their target, and why (README
 * "ECP5", "Not yet"): test/routed.test.ts and the manifest checks of test/generated-cases.ts read
 * these lists.
 */
import { expect } from 'vitest';

/** Blocks without a routed figure yet, and why (README "ECP5", "Not yet"): the reason in the manifest. */
export const NOT_ROUTED: Record<string, RegExp> = {};

/** Blocks routed on the device their config names below their target, with the figure (README "Not yet"). */
export const BELOW_TARGET: Record<string, number> = {};

/**
 * A block for ecp5 closes its target; or, as listed here, did not place for the reason NOT_ROUTED
 * gives, or places at exactly the figure BELOW_TARGET gives.
 */
export function expectEcp5AsListed(name: string, targetMHz: number, e: { fmaxMHz: number | null; reason?: string }): void {
  const notPlaced = NOT_ROUTED[name];
  if (notPlaced) {
    expect(e.reason, name).toMatch(notPlaced);
    return;
  }
  const below = BELOW_TARGET[name];
  if (below === undefined) {
    expect(e.fmaxMHz, name).toBeGreaterThanOrEqual(targetMHz);
    return;
  }
  expect(e.fmaxMHz, `${name}: re-measured? then update test/routed-list.ts and the README`).toBe(below);
  expect(below).toBeLessThan(targetMHz);
}
