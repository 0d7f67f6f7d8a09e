"""Performance benchmark: vnsearch against stock Whoosh and SQLite FTS5, in one run.

    python bench/perf.py [--corpus PATH] [--subset 2000 | --first N] [--full] [--build-only]
                         [--out bench/results/perf.md] [--duration 10] [--passes 5] [--profile]
                         [--skip-http] [--keep | --reuse DIR]
    python bench/perf.py --build-only --first 10000   # the build comparison of issue 13 alone
    python bench/perf.py --workload [--index DIR] [--fts5 DIR] [--duration 15]   # issue 14 alone

For the subset (always; evenly spaced articles of --corpus, or with --first N its first N
articles) and the whole corpus (--full):

1. **Build**, each engine in its own subprocess, on the same input file: wall time, docs/s, CPU
   time / wall time (cores used), peak RSS (polled over the process tree, summed) and index size.
   * vnsearch: ``python -m indexer build INPUT --index DIR --quiet`` (2 writer processes);
   * Whoosh: one TEXT field (title + lead + body + captions) analyzed by RegexTokenizer |
     LowercaseFilter | CharsetFilter(accent_map), its multi-process writer (procs=2,
     limitmb=256): stock Whoosh at its best on this machine, as issue 13 measured it;
   * FTS5: ``tokenize = "unicode61 remove_diacritics 2"``, one transaction.
2. **Query latency in process**: a fixed mixed query set (QUERIES: 1-4 syllables, with and
   without diacritics, phrases, operators, sort=newest), warmed up, then --passes passes. The
   warm-up pass is reported too ("first pass": each query the first time the process sees it,
   before any cache holds its postings); the timed passes repeat the same queries, so they
   measure warm caches. vnsearch's results cache is off (here and over HTTP), so each pass
   computes its answers.
   vnsearch returns the full search JSON (snippets, facets, suggestion); the baselines the
   top-10 ids (FTS5 with its snippet()).
3. **HTTP**: ``python -m indexer serve --workers 2`` on 127.0.0.1: GET /api/search latency from
   one client, then throughput with 1, 4 and 16 concurrent clients (a keep-alive connection per
   thread, `http.client`, each bounded by --duration seconds AND a request count), and the server's RSS
   (gunicorn master + workers, summed; polled).

--workload runs issue 14's workload instead, on the whole --corpus (news-50k), with a vnsearch
index (--index, built once when absent) and an FTS5 database (--fts5 DIR, likewise):
bench/workload.py's 500 queries of four kinds (300 keywords with and without diacritics, 100
questions of 10-25 words, 50 typed as raw Telex with the input method off, 50 with a typo), each
asked once (first sight) and then again (repeated), after a warm-up on 50 others, over HTTP to a
fresh `vnsearch serve --workers 2` (10 hits with snippets) and, alternating query by query, to
FTS5 in this process (MATCH of the words ORed, bm25 order, LIMIT 10 with a snippet()). It
prints p50/p95/p99 per kind for both engines and passes, the p95 ratio, CPU time per query,
throughput with 16 clients over the workload (and over QUERIES for comparison; both answered
from the server's results cache once a query was seen) and on a second server with that cache
off (every answer computed), server memory (summed RSS, anonymous RSS, PSS, anonymous PSS),
the time from starting the server to its first answer, and issue 14's targets.

Prints a markdown table and writes it to --out (bench/results/ is git-ignored). --profile also
runs pyinstrument over the in-process query loop and over a one-process build of the subset
and writes the reports to bench/results/. --keep keeps the indexes; --reuse DIR measures
queries again on the indexes of a kept folder without rebuilding them. Method: bench/README.md;
results: bench/journal/performance.md and the README's speed table.

The machine is shared: the load average is recorded next to every section, so noisy numbers
can be recognised. Nothing here is hard-coded; every figure is measured in this run.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from arguments import positive_float, positive_int  # bench/arguments.py

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO.parent / "shared" / "corpus"
DEFAULT_CORPUS = CORPUS_DIR / "news-50k.jsonl.gz"
RESULTS = REPO / "bench" / "results"
DEFAULT_OUT = RESULTS / "perf.md"
HOST = "127.0.0.1"
ENGINES = ("vnsearch", "whoosh", "fts5")
CLIENT_LEVELS = (1, 4, 16)
MAX_REQUESTS_PER_CLIENT = 5000  # with --duration, bounds every load-generator thread
MiB = 1024 * 1024
RESULT_CACHE_ENV = "VNSEARCH_RESULT_CACHE_MB"  # indexer/results_cache.py: "0" turns it off

# Targets of issue 8, for the full corpus on a 2-core machine.
TARGET_P95_MS = 50.0
TARGET_RPS = 100.0
TARGET_RSS_MIB = 300.0
TARGET_BUILD_RATIO = 0.5  # issue 13: vnsearch's build in at most half stock Whoosh's wall time

# (query, sort): 1-4 syllables, with and without diacritics, phrases, operators, typos, and
# some sorted by date. Fixed, so runs compare.
QUERIES: list[tuple[str, str]] = [
    ("bão", "relevance"),
    ("Hà Nội", "relevance"),
    ("ha noi", "relevance"),
    ("giao thông", "relevance"),
    ("tai nạn giao thông", "relevance"),
    ("tai nan giao thong", "newest"),
    ("bóng đá", "relevance"),
    ("bong da", "relevance"),
    ("Thủ tướng", "relevance"),
    ("thu tuong chinh phu", "relevance"),
    ("giá vàng", "newest"),
    ("gia vang hom nay", "relevance"),
    ("chứng khoán", "relevance"),
    ("benh vien", "relevance"),
    ("cảnh sát giao thông", "relevance"),
    ("Đà Nẵng", "relevance"),
    ("da nang", "newest"),
    ("xuất khẩu gạo", "relevance"),
    ("bien dong", "relevance"),
    ("ô nhiễm môi trường", "relevance"),
    ("o nhiem moi truong", "relevance"),
    ("Thành uỷ", "relevance"),
    ("năm", "relevance"),
    ("Mỹ", "newest"),
    ("trung quoc", "relevance"),
    ("UBND", "relevance"),
    ("TP.HCM", "relevance"),
    ("tp hcm", "newest"),
    ("cong an", "relevance"),
    ("hoc sinh", "relevance"),
    ("xe máy", "relevance"),
    ("Donald Trump", "relevance"),
    ('"Hồ Chí Minh"', "relevance"),
    ('"ngan hang nha nuoc"', "relevance"),
    ('"tai nạn giao thông"', "newest"),
    ('"Việt Nam"', "relevance"),
    ("ha noi OR da nang", "relevance"),
    ("bong da -u23", "relevance"),
    ("title:bão", "relevance"),
    ("giao thog", "relevance"),
    ("chinh phuu", "relevance"),
    ("bất động sản", "newest"),
]


# --- small utilities ---------------------------------------------------------------------------


def load_avg() -> str:
    """The 1/5/15-minute load averages, as `uptime` shows them."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def directory_size(path: Path) -> int:
    """Bytes of all regular files under `path` (or of `path` itself)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def rss_anon(pid: int) -> int:
    """Anonymous resident memory of a process (RssAnon, Linux): heap and copies, without the
    file-backed pages of mmap'ed index files, which are page cache the kernel can reclaim."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory(proc: Any) -> tuple[int, int, int]:
    """(RSS, anonymous RSS, largest single RSS) of a psutil process and its descendants, the
    first two summed: forked pages and mmap'ed file pages count in every process mapping them."""
    import psutil

    rss = anon = largest = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0, 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            one = p.memory_info().rss
            rss += one
            largest = max(largest, one)
            anon += rss_anon(p.pid)
    return rss, anon, largest


