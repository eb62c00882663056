"""What every numpy layer and loss shares: the layer protocol, checks, saved inputs, reduction.

A :class:`Layer` is the numpy twin of ``torch.nn.Module``:

* ``forward(x)`` computes the output and saves what ``backward`` needs with
  :meth:`Layer.save_for_backward`;
* ``backward(grad_out, *, input_grad=True)`` takes dL/d(output), **adds**
  dL/d(parameter) to ``grads[name]`` (:meth:`Layer.accumulate`, as torch adds
  to ``.grad``) and returns dL/d(input), or ``None`` when ``input_grad=False``
  (nothing needs it, e.g. for the first layer of a network);
* ``zero_grad()`` clears the gradients (torch's ``set_to_none=True``).

A layer may be called several times before ``backward`` (an activation
object reused in a ``Sequential``, a weight shared by two branches, an RNN
cell over time steps): every forward pushes its saved arrays on a stack and
every backward pops the newest, so the backward calls must come in the
reverse order of the forward calls, as they do in any reverse-mode pass.
Gradients of all calls add up. Under :func:`no_grad` nothing is saved (for
evaluation and finite differences).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import ClassVar

import numpy as np

__all__ = ["Layer", "Loss", "as_float_array", "check_positive_int", "no_grad", "TWINS"]

#: torch class name -> scratch class; filled by every Layer subclass that names a ``torch_twin``.
TWINS: dict[str, type["Layer"]] = {}


def as_float_array(x, name: str = "input", ndim: int | tuple[int, ...] | None = None) -> np.ndarray:
    """Convert to a floating numpy array, with a clear error for wrong types or shapes.

    Integer and boolean input becomes float64; float32/float64 are kept.
    """
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimensions, "
                             f"got shape {arr.shape}")
    return arr


def check_positive_int(value, name: str) -> int:
    """``value`` as an int, or a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class Layer:
    """A numpy layer (see the module docstring for the protocol).

    ``params`` / ``grads`` are dicts keyed like torch's parameters
    (``"weight"``, ``"bias"``); containers list their sub-layers in
    ``children`` (named like torch's sub-modules), so :meth:`named_parameters`,
    :meth:`state_dict` and :meth:`load_state_dict` use torch's names and weights
    copy across. A subclass that sets ``torch_twin = "Linear"`` is registered
    in :data:`TWINS` for :func:`dlnotes.scratch.convert.from_torch`.
    """

    torch_twin: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("torch_twin"):
            TWINS[cls.torch_twin] = cls

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.children: dict[str, Layer] = {}
        self.training = True
        self.grad_enabled = True
        self._saved: list[tuple[tuple[int, ...], tuple]] = []

    # -- the protocol -----------------------------------------------------------------
    def forward(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_out, *, input_grad: bool = True):  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, *args):
        return self.forward(*args)

    # -- helpers for forward and backward ----------------------------------------------
    def save_for_backward(self, output, *arrays) -> None:
        """Remember ``arrays`` (and the output's shape) for the matching ``backward``."""
        if self.grad_enabled:
            self._saved.append((np.shape(output), arrays))

    def saved(self, grad_out) -> tuple:
        """Pop the newest forward's saved arrays: returns ``(grad_out, *arrays)``.

        Raises a clear error when there is no forward left to go back through,
        or when ``grad_out`` does not have the shape of that forward's output.
        """
        name = type(self).__name__
        if not self._saved:
            raise RuntimeError(f"{name}.backward called without a matching forward (each forward "
                               "allows one backward; forward under no_grad saves nothing)")
        shape, arrays = self._saved[-1]
        grad_out = as_float_array(grad_out, "grad_out")
        if grad_out.shape != shape:
            raise ValueError(f"{name}.backward: grad_out has shape {grad_out.shape}, but the "
                             f"output had shape {shape}")
        self._saved.pop()
        return (grad_out, *arrays)

    def accumulate(self, name: str, grad: np.ndarray) -> None:
        """Add ``grad`` to ``grads[name]`` (created at the first backward after ``zero_grad``)."""
        param = self.params[name]
        grad = np.asarray(grad)
        if grad.shape != param.shape:
            raise ValueError(f"gradient of {name!r} has shape {grad.shape}, the parameter {param.shape}")
        if name in self.grads:
            self.grads[name] += grad
        else:
            self.grads[name] = grad.astype(param.dtype, copy=not grad.flags.owndata)

    # -- modules, parameters, state -------------------------------------------------------
    def modules(self) -> Iterator[Layer]:
        """This layer and every layer below it, each once (shared layers are not repeated)."""
        seen: set[int] = set()
        stack: list[Layer] = [self]
        while stack:
            layer = stack.pop(0)
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            yield layer
            stack[0:0] = list(layer.children.values())

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray, np.ndarray | None]]:
        """Yield ``(name, parameter, gradient)`` named like torch (``"0.weight"``); a shared
        parameter is yielded once; the gradient is None before backward."""
        seen: set[int] = set()
        for name, layer, key in self._parameter_paths(prefix):
            if id(layer.params[key]) not in seen:
                seen.add(id(layer.params[key]))
                yield name, layer.params[key], layer.grads.get(key)

    def _parameter_paths(self, prefix: str) -> Iterator[tuple[str, Layer, str]]:
        for key in self.params:
            yield prefix + key, self, key
        for child_name, child in self.children.items():
            yield from child._parameter_paths(f"{prefix}{child_name}.")

    def zero_grad(self) -> None:
        """Clear every gradient (the next backward starts from nothing)."""
        for layer in self.modules():
            layer.grads.clear()

    def train(self, mode: bool = True) -> Layer:
        for layer in self.modules():
            layer.training = mode
        return self

    def eval(self) -> Layer:
        return self.train(False)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of all parameters, keyed like torch's ``state_dict`` (a shared layer's
        parameters under each of its names, as in torch)."""
        return {name: layer.params[key].copy() for name, layer, key in self._parameter_paths("")}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Copy parameters in place from numpy arrays or torch tensors (e.g. a torch model's
        ``state_dict()``); names and shapes must match exactly."""
        own = {name: layer.params[key] for name, layer, key in self._parameter_paths("")}
        missing, unexpected = set(own) - set(state), set(state) - set(own)
        if missing or unexpected:
            raise KeyError(f"state dict mismatch: missing {sorted(missing)}, unexpected {sorted(unexpected)}")
        for name, value in state.items():
            if hasattr(value, "detach"):
                value = value.detach().cpu().numpy()
            value = np.asarray(value)
            if value.shape != own[name].shape:
                raise ValueError(f"{name}: shape {value.shape} does not match {own[name].shape}")
            own[name][...] = value

    #: Constructor arguments named like torch's, copied from the torch module by
    #: :meth:`from_torch_module` and shown by ``repr`` (e.g. ``("negative_slope",)``).
    torch_args: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def from_torch_module(cls, module, dtype) -> Layer:
        """The twin of a torch module (used by ``from_torch``), built from its ``torch_args``."""
        return cls(**{name: getattr(module, name) for name in cls.torch_args})

    def __repr__(self) -> str:
        if self.torch_args:
            args = ", ".join(f"{name}={getattr(self, name)}" for name in self.torch_args)
        else:
            args = ", ".join(f"{k}={tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"


@contextmanager
def no_grad(*layers: Layer) -> Iterator[None]:
    """Within the block, forward passes of ``layers`` (and the layers below) save nothing.

    For evaluation and finite differences; restores each layer's previous setting.
    """
    everything = [m for layer in layers for m in layer.modules()]
    before = [m.grad_enabled for m in everything]
    for m in everything:
        m.grad_enabled = False
    try:
        yield
    finally:
        for m, was in zip(everything, before):
            m.grad_enabled = was


_REDUCTIONS = ("mean", "sum")


class Loss(Layer):
    """A numpy loss: ``loss(prediction, target) -> float``; ``backward() -> dL/d(prediction)``.

    Subclasses implement ``_forward(prediction, target) -> (terms, cache)``, the
    per-sample (or per-element) loss terms, and ``_backward(cache)``, the
    gradient of the *sum* of the terms with respect to the prediction. This
    base class applies the reduction (``"mean"``, torch's default, divides by
    the number of terms; ``"sum"`` does not), checks the order of calls and
    scales by ``grad_out`` (default 1: the loss is the end of the graph).
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction

    def _forward(self, prediction, target) -> tuple[np.ndarray, tuple]:  # pragma: no cover
        raise NotImplementedError

    def _backward(self, *cache) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def forward(self, prediction, target) -> float:
        terms, cache = self._forward(prediction, target)
        if terms.size == 0:
            raise ValueError(f"{type(self).__name__} got an empty batch (shape {np.shape(prediction)})")
        shape = np.shape(prediction)
        scale = 1.0 / terms.size if self.reduction == "mean" else 1.0
        self.save_for_backward(0.0, shape, scale, cache)  # the loss is a scalar
        return float(terms.sum() * scale)

    def backward(self, grad_out=1.0, *, input_grad: bool = True) -> np.ndarray | None:
        grad_out, shape, scale, cache = self.saved(grad_out)
        if not input_grad:
            return None
        return (self._backward(*cache) * (scale * float(grad_out))).reshape(shape)

    @classmethod
    def from_torch_module(cls, module, dtype) -> Loss:
        """The twin of a torch loss, with its reduction; torch options it lacks raise a TypeError."""
        import inspect

        missing = [k for k in ("weight", "pos_weight") if getattr(module, k, None) is not None]
        smoothing = getattr(module, "label_smoothing", 0.0)
        accepts = "label_smoothing" in inspect.signature(cls.__init__).parameters
        if smoothing and not accepts:
            missing.append("label_smoothing")
        if missing:
            raise TypeError(f"the scratch {cls.__name__} has no {', '.join(missing)}")
        if accepts:
            return cls(reduction=module.reduction, label_smoothing=smoothing)
        return cls(reduction=module.reduction)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"
