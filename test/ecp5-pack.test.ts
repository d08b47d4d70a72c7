/**
 * MULT18X18D register packing and DP16KD output register packing (generator/measure/ecp5-pack.ts):
 * unit tests on small hand-built Yosys JSON netlists, then three simulations of generated blocks:
 * synth_ecp5, pack, write_verilog, and the block's own testbench under Icarus, before and after
 * packing and with broken packings.
 *
 * Yosys's ECP5 library has no simulation model of MULT18X18D or DP16KD (cells_bb.v: blackboxes), so
 * the test brings behavioural ones (MULT18X18D_MODEL and DP16KD_MODEL below, test only): the
 * unpacked netlist passes with them first (the product and the table reads are right), then the
 * packed one (the registers are right), and the broken packings fail (an extra register; the clock
 * enable tied on, which the testbench's stalls catch).
 *
 * - A block pipelined for xc7 at 50 MHz, synthesised with -nobram (the tables in LUTs): the DSP pass.
 * - A block pipelined for ecp5, through measureEcp5's own Yosys commands (the tables in DP16KD):
 *   both passes (packEcp5), each table read's `_or` register going into the EBR's output register.
 * - A stream block pipelined for ecp5, the same way: its flip-flops' enable is inverted (CEMUX=INV,
 *   taken in through one LUT4 inverter) and its wide exponent tables are DP16KD in the 36-bit
 *   (pseudo dual port) mode; the stream testbench, with the inverter left out and with half of a
 *   36-bit read unregistered as the broken packings.
 */
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileNames, type Block } from '../generator/block/files.js';
import { ROOT } from '../generator/core/version.js';
import { requireTool, run, simulate } from '../generator/evidence/runner.js';
import { simulateStream } from '../generator/evidence/stream-runner.js';
import { packDspRegisters, packEbrOutputRegisters, packEcp5, paramInt, paramString } from '../generator/measure/ecp5-pack.js';
import { ecp5Script, venvTool } from '../generator/measure/ecp5.js';
import { cfg, generateTo, tmp } from './helpers.js';

// ------------------------------------------------------------------------------------------------
// Hand-built netlists
// ------------------------------------------------------------------------------------------------

type Bit = number | '0' | '1' | 'x';
interface Cell {
  hide_name: number;
  type: string;
  parameters: Record<string, string>;
  attributes: Record<string, string>;
  port_directions: Record<string, string>;
  connections: Record<string, Bit[]>;
}
interface Net {
  modules: Record<string, { attributes: Record<string, string>; ports: Record<string, { direction: string; bits: Bit[] }>; cells: Record<string, Cell>; netnames: Record<string, unknown> }>;
}

const CLK = 2;
const CE = 3;
const FF_PARAMS = { CEMUX: 'CE', CLKMUX: 'CLK', GSR: 'DISABLED', LSRMUX: 'LSR', REGSET: 'RESET' };

function ff(di: Bit, q: number, o: { ce?: Bit; lsr?: Bit; clk?: number; params?: Record<string, string> } = {}): Cell {
  return {
    hide_name: 0,
    type: 'TRELLIS_FF',
    parameters: { ...FF_PARAMS, ...o.params },
    attributes: { src: 'block.v:1.1-1.2' },
    port_directions: { CE: 'input', CLK: 'input', DI: 'input', LSR: 'input', Q: 'output' },
    connections: { CE: [o.ce ?? CE], CLK: [o.clk ?? CLK], DI: [di], LSR: [o.lsr ?? '0'], Q: [q] },
  };
}

/** A MULT18X18D as synth_ecp5 leaves it: no parameters, A/B/C/P and the four control pins. */
function dsp(a: Bit[], b: Bit[], p: Bit[]): Cell {
  const conn: Record<string, Bit[]> = {};
  const dirs: Record<string, string> = {};
  for (let i = 0; i < 18; i++) {
    conn[`A${i}`] = [a[i] ?? '0'];
    conn[`B${i}`] = [b[i] ?? '0'];
    conn[`C${i}`] = ['0'];
    dirs[`A${i}`] = dirs[`B${i}`] = dirs[`C${i}`] = 'input';
  }
  for (let i = 0; i < 36; i++) {
    conn[`P${i}`] = [p[i]!];
    dirs[`P${i}`] = 'output';
  }
  for (const k of ['SIGNEDA', 'SIGNEDB', 'SOURCEA', 'SOURCEB']) {
    conn[k] = ['0'];
    dirs[k] = 'input';
  }
  return { hide_name: 0, type: 'MULT18X18D', parameters: {}, attributes: { module_not_derived: '00000000000000000000000000000001' }, port_directions: dirs, connections: conn };
}

function lut(inputs: Bit[], z: number): Cell {
  return {
    hide_name: 0,
    type: 'LUT4',
    parameters: { INIT: '1010101010101010' },
    attributes: {},
    port_directions: { A: 'input', B: 'input', C: 'input', D: 'input', Z: 'output' },
    connections: { A: [inputs[0] ?? '0'], B: [inputs[1] ?? '0'], C: [inputs[2] ?? '0'], D: [inputs[3] ?? '0'], Z: [z] },
  };
}

const range = (lo: number, n: number) => Array.from({ length: n }, (_, i) => lo + i);

/**
 * One product y = a * b: a (4 bits, nets 10..13) -> ar (FFs, Q 20..23) -> A; b (3 bits, 14..16) ->
 * br (Q 24..26) -> B; P0..P6 (nets 30..36) -> pr (FFs, Q 40..46) -> y; P7..P35 unused (50..78).
 * `tweak` edits the cells before the netlist is returned.
 */
function product(tweak: (cells: Record<string, Cell>) => void = () => {}): Net {
  const cells: Record<string, Cell> = {};
  range(0, 4).forEach((i) => (cells[`ar_${i}`] = ff(10 + i, 20 + i)));
  range(0, 3).forEach((i) => (cells[`br_${i}`] = ff(14 + i, 24 + i)));
  cells.mul = dsp(range(20, 4), range(24, 3), [...range(30, 7), ...range(50, 29)]);
  range(0, 7).forEach((i) => (cells[`pr_${i}`] = ff(30 + i, 40 + i)));
  cells.other = lut([10, 11], 90);
  tweak(cells);
  return {
    modules: {
      // a library module as synth_ecp5 writes them: left as it is
      TRELLIS_FF: { attributes: { blackbox: '00000000000000000000000000000001' }, ports: {}, cells: {}, netnames: {} },
      top: {
        attributes: { top: '00000000000000000000000000000001' },
        ports: {
          clk: { direction: 'input', bits: [CLK] },
          ce: { direction: 'input', bits: [CE] },
          a: { direction: 'input', bits: range(10, 4) },
          b: { direction: 'input', bits: range(14, 3) },
          y: { direction: 'output', bits: range(40, 7) },
          z: { direction: 'output', bits: [90] },
        },
        cells,
        netnames: { ar: { hide_name: 0, bits: range(20, 4), attributes: {} } },
      },
    },
  };
}

const top = (n: unknown) => (n as Net).modules.top;
const ffsLeft = (n: unknown, prefix: string) => Object.keys(top(n).cells).filter((k) => k.startsWith(prefix)).length;

