"""Gradient checking (梯度检验): compare a backward pass with central finite differences.

The numerical derivative of a scalar function ``f`` with respect to one entry
``x_i`` is the central difference

    (f(x + eps e_i) - f(x - eps e_i)) / (2 eps),

whose error shrinks like ``eps**2``. Each checked array gets one *relative
error* (as in Stanford's CS231n notes, but taken over the whole array with
norms so that entries whose gradient is almost zero do not produce noise)::

    rel = ||analytic - numeric|| / max(||analytic||, ||numeric||)

Rules of thumb (float64, ``eps = 1e-6``): ``rel < 1e-7`` the backward is
right; up to ``1e-4`` acceptable only for functions with kinks (ReLU, max);
``1e-4 .. 1e-2`` suspicious; ``> 1e-2`` wrong.
Gradient checks need float64: in float32 the rounding error of ``f`` divided
by ``eps`` swamps the difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "numerical_gradient",
    "relative_error",
    "verdict",
    "GradcheckResult",
    "GradcheckReport",
    "gradcheck",
    "check_layer",
    "check_model",
]


def _require_float64(x: np.ndarray, name: str) -> None:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(x).__name__}")
    if x.dtype != np.float64:
        raise ValueError(f"{name} has dtype {x.dtype}; gradient checking needs float64 "
                         "(in float32 rounding errors swamp the finite differences)")


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``f`` takes no arguments and must read ``x`` (which is changed in place
    one entry at a time and restored afterwards).

    Shape: the result has the shape of ``x``.
    """
    _require_float64(x, "x")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    if not x.flags.c_contiguous or not x.flags.writeable:
        raise ValueError("x must be a writeable, C-contiguous array (it is changed in place)")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        try:
            flat[i] = old + eps
            f_plus = float(f())
            flat[i] = old - eps
            f_minus = float(f())
        finally:  # the caller's array is restored even when f raises
            flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


#: Gradients whose norms are both below this count as equal (a correct all-zero gradient
#: passes, although finite differences of a flat function are rounding noise of ~1e-10).
ABS_FLOOR = 1e-8


def relative_error(analytic, numeric) -> float:
    """``||a - n|| / max(||a||, ||n||)``; 0 when both norms are below :data:`ABS_FLOOR`;
    ``inf`` when either gradient holds NaN or infinity (never a pass)."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"shapes differ: analytic {a.shape} vs numeric {n.shape}")
    if not (np.isfinite(a).all() and np.isfinite(n).all()):
        return float("inf")
    scale = max(np.linalg.norm(a), np.linalg.norm(n))
    if scale < ABS_FLOOR:
        return 0.0
    return float(np.linalg.norm(a - n) / scale)


def verdict(rel: float) -> str:
    """CS231n's reading of a relative error (float64)."""
    if rel < 1e-7:
        return "good"
    if rel < 1e-4:
        return "ok only with kinks"
    if rel < 1e-2:
        return "suspicious"
    return "WRONG"


@dataclass
class GradcheckResult:
    """The check of one array: its name, shape and relative error."""

    name: str
    shape: tuple[int, ...]
    rel_error: float
    analytic: np.ndarray = field(repr=False)
    numeric: np.ndarray = field(repr=False)

    @property
    def verdict(self) -> str:
        return verdict(self.rel_error)


@dataclass
class GradcheckReport:
    """All results of one check; ``str(report)`` is a table, ``report.ok()`` a yes/no."""

    results: list[GradcheckResult]

    @property
    def max_error(self) -> float:
        """The largest relative error (``inf`` if any is; NaN never hides behind ``max``)."""
        errors = [r.rel_error for r in self.results]
        if any(not np.isfinite(e) for e in errors):
            return float("inf")
        return max(errors, default=0.0)

    def ok(self, tol: float = 1e-7) -> bool:
        return self.max_error < tol

    def __getitem__(self, name: str) -> GradcheckResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(f"no result named {name!r}; have {[r.name for r in self.results]}")

    def __str__(self) -> str:
        width = max([len("array")] + [len(r.name) for r in self.results])
        lines = [f"{'array':<{width}}  {'shape':<12}  rel. error  verdict"]
        for r in self.results:
            lines.append(f"{r.name:<{width}}  {str(r.shape):<12}  {r.rel_error:10.1e}  {r.verdict}")
        return "\n".join(lines)

    __repr__ = __str__


