"""Plotting helpers shared by the chapters (matplotlib, imported lazily).

Every function returns the matplotlib ``Figure`` (or draws into a given
``ax``) so that notebooks can write ``fig = ...`` and avoid printing object reprs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = [
    "CLASS_COLORS",
    "image_grid",
    "weight_images",
    "scatter_classes",
    "decision_regions",
    "line_boundary",
    "training_curves",
    "fig_to_png",
]

#: Colours for class 0, 1, 2, ... (colour-blind friendly, Okabe-Ito).
CLASS_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                "#56B4E9", "#F0E442", "#000000", "#999999", "#882255")


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _numpy(x) -> np.ndarray:
    """A numpy array from an array or a torch tensor on any device."""
    if hasattr(x, "detach"):
        x = x.detach().cpu()
    return np.asarray(x)


def image_grid(
    images: np.ndarray,
    titles: Sequence[str] | None = None,
    *,
    ncols: int = 10,
    cmap: str = "gray_r",
    size: float = 1.2,
    symmetric: bool = False,
    suptitle: str | None = None,
    colorbar: bool | None = None,
    cbar_label: str | None = None,
):
    """Show images (``(N, H, W)``, or ``(N, H*W)`` with square H=W) in a grid.

    The book's convention for pixel images: a value is the amount of *ink*
    (0 = background, 1 = full ink), drawn dark on white (``cmap="gray_r"``).
    With ``symmetric=True`` all images share one diverging colour scale centred
    on 0 (for weights: red positive, blue negative). ``colorbar`` (default: on
    for ``symmetric`` images) adds one colour bar for the whole grid.
    """
    plt = _plt()
    images = _numpy(images).astype(float)
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ValueError(f"rows of length {images.shape[1]} are not square images")
        images = images.reshape(len(images), side, side)
    if images.ndim != 3:
        raise ValueError(f"expected (N, H, W) images, got shape {images.shape}")
    n = len(images)
    if n == 0:  # e.g. the misclassified examples of a perfect classifier
        fig, ax = plt.subplots(figsize=(3, 1))
        ax.set_axis_off()
        ax.text(0.5, 0.5, "(no images)", ha="center", va="center")
        if suptitle:
            fig.suptitle(suptitle)
        return fig
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows * (1.25 if titles else 1)),
                             squeeze=False)
    if colorbar is None:
        colorbar = symmetric
    lim = float(np.abs(images).max()) or 1.0
    lo, hi = (-lim, lim) if symmetric else (float(images.min()), float(images.max()))
    im = None
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= n:
            continue
        im = ax.imshow(images[i], cmap="RdBu_r" if symmetric else cmap, vmin=lo, vmax=hi)
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    if colorbar:
        fig.subplots_adjust(right=0.9)
        cax = fig.add_axes((0.92, 0.15, 0.012, 0.7))
        cb = fig.colorbar(im, cax=cax)
        cb.ax.tick_params(labelsize=7)
        if cbar_label is None:
            cbar_label = "weight" if symmetric else "ink"
        cb.set_label(cbar_label, fontsize=8)
    return fig


def weight_images(weight: np.ndarray, classes: Sequence[str], *, suptitle: str | None = None):
    """Rows of a ``(n_classes, H*W)`` weight matrix as images: the classifier's templates."""
    return image_grid(_numpy(weight), list(classes), symmetric=True, size=1.4, suptitle=suptitle,
                      cbar_label="weight")


