/**
 * How a constant table is laid out for the device (pipeline.device). A block RAM reads one word of
 * a fixed width at each depth (iCE40 SB_RAM40_4K: 16 bits at 256 entries, 8 at 512), so a table a
 * few bits wider than that word costs a second block RAM for those bits alone. When the table's top
 * bits are not 0 only in a short run of small values of few distinct codes (the exponent and
 * reciprocal tables fall monotonically), they become a second table that synthesis builds from a few
 * LUTs, and the low bits fill whole block RAM words. The function the RTL calls is unchanged: it
 * returns the two parts side by side, so every value, and so every output, is the same.
 */
import type { DelayModel } from './delay.js';

export interface TableSpec {
  name: string;
  width: number;
  addrWidth: number;
  values: number[];
}

export interface RomSplit {
  /** Bits of each entry kept in the block RAM table. */
  loWidth: number;
  /** The top bits, a second table of the first `hiEntries` entries (0 past them). */
  hiWidth: number;
  hiEntries: number;
  /** Distinct values of the top bits. */
  hiCodes: number;
}

/** Top bits moved to logic at most; the run of entries they are set in is the table's to decide. */
const MAX_HI_WIDTH = 4;

/** The split of table t on this device, or null when its words fit a block RAM as they are. */
export function romSplit(t: TableSpec, m: DelayModel): RomSplit | null {
  if (!m.bramWidth) return null;
  const bw = m.bramWidth(t.addrWidth);
  const loWidth = bw * Math.floor(t.width / bw);
  const hiWidth = t.width - loWidth;
  if (loWidth === 0 || hiWidth === 0 || hiWidth > MAX_HI_WIDTH) return null;
  const hi = t.values.map((v) => Math.floor(v / 2 ** loWidth));
  let hiEntries = hi.length;
  while (hiEntries > 0 && hi[hiEntries - 1] === 0) hiEntries--;
  // few distinct codes in falling order: a handful of comparisons of the address
  for (let k = 1; k < hiEntries; k++) if (hi[k]! > hi[k - 1]!) return null;
  return { loWidth, hiWidth, hiEntries, hiCodes: new Set(hi.slice(0, hiEntries)).size };
}
