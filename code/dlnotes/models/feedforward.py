"""Feed-forward torch models: the MLP builder and the one-layer linear classifier."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ACTIVATIONS", "make_activation", "mlp", "linear_classifier"]

#: Names accepted by :func:`make_activation` and :func:`mlp`, mapped to ``torch.nn`` classes.
ACTIVATIONS = {
    "identity": "Identity",
    "sigmoid": "Sigmoid",
    "tanh": "Tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "prelu": "PReLU",
    "elu": "ELU",
    "gelu": "GELU",
    "softplus": "Softplus",
}


def make_activation(name: str) -> "torch.nn.Module":  # noqa: F821
    """A fresh ``torch.nn`` activation module by name (see :data:`ACTIVATIONS`)."""
    import torch.nn as nn

    key = name.lower().replace("-", "_")
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return getattr(nn, ACTIVATIONS[key])()


def mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    *,
    dropout: float = 0.0,
    batchnorm: bool = False,
) -> "torch.nn.Sequential":  # noqa: F821
    """A multi-layer perceptron as ``nn.Sequential``.

    ``sizes = [784, 256, 10]`` gives Linear(784, 256) -> act -> Linear(256, 10).
    The last layer has no activation: it returns logits (scores), which is what
    ``nn.CrossEntropyLoss`` expects. ``dropout`` and ``batchnorm`` are inserted
    after each hidden layer.

    Shape: ``(N, sizes[0])`` -> ``(N, sizes[-1])``.
    """
    import torch.nn as nn

    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise ValueError(f"sizes must list at least two positive layer widths, got {sizes}")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            if batchnorm:
                layers.append(nn.BatchNorm1d(n_out))
            layers.append(make_activation(activation))
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
    return nn.Sequential(*layers)


def linear_classifier(in_features: int = 784, n_classes: int = 10) -> "torch.nn.Linear":  # noqa: F821
    """One layer of ``n_classes`` neurons: scores = x W^T + b.

    Shape: ``(N, in_features)`` -> ``(N, n_classes)``; ``weight`` is ``(n_classes, in_features)``.
    """
    import torch.nn as nn

    return nn.Linear(in_features, n_classes)
