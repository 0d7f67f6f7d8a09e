"""Titles for search-as-you-type: titles whose words (folded, `title_key`) start with the
words typed, newest first, then titles with a run of words starting with them; and whether a
title prints the marks typed. What a prefix asks for and in which order is
`indexer.completions`.

`Titles` holds them in memory, sorted by their words (built from catalog.json.gz: indexes
written before the models folder existed); `MappedTitles` reads the same rows from files that
the build writes (`Titles.write`) and a server maps (see indexer.mapped): no private copy per
process, and no start-up cost.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice
from pathlib import Path

import numpy as np

from indexer.analysis import canonical_syllable, fold, has_marks
from indexer.mapped import StringColumn, load_array, save_array

# Sorted by `title_key`. An index built before stop 74 has "titles.folded" (sorted by the
# folded text, punctuation kept) in place of "titles.words": `open_titles` reads it into memory.
_COLUMNS = ("titles.words", "titles.text", "titles.id")
# Each row's publication time as one sortable number (`publication_stamp`; 0: undated). Written
# since stop 74; without it (an older index) titles come in the order of their words.
_NEWEST = "titles.newest.npy"
_WORD = re.compile(r"\w+")
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))  # grave, acute, tilde, hook, dot below


def title_key(text: str) -> str:
    """A title's words, folded, one space apart: what search-as-you-type matches what was typed
    against. The folded text with its punctuation kept missed `hoa binh 18` for "Hòa Bình: 18
    bệnh nhân …", every title opening with a quote, and `giá vàng.` (bug hunt 89: the first four
    words of 20% of titles typed found nothing)."""
    return " ".join(_WORD.findall(fold(text)))


def publication_stamp(published: str | None) -> int:
    """A publication time as printed ("2021-05-02T08:00:00+07:00") as one number that sorts as
    it does, 202105020800; 0 for none."""
    digits = re.sub(r"\D", "", (published or "")[:16])
    return int(digits[:12].ljust(12, "0")) if digits else 0


def prints_as_typed(title: str, typed: str) -> bool:
    """Whether `title` prints the words of `typed` given marks as typed (`_prints_as_typed`)."""
    want, plain = _typed_words(typed)
    return not any(has_marks(w) for w in want) or _prints_as_typed(title, want, plain)


def marks_first(found: list[dict[str, str]], typed: str, limit: int) -> list[dict[str, str]]:
    """The first `limit` of `found` (`Titles.suggest`), those that print the words typed with
    marks as typed first ("năm": "Năm 2017, …" before "Nam Định: …"; "Việ": "Việt Nam …"
    before "Viễn cảnh …"), each group in its order: typed marks count, as they do in search."""
    want, plain = _typed_words(typed)
    if not any(has_marks(w) for w in want):
        return found[:limit]
    return sorted(found, key=lambda s: not _prints_as_typed(s["title"], want, plain))[:limit]


def _typed_words(typed: str) -> tuple[list[str], list[str]]:
    """The words of `typed` as `_prints_as_typed` compares them: with their marks (tone placement
    canonical), and folded."""
    want = [canonical_syllable(w) for w in _WORD.findall(typed)]
    return want, [fold(w) for w in want]


def _prints_as_typed(title: str, want: Sequence[str], plain: Sequence[str]) -> bool:
    """Whether `title`, where it holds the words `want` (folded: `plain`) in a row, the last
    perhaps cut short ("việ" of "Việt"), prints those given marks as they were typed (tone
    placement either way): at its start when it starts with them (`Titles.suggest`'s first
    run: what is being completed), else at any place that holds them. The folded words find
    the places (each title word folded once: folded at each place, `Kỹ` took 0.27 s over the
    2,663 titles it reads, bug hunt 89); only there are the marks compared."""
    n = len(want)
    words = _WORD.findall(title)
    folded = [fold(w) for w in words]
    if _at(folded[:n], plain):
        return _marked_as(words[:n], want)
    places = range(1, len(words) - n + 1)
    return any(_marked_as(words[j : j + n], want) for j in places if _at(folded[j : j + n], plain))


def _at(folded: Sequence[str], plain: Sequence[str]) -> bool:
    """The folded words `folded` are `plain`, the last perhaps cut short."""
    return len(folded) == len(plain) and folded[:-1] == plain[:-1] and folded[-1].startswith(plain[-1])


def _marked_as(words: Sequence[str], want: Sequence[str]) -> bool:
    """`words` print each word of `want` that has marks with those marks; the last, perhaps cut
    short, as it may yet become (`_may_become`)."""
    return all(
        _may_become(canonical_syllable(w), x) if i == len(want) - 1 else canonical_syllable(w) == x
        for i, (w, x) in enumerate(zip(words, want, strict=True))
        if has_marks(x)
    )


def _may_become(printed: str, typed: str) -> bool:
    """Whether a word being typed may yet become `printed`: each letter typed is the printed one,
    or it before a key still to come adds its tone or its mark ("đie" of "điện": Telex and VNI
    type the tone last, and the list under "Thủy đie" put "Thúy Diễm", "Thụy Điển" first, bug
    hunt 89). A letter typed with a tone or mark of its own must be the printed one ("Việ" is
    not "Viễn")."""
    return len(typed) <= len(printed) and all(
        t == p or t == _toneless(p) or t == fold(p) for t, p in zip(typed, printed, strict=False)
    )


def _toneless(letter: str) -> str:
    """A letter without its tone, its other mark kept ("ệ" → "ê")."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", letter).translate(_TONES))


