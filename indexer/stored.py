"""Reading stored articles from a Whoosh W3 segment's stored-field column, memory-mapped.

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
"""

from __future__ import annotations

import mmap
import os
import pickle
import struct
import zlib
from bisect import bisect_right
from typing import Any

import numpy as np
from whoosh import columns
from whoosh.codec.whoosh3 import STORED_COLUMN, W3Codec

_STORED = "_stored"


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
        length = int(self._lengths[docnum])
        if not length:
            return {}
        start = int(self._offsets[docnum])
        stored = pickle.loads(zlib.decompress(self._buf[start : start + length]))
        return {name: value for name, value in stored.items() if name in self._schema}


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
        self._segments = [SegmentStored.open(leaf) for leaf, _ in leaves]

    def get(self, searcher: Any, docnum: int) -> dict[str, Any]:
        i = bisect_right(self._starts, docnum) - 1
        segment = self._segments[i] if i >= 0 else None
        if segment is None:
            return searcher.stored_fields(docnum)
        return segment.get(docnum - self._starts[i])

    @property
    def mapped(self) -> int:
        """How many of the generation's segments are read from their map."""
        return sum(s is not None for s in self._segments)
