"""Recurrent layers in numpy: ``RNNCell``, ``LSTMCell``, ``GRUCell`` and ``RNN``, ``LSTM``, ``GRU``.

Torch's conventions throughout, so weights copy across both ways: a cell has
``weight_ih`` (gates * hidden, input), ``weight_hh`` (gates * hidden, hidden),
``bias_ih`` and ``bias_hh``, with the gates stacked in torch's order (LSTM:
input, forget, cell candidate, output; GRU: reset, update, new); a layer names
them ``weight_ih_l0``, ``weight_hh_l0``, ... per stacked layer.

A cell is one time step: ``cell(x, state) -> new state`` and
``cell.backward(grad_state) -> (grad_x, grad_previous_state)``. By the layer
protocol of :mod:`~.base` a cell may be called at every time step (each call
pushes what its backward needs on a stack) and back-propagated in the reverse
order, its weight gradients adding up over the steps: that *is*
backpropagation through time. The layers do exactly this.

:class:`LSTMCell` also has the variants of the LSTM literature as options
(``variant="no_forget"``, ``"coupled"``, ``"peephole"``); only the standard one
has a torch twin.
"""

from __future__ import annotations

import numpy as np

from ..utils import as_generator
from .base import Layer, as_float_array, check_positive_int

__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU", "LSTM_VARIANTS", "sigmoid"]

#: The LSTM variants of :class:`LSTMCell`.
LSTM_VARIANTS = ("standard", "no_forget", "coupled", "peephole")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, computed without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _check_dtype(dtype) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


class _Cell(Layer):
    """What the three cells share: weights, input and state checks, the affine map."""

    n_gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *,
                 rng: int | np.random.Generator | None = None, dtype=np.float32) -> None:
        super().__init__()
        self.input_size = check_positive_int(input_size, "input_size")
        self.hidden_size = check_positive_int(hidden_size, "hidden_size")
        dtype = _check_dtype(dtype)
        gen = as_generator(rng)
        bound = 1.0 / np.sqrt(self.hidden_size)  # torch's default for recurrent layers
        rows = self.n_gates * self.hidden_size
        shapes = {"weight_ih": (rows, self.input_size), "weight_hh": (rows, self.hidden_size)}
        if bias:
            shapes |= {"bias_ih": (rows,), "bias_hh": (rows,)}
        for name, shape in shapes.items():
            self.params[name] = gen.uniform(-bound, bound, shape).astype(dtype)

    @property
    def bias(self) -> bool:
        return "bias_ih" in self.params

    def _input(self, x) -> np.ndarray:
        x = as_float_array(x, "input", ndim=2)
        if x.shape[1] != self.input_size:
            raise ValueError(f"{type(self).__name__}: input must have shape (batch, {self.input_size}), "
                             f"got {x.shape}")
        return x

    def _state(self, h, batch: int, what: str = "hidden state") -> np.ndarray:
        if h is None:
            return np.zeros((batch, self.hidden_size), dtype=self.params["weight_hh"].dtype)
        h = as_float_array(h, what)
        if h.shape != (batch, self.hidden_size):
            raise ValueError(f"{type(self).__name__}: the {what} must have shape "
                             f"({batch}, {self.hidden_size}), got {h.shape}")
        return h

    def _affine(self, x, h) -> tuple[np.ndarray, np.ndarray]:
        """``x W_ih^T + b_ih`` and ``h W_hh^T + b_hh`` (all gates stacked)."""
        a, b = x @ self.params["weight_ih"].T, h @ self.params["weight_hh"].T
        if self.bias:
            a, b = a + self.params["bias_ih"], b + self.params["bias_hh"]
        return a, b

    def _accumulate_affine(self, d_ih, d_hh, x, h, input_grad: bool):
        """Weight gradients of the affine maps; returns (grad_x, grad_h through weight_hh)."""
        self.accumulate("weight_ih", d_ih.T @ x)
        self.accumulate("weight_hh", d_hh.T @ h)
        if self.bias:
            self.accumulate("bias_ih", d_ih.sum(axis=0))
            self.accumulate("bias_hh", d_hh.sum(axis=0))
        grad_x = d_ih @ self.params["weight_ih"] if input_grad else None
        return grad_x, d_hh @ self.params["weight_hh"]

    @classmethod
    def from_torch_module(cls, module, dtype):
        cell = cls(module.input_size, module.hidden_size, module.bias, rng=0, dtype=dtype,
                   **cls._torch_options(module))
        cell.load_state_dict(module.state_dict())
        return cell

    @staticmethod
    def _torch_options(module) -> dict:
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size}, bias={self.bias})"


