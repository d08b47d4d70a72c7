"""The methods' normalisations and lanes, one module a method (generator/numerics/methods/<name>).

Each module has `quotient(m, tables, of, e, s, ops)`: the output codes, before saturation and the
zero point, of exponent entries e (..., L) with sums s (..., 1). m is the block's emulator.json
"method" object (its name, addressing and the constants of Method.emulation), tables the block's
method tables by name (int64 arrays of the backend), of the output's fraction bits, ops the array
backend (softmax_lut._fixed: NumPy, or torch from softmax_lut.torch). A quotient uses only Python's
operators on e and s and the functions of ops, so that one text serves both backends.

Adding a method: its module here with its `quotient`, and one line in _MODULES below.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

import numpy as np

Quotient = Callable[..., np.ndarray]

# the method's name as emulator.json writes it -> its module in this package
_MODULES = {
    "rexp": "rexp",
    "lut2d": "lut2d",
    "hls4ml-like": "hls4ml",
    "exact": "exact",
    "logexp": "logexp",
    "ibert": "ibert",
    # Softermax is rexp with a base-2 exponent (the exponent table holds its values): rexp's quotient
    "softermax": "rexp",
}

QUOTIENTS: dict[str, Quotient] = {name: importlib.import_module(f".{mod}", __name__).quotient for name, mod in _MODULES.items()}


def quotient_of(module: str, name: str) -> Quotient:
    """The quotient of the method `name`; a ValueError naming the block `module` if there is none."""
    try:
        return QUOTIENTS[name]
    except KeyError:
        raise ValueError(f"{module}: unknown method {name!r}") from None
