"""Tests of dlnotes.data.batching: Batches over numpy arrays and torch tensors, splits."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlnotes import data


def test_batches_cover_every_example_once():
    x = torch.arange(10).float().unsqueeze(1)
    y = torch.arange(10)
    b = data.Batches(x, y, batch_size=4, shuffle=True, rng=3)
    assert len(b) == 3
    seen = torch.cat([yb for _, yb in b])
    assert sorted(seen.tolist()) == list(range(10))
    seen2 = torch.cat([yb for _, yb in b])
    assert seen.tolist() != seen2.tolist(), "a new order each epoch"
    assert len(data.Batches(x, y, 4, drop_last=True)) == 2
    with pytest.raises(ValueError):
        data.Batches(x, y[:5])


@pytest.mark.parametrize("n,batch_size", [(5, 1), (9, 4), (1, 3)])
def test_numpy_batches_keep_the_batch_dimension(n, batch_size):
    x = np.arange(n * 3, dtype=float).reshape(n, 3)
    y = np.arange(n)
    sizes = []
    for xb, yb in data.Batches(x, y, batch_size, shuffle=True, rng=0):
        assert xb.ndim == 2 and yb.ndim == 1 and len(xb) == len(yb)
        np.testing.assert_array_equal(xb[:, 0] / 3, yb)
        sizes.append(len(yb))
    assert sum(sizes) == n


def test_numpy_batches_reproducible_and_reshuffled():
    x, y = np.arange(20.0)[:, None], np.arange(20)
    a = [yb.tolist() for _, yb in data.Batches(x, y, 5, shuffle=True, rng=4)]
    b = [yb.tolist() for _, yb in data.Batches(x, y, 5, shuffle=True, rng=4)]
    assert a == b
    batches = data.Batches(x, y, 5, shuffle=True, rng=4)
    assert [yb.tolist() for _, yb in batches] != [yb.tolist() for _, yb in batches]


def test_batches_reject_bad_batch_size():
    x, y = np.zeros((4, 1)), np.zeros(4)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="batch_size"):
            data.Batches(x, y, bad)


def test_train_val_split():
    tr, va = data.train_val_split(10, 3, rng=0)
    assert len(va) == 3 and sorted(np.r_[tr, va].tolist()) == list(range(10))
    with pytest.raises(ValueError):
        data.train_val_split(5, 5, rng=0)
