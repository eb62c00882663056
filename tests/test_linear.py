"""Numpy Linear and Flatten against torch (float64) and finite differences."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from twin import check_twin

from dlnotes.gradcheck import check_layer
from dlnotes.scratch.linear import Flatten, Linear


@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(bias):
    rng = np.random.default_rng(0)
    lin = Linear(5, 3, bias=bias, rng=rng, dtype=np.float64)
    assert lin.params["weight"].shape == (3, 5)
    tl = torch.nn.Linear(5, 3, bias=bias)
    r = check_twin(lin, tl, rng.normal(size=(4, 5)), rng=rng, rtol=1e-12, atol=1e-12)
    assert [res.name for res in r.report.results] == (["input", "weight", "bias"] if bias
                                                      else ["input", "weight"])
    assert "bias" not in lin.grads if not bias else lin.grads["bias"].shape == (3,)
    lin.forward(r.inputs[0])
    assert lin.backward(r.upstream, input_grad=False) is None


@pytest.mark.parametrize("shape", [(2, 3, 5), (5,), (1, 1, 1, 5)])
def test_linear_any_leading_dims_matches_torch(shape):
    """(*, in) -> (*, out) like nn.Linear: batches of sequences, a single vector, size-1 dims."""
    r = check_twin(Linear(5, 4, dtype=np.float64), torch.nn.Linear(5, 4), shape, rtol=1e-12, atol=1e-12)
    assert r.out.shape == shape[:-1] + (4,)


@pytest.mark.parametrize("inputs", [1, 2])
def test_linear_used_twice_matches_torch(inputs):
    """Weight tying: lin(lin(x)) or lin(a) + lin(b) -- the weight gradients of both calls add up."""
    r = check_twin(Linear(4, 4, dtype=np.float64), torch.nn.Linear(4, 4), *[(3, 4)] * inputs, calls=2)
    assert r.report.ok()


def test_linear_init_range_and_determinism():
    a = Linear(100, 50, rng=3)
    b = Linear(100, 50, rng=3)
    np.testing.assert_array_equal(a.params["weight"], b.params["weight"])
    assert a.params["weight"].dtype == np.float32
    assert np.abs(a.params["weight"]).max() <= 0.1 and np.abs(a.params["weight"]).max() > 0.09
    # rng=None means fresh entropy from the operating system (numpy's convention), not an error
    c, d = Linear(100, 50), Linear(100, 50)
    assert not np.array_equal(c.params["weight"], d.params["weight"])
    assert np.abs(c.params["weight"]).max() <= 0.1


def test_linear_finite_differences():
    lin = Linear(4, 3, rng=0, dtype=np.float64)
    report = check_layer(lin, np.random.default_rng(1).normal(size=(6, 4)), rng=2)
    assert report.ok(1e-7), str(report)


def test_flatten_matches_torch_and_gradcheck():
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    r = check_twin(Flatten(), torch.nn.Flatten(), x, rtol=0, atol=0)  # a reshape: exact
    assert r.out.shape == (2, 12) and r.input_grads[0].shape == x.shape
    assert check_layer(Flatten(), x).ok()
    assert Flatten(0, 1).forward(x).shape == (6, 4)
    check_twin(Flatten(0, 1), torch.nn.Flatten(0, 1), x, rtol=0, atol=0)
    check_twin(Flatten(-2, -1), torch.nn.Flatten(-2, -1), x, x, calls=2, rtol=0, atol=0)


def test_flatten_backward_rejects_a_gradient_of_the_wrong_shape():
    f = Flatten()
    f.forward(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"Flatten.backward: grad_out has shape \(12, 2\)"):
        f.backward(np.ones((12, 2)))  # the same size (24), the wrong shape
    with pytest.raises(ValueError, match="grad_out has shape"):
        f.backward(np.ones((2, 3, 4)))  # the input's shape is not the output's
    assert f.backward(np.ones((2, 12))).shape == (2, 3, 4)  # the forward was still there


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="positive integer"):
        Linear(0, 2, rng=0)
    with pytest.raises(TypeError, match="float32 or float64"):
        Linear(3, 2, rng=0, dtype=np.int32)
    with pytest.raises(TypeError, match="rng must be"):
        Linear(3, 2, rng=-1)
    lin = Linear(3, 2, rng=0)
    with pytest.raises(RuntimeError, match="Linear.backward called without a matching forward"):
        lin.backward(np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"expects input of shape \(\.\.\., 3\), got \(4, 5\)"):
        lin.forward(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"expects input of shape \(\.\.\., 3\), got \(\)"):
        lin.forward(np.float64(1.0))
    with pytest.raises(TypeError, match="numeric"):
        lin.forward(np.array([["a", "b", "c"]]))
    lin.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"grad_out has shape \(4, 3\), but the output had shape \(4, 2\)"):
        lin.backward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"cannot flatten dims 2\.\.1 of shape \(2, 3, 4\)"):
        Flatten(2, 1).forward(np.ones((2, 3, 4)))


# ------------------------------------------------------------------ property-based (hypothesis)

LEADING = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)  # () = a single vector
VALUE = st.one_of(st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False),
                  st.sampled_from([0.0, -0.0, 1e3, -1e3]))
# finite differences lose digits when a gradient is tiny next to the function's value (a lone
# input of 1e-4, a weight near 0), so their properties use entries with 0.1 <= |v| <= 3
SIZEABLE = st.one_of(st.floats(0.1, 3.0), st.floats(-3.0, -0.1))
# lin(x) and lin(lin(x)) are polynomials of degree <= 2 in every entry, where central differences
# are exact for any step: a large step leaves only rounding, 1000 times smaller than with 1e-6
EXACT_STEP = 1e-3


def torch_linear(data, n_in, n_out, bias, elements):
    """nn.Linear with weights drawn by hypothesis (any size, exact zeros; reproducible)."""
    tl = torch.nn.Linear(n_in, n_out, bias=bias)
    with torch.no_grad():
        for name, p in tl.named_parameters():
            p.copy_(torch.tensor(data.draw(hnp.arrays(np.float64, tuple(p.shape), elements=elements),
                                           label=name)))
    return tl


@given(leading=LEADING, n_in=st.integers(1, 4), n_out=st.integers(1, 4), bias=st.booleans(),
       data=st.data())
def test_property_linear_matches_torch(leading, n_in, n_out, bias, data):
    x = data.draw(hnp.arrays(np.float64, leading + (n_in,), elements=VALUE), label="x")
    tl = torch_linear(data, n_in, n_out, bias, VALUE)
    r = check_twin(Linear(n_in, n_out, bias, dtype=np.float64), tl, x, fd=False)
    assert r.out.shape == leading + (n_out,)


@given(leading=LEADING, n_in=st.integers(1, 4), n_out=st.integers(1, 4), calls=st.sampled_from([1, 2]),
       data=st.data())
def test_property_linear_finite_differences(leading, n_in, n_out, calls, data):
    n_out = n_in if calls == 2 else n_out  # lin(lin(x)) needs a square layer
    x = data.draw(hnp.arrays(np.float64, leading + (n_in,), elements=SIZEABLE), label="x")
    tl = torch_linear(data, n_in, n_out, True, SIZEABLE)
    check_twin(Linear(n_in, n_out, dtype=np.float64), tl, x, calls=calls, eps=EXACT_STEP)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=5, min_side=1, max_side=3), data=st.data())
def test_property_flatten_any_dims(shape, data):
    nd = len(shape)
    start = data.draw(st.integers(-nd, nd - 1), label="start_dim")
    end = data.draw(st.integers(start % nd, nd - 1), label="end_dim")
    end -= data.draw(st.sampled_from([0, nd]), label="negative end")  # the same dim, counted from the end
    check_twin(Flatten(start, end), torch.nn.Flatten(start, end), shape, rtol=0, atol=0)
