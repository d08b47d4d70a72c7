"""2D LUT (Vasyltsov & Chang): y_i = LUT_2D[row(S)][col(e_i)] ~ e_i / S. No multiplier, no divider.

The table lut2d holds its rows one after another, 2^colBits entries each, already rounded and
saturated (generator/numerics/methods/lut2d):

- linear:     row = (S >> sh) - base, col = e >> colShift (the top colBits bits of the entry).
- normalized: S = m * 2^p; row = top `bits` bits of m - 1, col = e >> (p - k), the top colBits bits
              of e / 2^p in [0, 2) (k = colBits - 1).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._fixed import mantissa_index


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, e: np.ndarray, s: np.ndarray) -> np.ndarray:
    if m["mode"] == "linear":
        row = np.right_shift(s, m["sh"]) - m["base"]
        col = np.right_shift(e, m["colShift"])
    else:
        p, row = mantissa_index(s, m["bits"])
        col = np.right_shift(e, p - m["k"])
    return tables["lut2d"][row * (1 << m["colBits"]) + col]
