"""Do two words typed side by side find the articles that print both of them?

A short query of two words ("học sinh tự tử", "Đà Nẵng mưa lớn") asks for articles about both.
The index's syllables and pairs are folded, so a word's syllables are also read in other words
("tu" of "tư vấn" and "từ từ"), and the pair across the two words ("sinh tự", "nẵng mưa") is met
by chance in text about neither ("thí sinh tự do", "Đà Nẵng mua ma túy"). This draws pairs of
two-syllable dictionary words (the restoration model's general pairs: `general_counts`) that
some articles print both of, searches them as typed with marks and typed plain, and reports
the share of the top 10 that print both words exactly as drawn (lower case, tone placement
canonical): precision at 10 against every article printing both, at most 10 of them.

    python bench/two_words.py --corpus ../shared/corpus/news-50k.jsonl.gz --index DIR [--code CHECKOUT]

The draw: articles in a seeded order; of each, two of the dictionary words it prints NEAR
each other (as a reader would name its topic), each printed in WORD_ARTICLES articles, both
together in BOTH_ARTICLES (not the same folded word).
Reading the corpus takes about a minute for news-50k.
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

from arguments import add_corpus_and_index, measured_service, positive_int
from marked_pairs import blocks

REPO = Path(__file__).resolve().parents[1]
WORD_ARTICLES = (30, 3000)  # a word drawn is printed in this many articles (a topic, not a function word)
BOTH_ARTICLES = (5, 500)  # and both words of a query together in this many
TOP = 10
NEAR = 4  # the two words drawn stand this many syllables apart at most, in one paragraph


def printed_dictionary_words(corpus: Path) -> list[tuple[str, set[str], list[tuple[str, str]]]]:
    """(id, the two-syllable dictionary words it prints, the pairs of them it prints near each
    other: the second starting NEAR syllables or fewer after the first ends) of each article."""
    from indexer.forward import printed_words
    from indexer.restoration import general_counts

    dictionary = general_counts().bigrams
    out = []
    for doc, texts in blocks(corpus):
        words: set[str] = set()
        near: list[tuple[str, str]] = []
        for text in texts:
            _, printed = printed_words(text)
            at = [(i, w) for i, w in enumerate(map(" ".join, pairwise(printed))) if w in dictionary]
            words.update(w for _, w in at)
            near += [(a, b) for n, (i, a) in enumerate(at) for j, b in at[n + 1:] if i + 2 <= j <= i + 2 + NEAR]
        out.append((doc, words, near))
    return out


def drawn_queries(
    articles: list[tuple[str, set[str], list[tuple[str, str]]]], count: int, seed: int
) -> list[tuple[str, set[str]]]:
    """`count` (query, ids of the articles printing both its words), drawn as the module says."""
    from indexer.analysis import fold

    holders: defaultdict[str, set[str]] = defaultdict(set)
    for doc, words, _ in articles:
        for w in words:
            holders[w].add(doc)
    rng = random.Random(seed)
    order = list(range(len(articles)))
    rng.shuffle(order)
    queries: list[tuple[str, set[str]]] = []
    seen: set[str] = set()
    for i in order:
        topical = [
            (a, b) for a, b in articles[i][2]
            if all(WORD_ARTICLES[0] <= len(holders[w]) <= WORD_ARTICLES[1] for w in (a, b)) and fold(a) != fold(b)
        ]
        if not topical:
            continue
        a, b = rng.choice(sorted(set(topical)))
        both = holders[a] & holders[b]
        query = f"{a} {b}"
        if query in seen or not BOTH_ARTICLES[0] <= len(both) <= BOTH_ARTICLES[1]:
            continue
        seen.add(query)
        queries.append((query, both))
        if len(queries) == count:
            break
    return queries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_corpus_and_index(ap, REPO)
    ap.add_argument("--queries", type=positive_int, default=300, help="queries drawn (default 300)")
    ap.add_argument("--seed", type=int, default=78, help="seed of the draw (default 78)")
    ap.add_argument("--show", type=int, default=0, help="print this many of the worst queries typed with marks")
    args = ap.parse_args(argv)
    service = measured_service(ap, args)
    from indexer.analysis import fold

    queries = drawn_queries(printed_dictionary_words(args.corpus), args.queries, args.seed)
    print(f"{len(queries)} queries of two dictionary words printed together in {BOTH_ARTICLES[0]}–"
          f"{BOTH_ARTICLES[1]} articles, seed {args.seed}")
    for form, typed in (("with marks", lambda q: q), ("plain", fold)):
        precision, first = [], []
        worst = []
        for query, both in queries:
            ids = [h["id"] for h in service.search(typed(query), per_page=TOP)["hits"]]
            share = sum(i in both for i in ids) / min(TOP, len(both))
            precision.append(share)
            first.append(bool(ids) and ids[0] in both)
            worst.append((share, query))
        print(f"typed {form}: precision at {TOP} {statistics.fmean(precision):.3f}, "
              f"first hit prints both {statistics.fmean(first):.3f}")
        if args.show and form == "with marks":
            for share, query in sorted(worst)[: args.show]:
                print(f"  {share:.1f}  {query}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
