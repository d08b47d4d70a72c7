/**
 * The pipelining knobs trade latency for Fmax and change nothing else: every setting simulates
 * bit-exactly with the latency the plan states (the testbench checks the latency of every beat),
 * and lints clean. Icarus and Verilator are required: without them these tests fail, never skip.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateBlock } from '../generator/flow.js';
import { makePlan } from '../generator/plan.js';
import { renderRtl } from '../generator/render.js';
import { lint } from '../testbench/runner.js';
import { cfg, generateTo } from './helpers.js';
import { validateConfig } from '../generator/config.js';
import { ConfigError } from '../generator/errors.js';
import { METHODS } from '../generator/methods/index.js';

// the paper's methods, every addressing (methods added later have their own tests)
const methods = METHODS.filter((m) => m.name === 'rexp' || m.name === 'lut2d').flatMap((m) => m.addressings.map((a) => [m.name, a] as const));

describe('pipeline registers: bit-exact, latency as planned, lint clean', () => {
  for (const [name, addressing] of methods) {
    it(`${name} ${addressing}: expAddrRegister and laneRegister each add one cycle`, () => {
      const base = { n: 5, method: { name, addressing }, verify: { vectors: 200, seed: 3 } };
      const p0 = makePlan(cfg(base));
      const pe = makePlan(cfg({ ...base, pipeline: { expAddrRegister: true } }));
      const pl = makePlan(cfg({ ...base, pipeline: { laneRegister: true } }));
      expect(pe.latency).toBe(p0.latency + 1);
      expect(pl.latency).toBe(p0.latency + 1);
      const config = cfg({ ...base, name: `pp_${name}_${addressing}`, pipeline: { expAddrRegister: true, laneRegister: true, treeLevelsPerStage: 1 } });
      const { block, dir } = generateTo(config);
      expect(block.plan.latency).toBe(makePlan(cfg({ ...base, pipeline: { treeLevelsPerStage: 1 } })).latency + 2);
      const r = simulateBlock(block, dir);
      expect(r.problem).toBeUndefined();
      expect(r.beats).toBe(400);
      expect(r.phase0Cycles).toBe(200);
      expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
    });
  }

  it('the default RTL does not mention the knobs; switching them on shows them in the header', () => {
    const v0 = renderRtl(makePlan(cfg()));
    expect(v0).not.toMatch(/laneRegister|expAddrRegister|d_q|shamt_l/);
    const v1 = renderRtl(makePlan(cfg({ pipeline: { laneRegister: true, expAddrRegister: true } })));
    expect(v1).toContain('"laneRegister": true');
    expect(v1).toContain('"expAddrRegister": true');
    expect(v1).toContain('d_q <= d;');
    expect(v1).toContain('shamt_l <= shamt;');
  });

  it('rejects non-boolean values naming the key', () => {
    for (const [key, value] of [
      ['laneRegister', 1],
      ['expAddrRegister', 'yes'],
    ] as const) {
      let err: unknown;
      try {
        validateConfig({ name: 'x', n: 4, input: { width: 8 }, output: { width: 8 }, method: { name: 'rexp' }, pipeline: { [key]: value } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).key).toBe(`pipeline.${key}`);
      expect((err as ConfigError).message).toContain('allowed: true or false');
    }
  });
});
