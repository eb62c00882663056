"""Diagrams drawn by code: a neuron beside the nerve cell, a layer with its weight shapes, an
MLP with its a^l / W^l labels, and small networks annotated with forward values and gradients.

Every function returns a matplotlib ``Figure`` (matplotlib is imported lazily). Colours come
from :data:`THEME`, built on :data:`dlnotes.book.plot.CLASS_COLORS`; pass ``theme={...}`` to
override single entries (the book's dark or print themes would do that).

The worked-example networks are described as data (:class:`Net`: nodes with positions and
edges with weight names), so that :func:`draw_net` can draw any of them, and
:func:`backprop_frames` turns a network plus its forward values and gradients into the
frames of a step-by-step backpropagation demo.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .plot import CLASS_COLORS

__all__ = ["THEME", "Net", "neuron_and_cell", "layer_diagram", "mlp_diagram", "draw_net",
           "example_a_net", "example_b_net", "backprop_frames", "lstm_cell_diagram", "gru_cell_diagram"]

#: Colours of the diagrams (Okabe-Ito, as in :mod:`dlnotes.book.plot`).
THEME: dict[str, str] = {
    "node": "#FFFFFF",
    "edge": "#7F7F7F",
    "text": "#000000",
    "input": CLASS_COLORS[5],     # sky blue
    "hidden": CLASS_COLORS[4],    # orange-yellow
    "output": CLASS_COLORS[3],    # pink
    "value": CLASS_COLORS[2],     # green: forward values
    "grad": CLASS_COLORS[1],      # vermillion: gradients
    "weight": CLASS_COLORS[0],    # blue: weights and shapes
    "active": "#F0E442",          # highlight of the node being computed
}


def _theme(theme: Mapping[str, str] | None) -> dict[str, str]:
    t = dict(THEME)
    if theme:
        unknown = set(theme) - set(THEME)
        if unknown:
            raise ValueError(f"unknown theme keys {sorted(unknown)}; known: {sorted(THEME)}")
        t.update(theme)
    return t


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _circle(ax, xy, r, face, edge, lw=1.2, z=3):
    from matplotlib.patches import Circle

    ax.add_patch(Circle(xy, r, facecolor=face, edgecolor=edge, lw=lw, zorder=z))


def _arrow(ax, a, b, color, lw=1.0, shrink=0.0, z=1):
    ax.annotate("", xy=b, xytext=a, zorder=z,
                arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, shrinkA=shrink, shrinkB=shrink,
                                mutation_scale=10))


def neuron_and_cell(*, theme: Mapping[str, str] | None = None):
    """A nerve cell (dendrites, cell body, axon, synapses) beside the M-P neuron it inspired."""
    import numpy as np

    plt = _plt()
    t = _theme(theme)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    # --- the cell: a sketch, not anatomy
    rng = np.random.default_rng(3)
    body = (0.0, 0.0)
    for k, ang in enumerate(np.linspace(2.0, 4.3, 5)):
        end = np.array([np.cos(ang), np.sin(ang)]) * 1.6
        ax1.plot([body[0], end[0]], [body[1], end[1]], color=t["hidden"], lw=2.5, zorder=1)
        for _ in range(2):  # branches
            a2 = ang + rng.uniform(-0.5, 0.5)
            e2 = end + np.array([np.cos(a2), np.sin(a2)]) * 0.5
            ax1.plot([end[0], e2[0]], [end[1], e2[1]], color=t["hidden"], lw=1.5, zorder=1)
        if k == 0:
            ax1.annotate("dendrites\ncollect signals", end, xytext=(-2.6, 1.8), fontsize=8,
                         arrowprops=dict(arrowstyle="-", color=t["edge"], lw=0.6))
    _circle(ax1, body, 0.45, t["hidden"], t["text"], z=3)
    ax1.text(0, -0.8, "cell body\nsums, compares\nwith a threshold", ha="center", va="top", fontsize=8)
    ax1.plot([0.45, 3.0], [0, 0], color=t["hidden"], lw=3, zorder=1)
    ax1.text(1.7, 0.15, "axon: fires a pulse", ha="center", fontsize=8)
    for dy in (-0.35, 0, 0.35):
        ax1.plot([3.0, 3.4], [0, dy], color=t["hidden"], lw=1.5)
        _circle(ax1, (3.45, dy), 0.07, t["grad"], t["grad"], z=4)
    ax1.text(3.45, -0.6, "synapses\nto other cells", ha="center", va="top", fontsize=8)
    ax1.set(xlim=(-3, 4), ylim=(-2.2, 2.4), title="a nerve cell (sketch)")
    # --- the model
    xs = [(0.0, 1.5), (0.0, 0.5), (0.0, -0.5), (0.0, -1.5)]
    names = ["$x_1$", "$x_2$", r"$\vdots$", "$x_n$"]
    sigma = (2.4, 0.0)
    for (x, y), name in zip(xs, names):
        if name == r"$\vdots$":
            ax2.text(x, y, name, ha="center", va="center", fontsize=12)
            continue
        _circle(ax2, (x, y), 0.28, t["input"], t["text"])
        ax2.text(x, y, name, ha="center", va="center", fontsize=10, zorder=5)
        _arrow(ax2, (x + 0.3, y), (sigma[0] - 0.5, sigma[1] + 0.25 * y), t["edge"])
        wname = {"$x_1$": "$w_1$", "$x_2$": "$w_2$", "$x_n$": "$w_n$"}[name]
        ax2.text(x + 1.0, y * 0.68 + 0.12, wname, color=t["weight"], fontsize=10)
    _circle(ax2, sigma, 0.5, t["hidden"], t["text"])
    ax2.text(*sigma, r"$\Sigma\;|\;g$", ha="center", va="center", fontsize=11, zorder=5)
    ax2.text(sigma[0], -0.75, r"$z = \sum_i w_i x_i + b$" "\n" r"$y = g(z)$, $g(0) = 0$",
             ha="center", va="top", fontsize=9)
    ax2.text(sigma[0], 0.65, "bias $b = -\\theta$", ha="center", fontsize=9, color=t["weight"])
    _arrow(ax2, (sigma[0] + 0.5, 0), (4.4, 0), t["edge"], lw=1.5)
    ax2.text(4.55, 0, "$y$", va="center", fontsize=11)
    ax2.text(1.0, -2.05, "inputs ~ dendrites, weights ~ synapses,\nsum and step ~ cell body, $y$ ~ axon",
             ha="center", fontsize=8)
    ax2.set(xlim=(-0.6, 5.0), ylim=(-2.4, 2.2), title="the M-P neuron")
    for ax in (ax1, ax2):
        ax.set_aspect("equal")
        ax.set_axis_off()
    fig.tight_layout()
    return fig


def _column(n: int, x: float, height: float = 3.0) -> list[tuple[float, float]]:
    if n == 1:
        return [(x, 0.0)]
    return [(x, height / 2 - i * height / (n - 1)) for i in range(n)]


def layer_diagram(n_in: int = 3, n_out: int = 2, *, theme: Mapping[str, str] | None = None):
    """A fully connected layer: every input to every neuron, with the shapes of W, x, b and z."""
    if n_in < 1 or n_out < 1 or n_in > 8 or n_out > 8:
        raise ValueError(f"draw between 1 and 8 inputs and outputs, got {n_in} and {n_out}")
    plt = _plt()
    t = _theme(theme)
    fig, ax = plt.subplots(figsize=(7.5, 3.4))
    ins, outs = _column(n_in, 0.0, 2.4), _column(n_out, 2.6, 2.4 * (n_out - 1) / max(n_in - 1, 1))
    for j, (xo, yo) in enumerate(outs):
        for xi, yi in ins:
            color = t["weight"] if j == 0 else t["edge"]
            _arrow(ax, (xi + 0.22, yi), (xo - 0.26, yo), color, lw=1.4 if j == 0 else 0.8, z=1)
        _circle(ax, (xo, yo), 0.25, t["hidden"], t["text"])
        ax.text(xo, yo, f"$z_{j + 1}$", ha="center", va="center", zorder=5)
    for i, (xi, yi) in enumerate(ins):
        _circle(ax, (xi, yi), 0.22, t["input"], t["text"])
        ax.text(xi, yi, f"$x_{i + 1}$", ha="center", va="center", zorder=5)
    ax.text(1.3, outs[0][1] + 0.45, f"row 1 of $W$: $W_{{1,1}}, \\dots, W_{{1,{n_in}}}$",
            color=t["weight"], ha="center", fontsize=9)
    ax.text(4.1, 0.6, f"$W$: ({n_out}, {n_in}) = (out, in)\none row per neuron\n"
            f"= nn.Linear({n_in}, {n_out}).weight", fontsize=9, va="center", color=t["weight"])
    ax.text(4.1, -0.6, f"$\\mathbf{{z}} = W\\mathbf{{x}} + \\mathbf{{b}}$: ({n_out},) = ({n_out}, {n_in})"
            f" @ ({n_in},) + ({n_out},)\nbatch: $Z = XW^\\top + \\mathbf{{b}}$: (N, {n_out})",
            fontsize=9, va="center")
    ax.set(xlim=(-0.5, 8.2), ylim=(-1.7, 1.8), title="a fully connected layer")
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def mlp_diagram(sizes: Sequence[int] = (3, 4, 4, 2), *, theme: Mapping[str, str] | None = None):
    """An MLP with the activations a^l of each layer and the weights W^l (n_l x n_{l-1}) between."""
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s < 1 or s > 8 for s in sizes):
        raise ValueError(f"sizes must list 2 or more widths between 1 and 8, got {sizes}")
    plt = _plt()
    t = _theme(theme)
    L = len(sizes) - 1
    fig, ax = plt.subplots(figsize=(2.4 * (L + 1), 3.8))
    cols = [_column(n, 2.0 * l, 0.55 * (n - 1)) for l, n in enumerate(sizes)]
    for l in range(1, L + 1):
        for a in cols[l - 1]:
            for b in cols[l]:
                ax.plot([a[0], b[0]], [a[1], b[1]], color=t["edge"], lw=0.6, zorder=1)
        ax.text(2.0 * l - 1.0, 1.75, f"$W^{{{l}}}$: ({sizes[l]}, {sizes[l - 1]})", ha="center",
                color=t["weight"], fontsize=10)
        ax.text(2.0 * l - 1.0, -2.05, f"$\\mathbf{{z}}^{{{l}}} = W^{{{l}}}\\mathbf{{a}}^{{{l - 1}}}"
                f" + \\mathbf{{b}}^{{{l}}}$", ha="center", fontsize=9)
    for l, col in enumerate(cols):
        face = t["input"] if l == 0 else t["output"] if l == L else t["hidden"]
        for p in col:
            _circle(ax, p, 0.2, face, t["text"])
        if l == 0:
            name = "input $\\mathbf{a}^0 = \\mathbf{x}$"
        elif l == L:
            name = f"output $\\mathbf{{a}}^{{{l}}}$"
        else:
            name = f"hidden $\\mathbf{{a}}^{{{l}}} = f(\\mathbf{{z}}^{{{l}}})$"
        ax.text(2.0 * l, -1.5, name, ha="center", fontsize=9)
    ax.set(xlim=(-1.0, 2.0 * L + 1.0), ylim=(-2.4, 2.1),
           title=f"an MLP with {L} layers (the input is not counted): sizes {sizes}")
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout()
    return fig


@dataclass
class Net:
    """A small network to draw: ``nodes`` maps a name to ``(x, y, kind)`` with kind ``"input"``,
    ``"hidden"``, ``"output"`` or ``"loss"``; ``edges`` are ``(src, dst, weight_name)``."""

    nodes: dict[str, tuple[float, float, str]]
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    title: str = ""

    def __post_init__(self) -> None:
        for src, dst, _ in self.edges:
            for n in (src, dst):
                if n not in self.nodes:
                    raise ValueError(f"edge {src}->{dst}: unknown node {n!r}")
        for name, (_, _, kind) in self.nodes.items():
            if kind not in ("input", "hidden", "output", "loss"):
                raise ValueError(f"node {name!r}: unknown kind {kind!r}")


def example_a_net() -> Net:
    """Lecture 003's network: inputs 1-3, sigmoid units 4 and 5, output 6, error E."""
    nodes = {"1": (0, 1.5, "input"), "2": (0, 0, "input"), "3": (0, -1.5, "input"),
             "4": (2.6, 0.9, "hidden"), "5": (2.6, -0.9, "hidden"), "6": (5.2, 0, "output"),
             "E": (7.2, 0, "loss")}
    edges = [("1", "4", "w14"), ("1", "5", "w15"), ("2", "4", "w24"), ("2", "5", "w25"),
             ("3", "4", "w34"), ("3", "5", "w35"), ("4", "6", "w46"), ("5", "6", "w56"), ("6", "E", "")]
    return Net(nodes, edges, "worked example A (lecture 003)")


