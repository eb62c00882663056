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
    assert len(fig.axes) == 3
    fig2 = plot.weight_images(w, ["a", "b", "c"])
    assert len(fig2.axes) == 3
    plt.close("all")


@pytest.mark.parametrize("shape", [(0, 28, 28), (0, 784)])
def test_image_grid_of_no_images_is_a_figure_saying_so(shape):
    fig = plot.image_grid(np.zeros(shape), [], suptitle="misclassified")
    assert any("no images" in t.get_text() for ax in fig.axes for t in ax.texts)
    plt.close("all")
