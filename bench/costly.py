"""The costliest queries a user may send within the documented limits, timed first sight.

Bug hunt 87 looked for queries that make one search slow: within the 500-character and
120-term limits, exclusions whose words punctuation parts (`-và,của`), with the query's own
words excluded or a date range that holds no article, cost 15–20 s of a server thread, and four
at once held every thread of `vnsearch serve` for 37 s. This runs such queries, and the other
heavy shapes the hunt tried, each once in one process after a warm-up on ordinary queries
(results cache off), and reports each one's wall and CPU time. The goal: none over GOAL_MS.

    python bench/costly.py --index DIR [--code CHECKOUT]

`--code` runs another checkout's `indexer` (e.g. an older commit, `git worktree add`) against an
index that checkout can read, to compare versions in one session on one machine. The queries
are made of the commonest syllables of Vietnamese news, not of any corpus's text.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from pathlib import Path
from typing import Any

from arguments import open_service, use_code

REPO = Path(__file__).resolve().parents[1]
GOAL_MS = 1000.0
COMMON = ["và", "của", "có", "là", "các", "trong", "được", "với", "cho", "không", "người", "một", "đã", "công"]
MARKED_IY = ["tỷ", "quý", "kỹ", "lý", "sĩ", "mỹ", "thị", "kỳ", "hy", "quy"]
INITIALISMS = "TPHCM ubnd hdnd tnmt gddt"
WARM_UP = ["giá vàng hôm nay", "dang uy khoi doanh nghiep", "Hà Nội mưa lớn", "tai nan giao thong", "Vieejt Nam",
           '"Hà Nội" -mưa', "title:giá", "chứng khoán OR cổ phiếu", "UBND tỉnh", "học sinh"]
NO_DAY = {"date_from": "1000-01-01", "date_to": "1000-01-02"}  # a range no archive holds


def excluded(prefix: str, words: list[str], seed: int, quoted: bool, limit: int = 500) -> str:
    """`prefix` and distinct exclusions of two of `words` parted by a comma, to `limit` characters."""
    rng = random.Random(seed)
    used: set[tuple[str, ...]] = set()
    query = prefix
    for _ in range(10_000):
        pair = tuple(rng.sample(words, 2))
        if pair in used:
            continue
        following = query + (' -"{}, {}"' if quoted else " -{},{}").format(*pair)
        if len(following) > limit:
            break
        used.add(pair)
        query = following
    return query


def cases() -> list[tuple[str, str, dict[str, Any]]]:
    """(name, query, search arguments) of each costly shape."""
    common = " ".join(COMMON * 10)[:500]
    return [
        ("comma-parted exclusions", excluded("và", COMMON, 1, quoted=False), {}),
        ("quoted comma-parted exclusions", excluded("và", COMMON, 2, quoted=True), {}),
        ("the same, own words excluded", excluded("và của các -và -của -các", COMMON, 3, quoted=False), {}),
        ("quoted, own words excluded", excluded('"có thể" và của các -có -và -của -các', COMMON, 4, quoted=True), {}),
        ("quoted exclusions, no day", excluded('"có thể" và của các', COMMON, 5, quoted=True), NO_DAY),
        ("the same, oldest, page 10 of 100", excluded('"có thể" và của các', COMMON, 6, quoted=True),
         {**NO_DAY, "sort": "oldest", "page": 10, "per_page": 100}),
        ("marked i/y exclusions", excluded("và", MARKED_IY, 7, quoted=True), {}),
        ("500 characters of common words", common, {}),
        ("a quoted phrase of common words", '"' + " ".join((COMMON * 9)[:110]) + '"', {}),
        ("repeated initialisms", " ".join([INITIALISMS] * 20)[:500], {}),
        ("page 10 of 100, newest", common, {"sort": "newest", "page": 10, "per_page": 100}),
        ("one word of 500 letters", "a" * 500, {}),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True, help="an index root the code measured can read")
    ap.add_argument("--code", type=Path, default=REPO, help="checkout whose indexer/ is measured")
    args = ap.parse_args(argv)
    os.environ["VNSEARCH_RESULT_CACHE_MB"] = "0"  # every search computed
    use_code(args.code)
    service = open_service(ap, args.index)
    for q in WARM_UP:
        service.search(q)
    worst = 0.0
    print(f"{'query':36} {'chars':>5} {'wall ms':>9} {'cpu ms':>9} {'total':>7}")
    for name, query, kwargs in cases():
        cpu0, t0 = resource.getrusage(resource.RUSAGE_THREAD), time.perf_counter()
        result = service.search(query, **{"per_page": 10, **kwargs})
        wall = (time.perf_counter() - t0) * 1000
        cpu1 = resource.getrusage(resource.RUSAGE_THREAD)
        cpu = max(0.0, cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) * 1000
        worst = max(worst, wall)
        print(f"{name:36} {len(query):5} {wall:9.0f} {cpu:9.0f} {result['total']:7}")
    print(f"slowest {worst:.0f} ms: goal under {GOAL_MS:.0f} ms {'met' if worst < GOAL_MS else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
