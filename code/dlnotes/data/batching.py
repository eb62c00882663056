"""Mini-batches for numpy arrays and torch tensors, and train / validation splits."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..utils import as_generator

__all__ = ["Batches", "train_val_split"]


def train_val_split(n: int, n_val: int, rng: int | np.random.Generator | None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Random disjoint, sorted index arrays ``(train_idx, val_idx)`` for ``n`` examples."""
    if not 0 <= n_val < n:
        raise ValueError(f"n_val must be in [0, {n}), got {n_val}")
    perm = as_generator(rng).permutation(n)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


class Batches:
    """Mini-batches ``(x[idx], y[idx])`` over in-memory numpy arrays or torch tensors.

    The one batching class of the book, for the numpy ``fit`` and the torch
    ``fit`` alike, and a fast replacement for ``DataLoader``: slicing whole
    arrays is many times faster than indexing one example at a time. It is
    *re-iterable*: every ``for`` loop over it is a new epoch, and with
    ``shuffle=True`` a new permutation is drawn from ``rng`` each time (torch's
    generator for tensors, numpy's for arrays), so runs are reproducible.

    Shape: each batch is ``(x[idx], y[idx])`` with ``1 <= len(idx) <= batch_size``;
    the batch dimension is kept even for one-example batches.
    """

    def __init__(self, x, y, batch_size: int = 128, *, shuffle: bool = False,
                 rng: int | np.random.Generator | None = 0, drop_last: bool = False) -> None:
        if len(x) != len(y):
            raise ValueError(f"x and y differ in length: {len(x)} vs {len(y)}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.x, self.y = x, y
        self.batch_size, self.shuffle, self.drop_last = int(batch_size), shuffle, drop_last
        self._tensors = not isinstance(x, np.ndarray) and hasattr(x, "device")  # a torch tensor
        self._gen = as_generator(rng)
        self._torch_gen = None
        if self._tensors and shuffle:
            import torch

            seed = rng if isinstance(rng, (int, np.integer)) else int(self._gen.integers(2**63))
            self._torch_gen = torch.Generator().manual_seed(int(seed))

    def __len__(self) -> int:
        n = len(self.x)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self, n: int):
        if self._torch_gen is not None:
            import torch

            return torch.randperm(n, generator=self._torch_gen).to(self.x.device)
        return self._gen.permutation(n)

    def __iter__(self) -> Iterator[tuple]:
        n = len(self.x)
        order = self._order(n) if self.shuffle else None
        for i in range(len(self)):
            sl = slice(i * self.batch_size, min((i + 1) * self.batch_size, n))
            if order is None:
                yield self.x[sl], self.y[sl]
            else:
                yield self.x[order[sl]], self.y[order[sl]]

    def __repr__(self) -> str:
        return (f"Batches({len(self.x)} examples, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, {len(self)} batches)")
