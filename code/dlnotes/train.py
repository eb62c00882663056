"""One reusable training loop for every chapter: :func:`fit`, plus :func:`evaluate`."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

__all__ = ["History", "fit", "evaluate", "predict", "weight_grad_norms"]


@dataclass
class History:
    """Per-epoch metrics recorded by :func:`fit`."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def seconds(self) -> float:
        """Total training time (hardware-dependent: never print it in a compared cell)."""
        return float(sum(self.epoch_seconds))

    def summary(self, digits: int = 4) -> str:
        """The last epoch's metrics as one rounded line."""
        if not self.epochs:
            return "no epochs"
        parts = [f"epoch {self.epochs}", f"train loss {self.train_loss[-1]:.{digits}f}",
                 f"train acc {self.train_acc[-1]:.{digits}f}"]
        if self.val_loss:
            parts += [f"val loss {self.val_loss[-1]:.{digits}f}",
                      f"val acc {self.val_acc[-1]:.{digits}f}"]
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"History({self.summary()})"

    def plot(self, ax=None, title: str | None = None):
        """Training curves (loss and accuracy); see :func:`dlnotes.plot.training_curves`."""
        from .plot import training_curves

        return training_curves(self, title=title)


def _batches_to(batch, device):
    x, y = batch
    return x.to(device, non_blocking=True), y.to(device, non_blocking=True)


def evaluate(model, batches: Iterable, loss_fn: Callable | None = None, device=None) -> tuple[float, float]:
    """Mean loss and accuracy of a classifier over ``batches`` of ``(x, y)``."""
    import torch

    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    device = device or next(model.parameters()).device
    was_training = model.training
    model.eval()
    total_loss, correct, n = 0.0, 0, 0
    with torch.no_grad():
        for batch in batches:
            x, y = _batches_to(batch, device)
            out = model(x)
            total_loss += loss_fn(out, y).item() * len(y)
            correct += (out.argmax(dim=1) == y).sum().item()
            n += len(y)
    model.train(was_training)
    if n == 0:
        raise ValueError("evaluate() got no batches")
    return total_loss / n, correct / n


def predict(model, x, batch_size: int = 4096):
    """Logits of ``model`` on a tensor ``x`` (no grad), computed in chunks."""
    import torch

    device = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + batch_size].to(device)).cpu()
                          for i in range(0, len(x), batch_size)])


def weight_grad_norms(model) -> list[float]:
    """The norm of each layer's weight gradient, input layer first (call after ``backward``).

    Layers are the modules with a weight matrix (``Linear``, convolutions);
    biases and normalisation layers are left out.
    """
    norms = []
    for module in model.modules():
        weight = getattr(module, "weight", None)
        if weight is not None and weight.ndim >= 2:
            if weight.grad is None:
                raise ValueError(f"{type(module).__name__}.weight has no gradient: call backward first")
            norms.append(weight.grad.norm().item())
    return norms


def fit(
    model,
    train: Iterable,
    val: Iterable | None = None,
    *,
    epochs: int,
    optimizer=None,
    lr: float = 0.1,
    loss_fn: Callable | None = None,
    device=None,
    scheduler=None,
    clip_grad_norm: float | None = None,
    progress: bool = True,
    verbose: bool = True,
    on_epoch_end: Callable[[int, History], None] | None = None,
) -> History:
    """Train a classifier (or any model whose ``loss_fn(model(x), y)`` is a scalar).

    ``train`` and ``val`` are iterables of ``(x, y)`` batches, e.g.
    :class:`dlnotes.data.Batches`. The model is moved to ``device`` (default:
    :func:`dlnotes.utils.get_device`, so CUDA or MPS is used when present).
    ``optimizer`` defaults to plain SGD with learning rate ``lr``. Accuracy is
    computed with ``argmax`` when the outputs are 2-D class scores.

    A progress bar shows the batches of the running epoch; with ``verbose``
    one rounded summary line per epoch is printed. Returns a :class:`History`.
    """
    import torch
    from tqdm.std import tqdm

    from .utils import get_device

    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    optimizer = optimizer or torch.optim.SGD(model.parameters(), lr=lr)
    history = History()
    n_batches = len(train) if hasattr(train, "__len__") else None
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        sum_loss = torch.zeros((), device=device)
        sum_correct = torch.zeros((), device=device, dtype=torch.long)
        n = 0
        # One bar per epoch, removed when the epoch ends; the epoch's summary
        # line stays. (In a stored notebook only the summary lines remain.)
        with tqdm(total=n_batches, disable=not progress, file=sys.stdout, unit="batch",
                  desc=f"epoch {epoch}/{epochs}", mininterval=0.5, ncols=80, leave=False) as bar:
            for batch in train:
                x, y = _batches_to(batch, device)
                out = model(x)
                loss = loss_fn(out, y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if clip_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
                optimizer.step()
                # accumulate on the device: no host synchronisation per batch
                sum_loss += loss.detach() * len(y)
                if out.ndim == 2 and y.ndim == 1:
                    sum_correct += (out.detach().argmax(dim=1) == y).sum()
                n += len(y)
                bar.update(1)
        if scheduler is not None:
            scheduler.step()
        history.train_loss.append(sum_loss.item() / n)
        history.train_acc.append(sum_correct.item() / n)
        if val is not None:
            vl, va = evaluate(model, val, loss_fn, device)
            history.val_loss.append(vl)
            history.val_acc.append(va)
        history.epoch_seconds.append(time.perf_counter() - start)
        if verbose:
            print(history.summary(), flush=True)
        if on_epoch_end is not None:
            on_epoch_end(epoch, history)
    return history
