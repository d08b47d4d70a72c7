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

from .._fixed import I64, floor_log2, mantissa_index


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, e: np.ndarray, s: np.ndarray) -> np.ndarray:
    lut = tables["lut2d"]
    if m["mode"] == "linear":
        row = np.right_shift(s, m["sh"]) - m["base"]
        col = np.right_shift(e, m["colShift"])
        return lut[row * (1 << m["colBits"]) + col]
    p, j = mantissa_index(s, m["bits"])
    octaves = [tuple(int(x) for x in o.split(":")) for o in m["octaves"].split(",")]
    e = np.asarray(e, dtype=I64)
    nz = e > 0
    q = floor_log2(np.where(nz, e, 1))
    o = p - q
    idx = np.full(np.broadcast(e, s).shape, m["tail"], dtype=I64)
    idx = np.where(nz & (o == 0), m["oct0"], idx)
    for k, (rb, cb, base) in enumerate(octaves, start=1):
        mant = np.right_shift(np.left_shift(e, cb), q) - (1 << cb)
        at = base + np.right_shift(j, m["bits"] - rb) * (1 << cb) + mant
        idx = np.where(nz & (o == k), at, idx)
    return lut[idx]
