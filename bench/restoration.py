"""Accent restoration accuracy ("did you mean"), before (the d4198cb Readings, kept in this file, on today's counts) and
after (restoration.Restorer: index counts with bodies + the shipped general model, and also
given the query's hits as context).

Metric: the share of the accented syllables of unaccented 2–6 syllable queries that come back
exactly (canonical old-style tone placement, case-insensitive); a query with no reading
offered scores 0 on all its syllables.

Query sets:
- dev: the plain form of bench/queries/dev-news2k.tsv (the accented form is the truth);
- held-out: 2–6 syllable phrases sampled from titles, leads and bodies of news-50k articles
  that are not in news-2k (never used to tune the model's weights).

Indexes the model learns from (counted as `vnsearch build` counts them): news-2k; 300 and 50
articles that hold the queries, or that do not; none (the general model alone); news-50k
(pairs seen once dropped, as ReadingCounter.save does on a large corpus); for the held-out
phrases, 2,650 and 300 news-50k articles that hold them. "Hits as context" stands in for
the titles and snippets of the search results (see Hits).

    python bench/restoration.py                 # everything but news-50k (~2 min)
    python bench/restoration.py --news50k       # also the news-50k counts (~4 more minutes)
"""

from __future__ import annotations

import argparse
import bisect
import csv
import gzip
import json
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.analysis import canonical_syllable, fold, has_marks, tokenize  # noqa: E402
from indexer.ingest import parse_jsonl_record  # noqa: E402
from indexer.model import Article  # noqa: E402
from indexer.restoration import Restorer  # noqa: E402
from indexer.sidecars import ReadingCounter  # noqa: E402


class Readings:
    """THE BEFORE: the restoration vnsearch shipped until commit d4198cb (then in
    indexer/search.py), kept here verbatim as the baseline: the index's own title, lead and
    caption counts only, a bigram Viterbi over candidate readings."""

    CANDIDATES = 16
    SMOOTHING = 2.0  # weight of the unigram estimate in each bigram step

    def __init__(self, counter: ReadingCounter) -> None:
        by_fold: dict[str, list[tuple[str, int]]] = {}
        for surface, count in counter.unigrams.items():
            by_fold.setdefault(fold(surface), []).append((surface, count))
        self.by_fold = {
            k: sorted(v, key=lambda sc: -sc[1])[: self.CANDIDATES] for k, v in by_fold.items()
        }
        self.bigrams = counter.bigrams
        self.unigram_counts = counter.unigrams
        self.total = max(1, sum(counter.unigrams.values()))

    def _logp(self, prev: str | None, surface: str, count: int) -> float:
        unigram = (count + 0.5) / self.total
        if prev is None:
            return math.log(unigram)
        pair = self.bigrams.get(f"{prev} {surface}", 0)
        prev_count = self.unigram_counts.get(prev, 0)
        return math.log((pair + self.SMOOTHING * unigram) / (prev_count + self.SMOOTHING))

    def _candidates(self, folded: str) -> list[tuple[str, int]]:
        return self.by_fold.get(folded) or [(folded, 0)]

    def restore(self, folded: Sequence[str]) -> list[str] | None:
        """The most likely accented reading of a folded syllable sequence, or None when the
        corpus has no dominant one."""
        if not folded or all(f not in self.by_fold for f in folded):
            return None
        # A bigram language model, interpolated with unigrams, decoded with Viterbi:
        # log P(s1) + Σ log P(s_i | s_{i-1}). A syllable the corpus never showed stands for itself.
        best: dict[str, tuple[float, list[str]]] = {
            s: (self._logp(None, s, c), [s]) for s, c in self._candidates(folded[0])
        }
        supported_pairs = 0
        for f in folded[1:]:
            step: dict[str, tuple[float, list[str]]] = {}
            for s, c in self._candidates(f):
                score, path = max(
                    ((sc + self._logp(p[-1], s, c), p) for sc, p in best.values()),
                    key=lambda x: x[0],
                )
                step[s] = (score, [*path, s])
            best = step
        _, path = max(best.values(), key=lambda x: x[0])
        for a, b in pairwise(path):
            if self.bigrams.get(f"{a} {b}", 0):
                supported_pairs += 1
        if len(path) > 1 and not supported_pairs:
            return None
        if len(path) == 1:
            counts = self._candidates(folded[0])
            total = sum(c for _, c in counts)
            if counts[0][1] * 2 < total:
                return None
        return path


