"""Search engine adapters for the relevance harness.

Every adapter has ``build(articles, where=None)`` (index the articles into the folder ``where``,
or a temp folder), ``open(where)`` (reuse an index an earlier ``build`` left there: the index
cache of relevance.py), ``search(query, k) -> list[id]`` and ``close()``. ``version()`` names
what a cached index depends on, so a cache entry is reused only when it still matches the code.

Articles are corpus records (``../shared/corpus/README.md``). A record may lack ``title`` (the
headlines set hides it): vnsearch then derives one from the lead, and the baselines index the
same derived text, given to them as ``_title`` (keys starting with ``_`` are never passed to
vnsearch).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import pickle
import re
import shutil
import sqlite3
import sys
import tempfile
import unicodedata
from array import array
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
K = 10
ADAPTER_VERSION = "2"  # bump when an adapter's indexing changes: invalidates cached baselines


def title_of(a: dict[str, Any]) -> str:
    """The title every engine indexes: the record's, else the one vnsearch derives (``_title``)."""
    return a.get("title") or a.get("_title") or ""


def full_text(a: dict[str, Any]) -> str:
    """title + lead + body + captions, newline separated (line breaks stop pairs in BM25)."""
    return "\n".join([title_of(a), a.get("lead") or "", a.get("body") or "", *(a.get("captions") or [])])


class Engine:
    """An adapter: build an index of the articles, then answer queries with article ids."""

    def version(self) -> str:
        """What a cached index of this engine depends on (code, library versions)."""
        return ADAPTER_VERSION

    def build(self, articles: list[dict[str, Any]], where: Path | None = None) -> None:
        raise NotImplementedError

    def open(self, where: Path) -> None:
        raise NotImplementedError

    def search(self, query: str, k: int = K) -> list[str]:
        raise NotImplementedError

    def variant(self, **opts: Any) -> Engine:
        """An engine sharing this one's index, with other query options."""
        if opts:
            raise ValueError(f"{type(self).__name__} has no variants")
        return self

    def close(self) -> None:
        """Release searchers and temp folders."""


def _folder(where: Path | None, prefix: str) -> tuple[Path, bool]:
    """The folder to build in, and whether it is a temp folder to remove on close."""
    if where is None:
        return Path(tempfile.mkdtemp(prefix=prefix)), True
    where.mkdir(parents=True, exist_ok=True)
    return where, False


# --- bm25-plain: the baseline to beat -----------------------------------------------------------

_FOLD = {}
for _cp in range(0xC0, 0x1EFA):
    _ch = chr(_cp)
    _base = "".join(c for c in unicodedata.normalize("NFD", _ch) if not unicodedata.combining(c))
    if _base != _ch and len(_base) == 1:
        _FOLD[_cp] = _base
_FOLD.update({ord("đ"): "d", ord("Đ"): "d"})
_BREAK = re.compile(r"[^\w\s]+|\n")
_MARKS = re.compile("[\u0300-\u036f]")  # marks left over (damaged sequences) after the table


def bm25_fold(text: str) -> str:
    """lowercase, NFC, marks removed, đ → d."""
    return _MARKS.sub("", unicodedata.normalize("NFC", text).lower().translate(_FOLD))


