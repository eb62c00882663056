"""Scratch losses vs torch (float64, values and autograd gradients) and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlnotes.gradcheck import numerical_gradient
from dlnotes.scratch import losses as L

@pytest.fixture(autouse=True)
def float64_default():
    """Torch tensors made in these tests are float64; restored afterwards (no global state)."""
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def numeric_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences of a scalar function f at x (the package's gradcheck)."""
    x = np.array(x, dtype=np.float64)  # a fresh, writeable, C-contiguous copy
    return numerical_gradient(lambda: f(x), x, eps=eps)


def torch_value_grad(fn, x: np.ndarray, *args):
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = fn(xt, *args)
    out.backward()
    return out.item(), xt.grad.numpy()


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ------------------------------------------------------------------ cross-entropy

@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_matches_torch(rng, reduction):
    z = rng.normal(size=(6, 4)) * 3
    y = rng.integers(0, 4, size=6)
    loss = L.CrossEntropyLoss(reduction=reduction)
    val = loss(z, y)
    grad = loss.backward()
    tval, tgrad = torch_value_grad(torch.nn.CrossEntropyLoss(reduction=reduction), z, torch.tensor(y))
    assert val == pytest.approx(tval, rel=1e-12)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-10, atol=1e-14)
    # the backward is (softmax - one_hot) / N
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    expected = p - np.eye(4)[y]
    if reduction == "mean":
        expected /= 6
    np.testing.assert_allclose(grad, expected, rtol=1e-10)


def test_cross_entropy_finite_differences(rng):
    z = rng.normal(size=(5, 3))
    y = rng.integers(0, 3, size=5)
    loss = L.CrossEntropyLoss()
    loss(z, y)
    np.testing.assert_allclose(loss.backward(), numeric_grad(lambda v: L.CrossEntropyLoss()(v, y), z),
                               rtol=1e-6, atol=1e-9)


def test_cross_entropy_probability_targets(rng):
    z = rng.normal(size=(4, 5))
    t = rng.random(size=(4, 5))
    t /= t.sum(1, keepdims=True)
    loss = L.CrossEntropyLoss()
    val = loss(z, t)
    grad = loss.backward()
    tval, tgrad = torch_value_grad(torch.nn.CrossEntropyLoss(), z, torch.tensor(t))
    assert val == pytest.approx(tval, rel=1e-12)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grad, numeric_grad(lambda v: L.CrossEntropyLoss()(v, t), z),
                               rtol=1e-6, atol=1e-9)
    # one-hot probability targets equal the class-index form
    y = np.array([0, 4, 2, 1])
    assert L.CrossEntropyLoss()(z, np.eye(5)[y]) == pytest.approx(L.CrossEntropyLoss()(z, y), rel=1e-12)


def test_cross_entropy_unbatched_matches_torch():
    z = np.array([10.0, -2.0, 3.0])
    loss = L.CrossEntropyLoss()
    val = loss(z, 0)
    grad = loss.backward()
    assert grad.shape == (3,)
    tval, tgrad = torch_value_grad(torch.nn.CrossEntropyLoss(), z, torch.tensor(0))
    assert val == pytest.approx(tval, rel=1e-12)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-10, atol=1e-15)
    assert L.softmax_cross_entropy(z, 0) == pytest.approx(tval, rel=1e-12)


def test_cross_entropy_huge_logits_stable():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, 1000.0]])
    y = np.array([1, 2, 0])
    loss = L.CrossEntropyLoss(reduction="sum")
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is harmless
        val = loss(z, y)
        grad = loss.backward()
    tval, tgrad = torch_value_grad(torch.nn.CrossEntropyLoss(reduction="sum"), z, torch.tensor(y))
    assert np.isfinite(val) and np.all(np.isfinite(grad))
    assert val == pytest.approx(tval, rel=1e-12)
    assert val == pytest.approx(2000.0 + 0.0 + np.log(3), rel=1e-12)
    np.testing.assert_allclose(grad, tgrad, atol=1e-15)


