"""Transformer pieces in numpy: sinusoidal positional encoding and the position-wise feed-forward block.

Self-attention treats its input as a *set*: permuting the positions permutes
the output the same way. The sinusoidal *positional encoding* (位置编码)
added to the input breaks that symmetry::

    PE[pos, 2i]   = sin(pos / 10000^(2i / d_model))
    PE[pos, 2i+1] = cos(pos / 10000^(2i / d_model))

The *position-wise feed-forward network* (逐位前馈网络) is a one-hidden-layer
MLP applied to every position on its own: ``FFN(x) = max(0, x W1^T + b1) W2^T + b2``.
"""

from __future__ import annotations

import numpy as np

from ..utils import as_generator
from .base import Layer, as_float_array, check_positive_int
from .linear import Linear

__all__ = ["positional_encoding", "PositionwiseFeedForward"]


def positional_encoding(max_len: int, d_model: int, base: float = 10000.0) -> np.ndarray:
    """The sinusoidal encoding of positions ``0..max_len-1``; every entry lies in [-1, 1].

    Shape: ``(max_len, d_model)`` (``d_model`` even).
    """
    max_len, d_model = check_positive_int(max_len, "max_len"), check_positive_int(d_model, "d_model")
    if d_model % 2:
        raise ValueError(f"d_model must be even (sine/cosine pairs), got {d_model}")
    pos = np.arange(max_len)[:, None]
    freq = base ** (-np.arange(0, d_model, 2) / d_model)
    pe = np.empty((max_len, d_model))
    pe[:, 0::2] = np.sin(pos * freq)
    pe[:, 1::2] = np.cos(pos * freq)
    return pe


class PositionwiseFeedForward(Layer):
    """``linear2(relu(linear1(x)))`` at every position (the FFN of a Transformer layer).

    Sub-layers are named ``linear1`` and ``linear2`` as in
    ``torch.nn.TransformerEncoderLayer`` (and :class:`dlnotes.models.transformer.FeedForward`).

    Shape: ``(*, d_model)`` -> ``(*, d_model)``; hidden ``(*, dim_feedforward)``.
    """

    def __init__(self, d_model: int, dim_feedforward: int, *, rng: int | np.random.Generator | None = None,
                 dtype=np.float32) -> None:
        super().__init__()
        gen = as_generator(rng)
        self.d_model = check_positive_int(d_model, "d_model")
        self.dim_feedforward = check_positive_int(dim_feedforward, "dim_feedforward")
        self.children["linear1"] = Linear(d_model, dim_feedforward, rng=gen, dtype=dtype)
        self.children["linear2"] = Linear(dim_feedforward, d_model, rng=gen, dtype=dtype)

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        h = self.children["linear1"](x)
        a = np.maximum(h, 0.0)
        y = self.children["linear2"](a)
        self.save_for_backward(y, h > 0)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, active = self.saved(grad_out)
        g = self.children["linear2"].backward(grad_out) * active
        return self.children["linear1"].backward(g, input_grad=input_grad)

    def __repr__(self) -> str:
        return f"PositionwiseFeedForward(d_model={self.d_model}, dim_feedforward={self.dim_feedforward})"
