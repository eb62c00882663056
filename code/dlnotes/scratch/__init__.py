"""From-scratch numpy implementations: every piece has a forward and a backward.

Each is checked against torch (float64) and against finite differences in the
tests. Weight shapes and argument names follow ``torch.nn`` so that weights
can be copied across.
"""

from .base import Layer, Loss, as_float_array

__all__ = ["Layer", "Loss", "as_float_array"]
