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
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

__all__ = [
    "DATASETS",
    "DataUnavailableError",
    "ChecksumError",
    "IDXError",
    "ImageData",
    "read_idx",
    "data_root",
    "fetch",
    "load_images",
    "default_dataset",
    "two_features",
    "train_val_split",
    "Batches",
]


class DataUnavailableError(RuntimeError):
    """The data set is not on this machine and could not be downloaded."""


class ChecksumError(RuntimeError):
    """A data file's SHA-256 does not match the pinned value (it was deleted)."""


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
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as fh:
            raw = fh.read()
        where = str(path)
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
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise IDXError(
            f"{where}: header announces shape {shape} ({expected} data bytes) "
            f"but the file holds {len(raw) - header} (truncated or corrupt)"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="), copy=True)


# ----------------------------------------------------------------------- fetching


def default_dataset() -> str:
    """The data set the book uses: ``DLNOTES_DATASET`` or ``"fashion-mnist"``."""
    return os.environ.get("DLNOTES_DATASET", "fashion-mnist").lower()


def data_root() -> Path:
    """Cache folder: ``$DLNOTES_DATA``, else ``data/`` of a book clone, else ``~/.cache/dlnotes``."""
    env = os.environ.get("DLNOTES_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "_toc.yml").is_file() and (parent / "data").is_dir():
            return parent / "data"
    return Path.home() / ".cache" / "dlnotes"


def _spec(name: str) -> _Spec:
    key = name.lower().replace("_", "-")
    if key not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {sorted(DATASETS)}")
    return DATASETS[key]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _install_verified(source: Path, target: Path, expected: str, origin: str) -> None:
    """Copy ``source`` (gzipped or not) to ``target`` via a temporary file, verifying SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            opener = gzip.open if source.suffix == ".gz" else open
            try:
                with opener(source, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
            except (OSError, EOFError) as exc:  # bad gzip stream, truncated archive
                raise ChecksumError(f"{origin}: cannot read {source} ({exc})") from exc
        actual = _sha256_file(tmp)
        if actual != expected:
            raise ChecksumError(
                f"{origin}: {source.name} has SHA-256 {actual}, expected {expected}. "
                "The file is corrupt or truncated; it was not kept. Delete the source "
                "copy and fetch it again."
            )
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _unavailable_message(spec: _Spec, missing: str, root: Path, reason: str) -> str:
    lines = [
        f"{spec.title}: file {missing!r} is not on this machine and could not be downloaded ({reason}).",
        "Get the data in one of these ways:",
    ]
    n = 1
    if spec.debian_package:
        lines.append(
            f"  {n}. offline, on Debian/Ubuntu: sudo apt-get update && "
            f"sudo apt-get install {spec.debian_package}   (puts the files in {spec.debian_dir})"
        )
        n += 1
    lines.append(
        f"  {n}. with network access: run the same code again (it downloads from {spec.mirrors[0]}),"
    )
    lines.append(
        f"     or download the four .gz files from there yourself and put them into {root / spec.name}"
    )
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

    ``debian_dir`` overrides where Debian's copy is looked for (used by the tests).
    Raises :class:`DataUnavailableError` (with instructions) when a file can be
    found nowhere, and :class:`ChecksumError` when a file is corrupt; a corrupt
    file is deleted, never kept.
    """
    spec = _spec(name or default_dataset())
    base = Path(root) if root is not None else data_root()
    folder = base / spec.name
    debian = Path(debian_dir) if debian_dir is not None else (
        Path(spec.debian_dir) if spec.debian_dir else None)
    paths: dict[str, Path] = {}
    for key, f in spec.files.items():
        target = folder / f.filename
        if target.exists():
            actual = _sha256_file(target)
            if actual != f.sha256:
                target.unlink()
                raise ChecksumError(
                    f"{target} has SHA-256 {actual}, expected {f.sha256}: the cached file is "
                    "corrupt or truncated and was deleted. Run again to fetch a fresh copy."
                )
            paths[key] = target
            continue
        local = [folder / (f.filename + ".gz")]
        if debian is not None:
            local += [debian / (f.filename + ".gz"), debian / f.filename]
        source = next((p for p in local if p.is_file()), None)
        if source is not None:
            _install_verified(source, target, f.sha256, origin=str(source.parent))
        else:
            if not download:
                raise DataUnavailableError(
                    _unavailable_message(spec, f.filename, base, "downloads disabled"))
            _download(spec, f, target, progress=progress, root=base)
        paths[key] = target
    return paths


def _download(spec: _Spec, f: _File, target: Path, *, progress: bool, root: Path) -> None:
    import pooch

    errors = []
    for mirror in spec.mirrors:
        url = mirror + f.filename + ".gz"
        with tempfile.TemporaryDirectory(dir=target.parent if target.parent.exists() else None) as tmp:
            try:
                gz = pooch.retrieve(url, known_hash=None, fname=f.filename + ".gz", path=tmp,
                                    progressbar=progress)
            except Exception as exc:  # network errors come in many types
                errors.append(f"{url}: {type(exc).__name__}")
                continue
            _install_verified(Path(gz), target, f.sha256, origin=url)
            return
    raise DataUnavailableError(
        _unavailable_message(spec, f.filename, root, "; ".join(errors) or "no mirror"))


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


def train_val_split(
    n: int, n_val: int, seed: int | np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Random disjoint index arrays ``(train_idx, val_idx)`` for ``n`` examples."""
    if not 0 <= n_val < n:
        raise ValueError(f"n_val must be in [0, {n}), got {n_val}")
    gen = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    perm = gen.permutation(n)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


class Batches:
    """Mini-batches over in-memory tensors: a fast replacement for ``DataLoader``.

    ``DataLoader`` indexes one example at a time; for data sets that fit in
    memory, slicing whole tensors is many times faster on a CPU. With
    ``shuffle=True`` a new permutation is drawn each epoch from a generator
    seeded with ``seed``, so runs are reproducible.

    Shape: each batch is ``(x[idx], y[idx])`` with ``len(idx) <= batch_size``.
    """

    def __init__(self, x, y, batch_size: int = 128, *, shuffle: bool = False,
                 seed: int = 0, drop_last: bool = False) -> None:
        import torch

        if len(x) != len(y):
            raise ValueError(f"x and y differ in length: {len(x)} vs {len(y)}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.x, self.y = x, y
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self._gen = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        n = len(self.x)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple]:
        import torch

        n = len(self.x)
        order = torch.randperm(n, generator=self._gen) if self.shuffle else None
        for i in range(len(self)):
            sl = slice(i * self.batch_size, min((i + 1) * self.batch_size, n))
            if order is None:
                yield self.x[sl], self.y[sl]
            else:
                idx = order[sl].to(self.x.device) if hasattr(self.x, "device") else order[sl]
                yield self.x[idx], self.y[idx]


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


__all__ += ["images_to_float", "to_tensors"]


def subset(images: np.ndarray, labels: np.ndarray, classes: Sequence[int], n_per_class: int | None,
           seed: int | np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Pick ``n_per_class`` random examples of each class in ``classes`` (all if None).

    Returned labels are re-indexed 0..len(classes)-1 in the order given.
    """
    gen = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
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


__all__ += ["subset"]
