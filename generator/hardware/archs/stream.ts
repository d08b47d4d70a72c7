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
 *
 * A method with Softermax's online sum (MethodPlan.expOnline) takes two passes and one store instead
 * (templates/stream1.v.hbs): pass A also sums each lane's exact power of two relative to a fixed
 * reference (passATerms), and pass C reads store 1, shifts the row's sum to the row's own reference
 * and normalises; the latency then counts the row's beats once (rowPasses 1).
 */
import { clog2 } from '../../core/bits.js';
import { expStage, passATerms, passC, streamTree } from './stream-passes.js';
import { modelTrace } from '../../numerics/model.js';
import { makePlan } from '../plan.js';
import { outputFifoDepth } from './fifo.js';
import type { Plan, Config } from '../../numerics/types.js';

export interface StreamPlan {
  plan: Plan;
  /** The pipelines of the passes, built by the pipeline builder (their code and cycles). */
  parts: {
    maxT: ReturnType<typeof streamTree>;
    sumT: ReturnType<typeof streamTree>;
    /** Two passes over the row (A max, B sum): pass B's exponent stage. */
    expB?: ReturnType<typeof expStage>;
    /** One pass (an online sum): pass A's powers of two. */
    termsA?: ReturnType<typeof passATerms>;
    expC: ReturnType<typeof expStage>;
    pc: ReturnType<typeof passC>;
  };
  /**
   * Passes that read the whole row before its output: 2 (A finds the max, B the sum), or 1 when the
   * method has Softermax's online sum (MethodPlan.expOnline): pass A finds both, one row store.
   */
  rowPasses: 1 | 2;
  /** Lanes per beat and the longest row. */
  lanes: number;
  maxN: number;
  /** Beats of the longest row: ceil(maxN / P). */
  maxBeats: number;
  /** Registered levels of the max and sum trees over P lanes. */
  maxRegs: number;
  sumRegs: number;
  /** Depths (beats) of the row stores (depth2 0: none, one pass), and the row-queue depth. */
  depth1: number;
  depth2: number;
  queue: number;
  /** pipeline.outputFifo: the beats of the output FIFO's memory (pass C runs without a clock enable). */
  fifoDepth?: number;
  /** Word of a row store: P elements and P keep bits. */
  wordBits: number;
  memoryBits: number;
  /** Latency of a row of `beats` beats = rowPasses * beats + latencyConst. */
  latencyConst: number;
  latencyFormula: string;
  latencyMaxN: number;
  /** Rows of maxN elements in the throughput phase, and the cycles they take at each port. */
  throughputRows: number;
  throughputCycles: number;
}

export const THROUGHPUT_ROWS = 8;

export function latencyOf(sp: StreamPlan, len: number): number {
  return sp.rowPasses * Math.ceil(len / sp.lanes) + sp.latencyConst;
}

