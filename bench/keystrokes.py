"""Query forms: how one accented query reaches a search box in practice.

Each form is a deterministic function of the accented (NFC) query, so the query sets never
store more than the accented text and every set gets the same forms:

- ``accented``: NFC, as written.
- ``plain``: marks removed, đ → d, lowercase (typed without an input method).
- ``nfd``: NFD-decomposed (some keyboards and OSes send combining marks).
- ``tone``: the other tone-placement style (``hòa`` → ``hoà``) via
  ``viet_text_tools.normalize_diacritics(q, new_style=True)``.
- ``telex``: raw Telex keystrokes with the input method off, tone key at the END of each word:
  ``Việt Nam`` → ``Vieetj Nam``, ``thành phố`` → ``thanhf phoos``, ``đường`` → ``dduwowngf``.
- ``telex-mid``: Telex with the tone key typed right after the vowel that carries the mark (after
  that vowel's own shape key): ``Vieejt Nam``, ``thafnh phoos``, ``dduwowfng``.
- ``vni``: VNI keystrokes: shape digits right after their letter (6 circumflex, 7 horn, 8 breve,
  9 đ), tone digit (1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng) at the end of the word:
  ``Vie6t5 Nam``, ``d9u7o7ng2``.
- ``vni-mid``: VNI with the tone digit right after the marked vowel: ``Vie65t Nam``, ``d9u7o72ng``.
- ``typo``: the plain form with exactly one slip (a substitution, a deletion or an adjacent
  swap) in one word of at least 3 letters, chosen by a RNG seeded with the query text.
- ``typo-accented``: the same kind of slip in the accented form (a person typing with the input
  method on): a swapped letter keeps its marks, a dropped one takes them along, a substituted
  one comes in bare (``thế nào`` → ``thế noà``, ``khó khăn`` → ``khó khă``).
- ``typo-keys`` (not in the default forms): the plain form with one slip as fingers make it on a
  QWERTY keyboard, so that rules tuned on ``typo``'s random letters are checked on another
  kind: a neighbouring key struck instead of the right one, or as well (before or after it), a
  letter doubled, one left out, or two adjacent ones swapped; seeded by the text.

- ``telex-typo`` (not in the default forms): `typo`'s one slip in the raw Telex keystrokes of
  ``telex``: the input method off and a finger astray at once (``Vieetj Nam`` → ``Veetj Nam``).
- ``vni-typo`` (not in the default forms): the same in the VNI keystrokes of ``vni`` (a slip may
  fall on a digit key: ``Vie6t5 Nam`` → ``Vi6et5 Nam``).
- ``typo-2`` (not in the default forms): two slips in the plain form, `typo`'s and then another
  drawn the same way (in another word or the same one).

- ``marks-slip`` (not in the default forms): the accented form with one word's marks slipped as
  people slip them, the letters right: hỏi and ngã swapped (the commonest spelling mistake: most
  speakers say them alike), a tone left out, or a vowel's shape mark or đ's bar left out
  (``Đà Nẵng`` → ``Đà Nẳng``, ``Bình Dương`` → ``Bình Dưong``); seeded by the text.

- ``telex-slip``, ``vni-slip`` (not in the default forms): ``marks-slip``'s one slipped mark typed
  as Telex or VNI keys with the input method off, a key left out or struck for its neighbour
  (``Hà Nội`` → ``Haf Noij``, ``đầu tư`` → ``daauf tuw``, ``tử vong`` → ``tu3 vong``): the keys
  people miss, where ``telex-typo`` strikes a letter astray (bug hunt 96).

- ``iy`` (not in the default forms): the other standard spelling of every syllable whose rhyme
  is a lone i or y after h, k, l, m, s, t or qu (``lý do`` → ``lí do``, ``kỹ thuật`` → ``kĩ
  thuật``, ``quy định`` → ``qui định``, ``bác sĩ`` → ``bác sỹ``): school rules and newspapers
  spell these differently, and a reader types the way they were taught.

- ``framed`` (not in the default forms): the query put as a reader writes to the paper or a
  doctor, a greeting or a word of context before it and thanks or a plea after it
  (``Dạ cho cháu hỏi chút ạ. … Xin chân thành cảm ơn quý báo!``), from `FRAMES`, seeded by
  the text; ``framed-plain``: the same, folded. The frames were written for this form, in two
  halves: indexer.query's framing formulas from the first, then checked on the second.
  ``framed-2``, ``framed-2-plain``: the same with `FRAMES_2`, a set written at stop 42 before
  that stop's framing rules, which were designed on `FRAMES` only. ``framed-3``,
  ``framed-3-plain``: `FRAMES_3`, written at stop 43 before that stop's rule for a letter's
  requests (designed on `FRAMES` and `FRAMES_2`). ``framed-4``, ``framed-4-plain``:
  `FRAMES_4`, written at stop 43 after that rule and before the next one, set aside to check it.
  ``framed-5``, ``framed-5-plain``: `FRAMES_5`, written at stop 44 before that stop's rules (the
  writer's asides, more of a letter's talk), set aside to check them. ``framed-6``,
  ``framed-6-plain``: `FRAMES_6`, written at stop 44 after those rules, set aside for the next.
  ``framed-7``, ``framed-7-plain``: `FRAMES_7`, written at stop 45 before that stop's rules;
  ``framed-8``, ``framed-8-plain``: `FRAMES_8`, written at stop 45 before its second rule.
  ``framed-bare``, ``framed-2-bare`` … ``framed-8-bare``: each letter typed in a hurry, folded
  and without a punctuation mark (`hurried`): nothing but the words says where a sentence ends.

- ``spelled`` (not in the default forms): every abbreviation of `ABBREVIATIONS` written out
  (``Đóng BHXH 2 năm`` → ``Đóng bảo hiểm xã hội 2 năm``); ``abbreviated``: the other way round
  (``bảo hiểm xã hội`` → ``BHXH``). A reader types either, and an article prints either: the
  index must find one for the other. The list is the judge's own, not the product's.

Letter case is kept: a shape or tone key after the first keystroke of a letter is upper case only
when the whole word is upper case (``ĐHĐCĐ`` → ``DDHDDCDD``; ``Đường`` → ``Dduwowngf``), as a
person holding Shift for the first letter types. Letters outside Vietnamese (digits, Latin
letters with other marks) pass through unchanged.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
import unicodedata
from collections.abc import Callable

from viet_text_tools import normalize_diacritics

DEFAULT_FORMS = ("accented", "plain", "nfd", "tone", "telex", "telex-mid", "vni", "typo", "typo-accented")

# combining mark -> (telex key, vni key); tones then shapes
_TONES = {"\u0301": ("s", "1"), "\u0300": ("f", "2"), "\u0309": ("r", "3"), "\u0303": ("x", "4"), "\u0323": ("j", "5")}
_SHAPES = {"\u0302": "circumflex", "\u031b": "horn", "\u0306": "breve"}
_VNI_SHAPE = {"circumflex": "6", "horn": "7", "breve": "8", "stroke": "9"}
_SHAPED_BASES = {"circumflex": "aeo", "horn": "ou", "breve": "a", "stroke": "d"}
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def fold(text: str) -> str:
    """The ``plain`` form: NFC, marks removed, đ → d, lowercase."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    nfd = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if not unicodedata.combining(c))).lower()


