"""Tests of the threshold-logic networks (dlnotes.byhand.logic)."""

import numpy as np
import pytest
import torch

from dlnotes.byhand import logic


def test_all_inputs_and_parity():
    x = logic.all_inputs(3)
    assert x.shape == (8, 3)
    np.testing.assert_array_equal(x[5], [1, 0, 1])
    np.testing.assert_array_equal(logic.parity(x), [0, 1, 1, 0, 1, 0, 0, 1])


@pytest.mark.parametrize("n", range(2, 9))
@pytest.mark.parametrize("build", [logic.parity_shallow, logic.parity_deep])
def test_parity_networks_compute_parity(n, build):
    x = logic.all_inputs(n)
    out = logic.threshold_forward(build(n), x)
    assert out[-1].shape == (2 ** n, 1)
    np.testing.assert_array_equal(out[-1][:, 0], logic.parity(x))


def test_xor_truth_table():
    x = logic.all_inputs(2)
    for build in (logic.parity_shallow, logic.parity_deep):
        np.testing.assert_array_equal(logic.threshold_forward(build(2), x)[-1][:, 0], [0, 1, 1, 0])


@pytest.mark.parametrize("n", [2, 4, 8, 16])
def test_unit_counts(n):
    assert logic.count_units(logic.parity_shallow(n)) == 2 ** (n - 1) + 1
    assert logic.count_units(logic.parity_deep(n)) == 3 * (n - 1)  # n a power of two
    assert len(logic.parity_deep(n)) == 2 * int(np.log2(n))


def test_odd_sizes_need_copies():
    # n = 3: level 1 has one XOR (3 units) + one copied bit (2 units), level 2 one XOR (3 units)
    assert logic.count_units(logic.parity_deep(3)) == 8


@pytest.mark.parametrize("n", [3, 5])
def test_threshold_forward_matches_torch(n):
    """Same activations as torch Linear layers (float64) followed by a Heaviside step."""
    layers = logic.parity_deep(n)
    x = logic.all_inputs(n)
    ours = logic.threshold_forward(layers, x)
    a = torch.from_numpy(x)
    for (w, b), mine in zip(layers, ours[1:]):
        lin = torch.nn.Linear(w.shape[1], w.shape[0]).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
            a = torch.heaviside(lin(a), torch.tensor(1.0, dtype=torch.float64))
        np.testing.assert_array_equal(a.numpy(), mine)


def test_bad_input():
    layers = logic.parity_deep(4)
    with pytest.raises(ValueError, match=r"shape \(N, 4\)"):
        logic.threshold_forward(layers, np.zeros((3, 5)))
    with pytest.raises(ValueError, match="at least one layer"):
        logic.threshold_forward([], np.zeros((1, 1)))
    with pytest.raises(ValueError, match="expects"):
        layers = [(np.ones((2, 3)), np.ones(2)), (np.ones((1, 3)), np.ones(1))]
        logic.threshold_forward(layers, np.ones((1, 3)))
    with pytest.raises(ValueError, match="bias"):
        logic.count_units([(np.ones((2, 3)), np.ones(3))])
    with pytest.raises(TypeError, match="pair"):
        logic.count_units([np.ones((2, 3))])
    for bad in (1, 2.0, True, 21):
        with pytest.raises(ValueError, match="n"):
            logic.parity_deep(bad)
    with pytest.raises(ValueError, match="2-D"):
        logic.parity(np.ones(3))


def test_logic_gate_tables():
    X, y = logic.logic_gate("xor")
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert y.tolist() == [0, 1, 1, 0] and y.dtype == np.int64
    np.testing.assert_array_equal(logic.logic_gate("XOR")[1], logic.parity(X))
    assert logic.logic_gate("NAND")[1].tolist() == [1, 1, 1, 0]
    with pytest.raises(ValueError, match="unknown gate"):
        logic.logic_gate("XAND")


@pytest.mark.parametrize("n", [2, 3, 5, 8, 12])
def test_counting_parity_is_one_hidden_layer_of_n_units(n):
    net = logic.parity_counting(n)
    x = logic.all_inputs(n)
    np.testing.assert_array_equal(logic.threshold_forward(net, x)[-1][:, 0], logic.parity(x))
    assert len(net) == 2 and logic.count_units(net) == n + 1


def test_threshold_units_use_step_of_zero_equals_zero():
    out = logic.threshold_forward([(np.array([[1.0]]), np.array([0.0]))], np.array([[0.0], [1.0]]))
    np.testing.assert_array_equal(out[-1][:, 0], [0.0, 1.0])
