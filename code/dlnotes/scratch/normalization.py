"""Normalisation layers (numpy twins of torch's ``nn.BatchNorm1d``; chapter 10 adds ``LayerNorm``)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .base import Layer, as_float_array, check_positive_int

__all__ = ["BatchNorm1d", "LayerNorm"]


class BatchNorm1d(Layer):
    """Batch normalisation over the batch for each feature (torch's ``nn.BatchNorm1d``).

    Training: ``y = weight * (x - mean_B) / sqrt(var_B + eps) + bias`` with the batch's mean
    and *biased* variance; the running statistics move by torch's convention
    ``running <- (1 - momentum) * running + momentum * batch`` (the running variance uses the
    *unbiased* batch variance). Evaluation (``eval()``): the running statistics replace the
    batch's, so every example is normalised on its own.

    Backward (training), with ``x_hat`` the normalised input and ``g = grad_out * weight``::

        dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var_B + eps)

    Shape: ``(N, num_features)`` -> same; ``weight``, ``bias``, ``running_mean``,
    ``running_var`` ``(num_features,)``.
    """

    torch_twin = "BatchNorm1d"

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True,
                 *, dtype=np.float32) -> None:
        super().__init__()
        self.num_features = check_positive_int(num_features, "num_features")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps}")
        if not 0 <= momentum <= 1:
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        self.eps, self.momentum, self.affine = float(eps), float(momentum), bool(affine)
        dtype = np.dtype(dtype)
        if affine:
            self.params["weight"] = np.ones(num_features, dtype)
            self.params["bias"] = np.zeros(num_features, dtype)
        self.running_mean = np.zeros(num_features, dtype)
        self.running_var = np.ones(num_features, dtype)
        self.num_batches_tracked = 0

    @classmethod
    def from_torch_module(cls, module, dtype) -> BatchNorm1d:
        if module.momentum is None or not module.track_running_stats:
            raise ValueError("only BatchNorm1d with a momentum and running statistics has a numpy twin")
        layer = cls(module.num_features, module.eps, module.momentum, module.affine, dtype=dtype)
        layer.load_state_dict(module.state_dict())
        layer.train(module.training)
        return layer

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Parameters and running statistics from a torch ``state_dict`` (or this layer's)."""
        state = dict(state)
        buffers = {}
        for name in ("running_mean", "running_var", "num_batches_tracked"):
            if name in state:
                value = state.pop(name)
                if hasattr(value, "detach"):
                    value = value.detach().cpu().numpy()
                buffers[name] = np.asarray(value)
        super().load_state_dict(state)
        if "running_mean" in buffers:
            self.running_mean[...] = buffers["running_mean"]
        if "running_var" in buffers:
            self.running_var[...] = buffers["running_var"]
        if "num_batches_tracked" in buffers:
            self.num_batches_tracked = int(buffers["num_batches_tracked"])

    def state_dict(self) -> dict[str, np.ndarray]:
        state = super().state_dict()
        state.update(running_mean=self.running_mean.copy(), running_var=self.running_var.copy(),
                     num_batches_tracked=np.array(self.num_batches_tracked))
        return state

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input", ndim=2)
        if x.shape[1] != self.num_features:
            raise ValueError(f"BatchNorm1d({self.num_features}) expects input (N, {self.num_features}), "
                             f"got {x.shape}")
        if self.training:
            n = x.shape[0]
            if n < 2:
                raise ValueError("BatchNorm1d in training mode needs more than 1 example per batch "
                                 "(the batch variance of one example is 0); call eval() to use the "
                                 "running statistics")
            mean = x.mean(axis=0)
            var = x.var(axis=0)  # biased: what normalises the batch
            m = self.momentum
            self.running_mean[...] = (1 - m) * self.running_mean + m * mean
            self.running_var[...] = (1 - m) * self.running_var + m * var * n / (n - 1)
            self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = (x - mean) * inv_std
        y = x_hat * self.params["weight"] + self.params["bias"] if self.affine else x_hat
        self.save_for_backward(y, x_hat, inv_std, self.training)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, x_hat, inv_std, training = self.saved(grad_out)
        if self.affine:
            self.accumulate("weight", (grad_out * x_hat).sum(axis=0))
            self.accumulate("bias", grad_out.sum(axis=0))
            g = grad_out * self.params["weight"]
        else:
            g = grad_out
        if not input_grad:
            return None
        if not training:  # the statistics are constants: a per-feature affine map
            return g * inv_std
        return (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) * inv_std

    def __repr__(self) -> str:
        return (f"BatchNorm1d({self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine})")


