/** Render the 'stream' architecture: hardware/templates/stream.v.hbs (stream1.v.hbs for the one-pass variant) filled from a StreamPlan. */
import { header, romArrayContext, tableContexts, template, templateFormats } from '../render.js';
import type { StreamPlan } from './stream.js';
import { expTableArray, onlineSumWidth, onlineTop, passCe, validChain } from './stream-passes.js';
import { fifoState, pickModules, pickName } from './fifo.js';
import { clog2, bitsFor } from '../../core/bits.js';
import { delayModel } from '../../pipeline/delay.js';

export function renderStreamRtl(sp: StreamPlan): string {
  const p = sp.plan;
  const c = p.common;
  const P = sp.lanes;
  const model = delayModel(c.config.pipeline.device);
  // the pipelines the plan built (their cycles set the store depths and the latency)
  const { maxT, sumT, expB, expC, pc, termsA } = sp.parts;
  const treeSumW = sumT.width;
  // the valid bit follows pass C's registers, with a reset
  const vc = validChain('c_vn', 'c_v2', pc.cycles, passCe(p));
  const cw = Math.max(1, clog2(sp.maxBeats));
  const c1w = bitsFor(sp.depth1);
  const c2w = bitsFor(sp.depth2);
  const qw = clog2(sp.queue);
  // the row stores' address bits
  const aw1 = Math.max(1, clog2(sp.depth1));
  const aw2 = Math.max(1, clog2(sp.depth2));
  // pipeline.outputFifo: the output FIFO after pass C (its lanes' outputs, keep bits and last bit)
  const fd = sp.fifoDepth;
  const fifoWidth = P * c.ow + P + 1;
  const faw = fd === undefined ? 0 : bitsFor(fd - 1);
  const fifo =
    fd === undefined
      ? { outputFifo: false }
      : {
          outputFifo: true,
          fifoDepth: fd,
          fifoWidth,
          fifoAddrBits: faw,
          fifoCapacity: `${faw + 1}'d${fd + 1}`,
          fifoCapacityLess1: `${faw + 1}'d${fd}`,
          fifoState: fifoState({ fd, wr: 'fifo_wr', ready: 'm_axis_tready', pick: c.config.name, lane: { width: fifoWidth, data: 'fifo_in' } })
            .map((l) => `  ${l}`)
            .join('\n'),
          pickModule: pickModules(c.config.name, [1, 2, 3]).join('\n\n'),
          decisions: fifoDecisions(c.config.name, { c1w, c2w, qw, cw, faw, aw1, wrap1: sp.depth1 - 1 }),
        };
  const timing = [
    `Latency of a row of len elements: ${sp.latencyFormula} cycles, from the edge that accepts its last input`,
    `          beat to the edge that transfers its last output beat (sink always ready, the row not queued`,
    `          behind a longer one); ${sp.latencyMaxN} for a row of maxN = ${sp.maxN}. Throughput ${P} elements per clock.`,
  ];
  const onePass = sp.rowPasses === 1;
  const tw = onePass ? onlineSumWidth(p) : 0;
  const mtop = onePass ? onlineTop(p) : 0;
  return template(onePass ? 'stream1.v.hbs' : 'stream.v.hbs')({
    header: header(p, `streaming softmax, ${P} lanes per beat, rows up to ${sp.maxN}, method ${p.method.name} (${c.config.method.addressing} addressing)`, timing),
    ...templateFormats(p),
    ...fifo,
    P,
    // pass C's lanes read e, or d (laneInput 'd')
    cLaneW: p.mp.laneInput === 'd' ? 'IW' : 'EW',
    cLaneD: p.mp.laneInput === 'd',
    // output.type int8 (TFLite): the port carries y - 128, every lane's top bit inverted
    tdataOut: c.config.output.zeroPoint !== undefined ? `y_out ^ {${P}{1'b1, ${c.ow - 1}'d0}}` : 'y_out',
    maxN: sp.maxN,
    maxBeats: sp.maxBeats,
    d1: sp.depth1,
    d2: sp.depth2,
    aw1,
    aw2,
    c1w,
    c2w,
    cw,
    cwp1: cw + 1,
    q: sp.queue,
    qw,
    qcw: qw + 1,
    d1Lit: `${c1w}'d${sp.depth1}`,
    d2Lit: `${c2w}'d${sp.depth2}`,
    c2wAllOnes: `{${c2w}{1'b1}}`,
    qLit: `${qw + 1}'d${sp.queue}`,
    d1m1Lit: `${c1w}'d${sp.depth1 - 1}`,
    d2m1Lit: `${c2w}'d${sp.depth2 - 1}`,
    qm1Lit: `${qw + 1}'d${sp.queue - 1}`,
    lastBeat: `${cw}'d${sp.maxBeats - 1}`,
    wrap1: `${aw1}'d${sp.depth1 - 1}`,
    wrap2: `${aw2}'d${sp.depth2 - 1}`,
    // the exponent table as one memory array when the lanes share its block RAMs (expTableArray)
    tables: tableContexts(p).map((t) => {
      const arr = t.name === p.mp.expTable.name ? expTableArray(p) : undefined;
      return arr ? { ...t, array: romArrayContext(p.mp.expTable, arr.split, P) } : t;
    }),
    maxTree: maxT.code,
    maxOut: maxT.out,
    maxV: maxT.valid,
    maxL: maxT.last,
    sumTree: sumT.code,
    sumOut: sumT.out,
    sumV: sumT.valid,
    sumL: sumT.last,
    sumExt: onePass ? (treeSumW < tw ? `{${tw - treeSumW}'d0, ${sumT.out}}` : sumT.out) : treeSumW < p.sw ? `{${p.sw - treeSumW}'d0, ${sumT.out}}` : sumT.out,
    tw,
    tl: Math.ceil(tw / 2),
    mtop,
    // MTOP as an IW + 1-bit signed literal (it can be 2^(IW-1): one past the largest code)
    mtopLit: `${c.iw + 1}'d${mtop}`,
    termsA: termsA?.code,
    expB,
    expC,
    // pass C's first two register stages: with the output FIFO they take every beat, and the
    // datapath follows the decision a cycle later (the registered c_go_q, c_row_q and q2_rd)
    cRegs1: passRegs(fd === undefined ? 'ce' : null, [['c_rd', 'm2[c_rp]'], ['c_mx1', fd === undefined ? 'q2m[q2_r]' : 'q2m[q2_rd]'], ['c_s1', fd === undefined ? 'q2s[q2_r]' : 'q2s[q2_rd]'], ['c_l1', fd === undefined ? 'c_end' : 'c_row_q']], ['c_v1', fd === undefined ? 'c_go' : 'c_go_q']),
    cRegs2: passRegs(fd === undefined ? 'ce' : null, [['c_e', expC.e], ['c_k2', expC.keep], ['c_s2', expC.s], ['c_l2', expC.last]], ['c_v2', expC.v]),
    methodName: p.method.name,
    addressing: c.config.method.addressing,
    pipelineNote: `${c.config.pipeline.targetMHz} MHz on ${c.config.pipeline.device}`,
    passC: [pc.code, ...vc.lines].join('\n'),
    kFinal: pc.k,
    lFinal: pc.l,
    vFinal: vc.v,
    latencyFormula: sp.latencyFormula,
    memoryBits: sp.memoryBits,
    // the row stores as the device's synthesis should read them (model.ramNoRwCheck)
    noRwCheck: model.ramNoRwCheck === true,
    rowEndReads: model.streamRowEndReads === true,
    // store 2's count one up and one down (the FIFO's control keeps every count so)
    m2UpDown: model.streamRowEndReads === true && fd === undefined,
    // pass A's running max compared as in the max tree (model.compareBySubtract)
    compareBySubtract: model.compareBySubtract === true,
  });
}

