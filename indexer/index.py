"""The Whoosh index: schema, full builds and updates, and opening what is current.

A generation folder (`indexer.generations`: where it lives and how a new one replaces the one
served) holds the Whoosh files, meta.json, readings.json.gz and catalog.json.gz, and models/:
the server's models as files it maps read-only (see indexer.mapped and write_models). Beside
each segment: its articles' words for the re-rank (indexer.forward), its posting lists as flat
arrays (indexer.flatpostings) and its stored articles packed (indexer.stored).
"""

from __future__ import annotations

import ctypes
import functools
import gzip
import itertools
import json
import multiprocessing
import os
import queue
import shutil
import signal
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import whoosh.index
from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from indexer import flatpostings, stored
from indexer.analysis import ANALYZER_VERSION, Columns, FieldAnalyzer, columns, fold
from indexer.forward import ForwardWriter, forward_bytes, write_missing
from indexer.generations import (
    BuildFailed,
    build_lock,
    current_generation,
    directory_size,
    generation_in_progress,
    publish,
)
from indexer.ingest import IngestReport, iter_articles
from indexer.mapped import MODELS_DIR, models_folder, write_manifest
from indexer.model import Article
from indexer.restoration import PrintedCounts, Restorer
from indexer.segments import SegmentBuilder, write_toc
from indexer.titles import Titles
from indexer.typos import MappedTypoIndex

SCHEMA_VERSION = "2"  # 2: plain segment files (see make_codec), catalog.json.gz
SIDECARS = ("meta.json", "readings.json.gz", "catalog.json.gz")
# per-segment copies in layouts no longer read (flat postings before stop 25, forward words
# before stop 25): an update does not carry them into its generation, it writes today's
RETIRED_LAYOUTS = (".pfl1.", ".fwd1.")
INDEX_FORMAT = f"schema {SCHEMA_VERSION} / analyzer {ANALYZER_VERSION}"
PARTS = ("title", "lead", "body", "caption")
UNDATED_OLDEST = 2**62  # sorts undated articles last when sorting oldest first
PRUNE_READINGS_ABOVE = 50_000  # adjacent pairs in the "did you mean" model; see ReadingCounter.save
MP_THRESHOLD = 400  # below this many articles one process is faster than forking writers
BUILD_LIMIT_MB = 512  # postings held in memory by the build's writer processes together
BATCH = 32  # articles per message to a writer process
QUEUED_BATCHES = 8  # per writer process: bounds what the reader runs ahead
INDEX_NAME = "MAIN"  # Whoosh's default index name


# Whoosh's writer can store short posting lists inline in the term table instead of as a
# pickled, compressed block each, but calls a misspelled method, so its default (inlinelimit=1)
# never inlines anything. Our bigram and exact fields hold many rare terms: inlining them and
# compressing blocks lightly builds ~10% faster, gives a smaller index and identical results
# (the reader side, ListMatcher, is intact). One more repair: for a field without posting values
# (ID) the writer inlines an empty value tuple, which ListMatcher reads back as "" (str) and
# Whoosh's merge then refuses (assert bytes): store b"" per posting instead. Tested by
# tests/test_index_cli.py and tests/test_segments.py.
def _set_inline(terminfo: W3TermInfo, ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes]) -> None:
    terminfo.set_inlined(ids, weights, values if values else [b""] * len(ids))


W3TermInfo.set_inline = _set_inline


# Postings per block: Whoosh's 128 lets its matchers skip within long lists, which our NumPy
# executor never does (it reads whole lists); 1,024 makes 8x fewer blocks to decode per list
# (news-50k first sight: about half the time spent reading postings), same index size.
BLOCK_POSTINGS = 1024


def make_codec() -> W3Codec:
    return W3Codec(blocklimit=BLOCK_POSTINGS, inlinelimit=8, compression=1)


# compound=False: Whoosh's reader of compound segment files wraps its mmap in a BytesIO, which
# COPIES the term and posting files into memory for every searcher (measured: ~1 GB per
# searcher on news-50k, and the server keeps one per thread). Plain segment files are read
# through the OS page cache instead, shared by every thread and process.
WRITER_OPTIONS: dict[str, Any] = {"limitmb": 256, "compound": False, "codec": make_codec()}


