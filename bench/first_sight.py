"""First-sight query latency, in process: every query is seen once, after a warm-up on others.

Most queries a news site receives are new, so their postings are cold and nothing is cached.
This times `SearchService.search` (10 hits with snippets and facets) per kind of query:

* keywords: the accented and unaccented forms of the dev set (`bench/queries/dev-news2k.tsv`);
* questions: `../shared/eval/vinewsqa` questions of 12+ words;
* telex: dev-set queries typed as raw Telex keystrokes (input method off).

    python bench/first_sight.py --index DIR [--code DIR]

`--code` runs another checkout's `indexer` (e.g. an older commit made with `git worktree add`)
against an index that checkout built, to compare versions in one session on one machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO / "bench"))

from keystrokes import keystrokes  # noqa: E402  (bench/ helpers, imported after the path is set)

WARM_UP = 50


def percentiles(ms: list[float]) -> str:
    ms = sorted(ms)
    n = len(ms)
    return f"n={n} p50={ms[n // 2]:.0f} p95={ms[int(n * 0.95)]:.0f} p99={ms[min(n - 1, int(n * 0.99))]:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True, help="an index root built by the code measured")
    ap.add_argument("--code", type=Path, default=REPO, help="checkout whose indexer/ is measured")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(args.code.resolve()))
    from indexer.search import SearchService

    rows = [line.split("\t") for line in (REPO / "bench/queries/dev-news2k.tsv").read_text("utf-8").splitlines()[1:]]
    keywords = [r[4] for r in rows if r[1] in ("accented", "plain")]
    accented = [r[4] for r in rows if r[1] == "accented"]
    telex = [keystrokes(q, "telex") for q in accented[:80]]
    qa_path = SHARED / "eval" / "vinewsqa" / "queries.jsonl"
    questions = []
    if qa_path.exists():
        with qa_path.open(encoding="utf-8") as f:
            questions = [q for q in (json.loads(line)["exact"] for line in f) if len(q.split()) >= 12][:150]

    service = SearchService(args.index)
    for q in keywords[-WARM_UP:]:
        service.search(q)
    for name, queries in (("keywords", keywords[:300]), ("questions", questions), ("telex", telex[:50])):
        if not queries:
            print(f"{name:10} skipped (../shared absent)")
            continue
        ms = []
        for q in queries:
            t0 = time.perf_counter()
            service.search(q, per_page=10)
            ms.append((time.perf_counter() - t0) * 1000)
        print(f"{name:10} {percentiles(ms)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
