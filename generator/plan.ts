/**
 * Stage 2 of the flow: plan. From a validated config, derive every width, the tree structure, the
 * method's tables and the pipeline latency. Nothing here is guessed: each width is computed from
 * the ranges the values can take, and `planText` prints how.
 */
import type { Config } from './config.js';
import { ConfigError } from './errors.js';
import { clog2 } from './numerics.js';
import { methodByName } from './methods/index.js';
import type { Method, MethodPlan, Table } from './methods/types.js';
import { errorBound } from './bound.js';

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
}

/** One level of a reduction tree: `count` nodes from `prevCount` inputs, registered or not. */
export interface TreeLevel {
  level: number;
  count: number;
  prevCount: number;
  registered: boolean;
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
  maxTree: TreeLevel[];
  sumTree: TreeLevel[];
  /** Register stages by name, in order; their total is the latency in cycles. */
  stages: { name: string; registers: number }[];
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
  };
}

/** Levels of a balanced binary tree over n leaves; a register after every k-th level and the last. */
export function treeLevels(n: number, k: number): TreeLevel[] {
  const levels: TreeLevel[] = [];
  let count = n;
  let level = 0;
  while (count > 1) {
    level++;
    const next = Math.ceil(count / 2);
    levels.push({ level, count: next, prevCount: count, registered: false });
    count = next;
  }
  levels.forEach((l, i) => {
    l.registered = l.level % k === 0 || i === levels.length - 1;
  });
  return levels;
}

export function tableBytes(t: Table): number {
  return Math.ceil((t.values.length * t.width) / 8);
}

export function makePlan(config: Config): Plan {
  const common = commonPlan(config);
  const method = methodByName(config.method.name);
  const mp = method.plan(common, config.method.params, config.method.addressing);
  const laneStages = mp.laneStages ?? 0;
  if (config.pipeline.laneRegister && laneStages === 0) {
    throw new ConfigError('pipeline.laneRegister', true, `allowed: false (method ${method.name} has no lane register)`);
  }
  const ew = mp.expTable.width;
  const sw = ew + clog2(common.n);
  const k = config.pipeline.treeLevelsPerStage;
  const maxTree = treeLevels(common.n, k);
  const sumTree = treeLevels(common.n, k);
  const count = (t: TreeLevel[]) => t.filter((l) => l.registered).length;
  const stages = [
    { name: 'input register', registers: 1 },
    { name: `max tree (${maxTree.length} levels)`, registers: count(maxTree) },
    { name: 'd = max - x', registers: config.pipeline.expAddrRegister ? 1 : 0 },
    { name: config.pipeline.expAddrRegister ? 'exponent lookup' : 'd = max - x, exponent lookup', registers: 1 },
    { name: `sum tree (${sumTree.length} levels)`, registers: count(sumTree) },
    { name: `normalisation (${method.name}, ${config.method.addressing})`, registers: mp.normStages },
    { name: 'lane register', registers: laneStages },
    { name: 'output (per lane)', registers: 1 },
    { name: 'output slice (2-beat buffer)', registers: config.pipeline.outputSlice ? 1 : 0 },
  ];
  const latency = stages.reduce((a, s) => a + s.registers, 0);
  const luts = [mp.expTable, ...mp.tables].map((t) => ({
    name: t.name,
    entries: t.values.length,
    width: t.width,
    bytes: tableBytes(t),
  }));
  return {
    common,
    method,
    mp,
    ew,
    sw,
    maxTree,
    sumTree,
    stages,
    latency,
    luts,
    lutBytes: luts.reduce((a, l) => a + l.bytes, 0),
  };
}

/** The human-readable plan that `generate` prints and the RTL header carries. */
export function planText(p: Plan): string[] {
  const c = p.common;
  const lines = [
    `input   x_i: signed ${c.iw} bits, ${c.ifrac} fraction bits (code q means q*2^-${c.ifrac})`,
    `output  y_i: unsigned ${c.ow} bits, ${c.ofrac} fraction bits, round to nearest, saturate at ${c.maxCode}`,
    `d_i = max(x) - x_i: unsigned ${c.dw} bits (max - min of ${c.iw}-bit signed values < 2^${c.dw})`,
    ...p.mp.notes,
    `sum S = sum of n=${c.n} entries: ${p.sw} bits (= ${p.ew} + ceil(log2 ${c.n})), cannot overflow`,
    `tables: ${p.luts.map((l) => `${l.name} ${l.entries}x${l.width}b = ${l.bytes} B`).join(', ')}; total ${p.lutBytes} B`,
    `error bound: |y - y_ref| <= ${errorBound(p).lsb} LSB for every input of 1..${c.n} elements (proven from the tables, README "The error bound")`,
    ...(p.timing ?? [
      `pipeline: ${p.stages.filter((s) => s.registers > 0).map((s) => `${s.name} ${s.registers}`).join(', ')}`,
      `latency: ${p.latency} cycles, throughput 1 vector per cycle`,
    ]),
  ];
  return lines;
}
