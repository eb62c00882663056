"""One neuron with a threshold: the perceptron, its learning rule and the Hebb rule.

The neuron computes ``z = x · weight + bias`` and outputs 1 when ``z > 0``,
else 0: a step function with step(0) = 0, the book's convention (the same
as :func:`dlnotes.scratch.activations.step`). ``weight`` has shape
``(in_features,)``: it is the single row of a ``torch.nn.Linear(in_features, 1)``
weight of shape ``(1, in_features)``, so values copy across with
``linear.weight.data[0] = torch.from_numpy(weight)``.

Rosenblatt's learning rule (with targets ``d`` in {0, 1}) changes the weights
only when the neuron is wrong::

    weight <- weight + lr * (d - y) * x
    bias   <- bias   + lr * (d - y)

It is one step of gradient descent on the *perceptron criterion*
``max(0, -t z)`` with ``t = 2 d - 1`` (see :func:`perceptron_criterion`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..scratch.base import as_float_array
from ..utils import as_generator

__all__ = [
    "step",
    "decision_function",
    "predict",
    "perceptron_step",
    "hebb_rule",
    "PerceptronUpdate",
    "PerceptronHistory",
    "train_perceptron",
    "perceptron_criterion",
    "mistake_bound",
    "grid_search_line",
]

def step(z) -> np.ndarray:
    """Threshold (Heaviside) activation: 1 where ``z > 0``, else 0 (int64)."""
    return (as_float_array(z, "z") > 0).astype(np.int64)


def _check_params(weight, bias, n_features: int | None = None) -> tuple[np.ndarray, float]:
    w = as_float_array(weight, "weight", ndim=1)
    if np.ndim(bias) != 0:
        raise ValueError(f"bias must be a scalar, got shape {np.shape(bias)}")
    b = float(as_float_array(bias, "bias"))
    if n_features is not None and w.shape[0] != n_features:
        raise ValueError(f"weight has {w.shape[0]} entries but the input has {n_features} features")
    return w.astype(np.float64), b


def _check_X(X) -> np.ndarray:
    X = as_float_array(X, "X", ndim=2)
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values")
    return X


def decision_function(X, weight, bias) -> np.ndarray:
    """The weighted sum ``z = X @ weight + bias`` of every row of ``X``.

    Shape: ``X (N, in)``, ``weight (in,)``, scalar ``bias`` -> ``(N,)``.
    """
    X = _check_X(X)
    w, b = _check_params(weight, bias, X.shape[1])
    return X @ w + b


def predict(X, weight, bias) -> np.ndarray:
    """The neuron's outputs (0 or 1): ``step(X @ weight + bias)``.

    Shape: ``X (N, in)`` -> ``(N,)`` int64.
    """
    return step(decision_function(X, weight, bias))


def _check_labels(y, n: int) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},) (one label per row of X), got {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"labels must be 0 or 1, got values {np.unique(y)[:5].tolist()}")
    return y.astype(np.int64)


def perceptron_step(weight, bias, x, target: int, lr: float = 1.0) -> tuple[np.ndarray, float, int]:
    """One application of the perceptron rule to one example ``(x, target)``.

    Returns ``(new_weight, new_bias, error)`` with ``error = target - output``
    in {-1, 0, 1}; the parameters change only when ``error != 0``.

    Shape: ``weight (in,)``, ``x (in,)``.
    """
    x = as_float_array(x, "x", ndim=1)
    w, b = _check_params(weight, bias, x.shape[0])
    if target not in (0, 1):
        raise ValueError(f"target must be 0 or 1, got {target!r}")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    error = int(target) - int(x @ w + b > 0)
    return w + lr * error * x, b + lr * error, error


def hebb_rule(weight, x, y, lr: float = 1.0) -> np.ndarray:
    """Hebb's rule: strengthen a connection when its two ends are active together.

    ``weight[j, i] += lr * y[j] * x[i]`` (``new = weight + lr * outer(y, x)``),
    with the torch layout ``(out, in)``. No target, no error: it is
    unsupervised. A 1-D ``weight`` with a scalar ``y`` is one neuron.

    Shape: ``weight (out, in)``, ``x (in,)``, ``y (out,)``; or ``(in,)``, ``(in,)``, scalar.
    """
    w = as_float_array(weight, "weight", ndim=(1, 2))
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=(0, 1))
    if w.shape[-1] != x.shape[0]:
        raise ValueError(f"weight has {w.shape[-1]} inputs but x has {x.shape[0]} entries")
    expected_y = () if w.ndim == 1 else (w.shape[0],)
    if y.shape != expected_y:
        raise ValueError(f"y must have shape {expected_y} for a weight of shape {w.shape}, got {y.shape}")
    return w + lr * np.multiply.outer(y, x)


@dataclass(frozen=True)
class PerceptronUpdate:
    """One update of the perceptron rule: which example was wrong and the parameters after it."""

    epoch: int
    index: int  # row of X that was misclassified
    error: int  # target - output: +1 (missed a 1) or -1 (false alarm)
    weight: np.ndarray
    bias: float


@dataclass
class PerceptronHistory:
    """What :func:`train_perceptron` did: every update, the final parameters, convergence."""

    weight: np.ndarray
    bias: float
    updates: list[PerceptronUpdate] = field(default_factory=list)
    errors_per_epoch: list[int] = field(default_factory=list)
    converged: bool = False

    @property
    def epochs(self) -> int:
        return len(self.errors_per_epoch)

    def __repr__(self) -> str:
        w = ", ".join(f"{v:.4g}" for v in self.weight)
        return (f"PerceptronHistory(weight=[{w}], bias={self.bias:.4g}, updates={len(self.updates)}, "
                f"epochs={self.epochs}, converged={self.converged})")


def train_perceptron(
    X,
    y,
    *,
    lr: float = 1.0,
    epochs: int = 100,
    rng: int | np.random.Generator | None = 0,
    shuffle: bool = True,
    weight=None,
    bias: float = 0.0,
) -> PerceptronHistory:
    """Rosenblatt's perceptron: sweep over the data, update on every mistake.

    Each epoch visits the examples in a random order drawn from ``rng``
    (``shuffle=False`` keeps the given order). Training stops after the first epoch without a mistake
    (``converged=True``) or after ``epochs`` epochs. The parameters start at
    ``weight`` (default zeros) and ``bias``.

    Shape: ``X (N, in)``, ``y (N,)`` with 0/1 labels; ``weight (in,)``.
    """
    X = _check_X(X)
    y = _check_labels(y, len(X))
    if len(X) == 0:
        raise ValueError("X has no rows")
    if not (isinstance(epochs, (int, np.integer)) and epochs >= 1):
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    w, b = _check_params(np.zeros(X.shape[1]) if weight is None else weight, bias, X.shape[1])
    gen = as_generator(rng) if shuffle else None
    history = PerceptronHistory(weight=w.copy(), bias=b)
    for epoch in range(1, epochs + 1):
        order = np.arange(len(X)) if gen is None else gen.permutation(len(X))
        mistakes = 0
        for i in order:
            error = int(y[i]) - int(X[i] @ w + b > 0)
            if error:
                w = w + lr * error * X[i]
                b = b + lr * error
                mistakes += 1
                history.updates.append(PerceptronUpdate(epoch, int(i), error, w.copy(), float(b)))
        history.errors_per_epoch.append(mistakes)
        if mistakes == 0:
            history.converged = True
            break
    history.weight, history.bias = w, float(b)
    return history


def perceptron_criterion(X, y, weight, bias) -> tuple[float, np.ndarray, float]:
    """The perceptron criterion and its gradient: ``L = mean(max(0, -t * z))`` with ``t = 2y - 1``.

    Returns ``(loss, dL/dweight, dL/dbias)``. A gradient step with learning
    rate ``lr * N`` on one misclassified example is exactly the perceptron rule.
    (At ``t z = 0`` the subgradient 0 is used, as ``torch.relu`` does.)

    Shape: ``X (N, in)``, ``y (N,)``, ``weight (in,)`` -> ``float``, ``(in,)``, ``float``.
    """
    X = _check_X(X)
    y = _check_labels(y, len(X))
    w, b = _check_params(weight, bias, X.shape[1])
    t = 2.0 * y - 1.0
    margin = -t * (X @ w + b)
    active = (margin > 0).astype(np.float64)
    n = len(X)
    loss = float(np.maximum(margin, 0.0).sum() / n)
    coef = -(active * t) / n  # dL/dz per example
    return loss, X.T @ coef, float(coef.sum())


def mistake_bound(X, y, weight, bias) -> float:
    """Novikoff's bound ``(R / gamma)^2`` on the perceptron's number of updates.

    ``(weight, bias)`` is any line that separates the data; ``R`` is the
    largest norm of an input extended by a constant 1 (for the bias) and
    ``gamma`` the smallest distance of such an input to the separating plane
    through the origin of the extended space. Started from zeros, the
    perceptron makes at most this many updates, whatever ``lr`` and order.
    Raises ``ValueError`` if ``(weight, bias)`` does not separate the data.
    """
    X = _check_X(X)
    y = _check_labels(y, len(X))
    w, b = _check_params(weight, bias, X.shape[1])
    Xe = np.c_[X, np.ones(len(X))]
    we = np.r_[w, b]
    norm = np.linalg.norm(we)
    if norm == 0:
        raise ValueError("weight and bias are all zero: that is not a separating line")
    margins = (2 * y - 1) * (Xe @ we) / norm
    gamma = margins.min()
    if gamma <= 0:
        raise ValueError("(weight, bias) does not separate the data strictly: no bound")
    R = np.linalg.norm(Xe, axis=1).max()
    return float((R / gamma) ** 2)


def grid_search_line(X, y, values) -> tuple[float, np.ndarray, float]:
    """Try every ``(w1, w2, b)`` with entries from ``values``; return the best accuracy and its line.

    A brute-force check of what one two-input neuron can do. Ties go to the
    first combination in the order ``w1``, ``w2``, ``b``.

    Shape: ``X (N, 2)``, ``y (N,)`` -> ``(accuracy, weight (2,), bias)``.
    """
    X = _check_X(X)
    if X.shape[1] != 2:
        raise ValueError(f"grid_search_line needs two features, got {X.shape[1]}")
    y = _check_labels(y, len(X))
    v = as_float_array(values, "values", ndim=1)
    if v.size == 0 or v.size > 201:
        raise ValueError(f"values must have between 1 and 201 entries, got {v.size}")
    w2, b = np.meshgrid(v, v, indexing="ij")
    w2, b = w2.ravel(), b.ravel()
    best = (-1.0, np.zeros(2), 0.0)
    for w1 in v:  # one slab of the grid at a time keeps memory small
        z = w1 * X[:, 0][None, :] + w2[:, None] * X[:, 1][None, :] + b[:, None]  # (K, N)
        acc = ((z > 0).astype(np.int64) == y).mean(axis=1)
        k = int(np.argmax(acc))
        if acc[k] > best[0]:
            best = (float(acc[k]), np.array([w1, w2[k]]), float(b[k]))
    return best
