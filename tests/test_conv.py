"""Numpy convolution (loops and vectorised) against torch (float64) and finite differences."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from twin import check_twin

from dlnotes.scratch import conv
from dlnotes.scratch.conv import Conv2d
from dlnotes.scratch.convert import from_torch

CASES = [  # N, C, H, W, O, kernel, stride, padding
    (2, 3, 7, 6, 4, 3, 1, 0),
    (2, 2, 8, 9, 3, 3, 2, 1),
    (1, 1, 5, 5, 2, 5, 3, 2),
    (2, 3, 6, 7, 2, (2, 3), (2, 1), (1, 0)),
    (3, 1, 4, 4, 1, 1, 1, 0),
]


@pytest.mark.parametrize("impl", ["fast", "loops"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_layer_matches_torch(impl, case, bias):
    n, c, h, w, o, k, s, p = case
    layer = Conv2d(c, o, k, s, p, bias, impl=impl, dtype=np.float64)
    r = check_twin(layer, torch.nn.Conv2d(c, o, k, s, p, bias=bias), (n, c, h, w))
    assert r.out.shape == F.conv2d(torch.zeros(n, c, h, w), torch.zeros(o, c, *layer.kernel_size),
                                   stride=s, padding=p).shape


def test_conv2d_used_twice_matches_torch():
    check_twin(Conv2d(2, 2, 3, 1, 1, dtype=np.float64), torch.nn.Conv2d(2, 2, 3, 1, 1), (2, 2, 5, 5), calls=2)


@given(n=st.integers(1, 2), c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(1, 9),
       w=st.integers(1, 9), kh=st.integers(1, 4), kw=st.integers(1, 4), s=st.integers(1, 3),
       p=st.integers(0, 2), seed=st.integers(0, 2**16))
def test_property_fast_and_loops_agree_with_torch(n, c, o, h, w, kh, kw, s, p, seed):
    if kh > h + 2 * p or kw > w + 2 * p:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv.conv2d(np.zeros((n, c, h, w)), np.zeros((o, c, kh, kw)), stride=s, padding=p)
        return
    rng = np.random.default_rng(seed)
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(o, c, kh, kw)), rng.normal(size=o)
    expected = F.conv2d(torch.tensor(x), torch.tensor(wt), torch.tensor(b), stride=s, padding=p).numpy()
    np.testing.assert_allclose(conv.conv2d(x, wt, b, s, p), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(conv.conv2d_loops(x, wt, b, s, p), expected, rtol=1e-10, atol=1e-12)
    g = rng.normal(size=expected.shape)
    for a, bb in zip(conv.conv2d_backward(g, x, wt, s, p), conv.conv2d_loops_backward(g, x, wt, s, p)):
        np.testing.assert_allclose(a, bb, rtol=1e-10, atol=1e-12)


def test_correlate_and_convolve_differ_by_a_flip():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(6, 5)), rng.normal(size=(3, 2))
    torch_corr = F.conv2d(torch.tensor(x)[None, None], torch.tensor(w)[None, None])[0, 0].numpy()
    np.testing.assert_allclose(conv.correlate2d(x, w), torch_corr, rtol=1e-12)
    np.testing.assert_allclose(conv.convolve2d(x, w), conv.correlate2d(x, w[::-1, ::-1]), rtol=1e-12)
    sym = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])   # symmetric kernels do not care
    np.testing.assert_allclose(conv.convolve2d(x, sym), conv.correlate2d(x, sym))
    np.testing.assert_allclose(conv.convolve1d([1, 2, 4, 7], [-1, 0, 1]), [-3, -5])
    np.testing.assert_allclose(conv.correlate1d([1, 2, 4, 7], [-1, 0, 1]), [3, 5])
    np.testing.assert_allclose(conv.convolve1d(x[0], w[:, 0]), np.convolve(x[0], w[:, 0], "valid"))


def test_output_size_formula():
    assert conv.conv_output_size(28, 5) == 24
    assert conv.conv_output_size(7, 3, stride=2, padding=1) == 4
    assert conv.conv_output_size(10, 3, padding=2) == 12      # wide: n + m - 1
    assert conv.conv_output_size(10, 3, padding=1) == 10      # same
    assert conv.conv_output_size(10, 3, dilation=2) == 6


def test_clear_errors():
    with pytest.raises(ValueError, match="channels"):
        conv.conv2d(np.zeros((1, 3, 5, 5)), np.zeros((2, 1, 3, 3)))
    with pytest.raises(ValueError, match="larger than the padded input"):
        Conv2d(1, 1, 7)(np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match="4 dimensions"):
        Conv2d(1, 1, 3)(np.zeros((5, 5)))
    with pytest.raises(ValueError, match="larger than the image"):
        conv.correlate2d(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="positive integer"):
        Conv2d(0, 1, 3)
    with pytest.raises(ValueError, match="bias"):
        conv.conv2d(np.zeros((1, 1, 3, 3)), np.zeros((2, 1, 3, 3)), np.zeros(3))


def test_from_torch_converts_conv2d():
    tm = torch.nn.Conv2d(2, 3, 3, stride=2, padding=1)
    layer = from_torch(tm, dtype=np.float64)
    x = np.random.default_rng(0).normal(size=(1, 2, 6, 6))
    np.testing.assert_allclose(layer(x), tm.double()(torch.tensor(x)).detach().numpy(), rtol=1e-10)
    with pytest.raises(ValueError, match="dilation"):
        from_torch(torch.nn.Conv2d(1, 1, 3, dilation=2))
