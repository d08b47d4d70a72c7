/**
 * Register packing for ECP5: passes over Yosys's JSON netlist, between `synth_ecp5` and
 * nextpnr-ecp5, that move fabric flip-flops into the hard blocks where Lattice's synthesis would put
 * them. packEcp5 (measureEcp5's `pack` hook) runs both: packDspRegisters (MULT18X18D, here) and
 * packEbrOutputRegisters (the DP16KD output register, further down).
 *
 * MULT18X18D register packing:
 *
 * Yosys 0.70's synth_ecp5 maps `a * b` onto MULT18X18D cells but never folds the registers around the
 * product into the DSP (there is `lattice_dsp_nexus` for Nexus, nothing for ECP5): every MULT18X18D
 * keeps REG_*_CLK = "NONE", and nextpnr times it as combinational (3.93 ns from A/B to P at speed 6)
 * between two fabric flip-flops, plus the routes into and out of the DSP row. Our RTL already writes
 * each product as input registers, the product, then registers; this pass moves them into the DSP:
 *
 * - Input A (and B): when every non-constant A pin is driven by the Q of a TRELLIS_FF, all on one
 *   clock and one clock enable, none of which can ever be set or reset (LSR held inactive, REGSET
 *   RESET: the DSP registers also start at 0), the pins read their D nets and REG_INPUTA_CLK =
 *   "CLK0": the DSP holds its own copy of the register. A flip-flop goes when nothing else reads it
 *   (only MULT18X18D A/B pins that take it in); one that also feeds logic, a port or a DSP that
 *   cannot take it in stays for those readers. Yosys merges equal registers, so one flip-flop often
 *   feeds several DSPs (the shared reciprocal operand of all lanes, the operand of a product split
 *   into 18 x 18 pieces) and LUT rows besides (a piece with a side of at most 4 bits); nextpnr-ecp5
 *   times a DSP with one input unregistered pessimistically (below), so every DSP takes its copy.
 * - Output: when every used P pin drives exactly one TRELLIS_FF D input and nothing else, those
 *   flip-flops (same conditions) become the output register (REG_OUTPUT_CLK = "CLK0"): P drives
 *   their Q nets. One level only (the pipeline register is not used). A product Yosys splits over
 *   several MULT18X18D and LUT adders has P pins that feed adders: its output stays as it is.
 *
 * Everything else is kept as it was. All the DSP's registers use CLK0 (nextpnr-ecp5 times a clocked
 * MULT18X18D from CLK0 only) and RST0 (all four RST pins tied to 0), and one CE index per distinct
 * enable (tied to 1 for a flip-flop without enable), the output register's being CE0 (see `finish`).
 *
 * Inverted clock enables: Yosys folds an inverter before the enables of a group of flip-flops into
 * their CEMUX ("INV": the stream blocks' `wire ce = ~s_v;`). The DSP's CE pins have no inversion
 * (nextpnr-ecp5 writes CE0MUX..CE3MUX as pass-through whatever the cell says), and the DP16KD's OCE
 * inversion mux is left as it is: such a group is taken in with its enable net inverted by a LUT4
 * (Z = !A, B/C/D tied to 0, INIT 0x5555), one per distinct enable net, shared by every DSP and EBR
 * that needs it (the EBR pass uses those the DSP pass added; see `Inverters`). The enable is part
 * of a group's "one clock, one enable" rule: flip-flops on `net` and on `!net` are two enables, and
 * a group that mixes them is refused as before.
 *
 * The registers of one DSP share one clock and one GSR setting: a register on another clock stays
 * out. A DSP that already uses any register or control pin, reads SRIA/SRIB (SOURCEA/B not 0), has
 * non-constant SIGNEDA/B or MULT_BYPASS enabled is left alone.
 *
 * Timing in nextpnr-ecp5 0.11.1: a MULT18X18D with both inputs and the output registered is timed
 * as such (MULT18X18D_REGS_ALL); with one input only, it is timed as output-registered: the unregistered
 * input's setup includes the product (right), and so does the registered one's (pessimistic).
 *
 * Parameter values are written as Yosys's write_json writes strings ("CLK0"); values read may be
 * strings, strings of 0/1 with a trailing space (a string that looks like bits, e.g. CEMUX "1 "), or
 * bit strings of 8-bit characters (a string parameter Yosys stored as bits).
 *
 * TRELLIS_FF semantics (techlibs/lattice/common_sim.vh): CLKMUX "INV" inverts the clock; CEMUX "1"
 * is always enabled, "0" never, "INV" inverts CE, else CE; LSRMUX "INV" inverts LSR; an active LSR
 * sets Q to REGSET's value (SRMODE picks synchronous or not); the initial value is REGSET's.
 */

type Bit = number | string;

/** A clock enable: always on ('1'), a net, or a net inverted ('!<net>', a flip-flop's CEMUX "INV"). */
type Enable = number | '1' | `!${number}`;

interface JsonCell {
  type: string;
  parameters?: Record<string, unknown>;
  attributes?: Record<string, unknown>;
  port_directions?: Record<string, string>;
  connections: Record<string, Bit[]>;
  [k: string]: unknown;
}

