"""Small synthetic 2-D data sets for pictures of decision boundaries.

These are *toy* data sets, generated from a seed: the chapters label them as
such and never use them in place of real data. Every generator takes an
explicit ``rng`` (an int or a ``np.random.Generator``), so there is no hidden
global random state.

Shape: every generator returns ``X`` of shape ``(n, 2)`` (float64) and ``y`` of
shape ``(n,)`` (int64, classes 0 and 1), with the two classes as equal in size
as ``n`` allows.
"""

from __future__ import annotations

import numpy as np

from ..utils import as_generator

__all__ = ["two_spirals", "two_moons", "circles", "TOY_DATASETS", "make"]

def _check(n: int, noise: float) -> tuple[int, float]:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2 (points in all), got {n!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    return int(n), float(noise)


def _sizes(n: int) -> tuple[int, int]:
    return n - n // 2, n // 2


def two_spirals(n: int = 300, *, turns: float = 1.5, noise: float = 0.08,
                rng: int | np.random.Generator | None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spiral arms (class 0 and class 1), each making ``turns`` turns.

    The arms are point-symmetric copies of each other; ``noise`` is the standard
    deviation of Gaussian jitter added to every coordinate. Radii lie in [0.1, 1].
    """
    n, noise = _check(n, noise)
    if not np.isfinite(turns) or turns <= 0:
        raise ValueError(f"turns must be a positive number, got {turns!r}")
    gen = as_generator(rng)
    n0, n1 = _sizes(n)
    parts = []
    for k, m in ((0, n0), (1, n1)):
        t = np.sqrt(gen.uniform(0.0, 1.0, m))  # denser towards the outside, where the arm is longer
        angle = 2 * np.pi * turns * t + np.pi * k
        radius = 0.1 + 0.9 * t
        pts = np.c_[radius * np.cos(angle), radius * np.sin(angle)]
        parts.append(pts + noise * gen.standard_normal(pts.shape))
    X = np.concatenate(parts)
    y = np.r_[np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    return X, y


def two_moons(n: int = 300, *, noise: float = 0.1,
              rng: int | np.random.Generator | None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 the upper moon, class 1 the lower one."""
    n, noise = _check(n, noise)
    gen = as_generator(rng)
    n0, n1 = _sizes(n)
    a0 = gen.uniform(0.0, np.pi, n0)
    a1 = gen.uniform(0.0, np.pi, n1)
    upper = np.c_[np.cos(a0), np.sin(a0)]
    lower = np.c_[1.0 - np.cos(a1), 0.5 - np.sin(a1)]
    X = np.concatenate([upper, lower]) + noise * gen.standard_normal((n, 2))
    y = np.r_[np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    return X, y


def circles(n: int = 300, *, factor: float = 0.5, noise: float = 0.08,
            rng: int | np.random.Generator | None) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric rings: class 0 the outer ring (radius 1), class 1 the inner one (``factor``)."""
    n, noise = _check(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius) must lie in (0, 1), got {factor!r}")
    gen = as_generator(rng)
    n0, n1 = _sizes(n)
    a = gen.uniform(0.0, 2 * np.pi, n)
    r = np.r_[np.ones(n0), np.full(n1, factor)]
    X = np.c_[r * np.cos(a), r * np.sin(a)] + noise * gen.standard_normal((n, 2))
    y = np.r_[np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)]
    return X, y


#: Generators by name, for :func:`make`.
TOY_DATASETS = {"spirals": two_spirals, "moons": two_moons, "circles": circles}


def make(name: str, n: int = 300, *, rng: int | np.random.Generator | None,
         **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """A toy data set by name (``"spirals"``, ``"moons"``, ``"circles"``).

    Shape: ``X`` ``(n, 2)``, ``y`` ``(n,)``.
    """
    if name not in TOY_DATASETS:
        raise ValueError(f"unknown toy data set {name!r}; choose one of {sorted(TOY_DATASETS)}")
    return TOY_DATASETS[name](n, rng=rng, **kwargs)
