/**
 * Shared stage builders: the pieces both architectures and every method are made of, each with
 * its delay from the device model, so that the builder (builder.ts) places the registers.
 * Vector signals hold `count` lanes of `w` bits; their per-lane logic is a generate loop.
 */
import { bitsFor } from '../core/bits.js';
import { levelsFor, lutLevels } from './delay.js';
import { hardOutExtra, type Pipe, type Sig } from './builder.js';

/**
 * An exponent computed by arithmetic, e = G(r) >> z: t = floor((d * mul + add) / 2^rsh) (the
 * difference at the working scale), z = floor(t / q) and r = t - z q (bit fields when q is a power of
 * two, else z = floor(t * divMul / 2^divShift), exact for every t of tw bits), G(r) = (b - r)^2 + c
 * (poly, one squarer) or G(r) = gTable[r] (a small ROM); gw bits, e = 0 once z >= gw.
 */
export interface ExpCalc {
  mul: number;
  /** Added before the shift (2^(rsh-1): t rounded), when present. */
  add?: number;
  rsh: number;
  tw: number;
  q: number;
  divMul?: number;
  divShift?: number;
  zw: number;
  rw: number;
  poly?: { b: number; c: number };
  /** The table G reads, a ROM of the block. */
  gTable?: { name: string; what: string; width: number; addrWidth: number; values: number[] };
  gw: number;
  /** One line for the RTL comment and the plan. */
  describe: string;
}

const zeros = (w: number) => `${w}'d0`;

/** Zero-extend an expression of width w to `to` bits. */
export function zx(expr: string, w: number, to: number): string {
  if (to < w) throw new Error(`internal: zero-extend ${expr} from ${w} to ${to}`);
  return to > w ? `{${to - w}'d0, ${expr}}` : expr;
}

/** A generate loop over `count` lanes: `body` gets the loop variable's name. */
export function lanes(count: number, label: string, body: string[]): string {
  return [`generate`, `  for (g = 0; g < ${count}; g = g + 1) begin : ${label}`, ...body.map((l) => '    ' + l), `  end`, `endgenerate`].join('\n');
}

/** One level of the max tree over a vector of `count` signed IW-bit values. */
export function maxLevel(p: Pipe, prev: Sig, count: number, iw: number, name: string, what: string): Sig {
  const next = Math.ceil(count / 2);
  const pairs = Math.floor(count / 2);
  const bySub = p.model.compareBySubtract === true;
  return p.op({
    name,
    width: next * iw,
    deps: [prev],
    // the comparison is a carry chain, then a LUT picks a or b
    delay: (bySub ? p.model.carry(iw + 1) : p.model.compare(iw + 1)) + lutLevels(p.model, 1),
    levels: 2,
    what,
    code: (r) =>
      [
        `wire [${next * iw - 1}:0] ${name};`,
        lanes(pairs, `g_${name}`, [
          `wire signed [${iw - 1}:0] a = ${r(prev)}[(2*g)*${iw} +: ${iw}];`,
          `wire signed [${iw - 1}:0] b = ${r(prev)}[(2*g+1)*${iw} +: ${iw}];`,
          ...(bySub
            ? [
                `wire [${iw}:0] b_minus_a = {b[${iw - 1}], b} - {a[${iw - 1}], a};`,
                `wire unused_diff = &{1'b0, b_minus_a[${iw - 1}:0], 1'b0};`,
                `assign ${name}[g*${iw} +: ${iw}] = b_minus_a[${iw}] ? a : b;`,
              ]
            : [`assign ${name}[g*${iw} +: ${iw}] = (a > b) ? a : b;`]),
        ]),
        ...(count % 2 ? [`assign ${name}[${next - 1}*${iw} +: ${iw}] = ${r(prev)}[${count - 1}*${iw} +: ${iw}];`] : []),
      ].join('\n'),
  });
}

/** One level of the sum tree over `count` unsigned w-bit values; the sums are w + 1 bits. */
export function sumLevel(p: Pipe, prev: Sig, count: number, w: number, name: string, what: string): Sig {
  const next = Math.ceil(count / 2);
  const pairs = Math.floor(count / 2);
  const ow = w + 1;
  return p.op({
    name,
    width: next * ow,
    deps: [prev],
    delay: p.model.carry(ow),
    levels: 1,
    what,
    code: (r) =>
      [
        `wire [${next * ow - 1}:0] ${name};`,
        lanes(pairs, `g_${name}`, [
          `assign ${name}[g*${ow} +: ${ow}] = {1'b0, ${r(prev)}[(2*g)*${w} +: ${w}]} + {1'b0, ${r(prev)}[(2*g+1)*${w} +: ${w}]};`,
        ]),
        ...(count % 2 ? [`assign ${name}[${next - 1}*${ow} +: ${ow}] = {1'b0, ${r(prev)}[${count - 1}*${w} +: ${w}]};`] : []),
      ].join('\n'),
  });
}

/**
 * A reduction tree, one op per level. `every`: a register after every k-th level (the config's
 * pipeline.treeLevelsPerStage, an override); otherwise the delay model places them.
 */
export function tree(
  p: Pipe,
  o: { input: Sig; count: number; w: number; kind: 'max' | 'sum'; prefix: string; what: string; every?: number },
): Sig {
  let s = o.input;
  let count = o.count;
  let w = o.w;
  let level = 0;
  while (count > 1) {
    level++;
    const name = `${o.prefix}${level}`;
    s = o.kind === 'max' ? maxLevel(p, s, count, w, name, o.what) : sumLevel(p, s, count, w, name, o.what);
    count = Math.ceil(count / 2);
    if (o.kind === 'sum') w++;
    if (o.every && (level % o.every === 0 || count === 1)) s = p.reg(s, `${name}_q`, o.what);
  }
  return s;
}

/** A plain operation of a few LUT levels: `expr` of the inputs' names. */
export function logic(p: Pipe, name: string, width: number, deps: Sig[], levels: number, what: string, expr: (r: (s: Sig) => string) => string): Sig {
  return p.op({
    name,
    width,
    deps,
    delay: lutLevels(p.model, levels),
    levels,
    what,
    code: (r) => `wire [${width - 1}:0] ${name} = ${expr(r)};`,
  });
}

/** An adder or subtracter of `width` bits (a carry chain): `expr` of the inputs' names. */
export function arith(p: Pipe, name: string, width: number, deps: Sig[], what: string, expr: (r: (s: Sig) => string) => string, carryBits = width): Sig {
  return p.op({
    name,
    width,
    deps,
    delay: p.model.carry(carryBits),
    levels: 1,
    what,
    code: (r) => `wire [${width - 1}:0] ${name} = ${expr(r)};`,
  });
}

