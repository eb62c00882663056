"""Tests of dlnotes.book.diagrams: the figures build, carry the labels they promise, and
the backpropagation frames show values first and gradients after."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from dlnotes.book import diagrams  # noqa: E402


def _texts(fig) -> str:
    return " ".join(t.get_text() for ax in fig.axes for t in ax.texts + [ax.title])


def test_static_diagrams_carry_their_labels():
    assert "M-P neuron" in _texts(diagrams.neuron_and_cell())
    layer = _texts(diagrams.layer_diagram(3, 2))
    assert "(2, 3) = (out, in)" in layer and "nn.Linear(3, 2).weight" in layer
    mlp = _texts(diagrams.mlp_diagram([3, 4, 2]))
    assert "$W^{1}$: (4, 3)" in mlp and "$W^{2}$: (2, 4)" in mlp
    plt.close("all")


def test_draw_net_shows_values_and_gradients():
    net = diagrams.example_b_net()
    fig = diagrams.draw_net(net, values={"h1": 0.5932699}, node_grads={"o1": 0.1384986},
                            weights={"w5": 0.4}, weight_grads={"w5": 0.0821670})
    text = _texts(fig)
    assert "0.593" in text and "δ = 0.1385" in text and "w5 = 0.40" in text and "∂E/∂w5 = 0.0822" in text
    plt.close("all")


def test_backprop_frames_forward_then_backward():
    net = diagrams.example_a_net()
    values = dict.fromkeys(net.nodes, 0.5)
    frames, labels = diagrams.backprop_frames(
        net, values=values, node_grads={"4": 0.1, "5": 0.2, "6": 0.3},
        weights={}, weight_grads={w: 0.01 for _, _, w in net.edges if w},
        forward_order=[["1", "2", "3"], ["4", "5"], ["6"], ["E"]], backward_order=[["6"], ["4", "5"]])
    assert len(frames) == len(labels) == 6
    assert labels[0].startswith("forward") and labels[-1].startswith("backward")
    assert "δ = 0." not in _texts(frames[3]) and "∂E/∂w14 = " in _texts(frames[-1])
    plt.close("all")


def test_theme_and_bad_input():
    fig = diagrams.layer_diagram(2, 2, theme={"weight": "#000000"})
    assert fig is not None
    with pytest.raises(ValueError, match="unknown theme keys"):
        diagrams.layer_diagram(theme={"nope": "#fff"})
    with pytest.raises(ValueError, match="between 1 and 8"):
        diagrams.layer_diagram(0, 2)
    with pytest.raises(ValueError, match="unknown node"):
        diagrams.Net({"a": (0, 0, "input")}, [("a", "b", "w")])
    plt.close("all")


def test_recurrent_cell_diagrams_carry_their_labels():
    lstm = _texts(diagrams.lstm_cell_diagram())
    for label in ("$f_t$", "$i_t$", r"$\tilde c_t$ (g)", "$o_t$", "$c_{t-1}$", "$c_t$", "$h_{t-1}$", "$h_t$",
                  "$x_t$", r"$\sigma$", r"$\tanh$", "⊙", "+", "forget gate", "input gate", "output gate"):
        assert label in lstm, label
    gru = _texts(diagrams.gru_cell_diagram(theme={"output": "#000000"}))
    for label in ("$z_t$", "$r_t$", r"$\tilde h_t$", "$h_{t-1}$", "$h_t$", "1−", "⊙", "+", "update gate",
                  "reset gate"):
        assert label in gru, label
    with pytest.raises(ValueError, match="unknown theme keys"):
        diagrams.lstm_cell_diagram(theme={"nope": "#fff"})
    plt.close("all")
