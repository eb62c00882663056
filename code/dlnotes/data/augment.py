"""Fast batched data augmentation for image tensors (torch ops on whole batches).

Every function takes a batch ``x`` of shape ``(N, C, H, W)`` (or ``(N, H, W)``)
and draws one random choice per image from ``rng`` (a seed or a numpy
generator: the few random numbers are drawn with numpy, the pixels are moved
by one indexing operation in torch), so there is no Python loop over images
and a seed gives the same batch every time. A crop indexes a view that holds
every window of the padded batch (``Tensor.unfold``), so the only copy is the
output itself.

* :func:`random_crop` -- pad by ``padding`` zeros and cut a random window;
* :func:`random_shift` -- move each image by up to ``max_shift`` pixels
  (a crop of the padded image back to the original size);
* :func:`random_flip` -- mirror left-right with probability ``p``;
* :class:`Augment` -- a seeded pipeline of these; :class:`AugmentedBatches`
  applies it to every training batch of a :class:`~dlnotes.data.Batches`
  (also for flattened images, given ``image_shape``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from ..utils import as_generator

__all__ = ["random_crop", "random_shift", "random_flip", "Augment", "AugmentedBatches"]


def _check_images(x) -> None:
    if not hasattr(x, "dim") or x.dim() not in (3, 4):
        raise ValueError("expected a torch tensor of images with shape (N, C, H, W) or (N, H, W), got "
                         f"{getattr(x, 'shape', type(x).__name__)}")


def random_crop(x, size: int | tuple[int, int] | None = None, padding: int = 0,
                rng: int | np.random.Generator | None = None):
    """Pad each image with ``padding`` zeros on every side, then cut a random ``size`` window
    (default: the original size) at an offset drawn per image.

    Shape: ``(N, C, H, W)`` -> ``(N, C, h, w)`` with ``(h, w) = size``.
    """
    import torch
    import torch.nn.functional as F

    _check_images(x)
    if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be a non-negative integer, got {padding!r}")
    squeeze = x.dim() == 3
    if squeeze:
        x = x.unsqueeze(1)
    n, _, h, w = x.shape
    th, tw = (h, w) if size is None else ((size, size) if isinstance(size, int) else tuple(size))
    hp, wp = h + 2 * padding, w + 2 * padding
    if not (0 < th <= hp and 0 < tw <= wp):
        raise ValueError(f"crop size {(th, tw)} does not fit the padded image {(hp, wp)}")
    gen = as_generator(rng)
    oy = torch.from_numpy(gen.integers(0, hp - th + 1, size=n)).to(x.device)
    ox = torch.from_numpy(gen.integers(0, wp - tw + 1, size=n)).to(x.device)
    padded = F.pad(x, (padding,) * 4) if padding else x
    # every (th, tw) window of every padded image, as a view (nothing is copied):
    # windows[i, :, a, b] is image i's crop at offset (a, b)
    windows = padded.unfold(2, th, 1).unfold(3, tw, 1)  # (N, C, hp - th + 1, wp - tw + 1, th, tw)
    out = windows[torch.arange(n, device=x.device), :, oy, ox]  # one indexing op copies each chosen window
    return out.squeeze(1) if squeeze else out


def random_shift(x, max_shift: int = 2, rng: int | np.random.Generator | None = None):
    """Move each image by up to ``max_shift`` pixels in each direction (zeros come in).

    Shape: same as ``x``.
    """
    return random_crop(x, None, max_shift, rng)


def random_flip(x, p: float = 0.5, rng: int | np.random.Generator | None = None):
    """Mirror each image left-right with probability ``p``.

    Shape: same as ``x``.
    """
    import torch

    _check_images(x)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    flip = torch.from_numpy(as_generator(rng).random(len(x)) < p).to(x.device)
    shape = (-1,) + (1,) * (x.dim() - 1)
    return torch.where(flip.view(shape), x.flip(-1), x)


class Augment:
    """A seeded augmentation pipeline: optional flip, then a random shift (or crop).

    ``Augment(flip=0.5, shift=2, rng=0)(x)`` flips each image with probability
    0.5 and moves it by up to 2 pixels. Each call draws new choices from the
    pipeline's generator, so a seed fixes the whole sequence of batches.

    Shape: ``(N, C, H, W)`` or ``(N, H, W)`` -> same.
    """

    def __init__(self, *, flip: float = 0.0, shift: int = 0,
                 rng: int | np.random.Generator | None = None) -> None:
        if not 0.0 <= flip <= 1.0:
            raise ValueError(f"flip must be a probability in [0, 1], got {flip!r}")
        if isinstance(shift, bool) or not isinstance(shift, int) or shift < 0:
            raise ValueError(f"shift must be a non-negative integer, got {shift!r}")
        self.flip, self.shift = float(flip), shift
        self.rng = as_generator(rng)

    def __call__(self, x):
        if self.flip > 0:
            x = random_flip(x, self.flip, self.rng)
        if self.shift > 0:
            x = random_shift(x, self.shift, self.rng)
        return x

    def __repr__(self) -> str:
        return f"Augment(flip={self.flip}, shift={self.shift})"


class AugmentedBatches:
    """Training batches with ``augment`` applied to every ``x`` (a re-iterable wrapper).

    For flattened images pass ``image_shape`` (e.g. ``(1, 28, 28)``): each
    batch is reshaped to images, augmented and flattened back.
    """

    def __init__(self, batches: Iterable, augment, image_shape: tuple[int, ...] | None = None) -> None:
        if iter(batches) is batches:
            raise TypeError("AugmentedBatches needs a re-iterable source of batches such as data.Batches")
        self.batches, self.augment, self.image_shape = batches, augment, image_shape

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self) -> Iterator:
        for x, y in self.batches:
            if self.image_shape is None:
                yield self.augment(x), y
            else:
                images = x.reshape(len(x), *self.image_shape)
                yield self.augment(images).reshape(x.shape), y
