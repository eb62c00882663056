"""Learning-rate schedules that advance once per mini-batch.

:func:`dlnotes.train.fit` steps its ``scheduler=`` once per *epoch*. Schedules
such as one-cycle are meant to move every *batch*; :class:`PerBatch` wraps an
optimizer and a scheduler so that each ``optimizer.step()`` also steps the
scheduler, and can be passed to ``fit`` as its ``optimizer``.
"""

from __future__ import annotations

__all__ = ["PerBatch", "one_cycle"]


class PerBatch:
    """An optimizer whose ``step()`` also advances a learning-rate scheduler.

    Works with anything that calls ``zero_grad()`` and ``step()``, e.g.
    ``fit(model, batches, optimizer=PerBatch(opt, sched), epochs=...)``.
    """

    def __init__(self, optimizer, scheduler) -> None:
        if not (hasattr(optimizer, "step") and hasattr(optimizer, "zero_grad")):
            raise TypeError(f"optimizer must have step() and zero_grad(), got {type(optimizer).__name__}")
        if not hasattr(scheduler, "step"):
            raise TypeError(f"scheduler must have step(), got {type(scheduler).__name__}")
        self.optimizer, self.scheduler = optimizer, scheduler

    @property
    def param_groups(self):
        return self.optimizer.param_groups

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.optimizer.zero_grad(set_to_none=set_to_none)

    def step(self) -> None:
        self.optimizer.step()
        self.scheduler.step()

    def lr(self) -> float:
        """The learning rate the next step will use (of the first parameter group)."""
        return float(self.optimizer.param_groups[0]["lr"])


def one_cycle(optimizer, max_lr: float, epochs: int, steps_per_epoch: int) -> PerBatch:
    """``optimizer`` under torch's one-cycle schedule, stepped every batch.

    The learning rate warms up from ``max_lr / 25`` to ``max_lr`` over the first
    30 % of the ``epochs * steps_per_epoch`` steps, then anneals (cosine) to
    almost zero (``OneCycleLR``'s defaults).
    """
    import torch

    if max_lr <= 0:
        raise ValueError(f"max_lr must be positive, got {max_lr}")
    if epochs < 1 or steps_per_epoch < 1:
        raise ValueError(f"epochs and steps_per_epoch must be >= 1, got {epochs}, {steps_per_epoch}")
    sched = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=max_lr, epochs=int(epochs),
                                                steps_per_epoch=int(steps_per_epoch))
    return PerBatch(optimizer, sched)
