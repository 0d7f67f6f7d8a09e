"""Each thread's searcher on the generation served, and what becomes of one on a generation no
longer served (indexer.served)."""

from __future__ import annotations

import gc
import json
import threading
import weakref
from pathlib import Path
from typing import Any

from indexer.index import build_index
from indexer.search import SearchService
from indexer.served import Searchers


class _Searcher:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        assert not self.closed, "closed twice"
        self.closed = True


class _Ix:
    def searcher(self) -> _Searcher:
        return _Searcher()


class _Gen:
    def __init__(self) -> None:
        self.ix = _Ix()


def _in_thread(work: Any) -> Any:
    """Run `work` in a thread that stays alive, idle, until the test ends (as a server's does)."""
    done, out = threading.Event(), []
    thread = threading.Thread(target=lambda: (out.append(work()), done.wait()), daemon=True)
    thread.start()
    while not out:
        thread.join(0.01)
    return out[0], done


def test_an_idle_threads_searcher_on_a_generation_no_longer_served_is_closed() -> None:
    """A thread left idle kept its searcher, and the pruned generation's files open (bug hunt 78)."""
    old, new = _Gen(), _Gen()
    served = [old]
    searchers = Searchers(lambda: served[0])

    def one_call() -> Any:
        with searchers.serving():
            return searchers.get(old)

    idle, done = _in_thread(one_call)
    with searchers.serving():
        mine = searchers.get(old)
        served[0] = new
        searchers.release_idle(new)
        assert idle.closed  # idle: closed at once
        assert not mine.closed  # this call is still using it
        assert searchers.get(old) is mine
    assert mine.closed  # closed as the call returns
    with searchers.serving():
        current = searchers.get(new)
    searchers.release_idle(new)
    assert not current.closed  # on the generation served: kept for the next call
    with searchers.serving():
        assert searchers.get(new) is current
    done.set()


def _articles(folder: Path, word: str) -> Path:
    folder.mkdir()
    record = {"id": "a", "url": None, "title": f"Tin {word}", "author": None, "published": None,
              "lead": f"Quokka {word}.", "body": "", "captions": []}
    (folder / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def test_a_generation_swapped_out_is_let_go_by_threads_that_served_it(tmp_path: Path) -> None:
    build_index([_articles(tmp_path / "one", "mưa")], tmp_path / "ix", procs=1)
    service = SearchService(tmp_path / "ix")
    first = weakref.ref(service.generation())
    total, done = _in_thread(lambda: service.search("quokka")["total"])
    assert total == 1
    build_index([_articles(tmp_path / "two", "nắng")], tmp_path / "ix", procs=1)
    assert service.search("nắng")["total"] == 1  # the swap, seen by another thread
    gc.collect()
    assert first() is None  # nothing holds the old generation's files open
    done.set()


def test_a_served_process_lets_a_swapped_out_generation_go_with_no_request(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """A worker that served nothing after a rebuild kept the old generation's searchers, files
    and disk space until its next request (bug hunt 78): once warmed (as `serve` warms each
    worker), the service looks for a new generation every WATCH_SECONDS by itself, and goes on
    looking after a look fails (Whoosh's own errors, on a damaged index, ended it: bug hunt 84).
    The watch ends with the service."""
    import time

    import indexer.search as search_module

    monkeypatch.setattr(search_module, "WATCH_SECONDS", 0.05)
    build_index([_articles(tmp_path / "one", "mưa")], tmp_path / "ix", procs=1)

    def served_without_requests() -> threading.Thread:  # (its locals go with it)
        service = SearchService(tmp_path / "ix")
        looks = []
        real = service.generation

        def generation() -> Any:
            looks.append(threading.current_thread().name)
            if looks.count("vnsearch-watch") == 1:
                raise TypeError("a damaged segment")  # what Whoosh raises for some damage
            return real()

        service.generation = generation  # type: ignore[method-assign]
        service.warm()
        first = weakref.ref(real())
        total, done = _in_thread(lambda: service.search("quokka")["total"])  # a thread, idle after
        assert total == 1
        build_index([_articles(tmp_path / "two", "nắng")], tmp_path / "ix", procs=1)
        deadline = time.monotonic() + 10
        while first() is not None and time.monotonic() < deadline:  # no request meanwhile
            time.sleep(0.05)
            gc.collect()
        assert first() is None  # nothing holds the old generation's files open
        assert looks.count("vnsearch-watch") >= 2  # it looked again after the failure
        done.set()
        return next(t for t in threading.enumerate() if t.name == "vnsearch-watch")

    watch = served_without_requests()
    deadline = time.monotonic() + 10
    while watch.is_alive() and time.monotonic() < deadline:  # (its idle thread ends first)
        gc.collect()
        watch.join(timeout=0.1)
    assert not watch.is_alive()  # the service gone, so is its watch
