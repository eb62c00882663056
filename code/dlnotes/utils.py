"""Small utilities shared by every module: random generators, seeding, devices, timing."""

from __future__ import annotations

import os
import platform
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "seed_everything",
    "as_generator",
    "get_device",
    "Timer",
    "hardware_info",
    "torch_threads",
]


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python, numpy's legacy global state and torch; return a fresh Generator.

    Library code in ``dlnotes`` never relies on global random state: it takes a
    ``np.random.Generator`` or a seed argument. Notebooks call this once at the
    top so that third-party code (and torch's weight initialisation) is
    reproducible too.
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeding the legacy global state for third-party code is the point
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency, but stay usable without it
        pass
    else:
        torch.manual_seed(seed)
    return np.random.default_rng(seed)


def as_generator(rng: int | np.random.Generator | None) -> np.random.Generator:
    """The one conversion of the book's ``rng`` arguments into a ``np.random.Generator``.

    Every function that draws random numbers takes ``rng: int | np.random.Generator
    | None``: an int is a seed (reproducible), a Generator is used as it is
    (and advanced), ``None`` draws fresh entropy from the operating system
    (not reproducible; numpy's own convention). No function reads global
    random state.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)) or rng < 0:
        raise TypeError(f"rng must be a non-negative int seed, a np.random.Generator or None, "
                        f"got {rng!r}")
    return np.random.default_rng(int(rng))


def get_device(prefer: str | None = None) -> "torch.device":  # noqa: F821
    """Return the best available torch device: ``cuda``, then ``mps``, then ``cpu``.

    ``prefer`` forces a device (e.g. ``"cpu"``); the environment variable
    ``DLNOTES_DEVICE`` does the same for a whole run of the book.
    """
    import torch

    choice = prefer or os.environ.get("DLNOTES_DEVICE")
    if choice:
        dev = torch.device(choice)
        if dev.type == "cuda" and not torch.cuda.is_available():
            raise RuntimeError("device 'cuda' requested but torch.cuda.is_available() is False")
        return dev
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run a block with ``torch.set_num_threads(n)``, restoring the old value after.

    Tiny models (a few thousand parameters, small batches) train faster on one
    thread: splitting a 2x16 matrix product over cores costs more than it
    saves, and when another process is using a core, multi-threaded torch can
    become many times slower. ``with torch_threads(1): ...`` avoids both.
    """
    import torch

    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


@dataclass
class Timer:
    """Context manager measuring wall time: ``with Timer() as t: ...; t.seconds``."""

    seconds: float = field(default=0.0, init=False)
    _start: float = field(default=0.0, init=False, repr=False)

    def __enter__(self) -> "Timer":
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self._start


def hardware_info() -> str:
    """One line describing the machine: CPU, core count, accelerator, torch version."""
    parts = [platform.processor() or platform.machine(), f"{os.cpu_count()} cores"]
    try:
        import torch
    except ImportError:  # pragma: no cover
        return ", ".join(parts)
    if torch.cuda.is_available():
        parts.append(f"GPU {torch.cuda.get_device_name(0)}")
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        parts.append("Apple MPS")
    else:
        parts.append("no GPU")
    parts.append(f"torch {torch.__version__}")
    return ", ".join(parts)
