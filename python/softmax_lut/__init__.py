"""softmax_lut: a bit-exact NumPy emulator of the softmax blocks that softmax-lut generates.

It reads a block's emulator.json (written by the generator next to the RTL) and computes, in its
own code, what the RTL computes: the maximum, d = max - x, the exponent table (direct, or
range-reduced), the sum S, the method's normalisation and its lanes, saturation and the output's
zero point.

    import softmax_lut
    blk = softmax_lut.load("generated/softmax_default")
    y = blk(codes)               # integer codes of shape (..., n) -> output codes, same shape
    y = blk(row, keep=mask)      # a stream block: one row of 1..maxN codes and its keep bits
    p = blk.softmax(scores)      # real scores: quantised with the block's input format, probabilities back
    cal = softmax_lut.calibrate(scores, mask)   # an input type and scale for captured scores

Only NumPy is needed. Every integer stays below 2^63 (int64) for the formats the generator allows.

The block (this module) does what every method shares: the exponent entries, the sum, saturation
at the largest code, the zero point and a stream block's masks. Each method's normalisation and
lanes, from S and e_i to the output code before saturation, is one module of softmax_lut/methods/
(rexp.py, lut2d.py, hls4ml.py, exact.py: a function quotient(m, tables, of, e, s)), registered by
its emulator.json name in methods/__init__.py; the fixed-point helpers they share are in _fixed.py.
Adding a method to the generator: its module in methods/ and one line in methods' _MODULES.
"""

from __future__ import annotations

import json
import os

import numpy as np

from ._fixed import I64 as _I64
from ._fixed import NUMPY, NumpyOps, quantize
from .methods import quotient_of

__all__ = ["Block", "load", "calibrate", "FORMAT", "__version__"]

# package.json's version (python/pyproject.toml has it too; test/python-package.test.ts compares)
__version__ = "0.1.0"

FORMAT = "softmax-lut emulator 1"

