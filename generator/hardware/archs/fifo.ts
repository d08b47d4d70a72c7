/**
 * The output FIFO of a block (pipeline.outputFifo), shared by the architectures: its depth, its
 * state as Verilog lines, and the pick modules that keep a decision one LUT before each register.
 */
import { bitsFor } from '../../core/bits.js';
import type { DelayModel } from '../../pipeline/delay.js';

/**
 * The beats of a block's output FIFO (pipeline.outputFifo). A vector accepted in cycle t is read from
 * the head register in cycle t + latency at the earliest and its credit is back in t + latency + 1,
 * so a sink that is always ready sees one vector per clock when the FIFO and the head hold
 * latency + 1 beats: the FIFO latency. Rounded up to 16, the depth of one ECP5 distributed RAM.
 */
export function outputFifoDepth(latency: number): number {
  return Math.ceil(latency / 16) * 16;
}

/**
 * The banks of a parallel block's output FIFO read through registers (0: none), where the model's
 * read of the FIFO's memory into its head register (model.fifoRead, register to register) does not
 * fit the period less the model's slack: beat k in bank k mod B, each bank read into a register of
 * its own every cycle at its own read pointer, the head loaded from those registers (one more cycle
 * from a write to the head). B = depth / 16 banks of 16 beats (one ECP5 distributed RAM each), at
 * least 2, so that a bank is read again two loads later at the earliest, after its register has
 * taken the next beat.
 */
export function fifoReadBanks(model: DelayModel, periodNs: number, depth: number): number {
  return fifoReadRegistered(model, periodNs) ? Math.max(2, depth / 16) : 0;
}

/** Whether the output FIFO is read through bank registers at this period (fifoReadBanks). */
export function fifoReadRegistered(model: DelayModel, periodNs: number): boolean {
  return model.fifoRead !== undefined && model.fifoRead > periodNs * (1 - model.slack);
}

/**
 * One copy of the output FIFO's state (pipeline.outputFifo), as Verilog lines: the beats in the
 * memory, whether it holds any, whether the head register holds one, and `load`, the head's load.
 * `wr` writes a beat, `ready` is m_axis_tready. The block keeps one copy and each lane another; all
 * see the same inputs, so they agree. With `lane`, also the lane's part of the memory and the head
 * register, written from `lane.data` and read as `y`. With `pick` (the block's name: pickModules),
 * the count's enable is picked by the ready in the block's pick module of one select, one LUT after
 * the ready, and `load` only moves the head (declared where the lane part reads it).
 */
