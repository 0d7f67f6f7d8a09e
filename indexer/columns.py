"""Bulk analysis, the index writer's path: `analysis.tokenize`'s tokens as columns.

Indexing a corpus calls the tokenizer for millions of syllables, and a `Syllable` object per
token costs more than everything else the build does per token. `columns` gives the same
tokens as parallel lists instead. For text made only of characters whose ICU word-break rules
are simple and verified (Latin letters, ASCII digits, spaces and common punctuation: all of
news-50k but 418 of its 104,624 texts), the words are found by one regular expression that spells
out those rules (UAX #29 WB5-WB12 as ICU applies them: "." "'" "’" "‘" "·" join letters,
"." "," ";" "'" "’" "‘" join digits, ":" joins nothing) and their forms come from dict
caches, all in C loops. Any other text goes through `tokenize`, the ICU word breaker, which
stays the reference: tests/test_analysis.py checks that both give the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate, compress

import icu

from indexer.analysis import LINE_GAP, Syllable, gap_joins, is_initial_part, syllable_forms, tokenize


@dataclass(slots=True)
class Columns:
    """The tokens of one text as parallel lists, in `tokenize`'s order. `surfaces` are the
    tokens' source text (``text[start:end]``); `alias` is None when no token is an alias."""

    surfaces: list[str]
    exact: list[str]
    folded: list[str]
    positions: list[int]
    joined: list[bool]
    alias: list[bool] | None = None

    @classmethod
    def from_tokens(cls, text: str, tokens: list[Syllable]) -> Columns:
        alias = [t.alias for t in tokens]
        return cls(
            [text[t.start : t.end] for t in tokens],
            [t.exact for t in tokens],
            [t.folded for t in tokens],
            [t.position for t in tokens],
            [t.joined for t in tokens],
            alias if any(alias) else None,
        )

    def syllables(self) -> tuple[list[str], list[str], list[bool], list[int]]:
        """(surfaces, folded forms, joined flags, positions) of the tokens that are not aliases."""
        if self.alias is None:
            return self.surfaces, self.folded, self.joined, self.positions
        keep = [not a for a in self.alias]
        return (
            list(compress(self.surfaces, keep)),
            list(compress(self.folded, keep)),
            list(compress(self.joined, keep)),
            list(compress(self.positions, keep)),
        )

    def bigrams(self) -> tuple[list[str], list[int]]:
        """The folded adjacent pairs and their positions, as `bigrams` gives them."""
        _, folded, joined, positions = self.syllables()
        nxt = joined[1:]
        pairs = [f"{a} {b}" for a, b, j in zip(folded, folded[1:], nxt, strict=False) if j]
        return pairs, list(compress(positions, nxt))


class _WordBreak:
    """ICU's UWordBreakValues (PyICU spells out only some of them)."""

    OTHER, ALETTER, MIDLETTER, MIDNUM, NUMERIC, MIDNUMLET, SINGLE_QUOTE, DOUBLE_QUOTE = 0, 1, 4, 5, 6, 11, 15, 16


def _word_break_classes() -> tuple[str, dict[str, str]]:
    """The characters of the fast path (a regex class body) and its word-break classes."""
    wb = _WordBreak
    blocks = [(0x0000, 0x024F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x27BF)]
    latin = [(0x0000, 0x024F), (0x1E00, 0x1EFF)]
    classes: dict[str, list[str]] = {"safe": [], "L": [], "N": [], "D": [], "ML": [], "MN": []}
    for lo, hi in blocks:
        for code in range(lo, hi + 1):
            ch = chr(code)
            prop = icu.Char.getIntPropertyValue(ch, icu.UProperty.WORD_BREAK)
            cat = unicodedata.category(ch)
            if ch in "\n\t ":
                classes["safe"].append(ch)
                continue
            if cat[0] in "CMZ" or ch == "@":  # controls, marks, format, odd spaces; see below
                continue
            in_latin = any(a <= code <= b for a, b in latin)
            if prop == wb.ALETTER and in_latin:
                classes["L"].append(ch)
                if not ch.islower():
                    classes["N"].append(ch)
            elif prop == wb.NUMERIC and ch.isascii():
                classes["D"].append(ch)
            elif prop == wb.MIDLETTER and ch != ":":
                classes["ML"].append(ch)
            elif prop == wb.MIDNUM:
                classes["MN"].append(ch)
            elif prop in (wb.MIDNUMLET, wb.SINGLE_QUOTE):
                classes["ML"].append(ch)
                classes["MN"].append(ch)
            elif not (prop in (wb.OTHER, wb.DOUBLE_QUOTE) and cat[0] != "L") and ch != ":":
                continue  # ExtendNumLet ("_"), letters outside Latin, other numerals...
            classes["safe"].append(ch)
    # ICU does not let ":" join letters (as UAX #29 would): here it is MidLetter no more, like
    # there. ICU's "@" is a letter: left out. Marks, format characters and CR are left out
    # because WB4 absorbs them into words.
    return "".join(map(re.escape, classes["safe"])), {k: "".join(map(re.escape, v)) for k, v in classes.items()}


