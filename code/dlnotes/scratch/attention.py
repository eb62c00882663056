"""Attention in numpy: scaled dot-product attention and ``MultiheadAttention``, forward and backward.

Scaled dot-product attention (缩放点积注意力) of ``n`` queries over ``m``
keys and values::

    S = Q K^T / sqrt(d_k) (+ mask),   P = softmax(S) over the keys,   O = P V

Its backward is four lines of chain rule (``dO`` is the upstream gradient)::

    dV = P^T dO,   dP = dO V^T,   dS = P * (dP - rowsum(dP * P)),
    dQ = dS K / sqrt(d_k),   dK = dS^T Q / sqrt(d_k)

Masks follow torch. In :func:`scaled_dot_product_attention` (like
``torch.nn.functional.scaled_dot_product_attention``) a boolean ``attn_mask``
says which keys a query **may** attend to (True = take part) and a float mask
is added to the scores. In :class:`MultiheadAttention` (like
``torch.nn.MultiheadAttention``) a boolean ``attn_mask`` or
``key_padding_mask`` marks what is **not** allowed (True = masked out), and
float masks are added. A query whose keys are all masked has no attention
distribution: that raises a ValueError instead of returning NaN.
"""

from __future__ import annotations

import numpy as np

from ..utils import as_generator
from .base import Layer, as_float_array, check_positive_int
from .linear import Linear

__all__ = ["scaled_dot_product_attention", "attention_weights", "attention_backward", "causal_mask",
           "MultiheadAttention"]


def causal_mask(n: int, m: int | None = None) -> np.ndarray:
    """Boolean ``(n, m)`` mask, True where query ``i`` may see key ``j`` (``j <= i``)."""
    m = n if m is None else m
    return np.tril(np.ones((n, m), dtype=bool))


def _additive(mask, allowed_if_true: bool, shape: tuple, dtype) -> np.ndarray:
    """A boolean or float mask as an array to add to the scores (0 or -inf for booleans)."""
    mask = np.asarray(mask)
    try:
        np.broadcast_shapes(mask.shape, shape)
    except ValueError:
        raise ValueError(f"mask of shape {mask.shape} does not broadcast to the scores' shape {shape} "
                         "(batch, [heads,] queries, keys)") from None
    if mask.dtype == bool:
        blocked = ~mask if allowed_if_true else mask
        return np.where(blocked, -np.inf, 0.0).astype(dtype)
    if not np.issubdtype(mask.dtype, np.floating):
        raise TypeError(f"a mask must be boolean or float, got dtype {mask.dtype}")
    return mask.astype(dtype)


def _softmax_rows(scores: np.ndarray) -> np.ndarray:
    top = scores.max(axis=-1, keepdims=True)
    if np.isneginf(top).any():
        raise ValueError("a query has all of its keys masked out: its attention weights are undefined "
                         "(check attn_mask / key_padding_mask)")
    e = np.exp(scores - top)
    return e / e.sum(axis=-1, keepdims=True)


def _check_qkv(q, k, v) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    q, k, v = (as_float_array(a, name, ndim=tuple(range(2, 9))) for a, name in
               ((q, "query"), (k, "key"), (v, "value")))
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"query and key need the same last dimension d_k, got {q.shape} and {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"key and value need the same number of positions, got {k.shape} and {v.shape}")
    if k.shape[:-2] != v.shape[:-2] or q.shape[:-2] != k.shape[:-2]:
        raise ValueError(f"query, key and value need the same batch dimensions, got "
                         f"{q.shape[:-2]}, {k.shape[:-2]} and {v.shape[:-2]}")
    return q, k, v


def attention_weights(q, k, attn_mask=None, is_causal: bool = False, scale: float | None = None
                      ) -> np.ndarray:
    """``softmax(q k^T * scale + mask)``; masks as in :func:`scaled_dot_product_attention`.

    Shape: ``q`` ``(..., n, d_k)``, ``k`` ``(..., m, d_k)`` -> ``(..., n, m)``.
    """
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ np.swapaxes(k, -1, -2) * scale
    if is_causal:
        if attn_mask is not None:
            raise ValueError("give either attn_mask or is_causal=True, not both (as torch)")
        attn_mask = causal_mask(q.shape[-2], k.shape[-2])
    if attn_mask is not None:
        scores = scores + _additive(attn_mask, True, scores.shape, scores.dtype)
    return _softmax_rows(scores)