def gradcheck(f: Callable[[], float], arrays: Mapping[str, np.ndarray],
              analytic: Mapping[str, np.ndarray], eps: float = 1e-6) -> GradcheckReport:
    """Check ``analytic[name]`` against the numerical gradient of ``f()`` w.r.t. ``arrays[name]``.

    ``f`` must read the arrays (they are changed in place and restored).
    """
    results = []
    for name, x in arrays.items():
        if name not in analytic:
            raise KeyError(f"no analytic gradient for {name!r}")
        a = np.asarray(analytic[name], dtype=np.float64)
        if a.shape != x.shape:
            raise ValueError(f"analytic gradient of {name!r} has shape {a.shape}, "
                             f"the array has shape {x.shape}")
        num = numerical_gradient(f, x, eps)
        results.append(GradcheckResult(name, tuple(x.shape), relative_error(a, num), a, num))
    return GradcheckReport(results)


def check_layer(layer, x, *, rng: int | np.random.Generator | None = 0, eps: float = 1e-6) -> GradcheckReport:
    """Gradient check of a numpy layer: its input and every parameter.

    The scalar checked is ``sum(layer(x) * g)`` for a fixed random ``g``, so
    ``g`` is the upstream gradient handed to ``layer.backward``. Results are
    named ``"input"`` and by parameter name (``"weight"``, ``"bias"``, ...).
    """
    from .scratch.base import no_grad
    from .utils import as_generator

    gen = as_generator(rng)
    x = np.array(x, dtype=np.float64)  # a private float64 copy
    params = {name: p for name, p, _ in layer.named_parameters()}  # a container's too ("0.weight")
    for name, p in params.items():
        _require_float64(p, f"parameter {name!r}")
    layer.zero_grad()
    out = layer.forward(x)
    g = gen.normal(size=np.shape(out))
    grad_x = layer.backward(g)
    analytic = {"input": np.array(grad_x, dtype=np.float64)}
    analytic.update({k: np.array(v, dtype=np.float64)
                     for k, _, v in layer.named_parameters() if v is not None})

    def f() -> float:
        with no_grad(layer):
            return float(np.sum(layer.forward(x) * g))

    arrays = {"input": x, **params}
    return gradcheck(f, arrays, analytic, eps)


def check_model(model, loss, x, target, *, eps: float = 1e-6,
                include_input: bool = False) -> GradcheckReport:
    """Gradient check of a whole numpy model under a numpy loss (e.g. an MLP with cross-entropy).

    Runs ``loss(model(x), target)`` and its backward once for the analytic
    gradients, then perturbs every parameter (named like torch's
    ``named_parameters``: ``"0.weight"``, ...).
    """
    from .scratch.base import no_grad

    x = np.array(x, dtype=np.float64)
    params = {name: p for name, p, _ in model.named_parameters()}
    for name, p in params.items():
        _require_float64(p, f"parameter {name!r}")
    model.zero_grad()
    loss(model.forward(x), target)
    grad_x = model.backward(loss.backward())
    analytic = {name: np.array(g, dtype=np.float64) for name, _, g in model.named_parameters()}
    arrays = dict(params)
    if include_input:
        analytic["input"] = np.array(grad_x, dtype=np.float64)
        arrays = {"input": x, **arrays}

    def f() -> float:
        with no_grad(model, loss):
            return float(loss(model.forward(x), target))

    return gradcheck(f, arrays, analytic, eps)
