"""Activation functions in numpy, each with a forward and a backward pass.

Two flavours:

* plain functions (``sigmoid``, ``relu``, ``softmax``, ...) compute the
  forward value only; they are numerically stable (no overflow for large |z|);
* :class:`~dlnotes.scratch.base.Layer` subclasses (``Sigmoid``, ``ReLU``,
  ``Softmax``, ...) cache what they need in ``forward`` and return dL/dx from
  ``backward(grad_out)``. Parameters (PReLU's ``weight``) live in ``params``
  and their gradients in ``grads``, keyed like ``torch.nn``.

Arguments and conventions follow ``torch.nn`` (``negative_slope``, ``alpha``,
``beta``/``threshold``, ``num_parameters``/``init``, ``dim``), including the
derivative chosen at kinks (ReLU'(0) = 0, LeakyReLU'(0) = negative_slope,
ELU'(0) = alpha), so the tests can compare with torch exactly.
"""

from __future__ import annotations

import numpy as np

from ..utils import as_generator
from .base import Layer, as_float_array

__all__ = [
    # forward-only functions
    "identity", "step", "sigmoid", "tanh", "arctan", "relu", "leaky_relu", "elu",
    "softplus", "softmax", "maxout",
    # layers with backward
    "Identity", "Step", "Sigmoid", "Tanh", "ArcTan", "ReLU", "LeakyReLU", "PReLU",
    "RReLU", "ELU", "Softplus", "Maxout", "Softmax",
    # helpers
    "ELEMENTWISE", "derivative",
]


# ----------------------------------------------------------------------------
# forward-only functions
# ----------------------------------------------------------------------------


def identity(z) -> np.ndarray:
    """f(z) = z."""
    return as_float_array(z, "z").copy()


def step(z) -> np.ndarray:
    """Binary (Heaviside) step: 1 where z > 0, else 0 -- the book's convention, step(0) = 0.

    The neuron of chapter 1 (:func:`dlnotes.byhand.perceptron.step`) uses the
    same rule. The derivative is 0 everywhere except at z = 0, where it does
    not exist, so gradient descent gets no signal through it.
    """
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)


def sigmoid(z) -> np.ndarray:
    """Logistic sigmoid 1 / (1 + exp(-z)), stable for any z.

    Uses exp(-|z|) <= 1 only, so it never overflows: for z >= 0 the usual
    formula, for z < 0 the equivalent exp(z) / (1 + exp(z)).
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


def tanh(z) -> np.ndarray:
    """Hyperbolic tangent (e^z - e^-z) / (e^z + e^-z) = 2 sigmoid(2z) - 1."""
    z = as_float_array(z, "z")
    return np.tanh(z)


def arctan(z) -> np.ndarray:
    """Inverse tangent, outputs in (-pi/2, pi/2)."""
    z = as_float_array(z, "z")
    return np.arctan(z)


def relu(z) -> np.ndarray:
    """Rectified linear unit max(0, z)."""
    z = as_float_array(z, "z")
    return np.maximum(z, 0.0).astype(z.dtype, copy=False)


def leaky_relu(z, negative_slope: float = 0.01) -> np.ndarray:
    """z for z > 0, negative_slope * z otherwise."""
    z = as_float_array(z, "z")
    return np.where(z > 0, z, negative_slope * z).astype(z.dtype, copy=False)


def elu(z, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: z for z > 0, alpha * (exp(z) - 1) otherwise."""
    z = as_float_array(z, "z")
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0))).astype(z.dtype, copy=False)


