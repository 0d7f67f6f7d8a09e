"""Query sets of the relevance harness: each is a corpus plus known-item queries over it.

Only ``keywords`` (``bench/queries/dev-news2k.tsv``: short phrases and ids) and ``natural-50k``
(``bench/queries/natural-questions.tsv``: questions written for this project, in words of their
own) come from committed files. Every other set is generated at run time, deterministically
(fixed seeds, corpus order, no hash order), from ``../shared`` (relative to the repo's parent):
long texts of the corpora and eval sets are never committed (licences:
``../shared/corpus/README.md``, ``../shared/eval/README.md``).

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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from itertools import pairwise
from pathlib import Path
from typing import Any

from engines import bm25_terms
from keystrokes import fold

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
NEWS_2K = SHARED / "corpus" / "news-2k.jsonl"
NEWS_50K = SHARED / "corpus" / "news-50k.jsonl.gz"
VINEWSQA = SHARED / "eval" / "vinewsqa"
KEYWORDS_TSV = REPO / "bench" / "queries" / "dev-news2k.tsv"
NATURAL_TSV = REPO / "bench" / "queries" / "natural-questions.tsv"
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


def title_counts(articles: list[dict[str, Any]]) -> dict[str, int]:
    """How many of the articles carry each folded title."""
    return Counter(fold(a["title"]) for a in articles)


def usable_title(article: dict[str, Any], counts: dict[str, int], shortest: int, longest: int) -> str | None:
    """The article's title (NFC) if it can be a query that must re-find the article: `shortest`
    to `longest` words, no other article with that title (`title_counts`), and not a verbatim
    (folded) part of its own lead, body or captions (else it is a text lookup); else None."""
    title = unicodedata.normalize("NFC", article["title"]).strip()
    folded = fold(title)
    text = fold("\n".join([article.get("lead") or "", article["body"], *article.get("captions", [])]))
    if shortest <= len(words(title)) <= longest and counts[folded] == 1 and folded not in text:
        return title
    return None


def titles_hidden(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records as every engine indexes them when the title is the query: without `title`,
    so vnsearch derives one from the lead, and with that derived title as `_title` for the
    baselines."""
    hidden = []
    for a in articles:
        record = {k: v for k, v in a.items() if k != "title"}
        record["_title"] = derived_title(a)
        hidden.append(record)
    return hidden


def words(text: str) -> list[str]:
    """Whitespace words that hold a letter or digit."""
    return [w for w in text.split() if re.search(r"\w", w)]


# --- keywords -------------------------------------------------------------------------------------


