"""2-D loss surfaces: gradients against torch autograd and finite differences; trajectories."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import surfaces
from dlnotes.scratch.optim import SGD


def _torch_f(name):
    def f(p):
        x, y = p[0], p[1]
        return {"bowl": 0.5 * (x ** 2 + 20 * y ** 2),
                "saddle": x ** 2 + y ** 4 / 4 - y ** 2,
                "several minima": 0.1 * (x ** 2 + y ** 2) - torch.cos(2 * x) * torch.cos(2 * y),
                "Rosenbrock": (1 - x) ** 2 + 100 * (y - x ** 2) ** 2}[name]
    return f


@pytest.mark.parametrize("name", list(surfaces.SURFACES))
@given(x=st.floats(-2, 2), y=st.floats(-2, 2))
def test_values_and_gradients_match_torch_and_finite_differences(name, x, y):
    s = surfaces.SURFACES[name]()
    p = torch.tensor([x, y], dtype=torch.float64, requires_grad=True)
    v = _torch_f(name)(p)
    v.backward()
    q = np.array([x, y])
    assert s(q) == pytest.approx(v.item(), rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(s.grad(q), p.grad.numpy(), rtol=1e-12, atol=1e-12)
    eps = 1e-6
    fd = [(s(q + eps * e) - s(q - eps * e)) / (2 * eps) for e in np.eye(2)]
    np.testing.assert_allclose(s.grad(q), fd, rtol=1e-5, atol=1e-5)


def test_minima_have_zero_gradient_and_grid_shapes():
    for make in surfaces.SURFACES.values():
        s = make()
        for m in s.minima:
            np.testing.assert_allclose(s.grad(np.array(m)), 0.0, atol=1e-12)
        X, Y, Z = s.grid(11)
        assert X.shape == Y.shape == Z.shape == (11, 11)


def test_trajectory_is_gradient_descent_and_stops_when_diverging():
    s = surfaces.bowl(10)
    path = surfaces.trajectory(s, "sgd", 0.1, steps=5)
    p = np.array(s.start)
    for row in path[1:]:
        p = p - 0.1 * s.grad(p)
        np.testing.assert_allclose(row, p, rtol=1e-12)
    assert len(surfaces.trajectory(s, "sgd", 0.5, steps=500)) < 501  # 0.5 * 10 > 2: diverges
    assert np.abs(surfaces.trajectory(s, "momentum", 0.05, steps=300)[-1]).max() < 1e-3
    for name in ("nesterov", "adagrad", "rmsprop", "adam"):
        assert surfaces.trajectory(s, name, 0.01, steps=3).shape == (4, 2)


def test_a_point_optimiser_is_the_package_optimiser():
    point = surfaces._Point([1.0, 2.0])
    assert isinstance(surfaces.make_optimizer("sgd", point, 0.1), SGD)


def test_bad_input():
    with pytest.raises(ValueError, match="unknown optimiser"):
        surfaces.trajectory(surfaces.saddle(), "lbfgs", 0.1)
    with pytest.raises(ValueError, match="condition"):
        surfaces.bowl(0.5)
