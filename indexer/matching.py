"""Vectorized execution of the query trees that `indexer.ranking` builds.

Why: Whoosh's matchers are pure Python, advancing posting by posting through a tree of
unions and intersections. Our queries are wide (each word in four fields, plus bigram and
exact-form boosts), and on news-50k (34,701 articles) they cost 140–900 ms each, most of it in
common words with 10–20k postings. Here every node of the same query tree becomes a dense
per-article array (a match mask and a score), combined with NumPy; posting lists are sliced
from each segment's flat files (`indexer.flatpostings`), or, for a segment built before them,
read from the Whoosh segments by `indexer.postings` (memory-mapped, decoded with NumPy) and
kept in a bounded cache.

Scoring is BM25F (`Executor.bm25f`): a `FieldsTerm` (one term in several fields) adds its
length-normalized, weighted frequencies across fields before saturating once, with one idf.
`AtLeast` is a minimum-should-match; `DisjunctionMax` takes the best of alternatives (a word
and its likely spellings). Whoosh still stores the index, reads the postings, verifies phrase
positions (only on articles that already hold every bigram of the phrase).
"""

from __future__ import annotations

import math
import threading
import weakref
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching import FilterMatcher
from whoosh.util.numeric import byte_to_length

from indexer.flatpostings import FlatPostings
from indexer.forward import ForwardIndex
from indexer.postings import SegmentPostings
from indexer.schema import UNDATED_OLDEST

B = 0.75
K1 = 1.2
CACHE_BYTES = 48_000_000  # posting lists cached per process, read without flat files (see raw_postings)
CACHE_PHRASES = 256  # verified phrases, positions or marks (a byte per article each), ~9 MB on news-50k
# an evaluated node of a query tree: which articles it matches, and their scores
Evaluated = tuple[np.ndarray, np.ndarray]
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


class FieldsTerm(wq.Query):
    """One term looked up in several fields at once and scored with BM25F (`Executor.bm25f`):
    the node `indexer.ranking` builds for every query word, pair and exact form. Only this
    executor evaluates it."""

    def __init__(
        self, fields: Sequence[str], weights: Sequence[float], text: str, boost: float = 1.0,
        derived_title: float = 1.0, b: float = B,
    ) -> None:
        self.fields = tuple(fields)
        self.weights = tuple(weights)
        self.text = text
        self.boost = boost
        self.derived_title = derived_title  # × a title field's weight where the title is derived
        self.b = b  # BM25's length normalization (`ranking.PARAGRAPH_B` for pasted text)

    def __repr__(self) -> str:
        return (f"FieldsTerm({self.fields}, {self.text!r}, boost={self.boost}, derived_title={self.derived_title}"
                f"{'' if self.b == B else f', b={self.b}'})")

    def _key(self) -> tuple[Any, ...]:
        return (self.fields, self.weights, self.text, self.boost, self.derived_title, self.b)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldsTerm) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


class PrintedPhrase(wq.Query):
    """Where a quoted phrase typed with marks stands printed with them: word j one of
    `spellings[j]` (None: any printing of one of its folded `readings[j]`). Scores nothing;
    checked in the forward index (`indexer.forward.ForwardIndex.printed_phrase`) only at the
    articles that hold everything else, as positions are (`ranking.QueryBuilder._phrase_spellings`)."""

    def __init__(self, readings: Sequence[tuple[str, ...]], spellings: Sequence[tuple[str, ...] | None]) -> None:
        self.readings = tuple(readings)
        self.spellings = tuple(spellings)
        self.boost = 0.0

    def __repr__(self) -> str:
        return f"PrintedPhrase({self.readings}, {self.spellings})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrintedPhrase) and (self.readings, self.spellings) == (other.readings, other.spellings)

    def __hash__(self) -> int:
        return hash((self.readings, self.spellings))


class AtLeast(wq.CompoundQuery):
    """Matches where at least `minimum` of the subqueries match, and one of those at the
    positions `one_of` if any are given; scores the sum of those that do."""

    def __init__(
        self, subqueries: Sequence[Any], minimum: int, boost: float = 1.0, one_of: Sequence[int] = ()
    ) -> None:
        super().__init__(list(subqueries), boost=boost)
        self.minimum = minimum
        self.one_of = tuple(one_of)


