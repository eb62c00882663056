"""The backpropagation algorithm written out: the δ recursion for a sigmoid network with squared error.

This is the setting of the lectures' worked examples: every unit is a
sigmoid, the loss of one example is ``E = 1/2 * sum((target - a_L)**2)`` and
one step of gradient descent follows. In column format (textbook), with
``W[l]`` of shape ``(n_l, n_{l-1})`` (torch's shape)::

    z[l] = W[l] a[l-1] + b[l],      a[l] = sigmoid(z[l]),      a[0] = x
    δ[L] = (a[L] - target) * a[L] (1 - a[L])
    δ[l] = (W[l+1]^T δ[l+1]) * a[l] (1 - a[l])
    dE/dW[l] = δ[l] a[l-1]^T,       dE/db[l] = δ[l]

(The lectures' "修正误差" Δ is ``-δ``.) The module also has a small helper
that compares recomputed numbers with a slide's printed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["BackpropTrace", "sigmoid_mse_backprop", "sgd_step", "slide_verdict", "slide_table"]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow


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


def _decimals(printed: str) -> int:
    s = printed.strip().lstrip("+-")
    return len(s.split(".")[1]) if "." in s else 0


def slide_verdict(exact: float, printed: str, slide_style: float | None = None) -> str:
    """Compare an exactly recomputed number with a slide's printed one (given as a string, so
    that its number of decimals is known).

    ``"ok"``: the exact value rounds to the printed one; ``"rounding"``: it differs only
    because the slide computed from rounded intermediate values (``slide_style`` redoes the
    slide's arithmetic with those); ``"truncated"``: the digits were cut off, not rounded;
    ``"ERRATUM"``: none of these.
    """
    d = _decimals(printed)
    value = float(printed)
    half = 0.5 * 10.0 ** -d + 1e-12
    if abs(exact - value) <= half:
        return "ok"
    if slide_style is not None and abs(slide_style - value) <= half:
        return "rounding"
    if abs(np.trunc(exact * 10 ** d) / 10 ** d - value) <= 1e-12:
        return "truncated"
    return "ERRATUM"


def slide_table(rows: Sequence[tuple], digits: int = 9) -> str:
    """A text table of ``(name, printed, exact[, slide_style])`` rows with a verdict column."""
    out = [f"{'quantity':<22} {'slide':>13} {'recomputed':>15}  verdict"]
    for row in rows:
        name, printed, exact = row[:3]
        style = row[3] if len(row) > 3 else None
        out.append(f"{name:<22} {printed:>13} {exact:>15.{digits}f}  {slide_verdict(exact, printed, style)}")
    return "\n".join(out)
