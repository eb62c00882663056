"""Numpy SGD and gradient clipping against torch.optim.SGD and clip_grad_norm_ (float64)."""

import warnings

import numpy as np
import pytest
import torch

from dlnotes.scratch import activations as A
from dlnotes.scratch import losses
from dlnotes.scratch.container import Sequential
from dlnotes.scratch.convert import from_torch
from dlnotes.scratch.linear import Linear
from dlnotes.scratch.optim import SGD, Optimizer, clip_grad_norm, parameter_slots


def _pair(tied=False):
    torch.manual_seed(0)
    if tied:  # one Linear used twice (weight tying)
        lin = torch.nn.Linear(4, 4)
        tm = torch.nn.Sequential(lin, torch.nn.Tanh(), lin, torch.nn.Tanh(), torch.nn.Linear(4, 3)).double()
    else:
        tm = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
    return tm, from_torch(tm)


def _assert_same_parameters(model, tm, rtol=1e-10, atol=1e-12):
    for (name, p, _), (tname, tp) in zip(model.named_parameters(), tm.named_parameters(), strict=True):
        assert name == tname
        np.testing.assert_allclose(p, tp.detach().numpy(), rtol=rtol, atol=atol, err_msg=name)


def _step_both(opt, opt_t, model, tm, x, y):
    """One step of the numpy optimiser and of its torch twin on the same mini-batch (x, y)."""
    loss_fn = losses.CrossEntropyLoss()
    opt.zero_grad()  # gradients accumulate, as in torch
    loss_fn(model.forward(x), y)
    model.backward(loss_fn.backward())
    opt.step()
    opt_t.zero_grad()
    torch.nn.functional.cross_entropy(tm(torch.from_numpy(x)), torch.from_numpy(y)).backward()
    opt_t.step()


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("kw", [dict(), dict(momentum=0.9), dict(momentum=0.9, nesterov=True),
                                dict(momentum=0.5, dampening=0.3, weight_decay=0.01),
                                dict(weight_decay=0.1)])
def test_sgd_matches_torch_over_several_steps(kw, tied):
    tm, model = _pair(tied)
    opt_t = torch.optim.SGD(tm.parameters(), lr=0.1, **kw)
    opt = SGD(model, lr=0.1, **kw)
    rng = np.random.default_rng(0)
    for _ in range(5):
        _step_both(opt, opt_t, model, tm, rng.normal(size=(8, 4)), rng.integers(0, 3, size=8))
    _assert_same_parameters(model, tm)


