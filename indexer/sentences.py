"""Where a sentence of a text ends: at ". ! ? …" before a space, except at the period of an
abbreviation ("TP. HCM", "PGS. TS.", "Q. 1", "N.V. Nam"), which ends none. The sentences of a
snippet (`sentence_spans`) and the first sentence a page's derived title is made of
(`first_sentence`, which asks more of what follows) are both read here, so that "TP. HCM" is
one place in both: the snippet of `TPHCM` that cut it there showed neither half marked."""

from __future__ import annotations

import re

# Words written with a period that is no sentence end (lowercase; a word of one letter is one)
ABBREVIATED_WORDS = frozenset({"tp", "ts", "ths", "pgs", "gs", "bs", "mr", "mrs", "ms", "dr", "st", "q", "p", "tt"})
_DOTTED_INITIALS = re.compile(r"(?:\w\.)+\w")  # "N.V" of "N.V. Nam"
# A sentence ends at . ! ? or … before whitespace and more text (the whitespace is between
# sentences). Matched from the mark, not with a look-behind from the space: twice as fast.
_SENTENCE_END = re.compile(r"[.!?…]\s+(?=\S)")
# A title's sentence may close a quote or a bracket before the space (`first_sentence` then
# asks the next to open with a capital, a digit, a quote or a bracket)
_TITLE_SENTENCE_END = re.compile(r"[.!?…][\"”’)]*\s+(?=[\"“(\[\d]|[^\W\d_])")


def closes_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at `text[dot]` closes an abbreviation rather than a sentence: the
    word before it (an opening bracket or quote aside) is one letter, a listed abbreviation,
    or initials with dots."""
    start = dot
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    if start == dot:  # no word before it
        return False
    word = text[start:dot].lstrip('("“')
    return len(word) <= 1 or word.lower() in ABBREVIATED_WORDS or _DOTTED_INITIALS.fullmatch(word) is not None


def sentence_spans(text: str, through: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, in order; the whitespace between is in none.
    `through`: only up to the sentence holding that offset (a snippet wants none after its
    last term)."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[m.start()] == "." and closes_abbreviation(text, m.start()):  # "TP. HCM"
            continue
        spans.append((start, m.start() + 1))
        start = m.end()
        if through is not None and through <= m.start():
            return spans
    spans.append((start, len(text)))
    return spans


def first_sentence(text: str) -> str:
    """The first sentence of `text`, stripped, for a derived title: it ends where the next
    starts with a capital, a digit, a quote or a bracket; the whole text if none does."""
    for m in _TITLE_SENTENCE_END.finditer(text):
        head = text[: m.start() + 1]
        if head.endswith(".") and closes_abbreviation(text, m.start()):
            continue  # "TP.", "Q.", "N.V." are abbreviations, not sentence ends
        following = text[m.end() : m.end() + 1]
        if following.isupper() or following in '"“([0123456789':
            return head.strip()
    return text.strip()

