"""Baseline "exact": the correctly rounded quotient of the table's exponentials, one real divider a lane.

    y_i = round(e_i * 2^OF / S) = floor((e_i * 2^(OF+1) + S) / (2 S))

The accuracy ceiling and the area reference (generator/numerics/methods/exact). Its method object
has no constants and the block no method tables.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .._fixed import NUMPY, NumpyOps


def quotient(m: dict, tables: Mapping[str, np.ndarray], of: int, e: np.ndarray, s: np.ndarray, ops: NumpyOps = NUMPY) -> np.ndarray:
    return (e * (1 << (of + 1)) + s) // (2 * s)