def test_sgd_given_the_same_layer_twice_warns_and_updates_once():
    torch.manual_seed(0)
    tl = torch.nn.Linear(3, 2).double()
    lin = from_torch(tl)
    with pytest.warns(UserWarning, match="the same Linear twice"):
        opt = SGD([lin, lin], lr=0.5, momentum=0.9)
    assert len(opt.slots) == 2
    opt_t = torch.optim.SGD(tl.parameters(), lr=0.5, momentum=0.9)  # each parameter once
    x = np.random.default_rng(0).normal(size=(4, 3))
    for _ in range(2):
        opt.zero_grad()
        lin.forward(x)
        lin.backward(np.ones((4, 2)))
        opt.step()
        opt_t.zero_grad()
        tl(torch.from_numpy(x)).sum().backward()
        opt_t.step()
    np.testing.assert_allclose(lin.params["weight"], tl.weight.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(lin.params["bias"], tl.bias.detach().numpy(), rtol=1e-12)


def test_a_layer_shared_inside_a_model_is_one_parameter_without_warning():
    lin = Linear(2, 2, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: sharing inside a model is weight tying
        assert len(parameter_slots(Sequential(lin, A.ReLU(), lin))) == 2
        assert len(parameter_slots([lin, Sequential(lin)])) == 2  # the same arrays, listed once


def test_step_updates_in_place_and_zero_grad():
    lin = Linear(2, 2, rng=0, dtype=np.float64)
    w = lin.params["weight"]
    opt = SGD(lin, lr=1.0)
    opt.step()  # no gradient yet: nothing happens
    np.testing.assert_array_equal(lin.params["weight"], w.copy())
    lin.forward(np.ones((1, 2)))
    lin.backward(np.ones((1, 2)))
    before = w.copy()
    opt.step()
    assert lin.params["weight"] is w
    np.testing.assert_allclose(w, before - 1.0)
    opt.zero_grad()
    assert "weight" not in lin.grads and "bias" not in lin.grads  # cleared (torch: set_to_none)
    after = w.copy()
    opt.step()  # nothing to do again
    np.testing.assert_array_equal(w, after)


def test_clip_grad_norm_matches_torch():
    tm, model = _pair()
    x = np.random.default_rng(0).normal(size=(5, 4)) * 10
    y = np.array([0, 1, 2, 0, 1])
    loss_fn = losses.CrossEntropyLoss()
    loss_fn(model.forward(x), y)
    model.backward(loss_fn.backward())
    torch.nn.functional.cross_entropy(tm(torch.from_numpy(x)), torch.from_numpy(y)).backward()
    total_t = torch.nn.utils.clip_grad_norm_(tm.parameters(), 0.5).item()
    total = clip_grad_norm(model, 0.5)
    assert total == pytest.approx(total_t, rel=1e-10)
    for (name, _, g), (_, tp) in zip(model.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(g, tp.grad.numpy(), rtol=1e-10, err_msg=name)
    # already small enough: unchanged
    assert clip_grad_norm(model, 1e6) == pytest.approx(0.5, rel=1e-5)


def test_clip_grad_norm_counts_a_tied_weight_once_like_torch():
    tm, model = _pair(tied=True)
    x = np.random.default_rng(1).normal(size=(6, 4)) * 5
    y = np.array([0, 1, 2, 0, 1, 2])
    loss_fn = losses.CrossEntropyLoss()
    loss_fn(model.forward(x), y)
    model.backward(loss_fn.backward())
    torch.nn.functional.cross_entropy(tm(torch.from_numpy(x)), torch.from_numpy(y)).backward()
    assert clip_grad_norm(model, 0.1) == pytest.approx(
        torch.nn.utils.clip_grad_norm_(tm.parameters(), 0.1).item(), rel=1e-10)
    for (name, _, g), (_, tp) in zip(model.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(g, tp.grad.numpy(), rtol=1e-10, err_msg=name)


def test_custom_optimizer_subclass():
    class SignSGD(Optimizer):
        def update(self, param, grad, state):
            state["steps"] = state.get("steps", 0) + 1
            param -= self.lr * np.sign(grad)

    lin = Linear(3, 1, rng=0, dtype=np.float64)
    opt = SignSGD(lin, lr=0.5)
    lin.forward(np.ones((1, 3)))
    lin.backward(np.array([[2.0]]))
    b = lin.params["bias"].copy()
    opt.step()
    np.testing.assert_allclose(lin.params["bias"], b - 0.5)
    assert opt.state[0]["steps"] == 1


def test_bad_input_raises_clear_errors():
    lin = Linear(2, 2, rng=0)
    with pytest.raises(ValueError, match="lr must be"):
        SGD(lin, lr=0)
    with pytest.raises(ValueError, match="momentum must be"):
        SGD(lin, lr=0.1, momentum=-1)
    with pytest.raises(ValueError, match="Nesterov"):
        SGD(lin, lr=0.1, nesterov=True)
    with pytest.raises(TypeError, match="not torch parameters|numpy layers"):
        SGD(torch.nn.Linear(2, 2).parameters(), lr=0.1)
    with pytest.raises(TypeError, match="expected a Layer or an iterable of Layers"):
        SGD(3, lr=0.1)
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="no parameters"):
        SGD(A.ReLU(), lr=0.1)
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm(lin, 0)
    lin.forward(np.ones((1, 2)))
    lin.backward(np.ones((1, 2)))
    with pytest.raises(NotImplementedError):  # the base class has no update rule
        Optimizer(lin, lr=0.1).step()


# --- chapter 6: every optimiser step for step against torch.optim (float64, >= 50 steps) -------

from dlnotes import schedules  # noqa: E402
from dlnotes.scratch.optim import Adagrad, Adam, AdamW, LectureMomentum, RMSprop  # noqa: E402

OPTIMISERS = [
    (SGD, torch.optim.SGD, dict(lr=0.1)),
    (SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.01)),
    (SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.001)),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1)),
    (Adagrad, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.01, weight_decay=0.01,
                                        initial_accumulator_value=0.1, eps=1e-8)),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.01)),
    (RMSprop, torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, weight_decay=0.01, momentum=0.5, centered=True)),
    (Adam, torch.optim.Adam, dict(lr=0.01)),
    (Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.01)),
    (AdamW, torch.optim.AdamW, dict(lr=0.01)),
    (AdamW, torch.optim.AdamW, dict(lr=0.01, betas=(0.5, 0.9), weight_decay=0.1)),
]