/** A slice or a constant rewiring: no logic, no delay. */
export function wire(p: Pipe, name: string, width: number, deps: Sig[], what: string, expr: (r: (s: Sig) => string) => string, minCycle?: number): Sig {
  return p.op({ name, width, deps, delay: 0, levels: 0, what, minCycle, code: (r) => `wire [${width - 1}:0] ${name} = ${expr(r)};` });
}

/**
 * d = max - x in each of `count` lanes: x holds the lanes' signed iw-bit values from bit 0 (more
 * bits above them are left alone), max one signed value (iw bits, or mw: a reference above every
 * x, e.g. an online sum's rounded max); d is dw bits per lane (max - x >= 0).
 */
export function maxMinusX(p: Pipe, mx: Sig, x: Sig, o: { count: number; iw: number; dw: number; mw?: number }, name: string, what: string): Sig {
  const { count, iw, dw } = o;
  const mw = o.mw ?? iw;
  const w = Math.max(mw, iw) + 1;
  const sx = (v: string, vw: number) => (w > vw ? `{{${w - vw}{${v}[${vw - 1}]}}, ${v}}` : v);
  return p.op({
    name,
    width: count * dw,
    deps: [mx, x],
    // the max reaches every element's subtraction (model.maxFanoutRoute)
    delay: p.model.carry(w) + (p.model.maxFanoutRoute?.(count) ?? 0),
    levels: 1,
    what,
    code: (r) =>
      [
        `wire [${count * dw - 1}:0] ${name};`,
        lanes(count, `g_${name}`, [
          mw === iw
            ? `wire [${iw}:0] diff = {${r(mx)}[${iw - 1}], ${r(mx)}} - {${r(x)}[g*${iw}+${iw - 1}], ${r(x)}[g*${iw} +: ${iw}]};`
            : `wire [${w - 1}:0] diff = ${sx(r(mx), mw)} - {{${w - iw}{${r(x)}[g*${iw}+${iw - 1}]}}, ${r(x)}[g*${iw} +: ${iw}]};`,
          `wire unused_diff = &{1'b0, diff[${w - 1 === dw ? dw : `${w - 1}:${dw}`}], 1'b0};`,
          `assign ${name}[g*${dw} +: ${dw}] = diff[${dw - 1}:0];`,
        ]),
      ].join('\n'),
  });
}

/**
 * Softermax's IntMax: the max mx (signed, iw bits) rounded up to a multiple of 2^a codes (a whole
 * power of two), as a signed iw + 1-bit value: (mx + 2^a - 1) with its low a bits cleared.
 */
export function intMaxStage(p: Pipe, mx: Sig, iw: number, a: number, name: string, what: string): Sig {
  const up = arith(p, `${name}_up`, iw + 1, [mx], what, (r) => `{${r(mx)}[${iw - 1}], ${r(mx)}} + ${iw + 1}'d${2 ** a - 1}`);
  unusedOutside(p, up, a, iw, `unused_${name}_up`);
  return wire(p, name, iw + 1, [up], what, (r) => `{${r(up)}[${iw}:${a}], ${a}'d0}`);
}

/**
 * x >> amt (logical), as one mux level per bit of amt (two per level with 6-input LUTs); amounts of
 * the width or more give 0, as Verilog's >> does.
 */
export function shiftRight(p: Pipe, x: Sig, amt: Sig, name: string, what: string): Sig {
  const w = x.width;
  let s = x;
  const per = p.model.lutInputs >= 6 ? 2 : 1;
  // each mux level reads its own bits of the amount, so a level in a later cycle delays only those
  const part = (lo: number, hi: number) => wire(p, `${name}_a${lo}`, hi - lo + 1, [amt], what, (r) => `${r(amt)}[${hi}:${lo}]`);
  let i = 0;
  let step = 0;
  while (i < amt.width) {
    const src = s;
    if (2 ** i >= w) {
      // every remaining bit of the amount shifts everything out
      const a = part(i, amt.width - 1);
      s = logic(p, `${name}_${step++}`, w, [src, a], levelsFor(p.model, a.width + 1), what, (r) => `(|${r(a)}) ? ${zeros(w)} : ${r(src)}`);
      break;
    }
    const bits = Math.min(per, amt.width - i);
    const a = part(i, i + bits - 1);
    const at = i;
    s = logic(p, `${name}_${step++}`, w, [src, a], 1, what, (r) =>
      bits === 1 ? `${r(a)}[0] ? (${r(src)} >> ${2 ** at}) : ${r(src)}` : at === 0 ? `${r(src)} >> ${r(a)}` : `${r(src)} >> {${r(a)}, ${at}'d0}`,
    );
    i += bits;
  }
  return s;
}

/**
 * Leading-one normalisation of an unsigned x (width w, nonzero): lz = leading zeros and
 * xn = the top `keep` bits of x << lz (the leading one at the top; all w bits by default). One level
 * per bit of lz, widest first; each level carries only the bits the levels after it can still shift
 * into the top `keep` (keep + 2^i - 1 after the level of 2^i), so a narrow result costs few muxes.
 */
export function normalizeLeft(p: Pipe, x: Sig, name: string, what: string, keep = x.width): { lz: Sig; xn: Sig } {
  const w = x.width;
  // lz < w fits lzw = ceil(log2 w) bits, and every step 2^i (i < lzw) is narrower than x
  let lzw = 1;
  while (2 ** lzw < w) lzw++;
  let s = x; // the top s.width bits of the value so far
  const bits: Sig[] = []; // lz from its top bit down
  for (let i = lzw - 1; i >= 0; i--) {
    const k = 2 ** i;
    const src = s;
    const sw = src.width;
    const nw = Math.min(w, keep + k - 1);
    // is the top k bits zero? then shift left by k
    const z = logic(p, `${name}_z${i}`, 1, [src], levelsFor(p.model, k), what, (r) => `~|${r(src)}[${sw - 1}:${sw - k}]`);
    bits.push(z);
    const lo = sw - k - nw; // the shifted value's lowest bit, in src (below 0: zeros come in)
    s = logic(p, `${name}_s${i}`, nw, [src, z], 1, what, (r) => {
      const zs = r(z); // first: the delay lines are declared in the order they are asked for
      const shifted = lo >= 0 ? `${r(src)}[${sw - k - 1}:${lo}]` : `{${r(src)}[${sw - k - 1}:0], ${zeros(-lo)}}`;
      return `${zs} ? ${shifted} : ${nw === sw ? r(src) : `${r(src)}[${sw - 1}:${sw - nw}]`}`;
    });
    if (lo > 0) p.lines.push(`wire unused_${name}_s${i} = &{1'b0, ${p.at(src, s.cycle)}[${lo - 1}:0], 1'b0};`);
  }
  const lz = wire(p, `${name}_lz`, lzw, bits, what, (r) => `{${bits.map((z) => r(z)).join(', ')}}`);
  return { lz, xn: s };
}

