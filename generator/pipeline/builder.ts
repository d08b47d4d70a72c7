/**
 * Frequency-directed pipelining, after FloPoCo: every signal of a block is built by an operation
 * that knows its delay (generator/pipeline/delay.ts). A signal lives in a cycle (registers since
 * the block's input register) and arrives some ns into it. An operation starts in the latest cycle
 * of its inputs; when its delay would take it past the clock period, it starts one cycle later
 * instead, so its inputs are registered first. An input read in a later cycle than its own is read
 * through delayed copies (`<name>_d<k>`), which the owning scope declares once however many read it.
 *
 * Both architectures build their pipelines this way, from the stage builders of stages.ts, so a
 * register goes in the same way in each. The schedule (cycles, estimates) is decided when the plan
 * is made; the Verilog text comes out of the same objects when the block is rendered.
 */
import type { DelayModel } from './delay.js';
import { bitsFor } from '../core/bits.js';

export interface Sig {
  /** The Verilog name, in the scope of `pipe`. */
  name: string;
  width: number;
  /** Registers since the block's input register. */
  cycle: number;
  /** Estimated arrival in its cycle, ns after the clock edge (clock-to-out not counted). */
  time: number;
  /** LUT levels since the last register (a carry chain counts as one). */
  levels: number;
  pipe: Pipe;
}

/** What one operation did, for the plan's stage table. */
export interface OpRecord {
  cycle: number;
  /** Arrival at its end and LUT levels since the register. */
  time: number;
  levels: number;
  /** The stage it belongs to, e.g. "max tree" or "lane: product". */
  what: string;
}

export interface PipeOptions {
  model: DelayModel;
  /** Clock period, ns. */
  period: number;
  /** Clock enable of every register, or null for free-running registers. */
  ce: string | null;
  /** Spaces before each line. */
  indent: number;
  parent?: Pipe;
  /** Shared by a pipe and its children. */
  log?: OpRecord[];
  /**
   * pipeline.ramDelays: a signal of 8 bits or more read only through its copy k >= this many cycles
   * late is delayed in a distributed RAM (a circular buffer) rather than a chain of k registers.
   */
  ramDelay?: number;
  /**
   * Each delayed copy's register in a kept always block, so that synthesis does not merge equal
   * copies of different scopes (the lanes of a stream block with pipeline.outputFifo).
   */
  keepDelays?: boolean;
}

export interface OpSpec {
  name: string;
  width: number;
  deps: Sig[];
  /** Delay of the operation itself, ns (its input routes included). */
  delay: number;
  levels: number;
  what: string;
  /** Verilog declaring and driving `name` (a wire), from the names of the inputs at the op's cycle. */
  code: (r: (s: Sig) => string) => string;
  /** Start no earlier than this cycle (a register the config asks for). */
  minCycle?: number;
}

export class Pipe {
  readonly lines: string[] = [];
  readonly log: OpRecord[];
  /** Delayed copies to declare: signal -> how many cycles. */
  private readonly delays = new Map<Sig, number>();
  /** Signals of an enclosing scope this one reads (name -> width): a lane module's inputs. */
  readonly externals = new Map<string, number>();
  /** Which of a signal's delayed copies are read. */
  private readonly read = new Map<Sig, Set<number>>();

  constructor(readonly o: PipeOptions) {
    this.log = o.log ?? o.parent?.log ?? [];
  }

  /** A child scope (a generate block): shares the model, the clock enable and the log. */
  child(indent: number, o: { keepDelays?: boolean } = {}): Pipe {
    return new Pipe({ ...this.o, ...o, indent, parent: this, log: this.log });
  }

  get model(): DelayModel {
    return this.o.model;
  }

  /** The time a stage may take between its registers. */
  get budget(): number {
    return this.o.period * (1 - this.o.model.slack) - this.o.model.reg;
  }

  /** A signal driven outside the builder (a register of the skeleton, a port). */
  input(name: string, width: number, cycle: number, time = 0, levels = 0): Sig {
    return { name, width, cycle, time, levels, pipe: this };
  }

  /** The name of s as seen in a later cycle: s itself or one of its delayed copies. */
  ref(s: Sig, cycle: number): string {
    if (cycle < s.cycle) throw new Error(`internal: ${s.name} (cycle ${s.cycle}) read in cycle ${cycle}`);
    if (cycle === s.cycle) {
      if (s.pipe !== this) this.externals.set(s.name, s.width);
      return s.name;
    }
    const k = cycle - s.cycle;
    if (s.pipe !== this) this.externals.set(`${s.name}_d${k}`, s.width);
    s.pipe.delays.set(s, Math.max(k, s.pipe.delays.get(s) ?? 0));
    const read = s.pipe.read.get(s) ?? new Set<number>();
    read.add(k);
    s.pipe.read.set(s, read);
    return `${s.name}_d${k}`;
  }

