/**
 * The checks of one committed block in generated/ (test/generated.test.ts, generated-b.test.ts and
 * generated-stream.test.ts split the presets between them, so that vitest spreads them over the two
 * cores): regenerating is byte-identical, the manifest, the synthesis figures, lint, synthesis,
 * simulation.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildBlock } from '../generator/block/block.js';
import { buildFullBlock, loadConfig } from '../generator/cli/flow.js';
import { carrySynthesis, readSynthesis, sha256, HW_BEGIN, HW_END } from '../generator/measure/synthesis.js';
import { lint, requireTool } from '../generator/evidence/runner.js';
import { iceSynth, rowStores, yosysCheckScript } from './stream-helpers.js';
import { ROOT } from '../generator/core/version.js';
import { expectEcp5AsListed } from './routed-list.js';
import { section } from '../generator/core/sections.js';
import { simulateBlock } from '../generator/block/verify.js';


/** The preset files, sorted. */
export const presets = readdirSync(join(ROOT, 'presets'))
  .filter((f) => f.endsWith('.json'))
  .sort();

/**
 * SB_RAM40_4K of the committed stream blocks under synth_ice40. The blocks for ice40: the row stores,
 * and one RAM per exponent table whose top bits went to logic (README "Tables and block RAM"). The
 * blocks for ecp5 (p4, p16, attention): their RTL reads each lane's exponent table on two ports (one
 * true-dual-port DP16KD on ECP5), which synth_ice40 maps to RAMs per read port (these counts are
 * Yosys 0.23's, as measured); plus the row stores.
 */
export const STREAM_RAMS: Record<string, number> = {
  softmax_stream_p4_n1024: 32,
  // (16 lanes, pipeline.outputFifo since the fifth ECP5 batch: its output FIFO and row queues too)
  softmax_stream_p16_n4096: 117,
  softmax_attention_p8_n2048: 56,
  // the 16-bit stream block (8 lanes, pipeline.outputFifo): its output FIFO and row queues too
  softmax_fmt16_s8_n64: 98,
  // Softermax at maxN = 256 in two passes (two row stores) and in one (an online sum: one row store)
  softmax_softermax_stream_p4_n256: 11,
  softmax_softermax_online_p4_n256: 8,
};

