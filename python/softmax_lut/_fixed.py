"""The fixed-point helpers the block and its methods share: int64 arithmetic as the RTL does it."""

from __future__ import annotations

import numpy as np

I64 = np.int64


def floor_log2(s: np.ndarray) -> np.ndarray:
    """The position of the leading one of each positive integer (exact for int64)."""
    p = np.floor(np.log2(s.astype(np.float64))).astype(I64)
    # float64 may round a value just below a power of two up to it: correct by one either way
    p = np.where((np.left_shift(I64(1), p) > s), p - 1, p)
    p = np.where((np.left_shift(I64(1), p + 1) <= s), p + 1, p)
    return p


def mantissa_index(s: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """S = m 2^p with m in [1, 2): p and the top `bits` bits of m - 1."""
    p = floor_log2(s)
    j = np.right_shift(np.left_shift(s, bits), p) - (1 << bits)
    return p, j


def round_shift(v: np.ndarray, s: int) -> np.ndarray:
    """Round half up of v / 2^s (s may be 0 or negative: an exact left shift)."""
    if s <= 0:
        return np.left_shift(v, -s)
    return np.right_shift(np.right_shift(v, s - 1) + 1, 1)
