/**
 * Delay models of the devices the generator pipelines for (pipeline.device), in ns. Like FloPoCo's
 * target models they describe each kind of stage the blocks are built from: a LUT level, a ripple
 * carry chain (adders, comparators), a synchronous ROM read (block RAM) and the register around
 * them. The generator places registers so that every stage's estimate fits the clock period
 * (pipeline.targetMHz); see generator/pipeline/builder.ts.
 *
 * The figures are estimates of placed-and-routed delay, with routing included per logic level:
 *   - ice40: iCE40 HX (LP/HX, -ct256 speed grade), from nextpnr-ice40's timing database and the
 *     critical paths nextpnr reports on our blocks (a route between logic cells is 0.6 to 2 ns; we
 *     count 1.1 ns, so an estimate is usually pessimistic, which is the side a timing target wants).
 *   - xc7: AMD 7-series (-1 speed grade): LUT6 and CARRY4 cell delays plus a typical route.
 *   - generic: between the two, for a device the generator has no model of.
 */
export const DEVICES = ['ice40', 'xc7', 'generic'] as const;
export type DeviceName = (typeof DEVICES)[number];

export interface DelayModel {
  device: DeviceName;
  /** One line for the plan and the manifest. */
  describe: string;
  /** Inputs of one LUT. */
  lutInputs: number;
  /** Clock to output plus setup of a register. */
  reg: number;
  /**
   * The share of the clock period a stage leaves unused, for the routes that come out longer than
   * `route` (nextpnr on iCE40: 0.6 to 2.8 ns for the same kind of route, by placement).
   */
  slack: number;
  /** A route between two cells. */
  route: number;
  /** One LUT, without its input route. */
  lut: number;
  /** A ripple carry chain of w bits, from its operands (routed) to its sum (registered or not). */
  carry(w: number): number;
  /** A comparison of w bits: a carry chain whose carry out leaves the chain for a LUT. */
  compare(w: number): number;
  /** Clock to output of a synchronous ROM read (block RAM) and the address setup before its clock. */
  romOut: number;
  romSetup: number;
  /** Whether multipliers map to hard DSP blocks (then written as `*` with registers around them). */
  dspMultipliers: boolean;
  /**
   * The widest word a block RAM reads at this address width (iCE40 SB_RAM40_4K: 256 x 16, 512 x 8,
   * 1024 x 4, 2048 x 2), or undefined when the generator does not shape tables for the device.
   */
  bramWidth?: (addrWidth: number) => number;
}

const ICE40: DelayModel = {
  device: 'ice40',
  describe: 'iCE40 HX: LUT4 0.45 ns + route 1.1 ns per level, carry 0.13 ns per bit (0.8 ns more to leave the chain), block RAM clock-to-out 3.0 ns (2.1 ns and a longer route out of the RAM column), register 0.85 ns, 10% of the period left for longer routes',
  lutInputs: 4,
  reg: 0.85,
  slack: 0.1,
  route: 1.1,
  lut: 0.45,
  // operands routed to the carry LUTs, the chain, then the sum LUT (the carry-in enters on I3)
  carry: (w) => 1.1 + 0.3 + 0.13 * w + 0.45,
  // the carry out leaves the chain through a pass-through logic cell (0.5 + 0.3 ns) before its LUT
  compare: (w) => 1.1 + 0.3 + 0.13 * w + 0.8 + 0.45,
  // nextpnr: 2.1 ns clock to RDATA, then 1.6 to 2.3 ns to the first logic cell where the other routes
  // take 1.1 ns: a ROM's data leaves a RAM column and often fans out to every lane
  romOut: 3.0,
  romSetup: 0.4,
  dspMultipliers: false,
  bramWidth: (a) => (a <= 8 ? 16 : a >= 11 ? 2 : 16 >> (a - 8)),
};

const XC7: DelayModel = {
  device: 'xc7',
  describe: 'AMD 7-series -1: LUT6 0.12 ns + route 0.45 ns per level, CARRY4 0.12 ns per 4 bits, block RAM clock-to-out 1.8 ns, register 0.5 ns',
  lutInputs: 6,
  reg: 0.5,
  slack: 0,
  route: 0.45,
  lut: 0.12,
  carry: (w) => 0.45 + 0.35 + 0.12 * Math.ceil(w / 4) + 0.2,
  compare: (w) => 0.45 + 0.35 + 0.12 * Math.ceil(w / 4) + 0.2,
  romOut: 1.8,
  romSetup: 0.5,
  dspMultipliers: true,
};

const GENERIC: DelayModel = {
  device: 'generic',
  describe: 'generic: LUT 0.3 ns + route 0.8 ns per level, carry 0.08 ns per bit, ROM clock-to-out 2 ns, register 0.7 ns',
  lutInputs: 4,
  reg: 0.7,
  slack: 0,
  route: 0.8,
  lut: 0.3,
  carry: (w) => 0.8 + 0.3 + 0.08 * w + 0.3,
  compare: (w) => 0.8 + 0.3 + 0.08 * w + 0.6,
  romOut: 2,
  romSetup: 0.4,
  dspMultipliers: true,
};

export function delayModel(device: DeviceName): DelayModel {
  return device === 'ice40' ? ICE40 : device === 'xc7' ? XC7 : GENERIC;
}

/** `levels` LUT levels, each with its input route. */
export function lutLevels(m: DelayModel, levels: number): number {
  return levels * (m.route + m.lut);
}

/** LUT levels of a function of `inputs` bits (a tree of LUTs). */
export function levelsFor(m: DelayModel, inputs: number): number {
  let levels = 1;
  let cover = m.lutInputs;
  while (cover < inputs) {
    cover *= m.lutInputs;
    levels++;
  }
  return levels;
}
