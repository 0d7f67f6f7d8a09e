"""Does search-as-you-type still offer a title when the words typed hold a slip?

Draws titles of a corpus, types the first words of each (three words, then three letters of
the fourth, still being typed) with one slip in a word before the last (`keystrokes.typo`:
a letter left out, another letter for one, or two letters swapped; `keystrokes.typo_accented`
typed with marks), and reports the share of titles offered among `/api/suggest`'s ten: typed right, with
the slip, and the time a slipped prefix costs. And the other side: runs of two and of three
words of the articles' text that no title holds (`completions.complete` finds none, typed as
printed or plain), and the share of them offered titles all the same (a word mended into
another: none is right). Stop 75 first measured it (bench/journal/relevance.md).

    python bench/suggest_slips.py --corpus ../shared/corpus/news-50k.jsonl.gz --index DIR [--code CHECKOUT]

`--code` runs another checkout's `indexer` against an index that checkout can read, to compare
versions in one session.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import time
from pathlib import Path

from arguments import add_corpus_and_index, measured_service, positive_int
from keystrokes import fold, typo, typo_accented

REPO = Path(__file__).resolve().parents[1]
PUNCTUATION = ".,;:!?\"'()[]“”‘’…-–"


def drawn_titles(corpus: Path, count: int, seed: int) -> tuple[list[str], list[str]]:
    """`count` titles of four words or more of a JSON Lines corpus (gzip or not), and `count`
    runs of two or three words (alternately) of other articles' bodies, drawn with
    `random.Random(seed)`."""
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines]
    rng = random.Random(seed)
    titles = [t for a in articles if len((t := a.get("title") or "").split()) >= 4]
    runs = []
    for k, article in enumerate(rng.sample(articles, min(count, len(articles)))):
        words = [w for w in (w.strip(PUNCTUATION) for w in (article.get("body") or "").split()) if w.isalpha()]
        if len(words) >= 3:
            start = rng.randrange(len(words) - 2)
            runs.append(" ".join(words[start : start + 2 + k % 2]))
    return rng.sample(titles, min(count, len(titles))), runs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_corpus_and_index(ap, REPO)
    ap.add_argument("--titles", type=positive_int, default=400, help="titles drawn (default 400)")
    ap.add_argument("--seed", type=int, default=77, help="seed of the draw (default 77)")
    args = ap.parse_args(argv)
    service = measured_service(ap, args)
    service.suggest("ha noi")  # the models loaded before the clock runs
    titles, runs = drawn_titles(args.corpus, args.titles, args.seed)
    from indexer.completions import complete

    print(f"{len(titles)} titles, seed {args.seed}: the title among the ten offered for its first words")
    for form, slip, spelled in (("plain", typo, fold), ("accented", typo_accented, lambda text: text)):
        unheld = [run for run in map(spelled, runs) if not complete(service.generation().titles, run)]
        false_offers = sum(bool(service.suggest(run)) for run in unheld)
        right = slipped = 0
        costs = []
        for title in titles:
            words = title.split()
            head, typing = spelled(" ".join(words[:3])), spelled(words[3])[:3]
            right += any(s["title"] == title for s in service.suggest(f"{head} {typing}"))
            started = time.perf_counter()
            offered = service.suggest(f"{slip(head)} {typing}")
            costs.append((time.perf_counter() - started) * 1000)
            slipped += any(s["title"] == title for s in offered)
        costs.sort()
        print(f"{form}: typed right {right / len(titles):.3f}, one slip {slipped / len(titles):.3f}; "
              f"a slipped prefix p50 {costs[len(costs) // 2]:.1f} ms, p95 {costs[int(len(costs) * 0.95)]:.1f} ms; "
              f"words no title holds offered titles {false_offers} of {len(unheld)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
