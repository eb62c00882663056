"""Callbacks for both ``fit`` loops (``on_epoch_end=``): :class:`EarlyStopping`.

A callback is called as ``callback(epoch, history)`` after every epoch;
returning True stops training.
"""

from __future__ import annotations

import copy
import math

__all__ = ["EarlyStopping"]


def _snapshot(model) -> dict:
    """A deep copy of ``model.state_dict()`` (torch tensors cloned, numpy arrays copied)."""
    state = model.state_dict()
    return {k: (v.detach().clone() if hasattr(v, "detach") else copy.deepcopy(v)) for k, v in state.items()}


class EarlyStopping:
    """Stop when ``monitor`` has not improved for ``patience`` epochs; keep the best weights.

    ``monitor`` is a record of the :class:`~dlnotes.history.History`
    (``"val_loss"``, ``"val_acc"``, ...); ``mode="min"`` for losses, ``"max"``
    for accuracies; an improvement must beat the best by more than
    ``min_delta``. With ``restore_best=True`` (and a ``model``) the weights
    of the best epoch are saved whenever it improves and loaded back when
    training stops, and at ``max_epochs`` when given (the last epoch of a run
    that never stopped early); :meth:`restore` loads them at any time.
    Works with torch models and numpy layers alike (``state_dict`` /
    ``load_state_dict``). ``best_epoch`` and ``best`` record the choice.
    """

    def __init__(self, patience: int = 5, monitor: str = "val_loss", mode: str = "min",
                 restore_best: bool = True, *, model=None, min_delta: float = 0.0,
                 max_epochs: int | None = None) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a positive integer, got {patience!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if restore_best and model is None:
            raise ValueError("restore_best=True needs the model: EarlyStopping(..., model=model)")
        self.patience, self.monitor, self.mode = patience, monitor, mode
        self.restore_best, self.model = restore_best, model
        self.min_delta, self.max_epochs = float(min_delta), max_epochs
        self.best = math.inf if mode == "min" else -math.inf
        self.best_epoch = 0
        self.stopped_epoch: int | None = None
        self._state: dict | None = None

    def _better(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def __call__(self, epoch: int, history) -> bool:
        values = getattr(history, self.monitor)
        if not values:
            raise ValueError(f"EarlyStopping monitors {self.monitor!r}, which has no value: "
                             "pass validation batches to fit (val=...)")
        value = float(values[-1])
        if self._better(value):
            self.best, self.best_epoch = value, epoch
            if self.restore_best:
                self._state = _snapshot(self.model)
        stop = epoch - self.best_epoch >= self.patience
        if stop:
            self.stopped_epoch = epoch
        if stop or (self.max_epochs is not None and epoch >= self.max_epochs):
            self.restore()
        return stop

    def restore(self) -> None:
        """Load the best epoch's weights into the model (no-op without ``restore_best``)."""
        if self.restore_best and self._state is not None:
            self.model.load_state_dict(self._state)

    def __repr__(self) -> str:
        return (f"EarlyStopping(patience={self.patience}, monitor={self.monitor!r}, mode={self.mode!r}, "
                f"best_epoch={self.best_epoch})")
