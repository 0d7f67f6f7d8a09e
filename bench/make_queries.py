"""Generate the dev known-item query set for the relevance harness.

Reads ``../shared/corpus/news-2k.jsonl`` (relative to the repo root) and writes
``bench/queries/dev-news2k.tsv``: one base query per chosen article, each in five forms.

Base queries imitate what a reader types to re-find an article they read: a short phrase from
the title, a few title words, a distinctive phrase from the lead or the body, or a named entity
plus a topic word. Phrases are cut at word boundaries: Vietnamese words span several syllables
("tài xế", "hợp đồng"), so a phrase only starts or ends between two syllables that co-occur
less than 1.5x what chance predicts (statistics from ``news-50k.jsonl.gz``) and are not both
capitalized (a name).

Every base query is checked with an exact (word-bounded, case-insensitive) substring scan over
title + lead + body of the whole corpus, with and without diacritics: it must occur in the
expected article and in at most ``--max-df`` articles in all, so the known item is findable in
principle; queries are kept short (2-5 syllables), so they are not trivially unique sentences,
and a lead or body phrase must hold a syllable found in at most 3% of the articles.

Forms: ``accented`` (NFC, as in the text), ``plain`` (marks removed, đ→d, lowercase), ``nfd``
(accented, NFD-decomposed) and ``tone`` (accented, rewritten to the other tone-placement style
with ``viet_text_tools.normalize_diacritics(..., new_style=True)``; equal to ``accented`` when the
query has no oa/oe/uy syllable), and ``typo`` (plain, with one letter of its longest word
replaced: sometimes a non-word, sometimes another real syllable). The corpus is ~99.99% old
style and such syllables are in only a few percent of random phrases, so for each article the
generator first looks for a query (of any kind) that has one, to give the tone form some
signal (~1 article in 8 offers one).

Deterministic: fixed seed, no dependence on hash order.

    python bench/make_queries.py [--corpus PATH] [--stats PATH] [--out PATH] [--n 300]
                                 [--seed 20240601] [--max-df 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

from keystrokes import fold
from viet_text_tools import normalize_diacritics

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO.parent / "shared" / "corpus"
DEFAULT_CORPUS = CORPUS_DIR / "news-2k.jsonl"
DEFAULT_OUT = REPO / "bench" / "queries" / "dev-news2k.tsv"

FORMS = ("accented", "plain", "nfd", "tone", "typo")

# Share of each kind in the base set. Kinds are tried furthest-behind-its-share first; when one
# cannot be made for an article, the next is tried.
KIND_WEIGHTS = {
    "title-phrase": 30,  # 2-5 contiguous syllables (whole words) from the title
    "title-words": 20,  # 2-3 separate words of the title, in title order
    "lead-phrase": 20,  # a distinctive 2-4 syllable phrase from the lead
    "entity-topic": 15,  # a named entity + a topic word of the title
    "body-phrase": 15,  # a distinctive 2-4 syllable phrase from the body
}
TONE_SHARE = 1.0  # share of articles for which a tone-bearing query is tried first
KIND_CAP = 1.2  # a kind stops at this multiple of its share (the article is skipped instead)
# Lead and body phrases must hold a syllable found in at most this share of the articles: a rare
# combination of generic words ("nơi an toàn") is not what a person types to re-find an article.
COMMON_SHARE = 0.03

# Function words that a person does not start or end a search phrase with (and that never count
# as a topic word). Deliberately short: only the very frequent grammatical syllables.
_STOP_WORDS = """
    là của và có được cho với các những một trong này đã sẽ đang không khi thì để từ ra vào lên
    về theo tại như cũng nhưng nên do bị bởi mà vì rằng đó sau trước hơn rất nhiều ở thế nào gì
    ai đâu sao bao nhiêu vẫn còn chỉ đều lại nếu hay hoặc cả mới vừa tới đến trên dưới qua giữa
    nhất kia ấy đây đấy thêm nữa phải làm việc người năm ngày tháng ông bà anh chị em họ chúng
    ta tôi mình nó sự cái con chiếc vị nay hôm bằng cùng muốn cần nhau lúc gần gây từng đạt
    khiến cách vô thứ
    """
STOP = frozenset(_STOP_WORDS.split())
HONORIFICS = frozenset(["ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cụ", "ngài"])

_SPACE = re.compile(r"\s+")
_STRIP = "\"'“”‘’()[]{}«»,.;:!?…"

# Cut test (see Segmenter): a phrase may start or end between two syllables only when the pair
# occurs less than CUT_RATIO x chance. Statistics come from news-50k when it is there.
CUT_RATIO = 1.5
_STAT_SPLIT = re.compile(r"[^\w\s]+|\n")
DEFAULT_STATS = CORPUS_DIR / "news-50k.jsonl.gz"


def forms_of(query: str) -> dict[str, str]:
    """The five forms of a base query written with diacritics."""
    accented = unicodedata.normalize("NFC", query)
    return {
        "accented": accented,
        "plain": fold(accented),
        "nfd": unicodedata.normalize("NFD", accented),
        "tone": unicodedata.normalize("NFC", normalize_diacritics(accented, new_style=True)),
        "typo": substituted_in_longest_word(fold(accented)),
    }


def substituted_in_longest_word(plain: str) -> str:
    """The plain form with one letter of its longest word replaced by a random letter: the
    commonest slip of someone typing without diacritics. Deterministic (seeded by the query).
    The keyword set's committed `typo` rows; every other set's `typo` form is
    `keystrokes.typo`'s (a substitution, deletion or swap in any word of 3+ letters)."""
    rng = random.Random(plain)
    words = plain.split()
    i = max(range(len(words)), key=lambda j: (len(words[j]), -j))
    word = words[i]
    pos = rng.randrange(len(word))
    words[i] = word[:pos] + rng.choice([c for c in "abcdefghiklmnopqrstuvxy" if c != word[pos]]) + word[pos + 1 :]
    return " ".join(words)


