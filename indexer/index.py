"""The Whoosh index: full builds, finishing every new generation, and opening what is current.

What an article is indexed as is `indexer.schema`. A generation folder (`indexer.generations`:
where it lives and how a new one replaces the one served) holds the Whoosh files, meta.json,
the sidecars readings.json.gz and catalog.json.gz (`indexer.sidecars`), and models/:
the server's models as files it maps read-only (see indexer.mapped and write_models). Beside
each segment: its articles' words for the re-rank (indexer.forward), its posting lists as flat
arrays (indexer.flatpostings) and its stored articles packed (indexer.stored).
"""

from __future__ import annotations

import ctypes
import functools
import itertools
import json
import multiprocessing
import os
import queue
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import whoosh.index
from whoosh.filedb.filestore import FileStorage

from indexer import flatpostings, stored
from indexer.analysis import ANALYZER_VERSION, fold
from indexer.columns import Columns
from indexer.forward import FORMAT as FORWARD_FORMAT
from indexer.forward import ForwardWriter, write_missing
from indexer.generations import (
    BuildFailed,
    build_lock,
    current_generation,
    current_link,
    directory_size,
    failure_text,
    generation_in_progress,
    publish,
)
from indexer.ingest import IngestReport
from indexer.input_files import iter_articles
from indexer.mapped import MODELS_DIR, layout_bytes, models_folder, write_manifest
from indexer.model import Article
from indexer.restoration import Restorer
from indexer.schema import (
    INDEX_FORMAT,
    INDEX_NAME,
    PARTS,
    SCHEMA_VERSION,
    document_fields,
    make_codec,
    make_schema,
)
from indexer.segments import SegmentBuilder, write_toc
from indexer.sidecars import Catalog, ReadingCounter
from indexer.titles import Titles
from indexer.typos import MappedTypoIndex

MP_THRESHOLD = 400  # below this many articles one process is faster than forking writers
BUILD_LIMIT_MB = 512  # postings held in memory by the build's writer processes together
BATCH = 32  # articles per message to a writer process
QUEUED_BATCHES = 8  # per writer process: bounds what the reader runs ahead


class IndexUnavailable(Exception):
    """No usable index at the given root (missing, or built by an incompatible version)."""


def default_index_root() -> Path:
    return Path(os.environ.get("VNSEARCH_INDEX") or "var/index")


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
    except BaseException as error:
        results.put((number, None, failure_text(error)))


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
                    raise BuildFailed(f"writer process {number} failed: {error}")
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
    root = Path(root)
    started = time.perf_counter()
    with build_lock(root):
        articles = iter_articles(paths, report)
        return write_generation(
            root, articles, report, started, procs=procs, limit_mb=limit_mb, progress=progress, strict=strict
        )


def write_generation(
    root: Path,
    articles: Iterable[Article],
    report: IngestReport,
    started: float,
    *,
    procs: int | None = None,
    limit_mb: float = BUILD_LIMIT_MB,
    progress: ProgressFn | None = None,
    strict: bool = False,
    previous: dict[str, Any] | None = None,
) -> BuildReport:
    """A new generation of `articles` alone, swapped in when complete; the caller holds the
    build lock. From the inputs (`build_index`), or from an index's own stored articles
    (`updates.delete_articles`, expunging: `previous`, the meta of the generation it rewrites,
    whose files' encodings and last full build it keeps, as `finish_generation` says)."""
    procs = procs or min(2, os.cpu_count() or 1)
    with generation_in_progress(root) as tmp:
        ix = whoosh.index.create_in(str(tmp), make_schema(), indexname=INDEX_NAME)
        readings, catalog = ReadingCounter(), Catalog()
        added = _write_segments(tmp, articles, readings, catalog, progress, procs, limit_mb)
        if strict and added and report.rejected:
            raise BuildFailed(f"--strict: {report.rejected} input(s) rejected")
        require_articles(added, report)
        return finish_generation(root, tmp, ix, readings, catalog, report, started, added, previous)


def require_articles(added: int, report: IngestReport) -> None:
    """A build or an update that ingested nothing fails; the index served stays as it is."""
    if added == 0:
        raise BuildFailed("no article could be ingested: " + report.summary())


def finish_generation(
    root: Path,
    tmp: Path,
    ix: Any,
    readings: ReadingCounter,
    catalog: Catalog,
    report: IngestReport,
    started: float,
    added: int,
    previous: dict[str, Any] | None = None,
) -> BuildReport:
    """Write the sidecars and meta.json, rename the folder into place, swap `current`.
    `previous`: the meta of the generation an update or a deletion changed, whose files' encodings
    and last full build stay said (`stats` showed `{}` after a deletion, and no full build)."""
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
    if previous is not None:
        meta["encodings"] = dict(Counter(previous.get("encodings", {})) + report.encodings)
        meta["full_build_at"] = previous.get("full_build_at", previous["built_at"])
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    size = directory_size(tmp)  # before the swap: after it, an interrupt is no longer "nothing changed"
    gen = publish(root, tmp)
    build = BuildReport(ingest=report, added=added, generation=gen, meta=meta)
    build.documents = meta["documents"]
    build.seconds = time.perf_counter() - started
    build.index_bytes = size
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
                raise BuildFailed("writing a segment's flat postings or packed articles failed: " + errors[0])


def _copy_segment(leaf: Any) -> None:
    if flatpostings.lacks(leaf):
        flatpostings.write(leaf)
    if stored.lacks_packed(leaf):
        stored.write_packed(leaf)


