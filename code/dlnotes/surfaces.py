"""Two-dimensional loss surfaces with their gradients, and optimiser trajectories on them.

Each :class:`Surface` maps a point ``(x, y)`` to a value and a gradient (numpy,
vectorised over leading dimensions for contour plots). :func:`trajectory`
runs one of the numpy optimisers of :mod:`dlnotes.scratch.optim` on a surface,
so the pictures use the very code that trains networks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .scratch.base import Layer

__all__ = ["Surface", "bowl", "saddle", "several_minima", "rosenbrock", "SURFACES", "trajectory",
           "make_optimizer"]


@dataclass(frozen=True)
class Surface:
    """A 2-D function ``f(p)`` with gradient ``grad(p)``; ``p`` has shape ``(..., 2)``.

    ``xlim``/``ylim`` frame its picture, ``start`` is a good starting point and
    ``minima`` lists its minimisers (empty when it has none).
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    start: tuple[float, float]
    minima: tuple[tuple[float, float], ...] = ()

    def __call__(self, p) -> np.ndarray:
        return self.f(np.asarray(p, dtype=float))

    def grid(self, n: int = 101) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, Z)`` on an ``n x n`` grid over the frame (for ``contour``)."""
        X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return X, Y, self.f(np.stack([X, Y], axis=-1))


def bowl(condition: float = 20.0) -> Surface:
    """The ill-conditioned quadratic ``(x^2 + condition * y^2) / 2``: a narrow valley whose
    curvatures differ by the factor ``condition``; minimum at the origin."""
    if condition < 1:
        raise ValueError(f"condition must be >= 1, got {condition}")
    c = float(condition)
    return Surface(f"bowl (condition {c:g})",
                   lambda p: 0.5 * (p[..., 0] ** 2 + c * p[..., 1] ** 2),
                   lambda p: np.stack([p[..., 0], c * p[..., 1]], axis=-1),
                   (-4.0, 4.0), (-2.0, 2.0), (-3.5, 1.5), ((0.0, 0.0),))


def saddle() -> Surface:
    """``x^2 - y^2`` plus a quartic that bounds it: ``x^2 + y^4 / 4 - y^2``. The origin is a
    saddle point (gradient zero, curving up in x and down in y); minima at ``(0, +-sqrt(2))``."""
    return Surface("saddle",
                   lambda p: p[..., 0] ** 2 + p[..., 1] ** 4 / 4 - p[..., 1] ** 2,
                   lambda p: np.stack([2 * p[..., 0], p[..., 1] ** 3 - 2 * p[..., 1]], axis=-1),
                   (-2.0, 2.0), (-2.0, 2.0), (-1.8, 1e-3), ((0.0, np.sqrt(2)), (0.0, -np.sqrt(2))))


def _several(p):
    x, y = p[..., 0], p[..., 1]
    return 0.1 * (x ** 2 + y ** 2) - np.cos(2 * x) * np.cos(2 * y)


def _several_grad(p):
    x, y = p[..., 0], p[..., 1]
    return np.stack([0.2 * x + 2 * np.sin(2 * x) * np.cos(2 * y),
                     0.2 * y + 2 * np.cos(2 * x) * np.sin(2 * y)], axis=-1)


def several_minima() -> Surface:
    """An egg-crate bowl ``0.1 (x^2 + y^2) - cos(2x) cos(2y)``: a global minimum at the origin
    ringed by local minima (non-convex)."""
    return Surface("several minima", _several, _several_grad, (-4.0, 4.0), (-4.0, 4.0), (-3.3, 2.9),
                   ((0.0, 0.0),))


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Surface:
    """Rosenbrock's banana ``(a - x)^2 + b (y - x^2)^2``: a curved, flat-bottomed valley; minimum
    at ``(a, a^2)``."""
    return Surface("Rosenbrock",
                   lambda p: (a - p[..., 0]) ** 2 + b * (p[..., 1] - p[..., 0] ** 2) ** 2,
                   lambda p: np.stack([-2 * (a - p[..., 0])
                                       - 4 * b * p[..., 0] * (p[..., 1] - p[..., 0] ** 2),
                                       2 * b * (p[..., 1] - p[..., 0] ** 2)], axis=-1),
                   (-2.0, 2.0), (-1.0, 3.0), (-1.5, 2.5), ((a, a * a),))


#: The explorer's surfaces by name.
SURFACES: dict[str, Callable[[], Surface]] = {"bowl": bowl, "saddle": saddle,
                                             "several minima": several_minima, "Rosenbrock": rosenbrock}


class _Point(Layer):
    """A "layer" whose only parameter is the point being optimised."""

    def __init__(self, start) -> None:
        super().__init__()
        self.params["weight"] = np.array(start, dtype=np.float64)


def make_optimizer(name: str, point: Layer, lr: float):
    """A numpy optimiser by name: ``"sgd"``, ``"momentum"`` (0.9), ``"nesterov"``, ``"adagrad"``,
    ``"rmsprop"``, ``"adam"``."""
    from .scratch import optim

    makers = {"sgd": lambda: optim.SGD(point, lr),
              "momentum": lambda: optim.SGD(point, lr, momentum=0.9),
              "nesterov": lambda: optim.SGD(point, lr, momentum=0.9, nesterov=True),
              "adagrad": lambda: optim.Adagrad(point, lr),
              "rmsprop": lambda: optim.RMSprop(point, lr),
              "adam": lambda: optim.Adam(point, lr)}
    if name not in makers:
        raise ValueError(f"unknown optimiser {name!r}; choose from {sorted(makers)}")
    return makers[name]()


def trajectory(surface: Surface, optimizer: str, lr: float, steps: int = 100,
               start: tuple[float, float] | None = None, *, bound: float = 1e6) -> np.ndarray:
    """The points visited by ``optimizer`` (a name for :func:`make_optimizer`) from ``start``
    (default ``surface.start``); stops early once a point leaves ``|p| < bound`` (divergence).

    Shape: ``(steps + 1, 2)`` or fewer rows when it diverged.
    """
    point = _Point(surface.start if start is None else start)
    opt = make_optimizer(optimizer, point, lr)
    path = [point.params["weight"].copy()]
    for _ in range(int(steps)):
        point.grads["weight"] = surface.grad(point.params["weight"])
        opt.step()
        p = point.params["weight"].copy()
        path.append(p)
        if not np.all(np.isfinite(p)) or np.abs(p).max() > bound:
            break
    return np.array(path)
