"""Dropout from scratch (numpy), the twin of ``torch.nn.Dropout``.

Two ways to keep the expected activation the same in training and testing:

* **inverted dropout** (``inverted=True``, what torch does): in training keep
  each unit with probability ``1 - p`` and divide the kept ones by ``1 - p``;
  at test time do nothing;
* **scaling at test time** (``inverted=False``, the original 2012/2014 form):
  in training keep each unit with probability ``1 - p`` unscaled; at test
  time multiply every activation by ``1 - p``.

Both give the same *expected* output in training as at test time. The mask
comes from an explicit generator (``rng``), so runs are reproducible.
"""

from __future__ import annotations

import numpy as np

from ..utils import as_generator
from .base import Layer, as_float_array

__all__ = ["Dropout", "dropout_mask"]


def dropout_mask(shape: tuple[int, ...], p: float, rng: int | np.random.Generator | None) -> np.ndarray:
    """A boolean keep-mask: each entry is True (kept) with probability ``1 - p``."""
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout probability p must be in [0, 1), got {p}")
    return as_generator(rng).random(shape) >= p


class Dropout(Layer):
    """Zero each input with probability ``p`` in training mode, like ``torch.nn.Dropout``.

    ``inverted=True`` (torch's form): kept units are divided by ``1 - p`` in
    training, evaluation is the identity. ``inverted=False``: kept units are
    left as they are in training, evaluation multiplies by ``1 - p``. The
    backward passes the gradient through the same mask and scale.

    Shape: any; output has the input's shape.
    """

    torch_twin = "Dropout"
    torch_args = ("p",)

    def __init__(self, p: float = 0.5, *, inverted: bool = True,
                 rng: int | np.random.Generator | None = None) -> None:
        super().__init__()
        if isinstance(p, bool) or not 0.0 <= float(p) < 1.0:
            raise ValueError(f"dropout probability p must be in [0, 1), got {p!r}")
        self.p = float(p)
        self.inverted = bool(inverted)
        self.rng = as_generator(rng)

    def forward(self, x):
        x = as_float_array(x, "x")
        if not self.training or self.p == 0.0:
            # evaluation: identity (inverted) or scale by the keep probability
            scale = 1.0 if (self.training or self.inverted) else 1.0 - self.p
            out = x * scale
            self.save_for_backward(out, None, scale)
            return out
        mask = dropout_mask(x.shape, self.p, self.rng)
        scale = 1.0 / (1.0 - self.p) if self.inverted else 1.0
        out = np.where(mask, x * scale, 0.0).astype(x.dtype, copy=False)
        self.save_for_backward(out, mask, scale)
        return out

    def backward(self, grad_out, *, input_grad: bool = True):
        grad_out, mask, scale = self.saved(grad_out)
        if not input_grad:
            return None
        if mask is None:
            return grad_out * scale
        return np.where(mask, grad_out * scale, 0.0)

    def __repr__(self) -> str:
        return f"Dropout(p={self.p}, inverted={self.inverted})"
