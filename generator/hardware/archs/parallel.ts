/**
 * Architecture 'parallel': all n elements in one beat, one vector per clock. Its pipeline is built
 * from the shared stage builders (generator/pipeline/stages.ts): max tree, d = max - x, exponent
 * lookup, sum tree, then the method's normalisation and n output lanes; the delay model of
 * pipeline.device places the registers for pipeline.targetMHz.
 */
import type { Plan } from '../../numerics/types.js';
import type { Schedule } from '../../pipeline/schedule.js';
import { Pipe, routeExtra, summarize, type Sig } from '../../pipeline/builder.js';
import { delayModel, registeredEnable } from '../../pipeline/delay.js';
import { beforeFanOut, expCalcOnlineStage, expUnitStage, intMaxStage, maxMinusX, tree, unusedOutside, wire } from '../../pipeline/stages.js';
import { fifoReadBanks, fifoReadRegistered, fifoState, outputFifoDepth, pickModules } from './fifo.js';
import { bitsFor } from '../../core/bits.js';

/** pipeline.ramDelays: the shortest delay a distributed RAM takes (a chain of fewer registers costs less). */
export const RAM_DELAY_MIN = 6;

/** Where render puts the ROM functions the lane module reads. */
export const LANE_TABLES = '  // @lane-tables';

