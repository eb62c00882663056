"""Boolean functions: truth tables of logic gates, and networks of threshold (step) neurons.

A *threshold layer* is a pair ``(weight, bias)`` with torch's shapes
(``weight`` is ``(n_out, n_in)``); it computes ``step(a @ weight.T + bias)``
where ``step(z) = 1`` for ``z > 0`` and ``0`` otherwise (the book's
convention, step(0) = 0). A network is a list of such layers. The module
builds three networks for the *parity* of ``n`` bits (1 when an odd number of
bits are 1; XOR is parity of 2 bits):

* :func:`parity_shallow`: the two-level AND/OR circuit (disjunctive normal
  form) -- one AND "template" unit per input pattern with odd parity, ORed
  together: ``2**(n-1) + 1`` units;
* :func:`parity_deep`: a balanced tree of XOR blocks (OR, NAND -> AND) --
  ``3 (n - 1)`` units when ``n`` is a power of two;
* :func:`parity_counting`: ONE hidden layer of ``n`` threshold units that
  count the ones (``h_k = step(sum(x) - k + 1/2)``), read out with alternating
  weights +1, -1, +1, ... -- ``n + 1`` units.

The exponential cost of the first is a fact about two-level AND/OR circuits,
not about threshold networks: the third network is shallow *and* small.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

__all__ = ["LOGIC_GATES", "logic_gate", "threshold_forward", "parity", "all_inputs", "parity_shallow",
           "parity_deep", "parity_counting", "count_units"]

ThresholdLayer = tuple[np.ndarray, np.ndarray]


def _check_layers(layers: Sequence[ThresholdLayer]) -> None:
    if not layers:
        raise ValueError("a network needs at least one layer")
    for i, layer in enumerate(layers):
        if not (isinstance(layer, (tuple, list)) and len(layer) == 2):
            raise TypeError(f"layer {i} must be a (weight, bias) pair")
        w, b = np.asarray(layer[0]), np.asarray(layer[1])
        if w.ndim != 2 or b.shape != (w.shape[0],):
            raise ValueError(f"layer {i}: weight must be (n_out, n_in) and bias (n_out,), "
                             f"got {w.shape} and {b.shape}")
        if i and w.shape[1] != np.asarray(layers[i - 1][0]).shape[0]:
            raise ValueError(f"layer {i} expects {w.shape[1]} inputs but layer {i - 1} has "
                             f"{np.asarray(layers[i - 1][0]).shape[0]} units")


def threshold_forward(layers: Sequence[ThresholdLayer], x) -> list[np.ndarray]:
    """All activations ``[a0, a1, ..., aL]`` of a threshold network, with ``a0 = x``.

    Shape: ``x`` is ``(N, n_in)``; ``a_l`` is ``(N, n_l)`` with values 0.0 / 1.0.
    """
    _check_layers(layers)
    a = np.asarray(x, dtype=np.float64)
    n_in = np.asarray(layers[0][0]).shape[1]
    if a.ndim != 2 or a.shape[1] != n_in:
        raise ValueError(f"x must have shape (N, {n_in}), got {a.shape}")
    out = [a]
    for w, b in layers:
        z = out[-1] @ np.asarray(w, dtype=np.float64).T + np.asarray(b, dtype=np.float64)
        out.append((z > 0).astype(np.float64))
    return out


def all_inputs(n: int) -> np.ndarray:
    """All ``2**n`` bit patterns of length ``n`` in truth-table order. Shape: ``(2**n, n)``."""
    n = _check_n(n, minimum=1)
    return np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.float64)


#: Truth tables of two-input logic gates: outputs for the inputs (0,0), (0,1), (1,0), (1,1).
LOGIC_GATES: dict[str, tuple[int, int, int, int]] = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0),
    "XOR": (0, 1, 1, 0),
    "XNOR": (1, 0, 0, 1),
}


def logic_gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The four input pairs and the gate's outputs, e.g. ``logic_gate("AND")``.

    Shape: ``X`` is ``(4, 2)`` float64, ``y`` is ``(4,)`` int64.
    """
    key = str(name).upper()
    if key not in LOGIC_GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {sorted(LOGIC_GATES)}")
    return all_inputs(2), np.array(LOGIC_GATES[key], dtype=np.int64)


