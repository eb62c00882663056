"""From torch to numpy: :func:`from_torch` builds the scratch twin of a torch module.

Every scratch class that names a ``torch_twin`` is in the registry
:data:`dlnotes.scratch.base.TWINS`; importing the family modules here fills it.
"""

from __future__ import annotations

import numpy as np

# importing every family registers its twins (classes with ``torch_twin``)
from . import (  # noqa: F401
    activations,
    attention,
    container,
    conv,
    dropout,
    linear,
    losses,
    normalization,
    pooling,
    rnn,
)
from .base import TWINS, Layer

__all__ = ["from_torch"]


def from_torch(module, dtype=np.float64, _memo: dict | None = None) -> Layer:
    """The numpy twin of a torch module (weights copied), e.g. of an ``nn.Sequential`` MLP.

    Containers are converted recursively; a module used twice (shared weights)
    becomes one scratch layer used twice. Raises TypeError for a module with
    no scratch twin, naming the ones that exist.
    """
    memo = {} if _memo is None else _memo
    if id(module) in memo:
        return memo[id(module)]
    name = type(module).__name__
    if name not in TWINS or not type(module).__module__.startswith("torch"):
        raise TypeError(f"from_torch does not know how to convert {name}; "
                        f"scratch twins exist for {sorted(TWINS)}")
    if name == "Sequential":
        twin = container.Sequential(*[from_torch(m, dtype, memo) for m in module])
    else:
        twin = TWINS[name].from_torch_module(module, dtype)
    memo[id(module)] = twin
    return twin
