"""Speed target of chapter 7: batched augmentation (flip + shift by up to 2 pixels) of a
mini-batch costs at most half of one training step of the chapter's MLP on that batch.

Both are timed on the CPU on a batch of 256 Fashion-MNIST-sized images (1 x 28 x 28);
the training step is forward, backward and an AdamW step of a 784-256-256-10 MLP. The
fastest of ``ROUNDS`` repetitions of each is compared (the first includes warm-up).
"""

from __future__ import annotations

import time

ROUNDS = 20
TARGET = 0.5


def _fastest(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> list[dict]:
    import torch

    from dlnotes.data.augment import Augment
    from dlnotes.models import mlp

    torch.manual_seed(0)
    x = torch.rand(256, 1, 28, 28)
    y = torch.randint(0, 10, (256,))
    aug = Augment(flip=0.5, shift=2, rng=0)
    model = mlp([784, 256, 256, 10])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

    def step():
        loss = torch.nn.functional.cross_entropy(model(x.reshape(256, -1)), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    t_aug, t_step = _fastest(lambda: aug(x)), _fastest(step)
    ratio = t_aug / t_step
    return [
        {"name": "augment 256 images (flip + shift)", "value": t_aug * 1e3, "unit": "ms", "target": "-",
         "ok": True},
        {"name": "MLP training step, 256 images", "value": t_step * 1e3, "unit": "ms", "target": "-",
         "ok": True},
        {"name": "augmentation / training step", "value": ratio, "unit": "ratio", "target": f"<= {TARGET}",
         "ok": ratio <= TARGET},
    ]
