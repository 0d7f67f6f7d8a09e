"""Where a sentence of a text ends: at ". ! ? …" before a space, except at the period of an
abbreviation ("TP. HCM", "PGS. TS.", "Q. 1", "N.V. Nam"), which ends none. Shared by ingest
(a page's derived title is its lead's first sentence) and snippets (a snippet is a sentence),
so that "TP. HCM" is one place in both: the snippet of `TPHCM` that cut it there showed
neither half marked."""

from __future__ import annotations

import re

# Words written with a period that is no sentence end (lowercase; a word of one letter is one)
ABBREVIATED_WORDS = frozenset({"tp", "ts", "ths", "pgs", "gs", "bs", "mr", "mrs", "ms", "dr", "st", "q", "p", "tt"})
_DOTTED_INITIALS = re.compile(r"(?:\w\.)+\w")  # "N.V" of "N.V. Nam"


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
