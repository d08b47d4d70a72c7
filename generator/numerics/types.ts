import type { z } from 'zod';
import type { Pipe, Sig } from '../pipeline/builder.js';
import type { DeviceName } from '../pipeline/delay.js';
import type { Schedule } from '../pipeline/schedule.js';
import type { ExpCalc } from '../pipeline/stages.js';

export type { ExpCalc };

/** A constant ROM of the block. `values[k]` is the entry at address k. */
export interface Table {
  name: string;
  /** Short description for the RTL header and the manifest. */
  what: string;
  width: number;
  /** Address width of the ROM function in the RTL. */
  addrWidth: number;
  values: number[];
}

/** The online sum of an exponent unit (MethodPlan.expOnline). */
export interface OnlineSum {
  /** Codes per power of two: the max is rounded up to a multiple of it. */
  granule: number;
  /** The largest z = t >> F over every d' = 0..dMax + granule - 1. */
  zmax: number;
  /** sum[d'] = P[f] 2^(zmax - z) for d' = 0..dMax + granule - 1 (units 2^-zmax of e). */
  sum: number[];
}

/** Integer coefficients computed once per vector from the sum S. */
export type Coef = Record<string, number>;

/** What a method decided for one config: its tables, widths and pipeline depth. */
export interface MethodPlan {
  /** Resolved parameters, defaults filled in, in a stable order. */
  params: Record<string, number>;
  /** The exponent table: e = T[d >> expShift] for d >> expShift < length, else 0. */
  expTable: Table;
  /** Right shift applied to d before the exponent table. */
  expShift: number;
  /**
   * The range-reduced exponent's low table (methods/common.ts, expValue): e = round(T[d >> expShift] *
   * expLo[d mod 2^expShift] / 2^expLoFrac). Absent for a direct table.
   */
  expLo?: Table;
  expLoFrac?: number;
  /**
   * An exponent the RTL computes instead of reading expTable (I-BERT's polynomial, Softermax's base-2
   * shift): expTable still holds e for every d, as the golden model and the bound read it, but it is
   * no ROM of the block (generator/numerics/expcalc.ts).
   */
  expCalc?: ExpCalc;
  /**
   * Softermax's online sum (method.online, with the pow2 exponent): the row's reference is its max
   * rounded up to a whole power of two (IntMax: a multiple of `granule` codes), every element reads
   * e(d') with d' = d + o (o = that rounding, 0..granule-1), and S is the exact sum of the unrounded
   * powers of two, floored once: S = floor(sum sum[d'] / 2^zmax), sum[d'] = P[f] 2^(zmax - z). Exact,
   * so one pass with a running max builds it in any order (generator/numerics/pow2.ts).
   */
  expOnline?: OnlineSum;
  /** Tables other than the exponent table. */
  tables: Table[];
  /**
   * Whether the method honours pipeline.laneRegister (a register inside each lane, e.g. after the
   * product); the plan rejects the key for a method that does not.
   */
  laneRegister?: boolean;
  /**
   * What each output lane reads: its exponent entry e (EW bits; the default) or, 'd', its difference
   * d = max - x (DW bits), for a method whose lanes compute from d itself (logexp).
   */
  laneInput?: 'd';
  /** Human-readable plan lines: widths and how they were derived. */
  notes: string[];
  /** Anything else the method's model and template need (widths, shifts). */
  vars: Record<string, number>;
}

/**
 * The method's part of the pipeline, built from the shared stage builders (generator/pipeline/stages.ts)
 * so that the delay model places its registers, in either architecture.
 */
export interface MethodBuild {
  /** From the sum S (SW bits, in the module's scope) to the coefficients the lanes read. */
  norm(top: Pipe, sum: Sig): Record<string, Sig>;
  /**
   * One output lane (a generate block): from its input (e, EW bits; or d, DW bits, with laneInput 'd')
   * and the coefficients to y (OW bits, not registered).
   */
  lane(lane: Pipe, v: Sig, coefs: Record<string, Sig>): Sig;
  /**
   * Coefficients the lanes read only many stages in (the sum S, for correct rounding): an architecture
   * that registers the coefficients in every lane leaves these out, so that their delay line is built
   * once, in the block's module, and shared by the lanes.
   */
  late?: readonly string[];
}

/**
 * A softmax method is a plug-in: the rest of the generator knows only this interface.
 * The skeleton (max, d = max - x, exponent lookup, sum tree, output register) is common.
 */
