/** A generated 'stream' block: RTL, testbench, beat files, config and manifest (see block.ts). */
import { emulatorJson } from '../numerics/emulator.js';
import { portCode, portFormats } from '../numerics/model.js';
import { accuracy } from '../numerics/metrics.js';
import { errorBound } from '../numerics/bound.js';
import { resolvedConfig } from '../hardware/render.js';
import { renderCocotbTest, renderStreamTestbench } from '../evidence/testbench.js';
import { GENERATOR_NAME, GENERATOR_VERSION } from '../core/version.js';
import { packagingFiles } from '../hardware/packaging.js';
import { rng } from '../evidence/vectors.js';
import { beatHex, rowBeats, streamRows, type Beat } from '../evidence/stream-vectors.js';
import { makeStreamPlan, streamModel } from '../hardware/archs/stream.js';
import { renderStreamRtl } from '../hardware/archs/stream-rtl.js';
import type { Config } from '../numerics/types.js';
import { fileNames, manifestText, type Block } from './files.js';

function beatFile(comment: string, beats: readonly Beat[], width: number): string {
  return `// ${comment}\n` + beats.map((b) => beatHex(b, width)).join('\n') + '\n';
}

export function buildStreamBlock(config: Config): Block {
  const sp = makeStreamPlan(config);
  const plan = sp.plan;
  const c = plan.common;
  const module = config.name;
  const names = fileNames(module);
  const rows = streamRows(sp.lanes, sp.maxN, config.input, config.verify.vectors, config.verify.seed, sp.throughputRows, plan);
  const outs = rows.map((row) => streamModel(sp, row));
  const pad = rng(config.verify.seed ^ 0x5eed);
  const beatsIn = rowBeats(rows, sp.lanes, (row) => row.x, () => Math.floor(pad() * 2 ** c.iw));
  const beatsOut = rowBeats(rows, sp.lanes, (_, k) => outs[k]!.map((y) => portCode(plan, y)), () => portCode(plan, 0));
  const kept = rows.map((row) => row.x.filter((_, i) => row.keep[i])).filter((x) => x.length > 0);
  const acc = accuracy(plan, kept);
  const elements0 = sp.throughputRows * sp.maxN;
  const manifest = {
    generator: `${GENERATOR_NAME} ${GENERATOR_VERSION}`,
    module,
    generatedFiles: Object.values(names),
    files: [names.rtl],
    packaging: { fusesoc: names.core, fileList: names.filelist, instantiation: names.inst },
    testbench: { top: `${module}_tb`, cocotb: names.cocotb, files: [names.tb, names.rtl], vectors: names.vin, expected: names.vexp, count: beatsIn.length, rows: rows.length },
    arch: 'stream',
    lanes: sp.lanes,
    maxN: sp.maxN,
    method: plan.method.name,
    addressing: config.method.addressing,
    params: plan.mp.params,
    ...portFormats(plan),
    latency: sp.latencyMaxN,
    latencyFormula: sp.latencyFormula,
    latencyDefinition:
      'cycles from the edge that accepts the last input beat of a row of len elements to the edge that transfers its last output beat, ' +
      'sink always ready, the row not queued behind a longer one; latency is the value for len = maxN',
    throughput: {
      elementsPerCycle: Number((elements0 / sp.throughputCycles).toFixed(4)),
      rows: sp.throughputRows,
      rowLength: sp.maxN,
      elements: elements0,
      cycles: sp.throughputCycles,
      measuredBy:
        `verify: testbench phase 0 sends ${sp.throughputRows} back-to-back rows of maxN with no stalls on either side and counts the cycles ` +
        'from the first to the last beat at the input and at the output; verify fails unless both equal cycles',
    },
    memory: {
      bits: sp.memoryBits,
      // one row store when the sum is built in the pass that finds the max (an online sum)
      rowStores: [{ name: 'm1', depth: sp.depth1, width: sp.wordBits }, ...(sp.depth2 ? [{ name: 'm2', depth: sp.depth2, width: sp.wordBits }] : [])],
      rowQueueDepth: sp.queue,
      note: 'row stores: no reset, synchronous read, one write and one read port each (block RAM); bits counts the row stores only, not the row queues',
    },
    ports: {
      s_axis_tdata: sp.lanes * c.iw,
      s_axis_tuser: sp.lanes,
      m_axis_tdata: sp.lanes * c.ow,
      m_axis_tuser: sp.lanes,
    },
    luts: plan.luts,
    lutBytes: plan.lutBytes,
    errorBound: errorBound(plan).lsb,
    accuracy: {
      reference: 'float softmax of the kept elements of each row; error against it in output LSBs, saturated at the largest code',
      vectorSet: `the kept elements of the ${kept.length} testbench rows with at least one kept element, seed ${config.verify.seed}`,
      ...acc,
    },
  };
  const files = new Map<string, string>();
  files.set(names.rtl, renderStreamRtl(sp));
  files.set(names.tb, renderStreamTestbench(sp, rows.length, beatsIn.length));
  files.set(names.cocotb, renderCocotbTest(plan));
  files.set(names.vin, beatFile(`${module} input beats {tlast, tuser[${sp.lanes - 1}:0], tdata}: ${rows.length} rows, ${beatsIn.length} beats`, beatsIn, c.iw));
  files.set(names.vexp, beatFile(`${module} expected output beats (golden model) {tlast, tuser, tdata}: ${beatsOut.length} beats`, beatsOut, c.ow));
  for (const [name, text] of packagingFiles(plan, names, { lanes: sp.lanes, maxN: sp.maxN })) files.set(name, text);
  files.set(names.config, JSON.stringify(resolvedConfig(plan), null, 2) + '\n');
  files.set(names.emulator, emulatorJson(plan));
  files.set(names.manifest, manifestText(manifest));
  return {
    plan,
    module,
    vectors: kept,
    expected: beatsOut.map((b) => b.data),
    accuracy: acc,
    manifest,
    files,
    stream: { sp, rows, beatsIn, beatsOut },
  };
}
