"""Sizes of torch models: parameter counts."""

from __future__ import annotations

__all__ = ["count_parameters"]


def count_parameters(model) -> int:
    """Number of trainable parameters (each shared parameter counted once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
