/** A pipeline as the builder scheduled it for a clock: its registers and each stage's estimate. */
import type { StageSummary } from './builder.js';
import type { DelayModel } from './delay.js';

/** A scheduled pipeline: its registers, the estimate of each stage, and the Verilog body. */
export interface Schedule {
  model: DelayModel;
  periodNs: number;
  /** Register stages from the edge that accepts a beat to the output register, both included. */
  latency: number;
  stages: StageSummary[];
  body: string;
  /** Modules the body instantiates (the range-reduced exponent, the lane), written after the block's module. */
  modules: string[];
  /** The banks of the output FIFO's registered read (generator/hardware/archs/fifo.ts), where it has them. */
  fifoBanks?: number;
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
