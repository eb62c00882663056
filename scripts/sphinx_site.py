"""Sphinx extension for the book's website: light pages for phones and slow networks.

Loaded by ``_config.yml`` (``sphinx.local_extensions``). What it does, page by page:

* loads every script file with ``defer`` (none blocks the first paint) and
  drops scripts a page does not use: the ipywidgets embed state and manager
  (every demo on the site is the static version; the site has no kernel) and
  thebe (no live-code button is configured), and scripts added twice;
* moves the frames of the static demos (``dlnotes.book.widgets``) out of the
  HTML into image files under ``_images/dlx/`` (named by content hash, so a
  frame shared by two pages or two slider positions is one cacheable file);
  the demo's JavaScript loads a frame when the slider reaches it;
* removes the theme's "Download .pdf" (it printed the current page; the
  .ipynb and source downloads stay) and sets
  the colour mode to "auto" explicitly (an empty mode logs a console error);
* adds ``_static/dlx-site.css`` (scroll cues for wide tables and equations)
  and, on the search page only, ``dlx-search.js`` (snippets from the article text, without TeX delimiters).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

# the demos' data blocks are rewritten with the escaping that wrote them
from dlnotes.book.widgets import json_for_script

STATIC = Path(__file__).with_name("site_static")

#: A demo's data block, as ``dlnotes.book.widgets._scripts`` writes it.
DATA_BLOCK = re.compile(
    r'(<script type="application/json" id="dlx-[0-9a-f]{10}-data">)(.*?)(</script>)', re.S)

#: Image formats a frame may have, by magic bytes.
MAGIC = {b"\x89PNG": "png", b"RIFF": "webp", b"\xff\xd8\xff": "jpg"}

def frame_file(raw: bytes) -> str:
    """File name of a frame under ``_images/dlx/``: content hash + format extension."""
    ext = next((e for m, e in MAGIC.items() if raw.startswith(m)), None)
    if ext is None:
        raise ValueError("demo frame is not a PNG, WebP or JPEG image")
    return f"{hashlib.sha1(raw).hexdigest()[:20]}.{ext}"

def externalize_frames(body: str, outdir: Path, prefix: str) -> tuple[str, int]:
    """Write every demo frame of ``body`` to ``outdir/_images/dlx`` and refer to it by URL.

    ``prefix`` is the path from the page to the site root ("" or "../").
    Returns the new body and the number of frames moved.
    """
    target = outdir / "_images" / "dlx"
    moved = 0

    def replace(m: re.Match) -> str:
        nonlocal moved
        data = json.loads(m.group(2))
        script = body[m.end():body.find("</script>", m.end())]
        if "frames" not in data or "data.urls" not in script:
            return m.group(0)  # an output made by an older widgets.py: leave it inline
        urls = []
        for b64 in data.pop("frames"):
            raw = base64.b64decode(b64)
            name = frame_file(raw)
            path = target / name
            if not path.exists():
                target.mkdir(parents=True, exist_ok=True)
                path.write_bytes(raw)
            urls.append(f"{prefix}_images/dlx/{name}")
            moved += 1
        data["urls"] = urls
        return m.group(1) + json_for_script(data) + m.group(3)

    return DATA_BLOCK.sub(replace, body), moved

def _unused_script(js: Any) -> bool:
    """Scripts no page of this site needs (see the module docstring)."""
    name = str(getattr(js, "filename", "") or "")
    attrs = getattr(js, "attributes", {}) or {}
    body = str(attrs.get("body", ""))
    return (attrs.get("type") == "application/vnd.jupyter.widget-state+json"
            or "require.min.js" in name or "html-manager" in name or "embed-amd" in name
            or "sphinx-thebe" in name or "THEBE_JS_URL" in body)

def _key(asset: Any) -> tuple:
    attrs = getattr(asset, "attributes", {}) or {}
    return (str(getattr(asset, "filename", "") or ""), tuple(sorted((k, str(v)) for k, v in attrs.items())))

def on_config_inited(app, config) -> None:
    # pydata-sphinx-theme 0.15 reads the default colour mode from html_context
    context = dict(config.html_context or {})
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    config.html_context = context
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.templates_path = [str(Path(app.confdir) / "_templates"), *config.templates_path]


#: Script files that must run while the page is parsed (inline scripts use them).
KEEP_SYNC = ("documentation_options.js",)


def _deferred(js: Any) -> Any:
    """The same script file, loaded with ``defer`` (never render-blocking).

    Deferred scripts still run in order, before DOMContentLoaded, which is all
    these (theme, copy button, toggles, tabs, highlighting) wait for.
    """
    from sphinx.builders.html._assets import _JavaScript

    name = str(getattr(js, "filename", "") or "")
    attrs = dict(getattr(js, "attributes", {}) or {})
    if not name or "async" in attrs or "defer" in attrs or name.endswith(KEEP_SYNC):
        return js
    attrs["defer"] = "defer"
    return _JavaScript(name, priority=js.priority, **attrs)


def on_page_context(app, pagename, templatename, context, doctree) -> None:
    seen = set()
    scripts = []
    for js in context.get("script_files", []):
        if _unused_script(js) or _key(js) in seen:
            continue
        seen.add(_key(js))
        # the search page's own scripts (not deferrable) need doctools.js early
        scripts.append(js if pagename == "search" else _deferred(js))
    context["script_files"] = scripts
    css, seen = [], set()
    for sheet in context.get("css_files", []):
        if "sphinx-thebe" in str(getattr(sheet, "filename", "")) or _key(sheet) in seen:
            continue
        seen.add(_key(sheet))
        css.append(sheet)
    context["css_files"] = css
    # "Download .pdf" printed the current page, not the book: keep .ipynb/.md only
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"] = [b for b in group.get("buttons", [])
                                if b.get("label") != "download-pdf-button"]
    if pagename == "search":
        from sphinx.builders.html._assets import _JavaScript

        scripts.append(_JavaScript("_static/dlx-search.js", priority=900, defer="defer"))
    if "body" in context and "dlx-" in context["body"]:
        prefix = "../" * pagename.count("/")
        context["body"], _ = externalize_frames(context["body"], Path(app.outdir), prefix)

def setup(app):
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", on_page_context, priority=900)
    app.add_css_file("dlx-site.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
