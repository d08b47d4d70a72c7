/**
 * Every committed block has a routed Fmax on the device its config names (iCE40 HX8K or UP5K, or the
 * LFE5U-85F), read from its manifest, that closes its target, except the blocks listed below with
 * the reason or the figure; and the README's
 * table of those figures is what scripts/routed-table.ts prints from the manifests now.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../generator/cli/flow.js';
import { ROOT } from '../generator/core/version.js';
import { readSynthesis } from '../generator/measure/synthesis.js';
import { ROUTED_MARK, routedTable } from '../scripts/routed-table.js';
import { section } from '../scripts/readme-section.js';
import { presetFiles } from '../scripts/presets.js';

/** Blocks without a routed figure yet, and why (README "ECP5", "Not yet"): the reason in the manifest. */
const NOT_ROUTED: Record<string, RegExp> = {
  // for ecp5 (method.expLoWidth 18, pipeline.ramDelays): 129 MULT18X18D, but 45,335 LUT4, 17,242
  // CCU2C and 74,817 FF: nextpnr-ecp5 found no legal placement on the LFE5U-85F
  softmax_fmt16_n64: /does not fit: iCE40HX8K-ct256: 258 RAM blocks > 32/,
  // for ecp5 at 150 MHz: 21,983 LUT4 (with 5,194 PFUMX and 1,604 L6MUX21), 40,292 FF, 5,207 CCU2C
  softmax_softermax_n64: /^nextpnr-ecp5 failed \(exit 125\): ERROR: Unable to find legal placement/,
};

/** Blocks routed on the device their config names below their target, with the figure (README "Not yet"). */
const BELOW_TARGET: Record<string, number> = {
  // each long-division step's add-or-subtract choice is a LUT and a route before its carry chain,
  // and the quotient bit a LUT and a 2.25 ns route after it: 7.27 ns where the model counts 3.97
  softmax_exact_n64: 137.63,
  // from the harness's register of m_axis_tready (6.01 ns of route) into the last lane's exponent
  softmax_ibert_n64: 102.17,
};

describe('routed figures of the committed blocks', () => {
  for (const f of presetFiles()) {
    const c = loadConfig(f);
    it(`${c.name}: routed on the device its config names${NOT_ROUTED[c.name] ? ' (not yet: listed)' : ''}`, () => {
      const s = readSynthesis(join(ROOT, 'generated', c.name));
      expect(s).toBeDefined();
      if (NOT_ROUTED[c.name]) {
        const reason = c.pipeline.device === 'ecp5' ? s!.ecp5?.reason : s!.pnr && !s!.pnr.fits ? s!.pnr.reason : '';
        expect(reason).toMatch(NOT_ROUTED[c.name]!);
        return;
      }
      if (c.pipeline.device === 'ecp5') {
        expect(s!.ecp5).toBeDefined();
        const below = BELOW_TARGET[c.name];
        if (below !== undefined) {
          expect(s!.ecp5!.fmaxMHz).toBe(below);
          expect(below).toBeLessThan(c.pipeline.targetMHz);
          return;
        }
        expect(s!.ecp5!.fmaxMHz).toBeGreaterThanOrEqual(c.pipeline.targetMHz);
      } else {
        expect(s!.pnr).toMatchObject({ fits: true });
        expect(s!.pnr!.fits && s!.pnr!.fmaxMhz).toBeGreaterThan(0);
      }
    });
  }

  it('the README table is what scripts/routed-table.ts prints now', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(section(readme, ROUTED_MARK[0], ROUTED_MARK[1])).toBe(routedTable());
  });
});
