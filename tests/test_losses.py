"""Scratch losses vs torch (float64, values and autograd gradients) and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from twin import check_twin

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


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# (scratch loss, torch loss, prediction, target) for every loss with a torch twin
def _cases():
    r = np.random.default_rng(1)
    probs = r.random((4, 5))
    return {
        "cross_entropy": (L.CrossEntropyLoss, torch.nn.CrossEntropyLoss, r.normal(size=(6, 4)) * 3,
                          r.integers(0, 4, size=6)),
        "cross_entropy_prob": (L.CrossEntropyLoss, torch.nn.CrossEntropyLoss, r.normal(size=(4, 5)),
                               probs / probs.sum(1, keepdims=True)),
        "bce": (L.BCELoss, torch.nn.BCELoss, r.uniform(0.05, 0.95, size=(4, 3)), r.random((4, 3))),
        "bce_with_logits": (L.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss, r.normal(size=(2, 3, 4)) * 4,
                            r.integers(0, 2, size=(2, 3, 4)).astype(float)),
        "mse": (L.MSELoss, torch.nn.MSELoss, r.normal(size=(3, 4)), r.normal(size=(3, 4))),
        "l1": (L.L1Loss, torch.nn.L1Loss, r.normal(size=(2, 3, 2)), r.normal(size=(2, 3, 2))),
        "multi_margin": (L.MultiMarginLoss, torch.nn.MultiMarginLoss, r.normal(size=(6, 4)),
                         r.integers(0, 4, size=6)),
    }


CASES = _cases()


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_loss_matches_torch_and_fd(name, reduction):
    ours, theirs, x, t = CASES[name]
    r = check_twin(ours(reduction=reduction), theirs(reduction=reduction), x, target=t)
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)
    assert r.input_grads[0].shape == x.shape


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_loss_called_twice_before_backward(name):
    """loss(a, t) + loss(b, t) with one loss object: two backwards, newest call first."""
    ours, theirs, x, t = CASES[name]
    x2 = np.clip(x[::-1] * 0.9, 0.01, 0.99) if name == "bce" else x[::-1] * 0.9
    check_twin(ours(), theirs(), x, x2, target=t, calls=2)


# ------------------------------------------------------------------ cross-entropy

@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_matches_torch(rng, reduction):
    z = rng.normal(size=(6, 4)) * 3
    y = rng.integers(0, 4, size=6)
    r = check_twin(L.CrossEntropyLoss(reduction=reduction), torch.nn.CrossEntropyLoss(reduction=reduction),
                   z, target=y, rtol=1e-10, atol=1e-14)
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)
    # the backward is (softmax - one_hot) / N
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    expected = p - np.eye(4)[y]
    if reduction == "mean":
        expected /= 6
    np.testing.assert_allclose(r.input_grads[0], expected, rtol=1e-10)


def test_cross_entropy_probability_targets(rng):
    z = rng.normal(size=(4, 5))
    t = rng.random(size=(4, 5))
    t /= t.sum(1, keepdims=True)
    r = check_twin(L.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), z, target=t, rtol=1e-10, atol=1e-14)
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)
    # one-hot probability targets equal the class-index form
    y = np.array([0, 4, 2, 1])
    assert L.CrossEntropyLoss()(z, np.eye(5)[y]) == pytest.approx(L.CrossEntropyLoss()(z, y), rel=1e-12)


def test_cross_entropy_unbatched_matches_torch():
    z = np.array([10.0, -2.0, 3.0])
    r = check_twin(L.CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), z, target=0, rtol=1e-10, atol=1e-15)
    assert r.input_grads[0].shape == (3,)
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)
    assert L.softmax_cross_entropy(z, 0) == pytest.approx(r.torch_out, rel=1e-12)


def test_cross_entropy_huge_logits_stable():
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [1000.0, 1000.0, 1000.0]])
    y = np.array([1, 2, 0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is harmless
        # no finite differences: a loss of 2000 leaves them ~1e-7 of rounding noise
        r = check_twin(L.CrossEntropyLoss(reduction="sum"), torch.nn.CrossEntropyLoss(reduction="sum"),
                       z, target=y, rtol=0, atol=1e-15, fd=False)
    assert np.isfinite(r.out) and np.all(np.isfinite(r.input_grads[0]))
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)
    assert r.out == pytest.approx(2000.0 + 0.0 + np.log(3), rel=1e-12)


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
    with pytest.raises(RuntimeError, match="CrossEntropyLoss.backward called without a matching forward"):
        L.CrossEntropyLoss().backward()
    loss = L.CrossEntropyLoss()
    loss(np.zeros((2, 3)), np.array([0, 1]))
    loss.backward()
    with pytest.raises(RuntimeError, match="without a matching forward"):
        loss.backward()  # one backward per forward
    with pytest.raises(ValueError, match="empty batch"):
        L.MSELoss()(np.zeros((0, 3)), np.zeros((0, 3)))


# ------------------------------------------------------------------ binary cross-entropy

def test_bce_matches_torch_and_fd(rng):
    p = rng.uniform(0.05, 0.95, size=(4, 3))
    y = rng.integers(0, 2, size=(4, 3)).astype(float)
    y[0, 0] = 0.3  # soft targets are allowed
    r = check_twin(L.BCELoss(), torch.nn.BCELoss(), p, target=y, rtol=1e-10, atol=0)
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)


def test_bce_probabilities_exactly_zero_and_one():
    p = np.array([0.0, 1.0, 0.0, 1.0])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    with np.errstate(over="raise", invalid="raise"):
        r = check_twin(L.BCELoss(reduction="sum"), torch.nn.BCELoss(reduction="sum"), p, target=y,
                       rtol=1e-7, atol=0, fd=False)  # the log is clamped there: no finite differences
    assert r.out == pytest.approx(200.0) and r.out == pytest.approx(r.torch_out)   # log clamped at -100
    assert np.all(np.isfinite(r.input_grads[0]))


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
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        r = check_twin(L.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss(), z, target=y,
                       rtol=1e-10, atol=1e-15, fd=False)
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)
    zs, ys = z[:6], y[:6]
    check_twin(L.BCEWithLogitsLoss(), torch.nn.BCEWithLogitsLoss(), zs, target=ys)  # with finite differences
    # equals BCE on sigmoid outputs where both are accurate
    s = 1 / (1 + np.exp(-zs))
    assert L.BCELoss()(s, ys) == pytest.approx(L.BCEWithLogitsLoss()(zs, ys), rel=1e-10)


# ------------------------------------------------------------------ regression losses

@pytest.mark.parametrize("ours, theirs", [(L.MSELoss, torch.nn.MSELoss), (L.L1Loss, torch.nn.L1Loss)])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_regression_losses_match_torch_and_fd(rng, ours, theirs, reduction):
    x = rng.normal(size=(3, 4))
    y = rng.normal(size=(3, 4))
    r = check_twin(ours(reduction=reduction), theirs(reduction=reduction), x, target=y, rtol=1e-12, atol=0)
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)


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
    check_twin(L.L1Loss(), torch.nn.L1Loss(), [1.0, 2.0], target=np.array([1.0, 3.0]),
               rtol=0, atol=0, fd=False)


def test_regression_shape_mismatch():
    with pytest.raises(ValueError, match="same shape"):
        L.MSELoss()(np.zeros(3), np.zeros((3, 1)))


# ------------------------------------------------------------------ hinge / SVM loss

@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_multi_margin_matches_torch_and_fd(rng, p, margin):
    s = rng.normal(size=(6, 4))
    y = rng.integers(0, 4, size=6)
    r = check_twin(L.MultiMarginLoss(p=p, margin=margin), torch.nn.MultiMarginLoss(p=p, margin=margin),
                   s, target=y, rtol=1e-10, atol=1e-15)
    assert r.out > 0
    assert r.out == pytest.approx(r.torch_out, rel=1e-12)


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
    r = check_twin(L.MultiMarginLoss(), torch.nn.MultiMarginLoss(), s, target=np.array([0]),
                   rtol=0, atol=0, fd=False)
    assert r.out == 0.0
    np.testing.assert_array_equal(r.input_grads[0], 0.0)


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


# ------------------------------------------------------------------ property-based (hypothesis)

FINITE = dict(allow_nan=False, allow_infinity=False)
# ordinary scores, ties on a grid of halves (hinge terms exactly at the margin), huge magnitudes
SCORE = st.one_of(st.floats(-20.0, 20.0, **FINITE), st.integers(-4, 4).map(lambda k: k / 2),
                  st.sampled_from([1e3, -1e3, 1e6, -1e6]))
SHAPES = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)  # size-1 and leading dims
REDUCTION = st.sampled_from(["mean", "sum"])


@given(n=st.integers(1, 4), c=st.integers(1, 5), reduction=REDUCTION, probs=st.booleans(), data=st.data())
def test_property_cross_entropy(n, c, reduction, probs, data):
    z = data.draw(hnp.arrays(np.float64, (n, c), elements=SCORE), label="logits")
    if probs:
        t = data.draw(hnp.arrays(np.float64, (n, c), elements=st.floats(0.0, 1.0)), label="target")
    else:
        t = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)), label="target")
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        check_twin(L.CrossEntropyLoss(reduction=reduction), torch.nn.CrossEntropyLoss(reduction=reduction),
                   z, target=t, fd=False)


@given(n=st.integers(1, 4), c=st.integers(1, 5), p=st.sampled_from([1, 2]),
       margin=st.sampled_from([1.0, 0.5, 0.0]), reduction=REDUCTION, data=st.data())
def test_property_multi_margin(n, c, p, margin, reduction, data):
    s = data.draw(hnp.arrays(np.float64, (n, c), elements=SCORE), label="scores")
    y = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, c - 1)), label="target")
    check_twin(L.MultiMarginLoss(p=p, margin=margin, reduction=reduction),
               torch.nn.MultiMarginLoss(p=p, margin=margin, reduction=reduction), s, target=y, fd=False)


@pytest.mark.parametrize("ours, theirs", [(L.MSELoss, torch.nn.MSELoss), (L.L1Loss, torch.nn.L1Loss),
                                          (L.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss)])
@given(shape=SHAPES, reduction=REDUCTION, data=st.data())
def test_property_elementwise_losses(ours, theirs, shape, reduction, data):
    x = data.draw(hnp.arrays(np.float64, shape, elements=SCORE), label="prediction")
    y = data.draw(hnp.arrays(np.float64, shape, elements=SCORE), label="target")
    tie = data.draw(hnp.arrays(bool, shape), label="tie")
    y[tie] = x[tie]  # exact ties: the kink of L1
    if ours is L.BCEWithLogitsLoss:
        y = np.clip(y, 0.0, 1.0)  # a target in [0, 1]
    check_twin(ours(reduction=reduction), theirs(reduction=reduction), x, target=y, fd=False)


@given(shape=SHAPES, reduction=REDUCTION, data=st.data())
def test_property_bce(shape, reduction, data):
    prob = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 1.0, 1e-300, 1 - 1e-16]))
    p = data.draw(hnp.arrays(np.float64, shape, elements=prob), label="prediction")
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)), label="target")
    check_twin(L.BCELoss(reduction=reduction), torch.nn.BCELoss(reduction=reduction), p, target=y, fd=False)


@pytest.mark.parametrize("ours", [L.MSELoss, L.L1Loss, L.BCEWithLogitsLoss, L.CrossEntropyLoss])
@given(shape=hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=4), reduction=REDUCTION,
       data=st.data())
def test_property_losses_pass_finite_differences(ours, shape, reduction, data):
    """Away from kinks and with hard targets, so that no gradient is tiny next to the loss
    (finite differences would drown in rounding there, as hypothesis showed with soft targets)."""
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-5.0, 5.0, **FINITE)), label="prediction")
    if ours is L.CrossEntropyLoss:
        y = data.draw(hnp.arrays(np.int64, shape[0], elements=st.integers(0, shape[1] - 1)), label="target")
    elif ours is L.BCEWithLogitsLoss:
        y = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])), label="target")
    else:  # |x - y| >= 0.1: away from the kink of L1 and from MSE's vanishing gradient
        gap = data.draw(hnp.arrays(np.float64, shape, elements=st.one_of(st.floats(0.1, 3.0),
                                                                         st.floats(-3.0, -0.1))))
        y = x + gap
    check_twin(ours(reduction=reduction), getattr(torch.nn, ours.__name__)(reduction=reduction), x, target=y)


# ------------------------------------------------------------------ label smoothing (chapter 7)

@pytest.mark.parametrize("eps", [0.1, 0.3, 1.0])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_label_smoothing_matches_torch(rng, eps, reduction):
    z = rng.normal(size=(6, 4)) * 3
    y = rng.integers(0, 4, size=6)
    check_twin(L.CrossEntropyLoss(reduction=reduction, label_smoothing=eps),
               torch.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=eps), z, target=y)
    t = rng.random((6, 4))
    t /= t.sum(1, keepdims=True)
    check_twin(L.CrossEntropyLoss(reduction=reduction, label_smoothing=eps),
               torch.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=eps), z, target=t)


def test_label_smoothing_is_cross_entropy_with_the_mixed_target(rng):
    z, y, eps = rng.normal(size=(5, 3)), np.array([0, 1, 2, 2, 1]), 0.2
    mixed = (1 - eps) * np.eye(3)[y] + eps / 3
    smoothed = L.CrossEntropyLoss(label_smoothing=eps)(z, y)
    assert smoothed == pytest.approx(L.CrossEntropyLoss()(z, mixed), rel=1e-12)
    check_twin(L.CrossEntropyLoss(label_smoothing=eps), torch.nn.CrossEntropyLoss(label_smoothing=eps),
               z, z[::-1] * 0.5, target=y, calls=2)
    with pytest.raises(ValueError, match="label_smoothing must be in"):
        L.CrossEntropyLoss(label_smoothing=1.5)


@given(z=hnp.arrays(np.float64, (4, 3), elements=st.floats(-20, 20)), eps=st.floats(0, 1))
def test_property_label_smoothing_loss_is_at_least_the_mixed_target_entropy(z, eps):
    """H(q, p) >= H(q): the smoothed loss never drops below the entropy of its target."""
    y = np.array([0, 1, 2, 0])
    q = (1 - eps) * np.eye(3)[y] + eps / 3
    assert L.CrossEntropyLoss(label_smoothing=eps)(z, y) >= L.entropy(q).mean() - 1e-9