def keywords_set(tsv: Path = KEYWORDS_TSV) -> QuerySet:
    """The committed dev set: 300 short known-item queries over news-2k (bench/make_queries.py);
    or `tsv`, another set that script wrote (`--seed N`: queries nobody tuned on)."""
    source = "bench/queries/dev-news2k.tsv" if tsv == KEYWORDS_TSV else tsv.name  # as the report names it
    queries = []
    with open(tsv, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["qid", "form", "kind", "expected_id", "query"]:
            raise SystemExit(f"{tsv}: unexpected header {header}")
        for line in fh:
            qid, form, kind, expected, text = line.rstrip("\n").split("\t", 4)
            if form == "accented":
                queries.append(BaseQuery(qid, kind, expected, unicodedata.normalize("NFC", text)))
    return QuerySet(
        "keywords",
        "news-2k",
        read_jsonl(NEWS_2K),
        queries,
        f"{source}: 2-5 syllable phrases of title, lead or body (make_queries.py)",
    )


# --- headlines ------------------------------------------------------------------------------------

HEADLINES_SEED = 20261201
HEADLINES_DOCS = 2500
HEADLINES_QUERIES = 400


# Other samples drawn the same way (optional sets `headlines-<seed>`): the default set is the one
# every ranking change was tuned on, so these tell what holds on headlines nobody tuned on.
FRESH_HEADLINES_SEEDS = (20261203, 20261204, 20261205, 20261206, 20261207)


def headlines_set(seed: int = HEADLINES_SEED) -> QuerySet:
    """A whole headline pasted as the query, over an index of the same articles with every title
    hidden: each record loses ``title``, so vnsearch derives one from the lead (and the baselines
    index that derived title too, as ``_title``). Queries: titles of 10-25 words that are not a
    verbatim (folded) part of their own lead or body and are unique in the sample. `seed` draws
    the sample (and, + 1, the queries)."""
    articles = sample(news50k(), HEADLINES_DOCS, seed)
    counts = title_counts(articles)
    candidates = [i for i, a in enumerate(articles) if usable_title(a, counts, 10, 25)]
    chosen = sorted(random.Random(seed + 1).sample(candidates, min(HEADLINES_QUERIES, len(candidates))))
    nfc = [unicodedata.normalize("NFC", articles[i]["title"]).strip() for i in chosen]
    pairs = enumerate(zip(chosen, nfc, strict=True), 1)
    queries = [BaseQuery(f"h{n:04d}", "headline", articles[i]["id"], t) for n, (i, t) in pairs]
    return QuerySet(
        "headlines" if seed == HEADLINES_SEED else f"headlines-{seed}",
        f"news-50k sample {HEADLINES_DOCS} (seed {seed}), titles hidden",
        titles_hidden(articles),
        queries,
        f"{len(queries)} titles of 10-25 words as queries; corpus indexed without titles (derived from the lead)",
    )


# --- leads ---------------------------------------------------------------------------------------

LEADS_SEED = 20261201
LEADS_WORDS = (25, 120)


def leads_set(seed: int = LEADS_SEED) -> QuerySet:
    """A passage pasted as the query: the lead (sapo) of an article, 25-120 words, over an index
    of the same articles with every title and lead hidden, so the body must answer it. The
    longest queries of any set (median 36 words; at 32 terms, 253 of the 400 were cut): what a
    long question or a pasted paragraph asks of the ranking and the query limits. A lead whose
    first half the body prints verbatim is skipped (a text lookup). `seed` draws the sample of
    HEADLINES_DOCS articles (and, + 1, the queries), as for `headlines_set`."""
    articles = sample(news50k(), HEADLINES_DOCS, seed)
    candidates = []
    for i, a in enumerate(articles):
        lead = unicodedata.normalize("NFC", a.get("lead") or "").strip()
        if not LEADS_WORDS[0] <= len(words(lead)) <= LEADS_WORDS[1]:
            continue
        half = " ".join(lead.split()[: len(lead.split()) // 2])
        if fold(half) not in fold("\n".join([a["body"], *a.get("captions", [])])):
            candidates.append(i)
    chosen = sorted(random.Random(seed + 1).sample(candidates, min(HEADLINES_QUERIES, len(candidates))))
    queries = [
        BaseQuery(f"p{n:04d}", "lead", articles[i]["id"], unicodedata.normalize("NFC", articles[i]["lead"]).strip())
        for n, i in enumerate(chosen, 1)
    ]
    return QuerySet(
        "leads" if seed == LEADS_SEED else f"leads-{seed}",
        f"news-50k sample {HEADLINES_DOCS} (seed {seed}), titles and leads hidden",
        titles_hidden([{**a, "lead": None} for a in articles]),
        queries,
        f"{len(queries)} leads of {LEADS_WORDS[0]}-{LEADS_WORDS[1]} words as queries; "
        "corpus indexed without titles and leads",
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


# --- questions ------------------------------------------------------------------------------------

QUESTIONS_SEED = 20261202
QUESTIONS_DOCS = 2500
QUESTIONS_QUERIES = 300
INITIALISMS_PER_FORM = 14
QUESTION_WORDS = 18  # longest question, in words (vinewsqa's median is 12)
MAX_CAPITALISED = 3  # a sentence with more capitalised words (names) than this is too easy to find
TOPIC_WORD = 10.0  # cohesion of a title pair taken as the topic word of an initialism query
# written form in the text -> how people type it
INITIALISMS = {
    "TN&MT": "tn mt",
    "TN-MT": "tn mt",
    "VH-TT&DL": "vh tt dl",
    "LĐ-TB&XH": "ld tb xh",
    "ĐHĐCĐ": "dhdcd",
    "NN&PTNT": "nn ptnt",
    "GD&ĐT": "gd dt",
    "KH&CN": "kh cn",
    "TT&TT": "tt tt",
}
_PERSON = {"ông", "bà", "anh", "chị", "cô", "chú", "cháu", "em", "bé", "bác"}
_TITLES = ("thủ tướng", "chủ tịch", "bộ trưởng", "tổng thống", "giám đốc", "bí thư", "phó", "thứ trưởng",
           "tổng bí thư", "chủ nhiệm", "trưởng", "đại tá", "thiếu tướng", "trung tướng", "đại sứ")
_ORGS = ("bộ ", "sở ", "công ty", "ủy ban", "ubnd", "cục ", "viện ", "bệnh viện", "trường ", "tập đoàn",
         "ngân hàng", "tổng cục", "ban ", "hội ", "tòa án", "công an", "quân ", "liên ")
_FILLERS = {"đã", "đang", "sẽ", "cũng", "rất", "vừa", "này", "đó", "thì", "mà", "được", "các", "những"}
_LEADING = ("theo ", "trước đó", "ngoài ra", "tuy nhiên", "bên cạnh đó", "hiện nay", "đặc biệt", "trong khi đó",
            "cũng theo", "do đó", "vì vậy", "sau đó", "hiện tại", "thông tin", "được biết")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ỹ\"“])")


def _is_cap(w: str) -> bool:
    return w[:1].isupper() and w[:1].isalpha()


class Stats:
    """Folded syllable and adjacent-pair statistics of a corpus: document frequencies (is a
    question distinctive?) and pair cohesion (is "tài chính" one word, so a name may go on?)."""

    def __init__(self, articles: list[dict[str, Any]]) -> None:
        self.n = len(articles)
        self.df: Counter[str] = Counter()
        self.count: Counter[str] = Counter()
        self.terms: list[set[str]] = []
        for a in articles:
            terms = bm25_terms("\n".join([a.get("title") or "", a.get("lead") or "", a.get("body") or ""]))
            self.count.update(terms)
            unique = set(terms)
            self.df.update(unique)
            self.terms.append(unique)
        self.total = sum(v for k, v in self.count.items() if " " not in k) or 1

    def cohesion(self, a: str, b: str) -> float:
        """How much more often the folded pair a b occurs than chance (0 when never)."""
        a, b = fold(a), fold(b)
        ab = self.count.get(f"{a} {b}", 0)
        if not ab:
            return 0.0
        return ab * self.total / (self.count.get(a, 1) * self.count.get(b, 1))


class QuestionMaker:
    """Turns a sentence of an article into a question a reader would type, lightly paraphrased:
    the asked-for part (a number, a year or date, a person, a place, an organisation) is replaced
    by its question word, or the sentence becomes a yes/no, "tại sao", "là gì" or "bằng cách
    nào" question; only the clause around it is kept (other clauses, a leading connective,
    parentheses and some filler words are dropped), so the article does not hold every word."""

    KINDS = ("how-many", "when", "who", "where", "which-org", "why", "yes-no", "what", "how")
    WORD = 4.0  # pair cohesion above which two syllables are taken as one word

    def __init__(self, stats: Stats) -> None:
        self.stats = stats
        self.rare = max(3, stats.n // 200)  # a syllable in at most 0.5% of the articles

    def sentences(self, a: dict[str, Any]) -> list[str]:
        """Lead and body sentences of 12-45 words with few names, without quotes, parentheses
        removed."""
        out = []
        for para in [a.get("lead") or "", *(a.get("body") or "").split("\n")]:
            for s in _SENTENCE.split(para.strip()):
                s = re.sub(r"\s*\([^()]*\)", "", s).strip()
                caps = sum(1 for t in s.split()[1:] if _is_cap(t))
                if 12 <= len(words(s)) <= 45 and caps <= MAX_CAPITALISED and not re.search(r"[\"“”:…/]|\.\w", s):
                    out.append(s)
        return out

    def _name_end(self, toks: list[str], i: int) -> int:
        """End of the name starting at i: capitalised words, and lowercase words bound to the
        previous one as a word ("Bộ Tài chính"), never past a comma."""
        j = i
        while j < len(toks):
            t = toks[j]
            bound = j > i and t.isalpha() and t.islower() and self.stats.cohesion(toks[j - 1], t) > self.WORD
            if not (_is_cap(t) or bound):
                break
            j += 1
            if t[-1:] in ",;.":
                break
        return j

    def transform(self, sentence: str, kind: str) -> str | None:
        """One question of this kind from a sentence, or None when the sentence does not offer it."""
        toks = sentence.rstrip(".!?").split()
        low = [t.lower().strip(",;") for t in toks]
        n = len(toks)
        if kind == "how-many":
            for i in range(1, n - 1):
                if (
                    re.fullmatch(r"\d[\d.,]*%?", toks[i])
                    and low[i - 1] not in ("năm", "ngày", "tháng", "thứ", "số", "lúc", "đến", "từ", "-")
                    and (toks[i].endswith("%") or (toks[i + 1].isalpha() and toks[i + 1].islower()))
                ):
                    ask = "bao nhiêu phần trăm" if toks[i].endswith("%") else "bao nhiêu"
                    return self._finish([*toks[:i], ask, *toks[i + 1 :]], i)
        elif kind == "when":
            for i in range(n - 1):
                nxt, trail = toks[i + 1].rstrip(",;"), toks[i + 1][len(toks[i + 1].rstrip(",;")) :]
                if low[i] in ("năm", "ngày") and re.fullmatch(r"(19|20)\d\d|\d{1,2}-\d{1,2}", nxt):
                    ask = ["vào", f"{low[i]} nào"]
                    if i <= 1 and trail:  # "Năm 2016, X ..." -> "X ... vào năm nào?"
                        return self._finish(toks[i + 2 :], 0, ask)
                    return self._finish([*toks[:i], ask[1] + trail, *toks[i + 2 :]], i)
        elif kind in ("who", "where", "which-org"):
            for i in range(1, n):
                if not _is_cap(toks[i]) or _is_cap(toks[i - 1]):
                    continue
                j = self._name_end(toks, i)
                run = " ".join(low[i:j]) + " "
                trail = toks[j - 1][len(toks[j - 1].rstrip(",;")) :]
                if kind == "who" and low[i - 1] in _PERSON and 2 <= j - i <= 5:
                    return self._finish([*toks[: i - 1], "ai" + trail, *toks[j:]], i - 1)
                if kind == "who" and run.startswith(_TITLES) and j - i >= 4:
                    return self._finish([*toks[:i], "ai" + trail, *toks[j:]], i)
                if kind == "where" and low[i - 1] in ("tại", "ở") and not run.startswith(_ORGS):
                    return self._finish([*toks[: i - 1], "ở đâu" + trail, *toks[j:]], i - 1)
                if kind == "which-org" and j - i >= 3 and run.startswith(_ORGS):
                    ask = "doanh nghiệp nào" if run.startswith(("công ty", "tập đoàn", "ngân hàng")) else "cơ quan nào"
                    return self._finish([*toks[:i], ask + trail, *toks[j:]], i)
        elif kind == "why":
            for i in range(4, n - 3):
                if low[i] in ("vì", "do", "bởi") and (toks[i - 1][-1:] in ",;" or low[i - 1] in ("là", "chính")):
                    end = i - 1 if low[i - 1] in ("là", "chính") else i
                    main = self._lower_first(" ".join(toks[:end]).rstrip(",; ")).split()
                    return self._finish(["Tại", "sao", *main], 2)
        elif kind == "yes-no":
            if "đã" in low[1:8]:
                i = low.index("đã", 1)
                return self._finish([*toks[:i], "có", *toks[i + 1 :]], i, ["không"])
        elif kind == "what":
            for i in range(5, min(n - 3, 14)):
                if low[i] == "là" and not any(t[-1:] in ",;" for t in toks[:i]):
                    return self._finish(toks[:i], i - 1, ["là", "gì"])
        elif kind == "how":
            for i in range(3, n - 2):
                if low[i] == "bằng" and low[i + 1] == "cách":
                    return self._finish([*toks[:i], "bằng", "cách", "nào"], i)
                if low[i] in ("diễn", "xảy") and low[i + 1] == "ra" and not toks[i + 1].endswith(","):
                    return self._finish(toks[: i + 2], i, ["như", "thế", "nào"])
        return None

    @staticmethod
    def _lower_first(text: str) -> str:
        """Lowercase a sentence-initial word moved inside a question, unless it looks like a name
        (all capitals, or followed by another capitalised word)."""
        toks = text.split()
        if not toks or toks[0].isupper() or (len(toks) > 1 and _is_cap(toks[1])):
            return text
        return text[:1].lower() + text[1:]

    @staticmethod
    def _clause(toks: list[str], focus: int, limit: int) -> list[str]:
        """The clause holding ``focus`` (cut at commas and semicolons), grown with the next then
        the previous clauses while it has fewer than 12 words and stays within ``limit``; a
        leading connective clause ("Theo ...,") is never added."""
        bounds, start = [], 0
        for i, t in enumerate(toks):
            if t[-1:] in ",;" or i == len(toks) - 1:
                bounds.append((start, i + 1))
                start = i + 1
        if not bounds:
            return toks
        k = next((n for n, (lo, hi) in enumerate(bounds) if lo <= focus < hi), len(bounds) - 1)
        first = last = k
        while bounds[last][1] - bounds[first][0] < 12:
            if last + 1 < len(bounds) and bounds[last + 1][1] - bounds[first][0] <= limit:
                last += 1
            elif first > 0 and bounds[last][1] - bounds[first - 1][0] <= limit:
                lead = " ".join(toks[bounds[first - 1][0] : bounds[first - 1][1]]).lower()
                if lead.startswith(_LEADING):
                    break
                first -= 1
            else:
                break
        lo, hi = bounds[first][0], bounds[last][1]
        if hi - lo > limit:  # one long clause: a window around the focus
            lo = max(lo, min(focus - limit // 2, hi - limit))
            hi = lo + limit
        return toks[lo:hi]

    def _finish(self, toks: list[str], focus: int, suffix: list[str] | None = None) -> str | None:
        """Keep the clause around the focus, drop a leading connective and up to two fillers, fit
        10-25 words with the suffix, end with '?'."""
        suffix = suffix or []
        body = self._clause(toks, focus, QUESTION_WORDS - len(suffix))
        text = " ".join(body).strip().rstrip(",;")
        if text.lower().startswith(_LEADING) and "," in text:
            text = text.split(",", 1)[1].strip()
        rng = random.Random("q:" + text)
        kept, dropped = [], 0
        for n, t in enumerate(text.split()):
            lowered = t.lower().strip(",;")
            filler = lowered in _FILLERS and rng.random() < 0.6
            if n and dropped < 3 and filler:
                dropped += 1
                continue
            kept.append(t)
        q = " ".join([*kept, *suffix]).rstrip(",;")
        if not 10 <= len(words(q)) <= QUESTION_WORDS:
            return None
        return q[:1].upper() + q[1:] + "?"

    def distinctive(self, question: str) -> bool:
        """A syllable rare in the corpus (in at most 0.5% of the articles): the known item is
        findable in principle, without requiring names (a reader's question seldom has many)."""
        syl = set(re.findall(r"[^\W\d_]+", fold(question)))
        return any(0 < self.stats.df.get(s, 0) <= self.rare for s in syl)


def _news_sample_with_initialisms() -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The questions corpus: a fixed news-50k sample plus, for each written initialism, up to
    INITIALISMS_PER_FORM articles that have it in the title or lead (ids per initialism)."""
    news = news50k()
    picked = set(random.Random(QUESTIONS_SEED).sample(range(len(news)), QUESTIONS_DOCS))
    by_form: dict[str, list[str]] = {}
    rng = random.Random(QUESTIONS_SEED + 2)
    taken: set[int] = set()
    for written in INITIALISMS:
        cands = [i for i, a in enumerate(news) if i not in taken and written in a["title"] + "\n" + (a["lead"] or "")]
        chosen = sorted(rng.sample(cands, min(INITIALISMS_PER_FORM, len(cands))))
        taken.update(chosen)
        by_form[written] = [news[i]["id"] for i in chosen]
    return [dict(news[i]) for i in sorted(picked | taken)], by_form


@cache
def _questions_corpus() -> tuple[list[dict[str, Any]], dict[str, list[str]], Stats]:
    articles, by_form = _news_sample_with_initialisms()
    return articles, by_form, Stats(articles)


QUESTIONS_CORPUS = f"news-50k sample {QUESTIONS_DOCS} (seed {QUESTIONS_SEED}) + initialism articles"


def questions_set() -> QuerySet:
    """~300 reader questions made from distinctive lead/body sentences of a news-50k sample
    (QuestionMaker), one per article, kinds kept balanced: the article is the known item."""
    articles, _, stats = _questions_corpus()
    maker = QuestionMaker(stats)
    order = list(range(len(articles)))
    random.Random(QUESTIONS_SEED + 1).shuffle(order)
    counts = dict.fromkeys(QuestionMaker.KINDS, 0)
    made: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for i in order:
        if len(made) >= QUESTIONS_QUERIES:
            break
        a = articles[i]
        sentences = maker.sentences(a)
        random.Random("q:" + a["id"]).shuffle(sentences)
        found = None
        for kind in sorted(QuestionMaker.KINDS, key=lambda k: (counts[k], QuestionMaker.KINDS.index(k))):
            for s in sentences[:15]:
                q = maker.transform(s, kind)
                if q and maker.distinctive(q) and fold(q) not in seen:
                    found = (i, kind, q)
                    break
            if found:
                break
        if found:
            counts[found[1]] += 1
            seen.add(fold(found[2]))
            made.append(found)
    made.sort()
    queries = [BaseQuery(f"q{n:04d}", kind, articles[i]["id"], q) for n, (i, kind, q) in enumerate(made, 1)]
    by_kind = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    return QuerySet("questions", QUESTIONS_CORPUS, [dict(a) for a in articles], queries,
                    f"{len(queries)} questions made from lead/body sentences ({by_kind})")


def initialisms_set() -> QuerySet:
    """Initialisms as people type them ("tn mt", "vh tt dl", "dhdcd") plus a two-syllable topic
    word of the article's title (an adjacent lowercase pair that is one word by cohesion), the one
    shared with the fewest other articles having the same initialism; over the questions corpus."""
    articles, by_form, stats = _questions_corpus()
    pos = {a["id"]: n for n, a in enumerate(articles)}
    holders: dict[str, set[int]] = {}
    for written, typed in INITIALISMS.items():
        holders.setdefault(typed, set()).update(
            n for n, a in enumerate(articles) if written in "\n".join([a["title"], a["lead"] or "", a["body"]])
        )
    queries = []
    for written, ids in by_form.items():
        typed = INITIALISMS[written]
        for doc_id in ids:
            toks = [t.strip(",.:;!?\"“”()'‘’") for t in articles[pos[doc_id]]["title"].split()]
            best = None
            for k, (x, y) in enumerate(pairwise(toks)):
                if not (x.isalpha() and y.isalpha() and x.islower() and y.islower()):
                    continue
                pair = f"{fold(x)} {fold(y)}"
                inside = stats.cohesion(x, y)
                if inside < TOPIC_WORD or stats.count[pair] < 3 or stats.df[pair] > stats.n // 50:
                    continue
                before = stats.cohesion(toks[k - 1], x) if k else 0.0
                after = stats.cohesion(y, toks[k + 2]) if k + 2 < len(toks) else 0.0
                if max(before, after) > inside / 4:  # part of a longer word: "vay ngân | hàng"
                    continue
                if x in _FILLERS or y in _FILLERS:
                    continue
                shared = sum(1 for n in holders[typed] if pair in stats.terms[n])
                key = (shared, stats.df[pair], f"{x} {y}")
                best = key if best is None or key < best else best
            if best is not None and best[0] <= 3 and f"{typed} {best[2]}" not in {q.text for q in queries}:
                queries.append(BaseQuery(f"i{len(queries) + 1:03d}", written, doc_id, f"{typed} {best[2]}"))
    return QuerySet("initialisms", QUESTIONS_CORPUS, [dict(a) for a in articles], queries,
                    f"{len(queries)} typed initialisms ({', '.join(sorted(set(INITIALISMS.values())))}) + a title word")


# --- legal questions ------------------------------------------------------------------------------

# What an article that answers a legal question cites: an article, a clause, a code, a decree, a
# circular, a named law, "pháp luật", "quy định".
LEGAL_MARKER = re.compile(
    r"\b[Đđ]iều \d+|\bkhoản \d+|\b[Bb]ộ luật\b|\b[Nn]ghị định\b|\b[Tt]hông tư\b|\bLuật [A-ZĐ]"
    r"|\bpháp luật\b|\bquy định\b"
)
LEGAL_CORPUS_MARKERS = 2  # articles citing the law this often make the corpus (~3,500)
LEGAL_ANSWER_MARKERS = 3  # ... and this often, with a question for a title, the known items

# A reader's letter that the article answers: the reader's question quoted ("Anh … (Hà Nội)
# hỏi: …", "Xin hỏi …", "mong luật sư tư vấn", "bạn đọc … hỏi") or the paper's reply
# to one ("Trả lời ý kiến của …"), in the lead or the body's first LETTER_OPENING characters.
# Such a question is what a legal question set (a Q&A column, questions over statutes) holds;
# the other `legal` questions are news that cites the law ("Vì sao ông … bị khởi tố?").
READER_LETTER = re.compile(
    r"\b[Hh]ỏi:|\bTrả lời ý kiến\b|\bmong (?:luật sư|được tư vấn|quý báo)|\b[Xx]in (?:hỏi|cho hỏi)\b"
    r"|\b[Cc]ho (?:tôi|em|mình|cháu) hỏi\b|\b[Tt]ôi (?:muốn|xin|cần) hỏi\b"
    r"|\b(?:[Bb]ạn đọc|[Đđ]ộc giả)\b[^.?!]{0,80}\bhỏi\b"
)
LETTER_OPENING = 800


def legal_markers(article: dict[str, Any]) -> int:
    """How often an article's lead and body cite the law (LEGAL_MARKER)."""
    return len(LEGAL_MARKER.findall("\n".join([article.get("lead") or "", article["body"]])))


def answers_a_letter(article: dict[str, Any]) -> bool:
    """Whether the article answers a reader's letter (READER_LETTER in its opening)."""
    return bool(READER_LETTER.search("\n".join([article.get("lead") or "", article["body"][:LETTER_OPENING]])))


def legal_set() -> QuerySet:
    """Legal questions as readers put them ("Họ hàng 4 đời có kết hôn được không?", "Làm việc 11
    năm, hưởng trợ cấp thất nghiệp bao nhiêu?"): the titles of news-50k articles that are a
    question and whose text cites the law LEGAL_ANSWER_MARKERS+ times, over every article that
    cites it LEGAL_CORPUS_MARKERS+ times, titles hidden as for headlines (else the question is
    a title lookup). No public legal question set is at hand; this is the nearest we can build:
    the answer is written from statutes, and its neighbours in the index are too. Each query's
    kind is "letter" where its article answers a reader's letter (`answers_a_letter`: the kind a
    legal question set holds), else "news"; the report scores each kind apart."""
    articles = [dict(a) for a in news50k() if legal_markers(a) >= LEGAL_CORPUS_MARKERS]
    counts = title_counts(articles)
    queries = []
    for a in articles:
        title = usable_title(a, counts, 5, 25)
        if title and title.endswith("?") and legal_markers(a) >= LEGAL_ANSWER_MARKERS:
            kind = "letter" if answers_a_letter(a) else "news"
            queries.append(BaseQuery(f"l{len(queries) + 1:04d}", kind, a["id"], title))
    return QuerySet(
        "legal",
        f"news-50k articles citing the law {LEGAL_CORPUS_MARKERS}+ times, titles hidden",
        titles_hidden(articles),
        queries,
        f"{len(queries)} question titles of articles citing the law {LEGAL_ANSWER_MARKERS}+ times; "
        "corpus indexed without titles",
    )


def keywords_50k_set(tsv: Path = KEYWORDS_TSV) -> QuerySet:
    """The keywords queries over the whole news-50k (news-2k is a sample of it): a larger index
    for the restoration measurement and a harder known-item check. Not in the default sets: its
    first vnsearch build takes several minutes."""
    qs = keywords_set(tsv)
    return QuerySet("keywords-50k", "news-50k", [dict(a) for a in news50k()], qs.queries,
                    "the keywords queries over the whole news-50k (34,701 articles)")


def natural_set() -> QuerySet:
    """Questions as people ask them, over the whole news-50k (titles shown): 161, each written
    for one article by a helper session that read it (stop 76), in everyday words and with no
    run of four words from its title or text: 70 about the asker's own case ("Con tôi … có cần
    đưa đi viện không?", kind `advice`), 91 about what the news said (`fact`). The set nearest
    issue 11's long natural questions, where a question shares few words with its answer; the
    helper drew its 200 articles of health, law, money, school and traffic (seed 20261207) and
    skipped 39 no reader would ask about. Not in the default sets: it needs news-50k's index."""
    queries = []
    with open(NATURAL_TSV, encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["qid", "expected_id", "style", "question"]:
            raise SystemExit(f"{NATURAL_TSV}: unexpected header {header}")
        for line in fh:
            qid, expected, style, text = line.rstrip("\n").split("\t", 3)
            queries.append(BaseQuery(qid, style, expected, unicodedata.normalize("NFC", text)))
    return QuerySet("natural-50k", "news-50k", [dict(a) for a in news50k()], queries,
                    "bench/queries/natural-questions.tsv: questions in everyday words, over news-50k")


SETS["questions"] = questions_set
SETS["initialisms"] = initialisms_set
SETS["legal"] = legal_set
SETS["leads"] = leads_set
OPTIONAL_SETS: dict[str, Callable[[], QuerySet]] = {"keywords-50k": keywords_50k_set, "natural-50k": natural_set}
for _seed in FRESH_HEADLINES_SEEDS:
    OPTIONAL_SETS[f"headlines-{_seed}"] = partial(headlines_set, _seed)
    OPTIONAL_SETS[f"leads-{_seed}"] = partial(leads_set, _seed)
