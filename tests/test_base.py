"""The layer protocol of dlnotes.scratch.base: saved-input stack, accumulating gradients, no_grad,
parameters and state, the Loss base class -- and that the twin helper catches broken layers."""

import numpy as np
import pytest
import torch
from twin import check_twin

from dlnotes.scratch import activations as A
from dlnotes.scratch import losses as L
from dlnotes.scratch.base import Layer, as_float_array, check_positive_int, no_grad
from dlnotes.scratch.container import Sequential, mlp
from dlnotes.scratch.linear import Linear


def _linear_pair(n_in=4, n_out=3, seed=0):
    torch.manual_seed(seed)
    tl = torch.nn.Linear(n_in, n_out).double()
    lin = Linear(n_in, n_out, dtype=np.float64)
    lin.load_state_dict(tl.state_dict())
    return lin, tl


# ------------------------------------------------------------------ saved inputs: a stack per layer

def test_backwards_pop_the_forwards_newest_first():
    relu = A.ReLU()
    a, b = np.array([[1.0, -1.0]]), np.array([[-1.0, 1.0]])
    relu.forward(a)
    relu.forward(b)
    g = np.array([[10.0, 20.0]])
    np.testing.assert_array_equal(relu.backward(g), [[0.0, 20.0]])  # b's mask first
    np.testing.assert_array_equal(relu.backward(g), [[10.0, 0.0]])  # then a's


@pytest.mark.parametrize("make", [lambda: Linear(3, 2, rng=0), A.ReLU, A.Softmax, A.PReLU,
                                  lambda: mlp([3, 4, 2], rng=0)])
def test_backward_without_forward_and_extra_backwards_raise(make):
    layer = make()
    name = type(layer).__name__ if not isinstance(layer, Sequential) else "Linear"
    with pytest.raises(RuntimeError, match=f"{name}.backward called without a matching forward"):
        layer.backward(np.ones((2, 2)))
    x = np.ones((2, 3))
    out = layer.forward(x)
    layer.backward(np.ones_like(out))
    with pytest.raises(RuntimeError, match="without a matching forward"):  # one backward per forward
        layer.backward(np.ones_like(out))


def test_loss_backward_without_forward_and_extra_backwards_raise():
    loss = L.MSELoss()
    with pytest.raises(RuntimeError, match="MSELoss.backward called without a matching forward"):
        loss.backward()
    loss(np.zeros(3), np.ones(3))
    loss(np.ones(3), np.ones(3))
    np.testing.assert_allclose(loss.backward(), 0.0)  # the newest call: no error
    np.testing.assert_allclose(loss.backward(), -2.0 / 3)
    with pytest.raises(RuntimeError, match="without a matching forward"):
        loss.backward()


def test_a_failed_backward_keeps_the_forward():
    """A wrong grad_out raises before anything is popped, so the right one still works."""
    lin, _ = _linear_pair()
    lin.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"grad_out has shape \(2, 4\), but the output had shape \(2, 3\)"):
        lin.backward(np.ones((2, 4)))
    assert lin.backward(np.ones((2, 3))).shape == (2, 4)


# ------------------------------------------------------------------ gradients accumulate like torch

def test_gradients_accumulate_over_two_backwards_and_zero_grad_clears_them():
    lin, tl = _linear_pair()
    rng = np.random.default_rng(0)
    xs, gs = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 3))
    for x, g in zip(xs, gs):  # two separate forward/backward passes, no zero_grad in between
        lin.forward(x)
        lin.backward(g)
        (tl(torch.from_numpy(x)) * torch.from_numpy(g)).sum().backward()
    for name, p in tl.named_parameters():
        np.testing.assert_allclose(lin.grads[name], p.grad.numpy(), rtol=1e-12, atol=1e-12, err_msg=name)
    np.testing.assert_allclose(lin.grads["weight"], gs[0].T @ xs[0] + gs[1].T @ xs[1], rtol=1e-12)
    lin.zero_grad()
    tl.zero_grad()  # set_to_none=True: torch forgets the gradient, the twin empties its dict
    assert lin.grads == {} and tl.weight.grad is None
    assert [g for _, _, g in lin.named_parameters()] == [None, None]
    lin.forward(xs[0])
    lin.backward(gs[0])  # starts afresh
    (tl(torch.from_numpy(xs[0])) * torch.from_numpy(gs[0])).sum().backward()
    np.testing.assert_allclose(lin.grads["weight"], tl.weight.grad.numpy(), rtol=1e-12)


def test_accumulated_gradient_is_a_fresh_array():
    """The first gradient is copied when it is a view, so adding later never writes into it."""
    lin, _ = _linear_pair()
    g = np.ones((2, 3))
    lin.forward(np.ones((2, 4)))
    lin.backward(g)
    first = lin.grads["bias"].copy()
    lin.forward(np.ones((2, 4)))
    lin.backward(g)
    np.testing.assert_array_equal(lin.grads["bias"], 2 * first)
    np.testing.assert_array_equal(g, 1.0)
    with pytest.raises(ValueError, match="gradient of 'bias' has shape"):
        lin.accumulate("bias", np.ones(4))


# ------------------------------------------------------------------ no_grad

