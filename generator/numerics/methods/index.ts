/**
 * The registry of methods: a method is a plug-in in its own folder (README "Adding a method"), and
 * this list is the only place that names it.
 */
import { exact } from './exact/index.js';
import { hls4ml } from './hls4ml/index.js';
import { ibert } from './ibert/index.js';
import { logexp } from './logexp/index.js';
import { lut2d } from './lut2d/index.js';
import { rexp } from './rexp/index.js';
import type { z } from 'zod';
import type { Method } from '../types.js';

/**
 * Softermax (Stevens et al., DAC 2021), as far as a block of one row at a time has it: its base-2
 * exponent (method.exp pow2: a shift by the integer part and a small table of the fraction,
 * generator/numerics/pow2.ts) and its normalisation, one reciprocal of the sum times each exponent,
 * which is rexp's normalized reciprocal. The method is rexp with that exponent under its own name,
 * composed here because method folders do not import each other.
 */
const softermaxSchema = (rexp.paramsSchema as z.AnyZodObject).omit({ exp: true, expStepLog2: true, expLoBits: true, recipInterpBits: true }).strict();
const softermax: Method = {
  ...rexp,
  name: 'softermax',
  summary: "baseline: Softermax's base-2 exponent (a shift and a small fraction table) and a reciprocal of the sum times each exponent",
  baseline: true,
  paramsSchema: softermaxSchema,
  addressings: ['normalized'] as const,
  roundings: ['nearest'] as const,
  defaultAddressing: undefined,
  plan: (c, raw, addressing) => rexp.plan(c, { ...raw, exp: 'pow2' }, addressing),
  // a baseline's few points around its defaults: the exponent width, the fraction bits (table of
  // 2^(OW-4) to 2^OW entries) and the reciprocal table's two axes
  sweep: (s) => {
    const lg = Math.ceil(Math.log2(s.n));
    return [
      {
        addressing: 'normalized',
        axes: { expWidth: s.widths(lg, lg + 4), expFracBits: s.range(Math.max(0, s.ow - 4), Math.min(12, s.ow)), recipAddrBits: s.range(Math.max(1, s.ow - 1), Math.min(16, s.ow + 1)), recipWidth: s.widths(1, 3) },
      },
    ];
  },
};

export const METHODS: readonly Method[] = [rexp, lut2d, hls4ml, exact, logexp, ibert, softermax];

/** The block methods, the paper's and ours (as opposed to the baselines hls4ml-like and exact). */
export const OWN_METHODS: readonly Method[] = METHODS.filter((m) => !m.baseline);

export function methodByName(name: string): Method {
  const m = METHODS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown method ${name}`);
  return m;
}
