"""Weight initialisers (numpy twins of ``torch.nn.init``).

Each function fills a numpy array **in place** and returns it, like torch's
trailing-underscore functions; random ones take ``rng`` (a seed, a generator
or None). Fans follow torch: for a weight of shape ``(out, in, *kernel)``,
``fan_in = in * prod(kernel)`` and ``fan_out = out * prod(kernel)``.

=================  ====================================================
``zeros_``         0 everywhere (breaks nothing but symmetry: see ch. 6)
``normal_``        N(mean, std^2)
``xavier_uniform_``  U(-a, a), ``a = gain * sqrt(6 / (fan_in + fan_out))``
``xavier_normal_``   N(0, std^2), ``std = gain * sqrt(2 / (fan_in + fan_out))``
``kaiming_uniform_`` U(-b, b), ``b = gain * sqrt(3 / fan)``
``kaiming_normal_``  N(0, std^2), ``std = gain / sqrt(fan)``
=================  ====================================================

with ``gain = calculate_gain(nonlinearity)`` (sqrt(2) for ReLU, 5/3 for tanh).
"""

from __future__ import annotations

import math

import numpy as np

from ..utils import as_generator

__all__ = ["calculate_gain", "fan_in_and_fan_out", "zeros_", "normal_", "uniform_", "xavier_uniform_",
           "xavier_normal_", "kaiming_uniform_", "kaiming_normal_"]

Rng = int | np.random.Generator | None


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """torch's recommended gain for a nonlinearity (``"linear"``, ``"sigmoid"``, ``"tanh"``,
    ``"relu"``, ``"leaky_relu"`` with negative slope ``param``, default 0.01)."""
    if nonlinearity in ("linear", "sigmoid", "identity", "conv1d", "conv2d", "conv3d"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope ** 2))
    raise ValueError(f"unknown nonlinearity {nonlinearity!r}; use linear, sigmoid, tanh, relu or leaky_relu")


def fan_in_and_fan_out(array: np.ndarray) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(out, in, *kernel)`` (at least 2-D)."""
    shape = np.shape(array)
    if len(shape) < 2:
        raise ValueError(f"fans need a weight with at least 2 dimensions, got shape {shape}")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _check(array) -> np.ndarray:
    if not isinstance(array, np.ndarray) or not np.issubdtype(array.dtype, np.floating):
        raise TypeError("initialisers fill a floating-point numpy array in place")
    return array


def zeros_(array: np.ndarray) -> np.ndarray:
    _check(array)[...] = 0.0
    return array


def normal_(array: np.ndarray, mean: float = 0.0, std: float = 1.0, *, rng: Rng = None) -> np.ndarray:
    if std < 0:
        raise ValueError(f"std must be non-negative, got {std}")
    _check(array)[...] = as_generator(rng).normal(mean, std, array.shape)
    return array


def uniform_(array: np.ndarray, a: float = 0.0, b: float = 1.0, *, rng: Rng = None) -> np.ndarray:
    if b < a:
        raise ValueError(f"need a <= b, got {a}, {b}")
    _check(array)[...] = as_generator(rng).uniform(a, b, array.shape)
    return array


def xavier_uniform_(array: np.ndarray, gain: float = 1.0, *, rng: Rng = None) -> np.ndarray:
    fan_in, fan_out = fan_in_and_fan_out(array)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(array, -a, a, rng=rng)


def xavier_normal_(array: np.ndarray, gain: float = 1.0, *, rng: Rng = None) -> np.ndarray:
    fan_in, fan_out = fan_in_and_fan_out(array)
    return normal_(array, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng=rng)


def _kaiming_std(array, a, mode, nonlinearity) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(array)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(array: np.ndarray, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", *, rng: Rng = None) -> np.ndarray:
    bound = math.sqrt(3.0) * _kaiming_std(array, a, mode, nonlinearity)
    return uniform_(array, -bound, bound, rng=rng)


def kaiming_normal_(array: np.ndarray, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", *, rng: Rng = None) -> np.ndarray:
    return normal_(array, 0.0, _kaiming_std(array, a, mode, nonlinearity), rng=rng)