export function fifoState(o: { fd: number; wr: string; ready: string; pick?: string; lane?: { width: number; data: string }; banks?: number }): string[] {
  const aw = bitsFor(o.fd - 1);
  const banks = o.banks ?? 0;
  // with banks (fifoReadBanks) a beat reaches its bank's read register a cycle after its write: the
  // state counts it then, from a copy of the write a cycle late
  const wr = banks ? 'fifo_wr_c' : o.wr;
  const wrLate = banks ? ['// the write a cycle late: a beat counts once its bank\'s read register can hold it', 'reg         fifo_wr_c;', `always @(posedge aclk) fifo_wr_c <= aresetn & ${o.wr};`] : [];
  // the count of beats in the memory, 0..fd, as the state of a linear-feedback shift register: a
  // step up or down is a shift with one exclusive-or, one LUT and no carry chain (a binary count's
  // increment was the critical path of the ECP5 blocks: a chain broken across tiles, 5.67 to 6.04 ns)
  const w = aw + 1;
  const lf = lfsr(w);
  const st = (k: number) => `${w}'d${lf.state(k)}`;
  const bits = (ix: number[]) => ix.map((i) => `fifo_count[${i}]`).join(', ');
  const lines = [
    ...wrLate,
    `reg  [${aw}:0] fifo_count;     // beats in the memory: ${st(0)} for none, an LFSR step up for each beat (taps ${lf.taps.join(', ')})`,
    "reg         fifo_nonempty;  // the memory holds a beat",
    'reg         head_valid;',
    ...(o.pick
      ? [
          '// the count moves when a write and a load do not cancel: its enable for either value of the ready',
          '// (the load is fifo_nonempty when ready, fifo_nonempty & ~head_valid when not), then picked by',
          `// ${o.ready} in a module of its own (one LUT after it)`,
          `wire        count_ce_r = ${wr} ^ fifo_nonempty;`,
          `wire        count_ce_n = ${wr} ^ (fifo_nonempty & ~head_valid);`,
          'wire        count_ce;',
          `${pickName(o.pick, 1)} u_count_ce (.s(${o.ready}), .a(count_ce_r), .b(count_ce_n), .y(count_ce));`,
        ]
      : []),
    ...(o.pick && !o.lane ? [] : [`wire        load = fifo_nonempty & (~head_valid | ${o.ready});`]),
    `// ${o.ready} reaches every lane: each register takes it through one LUT, the rest of its next`,
    '// value computed from registers alone (kept, so that synthesis does not fold the ready into that logic)',
    '// the count one up and one down (a shift and an exclusive-or), from the register alone: the write and the load only pick',
    `wire [${aw}:0] fifo_count_inc = {fifo_count[${w - 2}:0], ^{${bits(lf.taps.map((t) => t - 1))}}};`,
    `wire [${aw}:0] fifo_count_dec = {^{${bits([0, ...lf.taps.filter((t) => t !== w)])}}, fifo_count[${w - 1}:1]};`,
    '// not empty next: a beat written or more than one held (kept_a), or one held, the head full and not',
    `// taken (kept_b & ~${o.ready}); a load with one held empties the memory`,
    `(* keep *) wire kept_a = ${wr} | ((fifo_count != ${st(0)}) & (fifo_count != ${st(1)}));`,
    `(* keep *) wire kept_b = (fifo_count == ${st(1)}) & head_valid;`,
    'always @(posedge aclk) begin',
    '  if (!aresetn) begin',
    `    fifo_count <= ${st(0)};`,
    "    fifo_nonempty <= 1'b0;",
    "    head_valid <= 1'b0;",
    '  end else begin',
    `    if (${o.pick ? 'count_ce' : `${wr} ^ load`}) fifo_count <= ${wr} ? fifo_count_inc : fifo_count_dec;`,
    `    fifo_nonempty <= kept_a | (kept_b & ~${o.ready});`,
    `    head_valid <= fifo_nonempty | (head_valid & ~${o.ready});`,
    '  end',
    'end',
  ];
  if (!o.lane) return lines;
  // pointers that wrap after `last`, cleared by the reset, each moving when its enable is set
  const pointers = (ps: { name: string; w: number; en: string; last: number }[]) => [
    'always @(posedge aclk) begin',
    '  if (!aresetn) begin',
    ...ps.map((p) => `    ${p.name} <= ${p.w}'d0;`),
    '  end else begin',
    ...ps.map((p) => `    if (${p.en}) ${p.name} <= ${p.name} == ${p.w}'d${p.last} ? ${p.w}'d0 : ${p.name} + ${p.w}'d1;`),
    '  end',
    'end',
  ];
  const W = o.lane.width;
  if (!banks) {
    return [
      ...lines,
      `reg  [${W - 1}:0] fifo_mem [0:${o.fd - 1}];`,
      `reg  [${aw - 1}:0] fifo_wp;`,
      `reg  [${aw - 1}:0] fifo_rp;`,
      `reg  [${W - 1}:0] head;`,
      `always @(posedge aclk) if (${o.wr}) fifo_mem[fifo_wp] <= ${o.lane.data};`,
      'always @(posedge aclk) if (load) head <= fifo_mem[fifo_rp];',
      ...pointers([
        { name: 'fifo_wp', w: aw, en: o.wr, last: o.fd - 1 },
        { name: 'fifo_rp', w: aw, en: 'load', last: o.fd - 1 },
      ]),
      'assign y = head;',
    ];
  }
  // the memory in banks: beat k in bank k mod B, word k / B; each bank's read registered every
  // cycle at its own read pointer, which moves when the head loads from that bank
  const words = o.fd / banks;
  if (!Number.isInteger(words)) throw new Error(`internal: an output FIFO of ${o.fd} beats in ${banks} banks`);
  const bw = bitsFor(banks - 1);
  const ww = bitsFor(words - 1);
  const out = [
    ...lines,
    `// the memory in ${banks} banks of ${words} beats: beat k in bank k mod ${banks}, each bank read into a register every cycle`,
    `reg  [${bw - 1}:0] fifo_wb;   // the bank of the next write`,
    `reg  [${bw - 1}:0] fifo_rb;   // the bank of the next load`,
    `reg  [${W - 1}:0] head;`,
  ];
  const heads: string[] = [];
  for (let b = 0; b < banks; b++) {
    const m = `fifo_mem${b}`;
    const wrB = `${o.wr} && fifo_wb == ${bw}'d${b}`;
    out.push(
      `reg  [${W - 1}:0] ${m} [0:${words - 1}];`,
      `reg  [${ww - 1}:0] fifo_wp${b};`,
      `reg  [${ww - 1}:0] fifo_rp${b};`,
      `reg  [${W - 1}:0] fifo_q${b};`,
      `always @(posedge aclk) if (${wrB}) ${m}[fifo_wp${b}] <= ${o.lane.data};`,
      `always @(posedge aclk) fifo_q${b} <= ${m}[fifo_rp${b}];`,
      ...pointers([
        { name: `fifo_wp${b}`, w: ww, en: wrB, last: words - 1 },
        { name: `fifo_rp${b}`, w: ww, en: `load && fifo_rb == ${bw}'d${b}`, last: words - 1 },
      ]),
    );
    heads.push(`    ${bw}'d${b}: head <= fifo_q${b};`);
  }
  return [
    ...out,
    ...pointers([
      { name: 'fifo_wb', w: bw, en: o.wr, last: banks - 1 },
      { name: 'fifo_rb', w: bw, en: 'load', last: banks - 1 },
    ]),
    'always @(posedge aclk)',
    '  if (load)',
    '    case (fifo_rb)',
    ...heads,
    '    default: head <= fifo_q0;',
    '    endcase',
    'assign y = head;',
  ];
}

