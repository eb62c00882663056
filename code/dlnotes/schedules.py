"""Learning-rate schedules that advance once per mini-batch.

:func:`dlnotes.train.fit` steps its ``scheduler=`` once per *epoch*. Schedules
such as one-cycle are meant to move every *batch*; :class:`PerBatch` wraps an
optimizer and a scheduler so that each ``optimizer.step()`` also steps the
scheduler, and can be passed to ``fit`` as its ``optimizer``.

The schedules themselves are plain functions of the step number ``t``
(0, 1, 2, ...) returning a learning rate: :func:`step_decay`,
:func:`inv_sqrt_decay`, :func:`cosine`, :func:`one_cycle_lr`; :func:`warmup_decay` is a
function of the *share* of a budget (of steps or of seconds) used so far.
:class:`Scheduled` applies one to any optimiser, numpy (``optimizer.lr``) or
torch (``param_groups``), so the same schedule drives both.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["PerBatch", "one_cycle", "Scheduled", "step_decay", "inv_sqrt_decay", "cosine",
           "one_cycle_lr", "warmup_decay", "set_lr"]


def _check_step(t: int) -> int:
    if isinstance(t, bool) or int(t) != t or t < 0:
        raise ValueError(f"the step must be a non-negative integer, got {t!r}")
    return int(t)


def step_decay(t: int, lr: float, step_size: int, gamma: float = 0.1) -> float:
    """``lr * gamma ** (t // step_size)``: multiply by ``gamma`` every ``step_size`` steps
    (torch's ``StepLR``)."""
    if step_size < 1:
        raise ValueError(f"step_size must be >= 1, got {step_size}")
    return lr * gamma ** (_check_step(t) // int(step_size))


def inv_sqrt_decay(t: int, lr: float) -> float:
    """``lr / sqrt(t + 1)``, the decay of lecture 001."""
    return lr / math.sqrt(_check_step(t) + 1)


def cosine(t: int, lr: float, total_steps: int, eta_min: float = 0.0) -> float:
    """Half a cosine from ``lr`` at ``t = 0`` down to ``eta_min`` at ``t = total_steps``
    (torch's ``CosineAnnealingLR`` with ``T_max = total_steps``)."""
    if total_steps < 1:
        raise ValueError(f"total_steps must be >= 1, got {total_steps}")
    t = min(_check_step(t), int(total_steps))
    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t / total_steps)) / 2


def one_cycle_lr(t: int, max_lr: float, total_steps: int, pct_start: float = 0.3,
                 div_factor: float = 25.0, final_div_factor: float = 1e4) -> float:
    """torch's ``OneCycleLR`` (cosine annealing, two phases): from ``max_lr / div_factor`` up
    to ``max_lr`` over the first ``pct_start`` of the steps, then down to
    ``max_lr / div_factor / final_div_factor``."""
    if total_steps < 2:
        raise ValueError(f"total_steps must be >= 2, got {total_steps}")
    t = _check_step(t)
    if t >= total_steps:
        raise ValueError(f"step {t} is past the schedule's {total_steps} steps")
    initial = max_lr / div_factor
    final = initial / final_div_factor
    peak = float(pct_start * total_steps) - 1
    end = total_steps - 1

    def anneal(start, stop, pct):
        return stop + (start - stop) / 2.0 * (math.cos(math.pi * pct) + 1)

    if t <= peak:
        return anneal(initial, max_lr, t / peak)
    return anneal(max_lr, final, (t - peak) / (end - peak))


def warmup_decay(used: float, *, warmup: float = 0.0, decay: str | None = "cosine") -> float:
    """The factor on the peak learning rate when the share ``used`` (0 to 1) of a training
    budget is spent: a linear rise from 0 over the first ``warmup`` of the budget, then
    ``decay="cosine"`` (half a cosine) or ``"linear"`` down to 0 at the end, or ``None``
    (stay at 1)."""
    if not 0.0 <= warmup < 1.0:
        raise ValueError(f"warmup must be a share of the budget in [0, 1), got {warmup!r}")
    if decay not in (None, "cosine", "linear"):
        raise ValueError(f"decay must be None, 'cosine' or 'linear', got {decay!r}")
    if not 0.0 <= used <= 1.0:
        raise ValueError(f"used must be in [0, 1], got {used!r}")
    if used < warmup:
        return used / warmup
    rest = (used - warmup) / (1.0 - warmup)  # share of the decay phase used
    if decay == "cosine":
        return 0.5 * (1.0 + math.cos(math.pi * rest))
    return 1.0 - rest if decay == "linear" else 1.0


def set_lr(optimizer, lr: float) -> None:
    """Set the learning rate of a numpy optimiser (``optimizer.lr``) or of every parameter
    group of a torch optimiser."""
    if hasattr(optimizer, "param_groups"):
        for group in optimizer.param_groups:
            group["lr"] = lr
    elif hasattr(optimizer, "lr"):
        optimizer.lr = float(lr)
    else:
        raise TypeError(f"cannot set the learning rate of a {type(optimizer).__name__}")


class Scheduled:
    """An optimiser (numpy or torch) whose learning rate follows ``schedule(t)``, ``t`` = the
    number of steps taken so far; each ``step()`` first sets the rate, then steps.

    ``Scheduled(opt, lambda t: cosine(t, 0.1, 500))`` can be passed to either ``fit``.
    """

    def __init__(self, optimizer, schedule: Callable[[int], float]) -> None:
        if not (hasattr(optimizer, "step") and hasattr(optimizer, "zero_grad")):
            raise TypeError(f"optimizer must have step() and zero_grad(), got {type(optimizer).__name__}")
        if not callable(schedule):
            raise TypeError("schedule must be a function of the step number")
        self.optimizer, self.schedule, self.t = optimizer, schedule, 0

    def __getattr__(self, name):
        if name == "optimizer":
            raise AttributeError(name)
        return getattr(self.optimizer, name)

    def zero_grad(self, *args, **kwargs) -> None:
        self.optimizer.zero_grad(*args, **kwargs)

    def step(self) -> None:
        set_lr(self.optimizer, self.schedule(self.t))
        self.optimizer.step()
        self.t += 1

    def lr(self) -> float:
        """The learning rate the next step will use."""
        return float(self.schedule(self.t))


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
