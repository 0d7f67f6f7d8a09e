"""Whoosh segments written in bulk: the same files Whoosh's W3 codec writes, built with NumPy.

Why: Whoosh's own writer spends one Python step per posting three times over (the analyzer's
token objects, a pickled tuple per posting in its external-sort pool, the per-posting block
writer), and our schema has three variants of four text fields. Here a text field analyzed by
`FieldAnalyzer` costs one tokenization per text (shared by its three variants) and a C-level
append of term ids; at flush, postings are grouped with one stable NumPy sort per field, and
positions, term infos and the term table are encoded as arrays. Python only loops per term
(inline postings) and per block of 128 postings, never per posting.

What is written is Whoosh's format: per-document data (stored fields, length bytes, sortable
columns) goes through Whoosh's own `W3PerDocWriter`; fields this module has no fast path for
(ID, NUMERIC, any other analyzer) are indexed by the field's own ``index()``; postings are
W3 posting blocks and inline posting lists, and the term table is Whoosh's ordered hash file
(with its CRC32 hash variant). Two liberties, both within what Whoosh's reader reads: pickles
use protocol 3 without memo entries (Whoosh writes protocol 2, which spells every bytes value
as a call to _codecs.encode), and an inline posting list whose weights are all 1.0 stores None
(which ListMatcher reads as 1.0 each). Whoosh opens, searches, updates and merges these segments
like its own (tests/test_segments.py).

Memory is bounded by `limit_mb`: when the accumulated postings and vocabularies reach it, they
are sorted and written apart as a run (NumPy arrays on disk), and at the end the runs are merged
term by term into one segment, a window of keys from each run at a time: a larger corpus means
more runs, not more memory, and still one segment per builder (every segment repeats the terms
it shares with the others, a third of news-50k's term tables with ten segments).
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import shutil
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path
from pickle import dumps
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3Segment, W3TermInfo, _lenfield
from whoosh.fields import NUMERIC, Schema
from whoosh.filedb.filestore import Storage
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Frequency, Positions
from whoosh.util.numeric import _length_byte_cache, to_sortable

from indexer.analysis import FieldAnalyzer
from indexer.columns import Columns, columns

_TERMINFO = np.dtype(
    [("flags", "u1"), ("weight", ">f4"), ("df", ">u4"), ("minlen", "u1"), ("maxlen", "u1"),
     ("maxweight", ">f4"), ("minid", ">u4"), ("maxid", ">u4")]
)  # W3TermInfo._struct, "!BfIBBfII"
assert _TERMINFO.itemsize == W3TermInfo._struct.size
_EXTENT = struct.Struct("!qi")  # offset and length of a term's postings in the .pst file
_BLOCK_LENGTH = struct.Struct("!i")
_KEY_FIELD = struct.Struct("!H")
_RECORD = np.dtype([("keylen", ">i4"), ("vallen", ">i4")])  # filetables._lengths
_SLOT = np.dtype([("hash", ">u4"), ("pos", ">i8")])  # filetables._pointer
_DIRECTORY = np.dtype([("pos", ">i8"), ("slots", ">i4")])  # filetables._dir_entry
_HASH_HEADER = b"HSH3" + bytes([1]) + bytes(8)  # magic, hash type 1 (CRC32), 8 unused bytes
_LENGTH_CACHE = np.asarray(_length_byte_cache, dtype=np.int64)
_POSTINGS_MAGIC = b"W3Bl"
_LIST_START = b"]("  # a pickled list: EMPTY_LIST, MARK, items, APPENDS, STOP
_LIST_END = b"e."
# Whoosh pickles postings with protocol 2, which writes every bytes value as a call to
# _codecs.encode (~30 bytes each); its reader unpickles any protocol, and protocol 3 stores
# bytes as themselves: a third of the size for a short posting list.
PICKLE_PROTOCOL = 3  # block infos; posting data goes through _Pickler


class _Pickler:
    """Protocol-3 pickles without memo entries (`pickle.Pickler.fast`): the posting tuples
    hold no shared objects, and each memo entry costs 2 bytes per posting value and 8 bytes
    per inline posting list."""

    def __init__(self) -> None:
        self.buf = io.BytesIO()
        self.pickler = pickle.Pickler(self.buf, PICKLE_PROTOCOL)
        self.pickler.fast = True

    def __call__(self, obj: Any) -> bytes:
        buf = self.buf
        buf.seek(0)
        buf.truncate()
        self.pickler.dump(obj)
        return buf.getvalue()
SLOTS_PER_KEY = 1.5  # hash table size per term (Whoosh: 2); the reader takes any size
CHUNK_POSTINGS = 1 << 16  # postings turned into Python objects at a time when writing
# Estimated memory, calibrated on news-50k: a vocabulary entry (str, dict slot, its key bytes at
# flush) and a token (term id and position held, plus the sort arrays of its field at flush).
TERM_BYTES = 200
TOKEN_BYTES = 24
GENERIC_POSTING_BYTES = 200  # a Python tuple per posting for fields without a fast path
PAIR_BYTES = 64  # a pair at flush: its key, sort arrays and, for a share of them, a new term


def length_bytes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's `length_to_byte` over an array: the lossy byte a field length is stored as."""
    return np.minimum(np.searchsorted(_LENGTH_CACHE, lengths, side="left"), 255).astype(np.uint8)


class _Vocabulary(dict):  # type: ignore[type-arg]
    """Term -> id, assigning the next id to a new term: `map(vocab.__getitem__, terms)` runs
    in C for every term already seen."""

    def __missing__(self, term: str) -> int:
        tid = self[term] = len(self)
        return tid