/** Every check of the presets whose config passes `which`. */
export function presetSuites(which: (arch: string, k: number) => boolean): void {
  // k: the preset's place among those of its architecture
  const arch = presets.map((f) => loadConfig(join(ROOT, 'presets', f)).arch);
  const place = presets.map((_, i) => arch.slice(0, i).filter((a) => a === arch[i]).length);
  for (const preset of presets.filter((_, i) => which(arch[i]!, place[i]!))) {
    describe(`preset ${preset}`, () => {
      const config = loadConfig(join(ROOT, 'presets', preset));
      const dir = join(ROOT, 'generated', config.name);
      let block = buildBlock(config);
      // synthesis figures are measured by `npm run synth:presets`, not by generation: carried over
      // from the committed manifest when they were measured on this very RTL (else dropped)
      let carried = carrySynthesis(block, dir);
      // a preset with report: true also has report.html, which is rendered asynchronously
      beforeAll(async () => {
        block = await buildFullBlock(config);
        carried = carrySynthesis(block, dir);
      });

      it('regenerates byte-identical files, and no others', () => {
        const onDisk = readdirSync(dir).sort();
        expect(onDisk).toEqual([...block.files.keys()].sort());
        for (const [name, text] of block.files) expect(readFileSync(join(dir, name), 'utf8'), name).toBe(text);
      });

      it('has a manifest with the required fields', () => {
        const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
        const common = {
          module: config.name,
          files: [`${config.name}.v`],
          method: config.method.name,
          addressing: config.method.addressing,
          input: { width: config.input.width, frac: config.input.frac, signed: true, ...(config.input.scale !== undefined ? { scale: config.input.scale } : {}) },
          output: { width: config.output.width, frac: config.output.frac, signed: false },
          latency: block.plan.latency,
          lutBytes: block.plan.lutBytes,
        };
        if (config.arch === 'stream') {
          const sp = block.stream!.sp;
          expect(m).toMatchObject({
            ...common,
            arch: 'stream',
            lanes: config.stream!.lanes,
            maxN: config.stream!.maxN,
            latencyFormula: sp.latencyFormula,
            memory: { bits: sp.memoryBits },
            throughput: { rows: 8, rowLength: config.stream!.maxN, cycles: sp.throughputCycles },
            ports: { s_axis_tuser: config.stream!.lanes, m_axis_tuser: config.stream!.lanes },
          });
          expect(m.latency).toBe(sp.rowPasses * Math.ceil(config.stream!.maxN / config.stream!.lanes) + sp.latencyConst);
          expect(m.throughput.elementsPerCycle).toBeGreaterThanOrEqual(0.98 * config.stream!.lanes);
        } else {
          expect(m).toMatchObject({ ...common, arch: 'parallel', n: config.n });
        }
        expect(m.luts.reduce((a: number, l: { bytes: number }) => a + l.bytes, 0)).toBe(m.lutBytes);
        expect(m.accuracy.maxErrLsb).toBe(block.accuracy.maxErrLsb);
        const v = readFileSync(join(dir, `${config.name}.v`), 'utf8');
        expect(v).toMatch(/^\/\/ .*\n\/\/ Generated by softmax-lut \d+\.\d+\.\d+/);
        expect(v).toContain('`default_nettype none');
        expect(v).not.toMatch(/20\d\d-\d\d-\d\d|timestamp/i);
        expect(v).toContain(`module ${config.name} (`);
      });

      it('has synthesis figures (iCE40, Xilinx, place and route) measured on this very RTL', () => {
        expect(carried).toBe('kept');
        const s = readSynthesis(dir)!;
        expect(s.rtlSha256).toBe(sha256(readFileSync(join(dir, `${config.name}.v`), 'utf8')));
        for (const t of [s.ice40, s.xilinx]) {
          expect(t.luts).toBeGreaterThan(0);
          expect(t.ffs).toBeGreaterThan(0);
        }
        if (config.pipeline.device === 'ecp5') {
          // a block for ecp5: routed on the LFE5U-85F (through the harness where the pins do not fit),
          // with its MULT18X18D and DP16KD registers packed, and it closes its target
          expect(s.pnr).toBeUndefined();
          expect(s.ecp5).toMatchObject({ device: 'LFE5U-85F-6BG381', seed: 1 });
          expect(s.ecp5!.constraint).toMatch(new RegExp(`^--freq ${config.pipeline.targetMHz} `));
          expect(s.ecp5!.packed).toMatch(/MULT18X18D/);
          // (or, for the blocks test/routed-list.ts lists, the reason it did not place, or its figure)
          expectEcp5AsListed(config.name, config.pipeline.targetMHz, s.ecp5!);
          return;
        }
        expect(s.pnr).toBeDefined();
        // Fmax wherever the block fits an iCE40 (the n = 8 default block does)
        if (config.n <= 8) expect(s.pnr).toMatchObject({ fits: true, device: 'iCE40HX8K', seed: 1 });
        if (s.pnr!.fits) expect(s.pnr!.fmaxMhz).toBeGreaterThan(1);
        else expect(s.pnr!.reason).toMatch(/does not fit/);
      });

      if (config.report) {
        it('shows the manifest synthesis figures in report.html', () => {
          const s = readSynthesis(dir)!;
          const html = readFileSync(join(dir, 'report.html'), 'utf8');
          const hw = section(html, HW_BEGIN, HW_END)!;
          expect(hw).toContain(s.rtlSha256);
          expect(hw).toContain(`<td>${s.ice40.luts}</td><td>${s.ice40.ffs}</td><td>${s.ice40.carry}</td><td>${s.ice40.ram}</td>`);
          expect(hw).toContain(`<td>${s.xilinx.luts}</td><td>${s.xilinx.ffs}</td><td>${s.xilinx.carry}</td><td>${s.xilinx.ram}</td>`);
        });
      }

      it('lints clean under verilator --lint-only -Wall', () => {
        expect(lint(join(dir, `${config.name}.v`), config.name)).toEqual([]);
      });

      if (config.arch === 'stream') {
        // generic `synth` would turn the row stores into tens of thousands of flip-flops (minutes);
        // an FPGA flow maps them to block RAM, which is what this checks
        it('maps its row stores to iCE40 block RAM (synth_ice40 through map_ram)', () => {
          const r = iceSynth(dir, config.name);
          expect(r.mapped).toEqual(block.stream!.sp.depth2 ? ['m1', 'm2'] : ['m1']);
          expect(r.ramCells).toBe(STREAM_RAMS[config.name]);
        });
      } else {
        // hierarchy kept (generic synth does not flatten): the lane module is synthesised once;
        // yosysCheckScript says what runs. The techmap to gates and abc it leaves out took about half of
        // the 267 s the 14 parallel presets spent here; the full FPGA flows run in
        // `npm run synth:presets`, and the manifest test above checks their figures are for this RTL
        it('synthesises with Yosys (checked after proc, generic synth up to the gate techmap, no vendor cells), one lane module per element', () => {
          const yosys = requireTool('yosys', 'yosys');
          const r = spawnSync(yosys, ['-p', `read_verilog ${join(dir, config.name + '.v')}; ${yosysCheckScript(config.name)}; stat -top ${config.name}`], {
            encoding: 'utf8',
            timeout: 600_000,
            maxBuffer: 256 * 1024 * 1024,
          });
          expect(r.status, r.stderr).toBe(0);
          const hierarchy = r.stdout.slice(r.stdout.lastIndexOf('=== design hierarchy ==='));
          expect(hierarchy).toMatch(new RegExp(`\\n\\s+${config.name}_lane\\s+${config.n}\\n`));
          expect(r.stdout).toMatch(/Number of cells:\s+\d+/);
        });
      }

      it('simulates bit-exactly from the committed files', () => {
        const r = simulateBlock(block, dir);
        expect(r.problem).toBeUndefined();
        if (block.stream) {
          // the sustained throughput the manifest states is what the simulation measured
          expect(r.beats).toBe(block.stream.beatsIn.length);
          const cycles = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).throughput.cycles;
          expect(r.stream!.inputCycles).toBe(cycles);
          expect(r.stream!.outputCycles).toBe(cycles);
        } else {
          expect(r.beats).toBe(2 * config.verify.vectors);
        }
      });

      if (config.arch === 'stream') {
        it('keeps its row stores as memories with a synchronous read port (Yosys synth -run :fine)', () => {
          const sp = block.stream!.sp;
          expect(rowStores(dir, config.name)).toEqual([
            { memid: 'm1', size: sp.depth1, width: sp.wordBits, syncRead: true },
            ...(sp.depth2 ? [{ memid: 'm2', size: sp.depth2, width: sp.wordBits, syncRead: true }] : []),
          ]);
        });
      }
    });
  }
}
