/**
 * Stage 2 of the flow, its numerics: from a validated config, derive every width and the method's
 * tables. Nothing here is guessed: each width is computed from the ranges the values can take, and
 * `planText` (plan-text.ts) prints how. The hardware adds the pipeline (generator/hardware/plan.ts).
 */
import type { CommonPlan, Config, MethodPlan, Plan, Table } from './types.js';
import { ConfigError } from '../core/errors.js';
import { clog2 } from '../core/bits.js';
import { methodByName } from './methods/index.js';

export function commonPlan(config: Config): CommonPlan {
  return {
    config,
    n: config.n,
    iw: config.input.width,
    ifrac: config.input.frac,
    ow: config.output.width,
    ofrac: config.output.frac,
    maxCode: 2 ** config.output.width - 1,
    dw: config.input.width,
    inScale: config.input.scale ?? 1,
    unit: (config.input.scale ?? 1) * 2 ** -config.input.frac,
  };
}

/** Every distinct table of a method plan: the exponent table(s), then the method's own. */
export function planTables(mp: MethodPlan): Table[] {
  // a computed exponent (expCalc) has no ROM: its table is the golden model's only
  return [...(mp.expCalc ? (mp.expCalc.gTable ? [mp.expCalc.gTable] : []) : [mp.expTable]), ...(mp.expLo ? [mp.expLo] : []), ...mp.tables];
}

export function tableBytes(t: Table): number {
  return Math.ceil((t.values.length * t.width) / 8);
}

/** The plan of a config without its pipeline: latency 0 until an architecture schedules it. */
export function planNumerics(config: Config): Plan {
  const common = commonPlan(config);
  const method = methodByName(config.method.name);
  const mp = method.plan(common, config.method.params, config.method.addressing);
  if (config.pipeline.laneRegister && !mp.laneRegister) {
    throw new ConfigError('pipeline.laneRegister', true, `allowed: false (method ${method.name} has no lane register)`);
  }
  if (config.arch === 'stream' && config.pipeline.outputFifo && mp.expOnline) {
    throw new ConfigError('pipeline.outputFifo', true, `allowed: false with arch stream and method ${method.name}'s online sum (its one-pass stream block has the output register and skid register only)`);
  }
  const ew = mp.expTable.width;
  const sw = ew + clog2(common.n);
  const luts = planTables(mp).map((t) => ({
    name: t.name,
    entries: t.values.length,
    width: t.width,
    bytes: tableBytes(t),
  }));
  const plan: Plan = {
    common,
    method,
    mp,
    ew,
    sw,
    latency: 0,
    luts,
    lutBytes: luts.reduce((a, l) => a + l.bytes, 0),
  };
  return plan;
}


