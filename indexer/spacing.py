"""Words spaced otherwise than the archive prints them, read as it prints them: letters run into
a number ("RON95": "RON 95"), syllables run together ("danang": "Đà Nẵng"), and two words typed
apart that it prints as one ("sam sung": "Samsung"; "372 km/h": "372km/h"). What the index
knows decides (`indexer.keyboard.Support`); the query's text and every span stay as typed, so
"did you mean" and the highlighter read the words where they were typed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from itertools import pairwise

from indexer.analysis import Syllable, has_marks
from indexer.keyboard import Support, could_be_syllable, decode_telex, decode_vni
from indexer.query import ParsedQuery

# Letters run into a number: "RON95", "iphone7", "windows10", "lộ1A" (a road: the archive prints
# "lộ 1A"; a number run into its unit, "16GB", is never taken for a slip:
# `keyboard.WordChoice.typo_keys`).
_GLUED = re.compile(r"[^\W\d_]+(?=\d\w*$)")


def split_glued(
    parsed: ParsedQuery, support: Support, near_df: Callable[[str], int] = lambda folded: 0
) -> ParsedQuery:
    """`parsed` with each word of letters run into a number ("RON95", "iphone7") that no
    article prints so (`support.df`), but that articles print as two words side by side ("RON
    95": `support.pair_df`), read as those two words: "RON95" was taken for a slip of "RON" ("rốn") and
    the number dropped, "windows10" for "undo"; `-RON95` kept nothing out. Not a word that VNI
    keys spell ("ha2" is "hà"), unless typed with marks: "quận1" is no keystrokes (it was
    offered "quận", the number dropped). So are syllables run together ("danang":
    `_run_apart`, with `near_df`, the df of the index's commonest word one slip from a word);
    and two words typed apart that the archive prints as one ("sam sung": `_apart_as_one`)
    have it as their alias in an unquoted clause. The text and every span stay as typed."""
    clauses = [replace(c, tokens=_run_apart(_split_glued(c.tokens, support), support, near_df)) for c in parsed.clauses]
    clauses = [c if c.phrase or c.negated else replace(c, tokens=_apart_as_one(c.tokens, support)) for c in clauses]
    return replace(parsed, clauses=clauses)


# Two words typed apart are read as the one word the archive prints (`_apart_as_one`) where it
# prints that word in APART_LEAST articles' parts and APART_RATIO times as often as the pair: on
# news-2k "samsung" 26 to 0, "facebook" 91 to 0; not "saudi" 25 to "sau di" 1, "hama" 4 to 1.
APART_LEAST = 3
APART_RATIO = 30


def _apart_as_one(tokens: Sequence[Syllable], support: Support) -> list[Syllable]:
    """Two words of plain letters typed side by side that the archive prints as one word, no
    syllable, far more often than as the pair ("sam sung": "Samsung" in 14 of news-2k's articles,
    "sâm sung" in none; APART_RATIO), given that word as their alias, the way "TP.HCM" has "tphcm": either
    finds the article. A foreign name split at its syllables was read as Vietnamese, "sắm
    súng", and found no Samsung article. So is a number and the unit after it, wherever the
    archive prints them run together ("372 km/h": "372km/h" is printed; 372 was said to be in no
    article; "100 km" found none of the articles printing "100km"). Not words the index lacks (a
    slip: "kud o" is no "Kudo") or keystrokes ("Hari An" is "Hải An", not "harian")."""
    out = list(tokens)
    taken = -1
    for k, (a, b) in enumerate(pairwise(tokens)):
        if k <= taken or a.alias or b.alias or not b.joined or not ((_letters(a) or a.exact.isdigit()) and _letters(b)):
            continue
        if not all(support.df(t.folded) or t.exact.isdigit() for t in (a, b)) or _keys(a.folded) or _keys(b.folded):
            continue
        word = a.folded + b.folded
        printed = support.df(word)
        if a.exact.isdigit():  # a number and its unit, "5 km" or "5km": either is the same
            one = printed > 0
        else:  # far more often as one word: "ha ma" is "hà mã" as much as "Hama", "sau di" not "Saudi"
            one = printed >= APART_LEAST and printed > APART_RATIO * support.pair_df(a.folded, b.folded)
        if one and not could_be_syllable(word):
            out.append(replace(a, end=b.end, exact=a.exact + b.exact, folded=word, joined=False, alias=True))
            taken = k + 1
    return out


def _keys(folded: str) -> bool:
    """Letters that Telex or VNI keys read as another syllable ("hari": "hải")."""
    return any(decoded not in (None, folded) for decoded in (decode_telex(folded), decode_vni(folded)))


def _letters(tok: Syllable) -> bool:
    """Typed as plain ASCII letters, no marks: how a foreign name is typed."""
    return tok.exact.isascii() and tok.exact.isalpha() and tok.end - tok.start == len(tok.exact)


# A word of this many letters or more may be syllables run together ("phaohoa", "danang"), read
# as at most RUN_SYLLABLES of them; a syllable has at most SYLLABLE_LETTERS letters ("nghieng").
# Shorter ones are slips far more often ("dono", "olua", "gaio" in the harness's one-typo forms),
# and "đôla" is printed as one word.
RUN_LETTERS = 5
RUN_SYLLABLES = 4
# How much a glued word's syllables must hold together (`_cohesion`, the least of its pairs).
# On news-2k the runs people glue hold 0.020 ("hanam") to 1.9 ("doanhnghiep"), "hoangxuanvinh"
# 0.10; foreign words the index lacks, read as syllables, 0.004 ("sumatra") to 0.013 ("nguyan").
RUN_COHESION = 0.015
SYLLABLE_LETTERS = 7


def _run_apart(tokens: Sequence[Syllable], support: Support, near_df: Callable[[str], int]) -> list[Syllable]:
    """Each word that is syllables run together (a hashtag, a domain, a phone keyboard's
    "danang", "phaohoa", "hoangxuanvinh"), read as those syllables, which the archive prints
    side by side where it never prints the word (`_syllables_run_together`), with the word
    kept as their alias, the way "TP.HCM" keeps "tphcm": either finds the article. Alone such a
    word found nothing, and beside other words it was dropped. Not where the index holds a word
    one slip from it more often than the syllables side by side (`near_df`): "phanto" is
    "phantom", "nguyan" "nguyen", not "phan tô", "nguy an"; but "namdinh" is "Nam Định", not
    "namhinh", printed once."""
    out: list[Syllable] = []
    shift = 0
    for tok in tokens:
        parts = None
        if not tok.alias and tok.end - tok.start == len(tok.folded) == len(tok.exact):
            found = _syllables_run_together(tok.folded, support, tok.exact)
            parts = found[1] if found and found[0] > near_df(tok.folded) else None
        if not parts:
            out.append(replace(tok, position=tok.position + shift) if shift else tok)
            continue
        at, start = tok.position + shift, tok.start
        for k, part in enumerate(parts):
            end = start + len(part)
            exact = tok.exact[start - tok.start : end - tok.start]
            out.append(replace(tok, start=start, end=end, exact=exact, folded=part, position=at + k,
                               joined=tok.joined if k == 0 else True))
            start = end
        out.append(replace(tok, position=at, joined=False, alias=True))
        shift += len(parts) - 1
    return out


def _syllables_run_together(folded: str, support: Support, exact: str) -> tuple[int, list[str]] | None:
    """(how often the archive prints the least of their pairs; the syllables) a word of letters
    no article prints is, run together, if it is no syllable itself and no keystrokes: the split
    whose every pair of neighbours holds together most (`_cohesion`), each of two letters or
    more, and at least RUN_COHESION: a foreign word the index lacks is a
    run of common syllables that hold together by chance, "havana" "hà và na", "sumatra" "su
    mà trả", "ducati" "đủ cả tỉ" (bug hunt 68). A word the archive prints
    ("Mandela", "Vovinam", "vietnam") is searched as it is: split, "did you mean" showed "Man
    de la", "Vo vi nam"; nor Telex keys for two syllables ("ootoo", "ôtô", which one syllable's
    decoding does not read: it showed "o o to o"). Typed with marks ("ViệtNam", "bóngđá"), the
    word is what the archive prints with those marks (`exact`), however often it prints its
    letters in Latin ("vietnam": 17 articles against 707 for "Việt Nam"); "bêtông" is printed."""
    if len(folded) < RUN_LETTERS or not folded.isascii() or not folded.isalpha() or could_be_syllable(folded):
        return None
    if decode_vni(folded) is not None or decode_telex(folded) is not None:
        return None
    if support.printed(exact) if has_marks(exact) else support.df(folded):
        return None
    best: tuple[float, int, list[str]] | None = None
    for parts in _splits(folded, RUN_SYLLABLES):
        if len(parts) < 2 or not all(len(p) > 1 and support.df(p) for p in parts):
            continue
        least = min(support.pair_df(a, b) for a, b in pairwise(parts))
        cohesion = min(_cohesion(a, b, support) for a, b in pairwise(parts))
        if least and cohesion >= RUN_COHESION and (best is None or (cohesion, least) > best[:2]):
            best = (cohesion, least, parts)
    return (best[1], best[2]) if best else None


def _cohesion(a: str, b: str, support: Support) -> float:
    """How much more often the archive prints `a` next to `b` than each's frequency would put
    them there: the articles holding the pair × all articles ÷ those holding each word."""
    return support.pair_df(a, b) * support.documents / max(1, support.df(a) * support.df(b))


def _splits(letters: str, most: int) -> Iterator[list[str]]:
    """Every way to cut `letters` into at most `most` pieces that could each be a syllable."""
    if not letters:
        yield []
        return
    if most == 0:
        return
    for n in range(1, min(SYLLABLE_LETTERS, len(letters)) + 1):
        if could_be_syllable(letters[:n]):
            for rest in _splits(letters[n:], most - 1):
                yield [letters[:n], *rest]


def _split_glued(tokens: Sequence[Syllable], support: Support) -> list[Syllable]:
    out: list[Syllable] = []
    shift = 0  # a word read as two moves the positions after it up by one
    for tok in tokens:
        head = _GLUED.match(tok.folded)
        n = head.end() if head and not tok.alias and tok.end - tok.start == len(tok.folded) == len(tok.exact) else 0
        keys = not has_marks(tok.exact) and decode_vni(tok.folded) is not None  # (typed with marks: no keys)
        if n and not support.df(tok.folded) and not keys and support.pair_df(tok.folded[:n], tok.folded[n:]):
            at = tok.position + shift
            out.append(replace(tok, end=tok.start + n, exact=tok.exact[:n], folded=tok.folded[:n], position=at))
            out.append(replace(tok, start=tok.start + n, exact=tok.exact[n:], folded=tok.folded[n:],
                               position=at + 1, joined=True))
            shift += 1
        else:
            out.append(replace(tok, position=tok.position + shift) if shift else tok)
    return out