class Titles:
    """(`title_key`, title, id) rows, sorted: the prefix matches are one contiguous run; and
    each row's `publication_stamp` (`newest`; None: not known), by which that run is read."""

    def __init__(self, rows: Sequence[tuple[str, str, str]], newest: Sequence[int] | None = None) -> None:
        self.keys: Sequence[str] = [r[0] for r in rows]  # each row's `title_key`
        self.text: Sequence[str] = [r[1] for r in rows]
        self.ids: Sequence[str] = [r[2] for r in rows]
        self.newest: np.ndarray | None = None if newest is None else np.asarray(newest, dtype=np.int64)

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str] | tuple[str, str, str | None]]) -> Titles:
        """From (id, title) or (id, title, published) rows (a Catalog's entries)."""
        rows = sorted((title_key(e[1]), e[1], e[0], publication_stamp(e[2] if len(e) > 2 else None)) for e in entries)
        return cls([r[:3] for r in rows], [r[3] for r in rows])

    @classmethod
    def from_catalog(cls, entries: Mapping[str, tuple[str, str | None, int]]) -> Titles:
        """From a Catalog's entries (id -> (title, published, captions))."""
        return cls.from_entries((doc_id, title, published) for doc_id, (title, published, _) in entries.items())

    def __len__(self) -> int:
        return len(self.ids)

    def write(self, folder: Path) -> None:
        for name, column in zip(_COLUMNS, (self.keys, self.text, self.ids), strict=True):
            StringColumn.write(folder, name, column)
        save_array(folder / _NEWEST, self.newest if self.newest is not None else np.zeros(len(self), dtype=np.int64))

    def suggest(self, key: str, limit: int) -> list[dict[str, str]]:
        """Up to `limit` {"id", "title"}: titles whose `title_key` starts with `key` (a
        `title_key` too), newest first (`_starting`), then titles whose key holds " " + key, in
        the order of their keys."""
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        for i in islice(self._starting(key), limit):
            out.append({"id": self.ids[i], "title": self.text[i]})
            seen.add(self.ids[i])
        if len(out) < limit:
            for i in self._containing(" " + key):
                doc_id = self.ids[i]
                if doc_id not in seen:
                    out.append({"id": doc_id, "title": self.text[i]})
                    if len(out) >= limit:
                        break
        return out

    def printing(self, key: str, typed: str, limit: int, scan: int) -> list[dict[str, str]]:
        """Up to `limit` {"id", "title"} of the titles starting with `key` (`title_key`), then of
        those with a word starting with it, that print the words of `typed` with its marks
        (`marks_first`), reading at most `scan` of each: a common folded start ("bao": "Bảo",
        "Báo", "Bão" …) has hundreds of titles, and the first few in folded order need not print
        the marks typed ("bão": "Bão số 1 …" was never offered, nor any "Đà …" for `đà`; nor,
        inside a title, "Đinh La Thăng" for `Thăng`, among "Tháng" and "thắng")."""
        want, plain = _typed_words(typed)
        out: list[dict[str, str]] = []
        seen: set[str] = set()
        for i in chain(islice(self._starting(key), scan), islice(self._containing(" " + key), scan)):
            if self.ids[i] not in seen and _prints_as_typed(self.text[i], want, plain):
                seen.add(self.ids[i])
                out.append({"id": self.ids[i], "title": self.text[i]})
                if len(out) >= limit:
                    break
        return out

    def _starting(self, key: str) -> Iterator[int]:
        """Rows whose key starts with `key`, one contiguous run found by bisection, newest first
        (undated last; rows of one time in the order of their keys): in the order of their keys
        alone, `giá vàng hôm nay` offered "… 1.6", "1/6", "1/7", "10.5" … (bug hunt 89)."""
        lo = bisect.bisect_left(range(len(self)), key, key=self.keys.__getitem__)
        hi = bisect.bisect_left(range(len(self)), key + "\U0010ffff", lo=lo, key=self.keys.__getitem__)
        newest = None if self.newest is None else self.newest[lo:hi]
        if newest is None or not newest.any():
            return iter(range(lo, hi))
        return iter((lo + np.argsort(-newest, kind="stable")).tolist())

    def _containing(self, needle: str) -> Iterable[int]:
        """Rows whose key contains `needle`, in order."""
        return (i for i, words in enumerate(self.keys) if needle in words)


def open_titles(folder: Path) -> Titles:
    """The titles `Titles.write` wrote into a models folder, mapped (`MappedTitles`); those of an
    index built before their `title_key` (its rows sorted by folded text), read into memory and
    sorted again, so that it completes as a new one does until it is rebuilt."""
    if (folder / f"{_COLUMNS[0]}.utf8").exists():
        return MappedTitles(folder)
    return Titles.from_entries(zip(StringColumn(folder, _COLUMNS[2]), StringColumn(folder, _COLUMNS[1]), strict=True))


class MappedTitles(Titles):
    """The rows `Titles.write` wrote, mapped; the substring scan runs in C over the whole
    folded text (`StringColumn.find`) instead of row by row."""

    def __init__(self, folder: Path) -> None:
        self._keys = StringColumn(folder, _COLUMNS[0])
        self.keys = self._keys
        self.text = StringColumn(folder, _COLUMNS[1])
        self.ids = StringColumn(folder, _COLUMNS[2])
        self.newest = load_array(folder / _NEWEST) if (folder / _NEWEST).exists() else None

    def _containing(self, needle: str) -> Iterable[int]:
        # UTF-8 is self-synchronizing: a byte match of a whole encoded needle is a match of
        # the characters. A match across two rows does not count: look again one byte on.
        pattern = needle.encode("utf-8", "surrogatepass")  # a lone surrogate matches no title, as in str
        at = self._keys.find(pattern)
        while at >= 0:
            row = self._keys.row_at(at)
            end = self._keys.bounds(row)[1]
            if at + len(pattern) <= end:
                yield row
                at = self._keys.find(pattern, end)
            else:
                at = self._keys.find(pattern, at + 1)
