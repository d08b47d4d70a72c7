"""LOGEXP (ours): the softmax in the log domain, y_i = 2^OF e^-(d_i u + ln(S / T[0])), no multiplier.

The lanes read d (emulator.json's "laneInput": "d"), not the exponent entry
(generator/numerics/methods/logexp):

- normalisation: S = m 2^p; K = (ln_p[p - pMin] + ln_m[q] + 2^(guard-1)) mod 2^ksw >> guard, q the
  top `bits` bits of m - 1 (ln_p holds its entries modulo 2^ksw, as the RTL's adder wraps);
- lane: A = d 2^F + K; y = y_lut[index(A)], 0 past the table's end, where index(A) = A below 2^m,
  else k 2^(m-1) + (A >> k) with k = floor(log2 A) - m + 1.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._fixed import NUMPY, NumpyOps, floor_log2, mantissa_index


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, d: np.ndarray, s: np.ndarray, ops: NumpyOps = NUMPY) -> np.ndarray:
    p, q = mantissa_index(s, m["bits"], ops)
    g = m["guard"]
    k = ((tables["ln_p"][p - m["pMin"]] + tables["ln_m"][q] + (1 << (g - 1))) & ((1 << m["ksw"]) - 1)) >> g
    a = (d << m["F"]) + k
    mb = m["m"]
    sh = ops.maximum(floor_log2(ops.maximum(a, ops.full_like(a, 1)), ops) - mb + 1, ops.full_like(a, 0))
    idx = ops.where(a < (1 << mb), a, sh * (1 << (mb - 1)) + (a >> sh))
    y = tables["y_lut"]
    return ops.where(idx < len(y), y[ops.minimum(idx, ops.full_like(idx, len(y) - 1))], ops.full_like(idx, 0))
