"""Pooling from scratch (numpy): ``MaxPool2d`` and ``AvgPool2d`` (torch's names and arguments).

Both look at kernel-sized windows moved by ``stride`` (default: the kernel size) over a
zero-padded (average) or ``-inf``-padded (max) input. :func:`max_pool2d_loops` is the
definition one window at a time; the layers use the vectorised window view.
Average pooling counts padded zeros in the mean (torch's ``count_include_pad=True``).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .base import Layer, as_float_array
from .conv import _pair, conv_output_size

__all__ = ["max_pool2d_loops", "avg_pool2d_loops", "MaxPool2d", "AvgPool2d"]


def _setup(x, kernel_size, stride, padding):
    x = as_float_array(x, "input", 4)
    (kh, kw) = _pair(kernel_size, "kernel_size")
    (sh, sw) = _pair(kernel_size if stride is None else stride, "stride")
    (ph, pw) = _pair(padding, "padding")
    if min(kh, kw, sh, sw) < 1 or min(ph, pw) < 0:
        raise ValueError("kernel_size and stride must be >= 1 and padding >= 0")
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError(f"padding {padding} must be at most half the kernel size {kernel_size}")
    ho = conv_output_size(x.shape[2], kh, sh, ph)
    wo = conv_output_size(x.shape[3], kw, sw, pw)
    return x, (kh, kw), (sh, sw), (ph, pw), (ho, wo)


def _pool_loops(x, kernel_size, stride, padding, reduce, pad_value):
    x, (kh, kw), (sh, sw), (ph, pw), (ho, wo) = _setup(x, kernel_size, stride, padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=pad_value)
    out = np.empty((*x.shape[:2], ho, wo), dtype=x.dtype)
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = reduce(xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(2, 3))
    return out


def max_pool2d_loops(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """Max pooling as its definition: ``out[n, c, i, j] = max`` of window ``(i, j)``."""
    return _pool_loops(x, kernel_size, stride, padding, np.max, -np.inf)


def avg_pool2d_loops(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """Mean pooling as its definition: ``out[n, c, i, j] = mean`` of window ``(i, j)``."""
    return _pool_loops(x, kernel_size, stride, padding, np.mean, 0.0)


class _Pool2d(Layer):
    pad_value = 0.0

    def __init__(self, kernel_size, stride=None, padding=0) -> None:
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        _pair(kernel_size, "kernel_size"), _pair(padding, "padding")

    @classmethod
    def from_torch_module(cls, module, dtype):
        if getattr(module, "ceil_mode", False) or getattr(module, "dilation", 1) not in (1, (1, 1)):
            raise ValueError("ceil_mode and dilation have no numpy twin")
        if getattr(module, "count_include_pad", True) is False or getattr(module, "divisor_override", None):
            raise ValueError("only count_include_pad=True has a numpy twin")
        return cls(module.kernel_size, module.stride, module.padding)

    def _windows(self, x):
        x, k, s, p, (ho, wo) = _setup(x, self.kernel_size, self.stride, self.padding)
        xp = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=self.pad_value)
        win = sliding_window_view(xp, k, axis=(2, 3))[:, :, ::s[0], ::s[1]][:, :, :ho, :wo]
        return x, xp, win, k, s, p, (ho, wo)

    def _scatter(self, x, xp, gwin, k, s, p, shape_out):
        """Add window gradients ``gwin`` (N, C, Ho, Wo, kh, kw) back onto the input."""
        ho, wo = shape_out
        gxp = np.zeros_like(xp)
        for u in range(k[0]):
            for v in range(k[1]):
                gxp[:, :, u:u + s[0] * ho:s[0], v:v + s[1] * wo:s[1]] += gwin[..., u, v]
        return gxp[:, :, p[0]:p[0] + x.shape[2], p[1]:p[1] + x.shape[3]]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride})"


class MaxPool2d(_Pool2d):
    """Max pooling (torch's ``nn.MaxPool2d``): the gradient goes to the largest value of each
    window (the first one, if several tie).

    Shape: ``(N, C, H, W)`` -> ``(N, C, Ho, Wo)``, ``Ho = floor((H + 2p - k) / s) + 1``.
    """

    torch_twin = "MaxPool2d"
    pad_value = -np.inf

    def forward(self, x) -> np.ndarray:
        x, xp, win, k, s, p, shape_out = self._windows(x)
        flat = win.reshape(*win.shape[:4], -1)
        idx = flat.argmax(axis=-1)
        out = np.take_along_axis(flat, idx[..., None], axis=-1)[..., 0]
        self.save_for_backward(out, x, idx)
        return out

    def backward(self, grad_out, *, input_grad: bool = True):
        grad_out, x, idx = self.saved(grad_out)
        if not input_grad:
            return None
        x, xp, _, k, s, p, shape_out = self._windows(x)
        gwin = np.zeros((*grad_out.shape, k[0] * k[1]), dtype=grad_out.dtype)
        np.put_along_axis(gwin, idx[..., None], grad_out[..., None], axis=-1)
        return self._scatter(x, xp, gwin.reshape(*grad_out.shape, *k), k, s, p, shape_out)


class AvgPool2d(_Pool2d):
    """Mean pooling (torch's ``nn.AvgPool2d`` with ``count_include_pad=True``): each input in a
    window gets ``1 / (kh kw)`` of that window's gradient.

    Shape: ``(N, C, H, W)`` -> ``(N, C, Ho, Wo)``.
    """

    torch_twin = "AvgPool2d"

    def forward(self, x) -> np.ndarray:
        x, xp, win, k, s, p, shape_out = self._windows(x)
        out = win.mean(axis=(-2, -1))
        self.save_for_backward(out, x)
        return out

    def backward(self, grad_out, *, input_grad: bool = True):
        grad_out, x = self.saved(grad_out)
        if not input_grad:
            return None
        x, xp, _, k, s, p, shape_out = self._windows(x)
        gwin = np.broadcast_to(grad_out[..., None, None] / (k[0] * k[1]), (*grad_out.shape, *k))
        return self._scatter(x, xp, gwin, k, s, p, shape_out)
