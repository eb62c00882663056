"""The written-out δ recursion against torch.autograd (float64) and finite differences."""

import numpy as np
import pytest
import torch

from dlnotes.byhand.backprop import sgd_step, sigmoid_mse_backprop
from dlnotes.gradcheck import gradcheck


def _random_net(rng, sizes):
    ws = [rng.normal(size=(m, n)) for n, m in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(size=m) for m in sizes[1:]]
    return ws, bs


@pytest.mark.parametrize("sizes", [[3, 2, 1], [2, 2, 2], [4, 5, 3, 2], [1, 1]])
def test_matches_torch(sizes):
    rng = np.random.default_rng(len(sizes))
    ws, bs = _random_net(rng, sizes)
    x, t = rng.normal(size=sizes[0]), rng.random(size=sizes[-1])
    tr = sigmoid_mse_backprop(x, ws, bs, t)
    tw = [torch.tensor(w, requires_grad=True) for w in ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]
    a = torch.tensor(x)
    zs = []
    for w, b in zip(tw, tb):
        z = w @ a + b
        z.retain_grad()
        zs.append(z)
        a = torch.sigmoid(z)
    loss = 0.5 * ((torch.tensor(t) - a) ** 2).sum()
    loss.backward()
    assert tr.loss == pytest.approx(loss.item(), rel=1e-12)
    for l in range(1, len(sizes)):
        np.testing.assert_allclose(tr.delta[l], zs[l - 1].grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(tr.grad_weights[l - 1], tw[l - 1].grad.numpy(), rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(tr.grad_biases[l - 1], tb[l - 1].grad.numpy(), rtol=1e-10, atol=1e-14)


def test_finite_differences():
    rng = np.random.default_rng(0)
    ws, bs = _random_net(rng, [3, 4, 2])
    x, t = rng.normal(size=3), rng.random(size=2)
    tr = sigmoid_mse_backprop(x, ws, bs, t)
    arrays = {"W1": ws[0], "b1": bs[0], "W2": ws[1], "b2": bs[1]}
    analytic = {"W1": tr.grad_weights[0], "b1": tr.grad_biases[0],
                "W2": tr.grad_weights[1], "b2": tr.grad_biases[1]}
    rep = gradcheck(lambda: sigmoid_mse_backprop(x, ws, bs, t).loss, arrays, analytic)
    assert rep.ok(1e-7), str(rep)


def test_lecture_004_numbers():
    ws = [np.array([[0.15, 0.20], [0.25, 0.30]]), np.array([[0.40, 0.45], [0.50, 0.55]])]
    bs = [np.array([0.35, 0.35]), np.array([0.60, 0.60])]
    tr = sigmoid_mse_backprop([0.05, 0.10], ws, bs, [0.01, 0.99])
    assert tr.loss == pytest.approx(0.298371109, abs=1e-9)
    new = sgd_step(ws, tr.grad_weights, 0.5)
    assert new[1][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert new[0][0, 0] == pytest.approx(0.149780716, abs=1e-9)
    assert ws[1][0, 0] == 0.40  # sgd_step returns new arrays


def test_bad_input():
    with pytest.raises(ValueError, match="one example"):
        sigmoid_mse_backprop(np.ones((2, 3)), [np.ones((1, 3))], [np.ones(1)], [1.0])
    with pytest.raises(ValueError, match="do not fit"):
        sigmoid_mse_backprop(np.ones(3), [np.ones((3, 1))], [np.ones(3)], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="target must have shape"):
        sigmoid_mse_backprop(np.ones(3), [np.ones((1, 3))], [np.ones(1)], [1.0, 2.0])
    with pytest.raises(ValueError, match="one bias vector"):
        sigmoid_mse_backprop(np.ones(3), [np.ones((1, 3))], [], [1.0])