class IndexUnavailable(Exception):
    """No usable index at the given root (missing, or built by an incompatible version)."""


def default_index_root() -> Path:
    return Path(os.environ.get("VNSEARCH_INDEX") or "var/index")


def make_schema() -> Schema:
    """Each searchable part in three variants (see `indexer.analysis`): folded with positions,
    exact forms, folded bigrams. Only ``article`` is stored: snippets are cut from it."""
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True),
        "published": NUMERIC(bits=64, signed=True, sortable=True),
        "oldest": NUMERIC(bits=64, signed=True, sortable=True),
        "month": NUMERIC(bits=32, sortable=True),
        "article": STORED,
    }
    for part in PARTS:
        fields[part] = TEXT(analyzer=FieldAnalyzer("fold"), phrase=True)
        fields[f"{part}_ex"] = TEXT(analyzer=FieldAnalyzer("exact"), phrase=False)
        fields[f"{part}_bi"] = TEXT(analyzer=FieldAnalyzer("bigram"), phrase=False)
    return Schema(**fields)


def part_texts(article: Article) -> dict[str, str]:
    """The text of each searchable part. Paragraphs and captions are joined by newlines, which
    the analyzer never bridges with a bigram. The related-news trailer is deliberately absent."""
    return {
        "title": article.title,
        "lead": article.lead,
        "body": "\n".join(article.paragraphs),
        "caption": "\n".join(c.text for c in article.captions),
    }


def published_epoch(article: Article) -> int | None:
    if not article.published:
        return None
    try:
        return int(datetime.fromisoformat(article.published).timestamp())
    except ValueError:
        return None


def document_fields(article: Article) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": article.id, "article": article.to_dict()}
    epoch = published_epoch(article)
    doc["published"] = epoch if epoch is not None else 0
    doc["oldest"] = epoch if epoch is not None else UNDATED_OLDEST
    doc["month"] = int(article.published[:4] + article.published[5:7]) if epoch is not None else 0
    for part, text in part_texts(article).items():
        if text:
            # The same str object feeds all three variants: the analyzer tokenizes it once.
            doc[part] = doc[f"{part}_ex"] = doc[f"{part}_bi"] = text
    return doc


# --- "did you mean" readings ------------------------------------------------------------------