/**
 * Normalised addressing of an unsigned S (width sw): S = m * 2^p with p = sw - 1 - lz, and the
 * index j = the `bits` bits of m below its leading one (zeros below S's last bit).
 */
export function mantissaIndex(p: Pipe, sum: Sig, bits: number, name: string, what: string): { lz: Sig; j: Sig } {
  const sw = sum.width;
  const { lz, xn } = normalizeLeft(p, sum, 'nrm', what);
  const j = wire(p, name, bits, [xn], what, (r) => (sw - 1 >= bits ? `${r(xn)}[${sw - 2}:${sw - 1 - bits}]` : `{${r(xn)}[${sw - 2}:0], ${bits - sw + 1}'d0}`));
  const xs = p.at(xn, xn.cycle);
  p.lines.push(`wire unused_xn = &{1'b0, ${sw - 1 > bits ? `${xs}[${sw - 2 - bits}:0], ` : ''}${xs}[${sw - 1}], 1'b0};`);
  return { lz, j };
}

/**
 * c - lz modulo 2^w, for a leading-zero count lz (e.g. a shift amount or a table index from the
 * leading one's position; exact where the true difference lies in 0..2^w - 1). Only lz's low w
 * bits matter: its higher bits are marked unused (`unused`) in lz's cycle and, when the subtraction
 * lands later, in that one too (`unused`_q).
 */
export function constMinusLz(p: Pipe, lz: Sig, c: number, w: number, name: string, what: string, unused: string): Sig {
  const c0 = ((c % 2 ** w) + 2 ** w) % 2 ** w;
  if (lz.width > w) p.lines.push(`wire ${unused} = &{1'b0, ${p.at(lz, lz.cycle)}[${lz.width - 1}:${w}], 1'b0};`);
  const r = arith(p, name, w, [lz], what, (q) => (lz.width > w ? `${w}'d${c0} - ${q(lz)}[${w - 1}:0]` : `${w}'d${c0} - ${zx(q(lz), lz.width, w)}`));
  if (lz.width > w && r.cycle > lz.cycle) p.lines.push(`wire ${unused}_q = &{1'b0, ${p.at(lz, r.cycle)}[${lz.width - 1}:${w}], 1'b0};`);
  return r;
}

/**
 * Mark the bits of s outside [lo, hi] as read on purpose (a lint-clean slice), in s's cycle or in the
 * cycle where the slice is read (`cycle`: there a delayed copy of s carries the unused bits).
 */
export function unusedOutside(p: Pipe, s: Sig, lo: number, hi: number, name: string, cycle = s.cycle): void {
  const ss = p.at(s, cycle);
  const parts = [s.width - 1 > hi ? `${ss}[${s.width - 1}:${hi + 1}]` : '', lo > 0 ? `${ss}[${lo - 1}:0]` : ''].filter(Boolean);
  if (parts.length) p.lines.push(`wire ${name} = &{1'b0, ${parts.join(', ')}, 1'b0};`);
}

/**
 * s registered first where its logic leaves no time in its stage for a route of `route` ns after it
 * (a fan-out, the way into a DSP row); otherwise s itself.
 */
function beforeRoute(p: Pipe, s: Sig, route: number, name: string, what: string): Sig {
  return s.time > 0 && s.time + route > p.budget ? p.reg(s, name, what) : s;
}

/**
 * A signal that every lane reads (a coefficient), registered first where its logic leaves no time in
 * its stage for the route to every lane (model.fanoutRoute); otherwise s itself.
 */
export function beforeFanOut(p: Pipe, s: Sig): Sig {
  return beforeRoute(p, s, p.model.fanoutRoute ?? 0, `${s.name}_f`, 'normalisation: register before the fan-out');
}

/**
 * Unsigned a * b. With DSP blocks (the model's dspMultipliers) as `*` with registers on both inputs,
 * on the product and after it (AREG/BREG, MREG, PREG), for synthesis to absorb; otherwise in LUTs,
 * as partial-product rows summed by a tree of adders that the delay model pipelines.
 */
export function multiply(p: Pipe, a: Sig, b: Sig, name: string, what: string): Sig {
  return mul(p, a, b, { aw: a.width, bw: b.width }, name, what);
}

/**
 * Unsigned a * b in each of `count` lanes: a holds lanes of aw bits, b lanes of bw bits, the product
 * lanes are aw + bw bits. The same partial-product rows and adder tree as `multiply`, per lane.
 */
export function multiplyVec(p: Pipe, a: Sig, b: Sig, o: { count: number; aw: number; bw: number }, name: string, what: string): Sig {
  return mul(p, a, b, o, name, what);
}

/** A term of a product's sum: `w` bits of `s` at bit `off`. */
type Term = { s: Sig; w: number; off: number };

