/**
 * Fmax harness: a Verilog-2001 top `<top>_harness` with four pins (clk, rstn, sin, sout; no rstn for
 * a block without a reset) around a block whose I/O bits exceed the package's pins, so that nextpnr
 * can place and route it.
 *
 * Every block input other than the clock and the reset is driven by a register of one serial-in
 * shift chain fed by `sin`, so no input is constant and nothing is folded away. Each chain register
 * takes the inverse of the one before it (a LUT beside each chain register, off the block's paths):
 * with a plain copy, a block register that samples a port unconditionally (x_in of a parallel block
 * with the output FIFO) has the same D input as the next chain register, and Yosys merges the two,
 * so that the block's first logic reads registers strung along the chain (on a 4-element block for
 * ecp5 with the FIFO, 64 of the block's flip-flops were gone from the placed design). Every block output
 * is registered, and those registers are XOR-reduced into `sout` by a tree of registered levels, four
 * bits into one per level (one LUT4 between two registers), so no output is optimised away and the
 * tree is not the critical path.
 *
 * What the Fmax of the harness measures:
 * - the block's internal register-to-register paths, as on bare pins;
 * - in addition, the paths from the block's inputs to its first registers and from its last
 *   registers to its outputs, now between harness registers. The harness adds no logic on them: the
 *   chain registers drive the block's input ports directly and the output registers take its output
 *   ports directly. Where the block registers a port (the generated blocks register s_axis_tdata and
 *   m_axis_tdata), that path is a register-to-register hop with routing only. Where it does not (the
 *   generated blocks' m_axis_tready -> ce -> every stage's enable, and s_axis_tready = ce), the
 *   block's own logic on that port is timed, which a bare-pin run leaves out of its Fmax as an I/O
 *   path. So the harness times a superset of the bare-pin paths; its Fmax differs from a bare-pin one
 *   by that, and by a different placement (softmax_default at --freq 100 --seed 1: 124.98 MHz through
 *   the harness, its critical path inside a lane; 127.4 MHz on bare pins).
 * What it does not measure: pad delays and the routes to the pins of a real I/O ring (the harness
 *   registers are placed freely next to the block's logic, so no pinout constrains the placement),
 *   and the reset: rstn drives the block's reset port straight from its pin, as on bare pins, so
 *   reset paths stay I/O paths.
 * The harness adds flip-flops (harnessRegisters) to the placed design: the logic-cell figure of a
 * harness run counts them; the block's own cell counts come from the block alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireTool, run } from '../evidence/runner.js';

/** One port of a module's ANSI header. */
export interface Port {
  dir: 'input' | 'output';
  name: string;
  width: number;
}

/** Clock and reset ports of the block, connected to the harness's clk and rstn pins. */
export interface HarnessOptions {
  clock?: string;
  reset?: string;
}

export const HARNESS_PINS = ['clk', 'rstn', 'sin', 'sout'] as const;

export function harnessName(top: string): string {
  return `${top}_harness`;
}

/** The value of an integer constant expression of numbers, + - * / % and parentheses. */
export function evalConst(expr: string): number {
  const toks = expr.match(/\d+|[-+*/%()]|\S/g) ?? [];
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`cannot evaluate the port width expression "${expr}": ${why}`);
  };
  const atom = (): number => {
    const t = toks[at++];
    if (t === undefined) return fail('it ends early');
    if (/^\d+$/.test(t)) return Number(t);
    if (t === '-') return -atom();
    if (t === '+') return atom();
    if (t === '(') {
      const v = sum();
      if (toks[at++] !== ')') fail('a parenthesis is not closed');
      return v;
    }
    return fail(`"${t}" is not a number (parameters are not supported)`);
  };
  const product = (): number => {
    let v = atom();
    while (toks[at] === '*' || toks[at] === '/' || toks[at] === '%') {
      const op = toks[at++]!;
      const r = atom();
      if (op !== '*' && r === 0) fail('division by zero');
      v = op === '*' ? v * r : op === '/' ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (toks[at] === '+' || toks[at] === '-') v = toks[at++] === '+' ? v + product() : v - product();
    return v;
  };
  const v = sum();
  if (at !== toks.length) fail(`unexpected "${toks[at]}"`);
  return v;
}

