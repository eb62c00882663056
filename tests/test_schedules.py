"""Tests of the per-batch learning-rate wrapper (dlnotes.schedules)."""

import pytest
import torch

from dlnotes import data, schedules, train


def _model():
    torch.manual_seed(0)
    return torch.nn.Linear(3, 2)


def test_per_batch_steps_the_scheduler_every_step():
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    wrapped = schedules.PerBatch(opt, torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5))
    lrs = []
    for _ in range(3):
        lrs.append(wrapped.lr())
        wrapped.zero_grad()
        model(torch.ones(1, 3)).sum().backward()
        wrapped.step()
    assert lrs == [1.0, 0.5, 0.25]
    assert wrapped.param_groups is opt.param_groups


def test_one_cycle_matches_torch_and_works_with_fit():
    x, y = torch.randn(40, 3, generator=torch.Generator().manual_seed(1)), torch.arange(40) % 2
    batches = data.Batches(x, y, 10)
    model_a, model_b = _model(), _model()
    opt_a = torch.optim.SGD(model_a.parameters(), lr=0.1)
    wrapped = schedules.one_cycle(opt_a, max_lr=0.5, epochs=3, steps_per_epoch=len(batches))
    train.fit(model_a, batches, epochs=3, optimizer=wrapped, progress=False, verbose=False, device="cpu")
    # the same by hand
    opt_b = torch.optim.SGD(model_b.parameters(), lr=0.1)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt_b, max_lr=0.5, epochs=3, steps_per_epoch=len(batches))
    for _ in range(3):
        for xb, yb in batches:
            loss = torch.nn.functional.cross_entropy(model_b(xb), yb)
            opt_b.zero_grad()
            loss.backward()
            opt_b.step()
            sched.step()
    for pa, pb in zip(model_a.parameters(), model_b.parameters()):
        torch.testing.assert_close(pa, pb)
    assert wrapped.lr() == pytest.approx(sched.get_last_lr()[0])
    assert wrapped.lr() < 0.5 / 25  # annealed below the starting rate


def test_bad_input():
    opt = torch.optim.SGD(_model().parameters(), lr=0.1)
    with pytest.raises(TypeError, match="optimizer"):
        schedules.PerBatch(object(), None)
    with pytest.raises(TypeError, match="scheduler"):
        schedules.PerBatch(opt, object())
    with pytest.raises(ValueError, match="max_lr"):
        schedules.one_cycle(opt, 0.0, 1, 1)
    with pytest.raises(ValueError, match="epochs"):
        schedules.one_cycle(opt, 0.1, 0, 1)