interface JsonModule {
  attributes?: Record<string, unknown>;
  ports?: Record<string, { direction: string; bits: Bit[] }>;
  cells?: Record<string, JsonCell>;
  netnames?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface PackResult {
  /** A deep copy of the input, packed (the input is not changed). */
  netlist: unknown;
  /** MULT18X18D cells in the top module. */
  dsps: number;
  /** DSPs whose A (B) input register was taken in. */
  absorbedA: number;
  absorbedB: number;
  /** DSPs whose output register was taken in. */
  absorbedOut: number;
  /** LUT4 inverters added for inverted clock enables (CEMUX "INV"). */
  inverters: number;
  /** One line: the counts, and why the others were not taken in. */
  note: string;
}

const DSP = 'MULT18X18D';
const FF = 'TRELLIS_FF';
const REG_CLK_PARAMS = ['REG_INPUTA_CLK', 'REG_INPUTB_CLK', 'REG_INPUTC_CLK', 'REG_PIPELINE_CLK', 'REG_OUTPUT_CLK'];
const CONTROL_PINS = ['CLK0', 'CLK1', 'CLK2', 'CLK3', 'CE0', 'CE1', 'CE2', 'CE3', 'RST0', 'RST1', 'RST2', 'RST3'];

const isNet = (b: Bit | undefined): b is number => typeof b === 'number';

/**
 * A parameter's value as a string: a string as Yosys writes it (a trailing space marks a string
 * made of 0/1/x/z only), or a bit string of 8-bit characters decoded to text; undefined when absent.
 */
export function paramString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  if (/^[01xz]+ +$/.test(v)) return v.replace(/ +$/, '');
  if (/^[01]+$/.test(v) && v.length % 8 === 0 && v.length >= 8) {
    let s = '';
    for (let i = 0; i < v.length; i += 8) {
      const c = parseInt(v.slice(i, i + 8), 2);
      if (c === 0 && s === '') continue; // leading padding of a wide string parameter
      if (c < 32 || c > 126) return v; // not text: a plain bit vector
      s += String.fromCharCode(c);
    }
    return s;
  }
  return v;
}

interface PinRef {
  cell: string;
  port: string;
  index: number;
}

interface Index {
  driver: Map<number, PinRef | 'port'>;
  readers: Map<number, (PinRef | 'port')[]>;
}

function indexModule(m: JsonModule): Index {
  const driver = new Map<number, PinRef | 'port'>();
  const readers = new Map<number, (PinRef | 'port')[]>();
  const addReader = (b: number, r: PinRef | 'port') => {
    const l = readers.get(b);
    if (l) l.push(r);
    else readers.set(b, [r]);
  };
  for (const p of Object.values(m.ports ?? {})) {
    p.bits.forEach((b) => {
      if (!isNet(b)) return;
      if (p.direction === 'input' || p.direction === 'inout') driver.set(b, 'port');
      if (p.direction === 'output' || p.direction === 'inout') addReader(b, 'port');
    });
  }
  for (const [name, c] of Object.entries(m.cells ?? {})) {
    for (const [port, bits] of Object.entries(c.connections)) {
      const dir = c.port_directions?.[port] ?? 'input';
      bits.forEach((b, index) => {
        if (!isNet(b)) return;
        const ref = { cell: name, port, index };
        if (dir === 'output' || dir === 'inout') driver.set(b, ref);
        if (dir === 'input' || dir === 'inout') addReader(b, ref);
      });
    }
  }
  return { driver, readers };
}

/** The control of a flip-flop the DSP can take over: its clock net, enable ('1' = always) and GSR. */
interface FfControl {
  clk: number;
  ce: Enable;
  gsr: string;
}

/** A TRELLIS_FF's clock, enable and GSR when a DSP register can replace it, else why not. */
function ffControl(c: JsonCell): FfControl | string {
  const p = (k: string) => paramString(c.parameters?.[k]);
  const pin = (k: string): Bit | undefined => c.connections[k]?.[0];
  if ((p('CLKMUX') ?? 'CLK') !== 'CLK') return 'an inverted clock';
  const clk = pin('CLK');
  if (!isNet(clk)) return 'no clock net';
  const lsrmux = p('LSRMUX') ?? 'LSR';
  const lsr = pin('LSR');
  const lsrOff = (lsrmux === 'LSR' && lsr === '0') || (lsrmux === 'INV' && lsr === '1');
  if (!lsrOff) return 'a set/reset (LSR)';
  if ((p('REGSET') ?? 'RESET') !== 'RESET') return 'REGSET=SET (starts at 1)';
  const gsr = p('GSR') ?? 'ENABLED';
  if (gsr !== 'ENABLED' && gsr !== 'DISABLED') return `GSR=${gsr}`;
  const cemux = p('CEMUX') ?? 'CE';
  let ce: Enable;
  if (cemux === '1') ce = '1';
  else if (cemux === 'CE' || cemux === 'INV') {
    const inv = cemux === 'INV';
    const e = pin('CE');
    if (e === (inv ? '0' : '1')) ce = '1';
    else if (isNet(e)) ce = inv ? `!${e}` : e;
    else return 'a clock enable that is never on';
  } else return `CEMUX=${cemux}`;
  return { clk, ce, gsr };
}

/** Whether two flip-flops share their clock, enable and GSR setting. */
const sameControl = (a: FfControl, b: FfControl): boolean => a.clk === b.clk && a.ce === b.ce && a.gsr === b.gsr;

/** The flip-flop whose D input (DI) net b drives, when b drives that and nothing else. */
function soleFfReader(b: number, cells: Record<string, JsonCell>, idx: Index): string | undefined {
  const rs = idx.readers.get(b) ?? [];
  const r = rs[0];
  return rs.length === 1 && r !== undefined && r !== 'port' && cells[r.cell]!.type === FF && r.port === 'DI' ? r.cell : undefined;
}

