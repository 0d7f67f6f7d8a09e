"""The latency workload of issue 14: news-search queries of four kinds, each asked once.

Most queries a news site receives are new to the server, so this workload is built for "first
sight": every query text is distinct, and no two queries share a base query (a plain form of a
phrase whose accented form was already asked would find its postings warm). It is generated at
run time, deterministically (fixed seeds, corpus order, no hash order), from the relevance
harness's query sources; no query text from ../shared is committed.

* keywords (300): the committed dev set (bench/queries/dev-news2k.tsv, 2-5 syllables): its 300
  base queries shuffled, half asked accented, half plain (no diacritics);
* questions (100, 10-25 words): 50 reader questions generated over news-50k
  (querysets.questions_set) + 50 UIT-ViNewsQA questions (../shared/eval/vinewsqa), seeded draw;
* keyboard-off (50): raw Telex keystrokes of extra keyword phrases ("Vieetj Nam": the input
  method was off);
* typos (50): one slip in one word of the plain form of extra keyword phrases (keystrokes.typo).

The extra keyword phrases come from bench/make_queries.py's generator run again over news-2k
with another seed (EXTRA_SEED; word statistics from news-2k itself, which takes seconds instead
of the minutes of news-50k's), keeping only phrases of articles the dev set does not use, with
diacritics (so Telex differs from plain). The warm-up is WARM_UP other queries of every kind.

The timed queries are shuffled together (seed WORKLOAD_SEED), as a stream of requests would mix
them; the repeated pass asks the same list again in the same order.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from keystrokes import fold, keystrokes, typo  # noqa: E402

REPO = BENCH.parent
SHARED = REPO.parent / "shared"
KEYWORDS_TSV = REPO / "bench" / "queries" / "dev-news2k.tsv"
NEWS_2K = SHARED / "corpus" / "news-2k.jsonl"
VINEWSQA_QUERIES = SHARED / "eval" / "vinewsqa" / "queries.jsonl"

KINDS = ("keywords", "questions", "keyboard-off", "typos")
WORKLOAD_SEED = 20261614
EXTRA_SEED = 20261615
KEYWORDS = 300
QUESTIONS_GENERATED = 50
QUESTIONS_VINEWSQA = 50
KEYBOARD_OFF = 50
TYPOS = 50
WARM_UP = 50  # 30 keywords (15 accented, 15 plain), 10 questions, 5 keyboard-off, 5 typos
QUESTION_WORDS = (10, 25)


@dataclass(frozen=True)
class WorkQuery:
    kind: str  # one of KINDS
    text: str
    source: str  # where it comes from, e.g. "dev-set plain", "vinewsqa"


@dataclass
class Workload:
    warm_up: list[WorkQuery]
    queries: list[WorkQuery]  # the timed ones, kinds mixed, each text once

    def by_kind(self) -> dict[str, list[WorkQuery]]:
        return {k: [q for q in self.queries if q.kind == k] for k in KINDS}

    def describe(self) -> str:
        counts = ", ".join(f"{k} {len(v)}" for k, v in self.by_kind().items())
        return f"{len(self.queries)} queries ({counts}) after a warm-up of {len(self.warm_up)} others"


def dev_set() -> list[tuple[str, str]]:
    """(expected article id, accented query) of the committed dev set, in file order."""
    out = []
    with open(KEYWORDS_TSV, encoding="utf-8") as fh:
        fh.readline()
        for line in fh:
            _, form, _, expected, text = line.rstrip("\n").split("\t", 4)
            if form == "accented":
                out.append((expected, unicodedata.normalize("NFC", text)))
    return out


@cache
def extra_keywords(n: int = KEYBOARD_OFF + TYPOS + 40) -> tuple[str, ...]:
    """`n` more keyword phrases with diacritics, from make_queries' generator over news-2k (another
    seed), none of an article the dev set uses nor equal (folded) to a dev-set query."""
    import make_queries

    dev = dev_set()
    used_ids = {doc for doc, _ in dev}
    used_texts = {fold(q) for _, q in dev}
    articles = make_queries.read_articles(NEWS_2K)
    seg = make_queries.Segmenter(make_queries.article_texts(articles))
    out: list[str] = []
    for _, doc_id, query in make_queries.build(articles, n * 2, EXTRA_SEED, 3, seg):
        q = unicodedata.normalize("NFC", query)
        if doc_id in used_ids or fold(q) in used_texts or keystrokes(q, "telex") == fold(q):
            continue
        used_texts.add(fold(q))
        out.append(q)
        if len(out) == n:
            break
    if len(out) < n:
        raise SystemExit(f"workload: only {len(out)} extra keyword phrases of {n}")
    return tuple(out)


def question_texts(rng: random.Random) -> tuple[list[str], list[str]]:
    """(generated news-50k questions, vinewsqa questions) of 10-25 words, each list shuffled."""
    import querysets

    lo, hi = QUESTION_WORDS
    generated = [q.text for q in querysets.questions_set().queries if lo <= len(q.text.split()) <= hi]
    with open(VINEWSQA_QUERIES, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    human = [unicodedata.normalize("NFC", r["exact"]) for r in rows]
    human = [q for q in human if lo <= len(q.split()) <= hi]
    rng.shuffle(generated)
    rng.shuffle(human)
    return generated, human


def build_workload() -> Workload:
    """The workload (deterministic); needs ../shared (news-2k, news-50k, vinewsqa)."""
    rng = random.Random(WORKLOAD_SEED)
    dev = [q for _, q in dev_set()]
    rng.shuffle(dev)
    half = KEYWORDS // 2
    keywords = [WorkQuery("keywords", q, "dev-set accented") for q in dev[:half]]
    keywords += [WorkQuery("keywords", fold(q), "dev-set plain") for q in dev[half:KEYWORDS]]

    extra = list(extra_keywords())
    rng.shuffle(extra)
    telex = [WorkQuery("keyboard-off", keystrokes(q, "telex"), "extra phrase, telex") for q in extra[:KEYBOARD_OFF]]
    rest = extra[KEYBOARD_OFF:]
    typos = [WorkQuery("typos", typo(fold(q)), "extra phrase, typo") for q in rest[:TYPOS]]
    rest = rest[TYPOS:]

    generated, human = question_texts(rng)
    questions = [WorkQuery("questions", q, "generated question") for q in generated[:QUESTIONS_GENERATED]]
    questions += [WorkQuery("questions", q, "vinewsqa") for q in human[:QUESTIONS_VINEWSQA]]

    # Warm-up: other queries of every kind (the dev set is used up by the timed keywords).
    warm_kw = rest[: 30]
    warm = [WorkQuery("keywords", q, "extra phrase, accented") for q in warm_kw[:15]]
    warm += [WorkQuery("keywords", fold(q), "extra phrase, plain") for q in warm_kw[15:]]
    warm += [WorkQuery("questions", q, "generated question") for q in generated[QUESTIONS_GENERATED:][:5]]
    warm += [WorkQuery("questions", q, "vinewsqa") for q in human[QUESTIONS_VINEWSQA:][:5]]
    warm += [WorkQuery("keyboard-off", keystrokes(q, "telex"), "extra phrase, telex") for q in rest[30:35]]
    warm += [WorkQuery("typos", typo(fold(q)), "extra phrase, typo") for q in rest[35:40]]
    rng.shuffle(warm)

    timed = keywords + questions + telex + typos
    rng.shuffle(timed)
    workload = Workload(warm[:WARM_UP], timed)
    check_distinct(workload)
    return workload


def check_distinct(workload: Workload) -> None:
    """Every query text (folded) appears once in the whole workload, warm-up included."""
    seen: set[str] = set()
    for q in workload.warm_up + workload.queries:
        key = fold(q.text)
        if key in seen:
            raise ValueError(f"workload: {q.text!r} twice")
        seen.add(key)


def main(argv: list[str] | None = None) -> int:
    """Print the workload's summary and its first queries; it is built from ../shared, which a
    fresh clone lacks: then one line says which file is missing (exit 2)."""
    ap = argparse.ArgumentParser(description="Print the issue-14 latency workload (see the module docstring); "
                                 "bench/perf.py --workload runs it.")
    ap.parse_args(argv)
    missing = [path for path in (NEWS_2K, VINEWSQA_QUERIES) if not path.is_file()]
    if missing:
        print(f"workload.py: needs {missing[0]} (../shared is not here)", file=sys.stderr)
        return 2
    w = build_workload()
    print(w.describe())
    for q in w.warm_up[:5] + w.queries[:20]:
        print(f"{q.kind:13} {q.source:22} {q.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
