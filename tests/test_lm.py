"""Language-model helpers (dlnotes.models.lm) and the torch CharRNN (dlnotes.models.rnn)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlnotes.data.text import Vocab
from dlnotes.models.lm import bits_per_char, lm_loss, sample
from dlnotes.models.rnn import CharRNN, char_rnn_with_params
from dlnotes.models.summary import count_parameters


class Uniform(torch.nn.Module):
    """A model that predicts every character with equal probability (no state)."""

    def __init__(self, v):
        super().__init__()
        self.v = v
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return torch.zeros(*x.shape, self.v) + 0 * self.w


def test_lm_loss_matches_cross_entropy():
    logits, y = torch.randn(2, 3, 5), torch.randint(0, 5, (2, 3))
    expected = torch.nn.functional.cross_entropy(logits.permute(0, 2, 1), y)
    torch.testing.assert_close(lm_loss(logits, y), expected)
    with pytest.raises(ValueError, match="logits"):
        lm_loss(logits[0], y)


@pytest.mark.parametrize("seq_len", [1, 7, 50])
def test_bits_per_char_of_uniform_model(seq_len):
    ids = np.arange(101) % 8
    assert bits_per_char(Uniform(8), ids, seq_len=seq_len, batch_size=3) == pytest.approx(3.0)


def test_bits_per_char_counts_every_target_once():
    torch.manual_seed(0)
    model = CharRNN(6, 8, cell="lstm")
    ids = np.random.default_rng(0).integers(0, 6, 41)
    x = torch.from_numpy(ids)[None]
    expected = lm_loss(model(x[:, :-1]), x[:, 1:]).item() / math.log(2)
    assert bits_per_char(model, ids, seq_len=40) == pytest.approx(expected, rel=1e-5)
    assert model.training  # mode restored


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_char_rnn_shapes_and_state(cell):
    torch.manual_seed(0)
    model = CharRNN(11, 16, cell=cell, num_layers=2, embedding_dim=4)
    x = torch.randint(0, 11, (3, 9))
    logits, state = model(x, return_state=True)
    assert logits.shape == (3, 9, 11)
    # feeding the sequence in two parts with the state carried over gives the same logits
    first, s = model(x[:, :4], return_state=True)
    second = model(x[:, 4:], s)
    torch.testing.assert_close(torch.cat([first, second], 1), logits)


def test_char_rnn_dropout_trains_only():
    torch.manual_seed(0)
    model = CharRNN(11, 16, cell="lstm", dropout=0.5)
    plain = CharRNN(11, 16, cell="lstm")
    plain.load_state_dict(model.state_dict())  # dropout adds no parameters
    x = torch.randint(0, 11, (4, 7))
    assert not torch.allclose(model(x), plain(x))  # training: units dropped
    model.eval(), plain.eval()
    torch.testing.assert_close(model(x), plain(x))  # evaluation: the identity
    # p = 0 draws no random numbers: the same stream as a model without dropout
    zero = CharRNN(11, 16, cell="lstm", dropout=0.0)
    zero.load_state_dict(model.state_dict())
    torch.manual_seed(1)
    a = zero.train()(x), torch.rand(1)
    torch.manual_seed(1)
    b = plain.train()(x), torch.rand(1)
    torch.testing.assert_close(a, b)


def test_char_rnn_bad_input():
    with pytest.raises(ValueError, match="cell"):
        CharRNN(5, cell="transformer")
    with pytest.raises(ValueError, match="dropout"):
        CharRNN(5, 4, dropout=1.0)
    with pytest.raises(ValueError, match="batch, time"):
        CharRNN(5, 4)(torch.zeros(3, dtype=torch.int64))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_char_rnn_with_params(cell):
    model = char_rnn_with_params(50, 20_000, cell=cell)
    n = count_parameters(model)
    assert n <= 20_000
    bigger = CharRNN(50, model.rnn.hidden_size + 1, cell=cell)
    assert count_parameters(bigger) > 20_000


def test_sample_seeded_and_greedy():
    torch.manual_seed(0)
    vocab = Vocab.from_text("abcde")
    model = CharRNN(len(vocab), 8, cell="gru")
    a = sample(model, vocab, "ab", 20, temperature=1.0, rng=3)
    assert a.startswith("ab") and len(a) == 22 and a == sample(model, vocab, "ab", 20, rng=3)
    g1 = sample(model, vocab, "ab", 10, temperature=0, rng=1)
    assert g1 == sample(model, vocab, "ab", 10, temperature=0, rng=2)
    assert sample(model, vocab, "ab", 10, temperature=1e-6, rng=5) == g1
    # the recurrent fast path equals running the whole text each step
    stateless = Uniform(len(vocab))
    assert len(sample(stateless, vocab, "a", 5, rng=0)) == 6
    with pytest.raises(ValueError, match="temperature"):
        sample(model, vocab, "a", 3, temperature=-1)
    with pytest.raises(ValueError, match="prompt"):
        sample(model, vocab, "", 3)


def test_sample_recurrent_path_matches_full_recompute():
    torch.manual_seed(1)
    vocab = Vocab.from_text("xyz")
    model = CharRNN(len(vocab), 6, cell="lstm")

    class Stateless(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(x)

    assert sample(model, vocab, "xy", 15, rng=4) == sample(Stateless(model), vocab, "xy", 15, rng=4)


def test_train_rnn_lm_recipe_smoke():
    from dlnotes.book import recipes

    ids = np.tile(np.arange(7), 200)
    torch.manual_seed(0)
    model = recipes.rnn_lm(7, "gru", n_params=3000)
    run = recipes.train_rnn_lm(model, ids[:1000], ids[1000:], steps=30, seq_len=16, batch_size=8,
                               eval_every=10, lr=0.02, device="cpu")
    assert len(run.train_loss) == len(run.grad_norm) == 30
    assert run.val_steps == [10, 20, 30, 30] and run.val_bpc[-1] < run.val_bpc[0]
    with pytest.raises(ValueError, match="steps"):
        recipes.train_rnn_lm(model, ids, ids, steps=None)
    with pytest.raises(ValueError, match="decay"):
        recipes.train_rnn_lm(model, ids, ids, steps=3, decay="step")
    with pytest.raises(ValueError, match="optimizer"):
        recipes.train_rnn_lm(model, ids, ids, steps=3, optimizer="lbfgs")


@pytest.mark.parametrize("decay", ["cosine", "linear"])
def test_train_rnn_lm_decays_the_learning_rate_to_zero(decay, monkeypatch):
    from dlnotes.book import recipes

    seen = []
    step = torch.optim.SGD.step

    def spy(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.SGD, "step", spy)
    ids = np.tile(np.arange(7), 200)
    torch.manual_seed(0)
    model = recipes.rnn_lm(7, "rnn", n_params=500)
    run = recipes.train_rnn_lm(model, ids[:1000], ids[1000:], steps=5, seq_len=8, batch_size=4, lr=0.4,
                               decay=decay, optimizer="sgd", clip=None, eval_every=100, device="cpu")
    used = np.arange(5) / 5  # the share of the 5 steps done before each step
    expected = 0.4 * (0.5 * (1 + np.cos(np.pi * used)) if decay == "cosine" else 1 - used)
    np.testing.assert_allclose(seen, expected)
    assert len(run.grad_norm) == 5 and max(run.grad_norm) > 0


def test_train_rnn_lm_warms_up_and_decays_the_weight_matrices_only(monkeypatch):
    from dlnotes.book import recipes

    seen = []
    step = torch.optim.AdamW.step

    def spy(self, *args, **kwargs):
        seen.append([(g["lr"], g["weight_decay"], [tuple(p.shape) for p in g["params"]])
                     for g in self.param_groups])
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.AdamW, "step", spy)
    ids = np.tile(np.arange(7), 200)
    torch.manual_seed(0)
    model = recipes.rnn_lm(7, "gru", n_params=600, embedding_dim=5)
    assert model.embedding.weight.shape == (7, 5)
    recipes.train_rnn_lm(model, ids[:1000], ids[1000:], steps=10, seq_len=8, batch_size=4, lr=0.1,
                         warmup=0.2, decay="linear", weight_decay=0.5, eval_every=100, device="cpu")
    H = model.rnn.hidden_size
    (lr0, wd0, decayed), (lr1, wd1, kept) = seen[0]
    assert (wd0, wd1) == (0.5, 0.0)
    assert decayed == [(3 * H, 5), (3 * H, H), (7, H)]  # weight_ih, weight_hh, the head's weight
    assert (7, 5) in kept and all(len(shape) == 1 for shape in kept if shape != (7, 5))
    lrs = [groups[0][0] for groups in seen]
    assert lrs == pytest.approx([0.0, 0.05, 0.1, 0.0875, 0.075, 0.0625, 0.05, 0.0375, 0.025, 0.0125])
    assert all(groups[0][0] == groups[1][0] for groups in seen)
    with pytest.raises(ValueError, match="warmup"):
        recipes.train_rnn_lm(model, ids, ids, steps=3, warmup=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        recipes.train_rnn_lm(model, ids, ids, steps=3, weight_decay=-0.1)


@pytest.mark.parametrize("cell, bidirectional",
                         [(None, False), ("rnn", False), ("lstm", True), ("gru", False)])
def test_sequence_tagger_shapes(cell, bidirectional):
    from dlnotes.models.rnn import SequenceTagger

    model = SequenceTagger(12, 4, 8, cell=cell, bidirectional=bidirectional)
    assert model(torch.randint(0, 12, (3, 7))).shape == (3, 7, 4)
    with pytest.raises(ValueError):
        SequenceTagger(12, 4, cell="cnn")
