"""Real image data sets: Fashion-MNIST (the book's default) and MNIST.

Where the files come from, in order:

1. the cache folder (``data/<name>/`` in a clone of the book, or
   ``~/.cache/dlnotes/<name>/`` for a pip-installed package; ``DLNOTES_DATA``
   overrides it), holding the uncompressed IDX files;
2. gzipped IDX files a user put into that folder by hand;
3. Debian's package ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``);
4. a download from the official mirrors (with a progress bar).

Every file is checked against the SHA-256 of its *uncompressed* bytes (Debian
re-gzipped its copy, so hashes of ``.gz`` files would differ between sources).
Files are written to a temporary name and renamed only once verified, so a
failed or interrupted fetch never leaves a partial or corrupt file behind.

Choosing the data set: pass ``name="mnist"`` or set ``DLNOTES_DATASET=mnist``.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..utils import as_generator
from .sources import data_root, fetch_file

__all__ = [
    "DATASETS",
    "IDXError",
    "ImageData",
    "read_idx",
    "fetch",
    "load_images",
    "default_dataset",
    "two_features",
    "images_to_float",
    "to_tensors",
    "subset",
]


class IDXError(ValueError):
    """A file is not a valid IDX file."""


@dataclass(frozen=True)
class _File:
    filename: str  # uncompressed name, e.g. "train-images-idx3-ubyte"
    sha256: str  # of the uncompressed bytes


@dataclass(frozen=True)
class _Spec:
    name: str
    title: str
    classes: tuple[str, ...]
    files: dict[str, _File]
    mirrors: tuple[str, ...]
    debian_dir: str | None
    debian_package: str | None


_FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)

DATASETS: dict[str, _Spec] = {
    "fashion-mnist": _Spec(
        name="fashion-mnist",
        title="Fashion-MNIST",
        classes=_FASHION_CLASSES,
        files={
            "train_images": _File("train-images-idx3-ubyte",
                                  "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
            "train_labels": _File("train-labels-idx1-ubyte",
                                  "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
            "test_images": _File("t10k-images-idx3-ubyte",
                                 "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
            "test_labels": _File("t10k-labels-idx1-ubyte",
                                 "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        },
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
        ),
        debian_dir="/usr/share/datasets/fashion-mnist",
        debian_package="dataset-fashion-mnist",
    ),
    "mnist": _Spec(
        name="mnist",
        title="MNIST",
        classes=tuple(str(d) for d in range(10)),
        files={
            "train_images": _File("train-images-idx3-ubyte",
                                  "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            "train_labels": _File("train-labels-idx1-ubyte",
                                  "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            "test_images": _File("t10k-images-idx3-ubyte",
                                 "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            "test_labels": _File("t10k-labels-idx1-ubyte",
                                 "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        },
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        debian_dir=None,
        debian_package=None,
    ),
}


# --------------------------------------------------------------------------- IDX


_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(source: str | os.PathLike | bytes) -> np.ndarray:
    """Parse an IDX file (the format of MNIST and Fashion-MNIST).

    ``source`` is a path (``.gz`` is decompressed on the fly) or the raw bytes.
    The header is two zero bytes, a type code, the number of dimensions, then
    one big-endian uint32 per dimension; the data follows.

    Shape: ``(d0, d1, ...)`` as given by the header, e.g. ``(60000, 28, 28)``.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        raw = bytes(source)
        where = "<bytes>"
    else:
        path = Path(source)
        where = str(path)
        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rb") as fh:
                raw = fh.read()
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise IDXError(f"{where}: damaged gzip file ({exc}); delete it and fetch it again") from exc
    if len(raw) < 4:
        raise IDXError(f"{where}: too short to be an IDX file ({len(raw)} bytes)")
    if raw[0] != 0 or raw[1] != 0:
        raise IDXError(f"{where}: bad magic number (first two bytes must be zero)")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise IDXError(f"{where}: unknown IDX type code 0x{code:02X}")
    if ndim == 0:
        raise IDXError(f"{where}: IDX file with zero dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXError(f"{where}: truncated header")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = _IDX_DTYPES[code]
    expected = dtype.itemsize
    for d in shape:  # Python integers: no overflow for absurd header dimensions
        expected *= d
    if len(raw) - header != expected:
        raise IDXError(
            f"{where}: header announces shape {shape} ({expected} data bytes) "
            f"but the file holds {len(raw) - header} (truncated or corrupt)"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)


# ----------------------------------------------------------------------- fetching


def default_dataset() -> str:
    """The data set the book uses: ``DLNOTES_DATASET`` or ``"fashion-mnist"`` (also when empty)."""
    return os.environ.get("DLNOTES_DATASET", "").strip().lower() or "fashion-mnist"


def _spec(name: str) -> _Spec:
    key = name.lower().replace("_", "-")
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}")
    return DATASETS[key]


def _how_to_get(spec: _Spec, folder: Path) -> str:
    lines = ["Get the data in one of these ways:"]
    if spec.debian_package:
        lines.append(f"  - offline, on Debian/Ubuntu: sudo apt-get update && sudo apt-get install "
                     f"{spec.debian_package}   (puts the files in {spec.debian_dir})")
    lines.append(f"  - with network access: run the same code again (it downloads from {spec.mirrors[0]}),")
    lines.append(f"    or download the four .gz files from there yourself and put them into {folder}")
    return "\n".join(lines)


