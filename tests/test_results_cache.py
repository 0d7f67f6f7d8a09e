"""The per-process cache of answers (indexer/results_cache.py) and its use by SearchService."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import zstandard

from indexer.results_cache import ENV_VAR, LEVEL, ResultsCache, configured_bytes
from indexer.search import SearchService


def test_least_recently_used_answers_go_first_and_bytes_stay_bounded() -> None:
    answer = {"hits": ["x" * 100]}
    size = len(zstandard.ZstdCompressor(level=LEVEL).compress(b'{"hits":["' + b"x" * 100 + b'"]}'))
    cache = ResultsCache(max_bytes=3 * size)
    for key in "abc":
        cache.put(key, answer)
    assert cache.get("a") == answer  # "a" is now the most recently used
    cache.put("d", answer)
    assert cache.get("b") is None and cache.get("a") == answer
    assert len(cache) == 3 and cache.bytes == 3 * size


def test_a_kept_answer_costs_the_memory_of_its_compressed_size() -> None:
    """python-zstandard allocates a compressed result at its input's size and shortens only its
    length, so each kept answer cost as much memory as its plain JSON (bug hunt 90: the default
    3 MiB bound held 9.35 MiB per process). Measured by what Python allocated for the entry."""
    import tracemalloc

    answer = {"hits": [{"id": f"n{i}", "snippet": "Giá vàng hôm nay tăng mạnh. " * 40} for i in range(50)]}
    plain = len(json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    cache = ResultsCache(max_bytes=10 * plain)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        cache.put("k", answer)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert cache.bytes < plain / 20  # it compresses well
    assert held < cache.bytes + 4096, (held, cache.bytes, plain)
    assert cache.get("k") == answer


def test_answers_are_copies_and_oversized_ones_are_not_kept() -> None:
    cache = ResultsCache(max_bytes=64)
    cache.put("k", {"took_ms": 1.0, "query": "Hà Nội"})
    first = cache.get("k")
    assert first == {"took_ms": 1.0, "query": "Hà Nội"}
    first["took_ms"] = 99.0
    assert cache.get("k") == {"took_ms": 1.0, "query": "Hà Nội"}
    cache.put("big", {"text": hashlib.sha512(b"x").hexdigest()})  # 128 hex digits zstd cannot shrink
    assert cache.get("big") is None and cache.bytes <= 64
    off = ResultsCache(max_bytes=0)
    off.put("k", {"a": 1})
    assert off.get("k") is None


def test_answers_are_kept_compressed() -> None:
    """The bound counts zstd-compressed JSON: ten hits of news text take a third of their JSON."""
    answer = {"hits": [{"title": "Đảng ủy Khối doanh nghiệp tỉnh", "snippet": "Hội nghị … " * 20}] * 10}
    raw = len(json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    cache = ResultsCache(max_bytes=raw)
    cache.put("k", answer)
    assert cache.get("k") == answer and cache.bytes < raw / 3


def test_the_bound_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "0.5")
    assert configured_bytes() == 512 * 1024
    monkeypatch.setenv(ENV_VAR, "lots")
    with pytest.raises(ValueError, match=ENV_VAR):
        configured_bytes()
    monkeypatch.setenv(ENV_VAR, "-1")
    with pytest.raises(ValueError, match=ENV_VAR):
        configured_bytes()


def test_a_repeated_search_is_answered_from_the_cache(seed_index: Path) -> None:
    service = SearchService(seed_index)
    first = service.search("dang uy khoi doanh nghiep")
    again = service.search("dang uy khoi doanh nghiep")
    assert service.results.hits == 1
    assert {k: v for k, v in again.items() if k != "took_ms"} == {k: v for k, v in first.items() if k != "took_ms"}
    # another page, sort or filter is another answer
    service.search("dang uy khoi doanh nghiep", sort="newest")
    assert service.results.hits == 1 and len(service.results) == 2


def test_a_new_generation_empties_the_cache(seed_index: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    shutil.copytree(seed_index, root, symlinks=True)
    service = SearchService(root)
    service.search("thanh uy")
    assert len(service.results) == 1
    old = service.generation()
    assert service.generation() is old  # `current` unchanged: the generation already open
    # as `vnsearch build` swaps a new generation in (indexer.generations.publish)
    shutil.copytree(old.path, root / "gen-next")
    os.symlink("gen-next", root / ".current-next")
    os.replace(root / ".current-next", root / "current")
    assert service.generation().path.name == "gen-next"
    service.search("thanh uy")
    assert service.results.hits == 0 and len(service.results) == 1


def test_answers_without_their_models_are_not_kept(seed_index: Path) -> None:
    service = SearchService(seed_index)
    gen = service.generation()
    gen.warming = True  # a background warm-up still loading the "did you mean" models
    service.search("dang uy")
    assert len(service.results) == 0
    gen.warming = False
    service.search("dang uy")
    assert len(service.results) == 1