CORPUS = REPO.parent / "shared" / "corpus"
QUERIES = REPO / "bench" / "queries" / "dev-news2k.tsv"
SEED = 20261201

Restore = Callable[..., "list[str] | None"]


def read_articles(path: Path, keep: Callable[[dict[str, Any]], bool] = lambda _: True) -> list[Article]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [parse_jsonl_record(obj) for obj in map(json.loads, f) if keep(obj)]


def counter_of(articles: Iterable[Article], pruned: bool = False) -> ReadingCounter:
    """Index counts as `vnsearch build` makes them."""
    counter = ReadingCounter()
    for article in articles:
        counter.add(article)
    if pruned:  # what the server loads: save() drops single pairs on a large corpus
        with tempfile.TemporaryDirectory() as tmp:
            counter.save(Path(tmp) / "r.json.gz")
            counter = ReadingCounter.load(Path(tmp) / "r.json.gz")
    return counter


def syllables(text: str) -> list[str]:
    return [t.exact for t in tokenize(text) if not t.alias]


def dev_queries() -> list[tuple[str, list[str]]]:
    """(source article id, accented syllables) of the 2–6 syllable dev queries."""
    with QUERIES.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["form"] == "accented"]
    return [(r["expected_id"], s) for r in rows if 2 <= len(s := syllables(r["query"])) <= 6]


