"""Torch models by family: :mod:`~.feedforward` (MLPs, the linear classifier),
:mod:`~.summary` (counting parameters and multiply-adds), :mod:`~.cnn` (convolutional
models; import it directly),
:mod:`~.rnn` (recurrent models; imports torch, so import it directly), :mod:`~.lm`
(language-model loss, bits per character, sampling). The builders notebooks use are re-exported here."""

from .feedforward import ACTIVATIONS, linear_classifier, make_activation, mlp
from .summary import count_macs, count_parameters, layer_summary

__all__ = ["ACTIVATIONS", "make_activation", "mlp", "linear_classifier", "count_parameters",
           "count_macs", "layer_summary"]
