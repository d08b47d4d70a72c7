/**
 * The stream architecture's passes as pipelines: the trees of passes A and B, the exponent stages of
 * passes B and C and pass C's lanes, built from the shared stage builders. The plan (stream.ts)
 * counts their registers; the render (stream-rtl.ts) writes their code.
 */
import { Pipe, type Sig } from '../../pipeline/builder.js';
import { delayModel, lutLevels } from '../../pipeline/delay.js';
import { arith, beforeFanOut, zx, expCalcOnlineStage, expUnitStage, intMaxStage, logic, maxMinusX, shiftRight, tree, unusedOutside, wire } from '../../pipeline/stages.js';
import { bitsFor } from '../../core/bits.js';
import { romSplit, type RomSplit } from '../../pipeline/rom.js';
import type { Plan } from '../../numerics/types.js';

/**
 * Pass A's max tree or pass B's sum tree over the P lanes of a registered beat (`a_x` or `b_e`),
 * built by the pipeline builder with the stage the parallel architecture uses (stages.ts `tree`),
 * free-running, and registered at its end for the running max or sum after it. Its valid bit (with a
 * reset) and last bit follow it. Returns the code, the registers it adds, and the names of the
 * result, its valid and its last bit.
 */
export function streamTree(
  p: Plan,
  P: number,
  kind: 'max' | 'sum',
  online?: { input: string; last: string; valid: string; w: number },
): { code: string; cycles: number; width: number; out: string; valid: string; last: string } {
  const c = p.common;
  const cfg = c.config.pipeline;
  const top = new Pipe({ model: delayModel(cfg.device), period: 1000 / cfg.targetMHz, ce: null, indent: 2 });
  // the one-pass sum (an online sum): pass A's tree over the lanes' powers of two
  const x = kind === 'max' || online ? 'a' : 'b';
  const w = online ? online.w : kind === 'max' ? c.iw : p.ew;
  const input = top.input(online?.input ?? (kind === 'max' ? 'a_x' : 'b_e'), P * w, 0);
  const last = top.input(online?.last ?? (kind === 'max' ? 'a_l' : 'b_l2'), 1, 0);
  let t = tree(top, { input, count: P, w, kind, prefix: `${x}_${kind === 'max' ? 'mx' : 'sm'}`, what: `${kind} tree`, every: cfg.treeLevelsPerStage });
  if (t.time > 0) t = top.reg(t, `${x}_${kind}q`, `${kind} tree`);
  const out = top.at(t, t.cycle);
  const l = top.at(last, t.cycle);
  const v = validChain(`${x}_${online ? 's' : 't'}_ve`, online?.valid ?? (kind === 'max' ? 'a_v' : 'b_v2'), t.cycle, null);
  return { code: [top.text(), ...v.lines].join('\n'), cycles: t.cycle, width: t.width, out, valid: v.v, last: l };
}

/**
 * The one-pass variant's powers of two (an online sum, MethodPlan.expOnline), in pass A from the
 * registered beat a_x: each lane's exact power of two relative to a fixed reference MTOP, the largest
 * IntMax any row can have, s = pow2_lut[f] << (zmax - z) of d = MTOP - x (0 when masked). The row's sum
 * of them is S 2^(zmax - shift), shift = zmax - (MTOP - M) / granule for its own reference M: exact,
 * so no running rescale is needed when the max moves, and pass C shifts it once (passC).
 */
export function passATerms(p: Plan, P: number): { code: string; cycles: number; out: string; last: string; valid: string; w: number } {
  const c = p.common;
  const on = p.mp.expOnline!;
  const cfg = c.config.pipeline;
  const top = new Pipe({ model: delayModel(cfg.device), period: 1000 / cfg.targetMHz, ce: null, indent: 2 });
  const dpw = bitsFor(on.sum.length - 1);
  const x = top.input('a_x', P * c.iw, 0);
  const mt = top.input('a_mtop', c.iw + 1, 0);
  const keep = top.input('a_k', P, 0);
  // a_ls: a_l under a name of its own (the max tree delays a_l under its name)
  const last = top.input('a_ls', 1, 0);
  const d = maxMinusX(top, mt, x, { count: P, iw: c.iw, dw: dpw, mw: c.iw + 1 }, 'a_d', 'A: d = MTOP - x');
  const r = expCalcOnlineStage(top, d, { count: P, dw: dpw, calc: p.mp.expCalc!, zmax: on.zmax, noE: true }, 'a_ex', 'A: power of two');
  const w = p.ew + on.zmax;
  const at = r.s.cycle;
  const k = top.at(keep, at);
  const terms = logic(top, 'a_t0', P * w, [r.s], 1, 'A: keep mask', (rf) =>
    `{${Array.from({ length: P }, (_, g) => P - 1 - g).map((g) => `(${rf(r.s)}[${g * w} +: ${w}] & {${w}{${k}[${g}]}})`).join(', ')}}`,
  );
  const t = top.reg(terms, 'a_t', 'A: powers of two');
  const v = validChain('a_pe', 'a_v', t.cycle, null);
  // the names first: reading a signal in a later cycle adds its delayed copies to the text
  const out = top.at(t, t.cycle);
  const l = top.at(last, t.cycle);
  return { code: [top.text(), ...v.lines].join('\n'), cycles: t.cycle, out, last: l, valid: v.v, w };
}

