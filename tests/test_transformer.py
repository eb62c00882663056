"""Transformer pieces: positional encoding and FFN (numpy), and the torch blocks, GPT and ViT."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from twin import check_twin

from dlnotes.models.transformer import (
    EncoderBlock,
    FeedForward,
    SelfAttention,
    TokenTransformer,
    ViT,
    attention_maps,
    gpt,
)
from dlnotes.scratch.transformer import PositionwiseFeedForward, positional_encoding


def test_positional_encoding_values():
    pe = positional_encoding(50, 16)
    assert pe.shape == (50, 16)
    np.testing.assert_allclose(pe[0, 0::2], 0)
    np.testing.assert_allclose(pe[0, 1::2], 1)
    np.testing.assert_allclose(pe[3, 0], np.sin(3))
    np.testing.assert_allclose(pe[7, 5], np.cos(7 / 10000 ** (4 / 16)))
    assert np.all(np.abs(pe) <= 1)
    with pytest.raises(ValueError, match="even"):
        positional_encoding(5, 3)


@given(k=st.integers(0, 20))
def test_property_positional_encoding_shift_is_a_rotation(k):
    # PE[pos + k] is a fixed linear map (rotations of each sin/cos pair) of PE[pos]
    pe = positional_encoding(40, 8)
    freq = 10000 ** (-np.arange(0, 8, 2) / 8)
    c, s = np.cos(k * freq), np.sin(k * freq)
    sin, cos = pe[:20, 0::2], pe[:20, 1::2]
    np.testing.assert_allclose(pe[k:k + 20, 0::2], sin * c + cos * s, atol=1e-12)
    np.testing.assert_allclose(pe[k:k + 20, 1::2], cos * c - sin * s, atol=1e-12)


def test_feedforward_twin():
    torch.manual_seed(0)
    check_twin(PositionwiseFeedForward(6, 10, rng=0, dtype=np.float64), FeedForward(6, 10), (2, 3, 6))


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("mask", ["none", "padding", "causal"])
def test_encoder_block_equals_torch_encoder_layer(norm_first, mask):
    torch.manual_seed(0)
    ref = torch.nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True,
                                           norm_first=norm_first).double()
    mine = EncoderBlock(16, 4, 32, norm_first=norm_first).double()
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(3, 5, 16, dtype=torch.float64, requires_grad=True)
    x2 = x.detach().clone().requires_grad_(True)
    kw = {}
    if mask == "padding":
        kw["src_key_padding_mask"] = torch.tensor([[False] * 5, [False] * 3 + [True] * 2,
                                                   [False] * 4 + [True]])
    elif mask == "causal":
        kw["src_mask"] = torch.ones(5, 5, dtype=torch.bool).triu(1)
    out, out_ref = mine(x, **kw), ref(x2, **kw)
    torch.testing.assert_close(out, out_ref, rtol=1e-10, atol=1e-12)
    g = torch.randn_like(out)
    (out * g).sum().backward()
    (out_ref * g).sum().backward()
    torch.testing.assert_close(x.grad, x2.grad, rtol=1e-10, atol=1e-12)
    ref_params = dict(ref.named_parameters())
    for name, p in mine.named_parameters():
        torch.testing.assert_close(p.grad, ref_params[name].grad, rtol=1e-10, atol=1e-12, msg=name)


def test_self_attention_kept_weights_equal_torch():
    torch.manual_seed(0)
    ref = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    mine = SelfAttention(8, 2)
    mine.load_state_dict(ref.state_dict())
    x = torch.randn(2, 4, 8)
    mine.keep_weights = True
    out = mine(x, is_causal=True)
    ref_out, ref_w = ref(x, x, x, attn_mask=torch.ones(4, 4, dtype=torch.bool).triu(1),
                         average_attn_weights=False)
    torch.testing.assert_close(out, ref_out)
    torch.testing.assert_close(mine.weights, ref_w)
    with pytest.raises(ValueError, match="divisible"):
        SelfAttention(10, 3)


def test_gpt_is_causal_and_shapes():
    torch.manual_seed(0)
    model = gpt(30, d_model=32, nhead=4, num_layers=2, max_len=16)
    x = torch.randint(0, 30, (2, 12))
    y = model(x)
    assert y.shape == (2, 12, 30)
    x2 = x.clone()
    x2[:, 8:] = (x2[:, 8:] + 1) % 30  # changing the future does not change the past
    torch.testing.assert_close(model(x2)[:, :8], y[:, :8])
    with pytest.raises(ValueError, match="max_len"):
        model(torch.zeros(1, 17, dtype=torch.long))
    enc = TokenTransformer(30, 32, 4, 1, 16, causal=False, positions="sinusoidal")
    maps = attention_maps(enc, x)
    assert len(maps) == 1 and maps[0].shape == (2, 4, 12, 12)
    torch.testing.assert_close(maps[0].sum(-1), torch.ones(2, 4, 12))


def test_without_positions_an_encoder_is_permutation_equivariant():
    torch.manual_seed(0)
    enc = TokenTransformer(10, 16, 2, 2, 8, causal=False, positions="none").eval()
    x = torch.randint(0, 10, (1, 8))
    perm = torch.randperm(8)
    torch.testing.assert_close(enc(x[:, perm]), enc(x)[:, perm], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("patch", [7, 4])
def test_vit_shapes(patch):
    torch.manual_seed(0)
    model = ViT(patch_size=patch, d_model=32, nhead=2, num_layers=1, dim_feedforward=64)
    assert model(torch.randn(3, 784)).shape == (3, 10)
    maps = attention_maps(model, torch.randn(3, 1, 28, 28))
    assert maps[0].shape == (3, 2, (28 // patch) ** 2 + 1, (28 // patch) ** 2 + 1)
    with pytest.raises(ValueError, match="divide"):
        ViT(patch_size=5)
