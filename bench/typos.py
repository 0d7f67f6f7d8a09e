"""TypoIndex measured on real lexicons (issue 12).

    python bench/typos.py [--big ../shared/corpus/news-50k.jsonl.gz] [--small ../shared/corpus/news-2k.jsonl]
                          [--cache /tmp/lexicon-50k.json] [--n 300]

(d) on the big corpus's folded lexicon: build time, memory (tracemalloc peak while building, and
    what stays), candidates() latency against a brute-force scan, and for N one-typo words
    (substitution, deletion, insertion, adjacent swap; 3+ letters; drawn by token frequency) how
    often the intended word is among the candidates / first;
    on the small corpus: N typos inside title phrases, first candidate without and with context
    (in_context with the corpus's adjacent-pair counts);
    with --index (a built vnsearch index, e.g. `python -m indexer build ../shared/corpus/news-2k.jsonl
    --index /tmp/ix`): the time the server takes to build its TypoIndex, and
    SearchService.search() latency of title phrases spelled right vs with one typo (the shipped
    path; before the TypoIndex, Whoosh's corrector made a typo cost 2.0x, see bench/README.md).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import time
import tracemalloc
from collections import Counter
from itertools import pairwise
from pathlib import Path

from keyboard import typo  # bench/keyboard.py: the same one-slip typo generator

from indexer.analysis import normalize_text, tokenize
from indexer.typos import TypoIndex, distance, max_distance


def texts(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            yield normalize_text("\n".join(str(a.get(k) or "") for k in ("title", "lead", "body"))), a


def lexicon(path: Path, cache: Path | None) -> tuple[Counter[str], Counter[str]]:
    """(document frequency, token count) of folded syllables."""
    if cache and cache.exists():
        df, tf = json.loads(cache.read_text())
        return Counter(df), Counter(tf)
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    for text, _ in texts(path):
        folded = [t.folded for t in tokenize(text) if not t.alias]
        tf.update(folded)
        df.update(set(folded))
    if cache:
        cache.write_text(json.dumps([df, tf]))
    return df, tf


def sample_typos(tf: Counter[str], index: TypoIndex, n: int, rng: random.Random) -> list[tuple[str, str]]:
    words = [w for w in tf if len(w) >= 3 and w in index]
    weights = [tf[w] for w in words]
    out: list[tuple[str, str]] = []
    while len(out) < n:
        (w,) = rng.choices(words, weights)
        t = typo(w, rng)
        if t not in index and max_distance(t):  # a typo that makes another real word is undetectable
            out.append((w, t))
    return out


def big(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    df, tf = lexicon(args.big, args.cache)
    print(f"(d) lexicon of {args.big.name}: {len(df):,} folded terms ({time.perf_counter() - t0:.0f} s to count)")
    tracemalloc.start()
    t0 = time.perf_counter()
    index = TypoIndex(df)
    build = time.perf_counter() - t0
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    builds = []
    for _ in range(3):
        t0 = time.perf_counter()
        TypoIndex(df)
        builds.append(time.perf_counter() - t0)
    print(
        f"    TypoIndex: {len(index):,} alphabetic words, {len(index._keys):,} keys; build {min(builds):.2f} s "
        f"(best of 3; {build:.2f} s under tracemalloc); memory kept {kept / 2**20:.1f} MiB, "
        f"peak while building {peak / 2**20:.1f} MiB (arrays {index.nbytes / 2**20:.1f} MiB)"
    )
    rng = random.Random(12)
    pairs = sample_typos(tf, index, args.n, rng)
    times = []
    found = first = 0
    for want, t in pairs:
        t0 = time.perf_counter()
        got = index.candidates(t)
        times.append(time.perf_counter() - t0)
        found += want in [c for c, _ in got]
        first += bool(got) and got[0][0] == want
    times.sort()
    print(
        f"    candidates(): median {statistics.median(times) * 1000:.3f} ms, p95 "
        f"{times[int(len(times) * 0.95)] * 1000:.3f} ms, max {times[-1] * 1000:.2f} ms"
    )
    print(
        f"    {len(pairs)} one-typo words: intended word among the 3 candidates {found / len(pairs):.1%}, "
        f"first {first / len(pairs):.1%}"
    )
    scan = []
    for _, t in pairs[:20]:
        t0 = time.perf_counter()
        [w for w in index.words if distance(t, w, max_distance(t)) <= max_distance(t)]
        scan.append(time.perf_counter() - t0)
    print(f"    for comparison, a brute-force scan: median {statistics.median(scan) * 1000:.0f} ms a word")


def small(args: argparse.Namespace) -> None:
    df: Counter[str] = Counter()
    pair_counts: Counter[tuple[str, str]] = Counter()
    titles: list[list[str]] = []
    for text, a in texts(args.small):
        toks = [t for t in tokenize(text) if not t.alias]
        df.update({t.folded for t in toks})
        pair_counts.update({(x.folded, y.folded) for x, y in pairwise(toks) if y.joined})
        title = [t.folded for t in tokenize(normalize_text(a.get("title") or "")) if not t.alias]
        if len(title) >= 2:
            titles.append(title)
    index = TypoIndex(df)
    rng = random.Random(12)
    cases = []
    while len(cases) < args.n:
        title = rng.choice(titles)
        i = rng.randrange(len(title))
        w = title[i]
        if len(w) < 3 or not w.isalpha():
            continue
        t = typo(w, rng)
        if t in index or not max_distance(t):
            continue
        cases.append(([*title[:i], t, *title[i + 1 :]], i, w))
    plain = ctx = found = 0
    for words, i, want in cases:
        got = index.candidates(words[i])
        plain += bool(got) and got[0][0] == want
        found += want in [c for c, _ in index.in_context(words, i, lambda a, b: pair_counts.get((a, b), 0), limit=3)]
        ranked = index.in_context(words, i, lambda a, b: pair_counts.get((a, b), 0), limit=1)
        ctx += bool(ranked) and ranked[0][0] == want
    n = len(cases)
    print(
        f"    {args.small.name}: {n} typos inside title phrases: first without context {plain / n:.1%}, "
        f"with context {ctx / n:.1%}; among 3 with context {found / n:.1%}"
    )


def live(root: Path, small_corpus: Path, n: int) -> None:
    """On a built index: how long the server takes to make its TypoIndex (`typo_index` of an
    index generation), and search() latency for 3-word title phrases spelled right and with one
    typo (the shipped path: keyboard decoding, then TypoIndex candidates in context)."""
    import indexer.search as search_mod

    service = search_mod.SearchService(root)
    gen = service.generation()
    t0 = time.perf_counter()
    gen.restorer  # noqa: B018  (the TypoIndex takes its frequencies from the restoration counts)
    restorer_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = gen.typo_index
    print(
        f"    live index {root}: restoration counts {restorer_s:.2f} s, then TypoIndex of {len(index):,} words "
        f"{time.perf_counter() - t0:.2f} s"
    )
    rng = random.Random(12)
    queries: list[tuple[str, str]] = []
    titles = [normalize_text(a.get("title") or "") for _, a in texts(small_corpus)]
    while len(queries) < n:
        words = [t.folded for t in tokenize(rng.choice(titles)) if not t.alias and t.folded.isalpha()]
        if len(words) < 3:
            continue
        start = rng.randrange(len(words) - 2)
        right = words[start : start + 3]
        longest = max(range(3), key=lambda i: len(right[i]))
        wrong = typo(right[longest], rng)
        if len(right[longest]) < 3 or wrong in index or not max_distance(wrong):
            continue
        queries.append((" ".join(right), " ".join([*right[:longest], wrong, *right[longest + 1 :]])))

    def timed(q: str) -> float:
        t0 = time.perf_counter()
        service.search(q)
        return time.perf_counter() - t0

    for right, _ in queries:  # warm the postings
        timed(right)
    spelled = [timed(right) for right, _ in queries]
    typoed = [timed(wrong) for _, wrong in queries]
    med = statistics.median
    print(
        f"    search() median over {len(queries)} 3-word title phrases: spelled right {med(spelled) * 1000:.1f} ms; "
        f"one typo {med(typoed) * 1000:.1f} ms ({med(typoed) / med(spelled):.2f}x)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--big", type=Path, default=Path("../shared/corpus/news-50k.jsonl.gz"))
    ap.add_argument("--small", type=Path, default=Path("../shared/corpus/news-2k.jsonl"))
    ap.add_argument("--cache", type=Path, help="JSON file to keep the big lexicon in between runs")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--index", type=Path, help="a built vnsearch index root, for the live latency check")
    ap.add_argument("--skip-lexicons", action="store_true", help="only the live check")
    args = ap.parse_args()
    if not args.skip_lexicons:
        big(args)
        small(args)
    if args.index:
        live(args.index, args.small, min(args.n, 100))


if __name__ == "__main__":
    main()