/**
 * How the block's exponent table is read when it is one memory array that every lane of passes B
 * and C reads (model.romReadPairs), or undefined when it is not: a direct lookup (no range
 * reduction, no computed exponent) whose words fit one port of a true-dual-port block RAM
 * (model.tdpWidth), as they are or with their top bits moved to logic (romSplit at that width).
 */
export function expTableArray(p: Plan): { split: RomSplit | null } | undefined {
  const model = delayModel(p.common.config.pipeline.device);
  const t = p.mp.expTable;
  if (!model.romReadPairs || !model.tdpWidth || p.mp.expLo || p.mp.expCalc) return undefined;
  if (t.width <= model.tdpWidth) return { split: null };
  const tdp = model.tdpWidth;
  const split = romSplit(t, { ...model, bramWidth: () => tdp });
  return split ? { split } : undefined;
}

/**
 * The exponent stage of pass B or C, built by the pipeline builder from the stages the parallel
 * architecture uses: d = max - x per lane from the row store word `<x>_rd` (a block RAM read) and
 * the row's max `<x>_mx1`, then the exponent lookup. Returns the code, the cycles it adds before the
 * `<x>_e` register, and the names, in its last cycle, of the exponents, the keep bits, the last bit
 * and the other signals it carries along (`carry`, e.g. pass C's sum).
 */
export function passExp(
  p: Plan,
  P: number,
  x: 'b' | 'c',
  carry: { name: string; width: number }[] = [],
): { code: string; cycles: number; e: string; keep: string; last: string; carried: string[]; mx?: string; rdCopy?: string } {
  const c = p.common;
  const cfg = c.config.pipeline;
  const model = delayModel(cfg.device);
  const top = new Pipe({ model, period: 1000 / cfg.targetMHz, ce: x === 'c' ? passCe(p) : null, indent: 2 });
  const rd = top.input(`${x}_rd`, P * (c.iw + 1), 0, model.ramOut ?? model.romOut);
  const mx = top.input(`${x}_mx1`, c.iw, 0);
  const last = top.input(`${x}_l1`, 1, 0);
  // an online sum (one-pass variant, pass C only): d' = M - x, M the max rounded up to a power of two
  const on = p.mp.expOnline;
  const ga = on ? Math.round(Math.log2(on.granule)) : 0;
  const ref = ga > 0 ? intMaxStage(top, mx, c.iw, ga, `${x}_mref`, `${x.toUpperCase()}: IntMax`) : mx;
  const dw = on ? bitsFor(on.sum.length - 1) : c.dw;
  const d = maxMinusX(top, ref, rd, { count: P, iw: c.iw, dw, mw: ref.width }, `${x}_d`, `${x.toUpperCase()}: d = max - x`);
  // pass C of a method whose lanes read d (laneInput 'd') needs no exponent: its lanes take d itself
  const e = x === 'c' && p.mp.laneInput === 'd' ? d : expUnitStage(top, d, { count: P, dw, unit: p.mp, array: expTableArray(p) }, `${x}_ex`, `${x.toUpperCase()}: exponent lookup`);
  const keep = wire(top, `${x}_k0`, P, [rd], 'keep bits', (r) => `${r(rd)}[${P * (c.iw + 1) - 1}:${P * c.iw}]`);
  const at = e.cycle;
  const carried = carry.map((s) => top.at(top.input(s.name, s.width, 0), at));
  // the online sum's shift (passC) reads the row's max: carried beside the exponents
  const res = { e: top.at(e, at), keep: top.at(keep, at), last: top.at(last, at), carried, ...(on ? { mx: top.at(mx, at) } : {}) };
  // pass B's copy of each beat to row store 2 takes the read's first register, the one the d and
  // keep stages read, so that the read data feeds one register: the block RAM's output register
  // (model.romOutputRegister; a DO bit with a second reader stays unregistered, 5.8 ns on ECP5)
  const rdCopy = x === 'b' && model.romOutputRegister ? top.at(rd, 1) : undefined;
  return { code: top.text(), cycles: at, ...res, ...(rdCopy ? { rdCopy } : {}) };
}