class LayerNorm(Layer):
    """Layer normalisation (层规范化), the twin of ``torch.nn.LayerNorm``.

    Each example is standardised over its last ``len(normalized_shape)``
    dimensions (not over the batch, unlike batch norm), so it behaves the same
    in training and evaluation and for any batch size::

        x_hat = (x - mean) / sqrt(var + eps),   y = x_hat * weight + bias

    Backward, with ``g = grad_out * weight`` and means over the normalised axes::

        dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)

    Shape: ``(*, *normalized_shape)`` -> the same; ``weight`` and ``bias`` ``normalized_shape``.
    """

    torch_twin = "LayerNorm"

    def __init__(self, normalized_shape: int | tuple[int, ...], eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True, *, dtype=np.float32) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else normalized_shape
        self.normalized_shape = tuple(int(s) for s in shape)
        if not self.normalized_shape or min(self.normalized_shape) < 1:
            raise ValueError(f"normalized_shape must be positive sizes, got {normalized_shape!r}")
        if not eps > 0:
            raise ValueError(f"eps must be positive, got {eps}")
        self.eps = float(eps)
        self.elementwise_affine = bool(elementwise_affine)
        if elementwise_affine:
            self.params["weight"] = np.ones(self.normalized_shape, dtype=dtype)
            if bias:
                self.params["bias"] = np.zeros(self.normalized_shape, dtype=dtype)

    @classmethod
    def from_torch_module(cls, module, dtype) -> LayerNorm:
        layer = cls(module.normalized_shape, module.eps, module.elementwise_affine,
                    getattr(module, "bias", None) is not None, dtype=dtype)
        layer.load_state_dict(module.state_dict())
        return layer

    def forward(self, x) -> np.ndarray:
        x = as_float_array(x, "input")
        k = len(self.normalized_shape)
        if x.ndim < k or x.shape[x.ndim - k:] != self.normalized_shape:
            raise ValueError(f"LayerNorm{self.normalized_shape} expects input of shape "
                             f"(*, {', '.join(map(str, self.normalized_shape))}), got {x.shape}")
        axes = tuple(range(x.ndim - k, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt(x.var(axis=axes, keepdims=True) + self.eps)
        x_hat = (x - mean) * inv_std
        y = x_hat * self.params["weight"] if "weight" in self.params else x_hat
        if "bias" in self.params:
            y = y + self.params["bias"]
        self.save_for_backward(y, x_hat, inv_std)
        return y

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, x_hat, inv_std = self.saved(grad_out)
        k = len(self.normalized_shape)
        lead = tuple(range(grad_out.ndim - k))
        if "weight" in self.params:
            self.accumulate("weight", (grad_out * x_hat).sum(axis=lead))
        if "bias" in self.params:
            self.accumulate("bias", grad_out.sum(axis=lead))
        if not input_grad:
            return None
        g = grad_out * self.params["weight"] if "weight" in self.params else grad_out
        axes = tuple(range(g.ndim - k, g.ndim))
        return (g - g.mean(axis=axes, keepdims=True)
                - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)) * inv_std

    def __repr__(self) -> str:
        return f"LayerNorm({self.normalized_shape}, eps={self.eps})"