/** A pass's reasons for not absorbing, counted, for its note. */
class Reasons {
  private readonly counts = new Map<string, number>();
  add(what: string, reason: string): void {
    const k = `${what}: ${reason}`;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  /** "; not absorbed: <what>: <reason> (<count>); ...", or '' when there are none. */
  note(): string {
    return this.counts.size ? `; not absorbed: ${[...this.counts].map(([k, v]) => `${k} (${v})`).join('; ')}` : '';
  }
}

interface Group {
  dsp: string;
  kind: 'A' | 'B';
  /** Pin name -> the flip-flop driving it (non-constant pins only). */
  ffs: Map<string, string>;
  control: FfControl;
  valid: boolean;
  why?: string;
}

/** Per DSP: the clock and GSR setting its registers use, and each register's enable. */
interface DspState {
  clk?: number;
  gsr?: string;
  ce: Partial<Record<Reg, Enable>>;
}

type Reg = 'INPUTA' | 'INPUTB' | 'OUTPUT';

function topModule(netlist: { modules?: Record<string, JsonModule> }, who: string): [string, JsonModule] {
  const mods = Object.entries(netlist.modules ?? {});
  const tops = mods.filter(([, m]) => {
    const t = m.attributes?.top;
    return t !== undefined && t !== 0 && t !== '0' && !/^0+$/.test(String(t));
  });
  if (tops.length === 1) return tops[0]!;
  if (tops.length > 1) throw new Error(`${who}: ${tops.length} modules carry the "top" attribute`);
  const withCells = mods.filter(([, m]) => Object.keys(m.cells ?? {}).length > 0 && !m.attributes?.blackbox);
  if (withCells.length === 1) return withCells[0]!;
  throw new Error(`${who}: no top module (no module carries the "top" attribute); run synth_ecp5 (or hierarchy -top) first`);
}

/** A LUT4's INIT as a number: a bit string as write_json writes it (most significant bit first), or a number. */
function lutInit(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[01]{1,16}$/.test(v)) return parseInt(v, 2);
  return undefined;
}

/** The net a LUT4 inverts (one input on a net, the others constant, Z = !net), or undefined. */
function lutInverts(c: JsonCell): number | undefined {
  if (c.type !== 'LUT4' || !isNet(c.connections.Z?.[0])) return undefined;
  const init = lutInit(c.parameters?.INIT);
  if (init === undefined) return undefined;
  let net: number | undefined;
  let at = -1;
  let fixed = 0;
  const pins = ['A', 'B', 'C', 'D'];
  for (let k = 0; k < 4; k++) {
    const b = c.connections[pins[k]!]?.[0] ?? '0';
    if (b === '1') fixed |= 1 << k;
    else if (isNet(b)) {
      if (net !== undefined) return undefined;
      net = b;
      at = k;
    } else if (b !== '0') return undefined;
  }
  if (net === undefined) return undefined;
  const z = (v: number) => (init >> (fixed | (v << at))) & 1;
  return z(0) === 1 && z(1) === 0 ? net : undefined;
}

/** The largest net number anywhere in the netlist (ports, cells, netnames of every module). */
function maxNet(netlist: { modules?: Record<string, JsonModule> }): number {
  let max = 1;
  const see = (bits: unknown) => {
    if (Array.isArray(bits)) for (const b of bits) if (typeof b === 'number' && b > max) max = b;
  };
  for (const m of Object.values(netlist.modules ?? {})) {
    for (const p of Object.values(m.ports ?? {})) see(p.bits);
    for (const c of Object.values(m.cells ?? {})) for (const bits of Object.values(c.connections ?? {})) see(bits);
    for (const n of Object.values(m.netnames ?? {})) see((n as { bits?: unknown }).bits);
  }
  return max;
}

/** The name prefix of the inverters the passes add (cells and their output nets). */
const INVERTER = 'ecp5_pack_not_';

/**
 * The inverted clock enables of one pass: `bit(enable)` gives the net to connect, the inverter of an
 * inverted one (a LUT4 computing !net) made on first use and shared from then on, by this pass and
 * the next: an inverter an earlier pass added (a cell ecp5_pack_not_*, computing !net) is used as it
 * is. A new one is written as synth_ecp5 writes a LUT4 (type LUT4, INIT a 16-bit string, A/B/C/D in,
 * Z out): A the enable net, B/C/D tied to 0, INIT "0101010101010101" (Z = !A whatever B/C/D), Z a
 * new net numbered above every net of the netlist and named by a netnames entry: the net
 * ecp5_pack_not_<the enable's net name>, the cell that name with _LUT4_Z (as synth_ecp5 names a
 * LUT4 after the net it drives: Yosys's cells and wires share one namespace). A LUT4 of Yosys's
 * own that happens to compute the same is not used: the packing's inverters are cells of its own.
 */
class Inverters {
  /** Enable net -> its inverter's output net: those of earlier passes, then the new ones. */
  private readonly found = new Map<number, number>();
  private readonly made = new Set<number>();
  private readonly used = new Set<number>();
  private next: number;

  constructor(
    netlist: { modules?: Record<string, JsonModule> },
    private readonly m: JsonModule,
  ) {
    for (const [name, c] of Object.entries(m.cells ?? {})) {
      const net = name.startsWith(INVERTER) ? lutInverts(c) : undefined;
      if (net !== undefined && !this.found.has(net)) this.found.set(net, c.connections.Z![0] as number);
    }
    this.next = maxNet(netlist) + 1;
  }

  /** LUT4 inverters this pass added, and those of an earlier pass it used. */
  get added(): number {
    return this.made.size;
  }
  get reused(): number {
    return [...this.used].filter((n) => !this.made.has(n)).length;
  }

  /** The net (or constant) a CE/OCE pin takes for this enable. */
  bit(e: Enable): Bit {
    if (typeof e === 'number' || e === '1') return e;
    const net = Number(e.slice(1));
    this.used.add(net);
    const have = this.found.get(net);
    if (have !== undefined) return have;
    const z = this.next++;
    const cells = (this.m.cells ??= {});
    const netnames = (this.m.netnames ??= {});
    // Yosys's cells and wires share one namespace: the net and the cell get different names
    const base = `${INVERTER}${this.nameOf(net)}`;
    const taken = (n: string) => [n, `${n}_LUT4_Z`].some((k) => k in cells || k in netnames);
    let name = base;
    for (let k = 2; taken(name); k++) name = `${base}_${k}`;
    cells[`${name}_LUT4_Z`] = {
      hide_name: 0,
      type: 'LUT4',
      parameters: { INIT: '0101010101010101' },
      attributes: {},
      port_directions: { A: 'input', B: 'input', C: 'input', D: 'input', Z: 'output' },
      connections: { A: [net], B: ['0'], C: ['0'], D: ['0'], Z: [z] },
    };
    netnames[name] = { hide_name: 0, bits: [z], attributes: {} };
    this.found.set(net, z);
    this.made.add(net);
    return z;
  }

