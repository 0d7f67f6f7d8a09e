"""Query sets of the relevance harness: each is a corpus plus known-item queries over it.

Only ``keywords`` comes from a committed file (``bench/queries/dev-news2k.tsv``: short phrases and
ids). Every other set is generated at run time, deterministically (fixed seeds, corpus order, no
hash order), from ``../shared`` (relative to the repo's parent): long query texts are never
committed (licences: ``../shared/corpus/README.md``, ``../shared/eval/README.md``).

A set stores each query once, accented (NFC); the forms of bench/keystrokes.py are derived from
it, except where the source itself ships a form (vinewsqa's fold / newtone / nfd).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from keystrokes import fold

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
NEWS_2K = SHARED / "corpus" / "news-2k.jsonl"
NEWS_50K = SHARED / "corpus" / "news-50k.jsonl.gz"
VINEWSQA = SHARED / "eval" / "vinewsqa"
KEYWORDS_TSV = REPO / "bench" / "queries" / "dev-news2k.tsv"
SETS_VERSION = "1"  # bump when a generated set changes (it is part of the reported set name)


@dataclass
class BaseQuery:
    qid: str
    kind: str
    expected: str
    text: str  # accented, NFC
    given: dict[str, str] = field(default_factory=dict)  # forms shipped by the source


@dataclass
class QuerySet:
    name: str
    corpus_name: str  # sets with the same corpus_name and articles share one index
    articles: list[dict[str, Any]]
    queries: list[BaseQuery]
    description: str

    def corpus_hash(self) -> str:
        """A digest of exactly what the engines index (the index cache key)."""
        h = hashlib.sha256()
        for a in self.articles:
            h.update(json.dumps(a, ensure_ascii=False, sort_keys=True).encode())
            h.update(b"\n")
        return h.hexdigest()[:16]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """A JSONL corpus (optionally gzipped) as a list of dicts."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@cache
def news50k() -> tuple[dict[str, Any], ...]:
    """news-50k, read once per run (~3 s)."""
    return tuple(read_jsonl(NEWS_50K))


def sample(articles: tuple[dict[str, Any], ...], n: int, seed: int) -> list[dict[str, Any]]:
    """A fixed random sample, kept in corpus order."""
    picked = sorted(random.Random(seed).sample(range(len(articles)), n))
    return [dict(articles[i]) for i in picked]


def derived_title(record: dict[str, Any]) -> str:
    """The title vnsearch derives for a record without one (``indexer.ingest.derive_title`` via
    the same ingest path), so the baselines index the same text as vnsearch."""
    from indexer.ingest import parse_jsonl_record

    bare = {k: v for k, v in record.items() if k != "title"}
    return parse_jsonl_record(bare).title


def words(text: str) -> list[str]:
    """Whitespace words that hold a letter or digit."""
    return [w for w in text.split() if re.search(r"\w", w)]


# --- keywords -------------------------------------------------------------------------------------


def keywords_set() -> QuerySet:
    """The committed dev set: 300 short known-item queries over news-2k (bench/make_queries.py)."""
    queries = []
    with open(KEYWORDS_TSV, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["qid", "form", "kind", "expected_id", "query"]:
            raise SystemExit(f"{KEYWORDS_TSV}: unexpected header {header}")
        for line in fh:
            qid, form, kind, expected, text = line.rstrip("\n").split("\t", 4)
            if form == "accented":
                queries.append(BaseQuery(qid, kind, expected, unicodedata.normalize("NFC", text)))
    return QuerySet(
        "keywords",
        "news-2k",
        read_jsonl(NEWS_2K),
        queries,
        "bench/queries/dev-news2k.tsv: 2-5 syllable phrases of title, lead or body (make_queries.py)",
    )


# --- headlines ------------------------------------------------------------------------------------

HEADLINES_SEED = 20261201
HEADLINES_DOCS = 2500
HEADLINES_QUERIES = 400


def headlines_set() -> QuerySet:
    """A whole headline pasted as the query, over an index of the same articles with every title
    hidden: each record loses ``title``, so vnsearch derives one from the lead (and the baselines
    index that derived title too, as ``_title``). Queries: titles of 10-25 words that are not a
    verbatim (folded) part of their own lead or body and are unique in the sample."""
    articles = sample(news50k(), HEADLINES_DOCS, HEADLINES_SEED)
    counts: dict[str, int] = {}
    for a in articles:
        counts[fold(a["title"])] = counts.get(fold(a["title"]), 0) + 1
    candidates = []
    for i, a in enumerate(articles):
        title = unicodedata.normalize("NFC", a["title"]).strip()
        folded = fold(title)
        text = fold("\n".join([a.get("lead") or "", a["body"], *a.get("captions", [])]))
        if 10 <= len(words(title)) <= 25 and counts[folded] == 1 and folded not in text:
            candidates.append(i)
    chosen = sorted(random.Random(HEADLINES_SEED + 1).sample(candidates, min(HEADLINES_QUERIES, len(candidates))))
    nfc = [unicodedata.normalize("NFC", articles[i]["title"]).strip() for i in chosen]
    pairs = enumerate(zip(chosen, nfc, strict=True), 1)
    queries = [BaseQuery(f"h{n:04d}", "headline", articles[i]["id"], t) for n, (i, t) in pairs]
    hidden = []
    for a in articles:
        record = {k: v for k, v in a.items() if k != "title"}
        record["_title"] = derived_title(a)
        hidden.append(record)
    return QuerySet(
        "headlines",
        f"news-50k sample {HEADLINES_DOCS} (seed {HEADLINES_SEED}), titles hidden",
        hidden,
        queries,
        f"{len(queries)} titles of 10-25 words as queries; corpus indexed without titles (derived from the lead)",
    )


# --- vinewsqa -------------------------------------------------------------------------------------


def vinewsqa_set() -> QuerySet:
    """UIT-ViNewsQA questions (``../shared/eval/vinewsqa``): exact → accented; the shipped fold,
    newtone and nfd forms are used as plain, tone and nfd."""
    articles = read_jsonl(VINEWSQA / "corpus.jsonl.gz")
    queries = []
    for row in read_jsonl(VINEWSQA / "queries.jsonl"):
        given = {"plain": row["fold"], "tone": row["newtone"], "nfd": row["nfd"]}
        text = unicodedata.normalize("NFC", row["exact"])
        queries.append(BaseQuery(row["id"], "question", row["target"], text, given))
    return QuerySet("vinewsqa", "vinewsqa", articles, queries, "500 UIT-ViNewsQA questions over 898 health articles")


SETS: dict[str, Callable[[], QuerySet]] = {
    "keywords": keywords_set,
    "headlines": headlines_set,
    "vinewsqa": vinewsqa_set,
}
