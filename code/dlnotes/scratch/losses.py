"""Loss functions from scratch (numpy), each with a forward and a backward.

Classes follow ``torch.nn`` (names, arguments, ``reduction="mean"`` by
default) so results can be compared one to one:

* :class:`CrossEntropyLoss` -- softmax + cross-entropy from **logits**
  (class indices or probability targets), numerically stable;
* :class:`BCELoss` -- binary cross-entropy on **probabilities**;
* :class:`BCEWithLogitsLoss` -- sigmoid + binary cross-entropy, stable;
* :class:`MSELoss`, :class:`L1Loss` -- squared and absolute error;
* :class:`MultiMarginLoss` -- multi-class hinge ("SVM") loss.

Functions: :func:`log_softmax`, :func:`softmax_cross_entropy`,
:func:`svm_loss` (the CS231n / lecture convention of the hinge loss),
:func:`entropy`, :func:`cross_entropy`, :func:`kl_divergence`.

All logarithms are natural, so information quantities are in **nats**;
pass ``base=2`` to get bits.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .base import Loss, as_float_array

__all__ = [
    "log_softmax",
    "softmax_cross_entropy",
    "svm_loss",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "CrossEntropyLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "MSELoss",
    "L1Loss",
    "MultiMarginLoss",
]

# --------------------------------------------------------------------------- functions


def log_softmax(z: np.ndarray, dim: int = -1) -> np.ndarray:
    """Numerically stable ``log(softmax(z))`` along ``dim`` (log-sum-exp trick).

    ``z - max(z)`` is at most 0, so ``exp`` never overflows, and the result
    never takes the log of an underflowed 0.

    Shape: same as ``z``.
    """
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("log_softmax needs at least one dimension (a vector of scores)")
    if not -z.ndim <= dim < z.ndim:
        raise ValueError(f"dim {dim} is out of range for an array with {z.ndim} dimensions")
    shifted = z - z.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def _check_class_target(target, n: int, n_classes: int) -> np.ndarray:
    t = np.asarray(target)
    if t.dtype == bool or not np.issubdtype(t.dtype, np.integer):
        raise TypeError(
            f"class-index targets must be integers (dtype int), got dtype {t.dtype}; "
            "for probability targets pass a float array with the same shape as the logits")
    if t.shape != (n,):
        raise ValueError(f"class-index target must have shape ({n},) to match the logits, got {t.shape}")
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        raise ValueError(f"class indices must lie in [0, {n_classes - 1}], got min {t.min()}, max {t.max()}")
    return t.astype(np.intp)


def _prepare_logits_target(logits, target) -> tuple[np.ndarray, np.ndarray, bool]:
    """Return (2-D logits, target, target_is_prob)."""
    z = as_float_array(logits, "logits", ndim=(1, 2))
    was_1d = z.ndim == 1
    if was_1d:
        z = z[None, :]
        target = np.asarray(target)
        target = target[None, ...] if target.ndim in (0, 1) else target
    n, c = z.shape
    if c == 0:
        raise ValueError("logits need at least one class (shape (N, C) with C >= 1)")
    t = np.asarray(target)
    if t.ndim == 2 and np.issubdtype(t.dtype, np.floating):
        if t.shape != z.shape:
            raise ValueError(f"probability target must have the logits' shape {z.shape}, got {t.shape}")
        return z, t.astype(z.dtype, copy=False), True
    return z, _check_class_target(t, n, c), False


def softmax_cross_entropy(logits: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """Cross-entropy of ``softmax(logits)`` against the target (like ``F.cross_entropy``).

    ``target`` holds class indices (integers, shape ``(N,)``) -- then each
    sample's loss is ``-log softmax(logits)[true class]`` -- or class
    probabilities (floats, shape ``(N, C)``) -- then it is
    ``-sum_c target_c * log softmax(logits)_c``.

    Shape: logits ``(N, C)`` (or ``(C,)`` with a scalar target).
    """
    return CrossEntropyLoss(reduction=reduction).forward(logits, target)


def svm_loss(scores: np.ndarray, target: np.ndarray, margin: float = 1.0, reduction: str = "mean") -> float:
    """Multi-class SVM (hinge) loss in the CS231n / lecture convention.

    Per sample: ``sum over j != y of max(0, s_j - s_y + margin)`` -- summed,
    **not** divided by the number of classes C (``torch.nn.MultiMarginLoss``
    divides by C; this is ``MultiMarginLoss(normalize=False)``).

    Shape: scores ``(N, C)`` (or ``(C,)`` with a scalar target).
    """
    return MultiMarginLoss(margin=margin, reduction=reduction, normalize=False).forward(scores, target)


def _check_distribution(p, name: str, dim: int) -> np.ndarray:
    p = as_float_array(p, name)
    if p.ndim == 0:
        raise ValueError(f"{name} must be a probability vector (at least 1-D), got a scalar")
    if np.any(~np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"{name} must contain finite, non-negative probabilities")
    if not -p.ndim <= dim < p.ndim:
        raise ValueError(f"dim {dim} is out of range for {name} with {p.ndim} dimensions")
    sums = p.sum(axis=dim)
    if not np.allclose(sums, 1.0, atol=1e-6):
        raise ValueError(f"{name} must sum to 1 along dim {dim}; sums are {np.round(sums, 6)}")
    return p


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x * log(y)`` with the convention ``0 * log(anything) = 0``."""
    out = np.zeros(np.broadcast(x, y).shape, dtype=np.result_type(x, y, np.float64))
    x_b, y_b = np.broadcast_arrays(x, y)
    nz = x_b != 0
    with np.errstate(divide="ignore"):
        out[nz] = x_b[nz] * np.log(y_b[nz])
    return out


