"""First-sight query latency, in process: every query is seen once, after a warm-up on others.

Most queries a news site receives are new, so their postings are cold and nothing is cached.
This times `SearchService.search` (10 hits with snippets and facets) per kind of query:

* default: keywords: the accented and unaccented forms of the dev set (`bench/queries/dev-news2k.tsv`);
  questions: `../shared/eval/vinewsqa` questions of 12+ words; telex: dev-set queries typed as raw
  Telex keystrokes (input method off); passages: the first 100 leads of 40+ words in
  `../shared/corpus/news-50k`, pasted whole (a pasted paragraph or letter);
* `--workload`: the issue-14 workload of `bench/workload.py` (keywords, questions, keyboard-off,
  typos; each base query once), the one `bench/perf.py --workload` sends over HTTP.

    python bench/first_sight.py --index DIR [--code DIR] [--workload [--profile K]]

`--code` runs another checkout's `indexer` (e.g. an older commit made with `git worktree add`)
against an index that checkout built, to compare versions in one session on one machine.

`--profile K` (with `--workload`): after the timed run, a fresh process warms up on the same
warm-up queries and runs pyinstrument over the K slowest queries of each kind, each still seen
for the first time by that process; per kind it writes the call tree and a flat list of self
time to `bench/results/profile-first-sight-<kind>.txt` (git-ignored) and prints the top entries.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO / "bench"))

from arguments import open_service, use_code  # noqa: E402  (bench/ helpers, imported after the path is set)
from keystrokes import keystrokes  # noqa: E402

WARM_UP = 50


def percentiles(ms: list[float]) -> str:
    ms = sorted(ms)
    n = len(ms)
    return f"n={n} p50={ms[n // 2]:.0f} p95={ms[int(n * 0.95)]:.0f} p99={ms[min(n - 1, int(n * 0.99))]:.0f} ms"


def default_sets() -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(warm-up, [(kind, queries)]) of the original first-sight run."""
    rows = [line.split("\t") for line in (REPO / "bench/queries/dev-news2k.tsv").read_text("utf-8").splitlines()[1:]]
    keywords = [r[4] for r in rows if r[1] in ("accented", "plain")]
    accented = [r[4] for r in rows if r[1] == "accented"]
    telex = [keystrokes(q, "telex") for q in accented[:80]]
    qa_path = SHARED / "eval" / "vinewsqa" / "queries.jsonl"
    questions = []
    if qa_path.exists():
        with qa_path.open(encoding="utf-8") as f:
            questions = [q for q in (json.loads(line)["exact"] for line in f) if len(q.split()) >= 12][:150]
    passages = []  # pasted leads of 40+ words: searched to 120 terms since stop 38 (32 before)
    news = SHARED / "corpus" / "news-50k.jsonl.gz"
    if news.exists():
        with gzip.open(news, "rt", encoding="utf-8") as f:
            for line in f:
                lead = json.loads(line).get("lead") or ""
                if len(lead.split()) >= 40:
                    passages.append(lead)
                if len(passages) == 100:
                    break
    kinds = [("keywords", keywords[:300]), ("questions", questions), ("telex", telex[:50]), ("passages", passages)]
    return keywords[-WARM_UP:], kinds


