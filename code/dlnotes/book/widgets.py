"""Explorable demos that work in two places.

* In Jupyter or Colab (a live kernel) a demo is a real ipywidgets control panel.
* On the static website (no kernel) the same demo is plain HTML + JavaScript:
  either precomputed frames chosen by sliders, or a small SVG drawn in the page.

Each demo object carries both: its ``_repr_mimebundle_`` returns the ipywidgets
view (``application/vnd.jupyter.widget-view+json``) *and* the static
``text/html``. Jupyter front-ends render the live widget; the book's Sphinx
configuration (``nb_mime_priority_overrides`` in ``_config.yml``) drops the
widget view for the HTML builder, so the website shows the static version.

Frames are rendered for 2x (HiDPI) screens: ``dpi`` is the *display* resolution
(CSS pixels per inch, at least :data:`MIN_DPI`), the pixels are
``PIXEL_RATIO`` times denser, and the static version stores them as lossless
WebP (about a third of the PNG's size). Every static demo shrinks to the width
of a phone. The website's build (``scripts/sphinx_site.py``) moves the frames
out of the page into image files that the browser loads when a slider reaches
them; in Jupyter the frames stay inline.

The static versions' CSS and JavaScript are package data files in
``dlnotes/book/assets/`` (``widgets.css`` and one ``.js`` file per demo). Each
page gets the CSS, the demo's data as a ``<script type="application/json">``
block, and a bootstrap ``<script>(function (uid) { <file> })("<uid>")</script>``
that runs the demo's JavaScript on its root element. Everything from the user
(titles, labels, names) is HTML-escaped, and the JSON cannot close its tag.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import itertools
import json
import struct
from collections.abc import Callable, Mapping, Sequence
from importlib.resources import files
from typing import Any

import numpy as np

__all__ = ["FramePlayer", "Explorer", "LinearBoundaryExplorer", "MAX_FRAMES", "MIN_DPI", "PIXEL_RATIO"]

#: Upper bound on precomputed frames per demo (keeps pages and notebooks small).
MAX_FRAMES = 400

#: Smallest display resolution of a demo figure (CSS pixels per inch): below it
#: tick labels get too small to read. A smaller ``dpi`` argument is raised to it.
MIN_DPI = 80

#: Pixels per CSS pixel of the rendered frames (sharp on 2x phone and laptop screens).
PIXEL_RATIO = 2


def _has_live_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    return ip is not None and getattr(ip, "kernel", None) is not None


def _uid(*parts: Any) -> str:
    h = hashlib.sha1()
    for p in parts:
        h.update(p if isinstance(p, bytes) else json.dumps(p, sort_keys=True, default=str).encode())
    return "dlx-" + h.hexdigest()[:10]


def _fmt(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.3g}"
    return str(v)


@functools.lru_cache
def _asset(name: str) -> str:
    """The text of ``dlnotes/book/assets/<name>`` (read once)."""
    text = (files("dlnotes.book") / "assets" / name).read_text(encoding="utf-8")
    # Inlined in <style>/<script>: nothing in it may end the element early.
    bad = ("</style", "<!--") if name.endswith(".css") else ("</script", "<script", "<!--")
    if any(b in text.lower() for b in bad):
        raise ValueError(f"asset {name} must not contain any of {bad} (it is inlined in the page)")
    return text


def _render_dpi(dpi: float) -> float:
    """Pixel resolution for a figure meant to be shown at ``dpi`` CSS pixels per inch."""
    return max(float(dpi), MIN_DPI) * PIXEL_RATIO


def _image_size(img: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG or WebP image, None for anything else."""
    if img[:8] == b"\x89PNG\r\n\x1a\n" and len(img) >= 24:
        return struct.unpack(">II", img[16:24])
    if img[:4] == b"RIFF" and img[8:12] == b"WEBP":
        kind = img[12:16]
        if kind == b"VP8L":
            b = int.from_bytes(img[21:25], "little")
            return (b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1
        if kind == b"VP8X":
            return int.from_bytes(img[24:27], "little") + 1, int.from_bytes(img[27:30], "little") + 1
        if kind == b"VP8 ":
            return (int.from_bytes(img[26:28], "little") & 0x3FFF,
                    int.from_bytes(img[28:30], "little") & 0x3FFF)
    return None


@functools.lru_cache(maxsize=512)
def _compact(png: bytes) -> tuple[str, bytes]:
    """(MIME type, bytes) of the smallest lossless encoding of a PNG frame we can make.

    Lossless WebP (every browser since 2020 shows it; about a third of
    matplotlib's PNG); the PNG itself if Pillow cannot write WebP or the image
    is not a PNG.
    """
    if _image_size(png) is None or png[:4] != b"\x89PNG":
        return "image/png", png
    try:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as im:
            out = io.BytesIO()
            im.save(out, format="WEBP", lossless=True, quality=80, method=4, exact=False)
        webp = out.getvalue()
    except (ImportError, OSError, KeyError, ValueError):
        return "image/png", png
    return ("image/webp", webp) if len(webp) < len(png) else ("image/png", png)


def _encode_frames(frames: Sequence[bytes]) -> tuple[dict[str, Any], tuple[int, int] | None]:
    """The frames as the JSON the static demos read, and the pixel size of the first.

    All frames get one MIME type (WebP if every frame converts, else PNG).
    """
    compact = [_compact(f) for f in frames]
    if all(m == "image/webp" for m, _ in compact):
        mime, blobs = "image/webp", [b for _, b in compact]
    else:
        mime, blobs = "image/png", list(frames)
    return ({"mime": mime, "frames": [base64.b64encode(b).decode() for b in blobs]},
            _image_size(frames[0]) if frames else None)


def _img_tag(size: tuple[int, int] | None, ratio: float, alt: str) -> str:
    """The demo's ``<img>``: its CSS size is the pixel size / ``ratio``, shrunk to fit the column."""
    dims = ""
    if size:
        w, h = (max(1, round(v / ratio)) for v in size)
        dims = f' width="{w}" height="{h}"'
    return f'<img alt="{html.escape(alt)}"{dims} decoding="async">'


def _style() -> str:
    return f"<style>\n{_asset('widgets.css')}</style>"


def json_for_script(obj: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` appears literally.

    JSON only has these characters inside strings, where ``\\u003c`` etc. mean
    the same, so ``</script>`` or ``<!--`` in a label cannot end the tag.
    """
    text = json.dumps(obj, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _scripts(uid: str, data: Any, js_file: str) -> str:
    """The demo's data block and the bootstrap running ``js_file`` on element ``uid``."""
    return (f'<script type="application/json" id="{uid}-data">{json_for_script(data)}</script>\n'
            f'<script>(function (root, data) {{\n{_asset(js_file)}}})(document.getElementById("{uid}"), '
            f'JSON.parse(document.getElementById("{uid}-data").textContent));</script>')


def _image_panel(controls: dict, render_png: Callable[..., bytes], title: str = ""):
    """A live panel: slider widgets above an image re-rendered on every change.

    The figure is shown as an ``ipywidgets.Image`` (PNG bytes), not through an
    ``Output`` widget, so the same notebook output is produced whether or not a
    front-end is attached (Jupyter, Colab, nbclient, nbval).
    """
    import ipywidgets as W

    def current():
        return {k: c.value for k, c in controls.items()}

    image = W.Image(value=render_png(**current()), format="png")

    def on_change(_change):
        image.value = render_png(**current())

    for c in controls.values():
        c.observe(on_change, names="value")
    header = [W.HTML(f"<b>{html.escape(title)}</b>")] if title else []
    return W.VBox(header + list(controls.values()) + [image])


class _Demo:
    """Base class: a demo with a static HTML form and a live ipywidgets form."""

    note = "Static version: precomputed, works without a kernel. Run the notebook for the live widget."

    def static_html(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def live_widget(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _text(self) -> str:
        return f"<{type(self).__name__}: interactive demo>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": self._text(), "text/html": self.static_html()}
        if _has_live_kernel():
            try:
                widget = self.live_widget()
            except ImportError:
                return bundle
            view = widget._repr_mimebundle_()
            if isinstance(view, tuple):
                view = view[0]
            for key, value in (view or {}).items():
                if key != "text/plain":
                    bundle[key] = value
        return bundle


# ------------------------------------------------------------------ frame player


class FramePlayer(_Demo):
    """Step through precomputed frames (PNG bytes or figures) with a slider and a play button.

    ``frames`` may be PNG bytes or matplotlib figures (rendered at
    ``PIXEL_RATIO`` x ``dpi`` and closed); ``labels`` gives one caption per
    frame. ``pixel_ratio`` says how many pixels of a PNG given as bytes make
    one CSS pixel (default 1: shown at its pixel size; 2 for a PNG rendered at
    twice the display dpi). Figures are always rendered for 2x screens.
    """

    def __init__(self, frames: Sequence[Any], labels: Sequence[str] | None = None, *,
                 title: str = "", interval_ms: int = 600, dpi: int = 72,
                 pixel_ratio: float | None = None) -> None:
        from .plot import fig_to_png

        if not frames:
            raise ValueError("FramePlayer needs at least one frame")
        if len(frames) > MAX_FRAMES:
            raise ValueError(f"{len(frames)} frames exceed MAX_FRAMES={MAX_FRAMES}; subsample them")
        given_bytes = isinstance(frames[0], bytes)
        self.frames = [f if isinstance(f, bytes) else fig_to_png(f, dpi=_render_dpi(dpi)) for f in frames]
        self.pixel_ratio = float(pixel_ratio if pixel_ratio is not None
                                 else (1 if given_bytes else PIXEL_RATIO))
        self.labels = list(labels) if labels is not None else [f"frame {i}" for i in range(len(frames))]
        if len(self.labels) != len(self.frames):
            raise ValueError(f"{len(self.frames)} frames but {len(self.labels)} labels")
        self.title, self.interval_ms = title, int(interval_ms)

    def _text(self) -> str:
        return f"<FramePlayer: {len(self.frames)} frames{': ' + self.title if self.title else ''}>"

    def static_html(self) -> str:
        uid = _uid(self.title, self.labels, self.interval_ms, self.pixel_ratio, *self.frames)
        data, size = _encode_frames(self.frames)
        data.update({"labels": [str(label) for label in self.labels], "interval": self.interval_ms})
        return (
            f'{_style()}<div class="dlx" id="{uid}"><div><b>{html.escape(self.title)}</b></div>'
            f'<div class="dlx-row"><button data-a="play" aria-label="play">&#9654;</button>'
            f'<button data-a="prev" aria-label="previous">&#9664;</button>'
            f'<button data-a="next" aria-label="next">&#9654;&#9654;</button>'
            f'<input type="range" min="0" max="{len(self.frames) - 1}" step="1" value="0" '
            f'aria-label="frame"><span class="dlx-val"></span></div>'
            f'{_img_tag(size, self.pixel_ratio, "frame")}'
            f'<div class="dlx-note">{html.escape(self.note)}</div></div>\n'
            + _scripts(uid, data, "frame_player.js")
        )

    def live_widget(self):
        import ipywidgets as W

        image = W.Image(value=self.frames[0], format="png")
        caption = W.Label(self.labels[0])
        slider = W.IntSlider(min=0, max=len(self.frames) - 1, value=0, description="frame",
                             continuous_update=True)
        play = W.Play(min=0, max=len(self.frames) - 1, interval=self.interval_ms)
        W.jslink((play, "value"), (slider, "value"))

        def on_change(change):
            image.value = self.frames[change["new"]]
            caption.value = self.labels[change["new"]]

        slider.observe(on_change, names="value")
        header = [W.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        return W.VBox(header + [W.HBox([play, slider, caption]), image])


# ---------------------------------------------------------------------- explorer


class Explorer(_Demo):
    """Sliders over parameters of a function that draws a figure.

    ``render(**params)`` must return a matplotlib figure. ``params`` maps each
    parameter name to the values its slider offers. The static version
    precomputes one frame per combination (at most :data:`MAX_FRAMES`); the
    live version calls ``render`` on every slider move.

    ``active`` (optional) maps a parameter name to a predicate over all the
    parameters' values (as keyword arguments) that says whether that
    parameter changes the figure there, e.g. ``{"parameter": lambda
    activation, **_: activation in ("elu", "softplus")}``. Where it does not,
    its slider is disabled (and says "no effect here"), and the figure is
    rendered once, at the parameter's initial value.
    """

    def __init__(self, render: Callable[..., Any], params: Mapping[str, Sequence[Any]], *,
                 initial: Mapping[str, Any] | None = None, title: str = "", dpi: int = 72,
                 active: Mapping[str, Callable[..., bool]] | None = None) -> None:
        if not params:
            raise ValueError("Explorer needs at least one parameter")
        self.render = render
        self.params = {k: list(v) for k, v in params.items()}
        for k, v in self.params.items():
            if not v:
                raise ValueError(f"parameter {k!r} has no values")
        n = int(np.prod([len(v) for v in self.params.values()]))
        if n > MAX_FRAMES:
            raise ValueError(f"{n} combinations exceed MAX_FRAMES={MAX_FRAMES}; offer fewer values")
        initial = dict(initial or {})
        unknown = set(initial) - set(self.params)
        if unknown:
            raise ValueError(f"initial values for unknown parameters {sorted(unknown)}")
        self.initial = {k: initial.get(k, v[len(v) // 2]) for k, v in self.params.items()}
        for k, v in self.initial.items():
            if v not in self.params[k]:
                raise ValueError(f"initial {k}={v!r} is not one of the offered values")
        self.active = dict(active or {})
        unknown = set(self.active) - set(self.params)
        if unknown:
            raise ValueError(f"active predicates for unknown parameters {sorted(unknown)}")
        self.title, self.dpi = title, dpi
        self._frames: list[bytes] | None = None

    def _text(self) -> str:
        return f"<Explorer{': ' + self.title if self.title else ''} over {', '.join(self.params)}>"

    def inactive(self, **values: Any) -> list[str]:
        """Names of the parameters that do not change the figure at these values."""
        return [k for k, pred in self.active.items() if not pred(**values)]

    def _effective(self, combo: Mapping[str, Any]) -> tuple:
        """The combination with every inactive parameter set to its initial value."""
        off = set(self.inactive(**combo))
        return tuple(self.initial[k] if k in off else v for k, v in combo.items())

    def frames(self) -> list[bytes]:
        """PNG frames in row-major order over the parameter grid (computed once).

        Combinations that differ only in inactive parameters share one frame
        (rendered once).
        """
        from .plot import fig_to_png

        if self._frames is None:
            names = list(self.params)
            cache: dict[tuple, bytes] = {}
            frames = []
            for combo in itertools.product(*self.params.values()):
                key = self._effective(dict(zip(names, combo)))
                if key not in cache:
                    cache[key] = fig_to_png(self.render(**dict(zip(names, key))),
                                            dpi=_render_dpi(self.dpi))
                frames.append(cache[key])
            self._frames = frames
        return self._frames

    def static_html(self) -> str:
        frames = self.frames()
        names = list(self.params)
        values = [[_fmt(v) for v in self.params[k]] for k in names]
        start = [self.params[k].index(self.initial[k]) for k in names]
        distinct: dict[bytes, int] = {}
        index = [distinct.setdefault(f, len(distinct)) for f in frames]
        data, size = _encode_frames(list(distinct))
        data.update({"index": index, "values": values, "sizes": [len(self.params[k]) for k in names]})
        if self.active:
            data["off"] = [[names.index(k) for k in self.inactive(**dict(zip(names, combo)))]
                           for combo in itertools.product(*self.params.values())]
        uid = _uid(self.title, names, values, start, data.get("off"), index, *distinct)
        rows = "".join(
            f'<div class="dlx-row"><label>{html.escape(str(k))}</label>'
            f'<input type="range" min="0" max="{len(self.params[k]) - 1}" step="1" '
            f'value="{i}" aria-label="{html.escape(str(k))}"><span class="dlx-val"></span></div>'
            for k, i in zip(names, start))
        return (
            f'{_style()}<div class="dlx" id="{uid}"><div><b>{html.escape(self.title)}</b></div>{rows}'
            f'{_img_tag(size, PIXEL_RATIO, "figure")}'
            f'<div class="dlx-note">{html.escape(self.note)}</div></div>\n'
            + _scripts(uid, data, "explorer.js")
        )

    def live_widget(self):
        import ipywidgets as W

        # Only the offered values, exactly as on the website: ``render`` is never
        # called with a value in between (which it may not support).
        controls = {k: W.SelectionSlider(options=[(_fmt(v), v) for v in vals], value=self.initial[k],
                                         description=k, continuous_update=False)
                    for k, vals in self.params.items()}
        from .plot import fig_to_png

        def update_active(_change=None):
            off = set(self.inactive(**{k: c.value for k, c in controls.items()}))
            for k, c in controls.items():
                c.disabled = k in off

        if self.active:
            for c in controls.values():
                c.observe(update_active, names="value")
            update_active()
        return _image_panel(controls, lambda **kw: fig_to_png(self.render(**kw), dpi=_render_dpi(self.dpi)),
                            self.title)


# ------------------------------------------------------- linear boundary explorer


class LinearBoundaryExplorer(_Demo):
    """A 2-input neuron z = w1*x1 + w2*x2 + b over a real two-class data set.

    Sliders move ``w1``, ``w2`` and ``b``; the line z = 0 (the decision
    boundary), the half-plane the neuron calls class 1 and the accuracy update.
    The static version draws an SVG and recomputes everything in JavaScript,
    so it is fully continuous on the website with no kernel.

    Shape: ``X`` is ``(N, 2)``; ``y`` is ``(N,)`` with values 0/1.
    """

    note = "Works without a kernel: the line and the accuracy are recomputed in your browser."

    def __init__(self, X: np.ndarray, y: np.ndarray, *, names: Sequence[str] = ("class 0", "class 1"),
                 xlabel: str = "x1", ylabel: str = "x2", w1: float = 1.0, w2: float = 1.0, b: float = 0.0,
                 limit: float = 5.0, title: str = "") -> None:
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        if X.ndim != 2 or X.shape[1] != 2:
            raise ValueError(f"X must have shape (N, 2), got {X.shape}")
        if len(X) == 0:
            raise ValueError("X has no points")
        if not np.isfinite(X).all():
            raise ValueError("X must be finite (no nan or inf)")
        if y.shape != (len(X),) or not np.isin(y, (0, 1)).all():
            raise ValueError("y must be a vector of 0/1 labels, one per row of X")
        self.X, self.y = X, y.astype(int)
        self.names, self.xlabel, self.ylabel = list(names), xlabel, ylabel
        self.start = {"w1": float(w1), "w2": float(w2), "b": float(b)}
        self.limit, self.title = float(limit), title
        self.box = self._window(X)

    @staticmethod
    def _window(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The plotted window: the data's range plus 8 % on each side.

        An axis on which every point has the same value gets ±0.5 around it
        instead of a zero-width range (which would put nan in the picture).
        """
        lo, hi = X.min(axis=0), X.max(axis=0)
        span = hi - lo
        pad = np.where(span > 0, 0.08 * span, 0.5)
        return lo - pad, hi + pad

    def accuracy(self, w1: float, w2: float, b: float) -> float:
        """Fraction of points on the side the neuron predicts (z > 0 means class 1)."""
        pred = (self.X @ np.array([w1, w2]) + b > 0).astype(int)
        return float((pred == self.y).mean())

    def _text(self) -> str:
        return (f"<LinearBoundaryExplorer: {len(self.X)} points, start w1={self.start['w1']}, "
                f"w2={self.start['w2']}, b={self.start['b']}, accuracy "
                f"{self.accuracy(**self.start):.3f}>")

    def static_html(self) -> str:
        from .plot import CLASS_COLORS

        W_, H_ = 420, 360
        (x0, y0), (x1, y1) = self.box[0].tolist(), self.box[1].tolist()
        pts = np.round(np.c_[(self.X[:, 0] - x0) / (x1 - x0) * W_,
                             H_ - (self.X[:, 1] - y0) / (y1 - y0) * H_], 1)
        circles = "".join(
            f'<circle cx="{px}" cy="{py}" r="3" fill="{CLASS_COLORS[k]}" stroke="white" stroke-width="0.5"/>'
            for (px, py), k in zip(pts.tolist(), self.y.tolist()))
        uid = _uid(self.title, self.X.round(6).tolist(), self.y.tolist(), self.start, self.limit,
                   self.names, self.xlabel, self.ylabel)
        lim = self.limit
        sliders = "".join(
            f'<div class="dlx-row"><label>{k}</label><input type="range" data-k="{k}" min="{-lim}" '
            f'max="{lim}" step="0.01" value="{self.start[k]}"><span class="dlx-val"></span></div>'
            for k in ("w1", "w2", "b"))
        legend = " &nbsp; ".join(
            f'<span style="color:{CLASS_COLORS[k]}">&#9679;</span> {html.escape(str(n))}'
            for k, n in enumerate(self.names))
        data = {"X": np.round(self.X, 6).tolist(), "y": self.y.tolist(), "box": [x0, x1, y0, y1],
                "W": W_, "H": H_, "c1": CLASS_COLORS[1], "c0": CLASS_COLORS[0],
                "xl": str(self.xlabel), "yl": str(self.ylabel)}
        return (
            f'{_style()}<div class="dlx" id="{uid}"><div><b>{html.escape(self.title)}</b></div>{sliders}'
            f'<div class="dlx-row"><span class="dlx-eq" style="font-family:monospace"></span></div>'
            f'<svg width="{W_ + 50}" height="{H_ + 40}" viewBox="-45 -5 {W_ + 50} {H_ + 40}" '
            f'style="max-width:100%;height:auto" role="img" aria-label="data and decision boundary">'
            f'<rect x="0" y="0" width="{W_}" height="{H_}" fill="white" stroke="#999"/>'
            f'<polygon class="dlx-half" fill-opacity="0.13"/>{circles}'
            f'<line class="dlx-line" stroke="black" stroke-width="2"/>'
            f'<text x="{W_ / 2}" y="{H_ + 30}" text-anchor="middle" font-size="15">'
            f'{html.escape(self.xlabel)}</text>'
            f'<text x="-30" y="{H_ / 2}" text-anchor="middle" font-size="15" '
            f'transform="rotate(-90 -30 {H_ / 2})">{html.escape(self.ylabel)}</text>'
            f'<text x="0" y="{H_ + 14}" font-size="13">{x0:.2f}</text>'
            f'<text x="{W_}" y="{H_ + 14}" font-size="13" text-anchor="end">{x1:.2f}</text>'
            f'<text x="-4" y="{H_}" font-size="13" text-anchor="end">{y0:.2f}</text>'
            f'<text x="-4" y="10" font-size="13" text-anchor="end">{y1:.2f}</text>'
            f'</svg><div>{legend}; shaded: where z &gt; 0 (predicted {html.escape(str(self.names[1]))})</div>'
            f'<div class="dlx-note">{html.escape(self.note)}</div></div>\n'
            + _scripts(uid, data, "linear_boundary.js")
        )

    def figure(self, w1: float, w2: float, b: float):
        """The matplotlib version of one state (used by the live widget)."""
        import matplotlib.pyplot as plt

        from .plot import line_boundary, scatter_classes

        fig, ax = plt.subplots(figsize=(5, 4.2))
        scatter_classes(self.X, self.y, self.names, ax=ax, xlabel=self.xlabel, ylabel=self.ylabel)
        (x0, y0), (x1, y1) = self.box
        line_boundary((w1, w2), b, ax=ax, xlim=(x0, x1), ylim=(y0, y1))
        def sg(a: float) -> str:
            return f" − {abs(a):.2f}" if a < 0 else f" + {a:.2f}"

        ax.set_title(f"z = {w1:.2f}·{self.xlabel}{sg(w2)}·{self.ylabel}{sg(b)}   "
                     f"accuracy {self.accuracy(w1, w2, b):.1%}", fontsize=10)
        return fig

    def live_widget(self):
        import ipywidgets as W

        lim = self.limit
        controls = {k: W.FloatSlider(value=v, min=-lim, max=lim, step=0.05, description=k,
                                     continuous_update=False) for k, v in self.start.items()}
        from .plot import fig_to_png

        return _image_panel(controls, lambda **kw: fig_to_png(self.figure(**kw), dpi=_render_dpi(80)),
                            self.title)
