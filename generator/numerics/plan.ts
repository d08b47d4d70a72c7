/**
 * Stage 2 of the flow: plan. From a validated config, derive every width, the tree structure, the
 * method's tables and the pipeline latency. Nothing here is guessed: each width is computed from
 * the ranges the values can take, and `planText` prints how.
 */
import type { Config } from '../config/config.js';
import { ConfigError } from '../core/errors.js';
import { clog2 } from '../core/bits.js';
import { methodByName } from './methods/index.js';
import type { Method, MethodPlan, Table } from './types.js';
import { errorBound } from './bound.js';
import { scheduleParallel, type Schedule } from '../hardware/archs/parallel.js';

/** What every method can rely on: the formats and n. */
export interface CommonPlan {
  config: Config;
  n: number;
  /** Input width and fraction bits (signed two's complement). */
  iw: number;
  ifrac: number;
  /** Output width and fraction bits (unsigned). */
  ow: number;
  ofrac: number;
  /** Largest output code. */
  maxCode: number;
  /** Width of d = max(x) - x_i: unsigned, max - min of IW-bit signed values fits IW bits. */
  dw: number;
  /** input.scale (1 unless given): the block computes softmax(scale * x). */
  inScale: number;
  /** The real value of one input code inside the softmax: inScale * 2^-IF. */
  unit: number;
}

export interface LutInfo {
  name: string;
  entries: number;
  width: number;
  bytes: number;
}

export interface Plan {
  common: CommonPlan;
  method: Method;
  mp: MethodPlan;
  /** Exponent entry width and the sum width (EW + ceil(log2 n): the sum can never overflow). */
  ew: number;
  sw: number;
  /** The parallel architecture's pipeline: registers placed by the delay model (archs/parallel.ts). */
  schedule?: Schedule;
  /** Register stages from the edge that accepts a beat to the output register (parallel). */
  latency: number;
  luts: LutInfo[];
  lutBytes: number;
  /** The closing pipeline/latency lines of the plan text, when an architecture other than parallel sets them. */
  timing?: string[];
}

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
  return [mp.expTable, ...(mp.expLo ? [mp.expLo] : []), ...mp.tables];
}

export function tableBytes(t: Table): number {
  return Math.ceil((t.values.length * t.width) / 8);
}

export function makePlan(config: Config): Plan {
  const common = commonPlan(config);
  const method = methodByName(config.method.name);
  const mp = method.plan(common, config.method.params, config.method.addressing);
  if (config.pipeline.laneRegister && !mp.laneRegister) {
    throw new ConfigError('pipeline.laneRegister', true, `allowed: false (method ${method.name} has no lane register)`);
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
  if (config.arch === 'parallel') {
    plan.schedule = scheduleParallel(plan);
    plan.latency = plan.schedule.latency;
  }
  return plan;
}

/** Where the registers went: one line per stage with the model's estimate. */
export function scheduleText(s: Schedule): string[] {
  const mhz = (1000 / s.periodNs).toFixed(0);
  const worst = Math.max(...s.stages.map((x) => x.estimateNs));
  return [
    `pipeline for ${mhz} MHz (${s.periodNs.toFixed(2)} ns) on ${s.model.device}: ${s.latency} register stages, slowest estimate ${worst.toFixed(2)} ns (${(1000 / worst).toFixed(0)} MHz)`,
    ...s.stages.map((x) => `  stage ${x.cycle + 1}: ${x.what.join(', ')} -- ${x.estimateNs.toFixed(2)} ns, ${x.levels} logic levels`),
  ];
}

/** The human-readable plan that `generate` prints and the RTL header carries. */
export function planText(p: Plan): string[] {
  const c = p.common;
  const lines = [
    `input   x_i: signed ${c.iw} bits, ${c.ifrac} fraction bits (code q means q*2^-${c.ifrac})` +
      (c.inScale !== 1 ? `; the block computes softmax(${c.inScale} * x), the scale folded into the exponent tables` : ''),
    `output  y_i: unsigned ${c.ow} bits, ${c.ofrac} fraction bits, ${c.config.output.rounding === 'correct' ? 'correctly rounded e_i 2^OF / S' : 'round to nearest'}, saturate at ${c.maxCode}` +
      (c.config.output.zeroPoint !== undefined ? `; the port carries y_i - ${-c.config.output.zeroPoint!} (TFLite/ONNX int8: scale 1/256, zero point ${c.config.output.zeroPoint}, signed)` : ''),
    `d_i = max(x) - x_i: unsigned ${c.dw} bits (max - min of ${c.iw}-bit signed values < 2^${c.dw})`,
    ...p.mp.notes,
    `sum S = sum of n=${c.n} entries: ${p.sw} bits (= ${p.ew} + ceil(log2 ${c.n})), cannot overflow`,
    `tables: ${p.luts.map((l) => `${l.name} ${l.entries}x${l.width}b = ${l.bytes} B`).join(', ')}; total ${p.lutBytes} B`,
    `error bound: |y - y_ref| <= ${errorBound(p).lsb} LSB for every input of 1..${c.n} elements (proven from the tables, README "The error bound")`,
    ...(p.timing ?? [...scheduleText(p.schedule!), `latency: ${p.latency} cycles, throughput 1 vector per cycle`]),
  ];
  return lines;
}
