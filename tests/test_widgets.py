"""The explorable demos: static HTML is self-contained and deterministic; inputs are validated."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import json  # noqa: E402
import re  # noqa: E402
from importlib.resources import files  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlnotes.book import widgets  # noqa: E402


def demo_data(page: str) -> dict:
    """The JSON data block of a demo's static HTML."""
    return json.loads(re.search(r'<script type="application/json" id="dlx-[0-9a-f]{10}-data">(.*?)</script>',
                                page, re.S).group(1))


def images(data: dict) -> list[bytes]:
    """The frames of a demo's data block, decoded."""
    import base64

    return [base64.b64decode(f) for f in data["frames"]]


def render(a, b):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [a, b])
    return fig


def test_explorer_static_html_has_every_frame_and_no_external_resource():
    ex = widgets.Explorer(render, {"a": [0, 1, 2], "b": [0.0, 0.5]}, title="t")
    page = ex.static_html()
    data = demo_data(page)
    frames = images(data)
    assert len(set(frames)) == 6 and data["index"] == list(range(6))  # one image per combination
    assert data["mime"] == "image/webp" and all(f[:4] == b"RIFF" and f[8:12] == b"WEBP" for f in frames)
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
    assert len(images(demo_data(page))) == 3 and '"z"' in page
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


EVIL = "</script><script>alert(1)</script><!--"
ASSETS = {"FramePlayer": "frame_player.js", "Explorer": "explorer.js",
          "LinearBoundaryExplorer": "linear_boundary.js"}


def one_of_each(label="", title=""):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 2))
    return [
        widgets.FramePlayer([render(0, 1), render(1, 0)], [label or "a", "b"], title=title),
        widgets.Explorer(lambda **kw: render(0, 1), {label or "a": [0, 1], "b": [label or "x", "y"]},
                         title=title),
        widgets.LinearBoundaryExplorer(X, (X[:, 0] > 0).astype(int), names=[label or "n0", "n1"],
                                       xlabel=label or "x1", ylabel=label or "x2", title=title),
    ]


def test_asset_files_ship_and_are_inlined():
    assets = files("dlnotes.book") / "assets"
    for name in ["widgets.css", *ASSETS.values()]:
        assert (assets / name).is_file(), name
    css = (assets / "widgets.css").read_text(encoding="utf-8")
    for demo in one_of_each():
        page = demo.static_html()
        js = (assets / ASSETS[type(demo).__name__]).read_text(encoding="utf-8")
        first_comment = js.splitlines()[0]
        assert first_comment.startswith("// dlnotes.book.widgets." + type(demo).__name__)
        assert js in page and first_comment in page
        assert css in page and 'class="dlx"' in page
        for other in set(ASSETS.values()) - {ASSETS[type(demo).__name__]}:
            assert (assets / other).read_text(encoding="utf-8").splitlines()[0] not in page
        uid = re.search(r'<div class="dlx" id="(dlx-[0-9a-f]{10})">', page).group(1)
        assert f'<script type="application/json" id="{uid}-data">' in page
        assert page.endswith(f'(document.getElementById("{uid}"), '
                             f'JSON.parse(document.getElementById("{uid}-data").textContent));</script>')
        assert demo.static_html() == page, "same output twice"
        assert "http" not in page.replace("http://www.w3.org", "")
    plt.close("all")


def test_static_html_escapes_everything_from_the_user():
    for demo in one_of_each(label=EVIL, title=EVIL):
        page = demo.static_html()
        # the only </script> are the closing tags of the data block and the bootstrap
        assert page.count("</script>") == 2 == page.count("<script"), type(demo).__name__
        assert "<!--" not in page and "alert(1)" in page  # still shown, as text
        assert "&lt;/script&gt;" in page  # HTML-escaped title
        data = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S).group(1)
        assert "<" not in data and ">" not in data
        assert EVIL in json.dumps(json.loads(data), ensure_ascii=False)  # the JSON still decodes to the label
    plt.close("all")


