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


# --- chapter 6: schedules as functions of the step, against torch's schedulers -----------------

import math  # noqa: E402

import numpy as np  # noqa: E402


def _torch_lrs(make_sched, steps, lr=0.5):
    opt = torch.optim.SGD(_model().parameters(), lr=lr)
    sched = make_sched(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return np.array(lrs)


def test_step_decay_matches_steplr():
    ours = [schedules.step_decay(t, 0.5, step_size=7, gamma=0.3) for t in range(50)]
    theirs = _torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3), 50)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_cosine_matches_cosineannealinglr():
    ours = [schedules.cosine(t, 0.5, 40, eta_min=0.01) for t in range(41)]
    theirs = _torch_lrs(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40, eta_min=0.01), 41)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_inv_sqrt_decay_matches_lambdalr():
    ours = [schedules.inv_sqrt_decay(t, 0.5) for t in range(50)]
    theirs = _torch_lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: 1 / math.sqrt(t + 1)), 50)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert schedules.inv_sqrt_decay(3, 1.0) == 0.5


def test_one_cycle_lr_matches_onecyclelr():
    ours = [schedules.one_cycle_lr(t, 0.5, 60) for t in range(60)]
    theirs = _torch_lrs(lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=60), 60)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_scheduled_sets_numpy_and_torch_rates():
    from dlnotes.scratch.linear import Linear
    from dlnotes.scratch.optim import SGD

    opt = schedules.Scheduled(SGD(Linear(2, 2, rng=0), lr=1.0), lambda t: schedules.inv_sqrt_decay(t, 1.0))
    for _ in range(3):
        opt.step()
    assert opt.optimizer.lr == pytest.approx(1 / math.sqrt(3))
    assert opt.lr() == pytest.approx(0.5)


def test_schedule_bad_input():
    with pytest.raises(ValueError, match="step"):
        schedules.inv_sqrt_decay(-1, 0.1)
    with pytest.raises(ValueError, match="step_size"):
        schedules.step_decay(0, 0.1, 0)
    with pytest.raises(ValueError, match="total_steps"):
        schedules.cosine(0, 0.1, 0)
    with pytest.raises(ValueError, match="past"):
        schedules.one_cycle_lr(10, 0.1, 10)
    with pytest.raises(TypeError, match="learning rate"):
        schedules.set_lr(object(), 0.1)
    with pytest.raises(TypeError, match="schedule"):
        schedules.Scheduled(torch.optim.SGD(_model().parameters(), lr=0.1), 0.1)


def test_warmup_decay_rises_then_decays_over_the_budget():
    # without warm-up it is the cosine schedule, as a function of the share of the budget
    for t in range(11):
        assert schedules.warmup_decay(t / 10) == pytest.approx(schedules.cosine(t, 1.0, 10), abs=1e-15)
    f = lambda used, **kw: schedules.warmup_decay(used, warmup=0.2, **kw)  # noqa: E731
    assert [f(u) for u in (0.0, 0.1, 0.2)] == pytest.approx([0.0, 0.5, 1.0])
    assert f(0.6) == pytest.approx(0.5) and f(1.0) == pytest.approx(0.0, abs=1e-15)  # half-way down
    assert f(0.6, decay="linear") == pytest.approx(0.5) and f(0.8, decay="linear") == pytest.approx(0.25)
    assert f(0.1, decay=None) == pytest.approx(0.5) and f(0.9, decay=None) == 1.0
    with pytest.raises(ValueError, match="warmup"):
        schedules.warmup_decay(0.5, warmup=1.0)
    with pytest.raises(ValueError, match="decay"):
        schedules.warmup_decay(0.5, decay="step")
    with pytest.raises(ValueError, match="used"):
        schedules.warmup_decay(1.5)
