"""The cocotb testbench of a generated block (cocotb 2.x, Icarus Verilog through cocotb's runner).

Each block folder has test_<name>.py, which calls check_block() from a cocotb test and run() when
executed:

    python3 generated/softmax_default/test_softmax_default.py

check_block drives the block's input vectors (<name>_in.hex: corner cases, adversarial vectors of
its tables, seeded random ones; for a stream block, rows with their keep bits) over AXI4-Stream with
random idle cycles on the input and random back-pressure on the output, and compares every output
beat (tdata, and a stream block's tuser and tlast) with the Python emulator's (softmax_lut, from the
folder's emulator.json) as it arrives. The expected beats are the emulator's own computation, not
the testbench's <name>_exp.hex.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

from . import load
from .check import _beats, stream_rows, vectors

__all__ = ["expected_beats", "check_block", "run"]


def expected_beats(folder: str | os.PathLike) -> tuple[str, list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    """The block's module name, its input beats and the emulator's output beats, as (tdata, tuser, tlast).

    A parallel block's beats carry no tuser or tlast (0).
    """
    blk = load(str(folder))
    base = os.path.join(str(folder), blk.module)
    vin = _beats(base + "_in.hex")
    iw, ow = blk.in_width, blk.out_width
    mask = (1 << ow) - 1
    if blk.arch == "parallel":
        y = blk(vectors(blk, vin)) & mask
        out = [(sum(int(c) << (i * ow) for i, c in enumerate(row)), 0, 0) for row in y]
        return blk.module, [(v, 0, 0) for v in vin], out
    p = blk.lanes
    ins: list[tuple[int, int, int]] = []
    out: list[tuple[int, int, int]] = []
    for beats, x, keep in stream_rows(blk, vin):
        y = blk(x, keep=keep) & mask
        for k, b in enumerate(beats):
            tuser = (vin[b] >> (p * iw)) & ((1 << p) - 1)
            last = int(k == len(beats) - 1)
            ins.append((vin[b] & ((1 << (p * iw)) - 1), tuser, last))
            out.append((sum(int(y[k * p + l]) << (l * ow) for l in range(p)), tuser, last))
    return blk.module, ins, out


def _unsigned(v) -> int:
    """A signal's value as an unsigned integer (a vector or a single bit); X or Z raises ValueError."""
    return v.to_unsigned() if hasattr(v, "to_unsigned") else int(v)


async def check_block(dut, folder: str | os.PathLike, seed: int = 1, idle: float = 0.25, stall: float = 0.25) -> None:
    """Drive the block in `folder` with its vectors and check every output beat (a cocotb coroutine).

    idle: the chance of an idle cycle before each input beat; stall: the chance that m_axis_tready
    is low in a cycle. Raises AssertionError at the first beat that differs, or when the block stops.
    """
    import cocotb
    from cocotb.clock import Clock
    from cocotb.triggers import ReadOnly, RisingEdge

    module, ins, want = expected_beats(folder)
    stream = hasattr(dut, "s_axis_tlast")
    rng = random.Random(seed)
    cocotb.start_soon(Clock(dut.aclk, 10, unit="ns").start())
    dut.aresetn.value = 0
    dut.s_axis_tvalid.value = 0
    dut.m_axis_tready.value = 0
    for _ in range(5):
        await RisingEdge(dut.aclk)
    dut.aresetn.value = 1

    async def source() -> None:
        for data, user, last in ins:
            while rng.random() < idle:
                dut.s_axis_tvalid.value = 0
                await RisingEdge(dut.aclk)
            dut.s_axis_tdata.value = data
            if stream:
                dut.s_axis_tuser.value = user
                dut.s_axis_tlast.value = last
            dut.s_axis_tvalid.value = 1
            while True:
                await ReadOnly()
                taken = bool(dut.s_axis_tready.value)
                await RisingEdge(dut.aclk)
                if taken:
                    break
        dut.s_axis_tvalid.value = 0

    cocotb.start_soon(source())
    # every beat within (its share of) a generous number of cycles: a block that stops fails
    limit = 200 + 20 * (len(ins) + len(want))
    got, cycles = 0, 0
    while got < len(want):
        ready = rng.random() >= stall
        dut.m_axis_tready.value = int(ready)
        await ReadOnly()
        if ready and dut.m_axis_tvalid.value:
            data = _unsigned(dut.m_axis_tdata.value)
            beat = (data, _unsigned(dut.m_axis_tuser.value), _unsigned(dut.m_axis_tlast.value)) if stream else (data, 0, 0)
            assert beat == want[got], f"{module}: output beat {got} (tdata, tuser, tlast) = {tuple(hex(v) for v in beat)}, emulator {tuple(hex(v) for v in want[got])}"
            got += 1
        await RisingEdge(dut.aclk)
        cycles += 1
        assert cycles < limit, f"{module}: {got} of {len(want)} output beats after {cycles} cycles"
    dut._log.info("%s: %d output beats bit-exact with the emulator (%d input beats, %d cycles, seed %d)", module, got, len(ins), cycles, seed)


def run(folder: str | os.PathLike, module: str, build_dir: str | None = None) -> int:
    """Build the block's RTL with Icarus Verilog and run its cocotb test (test_<module>.py).

    0 when it ran and passed, 1 otherwise (cocotb's runner checks its results only under pytest).
    The simulator's files go to build_dir (default: a new temporary folder), not the block's folder.
    """
    from cocotb_tools.check_results import get_results
    from cocotb_tools.runner import get_runner

    folder = Path(folder).resolve()
    build = Path(build_dir) if build_dir else Path(tempfile.mkdtemp(prefix=f"cocotb-{module}-"))
    runner = get_runner("icarus")
    runner.build(sources=[folder / f"{module}.v"], hdl_toplevel=module, build_dir=build, always=True)
    path = os.pathsep.join(p for p in [str(folder), os.environ.get("PYTHONPATH", "")] if p)
    xml = runner.test(hdl_toplevel=module, test_module=f"test_{module}", build_dir=build, test_dir=build, extra_env={"PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"})
    tests, failed = get_results(xml)
    print(f"{module}: cocotb {tests - failed} of {tests} test(s) passed" + ("" if tests and not failed else " -- FAILED"))
    return 0 if tests and not failed else 1


def main(argv: list[str]) -> int:
    """python3 -m softmax_lut.testbench generated/<name> [more]: run each block's cocotb test."""
    if not argv:
        print(main.__doc__, file=sys.stderr)
        return 2
    bad = 0
    for f in argv:
        bad |= run(f, load(f).module)
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
