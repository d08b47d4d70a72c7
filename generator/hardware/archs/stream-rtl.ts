/** Render the 'stream' architecture: hardware/templates/stream.v.hbs (stream1.v.hbs for the one-pass variant) filled from a StreamPlan. */
import { header, romArrayContext, tableContexts, template, templateFormats } from '../render.js';
import type { StreamPlan } from './stream.js';
import { expTableArray, onlineSumWidth, onlineTop, validChain } from './stream-passes.js';
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
  const vc = validChain('c_vn', 'c_v2', pc.cycles, 'ce');
  const timing = [
    `Latency of a row of len elements: ${sp.latencyFormula} cycles, from the edge that accepts its last input`,
    `          beat to the edge that transfers its last output beat (sink always ready, the row not queued`,
    `          behind a longer one); ${sp.latencyMaxN} for a row of maxN = ${sp.maxN}. Throughput ${P} elements per clock.`,
  ];
  const cw = Math.max(1, clog2(sp.maxBeats));
  const c1w = bitsFor(sp.depth1);
  const c2w = bitsFor(sp.depth2);
  const qw = clog2(sp.queue);
  const onePass = sp.rowPasses === 1;
  const tw = onePass ? onlineSumWidth(p) : 0;
  const mtop = onePass ? onlineTop(p) : 0;
  return template(onePass ? 'stream1.v.hbs' : 'stream.v.hbs')({
    header: header(p, `streaming softmax, ${P} lanes per beat, rows up to ${sp.maxN}, method ${p.method.name} (${c.config.method.addressing} addressing)`, timing),
    ...templateFormats(p),
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
    aw1: Math.max(1, clog2(sp.depth1)),
    aw2: Math.max(1, clog2(sp.depth2)),
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
    wrap1: `${Math.max(1, clog2(sp.depth1))}'d${sp.depth1 - 1}`,
    wrap2: `${Math.max(1, clog2(sp.depth2))}'d${sp.depth2 - 1}`,
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
    // pass A's running max compared as in the max tree (model.compareBySubtract)
    compareBySubtract: model.compareBySubtract === true,
  });
}
