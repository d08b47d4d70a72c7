"""Calibration: the input type and scale of a block, from captured attention scores.

    import softmax_lut
    cal = softmax_lut.calibrate(scores, mask)            # scores (..., L), real; mask True: kept
    cal.scale, cal.clipped, cal.config({"name": "att", "arch": "stream", ...})
    cal.error(softmax_lut.load("generated/att"))        # the block's error on these scores

    python3 -m softmax_lut.calibration scores.npy --config base.json --out att.json [--block generated/att]
    softmax-lut-calibrate ...   (the same, installed by pip)

The rule: an intN input (N = 8 by default) whose scale puts both the spread of a row (max - score)
and the scores' magnitude |score| at their `coverage` percentile (99.99 % by default) on 2^(N-1) - 1
codes, rounded to 6 decimals. The spread is what the block's exponent sees (d = max - x in codes);
the magnitude is what its input codes must hold before the block subtracts the max. What falls
outside saturates: `clipped` is the share of kept scores whose code saturates.

The error is measured, not estimated: without a block, that of the input format alone (the float
softmax of the quantised, saturated scores against that of the scores), an ideal block's error;
with a block (generated from `config()`), the block's own bit-exact output against the float
softmax of the scores. Both in LSBs of the block's output (2^-8 for 8 fraction bits).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from . import Block, load
from ._fixed import quantize

__all__ = ["Calibration", "calibrate"]


def _kept(scores: np.ndarray, mask) -> np.ndarray:
    """The keep bits: the mask broadcast to the scores, and no NaN or infinite score kept."""
    k = np.isfinite(scores)
    if mask is not None:
        k = k & np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
    return k


def _float_softmax(z: np.ndarray, k: np.ndarray) -> np.ndarray:
    """softmax along the last axis over the kept elements (0 elsewhere, and in a row with none kept)."""
    z = np.where(k, z, -np.inf)
    m = z.max(axis=-1, keepdims=True)
    e = np.where(k, np.exp(z - np.where(np.isfinite(m), m, 0)), 0.0)
    s = e.sum(axis=-1, keepdims=True)
    return np.divide(e, s, out=np.zeros_like(e), where=s > 0)


class Calibration:
    """A proposed input format for scores: intN with `scale`, and what it does to them."""

    def __init__(self, scores: np.ndarray, keep: np.ndarray, bits: int, coverage: float, out_frac: int):
        self.scores, self.keep = scores, keep
        self.bits, self.coverage = bits, coverage
        self.out_frac = out_frac
        top = (1 << (bits - 1)) - 1
        rows = keep.any(axis=-1)
        mx = np.where(keep, scores, -np.inf).max(axis=-1, keepdims=True)
        spread = (np.where(rows[..., None], mx, 0) - scores)[keep]
        if spread.size == 0:
            raise ValueError("calibrate: no kept scores (every score masked, NaN or infinite)")
        self.spread = float(np.percentile(spread, coverage))
        self.magnitude = float(np.percentile(np.abs(scores[keep]), coverage))
        self.scale = round(max(self.spread, self.magnitude, 1e-12) / top, 6)
        if self.scale <= 0:
            self.scale = 1e-6
        codes = np.floor(scores[keep] / self.scale + 0.5)
        self.clipped = float(np.mean((codes < -top - 1) | (codes > top)))
        self.rows = int(rows.sum())
        self.kept = int(keep.sum())

    @property
    def input(self) -> dict:
        """The config's input object: {"type": "intN", "scale": scale}."""
        return {"type": f"int{self.bits}", "scale": self.scale}

    def config(self, base: dict | None = None) -> dict:
        """A config for `generate`: base (its other keys as they are) with this input."""
        return {**(base or {}), "input": self.input}

    def codes(self) -> np.ndarray:
        """The scores as the block's input codes (masked elements 0)."""
        return quantize(np.where(self.keep, self.scores, 0), self.scale, self.bits)

    def error(self, block: Block | None = None) -> dict:
        """Max and mean |p - softmax(scores)| over the kept elements, in output LSBs (2^-OF).

        Without a block: the input format alone (float softmax of the quantised scores). With one:
        the block's outputs; its input must be this calibration's (type and scale).
        """
        ref = _float_softmax(self.scores, self.keep)
        if block is None:
            p = _float_softmax(self.codes() * self.scale, self.keep)
            of, what = self.out_frac, "input format alone"
        else:
            if block.in_width != self.bits or block.in_frac != 0 or abs(block.in_scale - self.scale) > 1e-12:
                raise ValueError(f"calibrate: {block.module} takes {block.in_width}-bit codes with {block.in_frac} fraction bits and scale {block.in_scale}, not int{self.bits} x {self.scale}")
            if block.arch == "parallel":
                if not self.keep.all() or self.scores.shape[-1] != block.n:
                    raise ValueError(f"calibrate: {block.module} is a parallel block of n = {block.n}: rows of exactly {block.n} scores, none masked")
                p = block.probabilities(block(self.codes()))
            else:
                p = block.probabilities(block(self.codes(), keep=self.keep))
            of, what = block.out_frac, block.module
        d = np.abs(p - ref)[self.keep] * 2.0**of
        return {"of": what, "maxLsb": float(d.max()), "meanLsb": float(d.mean())}

    def summary(self, block: Block | None = None) -> str:
        e = self.error(block)
        return "\n".join(
            [
                f"calibrate: {self.rows} rows, {self.kept} kept scores",
                f"  spread (max - score) at {self.coverage} %: {self.spread:.6g}; |score| at {self.coverage} %: {self.magnitude:.6g}",
                f"  proposed input: int{self.bits} x {self.scale} ({(1 << (self.bits - 1)) - 1} codes = {self.scale * ((1 << (self.bits - 1)) - 1):.6g})",
                f"  clipped: {100 * self.clipped:.4f} % of the kept scores saturate",
                f"  error ({e['of']}): max {e['maxLsb']:.4f} LSB, mean {e['meanLsb']:.4f} LSB of 2^-{self.out_frac if block is None else block.out_frac}",
            ]
        )


