"""Numpy Linear / Flatten / Sequential against torch (float64) and finite differences."""

import numpy as np
import pytest
import torch

from dlnotes.gradcheck import check_layer, check_model
from dlnotes.scratch import activations, losses
from dlnotes.scratch.layers import Flatten, Linear, Sequential, from_torch, mlp


def _t(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(bias):
    rng = np.random.default_rng(0)
    lin = Linear(5, 3, bias=bias, rng=rng, dtype=np.float64)
    assert lin.params["weight"].shape == (3, 5)
    tl = torch.nn.Linear(5, 3, bias=bias, dtype=torch.float64)
    with torch.no_grad():
        tl.weight.copy_(_t(lin.params["weight"]))
        if bias:
            tl.bias.copy_(_t(lin.params["bias"]))
    x = rng.normal(size=(4, 5))
    g = rng.normal(size=(4, 3))
    xt = _t(x, grad=True)
    out_t = tl(xt)
    (out_t * _t(g)).sum().backward()
    np.testing.assert_allclose(lin.forward(x), out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    gx = lin.backward(g)
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(lin.grads["weight"], tl.weight.grad.numpy(), rtol=1e-12, atol=1e-12)
    if bias:
        np.testing.assert_allclose(lin.grads["bias"], tl.bias.grad.numpy(), rtol=1e-12, atol=1e-12)
    else:
        assert "bias" not in lin.grads
    assert lin.backward(g, input_grad=False) is None


def test_linear_init_range_and_determinism():
    a = Linear(100, 50, rng=3)
    b = Linear(100, 50, rng=3)
    np.testing.assert_array_equal(a.params["weight"], b.params["weight"])
    assert a.params["weight"].dtype == np.float32
    assert np.abs(a.params["weight"]).max() <= 0.1 and np.abs(a.params["weight"]).max() > 0.09


def test_linear_finite_differences():
    lin = Linear(4, 3, rng=0, dtype=np.float64)
    report = check_layer(lin, np.random.default_rng(1).normal(size=(6, 4)))
    assert report.ok(1e-7), str(report)


def test_flatten_matches_torch_and_gradcheck():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    f = Flatten()
    out = f.forward(x)
    np.testing.assert_array_equal(out, torch.nn.Flatten()(_t(x)).numpy())
    assert f.backward(np.ones_like(out)).shape == x.shape
    assert check_layer(Flatten(), x).ok()
    assert Flatten(0, 1).forward(x).shape == (6, 4)


def _torch_mlp(act):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(6, 5), act, torch.nn.Linear(5, 4), torch.nn.Tanh(),
                               torch.nn.Linear(4, 3)).double()


@pytest.mark.parametrize("act", [torch.nn.ReLU(), torch.nn.Sigmoid(), torch.nn.LeakyReLU(0.1)])
def test_sequential_mlp_with_cross_entropy_matches_torch(act):
    tm = _torch_mlp(act)
    model = from_torch(tm)
    assert [n for n, _, _ in model.named_parameters()] == [n for n, _ in tm.named_parameters()]
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 6))
    y = rng.integers(0, 3, size=8)
    loss_fn = losses.CrossEntropyLoss()
    loss = loss_fn(model.forward(x), y)
    gx = model.backward(loss_fn.backward())
    xt = _t(x, grad=True)
    lt = torch.nn.functional.cross_entropy(tm(xt), torch.from_numpy(y))
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for (name, _, g), (tname, tp) in zip(model.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(g, tp.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
    assert check_model(model, loss_fn, x, y, include_input=True).ok(1e-6)


def test_state_dict_roundtrip_and_load_from_torch():
    tm = _torch_mlp(torch.nn.ReLU())
    model = mlp([6, 5, 4, 3], "relu", rng=0, dtype=np.float64)
    model.layers[3] = activations.Tanh()  # same architecture as _torch_mlp
    model.load_state_dict(tm.state_dict())
    x = np.random.default_rng(0).normal(size=(3, 6))
    np.testing.assert_allclose(model.forward(x), tm(_t(x)).detach().numpy(), rtol=1e-12)
    sd = model.state_dict()
    sd["0.weight"][...] = 0.0  # a copy: the model is unchanged
    assert np.abs(model[0].params["weight"]).sum() > 0
    assert len(model) == 5 and isinstance(model[0], Linear)
    assert "Linear(in_features=6" in repr(model)


def test_mlp_builder_shapes():
    m = mlp([784, 32, 10], "sigmoid", rng=0)
    assert [type(layer).__name__ for layer in m] == ["Linear", "Sigmoid", "Linear"]
    out = m.forward(np.zeros((2, 784), dtype=np.float32))
    assert out.shape == (2, 10) and out.dtype == np.float32


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="rng="):
        Linear(3, 2)
    with pytest.raises(ValueError, match="positive integer"):
        Linear(0, 2, rng=0)
    with pytest.raises(TypeError, match="float32 or float64"):
        Linear(3, 2, rng=0, dtype=np.int32)
    lin = Linear(3, 2, rng=0)
    with pytest.raises(RuntimeError, match="before forward"):
        lin.backward(np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"expects input of shape \(N, 3\)"):
        lin.forward(np.ones((4, 5)))
    with pytest.raises(ValueError, match="dimensions"):
        lin.forward(np.ones(3))
    with pytest.raises(TypeError, match="numeric"):
        lin.forward(np.array([["a", "b", "c"]]))
    lin.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="grad_out must have shape"):
        lin.backward(np.ones((4, 3)))
    with pytest.raises(TypeError, match="not a dlnotes Layer"):
        Sequential(Linear(2, 2, rng=0), torch.nn.ReLU())
    with pytest.raises(ValueError, match="unknown activation"):
        mlp([2, 2, 2], "swishy", rng=0)
    with pytest.raises(KeyError, match="mismatch"):
        mlp([2, 2], rng=0).load_state_dict({"weight": np.ones((2, 2))})
    with pytest.raises(ValueError, match="shape"):
        mlp([2, 2], rng=0).load_state_dict({"0.weight": np.ones((3, 2)), "0.bias": np.ones(2)})
    with pytest.raises(TypeError, match="does not know"):
        from_torch(torch.nn.Conv2d(1, 1, 3))