def softplus(z, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """Smooth ReLU log(1 + exp(beta z)) / beta; linear where beta z > threshold (like torch)."""
    z = as_float_array(z, "z")
    _check_positive(beta, "beta")
    bz = beta * z
    soft = np.log1p(np.exp(np.minimum(bz, threshold))) / beta
    return np.where(bz > threshold, z, soft).astype(z.dtype, copy=False)


def softmax(z, dim: int = -1) -> np.ndarray:
    """exp(z_i) / sum_k exp(z_k) along ``dim``, computed stably.

    Subtracting the maximum first changes nothing mathematically (the factor
    exp(-max) cancels) but keeps every exponent <= 0, so exp never overflows.

    Shape: any; the entries along ``dim`` sum to 1.
    """
    z = as_float_array(z, "z")
    _check_dim(z, dim)
    shifted = z - np.max(z, axis=dim, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=dim, keepdims=True)


def maxout(z, pieces: int, dim: int = -1) -> np.ndarray:
    """Maximum over groups of ``pieces`` consecutive entries along ``dim``.

    Shape: size ``C`` along ``dim`` (a multiple of ``pieces``) -> ``C // pieces``.
    """
    z = as_float_array(z, "z")
    grouped, _ = _group(z, pieces, dim)
    return np.moveaxis(grouped.max(axis=-1), -1, dim)


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _finite(value: float, name: str) -> float:
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def _check_positive(value: float, name: str) -> None:
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def _check_dim(z: np.ndarray, dim: int) -> None:
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"dim must be an integer, got {type(dim).__name__}")
    if z.ndim == 0:
        raise ValueError("input must have at least one dimension (got a scalar)")
    if not -z.ndim <= dim < z.ndim:
        raise ValueError(f"dim={dim} is out of range for an input of shape {z.shape}")