class ReadingCounter:
    """Counts accented syllables and adjacent pairs, as printed (case kept, tone placement
    canonical), so search can offer the dominant accented reading of an unaccented query,
    learned from this corpus. Titles, leads and captions are counted with the analyzer's
    tokenizer (the most carefully edited text, ~10% of the volume) into `unigrams`/`bigrams`;
    a full build counts them in its writer processes, from the tokens they index
    (`add_tokens`), and adds each writer's counts up (`merge`). Body paragraphs are counted
    apart, into `body_unigrams`/`body_bigrams` (restoration.Restorer adds them up), split by
    restoration.PrintedCounts (a regular expression and C loops, far faster than the word breaker),
    up to BODY_SYLLABLES per build, in input order (`add_bodies`, the build's main process): a
    small archive learns several times more pairs, a large one keeps its build time and model
    size bounded."""

    BODY_SYLLABLES = 2_000_000
    PARTS = ("title", "lead", "caption")

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {name: Counter() for name in self.NAMES}
        # counted, not yet added up into the counters: titles, leads, captions; bodies
        self._pending = {"": PrintedCounts(), "body_": PrintedCounts()}
        self.body_syllables = 0

    NAMES = ("unigrams", "bigrams", "body_unigrams", "body_bigrams")

    @property
    def unigrams(self) -> Counter[str]:
        return self._settled("unigrams")

    @property
    def bigrams(self) -> Counter[str]:
        return self._settled("bigrams")

    @property
    def body_unigrams(self) -> Counter[str]:
        return self._settled("body_unigrams")

    @property
    def body_bigrams(self) -> Counter[str]:
        return self._settled("body_bigrams")

    def _settled(self, name: str) -> Counter[str]:
        prefix = "body_" if name.startswith("body_") else ""
        pending = self._pending[prefix]
        if len(pending):
            unigrams, bigrams = pending.counts()
            self._counts[prefix + "unigrams"].update(unigrams)
            self._counts[prefix + "bigrams"].update(bigrams)
            self._pending[prefix] = PrintedCounts()
        return self._counts[name]

    def add(self, article: Article) -> None:
        texts = part_texts(article)
        for part in self.PARTS:
            if texts[part]:
                self.add_tokens(columns(texts[part]))
        self.add_bodies(article)

    def add_tokens(self, tokens: Columns) -> None:
        """Count one part's tokens (captions joined by newlines, which no pair crosses)."""
        surfaces, _, joined, _ = tokens.syllables()
        self._pending[""].add_syllables(surfaces, joined)

    def add_bodies(self, article: Article) -> None:
        for paragraph in article.paragraphs:
            if self.body_syllables >= self.BODY_SYLLABLES:
                break
            self.body_syllables += self._pending["body_"].add(paragraph)

    def settle(self) -> None:
        """Add up what was counted (a writer process does it before sending its counts)."""
        for name in self.NAMES:
            self._settled(name)

    def merge(self, other: ReadingCounter) -> None:
        for name in self.NAMES:
            getattr(self, name).update(getattr(other, name))
        self.body_syllables += other.body_syllables

    def save(self, path: Path) -> ReadingCounter:
        """On a large corpus, pairs seen once are dropped: weak evidence, and most of the
        model's memory in every server worker (news-50k: 345k pairs, 142k seen twice or more).
        `vnsearch update` then counts from the pruned model: an approximation it can afford.
        Returns what was saved, as `load` would read it back (the build makes the models
        from it: see write_models)."""
        data: dict[str, dict[str, int]] = {}
        prune = len(self.bigrams) + len(self.body_bigrams) > PRUNE_READINGS_ABOVE
        for name in ("unigrams", "bigrams", "body_unigrams", "body_bigrams"):
            counts = dict(getattr(self, name))
            if prune and name.endswith("bigrams"):
                counts = {pair: n for pair, n in counts.items() if n > 1}
            data[name] = counts
        _write_json_gz(path, data)
        return self._from_data(data)

    @classmethod
    def load(cls, path: Path) -> ReadingCounter:
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as f:
                return cls._from_data(json.load(f))
        return cls()

    @classmethod
    def _from_data(cls, data: dict[str, dict[str, int]]) -> ReadingCounter:
        counter = cls()
        for name in ("unigrams", "bigrams", "body_unigrams", "body_bigrams"):
            getattr(counter, name).update(data.get(name, {}))
        counter.body_syllables = counter.body_unigrams.total()  # `update` keeps to the budget
        return counter


def _write_json_gz(path: Path, data: Any) -> None:
    """json.dumps in one go (its C encoder; json.dump to a file encodes in Python, chunk by
    chunk) and gzip at level 6 (9 takes 3.5× as long for a file 3% smaller)."""
    with gzip.open(path, "wb", compresslevel=6) as f:
        f.write(json.dumps(data, ensure_ascii=False).encode("utf-8"))


