"""Weight penalties and weight-decay parameter groups for torch models.

* :func:`param_groups` -- optimiser parameter groups that decay the weights
  but not the biases or the normalisation parameters;
* :func:`l1_penalty`, :func:`l2_penalty` -- the penalties as differentiable
  torch scalars;
* :class:`PenalizedLoss` -- a loss plus a penalty, usable as ``fit``'s
  ``loss_fn`` (the penalty is added in training mode only, so validation
  losses stay comparable).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["decay_split", "param_groups", "l1_penalty", "l2_penalty", "PenalizedLoss"]

_NORMS = ("BatchNorm", "LayerNorm", "GroupNorm", "InstanceNorm", "RMSNorm", "LocalResponseNorm")


def decay_split(model, *, embeddings: bool = True) -> tuple[list, list]:
    """``(decay, no_decay)`` lists of parameters: weights with >= 2 dimensions of
    non-normalisation modules decay; biases and normalisation parameters do not.
    ``embeddings=False`` keeps the tables of ``torch.nn.Embedding`` out of the decay too."""
    decay, no_decay, seen = [], [], set()
    for module in model.modules():
        is_norm = type(module).__name__.startswith(_NORMS)
        skip = is_norm or (not embeddings and type(module).__name__ == "Embedding")
        for p in module.parameters(recurse=False):
            if id(p) in seen:
                continue
            seen.add(id(p))
            (no_decay if skip or p.ndim < 2 else decay).append(p)
    return decay, no_decay


def param_groups(model, weight_decay: float, *, embeddings: bool = True) -> list[dict]:
    """Parameter groups for ``torch.optim``: ``weight_decay`` on the weights, 0 on biases and
    norms (and on embedding tables with ``embeddings=False``).

    Use as ``torch.optim.AdamW(param_groups(model, 0.05), lr=1e-3)``.
    """
    if not weight_decay >= 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay!r}")
    decay, no_decay = decay_split(model, embeddings=embeddings)
    return [{"params": decay, "weight_decay": float(weight_decay)},
            {"params": no_decay, "weight_decay": 0.0}]


def l2_penalty(model, strength: float):
    """``strength / 2 * sum(w**2)`` over the weights (not biases or norms): a torch scalar whose
    gradient ``strength * w`` is what SGD's ``weight_decay=strength`` adds."""
    decay, _ = decay_split(model)
    return 0.5 * strength * sum((p * p).sum() for p in decay)


def l1_penalty(model, strength: float):
    """``strength * sum(|w|)`` over the weights (not biases or norms), a torch scalar."""
    decay, _ = decay_split(model)
    return strength * sum(p.abs().sum() for p in decay)


class PenalizedLoss:
    """``loss_fn(out, y) + l1_penalty + l2_penalty`` of ``model``, while the model trains.

    In evaluation mode (``evaluate``, ``model.eval()``) only the plain loss is
    returned, so validation losses of penalised and plain runs compare.
    """

    def __init__(self, model, loss_fn: Callable | None = None, *, l1: float = 0.0, l2: float = 0.0) -> None:
        import torch

        if l1 < 0 or l2 < 0:
            raise ValueError(f"penalty strengths must be >= 0, got l1={l1}, l2={l2}")
        self.model, self.l1, self.l2 = model, float(l1), float(l2)
        self.loss_fn = loss_fn or torch.nn.CrossEntropyLoss()

    def __call__(self, out, y):
        loss = self.loss_fn(out, y)
        if self.model.training:
            if self.l1:
                loss = loss + l1_penalty(self.model, self.l1)
            if self.l2:
                loss = loss + l2_penalty(self.model, self.l2)
        return loss