/** multiply (no count: one value, plain wires) and multiplyVec (count lanes, generate loops). */
function mul(p: Pipe, a: Sig, b: Sig, o: { count?: number; aw: number; bw: number; lut?: boolean }, name: string, what: string): Sig {
  const count = o.count ?? 1;
  const w = o.aw + o.bw;
  // a lane's bits of a signal, and a wire of `tw` bits per lane assigned `expr` (g: the lane)
  const sl = (r: string, lw: number) => (o.count === undefined ? r : `${r}[g*${lw} +: ${lw}]`);
  const bit = (r: string, lw: number, k: number) => (o.count === undefined ? `${r}[${k}]` : `${r}[g*${lw} + ${k}]`);
  const emit = (nm: string, tw: number, expr: string) =>
    o.count === undefined
      ? `wire [${tw - 1}:0] ${nm} = ${expr};`
      : [`wire [${count * tw - 1}:0] ${nm};`, lanes(count, `g_${nm}`, [`assign ${nm}[g*${tw} +: ${tw}] = ${expr};`])].join('\n');
  const dw = p.model.dspWidth;
  if (p.model.dspMultipliers && !o.lut && dw !== undefined && (o.aw > dw || o.bw > dw)) {
    // wider than one DSP: DSP-sized partial products, each with its own registers for the DSP to
    // absorb, summed by a tree of adders the delay model pipelines (Yosys would split the product
    // itself, with the adders between the DSPs and their output registers)
    const cut = (sw: number) => Array.from({ length: Math.ceil(sw / dw) }, (_, k) => ({ off: k * dw, w: Math.min(dw, sw - k * dw) }));
    // the pieces are cut where both operands have arrived, so that the earlier one waits as one
    // signal rather than as a copy per piece (a lane's e waits for the coefficients)
    const at = Math.max(a.cycle, b.cycle);
    const slice = (x: Sig, xw: number, c: { off: number; w: number }, nm: string) =>
      wire(p, nm, count * c.w, [x], what, (r) => (o.count === undefined ? `${r(x)}[${c.off + c.w - 1}:${c.off}]` : `{${Array.from({ length: count }, (_, g) => `${r(x)}[${(count - 1 - g) * xw + c.off + c.w - 1}:${(count - 1 - g) * xw + c.off}]`).join(', ')}}`), at);
    const terms: Term[] = [];
    for (const [i, ca] of cut(o.aw).entries()) {
      for (const [j, cb] of cut(o.bw).entries()) {
        // a piece with a narrow side is a few rows of adders: LUTs, not a DSP (model.dspLutSide)
        const lut = Math.min(ca.w, cb.w) <= (p.model.dspLutSide ?? 0);
        const sa = slice(a, o.aw, ca, `${name}_a${i}${j}`);
        const sb = slice(b, o.bw, cb, `${name}_b${i}${j}`);
        // where its rows would read the operands' registers, which the DSP pieces read too, it reads
        // copies of its own (kept apart from the DSP's input registers by a synchronous clear): a
        // register that also feeds a DSP sits by the DSP row, 3.75 ns of route from the rows of
        // ANDs (nextpnr-ecp5, the 16-bit stream block). Rows that start a cycle later read delayed
        // copies of their own anyway. So far in the scopes that keep their copies apart (the lanes
        // of a stream block with pipeline.outputFifo); the parallel blocks keep their RTL.
        const own = lut && p.keepsApart && p.startCycle([sa, sb], lutRow(p, Math.max(ca.w, cb.w)).delay) === at;
        const pa = own ? p.reg(sa, `${name}_a${i}${j}_l`, `${what} (LUT piece's operand)`, { apart: true }) : sa;
        const pb = own ? p.reg(sb, `${name}_b${i}${j}_l`, `${what} (LUT piece's operand)`, { apart: true }) : sb;
        const pp = mul(p, pa, pb, { ...(o.count === undefined ? {} : { count }), aw: ca.w, bw: cb.w, lut }, `${name}_p${i}${j}`, what);
        terms.push({ s: pp, w: ca.w + cb.w, off: ca.off + cb.off });
      }
    }
    return sumShifted(p, terms, w, count, name, what, sl, emit);
  }
  if (p.model.dspMultipliers && !o.lut) {
    // an operand from logic whose time leaves no room for the route into the DSP is registered in
    // the fabric first (model.dspInputRoute)
    const near = (x: Sig, nm: string) => beforeRoute(p, x, p.model.dspInputRoute ?? 0, nm, `${what} (before the DSP's route)`);
    const a1 = near(a, `${name}_af`);
    const b1 = near(b, `${name}_bf`);
    const aq = p.reg(wire(p, `${name}_a`, count * o.aw, [a1], what, (r) => r(a1)), `${name}_areg`, what);
    const bq = p.reg(wire(p, `${name}_b`, count * o.bw, [b1], what, (r) => r(b1)), `${name}_breg`, what);
    const m = p.op({
      name: `${name}_m`,
      width: count * w,
      deps: [aq, bq],
      delay: 0,
      levels: 0,
      what,
      code: (r) => emit(`${name}_m`, w, `${zx(sl(r(aq), o.aw), o.aw, w)} * ${zx(sl(r(bq), o.bw), o.bw, w)}`),
    });
    const mq = p.reg(m, `${name}_mreg`, what);
    // the product's register sits by the DSP row: its route into logic is longer (model.hardOutRoute)
    return { ...p.reg(mq, `${name}_preg`, what), time: hardOutExtra(p.model) };
  }
  // the narrower operand picks the rows
  const [x, xw, y, yw] = o.aw >= o.bw ? [a, o.aw, b, o.bw] : [b, o.bw, a, o.aw];
  const terms: Term[] = [];
  // two rows at a time where the ANDs and the adder fit the clock period, else one row (the ANDs
  // alone) and the tree adds every row (ECP5 at 200 MHz: 5.45 ns for a pair of 18-bit rows). The
  // period, not the stage budget: pairs over the budget close on iCE40 (softmax_default, 142 MHz at 125)
  const { pairs, delay } = lutRow(p, xw);
  for (let j = 0; j < yw; j += pairs ? 2 : 1) {
    // two rows at a time: (y[j] ? x : 0) + (y[j+1] ? x << 1 : 0), the AND in the LUT before the chain
    const two = pairs && j + 1 < yw;
    const tw = two ? xw + 2 : xw;
    const nm = `${name}_pp${j}`;
    const s = p.op({
      name: nm,
      width: count * tw,
      deps: [x, y],
      // each bit of y drives a whole row of ANDs and each bit of x every row: one more route for the
      // fan-out. With pairs, a lone last row is charged as a pair, so that every row starts in the
      // same cycle and reads the same copy of y.
      delay,
      levels: two ? 2 : 1,
      what,
      code: (r) => {
        const xs = sl(r(x), xw);
        return emit(
          nm,
          tw,
          two
            ? `{2'b0, ${xs} & {${xw}{${bit(r(y), yw, j)}}}} + {1'b0, ${xs} & {${xw}{${bit(r(y), yw, j + 1)}}}, 1'b0}`
            : `${xs} & {${xw}{${bit(r(y), yw, j)}}}`,
        );
      },
    });
    terms.push({ s, w: tw, off: j });
  }
  return sumShifted(p, terms, w, count, name, what, sl, emit);
}

/**
 * A LUT product's partial-product rows for an `xw`-bit wide operand: one row (the ANDs, a LUT level
 * after a route) or two at a time with their adder (`pairs`, where that fits the clock period), and
 * the delay of each row's op.
 */
function lutRow(p: Pipe, xw: number): { rowDelay: number; pairs: boolean; delay: number } {
  const rowDelay = p.model.route + lutLevels(p.model, 1);
  const pairs = rowDelay + p.model.carry(xw + 2) + p.model.reg <= p.o.period;
  return { rowDelay, pairs, delay: pairs ? rowDelay + p.model.carry(xw + 2) : rowDelay };
}

/**
 * The sum of shifted terms (term k: `w` bits at bit `off`) into a `w`-bit product, a tree of adders
 * the delay model pipelines; `sl` and `emit` as in mul (lanes of a vector, or one value).
 */
