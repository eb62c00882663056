"""The numpy training loop (dlnotes.scratch.training): fit, evaluate, predict, with Batches."""

import numpy as np
import pytest
import torch

from dlnotes.data import Batches, images_to_float
from dlnotes.history import History
from dlnotes.scratch import losses
from dlnotes.scratch.container import Sequential, mlp
from dlnotes.scratch.convert import from_torch
from dlnotes.scratch.linear import Linear
from dlnotes.scratch.optim import SGD
from dlnotes.scratch.training import evaluate, fit, predict


def _toy(n=400, dtype=np.float32):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2)).astype(dtype)  # 2-D toy data: label = sign of x0 + x1
    y = (x[:, 0] + x[:, 1] > 0).astype(np.int64)
    return x, y


def test_fit_learns_a_toy_problem_and_batches():
    x, y = _toy()
    model = Sequential(Linear(2, 8, rng=1), Linear(8, 2, rng=2))
    train = Batches(x, y, 32, shuffle=True, rng=0)
    val = Batches(x, y, 128)
    hist = fit(model, train, val, epochs=5, optimizer=SGD(model, lr=0.5), loss_fn=losses.CrossEntropyLoss(),
               verbose=False)
    assert isinstance(hist, History) and hist.epochs == 5 and hist.val_acc[-1] > 0.95
    assert not hist.stopped_early
    for name in ("train_loss", "val_loss", "train_acc", "val_acc", "epoch_seconds"):
        assert len(getattr(hist, name)) == 5, name
    assert hist.train_loss[-1] < hist.train_loss[0]
    assert evaluate(model, val, losses.CrossEntropyLoss())[1] == hist.val_acc[-1]
    assert evaluate(model, val) == (hist.val_loss[-1], hist.val_acc[-1])  # default loss: cross-entropy
    batches = list(Batches(x, y, 128, shuffle=True, rng=np.random.default_rng(0)))
    assert [len(b[0]) for b in batches] == [128, 128, 128, 16]
    assert sorted(np.concatenate([b[1] for b in batches]).tolist()) == sorted(y.tolist())
    imgs = images_to_float(np.full((2, 28, 28), 255, dtype=np.uint8))
    assert imgs.shape == (2, 784) and imgs.dtype == np.float32 and imgs.max() == 1.0


def test_fit_is_reproducible_and_default_optimizer_is_sgd_with_lr():
    x, y = _toy()
    runs = []
    for _ in range(2):
        model = mlp([2, 6, 2], rng=3, dtype=np.float64)
        hist = fit(model, Batches(x, y, 50, shuffle=True, rng=1), epochs=2, lr=0.3, verbose=False)
        runs.append((hist.train_loss, model.state_dict()))
    assert runs[0][0] == runs[1][0]
    for name in runs[0][1]:
        np.testing.assert_array_equal(runs[0][1][name], runs[1][1][name], err_msg=name)
    explicit = mlp([2, 6, 2], rng=3, dtype=np.float64)
    fit(explicit, Batches(x, y, 50, shuffle=True, rng=1), epochs=2, optimizer=SGD(explicit, lr=0.3),
        verbose=False)
    for name, p in explicit.state_dict().items():
        np.testing.assert_array_equal(p, runs[0][1][name], err_msg=name)


def test_numpy_fit_matches_the_torch_fit():
    """Same data, same initial weights, plain SGD: dlnotes.train.fit and the numpy fit agree."""
    from dlnotes.train import fit as torch_fit

    x, y = _toy(120, np.float64)
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2)).double()
    model = from_torch(tm)
    hist = fit(model, Batches(x, y, 32), Batches(x, y, 64), epochs=3, lr=0.2, verbose=False)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    hist_t = torch_fit(tm, Batches(xt, yt, 32), Batches(xt, yt, 64), epochs=3, lr=0.2, verbose=False,
                       device="cpu", progress=False)
    for name, p, _ in model.named_parameters():
        np.testing.assert_allclose(p, dict(tm.named_parameters())[name].detach().numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=name)
    np.testing.assert_allclose(hist.val_loss, hist_t.val_loss, rtol=1e-10)
    np.testing.assert_allclose(hist.train_loss, hist_t.train_loss, rtol=1e-6)  # torch sums in float32
    np.testing.assert_allclose(hist.val_acc, hist_t.val_acc, rtol=1e-6)  # torch's mean is float32
    assert list(hist.records) == list(hist_t.records)


