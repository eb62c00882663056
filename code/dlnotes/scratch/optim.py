"""Numpy optimisers that update the parameters of numpy layers in place.

An optimiser is built from a model (a :class:`~dlnotes.scratch.base.Layer`,
e.g. a ``Sequential``) or a list of layers. It remembers *where* each
parameter lives (layer and name), reads the gradient that the layer's
``backward`` stored in ``layer.grads`` and changes ``layer.params[name]`` in
place, so the arrays keep their identity.

To write a new optimiser, subclass :class:`Optimizer` and implement
:meth:`Optimizer.update` (one parameter, its gradient and a per-parameter
``state`` dict for running averages); see :class:`SGD`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np

from .base import Layer

__all__ = ["parameter_slots", "Optimizer", "SGD", "clip_grad_norm"]


def parameter_slots(model: Layer | Iterable[Layer]) -> list[tuple[Layer, str]]:
    """``(layer, name)`` for every parameter of ``model``, each once.

    A layer shared inside a model (weight tying) is listed once, as torch's
    ``model.parameters()`` does; a layer given twice in a list is listed once
    with a warning (torch warns about duplicate parameters too).
    """
    if isinstance(model, Layer):
        items = [model]
    else:
        try:
            items = list(model)
        except TypeError:
            raise TypeError("expected a Layer or an iterable of Layers, "
                            f"got {type(model).__name__}") from None
    slots: list[tuple[Layer, str]] = []
    seen: set[int] = set()
    for item in items:
        if not isinstance(item, Layer):
            raise TypeError(f"expected Layers, got a {type(item).__name__} (numpy optimisers "
                            "take numpy layers, not torch parameters)")
        if id(item) in seen:
            warnings.warn(f"the optimiser was given the same {type(item).__name__} twice; "
                          "its parameters are updated once per step", stacklevel=3)
        for layer in item.modules():
            for name in layer.params:
                if id(layer.params[name]) not in seen:
                    seen.add(id(layer.params[name]))
                    slots.append((layer, name))
        seen.add(id(item))
    return slots


class Optimizer:
    """Base class: ``step()`` updates every parameter that has a gradient; ``zero_grad()``
    clears the gradients (numpy layers *add* to them in every backward, as in torch)."""

    def __init__(self, params: Layer | Iterable[Layer], lr: float) -> None:
        if not (isinstance(lr, (int, float)) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        self.lr = float(lr)
        self.slots = parameter_slots(params)
        if not self.slots:
            raise ValueError("the optimiser got no parameters")
        self.state: list[dict] = [{} for _ in self.slots]

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        """Change ``param`` in place from ``grad``."""
        raise NotImplementedError

    def step(self) -> None:
        for (layer, name), state in zip(self.slots, self.state):
            grad = layer.grads.get(name)
            if grad is None:  # no backward has reached this parameter (like torch's grad None)
                continue
            self.update(layer.params[name], grad, state)

    def zero_grad(self) -> None:
        """Clear the gradients (torch's ``set_to_none=True``): the next backward starts afresh."""
        for layer, name in self.slots:
            layer.grads.pop(name, None)


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay (torch's ``optim.SGD``).

    With ``g = grad + weight_decay * p``::

        momentum == 0:  p <- p - lr * g
        momentum  > 0:  b <- momentum * b + (1 - dampening) * g   (b = g at the first step)
                        p <- p - lr * (g + momentum * b  if nesterov else  b)
    """

    def __init__(self, params: Layer | Iterable[Layer], lr: float, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(params, lr)
        for name, v in (("momentum", momentum), ("dampening", dampening), ("weight_decay", weight_decay)):
            if not (isinstance(v, (int, float)) and v >= 0):
                raise ValueError(f"{name} must be a non-negative number, got {v!r}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0")
        self.momentum, self.dampening = float(momentum), float(dampening)
        self.weight_decay, self.nesterov = float(weight_decay), bool(nesterov)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        # In-place arithmetic (no temporary arrays) keeps the update cheap for big layers.
        g = grad
        if self.weight_decay:
            g = g + self.weight_decay * param
        if self.momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(g, dtype=param.dtype, copy=True)
            else:
                buf *= self.momentum
                if self.dampening:
                    buf += (1.0 - self.dampening) * g
                else:
                    buf += g
            if self.nesterov:
                g = g + self.momentum * buf
            else:
                g = buf
        tmp = state.get("tmp")
        if tmp is None or tmp.shape != param.shape or tmp.dtype != param.dtype:
            tmp = state["tmp"] = np.empty_like(param)
        np.multiply(g, self.lr, out=tmp)
        param -= tmp


def clip_grad_norm(params: Layer | Iterable[Layer], max_norm: float) -> float:
    """Rescale all gradients together so that their joint L2 norm is at most ``max_norm``
    (torch's ``clip_grad_norm_``); return the norm before clipping."""
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive, got {max_norm}")
    grads = [layer.grads[name] for layer, name in parameter_slots(params) if name in layer.grads]
    total = float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for g in grads:
            g *= scale
    return total