def scaled_dot_product_attention(q, k, v, attn_mask=None, is_causal: bool = False,
                                 scale: float | None = None, *, return_weights: bool = False):
    """``softmax(q k^T / sqrt(d_k) + mask) v`` (``torch.nn.functional.scaled_dot_product_attention``).

    ``attn_mask``: boolean (True = the key takes part) or float (added to the
    scores), broadcastable to ``(..., n, m)``; ``is_causal=True`` lets query
    ``i`` see keys ``0..i`` only. With ``return_weights=True`` returns
    ``(output, weights)``.

    Shape: ``q`` ``(..., n, d_k)``, ``k`` ``(..., m, d_k)``, ``v`` ``(..., m, d_v)`` -> ``(..., n, d_v)``.
    """
    q, k, v = _check_qkv(q, k, v)
    p = attention_weights(q, k, attn_mask, is_causal, scale)
    out = p @ v
    return (out, p) if return_weights else out


def attention_backward(grad_out, q, k, v, weights, scale: float | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients ``(dq, dk, dv)`` of scaled dot-product attention, given its ``weights``.

    Masked entries have weight 0 and so get no gradient.
    """
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    dv = np.swapaxes(weights, -1, -2) @ grad_out
    dp = grad_out @ np.swapaxes(v, -1, -2)
    ds = weights * (dp - (dp * weights).sum(axis=-1, keepdims=True))
    dq = ds @ k * scale
    dk = np.swapaxes(ds, -1, -2) @ q * scale
    return dq, dk, dv


class MultiheadAttention(Layer):
    """Multi-head attention (多头注意力), the numpy twin of ``torch.nn.MultiheadAttention``
    with ``batch_first=True``.

    The queries, keys and values are projected with one stacked weight
    ``in_proj_weight`` ``(3E, E)``, split into ``num_heads`` heads of size
    ``E / num_heads`` by a reshape, attended in **one batched matrix product**
    over (batch, head), merged back and projected by ``out_proj``. Parameter
    names and shapes are torch's, so ``load_state_dict(torch_mha.state_dict())``
    copies the weights.

    ``forward(query, key=None, value=None, *, key_padding_mask=None,
    attn_mask=None, is_causal=False)``: ``key`` defaults to ``query``
    (self-attention) and ``value`` to ``key``. Masks as in torch (boolean
    True = masked out, float = added); ``is_causal=True`` builds the causal
    mask itself. The weights of the last forward, per head, are kept in
    ``attn_weights`` ``(N, num_heads, L, S)``.
    ``backward`` returns the gradient of each distinct input: one array for
    self-attention, ``(d_query, d_key)`` when only ``key`` was given,
    ``(d_query, d_key, d_value)`` when both were.

    Shape: query ``(N, L, E)``, key/value ``(N, S, E)`` -> ``(N, L, E)``;
    ``key_padding_mask`` ``(N, S)``; ``attn_mask`` ``(L, S)`` or ``(N*num_heads, L, S)``.
    """

    torch_twin = "MultiheadAttention"

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True, batch_first: bool = True, *,
                 rng: int | np.random.Generator | None = None, dtype=np.float32) -> None:
        super().__init__()
        self.embed_dim = check_positive_int(embed_dim, "embed_dim")
        self.num_heads = check_positive_int(num_heads, "num_heads")
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim={embed_dim} must be divisible by num_heads={num_heads}")
        if not batch_first:
            raise ValueError("the numpy MultiheadAttention is batch_first only: pass (N, L, E) arrays")
        self.batch_first = True
        self.head_dim = embed_dim // num_heads
        gen = as_generator(rng)
        bound = np.sqrt(6.0 / (embed_dim + 3 * embed_dim))  # torch: xavier_uniform on (3E, E)
        self.params["in_proj_weight"] = gen.uniform(-bound, bound, (3 * embed_dim, embed_dim)).astype(dtype)
        if bias:
            self.params["in_proj_bias"] = np.zeros(3 * embed_dim, dtype=dtype)
        self.children["out_proj"] = Linear(embed_dim, embed_dim, bias, rng=gen, dtype=dtype)
        if bias:
            self.children["out_proj"].params["bias"][...] = 0.0
        self.attn_weights: np.ndarray | None = None

    @classmethod
    def from_torch_module(cls, module, dtype) -> MultiheadAttention:
        if not module.batch_first:
            raise ValueError("convert a MultiheadAttention built with batch_first=True")
        layer = cls(module.embed_dim, module.num_heads, module.in_proj_bias is not None, rng=0, dtype=dtype)
        layer.load_state_dict(module.state_dict())
        return layer

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # (N, T, E) <-> (N, h, T, d): the heads are a reshape, not a loop
    def _split(self, x: np.ndarray) -> np.ndarray:
        n, t, _ = x.shape
        return x.reshape(n, t, self.num_heads, self.head_dim).transpose(0, 2, 1, 3)

    def _merge(self, x: np.ndarray) -> np.ndarray:
        n, _, t, _ = x.shape
        return x.transpose(0, 2, 1, 3).reshape(n, t, self.embed_dim)

    def _mask(self, key_padding_mask, attn_mask, is_causal, n, lq, ls, dtype) -> np.ndarray | None:
        shape = (n, self.num_heads, lq, ls)
        total = None
        if is_causal:
            if attn_mask is not None:
                raise ValueError("give either attn_mask or is_causal=True, not both")
            attn_mask = ~causal_mask(lq, ls)
        if attn_mask is not None:
            attn_mask = np.asarray(attn_mask)
            if attn_mask.shape == (n * self.num_heads, lq, ls):
                attn_mask = attn_mask.reshape(shape)
            elif attn_mask.shape != (lq, ls):
                raise ValueError(f"attn_mask must have shape {(lq, ls)} or {(n * self.num_heads, lq, ls)}, "
                                 f"got {attn_mask.shape}")
            total = _additive(attn_mask, False, shape, dtype)
        if key_padding_mask is not None:
            key_padding_mask = np.asarray(key_padding_mask)
            if key_padding_mask.shape != (n, ls):
                raise ValueError(f"key_padding_mask must have shape (batch, keys) = {(n, ls)}, "
                                 f"got {key_padding_mask.shape}")
            pad = _additive(key_padding_mask[:, None, None, :], False, shape, dtype)
            total = pad if total is None else total + pad
        return total

    def forward(self, query, key=None, value=None, *, key_padding_mask=None, attn_mask=None,
                is_causal: bool = False) -> np.ndarray:
        given = (key is not None, value is not None)
        if value is not None and key is None:
            raise ValueError("value given without key")
        query = as_float_array(query, "query", ndim=3)
        key = query if key is None else as_float_array(key, "key", ndim=3)
        value = key if value is None else as_float_array(value, "value", ndim=3)
        e = self.embed_dim
        for name, a in (("query", query), ("key", key), ("value", value)):
            if a.shape[-1] != e:
                raise ValueError(f"{name} must have shape (batch, length, {e}), got {a.shape}")
        if key.shape[:2] != value.shape[:2] or key.shape[0] != query.shape[0]:
            raise ValueError(f"query {query.shape}, key {key.shape} and value {value.shape} need the same "
                             "batch size, and key and value the same length")
        w = self.params["in_proj_weight"]
        b = self.params.get("in_proj_bias", np.zeros(3 * e, dtype=w.dtype))
        q = self._split(query @ w[:e].T + b[:e])           # (N, h, L, d)
        k = self._split(key @ w[e:2 * e].T + b[e:2 * e])   # (N, h, S, d)
        v = self._split(value @ w[2 * e:].T + b[2 * e:])   # (N, h, S, d)
        n, lq, ls = query.shape[0], query.shape[1], key.shape[1]
        mask = self._mask(key_padding_mask, attn_mask, is_causal, n, lq, ls, q.dtype)
        scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(self.head_dim)  # one batched matmul: (N, h, L, S)
        p = _softmax_rows(scores if mask is None else scores + mask)
        self.attn_weights = p
        heads = p @ v                                       # (N, h, L, d)
        y = self.children["out_proj"](self._merge(heads))
        self.save_for_backward(y, query, key, value, q, k, v, p, given)
        return y

    def backward(self, grad_out, *, input_grad: bool = True):
        grad_out, query, key, value, q, k, v, p, given = self.saved(grad_out)
        e = self.embed_dim
        g_heads = self._split(self.children["out_proj"].backward(grad_out))
        grads = attention_backward(g_heads, q, k, v, p, 1 / np.sqrt(self.head_dim))
        dq, dk, dv = (self._merge(g) for g in grads)
        flat = [(d.reshape(-1, e), x.reshape(-1, e)) for d, x in ((dq, query), (dk, key), (dv, value))]
        self.accumulate("in_proj_weight", np.concatenate([d.T @ x for d, x in flat]))
        if "in_proj_bias" in self.params:
            self.accumulate("in_proj_bias", np.concatenate([d.sum(axis=0) for d, _ in flat]))
        if not input_grad:
            return None
        w = self.params["in_proj_weight"]
        g_query, g_key, g_value = dq @ w[:e], dk @ w[e:2 * e], dv @ w[2 * e:]
        if given == (False, False):
            return g_query + g_key + g_value
        if given == (True, False):
            return g_query, g_key + g_value
        return g_query, g_key, g_value

    def __repr__(self) -> str:
        return f"MultiheadAttention(embed_dim={self.embed_dim}, num_heads={self.num_heads})"
