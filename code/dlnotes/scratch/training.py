"""Training a numpy model with no torch at all: :func:`fit`, :func:`evaluate`, :func:`predict`.

The twin of :mod:`dlnotes.train` for the numpy layers of :mod:`dlnotes.scratch`:
the same arguments in the same order, the same :class:`~dlnotes.history.History`.
Batches come from :class:`dlnotes.data.Batches` over numpy arrays.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import numpy as np

from ..history import History, check_batches, check_finite, end_epoch, resolve_metric, summed
from .base import Layer, Loss, no_grad
from .losses import CrossEntropyLoss
from .optim import SGD

__all__ = ["fit", "evaluate", "predict"]


def predict(model: Layer, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """Outputs of ``model`` on ``x`` in chunks (evaluation mode, nothing saved for backward).

    Shape: ``(N, ...)`` -> ``(N, n_outputs)``.
    """
    if len(x) == 0:
        raise ValueError("predict() got no examples")
    was_training = model.training
    model.eval()
    try:
        with no_grad(model):
            return np.concatenate([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    finally:
        model.train(was_training)


def evaluate(model: Layer, batches: Iterable, loss_fn: Loss | None = None, *,
             metric: str | Callable | None = "acc") -> tuple[float, float | None]:
    """Mean loss and metric (accuracy by default) of a numpy model over ``batches`` of ``(x, y)``."""
    loss_fn = loss_fn or CrossEntropyLoss()
    _, metric_fn = resolve_metric(metric)
    was_training = model.training
    model.eval()

    def run(x, y):
        out = model(x)
        return loss_fn(out, y), None if metric_fn is None else metric_fn(out, y)

    try:
        with no_grad(model, loss_fn):
            return summed(batches, run)
    finally:
        model.train(was_training)


def fit(model: Layer, train: Iterable, val: Iterable | None = None, *, epochs: int,
        optimizer=None, lr: float = 0.1, loss_fn: Loss | None = None,
        metric: str | Callable | None = "acc", verbose: bool = True,
        on_epoch_end: Callable[[int, History], bool | None] | None = None) -> History:
    """Train a numpy model on ``train``, a re-iterable source of ``(x, y)`` batches; return a History.

    Each step: clear the gradients, forward, loss, backward, optimiser step.
    Arguments as in :func:`dlnotes.train.fit`.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    check_batches(train, "train")
    check_batches(val, "val")
    loss_fn = loss_fn or CrossEntropyLoss()
    optimizer = optimizer or SGD(model, lr=lr)
    metric_name, metric_fn = resolve_metric(metric)
    history = History(metric_name)
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        sum_loss, sum_metric, n = 0.0, 0.0, 0
        for batch, (x, y) in enumerate(train, start=1):
            optimizer.zero_grad()
            out = model(x)
            loss = loss_fn(out, y)
            check_finite(loss, epoch, batch)
            model.backward(loss_fn.backward(), input_grad=False)
            optimizer.step()
            sum_loss += loss * len(y)
            sum_metric += metric_fn(out, y) * len(y) if metric_fn else 0.0
            n += len(y)
        val_result = evaluate(model, val, loss_fn, metric=metric) if val is not None else None
        if end_epoch(history, epoch, epochs, n, sum_loss, sum_metric, val_result,
                     time.perf_counter() - start, verbose, on_epoch_end):
            break
    return history