def fetch(
    name: str | None = None,
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
    progress: bool = True,
    debian_dir: str | os.PathLike | None = None,
) -> dict[str, Path]:
    """Make sure the four IDX files of a data set are cached and verified; return their paths.

    Sources in order: the cache (``root/<name>/``), a ``.gz`` placed there by
    hand, Debian's copy (``debian_dir`` overrides where it is looked for; used
    by the tests), then the mirrors. A source that fails its checksum is
    skipped. Raises :class:`DataUnavailableError` (saying how to get the data)
    when no source has a good copy; nothing corrupt or partial is kept.
    """
    spec = _spec(name or default_dataset())
    folder = (Path(root) if root is not None else data_root()) / spec.name
    debian = Path(debian_dir) if debian_dir is not None else (
        Path(spec.debian_dir) if spec.debian_dir else None)
    paths: dict[str, Path] = {}
    for key, f in spec.files.items():
        local = [folder / (f.filename + ".gz")]
        if debian is not None:
            local += [debian / (f.filename + ".gz"), debian / f.filename]
        paths[key] = fetch_file(folder / f.filename, f.sha256, local=local,
                                urls=[m + f.filename + ".gz" for m in spec.mirrors],
                                download=download, progress=progress,
                                how_to_get=_how_to_get(spec, folder), what=spec.title)
    return paths


# ------------------------------------------------------------------------ loading


@dataclass(frozen=True)
class ImageData:
    """A labelled image data set split into train and test.

    Shape: images ``(N, 28, 28)`` uint8; labels ``(N,)`` int64.
    """

    name: str
    classes: tuple[str, ...]
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray

    @property
    def title(self) -> str:
        return _spec(self.name).title

    def __repr__(self) -> str:  # short, stable repr for notebooks
        return (f"ImageData({self.title}: train {self.train_images.shape}, "
                f"test {self.test_images.shape}, {len(self.classes)} classes)")


def load_images(
    name: str | None = None,
    *,
    root: str | os.PathLike | None = None,
    download: bool = True,
    progress: bool = True,
) -> ImageData:
    """Load Fashion-MNIST (default) or MNIST as uint8 arrays, fetching it first if needed."""
    spec = _spec(name or default_dataset())
    paths = fetch(spec.name, root=root, download=download, progress=progress)
    arrays = {key: read_idx(path) for key, path in paths.items()}
    for split in ("train", "test"):
        n_img, n_lab = len(arrays[f"{split}_images"]), len(arrays[f"{split}_labels"])
        if n_img != n_lab:
            raise IDXError(f"{spec.title} {split}: {n_img} images but {n_lab} labels")
    return ImageData(
        name=spec.name,
        classes=spec.classes,
        train_images=arrays["train_images"],
        train_labels=arrays["train_labels"].astype(np.int64),
        test_images=arrays["test_images"],
        test_labels=arrays["test_labels"].astype(np.int64),
    )


def two_features(images: np.ndarray, threshold: int = 64) -> np.ndarray:
    """Two hand-made features of each image: ink (mean brightness) and width.

    *ink* is the mean pixel value in [0, 1]; *width* is the fraction of the 28
    columns that contain at least one pixel brighter than ``threshold``. They
    give a real, plottable two-feature data set for one-neuron demos.

    Shape: ``(N, 28, 28)`` uint8 -> ``(N, 2)`` float64.
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"expected images of shape (N, H, W), got {images.shape}")
    ink = images.mean(axis=(1, 2)) / 255.0
    width = (images > threshold).any(axis=1).mean(axis=1)
    return np.stack([ink, width], axis=1).astype(np.float64)


def images_to_float(images: np.ndarray, dtype=np.float32) -> np.ndarray:
    """uint8 images -> ``dtype`` array in [0, 1], one flattened image per row.

    Shape: ``(N, H, W)`` -> ``(N, H*W)``.
    """
    images = np.asarray(images)
    if images.ndim < 2:
        raise ValueError(f"expected images of shape (N, ...), got {images.shape}")
    out = images.reshape(len(images), -1).astype(dtype)
    out /= np.asarray(255.0, dtype=out.dtype)
    return out


def to_tensors(images: np.ndarray, labels: np.ndarray, *, flatten: bool = True,
               device: "str | object | None" = None) -> tuple:
    """uint8 images -> float32 tensor in [0, 1] (flattened to 784 if ``flatten``), labels -> int64.

    Shape: ``(N, 28, 28)`` -> ``(N, 784)`` or ``(N, 1, 28, 28)``; labels ``(N,)``.
    """
    import torch

    images = np.asarray(images)
    x = torch.from_numpy(images_to_float(images))
    if not flatten:
        x = x.reshape(len(images), 1, *images.shape[1:])
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    if device is not None:
        x, y = x.to(device), y.to(device)
    return x, y


def subset(images: np.ndarray, labels: np.ndarray, classes: Sequence[int], n_per_class: int | None,
           rng: int | np.random.Generator | None) -> tuple[np.ndarray, np.ndarray]:
    """Pick ``n_per_class`` random examples of each class in ``classes`` (all if None).

    Returned labels are re-indexed 0..len(classes)-1 in the order given.
    """
    gen = as_generator(rng)
    xs, ys = [], []
    for new, c in enumerate(classes):
        idx = np.flatnonzero(labels == c)
        if idx.size == 0:
            raise ValueError(f"class {c} does not occur in the labels")
        if n_per_class is not None:
            if n_per_class > idx.size:
                raise ValueError(f"class {c} has only {idx.size} examples, asked for {n_per_class}")
            idx = np.sort(gen.choice(idx, size=n_per_class, replace=False))
        xs.append(images[idx])
        ys.append(np.full(idx.size, new, dtype=np.int64))
    return np.concatenate(xs), np.concatenate(ys)