def _letters(word: str) -> list[tuple[str, str | None, str | None]]:
    """A word as (base letter, shape, tone mark) per letter. Letters with marks that are not
    Vietnamese keep their precomposed form as the base (they pass through unchanged)."""
    out: list[tuple[str, str | None, str | None]] = []
    for ch in unicodedata.normalize("NFC", word):
        if ch in "đĐ":
            out.append(("d" if ch == "đ" else "D", "stroke", None))
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        shape = next((_SHAPES[m] for m in marks if m in _SHAPES), None)
        tone = next((m for m in marks if m in _TONES), None)
        known = all(m in _SHAPES or m in _TONES for m in marks) and len(marks) <= 2
        if not known or (shape and base.lower() not in _SHAPED_BASES[shape]):
            out.append((ch, None, None))
        else:
            out.append((base, shape, tone))
    return out


def _encode_word(word: str, scheme: str, mid: bool) -> str:
    """Keystrokes of one run of letters in Telex or VNI."""
    letters = _letters(word)
    if all(shape is None and tone is None for _, shape, tone in letters):
        return word
    upper = len(word) > 1 and word.isupper()

    def key(k: str) -> str:
        return k.upper() if upper else k

    out: list[str] = []
    tone_key = ""
    for base, shape, tone in letters:
        out.append(base)
        if shape is not None:
            if scheme == "vni":
                out.append(_VNI_SHAPE[shape])
            elif shape in ("circumflex", "stroke"):
                out.append(key(base.lower()))
            else:  # horn, breve
                out.append(key("w"))
        if tone is not None:
            t = _TONES[tone][0 if scheme == "telex" else 1]
            if mid:
                out.append(key(t) if scheme == "telex" else t)
            else:
                tone_key = key(t) if scheme == "telex" else t
    return "".join(out) + tone_key


