"""Numpy initialisers against torch.nn.init: the same bounds, standard deviations and gains."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlnotes.scratch import init


@pytest.mark.parametrize("nl, param", [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                                       ("leaky_relu", None), ("leaky_relu", 0.2)])
def test_gain_matches_torch(nl, param):
    assert init.calculate_gain(nl, param) == pytest.approx(torch.nn.init.calculate_gain(nl, param), rel=1e-12)


@given(st.lists(st.integers(1, 6), min_size=2, max_size=4))
def test_fans_match_torch(shape):
    fans = init.fan_in_and_fan_out(np.zeros(shape))
    assert fans == torch.nn.init._calculate_fan_in_and_fan_out(torch.zeros(shape))


SHAPE = (300, 400)


def _torch(fn, **kw):
    torch.manual_seed(0)
    return fn(torch.empty(SHAPE, dtype=torch.float64), **kw).numpy()


@pytest.mark.parametrize("ours, theirs, kw", [
    (init.xavier_uniform_, torch.nn.init.xavier_uniform_, dict(gain=1.0)),
    (init.xavier_uniform_, torch.nn.init.xavier_uniform_, dict(gain=5 / 3)),
    (init.kaiming_uniform_, torch.nn.init.kaiming_uniform_, dict(nonlinearity="relu")),
    (init.kaiming_uniform_, torch.nn.init.kaiming_uniform_, dict(a=math.sqrt(5))),  # nn.Linear's default
])
def test_uniform_initialisers_have_torchs_bounds(ours, theirs, kw):
    a, t = ours(np.empty(SHAPE), rng=0, **kw), _torch(theirs, **kw)
    bound = np.abs(t).max()
    assert np.abs(a).max() <= bound * 1.001 and np.abs(a).max() >= bound * 0.99  # same support
    assert a.std() == pytest.approx(t.std(), rel=0.01)


@pytest.mark.parametrize("ours, theirs, kw", [
    (init.xavier_normal_, torch.nn.init.xavier_normal_, dict()),
    (init.kaiming_normal_, torch.nn.init.kaiming_normal_, dict(nonlinearity="relu")),
    (init.kaiming_normal_, torch.nn.init.kaiming_normal_, dict(mode="fan_out", nonlinearity="relu")),
    (init.normal_, torch.nn.init.normal_, dict(std=0.01)),
])
def test_normal_initialisers_have_torchs_std(ours, theirs, kw):
    a, t = ours(np.empty(SHAPE), rng=0, **kw), _torch(theirs, **kw)
    assert a.std() == pytest.approx(t.std(), rel=0.01)
    assert abs(a.mean()) < 3 * a.std() / math.sqrt(a.size)


def test_exact_formulas():
    w = init.xavier_uniform_(np.empty((20, 30)), rng=1)
    assert np.abs(w).max() <= math.sqrt(6 / 50)
    w = init.kaiming_normal_(np.empty((2000, 500)), nonlinearity="relu", rng=1)
    assert w.std() == pytest.approx(math.sqrt(2 / 500), rel=0.01)
    assert not init.zeros_(np.ones((3, 3))).any()
    a, b = init.normal_(np.empty(5), rng=3), init.normal_(np.empty(5), rng=3)
    np.testing.assert_array_equal(a, b)  # seeded


def test_bad_input():
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.xavier_uniform_(np.empty(5))
    with pytest.raises(ValueError, match="nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(TypeError, match="floating-point numpy array"):
        init.zeros_(np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_normal_(np.empty((2, 2)), mode="fan")
