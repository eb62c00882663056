"""Numpy Sequential and the mlp builder against torch (float64): values, every gradient, reuse."""

import numpy as np
import pytest
import torch
from twin import check_model_cross_entropy, check_twin

from dlnotes.gradcheck import check_layer
from dlnotes.scratch import activations as A
from dlnotes.scratch.container import Sequential, mlp
from dlnotes.scratch.linear import Linear


def _torch_mlp(act):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(6, 5), act, torch.nn.Linear(5, 4), torch.nn.Tanh(),
                               torch.nn.Linear(4, 3)).double()


def _scratch_mlp(act):
    return Sequential(Linear(6, 5, dtype=np.float64), act, Linear(5, 4, dtype=np.float64), A.Tanh(),
                      Linear(4, 3, dtype=np.float64))


@pytest.mark.parametrize("act, torch_act", [(A.ReLU(), torch.nn.ReLU()), (A.Sigmoid(), torch.nn.Sigmoid()),
                                            (A.LeakyReLU(0.1), torch.nn.LeakyReLU(0.1)),
                                            (A.PReLU(), torch.nn.PReLU())])
def test_sequential_matches_torch(act, torch_act):
    model = _scratch_mlp(act)
    r = check_twin(model, _torch_mlp(torch_act), (8, 6))
    assert list(r.grads) == [n for n, _ in _torch_mlp(torch_act).named_parameters()]
    report = check_layer(model, r.inputs[0])  # check_layer sees the children's parameters too
    assert report.ok() and [res.name for res in report.results][:3] == ["input", "0.weight", "0.bias"]


@pytest.mark.parametrize("make, make_torch", [(A.ReLU, torch.nn.ReLU), (A.Tanh, torch.nn.Tanh),
                                              (A.Sigmoid, torch.nn.Sigmoid), (A.PReLU, torch.nn.PReLU)])
def test_sequential_reusing_one_activation_object_matches_torch(make, make_torch):
    """Sequential(lin1, act, lin2, act, lin3) with ONE act: its two forwards must not overwrite
    each other's saved input (the old single cache was ~80 % off). PReLU also shares its weight."""
    act, torch_act = make(), make_torch()
    model = Sequential(Linear(6, 5, dtype=np.float64), act, Linear(5, 4, dtype=np.float64), act,
                       Linear(4, 3, dtype=np.float64))
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(6, 5), torch_act, torch.nn.Linear(5, 4), torch_act,
                             torch.nn.Linear(4, 3))
    r = check_twin(model, tm, (8, 6))
    assert model[1] is model[3]
    if make is A.PReLU:  # the shared slope is one parameter, named once as in torch
        assert "1.weight" in r.grads and "3.weight" not in r.grads


def test_sequential_with_weight_tying_matches_torch():
    """The same Linear used twice in one model (weight tying): both uses add to one gradient."""
    lin = Linear(4, 4, dtype=np.float64)
    model = Sequential(lin, A.Tanh(), lin, A.ReLU(), Linear(4, 2, dtype=np.float64))
    torch.manual_seed(1)
    tlin = torch.nn.Linear(4, 4)
    tm = torch.nn.Sequential(tlin, torch.nn.Tanh(), tlin, torch.nn.ReLU(), torch.nn.Linear(4, 2))
    r = check_twin(model, tm, (5, 4))
    assert list(r.grads) == ["0.weight", "0.bias", "4.weight", "4.bias"]
    assert len(list(model.modules())) == 5  # the model, lin (once), tanh, relu, the last Linear
    check_twin(model, tm, (5, 4), (5, 4), calls=2)  # and the whole model used twice: m(a) + m(b)


@pytest.mark.parametrize("act", ["relu", "sigmoid", "leaky_relu", "prelu", "elu", "softplus", "identity"])
def test_mlp_with_cross_entropy_matches_torch_mlp(act):
    """The numpy mlp is the twin of dlnotes.models.mlp: same layers, same names, same numbers."""
    from dlnotes.models import mlp as torch_mlp

    torch.manual_seed(0)
    tm = torch_mlp([6, 5, 4, 3], act).double()
    model = mlp([6, 5, 4, 3], act, rng=0, dtype=np.float64)
    assert [type(m).__name__ for m in model] == [type(m).__name__ for m in tm]
    model.load_state_dict(tm.state_dict())
    check_model_cross_entropy(model, tm, rng=1)


def test_mlp_builder_shapes():
    m = mlp([784, 32, 10], "sigmoid", rng=0)
    assert [type(layer).__name__ for layer in m] == ["Linear", "Sigmoid", "Linear"]
    out = m.forward(np.zeros((2, 784), dtype=np.float32))
    assert out.shape == (2, 10) and out.dtype == np.float32
    a, b = mlp([5, 4, 3], rng=7), mlp([5, 4, 3], rng=7)
    for (name, p, _), (_, q, _) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p, q, err_msg=name)  # one seed, one network
    assert not np.array_equal(a[0].params["weight"][:3, :3], a[2].params["weight"][:3, :3])
    assert len(m) == 3 and isinstance(m[0], Linear) and list(m) == m.layers
    assert "Linear(in_features=784" in repr(m)


def test_sequential_input_grad_false_skips_only_the_first_input_gradient():
    model = mlp([3, 4, 2], rng=0, dtype=np.float64)
    model.forward(np.ones((2, 3)))
    assert model.backward(np.ones((2, 2)), input_grad=False) is None
    assert set(model[0].grads) == {"weight", "bias"}  # parameter gradients still computed


def test_bad_input_raises_clear_errors():
    with pytest.raises(TypeError, match="layer 1 is a ReLU, not a dlnotes Layer"):
        Sequential(Linear(2, 2, rng=0), torch.nn.ReLU())
    with pytest.raises(ValueError, match="unknown activation"):
        mlp([2, 2, 2], "swishy", rng=0)
    with pytest.raises(ValueError, match="at least two positive"):
        mlp([2], rng=0)
    with pytest.raises(KeyError, match="mismatch"):
        mlp([2, 2], rng=0).load_state_dict({"weight": np.ones((2, 2))})
    with pytest.raises(ValueError, match="shape"):
        mlp([2, 2], rng=0).load_state_dict({"0.weight": np.ones((3, 2)), "0.bias": np.ones(2)})
    model = mlp([2, 3, 2], rng=0)
    with pytest.raises(RuntimeError, match="Linear.backward called without a matching forward"):
        model.backward(np.ones((1, 2)))
