"""Question words: how a query reads as a question, and which of its words ask (what kind of
answer is wanted) rather than say what it is about. `indexer.meanings.interpret` marks them;
`indexer.ranking` weighs them; `indexer.didyoumean` spells them. A letter's formulas, which
frame a question, are `indexer.letters`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from indexer.analysis import fold
from indexer.typos import distance

# Folded question phrases. In a question they ask for the answer, so they do not describe it.
QUESTION_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "la gi", "la ai", "bao nhieu", "bao lau", "bao gio", "nhu the nao", "the nao", "ra sao",
        "tai sao", "vi sao", "khi nao", "o dau", "nhung gi", "cai gi", "gi", "nao", "ai", "dau",
        "khong", "chua", "co phai", "hay khong", "duoc khong", "co", "la", "nhu", "the", "sao",
        "nhung", "cac", "nay", "do", "nhu vay",
    )
)
# What a news reader adds to a short query to ask for news, naming no topic ("tin mới nhất Đồng
# Tâm", "tin tức Formosa hôm nay"), as each is spelled: an aside where the query names something
# else (`news_request_positions`). Weighed in full, "tin tức" and "mới nhất" outweighed a topic
# of common syllables, whose one pair was outnumbered by theirs in titles ("Tin mới nhất về bão
# số 1" first for `tin mới nhất Đồng Tâm`; bug hunt 73). Not "hôm nay" ("giá vàng hôm nay" is a
# topic), nor "cập nhật" ("cập nhật phần mềm"), "tin hot" ("tin hot girl"), "thông tin mới nhất"
# ("công nghệ thông tin mới nhất": "mới nhất" alone is read); and not the "tin" of "thông tin"
# ("thông tin tức thời"): bug hunt 74.
NEWS_REQUEST_SPELLINGS = ("tin tức", "tin mới nhất", "mới nhất", "tin nóng")
NEWS_REQUEST_WORDS = 8  # ... in a query of at most this many words: a longer one is a headline or a passage
_NEWS_REQUESTS = [tuple(fold(p).split()) for p in NEWS_REQUEST_SPELLINGS]
_NEWS_SPELLED = {f: e for p in NEWS_REQUEST_SPELLINGS for f, e in zip(fold(p).split(), p.split(), strict=True)}


def news_request_positions(folded: Sequence[str], exact: Sequence[str]) -> set[int]:
    """Positions of `folded` (a short query's words, `exact` as typed, lowercase) that ask for
    news (`NEWS_REQUEST_SPELLINGS`, spelled so where typed with marks), if any word is left.
    A word typed with other marks, and the "tin" of "thông tin", are in no request."""
    if len(folded) > NEWS_REQUEST_WORDS:
        return set()
    readable = [
        "" if (w == "tin" and i and folded[i - 1] == "thong") or exact[i] not in (fold(exact[i]), _NEWS_SPELLED.get(w))
        else w
        for i, w in enumerate(folded)
    ]
    found = {i for start, phrase in find_phrases(readable, _NEWS_REQUESTS) for i in range(start, start + len(phrase))}
    return found if len(found) < len(folded) else set()


# Every syllable of QUESTION_PHRASES as a question spells it: a word typed with other marks
# ("não", "cơ thể", "đầu") says what it says, not what a question asks (`asks_as_spelled`).
QUESTION_WORD_SPELLINGS = frozenset((
    "là", "gì", "ai", "bao", "nhiêu", "lâu", "giờ", "như", "thế", "nào", "ra", "sao", "tại", "vì", "khi", "ở",
    "đâu", "những", "cái", "không", "chưa", "có", "phải", "hay", "được", "các", "này", "đó", "do", "vậy",
))
_QUESTION_CUES = ("gi", "nao", "ai", "dau", "sao", "khong", "chua", "nhieu", "bao")
# phrases that make a question wherever they open one, and open nothing else ("tai sao" is
# only "tại sao"; a lone "ai" may be "AI", "khi" or "vi" anything): `opens_with_question`
_QUESTION_OPENERS = tuple(
    tuple(p.split())
    for p in ("bao nhieu", "bao lau", "bao gio", "tai sao", "vi sao", "lam sao", "lam the nao", "khi nao")
)

# How a question phrase is spelled where that is sure: the restoration model reads a folded
# question from the words news prints most, and health news prints "não" (brain), "đầu" (head)
# and "bảo" far more than a question asks "nào", "đâu" or "bao nhiêu". Phrases of several
# syllables are sure anywhere in a question; a lone question word, and "ở/do/từ đâu" ("ở đầu
# gối"), only at the end of a question typed with its question mark that has no other question
# phrase ("bệnh nào?", but "vì sao bị viêm não?", and "tai biến mạch máu não" asks nothing).
QUESTION_SPELLINGS = {
    "la gi": "là gì", "la ai": "là ai", "bao nhieu": "bao nhiêu", "bao lau": "bao lâu", "bao gio": "bao giờ",
    "nhu the nao": "như thế nào", "the nao": "thế nào", "ra sao": "ra sao", "tai sao": "tại sao",
    "vi sao": "vì sao", "khi nao": "khi nào", "nhung gi": "những gì", "cai gi": "cái gì",
    "hay khong": "hay không", "duoc khong": "được không", "co phai": "có phải",
    "lam the nao": "làm thế nào", "lam sao": "làm sao",
}
FINAL_QUESTION_SPELLINGS = {
    "o dau": "ở đâu", "do dau": "do đâu", "tu dau": "từ đâu", "nao": "nào", "gi": "gì", "ai": "ai",
    "khong": "không", "chua": "chưa",
}
_SPELLED_PHRASES = tuple(tuple(p.split()) for p in QUESTION_SPELLINGS)


def sure_question_positions(folded: Sequence[str]) -> set[int]:
    """Positions of the phrases that ask wherever they stand (`QUESTION_SPELLINGS`: "bao nhiêu",
    "như thế nào", "là gì"; not "có", "không" or "nay", which say other things as often)."""
    return phrase_positions(folded, _SPELLED_PHRASES)


def sure_question_phrases(folded: Sequence[str]) -> list[tuple[int, tuple[str, ...]]]:
    """(start, phrase) of the phrases `sure_question_positions` finds."""
    return find_phrases(folded, _SPELLED_PHRASES)


def question_spellings(folded: Sequence[str], text: str) -> dict[int, str]:
    """Positions of a question's words whose spelling `QUESTION_SPELLINGS` (anywhere) or
    `FINAL_QUESTION_SPELLINGS` (at the end, alone) makes sure, and that spelling; {} for a
    query that does not read as a question (`looks_like_question`, `opens_with_question`:
    "bao nhieu nguoi chet", typed without its "?", was read "báo nhiều người chết")."""
    sure: dict[int, str] = {}
    if not (looks_like_question(folded, text) or opens_with_question(folded)):
        return sure
    for i, phrase in find_phrases(folded, _SPELLED_PHRASES):
        sure.update(zip(range(i, i + len(phrase)), QUESTION_SPELLINGS[" ".join(phrase)].split(), strict=True))
    if not sure and text.rstrip().endswith("?"):
        for phrase, spelled in FINAL_QUESTION_SPELLINGS.items():
            words = phrase.split()
            if len(folded) > len(words) and list(folded[-len(words) :]) == words:
                sure.update(zip(range(len(folded) - len(words), len(folded)), spelled.split(), strict=True))
                break
    return sure


def looks_like_question(folded: Sequence[str], text: str) -> bool:
    """A question mark, or a question word among the last few syllables, or 'có … không'."""
    if "?" in text:
        return True
    tail = folded[-3:]
    return any(cue in tail for cue in _QUESTION_CUES)


def opens_with_question(folded: Sequence[str]) -> bool:
    """Whether a phrase that is nothing but question words opens the query ("Bao nhiêu người
    …", "Vì sao …"): then it asks, "?" or not. Only its spelling relies on this: searched as
    a question, vinewsqa's 40 questions that open so, typed without their "?", moved 2 up and
    1 down (MRR@10 0.772 → 0.767), so they are searched as typed."""
    return any(tuple(folded[: len(opener)]) == opener for opener in _QUESTION_OPENERS)


def question_positions(folded: Sequence[str]) -> set[int]:
    """Positions of syllables that belong to a question phrase (longest phrases first)."""
    return phrase_positions(folded, QUESTION_PHRASES)


_PHRASE_WORDS = sorted({word for phrase in QUESTION_PHRASES if len(phrase) > 1 for word in phrase})


def near_question_words(typed: str) -> Iterator[str]:
    """The words of the question phrases of two or more syllables one slip (`typos.distance`)
    from the letters typed ("aso" → "sao"), whatever an index holds. Lazily: they are read only
    where none of the index's candidates makes a question phrase."""
    return (word for word in _PHRASE_WORDS if word != typed and distance(typed, word, 1) <= 1)


def in_question_phrase(folded: Sequence[str], i: int) -> bool:
    """Whether the syllable at `i` belongs to a question phrase of two or more syllables ("ra
    sao", "như thế nào"), not to a question word alone ("nào", "thế")."""
    found = find_phrases(folded, QUESTION_PHRASES)
    return any(len(phrase) > 1 and start <= i < start + len(phrase) for start, phrase in found)


def phrase_positions(folded: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> set[int]:
    """Positions of the syllables `find_phrases` finds."""
    return {i + k for i, phrase in find_phrases(folded, phrases) for k in range(len(phrase))}


def find_phrases(folded: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> list[tuple[int, tuple[str, ...]]]:
    """(start, phrase) of the `phrases` in `folded`, longest first, none overlapping another.
    A phrase is compared only where its first syllable stands (asked of every question and
    long query, for question words and framing formulas: ~0.2 ms a 20-word question when
    every position was sliced and compared)."""
    found: list[tuple[int, tuple[str, ...]]] = []
    taken: set[int] = set()
    for phrase in sorted(phrases, key=len, reverse=True):
        k = len(phrase)
        first = phrase[0]
        for i in range(len(folded) - k + 1):
            if folded[i] == first and tuple(folded[i : i + k]) == phrase and not taken.intersection(range(i, i + k)):
                taken.update(range(i, i + k))
                found.append((i, phrase))
    return found


def asks_as_spelled(exact: str | None) -> bool:
    """Whether a question word given marks (`exact`; None: typed plain, which cannot tell) is
    spelled as a question asks: "nào", not "não" (brain); "có", not "cơ" of "cơ thể"."""
    return exact is None or exact.lower() in QUESTION_WORD_SPELLINGS
