"""Tests of the hand-built universal-approximation networks (dlnotes.byhand.approximation)."""

import numpy as np
import pytest
import torch

from dlnotes.byhand import approximation as ap


def f(x):
    return np.sin(3 * x) + 0.3 * x


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_sigmoid_network_is_a_sum_of_bumps():
    """The torch network equals an independent numpy sum of bumps h_i (s(x - l_i) - s(x - r_i))."""
    lo, hi, n_bumps, sharp = 0.0, 3.0, 5, 20.0
    model = ap.bump_network(f, 2 * n_bumps, lo, hi, activation="sigmoid", sharpness=sharp)
    assert model[0].weight.dtype == torch.float64
    assert tuple(model[0].weight.shape) == (10, 1) and tuple(model[2].weight.shape) == (1, 10)
    width = (hi - lo) / n_bumps
    edges = lo + width * np.arange(n_bumps + 1)
    heights = f(edges[:-1] + width / 2)
    left, right = edges[:-1].copy(), edges[1:].copy()
    left[0], right[-1] = lo - width, hi + width
    x = np.linspace(-0.5, 3.5, 301)
    s = sharp / width
    expected = sum(h * (_sigmoid(s * (x - l)) - _sigmoid(s * (x - r)))
                   for h, l, r in zip(heights, left, right))
    with torch.no_grad():
        got = model(torch.from_numpy(x[:, None])).numpy().ravel()
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    # inside a bin, far from the edges, the table returns that bin's value
    centres = edges[:-1] + width / 2
    with torch.no_grad():
        at_centres = model(torch.from_numpy(centres[:, None])).numpy().ravel()
    np.testing.assert_allclose(at_centres, heights, atol=1e-3)


def test_relu_network_interpolates():
    lo, hi, n = -1.0, 2.0, 12
    model = ap.bump_network(f, n, lo, hi, activation="relu")
    knots = np.linspace(lo, hi, n + 1)
    x = np.linspace(lo, hi, 997)
    with torch.no_grad():
        at_knots = model(torch.from_numpy(knots[:, None])).numpy().ravel()
        got = model(torch.from_numpy(x[:, None])).numpy().ravel()
    np.testing.assert_allclose(at_knots, f(knots), atol=1e-12)
    np.testing.assert_allclose(got, np.interp(x, knots, f(knots)), atol=1e-12)


def test_relu_reproduces_a_linear_function_exactly():
    model = ap.bump_network(lambda x: 2 * x - 1, 3, 0.0, 1.0, activation="relu")
    assert ap.sup_error(model, lambda x: 2 * x - 1, 0.0, 1.0) < 1e-12


@pytest.mark.parametrize("activation, order", [("sigmoid", 1), ("relu", 2)])
def test_error_shrinks_with_more_units(activation, order):
    errors = [ap.sup_error(ap.bump_network(f, h, 0, 3, activation=activation), f, 0, 3)
              for h in (8, 16, 32, 64, 128)]
    assert all(b < a for a, b in zip(errors, errors[1:]))
    # sigmoid lookup table: error ~ 1/H; piecewise-linear: error ~ 1/H^2
    ratio = errors[-2] / errors[-1]
    assert 2 ** order * 0.8 < ratio < 2 ** order * 1.25
    assert errors[-1] < (0.1 if activation == "sigmoid" else 1e-3)


def test_sup_error_matches_direct_computation_and_float32_models():
    model = ap.bump_network(f, 8, 0, 3, activation="relu")
    x = np.linspace(0, 3, 11)
    with torch.no_grad():
        direct = np.max(np.abs(model(torch.from_numpy(x[:, None])).numpy().ravel() - f(x)))
    assert ap.sup_error(model, f, 0, 3, n_points=11) == pytest.approx(direct, abs=1e-15)
    assert ap.sup_error(model.float(), f, 0, 3, n_points=11) == pytest.approx(direct, abs=1e-5)


def test_bump_heights():
    edges, heights = ap.bump_heights(f, 4, 0.0, 2.0)
    np.testing.assert_allclose(edges, [0, 0.5, 1, 1.5, 2])
    np.testing.assert_allclose(heights, f(np.array([0.25, 0.75, 1.25, 1.75])))


@pytest.mark.parametrize("kwargs, err, match", [
    (dict(n_hidden=0), ValueError, "positive integer"),
    (dict(n_hidden=3), ValueError, "even"),
    (dict(n_hidden=2.0), ValueError, "positive integer"),
    (dict(n_hidden=4, lo=1.0, hi=1.0), ValueError, "lo < hi"),
    (dict(n_hidden=4, activation="tanh"), ValueError, "activation"),
    (dict(n_hidden=4, sharpness=0.0), ValueError, "sharpness"),
])
def test_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        ap.bump_network(f, **kwargs)


def test_bad_functions():
    with pytest.raises(TypeError, match="callable"):
        ap.bump_network(3.0, 4)
    with pytest.raises(ValueError, match="same shape"):
        ap.bump_network(lambda x: 1.0, 4)
    with pytest.raises(ValueError, match="non-finite"):
        ap.bump_network(lambda x: np.full_like(x, np.nan), 4, activation="relu")
    model = ap.bump_network(f, 4)
    with pytest.raises(ValueError, match="n_points"):
        ap.sup_error(model, f, 0, 1, n_points=1)