class RNNCell(_Cell):
    """The simple (Elman) recurrent cell: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``.

    ``nonlinearity="relu"`` uses the ReLU instead of tanh (as torch's option).

    Shape: x (B, input_size), h (B, hidden_size) -> h' (B, hidden_size).
    """

    torch_twin = "RNNCell"
    n_gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh", *,
                 rng: int | np.random.Generator | None = None, dtype=np.float32) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, rng=rng, dtype=dtype)
        self.nonlinearity = nonlinearity

    @staticmethod
    def _torch_options(module) -> dict:
        return {"nonlinearity": module.nonlinearity}

    def forward(self, x, h=None) -> np.ndarray:
        x = self._input(x)
        h = self._state(h, len(x))
        a_x, a_h = self._affine(x, h)
        a = a_x + a_h
        h_new = np.tanh(a) if self.nonlinearity == "tanh" else np.maximum(a, 0)
        self.save_for_backward(h_new, x, h, h_new)
        return h_new

    def backward(self, grad_h, *, input_grad: bool = True) -> tuple:
        """dL/dh' -> (dL/dx, dL/dh); adds the weight gradients of this step."""
        grad_h, x, h, h_new = self.saved(grad_h)
        if self.nonlinearity == "tanh":
            da = grad_h * (1 - h_new**2)   # tanh'(a) = 1 - tanh(a)^2
        else:
            da = grad_h * (h_new > 0)
        return self._accumulate_affine(da, da, x, h, input_grad)


class LSTMCell(_Cell):
    """The long short-term memory cell (torch's gate order: input, forget, cell, output).

    ``i, f, o = sigmoid(.)``, ``g = tanh(.)`` of ``x W_ih^T + b_ih + h W_hh^T + b_hh``;
    ``c' = f * c + i * g``, ``h' = o * tanh(c')``. The state is the pair ``(h, c)``.

    ``variant``: ``"standard"`` (torch's ``LSTMCell``); ``"no_forget"`` (the
    original LSTM of 1997: ``f = 1``, the cell only adds); ``"coupled"`` (``f = 1 - i``:
    what is written replaces what is forgotten); ``"peephole"`` (the gates
    also see the cell: ``i, f`` get ``+ w_ci * c``, ``w_cf * c``, ``o`` gets
    ``+ w_co * c'``, three extra weight vectors). The weight shapes stay
    torch's; the unused forget rows of ``"no_forget"`` / ``"coupled"`` get zero gradient.

    Shape: x (B, input_size), (h, c) each (B, hidden_size) -> (h', c').
    """

    torch_twin = "LSTMCell"
    n_gates = 4

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, *, variant: str = "standard",
                 rng: int | np.random.Generator | None = None, dtype=np.float32) -> None:
        if variant not in LSTM_VARIANTS:
            raise ValueError(f"variant must be one of {LSTM_VARIANTS}, got {variant!r}")
        gen = as_generator(rng)
        super().__init__(input_size, hidden_size, bias, rng=gen, dtype=dtype)
        self.variant = variant
        if variant == "peephole":
            bound = 1.0 / np.sqrt(self.hidden_size)
            for name in ("weight_ci", "weight_cf", "weight_co"):
                self.params[name] = gen.uniform(-bound, bound, self.hidden_size).astype(dtype)

    def gates(self, x, state=None) -> dict[str, np.ndarray]:
        """One step's gates and states, saving nothing: ``i, f, g, o`` (g is the candidate
        cell), the previous ``h, c`` and the new ``c_new, tanh_c, h_new`` (for pictures)."""
        x = self._input(x)
        h, c = (None, None) if state is None else state
        h, c = self._state(h, len(x)), self._state(c, len(x), "cell state")
        a_x, a_h = self._affine(x, h)
        zi, zf, zg, zo = np.split(a_x + a_h, 4, axis=1)
        p = self.params
        if self.variant == "peephole":
            zi, zf = zi + p["weight_ci"] * c, zf + p["weight_cf"] * c
        i, g = sigmoid(zi), np.tanh(zg)
        if self.variant == "no_forget":
            f = np.ones_like(c)
        elif self.variant == "coupled":
            f = 1 - i
        else:
            f = sigmoid(zf)
        c_new = f * c + i * g
        if self.variant == "peephole":
            zo = zo + p["weight_co"] * c_new
        o = sigmoid(zo)
        tanh_c = np.tanh(c_new)
        return dict(x=x, h=h, c=c, i=i, f=f, g=g, o=o, c_new=c_new, tanh_c=tanh_c, h_new=o * tanh_c)

    def forward(self, x, state=None) -> tuple[np.ndarray, np.ndarray]:
        s = self.gates(x, state)
        h_new, c_new = s["h_new"], s["c_new"]
        self.save_for_backward((h_new, c_new), *(s[k] for k in ("x", "h", "c", "i", "f", "g", "o", "tanh_c")))
        return h_new, c_new

    def backward(self, grad_state, *, input_grad: bool = True) -> tuple:
        """(dL/dh', dL/dc') -> (dL/dx, (dL/dh, dL/dc)); adds the weight gradients of this step."""
        grads, x, h, c, i, f, g, o, tanh_c = self.saved(grad_state)
        dh_new, dc_new = grads
        c_new = f * c + i * g
        p = self.params
        do = dh_new * tanh_c
        dzo = do * o * (1 - o)
        dc = dc_new + dh_new * o * (1 - tanh_c**2)       # c' reaches the loss directly and via h'
        if self.variant == "peephole":
            dc = dc + dzo * p["weight_co"]
            self.accumulate("weight_co", (dzo * c_new).sum(axis=0))
        di, dg, df, dc_prev = dc * g, dc * i, dc * c, dc * f
        if self.variant == "coupled":                     # f = 1 - i
            di = di - df
        dzi, dzg = di * i * (1 - i), dg * (1 - g**2)
        dzf = df * f * (1 - f) if self.variant in ("standard", "peephole") else np.zeros_like(df)
        if self.variant == "peephole":
            dc_prev = dc_prev + dzi * p["weight_ci"] + dzf * p["weight_cf"]
            self.accumulate("weight_ci", (dzi * c).sum(axis=0))
            self.accumulate("weight_cf", (dzf * c).sum(axis=0))
        dz = np.concatenate([dzi, dzf, dzg, dzo], axis=1)
        grad_x, dh = self._accumulate_affine(dz, dz, x, h, input_grad)
        return grad_x, (dh, dc_prev)

    def __repr__(self) -> str:
        extra = "" if self.variant == "standard" else f", variant={self.variant!r}"
        return f"LSTMCell({self.input_size}, {self.hidden_size}, bias={self.bias}{extra})"


