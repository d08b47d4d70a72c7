"""REXP (Vasyltsov & Chang): y_i = LUT_1/e[d_i] * LUT_alpha[index(S)], one multiplier per lane.

From the reciprocal table recip_lut (and slope_lut when interpolated), generator/numerics/methods/rexp:

- linear:       alpha = recip_lut[(S >> sh) - base] ~ 2^A / S;  y = round(e * alpha / 2^(A - OF))
- normalized:   S = m * 2^p, r = 2^(RW-1) + recip_lut[top `bits` bits of m - 1] ~ 2^RW / m;
                y = round(e * r / 2^(RW + p - OF)), as ((e r 2^pad) >> (p + k) + 1) >> 1
- interpolated: as normalized, with j = top b bits of m - 1, f = the next t bits and
                r = 2^(RW-1) + recip_lut[j] - floor(slope_lut[j] * f / 2^t)

With output rounding "correct" (normalized or interpolated), y0 as above is within one of
round(e * 2^OF / S), and the remainder e 2^(OF+1) + S - 2 S y0 picks y0 - 1, y0 or y0 + 1.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._fixed import NUMPY, NumpyOps, mantissa_index, round_shift


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, e: np.ndarray, s: np.ndarray, ops: NumpyOps = NUMPY) -> np.ndarray:
    rl = tables["recip_lut"]
    if m["mode"] == "linear":
        alpha = rl[(s >> m["sh"]) - m["base"]]
        return round_shift(e * alpha, m["a"] - of)
    rw, k, pad = m["rw"], m["k"], m["pad"]
    if m["mode"] == "interpolated":
        b, t = m["b"], m["t"]
        p, q = mantissa_index(s, b + t, ops)
        j = q >> t
        f = q & ((1 << t) - 1)
        r = rl[j] + (1 << (rw - 1)) - ((tables["slope_lut"][j] * f) >> t)
    else:
        p, j = mantissa_index(s, m["bits"], ops)
        r = rl[j] + (1 << (rw - 1))
    prod = (e * r) << pad
    y0 = ((prod >> (p + k)) + 1) >> 1
    if not m["correct"]:
        return y0
    # correct rounding: the remainder t = e 2^(OF+1) + S - 2 S y0 picks y0 - 1, y0 or y0 + 1
    t = e * (1 << (of + 1)) + s - 2 * s * y0
    return ops.where(t < 0, y0 - 1, ops.where(t >= 2 * s, y0 + 1, y0))
