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

from .._fixed import floor_log2, mantissa_index


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, d: np.ndarray, s: np.ndarray) -> np.ndarray:
    p, q = mantissa_index(s, m["bits"])
    g = m["guard"]
    k = np.right_shift((tables["ln_p"][p - m["pMin"]] + tables["ln_m"][q] + (1 << (g - 1))) & ((1 << m["ksw"]) - 1), g)
    a = np.left_shift(d, m["F"]) + k
    mb = m["m"]
    sh = np.maximum(floor_log2(np.maximum(a, 1)) - mb + 1, 0)
    idx = np.where(a < (1 << mb), a, sh * (1 << (mb - 1)) + np.right_shift(a, sh))
    y = tables["y_lut"]
    return np.where(idx < len(y), y[np.minimum(idx, len(y) - 1)], 0)
