"""Convolution from scratch (numpy): the definitions, a readable loop version and a fast one.

* :func:`correlate1d` / :func:`convolve1d`, :func:`correlate2d` / :func:`convolve2d`: one
  signal or image and one filter, "valid" positions only. *Convolution* flips the filter
  (the lecture's definition, :math:`y_{ij} = \\sum_{u,v} w_{uv} x_{i-u+1,j-v+1}`);
  *cross-correlation* does not, and is what deep-learning libraries call convolution.
* :func:`conv2d_loops` / :func:`conv2d_loops_backward`: a batch of multi-channel images,
  stride and zero padding, written as the sums they are (slow; for reading and testing).
* :func:`conv2d` / :func:`conv2d_backward`: the same numbers, vectorised with
  ``sliding_window_view`` (im2col without the copy) and ``tensordot``.
* :class:`Conv2d`: the layer (torch's ``nn.Conv2d``, ``weight`` ``(out, in, kh, kw)``).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..utils import as_generator
from .base import Layer, as_float_array, check_positive_int

__all__ = [
    "correlate1d", "convolve1d", "correlate2d", "convolve2d", "conv_output_size",
    "conv2d_loops", "conv2d_loops_backward", "conv2d", "conv2d_backward", "Conv2d",
]


def correlate1d(x, w) -> np.ndarray:
    """Cross-correlation of a signal with a filter: ``y[t] = sum_k w[k] x[t + k]`` ("valid").

    Shape: ``(n,)``, ``(m,)`` -> ``(n - m + 1,)``.
    """
    x, w = as_float_array(x, "x", 1), as_float_array(w, "w", 1)
    if len(w) > len(x):
        raise ValueError(f"filter of length {len(w)} is longer than the signal ({len(x)})")
    return np.array([np.sum(w * x[t:t + len(w)]) for t in range(len(x) - len(w) + 1)])


def convolve1d(x, w) -> np.ndarray:
    """Convolution: the filter flipped, then slid — ``y[t] = sum_k w[k] x[t - k]`` ("valid")."""
    return correlate1d(x, np.asarray(w)[::-1])


def correlate2d(x, w) -> np.ndarray:
    """2-D cross-correlation ("valid"): ``y[i, j] = sum_{u,v} w[u, v] x[i + u, j + v]`` —
    what ``torch.nn.functional.conv2d`` computes.

    Shape: ``(H, W)``, ``(kh, kw)`` -> ``(H - kh + 1, W - kw + 1)``.
    """
    x, w = as_float_array(x, "x", 2), as_float_array(w, "w", 2)
    kh, kw = w.shape
    if kh > x.shape[0] or kw > x.shape[1]:
        raise ValueError(f"kernel {w.shape} is larger than the image {x.shape}")
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(w * x[i:i + kh, j:j + kw])
    return out


def convolve2d(x, w) -> np.ndarray:
    """2-D convolution ("valid"), the mathematical definition: flip the kernel in both
    directions, then cross-correlate."""
    return correlate2d(x, np.asarray(w)[::-1, ::-1])


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Output length ``floor((n + 2p - d(k - 1) - 1) / s) + 1``; a clear error when the
    (dilated) kernel does not fit into the padded input."""
    span = dilation * (k - 1) + 1
    if span > n + 2 * padding:
        raise ValueError(f"kernel of size {k} (span {span}) is larger than the padded input "
                         f"({n} + 2*{padding} = {n + 2 * padding}): use a smaller kernel or more padding")
    return (n + 2 * padding - span) // stride + 1


def _pair(v, name: str) -> tuple[int, int]:
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {v!r}")
        return tuple(int(a) for a in v)  # type: ignore[return-value]
    return (int(v), int(v))


