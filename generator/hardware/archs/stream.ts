/**
 * Architecture 'stream': P lanes per beat, tlast-delimited rows of 1..maxN elements, a keep bit per
 * lane in tuser. The numerics are those of the parallel architecture applied to the kept elements of
 * a row, so the golden model is model.ts and the methods are used unchanged.
 *
 * Three passes over each row, each at one beat per clock, chained by two FIFO row stores:
 *   A (ingest): write the beat to store 1, running max over the kept lanes;
 *   B (sum):    read store 1, d = max - x, e = T[d >> s] (0 when masked), S = sum e; copy the beat to store 2;
 *   C (output): read store 2, e again, the method's normalisation of S and its per-lane output.
 * Each store holds one row plus the few beats that arrive while the next pass waits for the row's
 * max (store 1) or sum (store 2), so the block takes P elements per clock across back-to-back rows.
 * Small row queues (registers) carry each row's last-beat index, max and sum from pass to pass.
 */
import { clog2 } from '../../core/bits.js';
import { expStage, passC, streamTree } from './stream-passes.js';
import { modelTrace } from '../../numerics/model.js';
import { makePlan } from '../plan.js';
import type { Plan, Config } from '../../numerics/types.js';

export interface StreamPlan {
  plan: Plan;
  /** The pipelines of the passes, built by the pipeline builder (their code and cycles). */
  parts: {
    maxT: ReturnType<typeof streamTree>;
    sumT: ReturnType<typeof streamTree>;
    expB: ReturnType<typeof expStage>;
    expC: ReturnType<typeof expStage>;
    pc: ReturnType<typeof passC>;
  };
  /** Lanes per beat and the longest row. */
  lanes: number;
  maxN: number;
  /** Beats of the longest row: ceil(maxN / P). */
  maxBeats: number;
  /** Registered levels of the max and sum trees over P lanes. */
  maxRegs: number;
  sumRegs: number;
  /** Depths (beats) of the two row stores, and the row-queue depth. */
  depth1: number;
  depth2: number;
  queue: number;
  /** Word of a row store: P elements and P keep bits. */
  wordBits: number;
  memoryBits: number;
  /** Latency of a row of `beats` beats = 2 * beats + latencyConst. */
  latencyConst: number;
  latencyFormula: string;
  latencyMaxN: number;
  /** Rows of maxN elements in the throughput phase, and the cycles they take at each port. */
  throughputRows: number;
  throughputCycles: number;
}

export const THROUGHPUT_ROWS = 8;

export function latencyOf(sp: StreamPlan, len: number): number {
  return 2 * Math.ceil(len / sp.lanes) + sp.latencyConst;
}

export function makeStreamPlan(config: Config): StreamPlan {
  const s = config.stream!;
  const plan = makePlan(config); // n = maxN: S of any row lies in the range of a maxN-element vector
  const P = s.lanes;
  // the max and sum trees: registers where the delay model (or pipeline.treeLevelsPerStage) puts them
  // and the registers it puts between the store reads and the exponent registers (b_e, c_e), and in
  // pass C's normalisation and lanes; built once here, rendered as they are (stream-rtl.ts)
  const parts = {
    maxT: streamTree(plan, P, 'max'),
    sumT: streamTree(plan, P, 'sum'),
    expB: expStage(plan, P, 'b'),
    expC: expStage(plan, P, 'c'),
    pc: passC(plan, P),
  };
  const maxRegs = parts.maxT.cycles;
  const sumRegs = parts.sumT.cycles;
  const maxBeats = Math.ceil(s.maxN / P);
  const cCycles = parts.pc.cycles;
  const bExp = parts.expB.cycles;
  const cExp = parts.expC.cycles;
  // store 1: a row, plus the maxRegs + 3 beats of the next row taken while the row's max leaves the
  // max pipeline (input register, tree registers, running max, the registered ready); one beat less
  // stalls the input
  const depth1 = maxBeats + maxRegs + 3;
  // store 2: a row, plus the sumRegs + bExp + 4 beats of the next row copied while the row's sum
  // leaves the sum pipeline (store read, exponent registers, tree registers, running sum, the
  // registered room flag); one less stalls pass B
  const depth2 = maxBeats + sumRegs + bExp + 4;
  const queue = 2 ** clog2(Math.max(maxRegs + 3, sumRegs + bExp + 4) + 2);
  const wordBits = P * (config.input.width + 1);
  const latencyConst = maxRegs + sumRegs + bExp + cExp + cCycles + 6;
  const stages = [
    { name: 'A: input register', registers: 1 },
    { name: `A: max tree over ${P} lanes (${clog2(P)} levels)`, registers: maxRegs },
    { name: 'A: running max, row queue', registers: 1 },
    { name: 'B: store 1 read', registers: 1 },
    { name: 'B: d = max - x, exponent lookup', registers: bExp + 1 },
    { name: `B: sum tree over ${P} lanes (${clog2(P)} levels)`, registers: sumRegs },
    { name: 'B: running sum, row queue', registers: 1 },
    { name: 'C: store 2 read', registers: 1 },
    { name: 'C: d = max - x, exponent lookup', registers: cExp + 1 },
    { name: `C: normalisation (${plan.method.name}, ${config.method.addressing}) and lanes, for ${config.pipeline.targetMHz} MHz on ${config.pipeline.device}`, registers: cCycles },
    { name: 'C: output (per lane)', registers: 1 },
  ];
  const latencyFormula = `2*ceil(len/${P}) + ${latencyConst}`;
  plan.latency = 2 * maxBeats + latencyConst;
  const sp: StreamPlan = {
    plan,
    parts,
    lanes: P,
    maxN: s.maxN,
    maxBeats,
    maxRegs,
    sumRegs,
    depth1,
    depth2,
    queue,
    wordBits,
    memoryBits: (depth1 + depth2) * wordBits,
    latencyConst,
    latencyFormula,
    latencyMaxN: plan.latency,
    throughputRows: THROUGHPUT_ROWS,
    throughputCycles: THROUGHPUT_ROWS * maxBeats,
  };
  plan.timing = [
    `stream: ${P} lanes per beat, rows of 1..${s.maxN} elements (at most ${maxBeats} beats), keep bit per lane in tuser`,
    `row stores: ${depth1} + ${depth2} beats x ${wordBits} bits = ${sp.memoryBits} bits (block RAM); row queues ${queue} rows deep`,
    `pipeline: ${stages.filter((x) => x.registers > 0).map((x) => `${x.name} ${x.registers}`).join(', ')}`,
    `latency of a row of len elements: ${latencyFormula} cycles (last input beat to last output beat; ${plan.latency} for maxN)`,
    `throughput: ${P} elements per cycle across back-to-back rows (${THROUGHPUT_ROWS} rows of ${s.maxN} in ${sp.throughputCycles} cycles)`,
  ];
  return sp;
}

/** A row as it enters the block: `x[i]` and its keep bit, in element order. */
export interface Row {
  x: number[];
  keep: boolean[];
}

/** Bit-exact outputs of one row: the parallel model on the kept elements, 0 where masked. */
export function streamModel(sp: StreamPlan, row: Row): number[] {
  const kept = row.x.filter((_, i) => row.keep[i]);
  const y = new Array<number>(row.x.length).fill(0);
  if (kept.length === 0) return y;
  const yk = modelTrace(sp.plan, kept).y;
  let j = 0;
  row.x.forEach((_, i) => {
    if (row.keep[i]) y[i] = yk[j++]!;
  });
  return y;
}