function sumShifted(
  p: Pipe,
  terms: Term[],
  w: number,
  count: number,
  name: string,
  what: string,
  sl: (r: string, lw: number) => string,
  emit: (nm: string, tw: number, expr: string) => string,
): Sig {
  const t = pairTree(terms, (u, v, level, i) => {
    const off = Math.min(u.off, v.off);
    const top = Math.min(w, Math.max(u.off + u.w, v.off + v.w) + 1);
    const tw = top - off;
    const ext = (t: Term, rr: string) => {
      const lo = t.off - off;
      const part = sl(rr, t.w);
      const body = lo > 0 ? `{${part}, ${zeros(lo)}}` : part;
      return zx(body, t.w + lo, tw);
    };
    const nm = `${name}_t${level}_${i}`;
    const s = p.op({
      name: nm,
      width: count * tw,
      deps: [u.s, v.s],
      delay: p.model.carry(tw - (v.off - off)),
      levels: 1,
      what,
      code: (r) => emit(nm, tw, `${ext(u, r(u.s))} + ${ext(v, r(v.s))}`),
    });
    return { s, w: tw, off };
  });
  if (t.off === 0 && t.w === w) return t.s;
  return p.op({
    name: `${name}_p`,
    width: count * w,
    deps: [t.s],
    delay: 0,
    levels: 0,
    what,
    code: (r) => {
      const part = sl(r(t.s), t.w);
      const body = t.off > 0 ? `{${part}, ${zeros(t.off)}}` : part;
      const have = t.w + t.off;
      return emit(`${name}_p`, w, have >= w ? body : zx(body, have, w));
    },
  });
}

/** y = min(x, 2^ow - 1) for an unsigned x of width w: an OR of the high bits, then a LUT. */
export function saturate(p: Pipe, x: Sig, ow: number, name: string, what: string): Sig {
  const w = x.width;
  if (w <= ow) return wire(p, name, ow, [x], what, (r) => zx(r(x), w, ow));
  const levels = levelsFor(p.model, w - ow) + 1;
  if (p.model.syncSetCost === undefined) return logic(p, name, ow, [x], levels, what, (r) => `(|${r(x)}[${w - 1}:${ow}]) ? {${ow}{1'b1}} : ${r(x)}[${ow - 1}:0]`);
  // the saturation becomes the register's synchronous set, at a cost of its own: the OR of the high
  // bits first (a register may fall after it), then the set
  const hi = wire(p, `${name}_hi`, w - ow, [x], what, (r) => `${r(x)}[${w - 1}:${ow}]`);
  const lo = wire(p, `${name}_lo`, ow, [x], what, (r) => `${r(x)}[${ow - 1}:0]`);
  const over = logic(p, `${name}_over`, 1, [hi], levels - 1, what, (r) => `|${r(hi)}`);
  return p.op({
    name,
    width: ow,
    deps: [lo, over],
    delay: lutLevels(p.model, 1) + p.model.syncSetCost,
    levels: 2,
    what,
    code: (r) => `wire [${ow - 1}:0] ${name} = ${r(over)} ? {${ow}{1'b1}} : ${r(lo)};`,
  });
}

/**
 * The exponent lookup of `count` lanes: e = T[d >> shift] for d >> shift below the table's length,
 * else 0. Each lane reads its own synchronous ROM (a block RAM), so the read is registered.
 */
export function expLookup(
  p: Pipe,
  d: Sig,
  o: { count: number; dw: number; shift: number; table: { name: string; width: number; addrWidth: number; values: number[] }; array?: { split: { hiWidth: number } | null } },
  name: string,
  what: string,
  lowBitsUsed = false,
): Sig {
  const { count, dw, shift, table: t } = o;
  // o.array: read the lane's copy of the table's memory array rather than the function, so that the
  // two passes' reads of one lane are the two ports of one memory (see DelayModel.romReadPairs)
  // the read register: the function's value, or the array's word (with the top bits' function
  // beside it in a register of their own, so that synthesis sees the array read straight into one)
  const readReg = (addr: string, always: string): string[] => {
    if (!o.array) return [`reg [${ew - 1}:0] q;`, `${always} q <= ${t.name}(${addr});`];
    // lane g reads its own copy of the array (g_<name>_rom[g].rom), which the other pass's lane g reads too
    const word = `g_${t.name}_rom[g].rom[${addr}]`;
    if (!o.array.split) return [`reg [${ew - 1}:0] q;`, `${always} q <= ${word};`];
    const hw = o.array.split.hiWidth;
    return [
      `reg [${ew - hw - 1}:0] q_lo;`,
      `reg [${hw - 1}:0] q_hi;`,
      `${always} q_lo <= ${word};`,
      `${always} q_hi <= ${t.name}_hi(${addr});`,
      `wire [${ew - 1}:0] q = {q_hi, q_lo};`,
    ];
  };
  const kw = dw - shift;
  const aw = t.addrWidth;
  const ew = t.width;
  // addresses at or past the length read the function's default, 0; only when the table's address is
  // narrower than k does the top of k need checking
  const check = aw < kw;
  let inRange: Sig | undefined;
  if (check) {
    inRange = logic(p, `${name}_in`, count, [d], levelsFor(p.model, kw - aw), what, (r) => {
      const bits = [];
      for (let g = count - 1; g >= 0; g--) bits.push(`~|${r(d)}[${g * dw + dw - 1}:${g * dw + shift + aw}]`);
      return `{${bits.join(', ')}}`;
    });
  }
  const rom = p.rom({
    name,
    width: count * ew,
    addr: d,
    fn: t.name,
    what,
    code: (a, always) => {
      const body = [...readReg(`${a}[g*${dw} + ${shift} +: ${aw}]`, always), `assign ${name}[g*${ew} +: ${ew}] = q;`];
      const unusedHi = kw > aw ? [`wire unused_k = &{1'b0, ${a}[g*${dw} + ${shift + aw} +: ${kw - aw}], 1'b0};`] : [];
      const unusedLo = shift > 0 && !lowBitsUsed ? [`wire unused_d = &{1'b0, ${a}[g*${dw} +: ${shift}], 1'b0};`] : [];
      return [`wire [${count * ew - 1}:0] ${name};`, lanes(count, `g_${name}`, [...body, ...unusedHi, ...unusedLo])].join('\n');
    },
  });
  if (!inRange) return rom;
  // the in-range bits, registered beside the ROM
  const inq = p.reg(inRange, `${name}_inq`, what);
  return logic(p, `${name}_e`, count * ew, [rom, inq], 1, what, (r) => {
    const parts = [];
    for (let g = count - 1; g >= 0; g--) parts.push(`(${r(rom)}[${g * ew} +: ${ew}] & {${ew}{${r(inq)}[${g}]}})`);
    return `{${parts.join(', ')}}`;
  });
}

