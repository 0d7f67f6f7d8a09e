"""The forward index: every article's words as the proximity re-rank reads them, written once
at build time instead of on every query.

Why: the re-rank (`indexer.ranking.proximity_rerank`) wants where the query's words stand in
each of the best RERANK_DEPTH articles. Reading that from the stored article meant, for each of
them on every query, unpickling it, joining and folding its text (`fold_quick`) and splitting it
on \\w — about a third of a query's CPU on news-50k (bench/journal/performance.md, stop 19). The build has
the same text in hand, so it writes each article's words as integer ids; a query then finds its
words' positions with one array lookup per article.

The words are exactly `text_words(searchable_text(article))`, so the positions, and so
every score, are those of the old path. Files are per Whoosh segment, beside the segment's own
(``MAIN_<segid>.fwd2.*``: Whoosh's `clean_files` removes them with their segment, and
`updates.update_index` hard-links them into the next generation with the rest)::

    MAIN_<segid>.fwd2.words        marisa trie: folded word -> id, this segment's vocabulary
    MAIN_<segid>.fwd2.*            each document's word ids (uint16 when the vocabulary has at
                                   most 65,536 words, else int32), a record per document in
                                   docnum order (`indexer.packed`: compressed with a dictionary
                                   trained on the segment's, 40% of the raw ids on news-50k)

A segment without them (an index built before they existed) is read the old way, from its
stored articles; `write_missing` gives segments an update adds or merges their files.
"""

from __future__ import annotations

import itertools
import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from indexer import packed
from indexer.analysis import fold_quick
from indexer.mapped import open_trie, save_trie, trie_id

FORMAT = "fwd2"  # in the file names: a new layout gets a new name, so old files are never misread

WORD = re.compile(r"\w+")
Hits = list[tuple[int, str]]  # (position, query word) in text order, as ranking._query_word_hits


def text_words(text: str) -> list[str]:
    """The words proximity reads in an article's searchable text: folded (`fold_quick`) and
    split on \\w (cheap, and close enough to the analyzer's syllables to tell near from far)."""
    return WORD.findall(fold_quick(text))


def searchable_text(article: Mapping[str, Any]) -> str:
    """Title, lead, paragraphs and captions of a stored article, joined by newlines: the text
    the proximity re-rank reads (from the forward index, or folded from this when absent)."""
    captions = [c["text"] for c in article.get("captions") or []]
    return "\n".join([article["title"], article.get("lead") or "", *article.get("paragraphs", []), *captions])


def _paths(folder: Path, segment_id: str) -> tuple[Path, Path]:
    """(the vocabulary trie, the stem of the per-document records)."""
    stem = folder / f"{segment_id}.{FORMAT}"
    return stem.with_name(stem.name + ".words"), stem


def _id_type(vocabulary: int) -> type[np.integer[Any]]:
    return np.uint16 if vocabulary <= 2**16 else np.int32  # half the size when the ids fit


class _Vocabulary(dict):  # type: ignore[type-arg]
    """word -> id in order of first sight; `__getitem__` adds a new word (C speed for the rest)."""

    def __missing__(self, word: str) -> int:
        i = self[word] = len(self)
        return i


class ForwardWriter:
    """Collects the words of the documents a segment builder adds, in the same order, and
    writes them for the segments it made (`write`)."""

    def __init__(self) -> None:
        self._vocabulary = _Vocabulary()
        self._ids = array("i")
        self._ends = array("q")

    def __len__(self) -> int:
        return len(self._ends)

    def add(self, article: Mapping[str, Any]) -> None:
        """The next document: its stored article (`Article.to_dict()`)."""
        self.add_words(text_words(searchable_text(article)))

    def add_words(self, words: Sequence[str]) -> None:
        self._ids.extend(map(self._vocabulary.__getitem__, words))
        self._ends.append(len(self._ids))

    def write(self, folder: Path, segments: Sequence[Any]) -> None:
        """Write the documents added, in order, for `segments` (Whoosh segments whose
        doc_count_all() add up to the documents added). The files are this writer's whole
        vocabulary for each: a builder makes one segment."""
        counts = [segment.doc_count_all() for segment in segments]
        if sum(counts) != len(self._ends):
            raise ValueError(f"{len(self._ends)} documents added, the segments hold {sum(counts)}")
        words = list(self._vocabulary)
        trie_path = None
        first = 0
        ends = np.frombuffer(self._ends, dtype=np.int64) if len(self._ends) else np.zeros(0, dtype=np.int64)
        ids = np.frombuffer(self._ids, dtype=np.int32) if len(self._ids) else np.zeros(0, dtype=np.int32)
        remap: np.ndarray | None = None
        for segment, count in zip(segments, counts, strict=True):
            words_path, records_stem = _paths(folder, segment.segment_id())
            if trie_path is None:
                trie = save_trie(words_path, words)
                remap = np.fromiter((trie[w] for w in words), dtype=_id_type(len(words)), count=len(words))
                trie_path = words_path
            else:
                words_path.write_bytes(trie_path.read_bytes())
            assert remap is not None
            bounds = [int(ends[first - 1]) if first else 0, *ends[first : first + count].tolist()]
            records = [remap[ids[start:end]].tobytes() for start, end in itertools.pairwise(bounds)]
            packed.write(records_stem, records)  # its offsets last: a segment's files are complete then
            first += count