def bm25_terms(text: str) -> list[str]:
    """Folded syllables plus folded pairs of syllables adjacent in the text (a pair never spans
    punctuation or a line break): what the baseline indexes and what it searches for."""
    out: list[str] = []
    for segment in _BREAK.split(bm25_fold(text)):
        words = segment.split()
        out += words
        out += [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return out


class Bm25Plain(Engine):
    """THE baseline: plain BM25 (k1 1.2, b 0.75, Lucene idf) over folded syllables and folded
    adjacent pairs, title + lead + body + captions as one field; the query analyzed the same way,
    every term optional (OR). Postings as NumPy arrays (CSR by term), scores accumulated per term."""

    k1 = 1.2
    b = 0.75

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.terms: dict[str, int] = {}
        self.offsets = np.zeros(1, dtype=np.int64)
        self.docs = np.zeros(0, dtype=np.int32)
        self.tfs = np.zeros(0, dtype=np.float32)
        self.norm = np.zeros(0, dtype=np.float32)

    def build(self, articles: list[dict[str, Any]], where: Path | None = None) -> None:
        vocab: dict[str, int] = {}
        term_ids, doc_ids, freqs = array("i"), array("i"), array("f")
        lengths = np.zeros(len(articles), dtype=np.float32)
        for d, a in enumerate(articles):
            terms = bm25_terms(full_text(a))
            lengths[d] = len(terms)
            counts = Counter(terms)
            term_ids.extend([vocab.setdefault(t, len(vocab)) for t in counts])
            doc_ids.extend([d] * len(counts))
            freqs.extend(counts.values())
        t = np.frombuffer(term_ids, dtype=np.int32)
        order = np.argsort(t, kind="stable")  # by term, then document
        self.ids = [a["id"] for a in articles]
        self.terms = vocab
        self.offsets = np.concatenate([[0], np.cumsum(np.bincount(t, minlength=len(vocab)))]).astype(np.int64)
        self.docs = np.frombuffer(doc_ids, dtype=np.int32)[order]
        self.tfs = np.frombuffer(freqs, dtype=np.float32)[order]
        avgdl = float(lengths.mean()) if len(lengths) else 1.0
        self.norm = (self.k1 * (1 - self.b + self.b * lengths / max(avgdl, 1e-9))).astype(np.float32)
        if where is not None:
            where.mkdir(parents=True, exist_ok=True)
            with open(where / "bm25.pickle", "wb") as fh:
                pickle.dump((self.ids, list(vocab), self.offsets, self.docs, self.tfs, self.norm), fh, protocol=5)

    def open(self, where: Path) -> None:
        with open(where / "bm25.pickle", "rb") as fh:
            self.ids, vocab, self.offsets, self.docs, self.tfs, self.norm = pickle.load(fh)
        self.terms = {t: i for i, t in enumerate(vocab)}

    def search(self, query: str, k: int = K) -> list[str]:
        n = len(self.ids)
        scores = np.zeros(n, dtype=np.float64)
        for term in dict.fromkeys(bm25_terms(query)):
            t = self.terms.get(term)
            if t is None:
                continue
            lo, hi = self.offsets[t], self.offsets[t + 1]
            docs, tf = self.docs[lo:hi], self.tfs[lo:hi]
            idf = math.log(1 + (n - (hi - lo) + 0.5) / ((hi - lo) + 0.5))
            scores[docs] += idf * tf * (self.k1 + 1) / (tf + self.norm[docs])
        cand = np.flatnonzero(scores > 0)
        order = cand[np.lexsort((cand, -scores[cand]))][:k]
        return [self.ids[i] for i in order]


# --- stock Whoosh ---------------------------------------------------------------------------------


class WhooshStandard(Engine):
    """Stock Whoosh as a naive user sets it up: StandardAnalyzer on one TEXT field, default
    QueryParser (AndGroup: every word must match), or OrGroup in the ``-or`` variant."""

    def __init__(self, or_group: bool = False, _shared: WhooshStandard | None = None) -> None:
        self.or_group = or_group
        self._base = _shared
        self.tmp: Path | None = None
        self.ix: Any = None
        self.searcher: Any = None
        self.parser: Any = None

    def version(self) -> str:
        return f"{ADAPTER_VERSION} / whoosh-reloaded {dist_version('whoosh-reloaded')}"

    def build(self, articles: list[dict[str, Any]], where: Path | None = None) -> None:
        from whoosh import index
        from whoosh.analysis import StandardAnalyzer
        from whoosh.fields import ID, TEXT, Schema

        folder, temp = _folder(where, "bench-whoosh-")
        self.tmp = folder if temp else None
        schema = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=StandardAnalyzer()))
        self.ix = index.create_in(str(folder), schema)
        writer = self.ix.writer(limitmb=256)
        for a in articles:
            writer.add_document(id=a["id"], text=full_text(a))
        writer.commit()
        self._open()

    def open(self, where: Path) -> None:
        from whoosh import index

        self.ix = index.open_dir(str(where))
        self._open()

    def _open(self) -> None:
        from whoosh.qparser import AndGroup, OrGroup, QueryParser

        self.searcher = self.ix.searcher()
        group = OrGroup if self.or_group else AndGroup
        self.parser = QueryParser("text", self.ix.schema, group=group)

    def variant(self, **opts: Any) -> Engine:
        if not opts:
            return self
        other = WhooshStandard(_shared=self, **opts)
        other.ix = self.ix
        other._open()
        return other

    def search(self, query: str, k: int = K) -> list[str]:
        q = self.parser.parse(query)
        return [hit["id"] for hit in self.searcher.search(q, limit=k)]

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None
        if self._base is None and self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


# --- SQLite FTS5 ----------------------------------------------------------------------------------


