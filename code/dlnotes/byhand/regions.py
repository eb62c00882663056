"""ReLU networks as piecewise-linear maps: linear pieces, linear regions, and the sawtooth.

A *ReLU network* here is a list of ``(weight, bias)`` pairs with torch's shapes
(``weight`` is ``(n_out, n_in)``): every layer but the last is followed by a
ReLU, the last is linear. Such a network is piecewise linear; each pattern of
active / inactive hidden units is one linear piece (on a 1-D input) or one
linear region (on a 2-D input).

The *sawtooth* shows a depth separation (Telgarsky 2016). The tent map
``t(x) = 2 relu(x) - 4 relu(x - 1/2)`` folds ``[0, 1]`` onto itself; composing
it ``k`` times gives a sawtooth with ``2**k`` linear pieces from ``k`` hidden
layers of 2 units (:func:`sawtooth_deep`). A network with one hidden layer of
``m`` ReLU units on a 1-D input has at most ``m + 1`` pieces (each unit bends
the line at one point), so the same sawtooth needs at least ``2**k - 1``
units in one layer (:func:`sawtooth_shallow` uses ``2**k``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlnotes.utils import as_generator

__all__ = ["relu_forward", "activation_patterns", "sawtooth", "sawtooth_deep", "sawtooth_shallow",
           "count_pieces", "count_regions", "random_relu_net", "count_units"]

ReLULayer = tuple[np.ndarray, np.ndarray]


def _check_layers(layers: Sequence[ReLULayer]) -> list[tuple[np.ndarray, np.ndarray]]:
    if not layers:
        raise ValueError("a network needs at least one layer")
    out = []
    for i, layer in enumerate(layers):
        if not (isinstance(layer, (tuple, list)) and len(layer) == 2):
            raise TypeError(f"layer {i} must be a (weight, bias) pair")
        w, b = np.asarray(layer[0], dtype=np.float64), np.asarray(layer[1], dtype=np.float64)
        if w.ndim != 2 or b.shape != (w.shape[0],):
            raise ValueError(f"layer {i}: weight must be (n_out, n_in) and bias (n_out,), "
                             f"got {w.shape} and {b.shape}")
        if out and w.shape[1] != out[-1][0].shape[0]:
            raise ValueError(f"layer {i} expects {w.shape[1]} inputs but layer {i - 1} has "
                             f"{out[-1][0].shape[0]} units")
        out.append((w, b))
    return out


def _as_input(x, n_in: int) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1 and n_in == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[1] != n_in:
        raise ValueError(f"x must have shape (N, {n_in}), got {a.shape}")
    return a


def relu_forward(layers: Sequence[ReLULayer], x) -> np.ndarray:
    """Output of a ReLU network. Shape: ``(N, n_in)`` (or ``(N,)`` for one input) -> ``(N, n_out)``."""
    layers = _check_layers(layers)
    a = _as_input(x, layers[0][0].shape[1])
    for i, (w, b) in enumerate(layers):
        a = a @ w.T + b
        if i < len(layers) - 1:
            a = np.maximum(a, 0.0)
    return a


def activation_patterns(layers: Sequence[ReLULayer], x) -> np.ndarray:
    """Which hidden units are active (pre-activation > 0) at each input point.

    Shape: ``(N, n_in)`` -> ``(N, total hidden units)`` booleans. Points with the
    same pattern lie in the same linear region.
    """
    layers = _check_layers(layers)
    a = _as_input(x, layers[0][0].shape[1])
    pats = []
    for w, b in layers[:-1]:
        z = a @ w.T + b
        pats.append(z > 0)
        a = np.maximum(z, 0.0)
    if not pats:
        return np.zeros((len(a), 0), dtype=bool)
    return np.concatenate(pats, axis=1)


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")
    if k > 20:
        raise ValueError(f"k = {k} is too large (2**k pieces)")
    return int(k)


def sawtooth(x, k: int) -> np.ndarray:
    """The tent map applied ``k`` times, computed directly: ``2**k`` pieces on [0, 1]."""
    k = _check_k(k)
    y = np.asarray(x, dtype=np.float64)
    for _ in range(k):
        y = np.where(y <= 0.5, 2 * y, 2 - 2 * y)
    return y


def sawtooth_deep(k: int) -> list[ReLULayer]:
    """``k`` hidden layers of 2 ReLU units computing :func:`sawtooth` on [0, 1].

    Each hidden layer holds ``relu(u)`` and ``relu(u - 1/2)`` of the previous tent
    value ``u``; the next layer reads ``u' = 2 relu(u) - 4 relu(u - 1/2)`` through
    its weights.
    """
    k = _check_k(k)
    fold = np.array([[2.0, -4.0]])  # u' = fold @ h
    layers: list[ReLULayer] = [(np.array([[1.0], [1.0]]), np.array([0.0, -0.5]))]
    for _ in range(k - 1):
        layers.append((np.array([[1.0], [1.0]]) @ fold, np.array([0.0, -0.5])))
    layers.append((fold, np.array([0.0])))
    return layers


def sawtooth_shallow(k: int) -> list[ReLULayer]:
    """ONE hidden layer of ``2**k`` ReLU units computing :func:`sawtooth` on [0, 1].

    A unit ``relu(x - j / 2**k)`` for every kink ``j = 0 .. 2**k - 1``; the output
    weights change the slope from ``+2**k`` to ``-2**k`` and back at each kink.
    """
    k = _check_k(k)
    m = 2 ** k
    w1 = np.ones((m, 1))
    b1 = -np.arange(m, dtype=np.float64) / m
    c = np.array([float(m)] + [(-1.0) ** j * 2 * m for j in range(1, m)])
    return [(w1, b1), (c[None, :], np.array([0.0]))]


def count_pieces(y, x, *, rtol: float = 1e-6) -> int:
    """Number of linear pieces of a sampled 1-D function ``y(x)``.

    Counts the places where the slope between neighbouring samples changes. The
    sampling must be fine enough that every piece holds two or more intervals.
    Shape: ``x`` and ``y`` are ``(M,)``, ``x`` increasing.
    """
    x, y = np.asarray(x, dtype=np.float64).ravel(), np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"x and y must be 1-D of equal length >= 2, got {x.shape} and {y.shape}")
    if np.any(np.diff(x) <= 0):
        raise ValueError("x must be strictly increasing")
    slope = np.diff(y) / np.diff(x)
    scale = max(float(np.abs(slope).max()), 1.0)
    changes = np.abs(np.diff(slope)) > rtol * scale
    # a kink between two samples gives one odd interval, i.e. two slope changes in a row:
    # a run of L consecutive changes holds ceil(L / 2) kinks
    padded = np.concatenate(([0], changes.astype(np.int8), [0]))
    starts, ends = np.flatnonzero(np.diff(padded) == 1), np.flatnonzero(np.diff(padded) == -1)
    n = int(np.sum((ends - starts + 1) // 2))
    return n + 1


def count_regions(layers: Sequence[ReLULayer], points) -> int:
    """Number of distinct activation patterns (linear regions) met by ``points``.

    Shape: ``points`` is ``(N, n_in)``, e.g. a dense grid over the region of interest.
    """
    pats = activation_patterns(layers, points)
    if pats.shape[1] == 0:
        return 1
    # one byte string per point (8 units per byte): np.unique on 1-D keys is fast
    packed = np.ascontiguousarray(np.packbits(pats, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1])))[:, 0]
    return int(len(np.unique(keys)))


def random_relu_net(sizes: Sequence[int], rng: int | np.random.Generator | None = None) -> list[ReLULayer]:
    """A ReLU network with standard normal weights and biases, e.g. ``sizes=[1, 8, 1]``."""
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"sizes must list at least two positive widths, got {sizes!r}")
    g = as_generator(rng)
    return [(g.standard_normal((int(o), int(i))), g.standard_normal(int(o)))
            for i, o in zip(sizes[:-1], sizes[1:])]


def count_units(layers: Sequence[ReLULayer]) -> int:
    """Number of hidden ReLU units (the output layer is not counted)."""
    return int(sum(w.shape[0] for w, _ in _check_layers(layers)[:-1]))
