"""The fixes proposed in bench/PERFORMANCE.md, applied as patches so that they can be measured
(``python bench/perf.py --fixes``) before anyone changes indexer/ or webui/.

Each patch is the smallest change with the effect; PERFORMANCE.md gives the change to make in
the source. As a script, ``python bench/perf_fixes.py ARGS...`` runs ``vnsearch ARGS...`` with
the patches applied (gunicorn's workers fork from that process and inherit them).
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MAX_HIGHLIGHT_SCAN = 20_000  # characters of one block analyzed to choose and mark a snippet
PHRASE_CACHE = 512  # verified phrases kept per process (a bool per article each: ~35 kB on news-50k)


def bounded_highlighting(limit: int = MAX_HIGHLIGHT_SCAN) -> Any:
    """Highlighter analyzes at most `limit` characters of a block: a 1 MB paragraph costs what a
    20 kB one does (matches further on are not marked). Returns an undo function."""
    from indexer import search

    original = search.Highlighter._matches

    def matches(self: Any, text: str) -> list[tuple[int, int, str]]:
        return original(self, text[:limit])

    search.Highlighter._matches = matches
    return lambda: setattr(search.Highlighter, "_matches", original)


def cached_phrases(size: int = PHRASE_CACHE) -> Any:
    """Remember which articles hold a verified phrase (per executor, i.e. per index generation
    and process), least recently used out: positional checks are ~80% of a warm query's time on
    news-50k, and the phrases users repeat (abbreviation expansions such as TP.HCM → "thanh pho
    ho chi minh") are checked once. Returns an undo function."""
    from indexer import matching

    original = matching.Executor._phrase
    lock = threading.Lock()

    def phrase(self: Any, q: Any, searcher: Any) -> Any:
        cache = self.__dict__.get("_phrase_cache")
        if cache is None:
            cache = self.__dict__.setdefault("_phrase_cache", OrderedDict())
        key = (q.fieldname, tuple(q.words), q.slop)
        with lock:
            hit = cache.get(key)
            if hit is not None:
                cache.move_to_end(key)
        if hit is not None:
            return hit[0].copy(), hit[1].copy()
        result = original(self, q, searcher)
        with lock:
            cache[key] = (result[0].copy(), result[1].copy())
            while len(cache) > size:
                cache.popitem(last=False)
        return result

    matching.Executor._phrase = phrase
    return lambda: setattr(matching.Executor, "_phrase", original)


PATCHES = (bounded_highlighting, cached_phrases)


@contextlib.contextmanager
def applied() -> Iterator[None]:
    """Every patch, undone on exit."""
    undo = [patch() for patch in PATCHES]
    try:
        yield
    finally:
        for fn in reversed(undo):
            fn()


def main(argv: list[str] | None = None) -> int:
    """`vnsearch ARGS...` with the patches applied."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    for patch in PATCHES:
        patch()
    from indexer.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