def example_b_net() -> Net:
    """Lecture 004's network: inputs i1, i2; hidden h1, h2; outputs o1, o2; error E_total."""
    nodes = {"i1": (0, 1.0, "input"), "i2": (0, -1.0, "input"), "h1": (2.8, 1.0, "hidden"),
             "h2": (2.8, -1.0, "hidden"), "o1": (5.6, 1.0, "output"), "o2": (5.6, -1.0, "output"),
             "E": (7.8, 0.0, "loss")}
    edges = [("i1", "h1", "w1"), ("i2", "h1", "w2"), ("i1", "h2", "w3"), ("i2", "h2", "w4"),
             ("h1", "o1", "w5"), ("h2", "o1", "w6"), ("h1", "o2", "w7"), ("h2", "o2", "w8"),
             ("o1", "E", ""), ("o2", "E", "")]
    return Net(nodes, edges, "worked example B (lecture 004)")


def _fmt(v: float, digits: int) -> str:
    return f"{v:.{digits}f}"


def draw_net(net: Net, *, values: Mapping[str, float] | None = None,
             node_grads: Mapping[str, float] | None = None, weights: Mapping[str, float] | None = None,
             weight_grads: Mapping[str, float] | None = None, active: Sequence[str] = (),
             active_edges: Sequence[str] = (), digits: int = 3, caption: str = "",
             theme: Mapping[str, str] | None = None, figsize=(8.6, 3.9)):
    """Draw ``net`` with optional annotations.

    ``values`` (node -> forward output, green, above the node), ``node_grads`` (node -> gradient of
    the loss with respect to the node's pre-activation, orange, below), ``weights`` (weight name ->
    value, blue, on the edge) and ``weight_grads`` (weight name -> gradient, orange, on the edge).
    ``active`` / ``active_edges`` are highlighted (the step a demo frame is showing).
    """
    plt = _plt()
    t = _theme(theme)
    values, node_grads = dict(values or {}), dict(node_grads or {})
    weights, weight_grads = dict(weights or {}), dict(weight_grads or {})
    fig, ax = plt.subplots(figsize=figsize)
    r = 0.34
    for src, dst, wname in net.edges:
        (x0, y0, _), (x1, y1, _) = net.nodes[src], net.nodes[dst]
        hot = wname and wname in active_edges
        ax.annotate("", xy=(x1 - r * 1.05, y1 + (y0 - y1) * 0.0), xytext=(x0 + r, y0), zorder=1,
                    arrowprops=dict(arrowstyle="-|>", color=t["grad"] if hot else t["edge"],
                                    lw=2.2 if hot else 0.9, mutation_scale=9))
        if wname:
            f = 0.3 if y1 == y0 else (0.28 if (y0 > y1) == (src < dst) else 0.3)
            mx, my = x0 + (x1 - x0) * f + r, y0 + (y1 - y0) * f
            label = wname
            if wname in weights:
                label += f" = {_fmt(weights[wname], 2)}"
            ax.text(mx, my + 0.12, label, fontsize=7.5, color=t["weight"], ha="left", zorder=6,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
            if wname in weight_grads:
                ax.text(mx, my - 0.16, f"∂E/∂{wname} = {_fmt(weight_grads[wname], digits + 1)}",
                        fontsize=7, color=t["grad"], ha="left", zorder=6,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    for name, (x, y, kind) in net.nodes.items():
        face = t["active"] if name in active else t[kind] if kind != "loss" else t["node"]
        _circle(ax, (x, y), r, face, t["text"], lw=2.0 if name in active else 1.2)
        ax.text(x, y, name if kind != "loss" else "E", ha="center", va="center", fontsize=9, zorder=5)
        if name in values:
            ax.text(x, y + r + 0.08, _fmt(values[name], digits + (kind == "loss") * 2), ha="center",
                    va="bottom", fontsize=8, color=t["value"], fontweight="bold", zorder=6)
        if name in node_grads:
            ax.text(x, y - r - 0.08, f"δ = {_fmt(node_grads[name], digits + 1)}", ha="center", va="top",
                    fontsize=7.5, color=t["grad"], fontweight="bold", zorder=6)
    xs = [p[0] for p in net.nodes.values()]
    ys = [p[1] for p in net.nodes.values()]
    ax.set(xlim=(min(xs) - 0.7, max(xs) + 0.9), ylim=(min(ys) - 1.0, max(ys) + 0.8))
    ax.set_title(net.title + ("\n" + caption if caption else ""), fontsize=10)
    ax.text(min(xs) - 0.6, min(ys) - 0.9, "green: forward value   orange: gradient (δ = ∂E/∂net)   "
            "blue: weight", fontsize=7, color=t["text"])
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig.tight_layout()
    return fig


def backprop_frames(net: Net, *, values: Mapping[str, float], node_grads: Mapping[str, float],
                    weights: Mapping[str, float], weight_grads: Mapping[str, float],
                    forward_order: Sequence[Sequence[str]], backward_order: Sequence[Sequence[str]],
                    digits: int = 3, theme: Mapping[str, str] | None = None) -> tuple[list, list[str]]:
    """Frames (figures) and captions of backpropagation on ``net``, one layer per frame.

    ``forward_order`` lists groups of nodes computed together, inputs first; ``backward_order``
    lists groups whose gradients are computed together, output first. A node's incoming weights
    get their gradients in the frame where its δ appears (∂E/∂w = δ · input).
    """
    incoming: dict[str, list[str]] = {}
    for _src, dst, w in net.edges:
        if w:
            incoming.setdefault(dst, []).append(w)
    frames, labels = [], []
    shown: dict[str, float] = {}
    for k, group in enumerate(forward_order):
        shown.update({n: values[n] for n in group})
        frames.append(draw_net(net, values=shown, weights=weights, active=group, active_edges=(),
                               digits=digits, theme=theme,
                               caption=f"forward {k + 1}/{len(forward_order)}: {', '.join(group)}"))
        labels.append(f"forward: {', '.join(group)}")
    grads: dict[str, float] = {}
    wgrads: dict[str, float] = {}
    for k, group in enumerate(backward_order):
        grads.update({n: node_grads[n] for n in group if n in node_grads})
        edges = [w for n in group for w in incoming.get(n, [])]
        wgrads.update({w: weight_grads[w] for w in edges})
        frames.append(draw_net(net, values=shown, node_grads=grads, weights=weights, weight_grads=wgrads,
                               active=group, active_edges=edges, digits=digits, theme=theme,
                               caption=f"backward {k + 1}/{len(backward_order)}: δ of {', '.join(group)}"
                               + (f" and ∂E/∂{', ∂E/∂'.join(edges)}" if edges else "")))
        labels.append(f"backward: {', '.join(group)}")
    return frames, labels


# --- recurrent cells ---------------------------------------------------------------------------

def _line(ax, points, color, lw=1.4, arrow=False, z=1):
    """A polyline through ``points``; with ``arrow`` an arrow head at the last point."""
    xs, ys = zip(*points)
    if arrow and len(points) >= 2:
        ax.plot(xs[:-1], ys[:-1], color=color, lw=lw, zorder=z, solid_capstyle="round")
        _arrow(ax, points[-2], points[-1], color, lw=lw, z=z)
    else:
        ax.plot(xs, ys, color=color, lw=lw, zorder=z, solid_capstyle="round")


def _op(ax, xy, symbol, t, r=0.28):
    """A pointwise operation (⊙, +, 1−) as a circle with its symbol."""
    _circle(ax, xy, r, t["node"], t["text"], lw=1.2, z=4)
    ax.text(*xy, symbol, ha="center", va="center", fontsize=11 if len(symbol) == 1 else 8, zorder=5)


def _layer_box(ax, xy, label, face, t, w=1.1, h=0.8):
    """A neural-network layer (weights, bias and a nonlinearity) as a box, e.g. σ or tanh."""
    from matplotlib.patches import FancyBboxPatch

    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04,rounding_size=0.12",
                                facecolor=face, edgecolor=t["text"], lw=1.2, zorder=4))
    ax.text(x, y, label, ha="center", va="center", fontsize=11, zorder=5)


