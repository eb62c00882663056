"""Scratch dropout vs torch: a shared mask (values, gradients), evaluation mode, statistics."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from twin import TorchFn, check_twin

from dlnotes.scratch.convert import from_torch
from dlnotes.scratch.dropout import Dropout, dropout_mask


@pytest.mark.parametrize("inverted", [True, False])
@pytest.mark.parametrize("p", [0.2, 0.5])
def test_training_matches_torch_with_the_same_mask(p, inverted):
    """With the mask drawn from the same seed, forward and backward equal torch's autograd of
    ``x * mask * scale`` (finite differences cannot redraw the same mask: checked in eval below)."""
    shape = (4, 6)
    mask = torch.tensor(dropout_mask(shape, p, 7), dtype=torch.float64)
    scale = 1 / (1 - p) if inverted else 1.0
    r = check_twin(Dropout(p, inverted=inverted, rng=7), TorchFn(lambda x: x * mask * scale), shape, fd=False)
    # backward passes the mask: dropped units get no gradient, kept ones the scaled upstream
    np.testing.assert_array_equal(r.input_grads[0] == 0, mask.numpy() == 0)
    np.testing.assert_allclose(r.input_grads[0], r.upstream * mask.numpy() * scale, rtol=1e-12)


@pytest.mark.parametrize("inverted", [True, False])
def test_evaluation_mode_matches_torch_and_finite_differences(inverted):
    layer = Dropout(0.3, inverted=inverted, rng=0).eval()
    if inverted:  # torch's Dropout in eval mode: the identity
        check_twin(layer, torch.nn.Dropout(0.3).eval(), (3, 5))
    else:  # scale at test time by the keep probability
        check_twin(layer, TorchFn(lambda x: 0.7 * x), (3, 5))


def test_p_zero_is_the_identity_in_training():
    check_twin(Dropout(0.0, rng=0), torch.nn.Dropout(0.0), (3, 4), calls=2)


@pytest.mark.parametrize("inverted", [True, False])
def test_expected_training_output_equals_evaluation_output(inverted):
    """Mean over K masks of the training output = the evaluation output, within 5 standard errors."""
    p, k = 0.4, 4000
    x = np.random.default_rng(1).normal(size=(1, 50))
    layer = Dropout(p, inverted=inverted, rng=2)
    samples = np.stack([layer(x) for _ in range(k)])
    layer._saved.clear()
    expected = layer.eval()(x)
    scale = 1 / (1 - p) if inverted else 1.0
    std = np.abs(x) * scale * np.sqrt(p * (1 - p)) / np.sqrt(k)  # std of the mean of K draws
    assert np.all(np.abs(samples.mean(0) - expected) <= 5 * std + 1e-12)


def test_distribution_matches_torch_dropout():
    """The same fraction of zeros (within 5 standard errors) and the same kept values as torch."""
    p, n = 0.3, 200_000
    x = np.ones(n)
    ours = Dropout(p, rng=0)(x)
    torch.manual_seed(0)
    theirs = torch.nn.Dropout(p)(torch.ones(n, dtype=torch.float64)).numpy()
    se = np.sqrt(p * (1 - p) / n)
    for out in (ours, theirs):
        assert abs((out == 0).mean() - p) < 5 * se
        np.testing.assert_allclose(np.unique(out[out != 0]), [1 / (1 - p)], rtol=1e-12)


def test_same_seed_same_mask_and_from_torch():
    a, b = Dropout(0.5, rng=3), Dropout(0.5, rng=3)
    x = np.ones((5, 5))
    np.testing.assert_array_equal(a(x), b(x))
    layer = from_torch(torch.nn.Dropout(0.25))
    assert isinstance(layer, Dropout) and layer.p == 0.25 and layer.inverted


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\)"):
        Dropout(1.0)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\)"):
        dropout_mask((2,), -0.1, 0)
    with pytest.raises(RuntimeError, match="without a matching forward"):
        Dropout(0.5, rng=0).backward(np.ones(3))


@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
                    elements=st.floats(-10, 10)),
       p=st.sampled_from([0.0, 0.1, 0.5, 0.9]), inverted=st.booleans())
def test_property_kept_units_are_scaled_and_gradient_uses_the_same_mask(x, p, inverted):
    layer = Dropout(p, inverted=inverted, rng=0)
    out = layer(x)
    kept = out != 0
    scale = 1 / (1 - p) if inverted else 1.0
    np.testing.assert_allclose(out[kept], x[kept] * scale, rtol=1e-12)
    g = layer.backward(np.ones_like(x))
    assert np.all(g[kept] == scale) and np.all((g == 0) | (g == scale))