def held_out_phrases(articles: Sequence[Article], n: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    """One 2–6 syllable run per article from a random title, lead or body line: syllables
    adjacent in the text, all letters, at least one accented."""
    phrases: list[tuple[str, list[str]]] = []
    for article in articles:
        texts = [t for t in (article.title, article.lead, *article.paragraphs) if t]
        for _ in range(20):
            text = rng.choice(texts)
            toks = [t for t in tokenize(text) if not t.alias]
            size = rng.randint(2, 6)
            if len(toks) < size:
                continue
            i = rng.randrange(len(toks) - size + 1)
            run = toks[i : i + size]
            if (
                all(t.joined for t in run[1:])
                and all(t.exact.isalpha() for t in run)
                and any(has_marks(t.exact) for t in run)
            ):
                phrases.append((article.id, [t.exact for t in run]))
                break
        if len(phrases) >= n:
            break
    return phrases


class Hits:
    """Stand-in for the search hits' titles and snippets: the title, lead or paragraphs of the
    first `limit` index articles whose folded text holds the folded query as a phrase."""

    def __init__(self, articles: Sequence[Article], limit: int = 10) -> None:
        self.texts: list[str] = []
        self.owners: list[int] = []
        starts: list[int] = []
        parts: list[str] = []
        offset = 0
        for n, article in enumerate(articles):
            for text in (article.title, article.lead, *article.paragraphs):
                if text:
                    starts.append(offset)
                    self.texts.append(text)
                    self.owners.append(n)
                    parts.append(fold(text))
                    offset += len(parts[-1]) + 1
        self.folded = "\n".join(parts)
        self.starts = starts
        self.limit = limit

    def __call__(self, folded: Sequence[str]) -> list[str]:
        phrase = " ".join(folded)
        found: list[str] = []
        owners: set[int] = set()
        at = self.folded.find(phrase)
        while at >= 0:
            end = at + len(phrase)
            whole = not (at and self.folded[at - 1].isalnum()) and not self.folded[end : end + 1].isalnum()
            i = bisect.bisect_right(self.starts, at) - 1
            if whole and self.texts[i] not in found and (self.owners[i] in owners or len(owners) < self.limit):
                owners.add(self.owners[i])
                found.append(self.texts[i])
            at = self.folded.find(phrase, end)
        return found


def score(restore: Restore, queries: Sequence[Sequence[str]], hits: Hits | None = None) -> tuple[float, float, float]:
    """(accented-syllable accuracy, share of queries fully right, mean ms per query); with
    `hits`, restore is given the hits' texts as context (their finding is not timed)."""
    right = total = whole = 0
    elapsed = 0.0
    for truth in queries:
        folded = [canonical_syllable(s) for s in truth]
        plain = [fold(s) for s in folded]
        context = hits(plain) if hits else None
        start = time.perf_counter()
        reading = restore(plain, context) if context else restore(plain)
        elapsed += time.perf_counter() - start
        got = [canonical_syllable(s) for s in reading] if reading else [""] * len(truth)
        marked = [i for i, s in enumerate(folded) if has_marks(s)]
        total += len(marked)
        right += sum(got[i] == folded[i] for i in marked)
        whole += got == folded
    ms = elapsed * 1000 / max(1, len(queries))
    return right / max(1, total), whole / max(1, len(queries)), ms


def report(name: str, articles: Sequence[Article], queries: Sequence[Sequence[str]], pruned: bool = False) -> None:
    """One table row: today's Readings on today's counts (titles, leads, captions), then the
    Restorer on the same counts, then the Restorer on counts that include bodies."""
    counter = counter_of(articles, pruned=pruned)
    before = score(Readings(counter).restore, queries)  # counter.unigrams/bigrams: no bodies
    same = score(Restorer(counter.unigrams, counter.bigrams).restore, queries)
    restorer = Restorer.from_counter(counter)
    after = score(restorer.restore, queries)
    hits = score(restorer.restore, queries, Hits(articles)) if articles else after
    print(
        f"| {name} | {len(queries)} | {before[0]:.1%} | {same[0]:.1%} | **{after[0]:.1%}** | **{hits[0]:.1%}** "
        f"| {before[1]:.1%} | {after[1]:.1%} | {hits[1]:.1%} | {after[2]:.2f} / {hits[2]:.2f} |",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--news50k", action="store_true", help="also measure with news-50k counts")
    parser.add_argument("--held-out", type=int, default=600, help="phrases in the held-out set")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)

    news2k = read_articles(args.corpus / "news-2k.jsonl")
    by_id = {a.id: a for a in news2k}
    dev = dev_queries()
    queries = [q for _, q in dev]
    sources = list(dict.fromkeys(i for i, _ in dev))
    others = [a for a in news2k if a.id not in set(sources)]
    print(
        "| index the model learns from | queries | before: Readings, titles+leads+captions | Restorer, same counts "
        "| Restorer, counts with bodies | + hits as context | whole query right, before | after | + hits "
        "| ms/query (+ hits) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    report("(a) dev: news-2k (2,000 articles)", news2k, queries)
    report("(b) dev: 300 articles, the queries' own", [by_id[i] for i in sources], queries)
    few = set(sources[:50])
    report("(b) dev: 50 articles, the queries' own", [by_id[i] for i in few], [q for i, q in dev if i in few])
    report("(b) dev: 300 other news-2k articles", others[:300], queries)
    report("(b) dev: 50 other news-2k articles", others[:50], queries)
    report("(b) dev: no index (general model only)", [], queries)

    news50k = read_articles(args.corpus / "news-50k.jsonl.gz")
    if args.news50k:  # in file order: the body budget goes to the first ~2,000 articles by id
        report("(c) dev: news-50k (34,701 articles, single pairs dropped)", news50k, queries, pruned=True)
    rest = [a for a in news50k if a.id not in by_id]
    del news50k
    sample = rng.sample(rest, 2650)
    held = held_out_phrases(sample, args.held_out, rng)
    held_out = [q for _, q in held]
    report("(d) held-out: 2,650 news-50k articles holding them", sample, held_out)
    own = {i for i, _ in held[:300]}
    report(
        "(d) held-out: 300 articles, the phrases' own",
        [a for a in sample if a.id in own],
        [q for i, q in held if i in own],
    )
    report("(d) held-out: news-2k (not holding them)", news2k, held_out)
    report("(d) held-out: no index (general model only)", [], held_out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
