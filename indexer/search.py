"""Search: the one function behind the CLI, the JSON API and the web pages.

A query is parsed leniently (quotes, -exclude, OR, field:, never an error), analyzed with the
same analyzer as the documents, and turned into a Whoosh query where

* every term must match, in its folded form, in some field (title and lead weigh more than
  body); when that finds nothing, any term may match (more matched terms still rank higher);
* a term typed WITH diacritics adds a boost from the exact-form fields, so marks the user typed
  count while unaccented terms stay neutral;
* each pair of adjacent query syllables adds a boost from the bigram fields, so "tran luu
  quang" ranks the name above the three syllables scattered;
* abbreviations and their expansions (UBND ↔ Ủy ban nhân dân) are alternatives of each other.

Snippets are cut from the stored original text and highlighted by re-analyzing it, so the
highlight follows the analyzer exactly (diacritic-insensitive, tone-style-insensitive).
"""

from __future__ import annotations

import html
import math
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query as wq

from indexer.analysis import Syllable, fold, has_marks, normalize_text, tokenize
from indexer.index import (
    PARTS,
    Catalog,
    IndexUnavailable,
    ReadingCounter,
    check_meta,
    current_generation,
)
from indexer.matching import Executor

# --- limits and ranking knobs (explicit, documented in the README) -----------------------------

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 32
MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 1000  # page * per_page may not go deeper than this
SNIPPET_CHARS = 240
SNIPPET_SCAN_CHARS = 20_000  # snippets come from the first 20,000 characters of a paragraph
MAX_CAPTIONS_SHOWN = 3
SUGGEST_LIMIT = 10

FIELD_WEIGHTS = {"title": 3.0, "lead": 2.0, "body": 1.0, "caption": 1.0}
EXACT_WEIGHT = 0.6  # extra weight of a diacritics-exact match, relative to the folded one
BIGRAM_WEIGHT = 6.0  # weight of an adjacent pair, relative to one syllable (tuned: bench/relevance.py)
FIELD_CHOICES = {
    "all": PARTS,
    "title": ("title",),
    "body": ("lead", "body"),
    "lead": ("lead",),
    "caption": ("caption",),
}
FIELD_ALIASES = {"title": "title", "caption": "caption", "body": "body", "lead": "lead",
                 "tieude": "title", "anh": "caption", "chuthich": "caption"}
SORTS = ("relevance", "newest", "oldest")
VIETNAM = timezone(timedelta(hours=7))
ABBREVIATIONS_FILE = Path(__file__).parent / "data" / "abbreviations.tsv"


