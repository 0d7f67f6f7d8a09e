"""Every posting list of a segment as flat arrays beside it, mapped and sliced, never decoded.

Why: a first-sight query reads hundreds of posting lists (each word in four fields and three
variants, in every segment). From Whoosh's files (`indexer.postings`) each costs a probe of
the term hash table, and then for each block a pickle load, a zlib inflate and a delta decode:
on news-50k about a fifth of a query's CPU, and the reason for a 48 MB cache of decoded lists
in every server process (`matching.CACHE_BYTES`). Here the build copies each segment's lists
once, decoded, into NumPy arrays: a read is a trie lookup and two slices of mapped files, whose
pages every worker shares through the page cache instead of holding private copies.

Files are per Whoosh segment, beside its own (``MAIN_<segid>.pfl1.*``: Whoosh's `clean_files`
removes them with their segment, and `update_index` hard-links them into the next generation
with the rest)::

    MAIN_<segid>.pfl1.terms       marisa trie: "<field>\\x1f<text>" -> id, every term of the
                                  covered fields
    MAIN_<segid>.pfl1.bounds.npy  int32 (int64 past 2**31 postings): term id i's postings
                                  are [bounds[2i], bounds[2i+1])
    MAIN_<segid>.pfl1.docs.npy    uint16 (a segment of at most 65,536 documents) or uint32:
                                  docnums local to the segment, increasing within a term
    MAIN_<segid>.pfl1.freqs.npy   uint8 or uint16 where that holds every frequency, else float32
    MAIN_<segid>.pfl1.json        the covered fields and the document count (written last: a
                                  segment's files are complete when it exists)

The lists are Whoosh's own, deleted documents included (deletions are masked by the executor,
as for the lists read from Whoosh's files). A segment without these files (an index built
before them) is read from Whoosh's files; the build writes the files of every segment that lacks
them (`missing`), those an update adds or merges too.
"""

from __future__ import annotations

import json
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from indexer.mapped import load_array, open_trie, save_array, save_trie, trie_id, values
from indexer.postings import Postings, SegmentPostings

FORMAT = "pfl1"  # in the file names: a new layout gets a new name, so old files are never misread
SEPARATOR = "\x1f"  # between field and text in a trie key (no field name holds it)


def _paths(folder: Path, segment_id: str) -> dict[str, Path]:
    stem = f"{segment_id}.{FORMAT}"
    return {name: folder / f"{stem}.{name}" for name in ("terms", "bounds.npy", "docs.npy", "freqs.npy", "json")}


def _segment_files(reader: Any) -> dict[str, Path] | None:
    """The flat files' paths for a Whoosh segment reader, or None if it is not in a folder."""
    folder = getattr(reader._storage, "folder", None)
    return None if folder is None else _paths(Path(folder), reader.segment().segment_id())


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
    for field, text, (ids, tfs) in source.lists():
        if field in covered:
            keys.append(field + SEPARATOR + text)
            sizes.append(len(ids))
            docs += ids.astype(doc_type).tobytes()
            freqs += tfs.astype(np.float32).tobytes()
    starts = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(sizes, dtype=np.int64), out=starts[1:])
    trie = save_trie(paths["terms"], keys)
    order = np.fromiter((trie[key] for key in keys), dtype=np.int64, count=len(keys))
    del keys
    bounds = np.zeros(2 * len(order), dtype=np.int32 if starts[-1] < 1 << 31 else np.int64)
    bounds[2 * order] = starts[:-1]
    bounds[2 * order + 1] = starts[1:]
    save_array(paths["bounds.npy"], bounds)
    save_array(paths["docs.npy"], np.frombuffer(docs, dtype=doc_type))
    save_array(paths["freqs.npy"], _smallest_exact(np.frombuffer(freqs, dtype=np.float32)))
    facts = {"fields": sorted(covered), "documents": count, "postings": int(starts[-1])}
    paths["json"].write_text(json.dumps(facts), encoding="utf-8")  # last: the files are complete
    return int(starts[-1])


def _smallest_exact(freqs: np.ndarray) -> np.ndarray:
    """Frequencies as uint8 or uint16 when that type holds every one exactly (they are counts:
    news-50k's largest is 228), else as they are (float32)."""
    for dtype in (np.uint8, np.uint16):
        small = freqs.astype(dtype)
        if np.array_equal(small, freqs):
            return small
    return freqs


def missing(reader: Any) -> list[Any]:
    """The segment readers of an index `reader` whose segments lack flat files: all of a new
    build's, those an update added or merged (or all of an index built before they existed)."""
    return [leaf for leaf, _ in reader.leaf_readers() if lacks(leaf)]


def lacks(leaf: Any) -> bool:
    """Whether the segment `leaf` reads (a segment reader) is on disk and lacks flat files."""
    paths = _segment_files(leaf)
    return paths is not None and not paths["json"].exists()


def flat_bytes(folder: Path) -> int | None:
    """Bytes of a generation's flat posting files (`vnsearch stats`), or None when it has none."""
    files = [p for p in folder.glob(f"*.{FORMAT}.*") if p.is_file()]
    return sum(p.stat().st_size for p in files) if files else None


class FlatPostings:
    """One segment's flat posting files, mapped read-only."""

    def __init__(self, paths: dict[str, Path], count: int) -> None:
        facts = json.loads(paths["json"].read_text(encoding="utf-8"))
        if facts["documents"] != count:
            raise ValueError(f"{paths['json'].name}: {facts['documents']} documents, the segment has {count}")
        self.fields: frozenset[str] = frozenset(facts["fields"])
        self._terms = open_trie(paths["terms"])
        self._bounds = values(paths["bounds.npy"])
        self._docs = load_array(paths["docs.npy"])
        self._freqs = load_array(paths["freqs.npy"])

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
        """(docnums local to the segment, frequencies) as read-only views of the maps, in the
        files' compact types; None when the segment does not hold the term. Only for a field
        in `fields`."""
        span = self._span(field, text)
        return None if span is None else (self._docs[span[0] : span[1]], self._freqs[span[0] : span[1]])

    def doc_frequency(self, field: str, text: str) -> int:
        """The length of the term's list: Whoosh's document frequency (deleted documents counted)."""
        span = self._span(field, text)
        return 0 if span is None else span[1] - span[0]

    def _span(self, field: str, text: str) -> tuple[int, int] | None:
        """Where the term's postings stand in the docs and freqs arrays, or None if absent."""
        i = trie_id(self._terms, field + SEPARATOR + text)
        return None if i is None else (self._bounds[2 * i], self._bounds[2 * i + 1])