def git_state() -> str:
    """The commit measured, and whether the working tree had local changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {head}" + (" + local changes" if dirty else "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def open_text(path: Path) -> Any:
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8")


def full_text(record: dict[str, Any]) -> str:
    """title + lead + body + captions: the one field of the naive baselines."""
    return "\n".join(
        [record.get("title") or "", record.get("lead") or "", record.get("body") or "", *(record.get("captions") or [])]
    )


def write_subset(corpus: Path, n: int, out: Path) -> int:
    """Write n evenly spaced records of the corpus to `out` (plain JSON Lines); returns the count."""
    with open_text(corpus) as f:
        total = sum(1 for line in f if line.strip())
    step = max(1, total // n)
    written = 0
    with open_text(corpus) as f, out.open("w", encoding="utf-8") as dst:
        for i, line in enumerate(x for x in f if x.strip()):
            if i % step == 0 and written < n:
                dst.write(line if line.endswith("\n") else line + "\n")
                written += 1
    return written


def write_first(corpus: Path, n: int, out: Path) -> int:
    """Write the first n records of the corpus to `out` (plain JSON Lines); returns the count."""
    written = 0
    with open_text(corpus) as f, out.open("w", encoding="utf-8") as dst:
        for line in f:
            if written >= n:
                break
            if line.strip():
                dst.write(line if line.endswith("\n") else line + "\n")
                written += 1
    return written


def count_records(path: Path) -> int:
    with open_text(path) as f:
        return sum(1 for line in f if line.strip())


# --- baseline builders (run in a subprocess: `perf.py _build ENGINE INPUT OUT`) ----------------


def build_whoosh(src: Path, out: Path) -> None:
    """Stock Whoosh: one TEXT field, accent-folding regex analyzer, 2 writer processes."""
    from whoosh import index
    from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.support.charset import accent_map

    out.mkdir(parents=True, exist_ok=True)
    analyzer = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
    schema = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=analyzer))
    ix = index.create_in(str(out), schema)
    writer = ix.writer(procs=2, limitmb=256)
    with open_text(src) as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                writer.add_document(id=record["id"], text=full_text(record))
    writer.commit()


def build_fts5(src: Path, out: Path) -> None:
    """SQLite FTS5 with unicode61 remove_diacritics 2, one column per part, one transaction."""
    out.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(out / "fts.sqlite")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, lead, body, captions, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )

    def rows() -> Iterator[tuple[str, str, str, str, str]]:
        with open_text(src) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    yield (
                        r["id"],
                        r.get("title") or "",
                        r.get("lead") or "",
                        r.get("body") or "",
                        "\n".join(r.get("captions") or []),
                    )

    with db:
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", rows())
    db.close()


# --- builds --------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    engine: str
    articles: int
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_rss: int = 0  # polled, summed over the process tree
    max_process_rss: int = 0  # largest single process, polled
    index_bytes: int = 0
    error: str | None = None
    reused: bool = False  # --reuse: an index of an earlier run, not built (nor measured) here

    @property
    def docs_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def cores(self) -> float:
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def run_measured(cmd: Sequence[str], log: Path, poll: float = 0.2) -> tuple[int, float, float, int, int]:
    """Run `cmd`; -> (exit status, wall s, CPU s of it and its reaped children, peak tree RSS,
    peak single-process RSS), RSS polled every `poll` s. The child is reaped with wait4 for the
    CPU time of its whole tree (wait4's ru_maxrss is not used: Linux carries the parent's high
    water mark across fork and exec)."""
    import psutil

    started = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
    ps = psutil.Process(proc.pid)
    peak = largest = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        rss, _anon, one = tree_memory(ps)
        peak, largest = max(peak, rss), max(largest, one)
        time.sleep(poll)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return proc.returncode, wall, cpu, peak, largest


def build_engine(engine: str, src: Path, out: Path, articles: int, logs: Path) -> BuildResult:
    """Build one engine's index of `src` into `out` in a measured subprocess."""
    if engine == "vnsearch":
        cmd = [sys.executable, "-m", "indexer", "build", str(src), "--index", str(out), "--quiet"]
    else:
        cmd = [sys.executable, str(Path(__file__).resolve()), "_build", engine, str(src), str(out)]
    log = logs / f"build-{engine}-{articles}.log"
    result = BuildResult(engine, articles)
    print(f"  build {engine} ({articles} articles) ...", file=sys.stderr, flush=True)
    status, result.seconds, result.cpu_seconds, result.peak_rss, result.max_process_rss = run_measured(cmd, log)
    if status != 0:
        result.error = f"failed: exit {status}: " + log.read_text(encoding="utf-8", errors="replace")[-500:]
        print(f"    FAILED {result.error}", file=sys.stderr)
        return result
    if engine == "vnsearch":
        gen = (out / "current").resolve()
        result.index_bytes = directory_size(gen)
    else:
        result.index_bytes = directory_size(out)
    print(
        f"    {result.seconds:.1f} s, {result.docs_per_second:.0f} docs/s, {result.cores:.2f} cores, "
        f"peak RSS {result.peak_rss / MiB:.0f} MiB, index {result.index_bytes / MiB:.1f} MiB",
        file=sys.stderr,
        flush=True,
    )
    return result


# --- in-process query latency ----------------------------------------------------------------


@dataclass
class Latency:
    label: str
    samples: list[float] = field(default_factory=list)  # milliseconds, warm
    first: list[float] = field(default_factory=list)  # the warm-up pass: each query seen first
    errors: int = 0
    note: str = ""

    def pct(self, p: float) -> float:
        return percentile(self.samples, p) if self.samples else float("nan")

    def first_pct(self, p: float) -> float:
        return percentile(self.first, p) if self.first else float("nan")


def fts5_expression(query: str) -> str:
    """Our query syntax as an FTS5 MATCH expression: words and phrases quoted, OR kept,
    field prefixes and exclusions dropped (FTS5 has no unary NOT)."""
    parts: list[str] = []
    for m in re.finditer(r'(-)?(?:[A-Za-z]+:)?(?:"([^"]*)"|(\S+))', query):
        if m.group(1):
            continue
        if m.group(3) == "OR":
            parts.append("OR")
            continue
        text = m.group(2) if m.group(2) is not None else m.group(3)
        words = re.findall(r"\w+", text)
        if words:
            parts.append('"' + " ".join(words) + '"')
    while parts and parts[-1] == "OR":
        parts.pop()
    while parts and parts[0] == "OR":
        parts.pop(0)
    return " ".join(parts)


def computing_service(index: Path) -> Any:
    """A SearchService with its results cache off: the passes repeat the same queries, and a
    cached answer (~0.1 ms) times the cache, not the search the other engines compute."""
    from indexer.results_cache import ResultsCache
    from indexer.search import SearchService

    service = SearchService(index)
    service.results = ResultsCache(0)
    return service


def query_runners(engine: str, index: Path) -> tuple[Callable[[str, str], Any], Callable[[], None]]:
    """(run(query, sort), close) for one engine's index."""
    if engine == "vnsearch":
        service = computing_service(index)
        return (lambda q, sort: service.search(q, sort=sort)), (lambda: None)
    if engine == "whoosh":
        from whoosh import index as windex
        from whoosh.qparser import QueryParser

        ix = windex.open_dir(str(index))
        searcher = ix.searcher()
        parser = QueryParser("text", ix.schema)

        def run_whoosh(q: str, sort: str) -> Any:
            return [hit["id"] for hit in searcher.search(parser.parse(q), limit=10)]

        return run_whoosh, searcher.close
    db = sqlite3.connect(index / "fts.sqlite", check_same_thread=False)
    sql = (
        "SELECT id, snippet(docs, 3, '<mark>', '</mark>', '…', 24) FROM docs WHERE docs MATCH ? "
        "ORDER BY bm25(docs) LIMIT 10"
    )

    def run_fts5(q: str, sort: str) -> Any:
        expression = fts5_expression(q)
        return db.execute(sql, (expression,)).fetchall() if expression else []

    return run_fts5, db.close


