"""The forward index: every article's words as the proximity re-rank reads them, written once
at build time instead of on every query.

Why: the re-rank (`indexer.proximity.proximity_rerank`) wants where the query's words stand in
each of the best RERANK_DEPTH articles. Reading that from the stored article meant, for each of
them on every query, unpickling it, joining and folding its text (`fold_quick`) and splitting it
on \\w — about a third of a query's CPU on news-50k (bench/journal/performance.md, stop 19). The build has
the same text in hand, so it writes each article's words as integer ids; a query then finds its
words' positions with one array lookup per article.

The words are exactly `text_words(searchable_text(article))`, so the positions, and so
every score, are those of the old path. Files are per Whoosh segment, beside the segment's own
(``MAIN_<segid>.fwd3.*``: Whoosh's `clean_files` removes them with their segment, and
`updates.update_index` hard-links them into the next generation with the rest)::

    MAIN_<segid>.fwd3.*            each document's printed word ids (uint16 when the vocabulary
                                   has at most 65,536 words, else int32), a record per document
                                   in docnum order (`indexer.packed`: compressed with a dictionary
                                   trained on the segment's)

Each word is kept as printed (lower case, tone placement canonical: "thành", "ủy"), so a quoted
phrase typed with marks is checked against the marks the article prints (`printed_phrase`):
the index's exact forms are per syllable, without positions, and its pairs folded, so neither
can tell `"ban đầu"` from "bán đấu giá". The re-rank reads each printed word's folded one::

    MAIN_<segid>.fwd3.words        marisa trie: folded word -> id
    MAIN_<segid>.fwd3.printed      marisa trie: printed word -> id, this segment's vocabulary
    MAIN_<segid>.fwd3.folds.npy    the folded id of each printed id

A segment without them (an index built before they existed) is read the old way, from its
stored articles, and its phrases with any marks; `write_missing` gives segments an update adds
or merges their files.
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
from indexer.analysis import canonical_syllable, fold_quick
from indexer.mapped import load_array, open_trie, save_array, save_trie, trie_id, trie_keys

# in the file names: a new layout gets a new name, so old files are never misread
# (fwd3: the words as printed, beside their folded forms)
FORMAT = "fwd3"

WORD = re.compile(r"\w+")
Hits = list[tuple[int, str]]  # (position, query word) in text order, as proximity._query_word_hits


def text_words(text: str) -> list[str]:
    """The words proximity reads in an article's searchable text: folded (`fold_quick`) and
    split on \\w (cheap, and close enough to the analyzer's syllables to tell near from far)."""
    return WORD.findall(fold_quick(text))


class _WordForms(dict):  # type: ignore[type-arg]
    """A word as the text has it -> one of its forms (`printed_words`), computed once: a build
    meets the same words millions of times."""

    LIMIT = 1_000_000

    def __init__(self, form: Any) -> None:
        super().__init__()
        self.form = form

    def __missing__(self, word: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[word] = self.form(word)
        return value


_PRINTED = _WordForms(canonical_syllable)  # lower case, tone placement canonical
_FOLDED = _WordForms(fold_quick)


def _keeps_bounds(ch: str) -> bool:
    """`ch` folds to one character that is a word character exactly when `ch` is one."""
    folded = fold_quick(ch)
    return len(folded) == 1 and bool(WORD.match(ch)) == bool(WORD.match(folded))


# A character that may not fold to one character of its kind ("İ" folds to "i" and a combining
# dot, no word character): outside the Latin, Vietnamese and punctuation blocks, or in them and
# so. Text without one splits into the same words folded or not, word for word.
_BLOCKS = [(0x0000, 0x024F), (0x1E00, 0x1EFF), (0x2000, 0x206F)]
_MOVES_BOUNDS = re.compile(
    "[^"
    + "".join(re.escape(chr(c)) for lo, hi in _BLOCKS for c in range(lo, hi + 1) if _keeps_bounds(chr(c)))
    + "]"
)


def printed_words(text: str) -> tuple[list[str], list[str]]:
    """(`text_words(text)`, each of those words as printed: lower case, tone placement
    canonical). A text whose folding moves a word boundary (a letter that folds to two, or to
    none: rare) has its folded words for printed ones, so its phrases hold no marks. Split once,
    as printed, where folding cannot move a boundary (a second split of the text was most of
    what this cost the build)."""
    raw = WORD.findall(text)
    folded = list(map(_FOLDED.__getitem__, raw))
    if _MOVES_BOUNDS.search(text) is not None:
        words = text_words(text)
        if words != folded:
            return words, words
    return folded, list(map(_PRINTED.__getitem__, raw))


def printed_phrase_in(
    words: tuple[list[str], list[str]], readings: Sequence[tuple[str, ...]], spellings: Sequence[tuple[str, ...] | None]
) -> bool:
    """`ForwardIndex.printed_phrase` for one article's words (`printed_words` of its
    `searchable_text`), read from its text: for an index without forward files, so that it
    ranks as one with them."""
    folded, printed = words
    n = len(readings)
    return any(
        all(printed[i + j] in spelled if spelled is not None else folded[i + j] in forms
            for j, (forms, spelled) in enumerate(zip(readings, spellings, strict=True)))
        for i in range(len(folded) - n + 1)
    )


def searchable_blocks(article: Mapping[str, Any]) -> list[str]:
    """Title, lead, each paragraph, each caption of a stored article, in the order of
    `searchable_text`: what reads a part of that text (a snippet's lead and paragraphs) cuts it
    by these, not by a layout of its own."""
    captions = [c["text"] for c in article.get("captions") or []]
    return [article["title"], article.get("lead") or "", *article.get("paragraphs", []), *captions]


def searchable_text(article: Mapping[str, Any]) -> str:
    """Title, lead, paragraphs and captions of a stored article, joined by newlines: the text
    the proximity re-rank reads (from the forward index, or folded from this when absent)."""
    return "\n".join(searchable_blocks(article))


def _paths(folder: Path, segment_id: str) -> tuple[Path, Path, Path, Path]:
    """(the folded words' trie, the printed words' trie, the folded id of each printed id,
    the stem of the per-document records)."""
    stem = folder / f"{segment_id}.{FORMAT}"
    return (
        stem.with_name(stem.name + ".words"),
        stem.with_name(stem.name + ".printed"),
        stem.with_name(stem.name + ".folds.npy"),
        stem,
    )


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
        self._vocabulary = _Vocabulary()  # printed word -> id
        self._folded: dict[str, str] = {}  # printed word -> its folded word
        self._ids = array("i")
        self._ends = array("q")

    def __len__(self) -> int:
        return len(self._ends)

    def add(self, article: Mapping[str, Any]) -> None:
        """The next document: its stored article (`Article.to_dict()`)."""
        self.add_words(*printed_words(searchable_text(article)))

    def add_words(self, folded: Sequence[str], printed: Sequence[str] | None = None) -> None:
        """The next document's words (`printed_words`); without `printed`, as folded."""
        printed = folded if printed is None else printed
        self._ids.extend(map(self._vocabulary.__getitem__, printed))
        self._folded.update(zip(printed, folded, strict=True))
        self._ends.append(len(self._ids))

    def write(self, folder: Path, segments: Sequence[Any]) -> None:
        """Write the documents added, in order, for `segments` (Whoosh segments whose
        doc_count_all() add up to the documents added). The files are this writer's whole
        vocabulary for each: a builder makes one segment."""
        counts = [segment.doc_count_all() for segment in segments]
        if sum(counts) != len(self._ends):
            raise ValueError(f"{len(self._ends)} documents added, the segments hold {sum(counts)}")
        printed = list(self._vocabulary)
        first_paths: tuple[Path, Path, Path, Path] | None = None
        first = 0
        ends = np.frombuffer(self._ends, dtype=np.int64) if len(self._ends) else np.zeros(0, dtype=np.int64)
        ids = np.frombuffer(self._ids, dtype=np.int32) if len(self._ids) else np.zeros(0, dtype=np.int32)
        remap: np.ndarray | None = None
        for segment, count in zip(segments, counts, strict=True):
            paths = _paths(folder, segment.segment_id())
            words_path, printed_path, folds_path, records_stem = paths
            if first_paths is None:
                folded_trie = save_trie(words_path, set(self._folded.values()))
                printed_trie = save_trie(printed_path, printed)
                id_type = _id_type(len(printed))
                remap = np.fromiter((printed_trie[w] for w in printed), dtype=id_type, count=len(printed))
                folds = [folded_trie[self._folded[w]] for w in trie_keys(printed_trie)]
                save_array(folds_path, np.array(folds, dtype=np.int32))
                first_paths = paths
            else:
                for done, path in zip(first_paths[:3], paths[:3], strict=True):
                    path.write_bytes(done.read_bytes())
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
            if packed.paths(_paths(folder, segment.segment_id())[3])[2].exists():
                continue
            writer = ForwardWriter()
            for docnum in range(leaf.doc_count_all()):
                if leaf.is_deleted(docnum):
                    writer.add_words([])
                else:
                    writer.add(leaf.stored_fields(docnum)["article"])
                    read += 1
            writer.write(folder, [segment])
    return read


class _SegmentWords:
    """One segment's forward files, mapped read-only."""

    def __init__(self, folder: Path, segment_id: str, count: int) -> None:
        words_path, printed_path, folds_path, records_stem = _paths(folder, segment_id)
        self.records = packed.PackedRecords(records_stem)
        if len(self.records) != count:
            raise ValueError(f"{records_stem.name}: {len(self.records)} documents, the segment has {count}")
        self.words = open_trie(words_path)
        self.printed = open_trie(printed_path)
        self.folds = load_array(folds_path)
        if len(self.folds) != len(self.printed):
            raise ValueError(f"{folds_path.name}: {len(self.folds)} ids, the vocabulary has {len(self.printed)}")
        self.id_type = _id_type(len(self.printed))

    def ids(self, docnum: int) -> np.ndarray:
        """The printed word ids of the segment's document `docnum`, in text order."""
        return np.frombuffer(self.records.get(docnum), dtype=self.id_type)

    def joined_ids(self, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The printed word ids of the segment's documents `docnums`, one after another, and
        how many each has."""
        joined, lengths = self.records.get_many(docnums)
        size = np.dtype(self.id_type).itemsize
        return np.frombuffer(joined, dtype=self.id_type), lengths // size

    def lookup(self, weights: Iterable[str]) -> tuple[np.ndarray, list[str]] | None:
        """(code of each printed word id: 1 + the index in the list of its folded word, or 0;
        the list of query words this segment holds), or None when it holds none of them."""
        found = [(i, word) for word in weights if (i := trie_id(self.words, word)) is not None]
        if not found:
            return None
        codes = np.zeros(len(self.words), dtype=np.uint8 if len(found) < 256 else np.uint32)
        codes[[i for i, _ in found]] = np.arange(1, len(found) + 1)
        return codes[self.folds], [word for _, word in found]

    def phrase_tables(
        self, readings: Sequence[tuple[str, ...]], spellings: Sequence[tuple[str, ...] | None]
    ) -> list[np.ndarray] | None:
        """For each word of a phrase, which printed word ids it may be: one of its `spellings`,
        or any printing of one of its folded `readings` where it has none. None when some word
        is printed nowhere in the segment as asked."""
        tables = []
        for forms, spelled in zip(readings, spellings, strict=True):
            if spelled is None:
                ids = [i for f in forms if (i := trie_id(self.words, f)) is not None]
                table = np.isin(self.folds, ids) if ids else None
            else:
                ids = [i for s in spelled if (i := trie_id(self.printed, s)) is not None]
                table = np.zeros(len(self.printed), dtype=bool) if ids else None
                if table is not None:
                    table[ids] = True
            if table is None or not table.any():
                return None
            tables.append(table)
        return tables


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

    def printed_phrase(
        self, readings: Sequence[tuple[str, ...]], spellings: Sequence[tuple[str, ...] | None], docs: np.ndarray
    ) -> np.ndarray:
        """For each of `docs` (ascending docnums), whether its words hold the phrase (each word one
        of its folded `readings`) printed as `spellings` ask (`_SegmentWords.phrase_tables`), word
        after word; True for a document whose segment has no forward files (its marks cannot be
        told: any will do)."""
        held = np.ones(len(docs), dtype=bool)
        bounds = np.searchsorted(docs, [*self.bases, self.bases[-1] + 2**62]) if self.bases else []
        for k, part in enumerate(self.parts):
            a, b = int(bounds[k]), int(bounds[k + 1])
            if part is None or a == b:
                continue
            tables = part.phrase_tables(readings, spellings)
            if tables is None:
                held[a:b] = False
                continue
            held[a:b] = _hold_in_order(tables, *part.joined_ids(docs[a:b] - self.bases[k]))
        return held


class QueryWords:
    """One query's words, looked up in each segment's vocabulary the first time it is read."""

    def __init__(self, forward: ForwardIndex, words: list[str]) -> None:
        self.forward = forward
        self.words = words
        self._lookups: dict[int, tuple[np.ndarray, list[str]] | None] = {}

    def hits(self, docnum: int) -> Hits | None:
        """(position, word) of the query's words in the document's words, as
        `proximity._query_word_hits(text_words(...))` gives them; None when the
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


def _hold_in_order(tables: Sequence[np.ndarray], ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """For documents whose word ids are `ids`, one after another (`lengths` each), whether
    some len(tables) of them in a row are words table 0, 1, … allows: each place found for
    the first word, then narrowed word by word; a run counted only where it starts and ends
    in one document."""
    k = len(tables)
    held = np.zeros(len(lengths), dtype=bool)
    if len(ids) < k:
        return held
    starts = np.flatnonzero(tables[0][ids[: len(ids) - k + 1]])
    for j in range(1, k):
        starts = starts[tables[j][ids[starts + j]]]
    ends = np.cumsum(lengths)
    doc_of_start = np.searchsorted(ends, starts, side="right")
    whole = doc_of_start == np.searchsorted(ends, starts + k - 1, side="right")
    held[doc_of_start[whole]] = True
    return held
