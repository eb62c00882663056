"""Transformers in torch, written on ``torch.nn.functional.scaled_dot_product_attention``.

* :class:`SelfAttention`: multi-head self-attention with the parameter names
  of ``torch.nn.MultiheadAttention`` (``in_proj_weight``, ``in_proj_bias``,
  ``out_proj``), so weights copy across; it can keep its attention weights
  for plotting (``keep_weights = True``).
* :class:`FeedForward`: the position-wise feed-forward block.
* :class:`EncoderBlock`: attention + FFN with residual connections and layer
  norm, post-norm (the 2017 paper) or pre-norm; its ``state_dict`` is the
  one of ``torch.nn.TransformerEncoderLayer`` (same names and shapes).
* :class:`TokenTransformer`: token embedding + positional encoding + blocks +
  read-out; causal (a small GPT, :func:`gpt`) or bidirectional (an encoder).
* :class:`ViT`: a small vision Transformer for 28x28 images.
* :func:`attention_maps`: the attention weights of every block for one input.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["SelfAttention", "FeedForward", "EncoderBlock", "SinusoidalPositions", "TokenTransformer", "gpt",
           "ViT", "attention_maps"]


class SelfAttention(nn.Module):
    """Multi-head self-attention: project to Q, K, V with one matrix product, split the heads by a
    reshape, attend with ``F.scaled_dot_product_attention``, merge, project.

    ``forward(x, attn_mask=None, key_padding_mask=None, is_causal=False)``; masks
    as in ``nn.MultiheadAttention`` (boolean True = masked out). With
    ``keep_weights = True`` the weights are computed explicitly and kept in
    ``weights`` ``(B, heads, T, T)`` (for plots; slower).

    Shape: ``(B, T, d_model)`` -> ``(B, T, d_model)``.
    """

    def __init__(self, d_model: int, nhead: int, dropout: float = 0.0, bias: bool = True) -> None:
        super().__init__()
        if d_model % nhead:
            raise ValueError(f"d_model={d_model} must be divisible by nhead={nhead}")
        self.d_model, self.nhead, self.dropout = d_model, nhead, dropout
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model)) if bias else None
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            nn.init.zeros_(self.out_proj.bias)
        self.keep_weights = False
        self.weights: torch.Tensor | None = None

    def forward(self, x, attn_mask=None, key_padding_mask=None, is_causal: bool = False):
        if x.ndim != 3 or x.shape[-1] != self.d_model:
            raise ValueError(f"SelfAttention expects (batch, time, {self.d_model}), got {tuple(x.shape)}")
        b, t, _ = x.shape
        q, k, v = F.linear(x, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)
        q, k, v = (z.view(b, t, self.nhead, -1).transpose(1, 2) for z in (q, k, v))  # (B, h, T, d)
        mask = None  # F.scaled_dot_product_attention: boolean True = may attend
        if is_causal:
            if attn_mask is not None:
                raise ValueError("give either attn_mask or is_causal=True, not both")
            mask = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        elif attn_mask is not None:
            mask = ~attn_mask if attn_mask.dtype == torch.bool else attn_mask
        if key_padding_mask is not None:
            pad = (~key_padding_mask if key_padding_mask.dtype == torch.bool
                   else key_padding_mask)[:, None, None, :]
            if mask is None:
                mask = pad
            elif mask.dtype == torch.bool and pad.dtype == torch.bool:
                mask = mask & pad
            else:
                raise ValueError("mix of boolean and float masks: give both as booleans")
        p_drop = self.dropout if self.training else 0.0
        if self.keep_weights:
            scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
            if mask is not None:
                scores = (scores.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool
                          else scores + mask)
            w = scores.softmax(-1)
            self.weights = w.detach()
            h = F.dropout(w, p_drop) @ v
        else:
            h = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p_drop)
        return self.out_proj(h.transpose(1, 2).reshape(b, t, self.d_model))


class FeedForward(nn.Module):
    """Position-wise feed-forward block ``linear2(dropout(act(linear1(x))))``.

    Shape: ``(*, d_model)`` -> ``(*, d_model)``.
    """

    def __init__(self, d_model: int, dim_feedforward: int, dropout: float = 0.0,
                 activation: str = "relu") -> None:
        super().__init__()
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.activation = {"relu": F.relu, "gelu": F.gelu}[activation]

    def forward(self, x):
        return self.linear2(self.dropout(self.activation(self.linear1(x))))


class EncoderBlock(nn.Module):
    """A Transformer encoder layer (编码器层): self-attention and a position-wise FFN, each in a
    residual connection with layer normalisation.

    Post-norm (``norm_first=False``, the original): ``x = norm1(x + attn(x))``,
    ``x = norm2(x + ffn(x))``. Pre-norm (``norm_first=True``, GPT-2, ViT):
    ``x = x + attn(norm1(x))``, ``x = x + ffn(norm2(x))`` — the residual path
    stays an identity, which trains deep stacks more easily.
    Parameter names equal ``nn.TransformerEncoderLayer``'s (``batch_first=True``).

    Shape: ``(B, T, d_model)`` -> ``(B, T, d_model)``.
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.0,
                 activation: str = "relu", layer_norm_eps: float = 1e-5, norm_first: bool = False) -> None:
        super().__init__()
        self.self_attn = SelfAttention(d_model, nhead, dropout)
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.norm1 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.norm2 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.dropout1, self.dropout2 = nn.Dropout(dropout), nn.Dropout(dropout)
        self.activation = {"relu": F.relu, "gelu": F.gelu}[activation]
        self.norm_first = norm_first

    def _sa(self, x, mask, pad, causal):
        return self.dropout1(self.self_attn(x, attn_mask=mask, key_padding_mask=pad, is_causal=causal))

    def _ff(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def forward(self, x, src_mask=None, src_key_padding_mask=None, is_causal: bool = False):
        if self.norm_first:
            x = x + self._sa(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff(self.norm2(x))
        x = self.norm1(x + self._sa(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff(x))


class SinusoidalPositions(nn.Module):
    """Adds the fixed sinusoidal positional encoding (a buffer, not trained).

    Shape: ``(B, T, d_model)`` -> the same, ``T <= max_len``.
    """

    def __init__(self, max_len: int, d_model: int) -> None:
        super().__init__()
        from ..scratch.transformer import positional_encoding

        self.register_buffer("pe", torch.tensor(positional_encoding(max_len, d_model), dtype=torch.float32))

    def forward(self, x):
        if x.shape[1] > self.pe.shape[0]:
            raise ValueError(f"sequence of length {x.shape[1]} exceeds max_len={self.pe.shape[0]}")
        return x + self.pe[: x.shape[1]].to(x.dtype)


class TokenTransformer(nn.Module):
    """Token embedding + positions + ``num_layers`` pre-norm blocks + layer norm + read-out.

    ``causal=True`` gives a decoder-only language model (a small GPT: position
    ``t`` sees tokens ``0..t``); ``causal=False`` an encoder (every position
    sees all). ``positions`` is ``"sinusoidal"``, ``"learned"`` (an
    ``nn.Embedding`` of positions, as GPT) or ``"none"``.

    Shape: ids ``(B, T)`` int64 -> logits ``(B, T, n_out)`` (``n_out`` defaults to ``vocab_size``).
    """

    def __init__(self, vocab_size: int, d_model: int = 128, nhead: int = 4, num_layers: int = 2,
                 max_len: int = 256, dim_feedforward: int | None = None, dropout: float = 0.0, *,
                 causal: bool = True, positions: str = "sinusoidal", n_out: int | None = None,
                 norm_first: bool = True) -> None:
        super().__init__()
        if positions not in ("sinusoidal", "learned", "none"):
            raise ValueError(f"positions must be 'sinusoidal', 'learned' or 'none', got {positions!r}")
        self.max_len, self.causal, self.positions = max_len, causal, positions
        self.embedding = nn.Embedding(vocab_size, d_model)
        if positions == "sinusoidal":
            self.pos = SinusoidalPositions(max_len, d_model)
        elif positions == "learned":
            self.pos_embedding = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(
            EncoderBlock(d_model, nhead, dim_feedforward or 4 * d_model, dropout, "gelu",
                         norm_first=norm_first)
            for _ in range(num_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, n_out or vocab_size)

    def forward(self, x):
        if x.ndim != 2:
            raise ValueError(f"expected ids of shape (batch, time), got {tuple(x.shape)}")
        if x.shape[1] > self.max_len:
            raise ValueError(f"sequence of length {x.shape[1]} exceeds max_len={self.max_len}")
        h = self.embedding(x)
        if self.positions == "sinusoidal":
            h = self.pos(h)
        elif self.positions == "learned":
            h = h + self.pos_embedding(torch.arange(x.shape[1], device=x.device))
        for block in self.blocks:
            h = block(h, is_causal=self.causal)
        return self.head(self.norm(h))


def gpt(vocab_size: int, d_model: int = 128, nhead: int = 4, num_layers: int = 2, max_len: int = 128,
        dropout: float = 0.0, positions: str = "learned") -> TokenTransformer:
    """A small decoder-only character language model (GPT-style: causal, pre-norm, GELU)."""
    return TokenTransformer(vocab_size, d_model, nhead, num_layers, max_len, dropout=dropout, causal=True,
                            positions=positions)


class ViT(nn.Module):
    """A small vision Transformer: cut the image into ``patch_size`` squares, embed each with one
    linear map (a strided convolution), prepend a learned class token, add learned position
    embeddings, run pre-norm encoder blocks and classify from the class token.

    Shape: ``(B, 784)`` or ``(B, 1, 28, 28)`` -> ``(B, num_classes)``.
    """

    def __init__(self, image_size: int = 28, patch_size: int = 7, in_channels: int = 1, num_classes: int = 10,
                 d_model: int = 64, nhead: int = 4, num_layers: int = 2, dim_feedforward: int = 128,
                 dropout: float = 0.0) -> None:
        super().__init__()
        if image_size % patch_size:
            raise ValueError(f"patch_size={patch_size} must divide image_size={image_size}")
        self.image_size, self.in_channels = image_size, in_channels
        self.n_patches = (image_size // patch_size) ** 2
        self.patch = nn.Conv2d(in_channels, d_model, patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d_model))
        self.pos_embedding = nn.Parameter(torch.randn(1, self.n_patches + 1, d_model) * 0.02)
        self.blocks = nn.ModuleList(EncoderBlock(d_model, nhead, dim_feedforward, dropout, "gelu",
                                                 norm_first=True)
                                    for _ in range(num_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, x):
        x = x.reshape(x.shape[0], self.in_channels, self.image_size, self.image_size)
        h = self.patch(x).flatten(2).transpose(1, 2)                   # (B, patches, d_model)
        h = torch.cat([self.cls_token.expand(h.shape[0], -1, -1), h], dim=1) + self.pos_embedding
        for block in self.blocks:
            h = block(h)
        return self.head(self.norm(h[:, 0]))


def attention_maps(model, x) -> list[torch.Tensor]:
    """The attention weights ``(B, heads, T, T)`` of every :class:`SelfAttention` of ``model`` on input
    ``x`` (evaluation mode, no gradients; the model's mode is restored)."""
    attns = [m for m in model.modules() if isinstance(m, SelfAttention)]
    was = model.training
    model.eval()
    try:
        for m in attns:
            m.keep_weights = True
        with torch.no_grad():
            model(x)
        return [m.weights for m in attns]
    finally:
        for m in attns:
            m.keep_weights = False
        model.train(was)