describe('MULT18X18D register packing: hand-built netlists', () => {
  it('a registered product: input A, input B and output registers go into the DSP', () => {
    const before = product();
    const copy = structuredClone(before);
    const r = packDspRegisters(before);
    expect(before).toEqual(copy); // the input is not changed
    expect(r).toMatchObject({ dsps: 1, absorbedA: 1, absorbedB: 1, absorbedOut: 1 });
    expect(r.note).toBe('MULT18X18D register packing: 1 DSPs, 1 A and 1 B input registers and 1 output registers absorbed');
    const m = top(r.netlist);
    // the 14 flip-flops are gone; the LUT, the ports, the netnames and the other module stay
    expect(Object.keys(m.cells).sort()).toEqual(['mul', 'other']);
    expect(m.cells.other).toEqual(before.modules.top.cells.other);
    expect(m.ports).toEqual(before.modules.top.ports);
    expect(m.netnames).toEqual(before.modules.top.netnames);
    expect((r.netlist as Net).modules.TRELLIS_FF).toEqual(before.modules.TRELLIS_FF);
    // the DSP, exactly
    const want = dsp(range(10, 4), range(14, 3), [...range(40, 7), ...range(50, 29)]);
    want.parameters = {
      REG_INPUTA_CLK: 'CLK0',
      REG_INPUTA_CE: 'CE0',
      REG_INPUTA_RST: 'RST0',
      REG_INPUTB_CLK: 'CLK0',
      REG_INPUTB_CE: 'CE0',
      REG_INPUTB_RST: 'RST0',
      REG_OUTPUT_CLK: 'CLK0',
      REG_OUTPUT_CE: 'CE0',
      REG_OUTPUT_RST: 'RST0',
      GSR: 'DISABLED',
    };
    // CLK0 the clock; all four CE pins the enable (CE1..CE3 unused: tied like CE0), all four RST pins 0
    Object.assign(want.connections, { CLK0: [CLK], CE0: [CE], CE1: [CE], CE2: [CE], CE3: [CE], RST0: ['0'], RST1: ['0'], RST2: ['0'], RST3: ['0'] });
    for (const k of ['CLK0', 'CE0', 'CE1', 'CE2', 'CE3', 'RST0', 'RST1', 'RST2', 'RST3']) want.port_directions[k] = 'input';
    expect(m.cells.mul).toEqual(want);
    expect(m.cells.mul!.parameters.REG_PIPELINE_CLK).toBeUndefined();
  });

  it('an input flip-flop with a second reader (logic, or a module port): the DSP takes a copy, the flip-flop stays for the other reader', () => {
    const r = packDspRegisters(product((c) => (c.other!.connections.A = [22])));
    expect(r).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 1 });
    // the flip-flop whose Q the LUT reads stays; the other three go
    expect(ffsLeft(r.netlist, 'ar_')).toBe(1);
    expect(top(r.netlist).cells.other!.connections.A).toEqual([22]);
    // the DSP reads the D net, its own register on
    expect(top(r.netlist).cells.mul!.connections.A2).toEqual([12]);
    expect(top(r.netlist).cells.mul!.parameters.REG_INPUTA_CLK).toBe('CLK0');
    expect(r.note).toMatch(/absorbed \(1 input register a copy: 1 flip-flop kept for its other readers\)$/);

    const net = product();
    net.modules.top.ports.dbg = { direction: 'output', bits: [25] };
    const s = packDspRegisters(net);
    expect(s).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 1 });
    expect(ffsLeft(s.netlist, 'br_')).toBe(1);
  });

  it('flip-flops on different clock enables, with a set/reset, or REGSET=SET are not absorbed', () => {
    const ce = packDspRegisters(product((c) => (c.ar_1!.connections.CE = [7])));
    expect(ce).toMatchObject({ absorbedA: 0, absorbedB: 1, absorbedOut: 1 });
    expect(ce.note).toMatch(/A: flip-flops on different clocks, enables or GSR settings/);
    const clk = packDspRegisters(product((c) => (c.br_2!.connections.CLK = [8])));
    expect(clk).toMatchObject({ absorbedA: 1, absorbedB: 0, absorbedOut: 1 });

    const lsr = packDspRegisters(product((c) => (c.ar_0!.connections.LSR = [9])));
    expect(lsr).toMatchObject({ absorbedA: 0, absorbedB: 1, absorbedOut: 1 });
    expect(lsr.note).toMatch(/A: a flip-flop with a set\/reset \(LSR\)/);
    expect(ffsLeft(lsr.netlist, 'ar_')).toBe(4);
    // a reset tied inactive through the inverting LSR mux is no reset
    const inv = packDspRegisters(product((c) => Object.assign(c.ar_0!, { parameters: { ...FF_PARAMS, LSRMUX: 'INV' }, connections: { ...c.ar_0!.connections, LSR: ['1'] } })));
    expect(inv.absorbedA).toBe(1);
    const lsrOut = packDspRegisters(product((c) => (c.pr_6!.connections.LSR = [9])));
    expect(lsrOut).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 0 });
    expect(ffsLeft(lsrOut.netlist, 'pr_')).toBe(7);

    const set = packDspRegisters(product((c) => (c.pr_3!.parameters.REGSET = 'SET')));
    expect(set).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 0 });
    expect(set.note).toMatch(/output: a flip-flop with REGSET=SET/);
    const inverted = packDspRegisters(product((c) => (c.br_0!.parameters.CLKMUX = 'INV')));
    expect(inverted.absorbedB).toBe(0);
  });

  it('constant A/B bits stay constant', () => {
    const r = packDspRegisters(product((c) => {
      c.mul!.connections.A5 = ['1'];
      c.mul!.connections.A6 = ['x'];
      c.mul!.connections.B17 = ['1'];
    }));
    expect(r).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 1 });
    const d = top(r.netlist).cells.mul!.connections;
    expect([d.A5, d.A6, d.A7, d.B17, d.B3]).toEqual([['1'], ['x'], ['0'], ['1'], ['0']]);
    expect([d.A0, d.A3, d.B0, d.B2]).toEqual([[10], [13], [14], [16]]);
  });

  it('a P bit that feeds logic, a port or two flip-flops keeps the output register out (the inputs still go in)', () => {
    const logic = packDspRegisters(product((c) => (c.other!.connections.B = [33])));
    expect(logic).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 0 });
    expect(logic.note).toMatch(/output: a P pin that feeds logic/);
    expect(ffsLeft(logic.netlist, 'pr_')).toBe(7);
    expect(top(logic.netlist).cells.mul!.connections.P3).toEqual([33]);
    expect(top(logic.netlist).cells.mul!.parameters.REG_OUTPUT_CLK).toBeUndefined();
    // ... as for a product Yosys splits over several DSPs and adds in LUTs
    const two = packDspRegisters(product((c) => (c.extra = ff(31, 60))));
    expect(two.absorbedOut).toBe(0);
    const net = product();
    net.modules.top.ports.p = { direction: 'output', bits: [36] };
    expect(packDspRegisters(net).absorbedOut).toBe(0);
  });

  it('an always-enabled flip-flop (CEMUX "1 ", as write_json writes it) gets its own CE index, tied to 1; the output register\'s is CE0', () => {
    const r = packDspRegisters(product((c) => {
      for (let i = 0; i < 7; i++) {
        c[`pr_${i}`]!.parameters.CEMUX = '1 ';
        delete c[`pr_${i}`]!.connections.CE;
      }
    }));
    expect(r).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 1 });
    const d = top(r.netlist).cells.mul!;
    // nextpnr-ecp5 does not write REG_OUTPUT_CE to the bitstream: the output register keeps CE0
    expect([d.parameters.REG_INPUTA_CE, d.parameters.REG_INPUTB_CE, d.parameters.REG_OUTPUT_CE]).toEqual(['CE1', 'CE1', 'CE0']);
    expect([d.connections.CE0, d.connections.CE1, d.connections.CE2, d.connections.CE3]).toEqual([['1'], [CE], ['1'], ['1']]);
    // an output register with no enable after inputs with one: the same
    const s = packDspRegisters(product((c) => range(0, 4).forEach((i) => Object.assign(c[`ar_${i}`]!.parameters, { CEMUX: '1 ' }))));
    const e = top(s.netlist).cells.mul!;
    expect([e.parameters.REG_INPUTA_CE, e.parameters.REG_INPUTB_CE, e.parameters.REG_OUTPUT_CE]).toEqual(['CE1', 'CE0', 'CE0']);
    expect([e.connections.CE0, e.connections.CE1]).toEqual([[CE], ['1']]);
  });

  it('a register several DSPs read: each takes its own copy; it goes when all of them take it', () => {
    // a second product reads the same B register (Yosys merges equal registers, e.g. the lanes' common reciprocal)
    const second = (c: Record<string, Cell>) => {
      range(0, 4).forEach((i) => (c[`cr_${i}`] = ff(100 + i, 110 + i)));
      c.mul2 = dsp(range(110, 4), range(24, 3), [...range(120, 7), ...range(130, 29)]);
      range(0, 7).forEach((i) => (c[`qr_${i}`] = ff(120 + i, 140 + i)));
    };
    const r = packDspRegisters(product(second));
    expect(r).toMatchObject({ dsps: 2, absorbedA: 2, absorbedB: 2, absorbedOut: 2 });
    expect(ffsLeft(r.netlist, 'br_')).toBe(0);
    for (const k of ['mul', 'mul2']) {
      expect(top(r.netlist).cells[k]!.connections.B1).toEqual([15]);
      expect(top(r.netlist).cells[k]!.parameters.REG_INPUTB_CLK).toBe('CLK0');
    }
    // the second DSP cannot take it (its B has a pin from logic): the first takes its copy, and the
    // flip-flops stay for the second
    const s = packDspRegisters(product((c) => {
      second(c);
      c.mul2!.connections.B3 = [90];
    }));
    expect(s).toMatchObject({ absorbedA: 2, absorbedB: 1, absorbedOut: 2 });
    expect(ffsLeft(s.netlist, 'br_')).toBe(3);
    expect(top(s.netlist).cells.mul!.parameters.REG_INPUTB_CLK).toBe('CLK0');
    expect(top(s.netlist).cells.mul2!.parameters.REG_INPUTB_CLK).toBeUndefined();
    expect(s.note).toMatch(/B: a pin not driven by a flip-flop \(1\)/);
    expect(s.note).toMatch(/\(1 input register a copy: 3 flip-flops kept for their other readers\)/);
  });

  it('an output register on another clock than the input registers stays out; a DSP already registered is left alone', () => {
    const r = packDspRegisters(product((c) => range(0, 7).forEach((i) => (c[`pr_${i}`]!.connections.CLK = [8]))));
    expect(r).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 0 });
    expect(r.note).toMatch(/output: flip-flops with a clock other than its other registers'/);
    const done = packDspRegisters(product((c) => (c.mul!.parameters.REG_PIPELINE_CLK = 'CLK0')));
    expect(done).toMatchObject({ absorbedA: 0, absorbedB: 0, absorbedOut: 0 });
    expect(done.note).toMatch(/DSP left alone \(REG_PIPELINE_CLK=CLK0 already\)/);
    expect(() => packDspRegisters({ modules: { a: { cells: { x: lut([], 1) } }, b: { cells: { y: lut([], 2) } } } })).toThrow(/no top module/);
  });

  it('an inverted clock enable (CEMUX=INV): one LUT4 inverter of the enable net, its output on the CE pins', () => {
    const inv = (c: Record<string, Cell>) => {
      for (const k of Object.keys(c)) if (c[k]!.type === 'TRELLIS_FF') c[k]!.parameters.CEMUX = 'INV';
    };
    const before = product(inv);
    const r = packDspRegisters(before);
    expect(r).toMatchObject({ dsps: 1, absorbedA: 1, absorbedB: 1, absorbedOut: 1, inverters: 1 });
    expect(r.note).toBe(
      'MULT18X18D register packing: 1 DSPs, 1 A and 1 B input registers and 1 output registers absorbed; inverted clock enables (CEMUX=INV): 1 LUT4 inverter added',
    );
    const m = top(r.netlist);
    // the inverter, as synth_ecp5 writes a LUT4: Z = !A, B/C/D tied to 0; Z a new net (above 90,
    // the largest) named after the enable's port
    expect(Object.keys(m.cells).sort()).toEqual(['ecp5_pack_not_ce_LUT4_Z', 'mul', 'other']);
    const z = 91;
    expect(m.cells.ecp5_pack_not_ce_LUT4_Z).toEqual({
      hide_name: 0,
      type: 'LUT4',
      parameters: { INIT: '0101010101010101' },
      attributes: {},
      port_directions: { A: 'input', B: 'input', C: 'input', D: 'input', Z: 'output' },
      connections: { A: [CE], B: ['0'], C: ['0'], D: ['0'], Z: [z] },
    });
    expect(Object.keys(m.cells.ecp5_pack_not_ce_LUT4_Z!)).toEqual(Object.keys(m.cells.other!));
    expect(m.netnames).toEqual({ ...before.modules.top.netnames, ecp5_pack_not_ce: { hide_name: 0, bits: [z], attributes: {} } });
    // every register on CE0, all four CE pins the inverted enable; the rest as without inversion
    const d = m.cells.mul!;
    expect([d.parameters.REG_INPUTA_CE, d.parameters.REG_INPUTB_CE, d.parameters.REG_OUTPUT_CE]).toEqual(['CE0', 'CE0', 'CE0']);
    expect([d.connections.CE0, d.connections.CE1, d.connections.CE2, d.connections.CE3]).toEqual([[z], [z], [z], [z]]);
    expect([d.connections.CLK0, d.connections.A0, d.connections.P0]).toEqual([[CLK], [10], [40]]);
    // a name already taken (by a net or a cell): the next free one
    const taken = product(inv);
    taken.modules.top.netnames.ecp5_pack_not_ce = { hide_name: 0, bits: [90], attributes: {} };
    taken.modules.top.cells.ecp5_pack_not_ce_2_LUT4_Z = lut([10], 92);
    const t = top(packDspRegisters(taken).netlist);
    expect(t.cells.ecp5_pack_not_ce_3_LUT4_Z!.connections.Z).toEqual([93]);
    expect(t.netnames.ecp5_pack_not_ce_3).toEqual({ hide_name: 0, bits: [93], attributes: {} });
    // a CE pin tied to 0 through the inverting mux is an enable always on; tied to 1, never
    const on = packDspRegisters(product((c) => range(0, 4).forEach((i) => Object.assign(c[`ar_${i}`]!, { parameters: { ...FF_PARAMS, CEMUX: 'INV' }, connections: { ...c[`ar_${i}`]!.connections, CE: ['0'] } }))));
    expect(on).toMatchObject({ absorbedA: 1, inverters: 0 });
    expect(top(on.netlist).cells.mul!.connections.CE1).toEqual(['1']);
    const never = packDspRegisters(product((c) => Object.assign(c.ar_0!, { parameters: { ...FF_PARAMS, CEMUX: 'INV' }, connections: { ...c.ar_0!.connections, CE: ['1'] } })));
    expect(never.absorbedA).toBe(0);
    expect(never.note).toMatch(/A: a flip-flop with a clock enable that is never on/);
  });

  it('one inverter per enable net, shared by every DSP; a group that mixes CEMUX=INV and CE is refused; CE and !CE are two enables', () => {
    const second = (c: Record<string, Cell>) => {
      range(0, 4).forEach((i) => (c[`cr_${i}`] = ff(100 + i, 110 + i)));
      c.mul2 = dsp(range(110, 4), range(24, 3), [...range(120, 7), ...range(130, 29)]);
      range(0, 7).forEach((i) => (c[`qr_${i}`] = ff(120 + i, 140 + i)));
      for (const k of Object.keys(c)) if (c[k]!.type === 'TRELLIS_FF') c[k]!.parameters.CEMUX = 'INV';
    };
    const r = packDspRegisters(product(second));
    expect(r).toMatchObject({ dsps: 2, absorbedA: 2, absorbedB: 2, absorbedOut: 2, inverters: 1 });
    const m = top(r.netlist);
    expect(Object.values(m.cells).filter((c) => c.type === 'LUT4')).toHaveLength(2); // `other` and the inverter
    for (const k of ['mul', 'mul2']) expect(m.cells[k]!.connections.CE0).toEqual(m.cells.ecp5_pack_not_ce_LUT4_Z!.connections.Z);

    // one flip-flop of A's group not inverted: A stays out, the rest goes in
    const mixed = packDspRegisters(product((c) => {
      for (const k of Object.keys(c)) if (c[k]!.type === 'TRELLIS_FF') c[k]!.parameters.CEMUX = 'INV';
      c.ar_2!.parameters.CEMUX = 'CE';
    }));
    expect(mixed).toMatchObject({ absorbedA: 0, absorbedB: 1, absorbedOut: 1, inverters: 1 });
    expect(mixed.note).toMatch(/not absorbed: A: flip-flops on different clocks, enables or GSR settings \(1\)$/);
    expect(ffsLeft(mixed.netlist, 'ar_')).toBe(4);
    // inputs on !ce, the output on ce: two CE indices, the output register's CE0
    const two = packDspRegisters(product((c) => [...range(0, 4).map((i) => `ar_${i}`), ...range(0, 3).map((i) => `br_${i}`)].forEach((k) => (c[k]!.parameters.CEMUX = 'INV'))));
    expect(two).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 1, inverters: 1 });
    const d = top(two.netlist).cells.mul!;
    expect([d.parameters.REG_INPUTA_CE, d.parameters.REG_INPUTB_CE, d.parameters.REG_OUTPUT_CE]).toEqual(['CE1', 'CE1', 'CE0']);
    expect([d.connections.CE0, d.connections.CE1, d.connections.CE2]).toEqual([[CE], [91], [CE]]);
  });

  it('reads parameter values in the forms write_json writes', () => {
    expect(paramString('CE')).toBe('CE');
    expect(paramString('1 ')).toBe('1');
    expect(paramString('0100001101000101')).toBe('CE'); // a string stored as bits
    expect(paramString('00000000000000000000000000110001')).toBe('1');
    expect(paramString('00000000000000000000000000010010')).toBe('00000000000000000000000000010010'); // a number
    expect(paramString(undefined)).toBeUndefined();
    const r = packDspRegisters(product((c) => (c.ar_2!.parameters.CEMUX = '0100001101000101')));
    expect(r.absorbedA).toBe(1);
  });
});

