"""A scalar reverse-mode automatic differentiation engine (自动微分), small enough to read.

Every :class:`Value` holds one number (``data``), the gradient of the final
output with respect to it (``grad``), the values it was computed from
(``children``), the name of the operation (``op``) and the *local gradients*
``d(self)/d(child)`` (``local_grads``), which each operation computes during
the forward pass. :meth:`Value.backward` visits the graph in reverse
topological order and applies the chain rule

    child.grad += local_grad * node.grad

once per edge, so a value used twice (``x * x``) receives both contributions.

Supported operations: ``+ - * /``, ``**`` with a constant exponent, and the
functions ``exp``, ``log``, ``tanh``, ``sigmoid``, ``relu`` and
:func:`maximum` (the "max gate"). :func:`draw_graph` draws the computational
graph (计算图) with matplotlib, showing each node's value and gradient and,
on every edge, the local gradient.

Unlike ``torch.autograd``, :meth:`Value.backward` first sets the gradient of
every node of the graph to zero and keeps the gradients of intermediate nodes
(torch accumulates into leaves and frees intermediate gradients); this makes
the graph easy to inspect.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

__all__ = ["Value", "maximum", "topological_order", "graph_table", "draw_graph", "as_value"]


def _check_number(x, what: str) -> float:
    if isinstance(x, Value):
        raise TypeError(f"{what} must be a plain number here, got a Value")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {type(x).__name__} ({x!r})")
    return float(x)


class Value:
    """One scalar node of a computational graph.

    ``Value(2.0, label="x")`` is a leaf; arithmetic with other values or plain
    numbers builds new nodes. After ``out.backward()``, ``v.grad`` holds
    ``d(out)/d(v)`` for every node ``v`` that ``out`` depends on.
    """

    __slots__ = ("data", "grad", "children", "local_grads", "op", "label")
    __array_priority__ = 1000  # make ``numpy_scalar * Value`` call Value.__rmul__

    def __init__(self, data: float, children: Sequence["Value"] = (), op: str = "",
                 local_grads: Sequence[float] = (), label: str = "") -> None:
        self.data = _check_number(data, "Value data")
        if len(children) != len(local_grads):
            raise ValueError("every child needs exactly one local gradient")
        self.children: tuple[Value, ...] = tuple(children)
        self.local_grads: tuple[float, ...] = tuple(float(g) for g in local_grads)
        self.op = op
        self.label = label
        self.grad = 0.0

    # ----------------------------------------------------------- operations
    def __add__(self, other) -> "Value":
        other = as_value(other)
        return Value(self.data + other.data, (self, other), "+", (1.0, 1.0))

    def __radd__(self, other) -> "Value":
        return as_value(other) + self

    def __mul__(self, other) -> "Value":
        other = as_value(other)
        return Value(self.data * other.data, (self, other), "*", (other.data, self.data))

    def __rmul__(self, other) -> "Value":
        return as_value(other) * self

    def __neg__(self) -> "Value":
        return self * -1.0

    def __sub__(self, other) -> "Value":
        return self + (-as_value(other))

    def __rsub__(self, other) -> "Value":
        return as_value(other) + (-self)

    def __pow__(self, exponent) -> "Value":
        if isinstance(exponent, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a constant "
                            "number (write exp(b * log(a)) for a variable exponent)")
        n = _check_number(exponent, "the exponent")
        if n == 0.0:  # x ** 0 = 1 everywhere, 0 ** 0 included (as in torch): gradient 0
            return Value(1.0, (self,), "**0", (0.0,))
        if self.data == 0.0 and n < 1.0:
            raise ValueError(f"0 ** {n}: the derivative n * x**(n-1) is not finite at x = 0")
        if self.data < 0.0 and not float(n).is_integer():
            raise ValueError(f"({self.data}) ** {n}: a negative base needs an integer exponent")
        return Value(self.data ** n, (self,), f"**{n:g}", (n * self.data ** (n - 1.0),))

    def __truediv__(self, other) -> "Value":
        other = as_value(other)
        if other.data == 0.0:
            raise ZeroDivisionError("division of a Value by zero")
        return self * other ** -1

    def __rtruediv__(self, other) -> "Value":
        return as_value(other) / self

    def exp(self) -> "Value":
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp({self.data}) overflows a float") from None
        return Value(e, (self,), "exp", (e,))

    def log(self) -> "Value":
        if self.data <= 0.0:
            raise ValueError(f"log of a non-positive number ({self.data})")
        return Value(math.log(self.data), (self,), "log", (1.0 / self.data,))

    def tanh(self) -> "Value":
        t = math.tanh(self.data)
        return Value(t, (self,), "tanh", (1.0 - t * t,))

    def sigmoid(self) -> "Value":
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return Value(s, (self,), "sigmoid", (s * (1.0 - s),))

    def relu(self) -> "Value":
        # torch's convention: the derivative at 0 is 0
        return Value(max(self.data, 0.0), (self,), "relu", (1.0 if self.data > 0 else 0.0,))

    # ------------------------------------------------------------- backward
    def backward(self) -> None:
        """Fill ``grad`` of every node of the graph with d(self)/d(node).

        All gradients of the graph are reset first, then ``self.grad = 1`` and
        the chain rule runs from the output back to the leaves.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node.children, node.local_grads):
                child.grad += local * node.grad

    # ---------------------------------------------------------------- misc
    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        name = f"{self.label}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    def __bool__(self) -> bool:
        raise TypeError("the truth value of a Value is ambiguous; compare v.data instead")

    __hash__ = object.__hash__  # identity: two nodes with equal data are different nodes