def write_models(gen: Path, readings: ReadingCounter, catalog: Catalog, ix: Any) -> None:
    """Write the server's models into `gen`/models (see indexer.mapped): the restoration
    model from `readings` as saved, the typo index's lexicon from the index's terms, and the
    titles for search-as-you-type. A fresh folder in every generation: an update (indexer.updates) links
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
        Titles.from_catalog(catalog.entries).write(folder)
    finally:
        error = restoration()
    if error:
        raise BuildFailed(f"writing the restoration model failed: {error}")
    write_manifest(folder, documents=len(catalog.entries))


def _forked(work: Callable[[], None]) -> Callable[[], str | None]:
    """Run `work` in a forked process; returns a function that waits for it and gives its
    failure (`generations.failure_text`), or None when it succeeded."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        _die_with_parent()
        try:
            work()
            send.send(None)
        except BaseException as error:
            send.send(failure_text(error))

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


# What every meta.json holds (`finish_generation` writes it; `check_meta` refuses one without)
META_KEYS = ("documents", "captions", "date_range", "built_at", "analyzer_version", "schema_version")


def check_meta(gen: Path) -> dict[str, Any]:
    """Refuse an index built by an incompatible version, or whose meta.json is damaged, with a clear message."""
    try:
        meta = json.loads((gen / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexUnavailable(f"index at {gen} has no readable meta.json ({exc}): rebuild needed") from None
    if not isinstance(meta, dict):
        raise IndexUnavailable(f"index at {gen} has no readable meta.json (not a JSON object): rebuild needed")
    if meta.get("format") != INDEX_FORMAT:
        raise IndexUnavailable(
            f"index at {gen} was built with {meta.get('format')!r}; this vnsearch needs "
            f"{INDEX_FORMAT!r}: rebuild needed (vnsearch build)"
        )
    missing = [key for key in META_KEYS if key not in meta]
    if missing:  # `stats` and the service read them: a KeyError traceback (bug hunt 76)
        raise IndexUnavailable(f"index at {gen} has a meta.json without {', '.join(missing)}: rebuild needed")
    return meta


def open_generation(gen: Path) -> Any:
    """A generation's Whoosh index, its segments' files opened once: a damaged or half-copied
    one (a file missing) is IndexUnavailable naming it, where search, show, update and delete
    each ended in a traceback and `stats` said it was fine (bug hunt 76)."""
    import whoosh.index

    try:
        ix = whoosh.index.open_dir(str(gen))
        ix.searcher().close()
    except Exception as exc:  # a file missing, or one Whoosh cannot read (a version, a pickle: bug hunt 84)
        damage = f"{type(exc).__name__}: {exc}"
        raise IndexUnavailable(f"index at {gen} is incomplete or damaged ({damage}): rebuild needed") from None
    return ix


def current_meta(root: Path) -> tuple[Path, dict[str, Any]]:
    """(generation folder, meta) of the current index; IndexUnavailable when there is none
    or it was built by an incompatible version."""
    gen = current_generation(root)
    if gen is None:
        raise no_index(root, current_link(root))
    return gen, check_meta(gen)


def no_index(root: Path, link: str | None) -> IndexUnavailable:
    """Why `root` serves nothing, its `current` link's text being `link`: no index yet, or a
    link to a generation that is gone (deleted by hand: searches failed with 500 while health
    said ok, and the command line said to build a first index; bug hunt 92)."""
    if link is None:
        return IndexUnavailable(f"no index at {root}: run 'vnsearch build' first")
    return IndexUnavailable(f"the index at {root} serves {link}, which is missing (deleted by hand?): "
                            "run 'vnsearch build'")


def readable_meta(root: Path) -> tuple[Path, dict[str, Any]]:
    """`current_meta`, the generation opened once as well, so that a damaged one is said as a
    search would find it (`open_generation`): by `stats` and by `serve` before it starts."""
    gen, meta = current_meta(root)
    open_generation(gen).close()
    return gen, meta


def index_stats(root: Path) -> dict[str, Any]:
    """What `vnsearch stats` shows: all of it is in meta.json, but the index is opened once, so
    that a damaged one is reported as `search` would find it (`open_generation`)."""
    gen, meta = readable_meta(root)
    return {
        "index": str(Path(root)),
        "generation": gen.name,
        "documents": meta["documents"],
        "captions": meta["captions"],
        "date_range": meta["date_range"],
        "index_bytes": directory_size(gen),
        "built_at": meta["built_at"],
        "build_seconds": meta.get("build_seconds"),
        "full_build_at": meta.get("full_build_at"),  # None: this generation is a full build
        "analyzer_version": meta["analyzer_version"],
        "schema_version": meta["schema_version"],
        "encodings": meta.get("encodings", {}),
        "models_bytes": _models_bytes(gen),
        # None where the index predates a layout (the re-rank then reads stored text, ~6 ms
        # more CPU a query; postings are decoded from Whoosh's files; articles unpacked from its column)
        "forward_bytes": layout_bytes(gen, FORWARD_FORMAT),
        "flat_postings_bytes": layout_bytes(gen, flatpostings.FORMAT),
        "packed_stored_bytes": layout_bytes(gen, stored.PACKED_FORMAT),
    }


def _models_bytes(gen: Path) -> int | None:
    """Bytes of the generation's mapped "did you mean" models, or None when it has none usable
    (built before they were written, or of another version: they then load into each server
    process's memory at start, ~110 MiB more per worker on news-50k; a rebuild writes them)."""
    folder = models_folder(gen)
    return directory_size(folder) if folder is not None else None
