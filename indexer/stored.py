"""Reading stored articles memory-mapped: from a packed copy beside the segment, else from
the segment's own Whoosh W3 stored-field column.

Why: every hit shown reads its stored article. Through Whoosh, each read goes through the
searcher's multi-reader to the segment's column reader, then `seek` and `read` on the column
file (a buffered file object: the buffer is dropped and refilled on every seek), then zlib and
pickle: on news-50k ~160 µs an article, ten a query. Here the segment's ``_stored.col`` is
memory-mapped once per process (read-only pages, shared with every other process: no private
copy), its per-document offsets and lengths are read in place with NumPy, and an article costs
a slice, `zlib.decompress` and `pickle.loads`.

The format is Whoosh's own (`whoosh.columns.VarBytesColumn` holding
`CompressedBytesColumn` values, wrapped by `PickleColumn`; `whoosh.codec.whoosh3`'s
``STORED_COLUMN``), read exactly as its readers read it, and what `get` returns is what
`SegmentReader.stored_fields` returns. A segment this reader cannot map (a compound file, a
storage that is not a folder, another column type) gives None, and the caller asks Whoosh.

Since stop 25 the build also copies each segment's column, the same pickles, into packed files
(`write_packed`, `PackedStored`: each compressed with a zstd dictionary trained on the
segment's, `indexer.packed`), which `StoredFields` reads first: a mapped file read at random
ends up wholly resident, so its size is the server's memory (news-50k: 35 MiB instead of 60).
"""

from __future__ import annotations

import mmap
import os
import pickle
import struct
import zlib
from bisect import bisect_right
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import STORED_COLUMN, W3Codec

from indexer import packed
from indexer.mapped import segment_stem

_STORED = "_stored"
PACKED_FORMAT = "sto1"  # in the file names: a new layout gets a new name, so old files are never misread


def _big_endian(typecode: str) -> np.dtype[Any]:
    """The NumPy dtype of an `array` typecode as Whoosh writes arrays (`write_array`: big-endian)."""
    kind = "i" if typecode.islower() else "u"
    return np.dtype(f">{kind}{struct.calcsize(typecode)}")


class SegmentStored:
    """One segment's stored column, memory-mapped for the life of the process."""

    def __init__(self, path: str, doccount: int, schema: Any) -> None:
        with open(path, "rb") as f:
            self._buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        self._schema = schema
        self._offsets, self._lengths = _offsets_and_lengths(self._buf, doccount)

    @classmethod
    def open(cls, reader: Any) -> SegmentStored | None:
        """None when the segment is not a plain W3 segment on disk with Whoosh's stored column
        as this module reads it (Whoosh reads those)."""
        try:
            segment, storage = reader._segment, reader._storage
            if (
                segment.is_compound()
                or not hasattr(storage, "folder")
                or not isinstance(reader._codec, W3Codec)
                or type(STORED_COLUMN) is not columns.PickleColumn
                or type(STORED_COLUMN._child) is not columns.CompressedBytesColumn
                or STORED_COLUMN._child._module != "zlib"
            ):
                return None
            path = os.path.join(storage.folder, W3Codec.column_filename(segment, _STORED))
            if not os.path.exists(path) or os.path.getsize(path) == 0:
                return None
            return cls(path, segment.doc_count_all(), reader.schema)
        except (AttributeError, OSError, ValueError):
            return None

    def get(self, docnum: int) -> dict[str, Any]:
        """The document's stored fields, as `SegmentReader.stored_fields(docnum)` gives them."""
        return _fields(self.pickled(docnum), self._schema)

    def pickled(self, docnum: int) -> bytes:
        """The document's stored fields as Whoosh pickled them (b"" for none)."""
        length = int(self._lengths[docnum])
        if not length:
            return b""
        start = int(self._offsets[docnum])
        return zlib.decompress(self._buf[start : start + length])