class InvalidParameter(ValueError):
    """A request parameter that cannot be honoured (bad date, unknown sort...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --- query parsing -------------------------------------------------------------------------------


@dataclass
class Clause:
    """One unit of a parsed query: plain words (a run of them), or a quoted phrase."""

    tokens: list[Syllable]
    phrase: bool = False
    negated: bool = False
    parts: tuple[str, ...] = PARTS
    or_next: bool = False  # joined to the next clause by OR


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)
    truncated: bool = False

    @property
    def positive_tokens(self) -> list[Syllable]:
        return [t for c in self.clauses if not c.negated for t in c.tokens if not t.alias]

    @property
    def is_empty(self) -> bool:
        return not any(c.tokens for c in self.clauses if not c.negated)


_QUERY_TOKEN = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))|(?P<quote>")'
)


def parse_query(text: str, parts: Sequence[str] = PARTS) -> ParsedQuery:
    """Lenient parse: anything a user types gives a query; bad syntax degrades to plain words.

    Syntax: "exact phrase", -word / -"phrase" to exclude, OR between two units, and a field
    prefix (title:, caption:, body:, lead:). An unbalanced quote is ignored. A unit is a phrase
    or a run of plain words, so "ha noi OR hai phong" means (ha noi) OR (hai phong): Vietnamese
    words are several syllables.
    """
    text = normalize_text(text or "")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    parsed = ParsedQuery(text=text, truncated=truncated)
    run: Clause | None = None  # the current run of plain words
    n_terms = 0
    for m in _QUERY_TOKEN.finditer(text):
        if m.group("quote") is not None:
            continue
        word, phrase = m.group("word"), m.group("phrase")
        if word == "OR" and parsed.clauses:
            parsed.clauses[-1].or_next = True
            run = None
            continue
        negated = bool(m.group("neg"))
        field_name = m.group("field")
        clause_parts = tuple(parts)
        if field_name:
            alias = FIELD_ALIASES.get(field_name.lower())
            if alias is None:  # not a field: the whole thing is a word ("19:30", "http:…")
                word = (field_name + ":" + (word or "")) if word is not None else None
                phrase = phrase if word is None else None
            else:
                clause_parts = tuple(p for p in FIELD_CHOICES[alias] if p in parts) or clause_parts
        source = phrase if phrase is not None else word
        if phrase is not None:
            base = m.start("phrase")
        else:
            base = m.start("field") if field_name and FIELD_ALIASES.get(field_name.lower()) is None else m.start("word")
        tokens = tokenize(source or "")
        for tok in tokens:  # spans into the query text, not into the word
            tok.start += base
            tok.end += base
        if not tokens:
            continue
        n_terms += len(tokens)
        if n_terms > MAX_QUERY_TERMS:
            parsed.truncated = True
            break
        if phrase is not None or negated or field_name:
            parsed.clauses.append(Clause(tokens, phrase=phrase is not None, negated=negated, parts=clause_parts))
            run = None
        elif run is not None:
            offset = run.tokens[-1].position + 1
            for tok in tokens:
                tok.position += offset
            tokens[0].joined = True
            run.tokens.extend(tokens)
        else:
            run = Clause(tokens, parts=clause_parts)
            parsed.clauses.append(run)
    return parsed


# --- abbreviations -------------------------------------------------------------------------------


class Abbreviations:
    """Groups of interchangeable forms (an abbreviation and its expansions), matched on folded
    syllable sequences, so "ubnd", "UBND" and "uy ban nhan dan" all find each other."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        self.longest = 1
        for path in files:
            self._load(path)

    def _load(self, path: Path) -> None:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            forms = [self._key(f) for f in line.split("\t") if f.strip()]
            forms = [f for f in forms if f]
            if len(forms) < 2:
                continue
            for form in forms:
                group = self.groups.setdefault(form, [form])
                group.extend(f for f in forms if f not in group)
                self.longest = max(self.longest, len(form))

    @staticmethod
    def _key(text: str) -> tuple[str, ...]:
        return tuple(t.folded for t in tokenize(normalize_text(text)) if not t.alias)

    def match(self, folded: Sequence[str], start: int) -> tuple[int, list[tuple[str, ...]]] | None:
        """Longest form starting at `start`: (length, all forms of its group)."""
        for length in range(min(self.longest, len(folded) - start), 0, -1):
            group = self.groups.get(tuple(folded[start : start + length]))
            if group:
                return length, group
        return None


# --- "did you mean" --------------------------------------------------------------------------