def _train_both(opt, opt_t, model, tm, steps=60, schedule=None):
    rng = np.random.default_rng(1)
    for t in range(steps):
        if schedule is not None:
            schedules.set_lr(opt, schedule(t))
            schedules.set_lr(opt_t, schedule(t))
        _step_both(opt, opt_t, model, tm, rng.normal(size=(8, 4)), rng.integers(0, 3, size=8))
        _assert_same_parameters(model, tm, rtol=1e-12, atol=1e-12)  # after every step


@pytest.mark.parametrize("ours, theirs, kw", OPTIMISERS, ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("scheduled", [False, True])
def test_optimiser_matches_torch_step_for_step(ours, theirs, kw, scheduled):
    tm, model = _pair()
    opt, opt_t = ours(model, **kw), theirs(tm.parameters(), **kw)
    schedule = (lambda t: schedules.cosine(t, kw["lr"], 60, eta_min=kw["lr"] / 20)) if scheduled else None
    _train_both(opt, opt_t, model, tm, steps=60, schedule=schedule)


def test_scheduled_wrapper_drives_numpy_and_torch_alike():
    tm, model = _pair()
    sched = lambda t: schedules.step_decay(t, 0.1, step_size=10, gamma=0.5)  # noqa: E731
    opt = schedules.Scheduled(Adam(model, lr=1.0), sched)
    opt_t = schedules.Scheduled(torch.optim.Adam(tm.parameters(), lr=1.0), sched)
    _train_both(opt, opt_t, model, tm, steps=50)
    assert opt.optimizer.lr == pytest.approx(0.1 * 0.5 ** 4)
    assert opt_t.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5 ** 4)


def test_lecture_momentum_equals_torch_momentum_for_constant_lr():
    tm, model = _pair()
    opt, opt_t = LectureMomentum(model, lr=0.05, momentum=0.9, weight_decay=0.01), \
        torch.optim.SGD(tm.parameters(), lr=0.05, momentum=0.9, weight_decay=0.01)
    _train_both(opt, opt_t, model, tm, steps=50)
    # the buffers are related by v = -lr * b
    for state, (_, p) in zip(opt.state, tm.named_parameters()):
        np.testing.assert_allclose(state["velocity"], -0.05 * opt_t.state[p]["momentum_buffer"].numpy(),
                                   rtol=1e-10, atol=1e-14)


def test_lecture_momentum_differs_from_torch_when_lr_changes():
    """Where lr changes, torch's form rescales the whole buffer by the new rate; the lectures'
    velocity keeps each old step at its old rate. One parameter, constant gradient 1."""
    lin_a, lin_b = Linear(1, 1, bias=False, rng=0, dtype=np.float64), Linear(1, 1, bias=False, rng=0,
                                                                           dtype=np.float64)
    a, b = LectureMomentum(lin_a, lr=1.0, momentum=0.5), SGD(lin_b, lr=1.0, momentum=0.5)
    w0 = lin_a.params["weight"].item()
    for lr in (1.0, 0.1):
        for lin, opt in ((lin_a, a), (lin_b, b)):
            opt.lr = lr
            lin.grads["weight"] = np.ones((1, 1))
            opt.step()
    # lecture: v1 = -1, v2 = 0.5 * -1 - 0.1 = -0.6; torch: b1 = 1, b2 = 1.5, step 0.1 * 1.5 = 0.15
    assert lin_a.params["weight"].item() == pytest.approx(w0 - 1.6)
    assert lin_b.params["weight"].item() == pytest.approx(w0 - 1.15)


def test_new_optimisers_reject_bad_input():
    lin = Linear(2, 2, rng=0)
    with pytest.raises(ValueError, match="betas"):
        Adam(lin, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="alpha"):
        RMSprop(lin, alpha=1.0)
    with pytest.raises(ValueError, match="eps"):
        Adagrad(lin, eps=-1)
    with pytest.raises(ValueError, match="lr must be"):
        AdamW(lin, lr=-0.1)
    with pytest.raises(ValueError, match="momentum"):
        LectureMomentum(lin, lr=0.1, momentum=-0.5)