class Fts5(Engine):
    """SQLite FTS5 with ``unicode61 remove_diacritics 2``, columns title, lead, body, ranked by
    bm25(). The query is the user's words, each double-quoted: implicitly ANDed, or joined with
    OR in the ``-or`` variant."""

    def __init__(self, or_mode: bool = False, _shared: Fts5 | None = None) -> None:
        self.or_mode = or_mode
        self._base = _shared
        self.tmp: Path | None = None
        self.db: sqlite3.Connection | None = None

    def version(self) -> str:
        return f"{ADAPTER_VERSION} / sqlite {sqlite3.sqlite_version}"

    def build(self, articles: list[dict[str, Any]], where: Path | None = None) -> None:
        folder, temp = _folder(where, "bench-fts5-")
        self.tmp = folder if temp else None
        self.db = sqlite3.connect(folder / "fts.sqlite")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "id UNINDEXED, title, lead, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        self.db.executemany(
            "INSERT INTO docs (id, title, lead, body) VALUES (?, ?, ?, ?)",
            (
                (a["id"], title_of(a), a.get("lead") or "", "\n".join([a.get("body") or "", *a.get("captions", [])]))
                for a in articles
            ),
        )
        self.db.commit()

    def open(self, where: Path) -> None:
        self.db = sqlite3.connect(where / "fts.sqlite")

    def variant(self, **opts: Any) -> Engine:
        if not opts:
            return self
        other = Fts5(_shared=self, **opts)
        other.db = self.db
        return other

    @staticmethod
    def expression(query: str, or_mode: bool = False) -> str:
        """The FTS5 MATCH expression: each whitespace-separated word as a quoted string."""
        words = ['"' + w.replace('"', '""') + '"' for w in query.split()]
        return (" OR " if or_mode else " ").join(words)

    def search(self, query: str, k: int = K) -> list[str]:
        assert self.db is not None
        rows = self.db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
            (self.expression(query, self.or_mode), k),
        )
        return [r[0] for r in rows]

    def close(self) -> None:
        if self._base is None:
            if self.db is not None:
                self.db.close()
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
        self.db = None
        self.tmp = None


# --- vnsearch -------------------------------------------------------------------------------------

INDEXING_SOURCES = (
    "indexer/index.py", "indexer/schema.py", "indexer/sidecars.py", "indexer/analysis.py", "indexer/ingest.py",
    "indexer/encodings.py", "indexer/sentences.py", "indexer/columns.py", "indexer/input_files.py",
)


def indexing_source_hash() -> str:
    """Hash of the indexer's indexing code: recorded with a cached index, so a run can warn when
    it changed although INDEX_FORMAT did not (the cache key)."""
    h = hashlib.sha256()
    for rel in INDEXING_SOURCES:
        path = REPO / rel
        h.update(path.read_bytes() if path.exists() else b"")
    return h.hexdigest()[:12]


class VnSearch(Engine):
    """The project's own engine, through its public interface:
    ``indexer.index.build_index(paths, index_root)`` and
    ``indexer.search.SearchService(index_root).search(q, page=1, per_page=10)["hits"]``.
    Imported lazily, so the other engines run even when it is not importable. The last
    response's suggestion is kept (``last_suggestion``) for the restoration measurement."""

    def __init__(self) -> None:
        self.tmp: Path | None = None
        self.service: Any = None
        self.last_suggestion: str | None = None

    def version(self) -> str:
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        from indexer.schema import INDEX_FORMAT

        return INDEX_FORMAT

    def build(self, articles: list[dict[str, Any]], where: Path | None = None) -> None:
        from indexer.index import build_index

        folder, temp = _folder(where, "bench-vnsearch-")
        self.tmp = folder if temp else None
        corpus = folder / "corpus.jsonl"
        with open(corpus, "w", encoding="utf-8") as fh:
            for a in articles:
                record = {k: v for k, v in a.items() if not k.startswith("_")}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        build_index([corpus], folder / "index")
        corpus.unlink()
        (folder / "indexing-source.txt").write_text(indexing_source_hash() + "\n", encoding="utf-8")
        self.open(folder)

    def open(self, where: Path) -> None:
        from indexer.search import SearchService

        self.service = SearchService(where / "index")

    def stale_warning(self, where: Path) -> str | None:
        """A note when the indexing code changed since this cached index was built."""
        stamp = where / "indexing-source.txt"
        built = stamp.read_text(encoding="utf-8").strip() if stamp.exists() else "?"
        if built != indexing_source_hash():
            return (
                f"indexer indexing code ({', '.join(INDEXING_SOURCES)}) changed since the cached index in "
                f"{where.name} was built, INDEX_FORMAT did not: pass --rebuild if the change affects indexing"
            )
        return None

    def search(self, query: str, k: int = K) -> list[str]:
        result = self.service.search(query, page=1, per_page=k)
        suggestion = result.get("suggestion")
        self.last_suggestion = suggestion.get("text") if isinstance(suggestion, dict) else None
        return [hit["id"] for hit in result["hits"]][:k]

    def close(self) -> None:
        close = getattr(self.service, "close", None)
        if callable(close):
            close()
        self.service = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


# name -> (family factory, variant options). Engines of one family share one build.
ENGINES: dict[str, tuple[Callable[[], Engine], dict[str, Any]]] = {
    "vnsearch": (VnSearch, {}),
    "bm25-plain": (Bm25Plain, {}),
    "whoosh-standard": (WhooshStandard, {}),
    "whoosh-standard-or": (WhooshStandard, {"or_group": True}),
    "fts5": (Fts5, {}),
    "fts5-or": (Fts5, {"or_mode": True}),
}
FAMILY_NAMES = {VnSearch: "vnsearch", Bm25Plain: "bm25-plain", WhooshStandard: "whoosh", Fts5: "fts5"}
DEFAULT_ENGINES = "vnsearch,bm25-plain,whoosh-standard,fts5-or"  # all: add whoosh-standard-or,fts5