def write_missing(folder: Path, ix: Any) -> int:
    """Write the forward files of every segment of `ix` (in `folder`) that lacks them, from its
    stored articles: the segments `updates.update_index` added or merged (or all of an index built
    before forward files existed). Deleted documents get no words. Returns the documents read."""
    read = 0
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            segment = leaf.segment()
            if packed.paths(_paths(folder, segment.segment_id())[1])[2].exists():
                continue
            writer = ForwardWriter()
            for docnum in range(leaf.doc_count_all()):
                if leaf.is_deleted(docnum):
                    writer.add_words(())
                else:
                    writer.add(leaf.stored_fields(docnum)["article"])
                    read += 1
            writer.write(folder, [segment])
    return read


class _SegmentWords:
    """One segment's forward files, mapped read-only."""

    def __init__(self, folder: Path, segment_id: str, count: int) -> None:
        words_path, records_stem = _paths(folder, segment_id)
        self.records = packed.PackedRecords(records_stem)
        if len(self.records) != count:
            raise ValueError(f"{records_stem.name}: {len(self.records)} documents, the segment has {count}")
        self.words = open_trie(words_path)
        self.id_type = _id_type(len(self.words))

    def ids(self, docnum: int) -> np.ndarray:
        """The word ids of the segment's document `docnum`, in text order."""
        return np.frombuffer(self.records.get(docnum), dtype=self.id_type)

    def lookup(self, weights: Iterable[str]) -> tuple[np.ndarray, list[str]] | None:
        """(code of each word id: 1 + its index in the list, or 0; the list of query words this
        segment holds), or None when it holds none of them."""
        found = [(i, word) for word in weights if (i := trie_id(self.words, word)) is not None]
        if not found:
            return None
        codes = np.zeros(len(self.words), dtype=np.uint8 if len(found) < 256 else np.uint32)
        codes[[i for i, _ in found]] = np.arange(1, len(found) + 1)
        return codes, [word for _, word in found]


class ForwardIndex:
    """A generation's forward files, by docnum across its segments (`segments`: the index's
    segments in TOC order, as a MultiReader numbers their documents)."""

    def __init__(self, folder: Path, segments: Sequence[Any]) -> None:
        self.bases: list[int] = []
        self.parts: list[_SegmentWords | None] = []
        base = 0
        for segment in segments:
            count = segment.doc_count_all()
            self.bases.append(base)
            try:
                self.parts.append(_SegmentWords(folder, segment.segment_id(), count))
            except (OSError, ValueError):  # absent (built before them) or not this segment's
                self.parts.append(None)
            base += count

    @classmethod
    def open(cls, folder: Path, ix: Any) -> ForwardIndex | None:
        """The forward index of the Whoosh index `ix` in `folder`, or None when no segment has one."""
        forward = cls(folder, ix._segments())
        return forward if any(part is not None for part in forward.parts) else None

    def query(self, weights: Iterable[str]) -> QueryWords:
        """What one query's re-rank asks of every article: where its words stand."""
        return QueryWords(self, list(weights))


class QueryWords:
    """One query's words, looked up in each segment's vocabulary the first time it is read."""

    def __init__(self, forward: ForwardIndex, words: list[str]) -> None:
        self.forward = forward
        self.words = words
        self._lookups: dict[int, tuple[np.ndarray, list[str]] | None] = {}

    def hits(self, docnum: int) -> Hits | None:
        """(position, word) of the query's words in the document's words, as
        `ranking._query_word_hits(text_words(...))` gives them; None when the
        document's segment has no forward files (read its stored text instead)."""
        k = bisect_right(self.forward.bases, docnum) - 1
        part = self.forward.parts[k]
        if part is None:
            return None
        if k not in self._lookups:
            self._lookups[k] = part.lookup(self.words)
        lookup = self._lookups[k]
        if lookup is None:
            return []
        codes, words = lookup
        local = docnum - self.forward.bases[k]
        found = codes[part.ids(local)]
        positions = np.flatnonzero(found)
        return list(zip(positions.tolist(), [words[c - 1] for c in found[positions].tolist()], strict=True))
