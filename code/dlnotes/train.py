"""The torch training loop of every chapter: :func:`fit`, :func:`evaluate`, :func:`predict`.

Its numpy twin is :mod:`dlnotes.scratch.training` (same arguments, same
:class:`~dlnotes.history.History`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable

from .history import History, check_batches, end_epoch, resolve_metric, summed

__all__ = ["History", "fit", "evaluate", "predict", "weight_grad_norms"]


def _to(batch, device):
    x, y = batch
    return x.to(device, non_blocking=True), y.to(device, non_blocking=True)


def evaluate(model, batches: Iterable, loss_fn: Callable | None = None, *,
             metric: str | Callable | None = "acc", device=None) -> tuple[float, float | None]:
    """Mean loss and metric (accuracy by default; None with ``metric=None``) over ``batches``
    of ``(x, y)``, in evaluation mode; the model's mode is restored afterwards."""
    import torch

    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    _, metric_fn = resolve_metric(metric)
    device = device or next(model.parameters()).device
    was_training = model.training
    model.eval()

    def run(x, y):
        x, y = _to((x, y), device)
        out = model(x)
        return loss_fn(out, y), None if metric_fn is None else metric_fn(out, y)

    try:
        with torch.no_grad():
            return summed(batches, run)
    finally:
        model.train(was_training)


def predict(model, x, batch_size: int = 4096):
    """Outputs of ``model`` on a tensor ``x`` (no grad, evaluation mode), computed in chunks;
    the model's mode is restored afterwards."""
    import torch

    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return torch.cat([model(x[i:i + batch_size].to(device)).cpu()
                              for i in range(0, len(x), batch_size)])
    finally:
        model.train(was_training)


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
    metric: str | Callable | None = "acc",
    verbose: bool = True,
    on_epoch_end: Callable[[int, History], bool | None] | None = None,
    device=None,
    scheduler=None,
    clip_grad_norm: float | None = None,
    progress: bool = True,
) -> History:
    """Train ``model`` on ``train``, a re-iterable source of ``(x, y)`` batches
    (e.g. :class:`dlnotes.data.Batches`); return a :class:`History`.

    Each step: ``loss_fn(model(x), y)``, backward, optional gradient clipping,
    ``optimizer.step()`` (default: SGD with learning rate ``lr``); ``scheduler``
    is stepped once per epoch. ``metric`` is recorded beside the loss
    (``"acc"``, a function ``metric(out, y)``, or None). After each epoch
    ``val`` is evaluated and ``on_epoch_end(epoch, history)`` is called;
    returning True stops training (early stopping). The model is moved to
    ``device`` (default :func:`dlnotes.utils.get_device`: CUDA or MPS when
    present). A progress bar shows the running epoch; ``verbose`` prints one
    summary line per epoch. A loss that turns NaN or infinite stops training
    with an error naming the epoch and batch.
    """
    import torch
    from tqdm.std import tqdm

    from .utils import get_device

    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    check_batches(train, "train")
    check_batches(val, "val")
    device = torch.device(device) if device is not None else get_device()
    model.to(device)
    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    optimizer = optimizer or torch.optim.SGD(model.parameters(), lr=lr)
    metric_name, metric_fn = resolve_metric(metric)
    history = History(metric_name)
    n_batches = len(train) if hasattr(train, "__len__") else None
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        # sums stay on the device: no host synchronisation per batch
        sum_loss = torch.zeros((), device=device, dtype=torch.float32)
        sum_metric = torch.zeros((), device=device, dtype=torch.float32)
        first_bad = torch.full((), -1, device=device)
        n = 0
        with tqdm(total=n_batches, disable=not progress, file=sys.stdout, unit="batch",
                  desc=f"epoch {epoch}/{epochs}", mininterval=0.5, ncols=80, leave=False) as bar:
            for i, batch in enumerate(train):
                x, y = _to(batch, device)
                out = model(x)
                loss = loss_fn(out, y)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if clip_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad_norm)
                optimizer.step()
                sum_loss += loss.detach() * len(y)
                first_bad = torch.where((first_bad < 0) & ~torch.isfinite(loss.detach()), i, first_bad)
                if metric_fn is not None:
                    sum_metric += metric_fn(out.detach(), y) * len(y)
                n += len(y)
                bar.update(1)
        if first_bad.item() >= 0:
            raise FloatingPointError(f"the training loss became {sum_loss.item()} in epoch {epoch}, "
                                     f"batch {first_bad.item() + 1}: lower the learning rate, clip "
                                     "gradients, or check the data")
        if scheduler is not None:
            scheduler.step()
        val_result = evaluate(model, val, loss_fn, metric=metric, device=device) if val is not None else None
        if end_epoch(history, epoch, epochs, n, sum_loss.item(), sum_metric.item(), val_result,
                     time.perf_counter() - start, verbose, on_epoch_end):
            break
    return history
