"""What every language model shares: the loss, bits per character, sampling.

A language model here is any torch module that maps int64 token ids of shape
(B, T) to logits of shape (B, T, V) — the score of every next token at every
position (:class:`dlnotes.models.rnn.CharRNN`, chapter 10's transformers).
"""

from __future__ import annotations

import inspect
import math

import numpy as np

__all__ = ["lm_loss", "bits_per_char", "sample"]


def lm_loss(logits, y):
    """Mean cross-entropy of next-token logits (B, T, V) against targets (B, T) (nats)."""
    import torch.nn.functional as F

    if logits.ndim != 3 or y.shape != logits.shape[:2]:
        raise ValueError(f"lm_loss expects logits (B, T, V) and targets (B, T), got "
                         f"{tuple(logits.shape)} and {tuple(y.shape)}")
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def bits_per_char(model, ids, seq_len: int, batch_size: int = 64, device=None) -> float:
    """Mean cross-entropy / ln 2 of ``model`` predicting every next id of ``ids``.

    The sequence is cut into consecutive windows of ``seq_len`` (the last one
    shorter); each window starts from a fresh state, so this is the loss with
    context at most ``seq_len``. Evaluation mode, no gradients; the model's
    mode is restored afterwards.
    """
    import torch
    import torch.nn.functional as F

    if hasattr(ids, "detach"):
        ids = ids.detach().cpu().numpy()
    ids = np.asarray(ids, dtype=np.int64)
    if ids.ndim != 1 or len(ids) < 2:
        raise ValueError(f"ids must be a 1-D sequence of at least 2 ids, got shape {ids.shape}")
    if seq_len < 1 or batch_size < 1:
        raise ValueError(f"seq_len and batch_size must be positive, got {seq_len}, {batch_size}")
    device = device or next(model.parameters()).device
    n = len(ids) - 1
    starts = list(range(0, n, seq_len))
    total = 0.0
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            full = [s for s in starts if s + seq_len <= n]
            for i in range(0, len(full), batch_size):
                idx = np.asarray(full[i:i + batch_size])[:, None] + np.arange(seq_len + 1)
                chunk = torch.from_numpy(ids[idx]).to(device)
                logits = model(chunk[:, :-1])
                total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), chunk[:, 1:].reshape(-1),
                                         reduction="sum").item()
            rest = [s for s in starts if s + seq_len > n]
            for s in rest:  # the one shorter window at the end
                chunk = torch.from_numpy(ids[s:]).to(device)[None]
                logits = model(chunk[:, :-1])
                total += F.cross_entropy(logits[0], chunk[0, 1:], reduction="sum").item()
    finally:
        model.train(was_training)
    return total / n / math.log(2)


def sample(model, vocab, prompt: str, length: int, temperature: float = 1.0, rng=0, device=None) -> str:
    """``prompt`` followed by ``length`` characters drawn from ``model`` (seeded by ``rng``).

    Each next character is drawn from softmax(logits / temperature); a
    temperature of 0 takes the most likely one (argmax). The model sees the
    whole text so far at every step (the last ``model.max_len`` characters if
    it has that attribute), unless it is recurrent (its ``forward`` takes
    ``return_state``): then it reads the prompt once and one character per step.
    """
    import torch

    from ..utils import as_generator

    if length < 0:
        raise ValueError(f"length must be >= 0, got {length}")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if not prompt:
        raise ValueError("sample needs a non-empty prompt to start from")
    gen = as_generator(rng)
    device = device or next(model.parameters()).device
    ids = list(vocab.encode(prompt))
    context = getattr(model, "max_len", None)
    # a recurrent model (forward(x, state, return_state=True)) reads one new character per step
    recurrent = "return_state" in inspect.signature(model.forward).parameters
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            state, fed = None, 0
            for _ in range(length):
                if recurrent:
                    x = torch.tensor([ids[fed:]], dtype=torch.int64, device=device)
                    out, state = model(x, state, return_state=True)
                    fed = len(ids)
                else:
                    window = ids if context is None else ids[-context:]
                    out = model(torch.tensor([window], dtype=torch.int64, device=device))
                logits = out[0, -1].double().cpu().numpy()
                if temperature == 0:
                    nxt = int(np.argmax(logits))
                else:
                    z = logits / temperature
                    p = np.exp(z - z.max())
                    p /= p.sum()
                    nxt = int(gen.choice(len(p), p=p))
                ids.append(nxt)
    finally:
        model.train(was_training)
    return vocab.decode(np.asarray(ids, dtype=np.int64))