class Readings:
    """The corpus's own accented readings of unaccented syllables (see index.ReadingCounter):
    a small Viterbi over candidate readings, scored by syllable and adjacent-pair counts."""

    CANDIDATES = 16
    SMOOTHING = 2.0  # weight of the unigram estimate in each bigram step

    def __init__(self, counter: ReadingCounter) -> None:
        by_fold: dict[str, list[tuple[str, int]]] = {}
        for surface, count in counter.unigrams.items():
            by_fold.setdefault(fold(surface), []).append((surface, count))
        self.by_fold = {
            k: sorted(v, key=lambda sc: -sc[1])[: self.CANDIDATES] for k, v in by_fold.items()
        }
        self.bigrams = counter.bigrams
        self.unigram_counts = counter.unigrams
        self.total = max(1, sum(counter.unigrams.values()))

    def _logp(self, prev: str | None, surface: str, count: int) -> float:
        unigram = (count + 0.5) / self.total
        if prev is None:
            return math.log(unigram)
        pair = self.bigrams.get(f"{prev} {surface}", 0)
        prev_count = self.unigram_counts.get(prev, 0)
        return math.log((pair + self.SMOOTHING * unigram) / (prev_count + self.SMOOTHING))

    def _candidates(self, folded: str) -> list[tuple[str, int]]:
        return self.by_fold.get(folded) or [(folded, 0)]

    def restore(self, folded: Sequence[str]) -> list[str] | None:
        """The most likely accented reading of a folded syllable sequence, or None when the
        corpus has no dominant one."""
        if not folded or all(f not in self.by_fold for f in folded):
            return None
        # A bigram language model, interpolated with unigrams, decoded with Viterbi:
        # log P(s1) + Σ log P(s_i | s_{i-1}). A syllable the corpus never showed stands for itself.
        best: dict[str, tuple[float, list[str]]] = {
            s: (self._logp(None, s, c), [s]) for s, c in self._candidates(folded[0])
        }
        supported_pairs = 0
        for f in folded[1:]:
            step: dict[str, tuple[float, list[str]]] = {}
            for s, c in self._candidates(f):
                score, path = max(
                    ((sc + self._logp(p[-1], s, c), p) for sc, p in best.values()),
                    key=lambda x: x[0],
                )
                step[s] = (score, [*path, s])
            best = step
        _, path = max(best.values(), key=lambda x: x[0])
        for a, b in pairwise(path):
            if self.bigrams.get(f"{a} {b}", 0):
                supported_pairs += 1
        if len(path) > 1 and not supported_pairs:
            return None
        if len(path) == 1:
            counts = self._candidates(folded[0])
            total = sum(c for _, c in counts)
            if counts[0][1] * 2 < total:
                return None
        return path


# --- the service ---------------------------------------------------------------------------------


class _Generation:
    """What is shared by every thread for one index generation: read-only after loading."""

    def __init__(self, gen: Path) -> None:
        import whoosh.index

        self.path = gen
        self.meta = check_meta(gen)
        self.ix = whoosh.index.open_dir(str(gen))
        self.lock = threading.Lock()

    @cached_property
    def readings(self) -> Readings:
        return Readings(ReadingCounter.load(self.path / "readings.json.gz"))

    @cached_property
    def titles(self) -> list[tuple[str, str, str]]:
        """(folded title, title, id), for search-as-you-type."""
        catalog = Catalog.load(self.path / "catalog.json.gz")
        rows = [(fold(title), title, doc_id) for doc_id, (title, _, _) in catalog.entries.items()]
        rows.sort()
        return rows

    def spelling(self, searcher: Any) -> Callable[[str], list[str]]:
        """Spelling alternatives, remembered for this generation (bounded): the corrector scans
        the lexicon, tens of milliseconds per unknown word."""
        cache = self.__dict__.setdefault("_spelling", {})

        def alternatives(folded: str) -> list[str]:
            found = cache.get(folded)
            if found is None:
                found = spelling_alternatives(searcher, folded)
                if len(cache) >= 20_000:
                    cache.clear()
                cache[folded] = found
            return found

        return alternatives

    def executor(self, searcher: Any) -> Executor:
        with self.lock:
            executor = getattr(self, "_executor", None)
            if executor is None:
                executor = self._executor = Executor(searcher)
            return executor


