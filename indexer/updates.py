"""Changing the index without a full build: articles added or replaced by id
(`update_index`), or deleted by id (`delete_articles`: a retraction, a takedown).

A change never touches the generation being served. Its files are hard-linked into a new
generation (Whoosh never rewrites a file in place), the change goes through Whoosh's own writer
there, the sidecars and models are written afresh (`index.finish_generation`), and the new
generation is swapped in like a full build's. A deletion that must leave no trace in the word
statistics (`expunge`) is a full build instead, from the index's own stored articles.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import whoosh.index

from indexer.generations import BuildFailed, build_lock, generation_in_progress
from indexer.index import (
    BuildReport,
    ProgressFn,
    current_meta,
    finish_generation,
    open_generation,
    require_articles,
    write_generation,
)
from indexer.ingest import IngestReport
from indexer.input_files import iter_articles
from indexer.model import Article
from indexer.schema import WRITER_OPTIONS, document_fields, stored_article
from indexer.sidecars import Catalog, ReadingCounter

SIDECARS = ("meta.json", "readings.json.gz", "catalog.json.gz")
# per-segment copies in layouts no longer read (flat postings before stop 25, forward words
# before stop 25): an update does not carry them into its generation, it writes today's
RETIRED_LAYOUTS = (".pfl1.", ".fwd1.")


@dataclass
class _Change:
    """A new generation being made from the current one: its folder, index and sidecars."""

    root: Path
    folder: Path
    ix: Any
    readings: ReadingCounter
    catalog: Catalog
    started: float  # time.perf_counter() when the change began, for its report
    previous: dict[str, Any]  # the meta of the generation changed

    def finish(self, report: IngestReport, added: int) -> BuildReport:
        return finish_generation(
            self.root, self.folder, self.ix, self.readings, self.catalog, report, self.started, added, self.previous
        )


@contextmanager
def _changing(root: Path, served: tuple[Path, dict[str, Any]], started: float) -> Iterator[_Change]:
    """The generation served (`current_meta`: its folder and meta), hard-link copied into a new
    one to change; the new folder is removed if the change fails. The caller holds the build
    lock (one build or change per index at a time)."""
    current, meta = served
    open_generation(current)  # a damaged one is said by name before anything is linked
    with generation_in_progress(root) as folder:
        _link_files(current, folder)
        ix = whoosh.index.open_dir(str(folder))
        readings = ReadingCounter.load(current / "readings.json.gz")
        catalog = Catalog.load(current / "catalog.json.gz")
        yield _Change(root, folder, ix, readings, catalog, started, meta)


def _link_files(current: Path, folder: Path) -> None:
    """Hard-link the current generation's files into the new one: all but the sidecars, which
    are rewritten, never modified through the links, and the layouts no longer read."""
    for src in current.iterdir():
        if src.is_file() and src.name not in SIDECARS and not any(r in src.name for r in RETIRED_LAYOUTS):
            os.link(src, folder / src.name)


# --- add or replace ------------------------------------------------------------------------------


def update_index(
    paths: Sequence[str | Path],
    root: Path,
    *,
    progress: ProgressFn | None = None,
    report: IngestReport | None = None,
    strict: bool = False,
) -> BuildReport:
    """Add or replace articles by id, and swap the result in like a full build; `strict`: any
    input rejected fails it, the index untouched, as `build --strict` does."""
    report = report if report is not None else IngestReport()
    root = Path(root)
    started = time.perf_counter()
    current_meta(root)  # no index: said before the lock makes a folder for it
    with build_lock(root), _changing(root, current_meta(root), started) as change:
        added = _update_all(change, iter_articles(paths, report), progress)
        require_articles(added, report)
        if strict and report.rejected:
            raise BuildFailed(f"--strict: {report.rejected} input(s) rejected")
        return change.finish(report, added)


def _update_all(change: _Change, articles: Iterable[Article], progress: ProgressFn | None) -> int:
    """Add or replace articles through Whoosh's own writer: it appends one segment (and merges
    small ones), so the cost follows what is added. A replaced version's words are taken out
    of the restoration counts (`ReadingCounter.remove`): replacing an article ten times counts
    its text once, and a name corrected in it is no longer read into queries."""
    added = 0
    replaced: dict[str, Article] = {}  # this run's articles, which the searcher does not see
    # Whoosh's writer commits when the block ends, and cancels if it raises
    with change.ix.writer(**WRITER_OPTIONS) as writer, change.ix.searcher() as searcher:
        for article in articles:
            old = replaced.get(article.id) or _stored_record(searcher, article.id)
            if old is not None:
                change.readings.remove(old)
            change.readings.add(article)
            change.catalog.add(article)
            writer.update_document(**document_fields(article))
            replaced[article.id] = article
            added += 1
            if progress:
                progress(1)
    return added


def _stored_record(searcher: Any, article_id: str) -> Article | None:
    """The stored article of an id as an Article (`schema.stored_article` gives its dict)."""
    stored = stored_article(searcher, article_id)
    return Article.from_dict(stored) if stored else None


# --- delete --------------------------------------------------------------------------------------


@dataclass
class DeleteReport:
    deleted: list[str]  # ids deleted, in the order given
    missing: list[str]  # ids given that no article of the index has
    expunged: bool = False
    documents: int = 0  # documents left in the index
    seconds: float = 0.0
    generation: Path | None = None

    def summary(self) -> str:
        n = len(self.deleted)
        text = f"deleted {n} article{'' if n == 1 else 's'} ({self.documents} left in index) in {self.seconds:.1f} s"
        if self.expunged:
            text += "; index rewritten without them"
        if self.missing:
            text += f"; not in the index: {named(self.missing)}"
        return text


SHOWN_IDS = 20  # ids named in a line at most: 3,100 missing ones made one line of 33 KB (bug hunt 92)


def named(ids: Sequence[str]) -> str:
    """`ids`, comma-separated, the first SHOWN_IDS of them and how many more."""
    more = len(ids) - SHOWN_IDS
    return ", ".join(ids[:SHOWN_IDS]) + (f" and {more:,} more" if more > 0 else "")


def delete_articles(
    ids: Sequence[str], root: Path, *, expunge: bool = False, progress: ProgressFn | None = None
) -> DeleteReport:
    """Delete articles by id, and swap the result in like a full build. They leave the results,
    the article pages, search-as-you-type and the restoration counts (`ReadingCounter.remove`)
    at once. Like Lucene, Whoosh only marks a deleted article, so its words count in word
    statistics (how many articles hold a word or pair: rarity weights, typo candidates) until
    its segment is merged. `expunge` rewrites the index from its own stored articles without
    them instead (as a full build does; `progress` counts the articles written): Whoosh's own
    merge took 2.5–3x as long as a full build of news-2k. Ids not in the index are reported;
    if none is, or they are all of its articles, nothing changes (BuildFailed)."""
    root = Path(root)
    started = time.perf_counter()
    current_meta(root)  # no index: said before the lock makes a folder for it
    with build_lock(root):
        served = current_meta(root)
        ix = open_generation(served[0])
        with ix.searcher() as searcher:
            found = {i: _stored_record(searcher, i) for i in dict.fromkeys(ids)}
            doomed = [article for article in found.values() if article is not None]
            missing = [i for i, article in found.items() if article is None]
            if not doomed:
                raise BuildFailed("not in the index: " + named(missing))
            if len(doomed) == searcher.doc_count():
                raise BuildFailed("that is every article of the index: build a new one instead (vnsearch build)")
            deleted = [article.id for article in doomed]
            if expunge:
                gone = set(deleted)
                kept = (Article.from_dict(doc["article"]) for doc in searcher.reader().all_stored_fields())
                articles = (article for article in kept if article.id not in gone)
                build = write_generation(root, articles, IngestReport(), started, progress=progress, previous=served[1])
            else:
                build = _mark_deleted(root, served, doomed, started)
    return DeleteReport(deleted, missing, expunge, build.documents, build.seconds, build.generation)


def _mark_deleted(
    root: Path, served: tuple[Path, dict[str, Any]], articles: Sequence[Article], started: float
) -> BuildReport:
    """Delete through Whoosh's writer, in a hard-linked copy: it marks the articles deleted in
    their segments, in milliseconds."""
    with _changing(root, served, started) as change:
        for article in articles:
            change.readings.remove(article)
            change.catalog.remove(article.id)
        with change.ix.writer(**WRITER_OPTIONS) as writer:  # committed at the end, cancelled if it raises
            for article in articles:
                writer.delete_by_term("id", article.id)
        return change.finish(IngestReport(), 0)
