"""Containers and network builders (numpy): ``Sequential`` and the ``mlp`` builder."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ..utils import as_generator
from .activations import ELEMENTWISE
from .base import Layer
from .linear import Linear

__all__ = ["Sequential", "mlp"]


class Sequential(Layer):
    """Layers applied one after the other; backward runs them in reverse (torch's ``nn.Sequential``).

    Parameters are named ``"<index>.<name>"`` like torch's ``named_parameters``.
    The same layer object may appear more than once (its gradients add up).
    """

    torch_twin = "Sequential"

    def __init__(self, *layers: Layer) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} is a {type(layer).__name__}, not a dlnotes Layer")
        self.layers: list[Layer] = list(layers)
        self.children = {str(i): layer for i, layer in enumerate(layers)}

    def forward(self, x) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_out, *, input_grad: bool = True) -> np.ndarray | None:
        for i in reversed(range(len(self.layers))):
            grad_out = self.layers[i].backward(grad_out, input_grad=input_grad or i > 0)
        return grad_out

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


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
    key = activation.lower().replace("-", "_")
    if key not in ELEMENTWISE:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ELEMENTWISE)}")
    gen = as_generator(rng)
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(n_in, n_out, rng=gen, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(ELEMENTWISE[key]())
    return Sequential(*layers)
