"""Speed target of chapter 5: the numpy-only MLP trains an epoch of Fashion-MNIST in at most
1.2x the time the same MLP takes in torch on the CPU.

Same architecture (784-256-128-10, ReLU), batch size (128), optimiser (SGD, lr 0.05,
momentum 0.9), float32, data already in memory; torch runs through the book's
``dlnotes.train.fit`` on the CPU with its default number of threads. Each side
trains ``ROUNDS`` epochs, alternating with the other; the fastest epoch of each
is compared (the first one includes warm-up).
"""

from __future__ import annotations

ROUNDS = 3
SIZES = [784, 256, 128, 10]
BATCH, LR, MOMENTUM = 128, 0.05, 0.9
TARGET = 1.2


def epoch_times(x, y, rounds: int = ROUNDS) -> tuple[list[float], list[float]]:
    """Train both MLPs one epoch at a time, alternating (numpy, torch, numpy, ...) so that
    a busy machine slows both alike; return the per-epoch seconds of each."""
    import numpy as np
    import torch

    from dlnotes import data, models, train
    from dlnotes.scratch import layers, losses, optim, training

    np_model = layers.mlp(SIZES, "relu", rng=0)
    np_opt = optim.SGD(np_model, lr=LR, momentum=MOMENTUM)
    np_loss, gen = losses.CrossEntropyLoss(), np.random.default_rng(0)
    torch.manual_seed(0)
    t_model = models.mlp(SIZES, "relu")
    t_opt = torch.optim.SGD(t_model.parameters(), lr=LR, momentum=MOMENTUM)
    batches = data.Batches(torch.from_numpy(x), torch.from_numpy(y), BATCH, shuffle=True, seed=0)
    t_np, t_torch = [], []
    for _ in range(rounds):
        h = training.fit(np_model, np_loss, np_opt, x, y, epochs=1, batch_size=BATCH, seed=gen,
                         verbose=False)
        t_np += h.epoch_seconds
        h = train.fit(t_model, batches, epochs=1, optimizer=t_opt, device="cpu", progress=False,
                      verbose=False)
        t_torch += h.epoch_seconds
    return t_np, t_torch


def run() -> list[dict]:
    from dlnotes import data
    from dlnotes.scratch.training import images_to_float

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
