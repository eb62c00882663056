"""Tests of the 2-D toy data generators (dlnotes.data.toy)."""

import numpy as np
import pytest

from dlnotes.data import toy as toydata


@pytest.mark.parametrize("name", sorted(toydata.TOY_DATASETS))
@pytest.mark.parametrize("n", [2, 7, 300])
def test_shapes_dtypes_and_balance(name, n):
    X, y = toydata.make(name, n, rng=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) <= {0, 1}
    assert abs(int((y == 0).sum()) - int((y == 1).sum())) <= 1
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", sorted(toydata.TOY_DATASETS))
def test_seed_reproducible_and_seeds_differ(name):
    X1, y1 = toydata.make(name, 50, rng=3)
    X2, y2 = toydata.make(name, 50, rng=3)
    X3, _ = toydata.make(name, 50, rng=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.allclose(X1, X3)
    # a Generator works too and advances (no hidden global state)
    gen = np.random.default_rng(3)
    Xa, _ = toydata.make(name, 50, rng=gen)
    Xb, _ = toydata.make(name, 50, rng=gen)
    np.testing.assert_array_equal(Xa, X1)
    assert not np.allclose(Xa, Xb)


def test_noise_free_geometry():
    X, y = toydata.circles(200, factor=0.3, noise=0.0, rng=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)
    X, y = toydata.two_spirals(200, noise=0.0, rng=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() >= 0.1 - 1e-12 and r.max() <= 1.0 + 1e-12
    X, y = toydata.two_moons(100, noise=0.0, rng=0)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1.0, X[y == 1, 1] - 0.5), 1.0)


def test_spiral_arms_are_point_symmetric():
    # with the same radii parameter the arms are rotated by 180 degrees: angle(class 1) = angle(class 0) + pi
    X, y = toydata.two_spirals(4, turns=1.0, noise=0.0, rng=0)
    r = np.hypot(X[:, 0], X[:, 1])
    t = (r - 0.1) / 0.9
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * t + np.pi * y
    np.testing.assert_allclose(np.cos(angle), np.cos(expected), atol=1e-12)
    np.testing.assert_allclose(np.sin(angle), np.sin(expected), atol=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n=1), "n must be"),
    (dict(n=2.5), "n must be"),
    (dict(n=True), "n must be"),
    (dict(n=10, noise=-1.0), "noise"),
    (dict(n=10, noise=float("nan")), "noise"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        toydata.two_moons(rng=0, **kwargs)


def test_bad_specific_arguments():
    with pytest.raises(ValueError, match="turns"):
        toydata.two_spirals(10, turns=0, rng=0)
    with pytest.raises(ValueError, match="factor"):
        toydata.circles(10, factor=1.5, rng=0)
    with pytest.raises(ValueError, match="unknown toy data set"):
        toydata.make("banana", rng=0)
    X1, _ = toydata.two_moons(10, rng=None)  # rng=None: fresh entropy, numpy's convention
    X2, _ = toydata.two_moons(10, rng=None)
    assert not np.array_equal(X1, X2)
    with pytest.raises(TypeError, match="rng must be"):
        toydata.two_moons(10, rng="seed")
