"""Check the emulator against a generated block's testbench vectors, bit for bit.

    PYTHONPATH=python python3 -m softmax_lut.check generated/softmax_default [more folders]
    PYTHONPATH=python python3 -m softmax_lut.check --torch generated/softmax_default   (softmax_lut.torch)

Reads <module>_in.hex and <module>_exp.hex (the vectors the Icarus testbench runs and the golden
model's expected outputs; for a stream block, beats {tlast, tuser, tdata} grouped into rows by
tlast) and compares every output code. Prints one line per block; exit status 1 on any mismatch.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from . import load


def _beats(path: str) -> list[int]:
    with open(path, encoding="utf-8") as fh:
        return [int(line, 16) for line in (l.strip() for l in fh) if line and not line.startswith("//")]


def _field(v: int, lo: int, width: int, signed: bool) -> int:
    x = (v >> lo) & ((1 << width) - 1)
    return x - (1 << width) if signed and x >> (width - 1) else x


def _lanes(v: int, count: int, width: int, signed: bool) -> list[int]:
    """The `count` fields of `width` bits of a beat, lane 0 in the low bits."""
    return [_field(v, l * width, width, signed) for l in range(count)]


def vectors(blk, vin: list[int]) -> np.ndarray:
    """A parallel block's input beats as codes (beats, n)."""
    return np.array([_lanes(v, blk.n, blk.in_width, True) for v in vin], dtype=np.int64)


def stream_rows(blk, vin: list[int]):
    """A stream block's input beats {tlast, tuser, tdata} as rows: (the row's beat indices, codes, keep bits)."""
    p, iw = blk.lanes, blk.in_width
    i = 0
    while i < len(vin):
        j = i
        while not (vin[j] >> (p * iw + p)) & 1:
            j += 1
        beats = range(i, j + 1)
        x = np.array([c for b in beats for c in _lanes(vin[b], p, iw, True)], dtype=np.int64)
        keep = np.array([(vin[b] >> (p * iw + l)) & 1 for b in beats for l in range(p)], dtype=bool)
        yield beats, x, keep
        i = j + 1


def _runner(blk, backend: str):
    """The block as a function of (codes, keep) -> output codes, NumPy arrays in and out."""
    if backend == "numpy":
        return lambda x, keep=None: blk(x, keep=keep)
    import torch

    from .torch import codes

    return lambda x, keep=None: codes(blk, torch.from_numpy(x), None if keep is None else torch.from_numpy(keep)).numpy()


def check(folder: str, backend: str = "numpy") -> tuple[bool, str]:
    blk = load(folder)
    run = _runner(blk, backend)
    base = os.path.join(folder, blk.module)
    vin, vexp = _beats(base + "_in.hex"), _beats(base + "_exp.hex")
    ow = blk.out_width
    mask = (1 << ow) - 1
    bad: list[str] = []
    if blk.arch == "parallel":
        n = blk.n
        x = vectors(blk, vin)
        want = np.array([_lanes(v, n, ow, False) for v in vexp], dtype=np.int64)
        if x.shape != want.shape:
            return False, f"{blk.module}: {len(vin)} input beats, {len(vexp)} expected"
        got = run(x) & mask  # the port's bit pattern (int8: two's complement)
        for r, c in zip(*np.nonzero(got != want)):
            bad.append(f"vector {r} element {c}: emulator {got[r, c]}, testbench {want[r, c]}")
        what = f"{len(x)} vectors of {n}"
    else:
        p = blk.lanes
        rows = 0
        if len(vin) != len(vexp):
            return False, f"{blk.module}: {len(vin)} input beats, {len(vexp)} expected"
        for beats, x, keep in stream_rows(blk, vin):
            want = np.array([c for b in beats for c in _lanes(vexp[b], p, ow, False)], dtype=np.int64)
            got = run(x, keep) & mask
            for c in np.nonzero(got != want)[0]:
                bad.append(f"row {rows} element {c}: emulator {got[c]}, testbench {want[c]}")
            rows += 1
        what = f"{rows} rows, {len(vin)} beats"
    tag = "" if backend == "numpy" else ", softmax_lut.torch"
    if bad:
        return False, f"{blk.module}: MISMATCH, {len(bad)} codes differ ({what}{tag}); first: " + "; ".join(bad[:5])
    return True, f"{blk.module}: ok, bit-exact on {what}{tag}"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    backend = "numpy"
    if argv[0] == "--torch":
        backend, argv = "torch", argv[1:]
    ok = True
    for folder in argv:
        good, line = check(folder, backend)
        print(line)
        ok &= good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
