"""Numpy SGD and gradient clipping against torch.optim.SGD and clip_grad_norm_ (float64)."""

import numpy as np
import pytest
import torch

from dlnotes.scratch import losses
from dlnotes.scratch.layers import Linear, Sequential, from_torch
from dlnotes.scratch.optim import SGD, Optimizer, clip_grad_norm, parameter_slots
from dlnotes.data import images_to_float
from dlnotes.scratch.training import evaluate, fit, iterate_minibatches


def _pair():
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
    return tm, from_torch(tm)


@pytest.mark.parametrize("kw", [dict(), dict(momentum=0.9), dict(momentum=0.9, nesterov=True),
                                dict(momentum=0.5, dampening=0.3, weight_decay=0.01),
                                dict(weight_decay=0.1)])
def test_sgd_matches_torch_over_several_steps(kw):
    tm, model = _pair()
    opt_t = torch.optim.SGD(tm.parameters(), lr=0.1, **kw)
    opt = SGD(model, lr=0.1, **kw)
    rng = np.random.default_rng(0)
    loss_fn = losses.CrossEntropyLoss()
    for _ in range(5):
        x = rng.normal(size=(8, 4))
        y = rng.integers(0, 3, size=8)
        loss_fn(model.forward(x), y)
        model.backward(loss_fn.backward())
        opt.step()
        opt_t.zero_grad()
        torch.nn.functional.cross_entropy(tm(torch.from_numpy(x)), torch.from_numpy(y)).backward()
        opt_t.step()
    for (name, p, _), (_, tp) in zip(model.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


def test_step_updates_in_place_and_zero_grad():
    lin = Linear(2, 2, rng=0, dtype=np.float64)
    w = lin.params["weight"]
    opt = SGD(lin, lr=1.0)
    opt.step()  # no gradient yet: nothing happens
    lin.forward(np.ones((1, 2)))
    lin.backward(np.ones((1, 2)))
    before = w.copy()
    opt.step()
    assert lin.params["weight"] is w
    np.testing.assert_allclose(w, before - 1.0)
    opt.zero_grad()
    assert not lin.grads["weight"].any()


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


def test_fit_learns_a_toy_problem_and_batches():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2)).astype(np.float32)  # 2-D toy data: label = sign of x0 + x1
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    model = Sequential(Linear(2, 8, rng=1), Linear(8, 2, rng=2))
    hist = fit(model, losses.CrossEntropyLoss(), SGD(model, lr=0.5), x, y, epochs=5,
               batch_size=32, seed=0, val=(x, y), verbose=False)
    assert hist.epochs == 5 and hist.val_acc[-1] > 0.95
    assert evaluate(model, losses.CrossEntropyLoss(), x, y)[1] == hist.val_acc[-1]
    batches = list(iterate_minibatches(x, y, 128, shuffle=True, rng=np.random.default_rng(0)))
    assert [len(b[0]) for b in batches] == [128, 128, 128, 16]
    assert sorted(np.concatenate([b[1] for b in batches]).tolist()) == sorted(y.tolist())
    imgs = images_to_float(np.full((2, 28, 28), 255, dtype=np.uint8))
    assert imgs.shape == (2, 784) and imgs.dtype == np.float32 and imgs.max() == 1.0


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
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(ValueError, match="max_norm"):
        clip_grad_norm(lin, 0)
    with pytest.raises(ValueError, match="rng="):
        list(iterate_minibatches(np.ones((3, 1)), np.ones(3), 2, shuffle=True))
    with pytest.raises(ValueError, match="differ in length"):
        list(iterate_minibatches(np.ones((3, 1)), np.ones(2), 2))
    assert len(parameter_slots([lin, Sequential(lin)])) == 4