/** The name of the pick module with k selects (pickModules): `<block>_pick`, `<block>_pick2`, ... */
export function pickName(block: string, k: number): string {
  return `${block}_pick${k === 1 ? '' : k}`;
}

/**
 * The modules that pick one of two values of W bits by the AND of k selects, kept whole by synthesis
 * (`keep_hierarchy`): each bit one LUT after the selects, whatever logic computes the two values. A
 * kept wire is no such boundary: ABC maps through it and shares logic across it (the FIFO count's
 * enable went back onto the load), or computes a decision once and adds a level after it for every
 * register. Named by pickName: k = 1 picks by `s` (the output FIFO's count by the ready), 2 by
 * s & t (a stream pass issuing a beat: has & room), 3 by s & t & u (its row's last beat).
 */
export function pickModules(block: string, ks: number[]): string[] {
  return ks.map((k) => {
    const sel = ['s', 't', 'u'].slice(0, k);
    return [
      `// the value a when ${sel.join(' & ')}, else b: one LUT after the select${k > 1 ? 's' : ''} (a boundary synthesis keeps)`,
      '(* keep_hierarchy *)',
      `module ${pickName(block, k)} #(parameter W = 1) (`,
      ...sel.map((x) => `  input  wire         ${x},`),
      '  input  wire [W-1:0] a,',
      '  input  wire [W-1:0] b,',
      '  output wire [W-1:0] y',
      ');',
      `  assign y = (${sel.join(' & ')}) ? a : b;`,
      'endmodule',
    ].join('\n');
  });
}


/**
 * A maximal-length Fibonacci LFSR of w bits (2 <= w <= 16): taps (1-based bit positions, w first)
 * whose shift s' = {s[w-2:0], XOR of s[t-1]} walks all 2^w - 1 non-zero states, found by stepping
 * (two taps where some pair has full length, else four), and state(k): the state k steps up from 1.
 */
export function lfsr(w: number): { taps: number[]; state: (k: number) => number } {
  if (w < 2 || w > 16) throw new Error(`internal: an LFSR of ${w} bits`);
  const mask = (1 << w) - 1;
  const step = (s: number, taps: number[]) => ((s << 1) & mask) | taps.reduce((f, t) => f ^ ((s >> (t - 1)) & 1), 0);
  const full = (taps: number[]) => {
    let s = 1;
    for (let k = 1; k < mask; k++) {
      s = step(s, taps);
      if (s === 1) return false;
    }
    return step(s, taps) === 1;
  };
  const pairs = Array.from({ length: w - 1 }, (_, i) => [w, w - 1 - i]);
  const quads: number[][] = [];
  for (let a = w - 1; a >= 3; a--) for (let b = a - 1; b >= 2; b--) for (let c = b - 1; c >= 1; c--) quads.push([w, a, b, c]);
  const taps = [...pairs, ...quads].find(full);
  if (!taps) throw new Error(`internal: no maximal LFSR of ${w} bits`);
  return {
    taps,
    state: (k: number) => {
      let s = 1;
      for (let i = 0; i < k; i++) s = step(s, taps);
      return s;
    },
  };
}
