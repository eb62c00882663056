"""From-scratch numpy twins of ``torch.nn``: every piece has a forward and a backward.

One module per torch family: :mod:`~.activations`, :mod:`~.losses`,
:mod:`~.linear` (``Linear``, ``Flatten``), :mod:`~.container`
(``Sequential``, ``mlp``), :mod:`~.optim`; :mod:`~.base` holds what every
layer and loss shares, :mod:`~.convert` the torch-to-numpy ``from_torch``,
:mod:`~.training` the numpy ``fit``. Each piece is checked against torch
(float64, values and gradients) and finite differences in the tests.
"""

from .base import Layer, Loss, as_float_array, no_grad

__all__ = ["Layer", "Loss", "as_float_array", "no_grad"]
