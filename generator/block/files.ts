/** A generated block as text: its files by name, its plan, vectors and manifest (both architectures). */
import type { Plan } from '../numerics/types.js';
import type { Accuracy } from '../numerics/metrics.js';
import { EMULATOR_FILE } from '../numerics/emulator.js';
import { packagingNames } from '../hardware/packaging.js';
import type { StreamData } from '../evidence/stream-vectors.js';

export interface Block {
  plan: Plan;
  module: string;
  vectors: number[][];
  expected: number[][];
  accuracy: Accuracy;
  manifest: Record<string, unknown>;
  /** File name -> content, all in one folder. */
  files: Map<string, string>;
  /** Only for arch 'stream': its plan, rows and beats (vectors/expected then hold kept rows/output beats). */
  stream?: StreamData;
}

export const MANIFEST = 'manifest.json';

export function manifestText(manifest: Record<string, unknown>): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}

export function fileNames(module: string) {
  return {
    rtl: `${module}.v`,
    tb: `${module}_tb.v`,
    cocotb: `test_${module}.py`,
    vin: `${module}_in.hex`,
    vexp: `${module}_exp.hex`,
    ...packagingNames(module),
    config: 'config.json',
    emulator: EMULATOR_FILE,
    manifest: MANIFEST,
  };
}
