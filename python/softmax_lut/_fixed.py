"""The integer arithmetic the block and its methods share, on NumPy arrays or torch tensors.

Every computation of the emulator is written once, with Python's operators (+ - * // % << >> &,
which NumPy and torch give the same meaning on int64) and the few functions of an `Ops` object:
NumpyOps here, TorchOps in softmax_lut.torch. So the torch path is the NumPy emulator's own code,
not a second copy of it.
"""

from __future__ import annotations

import numpy as np

I64 = np.int64


class NumpyOps:
    """The array functions the emulator needs, on NumPy int64 arrays."""

    name = "numpy"

    def table(self, values) -> np.ndarray:
        """A table (a list of integers, or an int64 array) as an array of this backend."""
        return np.asarray(values, dtype=I64)

    def where(self, c, a, b):
        return np.where(c, a, b)

    def minimum(self, a, b):
        return np.minimum(a, b)

    def maximum(self, a, b):
        return np.maximum(a, b)

    def full_like(self, like, v: int):
        return np.full(np.shape(like), v, dtype=I64)

    def row_max(self, x):
        return x.max(axis=-1, keepdims=True)

    def row_sum(self, x):
        return x.sum(axis=-1, keepdims=True)


NUMPY = NumpyOps()


def floor_log2(s, ops=NUMPY):
    """The position of the leading one of each positive integer below 2^63, by integer steps only."""
    p = ops.full_like(s, 0)
    for sh in (32, 16, 8, 4, 2, 1):
        t = s >> sh
        up = t > 0
        s = ops.where(up, t, s)
        p = p + ops.where(up, ops.full_like(p, sh), ops.full_like(p, 0))
    return p


def mantissa_index(s, bits: int, ops=NUMPY):
    """S = m 2^p with m in [1, 2): p and the top `bits` bits of m - 1."""
    p = floor_log2(s, ops)
    j = ((s << bits) >> p) - (1 << bits)
    return p, j


def quantize(values, unit: float, width: int) -> np.ndarray:
    """Real values to signed codes of `width` bits counting `unit`: round half up, saturate."""
    v = np.floor(np.asarray(values, dtype=np.float64) / unit + 0.5)
    return np.clip(v, -(1 << (width - 1)), (1 << (width - 1)) - 1).astype(I64)


def round_shift(v, s: int):
    """Round half up of v / 2^s (s may be 0 or negative: an exact left shift)."""
    if s <= 0:
        return v << -s
    return ((v >> (s - 1)) + 1) >> 1
