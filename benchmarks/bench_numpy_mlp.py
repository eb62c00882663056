"""Speed target of chapter 5: the numpy-only MLP trains an epoch of Fashion-MNIST in at most
1.2x the time the same MLP takes in torch on the CPU.

The pair comes from ``dlnotes.book.recipes.numpy_mlp_and_torch_twin`` (the code chapter 5 runs):
same architecture (784-256-128-10, ReLU), batch size (128), optimiser (SGD, lr 0.05,
momentum 0.9), float32, data already in memory; torch runs through the book's
``dlnotes.train.fit`` on the CPU with its default number of threads. Each side
trains ``ROUNDS`` epochs, alternating with the other; the fastest epoch of each
is compared (the first one includes warm-up).
"""

from __future__ import annotations

ROUNDS = 3
TARGET = 1.2


def epoch_times(x, y, rounds: int = ROUNDS) -> tuple[list[float], list[float]]:
    """Train both MLPs one epoch at a time, alternating (numpy, torch, numpy, ...) so that
    a busy machine slows both alike; return the per-epoch seconds of each."""
    import torch

    from dlnotes import data, train
    from dlnotes.book import recipes
    from dlnotes.scratch import losses, training

    np_model, np_opt, t_model, t_opt = recipes.numpy_mlp_and_torch_twin(rng=0)
    batch = recipes.NUMPY_MLP["batch_size"]
    np_batches = data.Batches(x, y, batch, shuffle=True, rng=0)
    batches = data.Batches(torch.from_numpy(x), torch.from_numpy(y), batch, shuffle=True, rng=0)
    t_np, t_torch = [], []
    for _ in range(rounds):
        h = training.fit(np_model, np_batches, epochs=1, optimizer=np_opt,
                         loss_fn=losses.CrossEntropyLoss(), verbose=False)
        t_np += h.epoch_seconds
        h = train.fit(t_model, batches, epochs=1, optimizer=t_opt, device="cpu", progress=False,
                      verbose=False)
        t_torch += h.epoch_seconds
    return t_np, t_torch


def run() -> list[dict]:
    from dlnotes import data
    from dlnotes.data import images_to_float

    ds = data.load_images(progress=False)
    x, y = images_to_float(ds.train_images), ds.train_labels
    times_np, times_torch = epoch_times(x, y)
    t_np, t_torch = min(times_np), min(times_torch)
    ratio = t_np / t_torch
    return [
        {"name": "numpy MLP epoch (Fashion-MNIST)", "value": t_np, "unit": "s", "target": "-", "ok": True},
        {"name": "torch MLP epoch (same MLP, CPU)", "value": t_torch, "unit": "s", "target": "-", "ok": True},
        {"name": "numpy / torch epoch time", "value": ratio, "unit": "ratio", "target": f"<= {TARGET}",
         "ok": ratio <= TARGET},
    ]