def keystrokes(text: str, scheme: str = "telex", mid: bool = False) -> str:
    """Raw keystrokes of an accented text in ``scheme`` ("telex" or "vni"), tone key at the end of
    each word or (``mid``) right after its vowel. Non-letters are kept as they are."""
    if scheme not in ("telex", "vni"):
        raise ValueError(f"unknown scheme {scheme!r}")
    text = unicodedata.normalize("NFC", text)
    return _LETTER_RUN.sub(lambda m: _encode_word(m.group(), scheme, mid), text)


def typo(plain: str) -> str:
    """Exactly one slip in one word of >= 3 letters of the plain form: a substitution, a deletion
    or a swap of two adjacent different letters. Seeded by the text, so it is the same every run
    (``random.Random(str)`` hashes with SHA-512, independent of PYTHONHASHSEED)."""
    return _one_slip(plain, r"[a-z]+", "typo:" + plain)


def typo_accented(text: str) -> str:
    """`typo` on the accented text: the marks stay where the slip did not fall (a substituted
    letter comes in bare, a deleted one takes its marks along). Seeded by the text too."""
    text = unicodedata.normalize("NFC", text)
    return _one_slip(text, r"[^\W\d_]+", "typo-accented:" + text)


_HOI, _NGA = "\u0309", "\u0303"


def marks_slip(text: str) -> str:
    """One word of `text` with its marks slipped, its letters right (the ``marks-slip`` form):
    hỏi ↔ ngã, its tone left out, or one shape mark (â ê ô ơ ư ă) or đ's bar left out; the
    word and the slip drawn by a RNG seeded with the text. `text` as is where no word has marks."""
    text = unicodedata.normalize("NFC", text)
    rng = random.Random("marks-slip:" + text)
    words = [m for m in re.finditer(r"[^\W\d_]+", text) if fold(m.group()) != m.group().lower()]
    if not words:
        return text
    m = rng.choice(words)
    nfd = unicodedata.normalize("NFD", m.group())
    slips = []
    if _HOI in nfd or _NGA in nfd:
        slips.append(nfd.translate({ord(_HOI): _NGA, ord(_NGA): _HOI}))
    if any(t in nfd for t in _TONES):
        slips.append("".join(ch for ch in nfd if ch not in _TONES))
    for i, ch in enumerate(nfd):
        if ch in _SHAPES:
            slips.append(nfd[:i] + nfd[i + 1 :])
        elif ch in "đĐ":
            slips.append(nfd[:i] + ("d" if ch == "đ" else "D") + nfd[i + 1 :])
    slipped = unicodedata.normalize("NFC", rng.choice(slips))
    return text[: m.start()] + slipped + text[m.end() :]


def telex_typo(text: str) -> str:
    """`typo`'s one slip in the raw Telex keystrokes of `text` (the ``telex`` form)."""
    telex = keystrokes(text, "telex")
    return _one_slip(telex, r"[A-Za-z]+", "telex-typo:" + telex)


def vni_typo(text: str) -> str:
    """`typo`'s one slip in the VNI keystrokes of `text` (the ``vni`` form), digit keys included."""
    vni = keystrokes(text, "vni")
    return _one_slip(vni, r"[A-Za-z][A-Za-z0-9]*", "vni-typo:" + vni)


def typo_2(plain: str) -> str:
    """Two slips in the plain form: `typo`'s, then one more drawn the same way."""
    return _one_slip(typo(plain), r"[a-z]+", "typo-2:" + plain)


def _one_slip(text: str, word_pattern: str, seed: str) -> str:
    """The slip of `typo` in one word (a `word_pattern` match) of `text`, drawn from `seed`."""
    rng = random.Random(seed)
    spans = [m.span() for m in re.finditer(word_pattern, text)]
    long = [s for s in spans if s[1] - s[0] >= 3] or sorted(spans, key=lambda s: s[0] - s[1])[:1]
    if not long:
        return text
    start, end = rng.choice(long)
    word = text[start:end]
    kinds = ["sub", "del"]
    if any(a != b for a, b in itertools.pairwise(word)):
        kinds.append("swap")
    kind = rng.choice(kinds)
    if kind == "del" and len(word) > 1:
        i = rng.randrange(len(word))
        new = word[:i] + word[i + 1 :]
    elif kind == "swap":
        i = rng.choice([j for j in range(len(word) - 1) if word[j] != word[j + 1]])
        new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    else:
        i = rng.randrange(len(word))
        new = word[:i] + rng.choice([c for c in "abcdeghiklmnopqrstuvxy" if c != fold(word[i])]) + word[i + 1 :]
    return text[:start] + new + text[end:]