  /**
   * A name for a net: its netnames entry (a visible one first), else the module port it is on, with
   * `_<i>` for bit i of a vector and anything but letters, digits and _ made _; else n<net>.
   */
  private nameOf(net: number): string {
    const named = (name: string, bits: Bit[] | undefined) => {
      const i = bits?.indexOf(net) ?? -1;
      return i < 0 ? undefined : (bits!.length > 1 ? `${name}_${i}` : name).replace(/[^A-Za-z0-9_]/g, '_');
    };
    let hidden: string | undefined;
    for (const [name, v] of Object.entries(this.m.netnames ?? {})) {
      const e = v as { hide_name?: number; bits?: Bit[] };
      const n = named(name, e.bits);
      if (n !== undefined && !e.hide_name) return n;
      hidden ??= n;
    }
    for (const [name, p] of Object.entries(this.m.ports ?? {})) {
      const n = named(name, p.bits);
      if (n !== undefined) return n;
    }
    return hidden ?? `n${net}`;
  }

  /** The note's words for the inverters this pass used, '' when none. */
  note(): string {
    if (this.used.size === 0) return '';
    const n = (k: number) => `${k} LUT4 inverter${k === 1 ? '' : 's'}`;
    const parts = [this.added ? `${n(this.added)} added` : '', this.reused ? `${n(this.reused)} of the DSP pass used` : ''].filter(Boolean);
    return `; inverted clock enables (CEMUX=INV): ${parts.join(', ')}`;
  }
}

/** Why a MULT18X18D cannot take in registers at all, or null. */
function dspBlocked(c: JsonCell): string | null {
  for (const k of REG_CLK_PARAMS) {
    const v = paramString(c.parameters?.[k]);
    if (v !== undefined && v !== 'NONE') return `${k}=${v} already`;
  }
  for (const k of CONTROL_PINS) if (c.connections[k]?.some((b) => b !== 'x' && b !== 'z')) return `${k} already connected`;
  for (const k of ['SOURCEA', 'SOURCEB']) {
    const b = c.connections[k]?.[0];
    if (b !== undefined && b !== '0') return `${k} not 0`;
  }
  for (const k of ['SIGNEDA', 'SIGNEDB']) {
    const b = c.connections[k]?.[0];
    if (b !== undefined && b !== '0' && b !== '1') return `${k} not constant`;
  }
  const bypass = paramString(c.parameters?.MULT_BYPASS);
  if (bypass !== undefined && bypass !== 'DISABLED') return `MULT_BYPASS=${bypass}`;
  return null;
}

/** Whether the DSP's registers so far share this flip-flop's clock and GSR setting (null), or why not. */
function mismatch(st: DspState, ctl: FfControl): string | null {
  if (st.clk !== undefined && st.clk !== ctl.clk) return "a clock other than its other registers'";
  if (st.gsr !== undefined && st.gsr !== ctl.gsr) return "a GSR setting other than its other registers'";
  return null;
}

function claim(st: DspState, reg: Reg, ctl: FfControl): void {
  st.clk = ctl.clk;
  st.gsr = ctl.gsr;
  st.ce[reg] = ctl.ce;
}

/**
 * Set the REG_*_CLK/CE/RST parameters of the registers a DSP took in and connect its controls: CLK0
 * to the clock; one CE index per distinct enable, the output register's first (CE0: nextpnr-ecp5
 * 0.11.1 writes REG_OUTPUT_CLK to the bitstream but not REG_OUTPUT_CE, so the output register must
 * use the default, CE0), the CE pins no register names tied to CE0's enable; RST0..RST3 tied to 0
 * (nextpnr writes REG_OUTPUT_RST only on some DSP sites: whichever reset the others use, it is off).
 * GSR is set to the flip-flops' setting. An inverted enable is connected through its inverter.
 */
function finish(c: JsonCell, st: DspState, inv: Inverters): void {
  const regs = (['OUTPUT', 'INPUTA', 'INPUTB'] as const).filter((r) => st.ce[r] !== undefined);
  const ces: Enable[] = [];
  for (const r of regs) if (!ces.includes(st.ce[r]!)) ces.push(st.ce[r]!);
  c.parameters ??= {};
  for (const r of regs) {
    c.parameters[`REG_${r}_CLK`] = 'CLK0';
    c.parameters[`REG_${r}_CE`] = `CE${ces.indexOf(st.ce[r]!)}`;
    c.parameters[`REG_${r}_RST`] = 'RST0';
  }
  c.parameters.GSR = st.gsr!;
  c.port_directions ??= {};
  const connect = (pin: string, b: Bit) => {
    c.connections[pin] = [b];
    c.port_directions![pin] = 'input';
  };
  connect('CLK0', st.clk!);
  for (let k = 0; k < 4; k++) connect(`CE${k}`, inv.bit(ces[k] ?? ces[0]!));
  for (let k = 0; k < 4; k++) connect(`RST${k}`, '0');
}

const pinNames = (kind: string, n: number) => Array.from({ length: n }, (_, i) => `${kind}${i}`);

