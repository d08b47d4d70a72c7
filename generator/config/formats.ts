/**
 * Type strings for the block's ports, in the notations users already have:
 *
 * - `ap_fixed<W,I>` (input) and `ap_ufixed<W,I>` (output), as hls4ml and Vivado/Vitis HLS write
 *   them: W bits, I of them integer bits (sign included for ap_fixed), so W - I fraction bits;
 * - `intN` (input): an N-bit signed integer, 0 fraction bits (give input.scale for its real value);
 * - `uintN` (output): N bits, all fraction bits (probabilities 0 .. 1 - 2^-N, TFLite's uint8 softmax
 *   output has scale 1/256 and zero point 0);
 * - `int8` (output): the TFLite/ONNX int8 softmax convention, scale 1/256 and zero point -128: the
 *   code is round(p * 256) - 128 in -128..127.
 */
import { ConfigError } from '../core/errors.js';

export interface PortFormat {
  width: number;
  frac: number;
  /** Output only: the code on the port is the unsigned code plus this (TFLite int8: -128). */
  zeroPoint?: number;
}

const INPUT_TYPES = 'ap_fixed<W,I> or intN, with W, N in 2..32';
const OUTPUT_TYPES = 'ap_ufixed<W,I> (W in 2..32, W - I in 0..48), uintN (N in 2..32) or int8 (TFLite/ONNX int8: scale 1/256, zero point -128)';

function widthIn(key: string, s: string, w: number, allowed: string): void {
  if (!(w >= 2 && w <= 32)) throw new ConfigError(key, s, `allowed: ${allowed} (width ${w} is outside 2..32)`);
}

/** Parse input.type. Throws ConfigError naming the key, the value and what is allowed. */
export function parseInputType(s: unknown): PortFormat {
  const key = 'input.type';
  if (typeof s !== 'string') throw new ConfigError(key, s, `allowed: a string, ${INPUT_TYPES}`);
  const t = s.replace(/\s+/g, '');
  let m = /^ap_fixed<(\d+),(-?\d+)>$/.exec(t);
  if (m) {
    const w = Number(m[1]);
    const i = Number(m[2]);
    widthIn(key, s, w, INPUT_TYPES);
    const frac = w - i;
    if (frac < -32 || frac > 48) throw new ConfigError(key, s, `allowed: ${INPUT_TYPES}, with W - I in -32..48`);
    return { width: w, frac };
  }
  m = /^int(\d+)$/.exec(t);
  if (m) {
    const w = Number(m[1]);
    widthIn(key, s, w, INPUT_TYPES);
    return { width: w, frac: 0 };
  }
  if (/^(ap_ufixed<|uint\d)/.test(t)) throw new ConfigError(key, s, `allowed: a signed type, ${INPUT_TYPES} (the scores are signed)`);
  throw new ConfigError(key, s, `allowed: ${INPUT_TYPES}`);
}

/** Parse output.type. */
export function parseOutputType(s: unknown): PortFormat {
  const key = 'output.type';
  if (typeof s !== 'string') throw new ConfigError(key, s, `allowed: a string, ${OUTPUT_TYPES}`);
  const t = s.replace(/\s+/g, '');
  let m = /^ap_ufixed<(\d+),(-?\d+)>$/.exec(t);
  if (m) {
    const w = Number(m[1]);
    const i = Number(m[2]);
    widthIn(key, s, w, OUTPUT_TYPES);
    const frac = w - i;
    if (frac < 0 || frac > 48) throw new ConfigError(key, s, `allowed: ${OUTPUT_TYPES}`);
    return { width: w, frac };
  }
  m = /^uint(\d+)$/.exec(t);
  if (m) {
    const w = Number(m[1]);
    widthIn(key, s, w, OUTPUT_TYPES);
    return { width: w, frac: w };
  }
  if (t === 'int8') return { width: 8, frac: 8, zeroPoint: -128 };
  if (/^(ap_fixed<|int\d)/.test(t)) throw new ConfigError(key, s, `allowed: ${OUTPUT_TYPES} (a probability is not negative: signed outputs only in the int8 convention)`);
  throw new ConfigError(key, s, `allowed: ${OUTPUT_TYPES}`);
}
