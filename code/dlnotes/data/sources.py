"""Where data files come from: the cache folder, checksums, safe copies and downloads.

Every data set of the book (images now, text corpora later) is fetched the
same way: a file is looked for in the cache folder, then in local copies
(a hand-placed ``.gz``, a Debian package), then downloaded from mirrors. A file
is always written to a temporary name and renamed only once its SHA-256 (of
the *uncompressed* bytes) matches, so a failed or interrupted fetch never
leaves a partial or corrupt file behind.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import zlib
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "DataUnavailableError",
    "ChecksumError",
    "data_root",
    "sha256_file",
    "install_verified",
    "fetch_file",
]


class DataUnavailableError(RuntimeError):
    """The data is not on this machine and could not be downloaded."""


class ChecksumError(RuntimeError):
    """A data file's SHA-256 does not match the pinned value (it was not kept)."""


def data_root() -> Path:
    """Cache folder: ``$DLNOTES_DATA``, else ``data/`` of a book clone, else ``~/.cache/dlnotes``.

    An empty ``DLNOTES_DATA`` counts as unset (like an empty ``DLNOTES_DATASET``).
    """
    env = os.environ.get("DLNOTES_DATA", "").strip()
    if env:
        return Path(env).expanduser()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "_toc.yml").is_file() and (parent / "data").is_dir():
            return parent / "data"
    return Path.home() / ".cache" / "dlnotes"


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _make_folder(folder: Path) -> None:
    for path in (folder, *folder.parents):
        if path.exists():
            if not path.is_dir():
                raise DataUnavailableError(
                    f"{path} is a file, but the data cache needs a folder there: move or delete "
                    "that file, or point DLNOTES_DATA at another folder.")
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataUnavailableError(f"cannot create the data folder {folder} ({exc}); point "
                                   "DLNOTES_DATA at a folder you can write to.") from exc


def install_verified(source: Path, target: Path, expected: str, origin: str) -> None:
    """Copy ``source`` (gzipped or not) to ``target`` via a temporary file, verifying SHA-256.

    Raises :class:`ChecksumError` (naming ``origin`` and the file) for a damaged
    archive or a wrong checksum; ``target`` is then left untouched.
    """
    _make_folder(target.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            opener = gzip.open if source.suffix == ".gz" else open
            try:
                with opener(source, "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
            except (OSError, EOFError, zlib.error) as exc:  # bad gzip stream, truncated archive
                raise ChecksumError(f"{origin}: cannot read {source} ({exc})") from exc
        actual = sha256_file(tmp)
        if actual != expected:
            raise ChecksumError(
                f"{origin}: {source.name} has SHA-256 {actual}, expected {expected}. "
                "The file is corrupt or truncated; it was not kept.")
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def _download(url: str, target: Path, expected: str, progress: bool) -> None:
    import pooch

    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        name = url.rsplit("/", 1)[-1]
        path = pooch.retrieve(url, known_hash=None, fname=name, path=tmp, progressbar=progress)
        install_verified(Path(path), target, expected, origin=url)


def fetch_file(target: Path, sha256: str, *, local: Sequence[Path] = (), urls: Sequence[str] = (),
               download: bool = True, progress: bool = True, how_to_get: str = "",
               what: str = "") -> Path:
    """Make sure ``target`` exists with the given SHA-256; return it.

    Order: ``target`` itself (a corrupt cached copy is deleted and fetched
    again), then each existing path in ``local`` (``.gz`` is decompressed),
    then each URL in ``urls``. A source that fails its checksum is skipped
    and the next one tried. When every source fails, raises
    :class:`DataUnavailableError` with ``how_to_get`` and what each source
    said; a corrupt local copy is named there with the advice to delete it.
    """
    target = Path(target)
    problems: list[str] = []
    if target.exists():
        actual = sha256_file(target)
        if actual == sha256:
            return target
        target.unlink()
        problems.append(f"the cached {target} was corrupt (SHA-256 {actual[:12]}...) and was deleted")
    for source in local:
        if Path(source).is_file():
            try:
                install_verified(Path(source), target, sha256, origin=str(Path(source).parent))
                return target
            except ChecksumError as exc:
                problems.append(f"{exc} Delete {source} (it is damaged) or replace it.")
    if download:
        _make_folder(target.parent)
        for url in urls:
            try:
                _download(url, target, sha256, progress)
                return target
            except ChecksumError as exc:
                problems.append(str(exc))
            except Exception as exc:  # network errors come in many types  # noqa: BLE001
                problems.append(f"{url}: {type(exc).__name__}")
    elif urls:
        problems.append("downloads disabled (download=False)")
    raise DataUnavailableError(
        f"{what + ': ' if what else ''}{target.name} is not on this machine and could not be fetched.\n"
        + "".join(f"  - {p}\n" for p in problems) + how_to_get)
