"""Tests of ReLU networks as piecewise-linear maps (dlnotes.byhand.regions)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlnotes.byhand import regions


@pytest.mark.parametrize("k", [1, 2, 3, 6])
def test_deep_and_shallow_sawtooth_agree_with_the_tent_map(k):
    x = np.linspace(0, 1, 2 ** k * 8 + 1)
    want = regions.sawtooth(x, k)
    for net in (regions.sawtooth_deep(k), regions.sawtooth_shallow(k)):
        np.testing.assert_allclose(regions.relu_forward(net, x)[:, 0], want, atol=1e-12)
    assert regions.count_pieces(want, x) == 2 ** k
    assert regions.count_units(regions.sawtooth_deep(k)) == 2 * k
    assert regions.count_units(regions.sawtooth_shallow(k)) == 2 ** k


def test_relu_forward_matches_torch():
    net = regions.random_relu_net([2, 5, 4, 1], rng=0)
    x = np.random.default_rng(1).standard_normal((7, 2))
    layers = []
    for i, (w, b) in enumerate(net):
        lin = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin] + ([torch.nn.ReLU()] if i < len(net) - 1 else [])
    want = torch.nn.Sequential(*layers)(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(regions.relu_forward(net, x), want, rtol=1e-12)


@given(m=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_one_hidden_layer_has_at_most_m_plus_one_pieces(m, seed):
    net = regions.random_relu_net([1, m, 1], rng=seed)
    x = np.linspace(-40, 40, 40_001)
    assert regions.count_pieces(regions.relu_forward(net, x)[:, 0], x) <= m + 1


def test_count_pieces_and_regions_on_known_cases():
    x = np.linspace(-1, 1, 201)
    assert regions.count_pieces(np.abs(x), x) == 2
    assert regions.count_pieces(3 * x + 1, x) == 1
    # two units with lines x1 = 0 and x2 = 0 cut the plane into 4 regions
    net = [(np.eye(2), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]
    g = np.stack(np.meshgrid(np.linspace(-1, 1, 21), np.linspace(-1, 1, 21)), -1).reshape(-1, 2)
    assert regions.count_regions(net, g + 0.01) == 4


def test_bad_input():
    with pytest.raises(ValueError, match="k must be"):
        regions.sawtooth_deep(0)
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        regions.relu_forward(regions.random_relu_net([2, 3, 1], rng=0), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="increasing"):
        regions.count_pieces([0, 1, 2], [0, 0, 1])
