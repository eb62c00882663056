"""Numpy L1 / L2 penalties vs torch autograd and finite differences; L2 equals SGD weight decay."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlnotes.gradcheck import numerical_gradient
from dlnotes.models import mlp as torch_mlp
from dlnotes.regularization import l1_penalty, l2_penalty
from dlnotes.scratch.container import mlp
from dlnotes.scratch.optim import SGD
from dlnotes.scratch.penalties import L1Penalty, L2Penalty


def _twins(seed=0):
    torch.manual_seed(seed)
    tm = torch_mlp([5, 4, 3]).double()
    sm = mlp([5, 4, 3], rng=seed, dtype=np.float64)
    sm.load_state_dict(tm.state_dict())
    return sm, tm


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_penalty_value_and_gradient_match_torch_and_fd(kind):
    sm, tm = _twins()
    ours = (L1Penalty if kind == "l1" else L2Penalty)(0.3)
    theirs = (l1_penalty if kind == "l1" else l2_penalty)(tm, 0.3)
    assert ours(sm) == pytest.approx(theirs.item(), rel=1e-12)
    theirs.backward()
    sm.zero_grad()
    ours.backward(sm)
    grads = {name: g for name, _, g in sm.named_parameters()}
    for name, p in tm.named_parameters():
        if name.endswith("bias"):  # biases are not penalised
            assert grads[name] is None and p.grad is None
        else:
            np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=1e-12)
            w = {n: q for n, q, _ in sm.named_parameters()}[name]
            if kind == "l2":  # smooth: finite differences agree
                np.testing.assert_allclose(numerical_gradient(lambda: ours(sm), w), grads[name], rtol=1e-6)


def test_l2_penalty_step_equals_sgd_weight_decay():
    sm, _ = _twins()
    other, _ = _twins()
    x = np.random.default_rng(0).normal(size=(2, 5))
    for model, wd in ((sm, 0.0), (other, 0.1)):
        model.zero_grad()
        model.backward(np.ones_like(model(x)), input_grad=False)
        if wd == 0.0:
            L2Penalty(0.1, biases=True).backward(model)
        SGD(model, lr=0.5, weight_decay=wd).step()
    for (n, a, _), (_, b, _) in zip(sm.named_parameters(), other.named_parameters()):
        np.testing.assert_allclose(a, b, rtol=1e-12, err_msg=n)


def test_bad_input():
    with pytest.raises(ValueError, match="strength must be >= 0"):
        L2Penalty(-1.0)
    with pytest.raises(TypeError, match="numpy Layer"):
        L1Penalty(0.1)(torch.nn.Linear(2, 2))


@given(lam=st.floats(0, 10), seed=st.integers(0, 100))
def test_property_penalties_are_non_negative_and_scale_linearly(lam, seed):
    sm, _ = _twins(seed)
    for cls in (L1Penalty, L2Penalty):
        assert cls(lam)(sm) >= 0
        assert cls(2 * lam)(sm) == pytest.approx(2 * cls(lam)(sm), rel=1e-12, abs=1e-300)
