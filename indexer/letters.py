"""A letter's formulas: which words of a query only frame it as a letter to the paper (a
greeting, leave to ask, thanks, a request for the reply, the letter's own talk) rather than say
what it is about ("Chào bác sĩ, cho em hỏi … Mong bác sĩ tư vấn giúp, em cảm ơn!").
`indexer.meanings.interpret` marks them (`Meaning.framing`); `indexer.ranking` leaves them out
of the search. And where the writer says who they are ("Tôi là độc giả lâu năm của báo"):
an aside, weighed little (`introductions`, `Meaning.aside`), as is a sentence in which the writer
tells of themselves in common words (`writers_talk`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from itertools import pairwise

from indexer.analysis import canonical_syllable, fold, has_marks
from indexer.questions import find_phrases, phrase_positions

# Folded formulas a reader writes a question in: a greeting, leave to ask, thanks ("Xin chào,
# cho em hỏi … Em cảm ơn ạ"). They say how the question is put, never what it is about, so a
# question, or any query of FRAMING_FROM_WORDS+ words, is searched without them
# (`Meaning.framing`). Formulas only, of two or more syllables: a lone "chào", "thưa", "nhé"
# or "cho hỏi" folds to what news prints ("chào đời", "thừa", "nhà", "cho hội"). Measured in
# bench/journal/relevance.md, "Stop 28: a question put as a letter".
FRAMING_FROM_WORDS = 6  # shorter queries lose them only when they read as a question
# ... and with a formula, the words of its sentence that only say who writes to whom: the
# writer before it ("Em xin cảm ơn"), up to FRAMING_TAIL words after a leave to ask ("cho em
# hỏi ạ", "xin hỏi bác sĩ:") and FRAMING_TAIL_THANKS after thanks ("cảm ơn bác sĩ nhiều ạ");
# and a greeting or a call of up to GREETING_WORDS put as a sentence of its own ("Chào bác
# sĩ,", "Bác sĩ ơi,"). Measured in bench/journal/relevance.md, "Stop 42".
WRITERS = frozenset(["em", "toi", "tui", "minh", "chau", "con"])  # who writes a letter, folded
FRAMING_LEAD = WRITERS | frozenset(["xin", "rat", "da"])
# ... and who is addressed, before a formula ("Mọi người cho mình hỏi", "Chị ơi cho em hỏi",
# "Trân trọng cảm ơn")
_LEAD_PHRASES = tuple(
    sorted(
        [(w,) for w in FRAMING_LEAD]
        + [
            tuple(p.split())
            for p in ("tran trong", "moi nguoi", "bac si", "luat su", "anh chi", "chi oi", "anh oi", "gia dinh")
        ],
        key=len,
        reverse=True,
    )
)
FRAMING_TAIL = 2
FRAMING_TAIL_THANKS = 4
GREETING_WORDS = 5
_GREETS = frozenset(["chao", "thua", "hello"])
_GREETING_LEAD = WRITERS | frozenset(["da", "kinh"])  # "Dạ em chào", "Kính gửi"
_PARTICLES = frozenset(["a", "nhe", "nha"])
_OPENING_GREETS = _GREETS | {"gui", "alo"}  # "Kính gửi", "Alo mọi người ơi" (`_opening`)
# whom a letter asks (a request's words, `REQUEST_PHRASES`) and greets or calls (`_ADDRESSEES`)
_ASKED = ("bac si", "luat su", "chuyen gia", "moi nguoi", "ad", "admin", "anh chi", "quy bao", "ban bien tap")
_ASKED_PHRASES = tuple(tuple(p.split()) for p in _ASKED)
# ... and as an opening names them (`_opening`)
_ADDRESSEES = tuple(
    sorted(
        (
            tuple(p.split())
            for p in (
                *_ASKED, "quy bac si", "cac bac si", "quy chuyen gia", "cac anh chi", "toa soan", "cac ban",
                "chuong trinh", "anh", "chi", "em", "co", "chu", "bac", "co chu", "anh chi phong vien",
            )
        ),
        key=len,
        reverse=True,
    )
)
_CALLS = frozenset(["ơi", "oi"])
_CLAUSE_MARKS = frozenset(".,;:!?…")
_SENTENCE_ENDS = frozenset(".!?…")
_QUOTES, _OPENING_QUOTES, _CLOSING_QUOTES = frozenset("\"'"), frozenset("“‘«"), frozenset("”’»")
# ... and in a query of several sentences, a request for the reply ("Mong bác sĩ tư vấn giúp.",
# "Rất mong nhận được câu trả lời sớm."): a phrase of REPLY_PHRASES with the words of
# REQUEST_PHRASES around it, one of them a REQUEST_CUES (`_request`). Measured in
# bench/journal/relevance.md, "Stop 43".
REPLY_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "tu van", "giai dap", "tra loi", "hoi am", "phan hoi", "giai thich", "huong dan", "chi giup",
        "chi gium", "chi dum", "chi ho", "loi khuyen",
    )
)
_CUE_PHRASES = ("mong", "nho", "giup", "gium", "dum", "ho", "hy vong", "hi vong", "xin")
REQUEST_CUES = frozenset(w for p in _CUE_PHRASES for w in p.split())
REQUEST_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        *_CUE_PHRASES,
        # the reply awaited: "rất mong sớm nhận được câu trả lời", "cần tư vấn gấp"
        "rat", "som", "gap", "can", "nhan", "duoc", "cau", "thu",
        # who is asked, and who asks: "mong bác sĩ", "nhờ mọi người", "giúp em với ạ", "mong
        # được sự tư vấn của luật sư", "nhờ mọi người cho lời khuyên"
        *_ASKED, "cac", "em", "toi", "minh", "chau", "con", "tui", "voi", "a", "nhe", "nha", "ai biet", "thi",
        "su", "cua", "cho",
        # what is asked about, in a letter's own words: "tôi có một thắc mắc mong được giải đáp"
        "co", "mot", "thac mac", "van de",
    )
)
_REQUEST_BY_LENGTH = sorted(REQUEST_PHRASES, key=len, reverse=True)  # the longest phrase first
# ... and in a letter, a sentence of nothing but the letter's own talk: how the writer feels,
# that they read or ask, what they should do ("Gia đình tôi đang rất hoang mang.", "Xin lỗi vì
# câu hỏi hơi dài.", "Tôi nên làm gì bây giờ?"): every word a phrase of LETTER_TALK or of the
# request's words (`_letter_talk`)
LETTER_TALK: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "gia dinh", "dang", "lo lang", "hoang mang", "ban khoan", "xin phep", "xin loi", "lam phien", "hoi",
        "muon", "them", "la", "da", "doc", "thay", "tin", "nay", "bao", "bai bao", "hom qua", "gui", "cau hoi",
        "vi", "dai", "chut", "ve", "chuyen", "viec", "nha", "nen", "phai", "lam", "gi", "bay gio", "the nao",
        "lam sao", "sao", "day", *(" ".join(p) for p in REPLY_PHRASES),
        # stop 44: how the writer feels ("cháu đang rất bối rối", "em đang lo quá"), what the
        # letter holds ("tôi có một câu hỏi như sau", "trong trường hợp này"), who writes
        # ("độc giả lâu năm của báo"), and when ("giờ em phải làm thế nào")
        "boi roi", "lo", "lo so", "bat an", "qua", "gap", "nhu sau", "trong", "truong hop", "tinh huong",
        "doc gia", "ban doc", "lau nam", "phong vien", "gio", "hien gio", "luc nay", "dieu", "danh thoi gian",
        # help asked for is the letter's talk, not a request for the reply: news prints the
        # pleas of a story's family ("mong nhận được sự giúp đỡ của bạn đọc")
        "giup do",
    )
)
FRAMING_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "xin chao", "cam on", "xin cam on", "xin hoi", "muon hoi", "cho em hoi", "cho toi hoi", "cho minh hoi",
        "cho chau hoi", "cho con hoi", "cho anh hoi", "cho chi hoi", "cho tui hoi", "chan thanh cam on",
        "xin phep hoi", "xin phep duoc hoi", "xin duoc hoi",
    )
)
WISH_WORDS = 6  # ... and a wish of its own ("Chúc bác sĩ sức khỏe", `_wish`)
# ... and in a letter, the writer saying who they are (`introductions`). That is context for
# the reply, which may name the topic ("Tôi là F0, …", "Tôi là công chức, …"): weighed as an
# aside (`Meaning.aside`), not left out. Measured in bench/journal/relevance.md, "Stop 44".
INTRODUCTION_WORDS = 10
# ... and a sentence in which the writer tells of themselves in everyday words ("gia đình tôi
# đang gặp chuyện khó", "em tìm mãi trên mạng mà không thấy"): the writer among its first
# WRITER_TALK_HEAD words, and its words commoner in the archive, on average, than the letter's
# most telling sentence's (mean idf below WRITER_TALK_SHARE of that one's; `writers_talk`).
# Weighed as an aside too: "mẹ tôi bị tiểu đường lâu năm" may hold the topic. Measured in
# bench/journal/relevance.md, "Stop 45".
WRITER_TALK_HEAD = 2
WRITER_TALK_SHARE = 0.8
# the words a letter's talk may open with after the topic, in a sentence with no mark between:
# the writer ("con" is a child as often), a plea, thanks; at least TALK_TAIL_WORDS of talk
_TALK_OPENERS = (WRITERS - {"con"}) | {"mong", "xin", "rat", "cam"}
TALK_TAIL_WORDS = 3
_TALK_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}  # first word -> its phrases, the longest first
for _talk in sorted(set(LETTER_TALK) | set(REQUEST_PHRASES) | set(FRAMING_PHRASES), key=len, reverse=True):
    _TALK_BY_FIRST.setdefault(_talk[0], []).append(_talk)


# How a letter spells the words that make a query a letter: its formulas (`FRAMING_PHRASES`),
# greetings (`_GREETS`, "kính gửi") and requests for the reply (`REPLY_PHRASES`, `REQUEST_CUES`);
# and its writer (`WRITERS`, for `writers_talk`: "Châu Á" is no "cháu").
# Typed with marks, a query says which word it means: "Muốn hội nhập" asks nothing, "Tiêu chí hỗ
# trợ" is no "chỉ hộ", "Thừa Thiên Huế," greets no one, nor does an unmarked "Thua Pháp," in a
# query typed with marks (`letter_spelled`). Once it is a letter, its talk is read folded, as
# before: "chờ tin", "hơi dài". Measured in bench/journal/relevance.md, "Stop 45".
_SPELLED = """
    xin chào cảm cám ơn hỏi hồi muốn cho em tôi mình cháu con anh chị chỉ tui chân thành phép được
    thưa hello gửi tư vấn giải đáp trả lời âm phản thích hướng dẫn giúp giùm dùm hộ khuyên mong nhờ
    hy hi vọng