def tone_differs(query: str) -> bool:
    """True when the query has an oa/oe/uy syllable whose tone placement style can change."""
    f = forms_of(query)
    return f["tone"] != f["accented"]


def read_articles(path: Path) -> list[dict]:
    """Read a JSONL (optionally .gz) corpus file into a list of article dicts."""
    return list(iter_articles(path))


def clauses(text: str) -> Iterator[list[str]]:
    """Runs of plain words (letters and digits only) not separated by punctuation.

    Tokens with inner punctuation ("TP.HCM", "vô-lăng", "Covid-19") end the run and are dropped:
    how a user types them varies too much for a clean known-item query.
    """
    run: list[str] = []
    for raw in _SPACE.split(unicodedata.normalize("NFC", text or "")):
        core = raw.strip(_STRIP)
        if not core.isalnum():
            if run:
                yield run
            run = []
            continue
        if raw[0] != core[0] and run:  # opening punctuation ends the previous run
            yield run
            run = []
        run.append(core)
        if raw[-1] != core[-1]:  # so does closing punctuation
            yield run
            run = []
    if run:
        yield run


def is_content(word: str) -> bool:
    """A syllable that may start or end a query phrase."""
    return word.lower() not in STOP and len(word) > 1 and not word.isdigit()


def has_marks(words: list[str]) -> bool:
    """At least one syllable carries a diacritic (or đ): the forms then really differ."""
    return any(fold(w) != w.lower() for w in words)


