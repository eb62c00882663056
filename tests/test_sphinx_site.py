"""The website's Sphinx extension (scripts/sphinx_site.py): demo frames become image files."""

from __future__ import annotations

import base64
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from script_loader import load_script  # noqa: E402

from dlnotes.book import widgets  # noqa: E402


def load():
    return load_script("sphinx_site.py")


def fig(v):
    f, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, v])
    return f


def test_frames_move_to_files_named_by_content(tmp_path):
    site = load()
    ex = widgets.Explorer(lambda a, b: fig(a), {"a": [0, 1], "b": [0, 1]},
                          active={"b": lambda **_: False})
    page = "<p>text</p>" + ex.static_html() + ex.static_html()
    body, moved = site.externalize_frames(page, tmp_path, "../")
    assert moved == 4  # two demos, two distinct frames each
    files = sorted(p.name for p in (tmp_path / "_images" / "dlx").iterdir())
    assert len(files) == 2 and all(f.endswith(".webp") for f in files)
    data = json.loads(site.DATA_BLOCK.search(body).group(2))
    assert "frames" not in data and sorted(set(data["urls"])) == [f"../_images/dlx/{f}" for f in files]
    original = json.loads(site.DATA_BLOCK.search(page).group(2))
    for url, b64 in zip(data["urls"], original["frames"]):
        assert (tmp_path / url[3:]).read_bytes() == base64.b64decode(b64)
    assert len(body) < len(page) / 2 and "</script>" in body
    plt.close("all")


def test_outputs_of_an_older_widgets_module_stay_inline(tmp_path):
    site = load()
    old = ('<script type="application/json" id="dlx-0123456789-data">{"frames":["iVBORw0KGgo="]}</script>\n'
           '<script>(function (root, data) {img.src = "data:image/png;base64," + data.frames[0];})'
           '(document.getElementById("dlx-0123456789"), 0);</script>')
    assert site.externalize_frames(old, tmp_path, "") == (old, 0)


def test_page_context_drops_unused_scripts_defers_the_rest_and_the_pdf_button(tmp_path):
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    site = load()

    class App:
        outdir = str(tmp_path)

    state = _JavaScript(None, type="application/vnd.jupyter.widget-state+json", body="{}")
    ctx = {
        "script_files": [_JavaScript("_static/documentation_options.js"), _JavaScript("_static/doctools.js"),
                         _JavaScript("_static/doctools.js"), state, _JavaScript("../vendor/require.min.js"),
                         _JavaScript("../vendor/html-manager/embed-amd.js"),
                         _JavaScript(None, body='const THEBE_JS_URL = "x";'),
                         _JavaScript("_static/sphinx-thebe.js", **{"async": "async"}),
                         _JavaScript(None, body="let toggleHintShow = 'x';")],
        "css_files": [_CascadingStyleSheet("_static/sphinx-thebe.css"),
                      _CascadingStyleSheet("_static/a.css")],
        "header_buttons": [{"label": "download-buttons", "buttons": [
            {"label": "download-notebook-button"}, {"label": "download-pdf-button"}]}],
        "body": "<p>no demo</p>",
    }
    site.on_page_context(App(), "chapters/x", "page.html", ctx, None)
    names = [(js.filename, js.attributes.get("defer")) for js in ctx["script_files"]]
    assert names == [("_static/documentation_options.js", None), ("_static/doctools.js", "defer"),
                     (None, None)]
    assert [c.filename for c in ctx["css_files"]] == ["_static/a.css"]
    assert ctx["header_buttons"][0]["buttons"] == [{"label": "download-notebook-button"}]
