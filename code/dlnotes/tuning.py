"""Hyperparameter search and model selection: grid and random search, log-uniform sampling,
K-fold splits.

A search takes ``train_and_score(**hyperparameters) -> float`` (higher is better, e.g. a
*validation* accuracy; never the test set's) and returns the list of :class:`Trial` in the
order run; :func:`best` picks the winner.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .utils import as_generator

__all__ = ["Trial", "LogUniform", "Uniform", "Choice", "grid_search", "random_search", "best",
           "log_grid", "kfold_indices"]


@dataclass(frozen=True)
class Trial:
    """One run of the search: its hyperparameters and score."""

    params: dict
    score: float


@dataclass(frozen=True)
class Uniform:
    """Uniform on ``[low, high]``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"need low < high, got {self.low}, {self.high}")

    def sample(self, gen: np.random.Generator) -> float:
        return float(gen.uniform(self.low, self.high))


@dataclass(frozen=True)
class LogUniform:
    """Uniform in ``log``: every factor of 10 between ``low`` and ``high`` is equally likely
    (the right prior for a learning rate or a weight decay)."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0 < self.low < self.high:
            raise ValueError(f"need 0 < low < high, got {self.low}, {self.high}")

    def sample(self, gen: np.random.Generator) -> float:
        return float(math.exp(gen.uniform(math.log(self.low), math.log(self.high))))


@dataclass(frozen=True)
class Choice:
    """One of a few values, equally likely."""

    values: tuple

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("Choice needs at least one value")

    def sample(self, gen: np.random.Generator):
        return self.values[int(gen.integers(len(self.values)))]


def log_grid(low: float, high: float, n: int) -> list[float]:
    """``n`` values evenly spaced in log from ``low`` to ``high``."""
    if not 0 < low < high or n < 2:
        raise ValueError(f"need 0 < low < high and n >= 2, got {low}, {high}, {n}")
    return [float(v) for v in np.geomspace(low, high, n)]


def _check_fn(fn) -> None:
    if not callable(fn):
        raise TypeError("train_and_score must be a function of the hyperparameters returning a score")


def grid_search(train_and_score: Callable[..., float], grid: Mapping[str, Sequence]) -> list[Trial]:
    """Run ``train_and_score`` on every combination of the values in ``grid``."""
    _check_fn(train_and_score)
    if not grid or any(len(v) == 0 for v in grid.values()):
        raise ValueError("grid must map each hyperparameter to a non-empty list of values")
    names = list(grid)
    trials = []
    for combo in itertools.product(*grid.values()):
        params = dict(zip(names, combo))
        trials.append(Trial(params, float(train_and_score(**params))))
    return trials


def random_search(train_and_score: Callable[..., float], space: Mapping[str, object], n_trials: int, *,
                  rng: int | np.random.Generator | None = None) -> list[Trial]:
    """Run ``train_and_score`` on ``n_trials`` draws from ``space`` (each value a
    :class:`Uniform`, :class:`LogUniform`, :class:`Choice` or a fixed value)."""
    _check_fn(train_and_score)
    if n_trials < 1:
        raise ValueError(f"n_trials must be >= 1, got {n_trials}")
    gen = as_generator(rng)
    trials = []
    for _ in range(int(n_trials)):
        params = {k: (v.sample(gen) if hasattr(v, "sample") else v) for k, v in space.items()}
        trials.append(Trial(params, float(train_and_score(**params))))
    return trials


def best(trials: Sequence[Trial], mode: str = "max") -> Trial:
    """The trial with the highest (``mode="max"``) or lowest (``"min"``) score."""
    if not trials:
        raise ValueError("no trials")
    if mode not in ("max", "min"):
        raise ValueError(f"mode must be 'max' or 'min', got {mode!r}")
    key = (lambda t: t.score) if mode == "max" else (lambda t: -t.score)
    return max(trials, key=key)


def kfold_indices(n: int, k: int = 5, *, shuffle: bool = True,
                  rng: int | np.random.Generator | None = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` pairs ``(train_idx, val_idx)``: the examples cut into ``k`` nearly equal folds,
    each fold the validation set once (scikit-learn's ``KFold`` sizes)."""
    if k < 2 or n < k:
        raise ValueError(f"need 2 <= k <= n, got k={k}, n={n}")
    order = as_generator(rng).permutation(n) if shuffle else np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    folds = []
    for i in range(k):
        val = order[bounds[i]:bounds[i + 1]]
        train = np.concatenate([order[:bounds[i]], order[bounds[i + 1]:]])
        folds.append((train, val))
    return folds
