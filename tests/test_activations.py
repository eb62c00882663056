"""Scratch activations vs torch (float64, values and autograd gradients) and finite differences."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from twin import TorchFn, check_twin

from dlnotes.scratch import activations as A

RNG = np.random.default_rng(0)
X = RNG.normal(scale=3.0, size=(4, 6))
X[0, :3] = [0.0, 1000.0, -1000.0]  # kink and saturation edge cases


def smooth_input(shape):
    """Random input away from the kinks at 0 (finite differences need a smooth neighbourhood)."""
    x = RNG.normal(size=shape)
    x[np.abs(x) < 1e-3] = 0.5
    return x


# name -> (scratch layer factory, torch module factory, forward-only scratch function)
ELEMENTWISE_CASES = {
    "identity": (A.Identity, torch.nn.Identity, A.identity),
    "sigmoid": (A.Sigmoid, torch.nn.Sigmoid, A.sigmoid),
    "tanh": (A.Tanh, torch.nn.Tanh, A.tanh),
    "arctan": (A.ArcTan, lambda: TorchFn(torch.arctan), A.arctan),
    "relu": (A.ReLU, torch.nn.ReLU, A.relu),
    "leaky_relu": (lambda: A.LeakyReLU(0.1), lambda: torch.nn.LeakyReLU(0.1),
                   lambda z: A.leaky_relu(z, 0.1)),
    "leaky_relu_default": (A.LeakyReLU, torch.nn.LeakyReLU, A.leaky_relu),
    "elu": (lambda: A.ELU(0.7), lambda: torch.nn.ELU(0.7), lambda z: A.elu(z, 0.7)),
    "softplus": (lambda: A.Softplus(beta=2.0, threshold=5.0),
                 lambda: torch.nn.Softplus(beta=2.0, threshold=5.0),
                 lambda z: A.softplus(z, beta=2.0, threshold=5.0)),
    "softplus_default": (A.Softplus, torch.nn.Softplus, A.softplus),
    # step(0) = 0 like the perceptron; autograd gives gradient 0 through the comparison
    "step": (A.Step, lambda: TorchFn(lambda t: (t > 0).to(t.dtype) + 0 * t), A.step),
}
NAMES = sorted(ELEMENTWISE_CASES)


@pytest.mark.parametrize("name", NAMES)
def test_elementwise_matches_torch(name):
    make, make_torch, fn = ELEMENTWISE_CASES[name]
    r = check_twin(make(), make_torch(), X, rtol=1e-12, atol=1e-12, fd=False)  # X has kinks: no FD
    assert np.all(np.isfinite(r.out)) and np.all(np.isfinite(r.input_grads[0]))
    np.testing.assert_allclose(fn(X), r.torch_out, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("calls", [1, 2])
@pytest.mark.parametrize("name", NAMES)
def test_elementwise_finite_differences_and_reuse(name, calls):
    """One object applied once, twice in a chain (f(f(x))) and on two inputs (f(a) + f(b))."""
    make, make_torch, _ = ELEMENTWISE_CASES[name]
    shapes = [(3, 5)] * calls
    check_twin(make(), make_torch(), smooth_input((3, 5)), calls=calls)
    check_twin(make(), make_torch(), *[smooth_input(s) for s in shapes], calls=calls)


def test_step_gradient_is_zero_and_values_binary():
    layer = A.Step()
    y = layer.forward(np.array([-2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(y, [0.0, 0.0, 1.0])  # step(0) = 0, the perceptron's convention
    np.testing.assert_array_equal(layer.backward(np.ones(3)), 0.0)
    from dlnotes.byhand.perceptron import step as perceptron_step

    z = np.array([-1.0, -0.0, 0.0, 1e-300, 2.0])
    np.testing.assert_array_equal(A.step(z), perceptron_step(z))


def test_no_overflow_for_large_inputs():
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # overflow or NaN raises
        np.testing.assert_allclose(A.sigmoid(z)[[0, 2, 4]], [0.0, 0.5, 1.0])
        assert np.all(np.isfinite(A.softplus(z))) and A.softplus(z)[-1] == 1000.0
        np.testing.assert_allclose(A.elu(z)[0], -1.0)
        np.testing.assert_allclose(A.softmax(np.array([1000.0, 1000.0, -1000.0])), [0.5, 0.5, 0.0])
        layer = A.Sigmoid()
        layer.forward(z)
        np.testing.assert_allclose(layer.backward(np.ones(5))[[0, 2, 4]], [0.0, 0.25, 0.0])


def test_float32_is_kept():
    z = np.linspace(-3, 3, 7, dtype=np.float32)
    for fn in (A.sigmoid, A.tanh, A.relu, A.leaky_relu, A.elu, A.softplus, A.softmax, A.step):
        assert fn(z).dtype == np.float32, fn.__name__
    layer = A.Sigmoid()
    layer.forward(z)
    assert layer.backward(np.ones(7, dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_matches_torch(dim):
    x = RNG.normal(scale=5.0, size=(3, 4, 5))
    x[0, 0, :2] = 7.0  # a tie in the maximum
    r = check_twin(A.Softmax(dim=dim), torch.nn.Softmax(dim=dim), x, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r.out, r.torch_out, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.out.sum(axis=dim), 1.0)
    check_twin(A.Softmax(dim=dim), torch.nn.Softmax(dim=dim), x, calls=2)  # softmax(softmax(x))


def test_softmax_jacobian_formula():
    z = np.array([0.7, 1.35, -0.2])
    a = A.softmax(z)
    jac = np.diag(a) - np.outer(a, a)  # da_j/dz_i = a_j (delta_ij - a_i)
    jac_t = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), torch.tensor(z))
    np.testing.assert_allclose(jac, jac_t.numpy(), rtol=1e-12)
    layer = A.Softmax()
    for _ in range(3):  # three forwards, then three backwards (newest first)
        layer.forward(z)
    np.testing.assert_allclose(np.stack([layer.backward(e) for e in np.eye(3)]), jac, rtol=1e-12)


def test_lecture_values():
    np.testing.assert_allclose(A.sigmoid(0.7), 0.6682, atol=5e-5)
    np.testing.assert_allclose(A.softmax([[0.7, 1.35]], dim=1), [[0.3430, 0.6570]], atol=5e-5)


@pytest.mark.parametrize("calls", [1, 2])
@pytest.mark.parametrize("shape, num_parameters", [((4, 6), 1), ((4, 6), 6), ((2, 3, 5), 3)])
def test_prelu_matches_torch(shape, num_parameters, calls):
    ref = torch.nn.PReLU(num_parameters)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(RNG.uniform(0.05, 0.5, size=num_parameters)))
    layer = A.PReLU(num_parameters, init=0.25)
    x = smooth_input(shape)
    r = check_twin(layer, ref, x, rtol=1e-10, atol=0, calls=calls)  # weight grad: rtol 1e-10
    np.testing.assert_allclose(r.out, r.torch_out, rtol=1e-12)
    np.testing.assert_allclose(r.input_grads[0], r.torch_input_grads[0], rtol=1e-12)
    assert [r.name for r in r.report.results] == ["input", "weight"]


def test_prelu_default_init_like_torch():
    np.testing.assert_array_equal(A.PReLU().params["weight"],
                                  torch.nn.PReLU().weight.detach().numpy())


def test_rrelu_eval_matches_torch_and_train_uses_rng():
    x = RNG.normal(size=(5, 4))
    g = RNG.normal(size=x.shape)
    check_twin(A.RReLU(0.1, 0.3).eval(), torch.nn.RReLU(0.1, 0.3).eval(), x, rtol=1e-12, atol=0)
    # training: slopes in [lower, upper], reproducible with the same seed, backward = slope
    y1 = A.RReLU(0.1, 0.3, rng=1).forward(x)
    y2 = A.RReLU(0.1, 0.3, rng=1).forward(x)
    np.testing.assert_array_equal(y1, y2)
    neg = x < 0
    slopes = y1[neg] / x[neg]
    assert np.all((slopes >= 0.1) & (slopes <= 0.3)) and slopes.std() > 0
    np.testing.assert_array_equal(y1[~neg], x[~neg])
    train_layer = A.RReLU(0.1, 0.3, rng=1)
    train_layer.forward(x)
    np.testing.assert_allclose(train_layer.backward(g), g * np.where(neg, y1 / np.where(neg, x, 1), 1.0))
    with pytest.raises(ValueError, match="rng"):
        A.RReLU().forward(x)


def torch_maxout(pieces, dim):
    """Maxout in torch (no nn class): the maximum over groups of ``pieces`` along ``dim``."""
    def fn(t):
        moved = t.movedim(dim, -1)
        grouped = moved.reshape(*moved.shape[:-1], moved.shape[-1] // pieces, pieces)
        return grouped.max(dim=-1).values.movedim(-1, dim)
    return fn


@pytest.mark.parametrize("dim", [-1, 0, 2])
def test_maxout_matches_torch(dim):
    x = RNG.normal(size=(6, 3, 6))
    r = check_twin(A.Maxout(pieces=3, dim=dim), torch_maxout(3, dim), x, rtol=1e-12, atol=0)
    np.testing.assert_allclose(r.out, A.maxout(x, 3, dim))
    check_twin(A.Maxout(pieces=3, dim=dim), torch_maxout(3, dim), x, x + 0.1, calls=2)


def test_maxout_groups_and_ties():
    x = np.array([[1.0, 5.0, 2.0, 2.0]])
    layer = A.Maxout(pieces=2)
    np.testing.assert_array_equal(layer.forward(x), [[5.0, 2.0]])
    # the tie (2, 2) sends the whole gradient to the first maximum
    np.testing.assert_array_equal(layer.backward(np.array([[10.0, 7.0]])), [[0.0, 10.0, 7.0, 0.0]])


def test_derivative_helper():
    z = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(A.derivative("sigmoid", z), A.sigmoid(z) * (1 - A.sigmoid(z)))
    np.testing.assert_allclose(A.derivative("elu", z, alpha=0.5), np.where(z > 0, 1, 0.5 * np.exp(z)))
    with pytest.raises(ValueError, match="unknown activation"):
        A.derivative("swishy", z)


def test_bad_input_raises_clear_errors():
    with pytest.raises(TypeError, match="numeric"):
        A.sigmoid(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="real"):
        A.relu(np.array([1 + 2j]))
    with pytest.raises(ValueError, match="out of range"):
        A.softmax(np.ones((2, 3)), dim=2)
    with pytest.raises(ValueError, match="scalar"):
        A.softmax(1.0)
    with pytest.raises(ValueError, match="multiple of pieces"):
        A.Maxout(pieces=4).forward(np.ones((2, 6)))
    with pytest.raises(ValueError, match="pieces"):
        A.Maxout(pieces=0)
    with pytest.raises(ValueError, match="num_parameters"):
        A.PReLU(3).forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match="beta"):
        A.Softplus(beta=0.0)
    with pytest.raises(ValueError, match="lower"):
        A.RReLU(0.5, 0.1)
    layer = A.ReLU()
    with pytest.raises(RuntimeError, match="ReLU.backward called without a matching forward"):
        layer.backward(np.ones(3))
    layer.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="grad_out has shape"):
        layer.backward(np.ones((3, 2)))
    softmax = A.Softmax()
    softmax.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="grad_out has shape"):
        softmax.backward(np.ones(3))


def test_activation_panels_plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dlnotes.book.plot import activation_panels

    z = np.linspace(-3, 3, 61)
    fig = activation_panels(z, {"relu": (A.relu(z), A.derivative("relu", z)),
                                "tanh": (A.tanh(z), A.derivative("tanh", z)),
                                "elu": (A.elu(z), A.derivative("elu", z))}, ncols=2)
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(fig.axes) == 4 and len(visible) == 3
    np.testing.assert_allclose(visible[1].lines[-1].get_ydata(), 1 - np.tanh(z) ** 2)
    plt.close(fig)
    with pytest.raises(ValueError, match="shape of z"):
        activation_panels(z, {"bad": (z[:5], z[:5])})
    with pytest.raises(ValueError, match="empty"):
        activation_panels(z, {})


# ------------------------------------------------------------------ property-based (hypothesis)

SHAPES = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)  # size-1 and leading dims
# ordinary values, exact kinks (signed zeros) and huge magnitudes
ANY_VALUE = st.one_of(st.floats(-30.0, 30.0, allow_nan=False, allow_infinity=False),
                      st.sampled_from([0.0, -0.0, 2.5, 20.0, 1e3, -1e3, 1e6, -1e6]))
# finite differences lose digits where a function saturates (gradient ~1e-4 of its value), so
# their property tests stay where every gradient is sizeable
SMOOTH_VALUE = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("name", NAMES)
@given(x=hnp.arrays(np.float64, SHAPES, elements=ANY_VALUE))
def test_property_elementwise_matches_torch_anywhere(name, x):
    make, make_torch, fn = ELEMENTWISE_CASES[name]
    with np.errstate(over="raise", invalid="raise"):
        r = check_twin(make(), make_torch(), x, fd=False)
        np.testing.assert_allclose(fn(x), r.out, rtol=0, atol=0)
    assert np.all(np.isfinite(r.out)) and np.all(np.isfinite(r.input_grads[0]))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "arctan", "softplus_default"])  # smooth everywhere
@given(x=hnp.arrays(np.float64, SHAPES, elements=SMOOTH_VALUE), calls=st.sampled_from([1, 2]))
def test_property_smooth_activations_pass_finite_differences(name, x, calls):
    make, make_torch, _ = ELEMENTWISE_CASES[name]
    check_twin(make(), make_torch(), x, calls=calls)


@given(x=hnp.arrays(np.float64, SHAPES, elements=ANY_VALUE), data=st.data())
def test_property_softmax_any_dim(x, data):
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1), label="dim")
    r = check_twin(A.Softmax(dim), torch.nn.Softmax(dim), x, fd=False)
    np.testing.assert_allclose(r.out.sum(axis=dim), 1.0, rtol=1e-12)


@given(x=hnp.arrays(np.float64, SHAPES, elements=SMOOTH_VALUE), data=st.data())
def test_property_softmax_finite_differences(x, data):
    dim = data.draw(st.integers(-x.ndim, x.ndim - 1), label="dim")
    check_twin(A.Softmax(dim), torch.nn.Softmax(dim), x)


@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4),
                    elements=ANY_VALUE),
       shared=st.booleans(), data=st.data())
def test_property_prelu(x, shared, data):
    n = 1 if shared else x.shape[1]
    slopes = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-1.0, 1.0)), label="weight")
    ref = torch.nn.PReLU(n)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(slopes))
    check_twin(A.PReLU(n), ref, x, fd=False)
