"""from_torch: the numpy twin of a torch module, weights copied, sharing kept."""

import numpy as np
import pytest
import torch
from twin import check_model_cross_entropy, check_twin

from dlnotes.scratch import activations, losses
from dlnotes.scratch.base import TWINS
from dlnotes.scratch.container import Sequential, mlp
from dlnotes.scratch.convert import from_torch
from dlnotes.scratch.linear import Flatten, Linear


def _t(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def _torch_mlp(act):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(6, 5), act, torch.nn.Linear(5, 4), torch.nn.Tanh(),
                               torch.nn.Linear(4, 3)).double()


@pytest.mark.parametrize("act", [torch.nn.ReLU(), torch.nn.Sigmoid(), torch.nn.LeakyReLU(0.1),
                                 torch.nn.ELU(0.5), torch.nn.Softplus(2.0, 5.0), torch.nn.PReLU(init=0.1)])
def test_from_torch_mlp_with_cross_entropy_matches_torch(act):
    tm = _torch_mlp(act)
    model = from_torch(tm)
    check_model_cross_entropy(model, tm, rng=1)
    x = np.random.default_rng(1).normal(size=(8, 6))
    check_twin(from_torch(tm), tm, x)  # the same through the twin helper, with every gradient


def test_from_torch_copies_weights_and_keeps_hyperparameters():
    tm = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 4, bias=False), torch.nn.LeakyReLU(0.2),
                             torch.nn.Linear(4, 2), torch.nn.Softmax(dim=1))
    model = from_torch(tm)
    assert [type(m).__name__ for m in model] == ["Flatten", "Linear", "LeakyReLU", "Linear", "Softmax"]
    assert model[2].negative_slope == 0.2 and model[4].dim == 1 and "bias" not in model[1].params
    assert model[1].params["weight"].dtype == np.float64
    assert from_torch(tm, dtype=np.float32)[1].params["weight"].dtype == np.float32
    with torch.no_grad():
        tm[1].weight.add_(1.0)  # a copy: later changes to torch do not leak into the twin
    assert not np.allclose(model[1].params["weight"], tm[1].weight.detach().numpy())
    check_twin(from_torch(tm), tm, (3, 3, 4))


def test_from_torch_of_a_module_used_twice_gives_one_shared_layer():
    lin, act = torch.nn.Linear(4, 4), torch.nn.Tanh()
    tm = torch.nn.Sequential(lin, act, torch.nn.Sequential(lin, act), torch.nn.Linear(4, 2)).double()
    model = from_torch(tm)
    assert model[0] is model[2][0] and model[1] is model[2][1]
    assert model[0] is not model[3]
    assert [n for n, _, _ in model.named_parameters()] == [n for n, _ in tm.named_parameters()]
    r = check_twin(model, tm, (5, 4))  # both uses add up into one gradient, as in torch
    assert list(r.grads) == ["0.weight", "0.bias", "3.weight", "3.bias"]


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


def test_state_dict_of_a_tied_model_has_torchs_keys_both_ways():
    """torch lists a shared module's weights under each of its names; so does the twin."""
    lin = torch.nn.Linear(3, 3)
    tm = torch.nn.Sequential(lin, torch.nn.ReLU(), lin).double()
    model = from_torch(tm)
    assert list(model.state_dict()) == list(tm.state_dict())
    model.load_state_dict(tm.state_dict())  # torch -> numpy
    tm.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})  # numpy -> torch
    assert [n for n, _, _ in model.named_parameters()] == ["0.weight", "0.bias"]


def test_every_registered_twin_converts():
    assert {"Linear", "Flatten", "Sequential", "ReLU", "Sigmoid", "Tanh", "Softmax", "PReLU",
            "CrossEntropyLoss", "MSELoss"} <= set(TWINS)
    tm = torch.nn.Sequential(torch.nn.Identity(), torch.nn.ELU(), torch.nn.RReLU(0.1, 0.2).eval())
    model = from_torch(tm)
    assert [type(m).__name__ for m in model] == ["Identity", "ELU", "RReLU"]
    assert (model[2].lower, model[2].upper) == (0.1, 0.2)  # hyperparameters come along
    check_twin(model.eval(), tm, (3, 4))
    assert isinstance(from_torch(torch.nn.MSELoss()), losses.MSELoss)
    assert isinstance(from_torch(torch.nn.Flatten(0, 1)), Flatten)
    assert isinstance(from_torch(torch.nn.Sequential()), Sequential)


@pytest.mark.parametrize("torch_loss", [torch.nn.MSELoss(reduction="sum"), torch.nn.L1Loss(),
                                        torch.nn.MultiMarginLoss(p=2, margin=0.5, reduction="sum"),
                                        torch.nn.CrossEntropyLoss(reduction="sum")])
def test_from_torch_of_a_loss_keeps_its_options(torch_loss):
    loss = from_torch(torch_loss)
    assert loss.reduction == torch_loss.reduction
    if isinstance(loss, losses.MultiMarginLoss):
        assert (loss.p, loss.margin) == (2, 0.5)
    target = np.array([0, 2, 1]) if isinstance(loss, (losses.MultiMarginLoss, losses.CrossEntropyLoss)) \
        else np.random.default_rng(0).normal(size=(3, 3))
    check_twin(loss, torch_loss, (3, 3), target=target)


def test_bad_input_raises_clear_errors():
    assert from_torch(torch.nn.CrossEntropyLoss(label_smoothing=0.1)).label_smoothing == 0.1  # chapter 7
    with pytest.raises(TypeError, match="has no label_smoothing"):
        losses.BCELoss.from_torch_module(torch.nn.CrossEntropyLoss(label_smoothing=0.1), None)
    with pytest.raises(TypeError, match="has no weight"):
        from_torch(torch.nn.BCELoss(weight=torch.ones(3)))
    with pytest.raises(TypeError, match="has no pos_weight"):
        from_torch(torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(1)))
    with pytest.raises(ValueError, match="reduction must be one of"):
        from_torch(torch.nn.MSELoss(reduction="none"))
    with pytest.raises(TypeError, match="does not know how to convert Conv3d"):
        from_torch(torch.nn.Conv3d(1, 1, 3))

    class ReLU(torch.nn.Module):  # a user's class that happens to share a torch name
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match="does not know how to convert ReLU"):
        from_torch(ReLU())