_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {c: (row, col) for row, keys in enumerate(_QWERTY) for col, c in enumerate(keys)}


def _neighbour_keys(letter: str) -> str:
    """The keys around `letter` on a QWERTY keyboard: beside it on its row, and the two that
    touch it on the rows above and below (rows are staggered by about half a key)."""
    row, col = _KEY_AT[letter]
    near = [(row, col - 1), (row, col + 1), (row - 1, col), (row - 1, col + 1), (row + 1, col - 1), (row + 1, col)]
    return "".join(_QWERTY[r][c] for r, c in near if 0 <= r < len(_QWERTY) and 0 <= c < len(_QWERTY[r]))


def typo_keys(plain: str) -> str:
    """Exactly one slip in one word of >= 3 letters of the plain form, as a typist's fingers make
    it: a neighbouring key instead of a letter, a neighbouring key as well (before or after it),
    a letter doubled, a letter left out, or two adjacent different letters swapped. Seeded by
    the text."""
    rng = random.Random("typo-keys:" + plain)
    spans = [m.span() for m in re.finditer(r"[a-z]+", plain)]
    long = [s for s in spans if s[1] - s[0] >= 3] or sorted(spans, key=lambda s: s[0] - s[1])[:1]
    if not long:
        return plain
    start, end = rng.choice(long)
    word = plain[start:end]
    kinds = ["near", "extra", "double", "del"]
    if any(a != b for a, b in itertools.pairwise(word)):
        kinds.append("swap")
    kind = rng.choice(kinds)
    i = rng.randrange(len(word))
    if kind == "near":
        new = word[:i] + rng.choice(_neighbour_keys(word[i])) + word[i + 1 :]
    elif kind == "extra":
        extra = rng.choice(_neighbour_keys(word[i]))
        new = word[:i] + extra + word[i:] if rng.random() < 0.5 else word[: i + 1] + extra + word[i + 1 :]
    elif kind == "double":
        new = word[: i + 1] + word[i] + word[i + 1 :]
    elif kind == "del":
        new = word[:i] + word[i + 1 :]
    else:
        i = rng.choice([j for j in range(len(word) - 1) if word[j] != word[j + 1]])
        new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return plain[:start] + new + plain[end:]


SLIP_KINDS = ("left out", "doubled", "extra key", "wrong key", "swapped")


def slip_kind(typed: str, meant: str) -> str | None:
    """Which one slip of `SLIP_KINDS` turns the word `meant` into `typed` (folded words): a
    letter left out, a letter doubled, another letter struck as well, a wrong letter, or two
    adjacent letters swapped; None when no single slip does. The inverse of the slips `typo` and
    `typo_keys` make, read from the text alone (so any generator's queries can be sorted)."""
    n, m = len(typed), len(meant)
    if n == m - 1:
        return "left out" if any(meant[:i] + meant[i + 1 :] == typed for i in range(m)) else None
    if n == m + 1:
        extra = [i for i in range(n) if typed[:i] + typed[i + 1 :] == meant]
        if not extra:
            return None
        doubled = any((i and typed[i - 1] == typed[i]) or typed[i + 1 : i + 2] == typed[i] for i in extra)
        return "doubled" if doubled else "extra key"
    if n != m:
        return None
    diff = [i for i in range(n) if typed[i] != meant[i]]
    if len(diff) == 1:
        return "wrong key"
    if len(diff) == 2 and diff[1] == diff[0] + 1:
        i, j = diff
        return "swapped" if (typed[i], typed[j]) == (meant[j], meant[i]) else None
    return None


def slipped_word(slipped: str, right: str) -> tuple[str, str] | None:
    """(typed, meant): the one folded word where the query with a slip differs from the query
    typed right; None when they differ in no word, in several, or in how many words they hold."""
    typed, meant = re.findall(r"\w+", fold(slipped)), re.findall(r"\w+", fold(right))
    if len(typed) != len(meant):
        return None
    changed = [(a, b) for a, b in zip(typed, meant, strict=True) if a != b]
    return changed[0] if len(changed) == 1 else None