export function packDspRegisters(netlist: unknown): PackResult {
  const out = structuredClone(netlist) as { modules?: Record<string, JsonModule> };
  const [, m] = topModule(out, 'packDspRegisters');
  const cells = (m.cells ??= {});
  const inv = new Inverters(out, m);
  const dspNames = Object.keys(cells).filter((n) => cells[n]!.type === DSP);
  const states = new Map<string, DspState>(dspNames.map((n) => [n, { ce: {} }]));
  const why = new Reasons();

  const blocked = new Map<string, string>();
  for (const n of dspNames) {
    const b = dspBlocked(cells[n]!);
    if (b) blocked.set(n, b);
  }

  // ---- inputs: candidate groups, then drop those whose flip-flops have readers that do not take them in
  let idx = indexModule(m);
  const groups: Group[] = [];
  for (const n of dspNames) {
    const c = cells[n]!;
    for (const kind of ['A', 'B'] as const) {
      const g: Group = { dsp: n, kind, ffs: new Map(), control: { clk: -1, ce: '1', gsr: '' }, valid: true };
      groups.push(g);
      if (blocked.has(n)) {
        g.valid = false;
        g.why = `DSP left alone (${blocked.get(n)})`;
        continue;
      }
      let ctl: FfControl | undefined;
      for (const pin of pinNames(kind, 18)) {
        const b = c.connections[pin]?.[0];
        if (!isNet(b)) continue; // constant or unconnected: stays as it is
        const d = idx.driver.get(b);
        const ff = d && d !== 'port' && d.port === 'Q' ? cells[d.cell] : undefined;
        if (!ff || ff.type !== FF || d === undefined || d === 'port') {
          g.why = 'a pin not driven by a flip-flop';
          break;
        }
        const k = ffControl(ff);
        if (typeof k === 'string') {
          g.why = `a flip-flop with ${k}`;
          break;
        }
        if (ctl && !sameControl(ctl, k)) {
          g.why = 'flip-flops on different clocks, enables or GSR settings';
          break;
        }
        ctl = k;
        g.ffs.set(pin, d.cell);
      }
      if (!g.why && g.ffs.size === 0) g.why = 'no register (all pins constant)';
      if (g.why) g.valid = false;
      else g.control = ctl!;
    }
  }
  const groupOf = new Map(groups.map((g) => [`${g.dsp}\u0000${g.kind}`, g]));
  // one clock and one GSR setting per DSP: A claims first, a B on another is dropped. One pass
  // settles it (a group's fate depends only on the groups of its own DSP before it), and the
  // validity is final before the readers are looked at below.
  for (const g of groups) {
    if (!g.valid) continue;
    const st = states.get(g.dsp)!;
    const r = mismatch(st, g.control);
    if (r) {
      g.valid = false;
      g.why = `flip-flops with ${r}`;
    } else claim(st, g.kind === 'A' ? 'INPUTA' : 'INPUTB', g.control);
  }
  // a flip-flop goes when every reader takes it in; one that also feeds logic, a port or a DSP that
  // cannot take it in stays for those, and each DSP that can takes in its own copy
  const takenBy = (ffName: string): boolean => {
    const q = cells[ffName]!.connections.Q![0] as number;
    return (idx.readers.get(q) ?? []).every((r) => {
      if (r === 'port') return false;
      const kind = /^([AB])\d+$/.exec(r.port)?.[1];
      if (cells[r.cell]!.type !== DSP || !kind) return false;
      const other = groupOf.get(`${r.cell}\u0000${kind}`);
      return other !== undefined && other.valid && other.ffs.get(r.port) === ffName;
    });
  };
  const removed = new Set<string>();
  const kept = new Set<string>();
  let copies = 0;
  for (const g of groups) {
    const c = cells[g.dsp]!;
    if (!g.valid) {
      why.add(g.kind, g.why ?? 'not taken in');
      continue;
    }
    let copy = false;
    for (const ffName of new Set(g.ffs.values())) {
      if (takenBy(ffName)) removed.add(ffName);
      else {
        kept.add(ffName);
        copy = true;
      }
    }
    if (copy) copies++;
    for (const [pin, ffName] of g.ffs) c.connections[pin] = [cells[ffName]!.connections.DI![0]!];
  }
  for (const n of removed) delete cells[n];

  // ---- output: P pins that each drive one flip-flop's D and nothing else
  idx = indexModule(m);
  let absorbedOut = 0;
  for (const n of dspNames) {
    const c = cells[n]!;
    if (blocked.has(n)) {
      why.add('output', `DSP left alone (${blocked.get(n)})`);
      continue;
    }
    const take = new Map<string, string>();
    let reason: string | undefined;
    let ctl: FfControl | undefined;
    for (const pin of pinNames('P', 36)) {
      const b = c.connections[pin]?.[0];
      if (!isNet(b)) continue;
      if ((idx.readers.get(b)?.length ?? 0) === 0) continue; // unused: stays unconnected
      const ff = soleFfReader(b, cells, idx);
      if (ff === undefined) {
        reason = 'a P pin that feeds logic, a port or more than one flip-flop';
        break;
      }
      const k = ffControl(cells[ff]!);
      if (typeof k === 'string') {
        reason = `a flip-flop with ${k}`;
        break;
      }
      if (ctl && !sameControl(ctl, k)) {
        reason = 'flip-flops on different clocks, enables or GSR settings';
        break;
      }
      ctl = k;
      take.set(pin, ff);
    }
    if (!reason && take.size === 0) reason = 'no P pin used';
    const st = states.get(n)!;
    if (!reason) {
      const r = mismatch(st, ctl!);
      if (r) reason = `flip-flops with ${r}`;
    }
    if (reason) {
      why.add('output', reason);
      continue;
    }
    claim(st, 'OUTPUT', ctl!);
    for (const [pin, ffName] of take) {
      c.connections[pin] = [cells[ffName]!.connections.Q![0]!];
      delete cells[ffName];
    }
    absorbedOut++;
  }

  for (const n of dspNames) {
    const st = states.get(n)!;
    if (st.clk !== undefined) finish(cells[n]!, st, inv);
  }

  const count = (kind: 'A' | 'B') => groups.filter((g) => g.kind === kind && g.valid).length;
  const absorbedA = count('A');
  const absorbedB = count('B');
  const note =
    `MULT18X18D register packing: ${dspNames.length} DSPs, ${absorbedA} A and ${absorbedB} B input registers and ${absorbedOut} output registers absorbed` +
    (copies ? ` (${copies} input register${copies > 1 ? 's' : ''} a copy: ${kept.size} flip-flop${kept.size > 1 ? 's' : ''} kept for ${kept.size > 1 ? 'their' : 'its'} other readers)` : '') +
    inv.note() +
    why.note();
  return { netlist: out, dsps: dspNames.length, absorbedA, absorbedB, absorbedOut, inverters: inv.added, note };
}