_SAFE_BODY, _WB = _word_break_classes()
_UNSAFE = re.compile(f"[^{_SAFE_BODY}]")
_LD = f"[{_WB['L']}{_WB['D']}]"
_WORD_SPLIT = re.compile(
    f"({_LD}+(?:(?:(?<=[{_WB['L']}])[{_WB['ML']}](?=[{_WB['L']}])|(?<=[{_WB['D']}])[{_WB['MN']}](?=[{_WB['D']}])){_LD}+)*)"
)
# A dot a fast-path word can hold: between a letter or digit and another (words start and end
# with letters or digits)
_INNER_DOT = re.compile(f"(?<={_LD})\\.(?={_LD})")
# letters that are not lower case around "-" or "&": where an initialism alias may be
_INITIALISM_HINT = re.compile(f"(?<=[{_WB['N']}])[-&](?=[{_WB['N']}])")
_DIGITS = frozenset("0123456789")


def _dotted_letters(word: str) -> bool:
    """A fast-path word the analyzer splits at its dots ("TP.HCM": "tp", "hcm" and the alias
    "tphcm"). A word ending in a digit is a number (ICU rule status 100): "19.309" stays whole."""
    return "." in word and word[-1] not in _DIGITS
_FAST_CACHE_LIMIT = 200_000


class _FormCache(dict):  # type: ignore[type-arg]
    """surface -> exact or folded form; `map(cache.__getitem__, words)` runs in C."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, surface: str) -> str:
        if len(self) >= _FAST_CACHE_LIMIT:  # bounded: a long build meets many numbers and names
            self.clear()
        form = self[surface] = syllable_forms(surface)[self.index]
        return form


class _GapCache(dict):  # type: ignore[type-arg]
    def __missing__(self, gap: str) -> bool:
        if len(self) >= _FAST_CACHE_LIMIT:
            self.clear()
        joined = self[gap] = gap_joins(gap, 0, len(gap))
        return joined


_EXACT = _FormCache(0)
_FOLDED = _FormCache(1)
_GAP_JOINED = _GapCache()


def columns(text: str) -> Columns:
    """`tokenize(text)` as `Columns`, by the regular expression when `text` allows it, a line
    at a time (no rule joins words across a newline, and positions move on by LINE_GAP), each
    line through ICU where the regular expression cannot read it."""
    if "\n" not in text:
        cols = _columns_fast(text)
        return cols if cols is not None else Columns.from_tokens(text, tokenize(text))
    lines = text.split("\n")
    cols = Columns([], [], [], [], [], None)
    shift = 0
    for line in lines:
        part = _columns_fast(line)
        if part is None:
            part = Columns.from_tokens(line, tokenize(line))
        if not part.positions:
            continue
        cols.surfaces += part.surfaces
        cols.exact += part.exact
        cols.folded += part.folded
        cols.positions += [p + shift for p in part.positions] if shift else part.positions
        cols.joined += part.joined
        if part.alias is not None or cols.alias is not None:
            if cols.alias is None:
                cols.alias = [False] * (len(cols.surfaces) - len(part.surfaces))
            cols.alias += part.alias if part.alias is not None else [False] * len(part.surfaces)
        shift += max(part.positions) + 1 + LINE_GAP
    if cols.alias is not None and any(a and "." not in s for a, s in zip(cols.alias, cols.surfaces, strict=True)):
        # an initialism alias anywhere makes `tokenize` sort all the tokens by position
        # (which moves the dotted aliases of other lines too): stable, as there
        order = sorted(range(len(cols.positions)), key=cols.positions.__getitem__)
        for name in ("surfaces", "exact", "folded", "positions", "joined", "alias"):
            column = getattr(cols, name)
            setattr(cols, name, [column[i] for i in order])
    return cols


def _columns_fast(text: str) -> Columns | None:
    """None when `text` holds a character outside the fast path's verified set."""
    if _UNSAFE.search(text):
        return None
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    n = len(words)
    joined = [False]
    joined += map(_GAP_JOINED.__getitem__, parts[2:-1:2])
    del joined[n:]
    # a word is a number (ICU rule status 100) when it ends with a digit; letter words with
    # inner dots ("TP.HCM") become their parts and a joined alias
    dotted = [i for i, w in enumerate(words) if _dotted_letters(w)] if "." in text else []
    hint = ("-" in text or "&" in text) and _INITIALISM_HINT.search(text) is not None
    if not dotted and not hint:
        return Columns(
            words, list(map(_EXACT.__getitem__, words)), list(map(_FOLDED.__getitem__, words)), list(range(n)), joined
        )
    offsets = list(accumulate(map(len, parts), initial=0))
    starts, ends = offsets[1::2][:n], offsets[2::2]
    surfaces: list[str] = []
    keys: list[str] = []  # what the forms are made of
    positions: list[int] = []
    joins: list[bool] = []
    alias: list[bool] = []
    begins: list[int] = []
    stops: list[int] = []
    shift = prev = 0
    for i in dotted:
        surfaces += words[prev:i]
        keys += words[prev:i]
        positions += range(prev + shift, i + shift)
        joins += joined[prev:i]
        alias += [False] * (i - prev)
        begins += starts[prev:i]
        stops += ends[prev:i]
        word, first, at = words[i], i + shift, starts[i]
        pieces = word.split(".")  # never empty: a word neither starts nor ends with "."
        for k, piece in enumerate(pieces):
            surfaces.append(piece)
            keys.append(piece)
            positions.append(first + k)
            joins.append(joined[i] or k > 0)
            alias.append(False)
            begins.append(at)
            stops.append(at + len(piece))
            at += len(piece) + 1
        surfaces.append(word)
        keys.append(word.replace(".", ""))
        positions.append(first)
        joins.append(False)
        alias.append(True)
        begins.append(starts[i])
        stops.append(ends[i])
        shift += len(pieces) - 1
        prev = i + 1
    surfaces += words[prev:]
    keys += words[prev:]
    positions += range(prev + shift, n + shift)
    joins += joined[prev:]
    alias += [False] * (n - prev)
    begins += starts[prev:]
    stops += ends[prev:]
    exact = list(map(_EXACT.__getitem__, keys))
    folded = list(map(_FOLDED.__getitem__, keys))
    cols = Columns(surfaces, exact, folded, positions, joins, alias if dotted else None)
    if hint:
        _add_initialism_columns(text, cols, begins, stops)
    return cols


