import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The fast tier (npm run test:fast, at most 2 minutes on 2 cores): the unit and property tests and
 * one simulation per architecture (smoke.test.ts). `npm test` runs these and everything else: the
 * simulations of every method and preset, synthesis, the README tables, the report, the package.
 */
export const FAST = [
  'accuracy',
  'adversarial',
  'baselines',
  'bound',
  'config',
  'divide',
  'ecp5-rtl',
  'emulator',
  'formats',
  'fuzz',
  'layers',
  'model',
  'narrow',
  'numerics',
  'online',
  'output-fifo',
  'packaging',
  'pipeline',
  'property',
  'scale',
  'smoke',
  'timing',
  'tools',
  'wide',
  'yosys-check',
];

export default defineConfig({ test: { ...base.test, include: FAST.map((f) => `test/${f}.test.ts`) } });