def test_linear_boundary_constant_feature_has_finite_window():
    X = np.c_[np.full(6, 2.0), np.arange(6.0)]  # every x1 is 2
    y = np.array([0, 0, 0, 1, 1, 1])
    ex = widgets.LinearBoundaryExplorer(X, y)
    (x0, y0), (x1, y1) = ex.box
    assert x0 < 2.0 < x1 and y0 < 0 and y1 > 5
    page = ex.static_html()
    assert not re.search(r"nan|inf", page, re.I), "no nan/inf coordinates"
    assert page.count("<circle") == 6
    both = widgets.LinearBoundaryExplorer(np.ones((3, 2)), np.array([0, 1, 1]))  # a single point
    assert not re.search(r"nan|inf", both.static_html(), re.I)
    plt.close(ex.figure(1, 0, 0))
    with pytest.raises(ValueError, match="finite"):
        widgets.LinearBoundaryExplorer(np.array([[0.0, np.nan], [1.0, 1.0]]), np.array([0, 1]))


def test_frames_are_rendered_for_2x_screens_and_shown_at_css_size():
    import io

    from PIL import Image

    def fig():
        f, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [0, 1])
        return f

    for dpi in (50, 72, 100):  # dpi is the display resolution, at least MIN_DPI
        css = max(dpi, widgets.MIN_DPI)
        fp = widgets.FramePlayer([fig()], ["a"], dpi=dpi)
        assert Image.open(io.BytesIO(fp.frames[0])).size == (3 * css * 2, 2 * css * 2)
        page = fp.static_html()
        assert f'width="{3 * css}" height="{2 * css}"' in page
        webp = images(demo_data(page))[0]
        assert widgets._image_size(webp) == (3 * css * 2, 2 * css * 2)
        # lossless: the WebP decodes to exactly the PNG's pixels
        a = np.asarray(Image.open(io.BytesIO(webp)).convert("RGBA"))
        b = np.asarray(Image.open(io.BytesIO(fp.frames[0])).convert("RGBA"))
        assert np.array_equal(a, b)
        assert len(webp) < len(fp.frames[0])
    ex = widgets.Explorer(lambda a: fig(), {"a": [0, 1]}, dpi=60)
    assert f'width="{3 * widgets.MIN_DPI}"' in ex.static_html()
    # PNG bytes given by the caller are shown at their pixel size unless told otherwise
    png = widgets.FramePlayer([fig()], ["a"]).frames[0]
    w, h = widgets._image_size(png)
    assert f'width="{w}" height="{h}"' in widgets.FramePlayer([png], ["a"]).static_html()
    page = widgets.FramePlayer([png], ["a"], pixel_ratio=2).static_html()
    assert f'width="{w // 2}" height="{h // 2}"' in page
    plt.close("all")


def test_every_static_demo_shrinks_to_a_phone():
    css = (files("dlnotes.book") / "assets" / "widgets.css").read_text(encoding="utf-8")
    assert re.search(r"\.dlx img,\.dlx svg\{max-width:100%;height:auto", css)
    for demo in one_of_each():
        page = demo.static_html()
        for tag in re.findall(r"<svg\b[^>]*>", page):
            assert "max-width:100%" in tag and "height:auto" in tag and "viewBox" in tag
    plt.close("all")


def test_explorer_disables_a_parameter_where_it_has_no_effect():
    calls = []

    def draw(kind, p):
        calls.append((kind, p))
        return render(0, p if kind == "param" else 0)

    ex = widgets.Explorer(draw, {"kind": ["plain", "param"], "p": [1, 2, 3]}, initial={"p": 2},
                          active={"p": lambda kind, **_: kind == "param"})
    assert ex.inactive(kind="plain", p=3) == ["p"] and ex.inactive(kind="param", p=3) == []
    page = ex.static_html()
    # "plain" is rendered once (at the initial p), "param" once per p
    assert sorted(calls) == [("param", 1), ("param", 2), ("param", 3), ("plain", 2)]
    data = demo_data(page)
    assert len(data["frames"]) == 4 and data["index"][:3] == [0, 0, 0]
    assert data["off"] == [[1], [1], [1], [], [], []]
    js = (files("dlnotes.book") / "assets" / "explorer.js").read_text(encoding="utf-8")
    assert "disabled" in js and "data.off" in js
    with pytest.raises(ValueError, match="unknown"):
        widgets.Explorer(draw, {"kind": ["a"]}, active={"q": lambda **_: True})
    pytest.importorskip("ipywidgets")
    box = ex.live_widget()
    kind, p = box.children[0], box.children[1]
    assert kind.value == "param" and not p.disabled
    kind.value = "plain"
    assert p.disabled
    plt.close("all")
