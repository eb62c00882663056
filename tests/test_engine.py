"""The scalar autograd engine against torch.autograd (float64) and finite differences."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes.engine import Value, draw_graph, graph_table, maximum, topological_order

# ------------------------------------------------------------------ helpers

def _apply(op, args, lib):
    """One operation, written once for both the engine (lib='v') and torch (lib='t')."""
    a = args[0]
    b = args[1] if len(args) > 1 else None
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":  # keep the denominator away from zero: b*b + 1
        return a / (b * b + 1.0)
    if op == "rconst":  # constants on the left
        return 2.5 - 0.5 * a
    if op == "pow2":
        return a ** 2
    if op == "pow3":
        return a ** 3
    if op == "sqrtish":  # fractional power of a positive number
        return (a * a + 0.5) ** 0.5
    if op == "exp":
        return (a * 0.3).exp() if lib == "v" else torch.exp(a * 0.3)
    if op == "log":
        return (a * a + 0.2).log() if lib == "v" else torch.log(a * a + 0.2)
    if op == "tanh":
        return a.tanh() if lib == "v" else torch.tanh(a)
    if op == "sigmoid":
        return a.sigmoid() if lib == "v" else torch.sigmoid(a)
    if op == "relu":
        return a.relu() if lib == "v" else torch.relu(a)
    if op == "max":
        return maximum(a, b) if lib == "v" else torch.maximum(a, b)
    if op == "neg":
        return -a
    raise AssertionError(op)


UNARY = ["rconst", "pow2", "pow3", "sqrtish", "exp", "log", "tanh", "sigmoid", "relu", "neg"]
BINARY = ["add", "sub", "mul", "div", "max"]


def _random_program(rng, n_leaves, n_ops):
    prog = []
    n_nodes = n_leaves
    for _ in range(n_ops):
        if rng.random() < 0.5:
            op = BINARY[rng.integers(len(BINARY))]
            prog.append((op, (int(rng.integers(n_nodes)), int(rng.integers(n_nodes)))))
        else:
            op = UNARY[rng.integers(len(UNARY))]
            prog.append((op, (int(rng.integers(n_nodes)),)))
        n_nodes += 1
    return prog


def _run(prog, leaves, lib):
    nodes = list(leaves)
    for op, idx in prog:
        nodes.append(_apply(op, [nodes[i] for i in idx], lib))
    # the output mixes the last few nodes so that most of the graph matters
    out = nodes[-1]
    for extra in nodes[-4:-1]:
        out = out + 0.1 * extra
    return out


def _assert_same_value_and_grads(v_out, t_out, v_leaves, t_leaves, *, value_tol, grad_tol):
    """The engine's output and leaf gradients equal torch's (a leaf torch never reached has grad 0)."""
    assert v_out.data == pytest.approx(t_out.item(), rel=value_tol[0], abs=value_tol[1])
    v_out.backward()
    t_out.backward()
    for v, t in zip(v_leaves, t_leaves, strict=True):
        expected = 0.0 if t.grad is None else t.grad.item()
        assert v.grad == pytest.approx(expected, rel=grad_tol[0], abs=grad_tol[1])


@pytest.mark.parametrize("seed", range(60))
def test_random_expressions_match_torch(seed):
    rng = np.random.default_rng(seed)
    n_leaves = int(rng.integers(2, 5))
    data = rng.normal(size=n_leaves)
    prog = _random_program(rng, n_leaves, int(rng.integers(3, 14)))
    v_leaves = [Value(float(d)) for d in data]
    t_leaves = [torch.tensor(float(d), dtype=torch.float64, requires_grad=True) for d in data]
    _assert_same_value_and_grads(_run(prog, v_leaves, "v"), _run(prog, t_leaves, "t"), v_leaves, t_leaves,
                                 value_tol=(1e-12, 1e-12), grad_tol=(1e-10, 1e-12))


def test_random_expressions_match_finite_differences():
    rng = np.random.default_rng(123)
    for _ in range(20):
        data = rng.normal(size=3)
        swap = {"relu": "tanh", "max": "add"}  # no kinks
        prog = [(swap.get(op, op), idx) for op, idx in _random_program(rng, 3, 8)]
        leaves = [Value(float(d)) for d in data]
        out = _run(prog, leaves, "v")
        out.backward()
        for i in range(3):
            h = 1e-6
            plus, minus = data.copy(), data.copy()
            plus[i] += h
            minus[i] -= h
            fd = (_run(prog, [Value(float(d)) for d in plus], "v").data
                  - _run(prog, [Value(float(d)) for d in minus], "v").data) / (2 * h)
            assert leaves[i].grad == pytest.approx(fd, rel=1e-5, abs=1e-7)


def test_reused_value_accumulates():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1 = 7
    y.backward()
    assert x.grad == 7.0


def test_backward_resets_gradients():
    x = Value(2.0)
    y = x * 4.0
    y.backward()
    y.backward()
    assert x.grad == 4.0  # not 8: gradients are recomputed, not accumulated


def test_lecture_002_example_f_equals_x_plus_y_squared():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    q = x + y
    f = q ** 2
    f.backward()
    assert (f.data, q.grad, x.grad, y.grad) == (9.0, 6.0, 6.0, 6.0)


def test_sigmoid_neuron_cs231n_numbers():
    w0, x0, w1, x1, w2 = (Value(v) for v in (2.0, -1.0, -3.0, -2.0, -3.0))
    f = (w0 * x0 + w1 * x1 + w2).sigmoid()
    f.backward()
    assert f.data == pytest.approx(0.7311, abs=1e-4)
    assert [round(v.grad, 2) for v in (w0, x0, w1, x1, w2)] == [-0.2, 0.39, -0.39, -0.59, 0.2]


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_max_gate_routes_gradient_and_splits_ties():
    a, b = Value(3.0), Value(1.0)
    m = maximum(a, b) * 2.0
    m.backward()
    assert (a.grad, b.grad) == (2.0, 0.0)
    a, b = Value(1.0), Value(1.0)
    maximum(a, b).backward()
    assert (a.grad, b.grad) == (0.5, 0.5)


def test_relu_gradient_at_zero_is_zero_like_torch():
    x = Value(0.0)
    x.relu().backward()
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    torch.relu(t).backward()
    assert x.grad == t.grad.item() == 0.0


def test_topological_order_children_first_and_deep_graph():
    x = Value(0.5)
    y = x
    for _ in range(5000):  # deeper than Python's recursion limit
        y = y * 1.0
    order = topological_order(y)
    assert order[0] is x and order[-1] is y and len(order) == 10001
    y.backward()
    assert x.grad == 1.0


def test_graph_table_and_drawing():
    import matplotlib

    matplotlib.use("Agg")
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    q = x + y
    q.label = "q"
    f = q ** 2
    f.label = "f"
    f.backward()
    table = graph_table(f)
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["node", "op"]
    assert any(line.startswith("f") and "9.0000" in line and "6.0000" in line for line in lines)
    fig = draw_graph(f)
    assert fig.axes and len(fig.axes[0].patches) == 4
    import matplotlib.pyplot as plt

    plt.close(fig)


# --------------------------------------------------------------- bad input

@pytest.mark.parametrize("bad", ["1.0", None, [1.0], True, 1 + 2j])
def test_value_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="real number"):
        Value(bad)


def test_operations_reject_bad_operands():
    x = Value(1.0)
    with pytest.raises(TypeError, match="cannot combine"):
        x + "a"
    with pytest.raises(TypeError, match="exponent must be a constant"):
        x ** Value(2.0)
    with pytest.raises(ValueError, match="non-positive"):
        Value(0.0).log()
    with pytest.raises(ValueError, match="negative base"):
        Value(-2.0) ** 0.5
    with pytest.raises(ZeroDivisionError):
        x / 0.0
    with pytest.raises(OverflowError):
        Value(1000.0).exp()
    with pytest.raises(TypeError, match="ambiguous"):
        bool(x)
    with pytest.raises(TypeError, match="expected a Value"):
        topological_order(1.0)


def test_numpy_scalars_work_on_either_side():
    x = Value(2.0)
    y = np.float64(3.0) * x + np.float32(1.0)
    y.backward()
    assert isinstance(y, Value) and y.data == 7.0 and x.grad == 3.0
    assert math.isclose(float(y), 7.0)


def test_power_zero_at_zero_is_one_with_zero_gradient_like_torch():
    x = Value(0.0)
    y = x ** 0
    y.backward()
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (t ** 0).backward()
    assert (y.data, x.grad) == (1.0, t.grad.item())
    # a polynomial evaluated at 0 (the reason this case matters)
    x = Value(0.0)
    p = 3 * x ** 0 + 2 * x ** 1 + x ** 2
    p.backward()
    assert p.data == 3.0 and x.grad == 2.0


def test_maximum_with_nan_is_nan_in_either_position_like_torch():
    for a, b in [(1.0, math.nan), (math.nan, 1.0)]:
        va, vb = Value(a), Value(b)
        out = maximum(va, vb)
        out.backward()
        ta = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        torch.maximum(ta, tb).backward()
        assert math.isnan(out.data)
        assert (va.grad, vb.grad) == (ta.grad.item(), tb.grad.item())


finite = st.floats(-3, 3, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(finite, min_size=2, max_size=4), st.integers(0, 10_000))
def test_property_random_programs_match_torch(data, program_seed):
    """Hypothesis searches leaf values (zeros included) for random programs of the engine."""
    rng = np.random.default_rng(program_seed)
    prog = _random_program(rng, len(data), int(rng.integers(2, 10)))
    v_leaves = [Value(float(d)) for d in data]
    t_leaves = [torch.tensor(float(d), dtype=torch.float64, requires_grad=True) for d in data]
    t_out = _run(prog, t_leaves, "t")
    try:
        v_out = _run(prog, v_leaves, "v")
    except (ValueError, ZeroDivisionError, OverflowError):
        # the engine refuses only where torch produces inf or nan (in the value or a gradient)
        t_out.backward()
        grads = [t.grad.item() for t in t_leaves if t.grad is not None]
        assert not all(math.isfinite(g) for g in [t_out.item(), *grads])
        return
    _assert_same_value_and_grads(v_out, t_out, v_leaves, t_leaves,
                                 value_tol=(1e-9, 1e-9), grad_tol=(1e-7, 1e-9))