def measure_in_process(engine: str, index: Path, passes: int, label: str | None = None) -> Latency:
    """Warm up with one pass, then time `passes` passes of QUERIES."""
    run, close = query_runners(engine, index)
    notes = {
        "vnsearch": "full search JSON: 10 hits with snippets, captions, facets, suggestion; results cache off",
        "whoosh": "QueryParser (AND), top-10 ids, no snippets",
        "fts5": "MATCH + bm25, top-10 ids + snippet()",
    }
    lat = Latency(label or engine, note=notes[engine])
    try:
        for i in range(passes + 1):
            for q, sort in QUERIES:
                t0 = time.perf_counter()
                try:
                    run(q, sort)
                except Exception:
                    lat.errors += 1
                    continue
                (lat.samples if i else lat.first).append((time.perf_counter() - t0) * 1000)
    finally:
        close()
    return lat


def profile_queries(index: Path, label: str, passes: int) -> Path:
    """pyinstrument over the in-process vnsearch query loop; writes text and HTML reports."""
    from pyinstrument import Profiler

    service = computing_service(index)
    for q, sort in QUERIES:  # warm: generation, readings, searchers
        service.search(q, sort=sort)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(passes):
        for q, sort in QUERIES:
            service.search(q, sort=sort)
    profiler.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    text_path = RESULTS / f"profile-query-{label}.txt"
    text_path.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    (RESULTS / f"profile-query-{label}.html").write_text(profiler.output_html(), encoding="utf-8")
    return text_path


