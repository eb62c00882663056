"""Tests of dlnotes.book.plot."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlnotes.book import plot  # noqa: E402


def test_image_grid_accepts_tensors():
    torch = pytest.importorskip("torch")
    w = torch.randn(3, 16, requires_grad=True)
    fig = plot.image_grid(w, ["a", "b", "c"], symmetric=True)
    assert len(fig.axes) == 4  # three images and one shared colour bar
    fig2 = plot.weight_images(w, ["a", "b", "c"])
    assert len(fig2.axes) == 4
    assert fig2.axes[-1].get_ylabel() == "weight"
    plt.close("all")


def test_image_grid_colour_bar_is_optional_and_shared():
    imgs = np.stack([np.full((4, 4), v) for v in (-2.0, 0.5, 1.0)])
    fig = plot.image_grid(imgs, symmetric=True, colorbar=False)
    assert len(fig.axes) == 3
    # one scale for all images: the colour limits are the largest |value|
    assert all(ax.images[0].get_clim() == (-2.0, 2.0) for ax in fig.axes)
    fig = plot.image_grid(np.abs(imgs), colorbar=True)
    assert fig.axes[-1].get_ylabel() == "ink"
    plt.close("all")


@pytest.mark.parametrize("shape", [(0, 28, 28), (0, 784)])
def test_image_grid_of_no_images_is_a_figure_saying_so(shape):
    fig = plot.image_grid(np.zeros(shape), [], suptitle="misclassified")
    assert any("no images" in t.get_text() for ax in fig.axes for t in ax.texts)
    plt.close("all")


def test_compare_histories_labels_say_what_was_measured():
    from dlnotes.history import History

    h = History()
    h.train_acc.extend([0.5, 0.6])
    h.val_acc.extend([0.55, 0.65])
    fig = plot.compare_histories({"run": h}, ("train_acc", "val_acc"), labels={"val_acc": "test accuracy"})
    assert [ax.get_ylabel() for ax in fig.axes] == ["training accuracy (epoch mean)", "test accuracy"]
    plt.close("all")
