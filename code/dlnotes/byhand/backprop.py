"""The backpropagation algorithm written out: the δ recursion for a sigmoid network with squared error.

This is the setting of the lectures' worked examples: every unit is a
sigmoid, the loss of one example is ``E = 1/2 * sum((target - a_L)**2)`` and
one step of gradient descent follows. In column format (textbook), with
``W[l]`` of shape ``(n_l, n_{l-1})`` (torch's shape)::

    z[l] = W[l] a[l-1] + b[l],      a[l] = sigmoid(z[l]),      a[0] = x
    δ[L] = (a[L] - target) * a[L] (1 - a[L])
    δ[l] = (W[l+1]^T δ[l+1]) * a[l] (1 - a[l])
    dE/dW[l] = δ[l] a[l-1]^T,       dE/db[l] = δ[l]

(The lectures' "修正误差" Δ is ``-δ``.) Comparing the results with the slides'
printed numbers is :mod:`dlnotes.errata`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..scratch.activations import sigmoid as _sigmoid

__all__ = ["BackpropTrace", "sigmoid_mse_backprop", "sgd_step"]


@dataclass
class BackpropTrace:
    """Every intermediate value of one forward and backward pass (lists indexed by layer,
    ``a[0]`` is the input; ``z[0]``, ``delta[0]`` are unused ``None``)."""

    z: list
    a: list
    delta: list
    grad_weights: list
    grad_biases: list
    loss: float


def sigmoid_mse_backprop(x, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray],
                         target) -> BackpropTrace:
    """Forward and backward pass of a fully connected sigmoid network for one example.

    Shape: ``x`` ``(n_0,)``; ``weights[l-1]`` ``(n_l, n_{l-1})``; ``biases[l-1]`` ``(n_l,)``;
    ``target`` ``(n_L,)``.
    """
    a = [np.asarray(x, dtype=np.float64)]
    if a[0].ndim != 1:
        raise ValueError(f"x must be one example of shape (n_0,), got {a[0].shape}")
    if len(weights) != len(biases) or not weights:
        raise ValueError("give one bias vector per weight matrix (at least one layer)")
    z: list = [None]
    for l, (w, b) in enumerate(zip(weights, biases), start=1):
        w, b = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if w.ndim != 2 or w.shape[1] != a[-1].shape[0] or b.shape != (w.shape[0],):
            raise ValueError(f"layer {l}: weight {w.shape} and bias {b.shape} do not fit an input "
                             f"of size {a[-1].shape[0]} (weight must be (n_out, n_in), bias (n_out,))")
        z.append(w @ a[-1] + b)
        a.append(_sigmoid(z[-1]))
    t = np.asarray(target, dtype=np.float64)
    if t.shape != a[-1].shape:
        raise ValueError(f"target must have shape {a[-1].shape}, got {t.shape}")
    L = len(weights)
    delta: list = [None] * (L + 1)
    delta[L] = (a[L] - t) * a[L] * (1.0 - a[L])
    for l in range(L - 1, 0, -1):
        delta[l] = (np.asarray(weights[l], dtype=np.float64).T @ delta[l + 1]) * a[l] * (1.0 - a[l])
    grad_w = [np.outer(delta[l], a[l - 1]) for l in range(1, L + 1)]
    grad_b = [delta[l].copy() for l in range(1, L + 1)]
    loss = float(0.5 * np.sum((t - a[L]) ** 2))
    return BackpropTrace(z, a, delta, grad_w, grad_b, loss)


def sgd_step(params: Sequence[np.ndarray], grads: Sequence[np.ndarray], lr: float) -> list[np.ndarray]:
    """New arrays ``p - lr * g`` (the old ones are kept, so both can be shown)."""
    return [np.asarray(p, dtype=np.float64) - lr * np.asarray(g, dtype=np.float64)
            for p, g in zip(params, grads)]