# (openings, closings) of `framed`: the first five of each written before indexer.query's
# framing formulas, the rest after them
FRAMES = (
    (
        "Chào bác sĩ, cho em hỏi ạ.", "Thưa bác sĩ, tôi có một thắc mắc mong được giải đáp.",
        "Xin chào, mình muốn hỏi một chút.", "Bác sĩ ơi, em đang rất lo lắng.", "Tôi năm nay 45 tuổi, xin hỏi bác sĩ:",
        "Dạ cho cháu hỏi chút ạ.", "Kính gửi quý báo,", "Nhờ bác sĩ giải thích giùm tôi.",
        "Gia đình tôi đang rất hoang mang.", "Em chào anh chị,", "Mọi người cho mình hỏi với,",
    ),
    (
        "Em cảm ơn bác sĩ nhiều ạ.", "Mong bác sĩ tư vấn giúp, xin cảm ơn!", "Rất mong nhận được câu trả lời sớm.",
        "Xin cảm ơn.", "Cảm ơn mọi người đã đọc.", "Xin chân thành cảm ơn quý báo!", "Mong sớm nhận được phản hồi.",
        "Em xin cảm ơn ạ.", "Rất cảm ơn!", "Nhờ mọi người tư vấn giúp.", "Tôi nên làm gì bây giờ?",
    ),
)


# A second set of (openings, closings), for `framed-2`: written at stop 42 before the framing
# rules of that stop (`indexer.letters.framing_positions`' sentences and greetings), which
# were designed on `FRAMES` alone; this set checks them on phrasing they were not written from.
FRAMES_2 = (
    (
        "Chào quý bác sĩ, em xin phép hỏi một vấn đề.", "Em là sinh viên năm hai, em có điều muốn hỏi.",
        "Xin lỗi đã làm phiền, cho tôi hỏi chút.", "Dạ em chào ban biên tập ạ.", "Alo mọi người ơi,",
        "Mẹ tôi năm nay 70 tuổi, gia đình tôi muốn hỏi:", "Mình đọc báo thấy có tin này,",
        "Thưa luật sư, tôi cần tư vấn gấp.", "Chị ơi cho em hỏi với ạ,", "Ad ơi, giải đáp giúp em với.",
    ),
    (
        "Em xin chân thành cảm ơn!", "Mong được hồi âm sớm.", "Cảm ơn bác sĩ đã dành thời gian đọc.",
        "Xin lỗi vì câu hỏi hơi dài.", "Ai biết chỉ giúp mình với.", "Mình cảm ơn trước nhé.", "Trân trọng cảm ơn.",
        "Em nên làm thế nào ạ?", "Mong ad trả lời sớm giúp em.", "Xin cảm ơn luật sư.",
    ),
)


# A third set, for `framed-3`: written at stop 43 before that stop's rule for the sentences of
# a letter that ask for a reply ("Mong bác sĩ tư vấn giúp."), designed on FRAMES and FRAMES_2.
FRAMES_3 = (
    (
        "Kính chào chương trình, tôi xin được hỏi một việc.", "Chào các bác sĩ, con tôi năm nay 3 tuổi.",
        "Nhờ các anh chị trong diễn đàn giải đáp giúp.", "Tôi đang rất băn khoăn về một chuyện.",
        "Dạ thưa luật sư, nhà em có chuyện cần hỏi ạ.", "Xin hỏi ban biên tập một chút.",
        "Các bạn ơi, cho mình hỏi cái này.", "Hôm qua tôi có đọc một bài báo, muốn hỏi thêm:",
        "Em gửi câu hỏi mong được chuyên gia tư vấn.", "Chào admin,",
    ),
    (
        "Mong chuyên gia giải đáp giúp tôi.", "Rất mong được các bác sĩ hướng dẫn.", "Xin cảm ơn chương trình!",
        "Cảm ơn các bạn rất nhiều.", "Tôi phải làm sao đây?", "Ai biết thì trả lời giúp em với ạ.",
        "Chúc bác sĩ sức khỏe.", "Mong nhận được tư vấn của luật sư.", "Em cảm ơn ạ!",
        "Hy vọng sớm nhận được thư trả lời.",
    ),
)

# A fourth set, for `framed-4`: written at stop 43 after the rule for requests and before the
# rule that follows it, to check that one on phrasing it was not designed on.
FRAMES_4 = (
    (
        "Chào anh chị phóng viên, tôi là độc giả lâu năm của báo.", "Thưa quý bác sĩ, cháu đang rất bối rối.",
        "Em xin phép được hỏi ạ.", "Kính thưa chuyên gia, gia đình tôi gặp chuyện này.",
        "Mình là mẹ bỉm sữa, mình muốn hỏi chút ạ.", "Dạ con chào bác sĩ ạ.", "Hello mọi người,",
        "Tôi có việc muốn nhờ mọi người giúp đỡ.", "Chào luật sư, tôi có một câu hỏi như sau:",
        "Mọi người ơi, em đang lo quá.",
    ),
    (
        "Mong sớm nhận được sự giúp đỡ của mọi người.", "Xin trân trọng cảm ơn!",
        "Tôi nên làm gì trong trường hợp này?",
        "Em cảm ơn mọi người đã đọc ạ.", "Rất mong được giải đáp thắc mắc.", "Mong các bác sĩ chỉ giúp em ạ.",
        "Cảm ơn anh chị nhiều!", "Giờ em phải làm thế nào ạ?", "Chân thành cảm ơn quý báo.",
        "Nhờ mọi người cho lời khuyên.",
    ),
)

