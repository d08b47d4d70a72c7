/**
 * Stage 1 of the flow: config. Reads a JSON config, applies command-line overrides, validates it
 * and fills in the defaults. Every rejection names the key, the value and the allowed range.
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { intIn } from '../core/schema.js';
import { METHODS, methodByName } from '../numerics/methods/index.js';
import { DEVICES, type DeviceName } from '../pipeline/delay.js';
import { parseInputType, parseOutputType, type PortFormat } from './formats.js';
import type { Config } from '../numerics/types.js';

export const VERILOG_KEYWORDS = new Set(
  (
    'always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default ' +
    'defparam design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive ' +
    'endspecify endtable endtask event for force forever fork function generate genvar highz0 highz1 if ' +
    'ifnone incdir include initial inout input instance integer join large liblist library localparam ' +
    'macromodule medium module nand negedge nmos nor noshowcancelled not notif0 notif1 or output parameter ' +
    'pmos posedge primitive pull0 pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent rcmos real ' +
    'realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small ' +
    'specify specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1 ' +
    'triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor ' +
    // SystemVerilog keywords, so the module also drops into SV projects
    'bit byte logic int shortint longint struct union enum typedef interface package import export class ' +
    'extends virtual const static string void return break continue do foreach final alias assert assume ' +
    'cover property sequence program clocking modport bind chandle context cross dist expect first_match ' +
    'forkjoin ignore_bins illegal_bins inside intersect join_any join_none local new null packed priority ' +
    'protected pure rand randc randcase randsequence ref solve super tagged this throughout timeprecision ' +
    'timeunit type unique var wait_order wildcard with within'
  ).split(' '),
);


const identifier = z
  .string({ invalid_type_error: 'allowed: a Verilog identifier', required_error: 'allowed: a Verilog identifier' })
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'allowed: a Verilog identifier (letter or _, then letters, digits, _; at most 63 characters)')
  .refine((s) => !VERILOG_KEYWORDS.has(s), 'allowed: a Verilog identifier that is not a (System)Verilog keyword');

/** input.scale: a positive real factor inside the softmax, softmax(scale * x). */
export const SCALE_RANGE = [2 ** -16, 2 ** 16] as const;
const scaleMsg = `allowed: a number in ${SCALE_RANGE[0]}..${SCALE_RANGE[1]} (2^-16..2^16)`;

const inputSchema = z
  .object({
    width: intIn(2, 32).optional(),
    frac: intIn(-32, 48).optional(),
    type: z.unknown().optional(),
    scale: z.number({ invalid_type_error: scaleMsg }).min(SCALE_RANGE[0], scaleMsg).max(SCALE_RANGE[1], scaleMsg).optional(),
  })
  .strict();

export const ROUNDINGS = ['nearest', 'correct'] as const;

const outputSchema = z
  .object({
    width: intIn(2, 32).optional(),
    frac: intIn(0, 48).optional(),
    type: z.unknown().optional(),
    rounding: z.enum(ROUNDINGS, { errorMap: () => ({ message: `allowed: one of ${ROUNDINGS.join(', ')}` }) }).optional(),
  })
  .strict();

/** Width and fraction bits from either a type string or width (and frac), not both. */
function portFormat(side: 'input' | 'output', p: { width?: number; frac?: number; type?: unknown }): PortFormat {
  if (p.type !== undefined) {
    for (const k of ['width', 'frac'] as const) {
      if (p[k] !== undefined) throw new ConfigError(`${side}.${k}`, p[k], `not used with ${side}.type (the type sets the width and fraction bits)`);
    }
    return side === 'input' ? parseInputType(p.type) : parseOutputType(p.type);
  }
  if (p.width === undefined) throw new ConfigError(`${side}.width`, undefined, `required (or ${side}.type); allowed: an integer in 2..32`);
  return { width: p.width, frac: p.frac ?? (side === 'input' ? Math.floor(p.width / 2) : p.width) };
}

const methodSchema = z
  .object({
    name: z.enum(METHODS.map((m) => m.name) as [string, ...string[]], {
      errorMap: () => ({ message: `allowed: one of ${METHODS.map((m) => m.name).join(', ')}` }),
    }),
    addressing: z.string().optional(),
  })
  .passthrough();

/** pipeline.targetMHz: the clock the delay model pipelines for. */
export const TARGET_MHZ = [10, 1000] as const;
const flag = z.boolean({ invalid_type_error: 'allowed: true or false' });

const pipelineSchema = z
  .object({
    targetMHz: z.number({ invalid_type_error: `allowed: a number in ${TARGET_MHZ[0]}..${TARGET_MHZ[1]}` }).min(TARGET_MHZ[0], `allowed: a number in ${TARGET_MHZ[0]}..${TARGET_MHZ[1]}`).max(TARGET_MHZ[1], `allowed: a number in ${TARGET_MHZ[0]}..${TARGET_MHZ[1]}`).optional(),
    device: z.enum(DEVICES, { errorMap: () => ({ message: `allowed: one of ${DEVICES.join(', ')}` }) }).optional(),
    treeLevelsPerStage: intIn(1, 16).optional(),
    expAddrRegister: flag.optional(),
    laneRegister: flag.optional(),
    outputSlice: flag.optional(),
    outputFifo: flag.optional(),
    ramDelays: flag.optional(),
  })
  .strict();