  /** Where an operation of this delay on these inputs can start: cycle and arrival of its inputs. */
  private start(deps: Sig[], delay: number, minCycle = 0): { cycle: number; t: number; levels: number } {
    let cycle = Math.max(minCycle, ...deps.map((d) => d.cycle));
    const at = deps.filter((d) => d.cycle === cycle);
    let t = Math.max(0, ...at.map((d) => d.time));
    let levels = Math.max(0, ...at.map((d) => d.levels));
    if (t > 0 && t + delay > this.budget) {
      cycle++;
      t = 0;
      levels = 0;
    }
    return { cycle, t, levels };
  }

  /** Whether this scope keeps its registers apart from equal ones of other scopes (PipeOptions.keepDelays). */
  get keepsApart(): boolean {
    return this.o.keepDelays === true;
  }

  /** The cycle an op of `delay` ns on `deps` starts in (a later one when it does not fit after them). */
  startCycle(deps: Sig[], delay: number): number {
    return this.start(deps, delay).cycle;
  }

  op(s: OpSpec): Sig {
    const st = this.start(s.deps, s.delay, s.minCycle);
    const out: Sig = { name: s.name, width: s.width, cycle: st.cycle, time: st.t + s.delay, levels: st.levels + s.levels, pipe: this };
    this.lines.push(s.code((d) => this.ref(d, st.cycle)));
    // rewiring (no delay) does not make a stage
    if (s.delay > 0) this.log.push({ cycle: st.cycle, time: out.time, levels: out.levels, what: s.what });
    return out;
  }

  /**
   * A synchronous ROM read (block RAM): `fn(addr)` registered. The address must arrive
   * romSetup before the edge; the data comes out romOut after it.
   */
  rom(s: { name: string; width: number; addr: Sig; fn: string; what: string; code?: (addr: string, always: string) => string }): Sig {
    const m = this.o.model;
    // the address comes straight from a register: a block RAM wants it early, and a ROM that
    // synthesis builds from LUTs (small tables, Xilinx distributed ROM) spends its levels here
    const st = this.start([s.addr], this.budget);
    const a = this.ref(s.addr, st.cycle);
    if (s.code) this.lines.push(s.code(a, this.always()));
    else this.lines.push(`reg [${s.width - 1}:0] ${s.name};`, `${this.always()} ${s.name} <= ${s.fn}(${a});`);
    this.log.push({ cycle: st.cycle, time: st.t + m.romSetup, levels: st.levels, what: s.what });
    if (!m.romOutputRegister) return { name: s.name, width: s.width, cycle: st.cycle + 1, time: m.romOut, levels: 0, pipe: this };
    // the block RAM's output register: the read data straight into a register, nothing else reads it
    this.lines.push(`reg [${s.width - 1}:0] ${s.name}_or;`, `${this.always()} ${s.name}_or <= ${s.name};`);
    this.log.push({ cycle: st.cycle + 1, time: 0, levels: 0, what: `${s.what} (block RAM output register)` });
    return { name: `${s.name}_or`, width: s.width, cycle: st.cycle + 2, time: m.romOut + hardOutExtra(m), levels: 0, pipe: this };
  }

  /**
   * A register the architecture always has (e.g. before the output): s one cycle later, as `name`.
   * `apart`: a copy that synthesis keeps apart from the registers loaded from the same value without
   * a reset, by a synchronous clear (its value after reset is never read). Yosys merges equal flip-
   * flops, and a kept one takes in those that are not kept. In a scope with keepDelays, also kept:
   * apart from the other scopes' copies.
   */
  reg(s: Sig, name: string, what: string, o: { apart?: boolean } = {}): Sig {
    const src = this.ref(s, s.cycle);
    this.lines.push(
      `reg [${s.width - 1}:0] ${name};`,
      o.apart
        ? `${this.o.keepDelays ? '(* keep *) ' : ''}${this.clearedAssign(name, s.width, src)}`
        : `${this.always()} ${name} <= ${src};`,
    );
    this.log.push({ cycle: s.cycle, time: s.time, levels: s.levels, what });
    return { name, width: s.width, cycle: s.cycle + 1, time: 0, levels: 0, pipe: this };
  }

  /** Read s in cycle `cycle` (a signal other code uses, e.g. the skeleton's output). */
  at(s: Sig, cycle: number): string {
    return this.ref(s, cycle);
  }

  /** `name` loaded from `src` (on the clock enable, if any), cleared by a synchronous reset. */
  private clearedAssign(name: string, width: number, src: string): string {
    return `always @(posedge aclk) if (!aresetn) ${name} <= ${width}'d0; else${this.o.ce ? ` if (${this.o.ce})` : ''} ${name} <= ${src};`;
  }

  private always(): string {
    return this.o.ce ? `always @(posedge aclk) if (${this.o.ce})` : 'always @(posedge aclk)';
  }