def _check(x, weight, bias, stride, padding):
    x = as_float_array(x, "input", 4)
    weight = as_float_array(weight, "weight", 4)
    if x.shape[1] != weight.shape[1]:
        raise ValueError(f"the input has {x.shape[1]} channels but the weight expects {weight.shape[1]} "
                         f"(weight shape (out, in, kh, kw) = {weight.shape})")
    if bias is not None and np.shape(bias) != (weight.shape[0],):
        raise ValueError(f"bias must have shape ({weight.shape[0]},), got {np.shape(bias)}")
    (sh, sw), (ph, pw) = _pair(stride, "stride"), _pair(padding, "padding")
    if sh < 1 or sw < 1 or ph < 0 or pw < 0:
        raise ValueError(f"stride must be >= 1 and padding >= 0, got {stride}, {padding}")
    ho = conv_output_size(x.shape[2], weight.shape[2], sh, ph)
    wo = conv_output_size(x.shape[3], weight.shape[3], sw, pw)
    return x, weight, (sh, sw), (ph, pw), (ho, wo)


def _pad(x, ph, pw, value=0.0):
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def conv2d_loops(x, weight, bias=None, stride=1, padding=0) -> np.ndarray:
    """The convolution layer as its definition (torch's cross-correlation), one output at a time:
    ``out[n, o, i, j] = b[o] + sum_{c,u,v} w[o, c, u, v] xpad[n, c, i*s + u, j*s + v]``.

    Shape: ``(N, C, H, W)``, ``(O, C, kh, kw)`` -> ``(N, O, Ho, Wo)``.
    """
    x, weight, (sh, sw), (ph, pw), (ho, wo) = _check(x, weight, bias, stride, padding)
    xp = _pad(x, ph, pw)
    n_out, _, kh, kw = weight.shape
    out = np.zeros((x.shape[0], n_out, ho, wo), dtype=np.result_type(x, weight))
    for n in range(x.shape[0]):
        for o in range(n_out):
            for i in range(ho):
                for j in range(wo):
                    patch = xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    out[n, o, i, j] = np.sum(weight[o] * patch) + (0.0 if bias is None else bias[o])
    return out


def conv2d_loops_backward(grad_out, x, weight, stride=1, padding=0):
    """Gradients of :func:`conv2d_loops`, by the same loops: every output ``out[n, o, i, j]``
    sent ``grad_out[n, o, i, j]`` back to the weights and to the patch it read.

    Returns ``(grad_input, grad_weight, grad_bias)``.
    """
    x, weight, (sh, sw), (ph, pw), (ho, wo) = _check(x, weight, None, stride, padding)
    xp = _pad(x, ph, pw)
    gxp, gw = np.zeros_like(xp), np.zeros_like(weight)
    _, _, kh, kw = weight.shape
    for n in range(x.shape[0]):
        for o in range(weight.shape[0]):
            for i in range(ho):
                for j in range(wo):
                    g = grad_out[n, o, i, j]
                    win = (n, slice(None), slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw))
                    gw[o] += g * xp[win]
                    gxp[win] += g * weight[o]
    gx = gxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]
    return gx, gw, grad_out.sum(axis=(0, 2, 3))