def scatter_classes(X: np.ndarray, y: np.ndarray, names: Sequence[str] | None = None, *, ax=None,
                    xlabel: str | None = None, ylabel: str | None = None, s: float = 14):
    """Scatter 2-D points coloured by class."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    X, y = np.asarray(X), np.asarray(y)
    for k in np.unique(y):
        label = names[int(k)] if names is not None else str(k)
        ax.scatter(X[y == k, 0], X[y == k, 1], s=s, color=CLASS_COLORS[int(k) % 10],
                   label=label, edgecolors="white", linewidths=0.4)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(loc="best", fontsize=8)
    return ax.figure


def line_boundary(w: Sequence[float], b: float, *, ax, xlim=None, ylim=None, shade: bool = True,
                  color: str = "k"):
    """Draw the line w1*x1 + w2*x2 + b = 0 and shade the side where it is positive."""
    xlim = xlim or ax.get_xlim()
    ylim = ylim or ax.get_ylim()
    xx, yy = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
    z = w[0] * xx + w[1] * yy + b
    if shade:
        ax.contourf(xx, yy, (z > 0).astype(float), levels=[-0.5, 0.5, 1.5],
                    colors=[CLASS_COLORS[0], CLASS_COLORS[1]], alpha=0.12)
    if np.ptp(z) > 0 and z.min() < 0 < z.max():
        ax.contour(xx, yy, z, levels=[0.0], colors=color, linewidths=1.5)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def _shade_classes(ax, predict: Callable[[np.ndarray], np.ndarray], lo, hi, resolution: int, *,
                   n_classes: int, alpha: float) -> None:
    """Colour the rectangle ``lo``..``hi`` of the plane by the class ``predict`` gives each point
    of a ``resolution`` x ``resolution`` grid (at least ``n_classes`` colours)."""
    from matplotlib.colors import ListedColormap

    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    zz = np.asarray(predict(np.c_[xx.ravel(), yy.ravel()])).reshape(xx.shape)
    k = max(n_classes, int(zz.max()) + 1)
    ax.contourf(xx, yy, zz, levels=np.arange(k + 1) - 0.5,
                cmap=ListedColormap([CLASS_COLORS[i % 10] for i in range(k)]), alpha=alpha)


def decision_regions(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray, *,
                     ax=None, resolution: int = 200, margin: float = 0.1,
                     names: Sequence[str] | None = None, title: str | None = None):
    """Colour the plane by ``predict`` (a function of ``(M, 2)`` points -> labels) and scatter the data."""
    plt = _plt()

    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4))
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * (hi - lo)
    _shade_classes(ax, predict, lo - pad, hi + pad, resolution, n_classes=int(np.max(y)) + 1, alpha=0.18)
    scatter_classes(X, y, names, ax=ax)
    if not ax.get_xlabel():
        ax.set_xlabel("$x_1$")
    if not ax.get_ylabel():
        ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax.figure


def training_curves(history, *, title: str | None = None):
    """Loss and accuracy per epoch from a :class:`dlnotes.train.History`.

    The "train" curve is what ``fit`` records: the mean over the epoch's
    mini-batches, measured while the weights still change (and with dropout on,
    if the model has dropout); the validation curve is measured after the epoch
    in evaluation mode. The legend says so.
    """
    plt = _plt()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
    epochs = np.arange(1, history.epochs + 1)
    train_label = "train (mean over the epoch's batches)"
    ax1.plot(epochs, history.train_loss, "o-", label=train_label)
    ax2.plot(epochs, history.train_acc, "o-", label=train_label)
    if history.val_loss:
        ax1.plot(epochs, history.val_loss, "s--", label="validation (after the epoch)")
        ax2.plot(epochs, history.val_acc, "s--", label="validation (after the epoch)")
    ax1.set(xlabel="epoch", ylabel="loss")
    ax2.set(xlabel="epoch", ylabel="accuracy")
    for ax in (ax1, ax2):
        ax.legend()
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def fig_to_png(fig, dpi: int = 72) -> bytes:
    """Render a figure to PNG bytes (deterministic metadata) and close it."""
    import io

    plt = _plt()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def compare_histories(histories, metrics: Sequence[str] = ("train_acc", "val_acc"), *,
                      title: str | None = None, labels: dict | None = None):
    """One panel per metric, one curve per run: ``histories`` maps a label to a ``History``.

    ``metrics`` are attribute names of :class:`dlnotes.train.History`
    (``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``). Losses of
    different kinds (say MSE and cross-entropy) are not on one scale; compare
    accuracies across runs with different losses. ``labels`` maps a metric to
    its axis label (say ``{"val_acc": "test accuracy"}`` when the held-out set
    passed to ``fit`` is the test set); by default the train metrics are
    labelled as the epoch's running means that ``fit`` records.
    """
    plt = _plt()
    if not histories:
        raise ValueError("compare_histories needs at least one history")
    names = ("train_loss", "train_acc", "val_loss", "val_acc")
    for m in metrics:
        if m not in names:
            raise ValueError(f"unknown metric {m!r}; choose from {names}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.2), squeeze=False)
    for ax, m in zip(axes[0], metrics):
        for i, (label, h) in enumerate(histories.items()):
            values = getattr(h, m)
            ax.plot(np.arange(1, len(values) + 1), values, "o-", ms=3, label=label,
                    color=CLASS_COLORS[i % len(CLASS_COLORS)])
        default = {"train_loss": "training loss (epoch mean)", "train_acc": "training accuracy (epoch mean)",
                   "val_loss": "validation loss", "val_acc": "validation accuracy"}[m]
        ax.set(xlabel="epoch", ylabel=(labels or {}).get(m, default))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


__all__ += ["compare_histories"]


def activation_panels(z: np.ndarray, curves: dict, *, ncols: int = 4, size: tuple[float, float] = (2.7, 2.3),
                      ylim: tuple[float, float] | None = (-1.6, 3.1), suptitle: str | None = None):
    """One small panel per activation: f(z) (solid) and its derivative f'(z) (dashed).

    ``curves`` maps a panel title to ``(f(z), f'(z))``, each an array like ``z``.

    Shape: ``z`` is ``(M,)``; every array in ``curves`` is ``(M,)``.
    """
    plt = _plt()
    z = np.asarray(z, dtype=float)
    if z.ndim != 1:
        raise ValueError(f"z must be 1-D, got shape {z.shape}")
    if not curves:
        raise ValueError("curves is empty: give at least one activation")
    n = len(curves)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False)
    for ax, (title, (f, df)) in zip(axes.flat, curves.items()):
        f, df = np.asarray(f, dtype=float), np.asarray(df, dtype=float)
        if f.shape != z.shape or df.shape != z.shape:
            raise ValueError(f"{title}: f and f' must have the shape of z {z.shape}, "
                             f"got {f.shape}, {df.shape}")
        ax.axhline(0, color="#999", lw=0.6)
        ax.axvline(0, color="#999", lw=0.6)
        ax.plot(z, f, color=CLASS_COLORS[0], lw=2, label="f(z)")
        ax.plot(z, df, "--", color=CLASS_COLORS[1], lw=1.6, label="f′(z)")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("z", fontsize=8)
        ax.set_ylabel("f(z), f′(z)", fontsize=8)
        if ylim is not None:
            ax.set_ylim(*ylim)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[n:]:
        ax.set_axis_off()
    axes.flat[0].legend(fontsize=8, loc="upper left")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


__all__ += ["activation_panels"]


def latent_scatter(codes: np.ndarray, labels: np.ndarray, names: Sequence[str] | None = None, *,
                   decode: Callable[[np.ndarray], np.ndarray] | None = None, ax=None,
                   resolution: int = 200, margin: float = 0.05, s: float = 5.0,
                   xlim: tuple[float, float] | None = None, ylim: tuple[float, float] | None = None,
                   xlabel: str = "code unit 1, $z_1$", ylabel: str = "code unit 2, $z_2$",
                   title: str | None = None, legend: bool = True):
    """Scatter 2-D latent codes coloured by class and write each class's name at its mean code.

    With ``decode`` (a function of ``(M, 2)`` codes -> class labels, e.g. the
    network's last layer followed by ``argmax``) the code plane is shaded by
    the class the decoder assigns to each point, so the picture shows both the
    codes and how they are read out. ``xlim`` / ``ylim`` zoom in (default: all
    codes, plus a ``margin``); a class name is written only when its mean lies
    in the window. The legend (``legend=True``) sits outside the axes.

    Shape: ``codes`` is ``(N, 2)``, ``labels`` is ``(N,)``.
    """
    plt = _plt()

    codes, labels = _numpy(codes).astype(float), _numpy(labels).astype(int)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes must have shape (N, 2), got {codes.shape}: plot two code units at a time")
    if labels.shape != (len(codes),):
        raise ValueError(f"labels must have shape ({len(codes)},), got {labels.shape}")
    if len(codes) == 0:
        raise ValueError("no codes to plot")
    k = int(labels.max()) + 1
    if names is not None and len(names) < k:
        raise ValueError(f"{len(names)} names for labels up to {k - 1}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.8))
    lo, hi = codes.min(axis=0), codes.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    lo, hi = lo - pad, hi + pad
    if xlim is not None:
        lo[0], hi[0] = xlim
    if ylim is not None:
        lo[1], hi[1] = ylim
    if not (lo < hi).all():
        raise ValueError(f"empty window: x from {lo[0]} to {hi[0]}, y from {lo[1]} to {hi[1]}")
    if decode is not None:
        _shade_classes(ax, decode, lo, hi, resolution, n_classes=k, alpha=0.15)
    for c in range(k):
        mask = labels == c
        if not mask.any():
            continue
        color = CLASS_COLORS[c % 10]
        name = names[c] if names is not None else str(c)
        ax.scatter(codes[mask, 0], codes[mask, 1], s=s, color=color, alpha=0.7, linewidths=0, label=name)
        mean = codes[mask].mean(axis=0)
        if ((lo <= mean) & (mean <= hi)).all():
            ax.annotate(name, tuple(mean), ha="center", va="center", fontsize=8, fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": color, "alpha": 0.85})
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel=xlabel, ylabel=ylabel)
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, markerscale=2.5, frameon=False)
    ax.figure.tight_layout()
    return ax.figure


__all__ += ["latent_scatter"]