/**
 * The ports of module `top` in Verilog text, in header order: ANSI declarations `input wire [msb:lsb]
 * name`, `output wire ...`, `output reg ...` (wire/reg/signed optional; a name list shares the
 * declaration before it). Throws when the module is missing, has no ANSI header or an inout port.
 */
export function parsePorts(rtl: string, top: string): Port[] {
  const text = rtl.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
  const m = new RegExp(`\\bmodule\\s+${top}\\s*(#\\s*\\([\\s\\S]*?\\)\\s*)?\\(([\\s\\S]*?)\\)\\s*;`).exec(text);
  if (!m) throw new Error(`module ${top} with a port list was not found`);
  const ports: Port[] = [];
  let dir: Port['dir'] | undefined;
  let width = 1;
  for (const raw of m[2]!.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    const d = /^(input|output|inout)\b\s*(?:(?:wire|reg|logic)\b\s*)?(?:signed\b\s*)?(?:\[([^:\]]+):([^\]]+)\]\s*)?([A-Za-z_][\w$]*)$/.exec(item);
    if (d) {
      if (d[1] === 'inout') throw new Error(`${top}: inout port ${d[4]} is not supported by the harness`);
      dir = d[1] as Port['dir'];
      width = d[2] === undefined ? 1 : Math.abs(evalConst(d[2]) - evalConst(d[3]!)) + 1;
      ports.push({ dir, name: d[4]!, width });
    } else if (/^[A-Za-z_][\w$]*$/.test(item) && dir) {
      ports.push({ dir, name: item, width });
    } else {
      throw new Error(`${top}: cannot read the port declaration "${item}" (an ANSI header is needed)`);
    }
  }
  if (!ports.length) throw new Error(`${top}: no ports`);
  return ports;
}

/** Widths of the harness's output XOR tree, from the output registers (level 0) down to one bit. */
function treeLevels(outBits: number): number[] {
  const levels = [outBits];
  while (levels[levels.length - 1]! > 1) levels.push(Math.ceil(levels[levels.length - 1]! / 4));
  return levels;
}

/** The block's data inputs and outputs (every port but the clock and the reset). */
function dataPorts(ports: Port[], o: HarnessOptions) {
  const clock = o.clock ?? 'aclk';
  const reset = o.reset ?? 'aresetn';
  const ins = ports.filter((p) => p.dir === 'input' && p.name !== clock && p.name !== reset);
  const outs = ports.filter((p) => p.dir === 'output');
  return { clock, reset, ins, outs, inBits: ins.reduce((a, p) => a + p.width, 0), outBits: outs.reduce((a, p) => a + p.width, 0) };
}

/** Flip-flops the harness adds around the block: the input chain, the output registers, the XOR tree. */
export function harnessRegisters(ports: Port[], o: HarnessOptions = {}): number {
  const { inBits, outBits } = dataPorts(ports, o);
  return inBits + treeLevels(outBits).reduce((a, w) => a + w, 0);
}

const slice = (v: string, lo: number, w: number) => (w === 1 ? `${v}[${lo}]` : `${v}[${lo + w - 1}:${lo}]`);