def as_value(x) -> Value:
    """Return ``x`` if it is a :class:`Value`, else wrap the number as a constant leaf."""
    if isinstance(x, Value):
        return x
    try:
        return Value(_check_number(x, "an operand"))
    except TypeError:
        raise TypeError(f"cannot combine a Value with {type(x).__name__} ({x!r}); "
                        "use numbers or Values") from None


def maximum(a, b) -> Value:
    """The max gate: ``max(a, b)``; the gradient goes to the larger input (split 50/50 on a tie,
    as ``torch.maximum`` does). A NaN input gives NaN in either position (as in torch)."""
    a, b = as_value(a), as_value(b)
    if math.isnan(a.data) or math.isnan(b.data):
        return Value(math.nan, (a, b), "max", (1.0, 1.0))  # torch's gradients for this case
    if a.data > b.data:
        grads = (1.0, 0.0)
    elif a.data < b.data:
        grads = (0.0, 1.0)
    else:
        grads = (0.5, 0.5)
    return Value(max(a.data, b.data), (a, b), "max", grads)


def topological_order(root: Value) -> list[Value]:
    """All nodes ``root`` depends on, each after its children (iterative, no recursion limit)."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__}")
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for child in reversed(node.children):
            if id(child) not in seen:
                stack.append((child, False))
    return order


def _name(node: Value, names: dict[int, str]) -> str:
    return names[id(node)]


def _auto_names(order: Sequence[Value]) -> dict[int, str]:
    names: dict[int, str] = {}
    k = 0
    for node in order:
        if node.label:
            names[id(node)] = node.label
        elif not node.children:
            names[id(node)] = f"{node.data:g}"
        else:
            k += 1
            names[id(node)] = f"n{k}"
    return names


def graph_table(root: Value, digits: int = 4) -> str:
    """The graph as text, one node per line in forward order: name, operation, inputs, value,
    local gradients and gradient (rounded to ``digits``)."""
    order = topological_order(root)
    names = _auto_names(order)
    rows = [("node", "op", "inputs", "value", "local grads", "grad")]
    for node in order:
        ins = ", ".join(_name(c, names) for c in node.children)
        loc = ", ".join(f"{g:.{digits}f}" for g in node.local_grads)
        rows.append((_name(node, names), node.op or "leaf", ins, f"{node.data:.{digits}f}", loc,
                     f"{node.grad:.{digits}f}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def draw_graph(root: Value, *, digits: int = 2, show_local: bool = True, ax=None,
               title: str | None = None, width: float | None = None):
    """Draw the computational graph of ``root`` with matplotlib; return the ``Figure``.

    Leaves are on the left, ``root`` on the right. Each box shows the node's
    name (its ``label``, or ``n1, n2, ...``), the operation that made it, its
    value (green) and its gradient (red). With ``show_local`` every edge is
    annotated with the local gradient d(parent)/d(child). Constants that are
    not labelled are drawn as leaves named by their value.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    order = topological_order(root)
    names = _auto_names(order)
    depth: dict[int, int] = {}
    for node in order:  # longest path from a leaf
        depth[id(node)] = 1 + max((depth[id(c)] for c in node.children), default=-1)
    # put leaves that feed directly into a deep node next to it
    consumers: dict[int, list[Value]] = {}
    for node in order:
        for c in node.children:
            consumers.setdefault(id(c), []).append(node)
    for node in order:
        if not node.children and id(node) in consumers:
            depth[id(node)] = min(depth[id(p)] for p in consumers[id(node)]) - 1
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    n_cols = max(columns) + 1
    n_rows = max(len(v) for v in columns.values())
    pos: dict[int, tuple[float, float]] = {}
    for d, nodes in columns.items():
        for i, node in enumerate(nodes):
            pos[id(node)] = (d * 2.4, -(i - (len(nodes) - 1) / 2) * 1.3)
    if ax is None:
        fig, ax = plt.subplots(figsize=(width or max(4.0, 2.2 * n_cols), max(2.0, 1.1 * n_rows + 0.6)))
    else:
        fig = ax.figure
    box_w, box_h = 1.5, 0.8
    for node in order:
        x, y = pos[id(node)]
        for child, local in zip(node.children, node.local_grads):
            cx, cy = pos[id(child)]
            ax.annotate("", xy=(x - box_w / 2, y), xytext=(cx + box_w / 2, cy),
                        arrowprops=dict(arrowstyle="->", color="0.45", lw=1.0,
                                        shrinkA=0, shrinkB=0))
            if show_local:
                mx, my = (x - box_w / 2) * 0.55 + (cx + box_w / 2) * 0.45, y * 0.55 + cy * 0.45
                ax.text(mx, my + 0.12, f"{local:.{digits}f}", ha="center", va="bottom",
                        fontsize=7, color="#0072B2")
    for node in order:
        x, y = pos[id(node)]
        leaf = not node.children
        face = "#F2F2F2" if leaf else "#FFF6E0"
        ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h,
                                    boxstyle="round,pad=0.02", fc=face, ec="0.3", lw=0.8))
        head = _name(node, names) if leaf else f"{_name(node, names)} = {node.op}"
        ax.text(x, y + 0.2, head, ha="center", va="center", fontsize=8, weight="bold")
        ax.text(x, y - 0.02, f"{node.data:.{digits}f}", ha="center", va="center", fontsize=8,
                color="#009E73")
        ax.text(x, y - 0.23, f"grad {node.grad:.{digits}f}", ha="center", va="center", fontsize=7,
                color="#D55E00")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - box_w / 2 - 0.1, max(xs) + box_w / 2 + 0.1)
    ax.set_ylim(min(ys) - box_h / 2 - 0.2, max(ys) + box_h / 2 + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return fig