def test_on_epoch_end_can_stop_training_and_verbose_prints(capsys):
    x, y = _toy(64)
    seen = []

    def stop_after_two(epoch, history):
        seen.append((epoch, history.epochs))
        return epoch == 2

    hist = fit(mlp([2, 4, 2], rng=0), Batches(x, y, 16), epochs=10, on_epoch_end=stop_after_two)
    assert hist.epochs == 2 and hist.stopped_early and seen == [(1, 1), (2, 2)]
    out = capsys.readouterr().out
    assert out.count("epoch ") == 2 and "train loss" in out
    last = fit(mlp([2, 4, 2], rng=0), Batches(x, y, 16), epochs=2, on_epoch_end=lambda e, h: e == 2,
               verbose=False)
    assert not last.stopped_early  # stopping at the last epoch is not "early"


def test_metric_choices():
    x, y = _toy(64)
    hist = fit(mlp([2, 4, 2], rng=0), Batches(x, y, 16), Batches(x, y, 64), epochs=1, metric=None,
               verbose=False)
    assert sorted(hist.records) == ["epoch_seconds", "train_loss", "val_loss"]

    def error_rate(out, t):
        return float((out.argmax(1) != t).mean())

    model = mlp([2, 4, 2], rng=0)
    hist = fit(model, Batches(x, y, 16), Batches(x, y, 64), epochs=1, metric=error_rate, verbose=False)
    acc = evaluate(model, Batches(x, y, 64))[1]
    assert hist.val_error_rate[-1] == pytest.approx(1 - acc)
    loss, none = evaluate(model, Batches(x, y, 64), metric=None)
    assert none is None and loss > 0


def test_regression_with_mse_and_no_metric():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3
    model = Linear(3, 1, rng=0, dtype=np.float64)
    hist = fit(model, Batches(x, y, 20, shuffle=True, rng=0), epochs=30, lr=0.05, loss_fn=losses.MSELoss(),
               metric=None, verbose=False)
    assert hist.train_loss[-1] < 1e-4
    np.testing.assert_allclose(model.params["weight"], [[1.0, -2.0, 0.5]], atol=1e-2)


def test_predict_in_chunks_saves_nothing_and_keeps_the_mode():
    x, _ = _toy(50, np.float64)
    model = mlp([2, 4, 3], rng=0, dtype=np.float64)
    out = predict(model, x, batch_size=7)
    np.testing.assert_allclose(out, model.forward(x), rtol=1e-12)
    model.backward(np.ones((50, 3)))  # only the forward above was saved
    assert all(not m._saved for m in model.modules()) and model.training
    model.eval()
    predict(model, x)
    assert not model.training
    with pytest.raises(ValueError, match="no examples"):
        predict(model, x[:0])


def test_evaluate_saves_nothing_and_restores_training_mode():
    x, y = _toy(40)
    model = mlp([2, 4, 2], rng=0)
    loss_fn = losses.CrossEntropyLoss()
    evaluate(model, Batches(x, y, 16), loss_fn)
    assert model.training
    assert all(not m._saved for m in model.modules()) and not loss_fn._saved
    with pytest.raises(ValueError, match="got no batches"):
        evaluate(model, [])


def test_bad_input_raises_clear_errors():
    x, y = _toy(40)
    model = mlp([2, 4, 2], rng=0)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        fit(model, Batches(x, y, 8), epochs=0)
    with pytest.raises(ValueError, match="epoch 1 had no training batches"):
        fit(model, Batches(x[:0], y[:0], 8), epochs=1, verbose=False)
    with pytest.raises(ValueError, match="no training batches"):
        fit(model, [], epochs=1, verbose=False)
    with pytest.raises(TypeError, match="one-shot iterator"):
        fit(model, (b for b in Batches(x, y, 8)), epochs=2, verbose=False)
    with pytest.raises(TypeError, match="val is a one-shot iterator"):
        fit(model, Batches(x, y, 8), iter(Batches(x, y, 8)), epochs=1, verbose=False)
    with pytest.raises(TypeError, match="re-iterable"):
        fit(model, 42, epochs=1, verbose=False)
    bad = x.copy()
    bad[17, 0] = np.inf  # in the third batch of eight (no shuffling)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match="in epoch 1, batch 3"):
        fit(model, Batches(bad, y, 8), epochs=1, verbose=False)
    with pytest.raises(ValueError, match="unknown metric"):
        fit(model, Batches(x, y, 8), epochs=1, metric="f1", verbose=False)
    with pytest.raises(ValueError, match="differ in length"):
        Batches(np.ones((3, 1)), np.ones(2), 2)