// ------------------------------------------------------------------------------------------------
// DP16KD output registers
// ------------------------------------------------------------------------------------------------

const EBR = 'DP16KD';

/**
 * A numeric parameter: a number, a string of bits (how write_json writes an integer parameter, e.g.
 * DATA_WIDTH_A "00000000000000000000000000010010" = 18) or a decimal string ("18", or "1 " as
 * write_json writes a string made of bits); undefined when absent or not a number.
 */
export function paramInt(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  if (/^[01]+$/.test(v)) return parseInt(v, 2);
  const m = /^(\d+) *$/.exec(v);
  return m ? Number(m[1]) : undefined;
}

export interface EbrPackResult {
  /** A deep copy of the input, packed (the input is not changed). */
  netlist: unknown;
  /** DP16KD cells in the top module. */
  ebrs: number;
  /**
   * Their read ports with at least one DO bit read (a port nothing reads is left as it is, and not
   * counted): A and B of a true dual port DP16KD, the one read port of one in the 36-bit (pseudo
   * dual port) mode.
   */
  readPorts: number;
  /** Ports A (B) whose output register now holds the flip-flops that read them. */
  absorbedA: number;
  absorbedB: number;
  /** DP16KD in the 36-bit (pseudo dual port) mode whose read went into the output register. */
  absorbedPdp: number;
  /** LUT4 inverters added for inverted clock enables (CEMUX "INV"). */
  inverters: number;
  /** One line: the counts, and why the others were not taken in. */
  note: string;
}

/**
 * One read port of a DP16KD and the pins and parameters that govern its output register: in the
 * true dual port modes port A (DOA0..17; CLKA, RSTA, OCEA, REGMODE_A, CSA) and port B the same; in the
 * 36-bit (pseudo dual port) mode one read port, 'PDP': DOA0..17 and DOB0..17, all on the read
 * clock CLKB (see packEbrOutputRegisters).
 */
interface EbrReadPort {
  label: 'A' | 'B' | 'PDP';
  doPins: string[];
  clk: 'CLKA' | 'CLKB';
  rsts: string[];
  oces: string[];
  regmodes: string[];
  cs: 'A' | 'B';
}

const doPins = (P: 'A' | 'B') => Array.from({ length: 18 }, (_, k) => `DO${P}${k}`);
const dualPort = (P: 'A' | 'B'): EbrReadPort => ({ label: P, doPins: doPins(P), clk: `CLK${P}`, rsts: [`RST${P}`], oces: [`OCE${P}`], regmodes: [`REGMODE_${P}`], cs: P });
const PDP_PORT: EbrReadPort = {
  label: 'PDP',
  doPins: [...doPins('A'), ...doPins('B')],
  clk: 'CLKB',
  rsts: ['RSTA', 'RSTB'],
  oces: ['OCEA', 'OCEB'],
  regmodes: ['REGMODE_A', 'REGMODE_B'],
  cs: 'B',
};

/** What absorbing one read port changes: DO pin -> the flip-flop reading it, and the enable OCE gets. */
interface EbrPortPlan {
  ffs: Map<string, string>;
  oce: Enable;
}

/**
 * A DP16KD's read ports, or why none can take in registers (a mode the pass does not handle; the
 * ports are then A and B, for the counts).
 */
function ebrReadPorts(c: JsonCell): { ports: EbrReadPort[]; blocked?: string } {
  const wa = paramInt(c.parameters?.DATA_WIDTH_A ?? 18);
  const wb = paramInt(c.parameters?.DATA_WIDTH_B ?? 18);
  const dual = [dualPort('A'), dualPort('B')];
  if (wa === 36 && wb === 36) return { ports: [PDP_PORT] };
  if (wa === 36 || wb === 36) return { ports: dual, blocked: `the 36-bit (pseudo dual port) mode with DATA_WIDTH_A=${wa}, DATA_WIDTH_B=${wb}` };
  for (const [k, w] of [['DATA_WIDTH_A', wa], ['DATA_WIDTH_B', wb]] as const) {
    if (w === undefined || ![1, 2, 4, 9, 18].includes(w)) return { ports: dual, blocked: `${k}=${String(c.parameters?.[k])}` };
  }
  return { ports: dual };
}

/**
 * The flip-flops read port R of a DP16KD can take into its output register, 'unread' when nothing
 * reads the port, else why not.
 */