class Executor:
    """Per index generation and process; thread-safe (readers come from the caller's own
    Whoosh searcher, shared arrays are read-only once built)."""

    def __init__(self, searcher: Any, forward: ForwardIndex | None = None) -> None:
        reader = searcher.reader()
        self.forward = forward  # where `PrintedPhrase` is checked (None: an index without it)
        self.n = reader.doc_count_all()
        self.live = _live_mask(searcher, self.n)
        self.columns = {
            name: _numeric_column(searcher, name) for name in ("oldest", "month", "title_derived")
        }
        self._lock = threading.Lock()
        self._lengths: dict[str, tuple[np.ndarray, float]] = {}
        # (field, b) -> _length_norms, (field, b, weight) -> _title_norms (a dict set is atomic)
        self._norms: dict[tuple[str, float] | tuple[str, float, float], np.ndarray] = {}
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._phrases: OrderedDict[tuple[Any, ...], np.ndarray] = OrderedDict()
        self._segments: dict[str, tuple[SegmentPostings | None, FlatPostings | None]] = {}
        self._leaves: weakref.WeakKeyDictionary[Any, list[_Leaf]] = weakref.WeakKeyDictionary()
        self._held = threading.local()  # .counts: this thread's query's bm25f terms -> articles holding them

    # --- evaluation -----------------------------------------------------------------------

    def evaluate(self, q: Any, searcher: Any, within: np.ndarray | None = None) -> Evaluated:
        """(match mask, scores) of a query tree over every article, or over those of `within`
        only (a date range: positions and marks are then checked in it alone)."""
        self._held.counts = {}
        mask, score = self._eval(q, searcher, within)
        mask &= self.live
        if within is not None:
            mask &= within
        return mask, np.where(mask, score, 0.0).astype(np.float32)

    def scored(self, q: Any, searcher: Any) -> np.ndarray:
        """What one node of a query tree scores at every article, matched or not: a boost's part
        of an article's score, to take back where it should not count
        (`proximity.without_pairs_printed_otherwise`)."""
        return self._eval(q, searcher)[1]

    def _eval(self, q: Any, searcher: Any, within: np.ndarray | None = None) -> Evaluated:
        """(mask, scores) of `q`; `within`: the only articles its caller can still keep (the
        mask may leave out others where that saves checking positions or marks). Each kind of
        node is evaluated by its own method (`_EVALUATORS`, the first whose type `q` is)."""
        for kind, evaluate in self._EVALUATORS:
            if isinstance(q, kind):
                return evaluate(self, q, searcher, within)
        # Anything else (not built by indexer.search today): let Whoosh match it, unscored.
        mask = np.zeros(self.n, dtype=bool)
        mask[np.fromiter(searcher.docs_for_query(q), dtype=np.int64)] = True
        return mask, np.zeros(self.n, dtype=np.float32)

    def _fields_term(self, q: FieldsTerm, searcher: Any, within: np.ndarray | None) -> Evaluated:
        return self.bm25f(q.fields, q.weights, q.text, searcher, q.boost, q.derived_title, q.b)

    def _term(self, q: wq.Term, searcher: Any, within: np.ndarray | None) -> Evaluated:
        return self.bm25f((q.fieldname,), (1.0,), q.text, searcher, q.boost)

    def _at_least(self, q: AtLeast, searcher: Any, within: np.ndarray | None) -> Evaluated:
        """Articles holding `minimum` of the parts (and one of `one_of`), scored by their sum."""
        results = [self._eval(sub, searcher) for sub in q.subqueries]
        count = results[0][0].astype(np.int16)
        for m, _ in results[1:]:
            count += m
        mask = count >= q.minimum
        if q.one_of:
            mask &= _any([results[i][0] for i in q.one_of])
        return mask, _boosted(_sum([s for _, s in results]), q.boost)

    def _best_of(self, q: wq.DisjunctionMax, searcher: Any, within: np.ndarray | None) -> Evaluated:
        """Articles holding any part, scored by their best part alone."""
        results = [self._eval(sub, searcher) for sub in q.subqueries]
        mask = _any([m for m, _ in results])
        best = results[0][1].copy()
        for _, s in results[1:]:
            np.maximum(best, s, out=best)
        return mask, _boosted(best, q.boost)

    def _and_maybe(self, q: wq.AndMaybe, searcher: Any, within: np.ndarray | None) -> Evaluated:
        """What `a` matches, scored by `a` and, where it matches too, `b`."""
        req_mask, req_score = self._eval(q.a, searcher, within)
        _, opt_score = self._eval(q.b, searcher)
        opt_score *= req_mask  # a fresh array (only masks are ever cached)
        return req_mask, req_score + opt_score

    def _and_not(self, q: wq.AndNot, searcher: Any, within: np.ndarray | None) -> Evaluated:
        """What `a` matches less what `b` does. Several exclusions (an Or) are taken out one at
        a time, those that check no positions first, each read only where the others left
        articles: `và … -và` or a date range that holds none checked every comma-parted
        exclusion of a 500-character query at every loosening of it (19 s, bug hunt 87)."""
        mask, score = self._eval(q.a, searcher, within)
        kept = mask.copy()  # (a mask may be the cache's own)
        excluded = q.b.subqueries if isinstance(q.b, wq.Or) else [q.b]
        for sub in sorted(excluded, key=_checks_positions):  # (stable: in the order typed)
            if not kept.any():
                break
            out, _ = self._eval(sub, searcher, kept)  # (its marks read only where it matters)
            kept &= ~out
        return kept, score

    def _and(self, q: wq.And, searcher: Any, within: np.ndarray | None) -> Evaluated:
        """Articles holding every part. Positions are checked last, only where every other part
        already matched: a phrase's bigram terms leave few candidates, its single words many.
        The marks printed, after them. A part that checks them further down (a quoted phrase
        among a query's other words) is read after the others, within what they left: each of
        35 quoted common phrases was checked at every article holding its pairs (5 s)."""
        plain = [sub for sub in q.subqueries if not _checks_positions(sub)]
        nested = [sub for sub in q.subqueries if _checks_positions(sub) and not _is_check(sub)]
        results = [self._eval(sub, searcher) for sub in plain]
        mask = np.ones(self.n, dtype=bool) if within is None else within.copy()
        for m, _ in results:
            mask &= m
        for sub in nested:
            m, s = self._eval(sub, searcher, mask)
            mask &= m
            results.append((m, s))
        for sub in q.subqueries:
            if isinstance(sub, wq.Phrase):
                mask = mask & self._phrase(sub, searcher, within=mask)[0]
        for sub in q.subqueries:
            if isinstance(sub, PrintedPhrase):
                mask = self._printed(sub, within=mask)
        score = _sum([s for _, s in results]) if results else np.zeros(self.n, dtype=np.float32)
        return mask, _boosted(score, q.boost)

    def _or(self, q: wq.Or, searcher: Any, within: np.ndarray | None) -> Evaluated:
        results = [self._eval(sub, searcher, within) for sub in q.subqueries]
        return _any([m for m, _ in results]), _boosted(_sum([s for _, s in results]), q.boost)

    def _printed_phrase(self, q: PrintedPhrase, searcher: Any, within: np.ndarray | None) -> Evaluated:
        return self._printed(q, within=self.live if within is None else within), np.zeros(self.n, dtype=np.float32)

    def _numeric_range(self, q: wq.NumericRange, searcher: Any, within: np.ndarray | None) -> Evaluated:
        values = self.columns[q.fieldname]
        lo = -math.inf if q.start is None else q.start
        hi = math.inf if q.end is None else q.end
        return (values >= lo) & (values <= hi), np.zeros(self.n, dtype=np.float32)

    def _printed(self, q: PrintedPhrase, within: np.ndarray) -> np.ndarray:
        """`within` less the articles that do not print the phrase `q` as it asks (all kept
        where the index has no forward files to tell)."""
        forward = self.forward
        if forward is None:
            return within
        candidates = within & self.live

        def verify() -> np.ndarray:
            docs = np.flatnonzero(candidates)
            held = np.zeros(self.n, dtype=bool)
            held[docs[forward.printed_phrase(q.readings, q.spellings, docs)]] = True
            return held

        return self._remembered(("printed", q.readings, q.spellings, hash(candidates.tobytes())), verify)

    def _phrase(self, q: Any, searcher: Any, within: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Articles holding every word (among `within`), then their positions checked on those
        alone (`_adjacent_at`; Whoosh's phrase matcher for a slop other than 1, which no query
        built here has)."""
        mask = np.ones(self.n, dtype=bool) if within is None else within.copy()
        for word in q.words:
            ids, _ = self.raw_postings(q.fieldname, word, searcher)
            word_mask = np.zeros(self.n, dtype=bool)
            word_mask[ids] = True
            mask &= word_mask

        def verify() -> np.ndarray:
            candidates = np.flatnonzero(mask)
            verified = np.zeros(self.n, dtype=bool)
            if len(candidates) and q.slop == 1:
                _adjacent_at(searcher, q.fieldname, q.words, candidates, verified)
            elif len(candidates):
                matcher = wq.Phrase(q.fieldname, q.words, slop=q.slop).matcher(searcher)
                for doc in candidates.tolist():
                    if not matcher.is_active():
                        break
                    if matcher.id() < doc:
                        matcher.skip_to(doc)
                    if matcher.is_active() and matcher.id() == doc:
                        verified[doc] = True
            return verified

        key = (q.fieldname, tuple(q.words), q.slop, hash(mask.tobytes()))
        return self._remembered(key, verify), np.zeros(self.n, dtype=np.float32)

    def _remembered(self, key: tuple[Any, ...], verify: Callable[[], np.ndarray]) -> np.ndarray:
        """The articles a phrase check (`verify`) keeps, kept for the next request that asks
        it at the same articles (another page, sort or filter of the same query). A copy is
        returned: the caller narrows its mask in place (`evaluate`'s live articles, a date
        filter), and a filter narrowing the kept one changed what the phrase matched for every
        later request. The kept one is read-only, so nothing can."""
        with self._lock:
            cached = self._phrases.get(key)
            if cached is not None:
                self._phrases.move_to_end(key)
                return cached.copy()
        verified = verify()
        verified.flags.writeable = False
        with self._lock:
            self._phrases[key] = verified
            while len(self._phrases) > CACHE_PHRASES:
                self._phrases.popitem(last=False)
        return verified.copy()

    # --- ranking --------------------------------------------------------------------------

    def top(self, mask: np.ndarray, score: np.ndarray, sort: str, limit: int) -> list[int]:
        """Docnums of the best `limit` matches: by score (docnum breaks ties), or by date."""
        docs = np.flatnonzero(mask)
        if sort == "newest":  # undated last (`published` 0 would put them before 1969)
            oldest = self.columns["oldest"][docs]
            keys = (docs, np.where(oldest == UNDATED_OLDEST, np.iinfo(np.int64).max, -oldest))
        elif sort == "oldest":
            keys = (docs, self.columns["oldest"][docs])
        else:
            if len(docs) > limit:
                # every article tied with the last one kept, not any `limit` of them: the order
                # among ties is docnum's, so page n+1 (a larger limit) never repeats or skips one
                scored = score[docs]
                last = np.partition(-scored, limit - 1)[limit - 1]
                docs = docs[-scored <= last]
            keys = (docs, -score[docs])
        order = np.lexsort(keys)
        return docs[order][:limit].tolist()

    # --- postings -------------------------------------------------------------------------

    def raw_postings(self, field: str, text: str, searcher: Any) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, term frequencies) of one term in one field, cached (least recently used out).

        Most queries are new, but their common words are not: with the lists of the words a
        server saw recently held (CACHE_BYTES), a first-sight query reads only its rarer words
        (news-50k, 500 mixed queries: p95 66-70 ms with 32 MB of cache, 44 ms with 72 MB).
        The cache is private memory of each server process, so postings are held small:
        docnums as uint16 while the index has at most 65,536 articles, frequencies as uint16
        where that is exact: 4 bytes a posting instead of 8 (48 MB hold what 72 MB held at 6).
        The docnums are returned as `np.intp`: they serve only as indices, and NumPy indexes
        with a uint16 array at half the speed (it converts it on every use: ~7 ns a posting
        gathered or scattered, against ~0.2 ns for the one conversion here).

        Lists every segment holds as flat files (`indexer.flatpostings`) are not cached: they
        are read as fast as a cached list is, from pages all workers share."""
        if all(field in leaf.flat_fields for leaf in self._segments_of(searcher)):
            return self._read_postings(searcher, field, text)
        key = (field, text)
        with self._lock:
            hit = self._postings.get(key)
            if hit is not None:
                self._postings.move_to_end(key)
        if hit is None:
            ids, tfs = self._read_postings(searcher, field, text)
            hit = (_compact_ids(ids, self.n), _compact(tfs))
            with self._lock:
                self._postings[key] = hit
                self._cached += hit[0].nbytes + hit[1].nbytes
                while self._cached > CACHE_BYTES and self._postings:
                    _, (old_ids, old_tfs) = self._postings.popitem(last=False)
                    self._cached -= old_ids.nbytes + old_tfs.nbytes
        ids, tfs = hit
        return ids.astype(np.intp, copy=False), tfs.astype(np.float32, copy=False)

    def _read_postings(self, searcher: Any, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A term's docnums (`np.intp`) and frequencies (float32) across segments (deleted
        articles are masked later, by `live`): from a segment's flat files where it has them
        (`indexer.flatpostings`), else from Whoosh's files through `indexer.postings` where the
        segment allows it, else through Whoosh's matcher."""
        id_parts: list[np.ndarray] = []
        tf_parts: list[np.ndarray] = []
        offsets: list[int] = []
        for leaf in self._segments_of(searcher):
            found = leaf.read(field, text)
            if found is not None:
                id_parts.append(found[0])
                tf_parts.append(found[1])
                offsets.append(leaf.offset)
        if not id_parts:
            return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
        ids = np.concatenate(id_parts, dtype=np.intp)  # (one part: a copy all the same)
        at = 0
        for part, offset in zip(id_parts, offsets, strict=True):
            if offset:
                ids[at : at + len(part)] += offset
            at += len(part)
        return ids, np.concatenate(tf_parts, dtype=np.float32)

    def doc_frequency(self, searcher: Any, field: str, text: str) -> int:
        """Whoosh's `searcher.doc_frequency`, from the term infos of `indexer.postings`; for a
        posting list the cache holds, its length (a term info counts every posting, deleted
        articles' included, as the list holds them): ~40% of the asks on the workload."""
        with self._lock:
            held = self._postings.get((field, text))
        if held is not None:
            return len(held[0])
        return sum(leaf.doc_frequency(field, text) for leaf in self._segments_of(searcher))

    def articles_with(self, fields: Sequence[str], text: str, searcher: Any) -> int:
        """How many articles hold a term in any of the fields: the df behind BM25F's idf
        (`bm25f`). The count `bm25f` made of the same term in the same fields for this thread's
        query, when it did (a long query's re-rank asks it of every word it just scored: ~56
        lists a question read again, since flat lists are not cached), else counted from the
        lists."""
        held = getattr(self._held, "counts", {}).get((tuple(fields), text))
        if held is not None:
            return held
        found = [ids for ids in (self.raw_postings(field, text, searcher)[0] for field in fields) if len(ids)]
        if len(found) <= 1:
            return len(found[0]) if found else 0
        seen = np.zeros(self.n, dtype=bool)  # cheaper than np.unique on long lists
        for ids in found:
            seen[ids] = True
        return int(np.count_nonzero(seen))

    def _segments_of(self, searcher: Any) -> list[_Leaf]:
        """Each segment a searcher reads, with its mapped postings, worked out once per
        searcher (a query reads ~100 term infos and lists, each in every segment)."""
        with self._lock:
            found = self._leaves.get(searcher)
        if found is None:
            found = [_Leaf(reader, offset, *self._segment_postings(reader)) for reader, offset in _leaves(searcher)]
            with self._lock:
                self._leaves[searcher] = found
        return found

    def _segment_postings(self, reader: Any) -> tuple[SegmentPostings | None, FlatPostings | None]:
        """One set of memory maps per segment, shared by every searcher of this generation."""
        segid = reader.segment().segment_id()
        with self._lock:
            if segid not in self._segments:
                self._segments[segid] = (SegmentPostings.open(reader), FlatPostings.open(reader))
            return self._segments[segid]

    def bm25f(
        self, fields: tuple[str, ...], weights: tuple[float, ...], text: str, searcher: Any, boost: float = 1.0,
        derived_title: float = 1.0, b: float = B,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(match mask, BM25F score × boost) of a term over every article: each field's
        frequency is length-normalized and weighted, the sum saturates once, with one idf for
        the article. A term in several fields is summed straight into the article-wide array
        the evaluation needs anyway (no list of the articles holding it is made and spread
        out again: that was a tenth of a long question's time). A title field weighs
        `derived_title` times as much where the title was derived from the lead (`_title_norms`);
        lengths are normalized by `b`."""
        found = []
        for field, weight in zip(fields, weights, strict=True):
            ids, tfs = self.raw_postings(field, text, searcher)
            if len(ids):
                if derived_title != 1.0 and field.startswith("title"):
                    norms = self._title_norms(field, derived_title, searcher, b)
                else:
                    norms = self._length_norms(field, searcher, b)
                found.append((ids, weight * tfs * norms.take(ids)))
        mask = np.zeros(self.n, dtype=bool)
        score = np.zeros(self.n, dtype=np.float32)
        held = 0  # articles holding the term in any of the fields (`articles_with`)
        if len(found) == 1:
            ids, combined = found[0]
            mask[ids] = True
            held = len(ids)
            if boost:
                score[ids] = _boosted(_saturate(combined, held, self.n), boost)
        elif found:
            _add_fields(score, found)
            np.not_equal(score, 0, out=mask)
            held = int(np.count_nonzero(mask))
            if boost:
                score = _boosted(_saturate(score, held, self.n), boost)
            else:
                score[:] = 0
        counts = getattr(self._held, "counts", None)
        if counts is not None:
            counts[(fields, text)] = held
        return mask, score

    def warm(self, searcher: Any, fields: Sequence[str]) -> None:
        """Load the fields' length columns (and their BM25 norms) now, before the first query asks."""
        for field in fields:
            self._length_norms(field, searcher)

    def _length_norms(self, field: str, searcher: Any, b: float = B) -> np.ndarray:
        """1 / (1 - b + b × length / average length) of every article in `field`: BM25's length
        normalization, computed once per field and b instead of for every posting of every term."""
        norms = self._norms.get((field, b))
        if norms is None:
            lengths, avg = self._field_lengths(field, searcher)
            norms = self._norms[field, b] = (1.0 / ((1 - b) + b * lengths / avg)).astype(np.float32)
        return norms

    def _title_norms(self, field: str, derived_title: float, searcher: Any, b: float = B) -> np.ndarray:
        """A title field's `_length_norms`, times `derived_title` for the articles whose title was
        derived from the lead (`title_derived`), once per field, weight and b."""
        key = (field, b, derived_title)
        norms = self._norms.get(key)
        if norms is None:
            weight = np.where(self.columns["title_derived"] != 0, derived_title, 1.0)
            norms = self._norms[key] = (weight * self._length_norms(field, searcher, b)).astype(np.float32)
        return norms

    def _field_lengths(self, field: str, searcher: Any) -> tuple[np.ndarray, float]:
        with self._lock:
            cached = self._lengths.get(field)
        if cached is not None:
            return cached
        lengths = np.zeros(self.n, dtype=np.float32)
        for reader, offset in _leaves(searcher):
            column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            if column is None:
                continue
            codes = _length_codes(column, reader.doc_count_all())
            lengths[offset : offset + len(codes)] = _BYTE_TO_LENGTH[codes]
        total = searcher.reader().field_length(field)
        avg = max(total / max(self.n, 1), 1.0)
        with self._lock:
            self._lengths[field] = (lengths, avg)
        return lengths, avg


    # In the order `_eval` asks (a node is evaluated by the first kind it is).
    _EVALUATORS: tuple[tuple[type, Callable[..., Evaluated]], ...] = (
        (FieldsTerm, _fields_term),
        (wq.Term, _term),
        (AtLeast, _at_least),
        (wq.DisjunctionMax, _best_of),
        (wq.AndMaybe, _and_maybe),
        (wq.AndNot, _and_not),
        (wq.And, _and),
        (wq.Or, _or),
        (wq.Phrase, _phrase),
        (PrintedPhrase, _printed_phrase),
        (wq.NumericRange, _numeric_range),
    )


class _Leaf:
    """One segment as a searcher reads it: its reader, the docnum of its first document, its
    postings mapped from Whoosh's files, and its flat files (and the fields they hold)."""

    __slots__ = ("fast", "flat", "flat_fields", "offset", "reader")

    def __init__(self, reader: Any, offset: int, fast: SegmentPostings | None, flat: FlatPostings | None) -> None:
        self.reader = reader
        self.offset = offset
        self.fast = fast
        self.flat = flat
        self.flat_fields: frozenset[str] = flat.fields if flat is not None else frozenset()

    def _source(self, field: str) -> FlatPostings | SegmentPostings | None:
        """Where this segment's `field` is read: its flat files, else Whoosh's files mapped
        (`indexer.postings`), else None (Whoosh's own reader)."""
        return self.flat if field in self.flat_fields else self.fast

    def read(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's docnums (local to the segment) and frequencies, or None if absent."""
        source = self._source(field)
        return source.read(field, text) if source is not None else _read_postings_whoosh(self.reader, field, text)

    def doc_frequency(self, field: str, text: str) -> int:
        source = self._source(field)
        return source.doc_frequency(field, text) if source is not None else self.reader.doc_frequency(field, text)


def idf(df: int, n: int) -> float:
    """BM25's idf of a term `df` of `n` articles hold (df clamped to 0..n): what `bm25f` scores
    with, and what `indexer.ranking` weighs rare words by."""
    df = min(max(df, 0), n)
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def _saturate(combined: np.ndarray, df: int, n: int) -> np.ndarray:
    """BM25's idf × saturated frequency (0 stays 0), as a new float32 array. Computed as
    `idf × combined × (K1 + 1) / (combined + K1)`, step by step in place: the same float32
    operations in the same order (so the same bits), without a temporary for each step."""
    out = np.multiply(combined, idf(df, n), dtype=np.float32)
    np.multiply(out, K1 + 1, out=out)
    np.divide(out, np.add(combined, K1, dtype=np.float32), out=out)
    return out


def _is_check(q: Any) -> bool:
    """A check of positions or printed marks (`Executor._phrase`, `Executor._printed`)."""
    return isinstance(q, (wq.Phrase, PrintedPhrase))


def _checks_positions(q: Any) -> bool:
    """Whether `q` is, or holds, a check of positions or printed marks."""
    return _is_check(q) or any(_checks_positions(sub) for sub in q.children())


def _sum(scores: Sequence[np.ndarray]) -> np.ndarray:
    """The scores' sum as a new array, added one after another in their order: the float32
    sums `np.sum(scores, axis=0)` makes, without first copying them all into one 2-D array."""
    total = scores[0] + scores[1] if len(scores) > 1 else scores[0].copy()
    for score in scores[2:]:
        total += score
    return total


def _any(masks: Sequence[np.ndarray]) -> np.ndarray:
    """The masks' union as a new array (`np.logical_or.reduce` without stacking them first)."""
    union = masks[0] | masks[1] if len(masks) > 1 else masks[0].copy()
    for mask in masks[2:]:
        union |= mask
    return union


def _boosted(score: np.ndarray, boost: float) -> np.ndarray:
    """`score × boost` in place (× 1.0, the common boost, changes no bit and is skipped)."""
    if boost != 1.0:
        np.multiply(score, boost, out=score)
    return score


def _add_fields(score: np.ndarray, found: Sequence[tuple[np.ndarray, np.ndarray]]) -> None:
    """Adds each field's values at its docnums into the all-zero `score`, field by field (the
    order of the float32 sums). The first field is set, not added (0 + x is x); a long list
    is spread into a dense array added whole, cheaper than a scatter-add (which gathers, adds
    and scatters) once it holds more than ~1/8 of the articles; adding 0 elsewhere is exact."""
    first_ids, first_values = found[0]
    score[first_ids] = first_values
    spread = None
    for ids, values in found[1:]:
        if len(ids) * 8 > len(score):
            if spread is None:
                spread = np.zeros_like(score)
            else:
                spread.fill(0)
            spread[ids] = values
            score += spread
        else:
            score[ids] += values


def _length_codes(column: Any, count: int) -> np.ndarray:
    """A segment's length bytes (one per document), in bulk where the column allows it (a
    request's first query needs several fields: ~50 ms each through the per-document reader on
    news-50k), else a document at a time."""
    codes = _fixed_width_column(column, count)
    if codes is not None and codes.dtype == np.uint8:
        return codes
    return np.frombuffer(bytes(column[i] for i in range(count)), dtype=np.uint8)


def _numeric_column(searcher: Any, name: str) -> np.ndarray:
    """An integer NUMERIC field's column for every document, as `reader.column_reader(name)`
    gives it, read a segment at a time in bulk and translated from Whoosh's sortable form with
    NumPy (0.4 s a server's first query waited for, on news-50k, through the per-document
    reader)."""
    field = searcher.schema[name]
    plain_int = field.numtype is int and not field.decimal_places
    parts = []
    for reader, _ in _leaves(searcher):
        column = reader.column_reader(name, translate=False)
        values = _fixed_width_column(column, reader.doc_count_all()) if plain_int else None
        if values is None:
            parts.append(np.array([field.from_column_value(v) for v in column], dtype=np.int64))
            continue
        sortable = values.astype(np.uint64) if values.dtype.kind == "u" else values.astype(np.int64).view(np.uint64)
        if field.signed:  # whoosh.util.numeric.from_sortable, modulo 2**64
            sortable -= np.uint64(1 << (field.bits - 1))
        parts.append(sortable.view(np.int64))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


_BIG_ENDIAN = {"B": ">u1", "H": ">u2", "I": ">u4", "Q": ">u8", "b": ">i1", "h": ">i2", "i": ">i4", "q": ">i8"}


def _fixed_width_column(column: Any, count: int) -> np.ndarray | None:
    """Every document's raw value of Whoosh's fixed-width numeric column (`NumericColumn`),
    read from its file at once, the default where the column stops short; None for any other
    kind of column."""
    dtype = _BIG_ENDIAN.get(getattr(column, "_typecode", ""))
    if not isinstance(column, NumericColumn.Reader) or dtype is None:
        return None
    stored = min(column._count, count)
    raw = np.frombuffer(column._dbfile.get(column._basepos, stored * column._fixedlen), dtype=dtype)
    values = np.full(count, column._default, dtype=raw.dtype.newbyteorder("="))
    values[:stored] = raw
    return values


def _compact_ids(ids: np.ndarray, n: int) -> np.ndarray:
    """Docnums as uint16 when every docnum of the index fits (n ≤ 65,536), else as int32."""
    return ids.astype(np.uint16) if n <= 1 << 16 else ids.astype(np.int32, copy=False)


def _compact(tfs: np.ndarray) -> np.ndarray:
    """Term frequencies as uint16 when that holds them exactly (they are counts), else as is."""
    small = tfs.astype(np.uint16)
    return small if (small == tfs).all() else tfs


def _live_mask(searcher: Any, n: int) -> np.ndarray:
    """Which docnums hold a live article: all but each segment's deleted ones, read as a set
    (asking `is_deleted` of every docnum was a tenth of a second of a server's first answer
    on news-50k)."""
    live = np.ones(n, dtype=bool)
    for reader, offset in _leaves(searcher):
        if not reader.has_deletions():
            continue
        deleted = getattr(reader, "deleted_docs_set", None)  # a SegmentReader's cached set
        if deleted is None:  # another kind of reader: ask it document by document
            deleted = [d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]
        live[np.fromiter(deleted, dtype=np.int64) + offset] = False
    return live


def _leaves(searcher: Any) -> list[tuple[Any, int]]:
    """(segment reader, docnum offset) of each segment (Whoosh: `[(self, 0)]` for a single one)."""
    return list(searcher.reader().leaf_readers())


def _read_postings_whoosh(reader: Any, field: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
    """A term's docnums and frequencies in one segment through Whoosh's matcher, a block at a
    time where it allows (the fallback of `indexer.postings`)."""
    if (field, text) not in reader:
        return None
    matcher = _unfiltered(reader.postings(field, text))
    id_parts: list[np.ndarray] = []
    tf_parts: list[np.ndarray] = []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            id_parts.append(np.asarray(matcher._ids, dtype=np.int64))
            tf_parts.append(np.asarray(matcher._weights, dtype=np.float32))
            matcher._next_block()
    else:  # inlined short posting lists (a ListMatcher)
        ids, tfs = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
        id_parts.append(np.asarray(ids, dtype=np.int64))
        tf_parts.append(np.asarray(tfs, dtype=np.float32))
    return np.concatenate(id_parts), np.concatenate(tf_parts)


def _adjacent_at(searcher: Any, field: str, words: Sequence[str], docs: np.ndarray, verified: np.ndarray) -> None:
    """Set `verified` at those of `docs` (ascending docnums, each holding every word) where
    `words` stand one after another in `field`: what Whoosh's `Phrase` (slop 1) matches, but
    each word's postings are moved to each candidate by bisecting a block's ids, and positions
    are compared only there. Whoosh's phrase matcher walks every article that holds all the
    words, and its `skip_to` steps through a block one posting at a time: a quoted phrase of
    common words ("một người đàn ông") took 0.2-0.5 s on news-50k."""
    for reader, offset in _leaves(searcher):
        lo, hi = np.searchsorted(docs, [offset, offset + reader.doc_count_all()])
        if lo == hi or any((field, word) not in reader for word in words):
            continue
        matchers = [_unfiltered(reader.postings(field, word)) for word in words]
        for doc in (docs[lo:hi] - offset).tolist():
            ends: set[int] | None = None
            for matcher in matchers:
                if not _seek(matcher, doc):
                    break
                positions = matcher.value_as("positions")
                ends = set(positions) if ends is None else {p for p in positions if p - 1 in ends}
                if not ends:
                    break
            else:
                verified[doc + offset] = True


def _unfiltered(matcher: Any) -> Any:
    """A segment's posting matcher without Whoosh's deleted-document filter (`evaluate` masks
    deleted articles at the end, as it does for every list)."""
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    return matcher


def _seek(matcher: Any, doc: int) -> bool:
    """Move a posting matcher to `doc` or past it (never back); True when it holds `doc`. A
    block of Whoosh's file is found by its last id and the posting inside it by bisection."""
    if not matcher.is_active():
        return False
    if matcher.id() < doc:
        if isinstance(matcher, W3LeafMatcher):
            if doc > matcher.block_max_id():
                matcher._skip_to_block(lambda: doc > matcher.block_max_id())
                if not matcher.is_active():
                    return False
            if matcher.id() < doc:  # (loads the block's ids)
                matcher._i = bisect_left(matcher._ids, doc, matcher._i)
        else:  # inlined short posting lists (a ListMatcher)
            matcher.skip_to(doc)
            if not matcher.is_active():
                return False
    return matcher.id() == doc