def profile_build(src: Path, work: Path, label: str) -> Path:
    """pyinstrument over a one-process build (`--procs 1`, so the profile sees all the work)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"profile-build-{label}.txt"
    cmd = [
        sys.executable,
        "-m",
        "pyinstrument",
        "-r",
        "text",
        "-o",
        str(out),
        "-m",
        "indexer",
        "build",
        str(src),
        "--index",
        str(work),
        "--quiet",
        "--procs",
        "1",
    ]
    subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out


# --- HTTP ----------------------------------------------------------------------------------------


class Server:
    """`python -m indexer serve` on a free loopback port, logs to files."""

    def __init__(self, index: Path, logs: Path, workers: int = 2, env: dict[str, str] | None = None) -> None:
        self.index = index
        self.workers = workers
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = logs / f"serve-{self.port}.log"
        self.started = time.perf_counter()  # just before the process is started
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "indexer",
                    "serve",
                    "--index",
                    str(index),
                    "--host",
                    HOST,
                    "--port",
                    str(self.port),
                    "--workers",
                    str(workers),
                ],
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **(env or {})},
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Until /api/health answers and every worker has the index mapped. The first worker
        answers before the second has loaded, and clients that connect then keep their
        connections on the first for the whole run (16 clients on one cached search: 470-490
        req/s with one worker serving, 1,050-1,420 with both)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-1000:]}")
            with contextlib.suppress(*HTTP_ERRORS), Client(self.url, timeout=2) as client:
                if client.get("/api/health")[0] == 200 and self._workers_loaded():
                    return
            time.sleep(0.1)
        raise RuntimeError("server not ready")

    def _workers_loaded(self) -> bool:
        """Whether gunicorn runs all its workers and each has mapped files of the index."""
        import psutil

        index = str(self.index.resolve())
        workers = self.processes()[1:]
        try:
            return len(workers) == self.workers and all(
                any(m.path.startswith(index) for m in worker.memory_maps()) for worker in workers
            )
        except psutil.Error:
            return False

    def memory(self) -> tuple[int, int]:
        """(RSS, anonymous RSS) of gunicorn's master and workers, summed."""
        import psutil

        return tree_memory(psutil.Process(self.proc.pid))[:2]

    def pss(self) -> tuple[int, int]:
        """(PSS, anonymous PSS) of gunicorn's master and workers, summed. PSS splits a shared page
        between the processes that map it, so a page both workers use (the mmap'ed index, the
        page cache behind it, pages forked from the master) counts once overall; its anonymous
        part (Linux's smaps_rollup `Pss_Anon`) is the memory the server allocated itself,
        without the file-backed index pages, which the kernel can drop and read again."""
        import psutil

        total = anon = 0
        for p in self.processes():
            with contextlib.suppress(psutil.Error, OSError):
                total += p.memory_full_info().pss
                anon += _smaps_rollup(p.pid).get("Pss_Anon", 0)
        return total, anon

    def cpu(self) -> float:
        """CPU seconds (user + system) used so far by gunicorn's master and its live workers."""
        return sum(self.cpu_by_process().values())

    def cpu_by_process(self) -> dict[int, float]:
        """The same, per process (pid: seconds)."""
        import psutil

        used: dict[int, float] = {}
        for p in self.processes():
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                used[p.pid] = t.user + t.system
        return used

    def processes(self) -> list[Any]:
        """gunicorn's master, then its workers (psutil processes); none once the master is gone."""
        import psutil

        try:
            root = psutil.Process(self.proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def _smaps_rollup(pid: int) -> dict[str, int]:
    """/proc/PID/smaps_rollup in bytes ({} where the kernel has none)."""
    out: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                out[parts[0].rstrip(":")] = int(parts[1]) * 1024
    return out


class RssMonitor:
    """Polls the server's RSS in a thread while a block runs; `.peak` in bytes."""

    def __init__(self, server: Server, interval: float = 0.25) -> None:
        self.server, self.interval = server, interval
        self.peak = self.peak_anon = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def _sample(self) -> None:
        rss, anon = self.server.memory()
        self.peak, self.peak_anon = max(self.peak, rss), max(self.peak_anon, anon)

    def __enter__(self) -> RssMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


HTTP_ERRORS = (OSError, http.client.HTTPException)  # a refused, dropped or timed-out request


class Client:
    """One keep-alive HTTP/1.1 connection to the server (the standard library's `http.client`):
    what every measurement here asks through, one per load-generator thread.

    Why not `requests`: the load generator runs on the same two cores as the server it
    measures, and whatever CPU it spends is taken from the server. A `requests.Session` spent
    ~2 ms of CPU a request (16 threads asking computed searches: 1.96 and 2.03 ms a request,
    ~10% of the machine; 16 threads asking /api/health: 454 req/s, the client using more CPU
    than the server), where `http.client` spends ~0.3 ms (/api/health: ~1,400 req/s)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self._connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self._used = False  # a connection that served a request may since have been closed

    def get(self, path: str) -> tuple[int, bytes]:
        """(status, body) of GET `path`. A kept-alive connection the server has closed in the
        meantime (`serve` keeps idle ones 5 s) is opened again once, as a browser does."""
        reused = self._used
        try:
            return self._exchange(path)
        except HTTP_ERRORS:
            if not reused:
                raise
            return self._exchange(path)

    def _exchange(self, path: str) -> tuple[int, bytes]:
        self._used = False
        try:
            self._connection.request("GET", path)
            response = self._connection.getresponse()
            body = response.read()
        except HTTP_ERRORS:
            self._connection.close()  # the next request connects afresh
            raise
        if response.will_close:
            self._connection.close()
        else:
            self._used = True
        return response.status, body

    def search(self, q: str, sort: str) -> bool:
        """GET /api/search for `q` (and `sort`, unless relevance): whether it answered 200 JSON."""
        params = {"q": q} if sort == "relevance" else {"q": q, "sort": sort}
        status, body = self.get("/api/search?" + urlencode(params))
        return status == 200 and body[:1] == b"{"

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def measure_http_latency(server: Server, passes: int) -> Latency:
    """One client, sequential: 2 warm-up passes (both workers), then `passes` timed passes."""
    lat = Latency("GET /api/search", note="one client, keep-alive, 10 hits with snippets, results cache off")
    with Client(server.url) as client:
        for i in range(passes + 2):
            for q, sort in QUERIES:
                t0 = time.perf_counter()
                try:
                    ok = client.search(q, sort)
                except HTTP_ERRORS:
                    ok = False
                if not ok:
                    lat.errors += 1
                elif i == 0:
                    lat.first.append((time.perf_counter() - t0) * 1000)
                elif i >= 2:
                    lat.samples.append((time.perf_counter() - t0) * 1000)
    return lat


@dataclass
class Throughput:
    clients: int
    seconds: float = 0.0
    ok: int = 0
    errors: int = 0
    samples: list[float] = field(default_factory=list)
    peak_rss: int = 0
    peak_anon: int = 0
    load: str = ""
    server_cpu: float = 0.0  # CPU seconds the server used during the run
    worker_cpu: list[float] = field(default_factory=list)  # the same per worker, the busiest first

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        done = self.ok + self.errors
        return self.server_cpu * 1000 / done if done else float("nan")

    @property
    def split(self) -> str:
        """How the workers shared the work, e.g. "51% / 49%": kept-alive connections stay on the
        worker that accepted them, and the busier worker bounds the throughput."""
        total = sum(self.worker_cpu)
        return " / ".join(f"{100 * c / total:.0f}%" for c in self.worker_cpu) if total else "–"


def measure_throughput(
    server: Server,
    clients: int,
    duration: float,
    max_per_client: int = MAX_REQUESTS_PER_CLIENT,
    queries: Sequence[tuple[str, str]] = QUERIES,
) -> Throughput:
    """`clients` threads, each with its own keep-alive connection (`Client`), cycling through
    `queries` from its own offset until `duration` seconds or `max_per_client` requests,
    whichever comes first."""
    queries = list(queries)
    result = Throughput(clients)
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def client(offset: int) -> None:
        ok = errors = 0
        samples: list[float] = []
        with Client(server.url) as http:
            start_gate.wait()
            deadline = time.monotonic() + duration
            i = offset
            while ok + errors < max_per_client and time.monotonic() < deadline:
                q, sort = queries[i % len(queries)]
                i += 1
                t0 = time.perf_counter()
                try:
                    good = http.search(q, sort)
                except HTTP_ERRORS:
                    good = False
                if good:
                    ok += 1
                    samples.append((time.perf_counter() - t0) * 1000)
                else:
                    errors += 1
        with lock:
            result.ok += ok
            result.errors += errors
            result.samples.extend(samples)

    step = max(7, len(queries) // clients)  # clients spread over the list, not in lockstep
    threads = [threading.Thread(target=client, args=(n * step,)) for n in range(clients)]
    for t in threads:
        t.start()
    with RssMonitor(server) as monitor:
        cpu0 = server.cpu_by_process()
        start_gate.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        result.seconds = time.perf_counter() - t0
        used = {pid: cpu - cpu0.get(pid, 0.0) for pid, cpu in server.cpu_by_process().items()}
        result.server_cpu = sum(used.values())
        used.pop(server.proc.pid, None)  # the master: it only watches the workers
        result.worker_cpu = sorted(used.values(), reverse=True)
    result.peak_rss, result.peak_anon = monitor.peak, monitor.peak_anon
    result.load = load_avg()
    return result


# --- one dataset -------------------------------------------------------------------------------


@dataclass
class ServerRun:
    """One `vnsearch serve` measured over HTTP."""

    label: str
    http: Latency | None = None
    throughput: list[Throughput] = field(default_factory=list)
    idle_memory: tuple[int, int] = (0, 0)


def measure_server(index: Path, logs: Path, args: argparse.Namespace) -> ServerRun:
    """Start a server, measure latency then throughput, stop it."""
    run = ServerRun("vnsearch")
    # results cache off, as in process: after the warm-up passes every query would be a cache hit
    server = Server(index, logs, env={RESULT_CACHE_ENV: "0"})
    try:
        server.wait_ready()
        print(f"  HTTP latency ({run.label})", file=sys.stderr, flush=True)
        run.http = measure_http_latency(server, args.passes)
        run.idle_memory = server.memory()
        for clients in CLIENT_LEVELS:
            print(f"  HTTP throughput, {clients} clients ({run.label})", file=sys.stderr, flush=True)
            run.throughput.append(measure_throughput(server, clients, args.duration))
    finally:
        server.stop()
    return run


@dataclass
class DatasetResult:
    label: str
    articles: int
    source: str
    builds: dict[str, BuildResult] = field(default_factory=dict)
    latencies: list[Latency] = field(default_factory=list)
    servers: list[ServerRun] = field(default_factory=list)
    loads: dict[str, str] = field(default_factory=dict)
    profiles: list[Path] = field(default_factory=list)


def run_dataset(label: str, src: Path, articles: int, work: Path, args: argparse.Namespace) -> DatasetResult:
    """Build every engine on `src`, then measure queries in process and over HTTP."""
    print(f"== {label}: {articles} articles from {src.name} (load {load_avg()})", file=sys.stderr, flush=True)
    res = DatasetResult(label, articles, src.name)
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    res.loads["build, start"] = load_avg()
    for engine in args.engines:
        out = work / f"{engine}-{label}"
        if args.reuse and out.exists():
            print(f"  reusing {out} (not rebuilt, build not measured)", file=sys.stderr, flush=True)
            res.builds[engine] = BuildResult(
                engine, articles, error="reused from an earlier run (--reuse)", reused=True
            )
            continue
        res.builds[engine] = build_engine(engine, src, out, articles, logs)
    res.loads["build, end"] = load_avg()
    if args.build_only:
        return res
    for engine in args.engines:
        if res.builds[engine].error and not res.builds[engine].reused:
            continue
        print(f"  queries in process: {engine}", file=sys.stderr, flush=True)
        res.latencies.append(measure_in_process(engine, work / f"{engine}-{label}", args.passes))
    res.loads["queries"] = load_avg()
    vn_index = work / f"vnsearch-{label}"
    vn_ok = "vnsearch" in res.builds and (not res.builds["vnsearch"].error or res.builds["vnsearch"].reused)
    if args.profile and vn_ok:
        print("  profiling queries (pyinstrument)", file=sys.stderr, flush=True)
        res.profiles.append(profile_queries(vn_index, label, max(1, args.passes // 2)))
        if label == "subset":
            print("  profiling a one-process build (pyinstrument)", file=sys.stderr, flush=True)
            res.profiles.append(profile_build(src, work / "profile-build-index", label))
    if vn_ok and not args.skip_http:
        res.servers.append(measure_server(vn_index, logs, args))
        res.loads["HTTP, end"] = load_avg()
    return res


# --- report --------------------------------------------------------------------------------------


def _ms(x: float) -> str:
    return f"{x:.1f}"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def dataset_markdown(res: DatasetResult) -> list[str]:
    """The tables of one dataset."""
    out = [f"## {res.label}: {res.articles:,} articles ({res.source})", ""]
    out.append("Load average (1/5/15 min) — " + "; ".join(f"{k}: {v}" for k, v in res.loads.items()))
    out += [
        "",
        "### Build (each in its own subprocess, same input file)",
        "",
        "| engine | wall s | docs/s | CPU s | cores used | peak RSS MiB (tree) | largest process MiB "
        "| index MiB | wall vs Whoosh | CPU vs Whoosh | size vs Whoosh |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = res.builds.get("whoosh")
    base = base if base is not None and not base.error else None
    for engine, b in res.builds.items():
        if b.error:
            out.append(f"| {engine} | {b.error[:80]} |||||||||")
            continue
        out.append(
            f"| {engine} | {b.seconds:.1f} | {b.docs_per_second:.0f} | {b.cpu_seconds:.1f} | {b.cores:.2f} | "
            f"{b.peak_rss / MiB:.0f} | {b.max_process_rss / MiB:.0f} | {b.index_bytes / MiB:.1f} | "
            f"{_ratio(b.seconds, base.seconds) if base else '–'} | "
            f"{_ratio(b.cpu_seconds, base.cpu_seconds) if base else '–'} | "
            f"{_ratio(b.index_bytes, base.index_bytes) if base else '–'} |"
        )
    vn = res.builds.get("vnsearch")
    if base and vn and not vn.error:
        ratio = vn.seconds / base.seconds
        out += [
            "",
            f"vnsearch / stock Whoosh wall time: **{ratio:.2f}×** (target ≤ {TARGET_BUILD_RATIO:g}×: "
            f"{'met' if ratio <= TARGET_BUILD_RATIO else 'NOT met'}), on {vn.cores:.2f} cores.",
        ]
    if res.latencies:
        out += [
            "",
            f"### Query latency in process ({len(QUERIES)} queries × passes, after a warm-up pass)",
            "",
            "| engine | samples | errors | p50 ms | p95 ms | p99 ms | max ms | first pass p50 / p95 ms "
            "| what is measured |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for lat in res.latencies:
            out.append(
                f"| {lat.label} | {len(lat.samples)} | {lat.errors} | {_ms(lat.pct(50))} | "
                f"{_ms(lat.pct(95))} | {_ms(lat.pct(99))} | {_ms(max(lat.samples, default=0))} | "
                f"{_ms(lat.first_pct(50))} / {_ms(lat.first_pct(95))} | {lat.note} |"
            )
    if res.servers:
        out += [
            "",
            "### GET /api/search over HTTP (gunicorn, 2 workers × 4 threads, 127.0.0.1)",
            "",
            "One client, sequential, 10 hits with snippets:",
            "",
            "| server | samples | errors | p50 ms | p95 ms | p99 ms | max ms | first pass p50 / p95 ms "
            "| RSS after, MiB | anonymous MiB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for run in res.servers:
            h = run.http or Latency(run.label)
            rss, anon = run.idle_memory
            out.append(
                f"| {run.label} | {len(h.samples)} | {h.errors} | {_ms(h.pct(50))} | {_ms(h.pct(95))} | "
                f"{_ms(h.pct(99))} | {_ms(max(h.samples, default=0))} | {_ms(h.first_pct(50))} / "
                f"{_ms(h.first_pct(95))} | {rss / MiB:.0f} | {anon / MiB:.0f} |"
            )
        out += [
            "",
            "Throughput (each client thread bounded by time and by request count):",
            "",
            "| server | concurrent clients | seconds | requests OK | errors | requests/s | p50 ms | p95 ms | "
            "RSS peak MiB | anonymous peak MiB | load avg after |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for run in res.servers:
            for t in run.throughput:
                p50 = _ms(percentile(t.samples, 50)) if t.samples else "–"
                p95 = _ms(percentile(t.samples, 95)) if t.samples else "–"
                out.append(
                    f"| {run.label} | {t.clients} | {t.seconds:.1f} | {t.ok} | {t.errors} | {t.rps:.1f} | {p50} | "
                    f"{p95} | {t.peak_rss / MiB:.0f} | {t.peak_anon / MiB:.0f} | {t.load} |"
                )
        out += [
            "",
            "Server memory is summed over gunicorn's master and 2 workers: forked pages and mmap'ed index "
            "pages count in every process that maps them; anonymous = heap and copies, without file-backed "
            "pages.",
        ]
    if res.profiles:
        out += ["", "Profiles: " + ", ".join(f"`{p.relative_to(REPO)}`" for p in res.profiles)]
    out.append("")
    return out


def targets_markdown(res: DatasetResult) -> list[str]:
    """Issue 8's targets against what this run measured on `res`, per server variant."""
    out = [f"## Targets (issues 8 and 13) measured on: {res.label}", ""]
    vn, wh = res.builds.get("vnsearch"), res.builds.get("whoosh")
    runs = res.servers or [ServerRun("vnsearch")]
    out += ["| target | " + " | ".join(r.label for r in runs) + " |", "|---|" + "---|" * len(runs)]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**NOT met**"

    def row(name: str, cells: list[str]) -> None:
        out.append(f"| {name} | " + " | ".join(cells) + " |")

    if any(r.http and r.http.samples for r in runs):
        cells = []
        for r in runs:
            p95 = r.http.pct(95) if r.http and r.http.samples else float("nan")
            cells.append(f"{p95:.1f} ms, {verdict(p95 <= TARGET_P95_MS)}")
        row(f"/api/search p95 ≤ {TARGET_P95_MS:.0f} ms with snippets", cells)
    if any(r.throughput for r in runs):
        cells = []
        for r in runs:
            best = max(r.throughput, key=lambda t: t.rps)
            cells.append(f"{best.rps:.1f} req/s ({best.clients} clients), {verdict(best.rps >= TARGET_RPS)}")
        row(f"≥ {TARGET_RPS:.0f} requests/s", cells)
        cells = []
        for r in runs:
            peak = max(t.peak_rss for t in r.throughput) / MiB
            anon = max(t.peak_anon for t in r.throughput) / MiB
            cells.append(f"{peak:.0f} MiB peak ({anon:.0f} anonymous), {verdict(peak <= TARGET_RSS_MIB)}")
        row(f"server RSS ≤ {TARGET_RSS_MIB:.0f} MiB", cells)
    if vn and wh and not vn.error and not wh.error:
        ratio = vn.seconds / wh.seconds
        cell = f"{ratio:.2f}× wall ({vn.cpu_seconds / wh.cpu_seconds:.2f}× CPU), {verdict(ratio <= TARGET_BUILD_RATIO)}"
        row(f"build time ≤ {TARGET_BUILD_RATIO:g}× stock Whoosh", [cell] + ["(same build)"] * (len(runs) - 1))
        cell = f"{vn.cores:.2f} cores (CPU s / wall s), {verdict(vn.cores >= 1.5)}"
        row("build uses both cores", [cell] + ["(same build)"] * (len(runs) - 1))
    out.append("")
    return out


def report_markdown(results: list[DatasetResult], args: argparse.Namespace, started: str) -> str:
    from importlib.metadata import version

    lines = [
        "# vnsearch performance",
        "",
        f"Run {started} on {platform.node() or 'this machine'}: {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, whoosh-reloaded {version('whoosh-reloaded')}, "
        f"SQLite {sqlite3.sqlite_version}. Load average at the end: {load_avg()}. "
        f"Code at the start: {args.code}. Command: `python bench/perf.py {' '.join(sys.argv[1:])}`.",
        "",
    ]
    for res in results:
        lines += dataset_markdown(res)
    if results:
        lines += targets_markdown(results[-1])
    return "\n".join(lines)


# --- the issue-14 workload: first sight, HTTP against FTS5 ----------------------------------------

# Targets of issue 14 (news-50k, 2 cores).
TARGET_P95_VS_FTS5 = 0.5  # vnsearch p95 (all kinds, first sight) at most this × FTS5's
TARGET_P99_VS_P95 = 2.0
TARGET_WORKLOAD_RPS = 200.0
TARGET_FIRST_ANSWER_S = 1.0
WORKLOAD_CLIENTS = 16


def fts5_or_expression(query: str) -> str:
    """The words of a query ORed, each quoted: FTS5's closest match to vnsearch's 'any word may
    match, the best first' (unicode61 remove_diacritics 2 folds the marks)."""
    return " OR ".join(f'"{w}"' for w in re.findall(r"\w+", query))


def fts5_or_runner(db_path: Path) -> tuple[Callable[[str], Any], Callable[[], None]]:
    """(run(query) -> 10 (id, snippet) rows, close): MATCH an OR of the words, bm25 order, a
    snippet() of the column FTS5 picks as best."""
    db = sqlite3.connect(db_path, check_same_thread=False)
    sql = (
        "SELECT id, snippet(docs, -1, '<mark>', '</mark>', '…', 24) FROM docs WHERE docs MATCH ? "
        "ORDER BY bm25(docs) LIMIT 10"
    )

    def run(q: str) -> Any:
        expression = fts5_or_expression(q)
        return db.execute(sql, (expression,)).fetchall() if expression else []

    return run, db.close


def read_through(path: Path) -> int:
    """Read every file under `path` once (into the OS page cache); returns the bytes read."""
    total = 0
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        with f.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                total += len(chunk)
    return total


@dataclass
class WorkloadResult:
    description: str = ""
    kinds: tuple[str, ...] = ()
    # engine/pass ("vnsearch first", "vnsearch repeated", "fts5 first", "fts5 repeated") -> kind -> ms
    samples: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    first_answer_s: float = float("nan")  # process start -> first successful /api/search answer
    first_answer_ms: float = float("nan")  # that request's own latency
    first_answer_tries: int = 0
    idle_memory: tuple[int, int] = (0, 0)
    idle_pss: tuple[int, int] = (0, 0)  # (PSS, anonymous PSS) after the two passes
    loaded_pss: tuple[int, int] = (0, 0)  # the same, right after the throughput runs
    throughput: Throughput | None = None
    throughput_fixed: Throughput | None = None  # the same, cycling over the 42 QUERIES (warm, for comparison)
    throughput_computed: Throughput | None = None  # over the workload, results cache off: every answer computed
    loads: dict[str, str] = field(default_factory=dict)
    slowest: list[tuple[str, float, str]] = field(default_factory=list)  # (kind, ms, query), vnsearch first
    cpu_ms: dict[str, float] = field(default_factory=dict)  # engine/pass -> mean CPU ms per query

    def pct(self, key: str, kind: str, p: float) -> float:
        values = self.all(key) if kind == "all" else self.samples.get(key, {}).get(kind, [])
        return percentile(values, p) if values else float("nan")

    def all(self, key: str) -> list[float]:
        return [ms for kind in self.kinds for ms in self.samples.get(key, {}).get(kind, [])]


def first_answer(server: Server, query: str, timeout: float = 60.0) -> tuple[float, float, int]:
    """Ask /api/search for `query` from the moment the server process starts until it answers
    200: (seconds since the process start, the answering request's ms, attempts)."""
    deadline = time.monotonic() + timeout
    tries = 0
    with Client(server.url) as client:
        while time.monotonic() < deadline:
            if server.proc.poll() is not None:
                raise RuntimeError(f"server exited: {server.log.read_text(errors='replace')[-1000:]}")
            tries += 1
            t0 = time.perf_counter()
            try:
                if client.search(query, "relevance"):
                    t1 = time.perf_counter()
                    return t1 - server.started, (t1 - t0) * 1000, tries
            except HTTP_ERRORS:
                pass  # refused while the server starts
            time.sleep(0.005)
    raise RuntimeError("server did not answer /api/search")


def run_workload(vn_index: Path, fts_db: Path, logs: Path, args: argparse.Namespace) -> WorkloadResult:
    """Issue 14's latency workload (bench/workload.py): a fresh `vnsearch serve --workers 2` and
    FTS5 in this process, each warmed on the same WARM_UP queries, then every workload query once
    (first sight) and the whole list again (repeated), the two engines alternating query by query
    so both see the same machine load; then throughput with 16 clients over the workload."""
    sys.path.insert(0, str(REPO / "bench"))
    from workload import KINDS, build_workload

    print("  making the workload (~15 s)", file=sys.stderr, flush=True)
    wl = build_workload()
    res = WorkloadResult(description=wl.describe(), kinds=(*KINDS,))
    print(f"  {res.description}", file=sys.stderr, flush=True)
    for path in (vn_index, fts_db):  # the OS page cache holds both: first sight of the query, not of the disk
        read_through(path)
    res.loads["start"] = load_avg()
    keys = ("vnsearch first", "vnsearch repeated", "fts5 first", "fts5 repeated")
    res.samples = {k: {kind: [] for kind in KINDS} for k in keys}
    res.errors = dict.fromkeys(keys, 0)
    fts_run, fts_close = fts5_or_runner(fts_db)
    # as `make serve` leaves the tree: our modules' bytecode written, so the timed start does
    # not compile them (it would where PYTHONDONTWRITEBYTECODE is set, ~0.2 s of the first answer)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "indexer", "webui"], cwd=REPO, check=True)
    server = Server(vn_index, logs)
    try:
        first = wl.warm_up[0].text
        res.first_answer_s, res.first_answer_ms, res.first_answer_tries = first_answer(server, first)
        print(
            f"  first answer {res.first_answer_s:.2f} s after start ({res.first_answer_ms:.0f} ms request)",
            file=sys.stderr,
            flush=True,
        )
        with Client(server.url) as client:
            # one keep-alive connection: warm-up, first sight and repeated pass go to one worker
            for q in wl.warm_up:
                fts_run(q.text)
                if q.text != first:
                    client.search(q.text, "relevance")
            for label in ("first", "repeated"):
                print(f"  workload, {label} sight", file=sys.stderr, flush=True)
                server_cpu0, fts_cpu = server.cpu(), 0.0
                for q in wl.queries:
                    t0 = time.perf_counter()
                    try:
                        ok = client.search(q.text, "relevance")
                    except HTTP_ERRORS:
                        ok = False
                    ms = (time.perf_counter() - t0) * 1000
                    if ok:
                        res.samples[f"vnsearch {label}"][q.kind].append(ms)
                        if label == "first":
                            res.slowest.append((q.kind, ms, q.text))
                    else:
                        res.errors[f"vnsearch {label}"] += 1
                    t0, c0 = time.perf_counter(), time.thread_time()
                    try:
                        fts_run(q.text)
                    except sqlite3.Error:
                        res.errors[f"fts5 {label}"] += 1
                        continue
                    res.samples[f"fts5 {label}"][q.kind].append((time.perf_counter() - t0) * 1000)
                    fts_cpu += time.thread_time() - c0
                # the server's CPU over the pass (it serves nothing else; the HTTP client's is not counted)
                res.cpu_ms[f"vnsearch {label}"] = (server.cpu() - server_cpu0) * 1000 / len(wl.queries)
                res.cpu_ms[f"fts5 {label}"] = fts_cpu * 1000 / len(wl.queries)
                res.loads[f"{label} sight, end"] = load_avg()
        res.idle_memory, res.idle_pss = server.memory(), server.pss()
        print(f"  throughput, {WORKLOAD_CLIENTS} clients", file=sys.stderr, flush=True)
        pairs = [(q.text, "relevance") for q in wl.queries]
        res.throughput = measure_throughput(server, WORKLOAD_CLIENTS, args.duration, queries=pairs)
        res.loads["throughput, end"] = load_avg()
        print(f"  throughput, {WORKLOAD_CLIENTS} clients, {len(QUERIES)} fixed queries", file=sys.stderr, flush=True)
        for q, sort in QUERIES:  # a new connection each: either worker
            with Client(server.url) as one:
                one.search(q, sort)
        res.throughput_fixed = measure_throughput(server, WORKLOAD_CLIENTS, args.duration)
        res.loaded_pss = server.pss()
        res.loads["throughput (fixed queries), end"] = load_avg()
    finally:
        server.stop()
        fts_close()
    # The runs above are answered from the results cache once a query was seen: what does the
    # server do when it must compute every answer? The same, on a server with the cache off.
    print(f"  throughput, {WORKLOAD_CLIENTS} clients, results cache off", file=sys.stderr, flush=True)
    server = Server(vn_index, logs, env={RESULT_CACHE_ENV: "0"})
    try:
        server.wait_ready()
        for q in wl.warm_up:  # a new connection each: either worker
            with Client(server.url) as one:
                one.search(q.text, "relevance")
        res.throughput_computed = measure_throughput(server, WORKLOAD_CLIENTS, args.duration, queries=pairs)
        res.loads["throughput (results cache off), end"] = load_avg()
    finally:
        server.stop()
    res.slowest.sort(key=lambda s: -s[1])
    return res


def workload_markdown(res: WorkloadResult, vn_index: Path, fts_db: Path) -> list[str]:
    """The issue-14 tables: latency per kind, throughput, memory, first answer, targets."""

    def trio(key: str, kind: str) -> str:
        return " / ".join(_ms(res.pct(key, kind, p)) for p in (50, 95, 99))

    def count(kind: str) -> int:
        return len(res.all("vnsearch first")) if kind == "all" else len(res.samples["vnsearch first"][kind])

    out = [
        "## Issue 14 workload: first sight over HTTP against FTS5 (news search)",
        "",
        f"{res.description} (bench/workload.py). vnsearch: GET /api/search (10 hits with snippets) of a "
        f"fresh `vnsearch serve --workers 2` on `{vn_index}`, one keep-alive client; FTS5: in this "
        f"process on `{fts_db}`, MATCH of the words ORed, bm25 order, LIMIT 10 with a snippet(). Both "
        "warmed on the same queries, then the two alternate query by query; `first` = each query the "
        "first time the engine sees it, `repeated` = the same list asked again (vnsearch answers it from its "
        "results cache, FTS5 from warm pages). Both indexes were read "
        "once beforehand (OS page cache).",
        "",
        "Load average (1/5/15 min) — " + "; ".join(f"{k}: {v}" for k, v in res.loads.items()),
        "",
        "| kind | n | vnsearch first p50 / p95 / p99 ms | vnsearch repeated p50 / p95 / p99 ms | FTS5 first "
        "p50 / p95 / p99 ms | FTS5 repeated p50 / p95 / p99 ms | p95 vnsearch / FTS5, first | repeated "
        "| vnsearch p99 / p95, first |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in (*res.kinds, "all"):
        name = f"**{kind}**" if kind == "all" else kind
        out.append(
            f"| {name} | {count(kind)} | {trio('vnsearch first', kind)} | {trio('vnsearch repeated', kind)} | "
            f"{trio('fts5 first', kind)} | {trio('fts5 repeated', kind)} | "
            f"{_ratio(res.pct('vnsearch first', kind, 95), res.pct('fts5 first', kind, 95))} | "
            f"{_ratio(res.pct('vnsearch repeated', kind, 95), res.pct('fts5 repeated', kind, 95))} | "
            f"{_ratio(res.pct('vnsearch first', kind, 99), res.pct('vnsearch first', kind, 95))} |"
        )
    errors = ", ".join(f"{k} {v}" for k, v in res.errors.items())
    out += ["", f"Errors: {errors}.", ""]
    if res.cpu_ms:
        cpu = res.cpu_ms
        out += [
            "Mean CPU time per query, which the machine's other load does not inflate: vnsearch server "
            f"(gunicorn master + workers, HTTP and JSON included) {cpu['vnsearch first']:.1f} ms first sight, "
            f"{cpu['vnsearch repeated']:.1f} ms repeated; FTS5 {cpu['fts5 first']:.1f} / "
            f"{cpu['fts5 repeated']:.1f} ms ({_ratio(cpu['vnsearch first'], cpu['fts5 first'])} first sight).",
            "",
        ]
    if res.slowest:
        out += ["Slowest vnsearch first-sight requests:", ""]
        out += [f"- {ms:.0f} ms, {kind}: `{q}`" for kind, ms, q in res.slowest[:8]]
        out.append("")
    t = res.throughput
    rss, anon = res.idle_memory
    f = res.throughput_fixed
    if f is not None:
        out += [
            f"For comparison, {f.clients} clients cycling over perf.py's {len(QUERIES)} fixed queries (issue 8's "
            f"throughput set; repeated, so caches are warm): {f.rps:.1f} req/s, {f.errors} errors, p50 "
            f"{_ms(percentile(f.samples, 50)) if f.samples else '–'} ms, {f.cpu_ms_per_request:.1f} ms server CPU "
            f"per request (workers' shares {f.split}), peak RSS {f.peak_rss / MiB:.0f} MiB.",
            "",
        ]
    if t is not None:
        out += [
            f"Throughput, {t.clients} clients over the workload (each a keep-alive connection, from its own "
            f"offset, {t.seconds:.1f} s): **{t.rps:.1f} req/s**, {t.ok} OK, {t.errors} errors, p50 "
            f"{_ms(percentile(t.samples, 50)) if t.samples else '–'} ms, p95 "
            f"{_ms(percentile(t.samples, 95)) if t.samples else '–'} ms; load after {t.load}. The server used "
            f"{t.cpu_ms_per_request:.1f} ms of CPU per request (workers' shares {t.split}): 2 cores of its own "
            f"could serve at most ~{2000 / t.cpu_ms_per_request:.0f} req/s. Every query had been asked before "
            "(first and repeated passes), so these are answered from the server's results cache "
            "(indexer/results_cache.py).",
            "",
            f"Server memory (gunicorn master + 2 workers, RSS summed): {rss / MiB:.0f} MiB after the two "
            f"passes ({anon / MiB:.0f} anonymous), peak {t.peak_rss / MiB:.0f} MiB ({t.peak_anon / MiB:.0f} "
            f"anonymous) under load. Summed RSS counts a page mapped by both workers twice (the mmap'ed index "
            f"segments are file-backed page cache); PSS, which splits shared pages between the processes, was "
            f"{res.idle_pss[0] / MiB:.0f} MiB after the passes and {res.loaded_pss[0] / MiB:.0f} MiB after the "
            f"throughput runs, of which anonymous (what the server allocated, not the index's file pages) "
            f"{res.idle_pss[1] / MiB:.0f} and {res.loaded_pss[1] / MiB:.0f} MiB.",
            "",
        ]
    c = res.throughput_computed
    if c is not None:
        out += [
            f"Throughput with every answer computed (a second server, `VNSEARCH_RESULT_CACHE_MB=0`, warmed on "
            f"the warm-up queries, {c.clients} clients over the workload, {c.seconds:.1f} s): **{c.rps:.1f} req/s**, "
            f"{c.errors} errors, p50 {_ms(percentile(c.samples, 50)) if c.samples else '–'} ms, p95 "
            f"{_ms(percentile(c.samples, 95)) if c.samples else '–'} ms, {c.cpu_ms_per_request:.1f} ms server CPU "
            f"per request (workers' shares {c.split}; 2 cores: at most ~{2000 / c.cpu_ms_per_request:.0f} req/s); "
            f"load after {c.load}.",
            "",
        ]
    out += [
        f"First answer: {res.first_answer_s:.2f} s from the server process's start to the first successful "
        f"/api/search answer ({res.first_answer_tries} tries, connection refused until gunicorn listens); "
        f"that request took {res.first_answer_ms:.0f} ms. Bytecode compiled beforehand, as `make serve` does.",
        "",
    ]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**NOT met**"

    vn95, fts95 = res.pct("vnsearch first", "all", 95), res.pct("fts5 first", "all", 95)
    slower = [k for k in res.kinds if res.pct("vnsearch first", k, 95) > res.pct("fts5 first", k, 95)]
    worst_tail = max((res.pct("vnsearch first", k, 99) / res.pct("vnsearch first", k, 95), k)
                     for k in (*res.kinds, "all") if count(k))
    out += [
        "| issue 14 target | measured | |",
        "|---|---|---|",
        f"| p95 ≤ {TARGET_P95_VS_FTS5:g}× FTS5 p95 (all, first sight) | {vn95:.1f} vs {fts95:.1f} ms = "
        f"{_ratio(vn95, fts95)} | {verdict(vn95 <= TARGET_P95_VS_FTS5 * fts95)} |",
        f"| no kind slower than FTS5 at p95 (first sight) | slower: {', '.join(slower) or 'none'} | "
        f"{verdict(not slower)} |",
        f"| p99 ≤ {TARGET_P99_VS_P95:g}× p95 (every kind, first sight) | worst {worst_tail[0]:.2f}× ({worst_tail[1]}) "
        f"| {verdict(worst_tail[0] <= TARGET_P99_VS_P95)} |",
    ]
    if t is not None:
        peak = max(t.peak_rss, rss, f.peak_rss if f else 0)
        peak_anon = max(t.peak_anon, anon, f.peak_anon if f else 0)
        pss = max(res.idle_pss[0], res.loaded_pss[0])
        pss_anon = max(res.idle_pss[1], res.loaded_pss[1])
        out += [
            f"| ≥ {TARGET_WORKLOAD_RPS:.0f} req/s at {t.clients} clients, 0 errors (repeated queries) | "
            f"{t.rps:.1f} req/s, {t.errors} errors | {verdict(t.rps >= TARGET_WORKLOAD_RPS and not t.errors)} |",
        ]
        if c is not None:
            out.append(
                f"| the same, every answer computed (results cache off) | {c.rps:.1f} req/s, {c.errors} errors | "
                f"{verdict(c.rps >= TARGET_WORKLOAD_RPS and not c.errors)} |"
            )
        out += [
            f"| server memory ≤ {TARGET_RSS_MIB:.0f} MiB | {peak / MiB:.0f} MiB peak RSS summed, {peak_anon / MiB:.0f} "
            f"anonymous RSS summed; {pss / MiB:.0f} PSS, {pss_anon / MiB:.0f} anonymous PSS | RSS "
            f"{verdict(peak <= TARGET_RSS_MIB * MiB)}, PSS {verdict(pss <= TARGET_RSS_MIB * MiB)}, anonymous PSS "
            f"{verdict(pss_anon <= TARGET_RSS_MIB * MiB)} |",
        ]
    out += [
        f"| first answer ≤ {TARGET_FIRST_ANSWER_S:g} s after start | {res.first_answer_s:.2f} s "
        f"({res.first_answer_ms:.0f} ms request) | {verdict(res.first_answer_s <= TARGET_FIRST_ANSWER_S)} |",
        "",
    ]
    return out


def workload_main(args: argparse.Namespace, started: str) -> int:
    """`--workload`: the issue-14 run on the whole --corpus, indexes built once (or given)."""
    work = args.reuse or Path(tempfile.mkdtemp(prefix="vnsearch-perf-"))
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    try:
        articles = count_records(args.corpus)
        vn_index = args.index or work / "workload" / "vnsearch"
        fts_dir = args.fts5 or work / "workload" / "fts5"
        for engine, where in (("vnsearch", vn_index), ("fts5", fts_dir)):
            if where.exists():
                print(f"  reusing {where} (not rebuilt)", file=sys.stderr, flush=True)
                continue
            built = build_engine(engine, args.corpus, where, articles, logs)
            if built.error:
                raise SystemExit(f"{engine} build failed: {built.error}")
        res = run_workload(vn_index, fts_dir / "fts.sqlite", logs, args)
    finally:
        if args.keep or args.reuse:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    from importlib.metadata import version

    lines = [
        "# vnsearch performance: the issue-14 workload",
        "",
        f"Run {started} on {platform.node() or 'this machine'}: {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, whoosh-reloaded {version('whoosh-reloaded')}, SQLite "
        f"{sqlite3.sqlite_version}. Corpus {args.corpus.name} ({articles:,} articles). Code: {args.code}. "
        f"Command: `python bench/perf.py {' '.join(sys.argv[1:])}`.",
        "",
        *workload_markdown(res, vn_index, fts_dir / "fts.sqlite"),
    ]
    text = "\n".join(lines)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


# --- main ------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON Lines corpus (.jsonl or .jsonl.gz)")
    p.add_argument("--subset", type=positive_int, default=2000, help="articles in the subset run (always run)")
    p.add_argument("--first", type=positive_int, default=None, metavar="N",
                   help="the subset is the corpus's first N articles instead of evenly spaced ones")
    p.add_argument("--build-only", action="store_true", help="only the builds: no queries, no server")
    p.add_argument("--full", action="store_true", help="also run on the whole corpus (10-20 minutes)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown report")
    p.add_argument("--duration", type=positive_float, default=10.0, help="seconds per throughput level")
    p.add_argument("--passes", type=positive_int, default=5, help="timed passes over the query set")
    p.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset of " + ",".join(ENGINES))
    p.add_argument("--profile", action="store_true", help="pyinstrument reports into bench/results/")
    p.add_argument("--skip-http", action="store_true", help="no server, latency and throughput over HTTP")
    p.add_argument("--keep", action="store_true", help="keep the temporary indexes (path printed)")
    p.add_argument(
        "--reuse",
        type=Path,
        default=None,
        metavar="DIR",
        help="a folder kept by --keep: measure queries on its indexes without rebuilding them",
    )
    p.add_argument("--workload", action="store_true",
                   help="only the issue-14 workload (bench/workload.py) on the whole --corpus: first sight "
                        "and repeated over HTTP against FTS5, throughput at 16 clients, memory, first answer")
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="--workload: an existing vnsearch index of --corpus (else built once)")
    p.add_argument("--fts5", type=Path, default=None, metavar="DIR",
                   help="--workload: a folder for the FTS5 index of --corpus (built there if absent)")
    args = p.parse_args(argv)
    args.engines = [e for e in args.engines.split(",") if e]
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        p.error(f"unknown engines: {', '.join(sorted(unknown))}")
    if not args.engines:
        p.error(f"--engines: name at least one of {', '.join(ENGINES)}")
    if args.reuse and not args.reuse.is_dir():
        p.error(f"--reuse: no folder at {args.reuse} (give one kept by --keep)")
    if not args.corpus.is_file():
        p.error(f"no corpus at {args.corpus}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["_build"]:  # internal: one baseline build in this subprocess
        engine, src, out = argv[1], Path(argv[2]), Path(argv[3])
        {"whoosh": build_whoosh, "fts5": build_fts5}[engine](src, out)
        return 0
    args = parse_args(argv)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    args.code = git_state()
    if args.workload:
        return workload_main(args, started)
    work = args.reuse or Path(tempfile.mkdtemp(prefix="vnsearch-perf-"))
    results: list[DatasetResult] = []
    try:
        if args.first:
            subset, write = work / f"first-{args.first}.jsonl", write_first
        else:
            subset, write = work / f"subset-{args.subset}.jsonl", write_subset
        size = args.first or args.subset
        n = count_records(subset) if args.reuse and subset.exists() else write(args.corpus, size, subset)
        results.append(run_dataset("subset", subset, n, work / "subset", args))
        if args.full:
            results.append(run_dataset("full", args.corpus, count_records(args.corpus), work / "full", args))
    finally:
        if args.keep or args.reuse:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    text = report_markdown(results, args, started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
