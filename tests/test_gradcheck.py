"""Gradient checking: finite differences, relative errors, and that it catches a wrong backward."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes.gradcheck import (
    ABS_FLOOR,
    check_layer,
    check_model,
    gradcheck,
    numerical_gradient,
    relative_error,
    verdict,
)
from dlnotes.scratch import activations, losses
from dlnotes.scratch.container import Sequential
from dlnotes.scratch.linear import Linear


def test_numerical_gradient_of_known_function():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    before = x.copy()
    g = numerical_gradient(lambda: float(np.sum(np.sin(x) * x ** 2)), x)
    exact = np.cos(x) * x ** 2 + 2 * x * np.sin(x)
    np.testing.assert_allclose(g, exact, rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(x, before)  # restored


def test_relative_error_values():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 0.0]) == 1.0
    assert relative_error([3.0, 4.0], [3.0, 4.0 + 5e-7]) == pytest.approx(1e-7)
    assert verdict(1e-9) == "good" and verdict(1e-5) == "ok only with kinks"
    assert verdict(1e-3) == "suspicious" and verdict(0.5) == "WRONG"


def test_relative_error_floor_and_non_finite_gradients():
    # both norms below ABS_FLOOR: rounding noise of a flat function, counted as equal
    assert ABS_FLOOR == 1e-8
    assert relative_error([0.0, 0.0], [3e-11, -2e-11]) == 0.0
    assert relative_error([5e-9], [-5e-9]) == 0.0
    # one norm above the floor: a real relative error
    assert relative_error([2e-8], [0.0]) == 1.0
    # NaN or infinity never passes (and never hides behind max())
    for bad in ([np.nan, 1.0], [np.inf, 1.0], [-np.inf, 0.0]):
        assert relative_error(bad, [1.0, 1.0]) == np.inf
        assert relative_error([1.0, 1.0], bad) == np.inf
    w = np.array([1.0, 2.0])
    report = gradcheck(lambda: float(np.sum(w ** 2)), {"w": w}, {"w": np.array([np.nan, 4.0])})
    assert report.max_error == np.inf and not report.ok() and report["w"].verdict == "WRONG"
    report = gradcheck(lambda: 1.0, {"w": w}, {"w": np.zeros(2)})  # a flat function, zero gradient
    assert report.ok()


def test_numerical_gradient_restores_the_array_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f():
        calls.append(x.copy())
        if len(calls) == 3:
            raise ArithmeticError("boom")
        return float(np.sum(x))

    with pytest.raises(ArithmeticError, match="boom"):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(calls[-1], [1.0, 2.0 + 1e-6, 3.0])  # it raised mid-perturbation


def test_check_layer_passes_for_linear_and_reports_every_array():
    lin = Linear(4, 3, rng=0, dtype=np.float64)
    x = np.random.default_rng(1).normal(size=(5, 4))
    report = check_layer(lin, x, rng=2)
    assert [r.name for r in report.results] == ["input", "weight", "bias"]
    assert report.ok(1e-7), str(report)
    assert "rel. error" in str(report) and report["weight"].shape == (3, 4)


class _BuggyLinear(Linear):
    """A planted bug: the bias gradient forgets to sum over the batch (takes the first row)."""

    def backward(self, grad_out, *, input_grad=True):
        g = super().backward(grad_out, input_grad=input_grad)
        self.grads["bias"] = np.asarray(grad_out)[0].copy()
        return g


def test_check_layer_catches_a_planted_bug():
    lin = _BuggyLinear(4, 3, rng=0, dtype=np.float64)
    x = np.random.default_rng(1).normal(size=(5, 4))
    report = check_layer(lin, x, rng=2)
    assert report["weight"].verdict == "good"
    assert report["bias"].verdict == "WRONG"
    assert not report.ok()


def test_check_layer_sees_every_parameter_of_a_container_and_leaves_no_saved_input():
    rng = np.random.default_rng(0)
    model = Sequential(Linear(4, 3, rng=rng, dtype=np.float64), activations.Tanh(),
                       Linear(3, 2, rng=rng, dtype=np.float64))
    report = check_layer(model, rng.normal(size=(5, 4)), rng=1)
    assert [r.name for r in report.results] == ["input", "0.weight", "0.bias", "2.weight", "2.bias"]
    assert report.ok(), str(report)
    assert all(not m._saved for m in model.modules())  # finite differences ran under no_grad
    a = check_layer(model, np.ones((2, 4)), rng=3)
    b = check_layer(model, np.ones((2, 4)), rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a["input"].analytic, b["input"].analytic)  # a seed or a Generator


def test_check_model_with_cross_entropy():
    rng = np.random.default_rng(0)
    model = Sequential(Linear(6, 5, rng=rng, dtype=np.float64), activations.Tanh(),
                       Linear(5, 3, rng=rng, dtype=np.float64))
    x = rng.normal(size=(7, 6))
    y = rng.integers(0, 3, size=7)
    report = check_model(model, losses.CrossEntropyLoss(), x, y, include_input=True)
    assert [r.name for r in report.results] == ["input", "0.weight", "0.bias", "2.weight", "2.bias"]
    assert report.ok(1e-7), str(report)


def test_gradcheck_generic():
    w = np.array([1.0, -2.0, 0.5])
    rep = gradcheck(lambda: float(np.sum(w ** 3)), {"w": w}, {"w": 3 * w ** 2})
    assert rep.ok()
    rep = gradcheck(lambda: float(np.sum(w ** 3)), {"w": w}, {"w": 2 * w ** 2})
    assert rep["w"].verdict == "WRONG"


def test_bad_input_raises_clear_errors():
    x32 = np.ones(3, dtype=np.float32)
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, x32)
    with pytest.raises(ValueError, match="eps must be positive"):
        numerical_gradient(lambda: 0.0, np.ones(3), eps=0.0)
    with pytest.raises(ValueError, match="C-contiguous"):
        numerical_gradient(lambda: 0.0, np.ones((3, 3))[:, 0])
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="float64"):
        check_layer(Linear(2, 2, rng=0), np.ones((1, 2)))  # float32 weights
    with pytest.raises(KeyError, match="no analytic gradient"):
        gradcheck(lambda: 0.0, {"a": np.ones(2)}, {})


@settings(max_examples=30)
@given(st.integers(1, 6), st.integers(0, 2**32 - 1), st.floats(1e-3, 0.5))
def test_property_right_gradients_pass_and_wrong_ones_fail(n, seed, error):
    """Quadratics have exact central differences: the right gradient passes, a gradient
    off by a relative ``error`` in one entry's direction is caught."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n, n))
    a = a + a.T
    b = rng.normal(size=n)
    x = rng.normal(size=n)

    def f():
        return float(0.5 * x @ a @ x + b @ x)

    exact = a @ x + b
    assert gradcheck(f, {"x": x}, {"x": exact}).ok()
    if np.linalg.norm(exact) < 1e-6:
        return  # (measure zero) nothing to perturb relative to
    wrong = exact + error * np.linalg.norm(exact) * np.eye(n)[0]
    report = gradcheck(f, {"x": x}, {"x": wrong})
    assert not report.ok() and report.max_error >= error / (1 + error) * 0.99
