"""Text corpora, vocabularies, splits and windows (dlnotes.data.text); small files written here."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlnotes.data import DataUnavailableError, text
from dlnotes.train import fit

FORTUNE = ("\x1b[32m《静夜思》\x1b[m\n\x1b[33m作者：李白\x1b[m\n床前明月光，疑是地上霜。\n%\n"
           "\x1b[32m《春晓》\x1b[m\n春眠不觉晓，处处闻啼鸟。\n%\n")


def test_clean_fortunes_strips_escapes_and_separators():
    clean = text.clean_fortunes(FORTUNE)
    assert "\x1b" not in clean and "%" not in clean
    assert clean == "《静夜思》\n作者：李白\n床前明月光，疑是地上霜。\n\n《春晓》\n春眠不觉晓，处处闻啼鸟。\n"


def test_load_corpus_prefers_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("DLNOTES_DATA", str(tmp_path))
    (tmp_path / "fortunes-zh").mkdir()
    (tmp_path / "fortunes-zh" / "tang300").write_text(FORTUNE, encoding="utf-8")
    assert text.load_corpus("tang300").startswith("《静夜思》")


def test_missing_corpus_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DLNOTES_DATA", str(tmp_path))
    monkeypatch.setattr(text, "DEBIAN_FORTUNES", tmp_path / "nowhere")
    with pytest.raises(DataUnavailableError, match="apt-get install fortunes-zh"):
        text.load_corpus("song100")


def test_unknown_corpus_name():
    with pytest.raises(ValueError, match="unknown corpus"):
        text.load_corpus("shakespeare")


def test_python_docs_corpus():
    corpus = text.load_corpus("python-docs")
    assert len(corpus) > 100_000 and "assert" in corpus
    assert corpus == text.load_corpus("python-docs")  # sorted keys: deterministic


def test_vocab_roundtrip_and_unknown():
    vocab = text.Vocab.from_text("hello world")
    assert len(vocab) == len(set("hello world")) + 1
    ids = vocab.encode("hello")
    assert ids.dtype == np.int64 and vocab.decode(ids) == "hello"
    assert vocab.encode("hex")[2] == 0 and vocab.decode(vocab.encode("x")) == "\ufffd"
    assert vocab.decode(torch.tensor(vocab.encode("low"))) == "low"
    with pytest.raises(ValueError, match="ids must lie"):
        vocab.decode([len(vocab)])
    with pytest.raises(TypeError):
        vocab.encode(["h"])
    with pytest.raises(ValueError, match="single character"):
        text.Vocab.from_text("abc", unknown="??")


@given(st.text(min_size=1, max_size=40))
def test_vocab_roundtrip_property(s):
    vocab = text.Vocab.from_text(s)
    assert vocab.decode(vocab.encode(s)) == s


def test_split_by_position():
    ids = np.arange(100)
    tr, va, te = text.split_by_position(ids, val=0.1, test=0.2)
    assert (len(tr), len(va), len(te)) == (70, 10, 20)
    np.testing.assert_array_equal(np.concatenate([tr, va, te]), ids)
    with pytest.raises(ValueError):
        text.split_by_position(ids, val=0.6, test=0.5)


def test_windows_shapes_shift_and_reiteration():
    ids = np.arange(1000) % 37
    w = text.Windows(ids, seq_len=10, batch_size=4, steps=3, rng=0)
    batches = list(w)
    assert len(batches) == len(w) == 3
    for x, y in batches:
        assert x.shape == y.shape == (4, 10) and x.dtype == torch.int64
        torch.testing.assert_close(x[:, 1:], y[:, :-1])
    assert len(list(w)) == 3  # re-iterable
    seq = text.Windows(ids, seq_len=10, batch_size=4, shuffle=False)
    assert len(seq) == 999 // 40
    x, y = next(iter(seq))
    np.testing.assert_array_equal(x[1].numpy(), ids[10:20])
    np.testing.assert_array_equal(y[0].numpy(), ids[1:11])


def test_windows_seeded():
    ids = np.arange(500)
    a = [x for x, _ in text.Windows(ids, 5, 3, steps=2, rng=7)]
    b = [x for x, _ in text.Windows(ids, 5, 3, steps=2, rng=7)]
    for xa, xb in zip(a, b):
        torch.testing.assert_close(xa, xb)


@pytest.mark.parametrize("kwargs, match", [
    (dict(seq_len=0, batch_size=2), "seq_len"),
    (dict(seq_len=5, batch_size=0), "batch_size"),
    (dict(seq_len=50, batch_size=2), "too short"),
    (dict(seq_len=5, batch_size=2, steps=0), "steps"),
])
def test_windows_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        text.Windows(np.arange(20), **kwargs)


def test_windows_work_with_fit():
    from dlnotes.models.lm import lm_loss
    from dlnotes.models.rnn import CharRNN

    torch.manual_seed(0)
    ids = np.tile(np.arange(5), 40)
    model = CharRNN(5, 8, cell="gru")
    history = fit(model, text.Windows(ids, 8, 4, steps=5), epochs=2, loss_fn=lm_loss, metric=None,
                  optimizer=torch.optim.Adam(model.parameters(), 0.01), verbose=False, progress=False,
                  device="cpu")
    assert history.epochs == 2


def test_slot_filling_toy():
    x, y, words, sentences = text.slot_filling(50, rng=0)
    assert x.shape == y.shape and x.shape[0] == 50 and x.dtype == np.int64
    for k, s in enumerate(sentences):
        assert [words[i] for i in x[k, :len(s)]] == s
        assert np.all(x[k, len(s):] == 0) and np.all(y[k, len(s):] == -100)
        city = [t for t in y[k] if t in (1, 2)]
        assert len(city) == 1
        going = "from" not in s and "leave" not in s
        assert city[0] == (1 if going else 2)
    a = text.slot_filling(10, rng=3)[0]
    np.testing.assert_array_equal(a, text.slot_filling(10, rng=3)[0])
    with pytest.raises(ValueError):
        text.slot_filling(0)
