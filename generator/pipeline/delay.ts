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
export const DEVICES = ['ice40', 'ecp5', 'xc7', 'generic'] as const;
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
  /**
   * Whether every table read gets a second register after the synchronous read, for the block RAM's
   * own output register (DP16KD REGMODE OUTREG) to absorb; romOut is then the clock-to-out of that
   * register (ECP5 -6: 0.97 ns, against 5.61 ns for the read without it, nextpnr-ecp5). Yosys maps
   * the register to flip-flops; the measurement's packing step (generator/measure/ecp5-pack.ts)
   * moves it into the DP16KD, as Lattice's synthesis does.
   */
  romOutputRegister?: boolean;
  /**
   * The route out of a hard block's row into the logic that reads it, where longer than `route`: from
   * a block RAM's output register, or from the register after a DSP's product, to LUTs or a carry
   * chain (the register and the RAM sit in the block's row, the logic among the lanes).
   */
  hardOutRoute?: number;
  /**
   * The route from a lane's copy of a coefficient (model.laneCoefficientRegisters) into the lane's
   * logic, where longer than `route`: the placer puts the copy between the block's register, many
   * lanes away, and the lane, so it is far from both.
   */
  laneCopyRoute?: number;
  /**
   * Whether the table of a computed exponent (Softermax's 2^-f, 64 x 16 bits) is written as a memory
   * array with ram_style "block", so that it is a block RAM. As a function, Yosys builds so small a
   * table from LUTs: on ECP5, 119 LUT4, 36 PFUMX and 14 L6MUX21 per element.
   */
  computedTableBlockRam?: boolean;
  /** Clock-to-out of a read of a written block RAM (a stream block's row store), when not romOut. */
  ramOut?: number;
  /**
   * Whether a stream block's row stores carry Yosys's no_rw_check attribute. A store is never read at
   * the address written in the same cycle (the write pointer is ahead of every beat not yet read),
   * but without the attribute synth_ecp5 adds a comparator and a multiplexer after the DP16KD read
   * for that case, which keeps the read's register out of the block RAM.
   */
  ramNoRwCheck?: boolean;
  /**
   * Whether a two-pass stream block's control is written for a 200 MHz clock on this device: pass C's
   * row end loads its beat count from two reads of the row queue at register addresses, kept apart
   * (shared, Yosys put the row end on the read port's address: from the skid register through the
   * distributed RAM into the counter, 6.10 ns on ECP5), and the running sum clears itself at a row's
   * end, so that its adder reads the register alone (the P = 4 block at 200 MHz: 164.04 before,
   * 198.33 after). Not measured on iCE40, whose committed stream block keeps its text and 110.3 MHz.
   */
  streamRowEndReads?: boolean;
  /**
   * Whether a stream block's exponent table is one memory array that every lane of both passes
   * reads (rather than a function each read turns into a ROM of its own): Yosys then maps each pair
   * of reads onto the two ports of one true-dual-port block RAM (DP16KD), half the block RAMs. Not
   * where the table is wider than one port (18 bits on ECP5) or split into low and top bits.
   */
  romReadPairs?: boolean;
  /** The widest word of one port of a true-dual-port block RAM read (DP16KD: 18 bits). */
  tdpWidth?: number;
  /**
   * Whether a signed comparison a > b is written as the top bit of a sign-extended subtraction,
   * one carry chain read at its sum (Yosys synth_ecp5 maps `a > b` to two chains joined through
   * routing: 7.2 ns against 3.7 ns for the subtraction, nextpnr-ecp5 on 8-bit operands).
   */
  compareBySubtract?: boolean;
  /**
   * The read of a parallel block's output FIFO (pipeline.outputFifo) into its head register, register
   * to register: the read pointer, the distributed RAM's read, the multiplexer of its 16-beat RAMs and
   * the routes. Where it does not fit the period less the slack, the FIFO is read through a register
   * per RAM (generator/hardware/archs/fifo.ts, fifoReadBanks). Undefined: always fits.
   */
  fifoRead?: number;
  /**
   * Whether a delayed copy read at the end of a chain of three or more gets a synchronous clear, so
   * that synthesis cannot fold the chain into a shift-register primitive with a slow clock-to-out
   * (Xilinx SRL16E). False where synthesis infers none (Yosys synth_ecp5): there the clear would
   * only put the reset and the clock enable through a LUT into every copy's LSR.
   */
  shiftRegisterGuard: boolean;
  /**
   * Whether the output slice (pipeline.outputSlice) drives the clock enable from a register of its
   * own rather than through a LUT: the enable reaches every flip-flop of the block, and on ECP5 at
   * 200 MHz that route alone takes most of a period.
   */
  readyRegister?: boolean;
  /**
   * Whether each lane registers the coefficients the normalisation gives it: those registers drive
   * all n lanes, and that fan-out takes a route of up to 3 ns (nextpnr-ice40 on softmax_default),
   * which a lane's own copy keeps out of its first stage.
   */
  laneCoefficientRegisters?: boolean;
  /**
   * The route from a signal's source to registers in every lane (a coefficient's fan-out), in place
   * of nothing: a lane's coefficient register sits next to its readers, not to the source. Where the
   * source's logic and this route do not fit one stage, the source is registered first. Undefined:
   * counted in the model's slack (iCE40, where the lanes' registers were calibrated without it).
   */
  fanoutRoute?: number;
  /**
   * The route of a parallel block's max to the subtractions d = max - x of `count` elements, beyond a
   * route between two cells (model.route). Undefined: none. ECP5, measured: 64 elements spread the
   * subtractions over the part (3.72 ns from the max's register to Softermax's 63rd element), while
   * at 8 the route stays within a route's estimate (the default block, 213.49 MHz at 200).
   */
  maxFanoutRoute?: (count: number) => number;
  /**
   * Whether the per-element modules (the lanes) carry the keep_hierarchy attribute. Flattened,
   * synthesis merges the registers each lane keeps of a shared signal back into one register that
   * drives every lane (Yosys opt_merge; (* keep *) does not stop it), and that fan-out is the route
   * the lane registers were there to take out.
   */
  keepHierarchy?: boolean;
  /**
   * The lanes of a stream block from which each lane keeps its own delayed copies of what the lanes
   * compute alike (the shared shift amount's bits) also where pass C has a clock enable (without one
   * it always does). Merged by synthesis, one lane's copy feeds every lane across the device.
   * Undefined: only without the clock enable.
   */
  laneDelaysApartFrom?: number;
  /**
   * The cost of a register loaded with a constant under a condition (a saturation): Yosys folds the
   * constant into the flip-flop's synchronous set or reset, and on ECP5 (where the set overrides the
   * clock enable) a LUT then joins the condition with the enable before the LSR pin, whose setup is
   * 0.42 ns: one more level. Undefined: no cost beyond the logic.
   */
  syncSetCost?: number;
  /**
   * Whether a long division is written non-restoring: each step adds or subtracts the divisor by the
   * sign of the partial remainder, one carry chain with the choice in the LUT before it (ECP5 CCU2C),
   * instead of a subtraction and a multiplexer that picks the remainder after it. The quotient bits
   * are the same; per step one chain instead of a chain and a LUT level, and no registered copy of
   * the previous remainder beside the difference.
   */
  nonRestoringDivide?: boolean;
  /** Whether multipliers map to hard DSP blocks (then written as `*` with registers around them). */
  dspMultipliers: boolean;
  /**
   * The widest unsigned operand of one DSP product (ECP5 MULT18X18D: 18). A wider product is written
   * as DSP-sized partial products, each with its registers, and an adder tree the model pipelines.
   */
  dspWidth?: number;
  /**
   * A piece of a split product with a side of at most this many bits goes to LUTs (that many rows of
   * adders), not a DSP: the DSPs are few (LFE5U-85F: 156), and a 24 x 26 product takes one MULT18X18D
   * and three narrow pieces in LUTs rather than four MULT18X18D.
   */
  dspLutSide?: number;
  /**
   * The route into a DSP's input register beyond a fabric register's (the DSPs sit in rows of their
   * own): where a product's operand comes from logic, and that logic and this route do not fit one
   * stage, the operand is registered in the fabric first. Undefined: no more than a fabric register.
   */
  dspInputRoute?: number;
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
  shiftRegisterGuard: true,
  laneCoefficientRegisters: true,
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
  shiftRegisterGuard: true,
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
  shiftRegisterGuard: true,
  dspMultipliers: true,
};

