"""Reading a term's posting list (docnums and frequencies) from a Whoosh W3 segment, fast.

Why: a first-sight query reads hundreds of posting lists (each word in four fields and three
variants, in every segment). Through Whoosh's API each one costs two lookups in the term hash
file, each a loop of `seek`/`read` calls, and then a Python step per posting to undo the delta
encoding of docnums (`delta_decode`, a generator): on news-50k that was ~70% of a long
question's time. Here the segment's term and postings files are memory-mapped, the hash table
is probed with `struct.unpack_from` on the map, and each block's docnums are decoded with
NumPy. The format is Whoosh's own (`whoosh.codec.whoosh3`, `whoosh.filedb.filetables`), read
exactly as `W3TermsReader` / `W3LeafMatcher` read it; a segment this reader cannot map (e.g.
a compound file) gives None and the caller uses Whoosh's matcher.
"""

from __future__ import annotations

import io
import mmap
import os
import pickle
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import numpy as np

_POINTER = struct.Struct("!Iq")  # hash slot: key hash, item position
_LENGTHS = struct.Struct("!ii")  # item: key length, value length
_TERMINFO = struct.Struct("!BfIBBfII")  # flags, weight, df, min/max length, max weight, min/max id
_EXTENT = struct.Struct("!qi")  # postings offset and length, after a term info
_BLOCK_LENGTH = struct.Struct("!i")  # negative for a term's last block
_MAGIC = b"W3Bl"
RECENT_TERMS = 1024  # term infos remembered per segment (see SegmentPostings._term_info)
_ABSENT = object()

Postings = tuple[np.ndarray, np.ndarray]  # (docnums int64, frequencies float32)


class SegmentPostings:
    """One segment's term table and postings file, memory-mapped for the life of the reader."""

    def __init__(self, reader: Any) -> None:
        terms = reader._terms
        tindex = terms._tindex
        self._fieldmap: dict[str, int] = terms._fieldmap
        self._tables: list[tuple[int, int]] = tindex.tables
        self._hashfn = tindex.hashfn
        self._start, self._end = tindex.startofdata, tindex.endofdata  # the items, in key order
        codec, segment, folder = reader._codec, reader._segment, reader._storage.folder
        self._terms = _map(os.path.join(folder, segment.make_filename(codec.TERMS_EXT)))
        self._posts = _map(os.path.join(folder, segment.make_filename(codec.POSTS_EXT)))
        self._recent: dict[tuple[str, str], Any] = {}  # (field, text) -> term info or None

    @classmethod
    def open(cls, reader: Any) -> SegmentPostings | None:
        """None when the segment is not a plain W3 segment on disk (Whoosh reads those)."""
        try:
            if reader._segment.is_compound() or not hasattr(reader._storage, "folder"):
                return None
            return cls(reader)
        except (AttributeError, OSError, ValueError):
            return None

    def read(self, field: str, text: str) -> Postings | None:
        """The term's postings in this segment (docnums local to it), or None if absent."""
        value = self._term_info(field, text)
        return None if value is None else self._decode(value)

    def lists(self) -> Iterator[tuple[str, str, Postings]]:
        """(field, text, postings) of every term of the segment, in the term table's order
        (by field number, then UTF-8 text): how `indexer.flatpostings` copies them all. Terms
        whose text is not UTF-8 (NUMERIC fields' sortable bytes) are left out."""
        fields = {number: name for name, number in self._fieldmap.items()}
        buf, pos, end = self._terms, self._start, self._end
        while pos < end:
            keylen, datalen = _LENGTHS.unpack_from(buf, pos)
            start = pos + _LENGTHS.size
            pos = start + keylen + datalen
            key = buf[start : start + keylen]
            try:
                text = key[2:].decode("utf-8")
            except UnicodeDecodeError:
                continue
            yield fields[int.from_bytes(key[:2], "big")], text, self._decode(buf[start + keylen : pos])

    def _decode(self, value: bytes) -> Postings:
        """The postings a term info points to (or holds, when inlined)."""
        head = _TERMINFO.unpack_from(value)
        if head[0]:  # inlined: (ids, weights, values) pickled after the term info
            ids, weights, _ = pickle.loads(value[_TERMINFO.size :])
            tfs = np.ones(len(ids), dtype=np.float32) if weights is None else np.asarray(weights, dtype=np.float32)
            return np.asarray(ids, dtype=np.int64), tfs
        offset = _EXTENT.unpack_from(value, _TERMINFO.size)[0]
        return _read_blocks(self._posts, offset)

    def doc_frequency(self, field: str, text: str) -> int:
        """How many of this segment's documents hold the term (deleted ones included, as
        Whoosh counts), from its term info alone."""
        value = self._term_info(field, text)
        return 0 if value is None else _TERMINFO.unpack_from(value)[2]

    def _term_info(self, field: str, text: str) -> bytes | None:
        """The term's info, remembered for the last ~RECENT_TERMS terms asked (a query asks
        for a word's document frequency while it is understood, then reads its list: a
        third of the lookups were repeats; ~150 kB a segment)."""
        key = (field, text)
        found = self._recent.get(key, _ABSENT)
        if found is not _ABSENT:
            return found
        fieldnum = self._fieldmap.get(field)
        value = None if fieldnum is None else self._lookup(struct.pack("!H", fieldnum) + text.encode("utf-8"))
        if len(self._recent) >= RECENT_TERMS:
            self._recent.clear()  # (dict operations are atomic: threads may share this)
        self._recent[key] = value
        return value

    def _lookup(self, key: bytes) -> bytes | None:
        """`HashReader.ranges_for_key` on the mapped file: open addressing, 256 tables."""
        keyhash = self._hashfn(key)
        tablestart, numslots = self._tables[keyhash & 255]
        if not numslots:
            return None
        buf = self._terms
        end = tablestart + numslots * _POINTER.size
        slot = tablestart + ((keyhash >> 8) % numslots) * _POINTER.size
        for _ in range(numslots):
            slothash, itempos = _POINTER.unpack_from(buf, slot)
            if not itempos:
                return None
            if slothash == keyhash:
                keylen, datalen = _LENGTHS.unpack_from(buf, itempos)
                start = itempos + _LENGTHS.size
                if keylen == len(key) and buf[start : start + keylen] == key:
                    return buf[start + keylen : start + keylen + datalen]
            slot += _POINTER.size
            if slot == end:
                slot = tablestart
        return None


