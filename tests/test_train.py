"""Tests of the torch training loop (dlnotes.train), the models and the utilities."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlnotes import data, models, train, utils


def toy_problem(rng=0, n=512):
    g = torch.Generator().manual_seed(rng)
    x = torch.randn(n, 2, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return x, y


def test_fit_learns_a_linear_rule_and_is_reproducible():
    x, y = toy_problem()
    histories = []
    for _ in range(2):
        utils.seed_everything(0)
        model = models.mlp([2, 16, 2])
        h = train.fit(model, data.Batches(x, y, 64, shuffle=True, rng=0),
                      data.Batches(x, y, 256), epochs=5, lr=0.5, device="cpu", progress=False,
                      verbose=False)
        histories.append(h)
    h = histories[0]
    assert h.epochs == 5 and len(h.val_acc) == 5 and len(h.epoch_seconds) == 5
    assert h.train_loss[-1] < h.train_loss[0]
    assert h.val_acc[-1] > 0.95
    assert histories[0].train_loss == histories[1].train_loss
    loss, acc = train.evaluate(model=models.linear_classifier(2, 2), batches=data.Batches(x, y, 100))
    assert 0 <= acc <= 1 and loss > 0
    assert "epoch 5" in h.summary()


def test_fit_prints_one_line_per_epoch(capsys):
    x, y = toy_problem(n=64)
    train.fit(models.mlp([2, 4, 2]), data.Batches(x, y, 32), epochs=2, device="cpu", progress=False)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("epoch")]
    assert len(lines) == 2


def test_fit_rejects_bad_epochs():
    x, y = toy_problem(n=8)
    with pytest.raises(ValueError, match="epochs"):
        train.fit(models.mlp([2, 2]), data.Batches(x, y, 4), epochs=0)


def test_mlp_structure_and_errors():
    m = models.mlp([784, 32, 16, 10], "tanh", dropout=0.1, batchnorm=True)
    kinds = [type(l).__name__ for l in m]
    assert kinds == ["Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear", "BatchNorm1d", "Tanh",
                     "Dropout", "Linear"]
    assert m[0].weight.shape == (32, 784)
    assert models.count_parameters(models.mlp([3, 2])) == 8
    with pytest.raises(ValueError):
        models.mlp([10])
    with pytest.raises(ValueError, match="unknown activation"):
        models.mlp([2, 2, 2], "swishy")


def test_to_tensors_shapes():
    imgs = np.full((3, 28, 28), 255, dtype=np.uint8)
    x, y = data.to_tensors(imgs, np.array([1, 2, 3]))
    assert x.shape == (3, 784) and x.dtype == torch.float32 and float(x.max()) == 1.0
    x2, _ = data.to_tensors(imgs, np.array([1, 2, 3]), flatten=False)
    assert x2.shape == (3, 1, 28, 28) and y.dtype == torch.int64


def test_seed_and_device_helpers(monkeypatch):
    g1 = utils.seed_everything(5)
    a = torch.rand(3)
    g2 = utils.seed_everything(5)
    assert torch.equal(a, torch.rand(3)) and g1.random() == g2.random()
    with pytest.raises(ValueError):
        utils.seed_everything(-1)
    gen = np.random.default_rng(1)
    assert utils.as_generator(gen) is gen
    assert utils.as_generator(7).random() == np.random.default_rng(7).random()
    assert utils.as_generator(None).random() != utils.as_generator(None).random()
    for bad in (-1, 1.5, "0", True):
        with pytest.raises(TypeError, match="rng must be"):
            utils.as_generator(bad)
    monkeypatch.delenv("DLNOTES_DEVICE", raising=False)
    assert utils.get_device("cpu").type == "cpu"
    assert utils.get_device().type in {"cpu", "cuda", "mps"}
    monkeypatch.setenv("DLNOTES_DEVICE", "cpu")
    assert utils.get_device().type == "cpu"
    with utils.Timer() as t:
        sum(range(1000))
    assert t.seconds >= 0
    assert "torch" in utils.hardware_info()


def test_torch_threads_restores():
    old = torch.get_num_threads()
    with utils.torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == old
    with pytest.raises(ValueError):
        with utils.torch_threads(0):
            pass


def test_weight_grad_norms():
    torch.manual_seed(0)
    net = models.mlp([4, 3, 2], batchnorm=True)
    with pytest.raises(ValueError, match="backward"):
        train.weight_grad_norms(net)
    net(torch.randn(5, 4)).sum().backward()
    norms = train.weight_grad_norms(net)
    expected = [net[0].weight.grad.norm().item(), net[3].weight.grad.norm().item()]
    assert norms == expected  # the BatchNorm's 1-D weight is not a layer's weight matrix


def test_fit_metric_none_records_losses_only(capsys):
    x, y = toy_problem(n=64)
    xr = x[:, :1]
    yr = x[:, 1:]  # a regression target
    h = train.fit(torch.nn.Linear(1, 1), data.Batches(xr, yr, 16), data.Batches(xr, yr, 64),
                  epochs=2, loss_fn=torch.nn.MSELoss(), metric=None, device="cpu", progress=False)
    out = capsys.readouterr().out
    assert "acc" not in out and "train loss" in out and "val loss" in out
    assert len(h.val_loss) == 2
    with pytest.raises(AttributeError, match="train_acc"):
        _ = h.train_acc


def test_fit_custom_metric_and_early_stop():
    x, y = toy_problem(n=64)

    def error_rate(out, y):
        return (out.argmax(1) != y).float().mean()

    h = train.fit(models.mlp([2, 4, 2]), data.Batches(x, y, 16), epochs=10, metric=error_rate,
                  device="cpu", progress=False, verbose=False,
                  on_epoch_end=lambda epoch, hist: epoch == 3)
    assert h.epochs == 3 and h.stopped_early and len(h.train_error_rate) == 3


def test_fit_rejects_empty_and_one_shot_sources():
    x, y = toy_problem(n=8)
    with pytest.raises(ValueError, match="no training batches"):
        train.fit(models.mlp([2, 2]), [], epochs=1, device="cpu", progress=False)
    with pytest.raises(TypeError, match="one-shot iterator"):
        train.fit(models.mlp([2, 2]), (b for b in data.Batches(x, y, 4)), epochs=2, device="cpu")
    with pytest.raises(ValueError, match="no batches"):
        train.evaluate(models.mlp([2, 2]), [])


def test_fit_stops_on_a_nan_loss_naming_epoch_and_batch():
    x, y = toy_problem(n=16)
    x = x.clone()
    x[9] = float("nan")  # the third batch of four
    with pytest.raises(FloatingPointError, match="epoch 1, batch 3"):
        train.fit(models.mlp([2, 2]), data.Batches(x, y, 4), epochs=2, device="cpu",
                  progress=False, verbose=False)


def test_predict_and_evaluate_restore_the_mode():
    model = models.mlp([2, 4, 2], dropout=0.5)
    x, y = toy_problem(n=8)
    model.train()
    train.predict(model, x)
    assert model.training
    train.evaluate(model, data.Batches(x, y, 4))
    assert model.training
    model.eval()
    train.predict(model, x)
    assert not model.training
