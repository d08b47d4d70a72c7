/** The plan as text: what `plan` prints and the RTL header carries. */
import type { Plan } from './types.js';
import { errorBound } from './bound.js';
import { scheduleText } from '../pipeline/schedule.js';

/** The human-readable plan that `generate` prints and the RTL header carries. */
export function planText(p: Plan): string[] {
  const c = p.common;
  const lines = [
    `input   x_i: signed ${c.iw} bits, ${c.ifrac} fraction bits (code q means q*2^-${c.ifrac})` +
      (c.inScale !== 1 ? `; the block computes softmax(${c.inScale} * x), the scale folded into the exponent tables` : ''),
    `output  y_i: unsigned ${c.ow} bits, ${c.ofrac} fraction bits, ${c.config.output.rounding === 'correct' ? 'correctly rounded e_i 2^OF / S' : 'round to nearest'}, saturate at ${c.maxCode}` +
      (c.config.output.zeroPoint !== undefined ? `; the port carries y_i - ${-c.config.output.zeroPoint!} (TFLite/ONNX int8: scale 1/256, zero point ${c.config.output.zeroPoint}, signed)` : ''),
    `d_i = max(x) - x_i: unsigned ${c.dw} bits (max - min of ${c.iw}-bit signed values < 2^${c.dw})`,
    ...p.mp.notes,
    `sum S = sum of n=${c.n} entries: ${p.sw} bits (= ${p.ew} + ceil(log2 ${c.n})), cannot overflow`,
    p.luts.length ? `tables: ${p.luts.map((l) => `${l.name} ${l.entries}x${l.width}b = ${l.bytes} B`).join(', ')}; total ${p.lutBytes} B` : 'tables: none; total 0 B',
    `error bound: |y - y_ref| <= ${errorBound(p).lsb} LSB for every input of 1..${c.n} elements (proven from the tables, README "The error bound")`,
    ...(p.timing ?? [...scheduleText(p.schedule!), `latency: ${p.latency} cycles, throughput 1 vector per cycle`]),
  ];
  return lines;
}