class GRUCell(_Cell):
    """The gated recurrent unit (torch's gate order: reset, update, new).

    ``r, z = sigmoid(.)`` of ``x W_i^T + b_i + h W_h^T + b_h``;
    ``n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))``; ``h' = (1 - z) * n + z * h``.

    Shape: x (B, input_size), h (B, hidden_size) -> h' (B, hidden_size).
    """

    torch_twin = "GRUCell"
    n_gates = 3

    def forward(self, x, h=None) -> np.ndarray:
        x = self._input(x)
        h = self._state(h, len(x))
        a_x, a_h = self._affine(x, h)
        xr, xz, xn = np.split(a_x, 3, axis=1)
        hr, hz, hn = np.split(a_h, 3, axis=1)
        r, z = sigmoid(xr + hr), sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        h_new = (1 - z) * n + z * h
        self.save_for_backward(h_new, x, h, r, z, n, hn)
        return h_new

    def backward(self, grad_h, *, input_grad: bool = True) -> tuple:
        """dL/dh' -> (dL/dx, dL/dh); adds the weight gradients of this step."""
        grad_h, x, h, r, z, n, hn = self.saved(grad_h)
        dn, dz, dh = grad_h * (1 - z), grad_h * (h - n), grad_h * z
        dan = dn * (1 - n**2)                 # pre-activation of n
        dar = dan * hn * r * (1 - r)
        daz = dz * z * (1 - z)
        d_ih = np.concatenate([dar, daz, dan], axis=1)
        d_hh = np.concatenate([dar, daz, dan * r], axis=1)
        grad_x, dh_w = self._accumulate_affine(d_ih, d_hh, x, h, input_grad)
        return grad_x, dh + dh_w