def test_log_softmax_matches_torch_and_is_stable(rng):
    z = np.concatenate([rng.normal(size=(3, 4)), [[1000.0, -1000.0, 0.0, 999.0]]])
    np.testing.assert_allclose(L.log_softmax(z), torch.log_softmax(torch.tensor(z), dim=1).numpy(),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(L.log_softmax(z.T, dim=0), L.log_softmax(z).T)
    with pytest.raises(ValueError):
        L.log_softmax(3.0)


@pytest.mark.parametrize("bad_target, err", [
    (np.array([0.0, 1.0]), TypeError),          # float class indices
    (np.array([True, False]), TypeError),       # booleans
    (np.array([0, 3]), ValueError),             # out of range (C = 3)
    (np.array([-1, 0]), ValueError),            # negative index
    (np.array([0, 1, 2]), ValueError),          # wrong length
    (np.ones((2, 4)), ValueError),              # probability target of the wrong shape
])
def test_cross_entropy_bad_targets(bad_target, err):
    z = np.zeros((2, 3))
    with pytest.raises(err):
        L.CrossEntropyLoss()(z, bad_target)


def test_cross_entropy_bad_logits_and_misuse():
    with pytest.raises(ValueError):
        L.CrossEntropyLoss()(np.zeros((2, 3, 4)), np.array([0, 1]))
    with pytest.raises(TypeError):
        L.CrossEntropyLoss()(np.array([["a", "b"]]), np.array([0]))
    with pytest.raises(ValueError):
        L.CrossEntropyLoss(reduction="none")
    with pytest.raises(RuntimeError):
        L.CrossEntropyLoss().backward()


# ------------------------------------------------------------------ binary cross-entropy

def test_bce_matches_torch_and_fd(rng):
    p = rng.uniform(0.05, 0.95, size=(4, 3))
    y = rng.integers(0, 2, size=(4, 3)).astype(float)
    y[0, 0] = 0.3  # soft targets are allowed
    loss = L.BCELoss()
    val = loss(p, y)
    grad = loss.backward()
    tval, tgrad = torch_value_grad(torch.nn.BCELoss(), p, torch.tensor(y))
    assert val == pytest.approx(tval, rel=1e-12)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-10)
    np.testing.assert_allclose(grad, numeric_grad(lambda v: L.BCELoss()(v, y), p), rtol=1e-6)


def test_bce_probabilities_exactly_zero_and_one():
    p = np.array([0.0, 1.0, 0.0, 1.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    loss = L.BCELoss(reduction="sum")
    with np.errstate(over="raise", invalid="raise"):
        val = loss(p, y)
        grad = loss.backward()
    tval, tgrad = torch_value_grad(torch.nn.BCELoss(reduction="sum"), p, torch.tensor(y))
    assert val == pytest.approx(200.0) and val == pytest.approx(tval)   # log clamped at -100
    np.testing.assert_allclose(grad, tgrad)
    assert np.all(np.isfinite(grad))


def test_bce_rejects_non_probabilities():
    with pytest.raises(ValueError, match="probabilities"):
        L.BCELoss()(np.array([1.5, 0.2]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="probabilities"):
        L.BCELoss()(np.array([np.nan, 0.2]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="same shape"):
        L.BCELoss()(np.array([0.5, 0.2]), np.array([1.0, 0.0, 1.0]))


def test_bce_with_logits_matches_torch_fd_and_is_stable(rng):
    z = np.concatenate([rng.normal(size=6) * 4, [1000.0, -1000.0, 0.0]])
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1], dtype=float)
    loss = L.BCEWithLogitsLoss()
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        val = loss(z, y)
        grad = loss.backward()
    tval, tgrad = torch_value_grad(torch.nn.BCEWithLogitsLoss(), z, torch.tensor(y))
    assert val == pytest.approx(tval, rel=1e-12)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-10, atol=1e-15)
    zs = z[:6]
    ys = y[:6]
    L.BCEWithLogitsLoss()(zs, ys)
    loss2 = L.BCEWithLogitsLoss()
    loss2(zs, ys)
    np.testing.assert_allclose(loss2.backward(), numeric_grad(lambda v: L.BCEWithLogitsLoss()(v, ys), zs),
                               rtol=1e-6, atol=1e-10)
    # equals BCE on sigmoid outputs where both are accurate
    s = 1 / (1 + np.exp(-zs))
    assert L.BCELoss()(s, ys) == pytest.approx(L.BCEWithLogitsLoss()(zs, ys), rel=1e-10)


# ------------------------------------------------------------------ regression losses

@pytest.mark.parametrize("ours, theirs", [(L.MSELoss, torch.nn.MSELoss), (L.L1Loss, torch.nn.L1Loss)])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_regression_losses_match_torch_and_fd(rng, ours, theirs, reduction):
    x = rng.normal(size=(3, 4))
    y = rng.normal(size=(3, 4))
    loss = ours(reduction=reduction)
    val = loss(x, y)
    grad = loss.backward()
    tval, tgrad = torch_value_grad(theirs(reduction=reduction), x, torch.tensor(y))
    assert val == pytest.approx(tval, rel=1e-12)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-12)
    np.testing.assert_allclose(grad, numeric_grad(lambda v: ours(reduction=reduction)(v, y), x),
                               rtol=1e-6, atol=1e-9)


def test_lecture_000_mse_mae_example():
    y1 = np.array([1.0, 3.0, 5.0, 7.0])
    y2 = np.array([2.0, 4.0, 6.0, 8.0])
    assert L.MSELoss()(y1, y2) == 1.0
    assert L.L1Loss()(y1, y2) == 1.0
    assert L.MSELoss(reduction="sum")(y1, y2) == 4.0