# A fifth set, for `framed-5`: written at stop 44 before that stop's rules, set aside to check
# them on phrasing they were not designed on.
FRAMES_5 = (
    (
        "Chào bác sĩ, tôi là giáo viên về hưu, năm nay 62 tuổi.",
        "Xin chào quý báo, lâu nay tôi vẫn theo dõi chuyên mục này.",
        "Em chào các anh chị ạ, em có chuyện muốn được hỏi ý kiến.",
        "Thưa bác sĩ, dạo gần đây tôi thấy trong người không được khỏe.",
        "Hi mọi người, mình mới tham gia nhóm.", "Kính gửi Ban biên tập, tôi xin trình bày sự việc như sau.",
        "Anh chị ơi, em đang phân vân quá.", "Con chào cô chú ạ, con xin hỏi một việc.",
        "Gửi chuyên gia, tôi đọc bài viết hôm trước và có chỗ chưa hiểu.",
        "Nhà tôi đang gặp một chuyện khó xử, mong mọi người giúp.",
    ),
    (
        "Xin chân thành cảm ơn và chúc sức khỏe!", "Mong được anh chị chia sẻ kinh nghiệm.",
        "Em rất cần lời khuyên, cảm ơn mọi người.", "Không biết như vậy có sao không ạ?", "Mong hồi âm của quý báo.",
        "Tôi xin cảm ơn và chờ tin.", "Ai có kinh nghiệm xin chỉ giáo.", "Cảm ơn đã đọc tin nhắn của em.",
        "Bây giờ tôi nên xử lý ra sao?", "Rất mong nhận được hồi đáp từ chuyên gia.",
    ),
)

# A sixth set, for `framed-6`: written at stop 44 after that stop's rules (which had seen
# FRAMES_5 by then), set aside to check the next rule.
FRAMES_6 = (
    (
        "Chào chuyên mục, tôi 35 tuổi, đang làm văn phòng.",
        "Gửi ban tư vấn, em đã tìm hiểu nhiều nơi nhưng vẫn chưa rõ.",
        "Xin chào, cả nhà tôi đều quan tâm chuyện này.", "Bác sĩ cho em hỏi với, em lo lắm.",
        "Thân gửi quý báo, tôi có người quen gặp trường hợp tương tự.",
        "Chào anh chị, em mới đọc được thông tin trên mạng.",
        "Dạ cháu chào bác sĩ, cháu có thắc mắc muốn nhờ bác giải đáp.",
        "Mọi người ơi, mình đang cần gấp thông tin.",
        "Kính chào luật sư, tôi ở quê, ít hiểu biết pháp luật.",
        "Xin hỏi quý chuyên gia, tôi đã băn khoăn mấy hôm nay.",
    ),
    (
        "Em cảm ơn nhiều, mong sớm có câu trả lời.", "Nếu được mong anh chị chỉ giúp cách làm.",
        "Tôi rất mong nhận được lời khuyên hữu ích.", "Cảm ơn quý báo rất nhiều ạ!", "Em phải làm gì để yên tâm hơn?",
        "Mình xin cảm ơn trước.", "Mong chuyên gia sớm phản hồi giúp em.", "Trân trọng!",
        "Xin lỗi nếu câu hỏi của em ngớ ngẩn.", "Mọi người có ai biết không ạ?",
    ),
)