class _Recurrent(Layer):
    """A stack of cells run over a sequence, with backpropagation through time.

    Like torch: ``forward(x, hx=None) -> (output, h_n)`` (LSTM: ``(output,
    (h_n, c_n))``); ``x`` is (T, B, input_size), or (B, T, input_size) with
    ``batch_first``; ``output`` holds the top layer's hidden state at every
    step; ``h_n`` (num_layers, B, hidden_size) the last state of every layer.
    ``backward(grad_output, grad_state=None)`` returns dL/dx and leaves
    dL/d(initial state) in ``self.grad_hx``.
    """

    cell_class: type[_Cell] = RNNCell
    is_lstm = False

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True, *,
                 batch_first: bool = False, rng: int | np.random.Generator | None = None,
                 dtype=np.float32, **cell_options) -> None:
        super().__init__()
        self.input_size = check_positive_int(input_size, "input_size")
        self.hidden_size = check_positive_int(hidden_size, "hidden_size")
        self.num_layers = check_positive_int(num_layers, "num_layers")
        self.batch_first = bool(batch_first)
        gen = as_generator(rng)
        self.cells = [self.cell_class(input_size if k == 0 else hidden_size, hidden_size, bias, rng=gen,
                                      dtype=dtype, **cell_options) for k in range(self.num_layers)]
        for k, cell in enumerate(self.cells):   # the layer's parameters *are* the cells' arrays
            for name, value in cell.params.items():
                self.params[f"{name}_l{k}"] = value
        self.grad_hx = None

    @classmethod
    def from_torch_module(cls, module, dtype):
        if getattr(module, "bidirectional", False) or getattr(module, "proj_size", 0):
            raise TypeError(f"the scratch {cls.__name__} has no bidirectional or proj_size option")
        extra = {"nonlinearity": module.nonlinearity} if cls is RNN else {}
        layer = cls(module.input_size, module.hidden_size, module.num_layers, module.bias,
                    batch_first=module.batch_first, rng=0, dtype=dtype, **extra)
        layer.load_state_dict(module.state_dict())
        return layer

    def _initial(self, hx, batch: int) -> list:
        """Per-layer initial states from ``hx`` ((L, B, H), or a pair of them for the LSTM)."""
        if hx is None:
            return [None] * self.num_layers
        parts = hx if self.is_lstm else (hx,)
        if self.is_lstm and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise ValueError("LSTM expects hx = (h_0, c_0)")
        shape = (self.num_layers, batch, self.hidden_size)
        arrays = [as_float_array(a, "hx") for a in parts]
        for a in arrays:
            if a.shape != shape:
                raise ValueError(f"{type(self).__name__}: initial states must have shape {shape}, "
                                 f"got {a.shape}")
        return [tuple(a[k] for a in arrays) if self.is_lstm else arrays[0][k] for k in range(self.num_layers)]

    def forward(self, x, hx=None):
        x = as_float_array(x, "input", ndim=3)
        if self.batch_first:
            x = x.transpose(1, 0, 2)
        if x.shape[2] != self.input_size:
            raise ValueError(f"{type(self).__name__}: input must have {self.input_size} features in its "
                             f"last dimension, got shape {x.shape}")
        steps, batch = x.shape[:2]
        if steps == 0:
            raise ValueError(f"{type(self).__name__}: the sequence is empty")
        states = self._initial(hx, batch)
        finals, seq = [], x
        for cell, state in zip(self.cells, states):
            cell.grad_enabled = self.grad_enabled
            outs = []
            for t in range(steps):              # the same cell at every time step
                state = cell(seq[t], state)
                outs.append(state[0] if self.is_lstm else state)
            seq = np.stack(outs)
            finals.append(state)
        output = seq.transpose(1, 0, 2) if self.batch_first else seq
        self.save_for_backward(output, steps)
        if self.is_lstm:
            return output, (np.stack([s[0] for s in finals]), np.stack([s[1] for s in finals]))
        return output, np.stack(finals)

    def backward(self, grad_output, grad_state=None, *, input_grad: bool = True):
        """dL/d(output) (and optionally dL/d(final states)) -> dL/dx, by BPTT."""
        grad_output, steps = self.saved(grad_output)
        g = grad_output.transpose(1, 0, 2) if self.batch_first else grad_output
        batch = g.shape[1]
        finals = self._initial(grad_state, batch)
        initial_grads = [None] * self.num_layers
        for k in reversed(range(self.num_layers)):
            cell, ds = self.cells[k], finals[k]
            if ds is None:
                zero = np.zeros((batch, self.hidden_size), dtype=g.dtype)
                ds = (zero, zero) if self.is_lstm else zero
            grad_inputs = [None] * steps
            for t in reversed(range(steps)):    # backward through time: newest step first
                ds = (ds[0] + g[t], ds[1]) if self.is_lstm else ds + g[t]
                grad_inputs[t], ds = cell.backward(ds, input_grad=input_grad or k > 0)
            initial_grads[k] = ds
            for name in list(cell.grads):
                self.accumulate(f"{name}_l{k}", cell.grads.pop(name))
            if k > 0 or input_grad:
                g = np.stack(grad_inputs)
        if self.is_lstm:
            self.grad_hx = tuple(np.stack([d[j] for d in initial_grads]) for j in (0, 1))
        else:
            self.grad_hx = np.stack(initial_grads)
        if not input_grad:
            return None
        return g.transpose(1, 0, 2) if self.batch_first else g

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
                f"batch_first={self.batch_first})")


class RNN(_Recurrent):
    """A stacked simple RNN over a sequence (torch's ``nn.RNN``, tanh or ReLU), with full BPTT."""

    torch_twin = "RNN"
    cell_class = RNNCell


class LSTM(_Recurrent):
    """A stacked LSTM over a sequence (torch's ``nn.LSTM``), with full BPTT; ``variant=`` as
    in :class:`LSTMCell` (peephole weights are named ``weight_ci_l0``, ...)."""

    torch_twin = "LSTM"
    cell_class = LSTMCell
    is_lstm = True


class GRU(_Recurrent):
    """A stacked GRU over a sequence (torch's ``nn.GRU``), with full BPTT."""

    torch_twin = "GRU"
    cell_class = GRUCell