class _FastField:
    """Postings of a TEXT field analyzed by a `FieldAnalyzer`: one entry per token, in
    document order (so a stable sort by term keeps docnums and positions ordered)."""

    def __init__(self, name: str, fieldobj: Any) -> None:
        self.name = name
        self.analyzer: FieldAnalyzer = fieldobj.analyzer
        self.positional = isinstance(fieldobj.format, Positions)
        self.boost = float(fieldobj.format.field_boost)
        self.vocab = _Vocabulary()
        self.tids = array("i")
        self.positions = array("i")

    def add(self, tokens: Columns) -> int:
        """Index the next document's tokens; returns the field length (terms indexed), which
        is also what tells the documents' terms apart at flush (see `_fast_postings`)."""
        terms, positions = self.analyzer.column_terms(tokens)
        self.tids.fromlist(list(map(self.vocab.__getitem__, terms)))
        if self.positional:
            self.positions.fromlist(positions)
        return len(terms)

    def memory(self) -> int:
        return len(self.tids) * TOKEN_BYTES + len(self.vocab) * TERM_BYTES

    def postings(self) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        """(terms by id, term id of each token, its position or None), tokens in document
        order, for `_fast_postings`."""
        positions = np.frombuffer(self.positions, dtype=np.int32) if self.positional else None
        return list(self.vocab), np.frombuffer(self.tids, dtype=np.int32), positions


class _PairField(_FastField):
    """A ``bigram`` field (folded adjacent pairs, no positions): holds the syllables' ids and
    joined flags, and makes the pairs and their term strings only at flush, once per distinct
    pair (NumPy over the whole segment), instead of a string and a dict lookup per pair."""

    def __init__(self, name: str, fieldobj: Any) -> None:
        super().__init__(name, fieldobj)
        assert not self.positional and fieldobj.analyzer.variant == "bigram"
        self.joined = bytearray()  # 1 where the syllable pairs with the previous one
        self.pairs = 0

    def add(self, tokens: Columns) -> int:
        _, folded, joined, _ = tokens.syllables()
        if not folded:
            return 0
        self.tids.fromlist(list(map(self.vocab.__getitem__, folded)))
        start = len(self.joined)
        self.joined += bytes(joined)
        self.joined[start] = 0  # no pair across documents (tokenize never joins a first syllable)
        length = self.joined.count(1, start)
        self.pairs += length
        return length

    def memory(self) -> int:
        return len(self.tids) * (TOKEN_BYTES // 4) + len(self.vocab) * TERM_BYTES + self.pairs * PAIR_BYTES

    def postings(self) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        ids = np.frombuffer(self.tids, dtype=np.int32).astype(np.int64)
        joined = np.frombuffer(self.joined, dtype=np.uint8)[1:].astype(bool)
        keys = (ids[:-1][joined] << 32) | ids[1:][joined]
        del ids, joined
        distinct, tids = np.unique(keys, return_inverse=True)
        del keys
        syllables = list(self.vocab)
        terms = [
            f"{syllables[a]} {syllables[b]}"
            for a, b in zip((distinct >> 32).tolist(), (distinct & 0xFFFFFFFF).tolist(), strict=True)
        ]
        return terms, tids.astype(np.int32), None


class _GenericField:
    """Any other indexed field (ID, NUMERIC, ...): the field's own `index()`, as Whoosh does."""

    def __init__(self, name: str, fieldobj: Any) -> None:
        self.name = name
        self.fieldobj = fieldobj
        self.postings: list[tuple[bytes, int, float, bytes]] = []
        self.numeric_terms: dict[int, list[bytes]] = {}

    def add(self, docnum: int, value: Any) -> int:
        field = self.fieldobj
        if type(field) is NUMERIC and field.shift_step and type(value) is int and not field.scorable:
            # NUMERIC.index: to_bytes(value, shift) for each shift (16 for 64 bits), each
            # converting the number to its sortable form; here once per distinct value
            terms = self.numeric_terms.get(value)
            if terms is None:
                if len(self.numeric_terms) > 4096:
                    self.numeric_terms.clear()
                sortable = to_sortable(field.numtype, field.bits, field.signed, field.prepare_number(value))
                shifts = range(0, field.bits, field.shift_step)
                terms = self.numeric_terms[value] = [field.sortable_to_bytes(sortable, shift) for shift in shifts]
            self.postings += [(term, docnum, 1.0, b"") for term in terms]
            return 0
        length = 0
        scorable = self.fieldobj.scorable
        for btext, freq, weight, vbytes in self.fieldobj.index(value):
            if scorable:
                length += freq
            self.postings.append((btext, docnum, weight, vbytes))
        return length

    def memory(self) -> int:
        return len(self.postings) * GENERIC_POSTING_BYTES


class SegmentBuilder:
    """Adds documents like ``SegmentWriter.add_document`` and writes them as W3 segments.

    Documents are numbered from 0 in each segment. `finish()` returns the segments, to be
    listed in the index's TOC (see `write_toc`) in the order their documents should have."""

    def __init__(self, storage: Storage, schema: Schema, codec: W3Codec, indexname: str, limit_mb: float) -> None:
        for name, fieldobj in schema.items():
            if fieldobj.vector or fieldobj.separate_spelling():
                raise ValueError(f"field {name!r}: term vectors and spelling fields are not supported")
        self.storage = storage
        self.schema = schema
        self.codec = codec
        self.indexname = indexname
        self.limit = int(limit_mb * 1024 * 1024)
        self.segments: list[W3Segment] = []
        self._start()

    def _start(self) -> None:
        """A new segment."""
        self.segment = self.codec.new_segment(self.storage, self.indexname)
        self.perdoc = self.codec.per_document_writer(self.storage, self.segment)
        self.docnum = 0
        self.lengths: dict[str, array[int]] = {name: array("i") for name, f in self.schema.items() if f.indexed}
        self.runs: list[Path] = []
        self._start_run()

    def _start_run(self) -> None:
        """New postings held in memory, for the documents from `self.docnum` on."""
        self.run_base = self.docnum
        self.fast: dict[str, _FastField] = {}
        self.generic: dict[str, _GenericField] = {}
        for name in self.lengths:
            fieldobj = self.schema[name]
            if isinstance(fieldobj.analyzer, FieldAnalyzer) and type(fieldobj.format) in (Positions, Frequency):
                pairs = fieldobj.analyzer.variant == "bigram" and type(fieldobj.format) is Frequency
                self.fast[name] = (_PairField if pairs else _FastField)(name, fieldobj)
            else:
                self.generic[name] = _GenericField(name, fieldobj)

    def add_document(self, fields: dict[str, Any], tokens: dict[int, Columns] | None = None) -> None:
        """The same fields `SegmentWriter.add_document` takes (no boosts or ``_stored_``).
        `tokens` (id of a text -> its tokens) receives every text's tokens, shared by the
        fields given the same str object, for a caller that wants them too."""
        docnum = self.docnum
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        tokens = {} if tokens is None else tokens
        for name in sorted(fields):
            value = fields[name]
            if value is None:
                continue
            fieldobj = self.schema[name]
            length = 0
            if fieldobj.indexed:
                fast = self.fast.get(name)
                if fast is not None and isinstance(value, str):
                    toks = tokens.get(id(value))
                    if toks is None:
                        toks = tokens[id(value)] = columns(value)
                    length = fast.add(toks)
                else:
                    length = self.generic[name].add(docnum, value)
                self.lengths[name].append(length)
            if fieldobj.stored:  # lengths go to their columns in bulk at flush (_write_lengths)
                perdoc.add_field(name, fieldobj, value, 0)
            column = fieldobj.column_type
            if column:
                perdoc.add_column_value(name, column, fieldobj.to_column_value(value))
        perdoc.finish_doc()
        self.docnum += 1
        for lengths in self.lengths.values():  # fields absent from this document: length 0
            if len(lengths) < self.docnum:
                lengths.append(0)
        if self.docnum % 8 == 0 and self.memory() >= self.limit:  # an estimate: every 8 articles
            self._spill()

    def memory(self) -> int:
        """Estimated bytes held for the segment in progress (stored fields go to disk)."""
        return sum(f.memory() for f in self.fast.values()) + sum(f.memory() for f in self.generic.values())

    def _field_postings(self, name: str, fieldid: int) -> _Postings | None:
        """The postings held in memory for field `name`, sorted."""
        lengths = np.frombuffer(self.lengths[name], dtype=np.int32)[self.run_base : self.docnum]
        if name in self.fast:
            return _fast_postings(self.fast[name], fieldid, lengths, self.run_base)
        return _generic_postings(self.generic[name], fieldid, lengths, self.run_base)

    def _spill(self) -> None:
        """Memory is full: write the postings held to a run on disk (sorted, as arrays) and go
        on with the same segment. `flush` merges the runs: one segment, whatever the limit."""
        if self.docnum == self.run_base:
            return
        folder = Path(self.storage.folder) / f"{self.indexname}.runs" / f"{os.getpid()}-{id(self)}-{len(self.runs)}"
        for fieldid, name in enumerate(sorted(self.lengths)):
            postings = self._field_postings(name, fieldid)
            if postings is not None:
                _save_run(folder / name, postings)
        self.runs.append(folder)
        self._start_run()

    def flush(self) -> None:
        """Write the segment in progress (if it has documents) and start a new one."""
        if not self.docnum:
            return
        if self.runs:
            self._spill()
        self._write_lengths()
        self.perdoc.close()
        self.segment.set_doc_count(self.docnum)
        postfile = self.segment.create_file(self.storage, W3Codec.POSTS_EXT)
        table = _TermTable()
        for fieldid, name in enumerate(sorted(self.lengths)):
            table.fieldmap[name] = fieldid
            chunks: Iterable[_Chunk] = ()
            runs: list[_Run] = []
            if self.runs:
                runs = [_Run(run / name) for run in self.runs if (run / name).is_dir()]
                if runs:
                    chunks = _merged_chunks(runs)
            else:
                postings = self._field_postings(name, fieldid)
                if postings is not None:
                    chunks = postings.chunks()
            for chunk in chunks:
                chunk.write(postfile, table, self.codec)
            for run in runs:
                run.close()
        postfile.close()
        table.write(self.segment.create_file(self.storage, W3Codec.TERMS_EXT))
        for run in self.runs:
            shutil.rmtree(run, ignore_errors=True)
        with contextlib.suppress(OSError):  # the runs' folder, when no other builder uses it
            (Path(self.storage.folder) / f"{self.indexname}.runs").rmdir()
        self.segments.append(self.segment)
        self._start()

    def _write_lengths(self) -> None:
        """What ``W3PerDocWriter.add_field`` does with each document's field length, for all
        documents at once: its length byte in the field's length column (a byte per document
        up to the last with a length, 0 for none) and the field's total length."""
        perdoc = self.perdoc
        for name, held in self.lengths.items():
            lengths = np.frombuffer(held, dtype=np.int32)
            nonzero = np.flatnonzero(lengths)
            if not len(nonzero):
                continue
            column = _lenfield(name)
            if not perdoc._has_column(column):
                perdoc._create_column(column, LENGTHS_COLUMN)
            writer = perdoc._get_column(column)
            assert writer._count == 0 and writer._fixedlen == 1
            end = int(nonzero[-1]) + 1
            writer._dbfile.write(length_bytes(lengths[:end]).tobytes())
            writer._count = end
            perdoc._fieldlengths[name] += int(lengths.sum())

    def finish(self) -> list[W3Segment]:
        self.flush()
        self.perdoc.close()  # the unused writer of the empty segment: closes its temp file
        return self.segments


def write_toc(storage: Storage, schema: Schema, indexname: str, segments: Iterable[W3Segment]) -> None:
    """Commit `segments` as the index's next generation, as ``SegmentWriter.commit`` does."""
    from whoosh.index import TOC, clean_files

    generation = TOC._latest_generation(storage, indexname) + 1
    segments = list(segments)
    TOC(schema, segments, generation).write(storage, indexname)
    clean_files(storage, indexname, generation, segments)


# --- postings ------------------------------------------------------------------------------


@dataclass
class _Postings:
    """A field's postings, by term (increasing key) then docnum, as arrays: term t's postings
    are ``starts[t]:starts[t + 1]``, posting i's value is ``values[offsets[i]:offsets[i + 1]]``.
    What a segment writes, or what a run holds until the runs are merged into one segment."""

    keys: Sequence[bytes]
    starts: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    plens: np.ndarray
    values: Any  # bytes-like
    offsets: np.ndarray
    fixed: bool  # values of a fixed size, joined within a block

    def chunks(self) -> Iterator[_Chunk]:
        """The postings in pieces of about CHUNK_POSTINGS, so that Python objects exist for
        one piece at a time."""
        tstart = self.starts[:-1]
        nposts = int(self.starts[-1])
        cuts = np.unique(np.searchsorted(tstart, np.arange(0, nposts, CHUNK_POSTINGS), side="right") - 1)
        cuts = np.append(cuts, len(tstart)).tolist()
        for ta, tb in pairwise(cuts):
            p0, p1 = int(self.starts[ta]), int(self.starts[tb])
            offs = self.offsets[p0 : p1 + 1]
            base = int(offs[0])
            yield _Chunk(
                list(self.keys[ta:tb]),
                self.starts[ta : tb + 1] - p0,
                self.docs[p0:p1],
                self.weights[p0:p1],
                self.plens[p0:p1],
                bytes(self.values[base : int(offs[-1])]),
                offs - base,
                self.fixed,
            )


@dataclass
class _Chunk:
    keys: list[bytes]
    starts: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    plens: np.ndarray
    values: bytes  # posting i's value: values[offsets[i]:offsets[i + 1]]
    offsets: np.ndarray
    fixed: bool

    def write(self, postfile: StructFile, table: _TermTable, codec: W3Codec) -> None:
        _write_terms(
            self.keys, self.starts[:-1], self.starts[1:], self.docs.astype(np.int64), self.weights.astype(np.float64),
            self.plens, self.values, self.offsets, self.fixed, postfile, table, codec,
        )


def _fast_postings(field: _FastField, fieldid: int, lengths: np.ndarray, docbase: int) -> _Postings | None:
    """Group the field's tokens into postings (term, then docnum)."""
    terms, tids, positions = field.postings()
    ntok = len(tids)
    if not ntok:
        return None
    btexts = [term.encode("utf-8") for term in terms]
    del terms
    order = sorted(range(len(btexts)), key=btexts.__getitem__)
    prefix = _KEY_FIELD.pack(fieldid)
    keys = [prefix + btexts[i] for i in order]
    del btexts
    rank = np.empty(len(order), dtype=np.int32)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
    ranks = rank[tids]
    del tids
    perm = np.argsort(ranks, kind="stable")  # stable: docnums and positions stay in order
    ranks = ranks[perm]
    docs = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)[perm]
    positions = positions[perm] if positions is not None else None
    del perm
    starts = np.empty(ntok, dtype=bool)
    starts[0] = True
    np.not_equal(ranks[1:], ranks[:-1], out=starts[1:])
    starts[1:] |= docs[1:] != docs[:-1]
    pstart = np.flatnonzero(starts)
    del starts
    tf = np.diff(np.append(pstart, ntok))
    pdocs = docs[pstart]
    pterms = ranks[pstart]
    del ranks, docs
    plens = length_bytes(lengths)[pdocs]
    nposts = len(pstart)
    tstart = np.flatnonzero(np.r_[True, pterms[1:] != pterms[:-1]])
    if positions is not None:  # Positions.encode, a piece at a time (its temporaries are large)
        pieces: list[bytes] = []
        offsets = [np.zeros(1, dtype=np.int64)]
        done = 0
        for p0 in range(0, nposts, CHUNK_POSTINGS):
            p1 = min(p0 + CHUNK_POSTINGS, nposts)
            t0 = int(pstart[p0])
            t1 = int(pstart[p1]) if p1 < nposts else ntok
            data, ends = _encode_positions(positions[t0:t1], pstart[p0:p1] - t0, tf[p0:p1])
            pieces.append(data)
            offsets.append(ends + done)
            done += len(data)
        values: bytes = b"".join(pieces)
        voffsets = np.concatenate(offsets)
    else:  # Frequency: pack_uint(freq), a fixed 4 bytes
        values = tf.astype(">u4").tobytes()
        voffsets = np.arange(0, 4 * nposts + 1, 4, dtype=np.int64)
    return _Postings(
        keys, np.append(tstart, nposts), pdocs + docbase, (tf * field.boost).astype(np.float32), plens, values,
        voffsets, positions is None,
    )


def _generic_postings(field: _GenericField, fieldid: int, lengths: np.ndarray, docbase: int) -> _Postings | None:
    """The postings of ID and NUMERIC fields, as their own ``index()`` gave them."""
    if not field.postings:
        return None
    postings = sorted(field.postings, key=lambda p: (p[0], p[1]))
    btexts = [p[0] for p in postings]
    tstart = [i for i in range(len(btexts)) if i == 0 or btexts[i] != btexts[i - 1]]
    pdocs = np.fromiter((p[1] for p in postings), dtype=np.int64, count=len(postings))
    values = [p[3] for p in postings]
    size = field.fieldobj.format.fixed_value_size()
    return _Postings(
        [_KEY_FIELD.pack(fieldid) + btexts[i] for i in tstart],
        np.append(np.asarray(tstart, dtype=np.int64), len(postings)),
        pdocs.astype(np.int32),
        np.fromiter((p[2] for p in postings), dtype=np.float32, count=len(postings)),
        length_bytes(lengths)[pdocs - docbase],
        b"".join(values),
        np.append(0, np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)))),
        size is not None and size >= 0,
    )


# --- runs: postings written apart when memory is full, merged into one segment at the end ----


class _NpyFile:
    """One array saved by `np.save`, read a slice at a time into memory (no memory map: its
    pages would count as the process's memory as the merge reads through the file)."""

    def __init__(self, path: Path) -> None:
        self.file = open(path, "rb")  # noqa: SIM115 (closed by _Run.close)
        version = np.lib.format.read_magic(self.file)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, self.dtype = read_header(self.file)
        self.length = shape[0]
        self.start = self.file.tell()

    def read(self, a: int, b: int) -> np.ndarray:
        self.file.seek(self.start + a * self.dtype.itemsize)
        return np.fromfile(self.file, dtype=self.dtype, count=b - a)


class _Run:
    """One field's postings in one run on disk: term starts and key offsets in memory (16
    bytes a term), everything else read a window at a time."""

    def __init__(self, folder: Path) -> None:
        self.files = {name: _NpyFile(folder / f"{name}.npy") for name in _RUN_ARRAYS}
        self.keyoffsets = self.read("keyoffsets", 0, self.files["keyoffsets"].length)
        self.starts = self.read("starts", 0, self.files["starts"].length)
        self.nkeys = len(self.starts) - 1
        self.fixed = (folder / "fixed").read_text() == "1"

    def read(self, name: str, a: int, b: int) -> np.ndarray:
        return self.files[name].read(a, b)

    def keys(self, a: int, b: int) -> list[bytes]:
        offs = self.keyoffsets[a : b + 1].tolist()
        blob = self.read("keyblob", offs[0], offs[-1]).tobytes()
        base = offs[0]
        return [blob[x - base : y - base] for x, y in pairwise(offs)]

    def key(self, i: int) -> bytes:
        return self.read("keyblob", int(self.keyoffsets[i]), int(self.keyoffsets[i + 1])).tobytes()

    def close(self) -> None:
        for f in self.files.values():
            f.file.close()


_RUN_ARRAYS = ("keyblob", "keyoffsets", "starts", "docs", "weights", "plens", "values", "offsets")


def _save_run(folder: Path, postings: _Postings) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    keys = list(postings.keys)
    arrays = {
        "keyblob": np.frombuffer(b"".join(keys), dtype=np.uint8),
        "keyoffsets": np.append(0, np.cumsum(np.fromiter(map(len, keys), dtype=np.int64, count=len(keys)))),
        "starts": postings.starts.astype(np.int64),
        "docs": postings.docs.astype(np.int32),
        "weights": postings.weights.astype(np.float32),
        "plens": postings.plens.astype(np.uint8),
        "values": np.frombuffer(postings.values, dtype=np.uint8),
        "offsets": postings.offsets.astype(np.int64),
    }
    for name, arr in arrays.items():
        np.save(folder / f"{name}.npy", arr)
    (folder / "fixed").write_text("1" if postings.fixed else "0")


MERGE_WINDOW = 1 << 14  # at most this many keys from each run at a time when merging...
MERGE_POSTINGS = 1 << 18  # ...and about this many postings from all runs together