def _windows(xp, kh, kw, sh, sw, ho, wo):
    """All kernel-sized patches (a view, no copy). Shape: ``(N, C, Ho, Wo, kh, kw)``."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw][:, :, :ho, :wo]


def conv2d(x, weight, bias=None, stride=1, padding=0) -> np.ndarray:
    """:func:`conv2d_loops`, vectorised: the patches as a strided view (im2col without the
    copy), then one ``tensordot`` over (channel, kernel row, kernel column)."""
    x, weight, (sh, sw), (ph, pw), (ho, wo) = _check(x, weight, bias, stride, padding)
    cols = _windows(_pad(x, ph, pw), *weight.shape[2:], sh, sw, ho, wo)
    out = np.tensordot(cols, weight, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    if bias is not None:
        out = out + np.asarray(bias).reshape(1, -1, 1, 1)
    return np.ascontiguousarray(out)


def conv2d_backward(grad_out, x, weight, stride=1, padding=0):
    """Gradients of :func:`conv2d`: ``grad_weight`` is a correlation of the input with
    ``grad_out``; ``grad_input`` scatters ``grad_out`` x ``weight`` back over the patches
    (a "full" convolution with the weight, for stride 1). Returns ``(gx, gw, gb)``."""
    x, weight, (sh, sw), (ph, pw), (ho, wo) = _check(x, weight, None, stride, padding)
    kh, kw = weight.shape[2:]
    xp = _pad(x, ph, pw)
    cols = _windows(xp, kh, kw, sh, sw, ho, wo)
    gw = np.tensordot(grad_out, cols, axes=([0, 2, 3], [0, 2, 3]))          # (O, C, kh, kw)
    gcols = np.tensordot(grad_out, weight, axes=([1], [0]))                  # (N, Ho, Wo, C, kh, kw)
    gxp = np.zeros_like(xp)
    for u in range(kh):
        for v in range(kw):
            gxp[:, :, u:u + sh * ho:sh, v:v + sw * wo:sw] += gcols[:, :, :, :, u, v].transpose(0, 3, 1, 2)
    gx = gxp[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]
    return gx, gw.astype(weight.dtype, copy=False), grad_out.sum(axis=(0, 2, 3))


class Conv2d(Layer):
    """2-D convolution layer (torch's ``nn.Conv2d``, which computes a cross-correlation).

    ``impl="fast"`` uses :func:`conv2d` / :func:`conv2d_backward`, ``impl="loops"`` the
    readable :func:`conv2d_loops` / :func:`conv2d_loops_backward` (same numbers, much slower).
    Weights start like torch's: uniform in ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` with
    ``fan_in = in_channels * kh * kw``.

    Shape: ``(N, in_channels, H, W)`` -> ``(N, out_channels, Ho, Wo)`` with
    ``Ho = floor((H + 2p - kh) / s) + 1``; ``weight`` ``(out, in, kh, kw)``, ``bias`` ``(out,)``.
    """

    torch_twin = "Conv2d"

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 bias: bool = True, *, impl: str = "fast", rng: int | np.random.Generator | None = None,
                 dtype=np.float32) -> None:
        super().__init__()
        self.in_channels = check_positive_int(in_channels, "in_channels")
        self.out_channels = check_positive_int(out_channels, "out_channels")
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride, self.padding = _pair(stride, "stride"), _pair(padding, "padding")
        if min(self.kernel_size) < 1 or min(self.stride) < 1 or min(self.padding) < 0:
            raise ValueError("kernel_size and stride must be >= 1 and padding >= 0")
        if impl not in ("fast", "loops"):
            raise ValueError(f"impl must be 'fast' or 'loops', got {impl!r}")
        self.impl = impl
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {dtype}")
        gen = as_generator(rng)
        bound = 1.0 / np.sqrt(self.in_channels * self.kernel_size[0] * self.kernel_size[1])
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.params["weight"] = gen.uniform(-bound, bound, shape).astype(dtype)
        if bias:
            self.params["bias"] = gen.uniform(-bound, bound, self.out_channels).astype(dtype)

    @classmethod
    def from_torch_module(cls, module, dtype) -> Conv2d:
        if module.dilation != (1, 1) or module.groups != 1 or module.padding_mode != "zeros":
            raise ValueError("only dilation 1, groups 1 and zero padding have a numpy twin")
        if isinstance(module.padding, str):
            raise ValueError("give padding as numbers, not as a string")
        layer = cls(module.in_channels, module.out_channels, module.kernel_size, module.stride,
                    module.padding, module.bias is not None, rng=0, dtype=dtype)
        layer.load_state_dict(module.state_dict())
        return layer

    def forward(self, x) -> np.ndarray:
        fwd = conv2d if self.impl == "fast" else conv2d_loops
        out = fwd(x, self.params["weight"], self.params.get("bias"), self.stride, self.padding)
        self.save_for_backward(out, as_float_array(x))
        return out

    def backward(self, grad_out, *, input_grad: bool = True):
        grad_out, x = self.saved(grad_out)
        bwd = conv2d_backward if self.impl == "fast" else conv2d_loops_backward
        gx, gw, gb = bwd(grad_out, x, self.params["weight"], self.stride, self.padding)
        self.accumulate("weight", gw)
        if "bias" in self.params:
            self.accumulate("bias", gb)
        return gx if input_grad else None

    def __repr__(self) -> str:
        return (f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding})")
