"""Baseline I-BERT: the integer softmax of Kim et al. (ICML 2021), one integer divider a lane.

    y_i = floor(e_i * 2^OF / S)

e_i is I-BERT's i-exp, a polynomial shifted by the quotient of d by ln 2 at the working scale
(generator/numerics/methods/ibert); the block computes it without a table, and emulator.json holds
its value for every d, which the emulator reads as it reads any exponent table.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._fixed import NUMPY, NumpyOps


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, e: np.ndarray, s: np.ndarray, ops: NumpyOps = NUMPY) -> np.ndarray:
    return (e * (1 << of)) // s
