/**
 * The stream architecture's passes as pipelines: the trees of passes A and B, the exponent stages of
 * passes B and C and pass C's lanes, built from the shared stage builders. The plan (stream.ts)
 * counts their registers; the render (stream-rtl.ts) writes their code.
 */
import { Pipe } from '../../pipeline/builder.js';
import { delayModel, lutLevels } from '../../pipeline/delay.js';
import { expUnitStage, logic, maxMinusX, tree, wire } from '../../pipeline/stages.js';
import type { Plan } from '../../numerics/types.js';

/**
 * Pass A's max tree or pass B's sum tree over the P lanes of a registered beat (`a_x` or `b_e`),
 * built by the pipeline builder with the stage the parallel architecture uses (stages.ts `tree`),
 * free-running, and registered at its end for the running max or sum after it. Its valid bit (with a
 * reset) and last bit follow it. Returns the code, the registers it adds, and the names of the
 * result, its valid and its last bit.
 */
export function streamTree(p: Plan, P: number, kind: 'max' | 'sum'): { code: string; cycles: number; width: number; out: string; valid: string; last: string } {
  const c = p.common;
  const cfg = c.config.pipeline;
  const top = new Pipe({ model: delayModel(cfg.device), period: 1000 / cfg.targetMHz, ce: null, indent: 2 });
  const x = kind === 'max' ? 'a' : 'b';
  const w = kind === 'max' ? c.iw : p.ew;
  const input = top.input(kind === 'max' ? 'a_x' : 'b_e', P * w, 0);
  const last = top.input(kind === 'max' ? 'a_l' : 'b_l2', 1, 0);
  let t = tree(top, { input, count: P, w, kind, prefix: `${x}_${kind === 'max' ? 'mx' : 'sm'}`, what: `${kind} tree`, every: cfg.treeLevelsPerStage });
  if (t.time > 0) t = top.reg(t, `${x}_${kind}q`, `${kind} tree`);
  const out = top.at(t, t.cycle);
  const l = top.at(last, t.cycle);
  const v = validChain(`${x}_t_ve`, kind === 'max' ? 'a_v' : 'b_v2', t.cycle, null);
  return { code: [top.text(), ...v.lines].join('\n'), cycles: t.cycle, width: t.width, out, valid: v.v, last: l };
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
): { code: string; cycles: number; e: string; keep: string; last: string; carried: string[] } {
  const c = p.common;
  const cfg = c.config.pipeline;
  const model = delayModel(cfg.device);
  const top = new Pipe({ model, period: 1000 / cfg.targetMHz, ce: x === 'c' ? 'ce' : null, indent: 2 });
  const rd = top.input(`${x}_rd`, P * (c.iw + 1), 0, model.romOut);
  const mx = top.input(`${x}_mx1`, c.iw, 0);
  const last = top.input(`${x}_l1`, 1, 0);
  const d = maxMinusX(top, mx, rd, { count: P, iw: c.iw, dw: c.dw }, `${x}_d`, `${x.toUpperCase()}: d = max - x`);
  // pass C of a method whose lanes read d (laneInput 'd') needs no exponent: its lanes take d itself
  const e = x === 'c' && p.mp.laneInput === 'd' ? d : expUnitStage(top, d, { count: P, dw: c.dw, unit: p.mp }, `${x}_ex`, `${x.toUpperCase()}: exponent lookup`);
  const keep = wire(top, `${x}_k0`, P, [rd], 'keep bits', (r) => `${r(rd)}[${P * (c.iw + 1) - 1}:${P * c.iw}]`);
  const at = e.cycle;
  const carried = carry.map((s) => top.at(top.input(s.name, s.width, 0), at));
  const res = { e: top.at(e, at), keep: top.at(keep, at), last: top.at(last, at), carried };
  return { code: top.text(), cycles: at, ...res };
}

/**
 * Pass C's normalisation and lanes, built by the pipeline builder from the method's stages, as in
 * the parallel architecture. Returns the code, the cycles it takes and the names of the keep and
 * last bits delayed to the lanes' outputs.
 */
export function passC(p: Plan, P: number): { code: string; cycles: number; k: string; l: string } {
  const c = p.common;
  const cfg = c.config.pipeline;
  const top = new Pipe({ model: delayModel(cfg.device), period: 1000 / cfg.targetMHz, ce: 'ce', indent: 2 });
  // the lanes' inputs: the exponent entries, or the differences d (laneInput 'd')
  const lw = p.mp.laneInput === 'd' ? c.dw : p.ew;
  const e = top.input('c_e', P * lw, 0);
  const sum = top.input('c_s2', p.sw, 0);
  const keep = top.input('c_k2', P, 0);
  const last = top.input('c_l2', 1, 0);
  const b = p.method.build(p.mp, c);
  const coefs = b.norm(top, sum);
  const ln = top.child(6);
  const ei = wire(ln, p.mp.laneInput === 'd' ? 'd_i' : 'e_i', lw, [e], 'output lanes', (r) => `${r(e)}[g*${lw} +: ${lw}]`);
  const y0 = b.lane(ln, ei, coefs);
  // the keep mask, then the output's skid select (in the template) before the output register: one
  // LUT level each, so a lane whose last stage is full gets a register first
  const ym = logic(ln, 'y_k', c.ow, [y0, keep], 1, 'output: keep mask', (r) => `${r(keep)}[g] ? ${r(y0)} : ${c.ow}'d0`);
  const y = ln.op({ name: 'y_m', width: c.ow, deps: [ym], delay: lutLevels(ln.model, 1), levels: 1, what: 'output: skid select', code: (r) => `wire [${c.ow - 1}:0] y_m = ${r(ym)};` });
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

/** Template fields of pass B's or C's exponent stage. */
export function expStage(p: Plan, P: number, x: 'b' | 'c') {
  const st = passExp(p, P, x, x === 'c' ? [{ name: 'c_s1', width: p.sw }] : []);
  const v = validChain(`${x}_ve`, `${x}_v1`, st.cycles, x === 'c' ? 'ce' : null);
  return { ...st, code: [st.code, ...v.lines].join('\n'), s: st.carried[0], v: v.v };
}