class Segmenter:
    """Tells where a phrase may be cut without splitting a word, from corpus co-occurrence.

    Vietnamese words span several syllables ("tài xế", "hợp đồng", "có thể") and no word
    segmenter is needed here, only a conservative test: a cut between syllables a and b is
    allowed when they are not both capitalized (a name) and the pair is seen no more often than
    CUT_RATIO times what chance predicts (observed / expected from the syllable counts).
    """

    def __init__(self, texts: Iterator[str] | list[str]) -> None:
        self.uni: Counter[str] = Counter()
        self.bi: Counter[tuple[str, str]] = Counter()
        for text in texts:
            for part in _STAT_SPLIT.split(unicodedata.normalize("NFC", text).lower()):
                low = [w for w in part.split() if w.isalnum()]
                self.uni.update(low)
                self.bi.update(pairwise(low))
        self.total = max(sum(self.uni.values()), 1)

    def ratio(self, a: str, b: str) -> float:
        """Observed / expected count of the pair "a b" (lowercase)."""
        c = self.bi[(a, b)]
        return c * self.total / (self.uni[a] * self.uni[b]) if c else 0.0

    def cuttable(self, a: str, b: str) -> bool:
        """May a query phrase begin at b or end at a (a, b adjacent, original case)?"""
        if a[0].isupper() and b[0].isupper():
            return False
        return self.ratio(a.lower(), b.lower()) < CUT_RATIO

    def words(self, run: list[str]) -> list[list[str]]:
        """Split a run of syllables at every allowed cut (chunks may hold several words)."""
        out = [[run[0]]]
        for a, b in pairwise(run):
            if self.cuttable(a, b):
                out.append([b])
            else:
                out[-1].append(b)
        return out


class Haystack:
    """Whole-corpus scanner: which articles contain a phrase (word-bounded)?"""

    def __init__(self, texts: list[str]) -> None:
        self.starts: list[int] = []
        pos = 0
        for t in texts:
            self.starts.append(pos)
            pos += len(t) + 1
        self.text = "\x00".join(texts)

    def docs(self, phrase: str, limit: int) -> set[int]:
        """Indices of the articles containing ``phrase``; stops once more than ``limit`` found."""
        found: set[int] = set()
        text, n = self.text, len(phrase)
        i = text.find(phrase)
        while i >= 0:
            before = text[i - 1] if i else " "
            after = text[i + n] if i + n < len(text) else " "
            if not before.isalnum() and not after.isalnum():
                found.add(bisect_right(self.starts, i) - 1)
                if len(found) > limit:
                    break
            i = text.find(phrase, i + 1)
        return found


class Scanner:
    """Rarity checks in the accented (lowercased NFC) and folded spaces."""

    COMMON = 400  # a chunk in more articles than this is only checked inside rarer chunks' docs

    def __init__(self, texts: list[str], max_df: int) -> None:
        lowered = [unicodedata.normalize("NFC", t).lower() for t in texts]
        self.spaces = ((Haystack(lowered), str.lower), (Haystack([fold(t) for t in lowered]), fold))
        self.max_df = max_df

    def _docs(self, hay: Haystack, chunks: list[str]) -> set[int] | None:
        """Articles containing every chunk; None when all chunks are too common to tell."""
        sets = [(hay.docs(c, self.COMMON), c) for c in chunks]
        sets.sort(key=lambda s: len(s[0]))
        docs, _ = sets[0]
        if len(docs) > self.COMMON:
            return None
        for _, chunk in sets[1:]:
            docs = {d for d in docs if _contains(hay, d, chunk)}
        return docs

    def ok(self, chunks: list[str], doc: int) -> bool:
        """The chunks all occur in article ``doc`` and together in at most max_df articles,
        both as written and folded."""
        for hay, conv in self.spaces:
            docs = self._docs(hay, [conv(c) for c in chunks])
            if docs is None or doc not in docs or len(docs) > self.max_df:
                return False
        return True


def _contains(hay: Haystack, doc: int, phrase: str) -> bool:
    start = hay.starts[doc]
    end = hay.starts[doc + 1] - 1 if doc + 1 < len(hay.starts) else len(hay.text)
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", hay.text[start:end]) is not None


