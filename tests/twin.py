"""``check_twin``: test a numpy layer or loss against its torch twin in one call (float64).

In the spirit of tinygrad's ``helper_test_op``: one helper runs every check a
scratch piece owes (CONTRIBUTING: "values and gradients against torch in
float64, and finite differences"), so each test only says *what* it checks::

    from twin import check_twin

    check_twin(Linear(5, 3, dtype=np.float64), torch.nn.Linear(5, 3), (4, 5))
    check_twin(CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), (6, 4), target=y)
    check_twin(ReLU(), torch.nn.ReLU(), (3, 4), calls=2)     # y = relu(relu(x))

``check_twin(scratch, torch_module, *shapes_or_arrays, target=None, rng=0,
rtol=1e-10, atol=1e-12, fd=True, eps=1e-6, calls=1)``

1. makes ``torch_module`` float64 (in place) and copies its weights into
   ``scratch`` with ``scratch.load_state_dict(torch_module.state_dict())``; a
   plain torch function is wrapped in :class:`TorchFn`;
2. builds float64 inputs: a shape (tuple or int) draws N(0, 1) numbers from
   ``rng``, an array is copied as given;
3. runs both forward and compares the outputs. ``calls=2`` uses the module
   twice in one graph: ``m(m(x))`` for one input, ``m(x0) + m(x1)`` for two;
4. backprops the same random upstream gradient through both (a loss, i.e.
   ``target`` given: grad 1 into ``loss(x, target)``), then compares every
   input gradient and every parameter gradient (by torch's name) and checks
   that every forward's saved arrays were used up by a backward;
5. with ``fd=True`` checks the scratch gradients of the inputs and all
   parameters against central finite differences (step ``eps``) of the same
   scalar with :func:`dlnotes.gradcheck.gradcheck`, asserting ``report.ok()``
   (relative error < 1e-7; inputs at kinks need ``fd=False``).

Returns a namespace with ``out`` and ``torch_out`` (numpy), ``inputs``,
``input_grads`` and ``torch_input_grads``, ``grads`` (scratch parameter gradients by name),
``upstream`` (the gradient fed backward) and ``report`` (None without ``fd``).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import torch

from dlnotes.gradcheck import gradcheck
from dlnotes.scratch.base import no_grad
from dlnotes.utils import as_generator

__all__ = ["check_twin", "check_model_cross_entropy", "TorchFn"]


class TorchFn(torch.nn.Module):
    """A parameter-free torch module made from a function (for twins torch has no class for)."""

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, *args):
        return self.fn(*args)


def _apply(module, xs, target, calls):
    """``calls`` applications of ``module`` in one graph (numpy or torch alike)."""
    call = module if target is None else (lambda x: module(x, target))
    if len(xs) == 1:
        y = xs[0]
        for _ in range(calls):
            y = call(y)
        return y
    outs = [call(x) for x in xs]
    return sum(outs[1:], outs[0])


def check_twin(scratch, torch_module, *shapes_or_arrays, target=None, rng=0, rtol=1e-10, atol=1e-12,
               fd=True, eps=1e-6, calls=1) -> SimpleNamespace:
    """Compare ``scratch`` with ``torch_module`` (values, every gradient, finite differences);
    see the module docstring."""
    if not isinstance(torch_module, torch.nn.Module):
        torch_module = TorchFn(torch_module)
    torch_module.double()
    gen = as_generator(rng)
    xs = [gen.normal(size=a) if isinstance(a, (tuple, int)) else np.array(a, dtype=np.float64)
          for a in shapes_or_arrays]
    if len(xs) not in (1, calls) or (target is not None and len(xs) != calls):
        raise ValueError(f"calls={calls} needs one input (m(m(x)), layers only) or {calls} inputs "
                         f"(a sum of calls), got {len(xs)}")
    for name, p, _ in scratch.named_parameters():
        assert p.dtype == np.float64, f"{name} is {p.dtype}: build the scratch layer with dtype=np.float64"
    scratch.load_state_dict(torch_module.state_dict())
    scratch.zero_grad()
    torch_module.zero_grad(set_to_none=True)
    t_target = None
    if target is not None:
        t_target = torch.as_tensor(np.asarray(target))
        t_target = t_target.long() if not t_target.is_floating_point() else t_target.double()

    # forward on both sides
    out = _apply(scratch, xs, target, calls)
    xts = [torch.tensor(x, requires_grad=True) for x in xs]
    out_t = _apply(torch_module, xts, t_target, calls)
    np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=rtol, atol=atol, err_msg="output")

    # backward with the same upstream gradient
    g = 1.0 if target is not None else gen.normal(size=np.shape(out))
    (out_t * torch.as_tensor(g)).sum().backward()
    if len(xs) == 1:
        gx = g
        for _ in range(calls):
            gx = scratch.backward(gx)
        input_grads = [gx]
    else:  # the last call goes back first
        input_grads = [scratch.backward(g) for _ in xs][::-1]
    torch_input_grads = [np.zeros(xt.shape) if xt.grad is None else xt.grad.numpy() for xt in xts]
    for i, (gx, expected) in enumerate(zip(input_grads, torch_input_grads)):
        np.testing.assert_allclose(gx, expected, rtol=rtol, atol=atol, err_msg=f"input {i} gradient")
    grads = {name: grad for name, _, grad in scratch.named_parameters()}
    torch_params = dict(torch_module.named_parameters())
    assert grads.keys() == torch_params.keys(), f"parameters {list(grads)} vs torch {list(torch_params)}"
    for name, tp in torch_params.items():
        if tp.grad is None:
            assert grads[name] is None, f"{name}: torch has no gradient, the scratch layer has one"
        else:
            assert grads[name] is not None, f"{name}: no gradient after backward"
            np.testing.assert_allclose(grads[name], tp.grad.numpy(), rtol=rtol, atol=atol,
                                       err_msg=f"gradient of {name}")
    assert not any(m._saved for m in scratch.modules()), "a forward was left without its backward"

    # finite differences of the same scalar, for every input and parameter
    report = None
    if fd:
        def f() -> float:
            with no_grad(scratch):
                return float(np.sum(_apply(scratch, xs, target, calls) * g))

        names = ["input"] if len(xs) == 1 else [f"input{i}" for i in range(len(xs))]
        params = {name: p for name, p, _ in scratch.named_parameters()}
        analytic = {**dict(zip(names, input_grads)),
                    **{name: np.zeros_like(p) if grads[name] is None else grads[name]
                       for name, p in params.items()}}
        report = gradcheck(f, {**dict(zip(names, xs)), **params}, analytic, eps)
        assert report.ok(), f"finite differences disagree:\n{report}"
        assert not any(m._saved for m in scratch.modules()), "a forward under no_grad saved arrays"
    return SimpleNamespace(out=out, torch_out=out_t.detach().numpy(), inputs=xs, input_grads=input_grads,
                           torch_input_grads=torch_input_grads, grads=grads, upstream=g, report=report)


def check_model_cross_entropy(model, torch_model, n: int = 8, rng: int = 0) -> None:
    """A numpy network under the numpy CrossEntropyLoss against its torch twin under
    ``F.cross_entropy`` (float64): loss, input gradient, every parameter gradient by
    torch's name, and the finite-difference check of the whole model."""
    from dlnotes.gradcheck import check_model
    from dlnotes.scratch import losses

    gen = np.random.default_rng(rng)
    n_in = next(torch_model.parameters()).shape[1]
    n_out = list(torch_model.parameters())[-1].shape[0]
    x = gen.normal(size=(n, n_in))
    y = gen.integers(0, n_out, size=n)
    loss_fn = losses.CrossEntropyLoss()
    loss = loss_fn(model.forward(x), y)
    gx = model.backward(loss_fn.backward())
    xt = torch.tensor(x, requires_grad=True)
    lt = torch.nn.functional.cross_entropy(torch_model(xt), torch.from_numpy(y))
    lt.backward()
    assert abs(loss - lt.item()) <= 1e-12 * abs(lt.item())
    np.testing.assert_allclose(gx, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    names = [name for name, _ in torch_model.named_parameters()]
    assert [name for name, _, _ in model.named_parameters()] == names
    for (name, _, g), (_, tp) in zip(model.named_parameters(), torch_model.named_parameters()):
        np.testing.assert_allclose(g, tp.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
    assert check_model(model, loss_fn, x, y, include_input=True).ok(1e-6)