"""
LETTER_SPELLINGS: dict[str, frozenset[str]] = {}  # folded word -> how a letter spells it
for _spelled in _SPELLED.split():
    LETTER_SPELLINGS[fold(_spelled)] = LETTER_SPELLINGS.get(fold(_spelled), frozenset()) | {
        canonical_syllable(_spelled)
    }


def letter_spelled(folded: Sequence[str], typed: Sequence[str] | None) -> list[bool]:
    """Whether each word of `folded` (a run, each as understood) may be the letter's word it
    folds to, by its typed marks (`typed`: as typed, canonical; None: no marks are known): not
    a word of `LETTER_SPELLINGS` typed as understood with other marks ("hội" for "hỏi", "hỗ"
    for "hộ"), nor without any in a run typed with marks (half its words or more)."""
    if typed is None:
        return [True] * len(folded)
    marked = 2 * sum(map(has_marks, typed)) >= len(typed)
    return [
        word not in LETTER_SPELLINGS
        or spelled in LETTER_SPELLINGS[word]
        or fold(spelled) != word  # understood as another word (a typo, keystrokes): not as typed
        or not (marked or has_marks(spelled))
        for word, spelled in zip(folded, typed, strict=True)
    ]

def framing_positions(
    folded: Sequence[str], breaks: Collection[int] = (), exact: Sequence[str] | None = None, asks: bool = False
) -> set[int]:
    """Positions of syllables that frame a query rather than say what it is about: those of a
    formula of `FRAMING_PHRASES` and the rest of its sentence (`_framing_sentence`); in a
    query of several sentences that opens or closes with a request for the reply, or holds a
    formula or `asks`, its requests (`_request`); and, in a query that holds any of those or
    `asks` (reads as a question), a greeting or a call put as
    a sentence of its own (`_greeting`); in a query framed so far, its sentences of nothing but
    the letter's own talk (`_letter_talk`) and its wishes (`_wish`); the formulas alone when
    those would be every syllable, and none when the formulas are (then they are what is
    asked for). `breaks`: the positions a new sentence or clause starts at
    (`clause_breaks`); `exact`: the words as typed, lowercase (a call's "ơi" may be typed
    plain, but "ổi" is no call; without them every "oi" may be one; and a formula, greeting or
    request is one only as a letter spells it: `letter_spelled`)."""
    spelled = letter_spelled(folded, exact)
    formulas = {
        i + k
        for i, phrase in find_phrases(folded, FRAMING_PHRASES)
        if all(spelled[i : i + len(phrase)])
        for k in range(len(phrase))
    }
    found = set(formulas)
    clauses = sentences(len(folded), breaks)
    several = len(clauses) > 1  # a request or a letter's talk is a sentence of a letter, not a headline
    if several:
        outer = _request(folded, spelled, *clauses[0]) | _request(folded, spelled, *clauses[-1])  # opens or closes
        if formulas or asks or outer:  # a letter: its requests anywhere
            found |= outer.union(*(_request(folded, spelled, start, end) for start, end in clauses[1:-1]))
    for start, end in clauses:
        found |= _framing_sentence(folded, start, end, formulas)
        if found or asks:  # "Hà Nội ơi, mùa thu đã về" heads a news story; "Bác sĩ ơi, …?" asks
            found |= _greeting(folded, spelled, start, end, (exact or folded)[end - 1])
    if found and several:  # a letter: the sentences that are only its own talk, or a wish, or end so
        for start, end in clauses:
            found.update(range(start + _talk_from(folded[start:end]), end))
    if len(found) < len(folded):
        return found
    return formulas if len(formulas) < len(folded) else set()


def addressed_positions(folded: Sequence[str]) -> set[int]:
    """Positions of the words that name whom a letter asks (`_ASKED`: "bác sĩ", "quý báo")."""
    return phrase_positions(folded, _ASKED_PHRASES)


def hurried_breaks(folded: Sequence[str]) -> set[int]:
    """Where the sentences of a letter typed in a hurry, with no mark or capital between them,
    most likely start: after an opening greeting or call ("chao bac si | …", "alo moi nguoi oi
    | …", `_opening`), at the writer before a formula ("… | em xin chan thanh cam on"), after
    a leave to ask ("cho em hoi | …") and at a request for the reply ("… | mong duoc hoi am
    som"). Only for a query that opens so or holds a formula: a headline has no marks either,
    and is no letter."""
    opening = _opening(folded)
    formulas = find_phrases(folded, FRAMING_PHRASES)
    if not opening and not formulas:
        return set()
    breaks = {opening} if opening else set()
    for i, phrase in formulas:
        lead = i
        while lead > opening and (step := _phrase_at(folded[opening:lead], _LEAD_PHRASES, at_end=True)):
            lead -= step
        breaks.add(lead)
        if phrase[-2:] != ("cam", "on"):  # a leave to ask ends its sentence: "cho em hoi | gia vang"
            breaks.add(i + len(phrase))
    requested = _request(folded, [True] * len(folded), 0, len(folded))
    breaks.update(i for i in requested if i - 1 not in requested)  # where each request starts
    return {b for b in breaks if 0 < b < len(folded)}


def _opening(folded: Sequence[str]) -> int:
    """How many words open `folded` with a greeting or a call: the writer or "dạ", "kính", then
    a greeting word ("chào", "thưa", "gửi", "hello", "alo") or none, then whom it greets
    (`_ADDRESSEES`), then "ơi" or "ạ"; with a greeting word or a call, else 0."""
    k = 0
    while k < len(folded) and folded[k] in _GREETING_LEAD:
        k += 1
    greets = k < len(folded) and folded[k] in _OPENING_GREETS
    if greets:
        k += 1
    whom = _phrase_at(folded[k:], _ADDRESSEES, at_end=False)
    if not whom:
        return 0
    k += whom
    if k < len(folded) and folded[k] == "a":  # "Dạ con chào cô chú ạ"
        k += 1
    elif k < len(folded) and folded[k] == "oi":  # "Mọi người ơi": a call, with no greeting word
        return k + 1
    return k if greets else 0


# In a question, the asker's own "tôi" and the particle "ạ" say who asks and how politely, never
# what about: "Chồng tôi lỡ …, vợ chồng tôi nên giải quyết thế nào?" ranked first a singer's
# interview on the pairs "chồng tôi" and "tôi nên". Not searched for (`askers_words`), as a
# letter's formulas are not: "ạ" anywhere, "tôi" where it is the asker: opening the question
# or a clause ("Tôi 52 tuổi, …"), or after a word of their family or home (`ASKERS_KIN`: "con
# tôi", "chồng tôi"). Elsewhere it may be what is asked about ("Nhân vật tôi có thói quen gì?",
# a novel's narrator: vinewsqa 1st -> 8th with every "tôi"). Spelled with those marks, typed or
# keyed with the input method off, or, in a question typed without any, as the restoration
# model reads it: plain, "toi" may be "tới", "tối" or "tội", and "a" anything. Stop 76 (bug
# hunt 94): natural-50k accented 0.607 -> 0.622, legal 0.816 -> 0.818; stop 77, plain: 0.594
# -> 0.608 (bench/journal/relevance.md).
ASKERS_WORDS = frozenset(["tôi", "ạ"])
ASKERS_KIN = frozenset([
    "con", "chồng", "vợ", "bố", "mẹ", "ba", "má", "cha", "ông", "bà", "anh", "chị", "em", "cháu", "nhà", "đình",
    "cô", "chú", "bác", "cậu", "dì", "mợ", "thím", "bạn", "sếp", "trai", "gái",
])
_CLAUSE_ENDS = frozenset(",.;:?!")
# Typed plain, an "a" that closes a question ("… có sao không a?", "… thì hãy xét a?") is the
# particle "ạ" (or "à", which asks as little), where the archive seldom prints the word before it
# followed by an "a": in under PARTICLE_SHARE of that word's articles ("không": 0.07%, "từ":
# 0.12%, "xét": none). Above it, the "a" is a letter or part of a name ("vitamin A" 23%, "châu
# Á" 21%, "cúm A" 1.4%, "bảng A" 0.7%, "hạng A" 0.5%), and is searched for. The restoration
# model reads such an "a" as the commoner "A" or "Á" ("đi từ A", "xét Á"). Stop 77: natural-50k
# plain 0.608 -> 0.613, typo and typo-keys 2-3 up, nothing down.
PARTICLE_SHARE = 0.005


def askers_words(
    spelled: Sequence[str | None], typed: Sequence[str], before: Sequence[str], asking: Collection[int]
) -> set[int]:
    """Positions of a question's words that are the asker's own (`ASKERS_WORDS`): `spelled`,
    each word's marks as typed or decoded (None where it was given none); `typed`, each word
    as typed, lowercase; `before`, the text before each word (the query's start for the first).
    Not inside quotation marks (a headline quoting someone, "'Vợ chồng tôi …' là gì?"), and
    none unless two words are left that neither these nor the question words (`asking`) are:
    `Tôi là ai?` is about "tôi"."""
    quoted = quoted_words(before)
    found = set()
    for i, s in enumerate(spelled):
        word = canonical_syllable(s) if s else None
        if word not in ASKERS_WORDS or i in quoted or i in asking:
            continue
        if word == "tôi" and i and not _CLAUSE_ENDS & set(before[i]):
            previous = canonical_syllable(spelled[i - 1] or typed[i - 1])
            if previous not in ASKERS_KIN:
                continue
        found.add(i)
    return found if len(spelled) - len(found | set(asking)) >= 2 else set()


def closing_particles(typed: Sequence[str], after: Sequence[str], share_before: Callable[[int], float]) -> set[int]:
    """Positions of a question's "a" typed plain, in lowercase (`typed`: "bảng A?" names a
    group), that closes it or a sentence of it (the last word, or one a "?" follows: `after`,
    the text after each word) and is the particle "ạ":
    `share_before(i)`, the share of the articles holding word i - 1 that print it followed by
    an "a" in any marks, is under PARTICLE_SHARE."""
    return {i for i, word in enumerate(typed) if word == "a" and i
            and ("?" in after[i] or i == len(typed) - 1) and share_before(i) < PARTICLE_SHARE}


def introductions(folded: Sequence[str], breaks: Collection[int] = ()) -> set[int]:
    """Positions of the sentences (split at `breaks`, as for `framing_positions`) in which the
    writer says who they are (`_introduces`). Call it on a letter only: in news, "tôi là …" is
    someone's words."""
    spans = sentences(len(folded), breaks)
    return {i for start, end in spans if _introduces(folded[start:end]) for i in range(start, end)}


def writers_talk(
    folded: Sequence[str],
    breaks: Collection[int],
    aside: Collection[int],
    asked: Collection[int],
    rarity: Callable[[str], float | None],
    exact: Sequence[str] | None = None,
    quoted: Collection[int] = (),
) -> set[int]:
    """Positions of the sentences (split at `breaks`) of a letter in which the writer tells of
    themselves in common words: the writer (`WRITERS`) among the first WRITER_TALK_HEAD words
    of a sentence, whose words' mean rarity is below WRITER_TALK_SHARE of the rarest
    sentence's (a question's too), and that asks nothing (holds no position of `asked`, the
    words a "?" follows: "Tôi có bị nhiễm Covid không?" is what the letter asks). `aside`:
    positions framed or aside already (not counted); `rarity`: a word's idf in the archive,
    None for a word it does not hold;
    `exact`: the words as typed, whose marks say which is the writer (`letter_spelled`: "Châu
    Á" is no "cháu"); `quoted`: positions inside quotation marks, someone else's words ("Gia
    Bảo: 'Tôi chưa thể …'", `quoted_words`). Call it on a letter only."""
    spelled = letter_spelled(folded, exact)
    spans: list[tuple[list[int], float, bool]] = []  # (words, mean rarity, whether it asks)
    for start, end in sentences(len(folded), breaks):
        said = [i for i in range(start, end) if i not in aside]
        weights = [w for w in (rarity(folded[i]) for i in said) if w is not None]
        if weights:
            spans.append((said, sum(weights) / len(weights), any(i in asked for i in range(start, end))))
    if len(spans) < 2:
        return set()
    telling = max(mean for _, mean, _ in spans)
    found: set[int] = set()
    for said, mean, asks in spans:
        writes = any(folded[i] in WRITERS and spelled[i] and i not in quoted for i in said[:WRITER_TALK_HEAD])
        if writes and not asks and mean < WRITER_TALK_SHARE * telling:
            found.update(said)
    return found


def quoted_words(before: Sequence[str]) -> set[int]:
    """Positions of the words inside quotation marks, given the text before each word
    (`before[k]`: from the previous word, or the query's start): a straight quote opens or
    closes, a curly one says which."""
    quoted: set[int] = set()
    inside = False
    for k, gap in enumerate(before):
        for c in gap:
            if c in _QUOTES:
                inside = not inside
            elif c in _OPENING_QUOTES or c in _CLOSING_QUOTES:
                inside = c in _OPENING_QUOTES
        if inside:
            quoted.add(k)
    return quoted


def asked_words(after: Sequence[str]) -> set[int]:
    """Positions of the words of the sentences that end with a question mark, given the text
    after each word (`after[k]`: up to the next word, or the query's end)."""
    asked: set[int] = set()
    asks = False
    for k in range(len(after) - 1, -1, -1):
        marks = [c for c in after[k] if c in _SENTENCE_ENDS]
        if marks:
            asks = marks[0] == "?"
        if asks:
            asked.add(k)
    return asked


def sentences(length: int, breaks: Collection[int]) -> list[tuple[int, int]]:
    """The (start, end) of each sentence or clause of `length` words that start at `breaks`."""
    return list(pairwise(sorted({0, length, *breaks})))


def _introduces(words: Sequence[str]) -> bool:
    """Whether `words` (a sentence of at most INTRODUCTION_WORDS) are the writer, then "là"
    ("Tôi là độc giả lâu năm của báo", "Em là sinh viên năm hai"), or an age in the writer's
    family ("Tôi năm nay 45 tuổi", "Mẹ tôi năm nay 70 tuổi", "con tôi năm nay 3 tuổi")."""
    if len(words) > INTRODUCTION_WORDS:
        return False
    head = 0
    while head < len(words) and words[head] in WRITERS:
        head += 1
    if head and words[head : head + 1] == ["la"]:
        return True
    this_year = ["nam", "nay"] in (words[1:3], words[2:4])
    return this_year and "tuoi" in words and not WRITERS.isdisjoint(words[:2])


def clause_breaks(texts: Sequence[str], gaps: Sequence[str]) -> set[int]:
    """Positions of the words (`texts`, as typed) that start a new sentence or clause: after a
    punctuation mark in the gap before them (`gaps[k]`: the text between words k - 1 and k), or
    capitalised after a word that is not ("… tên lửa hủy diệt Xin cảm ơn": a letter's thanks
    often follow the question with no mark between)."""
    return {
        k
        for k in range(1, len(texts))
        if _CLAUSE_MARKS.intersection(gaps[k]) or (texts[k][:1].isupper() and texts[k - 1][:1].islower())
    }


def _framing_sentence(folded: Sequence[str], start: int, end: int, formulas: set[int]) -> set[int]:
    """The words of the sentence folded[start:end] that go with its formula: the words before
    it that only say who writes to whom ("Em xin cảm ơn", "Mọi người cho mình hỏi":
    `_LEAD_PHRASES`) and those after it, when
    they are few: after thanks (`FRAMING_TAIL_THANKS`: "cảm ơn bác sĩ nhiều ạ"), or after a
    leave to ask in a sentence the query goes on after (`FRAMING_TAIL`: "cho em hỏi ạ.",
    "xin hỏi bác sĩ: …"). Otherwise they are the question itself ("cho em hỏi giá gạo", "cho
    em hỏi bệnh tiểu đường có chữa được không")."""
    inside = [i for i in range(start, end) if i in formulas]
    if not inside:
        return set()
    first, last = inside[0], inside[-1]
    found = set(inside)  # what stands between two formulas is no formula ("cho em hỏi … cảm ơn")
    thanks = any(tuple(folded[i : i + 2]) == ("cam", "on") for i in inside)
    tail = FRAMING_TAIL_THANKS if thanks else (FRAMING_TAIL if end < len(folded) else 0)
    if end - last - 1 <= tail:
        found |= set(range(last + 1, end))
    lead = first
    while step := _phrase_at(folded[start:lead], _LEAD_PHRASES, at_end=True):
        lead -= step
    return found | set(range(lead, first))


def _request(folded: Sequence[str], spelled: Sequence[bool], start: int, end: int) -> set[int]:
    """The words of the sentence folded[start:end] that ask for the reply: a phrase of
    `REPLY_PHRASES` and the phrases of `REQUEST_PHRASES` around it, when one of those is a
    `REQUEST_CUES` ("Mong bác sĩ tư vấn giúp em" of "… giúp em cách chữa bệnh gan"; "Bộ Y tế
    giải đáp" asks no one), both as a letter spells them (`spelled`: `letter_spelled`); the
    whole sentence when it opens with the request and at most `FRAMING_TAIL` words are left
    ("Nhờ mọi người tư vấn giúp gấp nhé"). Words before it are what the letter is about,
    typed with no mark between ("tuoi mao mong chuyen gia giai dap")."""
    found: set[int] = set()
    for i, phrase in find_phrases(folded[start:end], REPLY_PHRASES):
        lo, hi = start + i, start + i + len(phrase)
        if not all(spelled[lo:hi]):
            continue
        while before := _phrase_at(folded[start:lo], _REQUEST_BY_LENGTH, at_end=True):
            lo -= before
        while after := _phrase_at(folded[hi:end], _REQUEST_BY_LENGTH, at_end=False):
            hi += after
        if any(spelled[j] and folded[j] in REQUEST_CUES for j in range(lo, hi)):
            found.update(range(lo, hi))
    if found and min(found) == start and end - start - len(found) <= FRAMING_TAIL:
        return set(range(start, end))
    return found


def _letter_talk(words: Sequence[str]) -> bool:
    """Whether `words` (a sentence) are phrases of `LETTER_TALK` and `REQUEST_PHRASES` only."""
    i = 0
    while i < len(words):
        phrases = _TALK_BY_FIRST.get(words[i], ())
        step = next((len(p) for p in phrases if tuple(words[i : i + len(p)]) == p), 0)
        if not step:
            return False
        i += step
    return bool(words)


def _talk_from(words: Sequence[str]) -> int:
    """Where the letter's own talk starts in `words` (a sentence), when it runs to its end: at
    its start (or a wish, `_wish`), or at the writer or a plea (`_TALK_OPENERS`) after what it
    is about, when no mark or capital ends that ("tên lửa hủy diệt em nên làm thế nào ạ", "…
    cam on bac si da danh thoi gian doc"), in TALK_TAIL_WORDS or more; len(words) for none."""
    if _letter_talk(words) or _wish(words):
        return 0
    for k in range(1, len(words) - TALK_TAIL_WORDS + 1):
        if words[k] in _TALK_OPENERS and _letter_talk(words[k:]):
            return k
    return len(words)


def _wish(words: Sequence[str]) -> bool:
    """Whether `words` (a sentence) wish the reader well: "chúc" and up to WISH_WORDS in all
    ("Chúc bác sĩ sức khỏe", "Em chúc anh chị luôn vui"); "chúc mừng" is news."""
    head = 0
    while head < len(words) - 1 and words[head] in FRAMING_LEAD:
        head += 1
    return words[head : head + 1] == ["chuc"] and words[head + 1 : head + 2] != ["mung"] and len(words) <= WISH_WORDS


def _phrase_at(words: Sequence[str], phrases: Sequence[tuple[str, ...]], at_end: bool) -> int:
    """The length of the first of `phrases` (longest first) that `words` end with (`at_end`) or
    start with; 0 for none. Phrases, not syllables: the "sĩ" of "chiến sĩ" is no "bác sĩ"."""
    for phrase in phrases:
        k = len(phrase)
        if k <= len(words) and tuple(words[-k:] if at_end else words[:k]) == phrase:
            return k
    return 0


def _greeting(folded: Sequence[str], spelled: Sequence[bool], start: int, end: int, last_typed: str) -> set[int]:
    """The sentence folded[start:end] when it is a greeting or a call of its own: a few words
    (`GREETING_WORDS`) opening with "chào", "thưa" or "kính gửi" (as a letter spells them:
    `spelled`, `letter_spelled`) with more of the query after them ("Chào bác sĩ,", "Thưa luật
    sư,"; after the writer or "dạ": "Dạ em chào ban biên tập ạ,"), or ending with "ơi"
    (`last_typed`: "Bác sĩ ơi,", "Chị ơi")."""
    words = folded[start:end]
    if len(words) < 2:
        return set()
    if len(words) <= GREETING_WORDS and last_typed in _CALLS:
        return set(range(start, end))
    head = 0  # the writer and the respect before the greeting: "Dạ em chào", "Kính thưa"
    while head < len(words) - 1 and words[head] in _GREETING_LEAD:
        head += 1
    core = list(words[head:])
    while core and core[-1] in _PARTICLES:
        core.pop()
    greets = bool(core) and (core[0] in _GREETS or (core[0] == "gui" and head > 0 and words[head - 1] == "kinh"))
    opens = greets and spelled[start + head]
    if opens and len(core) <= GREETING_WORDS and end < len(folded):
        return set(range(start, end))
    return set()