class Maker:
    """Builds candidate base queries of each kind for one article and picks a rare one."""

    def __init__(self, scanner: Scanner, seg: Segmenter, rng: random.Random, texts: list[str]) -> None:
        self.scan = scanner
        self.seg = seg
        self.rng = rng
        self.tone_only = False
        # document frequency of each lowercased syllable in the query corpus
        self.df: Counter[str] = Counter()
        for t in texts:
            self.df.update({w for run in clauses(t) for w in (s.lower() for s in run)})
        self.common_df = max(int(COMMON_SHARE * len(texts)), 1)

    def distinctive(self, query: str) -> bool:
        """Has a syllable in at most COMMON_SHARE of the articles (not all-generic wording)."""
        return any(self.df[w] <= self.common_df for w in query.split() if is_content(w))

    def _order(self, cands: list[str]) -> list[str]:
        """Shuffle; keep only tone-bearing queries when those are wanted."""
        self.rng.shuffle(cands)
        if self.tone_only:
            cands = [q for q in cands if tone_differs(q)]
        return cands

    def phrases(self, text: str, lo: int, hi: int) -> list[list[str]]:
        """Runs of whole words of lo..hi syllables, starting and ending on a content syllable."""
        out = []
        for run in clauses(text):
            words = self.seg.words(run)
            for i in range(len(words)):
                span: list[str] = []
                for w in words[i:]:
                    span = span + w
                    if len(span) > hi:
                        break
                    if len(span) >= lo and is_content(span[0]) and is_content(span[-1]) and has_marks(span):
                        out.append(span)
        return out

    def _pick_phrase(self, text: str, lo: int, hi: int, doc: int, distinctive: bool = False) -> str | None:
        seen: set[str] = set()
        cands = []
        for span in self.phrases(text, lo, hi):
            q = " ".join(span).lower()
            if distinctive and not self.distinctive(q):
                continue
            if q not in seen:
                seen.add(q)
                cands.append(q)
        for q in self._order(cands)[:60]:
            if self.scan.ok([q], doc):
                return q
        return None

    def title_phrase(self, a: dict, doc: int) -> str | None:
        return self._pick_phrase(a["title"], 2, 5, doc)

    def lead_phrase(self, a: dict, doc: int) -> str | None:
        return self._pick_phrase(a.get("lead") or "", 2, 4, doc, distinctive=True)

    def body_phrase(self, a: dict, doc: int) -> str | None:
        return self._pick_phrase((a.get("body") or "")[:4000], 2, 4, doc, distinctive=True)

    def title_words(self, a: dict, doc: int) -> str | None:
        """2-3 separate content words of the title (not adjacent), in title order."""
        words = [w for run in clauses(a["title"]) for w in self.seg.words(run)]
        slots = [i for i, w in enumerate(words) if all(is_content(s) for s in w)]
        cands = []
        for _ in range(60):
            k = self.rng.choice((2, 2, 3))
            if len(slots) < k:
                break
            pick = sorted(self.rng.sample(slots, k))
            if any(pick[j] + 1 >= pick[j + 1] for j in range(k - 1)):
                continue
            chunks = [" ".join(words[i]).lower() for i in pick]
            n_syl = sum(len(words[i]) for i in pick)
            if 2 <= n_syl <= 5 and has_marks(" ".join(chunks).split()):
                cands.append(chunks)
        seen: set[str] = set()
        uniq = []
        for c in cands:
            if " ".join(c) not in seen:
                seen.add(" ".join(c))
                uniq.append(c)
        if self.tone_only:
            uniq = [c for c in uniq if tone_differs(" ".join(c))]
        for chunks in uniq[:20]:
            if self.scan.ok(chunks, doc):
                return " ".join(chunks)
        return None

    def entity_topic(self, a: dict, doc: int) -> str | None:
        """A named entity (capitalized run, case kept) + a topic word of the title."""
        ents: list[str] = []
        for text in (a["title"], a.get("lead") or ""):
            for run in clauses(text):
                for i, w in enumerate(self.seg.words(run)):
                    caps = all(s[0].isupper() for s in w)
                    # a single capitalized syllable counts only inside a clause (not sentence case)
                    if caps and w[0].lower() in HONORIFICS:
                        w = w[1:]
                    if caps and w and (len(w) >= 2 or (i > 0 and w[0].isalpha() and len(w[0]) >= 3)):
                        ent = " ".join(w[:4])
                        if ent not in ents:
                            ents.append(ent)
        topics: list[str] = []
        for run in clauses(a["title"]):
            for w in self.seg.words(run):
                if not all(is_content(s) and s[0].islower() for s in w):
                    continue
                # a topic word: a two-syllable word, or one rare syllable
                if len(w) == 2 or (len(w) == 1 and self.distinctive(w[0])):
                    t = " ".join(w)
                    if t not in topics:
                        topics.append(t)
        self.rng.shuffle(ents)
        self.rng.shuffle(topics)
        pairs = [(e, t) for e in ents[:6] for t in topics[:8] if has_marks(f"{e} {t}".split())]
        if self.tone_only:
            pairs = [p for p in pairs if tone_differs(f"{p[0]} {p[1]}")]
        for ent, topic in pairs[:24]:
            if self.scan.ok([ent, topic], doc):
                return f"{ent} {topic}" if self.rng.random() < 0.75 else f"{topic} {ent}"
        return None

    def make(self, kind: str, a: dict, doc: int) -> str | None:
        return getattr(self, kind.replace("-", "_"))(a, doc)


