/** `synth`: generate a block, then measure its hardware cost and write it into its manifest. */
import { generateFull, defaultOutDir, loadConfig } from '../flow.js';
import { measureBlock, synthesisText, type SynthesisSection } from '../../measure/synthesis.js';
import { writeFiles } from '../../block/writer.js';
import { DEFAULT_PNR, type PnrOptions } from '../../measure/synth.js';
import { UsageError } from '../../core/errors.js';
import { rel, withConfigOptions, type Command, type ConfigArgs } from './shared.js';

interface SynthArgs extends ConfigArgs {
  pnr?: boolean;
  freq?: number;
  pnrSeed?: number;
  force?: boolean;
}

function checkNumber(key: string, v: number | undefined, min: number, max: number, int: boolean): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
    throw new UsageError(`--${key} = ${v}: allowed: ${int ? 'an integer' : 'a number'} in ${min}..${max}`);
  }
}

/** Whether figures in a manifest were measured with these place-and-route options. */
function sameOptions(old: SynthesisSection, noPnr: boolean, pnr: PnrOptions): boolean {
  if (noPnr || !old.pnr) return noPnr === !old.pnr;
  if (!old.pnr.fits) return true;
  return old.pnr.seed === pnr.seed && old.pnr.constraint.startsWith(`--freq ${pnr.freqMhz} `);
}

export const synthCommand: Command = {
  command: 'synth [config]',
  describe: 'generate, then synthesise with Yosys (iCE40, Xilinx) and place and route with nextpnr-ice40 for Fmax; figures go into manifest.json',
  builder: (y) =>
    withConfigOptions(y)
      .option('pnr', { type: 'boolean', default: true, describe: 'place and route for Fmax (--no-pnr: cell counts only)' })
      .option('freq', { type: 'number', describe: 'nextpnr target clock in MHz (default: the block\'s pipeline.targetMHz)' })
      .option('pnr-seed', { type: 'number', describe: `nextpnr placer seed (default ${DEFAULT_PNR.seed})` })
      .option('force', { type: 'boolean', describe: 'measure again even when the manifest holds figures for this very RTL' })
      .example('$0 synth', 'the default block: cell counts and Fmax into generated/softmax_default/manifest.json')
      .example('$0 synth presets/rexp_lin_n16.json --no-pnr', 'cell counts only'),
  run: async (raw) => {
    const a = raw as SynthArgs;
    checkNumber('freq', a.freq, 1, 1000, false);
    checkNumber('pnr-seed', a.pnrSeed, 0, 2 ** 31 - 1, true);
    const config = loadConfig(a.config, a);
    const out = a.out ?? defaultOutDir(config);
    // generateFull: with report.html when the config asks for it, whose hardware section gets the figures
    const { block } = await generateFull(config, out);
    const pnr = { freqMhz: a.freq ?? block.plan.common.config.pipeline.targetMHz, seed: a.pnrSeed ?? DEFAULT_PNR.seed };
    const old = block.manifest.synthesis as SynthesisSection | undefined;
    let s: SynthesisSection;
    if (old && !a.force && sameOptions(old, a.pnr === false, pnr)) {
      s = old;
      console.log(`${rel(out)}/manifest.json already holds figures measured on this very RTL (--force measures again)`);
    } else {
      console.log(`synthesising ${block.module} with Yosys (synth_ice40, synth_xilinx)${a.pnr === false ? '' : ' and nextpnr-ice40'}...`);
      const t0 = Date.now();
      s = await measureBlock(block, out, { noPnr: a.pnr === false, pnr });
      writeFiles(out, block.files);
      console.log(`measured in ${((Date.now() - t0) / 1000).toFixed(1)} s; wrote ${rel(out)}/manifest.json`);
    }
    for (const l of synthesisText(s)) console.log(l);
    return 0;
  },
};