class Block:
    """One generated block, from its emulator.json document."""

    def __init__(self, doc: dict, path: str | None = None):
        if doc.get("format") != FORMAT:
            raise ValueError(f"{path or 'emulator.json'}: format {doc.get('format')!r}, expected {FORMAT!r}")
        self.doc = doc
        self.path = path
        self.module: str = doc["module"]
        self.arch: str = doc["arch"]
        self.n: int = doc["n"]
        self.lanes: int | None = doc.get("lanes")
        self.max_n: int | None = doc.get("maxN")
        i, o = doc["input"], doc["output"]
        self.in_width, self.in_frac, self.in_scale = i["width"], i["frac"], float(i["scale"])
        self.out_width, self.out_frac = o["width"], o["frac"]
        self.rounding: str = o["rounding"]
        self.zero_point: int = o["zeroPoint"]
        self.max_code = (1 << self.out_width) - 1
        self.method: dict = doc["method"]
        e = doc["exp"]
        self._exp = np.asarray(e["table"], dtype=_I64)
        self._exp_shift: int = e["shift"]
        self._exp_lo = np.asarray(e["lo"], dtype=_I64) if "lo" in e else None
        self._exp_lo_frac: int | None = e.get("loFrac")
        # Softermax's online sum: IntMax (the max rounded up to a multiple of the granule) and
        # S = floor(sum of online_sum[d'] / 2^zmax), exact
        on = e.get("online")
        self._granule: int = on["granule"] if on else 1
        self._zmax: int = on["zmax"] if on else 0
        self._online_sum = np.asarray(on["sum"], dtype=_I64) if on else None
        self._tables = {k: np.asarray(v, dtype=_I64) for k, v in doc["tables"].items()}
        # the tables as arrays of each backend used (tables())
        self._by_backend: dict[str, dict] = {}

    def __repr__(self) -> str:
        m = self.method
        shape = f"stream P={self.lanes} maxN={self.max_n}" if self.arch == "stream" else f"n={self.n}"
        return f"<softmax_lut.Block {self.module}: {shape}, {m['name']} {m['addressing']}, in {self.in_width}.{self.in_frac}, out {self.out_width}.{self.out_frac}>"

    # ---- the pieces ------------------------------------------------------------------------------

    def tables(self, ops: NumpyOps = NUMPY) -> dict:
        """The block's tables as arrays of the backend `ops`, made once per backend."""
        key = ops.name
        if key not in self._by_backend:
            t = {"exp": ops.table(self._exp), **{f"m:{k}": ops.table(v) for k, v in self._tables.items()}}
            if self._exp_lo is not None:
                t["exp_lo"] = ops.table(self._exp_lo)
            if self._online_sum is not None:
                t["online_sum"] = ops.table(self._online_sum)
            self._by_backend[key] = t
        return self._by_backend[key]

    def exp(self, d, ops: NumpyOps = NUMPY):
        """The exponent entry e(d) of each difference d = max - x >= 0."""
        if ops is NUMPY:
            d = np.asarray(d, dtype=_I64)
        t = self.tables(ops)
        k = d >> self._exp_shift
        n = len(self._exp)
        hi = ops.where(k < n, t["exp"][ops.minimum(k, ops.full_like(k, n - 1))], ops.full_like(k, 0))
        if self._exp_lo is None:
            return hi
        lo = t["exp_lo"][d & ((1 << self._exp_shift) - 1)]
        f = self._exp_lo_frac
        return (hi * lo + (1 << (f - 1))) >> f

    def _quotient(self, e, d, s, ops: NumpyOps = NUMPY):
        """Output codes (before the zero point) of entries e and differences d (..., L) with sums s (..., 1).

        A method's lanes read e, or d when its emulator.json says "laneInput": "d" (logexp).
        """
        v = d if self.method.get("laneInput") == "d" else e
        t = self.tables(ops)
        tabs = {k: t[f"m:{k}"] for k in self._tables}
        y = quotient_of(self.module, self.method["name"])(self.method, tabs, self.out_frac, v, s, ops)
        return ops.minimum(y, ops.full_like(y, self.max_code))

    # ---- the block -------------------------------------------------------------------------------

    def _sum(self, e, d, k=None, ops: NumpyOps = NUMPY):
        """S of entries e and differences d (..., L), over the kept elements k: the sum of e, or the online sum."""
        if self._online_sum is None:
            return ops.row_sum(e)
        os_ = self.tables(ops)["online_sum"]
        v = os_[ops.minimum(d, ops.full_like(d, len(self._online_sum) - 1))]
        if k is not None:
            v = ops.where(k, v, ops.full_like(v, 0))
        return ops.row_sum(v) >> self._zmax

    def _check_codes(self, lo_seen: int, hi_seen: int) -> None:
        lo, hi = -(1 << (self.in_width - 1)), (1 << (self.in_width - 1)) - 1
        if lo_seen < lo or hi_seen > hi:
            raise ValueError(f"{self.module}: input codes must lie in {lo}..{hi} ({self.in_width}-bit signed)")

    def _check_shape(self, shape: tuple, keep_shape: tuple | None) -> None:
        """The checks of __call__ on the codes' shape (and the keep mask's), for either backend."""
        if self.arch == "parallel":
            if keep_shape is not None:
                raise ValueError(f"{self.module}: a parallel block has no keep mask")
            if len(shape) == 0 or shape[-1] != self.n:
                raise ValueError(f"{self.module}: codes of shape (..., {self.n}) expected, got {tuple(shape)}")
            return
        if len(shape) == 0:
            raise ValueError(f"{self.module}: a stream block takes rows (..., length), got a scalar")
        limit = -(-self.max_n // self.lanes) * self.lanes
        if not 1 <= shape[-1] <= limit:
            raise ValueError(f"{self.module}: rows of 1..{self.max_n} elements expected, got {shape[-1]}")
        if keep_shape is not None and tuple(keep_shape) != tuple(shape):
            raise ValueError(f"{self.module}: keep must have the codes' shape {tuple(shape)}, got {tuple(keep_shape)}")

    def _check_kept(self, most: int) -> None:
        """A stream block's check of the most kept elements in any row."""
        if most > self.max_n:
            raise ValueError(f"{self.module}: at most {self.max_n} kept elements in a row")

    def codes(self, x, k=None, ops: NumpyOps = NUMPY):
        """Output codes of int64 input codes x (..., L) of the backend `ops`, checked by the caller.

        Parallel block: k is None. Stream block: k, the keep bits (bool, x's shape); a row is the
        vector of its kept elements, masked elements give 0, and a row with none gives 0s. The zero
        point is added.
        """
        if self.arch == "parallel":
            mx = ops.row_max(x)
            d = mx - x + (-mx) % self._granule
            e = self.exp(d, ops)
            s = self._sum(e, d, None, ops)
            return self._quotient(e, d, s, ops) + self.zero_point
        zero = ops.full_like(x, 0)
        lo = -(1 << (self.in_width - 1))
        mx = ops.row_max(ops.where(k, x, ops.full_like(x, lo)))
        d = ops.where(k, mx - x + (-mx) % self._granule, zero)
        e = ops.where(k, self.exp(d, ops), zero)
        s = self._sum(e, d, k, ops)
        any_kept = s > 0
        y = self._quotient(e, d, ops.where(any_kept, s, ops.full_like(s, int(self._exp[0]))), ops)
        return ops.where(k & any_kept, y, zero) + self.zero_point

    def __call__(self, codes, keep=None) -> np.ndarray:
        """Output codes for input codes.

        Parallel block: codes of shape (..., n). Stream block: rows of shape (..., L), L up to maxN (a
        row's beat padding may be included, masked), and `keep`, their keep bits (default: all kept);
        masked elements give probability 0, and a row is the vector of its kept elements. With
        output type int8 the codes are TFLite's: y - 128.
        """
        x = np.asarray(codes)
        if not np.issubdtype(x.dtype, np.integer):
            raise TypeError(f"{self.module}: codes must be integers (use .softmax() for real scores)")
        x = x.astype(_I64)
        if x.size:
            self._check_codes(int(x.min()), int(x.max()))
        self._check_shape(x.shape, None if keep is None else np.shape(keep))
        if self.arch == "parallel":
            return self.codes(x)
        k = np.ones(x.shape, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
        if k.size:
            self._check_kept(int(k.sum(axis=-1).max()))
        return self.codes(x, k)

    def quantize(self, scores) -> np.ndarray:
        """Real scores to input codes: round to nearest (half up), saturate to the input width."""
        return quantize(scores, 2.0**-self.in_frac, self.in_width)

    def probabilities(self, codes) -> np.ndarray:
        """Output codes (as __call__ returns them) to probabilities."""
        return (np.asarray(codes, dtype=np.float64) - self.zero_point) * 2.0**-self.out_frac

    def softmax(self, scores, keep=None) -> np.ndarray:
        """The block's softmax of real scores: softmax(input.scale * scores) as the hardware computes it."""
        return self.probabilities(self(self.quantize(scores), keep=keep))


def calibrate(scores, mask=None, **kw):
    """Propose a block's input type and scale for captured scores: softmax_lut.calibration.calibrate."""
    from .calibration import calibrate as _calibrate

    return _calibrate(scores, mask, **kw)


def load(path: str) -> Block:
    """A block from its folder (generated/<name>) or its emulator.json."""
    f = os.path.join(path, "emulator.json") if os.path.isdir(path) else path
    with open(f, encoding="utf-8") as fh:
        return Block(json.load(fh), f)