def _log_base(base: float | None) -> float:
    if base is None:
        return 1.0
    if base <= 0 or base == 1:
        raise ValueError(f"base must be positive and != 1, got {base}")
    return float(np.log(base))


def entropy(p: np.ndarray, dim: int = -1, base: float | None = None):
    """Shannon entropy ``H(p) = -sum_i p_i log p_i`` (nats; ``base=2`` for bits).

    Uses ``0 log 0 = 0``. Returns a float for one distribution, an array for a batch.

    Shape: ``p`` is ``(..., C)`` with rows summing to 1 (along ``dim``).
    """
    p = _check_distribution(p, "p", dim)
    h = -_xlogy(p, p).sum(axis=dim) / _log_base(base) + 0.0  # + 0.0 turns -0.0 into 0.0
    return float(h) if np.ndim(h) == 0 else h


def cross_entropy(p: np.ndarray, q: np.ndarray, dim: int = -1, base: float | None = None):
    """Cross-entropy ``H(p, q) = -sum_i p_i log q_i`` (nats; ``base=2`` for bits).

    ``p`` is the true distribution, ``q`` the model's; infinite where ``q_i = 0 < p_i``.

    Shape: ``p`` and ``q`` are ``(..., C)`` with rows summing to 1.
    """
    p = _check_distribution(p, "p", dim)
    q = _check_distribution(q, "q", dim)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    h = -_xlogy(p, q).sum(axis=dim) / _log_base(base)
    return float(h) if np.ndim(h) == 0 else h


def kl_divergence(p: np.ndarray, q: np.ndarray, dim: int = -1, base: float | None = None):
    """Kullback-Leibler divergence ``KL(p || q) = sum_i p_i log(p_i / q_i)`` (nats).

    Always ``>= 0``, zero only for ``p == q``; not symmetric.
    ``H(p, q) = H(p) + KL(p || q)``. (``torch.nn.KLDivLoss`` instead takes
    ``log q`` as its input and ``p`` as its target.)

    Shape: ``p`` and ``q`` are ``(..., C)`` with rows summing to 1.
    """
    p = _check_distribution(p, "p", dim)
    q = _check_distribution(q, "q", dim)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    kl = (_xlogy(p, p) - _xlogy(p, q)).sum(axis=dim) / _log_base(base)
    kl = np.maximum(kl, 0.0)  # remove tiny negative rounding errors
    return float(kl) if np.ndim(kl) == 0 else kl


