"""Answers to repeated searches, kept per process.

Why: a news site's traffic repeats itself (the day's names and headlines, pages 1 and 2 of the
same query, a browser's back button), and a repeated search costs 20–60 ms of CPU that an
identical answer does not need. The cache is keyed by the index generation, so a new build is
never answered from an old one, and bounded in bytes: answers are kept as their compact JSON
(5–10 KB for ten hits) compressed by zstd at level 1 (2.8× smaller on the news-50k workload,
~20 µs to compress and to decompress, against ~250 µs to parse the JSON back), the least
recently used dropped first. So the 3 MiB a process keeps by default hold what 8 MiB of plain
JSON held (~1,200 answers), in the memory a server is measured by. An answer computed while the
"did you mean" models were still loading is not kept (it lacks the suggestion).

``VNSEARCH_RESULT_CACHE_MB`` sets the bound per process, in compressed MiB (default 3; 0 turns
the cache off).
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

import zstandard

from indexer.settings import SettingError

DEFAULT_MB = 3.0
LEVEL = 1  # zstd level: 3 compresses 3% more for 1.4x the time
ENV_VAR = "VNSEARCH_RESULT_CACHE_MB"


def configured_bytes() -> int:
    """The bound from VNSEARCH_RESULT_CACHE_MB (default DEFAULT_MB); a bad value is an error
    that names the variable, not a silent default."""
    raw = os.environ.get(ENV_VAR, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MB
    except ValueError:
        raise SettingError(f"{ENV_VAR} must be a number of MiB (0 turns the cache off), not {raw!r}") from None
    if not math.isfinite(mb) or mb < 0:  # "nan" and "inf" are floats too
        raise SettingError(f"{ENV_VAR} must be a number of MiB, 0 or more, not {raw!r}")
    return int(mb * 1024 * 1024)


class ResultsCache:
    """A thread-safe LRU of JSON-able answers, bounded by the size of their compressed JSON."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()  # key -> the answer's UTF-8 JSON, zstd
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> dict[str, Any] | None:
        """A fresh copy of the answer kept for `key` (the caller may change it), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return json.loads(zstandard.ZstdDecompressor().decompress(entry))

    def put(self, key: Hashable, answer: dict[str, Any]) -> None:
        """Keep `answer` (unless it alone exceeds the bound), dropping the least recently used."""
        if self.max_bytes <= 0:
            return
        # bytes, not str: a str of Vietnamese text takes 2 bytes a character, its UTF-8 ~1.3
        data = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        data = zstandard.ZstdCompressor(level=LEVEL).compress(data)  # (a compressor per call: ~2 µs)
        # python-zstandard allocates the result at the input's size and then shortens its length
        # only: kept as is, each answer cost as much as its plain JSON (bug hunt 90: the 3 MiB
        # bound held 9.35 MiB). A copy is allocated at its own size (`bytes(data)` would return
        # the same object).
        data = bytes(memoryview(data))
        size = len(data)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= len(old)
            self._entries[key] = data
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self.bytes -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0
