"""Many small records (one per document), each compressed apart with one shared zstd
dictionary, in a mapped file: a record is read by slicing the map and decompressing it.

Why: the server maps the files it reads per hit (stored articles, the re-rank's words), and a
mapped file read at random ends up wholly resident (the kernel maps pages around each fault):
its size is the server's memory. A news article is a few kilobytes, too small for a compressor
to learn from alone; a dictionary trained on the segment's own records gives it what articles
share (field names, common words), so each record compresses to about half what zlib makes of
it alone, and decompresses in ~10 µs. zstd (the `zstandard` package) is made for exactly this.

Files, beside their owner's (``<stem>``: e.g. ``MAIN_<segid>.sto1``)::

    <stem>.zdict          the trained dictionary (empty: too few records to train one)
    <stem>.zst            the records, compressed, one after another
    <stem>.offsets.npy    int64: record i is zst[offsets[i]:offsets[i + 1]] (written last)
"""

from __future__ import annotations

import mmap
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import zstandard

from indexer.mapped import load_array, save_array

LEVEL = 12  # news-50k's stored articles: 18.0 MiB a segment in 4.7 s; level 19, 17.2 MiB in 24 s
DICTIONARY_BYTES = 112_640  # zstd's default size; more gained ~1% on news articles
TRAINING_RECORDS = 6_000  # a spread sample: training on all of a large segment takes far longer
SUFFIXES = (".zdict", ".zst", ".offsets.npy")


def paths(stem: Path) -> tuple[Path, Path, Path]:
    """(dictionary, records, offsets) of the records at `stem`."""
    return tuple(stem.with_name(stem.name + suffix) for suffix in SUFFIXES)  # type: ignore[return-value]


def write(stem: Path, records: Sequence[bytes]) -> int:
    """Write `records` at `stem`, compressed with a dictionary trained on them (none when there
    are too few or too alike to train on). Returns the bytes written."""
    dict_path, zst_path, offsets_path = paths(stem)
    dictionary = _trained(records)
    dict_path.write_bytes(dictionary.as_bytes() if dictionary is not None else b"")
    compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=dictionary, write_content_size=True)
    offsets = np.zeros(len(records) + 1, dtype=np.int64)
    with open(zst_path, "wb") as out:
        for i, record in enumerate(records):
            offsets[i + 1] = offsets[i] + out.write(compressor.compress(record) if record else b"")
    save_array(offsets_path, offsets)  # last: the records are complete when it exists
    return int(offsets[-1]) + dict_path.stat().st_size


def _trained(records: Sequence[bytes]) -> zstandard.ZstdCompressionDict | None:
    step = max(1, len(records) // TRAINING_RECORDS)
    sample = [record for record in records[::step] if record]
    if len(sample) < 8:  # zstd needs several samples: a tiny segment goes without
        return None
    try:
        return zstandard.train_dictionary(DICTIONARY_BYTES, sample)
    except zstandard.ZstdError:  # too little or too uniform a sample
        return None


class PackedRecords:
    """Records written by `write`, mapped read-only; `get(i)` from any thread."""

    def __init__(self, stem: Path) -> None:
        dict_path, zst_path, offsets_path = paths(stem)
        self.offsets = load_array(offsets_path)
        raw = dict_path.read_bytes()
        self._dictionary = zstandard.ZstdCompressionDict(raw) if raw else None
        with open(zst_path, "rb") as f:
            size = f.seek(0, 2)
            self._buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        if size != int(self.offsets[-1]):
            raise ValueError(f"{zst_path.name}: {size} bytes, its offsets say {int(self.offsets[-1])}")
        self._local = threading.local()  # a decompressor is not for two threads at once

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def _decompressor(self) -> zstandard.ZstdDecompressor:
        decompressor = getattr(self._local, "decompressor", None)
        if decompressor is None:
            decompressor = self._local.decompressor = zstandard.ZstdDecompressor(dict_data=self._dictionary)
        return decompressor

    def get(self, i: int) -> bytes:
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        if start == end:
            return b""
        return self._decompressor().decompress(self._buf[start:end])

    def get_many(self, indices: np.ndarray) -> tuple[bytes, np.ndarray]:
        """Records `indices` decompressed in one call and joined, and each one's length: where
        many are read at once (a quoted phrase's articles), `get` per record cost as much
        again in Python as the decompression itself."""
        starts, ends = self.offsets[indices].tolist(), self.offsets[indices + 1].tolist()
        frames = [self._buf[a:b] for a, b in zip(starts, ends, strict=True) if b > a]
        lengths = np.zeros(len(starts), dtype=np.int64)
        if not frames:
            return b"", lengths
        out = self._decompressor().multi_decompress_to_buffer(frames)
        sizes = np.fromiter((len(out[i]) for i in range(len(out))), dtype=np.int64, count=len(out))
        lengths[[b > a for a, b in zip(starts, ends, strict=True)]] = sizes
        return b"".join(out[i] for i in range(len(out))), lengths