# --------------------------------------------------------------------------- classes


class CrossEntropyLoss(Loss):
    """Softmax + cross-entropy from logits, like ``torch.nn.CrossEntropyLoss``.

    ``forward(logits, target)``: ``target`` is either integer class indices
    (shape ``(N,)``) or class probabilities (float, shape ``(N, C)``).
    Stable for any logits (log-sum-exp). The gradient of each sample's term
    is ``softmax(logits) - one_hot(target)`` (for probability targets:
    ``softmax * sum(target) - target``); ``reduction="mean"`` divides by N.
    ``label_smoothing=eps`` (as in torch) trains against the mixed target
    ``(1 - eps) * target + eps / C``: the true class gets ``1 - eps + eps/C``,
    every other class ``eps / C``. (No ``weight`` or ``ignore_index``.)

    Shape: logits ``(N, C)`` or ``(C,)`` (then the target is a scalar or ``(C,)``).
    """

    torch_twin = "CrossEntropyLoss"

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        if isinstance(label_smoothing, bool) or not 0.0 <= float(label_smoothing) <= 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
        self.label_smoothing = float(label_smoothing)

    def _forward(self, logits, target):
        z, t, is_prob = _prepare_logits_target(logits, target)
        logp = log_softmax(z, dim=1)
        if self.label_smoothing > 0.0:
            eps, c = self.label_smoothing, z.shape[1]
            base = np.eye(c, dtype=z.dtype)[t] if not is_prob else t
            t, is_prob = (1.0 - eps) * base + eps / c, True
        if is_prob:
            terms = -(t * logp).sum(axis=1)
        else:
            terms = -logp[np.arange(len(z)), t]
        return terms, (logp, t, is_prob)

    def _backward(self, logp, t, is_prob):
        p = np.exp(logp)
        if is_prob:
            return p * t.sum(axis=1, keepdims=True) - t
        p[np.arange(len(p)), t] -= 1.0
        return p


def _same_shape(prediction, target, pname: str = "prediction") -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array(prediction, pname)
    y = as_float_array(target, "target")
    if x.shape != y.shape:
        raise ValueError(f"{pname} and target must have the same shape, got {x.shape} and {y.shape}")
    return x, y


class BCELoss(Loss):
    """Binary cross-entropy on probabilities, like ``torch.nn.BCELoss``.

    ``-[y log p + (1 - y) log(1 - p)]`` averaged over all elements. As in
    torch, each log is clamped at ``-100`` so ``p`` of exactly 0 or 1 gives a
    finite loss, and the gradient ``(p - y) / (p (1 - p))`` uses
    ``max(p (1 - p), 1e-12)`` in the denominator. Prefer
    :class:`BCEWithLogitsLoss` (stable) when you have the logit.

    Shape: prediction and target have the same (any) shape; prediction in [0, 1].
    """

    torch_twin = "BCELoss"
    EPS = float(np.float32(1e-12))  # torch clamps with a float32 1e-12, also in float64

    def _forward(self, prediction, target):
        p, y = _same_shape(prediction, target)
        if np.any(~(p >= 0)) or np.any(~(p <= 1)):
            raise ValueError("BCELoss expects probabilities in [0, 1] (apply a sigmoid, "
                             "or use BCEWithLogitsLoss for logits)")
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100.0)
            log_1mp = np.maximum(np.log1p(-p), -100.0)
        return -(y * log_p + (1.0 - y) * log_1mp), (p, y)

    def _backward(self, p, y):
        return (p - y) / np.maximum(p * (1.0 - p), self.EPS)