def calibrate(scores, mask=None, *, bits: int = 8, coverage: float = 99.99, out_frac: int = 8) -> Calibration:
    """Propose an intN input (N = bits) and its scale for real scores (..., L) along the last axis.

    mask: boolean, True where a score takes part (broadcast to the scores); NaN and infinite scores
    are masked too. coverage: the percentile of the spread and the magnitude that the codes hold.
    out_frac: the output's fraction bits, for the error without a block (8: uint8).
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim == 0:
        raise ValueError("calibrate: scores must have at least one axis (rows along the last)")
    if not 2 <= bits <= 32:
        raise ValueError(f"calibrate: bits {bits}, allowed 2..32")
    if not 50 <= coverage <= 100:
        raise ValueError(f"calibrate: coverage {coverage}, allowed 50..100 (a percentile)")
    return Calibration(s, _kept(s, mask), bits, coverage, out_frac)


def _load_scores(path: str) -> tuple[np.ndarray, np.ndarray | None]:
    if path.endswith(".npz"):
        with np.load(path) as z:
            if "scores" not in z:
                raise ValueError(f"{path}: an .npz needs an array named 'scores' (and may have 'mask'), has {sorted(z.files)}")
            return z["scores"], (z["mask"] if "mask" in z else None)
    return np.load(path), None


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="softmax-lut-calibrate",
        description="Propose a block's input type and scale from captured attention scores, report the share clipped and the error, write a config for generate.",
        epilog="examples:\n"
        "  softmax-lut-calibrate scores.npy --config presets/attention_p8_n2048.json --out att.json\n"
        "  softmax-lut-calibrate scores.npz --block generated/att   (after: softmax-lut generate att.json)\n"
        "scores: a .npy of real scores (..., L), NaN where an element is not in its row, or a .npz with 'scores' and a boolean 'mask'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("scores", help=".npy or .npz of captured scores")
    ap.add_argument("--config", help="a config to take every other key from (its input is replaced)")
    ap.add_argument("--out", help="write the calibrated config here (a file that exists is not overwritten)")
    ap.add_argument("--block", help="a generated block (folder or emulator.json) with this input: report its bit-exact error")
    ap.add_argument("--bits", type=int, default=8, help="input width N of intN (default 8)")
    ap.add_argument("--coverage", type=float, default=99.99, help="percentile the codes hold (default 99.99)")
    a = ap.parse_args(argv)
    if a.out and os.path.exists(a.out):
        print(f"calibrate: --out {a.out} exists: not overwritten", file=sys.stderr)
        return 2
    try:
        scores, mask = _load_scores(a.scores)
        base = None
        if a.config:
            with open(a.config, encoding="utf-8") as fh:
                base = json.load(fh)
        blk = load(a.block) if a.block else None
        cal = calibrate(scores, mask, bits=a.bits, coverage=a.coverage, out_frac=blk.out_frac if blk else 8)
        print(cal.summary(blk))
        if a.out:
            cfg = cal.config(base)
            with open(a.out, "x", encoding="utf-8") as fh:
                json.dump(cfg, fh, indent=2)
                fh.write("\n")
            print(f"wrote {a.out}: input {json.dumps(cal.input)}")
    except FileExistsError:
        print(f"calibrate: --out {a.out} exists: not overwritten", file=sys.stderr)
        return 2
    except (OSError, ValueError) as e:
        print(f"calibrate: {e}", file=sys.stderr)
        return 2
    return 0


def cli() -> None:
    """The console script softmax-lut-calibrate."""
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    cli()
