"""softmax_lut.torch: a block's numerics in PyTorch, bit-exact with the NumPy emulator.

    import softmax_lut, softmax_lut.torch as slt
    blk = softmax_lut.load("generated/softmax_attention_p8_n2048")
    y = slt.codes(blk, x)                      # int64 input codes (..., L) -> output codes
    p = slt.softmax(blk, scores, mask=keep)    # real scores -> the block's probabilities
    out = slt.scaled_dot_product_attention(q, k, v, blk, is_causal=True)

The integer arithmetic is the emulator's own code (softmax_lut and its methods), run on torch int64
tensors through TorchOps instead of NumPy arrays: batched over any leading dimensions, on the
tensors' device, without leaving torch. `softmax` and `Softmax` pass the gradient straight through:
the forward value is the block's, the backward pass that of the float softmax of the same scores,
so that a model can be fine-tuned with the block in the loop.

A mask is boolean, True where an element takes part (the block's keep bits; the convention of
torch.nn.functional.scaled_dot_product_attention's boolean attn_mask), broadcast to the scores.
Masked elements get probability 0, and so does every element of a row with none kept.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from . import Block
from ._fixed import I64

__all__ = ["TorchOps", "codes", "probabilities", "quantize", "softmax", "Softmax", "scaled_dot_product_attention"]


class TorchOps:
    """The array functions of softmax_lut._fixed.NumpyOps on torch int64 tensors of one device."""

    def __init__(self, device: torch.device | str):
        self.device = torch.device(device)
        self.name = f"torch:{self.device}"

    def table(self, values) -> torch.Tensor:
        return torch.as_tensor(np.asarray(values, dtype=I64), device=self.device)

    def where(self, c, a, b):
        return torch.where(c, a, b)

    def minimum(self, a, b):
        return torch.minimum(a, b)

    def maximum(self, a, b):
        return torch.maximum(a, b)

    def full_like(self, like, v: int):
        return torch.full(tuple(like.shape), v, dtype=torch.int64, device=like.device)

    def row_max(self, x):
        return x.amax(dim=-1, keepdim=True)

    def row_sum(self, x):
        return x.sum(dim=-1, keepdim=True)


def _keep(blk: Block, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor | None:
    """The keep bits for x: None for a parallel block (which takes no mask), else the mask broadcast."""
    if blk.arch == "parallel":
        if mask is not None:
            raise ValueError(f"{blk.module}: a parallel block has no keep mask")
        return None
    if mask is None:
        return torch.ones(tuple(x.shape), dtype=torch.bool, device=x.device)
    k = torch.as_tensor(mask, device=x.device).to(torch.bool)
    try:
        return k.expand(tuple(x.shape))
    except RuntimeError:
        raise ValueError(f"{blk.module}: the mask's shape {tuple(k.shape)} does not broadcast to the scores' {tuple(x.shape)}") from None


def codes(blk: Block, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """The block's output codes (int64) for integer input codes x (..., L) on x's device.

    As blk(codes, keep=mask) of the NumPy emulator: a parallel block takes (..., n) and no mask, a
    stream block rows of 1..maxN with their keep bits (default: all kept). Output type int8: y - 128.
    """
    if x.dtype.is_floating_point or x.dtype == torch.bool:
        raise TypeError(f"{blk.module}: codes must be integers (use softmax() for real scores)")
    x = x.to(torch.int64)
    k = _keep(blk, x, mask)
    blk._check_shape(tuple(x.shape), None)
    if x.numel():
        blk._check_codes(int(x.min()), int(x.max()))
    if k is not None and k.numel():
        blk._check_kept(int(k.sum(dim=-1).max()))
    return blk.codes(x, k, TorchOps(x.device))


def quantize(blk: Block, scores: torch.Tensor) -> torch.Tensor:
    """Real scores to the block's input codes: scores / input.scale in the input format, rounded to
    nearest (half up) and saturated, as Block.softmax does after dividing by the scale."""
    v = torch.floor(scores.detach().to(torch.float64) / blk.in_scale * 2.0**blk.in_frac + 0.5)
    lo, hi = -(1 << (blk.in_width - 1)), (1 << (blk.in_width - 1)) - 1
    return v.clamp(lo, hi).to(torch.int64)


def probabilities(blk: Block, y: torch.Tensor, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Output codes to probabilities: (y - zero point) 2^-OF."""
    return ((y - blk.zero_point).to(torch.float64) * 2.0**-blk.out_frac).to(dtype)


def softmax(blk: Block, scores: torch.Tensor, mask: torch.Tensor | None = None, straight_through: bool = True) -> torch.Tensor:
    """The block's softmax of real scores along the last dimension, as the hardware computes it.

    scores are the values a float softmax would take (softmax(scores) is what the block
    approximates); the block sees them as codes of its input format and input.scale. The result has
    the scores' dtype and device. With straight_through (the default) its gradient is that of the
    float softmax of the same scores and mask; without, it is a constant.
    """
    k = _keep(blk, scores, mask)
    y = probabilities(blk, codes(blk, quantize(blk, scores), k), scores.dtype if scores.dtype.is_floating_point else torch.float32)
    if not straight_through or not scores.requires_grad:
        return y
    z = scores if k is None else scores.masked_fill(~k, float("-inf"))
    soft = torch.softmax(z, dim=-1)
    if k is not None:
        soft = torch.where(k.any(dim=-1, keepdim=True), soft, torch.zeros_like(soft))
    return soft + (y - soft).detach()


class Softmax(torch.nn.Module):
    """A block's softmax as a module: Softmax(blk)(scores, mask=None), over the last dimension.

    A drop-in for the softmax of an attention layer; see softmax() for the values and the gradient.
    """

    def __init__(self, blk: Block, straight_through: bool = True):
        super().__init__()
        self.blk = blk
        self.straight_through = straight_through

    def forward(self, scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return softmax(self.blk, scores, mask, self.straight_through)

    def extra_repr(self) -> str:
        return f"{self.blk.module}, straight_through={self.straight_through}"


def scaled_dot_product_attention(q, k, v, blk: Block, attn_mask=None, is_causal: bool = False, scale: float | None = None, straight_through: bool = True):
    """torch.nn.functional.scaled_dot_product_attention with the block's softmax (no dropout).

    q (..., Tq, E), k (..., Tk, E), v (..., Tk, Ev); attn_mask boolean (True: attend), broadcast to
    (..., Tq, Tk); is_causal: the causal mask (query i attends keys 0..i); scale: default 1/sqrt(E).
    The block must be a stream block whose maxN covers Tk, or a parallel block with n = Tk and no mask.
    """
    s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]) if scale is None else scale)
    mask = attn_mask
    if mask is not None and mask.dtype != torch.bool:
        raise TypeError("attn_mask: a boolean mask (True: attend) is expected")
    if is_causal:
        tq, tk = s.shape[-2], s.shape[-1]
        causal = torch.ones(tq, tk, dtype=torch.bool, device=s.device).tril()
        mask = causal if mask is None else mask & causal
    return softmax(blk, s, mask, straight_through) @ v
