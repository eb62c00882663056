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


def test_latent_scatter_names_each_class_at_its_mean_and_shades_the_decoder():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 20)
    codes = rng.normal(size=(60, 2)) * 0.1 + np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])[labels]
    names = ["a", "b", "c"]
    calls = []

    def decode(points):
        calls.append(points.shape)
        return np.argmin(((points[:, None] - np.array([[0, 0], [5, 0], [0, 5]])) ** 2).sum(-1), axis=1)

    fig = plot.latent_scatter(codes, labels, names, decode=decode, resolution=30)
    ax = fig.axes[0]
    assert calls == [(900, 2)]  # the decoder saw one grid of the code plane
    texts = {t.get_text(): t.xy for t in ax.texts}
    assert set(texts) == set(names)
    np.testing.assert_allclose(texts["b"], codes[labels == 1].mean(axis=0))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == names
    assert ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.collections) == 3 + 1  # one scatter per class and the decoder's shading
    plt.close("all")


def test_latent_scatter_zooms_and_names_only_the_classes_in_the_window():
    codes = np.array([[0.0, 0.0], [0.2, 0.0], [10.0, 10.0], [10.2, 10.0]])
    labels = np.array([0, 0, 1, 1])
    fig = plot.latent_scatter(codes, labels, ["near", "far"], xlim=(-1, 1), ylim=(-1, 1), legend=False)
    ax = fig.axes[0]
    assert ax.get_xlim() == (-1, 1) and ax.get_ylim() == (-1, 1)
    assert [t.get_text() for t in ax.texts] == ["near"]
    assert ax.get_legend() is None
    with pytest.raises(ValueError, match="empty window"):
        plot.latent_scatter(codes, labels, xlim=(1, 1))
    plt.close("all")


def test_latent_scatter_rejects_codes_that_are_not_two_dimensional():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plot.latent_scatter(np.zeros((5, 3)), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match="labels"):
        plot.latent_scatter(np.zeros((5, 2)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="names"):
        plot.latent_scatter(np.zeros((2, 2)), np.array([0, 3]), ["a"])
    plt.close("all")
