/** Render the 'stream' architecture: templates/stream.v.hbs filled from a StreamPlan. */
import type { TreeLevel } from '../plan.js';
import { expLookupRtl, header, indent, tableContexts, template, templateFormats } from '../render.js';
import { clog2, bitsFor } from '../numerics.js';
import type { StreamPlan } from './stream.js';

/**
 * A free-running reduction tree over the lanes of `input` (lane width w0, widening by `grow` bits
 * per level), with a valid and a last bit carried through its registered levels. Returns the code
 * and the names of the result, its valid and its last bit.
 */
function treeRtl(o: {
  prefix: string;
  levels: TreeLevel[];
  input: string;
  valid: string;
  last: string;
  w0: number;
  grow: 0 | 1;
  node: (a: string, b: string, w: number, pw: number) => string;
}): { code: string; out: string; valid: string; last: string } {
  const { prefix: x, levels } = o;
  let prev = o.input;
  let prevV = o.valid;
  let prevL = o.last;
  const lines: string[] = [];
  for (const l of levels) {
    const pw = o.w0 + o.grow * (l.level - 1);
    const w = o.w0 + o.grow * l.level;
    const c = `${x}${l.level}`;
    lines.push(`  wire [${l.count * w - 1}:0] ${c}_c;`);
    lines.push(`  generate`);
    lines.push(`    for (g = 0; g < ${Math.floor(l.prevCount / 2)}; g = g + 1) begin : g_${c}`);
    lines.push(`      wire [${pw - 1}:0] a = ${prev}[(2*g)*${pw} +: ${pw}];`);
    lines.push(`      wire [${pw - 1}:0] b = ${prev}[(2*g+1)*${pw} +: ${pw}];`);
    lines.push(`      assign ${c}_c[g*${w} +: ${w}] = ${o.node('a', 'b', w, pw)};`);
    lines.push(`    end`);
    lines.push(`  endgenerate`);
    if (l.prevCount % 2 === 1) {
      const src = `${prev}[${l.prevCount - 1}*${pw} +: ${pw}]`;
      lines.push(`  assign ${c}_c[${l.count - 1}*${w} +: ${w}] = ${w > pw ? `{1'b0, ${src}}` : src};`);
    }
    if (l.registered) {
      lines.push(`  reg [${l.count * w - 1}:0] ${c};`);
      lines.push(`  reg ${c}_v, ${c}_l;`);
      lines.push(`  always @(posedge aclk) begin`);
      lines.push(`    ${c} <= ${c}_c;`);
      lines.push(`    ${c}_l <= ${prevL};`);
      lines.push(`    if (!aresetn) ${c}_v <= 1'b0; else ${c}_v <= ${prevV};`);
      lines.push(`  end`);
      prevV = `${c}_v`;
      prevL = `${c}_l`;
    } else {
      lines.push(`  wire [${l.count * w - 1}:0] ${c} = ${c}_c;`);
    }
    prev = c;
  }
  return { code: lines.join('\n'), out: prev, valid: prevV, last: prevL };
}

export function renderStreamRtl(sp: StreamPlan): string {
  const p = sp.plan;
  const c = p.common;
  const rtl = p.method.rtl(p.mp, c);
  const P = sp.lanes;
  const maxT = treeRtl({
    prefix: 'a_mx',
    levels: sp.maxTree,
    input: 'a_x',
    valid: 'a_v',
    last: 'a_l',
    w0: c.iw,
    grow: 0,
    node: (a, b) => `($signed(${a}) > $signed(${b})) ? ${a} : ${b}`,
  });
  const sumT = treeRtl({
    prefix: 'b_sm',
    levels: sp.sumTree,
    input: 'b_e',
    valid: 'b_v2',
    last: 'b_l2',
    w0: p.ew,
    grow: 1,
    node: (a, b) => `{1'b0, ${a}} + {1'b0, ${b}}`,
  });
  const treeSumW = p.ew + sp.sumTree.length;
  const ns = p.mp.normStages;
  const eDelay = [];
  let prevE = 'c_e';
  let prevK = 'c_k2';
  let prevL = 'c_l2';
  let prevV = 'c_v2';
  for (let k = 1; k <= ns; k++) {
    eDelay.push({ e: `c_en${k}`, k: `c_kn${k}`, l: `c_ln${k}`, v: `c_vn${k}`, pe: prevE, pk: prevK, pl: prevL, pv: prevV });
    prevV = `c_vn${k}`;
    prevE = `c_en${k}`;
    prevK = `c_kn${k}`;
    prevL = `c_ln${k}`;
  }
  // pipeline.laneRegister: the lanes hold one register, so the keep bits, last and valid wait one more
  // stage (the lane reads e and the coefficients before it; the method delays its own coefficients)
  const laneDelay = [];
  const eFinal = prevE;
  for (let k = 1; k <= (p.mp.laneStages ?? 0); k++) {
    laneDelay.push({ k: `c_kl${k}`, l: `c_ll${k}`, v: `c_vl${k}`, pk: prevK, pl: prevL, pv: prevV });
    prevK = `c_kl${k}`;
    prevL = `c_ll${k}`;
    prevV = `c_vl${k}`;
  }
  const timing = [
    `Latency of a row of len elements: ${sp.latencyFormula} cycles, from the edge that accepts its last input`,
    `          beat to the edge that transfers its last output beat (sink always ready, the row not queued`,
    `          behind a longer one); ${sp.latencyMaxN} for a row of maxN = ${sp.maxN}. Throughput ${P} elements per clock.`,
  ];
  const cw = Math.max(1, clog2(sp.maxBeats));
  const c1w = bitsFor(sp.depth1);
  const c2w = bitsFor(sp.depth2);
  const qw = clog2(sp.queue);
  return template('stream.v.hbs')({
    header: header(p, `streaming softmax, ${P} lanes per beat, rows up to ${sp.maxN}, method ${p.method.name} (${c.config.method.addressing} addressing)`, timing),
    ...templateFormats(p),
    P,
    maxN: sp.maxN,
    maxBeats: sp.maxBeats,
    d1: sp.depth1,
    d2: sp.depth2,
    aw1: Math.max(1, clog2(sp.depth1)),
    aw2: Math.max(1, clog2(sp.depth2)),
    c1w,
    c2w,
    cw,
    q: sp.queue,
    qw,
    qcw: qw + 1,
    d1Lit: `${c1w}'d${sp.depth1}`,
    d2Lit: `${c2w}'d${sp.depth2}`,
    qLit: `${qw + 1}'d${sp.queue}`,
    lastBeat: `${cw}'d${sp.maxBeats - 1}`,
    wrap1: `${Math.max(1, clog2(sp.depth1))}'d${sp.depth1 - 1}`,
    wrap2: `${Math.max(1, clog2(sp.depth2))}'d${sp.depth2 - 1}`,
    tables: tableContexts(p),
    maxTree: maxT.code,
    maxOut: maxT.out,
    maxV: maxT.valid,
    maxL: maxT.last,
    sumTree: sumT.code,
    sumOut: sumT.out,
    sumV: sumT.valid,
    sumL: sumT.last,
    sumExt: treeSumW < p.sw ? `{${p.sw - treeSumW}'d0, ${sumT.out}}` : sumT.out,
    expB: expLookupRtl(p, 'b_e_c', 6),
    expC: expLookupRtl(p, 'c_e_c', 6),
    methodName: p.method.name,
    addressing: c.config.method.addressing,
    normStages: ns,
    norm: rtl.norm.trimEnd(),
    eDelay,
    laneDelay,
    eFinal,
    kFinal: prevK,
    lFinal: prevL,
    vFinal: prevV,
    lane: indent(rtl.lane.trimEnd(), 4),
    latencyFormula: sp.latencyFormula,
    memoryBits: sp.memoryBits,
  });
}