/**
 * The exponent unit of a method plan for `count` lanes of d (dw bits each): the direct table
 * (expLookup), or the range-reduced form, e = round(T[d >> L] * T_lo[d mod 2^L] / 2^F): the high
 * lookup, the low lookup beside it, one product per lane and its rounding.
 */
export function expUnitStage(
  p: Pipe,
  d: Sig,
  o: { count: number; dw: number; unit: { expTable: { name: string; width: number; addrWidth: number; values: number[] }; expShift: number; expLo?: { name: string; width: number; addrWidth: number; values: number[] }; expLoFrac?: number; expCalc?: ExpCalc }; array?: { split: { hiWidth: number } | null } },
  name: string,
  what: string,
): Sig {
  const { count, dw, unit: u } = o;
  const shift = u.expShift;
  if (u.expCalc) return expCalcStage(p, d, { count, dw, calc: u.expCalc }, name, what);
  if (!u.expLo) return expLookup(p, d, { count, dw, shift, table: u.expTable, array: o.array }, name, what);
  const ew = u.expTable.width;
  const lw = u.expLo.width;
  const fr = u.expLoFrac!;
  // d_lo is the unused low part of the high lookup: it addresses the low table instead
  const hi = expLookup(p, d, { count, dw, shift, table: u.expTable }, `${name}_hi`, what, true);
  const lo = p.rom({
    name: `${name}_lo`,
    width: count * lw,
    addr: d,
    fn: u.expLo.name,
    what,
    code: (a, always) =>
      [
        `wire [${count * lw - 1}:0] ${name}_lo;`,
        lanes(count, `g_${name}_lo`, [`reg [${lw - 1}:0] q;`, `${always} q <= ${u.expLo!.name}(${a}[g*${dw} +: ${shift}]);`, `assign ${name}_lo[g*${lw} +: ${lw}] = q;`]),
      ].join('\n'),
  });
  const prod = multiplyVec(p, hi, lo, { count, aw: ew, bw: lw }, `${name}_m`, what);
  const pw = ew + lw;
  // round half up: (prod + 2^(F-1)) >> F; the result is at most the high entry, EW bits
  const rnd = p.op({
    name: `${name}_r`,
    width: count * ew,
    deps: [prod],
    delay: p.model.carry(pw - fr + 1),
    levels: 1,
    what,
    code: (r) =>
      [
        `wire [${count * ew - 1}:0] ${name}_r;`,
        lanes(count, `g_${name}_r`, [
          `wire [${pw - fr}:0] hi_part = {1'b0, ${r(prod)}[g*${pw} + ${fr} +: ${pw - fr}]} + {${pw - fr}'d0, ${r(prod)}[g*${pw} + ${fr - 1}]};`,
          `wire unused_r = &{1'b0, hi_part[${pw - fr}:${ew}], ${fr >= 2 ? `${r(prod)}[g*${pw} +: ${fr - 1}], ` : ''}1'b0};`,
          `assign ${name}_r[g*${ew} +: ${ew}] = hi_part[${ew - 1}:0];`,
        ]),
      ].join('\n'),
  });
  return rnd;
}

/** Reduce terms pairwise, level by level (an odd one out goes up a level as it is), to one. */
function pairTree<T>(terms: T[], pair: (u: T, v: T, level: number, i: number) => T): T {
  let level = 0;
  while (terms.length > 1) {
    level++;
    const next: T[] = [];
    for (let i = 0; i + 1 < terms.length; i += 2) next.push(pair(terms[i]!, terms[i + 1]!, level, i / 2));
    if (terms.length % 2) next.push(terms[terms.length - 1]!);
    terms = next;
  }
  return terms[0]!;
}

/**
 * x * k for a constant k > 0 (x unsigned): the sum of x shifted to each set bit of k, as a tree of
 * adders; `width` bits (wide enough for the product, the caller's choice).
 */
export function constMul(p: Pipe, x: Sig, k: number, width: number, name: string, what: string): Sig {
  const xw = x.width;
  const bits: number[] = [];
  for (let i = 0; 2 ** i <= k; i++) if (Math.floor(k / 2 ** i) % 2) bits.push(i);
  // a copy wider than the result keeps its low bits: the sum is taken modulo 2^width (the caller
  // knows the product fits)
  const shifted = (r: string, i: number) =>
    xw + i <= width ? zx(i > 0 ? `{${r}, ${i}'d0}` : r, xw + i, width) : i > 0 ? `{${r}[${width - i - 1}:0], ${i}'d0}` : `${r}[${width - 1}:0]`;
  if (bits.length === 1) return wire(p, name, width, [x], what, (r) => shifted(r(x), bits[0]!));
  // the first level adds pairs of shifted copies of x; the levels after it add the sums
  type T = { s?: Sig; bit?: number };
  const term = (t: T, r: (s: Sig) => string) => (t.s ? r(t.s) : shifted(r(x), t.bit!));
  const t = pairTree<T>(
    bits.map((b) => ({ bit: b })),
    (u, v, level, i) => ({ s: arith(p, `${name}_${level}_${i}`, width, [u.s ?? x, v.s ?? x], what, (r) => `${term(u, r)} + ${term(v, r)}`) }),
  );
  return t.s ?? wire(p, name, width, [x], what, (r) => shifted(r(x), t.bit!));
}

/**
 * One lane of an ExpCalc on its difference dg (dw bits): t = (d * mul) >> rsh, z = floor(t / q) and
 * r = t - z q, and G(r) by a squarer or a small ROM. The callers shift G by z.
 */
