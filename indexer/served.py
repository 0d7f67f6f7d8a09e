"""The index generation a process serves, and the Whoosh searchers its threads hold on it.

A generation (`Generation`) is opened once per process and shared by every thread: its index,
the models "did you mean" reads, the re-rank's forward index. Whoosh searchers are not
thread-safe (../shared/notes), so each thread keeps its own (`Searchers`), reopened only when
`vnsearch build` has swapped a new generation in. A searcher on a generation no longer served
is closed as soon as no call is using it, by whichever thread sees that first: a thread left
idle kept its searcher, and with it a pruned generation's files (95 MB on news-2k, ~0.5 GB on
news-50k) open and their disk space taken, until it served again (bug hunt 78)."""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from indexer.forward import ForwardIndex
from indexer.index import check_meta, open_generation, typo_lexicon
from indexer.mapped import models_folder
from indexer.matching import Executor
from indexer.restoration import Restorer
from indexer.schema import PARTS
from indexer.sidecars import Catalog, ReadingCounter
from indexer.stored import StoredFields
from indexer.titles import Titles, open_titles
from indexer.typos import MappedTypoIndex, TypoIndex

T = TypeVar("T")


class Generation:
    """What is shared by every thread for one index generation: read-only after loading."""

    def __init__(self, gen: Path) -> None:
        self.path = gen
        self.meta = check_meta(gen)
        self.ix = open_generation(gen)
        self.lock = threading.Lock()
        self.warming = False

    def warm(self) -> None:
        """Load what the first queries need: field lengths and the re-rank's forward index,
        then the restoration model, the typo index and the titles for search-as-you-type
        (mapped from `models`: milliseconds; an index without them: ~3 s on news-50k). While
        this runs, `model` lets requests go on without the models not yet loaded."""
        self.warming = True
        try:
            with contextlib.suppress(Exception):  # a failure here surfaces, with context, in a request
                with self.ix.searcher() as searcher:
                    fields = [p + suffix for p in PARTS for suffix in ("", "_bi", "_ex")]
                    self.executor(searcher).warm(searcher, fields)
                self.forward  # noqa: B018  (milliseconds: mapped files)
                self.restorer  # noqa: B018
                self.typo_index  # noqa: B018
                self.titles  # noqa: B018
        finally:
            self.warming = False

    def model(self, name: str) -> Any:
        """The "did you mean" model `name` ("restorer", "typo_index"), or None while a
        background warm-up is still loading it: a server's first requests are answered at once,
        without spelling help, instead of waiting seconds for it. Otherwise loaded on demand."""
        if self.warming and name not in self.__dict__:
            return None
        return getattr(self, name)

    @cached_property
    def models(self) -> Path | None:
        """The generation's models folder, written by the build and mapped read-only (no
        private copy per worker, opened in milliseconds); None for an index built before it
        existed, whose models are then loaded into memory as they used to be (seconds, ~110
        MiB per process on news-50k): `vnsearch build` makes a new generation with them."""
        return models_folder(self.path)

    @cached_property
    def forward(self) -> ForwardIndex | None:
        """Every article's words for the proximity re-rank, written by the build and mapped
        read-only (`indexer.forward`); None for an index built before it, whose re-rank reads
        the stored articles' text instead (the same words, ~6 ms more CPU per query on news-50k)."""
        return ForwardIndex.open(self.path, self.ix)

    @cached_property
    def restorer(self) -> Restorer:
        """Accent restoration for "did you mean": this index's counts over a shipped model."""
        if self.models is not None:
            return Restorer.open(self.models)
        return Restorer.from_counter(ReadingCounter.load(self.path / "readings.json.gz"))

    @cached_property
    def titles(self) -> Titles:
        """Titles for search-as-you-type, sorted by their words (`titles.title_key`)."""
        if self.models is not None:
            return open_titles(self.models)
        catalog = Catalog.load(self.path / "catalog.json.gz")
        return Titles.from_catalog(catalog.entries)

    @cached_property
    def typo_index(self) -> TypoIndex:
        """Likely spellings of words the index lacks: every folded syllable of the index, with
        its count in titles, leads and captions (1 when only bodies have it) for ranking."""
        if self.models is not None:
            return MappedTypoIndex(self.models)
        with self.ix.reader() as reader:
            return TypoIndex(typo_lexicon(self.restorer.index.unigrams, reader))

    def executor(self, searcher: Any) -> Executor:
        return self._once("_executor", lambda: Executor(searcher, self.forward))

    def stored(self, searcher: Any) -> StoredFields:
        """The stored articles, read from memory-mapped columns (`indexer.stored`)."""
        return self._once("_stored", lambda: StoredFields(searcher))

    def _once(self, name: str, make: Callable[[], T]) -> T:
        """Attribute `name`, made by the first thread that asks (the others wait for it): one
        per generation, built from whichever searcher came first."""
        with self.lock:
            value = self.__dict__.get(name)
            if value is None:
                value = self.__dict__[name] = make()
            return value


class _Held:
    """One thread's searcher, the generation it is on, and how many service calls of that
    thread are under way (`depth`: while it is above 0, only the thread touches the searcher)."""

    __slots__ = ("__weakref__", "depth", "gen", "searcher")

    def __init__(self) -> None:
        self.gen: Generation | None = None
        self.searcher: Any = None
        self.depth = 0


class Searchers:
    """Each thread's own Whoosh searcher on the generation it last served. `current` says which
    generation is served now: a searcher on another is closed when its thread's call returns
    (`serving`), or at once when its thread is idle and a swap is seen (`release_idle`)."""

    def __init__(self, current: Callable[[], Generation | None]) -> None:
        self._current = current
        self._local = threading.local()
        self._lock = threading.Lock()  # guards every `_Held`'s depth, and another thread's searcher
        self._held: weakref.WeakSet[_Held] = weakref.WeakSet()  # (a dead thread's goes with it)

    def get(self, gen: Generation) -> Any:
        """The calling thread's searcher on `gen`, opened if it holds none there (its searcher on
        another generation is closed)."""
        held = self._mine()
        if held.gen is gen:
            return held.searcher
        searcher = gen.ix.searcher()
        with self._lock:
            old, held.gen, held.searcher = held.searcher, gen, searcher
        if old is not None:
            old.close()
        return searcher

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """A service call of this thread: its searcher is its own until the call returns, then
        closed if the generation it is on is no longer served."""
        held = self._mine()
        with self._lock:
            held.depth += 1
        try:
            yield
        finally:
            stale = None
            with self._lock:
                held.depth -= 1
                if held.depth == 0 and held.gen is not None and held.gen is not self._current():
                    stale, held.gen, held.searcher = held.searcher, None, None
            if stale is not None:
                stale.close()

    def release_idle(self, gen: Generation) -> None:
        """Close the searchers that idle threads hold on generations other than `gen` (the one
        now served): nothing else would until those threads serve again."""
        with self._lock:
            idle = [h for h in self._held if h.depth == 0 and h.gen is not None and h.gen is not gen]
            stale = [h.searcher for h in idle]
            for h in idle:
                h.gen = h.searcher = None
        for searcher in stale:
            searcher.close()

    def _mine(self) -> _Held:
        held = getattr(self._local, "held", None)
        if held is None:
            held = self._local.held = _Held()
            with self._lock:
                self._held.add(held)
        return held