class SearchService:
    """Thread-safe entry point. Whoosh searchers are not thread-safe (../shared/notes): each
    thread keeps its own, opened once per index generation and reopened only when `vnsearch
    build` has swapped a new generation in. Requests in flight finish on the one they began."""

    def __init__(self, root: Path, abbreviation_files: Sequence[Path] | None = None) -> None:
        self.root = Path(root)
        files = [ABBREVIATIONS_FILE]
        if abbreviation_files:
            files.extend(abbreviation_files)
        elif os.environ.get("VNSEARCH_ABBREVIATIONS"):
            files.append(Path(os.environ["VNSEARCH_ABBREVIATIONS"]))
        self.abbreviations = Abbreviations(files)
        self._lock = threading.Lock()
        self._gen: _Generation | None = None
        self._local = threading.local()

    # generation and searcher management

    def generation(self) -> _Generation:
        gen_path = current_generation(self.root)
        if gen_path is None:
            raise IndexUnavailable(f"no index at {self.root}: run 'vnsearch build' first")
        gen = self._gen
        if gen is None or gen.path != gen_path:
            with self._lock:
                gen = self._gen
                if gen is None or gen.path != gen_path:
                    gen = self._gen = _Generation(gen_path)
        return gen

    def _searcher(self, gen: _Generation) -> Any:
        held = getattr(self._local, "held", None)
        if held is not None and held[0] is gen:
            return held[1]
        if held is not None:
            held[1].close()
        searcher = gen.ix.searcher()
        self._local.held = (gen, searcher)
        return searcher

    # public API

    def search(
        self,
        q: str,
        page: int = 1,
        per_page: int = 10,
        sort: str = "relevance",
        date_from: str | None = None,
        date_to: str | None = None,
        field: str = "all",
    ) -> dict[str, Any]:
        """The search JSON shared by `vnsearch search --json` and GET /api/search."""
        started = time.perf_counter()
        page, per_page = _bounded_page(page, per_page)
        if sort not in SORTS:
            raise InvalidParameter("invalid_sort", f"sort must be one of {', '.join(SORTS)}")
        if field not in FIELD_CHOICES:
            raise InvalidParameter("invalid_field", f"field must be one of {', '.join(FIELD_CHOICES)}")
        date_filter = _date_filter(date_from, date_to)
        gen = self.generation()
        searcher = self._searcher(gen)
        parsed = parse_query(q, FIELD_CHOICES[field])
        response: dict[str, Any] = {
            "query": parsed.text,
            "total": 0,
            "page": page,
            "per_page": per_page,
            "took_ms": 0.0,
            "suggestion": None,
            "facets": {"year": [], "month": []},
            "hits": [],
        }
        if parsed.truncated:
            response["notice"] = f"query cut to {MAX_QUERY_CHARS} characters / {MAX_QUERY_TERMS} terms"
        if not parsed.is_empty:
            spell = gen.spelling(searcher)
            built = _QueryBuilder(parsed, self.abbreviations, spell)
            executor = gen.executor(searcher)
            _, scored = built.query(require_all=True)
            mask, scores = _evaluate(executor, searcher, scored, date_filter)
            if not mask.any() and built.can_relax:  # no article has every word: any word will do
                _, scored = built.query(require_all=False)
                mask, scores = _evaluate(executor, searcher, scored, date_filter)
            total = int(mask.sum())
            response["total"] = total
            response["facets"] = _facets(executor.columns["month"][mask])
            if (page - 1) * per_page < total:  # a page past the end is empty
                docnums = executor.top(mask, scores, sort, page * per_page)[(page - 1) * per_page :]
                response["hits"] = self._hits(searcher, docnums, scores, built)
            response["suggestion"] = self._suggestion(gen, parsed, spell)
        response["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return response

    def article(self, article_id: str) -> dict[str, Any] | None:
        gen = self.generation()
        stored = self._searcher(gen).document(id=article_id)
        return stored["article"] if stored else None

    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
        """Titles whose folded text starts with the folded prefix, then titles with a word
        starting with it: search-as-you-type, diacritic-insensitive."""
        key = fold(normalize_text(prefix or "")).strip()[:MAX_QUERY_CHARS]
        key = " ".join(key.split())
        if not key:
            return []
        limit = max(1, min(limit, SUGGEST_LIMIT))
        titles = self.generation().titles
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        import bisect

        i = bisect.bisect_left(titles, (key,))
        while i < len(titles) and titles[i][0].startswith(key) and len(out) < limit:
            out.append({"id": titles[i][2], "title": titles[i][1]})
            seen.add(titles[i][2])
            i += 1
        if len(out) < limit:
            needle = " " + key
            for folded, title, doc_id in titles:
                if doc_id not in seen and needle in folded:
                    out.append({"id": doc_id, "title": title})
                    if len(out) >= limit:
                        break
        return out

    def highlight_terms(self, q: str) -> set[str]:
        """The folded terms `search(q)` would highlight (abbreviation expansions included,
        excluded terms not), for marking an article opened from a results page:
        `Highlighter(service.highlight_terms(q)).mark_all(text)`."""
        parsed = parse_query(q)
        if parsed.is_empty:
            return set()
        built = _QueryBuilder(parsed, self.abbreviations)
        built.query(require_all=True)  # collects the terms as a side effect
        return built.highlight_terms

    def health(self) -> dict[str, Any]:
        gen = self.generation()
        return {"status": "ok", "documents": gen.meta["documents"], "built_at": gen.meta["built_at"],
                "generation": gen.path.name}

    def collection(self) -> dict[str, Any]:
        meta = self.generation().meta
        return {"documents": meta["documents"], "captions": meta["captions"], "date_range": meta["date_range"],
                "built_at": meta["built_at"]}

    # internals

    def _hits(
        self, searcher: Any, docnums: Sequence[int], scores: Any, built: _QueryBuilder
    ) -> list[dict[str, Any]]:
        highlighter = Highlighter(built.highlight_terms)
        hits = []
        for docnum in docnums:
            article = searcher.stored_fields(docnum)["article"]
            hits.append(
                {
                    "id": article["id"],
                    "title": article["title"],
                    "title_html": highlighter.mark_all(article["title"]),
                    "url": article.get("url"),
                    "published": article.get("published"),
                    "author": article.get("author"),
                    "score": round(float(scores[docnum]), 4),
                    "snippet": highlighter.snippet(article),
                    "captions": highlighter.captions(article),
                }
            )
        return hits

    def _suggestion(
        self, gen: _Generation, parsed: ParsedQuery, spell: Callable[[str], list[str]]
    ) -> dict[str, str] | None:
        tokens = parsed.positive_tokens
        if not tokens or len(tokens) > 8:
            return None
        typed_marks = any(has_marks(t.exact) for t in tokens)
        folded = [t.folded for t in tokens]
        corrected = list(folded)
        changed = [False] * len(folded)
        for i, f in enumerate(folded):
            better = spell(f)
            if better:
                corrected[i], changed[i] = better[0], True
        if typed_marks and not any(changed):
            return None
        reading = gen.readings.restore(corrected)
        words: list[str] = []
        for i, tok in enumerate(tokens):
            if reading is not None and (not typed_marks or changed[i]):
                words.append(reading[i])
            elif changed[i]:
                words.append(corrected[i])
            else:
                words.append(parsed.text[tok.start : tok.end])
        suggestion = " ".join(words)
        if suggestion.lower() == " ".join(t.exact for t in tokens).lower() and not any(changed):
            return None
        if fold(suggestion) == " ".join(folded) and not typed_marks and reading is None:
            return None
        flags = [changed[i] or (not typed_marks and has_marks(w)) for i, w in enumerate(words)]
        return {"text": suggestion, "html": _mark_runs(words, flags)}


def _mark_runs(words: Sequence[str], flags: Sequence[bool]) -> str:
    """Escaped words with each run of flagged ones in a single <mark>: <mark>Đảng ủy Khối</mark>."""
    out: list[str] = []
    run: list[str] = []
    for word, flag in zip(words, flags, strict=True):
        if flag:
            run.append(html.escape(word))
            continue
        if run:
            out.append(f"<mark>{' '.join(run)}</mark>")
            run = []
        out.append(html.escape(word))
    if run:
        out.append(f"<mark>{' '.join(run)}</mark>")
    return " ".join(out)


def _bounded_page(page: int, per_page: int) -> tuple[int, int]:
    try:
        page, per_page = int(page), int(per_page)
    except (TypeError, ValueError):
        raise InvalidParameter("invalid_page", "page and per_page must be whole numbers") from None
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidParameter("invalid_per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
    if page < 1 or page * per_page > MAX_RESULT_WINDOW:
        raise InvalidParameter(
            "invalid_page", f"page must be ≥ 1 and page × per_page ≤ {MAX_RESULT_WINDOW}"
        )
    return page, per_page


def _parse_day(value: str | None, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidParameter("invalid_date", f"{name} must be a date like 2021-11-05") from None


def _date_filter(date_from: str | None, date_to: str | None) -> Any:
    start, end = _parse_day(date_from, "from"), _parse_day(date_to, "to")
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        raise InvalidParameter("invalid_date", "from must not be after to")
    # Undated articles are stored as published=0, so the range starts at 1 even for an early
    # `from` (it used to take them in); a `to` before 1970 thus matches nothing (it used to
    # raise "from must not be after to" with no `from` given).
    lo = max(1, int(datetime(start.year, start.month, start.day, tzinfo=VIETNAM).timestamp())) if start else 1
    hi = (
        int(datetime(end.year, end.month, end.day, tzinfo=VIETNAM).timestamp()) + 86399
        if end
        else 2**62 - 1
    )
    if lo > hi:
        return wq.NullQuery
    return wq.NumericRange("published", lo, hi)


def _evaluate(executor: Executor, searcher: Any, q: Any, date_filter: Any) -> tuple[Any, Any]:
    mask, scores = executor.evaluate(q, searcher)
    if date_filter is not None:
        mask &= executor.evaluate(date_filter, searcher)[0]
    return mask, scores


def _facets(months: Any) -> dict[str, list[dict[str, Any]]]:
    """Counts by year and month of the matched articles (undated ones are not counted)."""
    values, counts = np.unique(months[months > 0], return_counts=True)
    by_month = dict(zip(values.tolist(), counts.tolist(), strict=True))
    by_year: Counter[int] = Counter()
    for ym, n in by_month.items():
        by_year[ym // 100] += n
    months_desc = sorted(by_month.items(), reverse=True)
    return {
        "year": [{"value": str(y), "count": n} for y, n in sorted(by_year.items(), reverse=True)],
        "month": [{"value": f"{ym // 100}-{ym % 100:02d}", "count": n} for ym, n in months_desc],
    }


def _document_frequency(searcher: Any, folded: str) -> int:
    return sum(searcher.doc_frequency(part, folded) for part in PARTS)


SPELLING_ALTERNATIVES = 3


def spelling_alternatives(searcher: Any, folded: str) -> list[str]:
    """For a word found nowhere in the index, the indexed words within edit distance 1 (2 for
    long words), most frequent first; for a known word, nothing. The first letter is trusted."""
    if not folded.isalpha() or _document_frequency(searcher, folded):
        return []
    maxdist = 1 if len(folded) <= 5 else 2
    candidates: set[str] = set()
    for part in ("body", "title"):
        candidates.update(searcher.corrector(part).suggest(folded, limit=5, maxdist=maxdist, prefix=1))
    ranked = sorted(candidates, key=lambda c: (-_document_frequency(searcher, c), c))
    return ranked[:SPELLING_ALTERNATIVES]


# --- query building --------------------------------------------------------------------------


def _memo(fn: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    cache: dict[str, list[str]] = {}

    def cached(key: str) -> list[str]:
        if key not in cache:
            cache[key] = fn(key)
        return cache[key]

    return cached


class _QueryBuilder:
    def __init__(
        self, parsed: ParsedQuery, abbreviations: Abbreviations, spell: Callable[[str], list[str]] | None = None
    ) -> None:
        self.parsed = parsed
        self.abbreviations = abbreviations
        self.spell = spell
        self.highlight_terms: set[str] = set()
        self.can_relax = False

    def query(self, require_all: bool) -> tuple[Any, Any]:
        """(what must match, the same plus boosts for ranking): counting and facets need only
        the first, which is much cheaper than the scored query."""
        required: list[Any] = []  # AND-ed units (or OR-ed, when relaxing)
        boosts: list[Any] = []
        excluded: list[Any] = []
        pending_or: list[Any] = []
        for clause in self.parsed.clauses:
            if clause.negated:
                excluded.append(self._sequence_query(clause.tokens, clause.parts))
                continue
            units, clause_boosts = self._clause(clause)
            boosts.extend(clause_boosts)
            if clause.or_next or pending_or:
                pending_or.append(wq.And(units) if len(units) > 1 else units[0])
                if not clause.or_next:
                    required.append(wq.Or(pending_or))
                    pending_or = []
                continue
            required.extend(units)
        if pending_or:
            required.append(wq.Or(pending_or))
        self.can_relax = len(required) > 1
        if require_all or len(required) == 1:
            core = wq.And(required) if len(required) > 1 else required[0]
        else:
            core = wq.Or(required)
        if excluded:
            core = wq.AndNot(core, wq.Or(excluded))
        scored = wq.AndMaybe(core, wq.Or(boosts)) if boosts else core
        return core, scored

    def _clause(self, clause: Clause) -> tuple[list[Any], list[Any]]:
        tokens = [t for t in clause.tokens if not t.alias]
        aliases = {t.position: t for t in clause.tokens if t.alias}
        parts = clause.parts
        boosts: list[Any] = []
        # A word found nowhere in the index also matches its likely intended spellings.
        spelled = {
            t.position: [t.folded, *(self.spell(t.folded) if self.spell and not clause.phrase else [])]
            for t in tokens
        }
        for tok in tokens:
            self.highlight_terms.update(spelled[tok.position])
            if tok.exact != tok.folded:
                boosts.append(_any_field(parts, "_ex", tok.exact, EXACT_WEIGHT))
        for a, b in pairwise(tokens):
            if b.joined:
                for x in spelled[a.position]:
                    for y in spelled[b.position]:
                        boosts.append(_any_field(parts, "_bi", f"{x} {y}", BIGRAM_WEIGHT))
        if clause.phrase:
            return [self._sequence_query(tokens, parts)], boosts
        units: list[Any] = []
        folded = [t.folded for t in tokens]
        i = 0
        while i < len(tokens):
            found = self.abbreviations.match(folded, i)
            if found:
                length, forms = found
                alternatives = []
                for form in forms:
                    self.highlight_terms.update(form)
                    alternatives.append(self._folded_sequence(form, parts, exact=False))
                units.append(wq.Or(alternatives))
                i += length
                continue
            tok = tokens[i]
            alias = aliases.get(tok.position)
            forms = spelled[tok.position]
            unit = _any_field(parts, "", tok.folded, 1.0)
            if len(forms) > 1:
                unit = wq.Or([_any_field(parts, "", form, 1.0) for form in forms])
            if alias is not None:  # "TP.HCM": the parts in order, or the joined "tphcm"
                span = [t for t in tokens[i:] if t.start < alias.end]
                self.highlight_terms.add(alias.folded)
                joined = _any_field(parts, "", alias.folded, 1.0)
                units.append(wq.Or([self._sequence_query(span, parts), joined]))
                i += len(span)
                continue
            units.append(unit)
            i += 1
        return units, boosts

    def _sequence_query(self, tokens: Sequence[Syllable], parts: Sequence[str]) -> Any:
        return self._folded_sequence(tuple(t.folded for t in tokens if not t.alias), parts)

    def _folded_sequence(self, folded: Sequence[str], parts: Sequence[str], exact: bool = True) -> Any:
        """A phrase. Two syllables are exactly one bigram term, far cheaper than positions;
        longer phrases intersect their bigrams first and, when `exact` (a quoted phrase: a
        promise of word order), check positions only there."""
        if len(folded) == 1:
            return _any_field(parts, "", folded[0], 1.0)
        pairs = [f"{a} {b}" for a, b in pairwise(folded)]
        per_part = []
        for p in parts:
            chain = [wq.Term(f"{p}_bi", pair, boost=FIELD_WEIGHTS[p]) for pair in pairs]
            if exact and len(folded) > 2:
                chain.append(wq.Phrase(p, list(folded), boost=0.0))
            per_part.append(wq.And(chain) if len(chain) > 1 else chain[0])
        return wq.Or(per_part) if len(per_part) > 1 else per_part[0]


def _any_field(parts: Sequence[str], suffix: str, text: str, weight: float) -> Any:
    terms = [wq.Term(p + suffix, text, boost=FIELD_WEIGHTS[p] * weight) for p in parts]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


# --- snippets and highlighting -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")


class Highlighter:
    """Marks query terms in original text. Everything but our own <mark> tags is escaped."""

    def __init__(self, folded_terms: set[str]) -> None:
        self.terms = folded_terms

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        return [(t.start, t.end, t.folded) for t in tokenize(text) if t.folded in self.terms and not t.alias]

    def mark(self, text: str, matches: list[tuple[int, int, str]], lo: int = 0, hi: int | None = None) -> str:
        hi = len(text) if hi is None else hi
        out: list[str] = []
        pos = lo
        spans = _merge_spans([(s, e) for s, e, _ in matches if s >= lo and e <= hi], text)
        for s, e in spans:
            out.append(html.escape(text[pos:s]))
            out.append(f"<mark>{html.escape(text[s:e])}</mark>")
            pos = e
        out.append(html.escape(text[pos:hi]))
        return "".join(out)

    def mark_all(self, text: str) -> str:
        return self.mark(text, self._matches(text))

    def snippet(self, article: dict[str, Any], limit: int = SNIPPET_CHARS) -> str:
        """The sentence with the most distinct query terms (earliest wins ties), widened with
        its neighbours up to `limit` characters, cut at word boundaries."""
        best: tuple[int, int, int] | None = None  # (-distinct, -count, order)
        best_text, best_span, best_matches = "", (0, 0), []
        blocks = [article.get("lead") or "", *(article.get("paragraphs") or [])]
        order = 0
        for block in blocks:
            if not block:
                continue
            block = block[:SNIPPET_SCAN_CHARS]  # a 1 MB paragraph must not cost seconds per hit
            matches = self._matches(block)
            for s, e in _sentences(block):
                inside = [m for m in matches if m[0] >= s and m[1] <= e]
                key = (-len({m[2] for m in inside}), -len(inside), order)
                order += 1
                if best is None or key < best:
                    best, best_text, best_span, best_matches = key, block, (s, e), matches
        if best is None:
            return ""
        s, e = _widen(best_text, best_span, limit, best_matches)
        prefix = "… " if s > 0 else ""
        suffix = " …" if e < len(best_text) else ""
        return prefix + self.mark(best_text, best_matches, s, e) + suffix

    def captions(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        """Captions holding at least half of the distinct query terms (at least one), best first."""
        scored = []
        for index, cap in enumerate(article.get("captions") or []):
            cap = {**cap, "text": cap["text"][:SNIPPET_SCAN_CHARS]}
            matches = self._matches(cap["text"])
            distinct = len({m[2] for m in matches})
            if distinct:
                scored.append((distinct, index, cap, matches))
        if not scored:
            return []
        need = max(1, math.ceil(min(len(self.terms), max(d for d, *_ in scored)) / 2))
        scored = [s for s in scored if s[0] >= need]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [
            {"index": index, "position": cap["position"], "html": self.mark(cap["text"], matches)}
            for _, index, cap, matches in scored[:MAX_CAPTIONS_SHOWN]
        ]


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _widen(text: str, span: tuple[int, int], limit: int, matches: list[tuple[int, int, str]]) -> tuple[int, int]:
    s, e = span
    if e - s > limit:
        inside = [m for m in matches if m[0] >= s and m[1] <= e]
        centre = inside[0][0] if inside else s
        s = max(s, centre - limit // 4)
        e = min(e, s + limit)
    else:
        room = limit - (e - s)
        e = min(len(text), e + room)
        if e - s < limit and s > 0:
            s = max(0, s - (limit - (e - s)))
    # cut at word boundaries (never inside a syllable)
    if s > 0:
        while s < len(text) and not text[s - 1].isspace():
            s += 1
    if e < len(text):
        while e > s and not text[e].isspace():
            e -= 1
    return s, e


def _merge_spans(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Adjacent marked syllables separated only by spaces become one mark: <mark>Đảng ủy</mark>."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and (s <= merged[-1][1] or text[merged[-1][1] : s].strip(" ") == ""):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged
