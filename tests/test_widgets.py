"""The explorable demos: static HTML is self-contained and deterministic; inputs are validated."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlnotes import widgets  # noqa: E402


def render(a, b):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [a, b])
    return fig


def test_explorer_static_html_has_every_frame_and_no_external_resource():
    ex = widgets.Explorer(render, {"a": [0, 1, 2], "b": [0.0, 0.5]}, title="t")
    page = ex.static_html()
    assert page.count("iVBORw0KGgo") == 6  # one PNG per combination
    assert "http" not in page.replace("http://www.w3.org", "")
    assert ex.static_html() == page, "same output twice (reproducible notebooks)"
    bundle = ex._repr_mimebundle_()
    assert bundle["text/html"] == page and "Explorer" in bundle["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" not in bundle  # no kernel here


def test_explorer_validates():
    with pytest.raises(ValueError, match="MAX_FRAMES"):
        widgets.Explorer(render, {"a": range(30), "b": range(30)})
    with pytest.raises(ValueError, match="not one of"):
        widgets.Explorer(render, {"a": [0, 1], "b": [0, 1]}, initial={"a": 5})
    with pytest.raises(ValueError, match="unknown"):
        widgets.Explorer(render, {"a": [0, 1], "b": [0, 1]}, initial={"c": 0})
    with pytest.raises(ValueError):
        widgets.Explorer(render, {})


def test_frame_player():
    figs = [render(0, i) for i in range(3)]
    fp = widgets.FramePlayer(figs, ["x", "y", "z"], title="steps")
    page = fp.static_html()
    assert page.count("iVBORw0KGgo") == 3 and '"z"' in page
    with pytest.raises(ValueError):
        widgets.FramePlayer([])
    with pytest.raises(ValueError, match="labels"):
        widgets.FramePlayer([b"png"], ["a", "b"])


def test_linear_boundary_explorer_accuracy_matches_numpy():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = (X[:, 0] > 0).astype(int)
    ex = widgets.LinearBoundaryExplorer(X, y, w1=1.0, w2=0.0, b=0.0)
    assert ex.accuracy(1.0, 0.0, 0.0) == 1.0
    assert ex.accuracy(-1.0, 0.0, 0.0) == 0.0
    page = ex.static_html()
    assert page.count("<circle") == 50 and "accuracy" in page
    assert "1.000" in ex._repr_mimebundle_()["text/plain"]
    plt.close(ex.figure(1, 0, 0))
    with pytest.raises(ValueError):
        widgets.LinearBoundaryExplorer(X[:, :1], y)
    with pytest.raises(ValueError):
        widgets.LinearBoundaryExplorer(X, y + 1)


def test_live_widgets_build():
    pytest.importorskip("ipywidgets")
    ex = widgets.Explorer(render, {"a": [0, 1, 2], "b": ["u", "v"]})
    box = ex.live_widget()
    assert len(box.children) == 3
    fp = widgets.FramePlayer([render(0, 1)], ["only"])
    assert fp.live_widget() is not None
    lb = widgets.LinearBoundaryExplorer(np.eye(2), np.array([0, 1]))
    assert len(lb.live_widget().children) == 4  # 3 sliders + image
    plt.close("all")


def test_live_explorer_offers_only_precomputed_values():
    pytest.importorskip("ipywidgets")
    seen = []

    def render_int(n):
        seen.append(n)
        assert isinstance(n, int)
        return render(0, n)

    ex = widgets.Explorer(render_int, {"n": [1, 2, 4, 8]}, initial={"n": 2})
    box = ex.live_widget()
    slider = box.children[0]
    assert [v for _, v in slider.options] == [1, 2, 4, 8]
    slider.value = 8
    assert seen == [2, 8]
    plt.close("all")


def test_image_grid_accepts_tensors():
    torch = pytest.importorskip("torch")
    from dlnotes import plot

    w = torch.randn(3, 16, requires_grad=True)
    fig = plot.image_grid(w, ["a", "b", "c"], symmetric=True)
    assert len(fig.axes) == 3
    fig2 = plot.weight_images(w, ["a", "b", "c"])
    assert len(fig2.axes) == 3
    plt.close("all")
