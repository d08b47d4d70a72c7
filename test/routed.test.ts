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
import { expectEcp5AsListed, NOT_ROUTED } from './routed-list.js';

describe('routed figures of the committed blocks', () => {
  for (const f of presetFiles()) {
    const c = loadConfig(f);
    it(`${c.name}: routed on the device its config names${NOT_ROUTED[c.name] ? ' (not yet: listed)' : ''}`, () => {
      const s = readSynthesis(join(ROOT, 'generated', c.name));
      expect(s).toBeDefined();
      if (c.pipeline.device === 'ecp5') {
        expect(s!.ecp5).toBeDefined();
        expectEcp5AsListed(c.name, c.pipeline.targetMHz, s!.ecp5!);
      } else if (NOT_ROUTED[c.name]) {
        expect(s!.pnr && !s!.pnr.fits ? s!.pnr.reason : '').toMatch(NOT_ROUTED[c.name]!);
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
