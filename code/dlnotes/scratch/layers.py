"""Numpy layers with forward and backward: ``Linear``, ``Flatten`` and the ``Sequential`` container.

Names, argument names and weight shapes follow ``torch.nn``:
``Linear(in_features, out_features).params["weight"]`` has shape
``(out_features, in_features)`` and the layer computes ``x @ weight.T + bias``
(row format: one example per row). Parameters in a :class:`Sequential` are
named like torch's ``named_parameters`` (``"0.weight"``, ``"0.bias"``, ...), so
:meth:`Sequential.load_state_dict` copies a torch model's weights across and
:func:`from_torch` converts a whole ``nn.Sequential``.

Activation layers come from :mod:`dlnotes.scratch.activations`, losses from
:mod:`dlnotes.scratch.losses`.
"""

from __future__ import annotations

from typing import Iterator, Mapping, Sequence

import numpy as np

from ..utils import rng as make_rng
from .base import Layer, as_float_array

__all__ = ["Linear", "Flatten", "Sequential", "mlp", "from_torch"]


def _check_positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class Linear(Layer):
    """Fully connected layer ``y = x W^T + b`` (torch's ``nn.Linear``).

    Weights and bias start uniform in ``[-1/sqrt(in_features), 1/sqrt(in_features)]``
    (torch's default), drawn from ``rng`` (a seed or ``np.random.Generator``:
    there is no hidden global random state). ``dtype`` is float32 by default,
    like torch; use float64 for gradient checks.

    Backward: ``grads["weight"] = grad_out^T x``, ``grads["bias"] = sum of grad_out
    over the batch``, and the returned input gradient is ``grad_out W``. The weight
    gradient is written into the same array at every step (copy it to keep it).

    Shape: ``(N, in_features)`` -> ``(N, out_features)``;
    ``weight`` ``(out_features, in_features)``, ``bias`` ``(out_features,)``.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 rng: int | np.random.Generator | None = None, dtype=np.float32) -> None:
        super().__init__()
        self.in_features = _check_positive_int(in_features, "in_features")
        self.out_features = _check_positive_int(out_features, "out_features")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype}")
        if rng is None:
            raise ValueError("Linear needs rng= (a seed or np.random.Generator) to initialise "
                             "its weights: the package keeps no hidden global random state")
        gen = make_rng(rng)
        bound = 1.0 / np.sqrt(self.in_features)
        self.params["weight"] = gen.uniform(-bound, bound, (self.out_features, self.in_features)).astype(dtype)
        if bias:
            self.params["bias"] = gen.uniform(-bound, bound, self.out_features).astype(dtype)
        self._x: np.ndarray | None = None

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input", ndim=2)
        if x.shape[1] != self.in_features:
            raise ValueError(f"Linear({self.in_features}, {self.out_features}) expects input of shape "
                             f"(N, {self.in_features}), got {x.shape}")
        self._x = x
        out = x @ self.params["weight"].T
        if "bias" in self.params:
            out += self.params["bias"]
        return out

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        """Store the parameter gradients; return dL/dx (``None`` if ``input_grad=False``,
        which saves a matrix product for a first layer)."""
        if self._x is None:
            raise RuntimeError("Linear.backward called before forward")
        grad_out = as_float_array(grad_out, "grad_out", ndim=2)
        if grad_out.shape != (self._x.shape[0], self.out_features):
            raise ValueError(f"grad_out must have shape {(self._x.shape[0], self.out_features)} "
                             f"(the output's), got {grad_out.shape}")
        w = self.params["weight"]
        gw = self.grads.get("weight")
        if gw is not None and gw.dtype == np.result_type(grad_out, self._x) == w.dtype:
            np.matmul(grad_out.T, self._x, out=gw)  # reuse the buffer: no allocation per step
        else:
            self.grads["weight"] = (grad_out.T @ self._x).astype(w.dtype, copy=False)
        if "bias" in self.params:
            self.grads["bias"] = grad_out.sum(axis=0).astype(w.dtype, copy=False)
        return grad_out @ w if input_grad else None

    def __repr__(self) -> str:
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={'bias' in self.params})")


class Flatten(Layer):
    """Flatten dimensions ``start_dim..end_dim`` into one (torch's ``nn.Flatten``).

    Shape: ``(N, 28, 28)`` -> ``(N, 784)`` with the defaults.
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)
        self._shape: tuple[int, ...] | None = None

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        nd = x.ndim
        s = self.start_dim % nd if nd else 0
        e = self.end_dim % nd if nd else 0
        if nd == 0 or s > e:
            raise ValueError(f"cannot flatten dims {self.start_dim}..{self.end_dim} of shape {x.shape}")
        self._shape = x.shape
        return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])

    def backward(self, grad_out) -> np.ndarray:
        if self._shape is None:
            raise RuntimeError("Flatten.backward called before forward")
        return np.asarray(grad_out).reshape(self._shape)

    def __repr__(self) -> str:
        return f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim})"


