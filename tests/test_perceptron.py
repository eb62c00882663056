"""The perceptron, its learning rule, the Hebb rule and the perceptron criterion.

Module under test: dlnotes.byhand.perceptron.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlnotes.byhand import logic
from dlnotes.byhand import perceptron as P


def separable_blobs(n: int = 40, rng: int = 0, gap: float = 0.5):
    """Two 2-D point clouds split by the line x1 + x2 = 1 with a margin ``gap`` (toy data)."""
    gen = np.random.default_rng(rng)
    X = gen.uniform(-2, 3, size=(6 * n, 2))
    s = X.sum(axis=1) - 1.0
    keep = np.abs(s) > gap
    X, s = X[keep][:n], s[keep][:n]
    return X, (s > 0).astype(np.int64)


# ----------------------------------------------------------------- forward pass


def test_decision_function_matches_torch_linear_float64():
    gen = np.random.default_rng(1)
    X = gen.normal(size=(7, 5))
    w, b = gen.normal(size=5), 0.3
    linear = torch.nn.Linear(5, 1).double()
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(w)[None, :])  # torch layout (out, in) = (1, 5)
        linear.bias.fill_(b)
    expected = linear(torch.from_numpy(X)).detach().numpy()[:, 0]
    np.testing.assert_allclose(P.decision_function(X, w, b), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(P.predict(X, w, b), (expected > 0).astype(int))


def test_lecture_000_single_neuron_value():
    # x = [1, 2, 3], w = [0.5, 0.2, 0.1], b = 0.5  ->  0.5 + 0.4 + 0.3 + 0.5 = 1.7
    z = P.decision_function([[1.0, 2.0, 3.0]], [0.5, 0.2, 0.1], 0.5)
    np.testing.assert_allclose(z, [1.7])


def test_step_is_zero_at_zero():
    np.testing.assert_array_equal(P.step([-1.0, 0.0, 1e-12, 3.0]), [0, 0, 1, 1])


# --------------------------------------------------------------- learning rules


def test_perceptron_step_hand_computed():
    # w = [1, -1], b = 0, x = [2, 3]: z = -1 -> output 0; target 1 -> error +1
    w, b, err = P.perceptron_step([1.0, -1.0], 0.0, [2.0, 3.0], 1, lr=0.5)
    assert err == 1
    np.testing.assert_allclose(w, [2.0, 0.5])  # w + 0.5 * 1 * x
    assert b == pytest.approx(0.5)
    # now z = 4 + 1.5 + 0.5 = 6 > 0 -> output 1; target 0 -> error -1
    w2, b2, err2 = P.perceptron_step(w, b, [2.0, 3.0], 0, lr=0.5)
    assert err2 == -1
    np.testing.assert_allclose(w2, [1.0, -1.0])
    assert b2 == pytest.approx(0.0)
    # a correct example leaves everything unchanged
    w3, b3, err3 = P.perceptron_step(w, b, [2.0, 3.0], 1, lr=0.5)
    assert err3 == 0 and b3 == b
    np.testing.assert_array_equal(w3, w)


def test_perceptron_rule_is_a_gradient_step_on_the_perceptron_criterion_torch():
    X, y = separable_blobs(30, rng=3)
    w, b = np.array([0.2, -0.4]), 0.1
    loss, gw, gb = P.perceptron_criterion(X, y, w, b)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    t = torch.from_numpy(2.0 * y - 1.0)
    lt = torch.relu(-t * (torch.from_numpy(X) @ wt + bt)).mean()
    lt.backward()
    assert loss == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(gw, wt.grad.numpy(), rtol=1e-12, atol=1e-14)
    assert gb == pytest.approx(bt.grad.item(), rel=1e-12)
    # one misclassified example: SGD with step lr*N on the mean criterion == perceptron rule
    wrong = np.flatnonzero(P.predict(X, w, b) != y)
    assert wrong.size > 0
    i = int(wrong[0])
    _, gwi, gbi = P.perceptron_criterion(X[i:i + 1], y[i:i + 1], w, b)
    w_rule, b_rule, _ = P.perceptron_step(w, b, X[i], int(y[i]), lr=0.7)
    np.testing.assert_allclose(w - 0.7 * gwi, w_rule)
    assert b - 0.7 * gbi == pytest.approx(b_rule)


def test_perceptron_criterion_finite_differences():
    X, y = separable_blobs(25, rng=4)
    w, b = np.array([0.3, 0.5]), -0.2
    _, gw, gb = P.perceptron_criterion(X, y, w, b)
    eps = 1e-6
    for j in range(2):
        d = np.zeros(2)
        d[j] = eps
        up, down = P.perceptron_criterion(X, y, w + d, b)[0], P.perceptron_criterion(X, y, w - d, b)[0]
        num = (up - down) / (2 * eps)
        assert num == pytest.approx(gw[j], rel=1e-6, abs=1e-9)
    up, down = P.perceptron_criterion(X, y, w, b + eps)[0], P.perceptron_criterion(X, y, w, b - eps)[0]
    num_b = (up - down) / (2 * eps)
    assert num_b == pytest.approx(gb, rel=1e-6, abs=1e-9)


def test_hebb_rule_hand_computed_and_layer_shape():
    np.testing.assert_allclose(P.hebb_rule([0.0, 1.0], [1.0, 2.0], 1.0, lr=0.5), [0.5, 2.0])
    # both ends active -> stronger; output negative (inhibited) -> weaker
    np.testing.assert_allclose(P.hebb_rule([1.0], [1.0], -1.0), [0.0])
    W = np.zeros((3, 2))  # torch layout (out, in)
    new = P.hebb_rule(W, [1.0, -1.0], [1.0, 0.0, 2.0], lr=0.1)
    np.testing.assert_allclose(new, 0.1 * np.array([[1, -1], [0, 0], [2, -2]]))


# ------------------------------------------------------------------ convergence


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("lr", [1.0, 0.1])
def test_converges_on_separable_data_within_novikoff_bound(seed, lr):
    X, y = separable_blobs(60, rng=seed)
    bound = P.mistake_bound(X, y, [1.0, 1.0], -1.0)  # the line that generated the data
    hist = P.train_perceptron(X, y, lr=lr, epochs=1000, rng=seed)
    assert hist.converged
    assert len(hist.updates) <= bound
    np.testing.assert_array_equal(P.predict(X, hist.weight, hist.bias), y)
    assert hist.errors_per_epoch[-1] == 0 and hist.errors_per_epoch[0] > 0
    last = hist.updates[-1]
    np.testing.assert_allclose(last.weight, hist.weight)
    assert last.bias == hist.bias


def test_history_replays_the_rule():
    X, y = separable_blobs(30, rng=5)
    hist = P.train_perceptron(X, y, lr=0.5, epochs=100, rng=7)
    w, b = np.zeros(2), 0.0
    for u in hist.updates:
        w, b, err = P.perceptron_step(w, b, X[u.index], int(y[u.index]), lr=0.5)
        assert err == u.error != 0
        np.testing.assert_allclose(w, u.weight)
        assert b == pytest.approx(u.bias)


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND", "NOR"])
def test_one_neuron_learns_the_separable_gates(gate):
    X, y = logic.logic_gate(gate)
    hist = P.train_perceptron(X, y, epochs=100, rng=0)
    assert hist.converged
    np.testing.assert_array_equal(P.predict(X, hist.weight, hist.bias), y)
    acc, w, b = P.grid_search_line(X, y, np.linspace(-2, 2, 21))
    assert acc == 1.0


@pytest.mark.parametrize("gate", ["XOR", "XNOR"])
def test_xor_never_converges_and_no_line_separates_it(gate):
    X, y = logic.logic_gate(gate)
    hist = P.train_perceptron(X, y, epochs=200, rng=0)
    assert not hist.converged
    assert all(e > 0 for e in hist.errors_per_epoch)
    acc, _, _ = P.grid_search_line(X, y, np.linspace(-3, 3, 61))
    assert acc == 0.75  # at most three of the four points


def test_grid_search_finds_the_best_line():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 1, 0, 1])  # class = x1
    acc, w, b = P.grid_search_line(X, y, [-1.0, 0.0, 1.0])
    assert acc == 1.0
    np.testing.assert_array_equal(P.predict(X, w, b), y)


def test_mistake_bound_value():
    # points (+-1, 0) with labels 1/0; line x1 = 0: R^2 = 2, gamma = 1/1 -> bound 2
    X = np.array([[1.0, 0.0], [-1.0, 0.0]])
    assert P.mistake_bound(X, [1, 0], [1.0, 0.0], 0.0) == pytest.approx(2.0)


# ------------------------------------------------------------------- bad input


def test_bad_input_raises_clear_errors():
    X, y = logic.logic_gate("AND")
    with pytest.raises(ValueError, match="unknown gate"):
        logic.logic_gate("XAND")
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        P.train_perceptron(X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="one label per row"):
        P.train_perceptron(X, [0, 1, 1])
    with pytest.raises(ValueError, match="dimensions"):
        P.train_perceptron(X[0], y)
    with pytest.raises(ValueError, match="epochs"):
        P.train_perceptron(X, y, epochs=0)
    with pytest.raises(ValueError, match="lr must be positive"):
        P.train_perceptron(X, y, lr=0.0)
    with pytest.raises(ValueError, match="NaN"):
        P.train_perceptron(np.array([[np.nan, 0.0]] * 4), y)
    with pytest.raises(TypeError, match="numeric"):
        P.decision_function([["a", "b"]], [1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="2 entries but the input has 3"):
        P.decision_function(np.ones((2, 3)), [1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="bias must be a scalar"):
        P.decision_function(X, [1.0, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="target must be 0 or 1"):
        P.perceptron_step([1.0, 1.0], 0.0, [1.0, 1.0], -1)
    with pytest.raises(ValueError, match="y must have shape"):
        P.hebb_rule(np.zeros((3, 2)), [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="does not separate"):
        P.mistake_bound(X, y, [1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="two features"):
        P.grid_search_line(np.ones((4, 3)), y, [0.0, 1.0])
