/**
 * LOGEXP's RTL stages, from the shared stage builders (generator/pipeline/stages.ts), with no
 * multiplier: the normalisation (leading one of S, the two ln tables, their sum K) and the lanes
 * (A = d 2^F + K, its float index, the output table).
 */
import type { Sig } from '../../../pipeline/builder.js';
import { levelsFor } from '../../../pipeline/delay.js';
import { arith, constMinusLz, logic, mantissaIndex, normalizeLeft, unusedOutside, wire, zx } from '../../../pipeline/stages.js';
import type { MethodBuild, MethodPlan } from '../../types.js';
import { extraOf, GUARD } from './plan.js';

export function build(mp: MethodPlan): MethodBuild {
  const ns = extraOf(mp).ns;
  const { sw, F, m, aw, lnmw, yAddr, pw, ksw } = mp.vars as Record<string, number>;
  const kw = ksw! - GUARD;
  const ow = mp.tables[2]!.width;
  return {
    norm(top, sum) {
      const { lz, j: q } = mantissaIndex(top, sum, ns.bits, 'q', 'normalisation: leading one');
      // p - pMin = (SW - 1 - pMin) - lz, modulo 2^pw (exact: p >= pMin)
      const pidx = constMinusLz(top, lz, sw! - 1 - ns.pMin, pw!, 'pidx', 'normalisation: p - pMin', 'unused_lz');
      const lp = top.rom({ name: 'lnp_q', width: ksw!, addr: pidx, fn: 'ln_p', what: 'normalisation: ln 2^p' });
      const lm = top.rom({ name: 'lnm_q', width: lnmw!, addr: q, fn: 'ln_m', what: 'normalisation: ln m' });
      const ks = arith(top, 'ksum', ksw!, [lp, lm], 'normalisation: ln S', (r) => `${r(lp)} + ${zx(r(lm), lnmw!, ksw!)} + ${ksw}'d${2 ** (GUARD - 1)}`);
      unusedOutside(top, ks, GUARD, ksw! - 1, 'unused_ksum');
      return { k: wire(top, 'k', kw, [ks], 'normalisation: K', (r) => `${r(ks)}[${ksw! - 1}:${GUARD}]`) };
    },
    lane(ln, d, c) {
      const k = c.k!;
      const dw = d.width;
      const a = arith(ln, 'a', aw!, [d, k], 'lane: A = d 2^F + K', (r) => `${zx(F! > 0 ? `{${r(d)}, ${F}'d0}` : r(d), dw + F!, aw!)} + ${zx(r(k), kw, aw!)}`);
      let idx: Sig;
      if (aw! <= m!) {
        idx = a;
      } else {
        // the float index: A below 2^m as it is; else {lead(A) - m + 2, the m - 1 bits below A's leading one}
        const { lz, xn } = normalizeLeft(ln, a, 'an', 'lane: leading one of A');
        const segW = yAddr! - (m! - 1);
        const small = logic(ln, 'asmall', 1, [a], levelsFor(ln.model, aw! - m!), 'lane: A < 2^m', (r) => `~|${r(a)}[${aw! - 1}:${m}]`);
        const seg = constMinusLz(ln, lz, aw! - m! + 1, segW, 'aseg', 'lane: segment', 'unused_alz');
        // the low m bits, sliced where A is made: a copy delayed to the index holds only them
        const alo = wire(ln, 'alo', m!, [a], 'lane: A < 2^m', (r) => `${r(a)}[${m! - 1}:0]`);
        idx = logic(ln, 'yidx', yAddr!, [small, seg, alo, xn], 1, 'lane: output index', (r) => `${r(small)} ? {${segW - 1}'d0, ${r(alo)}} : {${r(seg)}, ${r(xn)}[${aw! - 2}:${aw! - m!}]}`);
        const xs = ln.at(xn, idx.cycle);
        ln.lines.push(`wire unused_axn = &{1'b0, ${xs}[${aw! - 1}]${aw! - m! - 1 >= 0 ? `, ${xs}[${aw! - m! - 1}:0]` : ''}, 1'b0};`);
      }
      return ln.rom({ name: 'y_rom', width: ow, addr: idx, fn: 'y_lut', what: 'lane: output table' });
    },
  };
}
