"""Search: the one service behind the CLI, the JSON API and the web pages.

It ties together query understanding (`indexer.query`), ranking (`indexer.ranking`, executed
by `indexer.matching`, the best re-ranked by `indexer.proximity`), snippets
(`indexer.snippets`) and "did you mean" (`indexer.didyoumean`), and owns what is per request:
pages, facets, and one Whoosh searcher per thread and index generation. What a request may
ask for is checked by `indexer.parameters`.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from indexer import proximity, ranking
from indexer.analysis import fold_quick, has_marks
from indexer.completions import SLIP_WORDS, SUGGEST_LIMIT, complete, complete_mended, typed_text, typos_read
from indexer.didyoumean import did_you_mean, plain_spellings, reading_spellings
from indexer.forward import WORD, printed_phrase_in, printed_words, searchable_blocks, searchable_text
from indexer.generations import current_link, linked_generation
from indexer.index import IndexUnavailable, no_index
from indexer.matching import Executor
from indexer.meanings import interpret, unquote_found_nowhere
from indexer.parameters import checked_choices, checked_page, date_filter_of
from indexer.proximity import proximity_rerank
from indexer.query import (
    ABBREVIATIONS_FILE,
    FIELD_ALIASES,
    FIELD_CHOICES,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    Abbreviations,
    Clause,
    ParsedQuery,
    parse_query,
)
from indexer.ranking import QueryBuilder
from indexer.restoration import Restorer
from indexer.results_cache import ResultsCache, configured_bytes
from indexer.schema import PARTS, stored_article
from indexer.served import Generation, Searchers
from indexer.snippets import SNIPPET_CHARS, Highlighter, Marks
from indexer.spacing import split_glued
from indexer.stored import StoredFields
from indexer.support import IndexSupport
from indexer.titles import title_key
from indexer.word_meaning import Meaning

T = TypeVar("T")
_log = logging.getLogger(__name__)

__all__ = [
    "ABBREVIATIONS_FILE", "FIELD_ALIASES", "FIELD_CHOICES", "MAX_QUERY_CHARS", "MAX_QUERY_TERMS",
    "SNIPPET_CHARS", "SUGGEST_LIMIT", "Abbreviations", "Clause", "Highlighter",
    "ParsedQuery", "SearchService", "parse_query",
]

WATCH_SECONDS = 10.0  # a served process looks for a new generation this often, requests or not (`warm`)
CONTEXT_HITS = 3  # the hits whose titles and snippets "did you mean" reads (`_context`), on any page: 3 restores
# more than 5, 10 or a page of hits (keywords and two fresh sets, news-2k and news-50k;
# bench/journal/relevance.md, stop 47)


# --- the service ---------------------------------------------------------------------------------


class _StoredArticles:
    """The stored articles one request reads, each unpickled once (the proximity re-rank and
    the hits want the same ones); from the generation's mapped columns when given."""

    def __init__(self, searcher: Any, stored: StoredFields | None = None) -> None:
        self.searcher = searcher
        self._stored = stored
        self._read: dict[int, dict[str, Any]] = {}
        self._texts: dict[int, str] = {}
        self._folded: dict[int, str] = {}
        self._parts: dict[int, list[str] | None] = {}  # `_folded_parts`, cut once
        self._words: dict[int, tuple[list[str], list[str]]] = {}  # `printed_phrase`'s, split once

    def get(self, docnum: int) -> dict[str, Any]:
        article = self._read.get(docnum)
        if article is None:
            stored = self._stored
            fields = stored.get(self.searcher, docnum) if stored is not None else self.searcher.stored_fields(docnum)
            article = self._read[docnum] = fields["article"]
        return article

    def searchable_text(self, docnum: int) -> str:
        """Title, lead, paragraphs and captions, for proximity (joined once per request)."""
        text = self._texts.get(docnum)
        if text is None:
            text = self._texts[docnum] = searchable_text(self.get(docnum))
        return text

    def printed_phrase(
        self, readings: Sequence[tuple[str, ...]], spellings: Sequence[tuple[str, ...] | None], docnums: Any
    ) -> np.ndarray:
        """`ForwardIndex.printed_phrase` read in the stored text, for an index without forward
        files (each article's text split once per request, however many pairs ask)."""
        return np.array([printed_phrase_in(self._printed_words(d), readings, spellings) for d in docnums], dtype=bool)

    def _printed_words(self, docnum: int) -> tuple[list[str], list[str]]:
        words = self._words.get(docnum)
        if words is None:
            words = self._words[docnum] = printed_words(self.searchable_text(docnum))
        return words

    def folded_text(self, docnum: int) -> str:
        """`searchable_text` folded (`fold_quick`), once per request: snippets read its lead
        and paragraphs (`folded_blocks`), proximity reads it whole when the index has no
        forward files (`indexer.forward`)."""
        folded = self._folded.get(docnum)
        if folded is None:
            folded = self._folded[docnum] = fold_quick(self.searchable_text(docnum))
        return folded

    def folded_title(self, docnum: int) -> str | None:
        """The title, folded, cut from `folded_text` (None when folding changed the text's
        length)."""
        parts = self._folded_parts(docnum)
        return None if parts is None else parts[0]

    def folded_blocks(self, docnum: int) -> list[str] | None:
        """The lead and each paragraph, folded, cut from `folded_text` (None when folding
        changed the text's length, so offsets would not line up)."""
        parts = self._folded_parts(docnum)
        return None if parts is None else parts[1 : 2 + len(self.get(docnum).get("paragraphs", []))]

    def _folded_parts(self, docnum: int) -> list[str] | None:
        """`folded_text` cut into the blocks it was joined from (`searchable_blocks`), once per
        request: a hit's title and its blocks are both read from it."""
        if docnum in self._parts:
            return self._parts[docnum]
        folded = self.folded_text(docnum)
        parts = None
        if len(folded) == len(self.searchable_text(docnum)):
            blocks = searchable_blocks(self.get(docnum))
            starts = itertools.accumulate((len(block) + 1 for block in blocks), initial=0)
            parts = [folded[start : start + len(block)] for start, block in zip(starts, blocks, strict=False)]
        self._parts[docnum] = parts
        return parts


