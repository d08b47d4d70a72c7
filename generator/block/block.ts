/**
 * A generated block: its files (RTL, testbench, vectors, manifest, config) as text, computed from a
 * config through plan and render. Nothing is written here; see writer.ts.
 */
import { hexFile } from '../evidence/hexfile.js';
import { accuracy } from '../numerics/metrics.js';
import { modelPort, portFormats } from '../numerics/model.js';
import { emulatorJson } from '../numerics/emulator.js';
import { errorBound } from '../numerics/bound.js';
import { renderRtl, resolvedConfig } from '../hardware/render.js';
import { renderCocotbTest, renderTestbench } from '../evidence/testbench.js';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../core/version.js';
import { packagingFiles } from '../hardware/packaging.js';
import { buildStreamBlock } from './stream-block.js';
import { makePlan } from '../hardware/plan.js';
import type { Config } from '../numerics/types.js';
import { vectorSet } from '../evidence/vector-set.js';
import { fileNames, manifestText, type Block } from './files.js';

/** `extra`: more files of the block (e.g. report.html), listed in the manifest as generated files. */
export function buildBlock(config: Config, extra: Map<string, string> = new Map()): Block {
  if (config.arch === 'stream') return buildStreamBlock(config);
  const plan = makePlan(config);
  const module = config.name;
  const names = fileNames(module);
  const vectors = vectorSet(config.n, config.input, config.verify.vectors, config.verify.seed, plan);
  const expected = vectors.map((x) => modelPort(plan, x));
  const acc = accuracy(plan, vectors);
  const c = plan.common;
  const manifest = {
    generator: `${GENERATOR_NAME} ${GENERATOR_VERSION}`,
    module,
    generatedFiles: [...Object.values(names), ...extra.keys()],
    files: [names.rtl],
    packaging: { fusesoc: names.core, fileList: names.filelist, instantiation: names.inst },
    testbench: { top: `${module}_tb`, cocotb: names.cocotb, files: [names.tb, names.rtl], vectors: names.vin, expected: names.vexp, count: vectors.length },
    arch: config.arch,
    method: plan.method.name,
    addressing: config.method.addressing,
    params: plan.mp.params,
    n: c.n,
    ...portFormats(plan),
    latency: plan.latency,
    throughput: { vectorsPerCycle: 1 },
    ports: {
      s_axis_tdata: c.n * c.iw,
      m_axis_tdata: c.n * c.ow,
    },
    luts: plan.luts,
    lutBytes: plan.lutBytes,
    errorBound: errorBound(plan).lsb,
    accuracy: {
      reference: 'float softmax of the quantised inputs; error against it in output LSBs, saturated at the largest code',
      vectorSet: `the ${vectors.length} testbench vectors (corner cases, adversarial vectors of the block's tables, then seeded random), seed ${config.verify.seed}`,
      ...acc,
    },
  };
  const files = new Map<string, string>();
  files.set(names.rtl, renderRtl(plan));
  files.set(names.tb, renderTestbench(plan, vectors.length));
  files.set(names.cocotb, renderCocotbTest(plan));
  files.set(names.vin, hexFile(`${module} input vectors: ${vectors.length} beats of ${c.n} x ${c.iw} bits`, vectors, c.iw));
  files.set(
    names.vexp,
    hexFile(`${module} expected outputs (golden model): ${vectors.length} beats of ${c.n} x ${c.ow} bits`, expected, c.ow),
  );
  for (const [name, text] of packagingFiles(plan, names)) files.set(name, text);
  files.set(names.config, JSON.stringify(resolvedConfig(plan), null, 2) + '\n');
  files.set(names.emulator, emulatorJson(plan));
  for (const [k, v] of extra) files.set(k, v);
  files.set(names.manifest, manifestText(manifest));
  return { plan, module, vectors, expected, accuracy: acc, manifest, files };
}