def syllable_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded form) of each syllable `tokenize` finds in `text`, aliases left out:
    what highlighting needs. By the fast path's regular expression where `text` allows it
    (snippets re-analyze ~30 sentences a query, and the ICU word breaker plus a `Syllable` per
    token was an eighth of a query's time), else from `tokenize`; tests check both agree."""
    if _UNSAFE.search(text):
        return [(t.start, t.end, t.folded) for t in tokenize(text) if not t.alias]
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    offsets = list(accumulate(map(len, parts), initial=0))
    spans = list(zip(offsets[1::2], offsets[2::2], map(_FOLDED.__getitem__, words), strict=False))
    if _INNER_DOT.search(text) is None:  # no word holds a dot (most sentences just end in one)
        return spans
    out: list[tuple[int, int, str]] = []
    for span, word in zip(spans, words, strict=True):
        if _dotted_letters(word):  # its parts are the syllables
            at = span[0]
            for piece in word.split("."):
                out.append((at, at + len(piece), _FOLDED[piece]))
                at += len(piece) + 1
        else:
            out.append(span)
    return out


def _add_initialism_columns(text: str, cols: Columns, begins: list[int], stops: list[int]) -> None:
    """`_add_initialism_aliases` on columns, looking only where `_INITIALISM_GAP` joins two
    capitals: every run of two or more parts has such a gap between its first two."""
    keep = [i for i, a in enumerate(cols.alias) if not a] if cols.alias is not None else range(len(cols.surfaces))
    ends = [stops[i] for i in keep]
    pairs: list[int] = []  # k: syllables keep[k] and keep[k + 1] join into an initialism
    for m in _INITIALISM_HINT.finditer(text):
        gap = m.start()
        k = bisect_left(ends, gap)
        if (
            k + 1 < len(keep)
            and ends[k] == gap
            and begins[keep[k + 1]] == gap + 1
            and is_initial_part(cols.surfaces[keep[k]])
            and is_initial_part(cols.surfaces[keep[k + 1]])
            and (not pairs or pairs[-1] != k)
        ):
            pairs.append(k)
    if not pairs:
        return
    runs: list[tuple[int, int]] = []  # first and last syllable (indices into keep)
    for k in pairs:
        if runs and runs[-1][1] == k:
            runs[-1] = (runs[-1][0], k + 1)
        else:
            runs.append((k, k + 1))
    alias = cols.alias if cols.alias is not None else [False] * len(cols.surfaces)
    for a, b in runs:
        members = [keep[k] for k in range(a, b + 1)]
        cols.surfaces.append(text[begins[members[0]] : stops[members[-1]]])
        cols.exact.append("".join(cols.exact[i] for i in members))
        cols.folded.append("".join(cols.folded[i] for i in members))
        cols.positions.append(cols.positions[members[0]])
        cols.joined.append(False)
        alias.append(True)
    order = sorted(range(len(alias)), key=cols.positions.__getitem__)  # stable, as tokenize sorts
    for name in ("surfaces", "exact", "folded", "positions", "joined"):
        column = getattr(cols, name)
        setattr(cols, name, [column[i] for i in order])
    cols.alias = [alias[i] for i in order]
