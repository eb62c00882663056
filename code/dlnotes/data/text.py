"""Text corpora, character vocabularies and (batch, time) windows for language models.

* :func:`load_corpus` — ``"python-docs"`` (the documentation topics that ship
  with every CPython, ``pydoc_data.topics``: no download) and ``"tang300"`` /
  ``"song100"`` (Tang and Song poems from Debian's ``fortunes-zh`` package);
* :class:`Vocab` — characters <-> integer ids, with an id for unknown characters;
* :func:`split_by_position` — train / validation / test by position in the text;
* :class:`Windows` — a re-iterable source of ``(x, y)`` batches of shape
  (batch, seq_len), ``y`` being ``x`` shifted by one character (for
  :func:`dlnotes.train.fit` and truncated backpropagation through time);
* :func:`slot_filling` — a small, generated (toy) slot-filling task: travel
  requests whose city is a destination or a departure depending on the verb.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from ..utils import as_generator
from .sources import DataUnavailableError, data_root

__all__ = ["CORPORA", "load_corpus", "clean_fortunes", "Vocab", "split_by_position", "Windows",
           "SLOT_TAGS", "slot_filling"]

#: Corpus names :func:`load_corpus` accepts, with a one-line description.
CORPORA = {
    "python-docs": "CPython's documentation topics (pydoc_data.topics), ~465 k characters",
    "tang300": "300 Tang poems (Debian fortunes-zh), ~35 k characters",
    "song100": "100 Song poems (Debian fortunes-zh)",
}
DEBIAN_FORTUNES = Path("/usr/share/games/fortunes")
_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def clean_fortunes(raw: str) -> str:
    """A fortune file as plain text: colour escape codes and ``%`` separator lines removed,
    entries separated by one blank line."""
    raw = _ESCAPE.sub("", raw.replace("\r\n", "\n"))
    entries = re.split(r"^%[ \t]*$", raw, flags=re.MULTILINE)
    entries = ["\n".join(line.rstrip() for line in e.strip("\n").splitlines()).strip() for e in entries]
    return "\n\n".join(e for e in entries if e) + "\n"


def _fortune_file(name: str) -> Path:
    folder = data_root() / "fortunes-zh"
    for path in (folder / name, DEBIAN_FORTUNES / name):
        if path.is_file():
            return path
    raise DataUnavailableError(
        f"the corpus {name!r} was found neither in {folder} nor in {DEBIAN_FORTUNES}. "
        "It comes with Debian's fortunes-zh package: `sudo apt-get install fortunes-zh` "
        f"(or `make data`), or copy the file {name} into {folder}/.")


def load_corpus(name: str) -> str:
    """The text of a corpus (see :data:`CORPORA`) as one string.

    ``"python-docs"``: the values of ``pydoc_data.topics.topics`` joined in
    sorted-key order (by a blank line). ``"tang300"`` / ``"song100"``: looked for
    in ``data/fortunes-zh/`` first, then in Debian's ``/usr/share/games/fortunes/``;
    cleaned with :func:`clean_fortunes`. A missing file raises
    :class:`~dlnotes.data.DataUnavailableError` saying how to get it.
    """
    if name == "python-docs":
        try:
            from pydoc_data.topics import topics
        except ImportError as err:  # pragma: no cover - every CPython ships it
            raise DataUnavailableError("this Python has no pydoc_data.topics module") from err
        return "\n\n".join(topics[key].strip("\n") for key in sorted(topics)) + "\n"
    if name in ("tang300", "song100"):
        return clean_fortunes(_fortune_file(name).read_text(encoding="utf-8"))
    raise ValueError(f"unknown corpus {name!r}; choose one of {sorted(CORPORA)}")


class Vocab:
    """A character vocabulary: ``encode`` text to int64 ids, ``decode`` ids to text.

    Id 0 is the unknown character (``unknown``, by default U+FFFD); characters
    not in the vocabulary encode to it.
    """

    def __init__(self, chars: Iterable[str], unknown: str = "\ufffd") -> None:
        if not isinstance(unknown, str) or len(unknown) != 1:
            raise ValueError(f"unknown must be a single character, got {unknown!r}")
        chars = [c for c in dict.fromkeys(chars) if c != unknown]
        if any(not isinstance(c, str) or len(c) != 1 for c in chars):
            raise ValueError("a Vocab holds single characters")
        self.unknown = unknown
        self.itos: list[str] = [unknown, *chars]
        self.stoi: dict[str, int] = {c: i for i, c in enumerate(self.itos)}

    @classmethod
    def from_text(cls, text: str, unknown: str = "\ufffd") -> Vocab:
        """The vocabulary of the characters in ``text`` (sorted), plus the unknown id 0."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return cls(sorted(set(text)), unknown=unknown)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, char: str) -> bool:
        return char in self.stoi

    def encode(self, text: str) -> np.ndarray:
        """Ids of the characters of ``text`` (int64; unknown characters -> 0)."""
        if not isinstance(text, str):
            raise TypeError(f"encode expects a str, got {type(text).__name__}")
        get = self.stoi.get
        return np.fromiter((get(c, 0) for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        """The text of a sequence of ids (a list, numpy array or 1-D torch tensor)."""
        if hasattr(ids, "detach"):
            ids = ids.detach().cpu().numpy()
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
            raise ValueError(f"decode expects a 1-D sequence of integer ids, got shape {ids.shape} "
                             f"and dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must lie in [0, {len(self)}), got {ids.min()}..{ids.max()}")
        return "".join(self.itos[i] for i in ids.tolist())

    def __repr__(self) -> str:
        return f"Vocab({len(self)} characters)"


def split_by_position(ids, val: float = 0.05, test: float = 0.05) -> tuple:
    """Split a sequence into (train, val, test) by position: the last ``test`` fraction is
    the test part, the ``val`` fraction before it the validation part."""
    if not (0 <= val < 1 and 0 <= test < 1 and val + test < 1):
        raise ValueError(f"val and test must be fractions with val + test < 1, got {val}, {test}")
    n = len(ids)
    n_test, n_val = int(round(n * test)), int(round(n * val))
    n_train = n - n_val - n_test
    if n_train < 2:
        raise ValueError(f"a sequence of length {n} leaves no training part")
    return ids[:n_train], ids[n_train:n_train + n_val], ids[n_train + n_val:]


class Windows:
    """Re-iterable ``(x, y)`` batches of windows of a token sequence, for language models.

    Each batch holds ``batch_size`` windows of ``seq_len`` ids (int64 torch
    tensors of shape (batch, seq_len)); ``y`` is ``x`` shifted by one position.
    With ``shuffle`` the window starts are drawn at random (from ``rng``, a
    fresh stream each pass that continues the generator); without, the windows
    tile the text in order. ``steps`` batches make one pass (default: one pass
    over the text, ``(len(ids) - 1) // (batch_size * seq_len)`` batches, at least 1).
    """

    def __init__(self, ids, seq_len: int, batch_size: int, *, steps: int | None = None,
                 shuffle: bool = True, rng: int | np.random.Generator | None = 0) -> None:
        if hasattr(ids, "detach"):
            ids = ids.detach().cpu().numpy()
        ids = np.asarray(ids)
        if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"ids must be a 1-D integer sequence, got shape {ids.shape}, dtype {ids.dtype}")
        for value, what in ((seq_len, "seq_len"), (batch_size, "batch_size")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{what} must be a positive integer, got {value!r}")
        if len(ids) < seq_len + 1:
            raise ValueError(f"a text of {len(ids)} ids is too short for windows of seq_len={seq_len}")
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, (int, np.integer))
                                  or steps < 1):
            raise ValueError(f"steps must be a positive integer or None, got {steps!r}")
        self.ids = ids.astype(np.int64)
        self.seq_len, self.batch_size = int(seq_len), int(batch_size)
        self.steps = int(steps) if steps is not None else max(1, (len(ids) - 1) // (batch_size * seq_len))
        self.shuffle = shuffle
        self.rng = as_generator(rng)

    def __len__(self) -> int:
        return self.steps

    def __iter__(self) -> Iterator[tuple]:
        import torch

        n_starts = len(self.ids) - self.seq_len  # a window needs seq_len + 1 ids
        offsets = np.arange(self.seq_len + 1)
        for step in range(self.steps):
            if self.shuffle:
                starts = self.rng.integers(0, n_starts, size=self.batch_size)
            else:
                first = step * self.batch_size * self.seq_len
                starts = (first + np.arange(self.batch_size) * self.seq_len) % n_starts
            chunk = torch.from_numpy(self.ids[starts[:, None] + offsets])
            yield chunk[:, :-1], chunk[:, 1:]

    def __repr__(self) -> str:
        return (f"Windows({len(self.ids)} ids, seq_len={self.seq_len}, batch_size={self.batch_size}, "
                f"steps={self.steps}, shuffle={self.shuffle})")


#: Tags of :func:`slot_filling`, by id.
SLOT_TAGS = ("other", "dest", "departure", "time")
_TO = (("arrive",), ("arrive", "in"), ("land", "in"), ("fly", "to"), ("go", "to"), ("reach",))
_FROM = (("leave",), ("depart", "from"), ("fly", "from"), ("leave", "from"), ("set", "off", "from"))
_CITIES = ("Taipei", "Hefei", "Beijing", "Tokyo", "London", "Paris", "Boston", "Seoul")
_TIMES = (("on", "November", "2nd"), ("on", "Monday"), ("tomorrow",), ("on", "May", "1st"),
          ("at", "noon"), ("tonight",))
_OPENINGS = ((), ("I", "want", "to"), ("please",), ("I", "would", "like", "to"), ("we", "will"))


def slot_filling(n: int = 400, *, rng: int | np.random.Generator | None = 0) -> tuple:
    """A toy slot-filling data set (generated, small): ``n`` travel requests such as
    "I want to arrive Taipei on November 2nd" / "leave Taipei on November 2nd".

    Every word is tagged with one of :data:`SLOT_TAGS`; the city is ``dest`` after
    an arrival verb and ``departure`` after a leaving one, so its tag depends on
    an earlier word. Returns ``(x, y, words, sentences)``: ``x`` (n, T) int64 word
    ids padded with 0 (the word ``"<pad>"``), ``y`` (n, T) int64 tag ids with
    -100 at the padding (ignored by ``cross_entropy``), the word list, and the
    sentences as lists of words.
    """
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    gen = as_generator(rng)
    sentences, tags = [], []
    for _ in range(n):
        going = gen.random() < 0.5
        verbs = _TO if going else _FROM
        opening = _OPENINGS[gen.integers(len(_OPENINGS))]
        verb = verbs[gen.integers(len(verbs))]
        city = _CITIES[gen.integers(len(_CITIES))]
        when = _TIMES[gen.integers(len(_TIMES))]
        words = [*opening, *verb, city, *when]
        tag = [0] * (len(opening) + len(verb)) + [1 if going else 2] + [3] * len(when)
        sentences.append(words)
        tags.append(tag)
    words = ["<pad>", *sorted({w for s in sentences for w in s})]
    index = {w: i for i, w in enumerate(words)}
    width = max(len(s) for s in sentences)
    x = np.zeros((n, width), dtype=np.int64)
    y = np.full((n, width), -100, dtype=np.int64)
    for k, (sentence, tag) in enumerate(zip(sentences, tags)):
        x[k, :len(sentence)] = [index[w] for w in sentence]
        y[k, :len(tag)] = tag
    return x, y, words, sentences