def _map(path: str) -> mmap.mmap | bytes:
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size == 0:  # every posting list inlined in the term table
            return b""
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


# How our writer (indexer.segments) pickles a block's docnum deltas and weights: protocol 3, no
# memo, each an `array` ("I": uint32, machine format 6 = little-endian; "f": float32, format
# 14) whose bytes follow as BINBYTES ("B", 4-byte length) or, under 256 bytes, SHORT_BINBYTES
# ("C", 1-byte length), first in the block's tuple, before the positions.
_IDS_HEAD = b"\x80\x03carray\n_array_reconstructor\n(carray\narray\nX\x01\x00\x00\x00IK\x06"
_WEIGHTS_HEAD = b"carray\n_array_reconstructor\n(carray\narray\nX\x01\x00\x00\x00fK\x0e"
_BYTES_LENGTH = struct.Struct("<I")
_FLOAT = struct.Struct(">d")


def _array_at(raw: bytes, at: int, head: bytes, count: int) -> int | None:
    """Where the `count` items of the array pickled at `at` (after `head`) start, or None."""
    if not raw.startswith(head, at):
        return None
    at += len(head)
    opcode = raw[at : at + 1]
    if opcode == b"B" and len(raw) >= at + 5 and _BYTES_LENGTH.unpack_from(raw, at + 1)[0] == 4 * count:
        at += 5
    elif opcode == b"C" and len(raw) >= at + 2 and raw[at + 1] == 4 * count:
        at += 2
    else:
        return None
    return at if raw[at + 4 * count : at + 4 * count + 2] == b"tR" else None  # TUPLE, REDUCE


def _block_head(data: bytes, compressed: bool, count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A block's docnum deltas (int64) and frequencies (float32) from the start of its data
    alone: only as many bytes are inflated as those two need, and the positions after them
    are neither inflated nor unpickled (they were most of a block's bytes and of the time to
    read it). None when the block is not laid out as our writer lays it (Whoosh's own writer
    pickles tuples): the caller unpickles it whole."""
    need = len(_IDS_HEAD) + 5 + 4 * count + 2 + len(_WEIGHTS_HEAD) + 5 + 4 * count + 2
    raw = zlib.decompressobj().decompress(data, need) if compressed else data[:need]
    at = _array_at(raw, 0, _IDS_HEAD, count)
    if at is None:
        return None
    ids = np.frombuffer(raw, dtype="<u4", count=count, offset=at).astype(np.int64)
    at += 4 * count + 2
    tag = raw[at : at + 1]
    if tag == b"N":
        return ids, np.ones(count, dtype=np.float32)
    if tag == b"G" and len(raw) >= at + 9:
        return ids, np.full(count, _FLOAT.unpack_from(raw, at + 1)[0], dtype=np.float32)
    at = _array_at(raw, at, _WEIGHTS_HEAD, count)
    if at is None:
        return None
    return ids, np.frombuffer(raw, dtype="<f4", count=count, offset=at).astype(np.float32)


def _read_blocks(buf: mmap.mmap | bytes, offset: int) -> Postings:
    """Every block of one posting list. Within a block docnums are delta-encoded from 0, so
    the first is absolute; rebased on the previous block's last docnum (its info's `maxid`),
    one cumulative sum over the whole list decodes them all. Blocks our writer made are read
    by `_block_head`; Whoosh's own writer's blocks (tuples) are unpickled."""
    if buf[offset : offset + 4] != _MAGIC:
        raise ValueError(f"no posting list at {offset}")
    id_parts: list[np.ndarray] = []
    tf_parts: list[np.ndarray] = []
    pos = offset + 4
    previous_max = 0
    while True:
        (length,) = _BLOCK_LENGTH.unpack_from(buf, pos)
        end = pos + 4 + abs(length)
        stream = io.BytesIO(buf[pos + 4 : end])
        count, maxid, _, compression, _, _ = pickle.load(stream)
        data = stream.read()
        head = _block_head(data, bool(compression), count)
        if head is not None:
            deltas, tfs = head
        else:
            ids, weights, _ = pickle.loads(zlib.decompress(data) if compression else data)
            deltas = np.array(ids, dtype=np.int64)
            if weights is None:
                tfs = np.ones(count, dtype=np.float32)
            elif isinstance(weights, float):
                tfs = np.full(count, weights, dtype=np.float32)
            else:
                tfs = np.array(weights, dtype=np.float32)
        deltas[0] -= previous_max
        id_parts.append(deltas)
        tf_parts.append(tfs)
        previous_max = maxid
        if length < 0:
            break
        pos = end
    docnums = np.cumsum(np.concatenate(id_parts)) if len(id_parts) > 1 else np.cumsum(id_parts[0])
    return docnums, np.concatenate(tf_parts) if len(tf_parts) > 1 else tf_parts[0]
