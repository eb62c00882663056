"""Recurrent torch models: :class:`CharRNN`, a character-level language model, and
:class:`SequenceTagger`, one label per word (with or without recurrence).

Embedding -> stacked ``torch.nn.RNN`` / ``LSTM`` / ``GRU`` -> linear read-out
to the vocabulary; (B, T) int64 ids -> (B, T, V) logits, the protocol of
:mod:`dlnotes.models.lm`.
"""

from __future__ import annotations

import torch

__all__ = ["CELLS", "CharRNN", "char_rnn_with_params", "SequenceTagger"]

#: cell name -> torch class name
CELLS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


class CharRNN(torch.nn.Module):
    """A character language model: embedding, ``num_layers`` recurrent layers, read-out.

    ``cell`` is ``"rnn"`` (tanh), ``"lstm"`` or ``"gru"``. ``forward(x)`` maps
    ids (B, T) to logits (B, T, V); ``forward(x, state)`` continues from a
    state and, with ``return_state=True``, also returns the final state (for
    sampling one character at a time and for carrying state across batches).

    ``dropout`` (a regulariser, chapter 7) zeroes that fraction of the
    embedded characters, of the outputs between stacked layers (torch's own
    ``dropout``) and of the last layer's outputs before the read-out, during
    training only.

    Shape: x (B, T) int64 -> (B, T, vocab_size).
    """

    def __init__(self, vocab_size: int, hidden_size: int = 256, *, cell: str = "lstm", num_layers: int = 1,
                 embedding_dim: int = 32, dropout: float = 0.0) -> None:
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}")
        for value, what in ((vocab_size, "vocab_size"), (hidden_size, "hidden_size"),
                            (num_layers, "num_layers"), (embedding_dim, "embedding_dim")):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{what} must be a positive integer, got {value!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
        self.cell = cell
        self.embedding = torch.nn.Embedding(vocab_size, embedding_dim)
        layer = getattr(torch.nn, CELLS[cell])
        self.rnn = layer(embedding_dim, hidden_size, num_layers=num_layers, batch_first=True,
                         dropout=dropout if num_layers > 1 else 0.0)
        self.drop = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(hidden_size, vocab_size)

    def forward(self, x, state=None, return_state: bool = False):
        if x.ndim != 2:
            raise ValueError(f"CharRNN expects ids of shape (batch, time), got {tuple(x.shape)}")
        h, state = self.rnn(self.drop(self.embedding(x)), state)
        logits = self.head(self.drop(h))
        return (logits, state) if return_state else logits

    def extra_repr(self) -> str:
        return f"cell={self.cell!r}"


def char_rnn_with_params(vocab_size: int, n_params: int, *, cell: str, num_layers: int = 1,
                         embedding_dim: int = 32, dropout: float = 0.0) -> CharRNN:
    """A :class:`CharRNN` whose hidden size is chosen so that it has about ``n_params``
    parameters (the largest hidden size not above the target), for fair comparisons."""
    def count(h: int) -> int:
        gates = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
        first = gates * (h * embedding_dim + h * h + 2 * h)
        rest = (num_layers - 1) * gates * (2 * h * h + 2 * h)
        return vocab_size * embedding_dim + first + rest + h * vocab_size + vocab_size

    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}")
    h = 1
    while count(h + 1) <= n_params:
        h += 1
    return CharRNN(vocab_size, h, cell=cell, num_layers=num_layers, embedding_dim=embedding_dim,
                   dropout=dropout)


class SequenceTagger(torch.nn.Module):
    """One label per position: embedding -> (recurrent layer) -> linear read-out.

    ``cell=None`` makes it a feed-forward tagger that sees each word alone (the
    same embedding and a hidden ``tanh`` layer of ``hidden_size``); ``"rnn"``,
    ``"lstm"`` or ``"gru"`` let the hidden state carry the words before.
    ``bidirectional`` reads the sentence both ways.

    Shape: x (B, T) int64 -> (B, T, num_tags).
    """

    def __init__(self, num_words: int, num_tags: int, hidden_size: int = 32, *, cell: str | None = "rnn",
                 embedding_dim: int = 16, bidirectional: bool = False) -> None:
        super().__init__()
        if cell is not None and cell not in CELLS:
            raise ValueError(f"cell must be None or one of {sorted(CELLS)}, got {cell!r}")
        self.cell = cell
        self.embedding = torch.nn.Embedding(num_words, embedding_dim)
        if cell is None:
            self.body = torch.nn.Sequential(torch.nn.Linear(embedding_dim, hidden_size), torch.nn.Tanh())
            width = hidden_size
        else:
            self.body = getattr(torch.nn, CELLS[cell])(embedding_dim, hidden_size, batch_first=True,
                                                       bidirectional=bidirectional)
            width = hidden_size * (2 if bidirectional else 1)
        self.head = torch.nn.Linear(width, num_tags)

    def forward(self, x):
        if x.ndim != 2:
            raise ValueError(f"SequenceTagger expects ids of shape (batch, time), got {tuple(x.shape)}")
        h = self.body(self.embedding(x))
        return self.head(h if self.cell is None else h[0])