/**
 * Pass C's normalisation and lanes, built by the pipeline builder from the method's stages, as in
 * the parallel architecture. Returns the code, the cycles it takes and the names of the keep and
 * last bits delayed to the lanes' outputs.
 */
export function passC(p: Plan, P: number): { code: string; cycles: number; k: string; l: string } {
  const c = p.common;
  const cfg = c.config.pipeline;
  const top = new Pipe({ model: delayModel(cfg.device), period: 1000 / cfg.targetMHz, ce: passCe(p), indent: 2 });
  // the lanes' inputs: the exponent entries, or the differences d (laneInput 'd')
  const lw = p.mp.laneInput === 'd' ? c.dw : p.ew;
  const e = top.input('c_e', P * lw, 0);
  const on = p.mp.expOnline;
  const keep = top.input('c_k2', P, 0);
  const last = top.input('c_l2', 1, 0);
  const b = p.method.build(p.mp, c);
  let sum: Sig;
  if (on) {
    // the one-pass variant: the row's sum of pass A's powers of two (relative to MTOP), shifted once
    // to its own reference M: S = floor(sum >> (zmax - (MTOP - M) / granule)) = the model's S
    const st = top.input('c_s2', onlineSumWidth(p), 0);
    const mx = top.input('c_m2', c.iw, 0);
    const amt = onlineShift(top, p, mx);
    const sh = shiftRight(top, st, amt, 'c_ssh', 'C: online sum to the row reference');
    unusedOutside(top, sh, 0, p.sw - 1, 'unused_c_ssh');
    sum = wire(top, 'c_sum', p.sw, [sh], 'C: online sum to the row reference', (r) => `${r(sh)}[${p.sw - 1}:0]`);
  } else sum = top.input('c_s2', p.sw, 0);
  // every lane reads the coefficients (model.fanoutRoute: registered first where their logic leaves
  // no time for that route; the late ones are read in a later cycle anyway)
  const coefs = Object.fromEntries(Object.entries(b.norm(top, sum)).map(([k, s]) => [k, P > 1 && !b.late?.includes(k) ? beforeFanOut(top, s) : s]));
  // with pipeline.outputFifo each lane keeps its own delayed copies of what the lanes compute alike
  // (the bits of the shared shift amount): merged, one lane's copy fed every lane's rounding across
  // the device (2.72 ns of route, nextpnr-ecp5, the 16-bit stream block); with a clock enable too
  // from model.laneDelaysApartFrom lanes on
  const apart = passCe(p) === null || (top.model.laneDelaysApartFrom !== undefined && P >= top.model.laneDelaysApartFrom);
  const ln = top.child(6, { keepDelays: apart });
  const ei = wire(ln, p.mp.laneInput === 'd' ? 'd_i' : 'e_i', lw, [e], 'output lanes', (r) => `${r(e)}[g*${lw} +: ${lw}]`);
  const y0 = b.lane(ln, ei, coefs);
  // the keep mask, then the output's skid select (in the template) before the output register: one
  // LUT level each, so a lane whose last stage is full gets a register first
  const ym = logic(ln, 'y_k', c.ow, [y0, keep], 1, 'output: keep mask', (r) => `${r(keep)}[g] ? ${r(y0)} : ${c.ow}'d0`);
  // (with pipeline.outputFifo the lanes write the FIFO: no skid select)
  const y = passCe(p) === null ? ym : ln.op({ name: 'y_m', width: c.ow, deps: [ym], delay: lutLevels(ln.model, 1), levels: 1, what: 'output: skid select', code: (r) => `wire [${c.ow - 1}:0] y_m = ${r(ym)};` });
  ln.lines.push(`assign y_c[g*${c.ow} +: ${c.ow}] = ${ln.at(y, y.cycle)};`);
  const kf = top.at(keep, y.cycle);
  const lf = top.at(last, y.cycle);
  const laneText = ln.text();
  const code = [
    top.text(),
    `  wire [${P * c.ow - 1}:0] y_c;`,
    `  generate`,
    `    for (g = 0; g < ${P}; g = g + 1) begin : g_lane`,
    laneText,
    `    end`,
    `  endgenerate`,
  ].join('\n');
  return { code, cycles: y.cycle, k: kf, l: lf };
}

/** The one-pass variant's row sum width: pass A's powers of two of up to maxN elements, before the shift. */
export function onlineSumWidth(p: Plan): number {
  return p.sw + p.mp.expOnline!.zmax;
}

