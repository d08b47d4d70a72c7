/**
 * The README's table of the committed stream blocks (presets/ with arch "stream"): lanes, maxN, method
 * (one pass for an online sum),
 * latency formula and value, row-store bits and the sustained throughput. The throughput is the
 * cycle count the testbench's phase 0 must measure (verify fails otherwise; test/generated.test.ts
 * simulates every committed block).
 *
 *   npx tsx scripts/stream-table.ts            print the table
 *   npx tsx scripts/stream-table.ts --write    also replace it in README.md
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../generator/cli/flow.js';
import { makeStreamPlan } from '../generator/hardware/archs/stream.js';
import { ROOT } from '../generator/core/version.js';

const MARK = ['<!-- stream-table:begin (npx tsx scripts/stream-table.ts --write) -->', '<!-- stream-table:end -->'] as const;

export function streamTable(): string {
  const rows = [
    '| block | P | maxN | method | latency formula | latency at maxN | row stores (bits) | throughput (elements/cycle) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const f of readdirSync(join(ROOT, 'presets')).sort()) {
    if (!f.endsWith('.json')) continue;
    const c = loadConfig(join(ROOT, 'presets', f));
    if (c.arch !== 'stream') continue;
    const sp = makeStreamPlan(c);
    const tp = (sp.throughputRows * sp.maxN) / sp.throughputCycles;
    rows.push(
      `| ${c.name} | ${sp.lanes} | ${sp.maxN} | ${c.method.name} ${c.method.addressing}${sp.rowPasses === 1 ? ', online sum (one pass)' : ''} | ${sp.latencyFormula} | ${sp.latencyMaxN} | ` +
        `${sp.memoryBits} (${sp.depth2 ? `${sp.depth1} + ${sp.depth2}` : sp.depth1} x ${sp.wordBits}) | ${tp.toFixed(3)} (${sp.throughputRows} rows of maxN in ${sp.throughputCycles} cycles) |`,
    );
  }
  return rows.join('\n');
}

/** The text between the markers, or null. */
export function streamSection(readme: string): string | null {
  const parts = readme.split(MARK[0]);
  if (parts.length !== 2 || !parts[1]!.includes(MARK[1])) return null;
  return parts[1]!.split(MARK[1])[0]!.trim();
}

if (process.argv[1]?.endsWith('stream-table.ts')) {
  const table = streamTable();
  console.log(table);
  if (process.argv.includes('--write')) {
    const path = join(ROOT, 'README.md');
    const readme = readFileSync(path, 'utf8');
    if (streamSection(readme) === null) throw new Error(`README.md has no ${MARK[0]} ... ${MARK[1]} section`);
    const [head, rest] = readme.split(MARK[0]);
    writeFileSync(path, `${head}${MARK[0]}\n${table}\n${MARK[1]}${rest!.split(MARK[1])[1]}`);
    console.log('README.md updated');
  }
}
