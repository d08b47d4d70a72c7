import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { requireTool } from '../generator/evidence/runner.js';

export interface MemCell {
  memid: string;
  size: number;
  width: number;
  syncRead: boolean;
}

/**
 * The row stores m1 and m2 as Yosys sees them after `synth -run :fine` (before any memory is
 * mapped to flip-flops): $mem_v2 cells, their depth, width and whether the read port is clocked.
 */
export function rowStores(dir: string, top: string): MemCell[] {
  const yosys = requireTool('yosys', 'yosys');
  const r = spawnSync(yosys, ['-p', `read_verilog ${join(dir, top + '.v')}; synth -top ${top} -run :fine; dump t:$mem_v2`], {
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`yosys failed: ${r.stderr}${r.stdout.slice(-2000)}`);
  const cells = r.stdout.split(/\n\s*cell \$mem_v2 /).slice(1);
  const out: MemCell[] = [];
  for (const c of cells) {
    const param = (k: string) => new RegExp(`parameter \\\\${k} (\\S+)`).exec(c)?.[1];
    const memid = /parameter \\MEMID "\\\\([A-Za-z0-9_]+)"/.exec(c)?.[1];
    if (memid !== 'm1' && memid !== 'm2') continue;
    out.push({ memid, size: Number(param('SIZE')), width: Number(param('WIDTH')), syncRead: param('RD_CLK_ENABLE') === "1'1" });
  }
  return out.sort((a, b) => a.memid.localeCompare(b.memid));
}

/**
 * Yosys's structural check right after proc, as an assertion (synth runs `check` there too but only
 * reports; after its opt passes an undriven or doubly driven wire is gone and a final `check -assert`
 * passes: tried on a broken block).
 */
export const PROC_CHECK = (top: string): string => `hierarchy -check -top ${top}; proc; opt_expr; opt_clean; check -assert`;

/**
 * The generated-block synthesis check: PROC_CHECK, then generic synth up to its gate-level techmap
 * (the coarse part, then the fine part's opt -fast -full; memory_map; opt -full) and `check -assert`
 * again (after the coarse part alone, Yosys 0.23 leaves undriven temporaries that fail it).
 */
export const yosysCheckScript = (top: string): string => `${PROC_CHECK(top)}; synth -top ${top} -run :fine; opt -fast -full; memory_map; opt -full; check -assert`;

/**
 * PROC_CHECK, then synth_ice40 of a block up to and through its RAM mapping (`-run :map_ffram`): which of the row
 * stores Yosys mapped to SB_RAM40_4K, and the RAM cell count (the same count the full flow gives:
 * 117 for softmax_stream_p16_n4096 either way; the full flow, whose logic mapping took that block
 * 243 s of the suite, runs in `npm run synth:presets`; each block's manifest test checks that its
 * figures are for the committed RTL).
 */
export function iceSynth(dir: string, top: string): { mapped: string[]; ramCells: number; log: string } {
  const yosys = requireTool('yosys', 'yosys');
  const r = spawnSync(yosys, ['-p', `read_verilog ${join(dir, top + '.v')}; ${PROC_CHECK(top)}; synth_ice40 -top ${top} -run :map_ffram; stat`], {
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`yosys failed: ${r.stderr}${r.stdout.slice(-2000)}`);
  const mapped = [...r.stdout.matchAll(new RegExp(`mapping memory ${top}\\.(m[12]) via \\$__ICE40_RAM4K_`, 'g'))].map((m) => m[1]!);
  const cells = [...r.stdout.matchAll(/SB_RAM40_4K\s+(\d+)/g)].map((m) => Number(m[1]));
  return { mapped: [...new Set(mapped)].sort(), ramCells: cells.length ? cells[cells.length - 1]! : 0, log: r.stdout };
}
