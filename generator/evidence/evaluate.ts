/**
 * Accuracy of a planned block over the workload set, from the bit-exact golden model (so every
 * figure holds for the RTL too), per workload and overall:
 *
 * - max, mean and RMS absolute error in output LSBs against the float softmax of the same quantised
 *   inputs times 2^OF, saturated at the largest code (PAPER.md, "What exact means");
 * - tie-aware argmax agreement (metrics.ts, argmaxAgrees);
 * - KL divergence KL(p || q) in nats, mean and max over vectors, where p is the float softmax and q the
 *   block's output codes, each code floored at half an LSB (a code 0 stands for "below half an LSB",
 *   which keeps KL finite) and renormalised to sum 1;
 * - worst |sum(y) - 1| in real units.
 *
 * `prepare` does the work that does not depend on the block (the float reference), once per set, so
 * that `evaluate` can be called for thousands of configurations. A vector may be shorter than n (a
 * stream block's rows are 1..maxN long): each is measured at its own length.
 * `evaluateWithAdversarial` adds the block's own adversarial workload (generator/evidence/adversarial.ts).
 */
import { floatSoftmax } from '../numerics/model.js';
import { expValue, expValues, laneValue, onlineOffset, onlineSumOf } from '../numerics/tables.js';
import { fix } from '../numerics/metrics.js';
import type { Workload } from './workloads.js';
import { adversarialWorkload } from './adversarial.js';
import type { Plan } from '../numerics/types.js';

export interface PreparedWorkload {
  name: string;
  description: string;
  vectors: number[][];
  /** max(x) - x_i per vector, each vector's max, the float softmax p per vector. */
  d: Int32Array[];
  max: number[];
  p: Float64Array[];
}

export interface Prepared {
  n: number;
  ifrac: number;
  /** input.scale of the format the references were computed for (1 when none). */
  scale: number;
  workloads: PreparedWorkload[];
}

export interface Metrics {
  vectors: number;
  maxErrLsb: number;
  meanErrLsb: number;
  /** The mean of y - y_ref: a bias (a table that leans one way) shows here, where the mean of |y - y_ref| cannot tell. */
  meanSignedErrLsb: number;
  rmsErrLsb: number;
  argmaxAgreement: number;
  klMean: number;
  klMax: number;
  worstSumErr: number;
}

export interface Evaluation {
  overall: Metrics;
  perWorkload: { name: string; description: string; metrics: Metrics }[];
  /** Signed error y - y_ref in LSB, counted in bins of `histogramBin` LSB (key: bin index). */
  histogram?: Map<number, number>;
}

export const HISTOGRAM_BIN = 0.25;

/** The float references of a workload set of vectors of 1..n elements (longer ones are an error). */
export function prepare(workloads: Workload[], n: number, ifrac: number, scale = 1): Prepared {
  return {
    n,
    ifrac,
    scale,
    workloads: workloads.map((w) => ({
      name: w.name,
      description: w.description,
      vectors: w.vectors,
      d: w.vectors.map((x) => {
        if (x.length < 1 || x.length > n) throw new Error(`internal: workload ${w.name}: a vector of ${x.length} elements (allowed: 1..${n})`);
        let m = x[0]!;
        for (const v of x) if (v > m) m = v;
        return Int32Array.from(x, (v) => m - v);
      }),
      max: w.vectors.map((x) => Math.max(...x)),
      p: w.vectors.map((x) => Float64Array.from(floatSoftmax(x, ifrac, scale))),
    })),
  };
}

interface Acc {
  vectors: number;
  count: number;
  maxErr: number;
  sumErr: number;
  sumSigned: number;
  sumSq: number;
  agree: number;
  klSum: number;
  klMax: number;
  worstSum: number;
}

const emptyAcc = (): Acc => ({ vectors: 0, count: 0, maxErr: 0, sumErr: 0, sumSigned: 0, sumSq: 0, agree: 0, klSum: 0, klMax: 0, worstSum: 0 });

function merge(a: Acc, b: Acc): Acc {
  return {
    vectors: a.vectors + b.vectors,
    count: a.count + b.count,
    maxErr: Math.max(a.maxErr, b.maxErr),
    sumErr: a.sumErr + b.sumErr,
    sumSigned: a.sumSigned + b.sumSigned,
    sumSq: a.sumSq + b.sumSq,
    agree: a.agree + b.agree,
    klSum: a.klSum + b.klSum,
    klMax: Math.max(a.klMax, b.klMax),
    worstSum: Math.max(a.worstSum, b.worstSum),
  };
}

