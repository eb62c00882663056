"""Batched augmentation: shapes, value ranges, what moves where, determinism under a seed."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlnotes.data import Batches
from dlnotes.data.augment import Augment, AugmentedBatches, random_crop, random_flip, random_shift


def _images(n=6, c=1, h=5, w=7):
    return torch.rand(n, c, h, w, generator=torch.Generator().manual_seed(0))


def test_shapes_ranges_and_determinism():
    x = _images()
    for f in (lambda r: random_shift(x, 2, r), lambda r: random_flip(x, 0.5, r),
              lambda r: random_crop(x, (4, 6), 1, r), lambda r: Augment(flip=0.5, shift=1, rng=r)(x)):
        a, b = f(3), f(3)
        assert torch.equal(a, b)  # same seed, same batch
        assert a.min() >= 0 and a.max() <= 1 and a.dtype == x.dtype
    assert random_crop(x, (4, 6), 1, 0).shape == (6, 1, 4, 6)
    assert random_shift(x[:, 0], 1, 0).shape == (6, 5, 7)
    assert not torch.equal(random_shift(x, 2, 1), random_shift(x, 2, 2))


def test_shift_moves_pixels_and_brings_in_zeros():
    x = torch.arange(1.0, 17.0).reshape(1, 1, 4, 4).repeat(50, 1, 1, 1)
    out = random_shift(x, 1, 0)
    for img in out[:, 0]:
        nz = img[img != 0]
        # each image is a shifted window of the original: its values form a contiguous block
        rows = {int((v - 1) // 4) for v in nz}
        assert len(rows) in (3, 4) and (img == 0).sum() in (0, 3, 4, 7)
    assert torch.equal(random_shift(x, 0, 0), x)
    assert torch.equal(random_crop(x, None, 0, 0), x)


def test_flip_mirrors_exactly_the_chosen_images():
    x = _images(n=40)
    out = random_flip(x, 0.5, 0)
    flipped = torch.tensor([torch.equal(o, i.flip(-1)) for o, i in zip(out, x)])
    kept = torch.tensor([torch.equal(o, i) for o, i in zip(out, x)])
    assert torch.all(flipped | kept) and 5 < flipped.sum() < 35
    chosen = np.random.default_rng(0).random(40) < 0.5
    np.testing.assert_array_equal(flipped.numpy(), chosen)
    assert torch.equal(random_flip(x, 1.0, 0), x.flip(-1)) and torch.equal(random_flip(x, 0.0, 0), x)


def test_augmented_batches_with_flat_images():
    x = _images(n=10, h=4, w=4).reshape(10, 16)
    y = torch.arange(10)
    batches = AugmentedBatches(Batches(x, y, 4), Augment(flip=1.0), image_shape=(1, 4, 4))
    assert len(batches) == 3
    out = torch.cat([b for b, _ in batches])
    torch.testing.assert_close(out, x.reshape(10, 1, 4, 4).flip(-1).reshape(10, 16))
    assert torch.equal(torch.cat([t for _, t in batches]), y)


def test_bad_input_raises_clear_errors():
    x = _images()
    with pytest.raises(ValueError, match="expected a torch tensor of images"):
        random_shift(torch.zeros(3), 1, 0)
    with pytest.raises(ValueError, match="does not fit"):
        random_crop(x, 9, 1, 0)
    with pytest.raises(ValueError, match="padding must be"):
        random_crop(x, None, -1, 0)
    with pytest.raises(ValueError, match="flip must be"):
        Augment(flip=2.0)
    with pytest.raises(TypeError, match="re-iterable"):
        AugmentedBatches(iter([(x, x)]), Augment())


@given(shift=st.integers(0, 3), seed=st.integers(0, 1000))
def test_property_shift_keeps_pixel_values_and_never_adds_mass(shift, seed):
    x = _images(n=4)
    out = random_shift(x, shift, seed)
    assert out.shape == x.shape
    assert torch.all(out.sum((1, 2, 3)) <= x.sum((1, 2, 3)) + 1e-5)
    vals = set(np.round(x.numpy().ravel(), 6)) | {0.0}
    assert set(np.round(out.numpy().ravel(), 6)) <= vals


def _reference_augment(x, flip, shift, size, seed):
    """The obvious per-image loop, with the random numbers drawn in the package's order."""
    gen = np.random.default_rng(seed)
    n, _, h, w = x.shape
    th, tw = size
    flips = gen.random(n) < flip if flip > 0 else np.zeros(n, bool)
    oy = gen.integers(0, h + 2 * shift - th + 1, size=n)
    ox = gen.integers(0, w + 2 * shift - tw + 1, size=n)
    out = []
    for i in range(n):
        img = x[i].flip(-1) if flips[i] else x[i]
        padded = torch.nn.functional.pad(img, (shift,) * 4)
        out.append(padded[:, oy[i]:oy[i] + th, ox[i]:ox[i] + tw])
    return torch.stack(out)


@given(n=st.integers(1, 9), c=st.integers(1, 3), h=st.integers(2, 9), w=st.integers(2, 9),
       shift=st.integers(0, 3), flip=st.sampled_from([0.0, 0.3, 1.0]), seed=st.integers(0, 1000))
def test_property_batched_path_equals_per_image_loop(n, c, h, w, shift, flip, seed):
    x = torch.rand(n, c, h, w, generator=torch.Generator().manual_seed(seed))
    expected = _reference_augment(x, flip, shift, (h, w), seed)
    assert torch.equal(Augment(flip=flip, shift=shift, rng=seed)(x), expected)
    if flip == 0:
        assert torch.equal(random_shift(x, shift, seed), expected)
    # a crop smaller than the image, and the same on channels-last memory
    th, tw = max(1, h - 1), max(1, w - 2)
    crop = random_crop(x, (th, tw), shift, seed)
    assert torch.equal(crop, _reference_augment(x, 0.0, shift, (th, tw), seed))
    channels_last = x.contiguous(memory_format=torch.channels_last)
    assert torch.equal(random_crop(channels_last, (th, tw), shift, seed), crop)
    assert torch.equal(random_crop(x[:, 0], (th, tw), shift, seed), crop[:, 0])  # (N, H, W) input