export interface Method {
  name: string;
  /** One line for --help and the README. */
  summary: string;
  /**
   * A baseline to compare against (hls4ml-like, exact, ibert, softermax), not one of the block's own methods:
   * `--max-error` and the report's Pareto plot choose among the others (OWN_METHODS).
   */
  baseline: boolean;
  /** zod schema of the method's own keys (without name and addressing). */
  paramsSchema: z.ZodTypeAny;
  addressings: readonly string[];
  /** The addressing used when the config names none, for this output width (default: the first). */
  defaultAddressing?(outputWidth: number): string | undefined;
  /** The output.rounding values the method implements ('nearest' always). */
  roundings: readonly ('nearest' | 'correct')[];
  plan(common: CommonPlan, raw: Record<string, unknown>, addressing: string): MethodPlan;
  /** Bit-exact: the coefficients the normalisation stages compute from S. */
  normalize(plan: MethodPlan, common: CommonPlan, sum: number): Coef;
  /** Bit-exact: the output code of one lane, from its input v (e, or d with plan.laneInput 'd'). */
  lane(plan: MethodPlan, common: CommonPlan, v: number, coef: Coef): number;
  /** The method's part of the RTL: normalisation and lanes, pipelined by the builder. */
  build(plan: MethodPlan, common: CommonPlan): MethodBuild;
  /**
   * The error bound (generator/numerics/bound.ts): the sum's range [sMin, sMax] cut into contiguous cells of
   * integers, in ascending order, on each of which `normalize` returns the same coefficients. A
   * method whose coefficients are not piecewise constant (the divider) gives `outputRuns` instead.
   */
  sCells?(plan: MethodPlan, common: CommonPlan, sMin: number, sMax: number): SCell[] | undefined;
  /**
   * For one numerator e: [sMin, sMax] cut into contiguous runs, ascending, on each of which the
   * output code `lane(e, normalize(S))` is the same `y`.
   */
  outputRuns?(plan: MethodPlan, common: CommonPlan, e: number, sMin: number, sMax: number): OutputRun[] | undefined;
  /**
   * For the split error bound (generator/numerics/bound.ts): the most that a lane's output before saturation,
   * lane(e, normalize(S)), differs from 2^OF e / S, in output LSBs, over every 0 <= e <= S in range.
   */
  quotientError?(plan: MethodPlan, common: CommonPlan): number;
  /**
   * The constants the Python emulator (python/softmax_lut) needs beside the tables to compute what
   * normalize and lane compute: written into emulator.json (generator/numerics/emulator.ts).
   */
  emulation(plan: MethodPlan, common: CommonPlan): Record<string, number | string | boolean>;
  /**
   * The method's grids in the design-space sweep (`explore`, `--max-error`, the report's Pareto
   * plot; generator/explore/explore.ts), in the order they are swept.
   */
  sweep(s: SweepScale): SweepGrid[];
}

/** What a method's sweep is scaled by: the formats, n, and the planner's own exponent step. */
export interface SweepScale {
  n: number;
  iw: number;
  ow: number;
  /** The planner's default exponent step (expStepLog2) for these formats. */
  step: number;
  /** The next two coarser steps, as far as the input width allows. */
  coarse: number[];
  /** Widths ow + lo .. ow + hi, clipped to 2..24. */
  widths(lo: number, hi: number): number[];
  /** The integers a..b. */
  range(a: number, b: number): number[];
}

/** One grid of a sweep: every combination of the axes' values, at one addressing. */
export interface SweepGrid {
  addressing: string;
  axes: Record<string, number[]>;
}

/** Integers sLo..sHi of the sum S. */
export interface SCell {
  sLo: number;
  sHi: number;
}

/** Integers sLo..sHi of the sum S on which one numerator's output code is y. */
export interface OutputRun extends SCell {
  y: number;
}

/** A validated config with every default filled in. Method parameters stay raw until planned. */
export interface Config {
  name: string;
  /** Elements per vector (parallel); for arch 'stream' the longest row, stream.maxN. */
  n: number;
  /** scale: softmax(scale * x), present only when given; type: the type string it came from. */
  input: { width: number; frac: number; scale?: number; type?: string };
  /**
   * rounding: 'nearest' rounds the method's approximate quotient; 'correct' makes the output exactly
   * round(e_i 2^OF / S) of the table values. zeroPoint: added to the code on the port (TFLite int8).
   */
  output: { width: number; frac: number; rounding: 'nearest' | 'correct'; zeroPoint?: number; type?: string };
  arch: 'parallel' | 'stream';
  /** Only for arch 'stream'. */
  stream?: { lanes: number; maxN: number };
  method: { name: string; addressing: string; params: Record<string, unknown> };
  /**
   * The clock and device the delay model places registers for (generator/pipeline/), and overrides:
   * a register after every k tree levels; between d = max - x and the exponent table
   * (expAddrRegister); inside each output lane, e.g. after the multiplier (laneRegister).
   */
  pipeline: {
    targetMHz: number;
    device: DeviceName;
    treeLevelsPerStage?: number;
    expAddrRegister: boolean;
    laneRegister: boolean;
    outputSlice: boolean;
    /**
     * Registers without a clock enable, valid bits beside the data, and an output FIFO that holds
     * every vector in flight; s_axis_tready comes from a credit count (arch parallel).
     */
    outputFifo: boolean;
    /**
     * Delayed copies of RAM_DELAY_MIN or more cycles (a lane's e waiting for the coefficients) in
     * distributed RAM instead of chains of registers (arch parallel): fewer flip-flops.
     */
    ramDelays: boolean;
  };
  verify: { vectors: number; seed: number };
  /** Also write report.html (accuracy per workload, histogram, table curves, Pareto place). */
  report: boolean;
}

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