function calcLane(p: Pipe, dg: Sig, calc: ExpCalc, dw: number, nm: string, what: string): { gv: Sig; z: Sig } {
  // t = (d * mul) >> rsh: a wire when mul is a power of two not below 2^rsh
  // at least one bit above the shift, so that t has a bit to take even when it is always 0
  const mw = Math.max(dw + bitsFor(calc.mul), bitsFor((2 ** dw - 1) * calc.mul + (calc.add ?? 0)), calc.rsh + 1);
  const prod0 = constMul(p, dg, calc.mul, mw, `${nm}_tm0`, what);
  // rounding: + 2^(rsh-1) before the shift
  const prod = calc.add ? arith(p, `${nm}_tm`, mw, [prod0], what, (r) => `${r(prod0)} + ${mw}'d${calc.add}`) : prod0;
  const t = wire(p, `${nm}_t`, calc.tw, [prod], what, (r) => (calc.rsh + calc.tw <= mw ? `${r(prod)}[${calc.rsh + calc.tw - 1}:${calc.rsh}]` : zx(`${r(prod)}[${mw - 1}:${calc.rsh}]`, mw - calc.rsh, calc.tw)));
  unusedOutside(p, prod, calc.rsh, Math.min(mw, calc.rsh + calc.tw) - 1, `unused_${nm}_tm`);
  let z: Sig;
  let r0: Sig;
  if (calc.divMul === undefined) {
    const f = Math.round(Math.log2(calc.q));
    // a t narrower than the fraction has no integer part: z is 0 and r all of t
    z = calc.tw > f ? wire(p, `${nm}_z`, calc.zw, [t], what, (r) => zx(`${r(t)}[${calc.tw - 1}:${f}]`, calc.tw - f, calc.zw)) : wire(p, `${nm}_z`, calc.zw, [], what, () => `${calc.zw}'d0`);
    r0 = wire(p, `${nm}_r`, calc.rw, [t], what, (r) => (f === 0 ? `1'b0` : calc.tw >= f ? `${r(t)}[${f - 1}:0]` : zx(r(t), calc.tw, calc.rw)));
  } else {
    // z = (t * divMul) >> divShift, exact for every t of tw bits (expcalc.ts constDivider)
    const zmw = calc.tw + bitsFor(calc.divMul);
    const zp = constMul(p, t, calc.divMul, zmw, `${nm}_zm`, what);
    z = wire(p, `${nm}_z`, calc.zw, [zp], what, (r) => `${r(zp)}[${calc.divShift! + calc.zw - 1}:${calc.divShift!}]`);
    unusedOutside(p, zp, calc.divShift!, calc.divShift! + calc.zw - 1, `unused_${nm}_zm`);
    // r = t - z q, in the low rw bits (the true remainder is below q)
    const zq = constMul(p, z, calc.q, calc.tw, `${nm}_zq`, what);
    const rf = arith(p, `${nm}_rf`, calc.tw, [t, zq], what, (r) => `${r(t)} - ${r(zq)}`);
    r0 = wire(p, `${nm}_r`, calc.rw, [rf], what, (r) => `${r(rf)}[${calc.rw - 1}:0]`);
    unusedOutside(p, rf, 0, calc.rw - 1, `unused_${nm}_rf`);
  }
  let gv: Sig;
  if (calc.poly) {
    // G = (b - r)^2 + c: b > every r, so u = b - r is positive
    const uw = bitsFor(calc.poly.b);
    const u = arith(p, `${nm}_u`, uw, [r0], what, (r) => `${uw}'d${calc.poly!.b} - ${zx(r(r0), calc.rw, uw)}`);
    const sq = multiply(p, u, u, `${nm}_sq`, what);
    // (b - r)^2 <= b^2 < 2^gw: the square's bits above gw are zero
    const sqw = 2 * uw;
    gv = arith(p, `${nm}_g`, calc.gw, [sq], what, (r) => `${sqw > calc.gw ? `${r(sq)}[${calc.gw - 1}:0]` : zx(r(sq), sqw, calc.gw)} + ${calc.gw}'d${calc.poly!.c}`);
    if (sqw > calc.gw) unusedOutside(p, sq, 0, calc.gw - 1, `unused_${nm}_sq`, gv.cycle);
  } else {
    const t = calc.gTable!;
    // model.computedTableBlockRam: the table as a memory array with ram_style "block", which Yosys
    // maps to block RAM; as a function, Yosys builds so small a table from LUTs and wide multiplexers
    const arrayRead = (a: string, always: string) =>
      [
        `// ${t.name} (${t.what}): ${t.values.length} x ${calc.gw} bits in block RAM`,
        '(* ram_style = "block" *)',
        `reg [${calc.gw - 1}:0] ${nm}_g_rom [0:${t.values.length - 1}];`,
        'initial begin',
        ...t.values.map((v, i) => `  ${nm}_g_rom[${i}] = ${calc.gw}'d${v};`),
        'end',
        `reg [${calc.gw - 1}:0] ${nm}_g;`,
        `${always} ${nm}_g <= ${nm}_g_rom[${a}];`,
      ].join('\n');
    gv = p.rom({ name: `${nm}_g`, width: calc.gw, addr: r0, fn: t.name, what, ...(p.model.computedTableBlockRam ? { code: arrayRead } : {}) });
  }
  return { gv, z };
}

/**
 * An exponent computed by arithmetic (types.ts ExpCalc) for `count` lanes of d (dw bits each):
 * t = (d * mul) >> rsh, z = floor(t / q) and r = t - z q, G(r) by a squarer or a small ROM, then
 * e = G >> z (0 once z >= gw). Each lane is built on its own and the lanes concatenated.
 */
export function expCalcStage(p: Pipe, d: Sig, o: { count: number; dw: number; calc: ExpCalc }, name: string, what: string): Sig {
  const { count, dw, calc } = o;
  const es: Sig[] = [];
  for (let g = 0; g < count; g++) {
    const nm = count > 1 ? `${name}${g}` : name;
    const dg = count > 1 ? wire(p, `${nm}_d`, dw, [d], what, (r) => `${r(d)}[${g * dw + dw - 1}:${g * dw}]`) : d;
    const { gv, z } = calcLane(p, dg, calc, dw, nm, what);
    es.push(shiftRight(p, gv, z, `${nm}_sh`, what));
  }
  if (count === 1) return es[0]!;
  return wire(p, name, count * calc.gw, es, what, (r) => `{${es.map((e) => r(e)).slice().reverse().join(', ')}}`);
}

/**
 * The pow2 exponent with Softermax's online sum (MethodPlan.expOnline) for `count` lanes of d'
 * (dw bits each): s = (G << zmax) >> z = G 2^(zmax - z), the element's exact power of two for the
 * sum (gw + zmax bits, no bit lost: z <= zmax), and e = G >> z, the lanes' entry, its top gw bits.
 * One shifter gives both.
 */
