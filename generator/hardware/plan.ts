/**
 * Stage 2 of the flow, complete: the numerics' plan (generator/numerics/plan.ts) with its pipeline.
 * A parallel block's registers are placed here by the delay model (archs/parallel.ts); a stream
 * block's plan is archs/stream.ts's makeStreamPlan, built on this one.
 */
import type { Config, Plan } from '../numerics/types.js';
import { planNumerics } from '../numerics/plan.js';
import { scheduleParallel } from './archs/parallel.js';

export function makePlan(config: Config): Plan {
  const plan = planNumerics(config);
  if (config.arch === 'parallel') {
    plan.schedule = scheduleParallel(plan);
    plan.latency = plan.schedule.latency;
  }
  return plan;
}