def parity(x) -> np.ndarray:
    """1 where an odd number of entries of a row are 1. Shape: ``(N, n)`` -> ``(N,)``."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D array of bits, got shape {x.shape}")
    return (np.rint(x).astype(np.int64).sum(axis=1) % 2).astype(np.float64)


def _check_n(n, minimum: int = 2) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"n must be an integer >= {minimum}, got {n!r}")
    if n > 20:
        raise ValueError(f"n = {n} is too large for these explicit networks (2**n patterns)")
    return int(n)


def parity_shallow(n: int) -> list[ThresholdLayer]:
    """Parity of ``n`` bits with ONE hidden layer: ``2**(n-1)`` template units, then OR.

    Hidden unit for pattern ``p`` has weights ``2p - 1`` (+1 where ``p`` has a 1,
    -1 elsewhere) and bias ``0.5 - sum(p)``: it fires on ``p`` and on nothing else.
    """
    n = _check_n(n)
    odd = [p for p in all_inputs(n) if p.sum() % 2 == 1]
    w1 = np.array([2 * p - 1 for p in odd])
    b1 = np.array([0.5 - p.sum() for p in odd])
    w2, b2 = np.ones((1, len(odd))), np.array([-0.5])  # OR of the templates
    return [(w1, b1), (w2, b2)]


def parity_deep(n: int) -> list[ThresholdLayer]:
    """Parity of ``n`` bits as a balanced tree of 2-input XOR blocks (two layers per level).

    Each XOR block is OR and NAND in one layer, AND of those two in the next. A
    signal without a partner at some level is copied through by one unit per layer.
    """
    n = _check_n(n)
    layers: list[ThresholdLayer] = []
    width = n
    while width > 1:
        pairs, carry = width // 2, width % 2
        first_w = np.zeros((2 * pairs + carry, width))
        first_b = np.zeros(2 * pairs + carry)
        second_w = np.zeros((pairs + carry, 2 * pairs + carry))
        second_b = np.zeros(pairs + carry)
        for k in range(pairs):
            i, j = 2 * k, 2 * k + 1
            first_w[2 * k, [i, j]], first_b[2 * k] = 1.0, -0.5  # OR
            first_w[2 * k + 1, [i, j]], first_b[2 * k + 1] = -1.0, 1.5  # NAND
            second_w[k, [2 * k, 2 * k + 1]], second_b[k] = 1.0, -1.5  # AND
        if carry:  # copy the last signal through both layers
            first_w[-1, width - 1], first_b[-1] = 1.0, -0.5
            second_w[-1, -1], second_b[-1] = 1.0, -0.5
        layers += [(first_w, first_b), (second_w, second_b)]
        width = pairs + carry
    return layers


def parity_counting(n: int) -> list[ThresholdLayer]:
    """Parity of ``n`` bits with ONE hidden layer of ``n`` threshold units.

    Hidden unit ``k`` (``k = 1..n``) fires when at least ``k`` bits are 1:
    ``h_k = step(x_1 + ... + x_n - k + 1/2)``. With ``s`` ones, exactly
    ``h_1..h_s`` fire, so ``h_1 - h_2 + h_3 - ...`` is 1 for odd ``s`` and 0 for
    even ``s``; the output unit is ``step(that - 1/2)``.
    """
    n = _check_n(n)
    w1 = np.ones((n, n))
    b1 = 0.5 - np.arange(1, n + 1, dtype=np.float64)
    w2 = np.array([[(-1.0) ** k for k in range(n)]])  # +1, -1, +1, ...
    b2 = np.array([-0.5])
    return [(w1, b1), (w2, b2)]


def count_units(layers: Sequence[ThresholdLayer]) -> int:
    """Number of neurons (hidden and output) in a network."""
    _check_layers(layers)
    return int(sum(np.asarray(w).shape[0] for w, _ in layers))