# A seventh set, for `framed-7`: written at stop 45 before that stop's rules, set aside to check them
# (FRAMES_6 had been read while the rule was thought of: this one had not).
FRAMES_7 = (
    (
        "Chào bác sĩ, em năm nay 28 tuổi, mới sinh con đầu lòng được hai tháng.",
        "Kính gửi tòa soạn, tôi theo dõi báo đã lâu và có một việc muốn hỏi.",
        "Anh chị ơi cho em hỏi chút, em tìm mãi trên mạng mà không thấy.",
        "Xin chào ban biên tập, gia đình tôi đang gặp chuyện khó.",
        "Thưa luật sư, chuyện nhà tôi kéo dài mấy năm nay rồi.",
        "Chào cả nhà, mình xin phép hỏi một câu hơi ngoài lề.",
        "Dạ em chào chị, chuyện của em hơi dài, mong chị đọc hết.",
        "Kính thưa chuyên gia, vợ chồng tôi đã bàn nhiều lần mà chưa thống nhất được.",
        "Alo alo, mọi người cho mình hỏi với.",
        "Gửi bác sĩ phụ trách chuyên mục, cháu viết thư này vì thật sự không biết hỏi ai.",
    ),
    (
        "Em chân thành cảm ơn và chúc chuyên mục ngày càng phát triển.",
        "Nhờ quý báo chuyển câu hỏi tới chuyên gia giúp tôi.", "Tôi nên làm gì trong trường hợp này, xin cảm ơn.",
        "Ai biết chỉ giúp em với, em cảm ơn nhiều lắm.", "Rất mong được tư vấn, tôi xin cảm ơn!",
        "Cháu xin lỗi vì viết dài, cảm ơn bác đã đọc.", "Liệu có cách nào không ạ?", "Em nên bắt đầu từ đâu ạ?",
        "Thân ái, một độc giả ở Hà Nội.", "Chờ tin anh chị, cảm ơn cả nhà!",
    ),
)

# An eighth set, for `framed-8`: written at stop 45 after the first rule of that stop and before
# its second (the writer's own sentences in common words), set aside to check it.
FRAMES_8 = (
    (
        "Chào bác sĩ, tôi làm kế toán, ngồi nhiều nên hay mỏi lưng.",
        "Xin chào tòa soạn, tôi là bạn đọc ở Cần Thơ, lần đầu viết thư.",
        "Em chào anh chị, hôm trước em có đọc một bài nhưng giờ không tìm lại được.",
        "Thưa chuyên gia, bố tôi đã ngoài 70 và sống một mình ở quê.",
        "Chào mọi người, mình đang ôn thi nên hơi rối.",
        "Kính gửi luật sư, công ty tôi vừa thay giám đốc mới.",
        "Bác sĩ ơi, tuần trước em đi khám nhưng chưa hiểu kết quả.",
        "Dạ con chào cô, nhà con ở xa nên ít khi đi bệnh viện.",
        "Hỏi nhanh mọi người, mình cần biết gấp trong hôm nay.",
        "Gửi quý báo, chị tôi nhờ tôi viết hộ vì chị không dùng máy tính.",
    ),
    (
        "Tôi nên hỏi ai thì đúng ạ?", "Em cảm ơn nhiều nhiều.", "Chúc quý báo luôn vững mạnh, xin cảm ơn.",
        "Nếu ai từng gặp thì chia sẻ giúp mình nhé.", "Mong bác sĩ trả lời sớm, cháu lo lắm.",
        "Tôi xin cảm ơn và mong sớm nhận được hồi âm.", "Có cần đi khám ngay không hay đợi thêm ạ?",
        "Cảm ơn ban biên tập đã đọc thư.", "Mình sợ làm sai nên hỏi trước cho chắc.", "Xin được chỉ giáo, đa tạ!",
    ),
)


def framed(text: str, frames: tuple[tuple[str, ...], tuple[str, ...]] = FRAMES) -> str:
    """The accented query between an opening and a closing of `frames`, seeded by the text."""
    text = unicodedata.normalize("NFC", text)
    rng = random.Random("framed:" + text)
    return f"{rng.choice(frames[0])} {text} {rng.choice(frames[1])}"


_PUNCTUATION = re.compile(r"[^\w\s'/&+-]+")


def hurried(text: str) -> str:
    """`text` typed in a hurry: folded (`fold`), and no punctuation mark, each replaced by a
    space (a word's own marks stay: "6/2017", "TN&MT")."""
    return " ".join(_PUNCTUATION.sub(" ", fold(text)).split())


_IY_SYLLABLE = re.compile(r"(?<!\w)(qu|[hklmst])([iíìỉĩịyýỳỷỹỵ])(?!\w)", re.IGNORECASE)
_IY_SWAP = str.maketrans("iíìỉĩịIÍÌỈĨỊyýỳỷỹỵYÝỲỶỸỴ", "yýỳỷỹỵYÝỲỶỸỴiíìỉĩịIÍÌỈĨỊ")


def iy_swapped(text: str) -> str:
    """`text` with each lone i/y rhyme after h, k, l, m, s, t or qu spelled the other way.
    Written apart from `indexer.analysis.iy_variant` on purpose, like every form here: the
    judge does not share the code it judges."""
    text = unicodedata.normalize("NFC", text)
    return _IY_SYLLABLE.sub(lambda m: m.group(1) + m.group(2).translate(_IY_SWAP), text)


