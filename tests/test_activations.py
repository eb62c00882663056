"""Scratch activations vs torch (float64, values and autograd gradients) and finite differences."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from dlnotes.gradcheck import numerical_gradient
from dlnotes.scratch import activations as A

RNG = np.random.default_rng(0)
X = RNG.normal(scale=3.0, size=(4, 6))
X[0, :3] = [0.0, 1000.0, -1000.0]  # kink and saturation edge cases


def torch_value_and_grad(fn, x, g):
    """torch forward of ``fn`` at x, and d(sum(fn(x) * g))/dx by autograd."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = fn(xt)
    (y * torch.tensor(g)).sum().backward()
    return y.detach().numpy(), xt.grad.numpy()


def numeric_grad(layer, x, g, eps=1e-6):
    """Central differences of L(x) = sum(layer(x) * g) (the package's gradcheck)."""
    x = np.array(x, dtype=np.float64)  # a fresh, writeable, C-contiguous copy
    return numerical_gradient(lambda: float(np.sum(layer.forward(x) * g)), x, eps=eps)


# (scratch layer factory, torch function, forward-only scratch function or None)
ELEMENTWISE_CASES = {
    "identity": (A.Identity, lambda t: t * 1.0, A.identity),
    "sigmoid": (A.Sigmoid, torch.sigmoid, A.sigmoid),
    "tanh": (A.Tanh, torch.tanh, A.tanh),
    "arctan": (A.ArcTan, torch.arctan, A.arctan),
    "relu": (A.ReLU, F.relu, A.relu),
    "leaky_relu": (lambda: A.LeakyReLU(0.1), lambda t: F.leaky_relu(t, 0.1),
                   lambda z: A.leaky_relu(z, 0.1)),
    "leaky_relu_default": (A.LeakyReLU, F.leaky_relu, A.leaky_relu),
    "elu": (lambda: A.ELU(0.7), lambda t: F.elu(t, 0.7), lambda z: A.elu(z, 0.7)),
    "softplus": (lambda: A.Softplus(beta=2.0, threshold=5.0),
                 lambda t: F.softplus(t, beta=2.0, threshold=5.0),
                 lambda z: A.softplus(z, beta=2.0, threshold=5.0)),
    "softplus_default": (A.Softplus, F.softplus, A.softplus),
    "step": (A.Step, lambda t: (t >= 0).to(t.dtype) + 0 * t, A.step),  # autograd: gradient 0
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE_CASES))
def test_elementwise_matches_torch(name):
    make, torch_fn, fn = ELEMENTWISE_CASES[name]
    g = RNG.normal(size=X.shape)
    layer = make()
    y = layer.forward(X)
    dx = layer.backward(g)
    y_t, dx_t = torch_value_and_grad(torch_fn, X, g)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))
    np.testing.assert_allclose(y, y_t, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, dx_t, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fn(X), y_t, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", sorted(set(ELEMENTWISE_CASES) - {"step"}))
def test_elementwise_finite_differences(name):
    make = ELEMENTWISE_CASES[name][0]
    x = RNG.normal(size=(3, 5))
    x[np.abs(x) < 1e-3] = 0.5  # stay away from kinks
    g = RNG.normal(size=x.shape)
    layer = make()
    layer.forward(x)
    dx = layer.backward(g)
    np.testing.assert_allclose(dx, numeric_grad(layer, x, g), rtol=1e-6, atol=1e-8)


def test_step_gradient_is_zero_and_values_binary():
    layer = A.Step()
    y = layer.forward(np.array([-2.0, 0.0, 3.0]))
    np.testing.assert_array_equal(y, [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(layer.backward(np.ones(3)), 0.0)


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
    g = RNG.normal(size=x.shape)
    layer = A.Softmax(dim=dim)
    y = layer.forward(x)
    dx = layer.backward(g)
    y_t, dx_t = torch_value_and_grad(lambda t: torch.softmax(t, dim=dim), x, g)
    np.testing.assert_allclose(y, y_t, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dx, dx_t, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(y.sum(axis=dim), 1.0)
    np.testing.assert_allclose(dx, numeric_grad(layer, x, g), rtol=1e-5, atol=1e-8)


def test_softmax_jacobian_formula():
    z = np.array([0.7, 1.35, -0.2])
    a = A.softmax(z)
    jac = np.diag(a) - np.outer(a, a)  # da_j/dz_i = a_j (delta_ij - a_i)
    jac_t = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), torch.tensor(z))
    np.testing.assert_allclose(jac, jac_t.numpy(), rtol=1e-12)
    layer = A.Softmax()
    layer.forward(z)
    np.testing.assert_allclose(np.stack([layer.backward(e) for e in np.eye(3)]), jac, rtol=1e-12)


def test_lecture_values():
    np.testing.assert_allclose(A.sigmoid(0.7), 0.6682, atol=5e-5)
    np.testing.assert_allclose(A.softmax([[0.7, 1.35]], dim=1), [[0.3430, 0.6570]], atol=5e-5)


@pytest.mark.parametrize("shape, num_parameters", [((4, 6), 1), ((4, 6), 6), ((2, 3, 5), 3)])
def test_prelu_matches_torch(shape, num_parameters):
    x = RNG.normal(size=shape)
    g = RNG.normal(size=shape)
    layer = A.PReLU(num_parameters, init=0.25)
    layer.params["weight"] = RNG.uniform(0.05, 0.5, size=num_parameters)
    y = layer.forward(x)
    dx = layer.backward(g)
    ref = torch.nn.PReLU(num_parameters).double()
    with torch.no_grad():
        ref.weight.copy_(torch.tensor(layer.params["weight"]))
    xt = torch.tensor(x, requires_grad=True)
    yt = ref(xt)
    (yt * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.grads["weight"], ref.weight.grad.numpy(), rtol=1e-10)
    assert dict(ref.named_parameters()).keys() == layer.params.keys()
    np.testing.assert_allclose(dx, numeric_grad(layer, x, g), rtol=1e-6, atol=1e-8)
    # finite differences for the weight gradient
    w0, eps = layer.params["weight"].copy(), 1e-6
    for i in range(num_parameters):
        wp, wm = w0.copy(), w0.copy()
        wp[i] += eps
        wm[i] -= eps
        layer.params["weight"] = wp
        lp = np.sum(layer.forward(x) * g)
        layer.params["weight"] = wm
        lm = np.sum(layer.forward(x) * g)
        np.testing.assert_allclose(layer.grads["weight"][i], (lp - lm) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_prelu_default_init_like_torch():
    np.testing.assert_array_equal(A.PReLU().params["weight"],
                                  torch.nn.PReLU().weight.detach().numpy())


def test_rrelu_eval_matches_torch_and_train_uses_rng():
    x = RNG.normal(size=(5, 4))
    g = RNG.normal(size=x.shape)
    layer = A.RReLU(0.1, 0.3).eval()
    y = layer.forward(x)
    dx = layer.backward(g)
    y_t, dx_t = torch_value_and_grad(lambda t: F.rrelu(t, 0.1, 0.3, training=False), x, g)
    np.testing.assert_allclose(y, y_t, rtol=1e-12)
    np.testing.assert_allclose(dx, dx_t, rtol=1e-12)
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


@pytest.mark.parametrize("dim", [-1, 0, 2])
def test_maxout_matches_torch(dim):
    x = RNG.normal(size=(6, 3, 6))
    g_shape = list(x.shape)
    g_shape[dim] //= 3
    g = RNG.normal(size=g_shape)
    layer = A.Maxout(pieces=3, dim=dim)
    y = layer.forward(x)
    dx = layer.backward(g)

    def torch_maxout(t):
        moved = t.movedim(dim, -1)
        grouped = moved.reshape(*moved.shape[:-1], moved.shape[-1] // 3, 3)
        return grouped.max(dim=-1).values.movedim(-1, dim)

    y_t, dx_t = torch_value_and_grad(torch_maxout, x, g)
    np.testing.assert_allclose(y, y_t, rtol=1e-12)
    np.testing.assert_allclose(dx, dx_t, rtol=1e-12)
    np.testing.assert_allclose(y, A.maxout(x, 3, dim))
    np.testing.assert_allclose(dx, numeric_grad(layer, x, g), rtol=1e-6, atol=1e-8)


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
    with pytest.raises(RuntimeError, match="before forward"):
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

    from dlnotes.plot import activation_panels

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