def _serving(method: Callable[..., T]) -> Callable[..., T]:
    """A public call of the service: the calling thread's searcher is its own until the call
    returns (`served.Searchers.serving`)."""

    @functools.wraps(method)
    def call(self: SearchService, *args: Any, **kwargs: Any) -> T:
        with self._searchers.serving():
            return method(self, *args, **kwargs)

    return call


class SearchService:
    """Thread-safe entry point. Whoosh searchers are not thread-safe (../shared/notes): each
    thread keeps its own, opened once per index generation and reopened only when `vnsearch
    build` has swapped a new generation in (`served.Searchers`). Requests in flight finish on
    the one they began."""

    def __init__(self, root: Path, abbreviation_files: Sequence[Path] | None = None) -> None:
        self.root = Path(root)
        files = [ABBREVIATIONS_FILE]
        if abbreviation_files:
            files.extend(abbreviation_files)
        elif os.environ.get("VNSEARCH_ABBREVIATIONS"):
            files.append(Path(os.environ["VNSEARCH_ABBREVIATIONS"]))
        self.abbreviations = Abbreviations(files)
        self._lock = threading.Lock()
        self.warm_models = False  # load each new generation's models in a background thread
        self._watching = False  # a thread looks for new generations (`warm`)
        self._current: tuple[str, Generation] | None = None  # (the `current` link's text, its generation)
        self._searchers = Searchers(lambda: self._current[1] if self._current is not None else None)
        self.results = ResultsCache(configured_bytes())

    # generation and searcher management

    def generation(self) -> Generation:
        """The generation `current` points at, asked on every request: while the link's text is
        the one last seen and its folder is there, the generation it named (two system calls);
        otherwise resolved and, if it is another, opened."""
        link = current_link(self.root)
        current = self._current
        if current is not None and link == current[0] and current[1].path.is_dir():
            return current[1]
        gen_path = linked_generation(self.root, link) if link is not None else None
        if gen_path is None:
            raise no_index(self.root, link)
        with self._lock:
            current = self._current
            gen = current[1] if current is not None else None
            if gen is None or gen.path != gen_path:
                gen = Generation(gen_path)
                self.results.clear()  # answers of the old generation are never asked for again
                if self.warm_models:
                    gen.warming = True  # before the thread starts: no request sees models half-loaded
                    threading.Thread(target=gen.warm, name="vnsearch-warm", daemon=True).start()
            swapped = current is not None and current[1] is not gen
            self._current = (link, gen)
        if swapped:
            self._searchers.release_idle(gen)
        return gen

    def warm(self) -> None:
        """Open the current generation now and load its models in the background, so the first
        request does not pay for them (`vnsearch serve` calls this as each worker starts); then
        look for a new one every WATCH_SECONDS, requests or not: a worker that served none after
        a rebuild held the old generation's files, and their disk space, until its next request
        (bug hunt 78), and that request paid for the new one's models."""
        self.warm_models = True
        with contextlib.suppress(IndexUnavailable):
            self.generation()
        with self._lock:
            watching, self._watching = self._watching, True
        if not watching:
            threading.Thread(target=_watch, args=(weakref.ref(self),), name="vnsearch-watch", daemon=True).start()

    def _searcher(self, gen: Generation) -> Any:
        """This thread's Whoosh searcher on `gen` (`served.Searchers`)."""
        return self._searchers.get(gen)

    # public API

    @_serving
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
        """The search JSON shared by `vnsearch search --json` and GET /api/search. A search
        asked before on this generation is answered from `self.results` (see results_cache)."""
        started = time.perf_counter()
        page, per_page = checked_page(page, per_page)
        checked_choices(sort, field)
        date_filter = date_filter_of(date_from, date_to)
        gen = self.generation()
        key = (gen.path.name, q, page, per_page, sort, date_from, date_to, field)
        kept = self.results.get(key)
        if kept is not None:
            kept["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
            return kept
        complete = not gen.warming  # models loaded, or loaded on demand: the answer is whole
        response = self._search(gen, q, page, per_page, sort, date_filter, field)
        if complete:
            self.results.put(key, response)
        response["took_ms"] = round((time.perf_counter() - started) * 1000, 2)
        return response

    def _search(
        self, gen: Generation, q: str, page: int, per_page: int, sort: str, date_filter: Any, field: str
    ) -> dict[str, Any]:
        """The search itself (`search` without the cache)."""
        searcher = self._searcher(gen)
        parsed = parse_query(q, FIELD_CHOICES[field])
        response: dict[str, Any] = {
            "query": parsed.searched_text,
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
            parsed, built, meanings, support = self._understood(parsed, gen)
            executor = gen.executor(searcher)
            found_by: ranking.Relaxed = None  # how the query was loosened to match
            # The dates first: every attempt is read in their range alone, and none where it
            # holds no article (each attempt checked its phrases across the archive, to be
            # cut to an empty range after: 20 s for a query of comma-parted exclusions, bug hunt 87)
            dated = None if date_filter is None else executor.evaluate(date_filter, searcher)[0]
            no_day = dated is not None and not dated.any()
            mask, scores = np.zeros(executor.n, dtype=bool), np.zeros(executor.n, dtype=np.float32)
            for (_, scored), relaxed in built.attempts():
                if no_day:
                    continue  # (built all the same: what it notes, the words no article holds, is told)
                mask, scores = executor.evaluate(scored, searcher, dated)
                if mask.any():
                    found_by = relaxed
                    break
            if found_by == "partial":  # the user is told the hits hold only some of the words
                response["partial"] = True
            total = int(mask.sum())
            response["total"] = total
            response["facets"] = _facets(executor.columns["month"][mask])
            hits: list[dict[str, Any]] = []
            shown: list[_Shown] = []
            context: list[str] = []
            highlighter = None
            if total:
                articles = _StoredArticles(searcher, gen.stored(searcher))  # read once, for proximity and hits
                first = (page - 1) * per_page
                wanted = page * per_page if first < total else 0  # a page past the end is empty
                about = None
                if sort != "relevance" and (pairs := built.pairs_typed()) is not None:
                    about = mask & executor.evaluate(pairs, searcher)[0]
                ranked = self._ranked(gen, executor, mask, scores, sort, max(wanted, CONTEXT_HITS), built, articles,
                                      about)
                highlighter = built.highlight.highlighter()  # what `built.query()` collected
                on_page = ranked[first:wanted]
                parts = parsed.searched_parts()
                hits, shown = self._hits(articles, on_page, highlighter, "lead" in parts and "body" not in parts)
                marked = dict(zip((d for d, _ in on_page), shown, strict=True))
                # "did you mean" reads the best hits, whatever the order asked for: sorted newest,
                # `da nang` was offered "đa năng", and the hits marked so (bug hunt 70)
                best = ranked
                if sort != "relevance":
                    best = self._ranked(gen, executor, mask, scores, "relevance", CONTEXT_HITS, built, articles)
                context = _context(articles, best[:CONTEXT_HITS], marked, highlighter)
            suggestion = did_you_mean(parsed, meanings, support, gen.model("restorer"), context)
            if highlighter is not None:  # marked once the reading is known
                highlighter = _as_read(highlighter, parsed, meanings, gen.model("restorer"), lambda: suggestion)
                source = gen.forward.printed_phrase if gen.forward is not None else articles.printed_phrase
                for (docnum, _), hit, marks in zip(on_page, hits, shown, strict=True):
                    prints = functools.partial(_prints_as_asked, highlighter.exact, docnum, source)
                    _render(hit, marks, highlighter, parts, prints)
            response["hits"], response["suggestion"] = hits, suggestion
            # (not a pasted passage's: its codes, numbers and names an archive lacks say little)
            absent = dict.fromkeys(parsed.text[t.start : t.end] for t in built.absent)
            if absent and len(parsed.positive_tokens) < ranking.PASSAGE_WORDS:
                response["absent"] = list(absent)
            unquoted = [*parsed.unquoted, *(parsed.quoted_phrases() if found_by == "unquoted" else ())]
            if unquoted:
                response["unquoted"] = list(dict.fromkeys(unquoted))
        return response

    @_serving
    def article(self, article_id: str) -> dict[str, Any] | None:
        """The stored article of an id as `canonical_id` reads it (None: no such article)."""
        return stored_article(self._searcher(self.generation()), article_id)

    def titled(self, title: str) -> str | None:
        """The id of an article titled exactly `title`, if the archive holds one: a related-news
        item that is one links to it, not to a search for its words (`webui.pages.article`)."""
        wanted = " ".join(title.split())
        if not wanted:
            return None
        return next((t["id"] for t in self.generation().titles.suggest(title_key(wanted), 10) if t["title"] == wanted),
                    None)

    @_serving
    def suggest(self, prefix: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
        """Search-as-you-type: up to `limit` titles completing `prefix` (`indexer.completions`);
        where none does, the words typed with a slip mended (`completions.complete_mended`), as
        search reads them (`_understood`) and in the spellings nearest them."""
        gen = self.generation()
        found = complete(gen.titles, prefix, limit)
        typed = typed_text(prefix)
        if found or not 0 < len(typed.split()) <= SLIP_WORDS:
            return found
        parsed, _, meanings, support = self._understood(parse_query(typed), gen, matched=False)
        return complete_mended(gen.titles, typed, typos_read(parsed, meanings), gen.model("typo_index"), support.df,
                               limit)

    @_serving
    def highlighter(self, q: str) -> Highlighter:
        """What `search(q)` highlights (abbreviation expansions included, excluded terms not,
        marks typed kept, a query typed without marks marked as it was read), for marking an
        article opened from a results page: `service.highlighter(q).mark_all(text)`. The
        reading is that of the results page (`search(q)`, most often from its cache)."""
        parsed = parse_query(q)
        if parsed.is_empty:
            return Highlighter(set())
        gen = self.generation()
        parsed, built, meanings, _ = self._understood(parsed, gen)
        built.query()  # collects the terms as a side effect

        def results_page() -> dict[str, str] | None:  # the results page's reading, asked for only where needed
            return self.search(q)["suggestion"]

        return _as_read(built.highlight.highlighter(), parsed, meanings, gen.model("restorer"), results_page)

    def _understood(
        self, parsed: ParsedQuery, gen: Generation, matched: bool = True
    ) -> tuple[ParsedQuery, QueryBuilder, dict[int, Meaning], IndexSupport]:
        """The query as read against the index (words spaced otherwise than the archive prints
        them: `spacing.split_glued`; a quoted phrase that can match nowhere
        unquoted: `unquote_found_nowhere`), and the query builder for what the
        user meant (keyboard-off input decoded, typos), as `search` ranks it and `highlighter`
        marks it; not `matched`, the words as read only (`meanings.interpret`)."""
        searcher = self._searcher(gen)
        support = IndexSupport(searcher, gen.executor(searcher), gen.forward.printed_phrase if gen.forward else None)
        typo_index = gen.model("typo_index")
        # asked once: while the models warm up, a second ask may find the restorer loaded, and
        # the query would be read without it and built with it
        restorer = gen.model("restorer")
        parsed = unquote_found_nowhere(split_glued(parsed, support, typo_index), support)
        meanings = interpret(parsed, parsed.text, support, typo_index, restorer, self.abbreviations.listed, matched)
        built = QueryBuilder(parsed, self.abbreviations, meanings, support.df, restorer, support.documents)
        return parsed, built, meanings, support

    def health(self) -> dict[str, Any]:
        """The served index, and whether this process is still loading its "did you mean"
        models (`warming`: answers come at once, without spelling help, until it is false)."""
        gen = self.generation()
        return {"status": "ok", "documents": gen.meta["documents"], "built_at": gen.meta["built_at"],
                "generation": gen.path.name, "warming": gen.warming}

    def collection(self) -> dict[str, Any]:
        meta = self.generation().meta
        return {"documents": meta["documents"], "captions": meta["captions"], "date_range": meta["date_range"],
                "built_at": meta["built_at"]}

    # internals

    def _ranked(
        self,
        gen: Generation,
        executor: Executor,
        mask: Any,
        scores: Any,
        sort: str,
        limit: int,
        built: QueryBuilder,
        articles: _StoredArticles,
        about: Any = None,
    ) -> list[tuple[int, float]]:
        """(docnum, score) of the best `limit` matches; by relevance, the first RERANK_DEPTH
        re-ranked by proximity (see indexer.proximity), from the forward index where the
        generation has one (the stored articles are then read only for the hits shown). By
        date, the matches `about` the query first (those that hold two of the words typed side
        by side: `QueryBuilder.pairs_typed`), then the others: without the relevance order, a
        query's words found apart filled the first page (bug hunt 70); dropping them lost an
        OR's other side and every article a chance adjacency left out (bug hunt 71)."""
        if sort != "relevance":
            about = mask if about is None else about
            first = executor.top(about, scores, sort, limit)
            rest = executor.top(mask & ~about, scores, sort, limit - len(first)) if len(first) < limit else []
            return [(d, float(scores[d])) for d in (*first, *rest)]
        forward = gen.forward
        # a short query's pairs typed with marks, where printed so (proximity.PRINTED_PAIR_WEIGHT),
        # and not where printed otherwise (PRINTED_AS_TYPED_SHARE); a pair across two words, not
        # where they do not stand side by side; not a question's or a letter's: its answer need
        # not print them. A short query printed whole, in a row (proximity.WHOLE_QUERY_WEIGHT).
        held_to_marks = built.printed_runs and built.reads_printing
        whole = built.whole_query
        wide = executor.top(mask, scores, sort, proximity.PRINTED_PAIR_DEPTH) if held_to_marks or whole else []
        if wide:
            docs = np.array(sorted(wide), dtype=np.int64)
            printed_phrase = forward.printed_phrase if forward is not None else articles.printed_phrase
            if held_to_marks:
                printed = proximity.pairs_printed(built.printed_runs, docs, printed_phrase)
                scores = proximity.with_printed_pairs(scores, wide, docs, printed)
                pair_scores = [None if boost is None else executor.scored(boost, articles.searcher)
                               for boost in built.printed_run_boosts]
                scores = proximity.without_pairs_printed_otherwise(
                    scores, docs, printed, built.printed_runs, pair_scores, printed_phrase)
            if whole:
                held = printed_phrase(whole, [None] * len(whole), docs)
                scores = proximity.with_whole_query(scores, wide, docs, held)
        docnums = executor.top(mask, scores, sort, max(limit, proximity.RERANK_DEPTH))
        depth = proximity.RERANK_DEPTH
        rare = None
        if built.long:  # the rarity-weighted window (indexer.proximity); df from the lists just read
            searcher = articles.searcher
            rare = proximity.rarity_weights(
                built.proximity_terms,
                lambda word: executor.articles_with(PARTS, built.indexed_as.get(word, word), searcher),
                executor.n,
            )
        sequence = built.sequence if built.long else None  # the opening in order (lead_order)
        hits_of = forward.query(built.proximity_terms).hits if forward is not None else None
        head = proximity_rerank(
            docnums[:depth], scores, articles.folded_text, built.proximity_terms, rare, sequence, hits_of,
            built.number_pairs, built.aliases, built.window_weight, built.proximity_groups,
        )
        return [*head, *((d, float(scores[d])) for d in docnums[depth:])][:limit]

    @staticmethod
    def _hits(
        articles: _StoredArticles, ranked: Sequence[tuple[int, float]], highlighter: Highlighter,
        lead_only: bool = False,
    ) -> tuple[list[dict[str, Any]], list[_Shown]]:
        """The hits as the API shows them, not yet marked (`_render`), and where the query
        terms stand in each one's title, snippet and captions; the snippet from the lead alone
        where `lead_only` (`field=lead`: a paragraph's marked words were none the search read)."""
        hits = []
        shown: list[_Shown] = []
        for docnum, score in ranked:
            article = articles.get(docnum)
            hits.append(
                {
                    "id": article["id"],
                    "title": article["title"],
                    "title_html": "",
                    "url": article.get("url"),
                    "published": article.get("published"),
                    "author": article.get("author"),
                    "score": round(score, 4),
                    "snippet": "",
                    "captions": [],
                }
            )
            title, snippet = _title_and_snippet(articles, docnum, highlighter, lead_only)
            shown.append((title, snippet, highlighter.caption_marks(article)))
        return hits, shown


def _watch(service_ref: weakref.ref[SearchService]) -> None:
    """`generation()` every WATCH_SECONDS (a daemon thread, `SearchService.warm`): it swaps to a
    new generation and lets idle threads' searchers on the old one go (`Searchers.release_idle`).
    Until the service is gone, whatever fails: a damaged generation raised Whoosh's own errors,
    which ended the watch for good (bug hunt 84)."""
    while True:
        time.sleep(WATCH_SECONDS)
        service = service_ref()
        if service is None:
            return
        try:
            service.generation()
        except IndexUnavailable:
            pass
        except Exception as exc:  # said, and tried again (requests see it too)
            _log.warning("vnsearch: looking for a new index generation failed: %s", repr(exc))
        del service  # (not held while sleeping: the service may be let go)


def _context(
    articles: _StoredArticles, first: Sequence[tuple[int, float]], shown: dict[int, _Shown], highlighter: Highlighter
) -> list[str]:
    """The titles and snippets of the first CONTEXT_HITS hits, in plain text: what "did you mean"
    reads the query's words in. The same hits whatever page is asked for and however long it is,
    so the suggestion does not change from page to page (it did: "xe hco do chu" was "Xe chở do
    chủ" on the first page, "xe chở đó chủ" on the second). Hits on the page are not marked twice."""
    context: list[str] = []
    for docnum, _ in first:
        title, snippet = shown[docnum][:2] if docnum in shown else _title_and_snippet(articles, docnum, highlighter)
        context += [title.text, snippet.plain if snippet else ""]
    return context


def _title_and_snippet(
    articles: _StoredArticles, docnum: int, highlighter: Highlighter, lead_only: bool = False
) -> tuple[Marks, Marks | None]:
    """Where the query terms stand in a hit's title and in its snippet (from its lead alone
    where `lead_only`)."""
    article = articles.get(docnum)
    blocks = articles.folded_blocks(docnum)
    if lead_only:
        article = {**article, "paragraphs": []}
        blocks = blocks[:1] if blocks is not None else None
    return (
        highlighter.all_marks(article["title"], articles.folded_title(docnum)),
        highlighter.snippet_marks(article, folded_blocks=blocks),
    )


def _as_read(
    highlighter: Highlighter,
    parsed: ParsedQuery,
    meanings: dict[int, Meaning],
    restorer: Restorer | None,
    suggestion: Callable[[], dict[str, str] | None],
) -> Highlighter:
    """`highlighter` marking the query's plain words as they were read, so that the results
    page and the article page mark the same: in a query given marks, as typed where the
    restoration model reads them plain beside those marks (`plain_spellings`); in one typed
    without any, as "did you mean" read them (`reading_spellings`; `suggestion`, the
    results page's, is asked for only then)."""
    spellings = plain_spellings(parsed, meanings, restorer)
    if not spellings and not any(has_marks(t.exact) for t in parsed.positive_tokens):
        spellings = reading_spellings(parsed, suggestion())
    return highlighter.reading(spellings) if spellings else highlighter


_Shown = tuple[Marks, Marks | None, list[tuple[dict[str, Any], Marks]]]  # a hit's title, snippet, captions


def _prints_as_asked(
    exact: Mapping[str, frozenset[str]], docnum: int, printed_phrase: Callable[..., Any], term: str
) -> bool:
    """Whether article `docnum` prints `term`, asked for with marks (`Highlighter.exact`), in a
    spelling asked, anywhere (`ForwardIndex.printed_phrase`, one word)."""
    if not WORD.fullmatch(term):  # ("4.000" is several words to the forward index)
        return False
    return bool(printed_phrase([(term,)], [tuple(exact[term])], np.array([docnum]))[0])


def _render(
    hit: dict[str, Any], shown: _Shown, highlighter: Highlighter, parts: Sequence[str] = PARTS,
    prints: Callable[[str], bool] | None = None,
) -> None:
    """A hit's title, snippet and captions as marked HTML, read as one text
    (`Highlighter.within_shown`, where `prints` says which terms asked with marks its article
    prints as asked); only the `parts` searched are marked (`field=caption` marked words of a
    snippet of the body, which was not searched)."""
    title, snippet, captions = shown
    if "title" not in parts:
        title = title._replace(matches=[])
    if snippet is not None and not {"lead", "body"} & set(parts):
        snippet = snippet._replace(matches=[])
    if "caption" not in parts:
        captions = [(info, m._replace(matches=[])) for info, m in captions]
    highlighter = highlighter.within_shown([title, *([snippet] if snippet else []), *(m for _, m in captions)],
                                           prints)
    hit["title_html"] = highlighter.render(title)
    hit["snippet"] = highlighter.render(snippet)
    hit["captions"] = [{**info, "html": highlighter.render(m)} for info, m in captions]


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
