"""Every posting list of a segment as flat arrays beside it, mapped and sliced, never decoded.

Why: a first-sight query reads hundreds of posting lists (each word in four fields and three
variants, in every segment). From Whoosh's files (`indexer.postings`) each costs a probe of
the term hash table, and then for each block a pickle load, a zlib inflate and a delta decode:
on news-50k about a fifth of a query's CPU, and the reason for a 48 MB cache of decoded lists
in every server process (`matching.CACHE_BYTES`). Here the build copies each segment's lists
once, decoded, into NumPy arrays: a read is a trie lookup and two slices of mapped files, whose
pages every worker shares through the page cache instead of holding private copies.

Files are per Whoosh segment, beside its own (``MAIN_<segid>.pfl2.*``: Whoosh's `clean_files`
removes them with their segment, and `updates.update_index` hard-links them into the next generation
with the rest)::

    MAIN_<segid>.pfl2.terms       marisa trie: "<field>\\x1f<text>" -> id, every term of the
                                  covered fields
    MAIN_<segid>.pfl2.starts.npy  int32 (int64 past 2**31 postings): term id i's postings are
                                  [starts[i], starts[i + 1]), in term id order
    MAIN_<segid>.pfl2.freqs.npy   every posting's frequency: uint8 or uint16 where that holds
                                  every one, else float32
    MAIN_<segid>.pfl2.docs.npy    uint16 (a segment of at most 65,536 documents) or uint32:
                                  docnums local to the segment, increasing within a term, of
                                  every term but the dense ones
    MAIN_<segid>.pfl2.dense.npy   int64 (m, 2): the dense terms (lists of more than 1/8 of the
                                  segment's documents), by id: [id, postings of dense terms
                                  before it]; a sparse term's docnums start that many before
                                  its postings
    MAIN_<segid>.pfl2.bits.npy    uint8 (m, ceil(documents / 8)): each dense term's docnums as
                                  a bitmap, at most half the bytes of the list (news-50k: 1,091
                                  terms a segment, 17 MiB less to map in all)
    MAIN_<segid>.pfl2.json        the covered fields and the document count (written last: a
                                  segment's files are complete when it exists)

The lists are Whoosh's own, deleted documents included (deletions are masked by the executor,
as for the lists read from Whoosh's files). A segment without these files (an index built
before them, or before this layout) is read from Whoosh's files; the build writes the files of
every segment that lacks them (`lacks`), those an update adds or merges too.
"""

from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from pathlib import Path
from typing import Any

import numpy as np

from indexer.mapped import load_array, open_trie, save_array, save_trie, segment_stem, trie_id, values
from indexer.postings import Postings, SegmentPostings

FORMAT = "pfl2"  # in the file names: a new layout gets a new name, so old files are never misread
DENSE = 8  # a list of more than 1/DENSE of the segment's documents is held as a bitmap
SEPARATOR = "\x1f"  # between field and text in a trie key (no field name holds it)


def _paths(stem: Path) -> dict[str, Path]:
    names = ("terms", "starts.npy", "freqs.npy", "docs.npy", "dense.npy", "bits.npy", "json")
    return {name: stem.with_name(f"{stem.name}.{name}") for name in names}


def _segment_files(reader: Any) -> dict[str, Path] | None:
    """The flat files' paths for a Whoosh segment reader, or None if it is not in a folder."""
    stem = segment_stem(reader, FORMAT)
    return None if stem is None else _paths(stem)


def write(reader: Any) -> int:
    """Write the flat files of the segment `reader` reads (a Whoosh SegmentReader of a plain
    segment on disk), from its own files: every term of its scorable (text) fields. Returns
    the postings written."""
    paths = _segment_files(reader)
    source = SegmentPostings.open(reader)
    if paths is None or source is None:
        raise ValueError(f"segment {reader.segment().segment_id()} is not a plain segment on disk")
    covered = {name for name in reader.indexed_field_names() if reader.schema[name].scorable}
    count = reader.doc_count_all()
    doc_type = np.uint16 if count <= 1 << 16 else np.uint32
    keys: list[str] = []
    sizes = array("q")
    docs = bytearray()  # (grown a list at a time: 891k arrays held apart took ~1 GB on news-50k)
    freqs = bytearray()
    bitmaps: dict[int, bytes] = {}  # source position of a dense term -> its bitmap
    for field, text, (ids, tfs) in source.lists():
        if field in covered:
            if len(ids) * DENSE > count:
                present = np.zeros(count, dtype=bool)
                present[ids] = True
                bitmaps[len(keys)] = np.packbits(present).tobytes()
            else:
                docs += ids.astype(doc_type).tobytes()
            keys.append(field + SEPARATOR + text)
            sizes.append(len(ids))
            freqs += tfs.astype(np.float32).tobytes()
    trie = save_trie(paths["terms"], keys)
    source_of = np.argsort(np.fromiter((trie[key] for key in keys), dtype=np.int64, count=len(keys)))
    del keys
    size = np.frombuffer(sizes, dtype=np.int64)
    doc_size = size.copy()
    doc_size[list(bitmaps)] = 0
    starts, freqs_in_order = _in_order(_smallest_exact(np.frombuffer(freqs, dtype=np.float32)), size, source_of)
    save_array(paths["starts.npy"], starts.astype(np.int32 if starts[-1] < 1 << 31 else np.int64))
    save_array(paths["freqs.npy"], freqs_in_order)
    del freqs, freqs_in_order
    save_array(paths["docs.npy"], _in_order(np.frombuffer(docs, dtype=doc_type), doc_size, source_of)[1])
    dense = [(term, int(source)) for term, source in enumerate(source_of.tolist()) if source in bitmaps]
    before = np.cumsum([0] + [int(size[source]) for _, source in dense], dtype=np.int64)[: len(dense)]
    save_array(paths["dense.npy"], np.array([[term for term, _ in dense], before], dtype=np.int64).T.reshape(-1, 2))
    bits = np.frombuffer(b"".join(bitmaps[source] for _, source in dense), dtype=np.uint8)
    save_array(paths["bits.npy"], bits.reshape(len(dense), (count + 7) // 8))
    facts = {"fields": sorted(covered), "documents": count, "postings": int(starts[-1])}
    paths["json"].write_text(json.dumps(facts), encoding="utf-8")  # last: the files are complete
    return int(starts[-1])


def _in_order(values: np.ndarray, sizes: np.ndarray, source_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, values) of lists laid one after another in source order (`sizes` each),
    rearranged into term id order (`source_of[id]`: the list's place in the source)."""
    source_starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=source_starts[1:])
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes[source_of], out=starts[1:])
    parts = [values[source_starts[i] : source_starts[i + 1]] for i in source_of.tolist()]
    return starts, (np.concatenate(parts) if parts else values[:0])


def _smallest_exact(freqs: np.ndarray) -> np.ndarray:
    """Frequencies as uint8 or uint16 when that type holds every one exactly (they are counts:
    news-50k's largest is 228), else as they are (float32)."""
    for dtype in (np.uint8, np.uint16):
        small = freqs.astype(dtype)
        if np.array_equal(small, freqs):
            return small
    return freqs


def lacks(leaf: Any) -> bool:
    """Whether the segment `leaf` reads (a segment reader) is on disk and lacks flat files:
    all of a new build's, those an update added or merged (or all of an index built before
    they existed)."""
    paths = _segment_files(leaf)
    return paths is not None and not paths["json"].exists()


class FlatPostings:
    """One segment's flat posting files, mapped read-only."""

    def __init__(self, paths: dict[str, Path], count: int) -> None:
        facts = json.loads(paths["json"].read_text(encoding="utf-8"))
        if facts["documents"] != count:
            raise ValueError(f"{paths['json'].name}: {facts['documents']} documents, the segment has {count}")
        self.fields: frozenset[str] = frozenset(facts["fields"])
        self._count = count
        self._terms = open_trie(paths["terms"])
        self._starts = values(paths["starts.npy"])
        self._freqs = load_array(paths["freqs.npy"])
        self._docs = load_array(paths["docs.npy"])
        dense = load_array(paths["dense.npy"]).reshape(-1, 2)
        self._dense_terms: list[int] = dense[:, 0].tolist()
        # postings of the dense terms before each (and, last, of them all): a sparse term's
        # docnums start that many before its postings
        self._dense_before: list[int] = dense[:, 1].tolist()
        if self._dense_terms:
            last = self._dense_terms[-1]
            self._dense_before.append(self._dense_before[-1] + self._starts[last + 1] - self._starts[last])
        else:
            self._dense_before.append(0)
        self._bits = load_array(paths["bits.npy"])
        if len(self._terms) + 1 != len(self._starts) or len(self._bits) != len(self._dense_terms):
            raise ValueError(f"{paths['json'].name}: files of different terms")

    @classmethod
    def open(cls, reader: Any) -> FlatPostings | None:
        """The flat files of the segment `reader` reads, or None when it has none (or not
        complete, or not this segment's): the caller reads Whoosh's files."""
        paths = _segment_files(reader)
        if paths is None:
            return None
        try:
            return cls(paths, reader.doc_count_all())
        except (OSError, ValueError, KeyError):
            return None

    def read(self, field: str, text: str) -> Postings | None:
        """(docnums local to the segment, frequencies), None when the segment does not hold the
        term. Only for a field in `fields`. Read-only views of the maps, in the files' compact
        types, but for a dense term's docnums: decoded from its bitmap (~25 µs)."""
        i = trie_id(self._terms, field + SEPARATOR + text)
        if i is None:
            return None
        start, end = self._starts[i], self._starts[i + 1]
        k = bisect_left(self._dense_terms, i)
        if k < len(self._dense_terms) and self._dense_terms[k] == i:
            docs = np.unpackbits(self._bits[k], count=self._count).view(bool).nonzero()[0]
        else:
            shift = self._dense_before[k]
            docs = self._docs[start - shift : end - shift]
        return docs, self._freqs[start:end]

    def doc_frequency(self, field: str, text: str) -> int:
        """The length of the term's list: Whoosh's document frequency (deleted documents counted)."""
        i = trie_id(self._terms, field + SEPARATOR + text)
        return 0 if i is None else self._starts[i + 1] - self._starts[i]
