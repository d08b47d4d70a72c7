import type { Plan } from './types.js';
/**
 * emulator.json: a block's numerics as data, for the Python emulator (python/softmax_lut). It holds
 * the formats, the exponent tables and how d addresses them, the method's tables and the constants
 * of its normalisation and lanes (Method.emulation). The emulator computes from these alone, in its
 * own code, what the RTL computes; CI checks it against every committed block's testbench vectors.
 */

export const EMULATOR_FILE = 'emulator.json';
export const EMULATOR_FORMAT = 'softmax-lut emulator 1';

/** The document, as an object. */
export function emulatorDoc(plan: Plan): Record<string, unknown> {
  const c = plan.common;
  const cfg = c.config;
  const mp = plan.mp;
  return {
    format: EMULATOR_FORMAT,
    module: cfg.name,
    arch: cfg.arch,
    n: c.n,
    ...(cfg.stream ? { lanes: cfg.stream.lanes, maxN: cfg.stream.maxN } : {}),
    input: { width: c.iw, frac: c.ifrac, scale: c.inScale },
    output: { width: c.ow, frac: c.ofrac, rounding: cfg.output.rounding, zeroPoint: cfg.output.zeroPoint ?? 0 },
    sumWidth: plan.sw,
    method: { name: plan.method.name, addressing: cfg.method.addressing, ...plan.method.emulation(mp, c) },
    exp: {
      table: mp.expTable.values,
      shift: mp.expShift,
      ...(mp.expLo ? { lo: mp.expLo.values, loFrac: mp.expLoFrac! } : {}),
      ...(mp.expOnline ? { online: { granule: mp.expOnline.granule, zmax: mp.expOnline.zmax, sum: mp.expOnline.sum } } : {}),
    },
    tables: Object.fromEntries(mp.tables.map((t) => [t.name, t.values])),
  };
}

/** JSON with one key per line and every value (arrays of table entries included) on its line. */
function write(v: unknown, indent: string): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>);
    const inner = indent + '  ';
    const scalarOnly = entries.every(([, x]) => x === null || typeof x !== 'object');
    if (scalarOnly) return JSON.stringify(v).replace(/,"/g, ', "').replace(/":/g, '": ');
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

export function emulatorJson(plan: Plan): string {
  return write(emulatorDoc(plan), '') + '\n';
}
