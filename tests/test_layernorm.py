"""Numpy ``LayerNorm`` (``dlnotes.scratch.normalization``) against ``torch.nn.LayerNorm`` in float64."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from twin import check_twin

from dlnotes.scratch.convert import from_torch
from dlnotes.scratch.normalization import LayerNorm


def _random_affine(m: torch.nn.LayerNorm) -> torch.nn.LayerNorm:
    torch.manual_seed(0)
    with torch.no_grad():
        for p in m.parameters():
            p.normal_()
    return m


@pytest.mark.parametrize("shape,normalized", [((4, 6), 6), ((2, 3, 5), 5), ((2, 3, 4), (3, 4))])
def test_layernorm_twin(shape, normalized):
    check_twin(LayerNorm(normalized, dtype=np.float64), _random_affine(torch.nn.LayerNorm(normalized)), shape)


def test_layernorm_without_affine_and_twice():
    check_twin(LayerNorm(5, elementwise_affine=False, dtype=np.float64),
               torch.nn.LayerNorm(5, elementwise_affine=False), (3, 5))
    check_twin(LayerNorm(5, dtype=np.float64), _random_affine(torch.nn.LayerNorm(5)), (3, 5), calls=2)


def test_layernorm_converts_from_torch():
    layer = from_torch(_random_affine(torch.nn.LayerNorm(7, eps=1e-3)), dtype=np.float64)
    assert isinstance(layer, LayerNorm) and layer.eps == 1e-3


def test_layernorm_errors():
    with pytest.raises(ValueError, match=r"expects input of shape \(\*, 4\)"):
        LayerNorm(4)(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="eps"):
        LayerNorm(4, eps=0)


@given(scale=st.floats(0.01, 100), shift=st.floats(-100, 100))
def test_property_output_ignores_scale_and_shift_of_each_example(scale, shift):
    x = np.random.default_rng(0).normal(size=(3, 8))
    ln = LayerNorm(8, eps=1e-12, dtype=np.float64)
    y = ln(x)
    ln.backward(np.zeros_like(y))
    y2 = ln(x * scale + shift)
    ln.backward(np.zeros_like(y2))
    np.testing.assert_allclose(y, y2, atol=1e-6)
    np.testing.assert_allclose(y.mean(-1), 0, atol=1e-10)
    np.testing.assert_allclose(y.std(-1), 1, atol=1e-6)
