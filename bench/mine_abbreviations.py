"""Candidate abbreviations for indexer/data/abbreviations.tsv, mined from a news corpus.

News prints an abbreviation ("CĐV", "HĐQT") in one article and spells it out ("cổ động viên",
"hội đồng quản trị") in another, or in the same one. For every upper-case word of 2–5 letters
printed in at least `--min-articles` articles and not yet in the shipped list, this counts the
runs of words whose initials spell it ("Đ" only for "đ") in the leads and bodies of the
articles that print it, and prints the commonest runs with their counts:

    python bench/mine_abbreviations.py ../shared/corpus/news-50k.jsonl.gz > candidates.tsv

Columns: abbreviation, articles printing it, titles printing it, runs counted, then the three
commonest runs as `run:count`. Nothing is added by this script: a person reads the list and
keeps the abbreviations whose commonest run is their meaning, far ahead of the next (see
bench/journal/relevance.md, "Stop 30", for the rule the shipped list follows).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.analysis import fold  # noqa: E402

SHIPPED = REPO / "indexer" / "data" / "abbreviations.tsv"
WORD = re.compile(r"[^\W\d_]+")
CAPITALS = re.compile(r"(?<![\w.&-])([A-ZĐ]{2,5})(?![\w&-])")
ARTICLES_READ = 400  # articles read per abbreviation for its runs: enough to see which run dominates


def articles(path: Path) -> Iterator[dict]:
    with (gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def shipped() -> set[str]:
    """The abbreviations already listed, as bare capitals ("TN&MT" → "TNMT")."""
    out = set()
    for line in SHIPPED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.add(re.sub(r"[^\w]", "", line.split("\t")[0]).upper())
    return out


def spells(abbreviation: str, words: list[str]) -> bool:
    """Whether the words' initials spell the abbreviation ("Đ" only for "đ", "D" never for it)."""
    for letter, word in zip(abbreviation.lower(), words, strict=True):
        if letter == "đ":
            if not word.startswith("đ"):
                return False
        elif word.startswith("đ") or fold(word)[0] != letter:
            return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="JSON Lines (.jsonl or .jsonl.gz) with title, lead, body")
    ap.add_argument("--min-articles", type=int, default=30)
    args = ap.parse_args()
    texts: list[str] = []
    printed_in: defaultdict[str, list[int]] = defaultdict(list)
    in_titles: Counter[str] = Counter()
    for i, article in enumerate(articles(args.corpus)):
        texts.append(f"{article.get('lead') or ''} {article['body']}")
        for abbreviation in set(CAPITALS.findall(f"{article['title']} {texts[-1]}")):
            printed_in[abbreviation].append(i)
        in_titles.update(set(CAPITALS.findall(article["title"])))
    known = shipped()
    print("abbreviation\tarticles\ttitles\truns\tcommonest runs")
    for abbreviation, where in sorted(printed_in.items(), key=lambda kv: -len(kv[1])):
        if len(where) < args.min_articles:
            break
        if abbreviation in known:
            continue
        n = len(abbreviation)
        runs: Counter[str] = Counter()
        for i in where[:ARTICLES_READ]:
            words = [w.lower() for w in WORD.findall(texts[i])]
            windows = (words[j : j + n] for j in range(len(words) - n + 1))
            runs.update(" ".join(w) for w in windows if spells(abbreviation, w))
        top = "\t".join(f"{run}:{count}" for run, count in runs.most_common(3))
        print(f"{abbreviation}\t{len(where)}\t{in_titles[abbreviation]}\t{sum(runs.values())}\t{top}")


if __name__ == "__main__":
    main()
