"""The book's reference training runs: the ones whose targets it states.

A chapter runs and shows these functions; ``make bench`` (``benchmarks/``)
times the very same code, so a recipe and its measured target cannot drift
apart.

* Chapter 3: an MLP on standardised Fashion-MNIST, Adam with a one-cycle
  learning rate, label smoothing — at least 89.5 % test accuracy in 12 epochs.
* Chapter 5: the numpy-only MLP and its torch twin (same architecture,
  initialisation scheme, batch size and optimiser) — at least 88 % test
  accuracy in 10 epochs, and an epoch time within 1.2x of torch's.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "Split", "standardized_split", "one_cycle_fit", "fashion_mlp", "train_fashion_mlp",
    "MLP_EPOCHS", "NUMPY_MLP", "numpy_mlp_and_torch_twin",
]

#: Chapter 3's budget: a fixed number of epochs.
MLP_EPOCHS = 12


class Split(NamedTuple):
    """Flattened, standardised tensors of a train / validation / test split.

    Shape: ``x_*`` are ``(N, 784)`` float32, ``y_*`` ``(N,)`` int64.
    """

    x_tr: "torch.Tensor"  # noqa: F821
    y_tr: "torch.Tensor"  # noqa: F821
    x_val: "torch.Tensor"  # noqa: F821
    y_val: "torch.Tensor"  # noqa: F821
    x_test: "torch.Tensor"  # noqa: F821
    y_test: "torch.Tensor"  # noqa: F821
    mean: float
    std: float


def standardized_split(ds, n_val: int = 5000, rng: int | None = 0) -> Split:
    """Hold out ``n_val`` training images for validation and standardise every pixel with the
    mean and standard deviation of the remaining training images (never of the test set)."""
    from ..data import to_tensors, train_val_split

    train_idx, val_idx = train_val_split(len(ds.train_labels), n_val, rng)
    x_all, y_all = to_tensors(ds.train_images, ds.train_labels)
    x_test, y_test = to_tensors(ds.test_images, ds.test_labels)
    mean, std = x_all[train_idx].mean(), x_all[train_idx].std()
    x_all, x_test = (x_all - mean) / std, (x_test - mean) / std
    return Split(x_all[train_idx], y_all[train_idx], x_all[val_idx], y_all[val_idx],
                 x_test, y_test, mean.item(), std.item())


def one_cycle_fit(model, x_tr, y_tr, val, *, epochs: int, max_lr: float = 2e-3,
                  batch_size: int = 128, loss_fn=None, device=None, rng: int = 0):
    """Adam under a one-cycle learning rate stepped every batch, via :func:`dlnotes.train.fit`.

    ``val`` is an iterable of validation batches; returns the :class:`~dlnotes.train.History`.
    """
    import torch

    from ..data import Batches
    from ..schedules import one_cycle
    from ..train import fit

    torch.manual_seed(rng)
    batches = Batches(x_tr, y_tr, batch_size, shuffle=True, rng=rng)
    opt = one_cycle(torch.optim.Adam(model.parameters()), max_lr=max_lr, epochs=epochs,
                    steps_per_epoch=len(batches))
    return fit(model, batches, val, epochs=epochs, optimizer=opt, loss_fn=loss_fn,
               progress=False, verbose=False, device=device)


def fashion_mlp() -> "torch.nn.Sequential":  # noqa: F821
    """Chapter 3's MLP: 784-256-256-10, ReLU, dropout 0.1 after each hidden layer."""
    from ..models import mlp

    return mlp([784, 256, 256, 10], "relu", dropout=0.1)


def train_fashion_mlp(split: Split, *, epochs: int = MLP_EPOCHS, device=None, rng: int = 0):
    """Chapter 3's headline run; returns ``(model, history, test_accuracy)``.

    Label smoothing 0.1 and the other settings were chosen on the validation set.
    """
    import torch

    from ..data import Batches
    from ..train import evaluate

    torch.manual_seed(rng)
    model = fashion_mlp()
    history = one_cycle_fit(model, split.x_tr, split.y_tr, Batches(split.x_val, split.y_val, 2500),
                            epochs=epochs, loss_fn=torch.nn.CrossEntropyLoss(label_smoothing=0.1),
                            device=device, rng=rng)
    _, test_acc = evaluate(model, Batches(split.x_test, split.y_test, 2500))
    return model, history, test_acc


#: Chapter 5's numpy MLP (and its torch twin): architecture and SGD settings.
NUMPY_MLP = {"sizes": [784, 256, 128, 10], "batch_size": 128, "lr": 0.05, "momentum": 0.9,
             "epochs": 10}


def numpy_mlp_and_torch_twin(rng: int = 0) -> tuple:
    """``(numpy_model, numpy_sgd, torch_model, torch_sgd)`` with the settings of :data:`NUMPY_MLP`."""
    import torch

    from ..models import mlp
    from ..scratch import container, optim

    cfg = NUMPY_MLP
    np_model = container.mlp(cfg["sizes"], "relu", rng=rng)
    np_opt = optim.SGD(np_model, lr=cfg["lr"], momentum=cfg["momentum"])
    torch.manual_seed(rng)
    t_model = mlp(cfg["sizes"], "relu")
    t_opt = torch.optim.SGD(t_model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])
    return np_model, np_opt, t_model, t_opt
