"""Data: real data sets with verified caching, batching, and 2-D toy data.

* :mod:`~dlnotes.data.sources` — the cache folder, checksums, safe copies,
  downloads (every loader uses it);
* :mod:`~dlnotes.data.images` — Fashion-MNIST (default) and MNIST;
* :mod:`~dlnotes.data.batching` — :class:`Batches` for numpy and torch,
  :func:`train_val_split`;
* :mod:`~dlnotes.data.toy` — seeded 2-D toy data sets for pictures;
* :mod:`~dlnotes.data.text` — text corpora, character vocabularies, (batch, time) windows.

The names notebooks use are re-exported here (``data.load_images``, ...).
"""

from . import text, toy
from .batching import Batches, train_val_split
from .images import (
    DATASETS,
    IDXError,
    ImageData,
    default_dataset,
    fetch,
    images_to_float,
    load_images,
    read_idx,
    subset,
    to_tensors,
    two_features,
)
from .sources import ChecksumError, DataUnavailableError, data_root

__all__ = [
    "text", "toy", "Batches", "train_val_split", "DATASETS", "IDXError", "ImageData", "default_dataset",
    "fetch", "images_to_float", "load_images", "read_idx", "subset", "to_tensors", "two_features",
    "ChecksumError", "DataUnavailableError", "data_root",
]