def workload_sets() -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(warm-up, [(kind, queries)]) of bench/workload.py; the kinds stay mixed in its order."""
    from workload import build_workload

    wl = build_workload()
    return [q.text for q in wl.warm_up], [("mixed", [f"{q.kind}\t{q.text}" for q in wl.queries])]


def cost_table(root: Any, top: int = 15) -> list[tuple[float, float, str]]:
    """(inclusive s, self s, function) of a pyinstrument frame tree, largest inclusive first; a
    recursive function counts once per stack (its outermost call)."""
    inclusive: dict[str, float] = {}
    own: dict[str, float] = {}

    def walk(frame: Any, above: frozenset[str]) -> None:
        name = f"{frame.function}  {frame.file_path_short}:{frame.line_no}"
        real = [c for c in frame.children if not c.is_synthetic]  # "[self]" leaves are the frame's own time
        if name not in above:
            inclusive[name] = inclusive.get(name, 0.0) + frame.time
        own[name] = own.get(name, 0.0) + frame.time - sum(c.time for c in real)
        for child in real:
            walk(child, above | {name})

    walk(root, frozenset())
    rows = [(t, own.get(name, 0.0), name) for name, t in inclusive.items()]
    rows.sort(key=lambda r: -r[0])
    rows = [r for r in rows if r[2].split()[0] not in ("profile_main", "search")]  # the whole run
    return rows[:top] + sorted((r for r in rows[top:] if r[1] > 0), key=lambda r: -r[1])[:top]


def profile_main(index: Path, spec_path: Path) -> int:
    """In a fresh process: warm up, then pyinstrument over each kind's queries (first sight)."""
    from pyinstrument import Profiler

    from indexer.search import SearchService

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    service = SearchService(index)
    for q in spec["warm_up"]:
        service.search(q)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for kind, queries in spec["kinds"].items():
        profiler = Profiler(interval=0.001)
        ms = []
        profiler.start()
        for q in queries:
            t0 = time.perf_counter()
            service.search(q, per_page=10)
            ms.append((time.perf_counter() - t0) * 1000)
        profiler.stop()
        session = profiler.last_session
        root = session.root_frame() if session else None
        total = root.time if root else 0.0
        table = ["share  inclusive s  self s  function"]
        for inc, own, name in cost_table(root) if root else []:
            table.append(f"{inc / total:5.0%}  {inc:11.3f}  {own:6.3f}  {name}")
        tree = profiler.output_text(unicode=True, color=False)
        out = RESULTS / f"profile-first-sight-{kind}.txt"
        out.write_text(
            f"# {len(queries)} slowest first-sight {kind} queries, profiled in a fresh process "
            f"(ms under the profiler: {', '.join(f'{x:.0f}' for x in ms)})\n\n"
            "## largest inclusive costs, then largest self costs\n\n" + "\n".join(table) + "\n\n"
            f"## call tree\n\n{tree}",
            encoding="utf-8",
        )
        print(f"--- {kind}: {len(queries)} queries, {sum(ms):.0f} ms under the profiler")
        print("\n".join(table))
        print(f"    (written to {out.relative_to(REPO)})")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True, help="an index root built by the code measured")
    ap.add_argument("--code", type=Path, default=REPO, help="checkout whose indexer/ is measured")
    ap.add_argument("--workload", action="store_true", help="the issue-14 workload of bench/workload.py")
    ap.add_argument("--profile", type=int, default=0, metavar="K",
                    help="with --workload: profile the K slowest queries of each kind in a fresh process")
    ap.add_argument("--profile-spec", type=Path, default=None, help=argparse.SUPPRESS)  # internal
    args = ap.parse_args(argv)
    use_code(args.code)
    if args.profile_spec:
        return profile_main(args.index, args.profile_spec)
    if args.profile and not args.workload:
        ap.error("--profile needs --workload")
    service = open_service(ap, args.index)
    warm_up, sets = workload_sets() if args.workload else default_sets()
    for q in warm_up:
        service.search(q)
    print(f"load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    timed: dict[str, list[tuple[float, str]]] = {}
    for name, queries in sets:
        if not queries:
            print(f"{name:10} skipped (../shared absent)")
            continue
        for item in queries:
            kind, q = item.split("\t", 1) if name == "mixed" else (name, item)
            t0 = time.perf_counter()
            service.search(q, per_page=10)
            timed.setdefault(kind, []).append(((time.perf_counter() - t0) * 1000, q))
    for kind, pairs in (*timed.items(), ("all", [p for v in timed.values() for p in v])):
        print(f"{kind:13} {percentiles([ms for ms, _ in pairs])}")
    print(f"load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.profile:
        slowest = {kind: [q for _, q in sorted(pairs, reverse=True)[: args.profile]] for kind, pairs in timed.items()}
        for kind, qs in slowest.items():
            print(f"slowest {kind}: " + "; ".join(qs[:3]))
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump({"warm_up": warm_up, "kinds": slowest}, f, ensure_ascii=False)
        try:
            cmd = [sys.executable, __file__, "--index", str(args.index), "--code", str(args.code),
                   "--profile-spec", f.name]
            return subprocess.run(cmd, check=False).returncode
        finally:
            os.unlink(f.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
