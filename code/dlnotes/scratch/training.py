"""Training a numpy model with no torch at all: mini-batches, :func:`fit`, :func:`evaluate`.

The twin of :func:`dlnotes.train.fit` for the numpy layers of
:mod:`dlnotes.scratch`: forward, loss, backward, optimiser step, batch after
batch. It returns the same :class:`dlnotes.train.History`.
"""

from __future__ import annotations

import time
from typing import Callable, Iterator

import numpy as np

from ..train import History
from ..utils import rng as make_rng
from .base import Layer, Loss
from .layers import Sequential

__all__ = ["iterate_minibatches", "fit", "evaluate", "predict"]


def iterate_minibatches(x: np.ndarray, y: np.ndarray, batch_size: int, *,
                        shuffle: bool = False, rng: np.random.Generator | None = None,
                        ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(x[idx], y[idx])`` batches; with ``shuffle`` a permutation drawn from ``rng``.

    Shape: each batch is ``(B, ...)`` with ``B <= batch_size``.
    """
    n = len(x)
    if len(y) != n:
        raise ValueError(f"x and y differ in length: {n} vs {len(y)}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    if shuffle:
        if rng is None:
            raise ValueError("shuffle=True needs rng= (no hidden global random state)")
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            idx = order[i:i + batch_size]
            yield x[idx], y[idx]
    else:
        for i in range(0, n, batch_size):
            yield x[i:i + batch_size], y[i:i + batch_size]


def predict(model: Layer, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """Outputs of ``model`` on ``x`` in chunks (evaluation mode).

    Shape: ``(N, ...)`` -> ``(N, n_outputs)``.
    """
    was_training = model.training
    model.eval()
    try:
        return np.concatenate([model.forward(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    finally:
        model.train(was_training)


def evaluate(model: Layer, loss_fn: Loss, x: np.ndarray, y: np.ndarray,
             batch_size: int = 4096) -> tuple[float, float]:
    """Mean loss and accuracy of a numpy classifier on ``(x, y)``."""
    if len(x) == 0:
        raise ValueError("evaluate() got no examples")
    out = predict(model, x, batch_size)
    return float(loss_fn(out, y)), float(np.mean(out.argmax(axis=1) == y))


def fit(model: Layer, loss_fn: Loss, optimizer, x: np.ndarray, y: np.ndarray, *,
        epochs: int, batch_size: int = 128, seed: int | np.random.Generator = 0,
        val: tuple[np.ndarray, np.ndarray] | None = None, verbose: bool = True,
        on_epoch_end: Callable[[int, History], None] | None = None) -> History:
    """Train a numpy classifier with mini-batches; return a :class:`dlnotes.train.History`.

    Each step: ``loss_fn(model.forward(xb), yb)``, ``model.backward(loss_fn.backward())``,
    ``optimizer.step()`` (the numpy layers overwrite ``grads`` in every backward, so
    there is nothing to zero). ``seed`` drives the shuffling. Training metrics are
    averaged over the epoch's batches (as the weights change), like
    :func:`dlnotes.train.fit`; ``epoch_seconds`` times the training part only.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    gen = make_rng(seed)
    history = History()
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        sum_loss, correct, n = 0.0, 0, 0
        for xb, yb in iterate_minibatches(x, y, batch_size, shuffle=True, rng=gen):
            out = model.forward(xb)
            loss = loss_fn(out, yb)
            if isinstance(model, Sequential):  # nothing needs dL/d(input) when training
                model.backward(loss_fn.backward(), input_grad=False)
            else:
                model.backward(loss_fn.backward())
            optimizer.step()
            sum_loss += loss * len(yb)
            correct += int(np.count_nonzero(out.argmax(axis=1) == yb))
            n += len(yb)
        history.epoch_seconds.append(time.perf_counter() - start)
        history.train_loss.append(sum_loss / n)
        history.train_acc.append(correct / n)
        if val is not None:
            vl, va = evaluate(model, loss_fn, *val)
            history.val_loss.append(vl)
            history.val_acc.append(va)
        if verbose:
            print(history.summary(), flush=True)
        if on_epoch_end is not None:
            on_epoch_end(epoch, history)
    return history