class Catalog:
    """Per-article facts the server needs without unpickling every stored article (which
    holds the whole text): titles for search-as-you-type, and the numbers of meta.json."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str | None, int]] = {}

    def add(self, article: Article) -> None:
        self.entries[article.id] = (article.title, article.published, len(article.captions))

    def summary(self) -> dict[str, Any]:
        dates = sorted(p for _, p, _ in self.entries.values() if p)
        return {
            "captions": sum(n for _, _, n in self.entries.values()),
            "date_range": [dates[0], dates[-1]] if dates else None,
        }

    def save(self, path: Path) -> None:
        _write_json_gz(path, self.entries)

    @classmethod
    def load(cls, path: Path) -> Catalog:
        catalog = cls()
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as f:
                catalog.entries = {k: tuple(v) for k, v in json.load(f).items()}  # type: ignore[misc]
        return catalog


# --- build -----------------------------------------------------------------------------------


@dataclass
class BuildReport:
    ingest: IngestReport
    documents: int = 0  # documents in the resulting index
    added: int = 0  # articles written by this run
    seconds: float = 0.0
    index_bytes: int = 0
    generation: Path | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        return self.added / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (
            f"indexed {self.added} article{'' if self.added == 1 else 's'} ({self.documents} in index) "
            f"in {self.seconds:.1f} s "
            f"({self.docs_per_second:.0f} docs/s); rejected {self.ingest.rejected}; "
            f"index size {format_bytes(self.index_bytes)}"
        )


def format_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


ProgressFn = Callable[[int], None]


def _die_with_parent() -> None:
    """Make this forked writer process die with the build process (Linux PR_SET_PDEATHSIG)
    instead of waiting forever on its job queue when the build is killed."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass
    if os.getppid() == 1:  # the build died before the line above ran
        os._exit(1)


def _new_builder(folder: Path, limit_mb: float) -> SegmentBuilder:
    return SegmentBuilder(FileStorage(str(folder)), make_schema(), make_codec(), INDEX_NAME, limit_mb)


def _index_article(builder: SegmentBuilder, readings: ReadingCounter, forward: ForwardWriter, article: Article) -> None:
    """Add one article to the segment, its titles, lead and captions to the readings, from the
    same tokens, and its words to the forward index (from the article as stored)."""
    fields = document_fields(article)
    tokens: dict[int, Columns] = {}
    builder.add_document(fields, tokens)
    forward.add(fields["article"])
    for part in ReadingCounter.PARTS:
        text = fields.get(part)
        if text:
            readings.add_tokens(tokens[id(text)])


def _segment_worker(folder: Path, limit_mb: float, jobs: Any, results: Any, number: int) -> None:
    """One writer process: batches of articles in; its finished segments and readings out."""
    _die_with_parent()
    try:
        builder, readings, forward = _new_builder(folder, limit_mb), ReadingCounter(), ForwardWriter()
        while (batch := jobs.get()) is not None:
            for article in batch:
                _index_article(builder, readings, forward, article)
        readings.settle()
        segments = builder.finish()
        forward.write(folder, segments)
        results.put((number, (segments, readings), None))
    except BaseException:
        results.put((number, None, traceback.format_exc()))


def _checked(call: Callable[[], Any], workers: list[Any]) -> Any:
    """Run a queue operation that waits on the workers, failing if one of them died."""
    while True:
        try:
            return call()
        except (queue.Full, queue.Empty):
            dead = [w for w in workers if w.exitcode not in (None, 0)]
            if dead:
                raise BuildFailed(f"a writer process died (exit code {dead[0].exitcode})") from None