class PackedStored:
    """One segment's stored fields as `write_packed` copied them: the same pickles, compressed
    with a dictionary trained on the segment's own (`indexer.packed`): news-50k's columns are
    17.6 MiB a segment instead of Whoosh's 30.2, and the server maps that much less. Files
    ``MAIN_<segid>.sto1.*`` beside the segment's own, as `indexer.flatpostings`'."""

    def __init__(self, stem: Path, doccount: int, schema: Any) -> None:
        self._records = packed.PackedRecords(stem)
        if len(self._records) != doccount:
            raise ValueError(f"{stem.name}: {len(self._records)} documents, the segment has {doccount}")
        self._schema = schema

    @classmethod
    def open(cls, reader: Any) -> PackedStored | None:
        """None when the segment has no complete packed copy (or not this segment's)."""
        stem = segment_stem(reader, PACKED_FORMAT)
        if stem is None:
            return None
        try:
            return cls(stem, reader.doc_count_all(), reader.schema)
        except (OSError, ValueError):
            return None

    def get(self, docnum: int) -> dict[str, Any]:
        return _fields(self._records.get(docnum), self._schema)


def _fields(pickled: bytes, schema: Any) -> dict[str, Any]:
    """Stored fields from their pickle, those the schema still has (as Whoosh's reader)."""
    if not pickled:
        return {}
    return {name: value for name, value in pickle.loads(pickled).items() if name in schema}


def lacks_packed(reader: Any) -> bool:
    """Whether the segment `reader` reads could have a packed copy of its stored fields and has
    none yet (a new build's segments, those an update added or merged)."""
    stem = segment_stem(reader, PACKED_FORMAT)
    return stem is not None and not packed.paths(stem)[2].exists()


def write_packed(reader: Any) -> int:
    """Copy the stored fields of the segment `reader` reads (a plain W3 segment on disk) into
    its packed files. Returns the bytes written."""
    source, stem = SegmentStored.open(reader), segment_stem(reader, PACKED_FORMAT)
    if source is None or stem is None:
        raise ValueError(f"segment {reader.segment().segment_id()} has no stored column to pack")
    return packed.write(stem, [source.pickled(docnum) for docnum in range(reader.doc_count_all())])


def _offsets_and_lengths(buf: mmap.mmap, doccount: int) -> tuple[np.ndarray, np.ndarray]:
    """`VarBytesColumn.Reader._read_offsets_and_lengths` on the map: the lengths array, then
    (past 32,768 documents) the offsets array, then their typecodes and "X" end the column;
    without stored offsets they are the running sum of the lengths."""
    last = len(buf) - 1
    lens_code = chr(buf[last])
    offsets = None
    if lens_code == "X":
        lens_code, offsets_code = chr(buf[last - 2]), chr(buf[last - 1])
        dtype = _big_endian(offsets_code)
        start = (last - 2) - doccount * dtype.itemsize
        offsets = np.frombuffer(buf, dtype=dtype, count=doccount, offset=start)
        last = start
    dtype = _big_endian(lens_code)
    lengths = np.frombuffer(buf, dtype=dtype, count=doccount, offset=last - doccount * dtype.itemsize)
    if offsets is None:
        offsets = np.zeros(doccount, dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
    return offsets, lengths


class StoredFields:
    """Every segment of one index generation, mapped where it can be: `get(searcher, docnum)`
    is `searcher.stored_fields(docnum)`. Read-only once built, so shared by every thread; a
    segment that cannot be mapped is read through the calling thread's own searcher."""

    def __init__(self, searcher: Any) -> None:
        leaves = list(searcher.reader().leaf_readers())  # [(reader, 0)] for a single segment
        self._starts = [offset for _, offset in leaves]
        self._segments = [PackedStored.open(leaf) or SegmentStored.open(leaf) for leaf, _ in leaves]

    def get(self, searcher: Any, docnum: int) -> dict[str, Any]:
        i = bisect_right(self._starts, docnum) - 1
        segment = self._segments[i] if i >= 0 else None
        if segment is None:
            return searcher.stored_fields(docnum)
        return segment.get(docnum - self._starts[i])

    @property
    def mapped(self) -> int:
        """How many of the generation's segments are read from their map (for tests)."""
        return sum(s is not None for s in self._segments)