export function makeStreamPlan(config: Config): StreamPlan {
  const s = config.stream!;
  const plan = makePlan(config); // n = maxN: S of any row lies in the range of a maxN-element vector
  const P = s.lanes;
  // the max and sum trees: registers where the delay model (or pipeline.treeLevelsPerStage) puts them
  // and the registers it puts between the store reads and the exponent registers (b_e, c_e), and in
  // pass C's normalisation and lanes; built once here, rendered as they are (stream-rtl.ts)
  const maxBeats = Math.ceil(s.maxN / P);
  const wordBits = P * (config.input.width + 1);
  let parts: StreamPlan['parts'];
  let depth1: number;
  let depth2: number;
  let queue: number;
  let latencyConst: number;
  let stages: { name: string; registers: number }[];
  const onePass = plan.mp.expOnline !== undefined;
  // pipeline.outputFifo (two passes only: planNumerics rejects it with an online sum)
  const fifo = config.pipeline.outputFifo;
  let fifoDepth: number | undefined;
  if (onePass) {
    // one pass: pass A finds the max and the sum of powers of two; pass C reads store 1
    const termsA = passATerms(plan, P);
    const maxT = streamTree(plan, P, 'max');
    const sumT = streamTree(plan, P, 'sum', { input: termsA.out, last: termsA.last, valid: termsA.valid, w: termsA.w });
    parts = { maxT, sumT, termsA, expC: expStage(plan, P, 'c'), pc: passC(plan, P) };
    const sumPipe = termsA.cycles + sumT.cycles;
    // pass C takes a row once its sum is known; the row's max is pushed first
    if (sumPipe <= maxT.cycles) throw new Error(`internal: stream one pass: the sum pipeline (${sumPipe}) is not longer than the max pipeline (${maxT.cycles})`);
    // store 1: a row, plus the beats of the next row taken while the row's sum leaves pass A
    // (the input register, the running sum, its carry and push register, the registered c_has); one
    // beat less stalls the input (measured: the one-pass tests of test/stream.test.ts fail at + 3)
    depth1 = maxBeats + sumPipe + 4;
    depth2 = 0;
    queue = 2 ** clog2(sumPipe + 4 + 2);
    latencyConst = sumPipe + parts.expC.cycles + parts.pc.cycles + 5;
    stages = [
      { name: 'A: input register', registers: 1 },
      { name: `A: max tree over ${P} lanes (${clog2(P)} levels)`, registers: maxT.cycles },
      { name: 'A: powers of two relative to MTOP', registers: termsA.cycles },
      { name: `A: sum tree over ${P} lanes (${clog2(P)} levels)`, registers: sumT.cycles },
      { name: 'A: running max and sum, row queue', registers: 1 },
      { name: 'C: store 1 read', registers: 1 },
      { name: "C: d' = M - x, exponent", registers: parts.expC.cycles + 1 },
      { name: `C: the sum to the row reference, normalisation (${plan.method.name}, ${config.method.addressing}) and lanes, for ${config.pipeline.targetMHz} MHz on ${config.pipeline.device}`, registers: parts.pc.cycles },
      { name: fifo ? 'C: output FIFO and its head register' : 'C: output (per lane)', registers: fifo ? 2 : 1 },
    ];
  } else {
    parts = {
      maxT: streamTree(plan, P, 'max'),
      sumT: streamTree(plan, P, 'sum'),
      expB: expStage(plan, P, 'b'),
      expC: expStage(plan, P, 'c'),
      pc: passC(plan, P),
    };
    const maxRegs = parts.maxT.cycles;
    const sumRegs = parts.sumT.cycles;
    const bExp = parts.expB!.cycles;
    const cExp = parts.expC.cycles;
    const cCycles = parts.pc.cycles;
    // store 1: a row, plus the maxRegs + 3 beats of the next row taken while the row's max leaves the
    // max pipeline (input register, tree registers, running max, the registered ready); one beat less
    // stalls the input
    // (four more with pipeline.outputFifo: pass B sees the row's max two cycles later, and the count
    // frees a beat two cycles after pass B's decision: the event crosses the block in two registers)
    depth1 = maxBeats + maxRegs + 3 + (fifo ? 4 : 0);
    // store 2: a row, plus the sumRegs + bExp + 4 beats of the next row copied while the row's sum
    // leaves the sum pipeline (store read, exponent registers, tree registers, running sum, the
    // registered room flag); one less stalls pass B
    // (five more with pipeline.outputFifo: pass B's datapath a cycle behind its decisions, pass C
    // seeing the row's sum two cycles later, and the count freeing a beat two cycles after pass C's
    // decision)
    depth2 = maxBeats + sumRegs + bExp + 4 + (fifo ? 5 : 0);
    queue = 2 ** clog2(Math.max(maxRegs + 3, sumRegs + bExp + 4) + 2);
    // pipeline.outputFifo: seven cycles more: the FIFO's write before the head register, the datapaths
    // of passes B and C each a cycle behind its pass's decisions, and passes B and C each seeing the
    // row's max or sum two cycles later (two registers across the block: stream.v.hbs)
    latencyConst = maxRegs + sumRegs + bExp + cExp + cCycles + 6 + (fifo ? 7 : 0);
    // the beats issued by pass C and not yet counted as read with a sink that is always ready: the
    // decision's copy, the read register, cExp + 1 and cCycles registers, the FIFO's write, the head
    // register and the read's two registers (cExp + cCycles + 7); the FIFO and the head hold them, so
    // that the credits never stop pass C
    if (fifo) fifoDepth = outputFifoDepth(cExp + cCycles + 7);
    stages = [
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
      { name: fifo ? 'C: output FIFO and its head register' : 'C: output (per lane)', registers: fifo ? 2 : 1 },
    ];
  }
  const maxRegs = parts.maxT.cycles;
  const sumRegs = parts.sumT.cycles;
  const rowPasses = onePass ? 1 : 2;
  const latencyFormula = `${rowPasses === 1 ? '' : '2*'}ceil(len/${P}) + ${latencyConst}`;
  plan.latency = rowPasses * maxBeats + latencyConst;
  const sp: StreamPlan = {
    plan,
    parts,
    rowPasses,
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
    ...(fifoDepth === undefined ? {} : { fifoDepth }),
    latencyConst,
    latencyFormula,
    latencyMaxN: plan.latency,
    throughputRows: THROUGHPUT_ROWS,
    throughputCycles: THROUGHPUT_ROWS * maxBeats,
  };
  plan.timing = [
    `stream: ${P} lanes per beat, rows of 1..${s.maxN} elements (at most ${maxBeats} beats), keep bit per lane in tuser`,
    onePass
      ? `row store: ${depth1} beats x ${wordBits} bits = ${sp.memoryBits} bits (block RAM), one: the online sum is built in the pass that finds the max; row queue ${queue} rows deep`
      : `row stores: ${depth1} + ${depth2} beats x ${wordBits} bits = ${sp.memoryBits} bits (block RAM); row queues ${queue} rows deep`,
    ...(fifoDepth === undefined
      ? []
      : [`output FIFO: ${fifoDepth} beats x ${P * plan.common.ow + P + 1} bits and a head register; pass C runs without a clock enable and issues a beat while the FIFO has room for it (credits)`]),
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
