"""Numpy BatchNorm1d against torch.nn.BatchNorm1d (float64): outputs, gradients, running
statistics, evaluation mode, finite differences."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from twin import check_twin

from dlnotes.scratch.convert import from_torch
from dlnotes.scratch.normalization import BatchNorm1d


def _bn_pair(features=5, **kw):
    torch.manual_seed(0)
    tm = torch.nn.BatchNorm1d(features, **kw).double()
    with torch.no_grad():
        if tm.affine:
            tm.weight.uniform_(0.5, 1.5)
            tm.bias.uniform_(-0.5, 0.5)
    return tm, BatchNorm1d(features, dtype=np.float64, **kw)


@pytest.mark.parametrize("kw", [dict(), dict(momentum=0.3, eps=1e-3)])
def test_training_mode_twin(kw):
    tm, bn = _bn_pair(**kw)
    check_twin(bn, tm, (8, 5))


def test_affine_false_twin():
    tm, bn = _bn_pair(affine=False)
    check_twin(bn, tm, (6, 5))


def test_evaluation_mode_twin():
    tm, bn = _bn_pair()
    with torch.no_grad():
        tm.running_mean.uniform_(-1, 1)
        tm.running_var.uniform_(0.5, 2)
    tm.eval()
    bn.eval()
    check_twin(bn, tm, (4, 5))


def test_running_statistics_follow_torch_over_several_steps():
    tm, bn = _bn_pair(momentum=0.2)
    bn.load_state_dict(tm.state_dict())
    rng = np.random.default_rng(0)
    for _ in range(6):
        x = rng.normal(2.0, 3.0, size=(16, 5))
        np.testing.assert_allclose(bn.forward(x), tm(torch.from_numpy(x)).detach().numpy(), rtol=1e-12,
                                   atol=1e-12)
    np.testing.assert_allclose(bn.running_mean, tm.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, tm.running_var.numpy(), rtol=1e-12)
    assert bn.num_batches_tracked == tm.num_batches_tracked.item() == 6
    tm.eval()
    bn.eval()
    x = rng.normal(size=(1, 5))  # one example: fine in evaluation mode
    np.testing.assert_allclose(bn.forward(x), tm(torch.from_numpy(x)).detach().numpy(), rtol=1e-12)


def test_convert_from_torch_with_buffers():
    tm, _ = _bn_pair()
    tm(torch.randn(10, 5, dtype=torch.float64))
    bn = from_torch(tm)
    np.testing.assert_allclose(bn.running_var, tm.running_var.numpy())
    assert set(bn.state_dict()) == set(tm.state_dict())


@given(n=st.integers(2, 7), scale=st.floats(0.1, 100))
def test_normalised_output_has_zero_mean_unit_variance(n, scale):
    bn = BatchNorm1d(3, dtype=np.float64)
    x = np.random.default_rng(n).normal(size=(n, 3)) * scale + 5
    y = bn.forward(x)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-9)
    var = x.var(axis=0)
    np.testing.assert_allclose(y.var(axis=0), var / (var + bn.eps), rtol=1e-9)


def test_bad_input():
    bn = BatchNorm1d(3)
    with pytest.raises(ValueError, match="more than 1 example"):
        bn.forward(np.ones((1, 3)))
    with pytest.raises(ValueError, match="expects input"):
        bn.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="dimensions"):
        bn.forward(np.ones((4, 3, 2)))
    with pytest.raises(ValueError, match="momentum"):
        BatchNorm1d(3, momentum=2)