// ------------------------------------------------------------------------------------------------
// DP16KD output registers: hand-built netlists
// ------------------------------------------------------------------------------------------------

/** An integer parameter as write_json writes it: 32 bits. */
const bits32 = (v: number) => v.toString(2).padStart(32, '0');

/**
 * A DP16KD as synth_ecp5 leaves a ROM read: REGMODE NOREG, OCE tied to 1, RST, WE and CS tied to 0;
 * port A reads (CLKA the clock, CEA the enable, DOA0..17 on `doa`), port B unused unless `dob` is given.
 */
function ebr(addr: Bit[], doa: Bit[], o: { dob?: Bit[]; clkb?: Bit; width?: number } = {}): Cell {
  const conn: Record<string, Bit[]> = {};
  const dirs: Record<string, string> = {};
  for (const P of ['A', 'B'] as const) {
    const used = P === 'A' || o.dob !== undefined;
    for (let i = 0; i < 14; i++) conn[`AD${P}${i}`] = [used ? (addr[i] ?? '0') : 'x'];
    for (let i = 0; i < 18; i++) {
      conn[`DI${P}${i}`] = ['x'];
      conn[`DO${P}${i}`] = [(P === 'A' ? doa : o.dob ?? range(300, 18))[i]!];
      dirs[`DO${P}${i}`] = 'output';
    }
    Object.assign(conn, {
      [`CLK${P}`]: [P === 'A' ? CLK : o.clkb ?? (used ? CLK : '0')],
      [`CE${P}`]: [used ? CE : '0'],
      [`OCE${P}`]: ['1'],
      [`RST${P}`]: ['0'],
      [`WE${P}`]: ['0'],
      [`CS${P}0`]: ['0'],
      [`CS${P}1`]: ['0'],
      [`CS${P}2`]: ['0'],
    });
  }
  for (const k of Object.keys(conn)) dirs[k] ??= 'input';
  const parameters: Record<string, string> = {
    ASYNC_RESET_RELEASE: 'ASYNC',
    CLKAMUX: 'CLKA',
    CLKBMUX: 'CLKB',
    CSDECODE_A: '0b000',
    CSDECODE_B: '0b000',
    DATA_WIDTH_A: bits32(o.width ?? 18),
    DATA_WIDTH_B: bits32(o.width ?? 18),
    GSR: 'DISABLED',
    INITVAL_00: '0'.repeat(320),
    REGMODE_A: 'NOREG',
    REGMODE_B: 'NOREG',
    RESETMODE: 'ASYNC',
    WRITEMODE_A: 'READBEFOREWRITE',
    WRITEMODE_B: 'READBEFOREWRITE',
  };
  return { hide_name: 0, type: 'DP16KD', parameters, attributes: { src: 'block.v:9.1-9.2' }, port_directions: dirs, connections: conn };
}

/**
 * One table read: address (nets 10..17) -> DP16KD port A; DOA0..11 (nets 200..211) -> e_or (FFs, Q
 * 230..241) -> y; DOA12..17 unread (212..217). `tweak` edits the cells (and may add ports).
 */
function tableRead(tweak: (cells: Record<string, Cell>, ports: Net['modules'][string]['ports']) => void = () => {}): Net {
  const cells: Record<string, Cell> = {};
  cells.rom = ebr(range(10, 8).map((b, i) => (i < 4 ? '0' : b)), range(200, 18));
  range(0, 12).forEach((i) => (cells[`e_or_${i}`] = ff(200 + i, 230 + i, { params: { GSR: 'DISABLED' } })));
  cells.other = lut([10, 11], 90);
  const ports: Net['modules'][string]['ports'] = {
    clk: { direction: 'input', bits: [CLK] },
    ce: { direction: 'input', bits: [CE] },
    a: { direction: 'input', bits: range(10, 8) },
    y: { direction: 'output', bits: range(230, 12) },
    z: { direction: 'output', bits: [90] },
  };
  tweak(cells, ports);
  return {
    modules: {
      DP16KD: { attributes: { blackbox: '00000000000000000000000000000001' }, ports: {}, cells: {}, netnames: {} },
      top: { attributes: { top: '00000000000000000000000000000001' }, ports, cells, netnames: { e: { hide_name: 0, bits: range(200, 12), attributes: {} } } },
    },
  };
}

/**
 * A 512 x 36 ROM read as synth_ecp5 maps it ($__PDPW16KD_, brams_map_16kd.v): a DP16KD in the 36-bit
 * (pseudo dual port) mode, the unused write on A's controls (CLKA, CEA 0, WEA 1, OCEA 0), the read on
 * B's (CLKB the clock, CEB the enable, OCEB 1, ADB5..13 the address, nets 10..17); the word's bits
 * 0..17 on DOA0..17 (nets 200..217), 18..35 on DOB0..17 (218..235). The flip-flops w_or_0..21 take
 * bits 0..21 (Q 240..261, the port y); DOB4..17 are unread.
 */
function pdpRead(tweak: (cells: Record<string, Cell>, ports: Net['modules'][string]['ports']) => void = () => {}): Net {
  const conn: Record<string, Bit[]> = {};
  const dirs: Record<string, string> = {};
  for (const P of ['A', 'B'] as const) {
    for (let i = 0; i < 14; i++) conn[`AD${P}${i}`] = [i < 5 ? '0' : P === 'A' ? 'x' : i - 5 < 8 ? 10 + i - 5 : '0'];
    for (let i = 0; i < 18; i++) {
      conn[`DI${P}${i}`] = ['x'];
      conn[`DO${P}${i}`] = [(P === 'A' ? 200 : 218) + i];
      dirs[`DO${P}${i}`] = 'output';
    }
    for (const k of ['CS0', 'CS1', 'CS2']) conn[`CS${P}${k.slice(2)}`] = ['0'];
  }
  Object.assign(conn, { CLKA: ['0'], CEA: ['0'], WEA: ['1'], OCEA: ['0'], RSTA: ['0'], CLKB: [CLK], CEB: [CE], WEB: ['0'], OCEB: ['1'], RSTB: ['0'] });
  for (const k of Object.keys(conn)) dirs[k] ??= 'input';
  const parameters: Record<string, string> = {
    ASYNC_RESET_RELEASE: 'ASYNC',
    CLKAMUX: 'CLKA',
    CLKBMUX: 'CLKB',
    CSDECODE_A: '0b000',
    CSDECODE_B: '0b000',
    DATA_WIDTH_A: bits32(36),
    DATA_WIDTH_B: bits32(36),
    GSR: 'DISABLED',
    INITVAL_00: '0'.repeat(320),
    REGMODE_A: 'NOREG',
    REGMODE_B: 'NOREG',
    RESETMODE: 'ASYNC',
  };
  const cells: Record<string, Cell> = { rom: { hide_name: 0, type: 'DP16KD', parameters, attributes: { src: 'block.v:9.1-9.2' }, port_directions: dirs, connections: conn } };
  range(0, 22).forEach((i) => (cells[`w_or_${i}`] = ff(200 + i, 240 + i, { params: { GSR: 'DISABLED' } })));
  cells.other = lut([10, 11], 90);
  const ports: Net['modules'][string]['ports'] = {
    clk: { direction: 'input', bits: [CLK] },
    ce: { direction: 'input', bits: [CE] },
    a: { direction: 'input', bits: range(10, 8) },
    y: { direction: 'output', bits: range(240, 22) },
    z: { direction: 'output', bits: [90] },
  };
  tweak(cells, ports);
  return {
    modules: {
      DP16KD: { attributes: { blackbox: '00000000000000000000000000000001' }, ports: {}, cells: {}, netnames: {} },
      top: { attributes: { top: '00000000000000000000000000000001' }, ports, cells, netnames: { w: { hide_name: 0, bits: range(200, 36), attributes: {} } } },
    },
  };
}

const allInv = (c: Record<string, Cell>) => {
  for (const k of Object.keys(c)) if (c[k]!.type === 'TRELLIS_FF') c[k]!.parameters.CEMUX = 'INV';
};