def _write_segments(
    folder: Path,
    articles: Iterable[Article],
    readings: ReadingCounter,
    catalog: Catalog,
    progress: ProgressFn | None,
    procs: int,
    limit_mb: float,
) -> int:
    """Write every article into new segments of the index in `folder` and commit them.
    Articles go in batches, round robin, to `procs` forked writer processes (one process for
    tiny inputs, where forking costs more than it saves), each holding at most `limit_mb` of
    postings before it writes them apart as a run, and writing one segment at the end."""
    it = iter(articles)
    buffered = list(itertools.islice(it, MP_THRESHOLD))
    segments: list[Any] = []
    added = 0

    def accept(article: Article) -> None:
        nonlocal added
        catalog.add(article)
        readings.add_bodies(article)  # here: its budget goes to the first articles of the input
        added += 1
        if progress:
            progress(1)

    if procs < 2 or len(buffered) < MP_THRESHOLD:
        builder, forward = _new_builder(folder, limit_mb), ForwardWriter()
        for article in itertools.chain(buffered, it):
            accept(article)
            _index_article(builder, readings, forward, article)
        segments = builder.finish()
        forward.write(folder, segments)
    else:
        ctx = multiprocessing.get_context("fork")
        jobs = [ctx.Queue(maxsize=QUEUED_BATCHES) for _ in range(procs)]
        results = ctx.Queue()
        workers = [
            ctx.Process(target=_segment_worker, args=(folder, limit_mb / procs, jobs[i], results, i), daemon=True)
            for i in range(procs)
        ]
        for w in workers:
            w.start()
        try:
            for sent, batch in enumerate(_batches(itertools.chain(buffered, it))):
                for article in batch:
                    accept(article)
                q = jobs[sent % procs]
                _checked(lambda q=q, batch=batch: q.put(batch, timeout=0.5), workers)
            for q in jobs:
                _checked(lambda q=q: q.put(None, timeout=0.5), workers)
            stage = getattr(progress, "stage", None)
            if stage:  # the writer processes still sort and write their postings: say so
                stage("writing the index")
            done: dict[int, list[Any]] = {}
            while len(done) < procs:
                number, output, error = _checked(lambda: results.get(timeout=0.5), workers)
                if error:
                    raise BuildFailed(f"writer process {number} failed:\n{error}")
                done[number], worker_readings = output
                readings.merge(worker_readings)
            segments = [seg for i in range(procs) for seg in done[i]]
        finally:
            for q in jobs:  # batches a dead worker never read must not hold up this process's exit
                q.cancel_join_thread()
            for w in workers:
                if w.is_alive():
                    w.kill()
                w.join()
    if added:
        storage = FileStorage(str(folder))
        write_toc(storage, make_schema(), INDEX_NAME, segments)
        shutil.rmtree(folder / f"{INDEX_NAME}.tmp", ignore_errors=True)  # the column writers' scratch
        shutil.rmtree(folder / f"{INDEX_NAME}.runs", ignore_errors=True)  # the segment builders' runs
    return added


def _batches(articles: Iterable[Article]) -> Iterator[list[Article]]:
    it = iter(articles)
    while batch := list(itertools.islice(it, BATCH)):
        yield batch


def _update_all(
    ix: Any,
    articles: Iterable[Article],
    readings: ReadingCounter,
    catalog: Catalog,
    progress: ProgressFn | None,
) -> int:
    """Add or replace articles through Whoosh's own writer: it appends one segment (and merges
    small ones), so the cost follows what is added."""
    writer = ix.writer(**WRITER_OPTIONS)
    added = 0
    try:
        for article in articles:
            readings.add(article)
            catalog.add(article)
            writer.update_document(**document_fields(article))
            added += 1
            if progress:
                progress(1)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return added


def build_index(
    paths: Sequence[str | Path],
    root: Path,
    *,
    procs: int | None = None,
    limit_mb: float = BUILD_LIMIT_MB,
    strict: bool = False,
    progress: ProgressFn | None = None,
    report: IngestReport | None = None,
) -> BuildReport:
    """Full rebuild from files and folders into a new generation, then an atomic swap.
    `limit_mb` bounds the postings held in memory by all writer processes together."""
    report = report if report is not None else IngestReport()
    procs = procs or min(2, os.cpu_count() or 1)
    root = Path(root)
    started = time.perf_counter()
    with build_lock(root), generation_in_progress(root) as tmp:
        ix = whoosh.index.create_in(str(tmp), make_schema(), indexname=INDEX_NAME)
        readings, catalog = ReadingCounter(), Catalog()
        articles = iter_articles(paths, report)
        added = _write_segments(tmp, articles, readings, catalog, progress, procs, limit_mb)
        if strict and added and report.rejected:
            raise BuildFailed(f"--strict: {report.rejected} input(s) rejected")
        return _finish_generation(root, tmp, ix, readings, catalog, report, started, added)