/** arch 'stream': P lanes per beat, rows of 1..maxN elements (see generator/hardware/archs/stream.ts). */
export const STREAM_LIMITS = { lanes: [1, 64], maxN: [2, 8192] } as const;
/** Random testbench rows of a stream block when verify.vectors is not given (rows run up to maxN long). */
export const STREAM_DEFAULT_ROWS = 64;
const streamSchema = z
  .object({
    lanes: intIn(...STREAM_LIMITS.lanes),
    maxN: intIn(...STREAM_LIMITS.maxN),
  })
  .strict();

const verifySchema = z
  .object({
    vectors: intIn(1, 100000).optional(),
    seed: intIn(0, 2 ** 31 - 1).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    name: identifier,
    n: intIn(2, 1024).optional(),
    input: inputSchema,
    output: outputSchema,
    arch: z.enum(['parallel', 'stream'], { errorMap: () => ({ message: 'allowed: parallel, stream' }) }).optional(),
    stream: streamSchema.optional(),
    method: methodSchema,
    pipeline: pipelineSchema.optional(),
    verify: verifySchema.optional(),
    report: z.boolean({ invalid_type_error: 'allowed: true or false' }).optional(),
  })
  .strict();

export const DEFAULTS = {
  arch: 'parallel' as const,
  targetMHz: 100,
  device: 'ice40' as DeviceName,
  vectors: 512,
  seed: 1,
};

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function firstIssue(raw: unknown, error: z.ZodError, prefix = ''): ConfigError {
  const issue = error.issues[0]!;
  const key = prefix + (issue.path.length ? issue.path.join('.') : '(config)');
  if (issue.code === 'unrecognized_keys') {
    const k = issue.keys[0]!;
    const where = issue.path.length ? issue.path.join('.') + '.' : '';
    return new ConfigError(prefix + where + k, valueAt(raw, [...issue.path, k]), 'unknown key');
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') {
    return new ConfigError(key, undefined, `required; ${issue.message.replace(/^Required$/, 'missing')}`);
  }
  return new ConfigError(key, valueAt(raw, issue.path), issue.message);
}

/** Validate a raw config object (already merged with overrides). Throws ConfigError. */
export function validateConfig(raw: unknown): Config {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('(config)', raw, 'allowed: a JSON object');
  }
  const r = configSchema.safeParse(raw);
  if (!r.success) throw firstIssue(raw, r.error);
  const c = r.data;
  const arch = c.arch ?? DEFAULTS.arch;
  if (arch === 'stream') {
    if (c.stream === undefined) throw new ConfigError('stream', undefined, 'required with arch stream: { "lanes": 1..64, "maxN": 2..8192 }');
    if (c.n !== undefined) throw new ConfigError('n', c.n, 'not used with arch stream: the longest row is stream.maxN');
    if (c.stream.lanes > c.stream.maxN) {
      throw new ConfigError('stream.lanes', c.stream.lanes, `allowed: an integer in 1..${c.stream.maxN} (at most stream.maxN)`);
    }
    if (c.report) throw new ConfigError('report', c.report, 'allowed: false with arch stream (the HTML report covers parallel blocks)');
    // the stream architecture has its own pipeline and its own output register; these exist only in
    // the parallel one (laneRegister and outputFifo work in both: in a stream block the FIFO lets
    // pass C run without a clock enable)
    for (const k of ['expAddrRegister', 'outputSlice', 'ramDelays'] as const) {
      if (c.pipeline?.[k]) throw new ConfigError(`pipeline.${k}`, true, 'allowed: false with arch stream (a register of the parallel architecture)');
    }
  } else {
    if (c.n === undefined) throw new ConfigError('n', undefined, 'required; allowed: an integer in 2..1024');
    if (c.stream !== undefined) throw new ConfigError('stream', c.stream, 'allowed only with arch stream');
    // the FIFO takes the place of the 2-beat buffer: one or the other
    if (c.pipeline?.outputFifo && c.pipeline.outputSlice) throw new ConfigError('pipeline.outputSlice', true, 'allowed: false with pipeline.outputFifo (the FIFO replaces the 2-beat buffer)');
  }
  const method = methodByName(c.method.name);
  const inF = portFormat('input', c.input);
  const outF = portFormat('output', c.output);
  const addressing = c.method.addressing ?? method.defaultAddressing?.(outF.width) ?? method.addressings[0]!;
  if (!method.addressings.includes(addressing)) {
    throw new ConfigError('method.addressing', c.method.addressing, `allowed: one of ${method.addressings.join(', ')}`);
  }
  const { name: _n, addressing: _a, ...params } = c.method as Record<string, unknown>;
  const pr = method.paramsSchema.safeParse(params);
  if (!pr.success) throw firstIssue(params, pr.error, 'method.');
  const rounding = c.output.rounding ?? 'nearest';
  if (rounding === 'correct' && !method.roundings.includes('correct')) {
    throw new ConfigError('output.rounding', rounding, `allowed: nearest with method ${method.name} (correct rounding: methods ${METHODS.filter((m) => m.roundings.includes('correct')).map((m) => m.name).join(', ')})`);
  }
  return {
    name: c.name,
    n: c.stream?.maxN ?? c.n!,
    input: { width: inF.width, frac: inF.frac, ...(c.input.scale !== undefined ? { scale: c.input.scale } : {}), ...(typeof c.input.type === 'string' ? { type: c.input.type } : {}) },
    output: {
      width: outF.width,
      frac: outF.frac,
      rounding,
      ...(outF.zeroPoint !== undefined ? { zeroPoint: outF.zeroPoint } : {}),
      ...(typeof c.output.type === 'string' ? { type: c.output.type } : {}),
    },
    arch,
    ...(c.stream ? { stream: { lanes: c.stream.lanes, maxN: c.stream.maxN } } : {}),
    method: { name: method.name, addressing, params: pr.data as Record<string, unknown> },
    pipeline: {
      targetMHz: c.pipeline?.targetMHz ?? DEFAULTS.targetMHz,
      device: c.pipeline?.device ?? DEFAULTS.device,
      ...(c.pipeline?.treeLevelsPerStage !== undefined ? { treeLevelsPerStage: c.pipeline.treeLevelsPerStage } : {}),
      expAddrRegister: c.pipeline?.expAddrRegister ?? false,
      laneRegister: c.pipeline?.laneRegister ?? false,
      outputSlice: c.pipeline?.outputSlice ?? false,
      outputFifo: c.pipeline?.outputFifo ?? false,
      ramDelays: c.pipeline?.ramDelays ?? false,
    },
    verify: { vectors: c.verify?.vectors ?? (arch === 'stream' ? STREAM_DEFAULT_ROWS : DEFAULTS.vectors), seed: c.verify?.seed ?? DEFAULTS.seed },
    report: c.report ?? false,
  };
}