export function expCalcOnlineStage(
  p: Pipe,
  d: Sig,
  o: { count: number; dw: number; calc: ExpCalc; zmax: number; noE?: boolean },
  name: string,
  what: string,
): { e?: Sig; s: Sig } {
  const { count, dw, calc, zmax } = o;
  const gw = calc.gw;
  const sw = gw + zmax;
  const es: Sig[] = [];
  const ss: Sig[] = [];
  for (let g = 0; g < count; g++) {
    const nm = count > 1 ? `${name}${g}` : name;
    const dg = count > 1 ? wire(p, `${nm}_d`, dw, [d], what, (r) => `${r(d)}[${g * dw + dw - 1}:${g * dw}]`) : d;
    const { gv, z } = calcLane(p, dg, calc, dw, nm, what);
    const wide = wire(p, `${nm}_gw`, sw, [gv], what, (r) => (zmax > 0 ? `{${r(gv)}, ${zmax}'d0}` : r(gv)));
    const sh = shiftRight(p, wide, z, `${nm}_sh`, what);
    ss.push(sh);
    if (!o.noE) es.push(wire(p, `${nm}_e`, gw, [sh], what, (r) => `${r(sh)}[${sw - 1}:${zmax}]`));
  }
  if (count === 1) return { ...(o.noE ? {} : { e: es[0]! }), s: ss[0]! };
  const cat = (nm: string, w: number, xs: Sig[]) => wire(p, nm, count * w, xs, what, (r) => `{${xs.map((x) => r(x)).slice().reverse().join(', ')}}`);
  return { ...(o.noE ? {} : { e: cat(name, gw, es) }), s: cat(`${name}_s`, sw, ss) };
}

/**
 * floor(num / den) by long division, qb quotient bits, for num < den * 2^qb (num: qb + dw bits, den:
 * dw bits): the partial remainder stays below den, so each step is one (dw + 1)-bit subtraction whose
 * borrow is the quotient bit; the delay model places a register every few steps.
 */
export function longDivide(p: Pipe, num: Sig, den: Sig, qb: number, what: string): Sig {
  const dw = den.width;
  let rem = wire(p, 'rem0', dw, [num], what, (r) => `${r(num)}[${qb + dw - 1}:${qb}]`);
  const qbits: Sig[] = [];
  // each step reads one bit of the numerator: taken where it is made, so only that bit is delayed
  const nb: Sig[] = [];
  for (let b = 0; b < qb; b++) nb.push(wire(p, `nb${b}`, 1, [num], what, (r) => `${r(num)}[${b}]`));
  if (p.model.nonRestoringDivide) return nonRestoring(p, rem, nb, den, qb, what);
  for (let b = qb - 1; b >= 0; b--) {
    const prev = rem;
    const bit = nb[b]!;
    // D is the same in every lane, and synthesis shares its copies: one more route for that fan-out
    const t = p.op({
      name: `dt${b}`,
      width: dw + 2,
      deps: [prev, bit, den],
      delay: p.model.carry(dw + 2) + p.model.route,
      levels: 1,
      what,
      code: (r) => `wire [${dw + 1}:0] dt${b} = {1'b0, ${r(prev)}, ${r(bit)}} - {2'b0, ${r(den)}};`,
    });
    // t[dw] is 0 whenever t is kept (no borrow: t < D)
    p.lines.push(`wire unused_dt${b} = &{1'b0, ${p.at(t, t.cycle)}[${dw}], 1'b0};`);
    qbits.push(wire(p, `dq${b}`, 1, [t], what, (r) => `~${r(t)}[${dw + 1}]`));
    rem = logic(p, `rem${qb - b}`, dw, [t, prev, bit], 1, what, (r) => `${r(t)}[${dw + 1}] ? {${r(prev)}[${dw - 2}:0], ${r(bit)}} : ${r(t)}[${dw - 1}:0]`);
    // when the choice is made a cycle after the subtraction, its copies of t and prev lose the same bits
    if (rem.cycle > t.cycle) p.lines.push(`wire unused_dt${b}_q = &{1'b0, ${p.at(t, rem.cycle)}[${dw}], ${p.at(prev, rem.cycle)}[${dw - 1}], 1'b0};`);
  }
  p.lines.push(`wire unused_rem = &{1'b0, ${p.at(rem, rem.cycle)}, 1'b0};`);
  const quo = wire(p, 'quo', qb, qbits, what, (r) => `{${qbits.map((q) => r(q)).join(', ')}}`);
  return quo;
}

/**
 * longDivide's steps, non-restoring (model.nonRestoringDivide): the partial remainder r, signed in
 * dw + 1 bits, stays in [-D, D); each step is r' = 2 r + bit - D where r >= 0, + D where r < 0, one
 * (dw + 3)-bit carry chain: {2r + bit, 1} + {D ^ s, s} with s = (r >= 0), the carry-in s riding on
 * the extra low bit and the exclusive-or in the LUT before each carry. The quotient bit is r' >= 0,
 * the same bit as the restoring division's: each step keeps its complement, r''s sign, and the
 * quotient is inverted once after the last step.
 */
function nonRestoring(p: Pipe, rem0: Sig, nb: Sig[], den: Sig, qb: number, what: string): Sig {
  const dw = den.width;
  let r = wire(p, 'nr0', dw + 1, [rem0], what, (q) => `{1'b0, ${q(rem0)}}`);
  const qbits: Sig[] = [];
  for (let b = qb - 1; b >= 0; b--) {
    const prev = r;
    const bit = nb[b]!;
    // D reaches every lane: one more route for that fan-out, as in the restoring steps
    const t = p.op({
      name: `dt${b}`,
      width: dw + 3,
      deps: [prev, bit, den],
      delay: p.model.carry(dw + 3) + p.model.route,
      levels: 1,
      what,
      code: (q) => `wire [${dw + 2}:0] dt${b} = {${q(prev)}, ${q(bit)}, 1'b1} + {{2'b0, ${q(den)}} ^ {${dw + 2}{~${q(prev)}[${dw}]}}, ~${q(prev)}[${dw}]};`,
    });
    // the result lies in [-D, D): its top bit repeats the sign; the low bit is the carry-in's
    p.lines.push(`wire unused_dt${b} = &{1'b0, ${p.at(t, t.cycle)}[${dw + 2}], ${p.at(t, t.cycle)}[0], 1'b0};`);
    // the quotient bit's complement, r' < 0: the sign, straight from the chain into its register (an
    // inverter here was a LUT placed beside the delay line's register, 2.25 ns of route from the chain)
    qbits.push(wire(p, `dn${b}`, 1, [t], what, (q) => `${q(t)}[${dw + 1}]`));
    r = wire(p, `nr${qb - b}`, dw + 1, [t], what, (q) => `${q(t)}[${dw + 1}:1]`);
    // where t leaves no time in its stage, the next step reads a registered copy: the same two bits unused
    if (r.cycle > t.cycle) p.lines.push(`wire unused_dt${b}_q = &{1'b0, ${p.at(t, r.cycle)}[${dw + 2}], ${p.at(t, r.cycle)}[0], 1'b0};`);
  }
  p.lines.push(`wire unused_rem = &{1'b0, ${p.at(r, r.cycle)}, 1'b0};`);
  // the quotient: the complements inverted, once, after the last step (a LUT level)
  return logic(p, 'quo', qb, qbits, 1, what, (q) => `~{${qbits.map((x) => q(x)).join(', ')}}`);
}