# Abbreviations common in news and in the law, and the words they stand for, for the ``spelled``
# and ``abbreviated`` forms. Written for the judge, apart from indexer/data/abbreviations.tsv.
ABBREVIATIONS = {
    "BHXH": "bảo hiểm xã hội", "BHYT": "bảo hiểm y tế", "BHTN": "bảo hiểm thất nghiệp",
    "THPT": "trung học phổ thông", "THCS": "trung học cơ sở", "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân", "CSGT": "cảnh sát giao thông", "HLV": "huấn luyện viên",
    "TP.HCM": "Thành phố Hồ Chí Minh", "LHQ": "Liên Hợp Quốc", "ĐBQH": "đại biểu Quốc hội",
    "NHNN": "Ngân hàng Nhà nước", "ATTP": "an toàn thực phẩm", "BĐS": "bất động sản",
    "CNTT": "công nghệ thông tin", "KCN": "khu công nghiệp", "XNK": "xuất nhập khẩu",
    "TTCK": "thị trường chứng khoán", "PCCC": "phòng cháy chữa cháy", "VKSND": "Viện kiểm sát nhân dân",
    "TAND": "Tòa án nhân dân", "BLHS": "Bộ luật Hình sự", "GD&ĐT": "Giáo dục và Đào tạo",
    "ĐHĐCĐ": "đại hội đồng cổ đông", "TNGT": "tai nạn giao thông", "GPLX": "giấy phép lái xe",
}
_ABBREVIATION = re.compile(r"(?<!\w)(" + "|".join(re.escape(a) for a in ABBREVIATIONS) + r")(?!\w)")
_WRITTEN = {unicodedata.normalize("NFC", w).lower(): a for a, w in ABBREVIATIONS.items()}
_WRITTEN_OUT = re.compile(
    r"(?<!\w)(" + "|".join(re.escape(w) for w in sorted(_WRITTEN, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE
)


def spelled(text: str) -> str:
    """`text` with every abbreviation of ABBREVIATIONS written out."""
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1)], unicodedata.normalize("NFC", text))


def abbreviated(text: str) -> str:
    """`text` with every written-out form of ABBREVIATIONS typed as its abbreviation."""
    return _WRITTEN_OUT.sub(lambda m: _WRITTEN[m.group(1).lower()], unicodedata.normalize("NFC", text))


FORM_FUNCS: dict[str, Callable[[str], str]] = {
    "accented": lambda q: unicodedata.normalize("NFC", q),
    "plain": fold,
    "nfd": lambda q: unicodedata.normalize("NFD", q),
    "tone": lambda q: unicodedata.normalize("NFC", normalize_diacritics(unicodedata.normalize("NFC", q), True)),
    "telex": lambda q: keystrokes(q, "telex"),
    "telex-mid": lambda q: keystrokes(q, "telex", mid=True),
    "vni": lambda q: keystrokes(q, "vni"),
    "vni-mid": lambda q: keystrokes(q, "vni", mid=True),
    "typo": lambda q: typo(fold(q)),
    "typo-accented": typo_accented,
    "typo-keys": lambda q: typo_keys(fold(q)),
    "telex-typo": telex_typo,
    "vni-typo": vni_typo,
    "typo-2": lambda q: typo_2(fold(q)),
    "iy": iy_swapped,
    "marks-slip": marks_slip,
    "telex-slip": lambda q: keystrokes(marks_slip(q), "telex"),
    "vni-slip": lambda q: keystrokes(marks_slip(q), "vni"),
    "spelled": spelled,
    "abbreviated": abbreviated,
}
# each set of letter frames as a form, and the same folded: framed, framed-plain, framed-2, …
FRAME_SETS = {
    "framed": FRAMES, "framed-2": FRAMES_2, "framed-3": FRAMES_3, "framed-4": FRAMES_4, "framed-5": FRAMES_5,
    "framed-6": FRAMES_6, "framed-7": FRAMES_7, "framed-8": FRAMES_8,
}
for _name, _frames in FRAME_SETS.items():
    FORM_FUNCS[_name] = functools.partial(framed, frames=_frames)
    FORM_FUNCS[f"{_name}-plain"] = lambda q, frames=_frames: fold(framed(q, frames))
    FORM_FUNCS[f"{_name}-bare"] = lambda q, frames=_frames: hurried(framed(q, frames))
FORMS = tuple(FORM_FUNCS)  # every form `make_form` makes, for the harness's --forms


def make_form(query: str, form: str) -> str:
    """One form of an accented query."""
    return FORM_FUNCS[form](query)