def article_texts(articles: Iterator[dict] | list[dict]) -> Iterator[str]:
    """title + lead + body of each article, one string each."""
    for a in articles:
        yield "\n".join([a["title"], a.get("lead") or "", a.get("body") or ""])


def iter_articles(path: Path) -> Iterator[dict]:
    """Stream a JSONL (optionally .gz) corpus file."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def build(articles: list[dict], n: int, seed: int, max_df: int, seg: Segmenter) -> list[tuple[str, str, str]]:
    """Choose ``n`` articles and make one base query each: [(kind, expected_id, query)]."""
    texts = list(article_texts(articles))
    rng = random.Random(seed)
    maker = Maker(Scanner(texts, max_df), seg, rng, texts)
    order = list(range(len(articles)))
    rng.shuffle(order)
    kinds = list(KIND_WEIGHTS)
    total_w = sum(KIND_WEIGHTS.values())
    target = {k: round(n * w / total_w) for k, w in KIND_WEIGHTS.items()}
    made: Counter[str] = Counter()
    out: list[tuple[str, str, str]] = []
    for doc in order:
        if len(out) >= n:
            break
        prefs = sorted(kinds, key=lambda k: (made[k] / max(target[k], 1), kinds.index(k)))
        # first try every kind restricted to tone-bearing queries (for a share of the articles);
        # a kind past 1.2 x its share is not made any more: the article is skipped instead
        tries = [True, False] if rng.random() < TONE_SHARE else [False]
        for kind, tone_only in ((k, t) for t in tries for k in prefs):
            if made[kind] >= KIND_CAP * target[kind]:
                continue
            maker.tone_only = tone_only
            q = maker.make(kind, articles[doc], doc)
            if q:
                out.append((kind, articles[doc]["id"], q))
                made[kind] += 1
                break
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--n", type=int, default=300, help="number of base queries (articles)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--stats", type=Path, default=DEFAULT_STATS, help="corpus for word statistics")
    ap.add_argument("--max-df", type=int, default=3, help="max articles a query may occur in")
    args = ap.parse_args(argv)

    articles = read_articles(args.corpus)
    stats = args.stats if args.stats.exists() else args.corpus
    if stats != args.stats:
        print(f"warning: {args.stats} not found, word statistics from {stats}", file=sys.stderr)
    seg = Segmenter(article_texts(iter_articles(stats)))
    base = build(articles, args.n, args.seed, args.max_df, seg)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    n_tone = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("qid\tform\tkind\texpected_id\tquery\n")
        for i, (kind, doc_id, query) in enumerate(base, 1):
            forms = forms_of(query)
            n_tone += forms["tone"] != forms["accented"]
            for form in FORMS:
                fh.write(f"q{i:04d}\t{form}\t{kind}\t{doc_id}\t{forms[form]}\n")
    kinds = Counter(k for k, _, _ in base)
    print(f"wrote {args.out}: {len(base)} base queries x {len(FORMS)} forms", file=sys.stderr)
    print("kinds: " + ", ".join(f"{k} {kinds[k]}" for k in KIND_WEIGHTS), file=sys.stderr)
    print(f"tone form differs from accented in {n_tone} of {len(base)} queries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
