"""L1 and L2 weight penalties for numpy models (the ``Loss`` side of weight decay).

``L2Penalty(weight_decay)`` adds ``weight_decay / 2 * sum(w**2)`` to the loss
and ``weight_decay * w`` to each weight's gradient: exactly what
``torch.optim.SGD(weight_decay=...)`` adds to the gradient. ``L1Penalty(strength)``
adds ``strength * sum(|w|)`` and ``strength * sign(w)``. By default only
weights (parameters with two or more dimensions) are penalised, never biases.
"""

from __future__ import annotations

import numpy as np

from .base import Layer

__all__ = ["L1Penalty", "L2Penalty"]


class _Penalty:
    """A penalty ``value(model)`` with ``backward(model)`` adding its gradient to ``model.grads``."""

    def __init__(self, strength: float, *, biases: bool = False) -> None:
        if isinstance(strength, bool) or not float(strength) >= 0.0:
            raise ValueError(f"penalty strength must be >= 0, got {strength!r}")
        self.strength = float(strength)
        self.biases = bool(biases)

    def _targets(self, model: Layer):
        if not isinstance(model, Layer):
            raise TypeError(f"a penalty needs a numpy Layer, got {type(model).__name__}")
        for layer in model.modules():
            for key, p in layer.params.items():
                if self.biases or p.ndim >= 2:
                    yield layer, key, p

    def _term(self, w: np.ndarray) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def _grad(self, w: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, model: Layer) -> float:
        """The penalty's value for the model's current weights."""
        return float(sum(self._term(p) for _, _, p in self._targets(model))) * self.strength

    def backward(self, model: Layer) -> None:
        """Add the penalty's gradient to every penalised parameter's gradient."""
        for layer, key, p in self._targets(model):
            layer.accumulate(key, self.strength * self._grad(p))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.strength})"


class L2Penalty(_Penalty):
    """``weight_decay / 2 * sum(w**2)``: gradient ``weight_decay * w`` (torch's SGD ``weight_decay``)."""

    def _term(self, w):
        return 0.5 * float(np.sum(w * w))

    def _grad(self, w):
        return w


class L1Penalty(_Penalty):
    """``strength * sum(|w|)``: gradient ``strength * sign(w)`` (0 at w == 0, as torch's ``abs``)."""

    def _term(self, w):
        return float(np.sum(np.abs(w)))

    def _grad(self, w):
        return np.sign(w)
