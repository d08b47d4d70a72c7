"""Baseline "hls4ml-like": hls4ml's softmax (implementation 'stable'), as the generator reads it.

The sum S (units of 2^-10) saturates at max (hls4ml's default inv_inp_t ap_fixed<18,8>: 2^17 - 1; the
tuned ap_ufixed<18,I> holds every sum); the inverse table inv_lut (entries 1 / the lower edge of the bin,
ap_fixed<18,8>) is addressed by the sum's top bits, S >> indexShift; the lane casts y_i = e_i * inv to the output by truncation (AP_TRN):
floor(e_i * inv / 2^shift), shift = 20 - OF (a left shift when negative), wrapped to the output's
width when wrap is set (hls4ml's defaults; the table then repeats for d past 2^(IW-1)). See
generator/numerics/methods/hls4ml for every assumption.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._fixed import NUMPY, NumpyOps


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, e: np.ndarray, s: np.ndarray, ops: NumpyOps = NUMPY) -> np.ndarray:
    sat = ops.minimum(s, ops.full_like(s, m["max"]))
    inv = tables["inv_lut"][sat >> m["indexShift"]]
    prod = e * inv
    sh = m["shift"]
    y = prod >> sh if sh >= 0 else prod << -sh
    # hls4ml's default output type wraps (AP_WRAP): the low output bits
    return y & ((1 << m["outWidth"]) - 1) if m.get("wrap") else y
