/**
 * REXP's bit-exact golden model: the coefficients from S (normalize), one lane's output code (lane), and the
 * constants the Python emulator needs to compute the same (emulation).
 */
import { checkWidth, shr, shrRound } from '../../../core/bits.js';
import { linearIndex, normIndex } from '../../tables.js';
import type { Coef, CommonPlan, MethodPlan } from '../../types.js';
import { extraOf, interpR } from './plan.js';

export function normalize(mp: MethodPlan, _c: CommonPlan, s: number): Coef {
  const ex = extraOf(mp);
  const rom = mp.tables[0]!.values;
  if (ex.linear) return { alpha: rom[linearIndex(ex.linear, s)]! };
  const { p, j: q } = normIndex(ex.norm!, s);
  const half = 2 ** (mp.params.recipWidth! - 1);
  const sc: Coef = ex.correct ? { s } : {};
  if (ex.interp) {
    const { t } = ex.interp;
    const j = shr(q, t);
    return { r: interpR(rom[j]! + half, mp.tables[1]!.values[j]!, q - j * 2 ** t, t), shamt: p + mp.vars.k!, ...sc };
  }
  return { r: rom[q]! + half, shamt: p + mp.vars.k!, ...sc };
}

function sat(c: CommonPlan, v: number): number {
  return Math.min(v, c.maxCode);
}

export function lane(mp: MethodPlan, c: CommonPlan, e: number, coef: Coef): number {
  const ex = extraOf(mp);
  if (ex.linear) {
    const prod = e * coef.alpha!;
    checkWidth('rexp product', prod, mp.vars.prodWidth!);
    return sat(c, shrRound(prod, mp.vars.a! - c.ofrac));
  }
  const prod = e * coef.r! * 2 ** mp.vars.pad!;
  checkWidth('rexp product', prod, mp.vars.prodWidth!);
  const y0 = shr(shr(prod, coef.shamt!) + 1, 1);
  if (!ex.correct) return sat(c, y0);
  // the RTL keeps OF + 1 bits of y0 (the plan proves y0 <= 2^OF + 1)
  checkWidth('rexp y0', y0, mp.vars.yw!);
  const s = coef.s!;
  const t = e * 2 ** (c.ofrac + 1) + s - 2 * s * y0;
  return sat(c, t < 0 ? y0 - 1 : t >= 2 * s ? y0 + 1 : y0);
}

export function emulation(mp: MethodPlan): Record<string, number | string | boolean> {
  const ex = extraOf(mp);
  if (ex.linear) return { mode: 'linear', sh: ex.linear.sh, base: ex.linear.base, a: mp.vars.a!, correct: ex.correct };
  const common = { rw: mp.params.recipWidth!, k: mp.vars.k!, pad: mp.vars.pad!, correct: ex.correct };
  if (ex.interp) return { mode: 'interpolated', b: ex.interp.b, t: ex.interp.t, ...common };
  return { mode: 'normalized', bits: ex.norm!.bits, ...common };
}
