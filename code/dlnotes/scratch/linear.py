"""The fully connected layer and its shape helper: ``Linear`` and ``Flatten`` (numpy).

Names, argument names and weight shapes follow ``torch.nn``:
``Linear(in_features, out_features).params["weight"]`` has shape
``(out_features, in_features)`` and the layer computes ``x @ weight.T + bias``
(row format: one example per row), so a torch model's weights copy across.
"""

from __future__ import annotations

import numpy as np

from ..utils import as_generator
from .base import Layer, as_float_array, check_positive_int

__all__ = ["Linear", "Flatten"]


class Linear(Layer):
    """Fully connected layer ``y = x W^T + b`` (torch's ``nn.Linear``).

    Weights and bias start uniform in ``[-1/sqrt(in_features), 1/sqrt(in_features)]``
    (torch's default), drawn from ``rng`` (a seed, a ``np.random.Generator``, or
    None for fresh entropy). ``dtype`` is float32 by default, like torch; use
    float64 for gradient checks.

    Backward (for 2-D input): ``dW += grad_out^T x``, ``db += sum of grad_out
    over the batch``, and the input gradient is ``grad_out W``.

    Shape: ``(*, in_features)`` -> ``(*, out_features)`` (any leading dimensions);
    ``weight`` ``(out_features, in_features)``, ``bias`` ``(out_features,)``.
    """

    torch_twin = "Linear"

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *,
                 rng: int | np.random.Generator | None = None, dtype=np.float32) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype}")
        gen = as_generator(rng)
        bound = 1.0 / np.sqrt(self.in_features)
        shape = (self.out_features, self.in_features)
        self.params["weight"] = gen.uniform(-bound, bound, shape).astype(dtype)
        if bias:
            self.params["bias"] = gen.uniform(-bound, bound, self.out_features).astype(dtype)

    @classmethod
    def from_torch_module(cls, module, dtype) -> Linear:
        layer = cls(module.in_features, module.out_features, module.bias is not None, rng=0, dtype=dtype)
        layer.load_state_dict(module.state_dict())
        return layer

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear({self.in_features}, {self.out_features}) expects input of shape "
                             f"(..., {self.in_features}), got {x.shape}")
        y = x @ self.params["weight"].T
        if "bias" in self.params:
            y += self.params["bias"]
        self.save_for_backward(y, x)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, x = self.saved(grad_out)
        g, x2 = grad_out.reshape(-1, self.out_features), x.reshape(-1, self.in_features)
        self.accumulate("weight", g.T @ x2)
        if "bias" in self.params:
            self.accumulate("bias", g.sum(axis=0))
        return grad_out @ self.params["weight"] if input_grad else None

    def __repr__(self) -> str:
        return (f"Linear(in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={'bias' in self.params})")


class Flatten(Layer):
    """Flatten dimensions ``start_dim..end_dim`` into one (torch's ``nn.Flatten``).

    Shape: ``(N, 28, 28)`` -> ``(N, 784)`` with the defaults.
    """

    torch_twin = "Flatten"
    torch_args = ("start_dim", "end_dim")

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = int(start_dim), int(end_dim)

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        nd = x.ndim
        s = self.start_dim % nd if nd else 0
        e = self.end_dim % nd if nd else 0
        if nd == 0 or s > e:
            raise ValueError(f"cannot flatten dims {self.start_dim}..{self.end_dim} of shape {x.shape}")
        y = x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])
        self.save_for_backward(y, x.shape)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, shape = self.saved(grad_out)
        return grad_out.reshape(shape) if input_grad else None
