"""What both training loops share: :class:`History`, the metrics, and the per-epoch bookkeeping.

The torch ``fit`` (:mod:`dlnotes.train`) and the numpy ``fit``
(:mod:`dlnotes.scratch.training`) take the same arguments in the same order,
record the same :class:`History` and stop in the same ways; this module is
where that common behaviour lives, so neither side imports the other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = ["History", "accuracy", "METRICS", "resolve_metric", "check_batches", "check_finite", "end_epoch",
           "summed"]


def accuracy(out, y):
    """Fraction of examples whose highest score is at the label (classes along dimension 1,
    as ``CrossEntropyLoss`` expects). Works for numpy arrays and torch tensors alike."""
    hits = out.argmax(1) == y
    if isinstance(hits, np.ndarray):
        return hits.mean() if hits.size else 0.0
    return hits.float().mean()


#: Metrics by the name ``fit(metric=...)`` accepts.
METRICS: dict[str, Callable] = {"acc": accuracy}


def resolve_metric(metric: str | Callable | None) -> tuple[str | None, Callable | None]:
    """``"acc"`` (accuracy), a callable ``metric(out, y) -> batch mean`` (named after the
    function), or None (record losses only, e.g. for regression or a language model)."""
    if metric is None:
        return None, None
    if isinstance(metric, str):
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; choose one of {sorted(METRICS)}, "
                             "pass a function metric(out, y), or None")
        return metric, METRICS[metric]
    if callable(metric):
        return getattr(metric, "__name__", "metric"), metric
    raise TypeError(f"metric must be a name, a function or None, got {type(metric).__name__}")


class History:
    """Per-epoch records of a training run: ``train_loss``, ``val_loss``,
    ``train_<metric>``, ``val_<metric>`` (e.g. ``train_acc``) and ``epoch_seconds``.

    The training numbers are averages over the epoch's batches, taken while
    the weights change (and with dropout active); the validation numbers are
    measured after the epoch. ``stopped_early`` is True when a callback
    ended training before ``epochs``.
    """

    def __init__(self, metric: str | None = "acc") -> None:
        self.metric = metric
        names = ["train_loss", "val_loss", "epoch_seconds"]
        if metric:
            names += [f"train_{metric}", f"val_{metric}"]
        self.records: dict[str, list[float]] = {name: [] for name in names}
        self.stopped_early = False

    def __getattr__(self, name: str) -> list[float]:
        records = self.__dict__.get("records", {})
        if name in records:
            return records[name]
        raise AttributeError(f"History has no record {name!r}; it has {sorted(records)}")

    @property
    def epochs(self) -> int:
        return len(self.records["train_loss"])

    @property
    def seconds(self) -> float:
        """Total training time (hardware-dependent: never print it in a compared cell)."""
        return float(sum(self.records["epoch_seconds"]))

    def summary(self, digits: int = 4) -> str:
        """The last epoch's numbers as one rounded line."""
        if not self.epochs:
            return "no epochs"
        parts = [f"epoch {self.epochs}"]
        for name, values in self.records.items():
            if name != "epoch_seconds" and values:
                parts.append(f"{name.replace('_', ' ')} {values[-1]:.{digits}f}")
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"History({self.summary()})"

    def plot(self, title: str | None = None):
        """Training curves (loss and metric); see :func:`dlnotes.book.plot.training_curves`."""
        from .book.plot import training_curves

        return training_curves(self, title=title)


def check_finite(loss: float, epoch: int, batch: int) -> None:
    """Stop training with a clear error when a batch's loss is NaN or infinite."""
    if not math.isfinite(loss):
        raise FloatingPointError(f"the training loss became {loss} in epoch {epoch}, batch {batch}: "
                                 "lower the learning rate, clip gradients, or check the data")


def check_batches(batches: Any, what: str = "train") -> None:
    """Reject a one-shot iterator (a generator is exhausted after one epoch)."""
    if batches is None:
        return
    try:
        iterator = iter(batches)
    except TypeError:
        raise TypeError(f"{what} must be a re-iterable source of (x, y) batches such as "
                        f"dlnotes.data.Batches, got {type(batches).__name__}") from None
    if iterator is batches:
        raise TypeError(f"{what} is a one-shot iterator ({type(batches).__name__}): it would be "
                        "empty after the first epoch. Pass a re-iterable source of (x, y) "
                        "batches such as dlnotes.data.Batches or a list of batches.")


def end_epoch(history: History, epoch: int, epochs: int, n: int, train_loss: float,
              train_metric: float | None, val: tuple[float, float | None] | None, seconds: float,
              verbose: bool, on_epoch_end: Callable[[int, History], Any] | None) -> bool:
    """Record one epoch; return True when training should stop (a callback returned True).

    ``n`` is the number of training examples seen; ``train_loss`` and
    ``train_metric`` are their sums (divided here). Raises a clear error for
    an epoch with no batches and for a loss that is not finite.
    """
    if n == 0:
        raise ValueError(f"epoch {epoch} had no training batches: pass a non-empty, re-iterable "
                         "source of (x, y) batches such as dlnotes.data.Batches")
    if not math.isfinite(train_loss):
        raise FloatingPointError(f"the training loss became {train_loss / n} in epoch {epoch}: "
                                 "lower the learning rate, clip gradients, or check the data")
    history.records["train_loss"].append(train_loss / n)
    if history.metric:
        history.records[f"train_{history.metric}"].append(float(train_metric) / n)
    if val is not None:
        history.records["val_loss"].append(val[0])
        if history.metric:
            history.records[f"val_{history.metric}"].append(val[1])
    history.records["epoch_seconds"].append(seconds)
    if verbose:
        print(history.summary(), flush=True)
    stop = bool(on_epoch_end(epoch, history)) if on_epoch_end is not None else False
    history.stopped_early = stop and epoch < epochs
    return stop


def summed(batches: Iterable, evaluate_batch: Callable) -> tuple[float, float | None]:
    """Mean loss and metric over ``batches``, weighting each batch by its size.

    ``evaluate_batch(x, y) -> (loss, metric or None)`` runs the model on one
    batch; both ``evaluate`` functions (numpy and torch) use this.
    """
    total_loss, total_metric, n = 0.0, 0.0, 0
    has_metric = False
    for x, y in batches:
        loss, value = evaluate_batch(x, y)
        total_loss += float(loss) * len(y)
        if value is not None:
            has_metric = True
            total_metric += float(value) * len(y)
        n += len(y)
    if n == 0:
        raise ValueError("evaluate() got no batches")
    return total_loss / n, (total_metric / n if has_metric else None)
