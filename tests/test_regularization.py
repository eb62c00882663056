"""Weight-decay parameter groups, torch penalties, and Adam + L2 vs AdamW."""

from __future__ import annotations

import pytest
import torch

from dlnotes.models import mlp
from dlnotes.regularization import PenalizedLoss, decay_split, l2_penalty, param_groups


def test_param_groups_leave_out_biases_and_norms():
    model = mlp([4, 8, 3], batchnorm=True)
    decay, no_decay = decay_split(model)
    assert [tuple(p.shape) for p in decay] == [(8, 4), (3, 8)]
    assert len(no_decay) == 4  # two biases, the norm's weight and bias
    groups = param_groups(model, 0.1)
    assert [g["weight_decay"] for g in groups] == [0.1, 0.0]
    assert sum(len(g["params"]) for g in groups) == len(list(model.parameters()))
    with pytest.raises(ValueError, match="weight_decay must be >= 0"):
        param_groups(model, -1)


def test_sgd_weight_decay_is_the_l2_penalty_gradient():
    torch.manual_seed(0)
    a = mlp([3, 5, 2]).double()
    b = mlp([3, 5, 2]).double()
    b.load_state_dict(a.state_dict())
    x, y = torch.randn(6, 3, dtype=torch.float64), torch.tensor([0, 1, 0, 1, 1, 0])
    opt_a = torch.optim.SGD(param_groups(a, 0.2), lr=0.3)
    opt_b = torch.optim.SGD(b.parameters(), lr=0.3)
    torch.nn.functional.cross_entropy(a(x), y).backward()
    (torch.nn.functional.cross_entropy(b(x), y) + l2_penalty(b, 0.2)).backward()
    opt_a.step()
    opt_b.step()
    for pa, pb in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(pa, pb, rtol=1e-12, atol=1e-14)


def test_adam_l2_differs_from_adamw_which_decays_decoupled():
    """AdamW: w <- w - lr*wd*w - lr*adam(grad); Adam(weight_decay) puts wd*w into the adaptive step."""
    torch.manual_seed(0)
    w0 = torch.randn(5, dtype=torch.float64)
    grad = torch.randn(5, dtype=torch.float64)
    lr, wd = 0.1, 0.5
    results = {}
    for name, cls in (("adam", torch.optim.Adam), ("adamw", torch.optim.AdamW)):
        w = w0.clone().requires_grad_(True)
        opt = cls([w], lr=lr, weight_decay=wd)
        w.grad = grad.clone()
        opt.step()
        results[name] = w.detach()
    # one Adam step moves every weight by about lr * sign(g) (bias-corrected m / sqrt(v))
    plain = lambda g: g / (g.abs() + 1e-8)  # noqa: E731 - the first Adam step
    torch.testing.assert_close(results["adamw"], w0 * (1 - lr * wd) - lr * plain(grad))
    torch.testing.assert_close(results["adam"], w0 - lr * plain(grad + wd * w0))
    assert not torch.allclose(results["adam"], results["adamw"])


def test_penalized_loss_adds_the_penalty_only_in_training():
    model = mlp([3, 4, 2])
    x, y = torch.randn(5, 3), torch.tensor([0, 1, 1, 0, 1])
    plain = torch.nn.functional.cross_entropy(model(x), y)
    loss = PenalizedLoss(model, l1=0.01, l2=0.1)
    assert loss(model(x), y).item() > plain.item()
    model.eval()
    assert loss(model(x), y).item() == pytest.approx(plain.item())
    with pytest.raises(ValueError, match=">= 0"):
        PenalizedLoss(model, l1=-1)


def test_embeddings_false_keeps_the_embedding_table_out_of_the_decay():
    from dlnotes.models.rnn import CharRNN

    model = CharRNN(11, 6, cell="lstm", embedding_dim=5)
    with_emb, _ = decay_split(model)
    decay, no_decay = decay_split(model, embeddings=False)
    assert any(p is model.embedding.weight for p in with_emb)
    assert not any(p is model.embedding.weight for p in decay)
    assert any(p is model.embedding.weight for p in no_decay)
    assert {tuple(p.shape) for p in decay} == {(24, 5), (24, 6), (11, 6)}  # weight_ih, weight_hh, head
    groups = param_groups(model, 0.3, embeddings=False)
    assert [len(g["params"]) for g in groups] == [3, 4]