const ECP5: DelayModel = {
  device: 'ecp5',
  describe: 'ECP5 -6 (nextpnr-ecp5): LUT4 0.24 ns + route 1.0 ns per level, CCU2C carry 1.9 ns + 0.036 ns per bit, DP16KD read 1.6 ns address setup and 0.97 ns out of its output register, MULT18X18D with its input and output registers, register 0.53 ns clock-to-out, 15% of the period left for longer routes (1.5 to 2.6 ns across a 64-lane block)',
  lutInputs: 4,
  reg: 0.6,
  slack: 0.15,
  route: 1.0,
  lut: 0.24,
  // operands routed into the chain (0.95 to 1.1 ns), A to FCO 0.45 ns, 0.071 ns per CCU2C (two bits),
  // FCI to the sum 0.44 ns
  carry: (w) => 1.0 + 0.45 + 0.036 * w + 0.44,
  // a carry out leaves the chain through a feed-out CCU2C (0.44 ns) and a route
  compare: (w) => 1.0 + 0.45 + 0.036 * w + 0.44 + 0.85,
  romOut: 0.97,
  romSetup: 1.6,
  romOutputRegister: true,
  // nextpnr-ecp5, the n = 64 blocks: 2.95 ns from a DP16KD's output register into Softermax's shift,
  // 3.43 and 2.66 ns from the register after I-BERT's square (a MULT18X18D) into its carry chain
  hardOutRoute: 3.0,
  // nextpnr-ecp5, I-BERT at n = 64: 3.81 ns from a lane's copy of the divisor to its first divider step
  laneCopyRoute: 3.0,
  computedTableBlockRam: true,
  // a written block RAM's read (no output register): 5.61 ns, and a longer route out of the RAM row
  ramOut: 5.61 + 0.5,
  ramNoRwCheck: true,
  streamRowEndReads: true,
  romReadPairs: true,
  tdpWidth: 18,
  compareBySubtract: true,
  shiftRegisterGuard: false,
  laneCoefficientRegisters: true,
  // nextpnr-ecp5, the 16-bit block at n = 8: 2.62 ns (at 200 MHz) and 3.37 ns (at 150 MHz) from the
  // reciprocal's correction carry chain to a lane's coefficient register, which the block's LUT
  // partial products and MULT18X18D read; 142.92 MHz at 150 with 1.5 ns counted here
  fanoutRoute: 3.4,
  maxFanoutRoute: (count) => (count > 16 ? 3.4 - 1.0 : 0),
  readyRegister: true,
  syncSetCost: 1.0 + 0.24 + 0.42,
  keepHierarchy: true,
  // nextpnr-ecp5, softmax_stream_p16_n4096 (16 lanes, pass C with a clock enable) at 150 MHz
  // (143.58 MHz): 3.07 ns of route from lane 9's copy of a shift-amount bit into lane 8's shift
  laneDelaysApartFrom: 16,
  nonRestoringDivide: true,
  dspMultipliers: true,
  dspWidth: 18,
  dspLutSide: 8,
  // nextpnr-ecp5, the 16-bit block at n = 8 and 200 MHz (160.41 MHz): 3.19 ns from the LUT after
  // the exponent table's output register to a MULT18X18D's input register, where a LUT's route to a
  // flip-flop takes about 1.0 ns
  dspInputRoute: 3.19 - 1.0,
  // nextpnr-ecp5, the 16-bit block at n = 8 with the output FIFO at 200 MHz (183.89 MHz): 5.44 ns from
  // the read pointer through the 64-beat FIFO's distributed RAM and 4:1 multiplexer into the head
  fifoRead: 5.44,
  // DP16KD: 16 kbit as 16384 x 1 to 512 x 36 (1024 x 18, 2048 x 9, 4096 x 4, 8192 x 2)
  bramWidth: (a) => (a <= 9 ? 36 : a === 10 ? 18 : a === 11 ? 9 : a === 12 ? 4 : a === 13 ? 2 : 1),
};

export function delayModel(device: DeviceName): DelayModel {
  return device === 'ice40' ? ICE40 : device === 'ecp5' ? ECP5 : device === 'xc7' ? XC7 : GENERIC;
}

/**
 * Whether a parallel block's clock enable is a register of its own (model.readyRegister), which only
 * the output slice (pipeline.outputSlice) makes possible: its fill level says a cycle ahead.
 */
export function registeredEnable(m: DelayModel, outputSlice: boolean): boolean {
  return outputSlice && m.readyRegister === true;
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
