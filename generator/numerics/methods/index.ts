/**
 * The registry of methods: a method is a plug-in in its own folder (README "Adding a method"), and
 * this list is the only place that names it.
 */
import { exact } from './exact/index.js';
import { hls4ml } from './hls4ml/index.js';
import { logexp } from './logexp/index.js';
import { lut2d } from './lut2d/index.js';
import { rexp } from './rexp/index.js';
import type { Method } from '../types.js';

export const METHODS: readonly Method[] = [rexp, lut2d, hls4ml, exact, logexp];

/** The block methods, the paper's and ours (as opposed to the baselines hls4ml-like and exact). */
export const OWN_METHODS: readonly Method[] = METHODS.filter((m) => !m.baseline);

export function methodByName(name: string): Method {
  const m = METHODS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown method ${name}`);
  return m;
}
