"""What one typed word is taken to mean (`Meaning`): the folded forms `indexer.ranking` matches
and scores, the exact form to prefer, the word shown. `indexer.meanings` reads each word of a
query into one; `indexer.slips` and `indexer.read_marks` amend them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from indexer.analysis import Syllable, fold, has_marks, iy_variant
from indexer.typo_evidence import SUGGESTED_WEIGHT


@dataclass(frozen=True, slots=True)
class Meaning:
    """What one typed word was taken to mean: the folded forms to match, best first, each with
    its weight (the word as understood 1.0; the raw keystrokes or a likely spelling less), the
    exact form to prefer when diacritics were typed or decoded, and the word to show."""

    forms: tuple[tuple[str, float], ...]
    exact: str | None
    shown: str
    how: str  # "typed", or how it was understood: "telex", "vni", "marks", "typo"
    # a question word of a question ("là gì", "như thế nào"): it asks for the answer and
    # describes none, so it weighs less, gets no slip candidates and no restored marks
    asking: bool = False
    # part of a formula the question is put in ("xin chào", "cho em hỏi", "cảm ơn":
    # `FRAMING_PHRASES`): neither matched nor scored nor highlighted, no slip candidates
    framing: bool = False
    # part of a letter's aside, the writer saying who they are ("Tôi là độc giả lâu năm",
    # `letters.introductions`): it may name the topic, so it is matched, but weighs little
    # and is never needed
    aside: bool = False
    # a slip candidate of a short query's word that reads far better between its neighbours
    # (`slips._hint`): "did you mean" shows it where the hits print it next to one of them, and
    # never the word as typed (`didyoumean.hinted_meanings`)
    hint: str = ""

    @property
    def changed(self) -> bool:
        return self.how != "typed"

    @property
    def keyed(self) -> bool:
        """Decoded from keys typed with the input method off ("Vieejt", "Vie65t")."""
        return self.how in ("telex", "vni")

    @property
    def in_full(self) -> tuple[str, ...]:
        """The forms the word is read as in full (weight 1.0: as understood, its other i/y
        spelling), not a guess weighed below it (raw keystrokes, a slip's candidates)."""
        return tuple(f for f, w in self.forms if w == 1.0)

    @property
    def marked(self) -> tuple[str, ...]:
        """The forms the hits mark: not a slip's candidates at the typo weight, other than the
        one the word is shown as; they match, to rank, but "xuat khua gao" (shown "xuất khẩu
        gạo") marked "khá" and "khả" in hits that print them."""
        shown = fold(self.shown)
        return tuple(f for f, w in self.forms if w > SUGGESTED_WEIGHT or f in (shown, iy_variant(shown)))


class Restores(Protocol):
    """What `interpret` needs of `indexer.restoration.Restorer`."""

    def restore(
        self, folded: Sequence[str], context: Iterable[str] = (), given: Sequence[str | None] = ()
    ) -> list[str] | None: ...

    def fit(self, options: Sequence[str], before: str | None = None, after: str | None = None) -> list[float]: ...

    def misfit(self, typed: str, before: str | None, after: str | None) -> str | None: ...

    def pair_count(self, a: str, b: str) -> float: ...

    def one_word(self, a: str, b: str) -> bool: ...

    def one_word_folded(self, a: str, b: str) -> bool: ...


def typed_case(typed: str, word: str) -> str:
    """A reading in the case the user typed the word in: capitals for capitals ("BCÁ" → "BÁC",
    "DANG" → "ĐẢNG", where the hits print "Đảng"), a lowercase reading capitalized ("Kệt" →
    "Kiệt"); otherwise a reading with capitals of its own (a name as the hits print it) stays."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if not word.islower() or not typed[:1].isupper():
        return word
    return word[:1].upper() + word[1:]


def new_forms(meaning: Meaning, spellings: Sequence[str], weight: float) -> tuple[tuple[str, float], ...]:
    """`spellings` the meaning does not match yet, each at `weight`."""
    known = {f for f, _ in meaning.forms}
    return tuple((c, weight) for c in spellings if c not in known)


def typed_meaning(tok: Syllable, text: str) -> Meaning:
    """A word that means what it says."""
    exact = tok.exact if tok.exact != tok.folded else None
    return Meaning(((tok.folded, 1.0),), exact, text[tok.start : tok.end], "typed")


def marks_given(token: Syllable, meaning: Meaning) -> tuple[str, str] | None:
    """(folded, exact) of a word the user gave marks: typed with them ("năm"), or keyed with
    the input method off ("nawm"); None for a word typed plain, even when restoration read
    marks into it (a guess is no request)."""
    if meaning.how in ("telex", "vni", "marks") and meaning.exact:
        return meaning.forms[0][0], meaning.exact
    if has_marks(token.exact):
        return token.folded, token.exact
    return None
