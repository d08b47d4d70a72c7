"""2D LUT (Vasyltsov & Chang): y_i = LUT_2D[entry(S, e_i)] ~ e_i / S. No multiplier, no divider.

The table lut2d holds its entries already rounded and saturated (generator/numerics/methods/lut2d):

- linear:     row = (S >> sh) - base, col = e >> colShift (the top colBits bits of the entry); the rows
              one after another, 2^colBits entries each.
- normalized: S = m * 2^p; j = top `bits` bits of m - 1. The octave o = p - lead(e) of v = e / 2^p
              picks a block of the table (`octaves`: rowBits:colBits:base for o = 1, 2, ...): its row is
              j >> (bits - rowBits), its column the top colBits bits of e below its leading one. Octave 0
              reads entry oct0; e = 0 and the octaves past the list read entry tail.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._fixed import NUMPY, NumpyOps, floor_log2, mantissa_index


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, e: np.ndarray, s: np.ndarray, ops: NumpyOps = NUMPY) -> np.ndarray:
    lut = tables["lut2d"]
    if m["mode"] == "linear":
        row = (s >> m["sh"]) - m["base"]
        col = e >> m["colShift"]
        return lut[row * (1 << m["colBits"]) + col]
    p, j = mantissa_index(s, m["bits"], ops)
    octaves = [tuple(int(x) for x in o.split(":")) for o in m["octaves"].split(",")]
    nz = e > 0
    q = floor_log2(ops.where(nz, e, ops.full_like(e, 1)), ops)
    o = p - q
    idx = ops.full_like(o, m["tail"])
    idx = ops.where(nz & (o == 0), ops.full_like(o, m["oct0"]), idx)
    for k, (rb, cb, base) in enumerate(octaves, start=1):
        mant = ((e << cb) >> q) - (1 << cb)
        at = base + (j >> (m["bits"] - rb)) * (1 << cb) + mant
        idx = ops.where(nz & (o == k), at, idx)
    return lut[idx]