/** The harness module's Verilog text (the block's RTL is read next to it). */
export function harnessVerilog(top: string, ports: Port[], o: HarnessOptions = {}): string {
  const { clock, reset, ins, outs, inBits, outBits } = dataPorts(ports, o);
  if (!ports.some((p) => p.dir === 'input' && p.name === clock)) throw new Error(`${top}: no clock input "${clock}"`);
  if (!inBits) throw new Error(`${top}: no data inputs for the harness to drive`);
  if (!outBits) throw new Error(`${top}: no outputs for the harness to observe`);
  const hasReset = ports.some((p) => p.dir === 'input' && p.name === reset);
  const levels = treeLevels(outBits);
  const name = harnessName(top);
  const L: string[] = [
    `// ${name}: Fmax harness of ${top} (generator/measure/harness.ts). Pins: clk, ${hasReset ? 'rstn, ' : ''}sin, sout.`,
    `// Block inputs (${inBits} bits) from a serial-in chain fed by sin; block outputs (${outBits} bits) registered and`,
    `// XOR-reduced into sout, four bits into one per registered level (${levels.length - 1} levels). Its Fmax times the`,
    `// block's register-to-register paths and its port paths between harness registers, not pads or reset.`,
    '`timescale 1ns / 1ps',
    '`default_nettype none',
    '',
    `module ${name} (`,
    '  input  wire clk,',
    ...(hasReset ? ['  input  wire rstn,'] : []),
    '  input  wire sin,',
    '  output wire sout',
    ');',
    '',
    `  // serial-in chain: chain[0] takes sin, every register drives one block input bit and the next`,
    `  // register takes its inverse, so that no chain register has the D input of a block register that`,
    `  // samples the port (Yosys would merge the two, and the block's first logic would read the chain)`,
    `  reg  [${inBits - 1}:0] chain;`,
    `  always @(posedge clk) chain <= ${inBits === 1 ? 'sin' : `{~chain[${inBits - 2}:0], sin}`};`,
    '',
  ];
  for (const p of outs) L.push(`  wire ${p.width === 1 ? '' : `[${p.width - 1}:0] `}dut_${p.name};`);
  const conns: string[] = [`.${clock}(clk)`];
  if (hasReset) conns.push(`.${reset}(rstn)`);
  let lo = 0;
  for (const p of ins) {
    conns.push(`.${p.name}(${slice('chain', lo, p.width)})`);
    lo += p.width;
  }
  for (const p of outs) conns.push(`.${p.name}(dut_${p.name})`);
  L.push('', `  ${top} dut (`, ...conns.map((c, i) => `    ${c}${i < conns.length - 1 ? ',' : ''}`), '  );', '');
  L.push('  // output registers (level 0 of the XOR tree)', `  reg  [${outBits - 1}:0] x0;`, '  always @(posedge clk) begin');
  lo = 0;
  for (const p of outs) {
    L.push(`    ${slice('x0', lo, p.width)} <= dut_${p.name};`);
    lo += p.width;
  }
  L.push('  end');
  for (let k = 1; k < levels.length; k++) {
    const below = levels[k - 1]!;
    L.push('', `  // XOR tree level ${k}: bit i is the XOR of bits 4i..4i+3 of level ${k - 1}`, `  reg  [${levels[k]! - 1}:0] x${k};`, '  always @(posedge clk) begin');
    for (let i = 0; i < levels[k]!; i++) {
      const w = Math.min(4, below - 4 * i);
      L.push(`    x${k}[${i}] <= ${w === 1 ? `x${k - 1}[${4 * i}]` : `^${slice(`x${k - 1}`, 4 * i, w)}`};`);
    }
    L.push('  end');
  }
  L.push('', `  assign sout = x${levels.length - 1}[0];`, '', 'endmodule', '', '`default_nettype wire', '');
  return L.join('\n');
}

/** The harness of the module `top` in the Verilog text rtl (ports parsed from its header). */
export function harnessFor(
  rtl: string,
  top: string,
  o: HarnessOptions = {},
): { name: string; text: string; ports: Port[]; pins: string[]; registers: number } {
  const ports = parsePorts(rtl, top);
  const hasReset = ports.some((p) => p.dir === 'input' && p.name === (o.reset ?? 'aresetn'));
  const pins = HARNESS_PINS.filter((p) => hasReset || p !== 'rstn');
  return { name: harnessName(top), text: harnessVerilog(top, ports, o), ports, pins, registers: harnessRegisters(ports, o) };
}

/**
 * Verilator -Wall lint of the harness (written to a temporary <top>_harness.v) together with the
 * block's RTL file; returns the warning lines, empty when clean. Verilator missing: ToolMissing.
 */
export function lintHarness(rtlFile: string, harness: string, top: string): string[] {
  const verilator = requireTool('verilator', 'verilator');
  const work = mkdtempSync(join(tmpdir(), 'softmax-lut-harness-'));
  try {
    const file = join(work, `${harnessName(top)}.v`);
    writeFileSync(file, harness);
    const r = run(verilator, ['--lint-only', '-Wall', '--top-module', harnessName(top), file, resolve(rtlFile)], work, 300_000);
    const lines = (r.stdout + r.stderr).split('\n').filter((l) => l.startsWith('%'));
    if (r.status !== 0 && lines.length === 0) lines.push(`verilator exited with status ${r.status}${r.error ? `: ${r.error.message}` : ''}`);
    return lines;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
