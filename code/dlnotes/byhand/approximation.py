"""Universal approximation by construction: one hidden layer as a lookup table of bumps.

A one-hidden-layer network ``Linear(1, H) -> activation -> Linear(H, 1)`` can
approximate a continuous function on an interval as closely as we like
(Cybenko 1989; Hornik, Stinchcombe and White 1989). The constructions here
make that concrete *without training*, by choosing the weights by hand:

* ``activation="sigmoid"``: cut ``[lo, hi]`` into ``H/2`` bins. Two steep
  sigmoids, one stepping up at the bin's left edge and one stepping down at its
  right edge, make a *bump* of height ``f(centre of the bin)``. The output layer
  adds the bumps: a lookup table, bin -> value.
* ``activation="relu"``: ``H`` ReLU units ``max(0, x - k_j)`` with kinks at the
  knots ``k_j`` of an even grid; the output layer's weights are the changes of
  slope, so the network is the piecewise-linear interpolant of ``f`` (a sum of
  triangular ReLU bumps, one per knot).

More units = finer bins = smaller error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["bump_network", "bump_heights", "sup_error"]

_ACTS = ("sigmoid", "relu")


def _check_args(f: Callable, n_hidden: int, lo: float, hi: float, activation: str) -> int:
    if not callable(f):
        raise TypeError(f"f must be a callable numpy function, got {type(f).__name__}")
    if isinstance(n_hidden, bool) or not isinstance(n_hidden, (int, np.integer)) or n_hidden < 1:
        raise ValueError(f"n_hidden must be a positive integer, got {n_hidden!r}")
    if activation not in _ACTS:
        raise ValueError(f"activation must be one of {_ACTS}, got {activation!r}")
    if activation == "sigmoid" and n_hidden % 2:
        raise ValueError(f"a sigmoid bump uses two units: n_hidden must be even, got {n_hidden}")
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    return int(n_hidden)


def _values(f: Callable, x: np.ndarray) -> np.ndarray:
    y = np.asarray(f(x), dtype=np.float64)
    if y.shape != x.shape:
        raise ValueError(f"f must map an array of shape {x.shape} to the same shape, got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError("f returned non-finite values on [lo, hi]")
    return y


def bump_heights(f: Callable, n_bumps: int, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Bin edges ``(n_bumps + 1,)`` of an even grid on ``[lo, hi]`` and the table values
    ``f(bin centre)`` ``(n_bumps,)``: the lookup table that the sigmoid network stores."""
    edges = np.linspace(lo, hi, n_bumps + 1)
    return edges, _values(f, 0.5 * (edges[:-1] + edges[1:]))


def bump_network(f: Callable[[np.ndarray], np.ndarray], n_hidden: int, lo: float = 0.0, hi: float = 1.0,
                 *, activation: str = "sigmoid", sharpness: float = 20.0) -> "torch.nn.Sequential":  # noqa: F821
    """A hand-built one-hidden-layer network approximating ``f`` on ``[lo, hi]`` (float64).

    ``f`` is a vectorised numpy function. For ``"sigmoid"`` (``n_hidden`` even)
    unit ``2i`` steps up at the left edge of bin ``i`` and unit ``2i + 1`` steps
    down at its right edge; ``sharpness`` is the sigmoid's slope times the bin
    width (larger = sharper steps). The outermost two steps sit one bin outside
    ``[lo, hi]`` so that the table does not sag at the ends. For ``"relu"`` the
    network is the piecewise-linear interpolant of ``f`` at ``n_hidden + 1`` knots.

    Shape: the model maps ``(N, 1)`` -> ``(N, 1)``; ``model[0].weight`` is
    ``(n_hidden, 1)`` and ``model[2].weight`` is ``(1, n_hidden)``.
    """
    import torch
    import torch.nn as nn

    n_hidden = _check_args(f, n_hidden, lo, hi, activation)
    lo, hi = float(lo), float(hi)
    if activation == "sigmoid":
        if not (np.isfinite(sharpness) and sharpness > 0):
            raise ValueError(f"sharpness must be a positive number, got {sharpness!r}")
        n_bumps = n_hidden // 2
        edges, heights = bump_heights(f, n_bumps, lo, hi)
        width = (hi - lo) / n_bumps
        left, right = edges[:-1].copy(), edges[1:].copy()
        left[0] -= width  # keep the table flat up to lo ...
        right[-1] += width  # ... and up to hi
        slope = sharpness / width
        where = np.empty(n_hidden)
        where[0::2], where[1::2] = left, right
        w1 = np.full((n_hidden, 1), slope)
        b1 = -slope * where
        w2 = np.empty((1, n_hidden))
        w2[0, 0::2], w2[0, 1::2] = heights, -heights
        b2 = np.zeros(1)
        act = nn.Sigmoid()
    else:
        knots = np.linspace(lo, hi, n_hidden + 1)
        values = _values(f, knots)
        slopes = np.diff(values) / np.diff(knots)
        w1 = np.ones((n_hidden, 1))
        b1 = -knots[:-1]
        w2 = np.diff(slopes, prepend=0.0)[None, :]  # change of slope at each kink
        b2 = values[:1].copy()
        act = nn.ReLU()
    model = nn.Sequential(nn.Linear(1, n_hidden), act, nn.Linear(n_hidden, 1)).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(w1))
        model[0].bias.copy_(torch.from_numpy(b1))
        model[2].weight.copy_(torch.from_numpy(w2))
        model[2].bias.copy_(torch.from_numpy(b2))
    return model


def sup_error(model: "torch.nn.Module", f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float,  # noqa: F821
              n_points: int = 2001) -> float:
    """Largest absolute error ``max |model(x) - f(x)|`` over ``n_points`` evenly spaced x in ``[lo, hi]``."""
    import torch

    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got lo={lo!r}, hi={hi!r}")
    if n_points < 2:
        raise ValueError(f"n_points must be >= 2, got {n_points}")
    x = np.linspace(lo, hi, n_points)
    param = next(model.parameters())
    with torch.no_grad():
        out = model(torch.from_numpy(x[:, None]).to(param.dtype)).double().numpy().ravel()
    return float(np.max(np.abs(out - _values(f, x))))