def _cell_frame(ax, t, title, width=10.0, height=6.0):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((0, 0), width, height, boxstyle="round,pad=0.1,rounding_size=0.4",
                                facecolor="none", edgecolor=t["edge"], lw=1.0, ls="--", zorder=0))
    ax.set(xlim=(-1.9, width + 2.0), ylim=(-1.7, height + 0.9))
    ax.set_title(title, fontsize=10)
    ax.set_aspect("equal")
    ax.set_axis_off()


def lstm_cell_diagram(*, theme: Mapping[str, str] | None = None):
    """One LSTM step: the cell state c_{t-1} -> c_t along the top (multiplied by the forget gate,
    plus the gated candidate), the gates f, i, o (σ) and the candidate c̃ (tanh) computed from
    [h_{t-1}, x_t] below, and h_t = o ⊙ tanh(c_t). Torch's gate order is i, f, g (= c̃), o."""
    plt = _plt()
    t = _theme(theme)
    fig, ax = plt.subplots(figsize=(8.4, 5.0))
    top, bus, gy = 5.0, 1.0, 2.5
    cstate, hidden, gate = t["weight"], t["input"], t["output"]
    gates = [("f", 2.0, r"$\sigma$", r"$f_t$", "forget gate"),
             ("i", 4.0, r"$\sigma$", r"$i_t$", "input gate"),
             ("g", 5.6, r"$\tanh$", r"$\tilde c_t$ (g)", "candidate"),
             ("o", 7.4, r"$\sigma$", r"$o_t$", "output gate")]
    xs = {k: x for k, x, *_ in gates}
    # the cell state: a straight line through the step, changed only by ⊙ and +
    _line(ax, [(-1.4, top), (11.5, top)], cstate, lw=2.6, arrow=True)
    ax.text(-1.5, top + 0.3, r"$c_{t-1}$", ha="left", va="bottom", fontsize=12, color=cstate)
    ax.text(11.5, top + 0.3, r"$c_t$", ha="right", va="bottom", fontsize=12, color=cstate)
    ax.text(3.8, top + 0.35, "cell state (passed on additively)", ha="center", va="bottom", fontsize=8,
            color=cstate)
    # the inputs: h_{t-1} from the left, x_t from below, one bus feeding every gate
    _line(ax, [(-1.4, bus), (xs["o"], bus)], hidden, lw=1.8)
    ax.text(-1.5, bus + 0.25, r"$h_{t-1}$", ha="left", va="bottom", fontsize=12, color=hidden)
    _line(ax, [(1.0, -1.3), (1.0, bus)], hidden, lw=1.8)
    ax.text(1.0, -1.4, r"$x_t$", ha="center", va="top", fontsize=12, color=hidden)
    _circle(ax, (1.0, bus), 0.07, hidden, hidden, z=3)
    ax.text(1.15, bus - 0.3, r"$[h_{t-1}, x_t]$", fontsize=8, va="top")
    for k, x, box, name, role in gates:
        _line(ax, [(x, bus), (x, gy - 0.4)], hidden, lw=1.4, arrow=True)
        _layer_box(ax, (x, gy), box, gate if k != "g" else t["hidden"], t)
        ax.text(x, gy - 0.55, role, ha="center", va="top", fontsize=7.5)
        low = k == "o"  # o_t's line turns right above the box: label it beside the box
        ax.text(x + 0.62, gy if low else gy + 0.52, name, ha="left", va="center" if low else "bottom",
                fontsize=10)
    # forget: c_{t-1} ⊙ f_t
    _line(ax, [(xs["f"], gy + 0.4), (xs["f"], top - 0.28)], gate, arrow=True)
    _op(ax, (xs["f"], top), "⊙", t)
    # write: i_t ⊙ c̃_t, added to the cell state
    mul_in = (xs["g"], 3.85)
    _line(ax, [(xs["i"], gy + 0.4), (xs["i"], mul_in[1]), (mul_in[0] - 0.28, mul_in[1])], gate, arrow=True)
    _line(ax, [(xs["g"], gy + 0.4), (xs["g"], mul_in[1] - 0.28)], t["text"], arrow=True)
    _op(ax, mul_in, "⊙", t)
    _line(ax, [(mul_in[0], mul_in[1] + 0.28), (mul_in[0], top - 0.28)], t["text"], arrow=True)
    _op(ax, (xs["g"], top), "+", t)
    # read: h_t = o_t ⊙ tanh(c_t)
    xo = 8.9
    _line(ax, [(xo, top), (xo, 4.55)], cstate, arrow=True)
    _layer_box(ax, (xo, 4.25), r"$\tanh$", t["node"], t, w=0.9, h=0.5)
    ax.text(xo + 0.55, 4.25, "no weights", fontsize=7, va="center")
    mul_out = (xo, 3.2)
    _line(ax, [(xo, 4.0), (xo, mul_out[1] + 0.28)], t["text"], arrow=True)
    _line(ax, [(xs["o"], gy + 0.4), (xs["o"], mul_out[1]), (xo - 0.28, mul_out[1])], gate, arrow=True)
    _op(ax, mul_out, "⊙", t)
    _line(ax, [(xo, mul_out[1] - 0.28), (xo, bus), (11.5, bus)], hidden, lw=1.8, arrow=True)
    ax.text(11.5, bus + 0.25, r"$h_t$", ha="right", va="bottom", fontsize=12, color=hidden)
    ax.text(11.5, bus - 0.25, "(also the output $y_t$)", ha="right", va="top", fontsize=7.5)
    ax.text(1.8, -0.7, "boxes: a layer with weights ($W x_t + U h_{t-1} + b$, then σ or tanh);  "
            "circles: elementwise", ha="left", va="top", fontsize=7.5)
    _cell_frame(ax, t, r"an LSTM cell: $c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$,  "
                r"$h_t = o_t \odot \tanh(c_t)$")
    fig.tight_layout()
    return fig