function ebrPortPlan(c: JsonCell, R: EbrReadPort, cells: Record<string, JsonCell>, idx: Index): EbrPortPlan | 'unread' | string {
  const p = (k: string) => paramString(c.parameters?.[k]);
  const pin = (k: string): Bit | undefined => c.connections[k]?.[0];
  const used: [string, number][] = [];
  for (const d of R.doPins) {
    const b = pin(d);
    if (isNet(b) && (idx.readers.get(b)?.length ?? 0) > 0) used.push([d, b]);
  }
  if (used.length === 0) return 'unread';
  for (const k of R.regmodes) {
    const regmode = p(k) ?? 'NOREG';
    if (regmode !== 'NOREG') return `${k}=${regmode}${regmode === 'OUTREG' ? ' already' : ''}`;
  }
  if ((p(`${R.clk}MUX`) ?? R.clk) !== R.clk) return `${R.clk}MUX=${p(`${R.clk}MUX`)} (an inverted clock)`;
  const clk = pin(R.clk);
  if (!isNet(clk)) return 'no clock net';
  // RST resets the read data (the output register too, when there is one): it must never be active
  for (const r of R.rsts) {
    const rstmux = p(`${r}MUX`) ?? r;
    const rst = pin(r);
    if (!((rstmux === r && rst === '0') || (rstmux === 'INV' && rst === '1'))) return `a reset (${r}) not tied off`;
  }
  for (const o of R.oces) if ((p(`${o}MUX`) ?? o) !== o) return `${o}MUX=${p(`${o}MUX`)}`;
  // the port always selected: CSDECODE 0b000 and the chip-select pins tied to 0 (as Yosys maps them)
  const P = R.cs;
  const cs = [0, 1, 2].every((i) => pin(`CS${P}${i}`) === '0' && (p(`CS${P}${i}MUX`) ?? `CS${P}${i}`) === `CS${P}${i}`);
  if (!cs || (p(`CSDECODE_${P}`) ?? '0b000') !== '0b000') return 'a chip select in use';
  const ffs = new Map<string, string>();
  let ctl: FfControl | undefined;
  for (const [doPin, b] of used) {
    if ((p(`${doPin}MUX`) ?? doPin) !== doPin) return `${doPin}MUX=${p(`${doPin}MUX`)} (an inverted output)`;
    const ff = soleFfReader(b, cells, idx);
    if (ff === undefined) return 'a DO bit that feeds logic, a port or more than one flip-flop';
    const k = ffControl(cells[ff]!);
    if (typeof k === 'string') return `a flip-flop with ${k}`;
    if (!isNet(cells[ff]!.connections.Q?.[0])) return 'a flip-flop with no Q net';
    if (k.clk !== clk) return "a flip-flop on a clock other than the port's";
    // (the clocks are the port's, so differing controls differ in enable or GSR)
    if (ctl && !sameControl(ctl, k)) return 'flip-flops on different enables or GSR settings';
    ctl = k;
    ffs.set(doPin, ff);
  }
  // the DP16KD's GSR setting covers its read register as well: it stays, and must be the flip-flops'
  const gsr = p('GSR');
  if (gsr !== ctl!.gsr) return `flip-flops with GSR=${ctl!.gsr}, the DP16KD with GSR=${gsr ?? '(unset)'}`;
  return { ffs, oce: ctl!.ce };
}

/**
 * DP16KD output register packing (a pass over Yosys's JSON netlist, between `synth_ecp5` and
 * nextpnr-ecp5).
 *
 * Yosys 0.70 maps a synchronous ROM read onto DP16KD with REGMODE_A/B = "NOREG" (techlibs/lattice
 * brams_map_16kd.v: OCEA/OCEB tied to 1 and unused) and never uses the EBR's output register.
 * nextpnr-ecp5 0.11.1 times a DP16KD from the cell-type table its REGMODE_A/REGMODE_B pair selects
 * (DP16KD_REGMODE_A_NOREG_REGMODE_B_NOREG, ..._A_OUTREG_...): at speed 6 the data leave a NOREG port
 * 5.61 ns after its clock, an OUTREG port 0.97 ns after. For `pipeline.device: ecp5` the generator
 * writes a register that takes every table read's data and nothing else (`<name>_or`); this pass
 * moves it into the DP16KD, per read port (A: DOA0..17, REGMODE_A, CLKA, OCEA, RSTA; B the same):
 *
 * - when REGMODE is NOREG and every DO bit that something reads drives exactly one TRELLIS_FF's DI
 *   and nothing else (no LUT, no port, no second flip-flop), those flip-flops all on the port's
 *   clock net (CLKA/CLKB, neither inverted), on one clock enable, with no set/reset that can ever be
 *   active (LSR tied off), REGSET=RESET (the output register starts at 0 too) and the DP16KD's GSR
 *   setting: REGMODE becomes "OUTREG", OCE takes the flip-flops' enable (1 for none; an inverted
 *   one through a LUT4 inverter, see `Inverters`), each DO pin drives its flip-flop's Q net, and the
 *   flip-flops go. A port is taken in whole or not at all (REGMODE is per port); DO bits nothing
 *   reads stay unconnected.
 *
 * Semantics (Yosys techlibs/lattice brams_16kd.txt and brams_map_16kd.v, the Lattice ECP5 memory
 * usage guide): a NOREG port's data out is its read register, loaded from the array at CLK when CE
 * (the read enable); with OUTREG a second register, loaded from the first at CLK when OCE, drives
 * DO. CE, WE, the address and the read register are not touched. RST resets the read data, and with
 * OUTREG the output register as well: the pass requires it tied off (RSTxMUX "RSTx" and RST 0, or
 * "INV" and 1), so that neither register ever resets and RESETMODE / ASYNC_RESET_RELEASE, kept as
 * they are, cannot matter. The port must be always selected (CSDECODE 0b000, CS pins 0), and its
 * OCE and DO pins not inverted (OCExMUX, DOxnMUX).
 *
 * The 36-bit (pseudo dual port) mode, DATA_WIDTH_A = DATA_WIDTH_B = 36: Yosys maps a 512 x 36
 * memory ($__PDPW16KD_, brams_map_16kd.v) onto one DP16KD with the write on port A's controls (CLKA,
 * CEA, WEA 1, ADA0..3 the byte enables, DIA and DIB the 36 data bits; for a ROM CLKA and CEA tied to
 * 0) and the read on port B's (CLKB, CEB, ADB, RSTB; OCEA tied to 0, OCEB to 1, RSTA to 0), the word's
 * bits 0..17 on DOA0..17 and 18..35 on DOB0..17. nextpnr-ecp5 0.11.1 treats a DP16KD with
 * DATA_WIDTH_A 36 as this mode (ramInfo.is_pdp): every DO pin, DOA and DOB, is clocked by CLKB, with
 * CEB, OCEB and ADB5..13 (ecp5/arch.cc getPortClockingInfo), and a DO pin's clock-to-out is that of
 * its half's REGMODE (CLKA -> DOAn of the REGMODE_A/REGMODE_B table, CLKB -> DOBn). Lattice's own
 * pseudo dual port primitive, PDPW16KD, has a single REGMODE and one output enable, OCER;
 * nextpnr's packer (ecp5/pack.cc) turns it into this DP16KD by setting REGMODE_A and REGMODE_B both
 * to its REGMODE, OCER onto OCEB, CLKR onto CLKB and RST onto RSTA and RSTB (and bitstreams
 * Diamond built for a PDPW16KD with REGMODE OUTREG are reported to set both REGMODE_A and
 * REGMODE_B). Such a DP16KD's read is one port here ('PDP': DOA0..17 and DOB0..17, clocked by
 * CLKB): when every DO bit read feeds one flip-flop as above, on CLKB's net (not inverted), with
 * RSTA and RSTB tied off and CSB always selected, REGMODE_A and REGMODE_B both become OUTREG and
 * OCEA and OCEB both take the enable; the write side (CLKA, CEA, WEA, ADA, DIA, DIB) is not
 * touched. OCEB is the read's output enable per nextpnr; OCEA gets the same net because nothing
 * says which of the two the DOA half's output register uses in this mode (nextpnr leaves OCEA
 * unconnected for a PDPW16KD, i.e. tied to 1): with both the same, either way it loads when the
 * flip-flops did. Checked with nextpnr-ecp5 0.11.1 on a 512 x 36 ROM read (synth_ecp5): DOB's
 * clock-to-out 5.83 ns unpacked, 0.96 ns packed; with REGMODE_A alone left NOREG, DOA stays at
 * 5.61 ns, with REGMODE_B alone, DOB at 5.83 ns. A 36-bit write with a narrower read
 * (DATA_WIDTH_B below 36: the read data on DOB) is not handled, nor a DATA_WIDTH_B of 36 without
 * DATA_WIDTH_A 36.
 */