/** Parse `key.path=value`: the value is JSON where it parses (numbers, true, "x"), else a string. */
export function parseSetting(s: string): { path: string[]; value: unknown } {
  const eq = s.indexOf('=');
  if (eq <= 0) throw new ConfigError('--set', s, 'allowed: key.path=value, e.g. method.expWidth=10');
  const path = s.slice(0, eq).split('.');
  if (path.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) {
    throw new ConfigError('--set', s, 'allowed: key.path=value with keys made of letters, digits and _');
  }
  const text = s.slice(eq + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    /* a bare string */
  }
  return { path, value };
}

/** Set a nested key on a plain object, creating objects on the way. */
export function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const p of path.slice(0, -1)) {
    const next = o[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      if (next !== undefined) throw new ConfigError(path.join('.'), value, `cannot set: ${p} is not an object`);
      o[p] = {};
    }
    o = o[p] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

/** The config that `generate` uses when no file is given. */
export const DEFAULT_CONFIG = {
  name: 'softmax_default',
  n: 8,
  input: { width: 8, frac: 4 },
  output: { width: 8, frac: 8 },
  method: { name: 'rexp' },
  pipeline: { targetMHz: 125 },
};

/** The pipeline keys as written out: the target always, the overrides only when given. */
function pipelineJson(p: Config['pipeline']): Record<string, unknown> {
  const out: Record<string, unknown> = { targetMHz: p.targetMHz, device: p.device };
  if (p.treeLevelsPerStage !== undefined) out.treeLevelsPerStage = p.treeLevelsPerStage;
  if (p.expAddrRegister) out.expAddrRegister = true;
  if (p.laneRegister) out.laneRegister = true;
  if (p.outputSlice) out.outputSlice = true;
  if (p.outputFifo) out.outputFifo = true;
  if (p.ramDelays) out.ramDelays = true;
  return out;
}

/** The config as written to generated/<name>/config.json: every default explicit (but see pipelineJson). */
export function resolvedConfigJson(c: Config, methodParams: Record<string, number>): Record<string, unknown> {
  return {
    name: c.name,
    ...(c.stream ? {} : { n: c.n }),
    input: { width: c.input.width, frac: c.input.frac, ...(c.input.scale !== undefined ? { scale: c.input.scale } : {}) },
    // the TFLite int8 convention has no width/frac spelling: it is written as its type
    output: {
      ...(c.output.zeroPoint !== undefined ? { type: 'int8' } : { width: c.output.width, frac: c.output.frac }),
      ...(c.output.rounding !== 'nearest' ? { rounding: c.output.rounding } : {}),
    },
    arch: c.arch,
    ...(c.stream ? { stream: c.stream } : {}),
    method: { name: c.method.name, addressing: c.method.addressing, ...methodParams },
    pipeline: pipelineJson(c.pipeline),
    verify: c.verify,
    ...(c.report ? { report: true } : {}),
  };
}