def gru_cell_diagram(*, theme: Mapping[str, str] | None = None):
    """One GRU step (torch's form): the state h_{t-1} -> h_t along the top, mixed by the update
    gate z (h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃_t); the reset gate r scales the recurrent part
    of the candidate h̃_t = tanh(W x_t + r ⊙ (U h_{t-1} + b))."""
    plt = _plt()
    t = _theme(theme)
    fig, ax = plt.subplots(figsize=(8.4, 5.0))
    top, bus, gy = 5.0, 1.0, 2.5
    state, hidden, gate = t["weight"], t["input"], t["output"]
    xz, xr, xh = 2.2, 4.6, 7.0
    _line(ax, [(-1.4, top), (11.5, top)], state, lw=2.6, arrow=True)
    ax.text(-1.5, top + 0.3, r"$h_{t-1}$", ha="left", va="bottom", fontsize=12, color=state)
    ax.text(11.5, top + 0.3, r"$h_t$", ha="right", va="bottom", fontsize=12, color=state)
    ax.text(11.5, top - 0.3, "(also the output $y_t$)", ha="right", va="top", fontsize=7.5)
    # h_{t-1} drops to the bus that feeds the gates, x_t comes from below
    _line(ax, [(0.4, top), (0.4, bus), (xh, bus)], hidden, lw=1.8)
    _circle(ax, (0.4, top), 0.07, state, state, z=3)
    _line(ax, [(1.2, -1.3), (1.2, bus)], hidden, lw=1.8)
    _circle(ax, (1.2, bus), 0.07, hidden, hidden, z=3)
    ax.text(1.2, -1.4, r"$x_t$", ha="center", va="top", fontsize=12, color=hidden)
    ax.text(1.35, bus - 0.3, r"$[h_{t-1}, x_t]$", fontsize=8, va="top")
    for x, box, name, role, face in ((xz, r"$\sigma$", r"$z_t$", "update gate", gate),
                                     (xr, r"$\sigma$", r"$r_t$", "reset gate", gate),
                                     (xh, r"$\tanh$", r"$\tilde h_t$",
                                      r"candidate: $\tanh(W x_t + r_t \odot (U h_{t-1} + b))$", t["hidden"])):
        _line(ax, [(x, bus), (x, gy - 0.4)], hidden, lw=1.4, arrow=True)
        _layer_box(ax, (x, gy), box, face, t)
        if x == xh:  # the long one: left-aligned under its box
            ax.text(x - 0.55, gy - 0.55, role, ha="left", va="top", fontsize=7.5)
        else:
            ax.text(x, gy - 0.55, role, ha="center", va="top", fontsize=7.5)
        ax.text(x + 0.62, gy + 0.52, name, ha="left", va="bottom", fontsize=10)
    # reset: r_t scales U h_{t-1} + b inside the candidate's layer
    _line(ax, [(xr + 0.55, gy), (xh - 0.55, gy)], gate, arrow=True)
    # keep: z_t ⊙ h_{t-1}
    _line(ax, [(xz, gy + 0.4), (xz, top - 0.28)], gate, arrow=True)
    _op(ax, (xz, top), "⊙", t)
    # write: (1 − z_t) ⊙ h̃_t, added
    one_minus = (xr, 3.85)
    _line(ax, [(xz, one_minus[1]), (one_minus[0] - 0.28, one_minus[1])], gate, arrow=True)
    _circle(ax, (xz, one_minus[1]), 0.07, gate, gate, z=3)
    _op(ax, one_minus, "1−", t)
    mul = (xh, 3.85)
    _line(ax, [(one_minus[0] + 0.28, mul[1]), (mul[0] - 0.28, mul[1])], gate, arrow=True)
    _line(ax, [(xh, gy + 0.4), (xh, mul[1] - 0.28)], t["text"], arrow=True)
    _op(ax, mul, "⊙", t)
    _line(ax, [(xh, mul[1] + 0.28), (xh, top - 0.28)], t["text"], arrow=True)
    _op(ax, (xh, top), "+", t)
    ax.text(2.0, -0.7, "boxes: a layer with weights, then σ or tanh;  circles: elementwise",
            ha="left", va="top", fontsize=7.5)
    _cell_frame(ax, t, r"a GRU cell: $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$")
    fig.tight_layout()
    return fig