def update_index(
    paths: Sequence[str | Path],
    root: Path,
    *,
    progress: ProgressFn | None = None,
    report: IngestReport | None = None,
) -> BuildReport:
    """Add or replace articles by id. The current generation is hard-link copied (Whoosh never
    rewrites a file in place), updated, and swapped in like a full build."""
    report = report if report is not None else IngestReport()
    root = Path(root)
    started = time.perf_counter()
    with build_lock(root):
        current, _ = current_meta(root)
        with generation_in_progress(root) as tmp:
            for src in current.iterdir():
                # the sidecars are rewritten, never modified through the links
                if src.is_file() and src.name not in SIDECARS and not any(r in src.name for r in RETIRED_LAYOUTS):
                    os.link(src, tmp / src.name)
            ix = whoosh.index.open_dir(str(tmp))
            readings = ReadingCounter.load(current / "readings.json.gz")
            catalog = Catalog.load(current / "catalog.json.gz")
            added = _update_all(ix, iter_articles(paths, report), readings, catalog, progress)
            return _finish_generation(root, tmp, ix, readings, catalog, report, started, added)


def _finish_generation(
    root: Path,
    tmp: Path,
    ix: Any,
    readings: ReadingCounter,
    catalog: Catalog,
    report: IngestReport,
    started: float,
    added: int,
) -> BuildReport:
    """Write the sidecars and meta.json, rename the folder into place, swap `current`."""
    if added == 0:
        raise BuildFailed("no article could be ingested: " + report.summary())
    write_missing(tmp, ix)  # the segments an update added or merged: a full build wrote them all
    _write_segment_copies(ix)
    saved = readings.save(tmp / "readings.json.gz")
    catalog.save(tmp / "catalog.json.gz")
    write_models(tmp, saved, catalog, ix)
    meta = {
        "format": INDEX_FORMAT,
        "analyzer_version": ANALYZER_VERSION,
        "schema_version": SCHEMA_VERSION,
        "built_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "documents": ix.doc_count(),
        **catalog.summary(),
    }
    meta["build_seconds"] = round(time.perf_counter() - started, 3)
    meta["encodings"] = dict(report.encodings)
    meta["rejected"] = report.rejected
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    gen = publish(root, tmp)
    build = BuildReport(ingest=report, added=added, generation=gen, meta=meta)
    build.documents = meta["documents"]
    build.seconds = time.perf_counter() - started
    build.index_bytes = directory_size(gen)
    return build


def _write_segment_copies(ix: Any) -> None:
    """Every segment's posting lists as flat arrays (indexer.flatpostings) and its stored
    fields packed (indexer.stored), for the segments lacking them: a forked process per
    segment, two at a time at most (one per core on a 2-core machine; each holds its segment's
    lists while it writes: ~17 s for each of news-50k's two, and ~7 s to pack its articles)."""
    procs = max(1, min(2, os.cpu_count() or 1))
    with ix.reader() as reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers() if flatpostings.lacks(leaf) or stored.lacks_packed(leaf)]
        for first in range(0, len(leaves), procs):
            waits = [_forked(functools.partial(_copy_segment, leaf)) for leaf in leaves[first : first + procs]]
            errors = [error for error in (wait() for wait in waits) if error]
            if errors:
                raise BuildFailed("writing a segment's flat postings or packed articles failed:\n" + errors[0])


def _copy_segment(leaf: Any) -> None:
    if flatpostings.lacks(leaf):
        flatpostings.write(leaf)
    if stored.lacks_packed(leaf):
        stored.write_packed(leaf)


def write_models(gen: Path, readings: ReadingCounter, catalog: Catalog, ix: Any) -> None:
    """Write the server's models into `gen`/models (see indexer.mapped): the restoration
    model from `readings` as saved, the typo index's lexicon from the index's terms, and the
    titles for search-as-you-type. A fresh folder in every generation: `update_index` links
    the files of the previous one, never this folder, so nothing is rewritten through a link.
    The restoration model (the larger half: ~2.5 s on news-50k) is written by a forked process
    meanwhile."""
    folder = gen / MODELS_DIR
    folder.mkdir()
    restoration = _forked(lambda: Restorer.from_counter(readings).save(folder))
    try:
        # the restorer's index unigrams, as printed: typo_lexicon folds (and so adds up) them
        with ix.reader() as reader:
            MappedTypoIndex.write(folder, typo_lexicon(readings.unigrams + readings.body_unigrams, reader))
        Titles.from_entries((doc_id, title) for doc_id, (title, _, _) in catalog.entries.items()).write(folder)
    finally:
        error = restoration()
    if error:
        raise BuildFailed(f"writing the restoration model failed:\n{error}")
    write_manifest(folder, documents=len(catalog.entries))


