/**
 * The larger random sweep behind the property-based tests: random valid configs (fast-check, seeded),
 * each generated, linted with Verilator -Wall (zero warnings expected) and simulated bit-exactly in
 * Icarus. Prints a progress line per config and a summary; exit status 1 on any failure.
 *   npm run sweep [-- --count 60 --seed 1 --max-n 32]
 */
import fc from 'fast-check';
import { checkConfig, plannable, rawConfig } from '../test/arbitraries.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const count = arg('--count', 60);
const seed = arg('--seed', 1);
const maxN = arg('--max-n', 32);
const t0 = Date.now();
const samples = fc.sample(rawConfig({ maxN, maxVectors: 150 }), { numRuns: count * 3, seed });
let checked = 0;
let rejected = 0;
const failures: string[] = [];
for (const raw of samples) {
  if (checked === count) break;
  const c = plannable(raw);
  if (!c) {
    rejected++;
    continue;
  }
  checked++;
  const r = checkConfig(c);
  const ok = !r.problem && r.lintWarnings.length === 0;
  if (!ok) failures.push(`${JSON.stringify(raw)}: ${r.problem ?? ''} ${r.lintWarnings.join(' | ')}`);
  const shape = c.arch === 'stream' ? `stream P=${c.stream!.lanes} maxN=${c.stream!.maxN}` : `parallel n=${c.n}`;
  console.log(
    `sweep: [${checked}/${count}] ${shape} in ${c.input.width}.${c.input.frac} out ${c.output.width}.${c.output.frac} ${c.method.name} ${c.method.addressing} ` +
      `latency ${r.latency}: ${ok ? 'lint clean, bit-exact' : 'FAIL'} (${Math.round((Date.now() - t0) / 1000)} s)`,
  );
}
console.log(
  `sweep: ${checked} random configs generated, linted and simulated; ${checked - failures.length} lint clean (verilator -Wall, zero warnings) and bit-exact; ` +
    `${rejected} drawn configs rejected by the plan with a ConfigError; ${Math.round((Date.now() - t0) / 1000)} s`,
);
for (const f of failures) console.log(`sweep: FAIL ${f}`);
if (failures.length || checked < count) process.exitCode = 1;