function finish(a: Acc): Metrics {
  return {
    vectors: a.vectors,
    maxErrLsb: fix(a.maxErr),
    meanErrLsb: fix(a.sumErr / Math.max(1, a.count)),
    meanSignedErrLsb: fix(a.sumSigned / Math.max(1, a.count)),
    rmsErrLsb: fix(Math.sqrt(a.sumSq / Math.max(1, a.count))),
    argmaxAgreement: fix(a.agree / Math.max(1, a.vectors)),
    klMean: Number((a.klSum / Math.max(1, a.vectors)).toExponential(4)),
    klMax: Number(a.klMax.toExponential(4)),
    worstSumErr: fix(a.worstSum, 6),
  };
}

/** Evaluate a plan over a prepared set. `histogram` also collects the signed-error histogram. */
export function evaluate(plan: Plan, set: Prepared, opts: { histogram?: boolean } = {}): Evaluation {
  const { method, mp, common } = plan;
  if (common.n !== set.n || common.ifrac !== set.ifrac || common.inScale !== set.scale) throw new Error('internal: workload set prepared for another format');
  // an online sum (IntMax): every d reads d' = d + o, up to dMax + granule - 1
  const on = mp.expOnline;
  const exp = on ? Float64Array.from(on.sum, (_, d) => expValue(mp, d)) : expValues(mp, common.dw);
  const dp = new Int32Array(common.n);
  const scale = 2 ** common.ofrac;
  const cap = common.maxCode;
  const half = 0.5 / scale;
  const e = new Float64Array(common.n);
  const y = new Float64Array(common.n);
  const hist = opts.histogram ? new Map<number, number>() : undefined;
  const perWorkload: Evaluation['perWorkload'] = [];
  let all = emptyAcc();
  for (const w of set.workloads) {
    const a = emptyAcc();
    for (let v = 0; v < w.d.length; v++) {
      const d = w.d[v]!;
      const p = w.p[v]!;
      const n = d.length; // this vector's own length, 1..common.n
      if (n > common.n) throw new Error('internal: a vector longer than the block');
      let s = 0;
      const o = on ? onlineOffset(on, w.max[v]!) : 0;
      for (let i = 0; i < n; i++) {
        dp[i] = d[i]! + o;
        const ei = exp[dp[i]!]!;
        e[i] = ei;
        s += ei;
      }
      if (on) s = onlineSumOf(on, dp.subarray(0, n));
      const coef = method.normalize(mp, common, s);
      let total = 0;
      let qSum = 0;
      for (let i = 0; i < n; i++) {
        const yi = method.lane(mp, common, laneValue(mp, dp[i]!, e[i]!), coef);
        y[i] = yi;
        total += yi;
        qSum += Math.max(yi / scale, half);
        const ref = Math.min(cap, p[i]! * scale);
        const err = yi - ref;
        const ae = Math.abs(err);
        if (ae > a.maxErr) a.maxErr = ae;
        a.sumErr += ae;
        a.sumSigned += err;
        a.sumSq += ae * ae;
        if (hist) {
          const b = Math.floor(err / HISTOGRAM_BIN);
          hist.set(b, (hist.get(b) ?? 0) + 1);
        }
      }
      let kl = 0;
      for (let i = 0; i < n; i++) {
        const pi = p[i]!;
        if (pi > 0) kl += pi * Math.log(pi / (Math.max(y[i]! / scale, half) / qSum));
      }
      kl = Math.max(0, kl);
      a.klSum += kl;
      if (kl > a.klMax) a.klMax = kl;
      a.count += n;
      a.vectors++;
      a.worstSum = Math.max(a.worstSum, Math.abs(total / scale - 1));
      // tie-aware argmax (as metrics.ts argmaxAgrees): a lane with d = 0 holds the largest code
      let ym = -1;
      for (let i = 0; i < n; i++) if (y[i]! > ym) ym = y[i]!;
      for (let i = 0; i < n; i++) {
        if (d[i] === 0 && y[i] === ym) {
          a.agree++;
          break;
        }
      }
    }
    perWorkload.push({ name: w.name, description: w.description, metrics: finish(a) });
    all = merge(all, a);
  }
  return { overall: finish(all), perWorkload, histogram: hist };
}

/**
 * Evaluate a plan over a prepared shared set plus its own adversarial workload (vectors of each of
 * `lengths` elements, 1..n; generator/evidence/adversarial.ts): one Evaluation whose perWorkload ends with
 * 'adversarial' and whose overall covers both.
 */
export function evaluateWithAdversarial(plan: Plan, set: Prepared, lengths: number[] = [plan.common.n], opts: { histogram?: boolean } = {}): Evaluation {
  const adv = prepare([adversarialWorkload(plan, lengths)], set.n, set.ifrac, set.scale);
  return evaluate(plan, { n: set.n, ifrac: set.ifrac, scale: set.scale, workloads: [...set.workloads, ...adv.workloads] }, opts);
}