def _group(z: np.ndarray, pieces: int, dim: int) -> tuple[np.ndarray, tuple[int, ...]]:
    """Move ``dim`` last and split it into (C // pieces, pieces)."""
    if not isinstance(pieces, (int, np.integer)) or pieces < 1:
        raise ValueError(f"pieces must be a positive integer, got {pieces!r}")
    _check_dim(z, dim)
    moved = np.moveaxis(z, dim, -1)
    c = moved.shape[-1]
    if c % pieces:
        raise ValueError(f"size {c} of dimension {dim} is not a multiple of pieces={pieces}")
    return moved.reshape(*moved.shape[:-1], c // pieces, pieces), moved.shape


class _Elementwise(Layer):
    """Base for layers with y = f(x) elementwise: backward = grad_out * f'(x)."""

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        y = self._f(x)
        self.save_for_backward(y, x, y)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, x, y = self.saved(grad_out)
        return grad_out * self._df(x, y) if input_grad else None

    # subclasses implement f and f' (given x and the saved y = f(x))
    def _f(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _df(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


# ----------------------------------------------------------------------------
# layers
# ----------------------------------------------------------------------------


class Identity(_Elementwise):
    """f(x) = x, f'(x) = 1 (the output layer of a regression network)."""

    torch_twin = "Identity"

    def _f(self, x):
        return x.copy()

    def _df(self, x, y):
        return np.ones_like(x)


class Step(_Elementwise):
    """Binary step: 1 for x > 0, else 0 (step(0) = 0, as :func:`step`).

    The derivative is 0 everywhere except at 0, where it is undefined; backward
    returns 0 everywhere (the convention of any autograd system), which is
    exactly why a step cannot be trained by gradient descent.
    """

    def _f(self, x):
        return step(x)

    def _df(self, x, y):
        return np.zeros_like(x)


class Sigmoid(_Elementwise):
    """sigma(x) = 1 / (1 + e^-x); derivative sigma(x) (1 - sigma(x)) <= 1/4."""

    torch_twin = "Sigmoid"

    def _f(self, x):
        return sigmoid(x)

    def _df(self, x, y):
        return y * (1.0 - y)


class Tanh(_Elementwise):
    """tanh(x); derivative 1 - tanh(x)^2 <= 1."""

    torch_twin = "Tanh"

    def _f(self, x):
        return np.tanh(x)

    def _df(self, x, y):
        return 1.0 - y * y


class ArcTan(_Elementwise):
    """arctan(x); derivative 1 / (1 + x^2)."""

    def _f(self, x):
        return np.arctan(x)

    def _df(self, x, y):
        return 1.0 / (1.0 + x * x)


class ReLU(_Elementwise):
    """max(0, x); derivative 1 for x > 0 and 0 for x <= 0 (torch's choice at 0)."""

    torch_twin = "ReLU"

    def _f(self, x):
        return relu(x)

    def _df(self, x, y):
        return (x > 0).astype(x.dtype)


class LeakyReLU(_Elementwise):
    """x for x > 0, ``negative_slope * x`` otherwise (derivative ``negative_slope`` at 0)."""

    torch_twin = "LeakyReLU"
    torch_args = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = _finite(negative_slope, "negative_slope")

    def _f(self, x):
        return leaky_relu(x, self.negative_slope)

    def _df(self, x, y):
        return np.where(x > 0, 1.0, self.negative_slope).astype(x.dtype)


class ELU(_Elementwise):
    """x for x > 0, alpha (e^x - 1) otherwise; derivative alpha e^x for x <= 0."""

    torch_twin = "ELU"
    torch_args = ("alpha",)

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = _finite(alpha, "alpha")

    def _f(self, x):
        return elu(x, self.alpha)

    def _df(self, x, y):
        return np.where(x > 0, 1.0, self.alpha * np.exp(np.minimum(x, 0.0))).astype(x.dtype)


class Softplus(_Elementwise):
    """log(1 + e^(beta x)) / beta, linear where beta x > threshold; derivative sigmoid(beta x)."""

    torch_twin = "Softplus"
    torch_args = ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        _check_positive(beta, "beta")
        self.beta = float(beta)
        self.threshold = float(threshold)

    def _f(self, x):
        return softplus(x, self.beta, self.threshold)

    def _df(self, x, y):
        bx = self.beta * x
        return np.where(bx > self.threshold, 1.0, sigmoid(bx)).astype(x.dtype)


class PReLU(Layer):
    """Leaky ReLU whose slope ``weight`` is learned (torch's ``nn.PReLU``).

    ``num_parameters`` is 1 (one shared slope) or the number of channels,
    dimension 1 of the input (``(N, C)`` or ``(N, C, ...)``).

    Shape: any -> same; ``params["weight"]`` is ``(num_parameters,)``.
    """

    torch_twin = "PReLU"

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        if not isinstance(num_parameters, (int, np.integer)) or num_parameters < 1:
            raise ValueError(f"num_parameters must be a positive integer, got {num_parameters!r}")
        self.params["weight"] = np.full(int(num_parameters), float(init))

    def _slope(self, x: np.ndarray) -> np.ndarray:
        w = self.params["weight"]
        if w.size == 1:
            return w.reshape(()).astype(x.dtype)
        if x.ndim < 2 or x.shape[1] != w.size:
            raise ValueError(f"PReLU with num_parameters={w.size} needs input of shape (N, {w.size}, ...), "
                             f"got {x.shape}")
        return w.reshape((1, -1) + (1,) * (x.ndim - 2)).astype(x.dtype)

    @classmethod
    def from_torch_module(cls, module, dtype) -> "PReLU":
        layer = cls(module.num_parameters)
        layer.params["weight"] = module.weight.detach().cpu().numpy().astype(dtype).reshape(-1)
        return layer

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        y = np.where(x > 0, x, self._slope(x) * x)
        self.save_for_backward(y, x)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, x = self.saved(grad_out)
        neg = x <= 0
        gw = np.where(neg, x * grad_out, 0.0)
        if self.params["weight"].size == 1:
            self.accumulate("weight", gw.sum().reshape(1))
        else:
            self.accumulate("weight", gw.sum(axis=tuple(i for i in range(x.ndim) if i != 1)))
        return np.where(neg, self._slope(x) * grad_out, grad_out) if input_grad else None


class RReLU(Layer):
    """Randomised leaky ReLU (torch's ``nn.RReLU``).

    In training mode every negative entry gets its own slope drawn uniformly
    from ``[lower, upper]`` with the Generator ``rng``; in eval mode the slope
    is the fixed mean ``(lower + upper) / 2``.
    """

    torch_twin = "RReLU"
    torch_args = ("lower", "upper")

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        if not 0 <= lower <= upper:
            raise ValueError(f"need 0 <= lower <= upper, got lower={lower}, upper={upper}")
        self.lower, self.upper = float(lower), float(upper)
        self.rng = None if rng is None else as_generator(rng)

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        if self.training:
            if self.rng is None:
                raise ValueError("RReLU in training mode needs a random generator: RReLU(rng=seed)")
            slope = self.rng.uniform(self.lower, self.upper, size=x.shape).astype(x.dtype)
        else:
            slope = np.full(x.shape, (self.lower + self.upper) / 2, dtype=x.dtype)
        dydx = np.where(x > 0, 1.0, slope).astype(x.dtype)  # effective dy/dx
        y = x * dydx
        self.save_for_backward(y, dydx)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, dydx = self.saved(grad_out)
        return grad_out * dydx if input_grad else None


class Maxout(Layer):
    """Maxout activation: the maximum over groups of ``pieces`` consecutive inputs.

    A maxout *unit* computes max_j (w_j . x + b_j) over k linear pieces; here
    the k pieces come from the preceding linear layer, so
    ``Linear(n_in, n_out * k)`` followed by ``Maxout(pieces=k)`` gives n_out
    maxout units. Output unit i takes the maximum of inputs
    ``i*k, ..., i*k + k - 1`` along ``dim``. The gradient flows only to the
    winning piece; on a tie it goes to the first maximum.

    Shape: size ``C`` along ``dim`` (a multiple of ``pieces``) -> ``C // pieces``.
    """

    torch_args = ("pieces", "dim")

    def __init__(self, pieces: int = 2, dim: int = -1) -> None:
        super().__init__()
        if not isinstance(pieces, (int, np.integer)) or pieces < 1:
            raise ValueError(f"pieces must be a positive integer, got {pieces!r}")
        self.pieces, self.dim = int(pieces), dim

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        grouped, moved_shape = _group(x, self.pieces, self.dim)
        winner = grouped.argmax(axis=-1)  # first maximum on ties
        y = np.moveaxis(grouped.max(axis=-1), -1, self.dim)
        self.save_for_backward(y, winner, grouped.shape, moved_shape, x.dtype)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, winner, grouped_shape, moved_shape, dtype = self.saved(grad_out)
        if not input_grad:
            return None
        grad = np.zeros(grouped_shape, dtype=dtype)
        g = np.moveaxis(grad_out, self.dim, -1)
        np.put_along_axis(grad, winner[..., None], g[..., None], axis=-1)
        return np.moveaxis(grad.reshape(moved_shape), -1, self.dim)


class Softmax(Layer):
    """Softmax along ``dim`` (stable: the maximum is subtracted first).

    backward uses the Jacobian da_j/dz_i = a_j (delta_ij - a_i) without
    building it: dL/dz = a * (g - sum(g * a)), the sum taken along ``dim``.

    Shape: any -> same.
    """

    torch_twin = "Softmax"
    torch_args = ("dim",)

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        if not isinstance(dim, (int, np.integer)):
            raise TypeError(f"dim must be an integer, got {type(dim).__name__}")
        self.dim = int(dim)

    def forward(self, x) -> np.ndarray:
        a = softmax(x, self.dim)
        self.save_for_backward(a, a)
        return a

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, a = self.saved(grad_out)
        return a * (grad_out - np.sum(grad_out * a, axis=self.dim, keepdims=True)) if input_grad else None



#: Element-wise activations by name (the keys of ``dlnotes.models.ACTIVATIONS`` where they exist).
ELEMENTWISE: dict[str, type[Layer]] = {
    "identity": Identity,
    "step": Step,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "arctan": ArcTan,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "prelu": PReLU,
    "elu": ELU,
    "softplus": Softplus,
}


def derivative(name: str, z, **kwargs) -> np.ndarray:
    """f'(z) of the element-wise activation ``name`` (backward with grad_out = 1).

    ``kwargs`` go to the layer's constructor, e.g. ``derivative("elu", z, alpha=0.5)``.
    """
    key = name.lower().replace("-", "_")
    if key not in ELEMENTWISE:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ELEMENTWISE)}")
    layer = ELEMENTWISE[key](**kwargs)
    y = layer.forward(z)
    return layer.backward(np.ones_like(y))