describe('DP16KD output register packing: hand-built netlists', () => {
  it('the register after a table read goes into the EBR: REGMODE_A OUTREG, OCEA its enable, DOA onto its Q nets', () => {
    const before = tableRead();
    const copy = structuredClone(before);
    const r = packEbrOutputRegisters(before);
    expect(before).toEqual(copy); // the input is not changed
    expect(r).toMatchObject({ ebrs: 1, readPorts: 1, absorbedA: 1, absorbedB: 0 });
    expect(r.note).toBe('DP16KD output register packing: 1 DP16KD, 1 of 1 read ports absorbed (A 1, B 0)');
    const m = top(r.netlist);
    expect(Object.keys(m.cells).sort()).toEqual(['other', 'rom']);
    expect(m.cells.other).toEqual(before.modules.top.cells.other);
    expect(m.ports).toEqual(before.modules.top.ports);
    expect(m.netnames).toEqual(before.modules.top.netnames);
    expect((r.netlist as Net).modules.DP16KD).toEqual(before.modules.DP16KD);
    // the DP16KD, exactly: REGMODE_A, OCEA and DOA0..11 change; the unread DOA12..17, CEA, RSTA,
    // RESETMODE, GSR and port B stay as they were
    const want = structuredClone(before.modules.top.cells.rom!);
    want.parameters.REGMODE_A = 'OUTREG';
    want.connections.OCEA = [CE];
    range(0, 12).forEach((i) => (want.connections[`DOA${i}`] = [230 + i]));
    expect(m.cells.rom).toEqual(want);
    expect(m.cells.rom!.connections.DOA12).toEqual([212]);
  });

  it('a DO bit with a second reader (logic, a module port, another flip-flop) keeps the port as it is', () => {
    for (const tweak of [
      (c: Record<string, Cell>) => (c.other!.connections.B = [203]),
      (_c: Record<string, Cell>, p: Net['modules'][string]['ports']) => (p.dbg = { direction: 'output', bits: [205] }),
      (c: Record<string, Cell>) => (c.extra = ff(207, 250, { params: { GSR: 'DISABLED' } })),
    ]) {
      const r = packEbrOutputRegisters(tableRead(tweak));
      expect(r).toMatchObject({ readPorts: 1, absorbedA: 0 });
      expect(r.note).toMatch(/not absorbed: A: a DO bit that feeds logic, a port or more than one flip-flop \(1\)$/);
      expect(ffsLeft(r.netlist, 'e_or_')).toBe(12);
      expect(top(r.netlist).cells.rom).toEqual(tableRead(tweak).modules.top.cells.rom);
    }
    // a DO bit read by logic alone (no register after the read): the same
    const logic = packEbrOutputRegisters(tableRead((c) => {
      delete c.e_or_4;
      c.other!.connections.C = [204];
    }));
    expect(logic.absorbedA).toBe(0);
  });

  it('flip-flops on different enables, another clock, with a set/reset or REGSET=SET are not absorbed', () => {
    const ce = packEbrOutputRegisters(tableRead((c) => (c.e_or_2!.connections.CE = [7])));
    expect(ce.absorbedA).toBe(0);
    expect(ce.note).toMatch(/A: flip-flops on different enables or GSR settings \(1\)/);
    const clk = packEbrOutputRegisters(tableRead((c) => range(0, 12).forEach((i) => (c[`e_or_${i}`]!.connections.CLK = [8]))));
    expect(clk.absorbedA).toBe(0);
    expect(clk.note).toMatch(/A: a flip-flop on a clock other than the port's/);
    const lsr = packEbrOutputRegisters(tableRead((c) => (c.e_or_11!.connections.LSR = [9])));
    expect(lsr.absorbedA).toBe(0);
    expect(lsr.note).toMatch(/A: a flip-flop with a set\/reset \(LSR\)/);
    expect(ffsLeft(lsr.netlist, 'e_or_')).toBe(12);
    const set = packEbrOutputRegisters(tableRead((c) => (c.e_or_0!.parameters.REGSET = 'SET')));
    expect(set.note).toMatch(/A: a flip-flop with REGSET=SET/);
    const gsr = packEbrOutputRegisters(tableRead((c) => range(0, 12).forEach((i) => (c[`e_or_${i}`]!.parameters.GSR = 'ENABLED'))));
    expect(gsr.note).toMatch(/A: flip-flops with GSR=ENABLED, the DP16KD with GSR=DISABLED/);
    // the same enable everywhere, or none: always-enabled flip-flops leave OCEA tied to 1
    const always = packEbrOutputRegisters(tableRead((c) => range(0, 12).forEach((i) => {
      c[`e_or_${i}`]!.parameters.CEMUX = '1 ';
      delete c[`e_or_${i}`]!.connections.CE;
    })));
    expect(always.absorbedA).toBe(1);
    expect(top(always.netlist).cells.rom!.connections.OCEA).toEqual(['1']);
  });

  it('a port already registered, with a reset, an inverted clock, a chip select or only B in the 36-bit mode is left alone', () => {
    const cases: [(c: Record<string, Cell>) => void, RegExp][] = [
      [(c) => (c.rom!.parameters.REGMODE_A = 'OUTREG'), /A: REGMODE_A=OUTREG already/],
      [(c) => (c.rom!.connections.RSTA = [9]), /A: a reset \(RSTA\) not tied off/],
      [(c) => (c.rom!.parameters.CLKAMUX = 'INV'), /A: CLKAMUX=INV \(an inverted clock\)/],
      [(c) => (c.rom!.connections.CSA1 = [9]), /A: a chip select in use/],
      [(c) => (c.rom!.parameters.CSDECODE_A = '0b010'), /A: a chip select in use/],
      [(c) => (c.rom!.parameters.DOA3MUX = 'INV'), /A: DOA3MUX=INV/],
      [(c) => (c.rom!.parameters.DATA_WIDTH_B = bits32(36)), /A: DP16KD left alone \(the 36-bit \(pseudo dual port\) mode with DATA_WIDTH_A=18, DATA_WIDTH_B=36\)/],
    ];
    for (const [tweak, why] of cases) {
      const r = packEbrOutputRegisters(tableRead(tweak));
      expect(r.absorbedA, String(why)).toBe(0);
      expect(r.note).toMatch(why);
      expect(ffsLeft(r.netlist, 'e_or_')).toBe(12);
    }
    // a reset tied off through the inverting mux is no reset
    const inv = packEbrOutputRegisters(tableRead((c) => {
      c.rom!.parameters.RSTAMUX = 'INV';
      c.rom!.connections.RSTA = ['1'];
    }));
    expect(inv.absorbedA).toBe(1);
  });

  it('an inverted enable (CEMUX=INV): OCEA takes the enable through one LUT4 inverter; a mix of CEMUX=INV and CE is refused', () => {
    const r = packEbrOutputRegisters(tableRead(allInv));
    expect(r).toMatchObject({ readPorts: 1, absorbedA: 1, inverters: 1 });
    expect(r.note).toBe('DP16KD output register packing: 1 DP16KD, 1 of 1 read ports absorbed (A 1, B 0); inverted clock enables (CEMUX=INV): 1 LUT4 inverter added');
    const m = top(r.netlist);
    expect(Object.keys(m.cells).sort()).toEqual(['ecp5_pack_not_ce_LUT4_Z', 'other', 'rom']);
    // the largest net is 300 + 17 (port B's unread DO pins)
    expect(m.cells.ecp5_pack_not_ce_LUT4_Z!.connections).toEqual({ A: [CE], B: ['0'], C: ['0'], D: ['0'], Z: [318] });
    expect(m.cells.rom!.connections.OCEA).toEqual([318]);
    expect(m.cells.rom!.connections.CEA).toEqual([CE]); // the read enable is not touched
    expect(m.netnames.ecp5_pack_not_ce).toEqual({ hide_name: 0, bits: [318], attributes: {} });

    const mixed = packEbrOutputRegisters(tableRead((c) => {
      allInv(c);
      c.e_or_5!.parameters.CEMUX = 'CE';
    }));
    expect(mixed).toMatchObject({ absorbedA: 0, inverters: 0 });
    expect(mixed.note).toMatch(/not absorbed: A: flip-flops on different enables or GSR settings \(1\)$/);
    expect(Object.keys(top(mixed.netlist).cells)).not.toContain('ecp5_pack_not_ce_LUT4_Z');
  });

  it('the 36-bit (pseudo dual port) mode: one read port, DOA and DOB on CLKB; REGMODE_A and REGMODE_B OUTREG, OCEA and OCEB the enable', () => {
    const before = pdpRead();
    const copy = structuredClone(before);
    const r = packEbrOutputRegisters(before);
    expect(before).toEqual(copy);
    expect(r).toMatchObject({ ebrs: 1, readPorts: 1, absorbedA: 0, absorbedB: 0, absorbedPdp: 1, inverters: 0 });
    expect(r.note).toBe('DP16KD output register packing: 1 DP16KD, 1 of 1 read ports absorbed (A 0, B 0, 36-bit PDP 1)');
    const m = top(r.netlist);
    expect(Object.keys(m.cells).sort()).toEqual(['other', 'rom']);
    const want = structuredClone(before.modules.top.cells.rom!);
    Object.assign(want.parameters, { REGMODE_A: 'OUTREG', REGMODE_B: 'OUTREG' });
    Object.assign(want.connections, { OCEA: [CE], OCEB: [CE] });
    range(0, 22).forEach((i) => (want.connections[i < 18 ? `DOA${i}` : `DOB${i - 18}`] = [240 + i]));
    expect(m.cells.rom).toEqual(want);
    // the write side (CLKA, CEA, WEA) and the unread DOB4..17 stay as they were
    expect([m.cells.rom!.connections.CLKA, m.cells.rom!.connections.WEA, m.cells.rom!.connections.DOB4]).toEqual([['0'], ['1'], [222]]);

    // inverted: both OCE pins on one inverter
    const inv = packEbrOutputRegisters(pdpRead(allInv));
    expect(inv).toMatchObject({ absorbedPdp: 1, inverters: 1 });
    const d = top(inv.netlist).cells.rom!;
    expect(d.connections.OCEA).toEqual(top(inv.netlist).cells.ecp5_pack_not_ce_LUT4_Z!.connections.Z);
    expect(d.connections.OCEB).toEqual(d.connections.OCEA);
  });

  it('the 36-bit mode is taken in whole or not at all; a narrower read or a 36-bit B alone is left alone', () => {
    const cases: [(c: Record<string, Cell>, p: Net['modules'][string]['ports']) => void, RegExp][] = [
      [(c) => (c.other!.connections.B = [219]), /PDP: a DO bit that feeds logic, a port or more than one flip-flop \(1\)$/],
      [(c) => (c.rom!.connections.CLKB = [8]), /PDP: a flip-flop on a clock other than the port's \(1\)$/],
      [(c) => (c.rom!.parameters.CLKBMUX = 'INV'), /PDP: CLKBMUX=INV \(an inverted clock\)/],
      [(c) => (c.rom!.connections.RSTA = [9]), /PDP: a reset \(RSTA\) not tied off/],
      [(c) => (c.rom!.connections.RSTB = [9]), /PDP: a reset \(RSTB\) not tied off/],
      [(c) => (c.rom!.parameters.REGMODE_B = 'OUTREG'), /PDP: REGMODE_B=OUTREG already/],
      [(c) => (c.rom!.parameters.OCEAMUX = 'INV'), /PDP: OCEAMUX=INV/],
      [(c) => (c.rom!.connections.CSB2 = ['1']), /PDP: a chip select in use/],
      [(c) => (c.w_or_20!.parameters.CEMUX = 'INV'), /PDP: flip-flops on different enables or GSR settings/],
    ];
    for (const [tweak, why] of cases) {
      const r = packEbrOutputRegisters(pdpRead(tweak));
      expect(r.absorbedPdp, String(why)).toBe(0);
      expect(r.note).toMatch(why);
      expect(ffsLeft(r.netlist, 'w_or_')).toBe(22);
      expect(top(r.netlist).cells.rom).toEqual(pdpRead(tweak).modules.top.cells.rom);
    }
    // a 36-bit write with an 18-bit read: ports A and B counted, both left alone
    const narrow = packEbrOutputRegisters(pdpRead((c) => (c.rom!.parameters.DATA_WIDTH_B = bits32(18))));
    expect(narrow).toMatchObject({ readPorts: 2, absorbedA: 0, absorbedB: 0, absorbedPdp: 0 });
    expect(narrow.note).toBe(
      'DP16KD output register packing: 1 DP16KD, 0 of 2 read ports absorbed (A 0, B 0); not absorbed: ' +
        'A: DP16KD left alone (the 36-bit (pseudo dual port) mode with DATA_WIDTH_A=36, DATA_WIDTH_B=18) (1); ' +
        'B: DP16KD left alone (the 36-bit (pseudo dual port) mode with DATA_WIDTH_A=36, DATA_WIDTH_B=18) (1)',
    );
    // nothing reads it: not counted
    const none = packEbrOutputRegisters(pdpRead((c) => range(0, 22).forEach((i) => delete c[`w_or_${i}`])));
    expect(none.note).toBe('DP16KD output register packing: 1 DP16KD, 0 of 0 read ports absorbed (A 0, B 0, 36-bit PDP 0)');
  });

  it('ports are taken in one by one; a port nothing reads is not counted; unread DO bits stay unconnected', () => {
    // port B reads too, on its own clock net (the same clock: CLKB = CLK), its register on nets 320..325
    const both = (c: Record<string, Cell>) => {
      c.rom = ebr(range(10, 8), range(200, 18), { dob: range(300, 18), width: 9 });
      range(0, 6).forEach((i) => (c[`f_or_${i}`] = ff(300 + i, 320 + i, { params: { GSR: 'DISABLED' } })));
    };
    const r = packEbrOutputRegisters(tableRead(both));
    expect(r).toMatchObject({ ebrs: 1, readPorts: 2, absorbedA: 1, absorbedB: 1 });
    const d = top(r.netlist).cells.rom!;
    expect([d.parameters.REGMODE_A, d.parameters.REGMODE_B, d.connections.OCEA, d.connections.OCEB]).toEqual(['OUTREG', 'OUTREG', [CE], [CE]]);
    expect([d.connections.DOB0, d.connections.DOB5, d.connections.DOB6]).toEqual([[320], [325], [306]]);
    expect(ffsLeft(r.netlist, 'f_or_')).toBe(0);
    // B's register on another clock than CLKB: A still goes in
    const s = packEbrOutputRegisters(tableRead((c) => {
      both(c);
      c.rom!.connections.CLKB = [8];
    }));
    expect(s).toMatchObject({ readPorts: 2, absorbedA: 1, absorbedB: 0 });
    expect(s.note).toMatch(/1 of 2 read ports absorbed \(A 1, B 0\); not absorbed: B: a flip-flop on a clock other than the port's \(1\)$/);
    // nothing reads the DP16KD at all
    const none = packEbrOutputRegisters(tableRead((c) => range(0, 12).forEach((i) => delete c[`e_or_${i}`])));
    expect(none).toMatchObject({ ebrs: 1, readPorts: 0, absorbedA: 0 });
    expect(none.note).toBe('DP16KD output register packing: 1 DP16KD, 0 of 0 read ports absorbed (A 0, B 0)');
  });

  it('packEcp5: the DSP registers, then the EBR output registers, one note', () => {
    const net = product();
    Object.assign(net.modules.top.cells, tableRead().modules.top.cells);
    net.modules.top.cells.other = lut([10, 11], 90);
    const r = packEcp5(net);
    expect(r.dsp).toMatchObject({ dsps: 1, absorbedA: 1, absorbedB: 1, absorbedOut: 1 });
    expect(r.ebr).toMatchObject({ ebrs: 1, readPorts: 1, absorbedA: 1 });
    expect(r.note).toBe(
      'MULT18X18D register packing: 1 DSPs, 1 A and 1 B input registers and 1 output registers absorbed. ' +
        'DP16KD output register packing: 1 DP16KD, 1 of 1 read ports absorbed (A 1, B 0)',
    );
    expect(Object.keys(top(r.netlist).cells).sort()).toEqual(['mul', 'other', 'rom']);
  });

  it('packEcp5 with inverted enables: one inverter per enable net for both passes, the EBR pass using the DSP pass\'s', () => {
    const net = product(allInv);
    const cells = net.modules.top.cells;
    Object.assign(cells, tableRead(allInv).modules.top.cells);
    // the 36-bit read as pdpRead writes it, renamed `w`, moved to nets of its own: DOA0..17 on
    // 500..517, DOB0..17 on 520..537, its flip-flops' Q on 400..421
    cells.w = pdpRead(allInv).modules.top.cells.rom!;
    range(0, 18).forEach((i) => {
      cells.w!.connections[`DOA${i}`] = [500 + i];
      cells.w!.connections[`DOB${i}`] = [520 + i];
    });
    range(0, 22).forEach((i) => (cells[`w_or_${i}`] = ff(i < 18 ? 500 + i : 520 + i - 18, 400 + i, { params: { GSR: 'DISABLED', CEMUX: 'INV' } })));
    net.modules.top.cells.other = lut([10, 11], 90);
    const r = packEcp5(net);
    expect(r.dsp).toMatchObject({ absorbedA: 1, absorbedB: 1, absorbedOut: 1, inverters: 1 });
    expect(r.ebr).toMatchObject({ ebrs: 2, readPorts: 2, absorbedA: 1, absorbedPdp: 1, inverters: 0 });
    expect(r.note).toBe(
      'MULT18X18D register packing: 1 DSPs, 1 A and 1 B input registers and 1 output registers absorbed; inverted clock enables (CEMUX=INV): 1 LUT4 inverter added. ' +
        'DP16KD output register packing: 2 DP16KD, 2 of 2 read ports absorbed (A 1, B 0, 36-bit PDP 1); inverted clock enables (CEMUX=INV): 1 LUT4 inverter of the DSP pass used',
    );
    const m = top(r.netlist);
    expect(Object.keys(m.cells).sort()).toEqual(['ecp5_pack_not_ce_LUT4_Z', 'mul', 'other', 'rom', 'w']);
    const z = m.cells.ecp5_pack_not_ce_LUT4_Z!.connections.Z;
    expect(z).toEqual([538]);
    for (const pin of ['CE0', 'CE1', 'CE2', 'CE3']) expect(m.cells.mul!.connections[pin]).toEqual(z);
    expect([m.cells.rom!.connections.OCEA, m.cells.w!.connections.OCEA, m.cells.w!.connections.OCEB]).toEqual([z, z, z]);
  });

  it('reads integer parameters in the forms write_json writes', () => {
    expect(paramInt('00000000000000000000000000010010')).toBe(18);
    expect(paramInt('00000000000000000000000000100100')).toBe(36); // paramString would read "$"
    expect(paramInt(9)).toBe(9);
    expect(paramInt('18')).toBe(18);
    expect(paramInt('1 ')).toBe(1);
    expect(paramInt('NOREG')).toBeUndefined();
    expect(paramInt(undefined)).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------------------------
// Simulation: synth_ecp5, pack, write_verilog, the block's own testbench
// ------------------------------------------------------------------------------------------------

/**
 * MULT18X18D for simulation only (the generator never writes vendor primitives): the 18x18 product
 * (signed per SIGNEDA/B) behind the optional input A, input B, pipeline and output registers, each
 * on the CLK/CE/RST its REG_*_CLK/CE/RST parameters name (registers start at 0, synchronous reset).
 * The shift inputs and MULT_BYPASS are not modelled: using them prints a FAIL line.
 */
const MULT18X18D_MODEL = `
module MULT18X18D(
  input A17, A16, A15, A14, A13, A12, A11, A10, A9, A8, A7, A6, A5, A4, A3, A2, A1, A0,
  input B17, B16, B15, B14, B13, B12, B11, B10, B9, B8, B7, B6, B5, B4, B3, B2, B1, B0,
  input C17, C16, C15, C14, C13, C12, C11, C10, C9, C8, C7, C6, C5, C4, C3, C2, C1, C0,
  input SIGNEDA, SIGNEDB, SOURCEA, SOURCEB,
  input CLK0, CLK1, CLK2, CLK3, CE0, CE1, CE2, CE3, RST0, RST1, RST2, RST3,
  output P35, P34, P33, P32, P31, P30, P29, P28, P27, P26, P25, P24, P23, P22, P21, P20, P19, P18,
  output P17, P16, P15, P14, P13, P12, P11, P10, P9, P8, P7, P6, P5, P4, P3, P2, P1, P0,
  output SIGNEDP
);
  parameter REG_INPUTA_CLK = "NONE";
  parameter REG_INPUTA_CE = "CE0";
  parameter REG_INPUTA_RST = "RST0";
  parameter REG_INPUTB_CLK = "NONE";
  parameter REG_INPUTB_CE = "CE0";
  parameter REG_INPUTB_RST = "RST0";
  parameter REG_INPUTC_CLK = "NONE";
  parameter REG_INPUTC_CE = "CE0";
  parameter REG_INPUTC_RST = "RST0";
  parameter REG_PIPELINE_CLK = "NONE";
  parameter REG_PIPELINE_CE = "CE0";
  parameter REG_PIPELINE_RST = "RST0";
  parameter REG_OUTPUT_CLK = "NONE";
  parameter REG_OUTPUT_CE = "CE0";
  parameter REG_OUTPUT_RST = "RST0";
  parameter CLK0_DIV = "ENABLED";
  parameter CLK1_DIV = "ENABLED";
  parameter CLK2_DIV = "ENABLED";
  parameter CLK3_DIV = "ENABLED";
  parameter HIGHSPEED_CLK = "NONE";
  parameter GSR = "ENABLED";
  parameter CAS_MATCH_REG = "FALSE";
  parameter SOURCEB_MODE = "B_SHIFT";
  parameter MULT_BYPASS = "DISABLED";
  parameter RESETMODE = "SYNC";

  wire [3:0] clks = {CLK3, CLK2, CLK1, CLK0};
  wire [3:0] ces = {CE3, CE2, CE1, CE0};
  wire [3:0] rsts = {RST3, RST2, RST1, RST0};
  // "CLKk", "CEk" or "RSTk" -> k (-1 for anything else: that register then never clocks)
  function integer pick(input [8*8-1:0] s);
    pick = (s == "CLK0" || s == "CE0" || s == "RST0") ? 0 : (s == "CLK1" || s == "CE1" || s == "RST1") ? 1 :
           (s == "CLK2" || s == "CE2" || s == "RST2") ? 2 : (s == "CLK3" || s == "CE3" || s == "RST3") ? 3 : -1;
  endfunction

  wire [17:0] a = {A17, A16, A15, A14, A13, A12, A11, A10, A9, A8, A7, A6, A5, A4, A3, A2, A1, A0};
  wire [17:0] b = {B17, B16, B15, B14, B13, B12, B11, B10, B9, B8, B7, B6, B5, B4, B3, B2, B1, B0};
  wire [17:0] a_q, b_q;
  wire sa_q, sb_q;
  wire [35:0] m_q, p_q;

  generate
    if (REG_INPUTA_CLK == "NONE") begin : ia
      assign a_q = a;
      assign sa_q = SIGNEDA;
    end else begin : ia
      reg [17:0] r = 18'd0;
      reg s = 1'b0;
      always @(posedge clks[pick(REG_INPUTA_CLK)])
        if (rsts[pick(REG_INPUTA_RST)]) begin r <= 18'd0; s <= 1'b0; end
        else if (ces[pick(REG_INPUTA_CE)]) begin r <= a; s <= SIGNEDA; end
      assign a_q = r;
      assign sa_q = s;
    end
    if (REG_INPUTB_CLK == "NONE") begin : ib
      assign b_q = b;
      assign sb_q = SIGNEDB;
    end else begin : ib
      reg [17:0] r = 18'd0;
      reg s = 1'b0;
      always @(posedge clks[pick(REG_INPUTB_CLK)])
        if (rsts[pick(REG_INPUTB_RST)]) begin r <= 18'd0; s <= 1'b0; end
        else if (ces[pick(REG_INPUTB_CE)]) begin r <= b; s <= SIGNEDB; end
      assign b_q = r;
      assign sb_q = s;
    end
  endgenerate

  wire signed [18:0] a_ext = {sa_q & a_q[17], a_q};
  wire signed [18:0] b_ext = {sb_q & b_q[17], b_q};
  wire signed [37:0] prod = a_ext * b_ext;

  generate
    if (REG_PIPELINE_CLK == "NONE") begin : pl
      assign m_q = prod[35:0];
    end else begin : pl
      reg [35:0] r = 36'd0;
      always @(posedge clks[pick(REG_PIPELINE_CLK)])
        if (rsts[pick(REG_PIPELINE_RST)]) r <= 36'd0;
        else if (ces[pick(REG_PIPELINE_CE)]) r <= prod[35:0];
      assign m_q = r;
    end
    if (REG_OUTPUT_CLK == "NONE") begin : ol
      assign p_q = m_q;
    end else begin : ol
      reg [35:0] r = 36'd0;
      always @(posedge clks[pick(REG_OUTPUT_CLK)])
        if (rsts[pick(REG_OUTPUT_RST)]) r <= 36'd0;
        else if (ces[pick(REG_OUTPUT_CE)]) r <= m_q;
      assign p_q = r;
    end
  endgenerate

  assign {P35, P34, P33, P32, P31, P30, P29, P28, P27, P26, P25, P24, P23, P22, P21, P20, P19, P18,
          P17, P16, P15, P14, P13, P12, P11, P10, P9, P8, P7, P6, P5, P4, P3, P2, P1, P0} = p_q;
  assign SIGNEDP = p_q[35];
  always @(SOURCEA or SOURCEB)
    if (SOURCEA === 1'b1 || SOURCEB === 1'b1) $display("FAIL: MULT18X18D model: the shift inputs (SOURCEA/B) are not modelled");
  initial if (MULT_BYPASS != "DISABLED") $display("FAIL: MULT18X18D model: MULT_BYPASS is not modelled");
endmodule
`;

/**
 * DP16KD for simulation only (Yosys's ECP5 library has it as a blackbox), as far as the blocks here
 * use it. The array is the INITVAL_00..3F parameters as Yosys's brams_map_16kd.v writes them: 1024
 * rows of 18 bits, row r in bits [(r % 16) * 20 +: 18] of INITVAL_<r / 16>.
 *
 * True dual port modes (DATA_WIDTH 1, 2, 4, 9, 18 on each port): a port's word at the address pins
 * as techlibs/lattice brams_map_16kd.v and brams_16kd.txt use them: the row is AD[13:4]; in 18-bit
 * mode the whole row (AD0/AD1 the write byte enables of bits 0..8 and 9..17), in 9-bit mode byte
 * AD[3] (bits AD3 * 9 +: 9), in 4-, 2- and 1-bit mode the narrower words inside that byte's eight
 * data bits (AD[2], AD[2:1], AD[2:0]); DO bits above the width are x. At CLK, when CE (and WE): the
 * port writes its word; its read register loads the word when not writing, and when writing
 * according to WRITEMODE (NORMAL: holds, WRITETHROUGH: the new word, READBEFOREWRITE: the old one).
 * A read of a row the other port writes at the same edge gives the old word.
 *
 * The 36-bit (pseudo dual port) mode (DATA_WIDTH_A = DATA_WIDTH_B = 36), as brams_map_16kd.v maps
 * $__PDPW16KD_: 512 words of 36 bits, word w the rows 2w (bits 0..17) and 2w + 1 (18..35). The write
 * is on A's controls: at CLKA when CEA and WEA, word ADA[13:5], the 9-bit bytes ADA0..ADA3 enable,
 * data {DIB, DIA}. The read is on B's: at CLKB when CEB the read register loads word ADB[13:5]
 * ({DOB, DOA}; the old word when A writes it at the same edge), with OCEB the output register loads
 * from it; DOA is the output register's bits 0..17 when REGMODE_A is OUTREG, else the read
 * register's, DOB bits 18..35 by REGMODE_B, RSTB clears both. Which of OCEA and OCEB enables the DOA
 * half's output register is not known (see packEbrOutputRegisters): with an output register,
 * OCEA other than OCEB at a read clock prints a FAIL line, as does RSTA active.
 *
 * Both modes: with REGMODE "OUTREG" the output register loads from the read register at CLK when
 * OCE and drives DO, else the read register does. RST clears both (RESETMODE SYNC: at the clock,
 * over CE; ASYNC: at once); both start at 0. A chip select other than 0b000, a 36-bit width on one
 * port only, another width or REGMODE print a FAIL line.
 *
 * Checked on its own, outside this test: against RTL ROMs of every width through synth_ecp5; against
 * RTL RAMs through synth_ecp5 (widths 1, 4, 9, 18 written on A and read on B, with and without read
 * enable; 18-bit single port READBEFOREWRITE and WRITETHROUGH; 36-bit with one write enable and with
 * byte enables), 20000 random cycles with reads of the address being written every third one; and
 * by the unpacked netlist of a stream block whose row stores are written DP16KD. A read colliding
 * with the other port's write must return the old word for those netlists to match their RTL:
 * that is what Yosys's ECP5 mapping assumes (x there fails them); what the silicon returns is not
 * known here.
 */
const DP16KD_MODEL = (() => {
  const pins = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${n - 1 - i}`).join(', ');
  const hex = (i: number) => i.toString(16).toUpperCase().padStart(2, '0');
  const initvals = Array.from({ length: 64 }, (_, i) => `  parameter INITVAL_${hex(i)} = 320'h0;`).join('\n');
  const all = Array.from({ length: 64 }, (_, i) => `INITVAL_${hex(63 - i)}`).join(', ');
  // one port of the true dual port modes
  const port = (P: string) => `
    // ---- port ${P}
    wire c${P} = CLK${P}MUX == "INV" ? ~CLK${P} : CLK${P};
    wire [13:0] ad${P} = {${pins(`AD${P}`, 14)}};
    wire [17:0] di${P} = {${pins(`DI${P}`, 18)}};
    wire [9:0] row${P} = ad${P}[13:4];
    wire sel${P} = {CS${P}2, CS${P}1, CS${P}0} == 3'b000;
    wire wr${P} = CE${P} === 1'b1 && WE${P} === 1'b1 && sel${P};
    wire [17:0] mask${P} = wmask(DATA_WIDTH_${P}, ad${P});
    wire [17:0] new${P} = (mem[row${P}] & ~mask${P}) | (place(DATA_WIDTH_${P}, ad${P}, di${P}) & mask${P});
    reg [17:0] q${P} = 18'd0;
    reg [17:0] o${P} = 18'd0;
    always @(posedge c${P}) if (wr${P}) mem[row${P}] <= new${P};
    task load${P};
      begin
        if (CE${P} === 1'b1 && sel${P}) begin
          if (wr${P}) begin
            if (WRITEMODE_${P} == "WRITETHROUGH") q${P} <= pick(DATA_WIDTH_${P}, ad${P}, new${P});
            else if (WRITEMODE_${P} == "READBEFOREWRITE") q${P} <= pick(DATA_WIDTH_${P}, ad${P}, mem[row${P}]);
          end else q${P} <= pick(DATA_WIDTH_${P}, ad${P}, mem[row${P}]);
        end
        if (OCE${P} === 1'b1) o${P} <= q${P};
      end
    endtask
    if (RESETMODE == "ASYNC") begin : ar${P}
      always @(posedge c${P} or posedge RST${P}) if (RST${P}) begin q${P} <= 18'd0; o${P} <= 18'd0; end else load${P};
    end else begin : sr${P}
      always @(posedge c${P}) if (RST${P}) begin q${P} <= 18'd0; o${P} <= 18'd0; end else load${P};
    end
    assign {${pins(`DO${P}`, 18)}} = REGMODE_${P} == "OUTREG" ? o${P} : q${P};
    always @(posedge c${P}) if (CE${P} === 1'b1 && {CS${P}2, CS${P}1, CS${P}0} !== 3'b000) $display("FAIL: DP16KD model: chip select %b is not modelled", {CS${P}2, CS${P}1, CS${P}0});`;
  return `
module DP16KD(
  input ${pins('DIA', 18)},
  input ${pins('ADA', 14)},
  input CEA, OCEA, CLKA, WEA, RSTA, CSA2, CSA1, CSA0,
  output ${pins('DOA', 18)},
  input ${pins('DIB', 18)},
  input ${pins('ADB', 14)},
  input CEB, OCEB, CLKB, WEB, RSTB, CSB2, CSB1, CSB0,
  output ${pins('DOB', 18)}
);
  parameter DATA_WIDTH_A = 18;
  parameter DATA_WIDTH_B = 18;
  parameter REGMODE_A = "NOREG";
  parameter REGMODE_B = "NOREG";
  parameter RESETMODE = "SYNC";
  parameter ASYNC_RESET_RELEASE = "SYNC";
  parameter CSDECODE_A = "0b000";
  parameter CSDECODE_B = "0b000";
  parameter WRITEMODE_A = "NORMAL";
  parameter WRITEMODE_B = "NORMAL";
  parameter CLKAMUX = "CLKA";
  parameter CLKBMUX = "CLKB";
  parameter GSR = "ENABLED";
${initvals}
  wire [64*320-1:0] init = {${all}};
  // the array: 1024 rows of 18 bits, row r in bits [(r % 16) * 20 +: 18] of INITVAL_<r / 16>
  reg [17:0] mem [0:1023];
  integer i;
  initial for (i = 0; i < 1024; i = i + 1) mem[i] = init[(i / 16) * 320 + (i % 16) * 20 +: 18];

  // where a word of width w sits in its row: 18 the row, 9 byte ad[3], 4/2/1 inside that byte's 8 data bits
  function integer offset(input integer w, input [13:0] ad);
    offset = w == 9 ? ad[3] * 9 : w == 4 ? ad[3] * 9 + ad[2] * 4 : w == 2 ? ad[3] * 9 + ad[2:1] * 2 : w == 1 ? ad[3] * 9 + ad[2:0] : 0;
  endfunction
  function [17:0] ones(input integer w);
    ones = w >= 18 ? 18'h3ffff : (18'd1 << w) - 18'd1;
  endfunction
  // a read: the word, the DO bits above the width x
  function [17:0] pick(input integer w, input [13:0] ad, input [17:0] row);
    integer k;
    begin
      pick = (row >> offset(w, ad)) & ones(w);
      for (k = w; k < 18; k = k + 1) pick[k] = 1'bx;
    end
  endfunction
  function [17:0] place(input integer w, input [13:0] ad, input [17:0] d);
    place = (d & ones(w)) << offset(w, ad);
  endfunction
  // the row bits a write changes: in the 18-bit mode the bytes ad[0] (bits 0..8) and ad[1] (9..17) enable
  function [17:0] wmask(input integer w, input [13:0] ad);
    wmask = w == 18 ? {{9{ad[1]}}, {9{ad[0]}}} : ones(w) << offset(w, ad);
  endfunction

  generate
    if (DATA_WIDTH_A == 36 && DATA_WIDTH_B == 36) begin : pdp
      // ---- the 36-bit pseudo dual port mode: the write on A's controls, the read on B's
      wire ca = CLKAMUX == "INV" ? ~CLKA : CLKA;
      wire cb = CLKBMUX == "INV" ? ~CLKB : CLKB;
      wire [13:0] ada = {${pins('ADA', 14)}};
      wire [13:0] adb = {${pins('ADB', 14)}};
      wire [35:0] di = {${pins('DIB', 18)}, ${pins('DIA', 18)}};
      wire [8:0] wa = ada[13:5];
      wire [8:0] ra = adb[13:5];
      wire wr = CEA === 1'b1 && WEA === 1'b1 && {CSA2, CSA1, CSA0} == 3'b000;
      wire [35:0] wm = {{9{ada[3]}}, {9{ada[2]}}, {9{ada[1]}}, {9{ada[0]}}};
      wire [35:0] old = {mem[{wa, 1'b1}], mem[{wa, 1'b0}]};
      wire [35:0] nw = (old & ~wm) | (di & wm);
      always @(posedge ca) if (wr) begin mem[{wa, 1'b1}] <= nw[35:18]; mem[{wa, 1'b0}] <= nw[17:0]; end
      reg [35:0] q = 36'd0;
      reg [35:0] o = 36'd0;
      task load;
        begin
          if (CEB === 1'b1 && {CSB2, CSB1, CSB0} == 3'b000) q <= {mem[{ra, 1'b1}], mem[{ra, 1'b0}]};
          if (OCEB === 1'b1) o <= q;
          if ((REGMODE_A == "OUTREG" || REGMODE_B == "OUTREG") && OCEA !== OCEB) $display("FAIL: DP16KD model: OCEA (%b) other than OCEB (%b) in the 36-bit mode is not modelled", OCEA, OCEB);
          if (RSTA === 1'b1) $display("FAIL: DP16KD model: RSTA in the 36-bit mode is not modelled");
        end
      endtask
      if (RESETMODE == "ASYNC") begin : ar
        always @(posedge cb or posedge RSTB) if (RSTB) begin q <= 36'd0; o <= 36'd0; end else load;
      end else begin : sr
        always @(posedge cb) if (RSTB) begin q <= 36'd0; o <= 36'd0; end else load;
      end
      assign {${pins('DOA', 18)}} = REGMODE_A == "OUTREG" ? o[17:0] : q[17:0];
      assign {${pins('DOB', 18)}} = REGMODE_B == "OUTREG" ? o[35:18] : q[35:18];
      always @(posedge cb) if (CEB === 1'b1 && {CSB2, CSB1, CSB0} !== 3'b000) $display("FAIL: DP16KD model: chip select %b is not modelled", {CSB2, CSB1, CSB0});
    end else begin : dp
${port('A')}
${port('B')}
    end
  endgenerate

  initial begin
    if ((DATA_WIDTH_A == 36) != (DATA_WIDTH_B == 36)) $display("FAIL: DP16KD model: DATA_WIDTH_A %0d with DATA_WIDTH_B %0d is not modelled", DATA_WIDTH_A, DATA_WIDTH_B);
    if (DATA_WIDTH_A != 36 && DATA_WIDTH_A != 18 && DATA_WIDTH_A != 9 && DATA_WIDTH_A != 4 && DATA_WIDTH_A != 2 && DATA_WIDTH_A != 1) $display("FAIL: DP16KD model: DATA_WIDTH_A %0d is not modelled", DATA_WIDTH_A);
    if (DATA_WIDTH_B != 36 && DATA_WIDTH_B != 18 && DATA_WIDTH_B != 9 && DATA_WIDTH_B != 4 && DATA_WIDTH_B != 2 && DATA_WIDTH_B != 1) $display("FAIL: DP16KD model: DATA_WIDTH_B %0d is not modelled", DATA_WIDTH_B);
    if ((REGMODE_A != "NOREG" && REGMODE_A != "OUTREG") || (REGMODE_B != "NOREG" && REGMODE_B != "OUTREG")) $display("FAIL: DP16KD model: REGMODE %0s / %0s is not modelled", REGMODE_A, REGMODE_B);
    if (CSDECODE_A != "0b000" || CSDECODE_B != "0b000") $display("FAIL: DP16KD model: CSDECODE %0s / %0s is not modelled", CSDECODE_A, CSDECODE_B);
  end
endmodule
`;
})();

/** Yosys's ECP5 simulation library as one file for Icarus: includes inlined once, elaboration $error as a FAIL line, no DP16KD. */
function ecp5SimLibrary(): string {
  const lib = join(ROOT, '.venv', 'lib');
  const py = readdirSync(lib).find((d) => d.startsWith('python3'));
  if (!py) throw new Error(`no python3* folder in ${lib}: run bash scripts/setup.sh`);
  const dir = join(lib, py, 'site-packages', 'yowasp_yosys', 'share', 'ecp5');
  const seen = new Set<string>();
  const inline = (f: string): string => {
    if (seen.has(f)) return '';
    seen.add(f);
    return readFileSync(join(dir, f), 'utf8').replace(/`include "([^"]+)"/g, (_, g: string) => inline(g));
  };
  // its DP16KD is an empty blackbox: DP16KD_MODEL takes its place
  const text = inline('cells_sim.v');
  const without = text.replace(/\(\* blackbox \*\)\s*module DP16KD\([\s\S]*?\nendmodule\n/, '');
  if (without === text) throw new Error('no blackbox DP16KD in the ECP5 simulation library');
  return without.replace(/\$error\("/g, 'initial $display("FAIL: ');
}

type Json = { creator?: string; modules: Record<string, { cells: Record<string, { type: string; parameters: Record<string, string>; connections: Record<string, unknown[]> }> }> };

/**
 * A generated block's testbench and RTL copied into `work` and synthesised by measureEcp5's own Yosys
 * commands (block RAM included; the lanes synthesised apart, then flattened); `lib.v` the ECP5 cell
 * library with the MULT18X18D and DP16KD models. Icarus is required.
 */
function synthesiseForPack(block: Block, dir: string, work: string): { yosys: string; names: ReturnType<typeof fileNames>; full: Json } {
  requireTool('iverilog', 'iverilog');
  requireTool('vvp', 'iverilog');
  const yosys = venvTool('yowasp-yosys');
  const names = fileNames(block.module);
  for (const f of [names.tb, names.vin, names.vexp]) copyFileSync(join(dir, f), join(work, f));
  copyFileSync(join(dir, names.rtl), join(work, 'block.v'));
  writeFileSync(join(work, 'lib.v'), [ecp5SimLibrary(), MULT18X18D_MODEL, DP16KD_MODEL].join('\n'));
  const syn = run(yosys, ['-q', '-p', ecp5Script(block.module).join('; ')], work, 300_000);
  expect(syn.status, syn.stdout + syn.stderr).toBe(0);
  return { yosys, names, full: JSON.parse(readFileSync(join(work, 'ecp5.json'), 'utf8')) as Json };
}

/** Each netlist variant written as <name>.v in `work`, through Yosys's write_verilog. */
function writeVariants(yosys: string, work: string, variants: Record<string, Json>): void {
  for (const [k, j] of Object.entries(variants)) writeFileSync(join(work, `${k}.json`), JSON.stringify(j));
  const wr = run(yosys, ['-q', '-p', Object.keys(variants).map((k) => `design -reset; read_json ${k}.json; write_verilog -noattr ${k}.v`).join('; ')], work, 300_000);
  expect(wr.status, wr.stdout + wr.stderr).toBe(0);
}

describe('MULT18X18D register packing: the block\'s testbench on the packed netlist (Icarus)', () => {
  // a 4-element block for the xc7 delay model at 50 MHz: its products are `*` with input and output
  // registers, and its A operand has no reset (at higher targets it is a delayed copy with a clear)
  const { block, dir } = generateTo(cfg({ name: 'pk', n: 4, pipeline: { targetMHz: 50, device: 'xc7' } }));
  const work = tmp('softmax-lut-ecp5-pack-');
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('unpacked and packed pass; an extra pipeline register or an ignored clock enable fails', () => {
    requireTool('iverilog', 'iverilog');
    requireTool('vvp', 'iverilog');
    const yosys = venvTool('yowasp-yosys');
    const t0 = Date.now();
    const names = fileNames(block.module);
    for (const f of [names.rtl, names.tb, names.vin, names.vexp]) copyFileSync(join(dir, f), join(work, f));
    writeFileSync(join(work, 'cells_sim.v'), ecp5SimLibrary());
    writeFileSync(join(work, 'mult18x18d.v'), MULT18X18D_MODEL);

    const syn = run(yosys, ['-q', '-p', `read_verilog ${names.rtl}; synth_ecp5 -nobram -top ${block.module} -json ecp5.json`], work, 300_000);
    expect(syn.status, syn.stdout + syn.stderr).toBe(0);
    const full = JSON.parse(readFileSync(join(work, 'ecp5.json'), 'utf8')) as Json;
    const packed = packDspRegisters(full);
    console.log(`ecp5-pack: ${block.module}: ${packed.note}`);
    expect(packed).toMatchObject({ dsps: 4, absorbedA: 4, absorbedB: 4, absorbedOut: 4 });

    // the top module alone (write_verilog then writes instances of the library cells, not the library)
    const only = (j: Json): Json => ({ creator: j.creator, modules: { [block.module]: j.modules[block.module]! } });
    const p = packed.netlist as Json;
    const extraStage = only(structuredClone(p));
    for (const c of Object.values(extraStage.modules[block.module]!.cells)) {
      if (c.type === 'MULT18X18D') Object.assign(c.parameters, { REG_PIPELINE_CLK: 'CLK0', REG_PIPELINE_CE: 'CE0', REG_PIPELINE_RST: 'RST0' });
    }
    const enableOn = only(structuredClone(p));
    for (const c of Object.values(enableOn.modules[block.module]!.cells)) if (c.type === 'MULT18X18D') c.connections.CE0 = ['1'];
    writeVariants(yosys, work, { unpacked: only(full), packed: only(p), extraStage, enableOn });
    expect(readFileSync(join(work, 'packed.v'), 'utf8')).toMatch(/\.REG_INPUTA_CLK\("CLK0"\)/);

    const sim = (k: string) =>
      simulate({
        dir: work,
        top: `${block.module}_tb`,
        sources: [names.tb, `${k}.v`, 'cells_sim.v', 'mult18x18d.v'],
        vectors: names.vin,
        expectedFile: names.vexp,
        n: block.plan.common.n,
        ow: block.plan.common.ow,
        expected: block.expected,
      });
    const unpacked = sim('unpacked');
    expect(unpacked.problem).toBeUndefined();
    expect(unpacked.ok).toBe(true);
    const good = sim('packed');
    expect(good.problem).toBeUndefined();
    expect(good.ok).toBe(true);
    const late = sim('extraStage');
    expect(late.ok).toBe(false);
    expect(late.problem).toMatch(/MISMATCH|FAIL/);
    const stalls = sim('enableOn');
    expect(stalls.ok).toBe(false);
    expect(stalls.problem).toMatch(/MISMATCH|FAIL/);
    console.log(`ecp5-pack: simulation ${((Date.now() - t0) / 1000).toFixed(1)} s; extra stage: ${late.problem}; CE on: ${stalls.problem}`);
  });
});

describe('DSP and EBR packing: the testbench of a block pipelined for ecp5 on the packed netlist (Icarus)', () => {
  // a 4-element block for the ecp5 delay model (100 MHz): its exponent and reciprocal tables are
  // DP16KD reads, each followed by the register the generator writes for the EBR output register
  // (`<name>_or`), and its products MULT18X18D with registers around them
  const { block, dir } = generateTo(cfg({ name: 'pe', n: 4, pipeline: { device: 'ecp5' } }));
  const work = tmp('softmax-lut-ecp5-pack-ebr-');
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('unpacked and packed pass with the DP16KD model; an output register with the flip-flops kept, or ignoring the enable, fails', () => {
    const t0 = Date.now();
    const { yosys, names, full } = synthesiseForPack(block, dir, work);
    const packed = packEcp5(full);
    const dspOnly = packDspRegisters(full).netlist as Json;
    console.log(`ecp5-pack: ${block.module}: ${packed.note}`);
    expect(packed.dsp).toMatchObject({ dsps: 4, absorbedA: 4, absorbedB: 4, absorbedOut: 4 });
    // four exponent reads (12 bits) and the reciprocal read (9 bits), all on port A
    expect(packed.ebr).toMatchObject({ ebrs: 5, readPorts: 5, absorbedA: 5, absorbedB: 0 });
    const rams = (j: Json) => Object.values(j.modules[block.module]!.cells).filter((c) => c.type === 'DP16KD');
    const p = packed.netlist as Json;
    for (const c of rams(p)) {
      expect(c.parameters.REGMODE_A).toBe('OUTREG');
      expect(c.connections.OCEA).toEqual(c.connections.CEA); // the `_or` register's enable is the read's
      expect(c.connections.RSTA).toEqual(['0']);
    }
    const ffs = (j: Json) => Object.values(j.modules[block.module]!.cells).filter((c) => c.type === 'TRELLIS_FF').length;
    expect(ffs(dspOnly) - ffs(p)).toBe(4 * 12 + 9);

    const only = (j: Json): Json => ({ creator: j.creator, modules: { [block.module]: j.modules[block.module]! } });
    // wrong: the output register on, the flip-flops after it kept (one cycle more)
    const extraStage = only(structuredClone(dspOnly));
    for (const c of rams(extraStage)) {
      c.parameters.REGMODE_A = 'OUTREG';
      c.connections.OCEA = c.connections.CEA!;
    }
    // wrong: the output register ignores the enable (the testbench's stalls catch it)
    const enableOn = only(structuredClone(p));
    for (const c of rams(enableOn)) c.connections.OCEA = ['1'];
    writeVariants(yosys, work, { unpacked: only(full), packed: only(p), extraStage, enableOn });
    expect(readFileSync(join(work, 'packed.v'), 'utf8')).toMatch(/\.REGMODE_A\("OUTREG"\)/);
    expect(readFileSync(join(work, 'unpacked.v'), 'utf8')).toMatch(/DP16KD #\(/);

    const sim = (k: string) =>
      simulate({
        dir: work,
        top: `${block.module}_tb`,
        sources: [names.tb, `${k}.v`, 'lib.v'],
        vectors: names.vin,
        expectedFile: names.vexp,
        n: block.plan.common.n,
        ow: block.plan.common.ow,
        expected: block.expected,
      });
    const unpacked = sim('unpacked');
    expect(unpacked.problem).toBeUndefined();
    expect(unpacked.ok).toBe(true);
    const good = sim('packed');
    expect(good.problem).toBeUndefined();
    expect(good.ok).toBe(true);
    const late = sim('extraStage');
    expect(late.ok).toBe(false);
    expect(late.problem).toMatch(/MISMATCH|FAIL/);
    const stalls = sim('enableOn');
    expect(stalls.ok).toBe(false);
    expect(stalls.problem).toMatch(/MISMATCH|FAIL/);
    console.log(`ecp5-pack: DP16KD simulation ${((Date.now() - t0) / 1000).toFixed(1)} s; EBR extra stage: ${late.problem}; OCEA on: ${stalls.problem}`);
  });
});

describe('DSP and EBR packing with inverted enables and true-dual-port reads: a stream block pipelined for ecp5 (Icarus)', () => {
  // a 2-lane stream block for the ecp5 delay model: its registers' enable is `~s_v`, which Yosys
  // folds into every flip-flop (CEMUX=INV); with 10-bit outputs and rows of up to 128 its exponent
  // table is 20 bits wide, its low 18 bits a memory per lane that the lane's reads in both passes
  // share (a true-dual-port DP16KD read on both ports); its pass C tables are 18-bit DP16KD, and so
  // are its two row stores
  const { block, dir } = generateTo(
    cfg({ name: 'pks', n: undefined, arch: 'stream', stream: { lanes: 2, maxN: 128 }, output: { width: 10, frac: 10 }, pipeline: { device: 'ecp5', targetMHz: 150 }, verify: { vectors: 4, seed: 2 } }),
  );
  const work = tmp('softmax-lut-ecp5-pack-stream-');
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('unpacked and packed pass; the inverter left out, or port B of the true-dual-port exponent reads left unregistered, fails', () => {
    requireTool('iverilog', 'iverilog');
    requireTool('vvp', 'iverilog');
    const yosys = venvTool('yowasp-yosys');
    const t0 = Date.now();
    const names = fileNames(block.module);
    for (const f of [names.tb, names.vin, names.vexp]) copyFileSync(join(dir, f), join(work, f));
    copyFileSync(join(dir, names.rtl), join(work, 'block.v'));

    // measureEcp5's own Yosys commands
    const syn = run(yosys, ['-q', '-p', ecp5Script(block.module).join('; ')], work, 300_000);
    expect(syn.status, syn.stdout + syn.stderr).toBe(0);
    const full = JSON.parse(readFileSync(join(work, 'ecp5.json'), 'utf8')) as Json;
    const cellsOf = (j: Json) => j.modules[block.module]!.cells;
    // every flip-flop around the products and after the table reads has CEMUX=INV
    expect(Object.values(cellsOf(full)).filter((c) => c.type === 'TRELLIS_FF' && c.parameters.CEMUX === 'INV').length).toBeGreaterThan(100);
    const packed = packEcp5(full);
    console.log(`ecp5-pack: ${block.module}: ${packed.note}`);
    // (since the fifth ECP5 batch the products' operand registers feed only their DSPs: no copies;
    // the copy case has its own tests above)
    expect(packed.dsp).toMatchObject({ dsps: 2, absorbedA: 2, absorbedB: 2, absorbedOut: 2, inverters: 1 });
    // the exponent table, one memory the 2 lanes of both passes read: 2 true-dual-port DP16KD, read on
    // A and B; pass C's tables on A; the two row stores, written on A and read on B (no_rw_check)
    expect(packed.ebr).toMatchObject({ ebrs: 6, readPorts: 8, absorbedA: 4, absorbedB: 4, absorbedPdp: 0, inverters: 0 });
    expect(packed.note).toMatch(/2 output registers absorbed; inverted clock enables \(CEMUX=INV\): 1 LUT4 inverter added\. /);
    expect(packed.note).toMatch(/\(A 4, B 4\); inverted clock enables \(CEMUX=INV\): 1 LUT4 inverter of the DSP pass used$/);

    // one inverter, a LUT4 as synth_ecp5 writes them, of the flip-flops' enable net; its output on
    // every CE pin of the DSPs and every OCE pin of the EBRs
    const p = packed.netlist as Json;
    const cells = cellsOf(p);
    const invs = Object.entries(cells).filter(([k]) => k.startsWith('ecp5_pack_not_'));
    expect(invs).toHaveLength(1);
    const [invName, inv] = invs[0]!;
    const yosysLut = Object.values(cellsOf(full)).find((c) => c.type === 'LUT4')! as unknown as Cell;
    expect(Object.keys(inv).sort()).toEqual(Object.keys(yosysLut).sort());
    expect((inv as unknown as Cell).port_directions).toEqual(yosysLut.port_directions);
    expect(inv.parameters).toEqual({ INIT: '0101010101010101' });
    const ce = Object.values(cellsOf(full)).find((c) => c.type === 'TRELLIS_FF' && c.parameters.CEMUX === 'INV')!.connections.CE;
    expect(inv.connections).toMatchObject({ A: ce, B: ['0'], C: ['0'], D: ['0'] });
    const z = inv.connections.Z!;
    expect(invName).toMatch(/^ecp5_pack_not_.*_LUT4_Z$/);
    expect((p.modules[block.module] as unknown as { netnames: Record<string, { bits: unknown[] }> }).netnames[invName.replace(/_LUT4_Z$/, '')]!.bits).toEqual(z);
    const dsps = Object.values(cells).filter((c) => c.type === 'MULT18X18D');
    const rams = Object.values(cells).filter((c) => c.type === 'DP16KD');
    for (const d of dsps) for (const k of ['CE0', 'CE1', 'CE2', 'CE3']) expect(d.connections[k]).toEqual(z);
    const oce = (c: (typeof rams)[number], port: 'A' | 'B') => {
      const n = c.connections[`OCE${port}`]![0];
      return n === z[0] ? 'inverted' : n === '1' ? 'on' : 'other';
    };
    // both ports read: each lane's copy of the exponent table, port A its first pass's read (the `_or`
    // register without enable), port B its second pass's (on the inverted enable)
    const pairs = rams.filter((c) => c.parameters.REGMODE_A === 'OUTREG' && c.parameters.REGMODE_B === 'OUTREG');
    expect(pairs).toHaveLength(2);
    for (const c of pairs) expect([paramInt(c.parameters.DATA_WIDTH_A), paramInt(c.parameters.DATA_WIDTH_B)]).toEqual([18, 18]);
    expect(pairs.map((c) => `${oce(c, 'A')} ${oce(c, 'B')}`).sort()).toEqual(['on inverted', 'on inverted']);
    const stores = rams.filter((r) => !pairs.includes(r) && r.parameters.REGMODE_B === 'OUTREG');
    expect(stores).toHaveLength(2);
    const tables = rams.filter((r) => !pairs.includes(r) && !stores.includes(r));
    for (const c of tables) expect(c.parameters.REGMODE_A).toBe('OUTREG');
    expect(tables.map((c) => oce(c, 'A'))).toEqual(['inverted', 'inverted']);
    // store 1's read register (pass B) has no enable, store 2's (pass C) the inverted one
    expect(stores.map((c) => oce(c, 'B')).sort()).toEqual(['inverted', 'on']);

    const only = (j: Json): Json => ({ creator: j.creator, modules: { [block.module]: j.modules[block.module]! } });
    // wrong: the inverter left out, the CE and OCE pins on the enable net as it is
    const noInverter = only(structuredClone(p));
    const ni = cellsOf(noInverter);
    delete ni[invName];
    for (const c of Object.values(ni)) {
      for (const [k, v] of Object.entries(c.connections)) if (/^(CE[0-3]|OCE[AB])$/.test(k) && v[0] === z[0]) c.connections[k] = ce!;
    }
    // wrong: the exponent pairs' port B (the second pass's reads) left unregistered, one cycle early
    const halfRegistered = only(structuredClone(p));
    for (const c of Object.values(cellsOf(halfRegistered))) if (c.type === 'DP16KD' && c.parameters.REGMODE_A === 'OUTREG' && c.parameters.REGMODE_B === 'OUTREG') c.parameters.REGMODE_B = 'NOREG';
    writeVariants(yosys, work, { unpacked: only(full), packed: only(p), noInverter, halfRegistered });
    expect(readFileSync(join(work, 'packed.v'), 'utf8')).toMatch(/LUT4 #\(\s*\.INIT\(16'h5555\)\s*\)/);

    // the stream runner takes one RTL file: the netlist, the ECP5 library and the two models
    const lib = [ecp5SimLibrary(), MULT18X18D_MODEL, DP16KD_MODEL].join('\n');
    const sim = (k: string) => {
      writeFileSync(join(work, `sim_${k}.v`), `${readFileSync(join(work, `${k}.v`), 'utf8')}\n${lib}`);
      return simulateStream(block.stream!, work, { tb: names.tb, rtl: `sim_${k}.v`, vin: names.vin, vexp: names.vexp, top: `${block.module}_tb` });
    };
    const unpacked = sim('unpacked');
    expect(unpacked.problem).toBeUndefined();
    expect(unpacked.ok).toBe(true);
    const good = sim('packed');
    expect(good.problem).toBeUndefined();
    expect(good.ok).toBe(true);
    const bad = sim('noInverter');
    expect(bad.ok).toBe(false);
    expect(bad.problem).toMatch(/MISMATCH|FAIL|difference/);
    const half = sim('halfRegistered');
    expect(half.ok).toBe(false);
    expect(half.problem).toMatch(/MISMATCH|FAIL|difference/);
    console.log(`ecp5-pack: stream simulation ${((Date.now() - t0) / 1000).toFixed(1)} s; no inverter: ${bad.problem}; port B of the pairs unregistered: ${half.problem}`);
  });
});

describe('DP16KD packing in the 36-bit (pseudo dual port) mode: a 16-bit block pipelined for ecp5 on the packed netlist (Icarus)', () => {
  // a 2-element block with 16-bit formats for ecp5: its exponent table's words are wider than 18 bits
  // and not split, so each read is a 512 x 36 DP16KD in the 36-bit mode, its two halves on DOA and DOB
  const { block, dir } = generateTo(
    cfg({ name: 'pp', n: 2, input: { type: 'ap_fixed<16,6>' }, output: { type: 'ap_ufixed<16,0>' }, method: { name: 'rexp' }, pipeline: { device: 'ecp5', targetMHz: 150, outputSlice: true }, verify: { vectors: 60, seed: 3 } }),
  );
  const work = tmp('softmax-lut-ecp5-pack-pdp-');
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('unpacked and packed pass; the DOA half of a 36-bit read left unregistered fails', () => {
    const t0 = Date.now();
    const { yosys, names, full } = synthesiseForPack(block, dir, work);
    const packed = packEcp5(full);
    console.log(`ecp5-pack: ${block.module}: ${packed.note}`);
    // five of its six table reads in the 36-bit mode, one on port A
    expect(packed.ebr).toMatchObject({ ebrs: 6, readPorts: 6, absorbedA: 1, absorbedB: 0, absorbedPdp: 5 });
    // the products' split operands feed LUT rows too: each DSP takes its copy (simulated below)
    expect(packed.dsp).toMatchObject({ dsps: 5, absorbedA: 5, absorbedB: 5, absorbedOut: 5 });
    expect(packed.note).toMatch(/\(4 input registers a copy: 72 flip-flops kept for their other readers\)/);
    const only = (j: Json): Json => ({ creator: j.creator, modules: { [block.module]: j.modules[block.module]! } });
    const p = packed.netlist as Json;
    const pdp = Object.values(p.modules[block.module]!.cells).filter((c) => c.type === 'DP16KD' && paramInt(c.parameters.DATA_WIDTH_A) === 36);
    expect(pdp).toHaveLength(packed.ebr.absorbedPdp);
    for (const c of pdp) expect([c.parameters.REGMODE_A, c.parameters.REGMODE_B]).toEqual(['OUTREG', 'OUTREG']);
    // wrong: the 36-bit reads' DOA half (word bits 0..17) left unregistered, one cycle early
    const halfRegistered = only(structuredClone(p));
    for (const c of Object.values(halfRegistered.modules[block.module]!.cells)) if (c.type === 'DP16KD' && paramInt(c.parameters.DATA_WIDTH_A) === 36) c.parameters.REGMODE_A = 'NOREG';
    writeVariants(yosys, work, { unpacked: only(full), packed: only(p), halfRegistered });
    const sim = (k: string) =>
      simulate({ dir: work, top: `${block.module}_tb`, sources: [names.tb, `${k}.v`, 'lib.v'], vectors: names.vin, expectedFile: names.vexp, n: block.plan.common.n, ow: block.plan.common.ow, expected: block.expected });
    for (const k of ['unpacked', 'packed']) {
      const r = sim(k);
      expect(r.problem, k).toBeUndefined();
      expect(r.ok).toBe(true);
    }
    const half = sim('halfRegistered');
    expect(half.ok).toBe(false);
    expect(half.problem).toMatch(/MISMATCH|FAIL/);
    console.log(`ecp5-pack: 36-bit simulation ${((Date.now() - t0) / 1000).toFixed(1)} s; DOA half unregistered: ${half.problem}`);
  });
});