def test_no_grad_saves_nothing_and_restores_the_setting():
    model = mlp([3, 4, 2], rng=0, dtype=np.float64)
    x = np.ones((2, 3))
    with no_grad(model):
        out = model(x)
        assert not any(m.grad_enabled for m in model.modules())
    assert all(not m._saved for m in model.modules())
    with pytest.raises(RuntimeError, match="without a matching forward"):
        model.backward(np.ones_like(out))
    assert all(m.grad_enabled for m in model.modules())
    np.testing.assert_array_equal(out, model(x))  # the same numbers as with saving
    with pytest.raises(ZeroDivisionError), no_grad(model):
        raise ZeroDivisionError  # restored after an error too
    assert all(m.grad_enabled for m in model.modules())
    relu = A.ReLU()
    with no_grad(relu):
        with no_grad(relu):
            pass
        assert not relu.grad_enabled  # nested: the outer block still holds
    assert relu.grad_enabled


def test_no_grad_covers_a_loss_too():
    loss = L.CrossEntropyLoss()
    with no_grad(loss):
        loss(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(RuntimeError):
        loss.backward()


# ------------------------------------------------------------------ parameters, modules, state

def test_named_parameters_modules_and_state_dict_like_torch():
    lin = Linear(2, 2, rng=0, dtype=np.float64)
    act = A.PReLU()
    model = Sequential(lin, act, lin, act, Sequential(Linear(2, 1, rng=1, dtype=np.float64)))
    tlin, tact = torch.nn.Linear(2, 2), torch.nn.PReLU()
    tm = torch.nn.Sequential(tlin, tact, tlin, tact, torch.nn.Sequential(torch.nn.Linear(2, 1)))
    assert [n for n, _, _ in model.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert list(model.state_dict()) == list(tm.state_dict())
    assert [type(m).__name__ for m in model.modules()] == [type(m).__name__ for m in tm.modules()]
    model.load_state_dict(tm.state_dict())
    check_twin(model, tm, (3, 2))
    model.eval()
    assert not any(m.training for m in model.modules())
    assert model.train() is model and all(m.training for m in model.modules())


def test_helpers_give_clear_errors():
    assert as_float_array([1, 2]).dtype == np.float64
    assert as_float_array(np.ones(2, dtype=np.float32)).dtype == np.float32
    assert as_float_array(np.array([True])).dtype == np.float64
    with pytest.raises(ValueError, match=r"x must have 2 dimensions, got shape \(3,\)"):
        as_float_array(np.ones(3), "x", ndim=2)
    with pytest.raises(TypeError, match="numeric"):
        as_float_array(np.array([object()]))
    assert check_positive_int(np.int64(3), "n") == 3
    for bad in (0, -1, 2.0, True, "3"):
        with pytest.raises(ValueError, match="n must be a positive integer"):
            check_positive_int(bad, "n")
    with pytest.raises(ValueError, match="reduction must be one of"):
        L.MSELoss(reduction="none")
    with pytest.raises(ValueError, match="empty batch"):
        L.CrossEntropyLoss()(np.zeros((0, 3)), np.zeros(0, dtype=int))
    assert repr(L.L1Loss(reduction="sum")) == "L1Loss(reduction='sum')"


# ------------------------------------------------------------------ the twin helper catches bugs

class _OverwritingLinear(Linear):
    """The old semantics: the weight gradient of the latest backward replaces the earlier ones."""

    def backward(self, grad_out, *, input_grad=True):
        self.grads.pop("weight", None)
        return super().backward(grad_out, input_grad=input_grad)


class _ForgetfulReLU(A.ReLU):
    """A single cache: the second forward overwrites the first's saved input."""

    def save_for_backward(self, output, *arrays):  # every entry becomes the newest forward's
        self._saved[:] = [(np.shape(output), arrays)] * (len(self._saved) + 1)


def test_check_twin_catches_overwritten_gradients_and_a_single_cache():
    check_twin(_OverwritingLinear(3, 3, dtype=np.float64), torch.nn.Linear(3, 3), (2, 3))  # one call: fine
    with pytest.raises(AssertionError, match="gradient of weight"):
        check_twin(_OverwritingLinear(3, 3, dtype=np.float64), torch.nn.Linear(3, 3), (2, 3), calls=2)
    with pytest.raises(AssertionError, match="input 0 gradient"):
        check_twin(_ForgetfulReLU(), torch.nn.ReLU(), (4, 3), (4, 3), calls=2, fd=False)


def test_check_twin_checks_dtype_and_names():
    with pytest.raises(AssertionError, match="dtype=np.float64"):
        check_twin(Linear(3, 2, rng=0), torch.nn.Linear(3, 2), (2, 3))  # float32 weights
    with pytest.raises(KeyError, match="mismatch"):
        check_twin(Linear(3, 2, bias=False, dtype=np.float64), torch.nn.Linear(3, 2), (2, 3))
    with pytest.raises(ValueError, match="calls=2 needs one input"):
        check_twin(A.ReLU(), torch.nn.ReLU(), (2, 3), (2, 3), (2, 3), calls=2)


class _Scale(Layer):
    """A minimal custom layer: y = w * x with one scalar parameter (the protocol in 12 lines)."""

    def __init__(self):
        super().__init__()
        self.params["weight"] = np.array([2.0])

    def forward(self, x):
        x = as_float_array(x)
        y = self.params["weight"] * x
        self.save_for_backward(y, x)
        return y

    def backward(self, grad_out, *, input_grad=True):
        grad_out, x = self.saved(grad_out)
        self.accumulate("weight", np.array([np.sum(grad_out * x)]))
        return grad_out * self.params["weight"] if input_grad else None


class _TorchScale(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.tensor([2.0]))

    def forward(self, x):
        return self.weight * x


def test_a_custom_layer_follows_the_protocol():
    r = check_twin(_Scale(), _TorchScale(), (3, 2), calls=2)
    assert list(r.grads) == ["weight"] and repr(_Scale()) == "_Scale(weight=(1,))"