def test_l1_gradient_zero_at_tie():
    loss = L.L1Loss()
    loss(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
    np.testing.assert_array_equal(loss.backward(), [0.0, -0.5])


def test_regression_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        L.MSELoss()(np.zeros(3), np.zeros((3, 1)))


# ------------------------------------------------------------------ hinge / SVM loss

@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_multi_margin_matches_torch_and_fd(rng, p, margin):
    s = rng.normal(size=(6, 4))
    y = rng.integers(0, 4, size=6)
    loss = L.MultiMarginLoss(p=p, margin=margin)
    val = loss(s, y)
    grad = loss.backward()
    tval, tgrad = torch_value_grad(torch.nn.MultiMarginLoss(p=p, margin=margin), s, torch.tensor(y))
    assert val > 0
    assert val == pytest.approx(tval, rel=1e-12)
    np.testing.assert_allclose(grad, tgrad, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(grad, numeric_grad(lambda v: L.MultiMarginLoss(p=p, margin=margin)(v, y), s),
                               rtol=1e-6, atol=1e-9)


def test_svm_loss_lecture_002_scores():
    # the CS231n / lecture convention sums over j != y without dividing by C
    scores = np.array([[10.0, -2.0, 3.0], [10.0, 9.0, 9.0], [10.0, -100.0, -100.0]])
    per = [L.svm_loss(s, 0) for s in scores]
    np.testing.assert_allclose(per, [0.0, 0.0, 0.0])
    assert L.svm_loss(np.array([10.0, 9.0, 9.0]), 1) == pytest.approx(3.0)  # 2 + 1
    s = np.array([[3.0, 5.0, -1.0], [1.0, 1.0, 1.0]])
    y = np.array([0, 2])
    torch_val = torch.nn.MultiMarginLoss()(torch.tensor(s), torch.tensor(y)).item()
    assert L.svm_loss(s, y) == pytest.approx(torch_val * 3)
    loss = L.MultiMarginLoss(normalize=False)
    assert loss(s, y) == pytest.approx(torch_val * 3)
    np.testing.assert_allclose(loss.backward(), numeric_grad(lambda v: L.svm_loss(v, y), s), atol=1e-8)


def test_multi_margin_tie_at_margin_has_zero_gradient():
    # s_j - s_y + 1 == 0 exactly: loss term 0 and (as in torch) gradient 0
    s = np.array([[2.0, 1.0, -5.0]])
    y = np.array([0])
    loss = L.MultiMarginLoss()
    assert loss(s, y) == 0.0
    _, tgrad = torch_value_grad(torch.nn.MultiMarginLoss(), s, torch.tensor(y))
    np.testing.assert_array_equal(loss.backward(), tgrad)


def test_multi_margin_bad_input():
    with pytest.raises(ValueError):
        L.MultiMarginLoss(p=3)
    with pytest.raises(TypeError):
        L.MultiMarginLoss()(np.zeros((2, 3)), np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError):
        L.MultiMarginLoss()(np.zeros((2, 3)), np.array([0, 5]))


# ------------------------------------------------------------------ information theory

def test_entropy_cross_entropy_kl_identity(rng):
    p = rng.random(size=(5, 4))
    p /= p.sum(1, keepdims=True)
    q = rng.random(size=(5, 4))
    q /= q.sum(1, keepdims=True)
    h, hpq, kl = L.entropy(p), L.cross_entropy(p, q), L.kl_divergence(p, q)
    np.testing.assert_allclose(hpq, h + kl, rtol=1e-12)
    assert np.all(kl > 0)
    np.testing.assert_allclose(L.kl_divergence(p, p), 0.0, atol=1e-15)
    # torch: KLDivLoss(input=log q, target=p), sum per row
    tkl = torch.nn.functional.kl_div(torch.tensor(np.log(q)), torch.tensor(p), reduction="none").sum(1)
    np.testing.assert_allclose(kl, tkl.numpy(), rtol=1e-12)
    tent = torch.distributions.Categorical(probs=torch.tensor(p)).entropy()
    np.testing.assert_allclose(h, tent.numpy(), rtol=1e-12)
    # cross-entropy with probability targets equals CrossEntropyLoss on log q
    assert L.CrossEntropyLoss(reduction="sum")(np.log(q), p) == pytest.approx(hpq.sum(), rel=1e-12)


def test_information_quantities_known_values():
    assert L.entropy([0.5, 0.5]) == pytest.approx(np.log(2))
    assert L.entropy([0.5, 0.5], base=2) == pytest.approx(1.0)
    assert L.entropy([1.0, 0.0, 0.0]) == 0.0                  # 0 log 0 = 0
    assert L.entropy(np.full(4, 0.25), base=2) == pytest.approx(2.0)
    assert L.cross_entropy([0.0, 1.0, 0.0], [0.2, 0.7, 0.1]) == pytest.approx(-np.log(0.7))
    assert L.kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert L.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(np.log(2))


def test_information_bad_input():
    with pytest.raises(ValueError, match="sum to 1"):
        L.entropy([0.5, 0.6])
    with pytest.raises(ValueError, match="non-negative"):
        L.entropy([1.5, -0.5])
    with pytest.raises(ValueError, match="same shape"):
        L.kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError):
        L.entropy([0.5, 0.5], base=1)


def test_dim_out_of_range_raises():
    with pytest.raises(ValueError, match="out of range"):
        L.log_softmax(np.zeros((2, 3)), dim=2)
    with pytest.raises(ValueError, match="out of range"):
        L.entropy(np.full((2, 3), 1 / 3), dim=-3)
