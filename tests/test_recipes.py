"""The reference recipes, on a tiny stand-in for Fashion-MNIST (fast)."""

from __future__ import annotations

import numpy as np
import torch

from dlnotes.book import recipes
from dlnotes.data import ImageData


def tiny_data(rng=0, n_train=60, n_test=20) -> ImageData:
    rng = np.random.default_rng(rng)
    return ImageData(
        name="fashion-mnist", classes=tuple(str(i) for i in range(10)),
        train_images=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        train_labels=rng.integers(0, 10, n_train), test_images=rng.integers(0, 256, (n_test, 28, 28),
                                                                           dtype=np.uint8),
        test_labels=rng.integers(0, 10, n_test))


def test_standardized_split_uses_training_statistics_only():
    ds = tiny_data()
    sp = recipes.standardized_split(ds, n_val=10, rng=0)
    assert sp.x_tr.shape == (50, 784) and sp.x_val.shape == (10, 784) and sp.x_test.shape == (20, 784)
    assert abs(sp.x_tr.mean().item()) < 1e-5 and abs(sp.x_tr.std().item() - 1) < 1e-4
    raw_test = torch.from_numpy(ds.test_images.reshape(20, -1).astype(np.float32) / 255)
    torch.testing.assert_close(sp.x_test, (raw_test - sp.mean) / sp.std)
    assert sorted(sp.y_tr.tolist() + sp.y_val.tolist()) == sorted(ds.train_labels.tolist())


def test_train_fashion_mlp_runs_and_is_reproducible():
    sp = recipes.standardized_split(tiny_data(), n_val=10, rng=0)
    runs = [recipes.train_fashion_mlp(sp, epochs=2, device="cpu") for _ in range(2)]
    (m1, h1, acc1), (m2, h2, acc2) = runs
    assert h1.epochs == 2 and len(h1.val_acc) == 2 and 0 <= acc1 <= 1
    assert h1.train_loss == h2.train_loss and acc1 == acc2
    assert [p.shape[0] for p in m1.parameters() if p.ndim == 2] == [256, 256, 10]


def test_numpy_mlp_and_torch_twin_have_the_same_shapes():
    np_model, np_opt, t_model, t_opt = recipes.numpy_mlp_and_torch_twin(rng=0)
    np_shapes = [tuple(p.shape) for _, p, _ in np_model.named_parameters()]
    t_shapes = [tuple(p.shape) for p in t_model.parameters()]
    assert np_shapes == t_shapes
    assert np_opt.lr == t_opt.param_groups[0]["lr"] == recipes.NUMPY_MLP["lr"]


def test_train_fast_cnn_smoke():
    sp = recipes.standardized_split(tiny_data(), n_val=10, rng=0)
    model, history, acc = recipes.train_fast_cnn(sp, epochs=1, device="cpu")
    assert history.epochs == 1 and 0 <= acc <= 1
    assert model(sp.x_test[:2].reshape(2, 1, 28, 28)).shape == (2, 10)
