"""Numpy attention (``dlnotes.scratch.attention``) against torch in float64, values and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from twin import check_twin

from dlnotes.gradcheck import gradcheck
from dlnotes.scratch.attention import (
    MultiheadAttention,
    attention_backward,
    causal_mask,
    scaled_dot_product_attention,
)
from dlnotes.scratch.base import no_grad
from dlnotes.scratch.convert import from_torch


def _sdpa_both(q, k, v, **mask):
    """Numpy output and gradients vs torch's for the same upstream gradient."""
    out, p = scaled_dot_product_attention(q, k, v, return_weights=True, **mask)
    g = np.random.default_rng(1).normal(size=out.shape)
    ts = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    tmask = {key: torch.tensor(val) if isinstance(val, np.ndarray) else val for key, val in mask.items()}
    t_out = F.scaled_dot_product_attention(*ts, **tmask)
    (t_out * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    grads = attention_backward(g, q, k, v, p)
    for mine, t in zip(grads, ts):
        np.testing.assert_allclose(mine, t.grad.numpy(), rtol=1e-10, atol=1e-12)
    # finite differences of the same scalar
    arrays = {"q": q, "k": k, "v": v}
    report = gradcheck(lambda: float((scaled_dot_product_attention(q, k, v, **mask) * g).sum()),
                       arrays, dict(zip(arrays, grads)))
    assert report.ok(), str(report)
    return out, p


@pytest.mark.parametrize("mask", [
    {},
    {"is_causal": True},
    {"attn_mask": np.random.default_rng(2).random((5, 7)) > 0.3},
    {"attn_mask": np.random.default_rng(3).normal(size=(2, 1, 5, 7))},
])
def test_sdpa_matches_torch_with_masks(mask):
    gen = np.random.default_rng(0)
    q, k, v = gen.normal(size=(2, 3, 5, 4)), gen.normal(size=(2, 3, 7, 4)), gen.normal(size=(2, 3, 7, 6))
    if "attn_mask" in mask and mask["attn_mask"].dtype == bool:
        mask["attn_mask"][:, 0] = True  # every query keeps at least one key
    _, p = _sdpa_both(q, k, v, **mask)
    np.testing.assert_allclose(p.sum(-1), 1.0)


def test_causal_weights_are_lower_triangular():
    gen = np.random.default_rng(0)
    x = gen.normal(size=(4, 6, 8))
    _, p = scaled_dot_product_attention(x, x, x, is_causal=True, return_weights=True)
    assert np.all(np.triu(p, 1) == 0)
    np.testing.assert_array_equal(causal_mask(3), [[1, 0, 0], [1, 1, 0], [1, 1, 1]])


class SelfMHA(torch.nn.MultiheadAttention):
    """torch's MultiheadAttention called as self-attention with fixed masks (for check_twin)."""

    def __init__(self, e, h, key_padding_mask=None, attn_mask=None, **kw):
        super().__init__(e, h, batch_first=True, **kw)
        self.kpm, self.am = key_padding_mask, attn_mask

    def forward(self, x):
        return super().forward(x, x, x, key_padding_mask=self.kpm, attn_mask=self.am, need_weights=False)[0]


class SelfMHANumpy(MultiheadAttention):
    def __init__(self, e, h, key_padding_mask=None, attn_mask=None, is_causal=False, **kw):
        super().__init__(e, h, rng=0, dtype=np.float64, **kw)
        self.kpm, self.am, self.causal = key_padding_mask, attn_mask, is_causal

    def forward(self, x):
        return super().forward(x, key_padding_mask=self.kpm, attn_mask=self.am, is_causal=self.causal)


PAD = np.array([[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]])


@pytest.mark.parametrize("case", ["plain", "padding", "causal", "float_mask", "per_head_mask", "no_bias"])
def test_multihead_self_attention_twin(case):
    torch.manual_seed(0)
    kw, tkw = {}, {}
    causal = np.triu(np.ones((5, 5), dtype=bool), 1)  # torch MHA: True = masked out
    if case == "padding":
        kw = {"key_padding_mask": PAD}
        tkw = {"key_padding_mask": torch.tensor(PAD)}
    elif case == "causal":
        kw = {"is_causal": True}
        tkw = {"attn_mask": torch.tensor(causal)}
    elif case == "float_mask":
        m = np.random.default_rng(4).normal(size=(5, 5))
        kw, tkw = {"attn_mask": m}, {"attn_mask": torch.tensor(m)}
    elif case == "per_head_mask":
        m = np.random.default_rng(5).random((3 * 2, 5, 5)) > 0.5
        m[..., 0] = False
        kw, tkw = {"attn_mask": m}, {"attn_mask": torch.tensor(m)}
    elif case == "no_bias":
        kw, tkw = {"bias": False}, {"bias": False}
    res = check_twin(SelfMHANumpy(8, 2, **kw), SelfMHA(8, 2, **tkw), (3, 5, 8))
    assert res.out.shape == (3, 5, 8)


def test_multihead_cross_attention_matches_torch():
    torch.manual_seed(0)
    t_mha = torch.nn.MultiheadAttention(8, 4, batch_first=True).double()
    mha = from_torch(t_mha, dtype=np.float64)
    gen = np.random.default_rng(0)
    q, k, v = gen.normal(size=(2, 3, 8)), gen.normal(size=(2, 6, 8)), gen.normal(size=(2, 6, 8))
    pad = np.zeros((2, 6), dtype=bool)
    pad[1, 4:] = True
    out = mha(q, k, v, key_padding_mask=pad)
    ts = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    t_out, t_w = t_mha(*ts, key_padding_mask=torch.tensor(pad), average_attn_weights=False)
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(mha.attn_weights, t_w.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = gen.normal(size=out.shape)
    (t_out * torch.tensor(g)).sum().backward()
    grads = mha.backward(g)
    for mine, t in zip(grads, ts):
        np.testing.assert_allclose(mine, t.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, _, grad in mha.named_parameters():
        np.testing.assert_allclose(grad, dict(t_mha.named_parameters())[name].grad.numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=name)

    def f():
        with no_grad(mha):
            return float((mha(q, k, v, key_padding_mask=pad) * g).sum())

    params = {name: p for name, p, _ in mha.named_parameters()}
    analytic = {"q": grads[0], "k": grads[1], "v": grads[2], **{n: gr for n, _, gr in mha.named_parameters()}}
    assert gradcheck(f, {"q": q, "k": k, "v": v, **params}, analytic).ok()


def test_key_equals_value_returns_two_gradients():
    mha = MultiheadAttention(4, 2, rng=0, dtype=np.float64)
    gen = np.random.default_rng(0)
    q, mem = gen.normal(size=(1, 2, 4)), gen.normal(size=(1, 3, 4))
    out = mha(q, mem)
    dq, dmem = mha.backward(np.ones_like(out))
    assert dq.shape == q.shape and dmem.shape == mem.shape


def test_clear_errors():
    mha = MultiheadAttention(8, 2, rng=0, dtype=np.float64)
    x = np.zeros((2, 3, 8))
    with pytest.raises(ValueError, match="divisible"):
        MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match=r"\(batch, length, 8\)"):
        mha(np.zeros((2, 3, 7)))
    with pytest.raises(ValueError, match="key_padding_mask"):
        mha(x, key_padding_mask=np.zeros((2, 4), dtype=bool))
    with pytest.raises(ValueError, match="attn_mask"):
        mha(x, attn_mask=np.zeros((4, 4), dtype=bool))
    with pytest.raises(ValueError, match="all of its keys masked"):
        mha(x, key_padding_mask=np.ones((2, 3), dtype=bool))
    with pytest.raises(ValueError, match="same last dimension"):
        scaled_dot_product_attention(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="same number of positions"):
        scaled_dot_product_attention(np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="does not broadcast"):
        scaled_dot_product_attention(np.zeros((2, 3)), np.zeros((4, 3)), np.zeros((4, 3)),
                                     attn_mask=np.ones((3, 3), dtype=bool))
    with pytest.raises(ValueError, match="not both"):
        scaled_dot_product_attention(x, x, x, attn_mask=np.ones((3, 3), dtype=bool), is_causal=True)


@given(n=st.integers(1, 5), m=st.integers(1, 5), d=st.integers(1, 6), shift=st.floats(-50, 50))
def test_property_weights_are_distributions_and_shift_invariant(n, m, d, shift):
    gen = np.random.default_rng(n * 31 + m * 7 + d)
    q, k, v = gen.normal(size=(n, d)), gen.normal(size=(m, d)), gen.normal(size=(m, 2))
    out, p = scaled_dot_product_attention(q, k, v, return_weights=True)
    np.testing.assert_allclose(p.sum(-1), 1.0)
    assert np.all(p >= 0)
    # the output is a convex combination of the values
    assert np.all(out <= v.max(0) + 1e-12) and np.all(out >= v.min(0) - 1e-12)
    # adding the same number to every score of a query (a float mask constant per row) changes nothing
    out2 = scaled_dot_product_attention(q, k, v, attn_mask=np.full((n, 1), shift))
    np.testing.assert_allclose(out, out2, atol=1e-10)


@given(perm_seed=st.integers(0, 1000))
def test_property_self_attention_is_permutation_equivariant(perm_seed):
    mha = MultiheadAttention(6, 3, rng=1, dtype=np.float64)
    gen = np.random.default_rng(perm_seed)
    x = gen.normal(size=(1, 5, 6))
    perm = gen.permutation(5)
    with no_grad(mha):
        np.testing.assert_allclose(mha(x[:, perm]), mha(x)[:, perm], atol=1e-12)