class Sequential(Layer):
    """Layers applied one after the other; backward runs them in reverse (torch's ``nn.Sequential``).

    Parameters are named ``"<index>.<name>"`` like torch's ``named_parameters``.
    """

    def __init__(self, *layers: Layer) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} is a {type(layer).__name__}, not a dlnotes Layer")
        self.layers: list[Layer] = list(layers)

    def forward(self, x) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        """Backward through all layers; ``input_grad=False`` skips the input gradient of a
        first ``Linear`` layer (nothing needs it when training)."""
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            if i == 0 and not input_grad and isinstance(layer, (Linear, Sequential)):
                return layer.backward(grad_out, input_grad=False)
            grad_out = layer.backward(grad_out)
        return grad_out

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray, np.ndarray | None]]:
        for i, layer in enumerate(self.layers):
            yield from layer.named_parameters(prefix=f"{prefix}{i}.")

    def zero_grad(self) -> None:
        for layer in self.layers:
            layer.zero_grad()

    def train(self, mode: bool = True) -> "Sequential":
        self.training = mode
        for layer in self.layers:
            layer.train(mode)
        return self

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of all parameters, keyed like torch's ``state_dict``."""
        return {name: p.copy() for name, p, _ in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Copy parameters in place from numpy arrays or torch tensors (e.g. a torch model's
        ``state_dict()``); names and shapes must match exactly."""
        own = {name: p for name, p, _ in self.named_parameters()}
        missing, unexpected = set(own) - set(state), set(state) - set(own)
        if missing or unexpected:
            raise KeyError(f"state dict mismatch: missing {sorted(missing)}, unexpected {sorted(unexpected)}")
        for name, value in state.items():
            if hasattr(value, "detach"):
                value = value.detach().cpu().numpy()
            value = np.asarray(value)
            if value.shape != own[name].shape:
                raise ValueError(f"{name}: shape {value.shape} does not match {own[name].shape}")
            own[name][...] = value

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


def _activation_layer(name: str) -> Layer:
    from .activations import ELEMENTWISE

    key = name.lower().replace("-", "_")
    if key not in ELEMENTWISE:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ELEMENTWISE)}")
    return ELEMENTWISE[key]()


def mlp(sizes: Sequence[int], activation: str = "relu", *,
        rng: int | np.random.Generator | None = None, dtype=np.float32) -> Sequential:
    """A numpy multi-layer perceptron, the twin of :func:`dlnotes.models.mlp`.

    ``sizes = [784, 256, 10]`` gives Linear(784, 256) -> activation -> Linear(256, 10);
    the last layer returns logits (feed them to ``losses.CrossEntropyLoss``).

    Shape: ``(N, sizes[0])`` -> ``(N, sizes[-1])``.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise ValueError(f"sizes must list at least two positive layer widths, got {sizes}")
    if rng is None:
        raise ValueError("mlp needs rng= (a seed or np.random.Generator) to initialise its weights")
    gen = make_rng(rng)
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(n_in, n_out, rng=gen, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(_activation_layer(activation))
    return Sequential(*layers)


def from_torch(module, dtype=np.float64) -> Layer:
    """Convert a torch ``nn.Sequential`` (or single layer) of Linear / Flatten / activation
    modules into the numpy twin, copying the weights.

    Supported modules: ``Linear``, ``Flatten``, ``Sequential`` and the activations
    ``Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus, PReLU``.
    """
    import torch.nn as nn

    from . import activations as act

    def arr(t):
        return t.detach().cpu().numpy().astype(dtype)

    if isinstance(module, nn.Sequential):
        return Sequential(*[from_torch(m, dtype) for m in module])
    if isinstance(module, nn.Linear):
        lin = Linear(module.in_features, module.out_features, module.bias is not None,
                     rng=0, dtype=dtype)
        lin.params["weight"][...] = arr(module.weight)
        if module.bias is not None:
            lin.params["bias"][...] = arr(module.bias)
        return lin
    if isinstance(module, nn.Flatten):
        return Flatten(module.start_dim, module.end_dim)
    if isinstance(module, nn.LeakyReLU):
        return act.LeakyReLU(module.negative_slope)
    if isinstance(module, nn.ELU):
        return act.ELU(module.alpha)
    if isinstance(module, nn.Softplus):
        return act.Softplus(module.beta, module.threshold)
    if isinstance(module, nn.PReLU):
        layer = act.PReLU(module.num_parameters)
        layer.params["weight"] = arr(module.weight).reshape(-1)
        return layer
    simple = {nn.Identity: act.Identity, nn.Sigmoid: act.Sigmoid, nn.Tanh: act.Tanh, nn.ReLU: act.ReLU}
    for cls, twin in simple.items():
        if type(module) is cls:
            return twin()
    raise TypeError(f"from_torch does not know how to convert {type(module).__name__}")