def _forked(work: Callable[[], None]) -> Callable[[], str | None]:
    """Run `work` in a forked process; returns a function that waits for it and gives its
    traceback, or None when it succeeded."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        _die_with_parent()
        try:
            work()
            send.send(None)
        except BaseException:
            send.send(traceback.format_exc())

    process = ctx.Process(target=child, daemon=True)
    process.start()
    send.close()

    def wait() -> str | None:
        try:
            error = receive.recv()
        except EOFError:
            error = None
        process.join()
        receive.close()
        if error is None and process.exitcode != 0:
            error = f"the process died (exit code {process.exitcode})"
        return error

    return wait


def typo_lexicon(unigrams: Mapping[str, int], reader: Any) -> dict[str, int]:
    """What a TypoIndex is built from: every folded syllable of the index (its terms), with its
    count in the restoration model's `unigrams` (titles, leads, captions and counted bodies;
    1 when the model lacks it) for ranking. Terms are read segment by segment (a MultiReader
    merges its segments' term lists in Python, 1.6x slower); a set dedupes them."""
    counts: Counter[str] = Counter()
    for surface, n in unigrams.items():
        counts[fold(surface)] += n
    terms: set[bytes] = set()
    for leaf, _ in reader.leaf_readers():
        for part in PARTS:
            terms.update(leaf.lexicon(part))
    return {term: counts.get(term, 1) for term in (t.decode("utf-8") for t in terms)}


# --- opening -------------------------------------------------------------------------------


def check_meta(gen: Path) -> dict[str, Any]:
    """Refuse an index built by an incompatible version with a clear message."""
    try:
        meta = json.loads((gen / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"index at {gen} has no readable meta.json ({exc}): rebuild needed") from None
    if meta.get("format") != INDEX_FORMAT:
        raise IndexUnavailable(
            f"index at {gen} was built with {meta.get('format')!r}; this vnsearch needs "
            f"{INDEX_FORMAT!r}: rebuild needed (vnsearch build)"
        )
    return meta


def current_meta(root: Path) -> tuple[Path, dict[str, Any]]:
    """(generation folder, meta) of the current index; IndexUnavailable when there is none
    or it was built by an incompatible version."""
    gen = current_generation(root)
    if gen is None:
        raise IndexUnavailable(f"no index at {root}: run 'vnsearch build' first")
    return gen, check_meta(gen)


def index_stats(root: Path) -> dict[str, Any]:
    """What `vnsearch stats` shows: all of it is in meta.json, no need to open the index."""
    gen, meta = current_meta(root)
    return {
        "index": str(Path(root)),
        "generation": gen.name,
        "documents": meta["documents"],
        "captions": meta["captions"],
        "date_range": meta["date_range"],
        "index_bytes": directory_size(gen),
        "built_at": meta["built_at"],
        "build_seconds": meta.get("build_seconds"),
        "analyzer_version": meta["analyzer_version"],
        "schema_version": meta["schema_version"],
        "encodings": meta.get("encodings", {}),
        "models_bytes": _models_bytes(gen),
        "forward_bytes": forward_bytes(gen),
        "flat_postings_bytes": flatpostings.flat_bytes(gen),
        "packed_stored_bytes": stored.packed_bytes(gen),
    }


def _models_bytes(gen: Path) -> int | None:
    """Bytes of the generation's mapped "did you mean" models, or None when it has none usable
    (built before they were written, or of another version: they then load into each server
    process's memory at start, ~110 MiB more per worker on news-50k; a rebuild writes them)."""
    folder = models_folder(gen)
    return directory_size(folder) if folder is not None else None
