"""Torch models by family: :mod:`~.feedforward` (MLPs, the linear classifier),
:mod:`~.summary` (counting parameters). The builders notebooks use are re-exported here."""

from .feedforward import ACTIVATIONS, linear_classifier, make_activation, mlp
from .summary import count_parameters

__all__ = ["ACTIVATIONS", "make_activation", "mlp", "linear_classifier", "count_parameters"]