/** The largest IntMax reference any row can have: the largest input code rounded up to the granule. */
export function onlineTop(p: Plan): number {
  const g = p.mp.expOnline!.granule;
  return Math.ceil((2 ** (p.common.iw - 1) - 1) / g) * g;
}

/**
 * The shift that takes the row's sum relative to MTOP to its own reference M = the max mx rounded up
 * to the granule: zmax - (MTOP - M) * (powers of two per code), in 0..zmax. In unsigned terms, with
 * u = mx + 2^(IW-1) (mx with its sign bit inverted): a granule of 2^a codes gives
 * ((u + 2^a - 1) >> a) + K, K = zmax - (MTOP + 2^(IW-1)) / 2^a; a granule of 1 (a code is 2^k powers
 * of two) gives (u << k) + K, K = zmax - (MTOP + 2^(IW-1)) 2^k. K >= 0: the amount at u = 0.
 */
function onlineShift(top: Pipe, p: Plan, mx: Sig): Sig {
  const c = p.common;
  const on = p.mp.expOnline!;
  const aw = bitsFor(on.zmax);
  const half = 2 ** (c.iw - 1);
  const span = onlineTop(p) + half;
  const ga = Math.round(Math.log2(on.granule));
  const k = ga > 0 ? 0 : Math.round(Math.log2(c.unit * Math.LOG2E));
  // ceil(mx / g) = ((u + H g - half + g - 1) >> a) - H, H = ceil(half / g) (H g - half = 0 unless the
  // granule is wider than half the codes)
  const H = Math.ceil(half / on.granule);
  const K = ga > 0 ? on.zmax - (span - half) / on.granule - H : on.zmax - span * 2 ** k;
  const add = H * on.granule - half + on.granule - 1;
  // the amount at the least and the largest max code lies in 0..zmax (K itself may be negative)
  const amtOf = (u: number) => (ga > 0 ? Math.floor((u + add) / on.granule) : u * 2 ** k) + K;
  if (!Number.isInteger(K) || amtOf(0) < 0 || amtOf(2 ** c.iw - 1) > on.zmax) throw new Error(`internal: online sum shift: K = ${K}`);
  const w = Math.max(c.iw + 1 + k, bitsFor(on.zmax), bitsFor(2 ** c.iw + add)) + 1;
  const uOf = (m: string) => `{~${m}[${c.iw - 1}], ${m}[${c.iw - 2}:0]}`;
  const amt = arith(top, 'c_samt', w, [mx], 'C: online sum to the row reference', (r) => {
    const u = zx(uOf(r(mx)), c.iw, w);
    const kk = K >= 0 ? ` + ${w}'d${K}` : ` - ${w}'d${-K}`;
    return ga > 0 ? `((${u} + ${w}'d${add}) >> ${ga})${kk}` : `(${u} << ${k})${kk}`;
  });
  unusedOutside(top, amt, 0, aw - 1, 'unused_c_samt');
  return wire(top, 'c_sa', aw, [amt], 'C: online sum to the row reference', (r) => `${r(amt)}[${aw - 1}:0]`);
}

/**
 * A valid bit delayed by `k` registers with a reset (and the clock enable `ce`, if any), named
 * `<prefix><i>`: their Verilog lines and the last name (`from` when k = 0).
 */
export function validChain(prefix: string, from: string, k: number, ce: string | null): { lines: string[]; v: string } {
  const lines: string[] = [];
  let prev = from;
  for (let i = 1; i <= k; i++) {
    const v = `${prefix}${i}`;
    lines.push(`  reg ${v};`, `  always @(posedge aclk) if (!aresetn) ${v} <= 1'b0; else ${ce ? `if (${ce}) ` : ''}${v} <= ${prev};`);
    prev = v;
  }
  return { lines, v: prev };
}

/**
 * Pass C's clock enable: `ce` (the pass stops while the output's skid register holds a beat), or
 * none with pipeline.outputFifo (the pass runs free; its issue waits for room in the output FIFO).
 */
export function passCe(p: Plan): 'ce' | null {
  return p.common.config.pipeline.outputFifo ? null : 'ce';
}

/** Template fields of pass B's or C's exponent stage. */
export function expStage(p: Plan, P: number, x: 'b' | 'c') {
  const st = passExp(p, P, x, x === 'c' ? [{ name: 'c_s1', width: p.mp.expOnline ? onlineSumWidth(p) : p.sw }] : []);
  const v = validChain(`${x}_ve`, `${x}_v1`, st.cycles, x === 'c' ? passCe(p) : null);
  return { ...st, code: [st.code, ...v.lines].join('\n'), s: st.carried[0], v: v.v };
}

