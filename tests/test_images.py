"""Tests of dlnotes.data.images and dlnotes.data.sources with small IDX files the tests write themselves."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes import data


def idx_bytes(array: np.ndarray) -> bytes:
    codes = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(">i2"): 0x0B,
             np.dtype(">i4"): 0x0C, np.dtype(">f4"): 0x0D, np.dtype(">f8"): 0x0E}
    dt = array.dtype if array.dtype.itemsize == 1 else array.dtype.newbyteorder(">")
    header = bytes([0, 0, codes[np.dtype(dt)], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(dt).tobytes()


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_read_idx_roundtrip(dtype, tmp_path):
    rng = np.random.default_rng(0)
    arr = (rng.normal(size=(3, 4, 5)) * 50).astype(dtype)
    raw = idx_bytes(arr)
    np.testing.assert_array_equal(data.read_idx(raw), arr)
    path = tmp_path / "x-idx3"
    path.write_bytes(raw)
    np.testing.assert_array_equal(data.read_idx(path), arr)
    gz = tmp_path / "x-idx3.gz"
    gz.write_bytes(gzip.compress(raw))
    out = data.read_idx(gz)
    np.testing.assert_array_equal(out, arr)
    assert out.dtype.isnative


def test_read_idx_labels_1d():
    labels = np.arange(10, dtype=np.uint8)
    np.testing.assert_array_equal(data.read_idx(idx_bytes(labels)), labels)


@pytest.mark.parametrize("raw, message", [
    (b"\x00\x00", "too short"),
    (b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "magic"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x05", "type code"),
    (b"\x00\x00\x08\x00", "zero dimensions"),
    (b"\x00\x00\x08\x02\x00\x00\x00\x01", "truncated header"),
    (b"\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", "truncated or corrupt"),
])
def test_read_idx_rejects_bad_files(raw, message):
    with pytest.raises(data.IDXError, match=message):
        data.read_idx(raw)


@pytest.fixture
def fake_dataset(monkeypatch, tmp_path):
    """Register a tiny data set 'toy' whose 'Debian' copy lives in tmp_path/debian."""
    rng = np.random.default_rng(1)
    arrays = {
        "train_images": rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 3, size=6, dtype=np.uint8),
        "test_images": rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 3, size=4, dtype=np.uint8),
    }
    names = {"train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte",
             "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte"}
    debian = tmp_path / "debian"
    debian.mkdir()
    files = {}
    for key, arr in arrays.items():
        raw = idx_bytes(arr)
        (debian / (names[key] + ".gz")).write_bytes(gzip.compress(raw))
        files[key] = data.images._File(names[key], hashlib.sha256(raw).hexdigest())
    spec = data.images._Spec(name="toy", title="Toy", classes=("a", "b", "c"), files=files,
                      mirrors=("http://127.0.0.1:9/",), debian_dir=str(debian),
                      debian_package="dataset-toy")
    monkeypatch.setitem(data.DATASETS, "toy", spec)
    return spec, arrays, debian


def test_fetch_from_debian_copy_and_cache(fake_dataset, tmp_path):
    spec, arrays, debian = fake_dataset
    root = tmp_path / "cache"
    paths = data.fetch("toy", root=root, download=False)
    assert set(paths) == set(arrays)
    for key, path in paths.items():
        assert path.parent == root / "toy" and path.is_file()
        np.testing.assert_array_equal(data.read_idx(path), arrays[key])
    # second call uses the cache even when the Debian copy is gone
    for f in debian.iterdir():
        f.unlink()
    ds = data.load_images("toy", root=root, download=False)
    assert ds.train_images.shape == (6, 28, 28) and ds.test_labels.dtype == np.int64
    assert ds.classes == ("a", "b", "c")
    assert not list((root / "toy").glob("*.part")), "no temporary files may be left"


def test_corrupt_source_is_rejected_and_not_kept(fake_dataset, tmp_path):
    spec, arrays, debian = fake_dataset
    src = debian / "t10k-labels-idx1-ubyte.gz"
    raw = gzip.decompress(src.read_bytes())
    src.write_bytes(gzip.compress(raw[:-1] + bytes([raw[-1] ^ 0xFF])))  # flip the last byte
    root = tmp_path / "cache"
    with pytest.raises(data.DataUnavailableError, match="expected") as info:
        data.fetch("toy", root=root, download=False)
    assert f"Delete {src}" in str(info.value), "the message names the damaged copy to delete"
    assert not (root / "toy" / "t10k-labels-idx1-ubyte").exists()
    assert not list((root / "toy").glob("*.part"))


def test_truncated_gzip_is_rejected(fake_dataset, tmp_path):
    spec, arrays, debian = fake_dataset
    src = debian / "train-images-idx3-ubyte.gz"
    src.write_bytes(src.read_bytes()[:100])
    root = tmp_path / "cache"
    with pytest.raises(data.DataUnavailableError, match="cannot read"):
        data.fetch("toy", root=root, download=False)
    assert not (root / "toy" / "train-images-idx3-ubyte").exists()
    assert not list((root / "toy").glob("*.part"))


def test_corrupt_cached_file_is_deleted(fake_dataset, tmp_path):
    spec, arrays, debian = fake_dataset
    root = tmp_path / "cache"
    paths = data.fetch("toy", root=root, download=False)
    target = paths["train_labels"]
    target.write_bytes(target.read_bytes()[:-2])  # truncate the cached copy
    assert data.fetch("toy", root=root, download=False)["train_labels"] == target
    assert data.read_idx(target).shape == (6,), "fetched again from the Debian copy"
    target.write_bytes(target.read_bytes()[:-2])
    for f in debian.iterdir():  # no other source left: a clear error, nothing corrupt kept
        f.unlink()
    with pytest.raises(data.DataUnavailableError, match="corrupt.*deleted"):
        data.fetch("toy", root=root, download=False)
    assert not target.exists()


def test_offline_error_says_how_to_get_the_data(fake_dataset, tmp_path):
    spec, arrays, debian = fake_dataset
    for f in debian.iterdir():
        f.unlink()
    with pytest.raises(data.DataUnavailableError) as info:
        data.fetch("toy", root=tmp_path / "cache", download=False)
    msg = str(info.value)
    assert "apt-get install dataset-toy" in msg
    assert "download" in msg and str(tmp_path / "cache" / "toy") in msg


def test_failed_download_gives_the_same_instructions(fake_dataset, tmp_path):
    spec, arrays, debian = fake_dataset
    for f in debian.iterdir():
        f.unlink()
    # the mirror is a closed local port: the download fails at once
    with pytest.raises(data.DataUnavailableError, match="apt-get install dataset-toy"):
        data.fetch("toy", root=tmp_path / "cache", download=True, progress=False)
    assert not list((tmp_path / "cache" / "toy").glob("*"))


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match="unknown data set"):
        data.fetch("cifar-1000")


def test_default_dataset_switch(monkeypatch):
    monkeypatch.delenv("DLNOTES_DATASET", raising=False)
    assert data.default_dataset() == "fashion-mnist"
    monkeypatch.setenv("DLNOTES_DATASET", "MNIST")
    assert data.default_dataset() == "mnist"


def test_pinned_hashes_are_sha256():
    for spec in data.DATASETS.values():
        assert len(spec.files) == 4
        for f in spec.files.values():
            assert len(f.sha256) == 64 and int(f.sha256, 16) >= 0


def test_two_features_and_subset():
    imgs = np.zeros((2, 28, 28), dtype=np.uint8)
    imgs[0, :, :14] = 255  # half the columns inked
    feats = data.two_features(imgs)
    np.testing.assert_allclose(feats, [[0.5, 0.5], [0.0, 0.0]])
    with pytest.raises(ValueError):
        data.two_features(np.zeros((28, 28)))
    labels = np.array([0, 1, 2, 1, 2, 2])
    x, y = data.subset(np.arange(6), labels, classes=(2, 1), n_per_class=2, rng=0)
    assert list(y) == [0, 0, 1, 1] and set(x[:2]) <= {2, 4, 5} and set(x[2:]) == {1, 3}
    with pytest.raises(ValueError, match="only 1"):
        data.subset(np.arange(6), labels, classes=(0,), n_per_class=2, rng=0)


def test_real_fashion_mnist_when_available():
    """The real data set (Debian's copy or the cache); skipped where neither is present."""
    root = data.data_root()
    have = (root / "fashion-mnist" / "train-images-idx3-ubyte").exists() or \
        Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").exists()
    if not have:
        pytest.skip("Fashion-MNIST not on this machine (make data installs it)")
    ds = data.load_images("fashion-mnist", download=False)
    assert ds.train_images.shape == (60000, 28, 28) and ds.test_images.shape == (10000, 28, 28)
    assert np.bincount(ds.train_labels).tolist() == [6000] * 10
    assert np.bincount(ds.test_labels).tolist() == [1000] * 10


def test_read_idx_absurd_header_gives_the_package_error():
    header = bytes([0, 0, 0x08, 3]) + struct.pack(">3I", 2**32 - 1, 2**32 - 1, 2**32 - 1)
    with pytest.raises(data.IDXError, match="header announces"):
        data.read_idx(header + b"\x00" * 10)


def test_read_idx_damaged_gzip_names_the_file(tmp_path):
    path = tmp_path / "bad-idx1-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.arange(50, dtype=np.uint8)))[:30])
    with pytest.raises(data.IDXError, match="bad-idx1-ubyte.gz.*damaged gzip"):
        data.read_idx(path)
    path.write_bytes(b"\x1f\x8b" + b"garbage" * 5)
    with pytest.raises(data.IDXError, match="damaged gzip"):
        data.read_idx(path)


def test_empty_environment_variables_count_as_unset(monkeypatch):
    monkeypatch.setenv("DLNOTES_DATASET", "")
    assert data.default_dataset() == "fashion-mnist"
    monkeypatch.delenv("DLNOTES_DATA", raising=False)
    default = data.data_root()
    monkeypatch.setenv("DLNOTES_DATA", "")
    assert data.data_root() == default


def test_data_folder_that_is_a_file_gets_a_possible_advice(fake_dataset, tmp_path):
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("oops")
    with pytest.raises(data.DataUnavailableError, match="is a file.*move or delete"):
        data.fetch("toy", root=not_a_folder, download=False)


def test_checksum_failure_on_the_first_mirror_tries_the_second(fake_dataset, tmp_path, monkeypatch):
    from dlnotes.data import sources

    spec, arrays, debian = fake_dataset
    for f in debian.iterdir():
        f.unlink()
    good = {f.filename: idx_bytes(arrays[key]) for key, f in spec.files.items()}
    spec2 = data.images._Spec(**{**spec.__dict__, "mirrors": ("http://bad/", "http://good/")})
    monkeypatch.setitem(data.DATASETS, "toy", spec2)
    tried = []

    def fake_download(url, target, expected, progress):
        tried.append(url)
        name = url.rsplit("/", 1)[-1][:-3]
        raw = good[name] if url.startswith("http://good/") else b"corrupt"
        src = tmp_path / ("dl-" + name + ".gz")
        src.write_bytes(gzip.compress(raw))
        sources.install_verified(src, target, expected, origin=url)

    monkeypatch.setattr(sources, "_download", fake_download)
    paths = data.fetch("toy", root=tmp_path / "cache", download=True, progress=False)
    assert all(p.is_file() for p in paths.values())
    assert [u.split("/")[2] for u in tried] == ["bad", "good"] * 4


def test_corrupt_hand_placed_file_does_not_shadow_the_debian_copy(fake_dataset, tmp_path):
    spec, arrays, debian = fake_dataset
    root = tmp_path / "cache"
    (root / "toy").mkdir(parents=True)
    (root / "toy" / "train-labels-idx1-ubyte.gz").write_bytes(b"not a gzip file")
    paths = data.fetch("toy", root=root, download=False)
    np.testing.assert_array_equal(data.read_idx(paths["train_labels"]), arrays["train_labels"])


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]),
       st.lists(st.integers(0, 5), min_size=1, max_size=4))
def test_property_read_idx_roundtrips_any_shape(dtype, shape):
    arr = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape).astype(dtype)
    out = data.read_idx(idx_bytes(arr))
    assert out.shape == tuple(shape) and out.dtype == np.dtype(dtype).newbyteorder("=")
    np.testing.assert_array_equal(out, arr)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_property_read_idx_on_garbage_raises_only_the_package_error(raw):
    try:
        out = data.read_idx(raw)
    except data.IDXError:
        return
    assert isinstance(out, np.ndarray)  # a valid header with matching data: an array