export function scheduleParallel(plan: Plan): Schedule {
  const c = plan.common;
  const cfg = c.config.pipeline;
  const model = delayModel(cfg.device);
  const periodNs = 1000 / cfg.targetMHz;
  const { n, iw, dw } = c;
  const ew = plan.ew;
  // pipeline.outputFifo: no clock enable anywhere in the pipeline (the FIFO after it takes every
  // vector in flight), so no signal has to reach every register in one cycle
  const fifo = cfg.outputFifo;
  const top = new Pipe({ model, period: periodNs, ce: fifo ? null : 'ce', indent: 2, ...(cfg.ramDelays ? { ramDelay: RAM_DELAY_MIN } : {}) });
  // cycle 0: the input register
  const x = top.input('x_in', n * iw, 0);
  const mx = tree(top, { input: x, count: n, w: iw, kind: 'max', prefix: 'mx', what: 'max tree', every: cfg.treeLevelsPerStage });
  // an online sum (Softermax's IntMax): d' = M - x, M the max rounded up to a whole power of two
  const on = plan.mp.expOnline;
  const ga = on ? Math.round(Math.log2(on.granule)) : 0;
  const ref = ga > 0 ? intMaxStage(top, mx, iw, ga, 'mref', 'IntMax: max rounded up to a power of two') : mx;
  const dpw = on ? bitsFor(on.sum.length - 1) : dw;
  let d = maxMinusX(top, ref, x, { count: n, iw, dw: dpw, mw: ref.width }, 'd', on ? "d' = M - x" : 'd = max - x');
  // pipeline.expAddrRegister: a register between the subtraction and the exponent table, always
  if (cfg.expAddrRegister) d = top.reg(d, 'd_q', 'd = max - x');
  let e: Sig;
  let terms: Sig | undefined;
  const modules: string[] = [];
  /**
   * An exponent with a product or a shift per element: one module, instantiated n times, so that
   * synthesis maps it once (as the lanes). `body` builds it from d_i; its outputs come back as the
   * block's <port>_all vectors.
   */
  // a module per element stays a module of its own through synthesis (model.keepHierarchy): its
  // registers that copy a shared signal (the lane coefficient registers) stay one per element
  const keep = model.keepHierarchy ? ['(* keep_hierarchy *)'] : [];
  // with the output slice's registered clock enable (model.readyRegister), each per-element module
  // keeps a copy of it, loaded from the same next value: one register's enable route reaches only
  // its own module's flip-flops (softmax_best700_n64 on ECP5: 6.3 ns of route from the one register)
  const localCe = registeredEnable(model, cfg.outputSlice);
  const ceIn = fifo ? [] : [localCe ? `  input  wire ce_next,` : `  input  wire ce,`];
  const ceConn = fifo ? [] : [localCe ? `.ce_next(ce_next)` : `.ce(ce)`];
  const ceCopy = localCe ? ['  // this module\'s own copy of the block\'s clock enable', '  reg ce;', '  always @(posedge aclk) ce <= ce_next;'] : [];
  const perElement = (w: number, note: string, what: string, body: (ex: Pipe, di: Sig) => { port: string; sig: Sig }[]): Sig[] => {
    const ex = top.child(2);
    const di = ex.input('d_i', w, d.cycle, d.time, d.levels);
    const outs = body(ex, di);
    for (const o of outs) ex.lines.push(`assign ${o.port} = ${ex.at(o.sig, o.sig.cycle)};`);
    const exText = ex.text();
    if (ex.externals.size) throw new Error('internal: the exponent module reads signals of the block');
    const emod = `${c.config.name}_exp`;
    const reset = /\baresetn\b/.test(exText);
    modules.push(
      [
        note,
        ...keep,
        `module ${emod} (`,
        `  input  wire aclk,`,
        ...ceIn,
        ...(reset ? [`  input  wire aresetn,`] : []),
        `  input  wire [${w - 1}:0] d_i,`,
        ...outs.map((o, i) => `  output wire [${o.sig.width - 1}:0] ${o.port}${i < outs.length - 1 ? ',' : ''}`),
        `);`,
        LANE_TABLES,
        ...ceCopy,
        ...(/\bfor \(g = /.test(exText) ? ['  genvar g;'] : []),
        exText,
        '',
        'endmodule',
      ].join('\n'),
    );
    const conns = [
      `.aclk(aclk)`,
      ...ceConn,
      ...(reset ? ['.aresetn(aresetn)'] : []),
      `.d_i(${top.at(d, d.cycle)}[g*${w} +: ${w}])`,
      ...outs.map((o) => `.${o.port}(${o.port}_all[g*${o.sig.width} +: ${o.sig.width}])`),
    ];
    top.lines.push(
      `// ${what}: one ${emod} per element`,
      ...outs.map((o) => `wire [${n * o.sig.width - 1}:0] ${o.port}_all;`),
      `generate`,
      `  for (g = 0; g < ${n}; g = g + 1) begin : g_exp`,
      `    ${emod} u_exp (${conns.join(', ')});`,
      `  end`,
      `endgenerate`,
    );
    return outs.map((o) => top.input(`${o.port}_all`, n * o.sig.width, o.sig.cycle, o.sig.time, o.sig.levels));
  };
  if (on) {
    if (!plan.mp.expCalc || plan.mp.laneInput === 'd') throw new Error('internal: an online sum needs the pow2 exponent and lanes that read e');
    const calc = plan.mp.expCalc;
    // the pow2 exponent and the element's exact power of two for the sum (e is a slice of s)
    [e, terms] = perElement(
      dpw,
      `// The exponent of one element, computed: from d'_i to ${calc.describe}, and s = pow2_lut[f] << (${on.zmax} - z), its exact power of two for the sum.`,
      'exponent and its power of two',
      (ex, di) => {
        const r = expCalcOnlineStage(ex, di, { count: 1, dw: dpw, calc, zmax: on.zmax }, 'e0', 'exponent and its power of two');
        return [
          { port: 'e', sig: r.e! },
          { port: 's', sig: r.s },
        ];
      },
    ) as [Sig, Sig];
  } else if (plan.mp.expLo || plan.mp.expCalc) {
    // the range-reduced and the computed exponent have a product per element
    [e] = perElement(
      dw,
      plan.mp.expCalc
        ? `// The exponent of one element, computed: from d_i to ${plan.mp.expCalc.describe}.`
        : `// The range-reduced exponent of one element: from d_i to e = round(T_hi[d >> ${plan.mp.expShift}] * T_lo[d mod 2^${plan.mp.expShift}] / 2^${plan.mp.expLoFrac}), registered.`,
      'exponent',
      (ex, di) => [{ port: 'e', sig: expUnitStage(ex, di, { count: 1, dw, unit: plan.mp }, 'e0', 'exponent lookup') }],
    ) as [Sig];
  } else {
    e = expUnitStage(top, d, { count: n, dw, unit: plan.mp }, 'e0', 'exponent lookup');
  }
  let sum: Sig;
  if (on && terms) {
    // the exact sum of the powers of two, then S = its floor: the top bits
    const wide = tree(top, { input: terms, count: n, w: ew + on.zmax, kind: 'sum', prefix: 'sm', what: 'sum tree', every: cfg.treeLevelsPerStage });
    sum = wire(top, 's_floor', plan.sw, [wide], 'sum tree', (r) => `${r(wide)}[${on.zmax + plan.sw - 1}:${on.zmax}]`);
    unusedOutside(top, wide, on.zmax, on.zmax + plan.sw - 1, 'unused_sm', sum.cycle);
  } else sum = tree(top, { input: e, count: n, w: ew, kind: 'sum', prefix: 'sm', what: 'sum tree', every: cfg.treeLevelsPerStage });
  if (sum.width !== plan.sw) throw new Error(`internal: sum of ${sum.width} bits, planned ${plan.sw}`);
  const b = plan.method.build(plan.mp, c);
  const coefs = b.norm(top, sum);
  // the lanes: one module, instantiated n times, so that synthesis maps a lane once
  const ln = top.child(2);
  // each lane reads its exponent entry e, or its difference d (a method with laneInput 'd')
  const li = plan.mp.laneInput === 'd' ? { sig: d, port: 'd_i', w: dw } : { sig: e, port: 'e_i', w: ew };
  const ei = ln.input(li.port, li.w, li.sig.cycle, li.sig.time, li.sig.levels);
  // each lane registers the coefficients it is given, where the model asks (their fan-out to n lanes)
  // (model.fanoutRoute: a coefficient whose logic leaves no time for that route is registered first;
  // the stage table keeps the logic's estimate, as for every other register)
  const laneCoefs = model.laneCoefficientRegisters && n > 1
    ? Object.fromEntries(Object.entries(coefs).map(([k, s]) => [k, b.late?.includes(k) ? s : { ...ln.reg(beforeFanOut(top, s), `${s.name}_l`, 'lane: coefficient register (fan-out)'), time: routeExtra(model, model.laneCopyRoute) }]))
    : coefs;
  const y = b.lane(ln, ei, laneCoefs);
  const yq = ln.reg(y, 'y_q', 'output register');
  // output.type int8 (TFLite): the port carries y - 128, the top bit inverted
  const yv = c.config.output.zeroPoint !== undefined ? `{~${yq.name}[${c.ow - 1}], ${yq.name}[${c.ow - 2}:0]}` : yq.name;
  // pipeline.outputFifo: the FIFO depth follows from the latency (a cycle more where its read goes
  // through a register per bank: fifoReadBanks)
  const banked = fifo && fifoReadRegistered(model, periodNs);
  const latency = yq.cycle + 1 + (cfg.outputSlice ? 1 : 0) + (fifo ? 2 : 0) + (banked ? 1 : 0);
  const fifoBanks = banked ? fifoReadBanks(model, periodNs, outputFifoDepth(latency)) : 0;
  if (fifo) {
    ln.lines.push(
      "// this lane's part of the output FIFO, with its own copy of the FIFO's state; its write enable",
      '// a register of its own, loaded from the block\'s valid bits',
      'reg fifo_wr;',
      "always @(posedge aclk) if (!aresetn) fifo_wr <= 1'b0; else fifo_wr <= wr_next;",
      ...fifoState({ fd: outputFifoDepth(latency), wr: 'fifo_wr', ready: 'm_ready', pick: c.config.name, lane: { width: c.ow, data: yv }, banks: fifoBanks }),
    );
  } else if (!localCe) ln.lines.push(`assign y = ${yv};`);
  else {
    // the lane's part of the output buffer (pipeline.outputSlice), its fill level a copy of the block's
    ln.lines.push(
      '// this lane\'s part of the output buffer: ob0 the head, ob1 the second beat, the fill level a copy',
      'reg [1:0] ob_count;',
      'reg ob_empty;',
      'always @(posedge aclk) begin',
      '  ob_count <= ob_next_r;',
      "  ob_empty <= ob_next_r == 2'd0;",
      'end',
      `reg [${c.ow - 1}:0] ob0;`,
      `reg [${c.ow - 1}:0] ob1;`,
      'always @(posedge aclk) begin',
      `  if (m_ready || ob_empty) ob0 <= ob_count[1] ? ob1 : ${yv};`,
      `  if (ob_count == 2'd1) ob1 <= ${yv};`,
      'end',
      'assign y = ob0;',
    );
  }
  // the lane first: reading the module's signals in later cycles adds delayed copies to it
  const laneText = ln.text();
  const ext = [...ln.externals];
  const reset = /\baresetn\b/.test(laneText);
  const mod = `${c.config.name}_lane`;
  const laneModule = [
    `// One output lane: ${plan.method.name} (${c.config.method.addressing}), from ${li.port} and the coefficients to y, registered.`,
    ...keep,
    `module ${mod} (`,
    `  input  wire aclk,`,
    ...ceIn,
    ...(reset ? [`  input  wire aresetn,`] : []),
    `  input  wire [${li.w - 1}:0] ${li.port},`,
    ...(localCe ? [`  input  wire [1:0] ob_next_r,`, `  input  wire m_ready,`] : []),
    ...(fifo ? [`  input  wire wr_next,`, `  input  wire m_ready,`] : []),
    ...ext.map(([nm, w]) => `  input  wire [${w - 1}:0] ${nm},`),
    `  output wire [${c.ow - 1}:0] y`,
    `);`,
    LANE_TABLES,
    ...ceCopy,
    laneText,
    '',
    'endmodule',
  ].join('\n');
  const conns = [`.aclk(aclk)`, ...ceConn, ...(reset ? ['.aresetn(aresetn)'] : []), `.${li.port}(${top.at(li.sig, li.sig.cycle)}[g*${li.w} +: ${li.w}])`, ...(localCe ? ['.ob_next_r(ob_next_r)', '.m_ready(m_axis_tready)'] : []), ...(fifo ? ['.wr_next(valid_pipe[PIPE-2])', '.m_ready(m_axis_tready)'] : []), ...ext.map(([nm]) => `.${nm}(${nm})`), `.y(y_out[g*${c.ow} +: ${c.ow}])`];
  const body = [
    top.text(),
    '',
    `  // output lanes: ${plan.method.name} (${c.config.method.addressing}), one ${mod} per element, each ending in its output register`,
    `  wire [${n * c.ow - 1}:0] y_out;`,
    `  generate`,
    `    for (g = 0; g < ${n}; g = g + 1) begin : g_lane`,
    `      ${mod} u_lane (${conns.join(', ')});`,
    `    end`,
    `  endgenerate`,
  ].join('\n');
  modules.push(laneModule);
  if (fifo) modules.push(...pickModules(c.config.name, [1]));
  return { model, periodNs, latency, stages: summarize(top.log, model.reg), body, modules, ...(fifoBanks ? { fifoBanks } : {}) };
}