/**
 * A stage of registers loaded on the clock enable `ce` (every cycle where null), and its valid bit,
 * cleared by the reset: an always block of the template's indentation.
 */
function passRegs(ce: string | null, regs: [string, string][], valid: [string, string]): string {
  const loads = regs.map(([r, v]) => `${r} <= ${v};`);
  return [
    '  always @(posedge aclk) begin',
    ...(ce === null ? loads.map((l) => `    ${l}`) : [`    if (${ce}) begin`, ...loads.map((l) => `      ${l}`), '    end']),
    `    if (!aresetn) ${valid[0]} <= 1'b0; else${ce === null ? '' : ` if (${ce})`} ${valid[0]} <= ${valid[1]};`,
    '  end',
  ].join('\n');
}

/** The pass's decision that picks a register's next value: the selects of a pick module (all high: a). */
interface Sel {
  mod: string;
  sel: string[];
}

/**
 * The stream block's decision logic with pipeline.outputFifo (stream.v.hbs declares the registers):
 * every register that a pass's decision moves takes its next value through a pick module, one LUT
 * after the decision's registers, the two values computed from registers alone. The counts: each
 * with its value one up and one down in registers of their own, moved at once by its pass's own
 * event and a cycle late by the other's (a registered copy).
 */
function fifoDecisions(name: string, w: { c1w: number; c2w: number; qw: number; cw: number; faw: number; aw1: number; wrap1: number }): string {
  const go = (x: 'b' | 'c'): Sel => ({ mod: pickName(name, 2), sel: [`${x}_has`, `${x}_room`] });
  const row = (x: 'b' | 'c'): Sel => ({ mod: pickName(name, 3), sel: [`${x}_has`, `${x}_room`, `${x}_end`] });
  const take: Sel = { mod: pickName(name, 2), sel: ['s_axis_tvalid', 'a_ready'] };
  const takeRow: Sel = { mod: pickName(name, 3), sel: ['s_axis_tvalid', 'a_ready', 's_axis_tlast'] };
  const lines: string[] = [];
  /** `regs` (a concatenation of `width` bits) loaded with a when the decision holds, else b. */
  const picked = (y: string, d: Sel, width: number, a: string, b: string, regs: string, reset?: string) => {
    const ports = ['s', 't', 'u'].slice(0, d.sel.length).map((p, i) => `.${p}(${d.sel[i]})`);
    lines.push(
      `  wire [${width - 1}:0] ${y}_e = ${a};`,
      `  wire [${width - 1}:0] ${y}_n = ${b};`,
      `  wire [${width - 1}:0] ${y}_next;`,
      `  ${d.mod} #(.W(${width})) u_${y} (${[...ports, `.a(${y}_e)`, `.b(${y}_n)`, `.y(${y}_next)`].join(', ')});`,
      reset === undefined ? `  always @(posedge aclk) ${regs} <= ${y}_next;` : `  always @(posedge aclk) if (!aresetn) ${regs} <= ${reset}; else ${regs} <= ${y}_next;`,
    );
  };
  /** A count moved up (or down) by its pass's decision `own` and the other way by the register `other`. */
  const count = (n: string, cw: number, own: Sel, up: boolean, other: string, declare = false) => {
    lines.push(`  // ${n}: ${up ? 'up' : 'down'} on ${own.sel.join(' & ')}, ${up ? 'down' : 'up'} on ${other}`);
    if (declare) lines.push(`  reg  [${cw - 1}:0] ${n};`);
    lines.push(`  reg  [${cw - 1}:0] ${n}_up, ${n}_dn;   // ${n} + 1 and ${n} - 1`);
    const stay = `{${n}, ${n}_up, ${n}_dn}`;
    const inc = `{${n}_up, ${n}_up + ${cw}'d1, ${n}}`;
    const dec = `{${n}_dn, ${n}, ${n}_dn - ${cw}'d1}`;
    const [e, x] = up ? [`${other} ? ${stay} : ${inc}`, `${other} ? ${dec} : ${stay}`] : [`${other} ? ${stay} : ${dec}`, `${other} ? ${inc} : ${stay}`];
    picked(`${n}_c`, own, 3 * cw, e, x, stay, `{${cw}'d0, ${cw}'d1, {${cw}{1'b1}}}`);
  };
  const qcw = w.qw + 1;
  count('m1_cnt', w.c1w, take, true, 'b_go_x');
  count('q1_rows', qcw, takeRow, true, 'b_row_x');
  count('q1_avail', qcw, row('b'), false, 'a_push_x');
  count('m2_cnt', w.c2w, go('b'), true, 'c_go_x');
  count('q2_rows', qcw, row('b'), true, 'c_row_x');
  count('q2_avail', qcw, row('c'), false, 'b_push_x');
  count('c_out', w.faw + 1, go('c'), true, 'pop_x', true);
  lines.push(
    '  // a row to take next: the count after the row end (or without it) not 0, a row pushed meanwhile',
    `  wire b_has_after = a_push_x | (q1_avail > ${qcw}'d1);`,
    `  wire c_has_after = b_push_x | (q2_avail > ${qcw}'d1);`,
  );
  picked('b_has', row('b'), 1, 'b_has_after', `a_push_x | (q1_avail != ${qcw}'d0)`, 'b_has', "1'b0");
  picked('c_has', row('c'), 1, 'c_has_after', `b_push_x | (q2_avail != ${qcw}'d0)`, 'c_has', "1'b0");
  lines.push(
    '  // room for one more beat in the output FIFO next: not full after a beat issued (one below, or full',
    '  // and a beat read) or without one (full and none read)',
    `  wire c_out_full = c_out == CAPACITY;`,
    `  wire c_out_last = c_out == CAPACITY_LESS1;`,
  );
  picked('c_room', go('c'), 1, '~((~pop_x & c_out_last) | (pop_x & c_out_full))', '~(~pop_x & c_out_full)', 'c_room', "1'b0");
  lines.push(
    "  // the row counts a pass loads, read from the row queue at register addresses into registers (a",
    '  // cycle late: after a row end in the cycle before, the entries are those of the pointers before it',
    '  // moved): the row after the current one (cn0 at the next pointer, cn1 one further, for a row end',
    '  // just before) and the current row (cc)',
    `  reg  [${w.qw - 1}:0] q1_rnn, q2_rnn;   // q1_rn + 1, q2_rn + 1`,
  );
  for (const x of ['b', 'c'] as const) {
    const q = x === 'b' ? 'q1' : 'q2';
    lines.push(
      `  reg  [${w.cw}:0] ${x}_cn0, ${x}_cn1, ${x}_cc;`,
      `  always @(posedge aclk) begin`,
      `    ${x}_cn0 <= ${q}c[${q}_rn];`,
      `    ${x}_cn1 <= ${q}c[${q}_rnn];`,
      `    ${x}_cc <= ${q}c[${q}_r];`,
      '  end',
      `  wire [${w.cw}:0] ${x}_cnt_next = ${x}_row_q ? ${x}_cn1 : ${x}_cn0;   // the row after the current one`,
      `  wire [${w.cw}:0] ${x}_cnt_this = ${x}_row_q ? ${x}_cn0 : ${x}_cc;    // the current row`,
    );
  }
  lines.push('  // the beats left and whether none of the row is issued yet, after a beat issued and without one');
  for (const x of ['b', 'c'] as const) {
    picked(`${x}_rem`, go(x), w.cw + 1, `${x}_end ? ${x}_cnt_next : ${x}_rem - ${w.cw + 1}'d1`, `${x}_fresh ? ${x}_cnt_this : ${x}_rem`, `${x}_rem`);
    picked(`${x}_fresh`, go(x), 1, `${x}_end`, `${x}_fresh`, `${x}_fresh`, "1'b1");
  }
  lines.push("  // pass A's write pointer, beat index and row queue entry, moved by a beat taken (its row's last)");
  const a1 = (v: string) => `${w.aw1}'d${v}`;
  picked('a_ptrs', take, w.aw1 + w.cw, `{(a_wp == ${a1(String(w.wrap1))}) ? ${a1('0')} : a_wp + ${a1('1')}, s_axis_tlast ? ${w.cw}'d0 : a_beat + ${w.cw}'d1}`, '{a_wp, a_beat}', '{a_wp, a_beat}', `{${a1('0')}, ${w.cw}'d0}`);
  picked('q1_wc', takeRow, w.qw, `q1_wc + ${w.qw}'d1`, 'q1_wc', 'q1_wc', `${w.qw}'d0`);
  lines.push("  // the row queues' read pointers (and queue 2's count entry), moved by a row's last beat");
  const qw = (v: number) => `${w.qw}'d${v}`;
  picked('q1_ptrs', row('b'), 4 * w.qw, `{q1_rn, q1_rnn, q1_rnn + ${qw(1)}, q2_wc + ${qw(1)}}`, '{q1_r, q1_rn, q1_rnn, q2_wc}', '{q1_r, q1_rn, q1_rnn, q2_wc}', `{${qw(0)}, ${qw(1)}, ${qw(2)}, ${qw(0)}}`);
  picked('q2_ptrs', row('c'), 3 * w.qw, `{q2_rn, q2_rnn, q2_rnn + ${qw(1)}}`, '{q2_r, q2_rn, q2_rnn}', '{q2_r, q2_rn, q2_rnn}', `{${qw(0)}, ${qw(1)}, ${qw(2)}}`);
  return lines.join('\n');
}