class BCEWithLogitsLoss(Loss):
    """Sigmoid + binary cross-entropy from logits, like ``torch.nn.BCEWithLogitsLoss``.

    Stable form: ``max(z, 0) - z y + log(1 + exp(-|z|))``; the gradient of
    each term is ``sigmoid(z) - y``.

    Shape: logits and target have the same (any) shape.
    """

    torch_twin = "BCEWithLogitsLoss"

    def _forward(self, logits, target):
        z, y = _same_shape(logits, target, "logits")
        return np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z))), (z, y)

    def _backward(self, z, y):
        return sigmoid(z) - y


class _ElementwiseLoss(Loss):
    """A loss ``reduce(f(x - y))`` of the element-wise difference; subclasses give f and f'."""

    @staticmethod
    def _value(diff: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @staticmethod
    def _derivative(diff: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _forward(self, prediction, target):
        x, y = _same_shape(prediction, target)
        return self._value(x - y), (x - y,)

    def _backward(self, diff):
        return self._derivative(diff)


class MSELoss(_ElementwiseLoss):
    """Mean squared error ``mean((x - y)^2)`` over all elements, like ``torch.nn.MSELoss``.

    Gradient ``2 (x - y) / n``. (Squared L2 norm of the error divided by n.)

    Shape: prediction and target have the same (any) shape.
    """

    torch_twin = "MSELoss"

    @staticmethod
    def _value(diff: np.ndarray) -> np.ndarray:
        return diff ** 2

    @staticmethod
    def _derivative(diff: np.ndarray) -> np.ndarray:
        return 2.0 * diff


class L1Loss(_ElementwiseLoss):
    """Mean absolute error ``mean(|x - y|)`` over all elements, like ``torch.nn.L1Loss``.

    Gradient ``sign(x - y) / n`` (0 where ``x == y``, as in torch).

    Shape: prediction and target have the same (any) shape.
    """

    torch_twin = "L1Loss"

    @staticmethod
    def _value(diff: np.ndarray) -> np.ndarray:
        return np.abs(diff)

    @staticmethod
    def _derivative(diff: np.ndarray) -> np.ndarray:
        return np.sign(diff)


class MultiMarginLoss(Loss):
    """Multi-class hinge ("SVM") loss on scores, like ``torch.nn.MultiMarginLoss``.

    Per sample with true class ``y``:
    ``sum over j != y of max(0, margin - s_y + s_j)^p``, then divided by the
    number of classes C (torch's convention, ``normalize=True``) or not
    (``normalize=False``: the CS231n / lecture-002 convention, see :func:`svm_loss`).
    A term at exactly 0 gets gradient 0 (as in torch).

    Shape: scores ``(N, C)`` (or ``(C,)`` with a scalar target); target ``(N,)`` integers.
    """

    torch_twin = "MultiMarginLoss"

    def __init__(self, p: int = 1, margin: float = 1.0, reduction: str = "mean",
                 normalize: bool = True) -> None:
        super().__init__(reduction)
        if p not in (1, 2):
            raise ValueError(f"p must be 1 or 2 (as in torch), got {p!r}")
        self.p = p
        self.margin = float(margin)
        self.normalize = bool(normalize)

    @classmethod
    def from_torch_module(cls, module, dtype) -> "MultiMarginLoss":
        loss = super().from_torch_module(module, dtype)  # the reduction; no class weights
        loss.p, loss.margin = module.p, float(module.margin)
        return loss

    def _forward(self, scores, target):
        s, t, is_prob = _prepare_logits_target(scores, target)
        if is_prob:
            raise TypeError("MultiMarginLoss needs integer class indices as target, not probabilities")
        rows = np.arange(len(s))
        h = self.margin - s[rows, t][:, None] + s  # (N, C)
        h[rows, t] = 0.0                             # the true class does not compete with itself
        active = h > 0
        terms = (np.where(active, h, 0.0) ** self.p).sum(axis=1)
        c = s.shape[1] if self.normalize else 1
        return terms / c, (h, active, t, c)

    def _backward(self, h, active, t, c):
        g = np.where(active, 1.0 if self.p == 1 else 2.0 * h, 0.0)  # d term / d s_j
        g[np.arange(len(g)), t] = -g.sum(axis=1)
        return g / c
