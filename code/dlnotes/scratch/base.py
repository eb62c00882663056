"""Interfaces shared by the numpy layers, activations, losses and optimisers."""

from __future__ import annotations

from typing import Iterator

import numpy as np

__all__ = ["Layer", "Loss", "as_float_array"]


def as_float_array(x, name: str = "input", ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Convert to a floating numpy array, with a clear error for wrong types or shapes.

    Integer and boolean input becomes float64; float32/float64 are kept.
    """
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimensions, "
                             f"got shape {arr.shape}")
    return arr


class Layer:
    """A numpy layer. ``forward`` caches what ``backward`` needs.

    * ``forward(x)`` returns the output;
    * ``backward(grad_out)`` takes dL/d(output), stores dL/d(parameter) in
      ``self.grads[name]`` (same shapes as ``self.params[name]``) and returns
      dL/d(input);
    * ``params`` / ``grads`` are dicts keyed like torch's ``named_parameters``
      (``"weight"``, ``"bias"``), so values copy across to ``torch.nn``.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training = True

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray, np.ndarray | None]]:
        """Yield ``(name, parameter, gradient)`` (the gradient is None before backward)."""
        for name, p in self.params.items():
            yield prefix + name, p, self.grads.get(name)

    def zero_grad(self) -> None:
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def train(self, mode: bool = True) -> "Layer":
        self.training = mode
        return self

    def eval(self) -> "Layer":
        return self.train(False)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}={tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class Loss:
    """A numpy loss: ``forward(prediction, target) -> float``; ``backward() -> dL/d(prediction)``.

    Losses average over the batch (torch's ``reduction="mean"``) unless stated.
    """

    def forward(self, prediction: np.ndarray, target: np.ndarray) -> float:  # pragma: no cover
        raise NotImplementedError

    def backward(self) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, prediction: np.ndarray, target: np.ndarray) -> float:
        return self.forward(prediction, target)
