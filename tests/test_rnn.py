"""Numpy recurrent cells and layers (dlnotes.scratch.rnn) against torch, in float64."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from twin import check_twin

from dlnotes.gradcheck import gradcheck
from dlnotes.scratch import no_grad, rnn
from dlnotes.scratch.convert import from_torch

F64 = np.float64


# -- adapters: one input array, one output array, so check_twin sees every gradient ----------
def cell_adapters(kind: str, n_in: int, hidden: int, **options):
    """A scratch cell and its torch twin that both map [x, h(, c)] -> [h'(, c')] (concatenated)."""
    scratch_cls = {"rnn": rnn.RNNCell, "lstm": rnn.LSTMCell, "gru": rnn.GRUCell}[kind]
    torch_cls = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[kind]
    lstm = kind == "lstm"

    class Scratch(scratch_cls):
        def forward(self, xh):
            x, h = xh[:, :n_in], xh[:, n_in:]
            if lstm:
                return np.concatenate(super().forward(x, (h[:, :hidden], h[:, hidden:])), axis=1)
            return super().forward(x, h)

        def backward(self, g, *, input_grad=True):
            dx, dh = super().backward((g[:, :hidden], g[:, hidden:]) if lstm else g)
            return np.concatenate([dx, *(dh if lstm else (dh,))], axis=1)

    class Torch(torch_cls):
        def forward(self, xh):
            x, h = xh[:, :n_in], xh[:, n_in:]
            if lstm:
                return torch.cat(super().forward(x, (h[:, :hidden], h[:, hidden:])), dim=1)
            return super().forward(x, h)

    return Scratch(n_in, hidden, dtype=F64, **options), Torch(n_in, hidden, **options)


def layer_adapters(kind: str, n_in: int, hidden: int, hx=None, **options):
    """A scratch layer and its torch twin mapping x -> [output, h_n(, c_n)] along the time axis."""
    scratch_cls = {"rnn": rnn.RNN, "lstm": rnn.LSTM, "gru": rnn.GRU}[kind]
    torch_cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    lstm = kind == "lstm"
    bf = options.get("batch_first", False)

    def join(out, state, cat, swap):
        states = list(state) if lstm else [state]
        if bf:
            states = [swap(s) for s in states]
        return cat([out, *states], 1 if bf else 0)

    class Scratch(scratch_cls):
        def forward(self, x):
            h0 = None if hx is None else (tuple(hx) if lstm else hx)
            out, state = super().forward(x, h0)
            self._t = out.shape[1 if bf else 0]
            return join(out, state, np.concatenate, lambda s: s.transpose(1, 0, 2))

        def backward(self, g, *, input_grad=True):
            t, ax = self._t, (1 if bf else 0)
            g_out, g_rest = np.split(g, [t], axis=ax)
            if bf:
                g_rest = g_rest.transpose(1, 0, 2)
            parts = np.split(g_rest, 2, axis=0) if lstm else [g_rest]
            return super().backward(g_out, tuple(parts) if lstm else parts[0], input_grad=input_grad)

    class Torch(torch_cls):
        def forward(self, x):
            h0 = None if hx is None else (tuple(torch.tensor(a) for a in hx) if lstm else torch.tensor(hx))
            out, state = super().forward(x, h0)
            return join(out, state, torch.cat, lambda s: s.transpose(0, 1))

    return Scratch(n_in, hidden, dtype=F64, **options), Torch(n_in, hidden, **options)


# -- cells ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("batch, n_in, hidden", [(1, 1, 1), (3, 4, 5), (2, 6, 3)])
def test_cell_twin(kind, batch, n_in, hidden):
    scratch, twin = cell_adapters(kind, n_in, hidden)
    width = n_in + hidden * (2 if kind == "lstm" else 1)
    check_twin(scratch, twin, (batch, width), rng=batch + n_in)


def test_relu_rnn_cell_twin():
    scratch, twin = cell_adapters("rnn", 3, 4, nonlinearity="relu")
    check_twin(scratch, twin, (5, 7), rng=1, fd=False)  # kinks: no finite differences


def test_cell_without_bias():
    scratch, twin = cell_adapters("gru", 3, 2, bias=False)
    check_twin(scratch, twin, (4, 5), rng=2)


# -- layers: several lengths, batches, initial states, stacked, batch_first -----------------------
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("steps, batch, num_layers, batch_first, with_hx", [
    (1, 1, 1, False, False),
    (5, 3, 1, False, True),
    (7, 2, 2, True, False),
    (4, 4, 2, False, True),
])
def test_layer_twin(kind, steps, batch, num_layers, batch_first, with_hx):
    n_in, hidden = 3, 4
    gen = np.random.default_rng(steps * 10 + batch)
    hx = None
    if with_hx:
        shape = (num_layers, batch, hidden)
        hx = [gen.normal(size=shape), gen.normal(size=shape)] if kind == "lstm" else gen.normal(size=shape)
    scratch, twin = layer_adapters(kind, n_in, hidden, hx=hx, num_layers=num_layers, batch_first=batch_first)
    shape = (batch, steps, n_in) if batch_first else (steps, batch, n_in)
    check_twin(scratch, twin, shape, rng=steps + batch)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_initial_state_gradient(kind):
    """grad_hx equals torch's gradient with respect to h_0 (and c_0)."""
    gen = np.random.default_rng(3)
    x, shape = gen.normal(size=(6, 2, 3)), (2, 2, 4)
    h0 = [gen.normal(size=shape) for _ in range(2 if kind == "lstm" else 1)]
    twin = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind](3, 4, 2).double()
    scratch = from_torch(twin, dtype=F64)
    h0_t = [torch.tensor(a, requires_grad=True) for a in h0]
    out_t, state_t = twin(torch.tensor(x), tuple(h0_t) if kind == "lstm" else h0_t[0])
    states_t = state_t if kind == "lstm" else (state_t,)
    g_out, g_states = gen.normal(size=out_t.shape), [gen.normal(size=shape) for _ in states_t]
    ((out_t * torch.tensor(g_out)).sum() + sum((s * torch.tensor(g)).sum()
                                                for s, g in zip(states_t, g_states))).backward()
    out, _ = scratch(x, tuple(h0) if kind == "lstm" else h0[0])
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10)
    scratch.backward(g_out, tuple(g_states) if kind == "lstm" else g_states[0])
    grads = scratch.grad_hx if kind == "lstm" else (scratch.grad_hx,)
    for got, ht in zip(grads, h0_t):
        np.testing.assert_allclose(got, ht.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_load_state_dict_both_ways_and_from_torch():
    twin = torch.nn.LSTM(5, 6, num_layers=2)
    scratch = rnn.LSTM(5, 6, num_layers=2, rng=0)
    assert list(scratch.state_dict()) == list(twin.state_dict())
    scratch.load_state_dict(twin.state_dict())
    # the cells share the layer's arrays: what was loaded is what the cells use
    np.testing.assert_array_equal(scratch.cells[1].params["weight_hh"], twin.weight_hh_l1.detach().numpy())
    back = torch.nn.LSTM(5, 6, num_layers=2)
    back.load_state_dict({k: torch.tensor(v) for k, v in scratch.state_dict().items()})
    torch.testing.assert_close(back.weight_ih_l0, twin.weight_ih_l0)
    assert isinstance(from_torch(torch.nn.GRU(2, 3)), rnn.GRU)
    with pytest.raises(TypeError, match="bidirectional"):
        from_torch(torch.nn.GRU(2, 3, bidirectional=True))


# -- LSTM variants: shapes, gradients by finite differences, what each one means -------------
@pytest.mark.parametrize("variant", rnn.LSTM_VARIANTS)
def test_lstm_variant_gradients(variant):
    gen = np.random.default_rng(5)
    layer = rnn.LSTM(3, 4, num_layers=2, variant=variant, rng=1, dtype=F64)
    x = gen.normal(size=(5, 2, 3))
    h0 = (gen.normal(size=(2, 2, 4)), gen.normal(size=(2, 2, 4)))
    out, (h, c) = layer(x, h0)
    assert out.shape == (5, 2, 4) and h.shape == c.shape == (2, 2, 4)
    g_out, g_h, g_c = gen.normal(size=out.shape), gen.normal(size=h.shape), gen.normal(size=c.shape)
    dx = layer.backward(g_out, (g_h, g_c))

    def f():
        with no_grad(layer):
            o, (hn, cn) = layer(x, h0)
        return float((o * g_out).sum() + (hn * g_h).sum() + (cn * g_c).sum())

    params = {name: p for name, p, _ in layer.named_parameters()}
    analytic = {"x": dx, **{name: g for name, _, g in layer.named_parameters()}}
    report = gradcheck(f, {"x": x, **params}, analytic, 1e-6)
    assert report.ok(), str(report)
    if variant == "peephole":
        assert "weight_ci_l0" in params and params["weight_co_l1"].shape == (4,)
    if variant in ("no_forget", "coupled"):  # the forget rows are unused
        assert not np.any(layer.grads["weight_ih_l0"][4:8])


def test_lstm_variant_meanings():
    cell = rnn.LSTMCell(2, 3, variant="no_forget", rng=0, dtype=F64)
    x, h, c = np.zeros((1, 2)), np.zeros((1, 3)), np.ones((1, 3))
    with no_grad(cell):
        _, c_new = cell(x, (h, c))
    i, g = rnn.sigmoid(cell.params["bias_ih"][:3] + cell.params["bias_hh"][:3]), np.tanh(
        cell.params["bias_ih"][6:9] + cell.params["bias_hh"][6:9])
    np.testing.assert_allclose(c_new[0], 1 + i * g)  # f = 1: the cell only adds
    coupled = rnn.LSTMCell(2, 3, variant="coupled", rng=0, dtype=F64)
    with no_grad(coupled):
        _, c_new = coupled(x, (h, c))
    np.testing.assert_allclose(c_new[0], (1 - i) + i * g)


# -- clear errors ----------------------------------------------------------------------------
def test_bad_shapes_raise():
    layer = rnn.GRU(3, 4)
    with pytest.raises(ValueError, match="3 features"):
        layer(np.zeros((5, 2, 4)))
    with pytest.raises(ValueError, match="dimensions"):
        layer(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="initial states"):
        layer(np.zeros((5, 2, 3)), np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match="h_0, c_0"):
        rnn.LSTM(3, 4)(np.zeros((5, 2, 3)), np.zeros((1, 2, 4)))
    with pytest.raises(ValueError, match="batch, 3"):
        rnn.RNNCell(3, 4)(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="hidden state"):
        rnn.RNNCell(3, 4)(np.zeros((2, 3)), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="variant"):
        rnn.LSTMCell(3, 4, variant="forgetful")
    with pytest.raises(ValueError, match="hidden_size"):
        rnn.RNN(3, 0)
    with pytest.raises(RuntimeError, match="without a matching forward"):
        rnn.RNN(3, 4).backward(np.zeros((5, 2, 4)))


def test_no_grad_saves_nothing():
    layer = rnn.LSTM(2, 3, num_layers=2, rng=0)
    with no_grad(layer):
        layer(np.zeros((4, 1, 2)))
    assert not layer._saved and not any(c._saved for c in layer.cells)


@given(steps=st.integers(1, 6), batch=st.integers(1, 4), hidden=st.integers(1, 5))
def test_property_gru_matches_torch(steps, batch, hidden):
    torch.manual_seed(steps)
    twin = torch.nn.GRU(2, hidden).double()
    scratch = from_torch(twin, dtype=F64)
    x = np.random.default_rng(batch).normal(size=(steps, batch, 2))
    out, h = scratch(x)
    out_t, h_t = twin(torch.tensor(x))
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, h_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h[-1], out[-1])
