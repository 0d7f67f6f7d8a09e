"""Do a short query's words typed with marks find the articles that print them so?

The index's pairs are folded: "bão lũ" (floods) and "báo lũ" (of "cảnh báo lũ", a flood
warning) are one pair, "thuốc đau" (a painkiller) and "thuốc đấu" (of "thuốc đấu thầu", tendered
drugs) another. This picks folded pairs that a corpus prints in two readings, the rarer in
MIN_ARTICLES articles or more ("bí mật" / "bị mất", "tử vong" / "từ vòng"), searches each
reading unquoted, and reports, for the commoner and for the rarer reading, the share of the top
10 whose title, lead or a paragraph prints the pair exactly as searched (lower case, tone
placement canonical). Stop 58 first measured it (README, "Ranking": the printed pairs).

    python bench/marked_pairs.py --corpus ../shared/corpus/news-50k.jsonl.gz --index DIR [--code CHECKOUT]

`--code` runs another checkout's `indexer` (e.g. an older commit, `git worktree add`) against an
index that checkout can read, to compare versions in one session. Reading the corpus for its
pairs takes about a minute for news-50k.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from arguments import add_corpus_and_index, measured_service, positive_int

REPO = Path(__file__).resolve().parents[1]
MIN_ARTICLES = 30  # the rarer reading is printed in this many articles at least
TOP = 10


def blocks(corpus: Path) -> Iterator[tuple[str, list[str]]]:
    """(id, [title, lead, each paragraph]) of each article of a JSON Lines corpus (gzip or not;
    the body one paragraph per line)."""
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            yield article["id"], [article.get("title") or "", article.get("lead") or "",
                                  *(article.get("body") or "").split("\n")]


def ambiguous_pairs(corpus: Path, count: int, seed: int) -> list[tuple[str, str]]:
    """(commoner, rarer) printed readings of `count` folded pairs printed both ways, the rarer
    in MIN_ARTICLES+ articles, neither printed bare; drawn with `random.Random(seed)`."""
    from indexer.forward import printed_words

    readings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for _, texts in blocks(corpus):
        seen = set()
        for text in texts:
            folded, printed = printed_words(text)
            seen.update((" ".join(f), " ".join(p)) for f, p in zip(pairwise(folded), pairwise(printed), strict=True))
        for folded_pair, printed_pair in seen:
            readings[folded_pair][printed_pair] += 1
    pairs = []
    for folded_pair, counted in sorted(readings.items()):
        two = counted.most_common(2)
        if len(two) == 2 and two[1][1] >= MIN_ARTICLES and folded_pair not in (two[0][0], two[1][0]):
            pairs.append((two[0][0], two[1][0]))
    random.Random(seed).shuffle(pairs)
    return pairs[:count]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_corpus_and_index(ap, REPO)
    ap.add_argument("--pairs", type=positive_int, default=120, help="folded pairs drawn (default 120)")
    ap.add_argument("--seed", type=int, default=76, help="seed of the draw (default 76)")
    args = ap.parse_args(argv)
    service = measured_service(ap, args)
    from indexer.forward import printed_words

    pairs = ambiguous_pairs(args.corpus, args.pairs, args.seed)
    tops = {reading: [h["id"] for h in service.search(reading, per_page=TOP)["hits"]]
            for pair in pairs for reading in pair}
    wanted = {doc for ids in tops.values() for doc in ids}
    texts = {doc: [printed_words(t)[1] for t in texts] for doc, texts in blocks(args.corpus) if doc in wanted}

    def prints(doc: str, reading: str) -> bool:
        want = reading.split()
        return any(words[i:i + 2] == want for words in texts[doc] for i in range(len(words) - 1))

    print(f"{len(pairs)} folded pairs printed two ways (the rarer in {MIN_ARTICLES}+ articles), seed {args.seed}")
    for which, name in ((0, "commoner"), (1, "rarer")):
        shares = [sum(prints(doc, pair[which]) for doc in tops[pair[which]]) / max(1, len(tops[pair[which]]))
                  for pair in pairs]
        print(f"{name} reading: top {TOP} printing the pair as searched {sum(shares) / len(shares):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