  /**
   * The delayed copies this scope owes: their declarations, and the registers. A copy that logic
   * reads at the end of a chain of three or more stays a flip-flop: a shift-register primitive
   * (Xilinx SRL16E, which synthesis builds from chains of three) has a slow clock-to-out, so only
   * the copies before it may become one.
   */
  private delayText(): { decls: string[]; regs: string[] } {
    const decls: string[] = [];
    const regs: string[] = [];
    for (const [s, k] of this.delays) {
      const read = this.read.get(s) ?? new Set<number>();
      // (a word of fewer than 8 bits saves less than the RAM's two address registers cost)
      if (this.o.ramDelay !== undefined && k >= this.o.ramDelay && read.size === 1 && s.width >= 8) {
        const r = this.ramDelayText(s, k);
        decls.push(...r.decls);
        regs.push(...r.regs);
        continue;
      }
      for (let i = 1; i <= k; i++) {
        const prev = i === 1 ? s.name : `${s.name}_d${i - 1}`;
        decls.push(`reg [${s.width - 1}:0] ${s.name}_d${i};`);
        if (this.o.keepDelays) {
          regs.push(`(* keep *) ${this.always()} ${s.name}_d${i} <= ${prev};`);
        } else if (read.has(i) && i >= 3 && this.o.model.shiftRegisterGuard) {
          // a synchronous clear keeps this copy a flip-flop: synthesis may not fold it into a
          // shift-register primitive with the copies before it (the data is don't-care after reset)
          regs.push(this.clearedAssign(`${s.name}_d${i}`, s.width, prev));
        } else {
          regs.push(`${this.always()} ${s.name}_d${i} <= ${prev};`);
        }
      }
    }
    return { decls, regs };
  }

  /**
   * s delayed k cycles through a distributed RAM of 2^a >= k - 1 words and a register: each cycle
   * (each enabled one) writes s at wp and reads the word written k - 2 cycles before into s_dq, then
   * s_d<k> <= s_dq. The read address is a register of its own, wp - (k - 3) a cycle early, so that no
   * adder is before the read. The last register is a plain one, so that where a DSP reads s_d<k>
   * and absorbs it as its input register, the RAM's read still lands in a fabric register (read
   * straight into a MULT18X18D, the RAM's output took 5.39 ns of route, nextpnr-ecp5,
   * softmax_softermax_n64).
   */
  private ramDelayText(s: Sig, k: number): { decls: string[]; regs: string[] } {
    const a = bitsFor(k - 2);
    const n = s.name;
    return {
      decls: [
        `(* ram_style = "distributed" *)`,
        `reg [${s.width - 1}:0] ${n}_dm [0:${2 ** a - 1}];`,
        `reg [${a - 1}:0] ${n}_wp;`,
        `reg [${a - 1}:0] ${n}_rp;`,
        `reg [${s.width - 1}:0] ${n}_dq;`,
        `reg [${s.width - 1}:0] ${n}_d${k};`,
      ],
      regs: [
        `// ${n} delayed ${k} cycles: ${k - 1} in distributed RAM (pipeline.ramDelays), then a register`,
        `always @(posedge aclk) if (!aresetn) ${n}_wp <= ${a}'d0; else${this.o.ce ? ` if (${this.o.ce})` : ''} ${n}_wp <= ${n}_wp + ${a}'d1;`,
        `${this.always()} begin`,
        `  ${n}_dm[${n}_wp] <= ${n};`,
        `  ${n}_rp <= ${n}_wp - ${a}'d${k - 3};`,
        `  ${n}_dq <= ${n}_dm[${n}_rp];`,
        `  ${n}_d${k} <= ${n}_dq;`,
        'end',
      ],
    };
  }

  /**
   * The scope's code: the delayed copies' declarations (some tools want a name declared before
   * it is read), its operations, then the copies' registers. Call after every reader is built.
   */
  text(): string {
    const d = this.delayText();
    const lines = [...(d.decls.length ? ['// delayed copies (registers the pipeline adds to align operands)', ...d.decls] : []), ...this.lines, ...d.regs];
    return lines
      .flatMap((l) => l.split('\n'))
      .map((l) => (l.length ? ' '.repeat(this.o.indent) + l : l))
      .join('\n');
  }
}

/** Per cycle: the slowest estimate, its LUT levels and what the stage holds. */
export interface StageSummary {
  cycle: number;
  estimateNs: number;
  levels: number;
  what: string[];
}

export function summarize(log: OpRecord[], reg: number): StageSummary[] {
  const by = new Map<number, StageSummary>();
  for (const r of log) {
    const s = by.get(r.cycle) ?? { cycle: r.cycle, estimateNs: 0, levels: 0, what: [] };
    s.estimateNs = Math.max(s.estimateNs, r.time + reg);
    s.levels = Math.max(s.levels, r.levels);
    if (!s.what.includes(r.what)) s.what.push(r.what);
    by.set(r.cycle, s);
  }
  return [...by.values()].sort((a, b) => a.cycle - b.cycle);
}

/** The time a route of the model (hardOutRoute, laneCopyRoute) takes beyond an ordinary one, in ns. */
export function routeExtra(m: DelayModel, route: number | undefined): number {
  return route === undefined ? 0 : Math.max(0, route - m.route);
}

/** The time a hard block's output (model.hardOutRoute) takes beyond an ordinary route, in ns. */
export function hardOutExtra(m: DelayModel): number {
  return routeExtra(m, m.hardOutRoute);
}
