"""Numpy optimisers that update the parameters of numpy layers in place.

An optimiser is built from a model (a :class:`~dlnotes.scratch.base.Layer`,
e.g. a ``Sequential``) or a list of layers. It remembers *where* each
parameter lives (layer and name), reads the gradient that the layer's
``backward`` stored in ``layer.grads`` and changes ``layer.params[name]`` in
place, so the arrays keep their identity.

To write a new optimiser, subclass :class:`Optimizer` and implement
:meth:`Optimizer.update` (one parameter, its gradient and a per-parameter
``state`` dict for running averages); see :class:`SGD`.

The learning rate is the attribute ``optimizer.lr``: a schedule changes it
between steps (see :mod:`dlnotes.schedules`). All optimisers take torch's
argument names and defaults and match ``torch.optim`` step for step.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np

from .base import Layer

__all__ = ["parameter_slots", "Optimizer", "SGD", "LectureMomentum", "Adagrad", "RMSprop", "Adam", "AdamW",
           "clip_grad_norm"]


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


def _check_nonneg(**values) -> None:
    for name, v in values.items():
        if not (isinstance(v, (int, float)) and v >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {v!r}")


def _weight_decayed(param: np.ndarray, grad: np.ndarray, weight_decay: float) -> np.ndarray:
    """torch's L2 form of weight decay: the gradient of ``weight_decay / 2 * |p|^2`` is added."""
    return grad + weight_decay * param if weight_decay else grad


class LectureMomentum(Optimizer):
    """Momentum as the lectures write it (Sutskever et al. 2013): a *velocity* that already
    contains the learning rate::

        v <- momentum * v - lr * g          (v = 0 at the start)
        p <- p + v

    With a constant ``lr`` this is exactly torch's ``SGD(momentum=...)`` (whose buffer is
    ``b = -v / lr``); when ``lr`` changes between steps the two differ: here the old velocity
    keeps the old learning rate, in torch's form the new rate rescales the whole buffer.
    """

    def __init__(self, params: Layer | Iterable[Layer], lr: float, momentum: float = 0.9,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        _check_nonneg(momentum=momentum, weight_decay=weight_decay)
        self.momentum, self.weight_decay = float(momentum), float(weight_decay)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        g = _weight_decayed(param, grad, self.weight_decay)
        v = state.setdefault("velocity", np.zeros_like(param))
        v *= self.momentum
        v -= self.lr * g
        param += v


class Adagrad(Optimizer):
    """Adagrad (Duchi et al. 2011; torch's ``optim.Adagrad``): each parameter's step is divided
    by the root of the *sum* of all its squared gradients so far::

        s <- s + g * g                        (s starts at initial_accumulator_value)
        p <- p - lr_t * g / (sqrt(s) + eps)   lr_t = lr / (1 + (t - 1) * lr_decay)
    """

    def __init__(self, params: Layer | Iterable[Layer], lr: float = 0.01, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        _check_nonneg(lr_decay=lr_decay, weight_decay=weight_decay,
                      initial_accumulator_value=initial_accumulator_value, eps=eps)
        self.lr_decay, self.weight_decay = float(lr_decay), float(weight_decay)
        self.initial_accumulator_value, self.eps = float(initial_accumulator_value), float(eps)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        g = _weight_decayed(param, grad, self.weight_decay)
        state["step"] = t = state.get("step", 0) + 1
        s = state.setdefault("sum", np.full_like(param, self.initial_accumulator_value))
        s += g * g
        clr = self.lr / (1 + (t - 1) * self.lr_decay)
        param -= clr * g / (np.sqrt(s) + self.eps)


class RMSprop(Optimizer):
    """RMSProp (Hinton's lecture 6e; torch's ``optim.RMSprop``): Adagrad with a *decaying*
    average of squared gradients instead of their sum::

        r <- alpha * r + (1 - alpha) * g * g
        p <- p - lr * g / (sqrt(r) + eps)

    ``centered`` subtracts the squared mean gradient from ``r``; ``momentum`` keeps a buffer
    ``b <- momentum * b + g / (sqrt(r) + eps)`` and steps ``p <- p - lr * b``.
    """

    def __init__(self, params: Layer | Iterable[Layer], lr: float = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0,
                 centered: bool = False) -> None:
        super().__init__(params, lr)
        _check_nonneg(alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum)
        if alpha >= 1:
            raise ValueError(f"alpha must be in [0, 1), got {alpha}")
        self.alpha, self.eps, self.weight_decay = float(alpha), float(eps), float(weight_decay)
        self.momentum, self.centered = float(momentum), bool(centered)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        g = _weight_decayed(param, grad, self.weight_decay)
        r = state.setdefault("square_avg", np.zeros_like(param))
        r *= self.alpha
        r += (1 - self.alpha) * g * g
        if self.centered:
            m = state.setdefault("grad_avg", np.zeros_like(param))
            m *= self.alpha
            m += (1 - self.alpha) * g
            avg = np.sqrt(r - m * m) + self.eps
        else:
            avg = np.sqrt(r) + self.eps
        if self.momentum:
            buf = state.setdefault("momentum_buffer", np.zeros_like(param))
            buf *= self.momentum
            buf += g / avg
            param -= self.lr * buf
        else:
            param -= self.lr * g / avg


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015; torch's ``optim.Adam``): momentum on the gradient and RMSProp's
    average of its square, both corrected for starting at zero::

        m <- beta1 * m + (1 - beta1) * g           v <- beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1^t)                  v_hat = v / (1 - beta2^t)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    ``weight_decay`` adds ``weight_decay * p`` to the gradient (L2; see :class:`AdamW` for
    the decoupled form).
    """

    decoupled = False

    def __init__(self, params: Layer | Iterable[Layer], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr)
        _check_nonneg(eps=eps, weight_decay=weight_decay)
        if len(betas) != 2 or not all(0 <= b < 1 for b in betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps, self.weight_decay = float(eps), float(weight_decay)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict) -> None:
        b1, b2 = self.betas
        if self.decoupled:
            param *= 1 - self.lr * self.weight_decay
            g = grad
        else:
            g = _weight_decayed(param, grad, self.weight_decay)
        state["step"] = t = state.get("step", 0) + 1
        m = state.setdefault("exp_avg", np.zeros_like(param))
        v = state.setdefault("exp_avg_sq", np.zeros_like(param))
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        m_hat = m / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        param -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter 2019; torch's ``optim.AdamW``): Adam whose weight decay
    shrinks the parameter directly, ``p <- p * (1 - lr * weight_decay)``, instead of going
    through the adaptive denominator."""

    decoupled = True

    def __init__(self, params: Layer | Iterable[Layer], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


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
