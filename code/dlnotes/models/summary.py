"""Sizes of torch models: parameter counts, and multiply-adds per layer (by forward hooks)."""

from __future__ import annotations

__all__ = ["count_parameters", "layer_summary", "count_macs"]


def count_parameters(model) -> int:
    """Number of trainable parameters (each shared parameter counted once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _macs(module, out) -> int:
    """Multiply-adds of one call of a convolution or linear layer (bias adds not counted)."""
    from torch import nn

    if isinstance(module, nn.Conv2d):
        kh, kw = module.kernel_size
        return out.numel() // out.shape[0] * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, nn.Linear):
        return out.numel() // out.shape[0] * module.in_features
    return 0


def layer_summary(model, input_shape: tuple[int, ...]) -> list[dict]:
    """One row per leaf module called in a forward pass of one input of ``input_shape``
    (without the batch dimension): ``name``, ``type``, ``output`` shape, ``params`` and
    ``macs`` (multiply-adds of convolutions and linear layers, per example)."""
    import torch

    rows: list[dict] = []
    hooks = []
    for name, module in model.named_modules():
        if next(module.children(), None) is not None:
            continue

        def hook(mod, _inp, out, name=name):
            rows.append({"name": name, "type": type(mod).__name__, "output": tuple(out.shape[1:]),
                         "params": sum(p.numel() for p in mod.parameters(recurse=False)),
                         "macs": _macs(mod, out)})

        hooks.append(module.register_forward_hook(hook))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            p = next(model.parameters(), None)
            model(torch.zeros(1, *input_shape, device=None if p is None else p.device))
    finally:
        for h in hooks:
            h.remove()
        model.train(was_training)
    return rows


def count_macs(model, input_shape: tuple[int, ...]) -> int:
    """Multiply-adds of one forward pass for one input of ``input_shape`` (no batch dimension)."""
    return sum(row["macs"] for row in layer_summary(model, input_shape))