export function packEbrOutputRegisters(netlist: unknown): EbrPackResult {
  const out = structuredClone(netlist) as { modules?: Record<string, JsonModule> };
  const [, m] = topModule(out, 'packEbrOutputRegisters');
  const cells = (m.cells ??= {});
  const inv = new Inverters(out, m);
  const ebrNames = Object.keys(cells).filter((n) => cells[n]!.type === EBR);
  const idx = indexModule(m);
  const why = new Reasons();
  const absorbed = { A: 0, B: 0, PDP: 0 };
  let readPorts = 0;
  let pdpCells = 0;
  const plans: [JsonCell, EbrReadPort, EbrPortPlan][] = [];
  for (const n of ebrNames) {
    const c = cells[n]!;
    const { ports, blocked } = ebrReadPorts(c);
    if (ports.includes(PDP_PORT)) pdpCells++;
    for (const R of ports) {
      const r = ebrPortPlan(c, R, cells, idx);
      if (r === 'unread') continue;
      readPorts++;
      const reason = blocked ? `DP16KD left alone (${blocked})` : typeof r === 'string' ? r : undefined;
      if (reason !== undefined) why.add(R.label, reason);
      else plans.push([c, R, r as EbrPortPlan]);
    }
  }
  // the plans read the netlist as it was; they touch disjoint flip-flops and pins
  for (const [c, R, plan] of plans) {
    c.parameters ??= {};
    for (const k of R.regmodes) c.parameters[k] = 'OUTREG';
    const oce = inv.bit(plan.oce);
    for (const o of R.oces) {
      c.connections[o] = [oce];
      (c.port_directions ??= {})[o] = 'input';
    }
    for (const [doPin, ffName] of plan.ffs) {
      c.connections[doPin] = [cells[ffName]!.connections.Q![0]!];
      delete cells[ffName];
    }
    absorbed[R.label]++;
  }
  const note =
    `DP16KD output register packing: ${ebrNames.length} DP16KD, ${plans.length} of ${readPorts} read ports absorbed (A ${absorbed.A}, B ${absorbed.B}` +
    (pdpCells ? `, 36-bit PDP ${absorbed.PDP}` : '') +
    ')' +
    inv.note() +
    why.note();
  return { netlist: out, ebrs: ebrNames.length, readPorts, absorbedA: absorbed.A, absorbedB: absorbed.B, absorbedPdp: absorbed.PDP, inverters: inv.added, note };
}

/** packEcp5's result: the netlist after both passes, one note, and each pass's counts. */
export interface Ecp5PackResult {
  netlist: unknown;
  note: string;
  dsp: Omit<PackResult, 'netlist'>;
  ebr: Omit<EbrPackResult, 'netlist'>;
}

/**
 * Both passes, as `measureEcp5`'s `pack` hook: the MULT18X18D registers (packDspRegisters), then
 * the DP16KD output registers (packEbrOutputRegisters) on its result, which uses the inverters of
 * inverted enables the DSP pass added (one per enable net for both passes). In this order a flip-flop
 * between a DO pin and a DSP input can only go into the DSP (its DO bit then feeds the DSP and the
 * port is not taken in); the generator writes no such flip-flop (a table read's output register
 * feeds logic or the lane registers).
 */
export function packEcp5(netlist: unknown): Ecp5PackResult {
  const { netlist: afterDsp, ...dsp } = packDspRegisters(netlist);
  const { netlist: packed, ...ebr } = packEbrOutputRegisters(afterDsp);
  return { netlist: packed, note: `${dsp.note}. ${ebr.note}`, dsp, ebr };
}