def _merged_chunks(runs: list[_Run]) -> Iterator[_Chunk]:
    """The postings of `runs` (of one field, documents of earlier runs first) as one list:
    chunks of consecutive keys taken from every run, each key's postings in run order."""
    nexts = [0] * len(runs)
    fixed = runs[0].fixed
    budget = max(1024, MERGE_POSTINGS // len(runs))
    while True:
        cut = None  # the smallest last key of the runs' next windows: all keys up to it go now
        for run, at in zip(runs, nexts, strict=True):
            if at < run.nkeys:
                end = int(np.searchsorted(run.starts, run.starts[at] + budget, side="right")) - 1
                end = max(at + 1, min(end, at + MERGE_WINDOW, run.nkeys))
                last = run.key(end - 1)
                cut = last if cut is None or last < cut else cut
        if cut is None:
            return
        parts = []
        for r, run in enumerate(runs):
            at = nexts[r]
            lo, hi = at, min(at + MERGE_WINDOW, run.nkeys)
            while lo < hi:  # bisect: the first key after `cut`
                mid = (lo + hi) // 2
                if run.key(mid) <= cut:
                    lo = mid + 1
                else:
                    hi = mid
            if lo > at:
                parts.append((run, at, lo, run.keys(at, lo)))
            nexts[r] = lo
        keys = sorted({k for part in parts for k in part[3]})
        rank = {k: i for i, k in enumerate(keys)}
        term_of, docs, weights, plens, blobs, lengths, starts_v = [], [], [], [], [], [], []
        done = 0
        for run, at, end, run_keys in parts:
            p0, p1 = int(run.starts[at]), int(run.starts[end])
            ranks = np.fromiter(map(rank.__getitem__, run_keys), dtype=np.int64, count=len(run_keys))
            term_of.append(np.repeat(ranks, np.diff(run.starts[at : end + 1])))
            docs.append(run.read("docs", p0, p1))
            weights.append(run.read("weights", p0, p1))
            plens.append(run.read("plens", p0, p1))
            offs = run.read("offsets", p0, p1 + 1)
            blobs.append(run.read("values", int(offs[0]), int(offs[-1])))
            lengths.append(np.diff(offs))
            starts_v.append(offs[:-1] - offs[0] + done)
            done += int(offs[-1] - offs[0])
        terms = np.concatenate(term_of)
        order = np.argsort(terms, kind="stable")  # by key, then run: docnums ascending
        starts = np.searchsorted(terms[order], np.arange(len(keys) + 1))
        vlen = np.concatenate(lengths)[order]
        offsets = np.zeros(len(vlen) + 1, dtype=np.int64)
        np.cumsum(vlen, out=offsets[1:])
        source = np.concatenate(starts_v)[order]  # each value's start in the joined blobs
        gather = np.repeat(source - offsets[:-1], vlen) + np.arange(int(offsets[-1]))
        yield _Chunk(
            keys, starts, np.concatenate(docs)[order], np.concatenate(weights)[order], np.concatenate(plens)[order],
            np.concatenate(blobs)[gather].tobytes(), offsets, fixed,
        )


def _put_binints(buf: np.ndarray, at: np.ndarray, values: np.ndarray, width: np.ndarray) -> None:
    """Pickle's BININT1 / BININT2 / BININT of each value at its offset in `buf`: opcode and 1, 2
    or 4 little-endian bytes (`width` 2, 3 or 5, chosen by the caller from the value)."""
    buf[at] = np.where(width == 2, ord("K"), np.where(width == 3, ord("M"), ord("J")))
    le = values.astype("<i4").view(np.uint8).reshape(len(values), 4)
    buf[at + 1] = le[:, 0]
    wide = width > 2
    buf[at[wide] + 2] = le[wide, 1]
    full = width == 5
    buf[at[full] + 3] = le[full, 2]
    buf[at[full] + 4] = le[full, 3]


def _array(typecode: str, values: np.ndarray) -> array:
    """A block's docnum deltas ("I") or weights ("f") as a stdlib array: pickled as one bytes
    value (protocol 3), so a reader copies a block instead of building an int per posting
    (indexer.postings), while Whoosh's reader indexes and iterates it as it does a tuple."""
    out = array(typecode)
    out.frombytes(values.tobytes())
    return out


def _write_terms(
    keys: list[bytes],
    tstart: np.ndarray,
    tend: np.ndarray,
    pdocs: np.ndarray,
    weights: np.ndarray,
    plens: np.ndarray,
    values: bytes,
    offsets: np.ndarray,
    fixed: bool,
    postfile: StructFile,
    table: _TermTable,
    codec: W3Codec,
) -> None:
    """Term infos and posting blocks of consecutive terms (term t's postings are
    `tstart[t]:tend[t]`, docnums ascending), as W3FieldWriter / W3PostingsWriter write them."""
    df = tend - tstart
    info = np.zeros(len(tstart), dtype=_TERMINFO)
    info["weight"] = np.add.reduceat(weights, tstart)
    info["df"] = df
    info["minlen"] = np.minimum.reduceat(plens, tstart)
    info["maxlen"] = np.maximum.reduceat(plens, tstart)
    info["maxweight"] = np.maximum.reduceat(weights, tstart)
    info["minid"] = pdocs[tstart]
    info["maxid"] = pdocs[tend - 1]
    inline = df < codec._inlinelimit
    info["flags"] = inline
    infobytes = info.tobytes()
    size = _TERMINFO.itemsize
    entries: list[Any] = [None] * len(tstart)  # each term's value in the term table
    inline_terms = np.flatnonzero(inline)
    if len(inline_terms):
        encoded = _inline_entries(info, inline_terms, tstart, tend, pdocs, weights, values, offsets)
        for t, entry in zip(inline_terms.tolist(), encoded, strict=True):
            entries[t] = entry
    blocked = np.flatnonzero(~inline)
    offset = postfile.tell()
    chunks: list[bytes] = []
    if len(blocked):
        # blocks of `blocklimit` postings, and what each block's info holds, for all at once
        blocklimit = codec._blocklimit
        comp = codec._compression
        first, last = tstart[blocked], tend[blocked]
        nblocks = (last - first + blocklimit - 1) // blocklimit
        within = np.arange(int(nblocks.sum())) - np.repeat(np.cumsum(nblocks) - nblocks, nblocks)
        bstart = np.repeat(first, nblocks) + within * blocklimit
        bend = np.minimum(bstart + blocklimit, np.repeat(last, nblocks))
        bounds = np.column_stack([bstart, bend]).ravel()
        wext = np.append(weights, 0.0)
        lext = np.append(plens, 0)
        maxw = np.maximum.reduceat(wext, bounds)[::2].tolist()
        minw = np.minimum.reduceat(wext, bounds)[::2].tolist()
        minlen = np.minimum.reduceat(lext, bounds)[::2].tolist()
        maxlen = np.maximum.reduceat(lext, bounds)[::2].tolist()
        lastid = pdocs[bend - 1].tolist()
        # Whoosh delta-encodes docnums within a block, starting from 0 at each block.
        deltas = np.diff(pdocs, prepend=0)
        deltas[bstart] = pdocs[bstart]
        d32 = deltas.astype(np.uint32)
        w32 = weights.astype(np.float32)
        wts = weights.tolist()
        vo = offsets.tolist()
        fast_dumps = _Pickler()
        blocks = iter(zip(bstart.tolist(), bend.tolist(), maxw, minw, minlen, maxlen, lastid, strict=True))
        for t, b in zip(blocked.tolist(), last.tolist(), strict=True):
            start = offset
            chunks.append(_POSTINGS_MAGIC)
            offset += 4
            e = -1
            while e != b:
                s, e, maxwb, minwb, minl, maxl, lid = next(blocks)
                if minwb == maxwb == 1.0:
                    mini_w: Any = None
                elif minwb == maxwb:
                    mini_w = wts[s]
                else:
                    mini_w = _array("f", w32[s:e])
                vals_b = values[vo[s] : vo[e]] if fixed else tuple([values[vo[i] : vo[i + 1]] for i in range(s, e)])
                data = fast_dumps((_array("I", d32[s:e]), mini_w, vals_b))
                if comp:
                    data = zlib.compress(data, comp)
                binfo = dumps((e - s, lid, maxwb, comp, minl, maxl), PICKLE_PROTOCOL)
                length = len(binfo) + len(data)
                chunks.append(_BLOCK_LENGTH.pack(-length if e == b else length))
                chunks.append(binfo)
                chunks.append(data)
                offset += 4 + length
            entries[t] = infobytes[t * size : (t + 1) * size] + _EXTENT.pack(start, offset - start)
            if len(chunks) > 4096:
                postfile.write(b"".join(chunks))
                chunks.clear()
    postfile.write(b"".join(chunks))
    table.keys += keys
    table.values += entries


def _grouped_offsets(sizes: np.ndarray, first: np.ndarray) -> np.ndarray:
    """For items in groups (group g's items start at `first[g]`, in order), each item's
    offset from its group's start when the items are laid end to end."""
    ends = np.cumsum(sizes)
    starts = ends - sizes
    counts = np.diff(np.append(first, len(sizes)))
    return starts - np.repeat(starts[first], counts)


def _tuple_codes(n: np.ndarray) -> np.ndarray:
    return np.where(n == 1, 0x85, np.where(n == 2, 0x86, np.where(n == 3, 0x87, ord("t")))).astype(np.uint8)


def _inline_entries(
    info: np.ndarray,
    terms: np.ndarray,
    tstart: np.ndarray,
    tend: np.ndarray,
    pdocs: np.ndarray,
    weights: np.ndarray,
    values: bytes,
    offsets: np.ndarray,
) -> list[bytes]:
    """The term table values of terms whose postings are stored inline: the term info, then
    ``(ids, weights or None, values)`` pickled as `_Pickler` does (protocol 3, no memo),
    built for all these terms at once. Tested byte for byte against `_Pickler`."""
    first_p = tstart[terms]
    n = tend[terms] - first_p
    m = len(terms)
    total_p = int(n.sum())
    first = np.cumsum(n) - n  # each term's first posting among the selected postings
    term_of = np.repeat(np.arange(m), n)
    pidx = np.repeat(first_p - first, n) + np.arange(total_p)  # the selected postings
    ids = pdocs[pidx].astype(np.int64)
    w = weights[pidx].astype(np.float64)
    vstarts = offsets[pidx]
    vlen = offsets[pidx + 1] - vstarts
    gather = np.repeat(vstarts - (np.cumsum(vlen) - vlen), vlen) + np.arange(int(vlen.sum()))
    vblob = np.frombuffer(values, dtype=np.uint8)[gather]  # the selected postings' values, joined
    big = (n > 3).astype(np.int64)  # a tuple of more than 3 items: MARK ... TUPLE
    id_small = ids < 256
    id_medium = ~id_small & (ids < 65536)
    idsz = np.where(id_small, 2, np.where(id_medium, 3, 5))
    unit = (np.minimum.reduceat(w, first) == 1.0) & (np.maximum.reduceat(w, first) == 1.0)
    v_short = vlen < 256
    vsz = np.where(v_short, 2, 5) + vlen
    size_ids = big + np.add.reduceat(idsz, first) + 1
    size_w = np.where(unit, 1, big + 9 * n + 1)
    size_v = big + np.add.reduceat(vsz, first) + 1
    head = _TERMINFO.itemsize
    total = head + 2 + size_ids + size_w + size_v + 2
    ends = np.cumsum(total)
    rec = ends - total
    buf = np.zeros(int(ends[-1]), dtype=np.uint8)
    infos = info[terms].view(np.uint8).reshape(m, head)
    buf[(rec[:, None] + np.arange(head)).ravel()] = infos.ravel()
    o = rec + head
    buf[o] = 0x80  # PROTO 3
    buf[o + 1] = 3
    o = o + 2
    # ids: BININT1 / BININT2 / BININT
    buf[o[big == 1]] = ord("(")
    o = o + big
    at = o[term_of] + _grouped_offsets(idsz, first)
    _put_binints(buf, at, ids, idsz)
    o = o + np.add.reduceat(idsz, first)
    buf[o] = _tuple_codes(n)
    o = o + 1
    # weights: None when all are 1.0, else a tuple of BINFLOAT
    buf[o[unit]] = ord("N")
    listed = ~unit
    buf[o[listed & (big == 1)]] = ord("(")
    lp = listed[term_of]
    at = (o + big)[term_of][lp] + 9 * (np.arange(total_p) - first[term_of])[lp]
    buf[at] = ord("G")
    be = w[lp].astype(">f8").view(np.uint8).reshape(-1, 8)
    for k in range(8):
        buf[at + 1 + k] = be[:, k]
    buf[(o + big + 9 * n)[listed]] = _tuple_codes(n[listed])
    o = o + size_w
    # values: SHORT_BINBYTES / BINBYTES
    buf[o[big == 1]] = ord("(")
    o = o + big
    at = o[term_of] + _grouped_offsets(vsz, first)
    buf[at] = np.where(v_short, ord("C"), ord("B"))
    lenbytes = vlen.astype("<u4").view(np.uint8).reshape(total_p, 4)
    buf[at + 1] = lenbytes[:, 0]
    long_v = ~v_short
    for k in range(1, 4):
        buf[at[long_v] + 1 + k] = lenbytes[long_v, k]
    data_at = at + np.where(v_short, 2, 5)
    if len(vblob):
        vstart = np.cumsum(vlen) - vlen
        buf[np.repeat(data_at - vstart, vlen) + np.arange(len(vblob))] = vblob
    o = o + np.add.reduceat(vsz, first)
    buf[o] = _tuple_codes(n)
    buf[o + 1] = 0x87  # TUPLE3
    buf[o + 2] = ord(".")  # STOP
    data = buf.tobytes()
    return [data[a:b] for a, b in zip(rec.tolist(), ends.tolist(), strict=True)]


def _encode_positions(positions: np.ndarray, pstart: np.ndarray, tf: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Whoosh's ``Positions.encode`` for every posting at once: a 4-byte count, then the
    position deltas as a pickled list (protocol 2; ints as BININT1 / BININT2 / BININT), all
    in one buffer: (the buffer, where each posting's value ends)."""
    deltas = np.diff(positions.astype(np.int64), prepend=0)
    deltas[pstart] = positions[pstart]
    small = (deltas >= 0) & (deltas < 256)
    medium = (deltas >= 256) & (deltas < 65536)
    width = np.where(small, 2, np.where(medium, 3, 5))
    item_bytes = np.add.reduceat(width, pstart)
    sizes = 4 + len(_LIST_START) + item_bytes + len(_LIST_END)
    ends = np.cumsum(sizes)
    offs = ends - sizes
    buf = np.zeros(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
    count = tf.astype(">u4").view(np.uint8).reshape(-1, 4)
    for k in range(4):
        buf[offs + k] = count[:, k]
    for k, byte in enumerate(_LIST_START):
        buf[offs + 4 + k] = byte
    buf[ends - 2] = _LIST_END[0]
    buf[ends - 1] = _LIST_END[1]
    posting = np.repeat(np.arange(len(pstart)), tf)
    within = np.cumsum(width) - width
    within -= within[pstart][posting]
    item = offs[posting] + 4 + len(_LIST_START) + within
    _put_binints(buf, item, deltas, width)
    return buf.tobytes(), ends


# --- term table ----------------------------------------------------------------------------


class _TermTable:
    """Whoosh's `OrderedHashWriter` file (.trm), built from all keys at once: records, 256
    hash tables, their directory, the extras pickle (field map, position index) and its length.
    Keys must be added in increasing order, as there."""

    def __init__(self) -> None:
        self.keys: list[bytes] = []
        self.values: list[bytes] = []
        self.fieldmap: dict[str, int] = {}

    def add(self, key: bytes, value: bytes) -> None:
        self.keys.append(key)
        self.values.append(value)

    def write(self, dbfile: StructFile) -> None:
        n = len(self.keys)
        records = np.empty(n, dtype=_RECORD)
        records["keylen"] = np.fromiter(map(len, self.keys), dtype=np.int64, count=n)
        records["vallen"] = np.fromiter(map(len, self.values), dtype=np.int64, count=n)
        sizes = _RECORD.itemsize + records["keylen"].astype(np.int64) + records["vallen"]
        positions = len(_HASH_HEADER) + np.cumsum(sizes) - sizes
        lens = records.tobytes()
        step = _RECORD.itemsize
        dbfile.write(_HASH_HEADER)
        for a in range(0, n, 1 << 16):  # record: lengths, key, value; joined in C
            b = min(a + (1 << 16), n)
            heads = [lens[i : i + step] for i in range(a * step, b * step, step)]
            dbfile.write(b"".join(chain.from_iterable(zip(heads, self.keys[a:b], self.values[a:b], strict=True))))
        pos = len(_HASH_HEADER) + int(sizes.sum())
        hashes = np.fromiter(map(zlib.crc32, self.keys), dtype=np.uint32, count=n).astype(np.int64)
        buckets = hashes & 255
        by_bucket = np.argsort(buckets, kind="stable")
        bounds = np.searchsorted(buckets[by_bucket], np.arange(257))
        directory = np.zeros(256, dtype=_DIRECTORY)
        for bucket in range(256):
            members = by_bucket[bounds[bucket] : bounds[bucket + 1]]
            numslots = int(len(members) * SLOTS_PER_KEY)
            slots = _hash_slots(hashes[members] >> 8, numslots)
            tablearr = np.zeros(numslots, dtype=_SLOT)
            tablearr["hash"][slots] = hashes[members]
            tablearr["pos"][slots] = positions[members]
            directory[bucket] = (pos, numslots)
            dbfile.write(tablearr.tobytes())
            pos += tablearr.nbytes
        dbfile.write(directory.tobytes())
        top = int(positions[-1]) if n else 0
        typecode = "H" if top < 2**16 else "i" if top < 2**31 else "I" if top < 2**32 else "q"
        index = positions.astype(np.dtype(typecode).newbyteorder(">")).tobytes()
        extras = dumps({"fieldmap": self.fieldmap, "indextype": typecode, "indexlen": n}, -1)
        dbfile.write(extras)
        dbfile.write(index)
        dbfile.write_int(len(extras) + len(index))
        dbfile.close()


def _hash_slots(homes: np.ndarray, numslots: int) -> np.ndarray:
    """Slots for keys in one open-addressing table of `numslots` (> keys): each key at
    its home slot (``hash >> 8 % numslots``) or the next free one after it, as Whoosh's reader
    probes. Placing keys in order of home slot makes that a running maximum."""
    if not numslots:
        return np.zeros(0, dtype=np.int64)
    home = homes % numslots
    order = np.argsort(home, kind="stable")
    ordered = home[order]
    idx = np.arange(len(ordered))
    placed = idx + np.maximum.accumulate(ordered - idx)
    if placed[-1] >= numslots:  # would wrap around the table's end: place one by one
        taken = np.zeros(numslots, dtype=bool)
        placed = np.empty(len(ordered), dtype=np.int64)
        for i, slot in enumerate(ordered.tolist()):
            while taken[slot]:
                slot = (slot + 1) % numslots
            taken[slot] = True
            placed[i] = slot
    slots = np.empty(len(home), dtype=np.int64)
    slots[order] = placed
    return slots
