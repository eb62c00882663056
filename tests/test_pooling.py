"""Numpy max and average pooling against torch (float64) and finite differences."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from twin import check_twin

from dlnotes.scratch.pooling import AvgPool2d, MaxPool2d, avg_pool2d_loops, max_pool2d_loops

CASES = [(2, 3, 7, 6, 2, None, 0), (2, 2, 8, 9, 3, 2, 1), (1, 1, 5, 5, (2, 3), (1, 2), (1, 0)),
         (1, 2, 4, 4, 1, 1, 0)]


@pytest.mark.parametrize("case", CASES)
def test_pooling_layers_match_torch(case):
    n, c, h, w, k, s, p = case
    check_twin(MaxPool2d(k, s, p), torch.nn.MaxPool2d(k, s, p), (n, c, h, w))
    check_twin(AvgPool2d(k, s, p), torch.nn.AvgPool2d(k, s, p), (n, c, h, w))


@given(h=st.integers(1, 9), w=st.integers(1, 9), k=st.integers(1, 4), s=st.integers(1, 3),
       p=st.integers(0, 2), seed=st.integers(0, 2**16))
def test_property_loops_and_layers_agree_with_torch(h, w, k, s, p, seed):
    if 2 * p > k or k > h + 2 * p or k > w + 2 * p:
        with pytest.raises(ValueError):
            MaxPool2d(k, s, p)(np.zeros((1, 1, h, w)))
        return
    x = np.random.default_rng(seed).normal(size=(2, 2, h, w))
    tx = torch.tensor(x)
    for loops, layer, fn in [(max_pool2d_loops, MaxPool2d, F.max_pool2d),
                             (avg_pool2d_loops, AvgPool2d, F.avg_pool2d)]:
        expected = fn(tx, k, s, p).numpy()
        np.testing.assert_allclose(loops(x, k, s, p), expected, rtol=1e-12)
        np.testing.assert_allclose(layer(k, s, p)(x), expected, rtol=1e-12)


def test_max_pool_gradient_goes_to_the_maximum_only():
    x = np.array([[[[1.0, 5.0], [2.0, 3.0]]]])
    pool = MaxPool2d(2)
    assert pool(x).item() == 5.0
    np.testing.assert_array_equal(pool.backward(np.ones((1, 1, 1, 1))), [[[[0, 1], [0, 0]]]])
    avg = AvgPool2d(2)
    assert avg(x).item() == 2.75
    np.testing.assert_array_equal(avg.backward(np.ones((1, 1, 1, 1))), np.full((1, 1, 2, 2), 0.25))


def test_clear_errors():
    with pytest.raises(ValueError, match="half the kernel"):
        MaxPool2d(2, padding=2)(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match="larger than the padded input"):
        AvgPool2d(5)(np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="4 dimensions"):
        MaxPool2d(2)(np.zeros((4, 4)))
