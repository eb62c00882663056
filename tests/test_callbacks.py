"""EarlyStopping with both fits, on runs whose validation loss is known to rise."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlnotes import train
from dlnotes.callbacks import EarlyStopping
from dlnotes.data import Batches
from dlnotes.history import History
from dlnotes.models import mlp
from dlnotes.scratch import training
from dlnotes.scratch.container import mlp as np_mlp
from dlnotes.scratch.optim import SGD


def _memorise(seed=0, n=24, d=8):
    """Random labels: a big network memorises the training set, so the validation loss rises."""
    g = np.random.default_rng(seed)
    x, xv = g.normal(size=(n, d)).astype(np.float32), g.normal(size=(n, d)).astype(np.float32)
    return x, g.integers(0, 2, n), xv, g.integers(0, 2, n)


def test_torch_fit_stops_and_restores_the_best_weights():
    x, y, xv, yv = _memorise()
    torch.manual_seed(0)
    model = mlp([8, 128, 2])
    tr = Batches(torch.from_numpy(x), torch.from_numpy(y), 8, shuffle=True, rng=0)
    va = Batches(torch.from_numpy(xv), torch.from_numpy(yv), 64)
    stop = EarlyStopping(patience=3, model=model)
    h = train.fit(model, tr, va, epochs=200, optimizer=torch.optim.Adam(model.parameters(), 0.01),
                  verbose=False, progress=False, on_epoch_end=stop, device="cpu")
    assert h.stopped_early and h.epochs == stop.best_epoch + 3 < 200
    assert stop.best_epoch == int(np.argmin(h.val_loss)) + 1
    assert h.val_loss[-1] > min(h.val_loss)  # the validation loss did rise
    loss, _ = train.evaluate(model, va)
    assert loss == pytest.approx(min(h.val_loss), rel=1e-5)  # the best weights are back


def test_numpy_fit_stops_and_restores_the_best_weights():
    x, y, xv, yv = _memorise(1)
    model = np_mlp([8, 128, 2], rng=0, dtype=np.float64)
    tr = Batches(x.astype(np.float64), y, 8, shuffle=True, rng=0)
    va = Batches(xv.astype(np.float64), yv, 64)
    stop = EarlyStopping(patience=2, monitor="val_acc", mode="max", model=model)
    h = training.fit(model, tr, va, epochs=300, optimizer=SGD(model, lr=0.2, momentum=0.9),
                     verbose=False, on_epoch_end=stop)
    assert h.stopped_early and stop.best_epoch == int(np.argmax(h.val_acc)) + 1
    _, acc = training.evaluate(model, va)
    assert acc == pytest.approx(max(h.val_acc))


def test_restores_at_max_epochs_and_without_restore_leaves_weights():
    h = History()
    model = torch.nn.Linear(1, 1)
    stop = EarlyStopping(patience=5, model=model, max_epochs=3)
    for epoch, val in enumerate([1.0, 0.5, 0.8], start=1):
        h.records["val_loss"].append(val)
        with torch.no_grad():
            model.weight.fill_(epoch)
        assert stop(epoch, h) is False
    assert stop.best_epoch == 2 and model.weight.item() == 2.0  # restored at the last epoch
    keep = EarlyStopping(patience=1, restore_best=False)
    h2 = History()
    for epoch, val in enumerate([1.0, 2.0], start=1):
        h2.records["val_loss"].append(val)
        done = keep(epoch, h2)
    assert done and keep.stopped_epoch == 2


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="needs the model"):
        EarlyStopping(3)
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(0, restore_best=False)
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(2, mode="up", restore_best=False)
    with pytest.raises(ValueError, match="pass validation batches"):
        EarlyStopping(2, restore_best=False)(1, History())
