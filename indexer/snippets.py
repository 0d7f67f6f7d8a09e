"""Snippets and highlighting, cut from the stored original text.

Highlights come from re-analyzing the original text with the same analyzer as the index, so
they follow it exactly (diacritic-insensitive, tone-style-insensitive) and offsets are exact.
Everything but our own <mark> tags is HTML-escaped.
"""

from __future__ import annotations

import copy
import html
import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any, NamedTuple

from indexer.analysis import MAX_TOKEN_CHARS, canonical_syllable, fold_quick, gap_joins
from indexer.columns import syllable_spans
from indexer.sentences import sentence_spans

SNIPPET_CHARS = 240
SNIPPET_SCAN_CHARS = 20_000  # snippets come from the first 20,000 characters of a paragraph
MAX_CAPTIONS_SHOWN = 3
Scan = tuple[list[int], list[str]]  # where a block's one scan found terms, and which (folded)

# --- snippets and highlighting -----------------------------------------------------------------

# After folding, only these are known to hold no letter the analyzer folds differently.
_UNBOUNDED = re.compile(r"[^\x00-\x7f\u00a0-\u00bf\u2000-\u206f]")


class Marks(NamedTuple):
    """Where the query terms stand in a piece of text chosen to show (a title, a snippet, a
    caption): `Highlighter.render` marks them. Kept apart from the HTML so that the same
    choice can be marked again once the query's reading is known (`Highlighter.reading`)."""

    text: str
    matches: list[tuple[int, int, str]]
    lo: int
    hi: int
    prefix: str = ""
    suffix: str = ""

    @property
    def plain(self) -> str:
        """The text shown, unmarked."""
        return self.prefix + self.text[self.lo : self.hi] + self.suffix


class HighlightRequest:
    """What a query asks to be marked, collected while its query is built
    (`ranking.QueryBuilder.highlight`): the folded terms, the spellings typed with marks,
    the phrases marked only whole, the question words marked only beside other words.
    `highlighter()` makes the `Highlighter` that marks them."""

    def __init__(self) -> None:
        self.terms: set[str] = set()
        # expansions of an abbreviation the user did not type ("tài nguyên và môi trường" for
        # "TN&MT") and quoted phrases: marked only where they stand whole, not "môi trường" or
        # "trưởng" alone
        self.phrases: set[tuple[str, ...]] = set()
        # a quoted phrase's places where the user typed punctuation ("Hà Nội, Việt Nam": 2):
        # there the phrase stands whole across punctuation, as its search matches it
        self.apart: dict[tuple[str, ...], frozenset[int]] = {}
        self._typed_exact: dict[str, set[str]] = {}  # folded term -> the marks typed (or keyed) on it
        self._any_marks: set[str] = set()  # folded terms some word asks for in any spelling
        # question words ("là gì", "ở đâu"): marked only beside another word asked, not every
        # "là" and "ở" of every snippet (`beside`)
        self._asking: set[str] = set()
        # a long query's words most articles print ("và", "các": `ranking.MARKED_BESIDE_SHARE`):
        # marked beside another word asked, or beside each other where the query has them so
        # (`joined`: "Việt Nam", "bệnh nhân")
        self._common: set[str] = set()
        self.joined: set[tuple[str, str]] = set()
        self._other: set[str] = set()
        # the words of a quoted phrase held to the marks typed (`ranking.QueryBuilder._clause`),
        # in the query last built: its hits print them so, and only so are they marked
        self.held: set[str] = set()

    def term(self, form: str, exact: str | None = None, alone: bool = True) -> None:
        """Note a folded term to mark; `exact`: the only spelling the user asked for;
        `alone`: marked wherever it stands (not only inside a phrase of `phrases`)."""
        if alone:
            self.terms.add(form)
        if exact is None:
            self._any_marks.add(form)
        else:
            self._typed_exact.setdefault(form, set()).add(exact)

    def phrase(self, words: tuple[str, ...], apart: Collection[int] = ()) -> None:
        """Note a phrase marked only whole; `apart`: the places of its words that follow
        punctuation, which may stand between them there."""
        self.phrases.add(words)
        if apart:
            self.apart[words] = frozenset(apart)

    def word(self, form: str, asking: bool, common: bool = False) -> None:
        """Note a form of a query word: of a question word (`asking`), of a word most articles
        print (`common`), or of another word."""
        (self._asking if asking else self._common if common else self._other).add(form)

    def join(self, first: str, second: str) -> None:
        """Note two words most articles print that the query has side by side (`joined`)."""
        self.joined.add((first, second))

    @property
    def exact(self) -> dict[str, frozenset[str]]:
        """Terms every query word asked for with marks typed or keyed ("năm"), and those
        spellings (`Highlighter`: where a text prints one of them, its other spellings there,
        "Nam", are not marked)."""
        return {f: frozenset(e) for f, e in self._typed_exact.items() if f not in self._any_marks}

    @property
    def beside(self) -> set[str]:
        """Terms marked only where they stand next to another query term (the question words:
        "chính là", not every "là"; a long query's words most articles print); a term some
        other word asks for is not."""
        return (self._asking | self._common) - self._other

    def highlighter(self) -> Highlighter:
        return Highlighter(self.terms, self.exact, self.phrases, self.beside, self.held, self.apart, self.joined)


class Highlighter:
    """Marks query terms in original text. Everything but our own <mark> tags is escaped."""

    def __init__(
        self,
        folded_terms: set[str],
        exact: Mapping[str, frozenset[str]] | None = None,
        phrases: set[tuple[str, ...]] | None = None,
        beside: set[str] | None = None,
        held: set[str] | None = None,
        apart: Mapping[tuple[str, ...], frozenset[int]] | None = None,
        joined: set[tuple[str, str]] | None = None,
    ) -> None:
        # `phrases` (`HighlightRequest.phrases`): syllable sequences marked only
        # where they stand whole; a syllable of theirs that is no term of its own is found as a
        # term, then dropped where it stands outside one (`_whole_phrases`)
        self.phrases = {p for p in phrases or () if len(p) > 1}
        self._phrase_only = {f for p in self.phrases for f in p} - folded_terms
        self.apart = {p: a for p, a in (apart or {}).items() if p in self.phrases}  # (`HighlightRequest.apart`)
        folded_terms = folded_terms | self._phrase_only
        self.terms = folded_terms
        # `beside` (`HighlightRequest.beside`): terms marked only where they stand
        # next to a match of another term (`_beside_others`)
        self.beside = set(beside or ()) & folded_terms
        self.joined = set(joined or ())  # ... and pairs of them that stand as the query has them
        # terms asked for with marks ("năm"; `HighlightRequest.exact`): where a
        # text prints one of those spellings, its other spellings there ("Nam") stay unmarked
        self.exact = dict(exact or {})
        # `held` (`HighlightRequest.held`): terms of a quoted phrase held to the marks typed,
        # marked only where printed so: `"ban đầu"` is never "bán đấu", even in a snippet that
        # shows no "ban đầu" (`_standing`)
        self.held = {f for f in held or () if f in self.exact}
        self._printed: set[str] | None = None  # `within`: the asked terms a document prints as asked
        self._words = _whole_words(folded_terms)
        # No term holds a space, so no match crosses from one sentence to the next: a block's
        # matches can be found in one scan (`_candidates`).
        self._one_scan = self._words is not None and not any(re.search(r"\s", t) for t in folded_terms)

    def _matches(self, text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str]]:
        """(start, end, folded term) of the query terms in text[lo:hi], with offsets into `text`.
        `lo` and `hi` are word boundaries (sentence ends, or spaces), so the analyzer breaks the
        slice where it breaks the whole."""
        return self._standing(text, self._syllables(text, lo, hi))

    def _syllables(self, text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str]]:
        """`_matches` before `_standing`: every syllable that is a term."""
        terms = self.terms
        return [(lo + s, lo + e, f) for s, e, f in syllable_spans(text[lo:hi]) if f in terms]

    def _standing(self, text: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """`matches` (in text order) that stand where they are marked: `held` terms printed as
        asked, phrases whole (`_whole_phrases`), `beside` terms next to another term
        (`_beside_others`)."""
        if self.held:
            held, exact = self.held, self.exact
            matches = [m for m in matches if m[2] not in held or _exact_form(text[m[0] : m[1]]) in exact[m[2]]]
        return self._beside_others(text, self._whole_phrases(text, matches))

    def _whole_phrases(self, text: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """`matches` (in text order) less the syllables of `phrases` that are no term of their
        own and stand outside a whole phrase: one that holds them in order, each next to the one
        before (`_adjacent`; only punctuation between where the phrase was typed with it)."""
        if not self._phrase_only or not any(m[2] in self._phrase_only for m in matches):
            return matches
        whole: set[int] = set()
        for phrase in self.phrases:
            k = len(phrase)
            apart = self.apart.get(phrase, frozenset())
            for i in range(len(matches) - k + 1):
                if all(matches[i + j][2] == phrase[j] for j in range(k)) and all(
                    _adjacent(text, matches[i + j][1], matches[i + j + 1][0])
                    or (j + 1 in apart and _punctuation_between(text, matches[i + j][1], matches[i + j + 1][0]))
                    for j in range(k - 1)
                ):
                    whole.update(range(i, i + k))
        return [m for i, m in enumerate(matches) if i in whole or m[2] not in self._phrase_only]

    def _beside_others(self, text: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """`matches` (in text order) less those of `beside` terms that stand apart from every
        match of another term, directly or through other such matches: "nguyên nhân là gì"
        is marked whole, a lone "là" is not. Two `joined` terms side by side, as the query has
        them, stand together ("Việt Nam" of a pasted headline, both in most articles)."""
        if not self.beside or not any(m[2] in self.beside for m in matches):
            return matches
        keep = [m[2] not in self.beside for m in matches]
        for i in range(1, len(matches)):
            if (matches[i - 1][2], matches[i][2]) in self.joined and _adjacent(text, matches[i - 1][1], matches[i][0]):
                keep[i - 1] = keep[i] = True
        for i in range(1, len(matches)):  # next to a kept match on its left
            keep[i] = keep[i] or (keep[i - 1] and _adjacent(text, matches[i - 1][1], matches[i][0]))
        for i in range(len(matches) - 2, -1, -1):  # ... or on its right
            keep[i] = keep[i] or (keep[i + 1] and _adjacent(text, matches[i][1], matches[i + 1][0]))
        return [m for m, k in zip(matches, keep, strict=True) if k]

    def mark(self, text: str, matches: list[tuple[int, int, str]], lo: int = 0, hi: int | None = None) -> str:
        hi = len(text) if hi is None else hi
        out: list[str] = []
        pos = lo
        shown = self._as_asked(text, _inside(matches, lo, hi))
        spans = _merge_spans([(s, e) for s, e, _ in shown], text)
        for s, e in spans:
            out.append(html.escape(text[pos:s]))
            out.append(f"<mark>{html.escape(text[s:e])}</mark>")
            pos = e
        out.append(html.escape(text[pos:hi]))
        return "".join(out)

    def _as_asked(self, text: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """`matches` less, for each term asked for with marks that `text` prints here as asked,
        its other spellings: "Việt Nam, năm 2017" for "năm" marks "năm" only. Where the text
        holds no such spelling, its folded matches stay marked: they are why it matched."""
        if not self.exact:
            return matches
        asked = self._printed if self._printed is not None else self._printed_as_asked(text, matches)
        if not asked:
            return matches
        return [m for m in matches if m[2] not in asked or _exact_form(text[m[0] : m[1]]) in self.exact[m[2]]]

    def _printed_as_asked(self, text: str, matches: list[tuple[int, int, str]]) -> set[str]:
        """The terms asked for with marks that `matches` (in `text`) hold as asked: in one of
        their spellings, which may be another term's ("mĩ" asks for "mỹ" too)."""
        printed = {_exact_form(text[s:e]) for s, e, f in matches if f in self.exact}
        return {f for f, spellings in self.exact.items() if spellings & printed}

    def within(self, texts: Sequence[str]) -> Highlighter:
        """This highlighter for one document made of `texts` (an article's title, lead,
        paragraphs, captions): a term asked for with marks that the document prints as asked
        anywhere is marked only so everywhere in it, not paragraph by paragraph."""
        one = self._one_text((t, self._matches(t)) for t in texts)
        # an article page may show an article that only the phrase with any marks found
        # (`ranking.QueryBuilder.attempts`): its words are held where it prints them as asked
        one.held = self.held & (one._printed or set())
        return one

    def within_shown(self, shown: Sequence[Marks], prints: Callable[[str], bool] | None = None) -> Highlighter:
        """This highlighter for one hit of a results page, as `within` for its article page,
        over what the hit shows (its title, snippet and captions, whose terms are known): a
        title's "Vũ" is not marked for "vụ" where the snippet prints "vụ án". `prints(term)`:
        whether the article prints a term asked for with marks as asked, asked only of a term
        shown in other spellings alone: marked only so here too (`Hà Nội Đà Nẵng` marked "nơi"
        in a hit whose snippet and title hold no "Nội", where its article prints "Hà Nội")."""
        one = self._one_text((m.text, _inside(m.matches, m.lo, m.hi)) for m in shown)
        if prints is not None and one._printed is not None:
            other = {t for m in shown for _, _, t in _inside(m.matches, m.lo, m.hi) if t in self.exact} - one._printed
            one._printed = one._printed | {t for t in other if prints(t)}
        return one

    def _one_text(self, pieces: Iterable[tuple[str, list[tuple[int, int, str]]]]) -> Highlighter:
        """A copy reading the (text, matches) `pieces` as one text (`within`); the pieces, a
        generator, are analyzed only when a term was asked for with marks."""
        one = copy.copy(self)
        if self.exact:
            one._printed = set().union(*(self._printed_as_asked(text, matches) for text, matches in pieces))
        return one

    def mark_all(self, text: str, folded: str | None = None) -> str:
        """`text` with every query term marked; `folded`: its `fold_quick` form, when at hand
        (then only the pieces holding a hit of one scan are analyzed: `_analyzed`)."""
        return self.render(self.all_marks(text, folded))

    def all_marks(self, text: str, folded: str | None = None) -> Marks:
        """`mark_all`'s terms, not yet marked."""
        return Marks(text, self._analyzed(text, 0, len(text), self._scan(text, folded)), 0, len(text))

    def render(self, marks: Marks | None) -> str:
        """The marked HTML of a title, snippet or caption; "" for none."""
        if marks is None:
            return ""
        return marks.prefix + self.mark(marks.text, marks.matches, marks.lo, marks.hi) + marks.suffix

    def reading(self, exact: Mapping[str, frozenset[str]]) -> Highlighter:
        """This highlighter, with the spellings a query typed without marks was read as
        (`didyoumean.reading_spellings`) asked for as if typed: marked where a text prints
        them, its other spellings there left unmarked ("bao nhiêu", not the "báo" of "báo
        cáo"). Marks typed or keyed stay as asked."""
        one = copy.copy(self)
        one.exact = {**exact, **self.exact}
        return one

    def snippet(
        self, article: dict[str, Any], limit: int = SNIPPET_CHARS, folded_blocks: Sequence[str] | None = None
    ) -> str:
        """The marked snippet of `snippet_marks`; "" for an article with no text. (The service
        renders `snippet_marks` itself, once "did you mean" is known; this is for tests.)"""
        return self.render(self.snippet_marks(article, limit, folded_blocks))

    def snippet_marks(
        self, article: dict[str, Any], limit: int = SNIPPET_CHARS, folded_blocks: Sequence[str] | None = None
    ) -> Marks | None:
        """The sentence with the most distinct query terms, then the most of those asked for
        with marks printed as asked (`_asked_here`), then the most of them standing
        together (`_together`: "giá vàng" over "giá xăng … vàng"), then the most matches
        (earliest wins ties), widened with its neighbours up to `limit` characters, cut at
        word boundaries.

        Re-analyzing every paragraph of ten articles was half of a keyword query's time, so
        sentences are first bounded from above by a C-speed whole-word count on their folded
        text (`_bounds`), visited best bound first, and only sentences that may still win are
        analyzed: the choice is the one a full analysis makes. `folded_blocks`: the lead
        and paragraphs already folded by `fold_quick` (the proximity re-rank folded them)."""
        raw = [article.get("lead") or "", *(article.get("paragraphs") or [])]
        folded = list(folded_blocks) if folded_blocks is not None else [None] * len(raw)
        # a 1 MB paragraph must not cost seconds per hit: only its start is scanned
        pairs = [(b[:SNIPPET_SCAN_CHARS], f[:SNIPPET_SCAN_CHARS] if f is not None else None)
                 for b, f in zip(raw, folded, strict=True) if b]
        blocks = [b for b, _ in pairs]
        # (-distinct, -count, block, sentence start, end) of each sentence's bound
        candidates: list[tuple[int, int, int, int, int]] = []
        scans: list[Scan | None] = []  # each block's one-scan hits, if it was scanned once
        for index, (block, folded_block) in enumerate(pairs):
            bounded, scan = self._candidates(block, folded_block, first=index == 0)
            scans.append(scan)
            for (s, e), (distinct, count) in bounded:
                candidates.append((-distinct, -count, index, s, e))
        if not candidates:
            return None
        candidates.sort()
        best: tuple[int, int, int, int, int, int] | None = None
        best_index, best_span, best_inside = 0, (0, 0), []
        for neg_distinct, neg_count, index, s, e in candidates:
            # of `count` matches, at most count - 1 stand next to the one before (`_together`);
            # at most every distinct term is printed as asked (none where none was asked so)
            bound = (neg_distinct, neg_distinct if self.exact else 0, min(0, neg_count + 1), neg_count, index, s)
            if best is not None and bound > best:
                break  # no sentence left can beat the best (bounds only overestimate)
            inside = self._analyzed(blocks[index], s, e, scans[index]) if neg_distinct else []
            key = (-len({m[2] for m in inside}), -self._asked_here(blocks[index], inside),
                   -_together(blocks[index], inside), -len(inside), index, s)
            if best is None or key < best:
                best, best_index, best_span, best_inside = key, index, (s, e), inside
        best_text = blocks[best_index]
        s, e = _widen(best_text, best_span, limit, best_inside)
        prefix = "… " if s > 0 else ""
        suffix = " …" if e < len(best_text) else ""
        matches = self._widened_matches(best_text, s, e, best_span, best_inside, scans[best_index])
        return Marks(best_text, matches, s, e, prefix, suffix)

    def _asked_here(self, text: str, matches: list[tuple[int, int, str]]) -> int:
        """How many of the terms asked for with marks `matches` hold as asked: a sentence
        printing "má" is the snippet for `má`, not the first printing "mà", which was then left
        unmarked (its article prints "má" elsewhere: `within_shown`), 1 to 4 hits of a page
        showing nothing marked (bug hunt 75)."""
        return len(self._printed_as_asked(text, matches)) if self.exact else 0

    def _widened_matches(
        self, text: str, s: int, e: int, span: tuple[int, int], inside: list[tuple[int, int, str]],
        scan: Scan | None = None,
    ) -> list[tuple[int, int, str]]:
        """`_matches(text, s, e)` for a snippet widened from the sentence `span`, whose matches
        (`inside`) are known: only the neighbours around it are analyzed (the sentence is a
        third of the analysis a snippet costs). A sentence's ends are word boundaries, so the
        pieces break where the whole does. `scan`: as for `_analyzed`."""
        lo, hi = span
        if not s <= lo <= hi <= e:  # cut inside a long sentence
            return self._analyzed(text, s, e, scan)
        before = self._analyzed(text, s, lo, scan) if s < lo else []
        after = self._analyzed(text, hi, e, scan) if hi < e else []
        return [*before, *inside, *after]

    def _analyzed(self, text: str, lo: int, hi: int, scan: Scan | None) -> list[tuple[int, int, str]]:
        """`_matches(text, lo, hi)`, analyzing only the pieces between spaces that hold a hit of
        the block's one scan (`scan`, from `_candidates`; None: analyze it all). Every syllable
        the analyzer finds that is a query term is a whole word of the folded text, which the
        scan finds or overlaps (it takes the longest term first), and no term holds a space:
        so each match lies in such a piece, and a piece cut at spaces breaks where the whole
        does. Analysis was a sixth of a query's time, for the few words that are terms."""
        if scan is None:
            return self._matches(text, lo, hi)
        starts, terms = scan
        out: list[tuple[int, int, str]] = []
        done = lo  # analyzed up to here
        for i in range(bisect_left(starts, lo), len(starts)):
            at = starts[i]
            if at >= hi:
                break
            if at < done:
                continue  # in the piece just analyzed
            space = text.rfind(" ", done, at)
            start = done if space < 0 else space + 1
            space = text.find(" ", at + len(terms[i]), hi)
            done = hi if space < 0 else space
            out += self._syllables(text, start, done)
        return self._standing(text, out)

    def _candidates(
        self, text: str, folded: str | None, first: bool
    ) -> tuple[list[tuple[tuple[int, int], tuple[int, int]]], Scan | None]:
        """(span, bound) of the sentences of a block that may hold a query term (`_bounds`),
        and the block's first sentence when it is the first block. The rest are left out: a
        sentence without a term can win only as the earliest of all (every term-less sentence
        ties, and the earliest wins ties), which is the first block's first sentence.

        The block's folded text is scanned once for the terms, not once per sentence, and a
        block without any is not cut into sentences (28% of the paragraphs of the workload's hits).
        Second: that scan's hits (`Scan`), or None when the block was bounded sentence by sentence."""
        scan = self._scan(text, folded)
        if scan is None:
            spans = sentence_spans(text)
            pairs = list(zip(spans, self._bounds(text, spans, folded), strict=True))
            return [p for i, p in enumerate(pairs) if p[1][0] or (first and i == 0)], None
        if not scan[0]:
            return ([(sentence_spans(text, through=0)[0], (0, 0))] if first else []), scan
        spans = sentence_spans(text, through=scan[0][-1])
        starts = [s for s, _ in spans]
        by_sentence: dict[int, list[str]] = {}
        for at, term in zip(*scan, strict=True):  # a match lies inside one sentence (none holds a space)
            by_sentence.setdefault(bisect_right(starts, at) - 1, []).append(term)
        out = [(spans[i], (len(set(terms)), len(terms))) for i, terms in by_sentence.items()]
        if first and 0 not in by_sentence:
            out.insert(0, (spans[0], (0, 0)))
        return out, scan

    def _scan(self, text: str, folded: str | None) -> Scan | None:
        """Where the terms stand in `text` as whole words of its folded form, in one scan; None
        when that cannot bound the analyzer (a term with a space, no folded text of the same
        length, or a letter folding to something `_whole_words` cannot vouch for)."""
        if not self._one_scan or folded is None or len(folded) != len(text) or _UNBOUNDED.search(folded):
            return None
        assert self._words is not None
        starts: list[int] = []
        terms: list[str] = []
        for m in self._words.finditer(folded):
            starts.append(m.start())
            terms.append(m.group())
        return starts, terms

    def _bounds(
        self, text: str, spans: list[tuple[int, int]], folded: str | None = None
    ) -> list[tuple[int, int]]:
        """For each span of `text`, at least as many distinct query terms, and occurrences, as
        the analyzer finds there: every syllable it indexes, folded, is a whole word of the
        folded text (`_whole_words`), as long as folding left nothing but ASCII and punctuation
        (otherwise the span has no bound and is analyzed)."""
        if self._words is None:
            return [(0, 0)] * len(spans)
        if folded is None:
            folded = fold_quick(text)
        if len(folded) != len(text):  # a letter lower-cased or folded into two: no offsets
            folded, spans = "", [(0, 0)] * len(spans)
        bounds = []
        for s, e in spans:
            if not folded or _UNBOUNDED.search(folded, s, e):
                bounds.append((len(self.terms), len(text)))
                continue
            found = self._words.findall(folded, s, e)  # no groups: the whole matches
            bounds.append((len(set(found)), len(found)))
        return bounds

    def captions(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        """Captions holding at least half of the distinct query terms (at least one), best
        first: `{"index", "position", "html"}`. (The service renders `caption_marks` itself;
        this is for tests.)"""
        return [{**shown, "html": self.render(marks)} for shown, marks in self.caption_marks(article)]

    def caption_marks(self, article: dict[str, Any]) -> list[tuple[dict[str, Any], Marks]]:
        """`captions`, each as its `{"index", "position"}` and its terms, not yet marked."""
        scored = []
        for index, cap in enumerate(article.get("captions") or []):
            cap = {**cap, "text": cap["text"][:SNIPPET_SCAN_CHARS]}
            matches = self._matches(cap["text"]) if self._bounds(cap["text"], [(0, len(cap["text"]))])[0][0] else []
            distinct = len({m[2] for m in matches})
            if distinct:
                scored.append((distinct, index, cap, matches))
        if not scored:
            return []
        need = max(1, math.ceil(min(len(self.terms), max(d for d, *_ in scored)) / 2))
        scored = [s for s in scored if s[0] >= need]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [
            ({"index": index, "position": cap["position"]}, Marks(cap["text"], matches, 0, len(cap["text"])))
            for _, index, cap, matches in scored[:MAX_CAPTIONS_SHOWN]
        ]


def _inside(matches: list[tuple[int, int, str]], lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The `matches` that lie within text[lo:hi] (the part of a text shown, a sentence)."""
    return [m for m in matches if lo <= m[0] and m[1] <= hi]


def _adjacent(text: str, end: int, start: int) -> bool:
    """Whether the syllables ending at `end` and starting at `start` stand together as the
    index pairs them: nothing but spaces, or a bare hyphen or "&" between (`gap_joins`), or
    the dot of "TP.HCM"."""
    return gap_joins(text, end, start) or text[end:start] == "."


def _punctuation_between(text: str, end: int, start: int) -> bool:
    """Whether only punctuation and spaces stand between two syllables: no word."""
    return start > end and not _WORD_CHAR.search(text, end, start)


_WORD_CHAR = re.compile(r"\w")

# A matched syllable's spelling, compared with the marks a query word was typed with: the
# same few words recur in every snippet of a page and across queries.
_exact_form = lru_cache(maxsize=8192)(canonical_syllable)


def _whole_words(terms: set[str]) -> re.Pattern[str] | None:
    """The terms as whole words of folded text. The analyzer never breaks between two letters
    or digits, so a syllable it finds is never glued to one; only a syllable cut at
    MAX_TOKEN_CHARS may continue.

    "Not glued" is `(?<![0-9a-z_])` … `(?![0-9a-z_])`. Folded text has no upper-case ASCII
    (`fold_quick` lower-cases and folds to lower case), so where every term starts and ends
    with one of [0-9a-z_] that is ASCII `\b`, which the regular expression engine scans for
    ~1.6× as fast (snippets scan every paragraph of every hit)."""
    if not terms:
        return None
    whole_terms = sorted((t for t in terms if len(t) < MAX_TOKEN_CHARS), key=len, reverse=True)
    cut_terms = [t for t in terms if len(t) >= MAX_TOKEN_CHARS]
    whole = "|".join(map(re.escape, whole_terms))
    cut = "|".join(map(re.escape, cut_terms))
    if all(_WORD_EDGES.fullmatch(t) for t in terms):
        alternatives = [f"\\b(?:{whole})\\b"] if whole else []
        if cut:
            alternatives.append(f"\\b(?:{cut})")
        return re.compile("|".join(alternatives), re.ASCII)
    edge = "(?<![0-9a-z_])"
    alternatives = [f"{edge}(?:{whole})(?![0-9a-z_])"] if whole else []
    if cut:
        alternatives.append(f"{edge}(?:{cut})")
    return re.compile("|".join(alternatives))


_WORD_EDGES = re.compile(r"[0-9a-z_](?:.*[0-9a-z_])?", re.DOTALL)


def _widen(text: str, span: tuple[int, int], limit: int, matches: list[tuple[int, int, str]]) -> tuple[int, int]:
    """The snippet's window around the sentence `span`: the sentence and its neighbours up to
    `limit` characters, or, in a sentence longer than that, its stretch with the most query
    terms (`_best_stretch`); cut at word boundaries."""
    s, e = span
    if e - s > limit:
        s = _best_stretch(text, span, limit, _inside(matches, s, e))
        e = min(e, s + limit)
    else:
        room = limit - (e - s)
        e = min(len(text), e + room)
        if e - s < limit and s > 0:
            s = max(0, s - (limit - (e - s)))
    # cut at word boundaries (never inside a syllable), keeping the first match shown: in a
    # long run without spaces (a URL) the next space may lie past it, or past the end
    shown = _inside(matches, s, e)
    return _cut_after(text, s, shown[0][0] if shown else e), _cut_before(text, e, shown[0][1] if shown else s)


def _cut_after(text: str, s: int, stop: int) -> int:
    """The first word boundary from `s` on, at `stop` at the latest: after a space, else after
    a character that is no letter or digit ("/" in a URL), else `stop`."""
    if s <= 0:
        return 0
    for p in range(s, stop + 1):
        if text[p - 1].isspace():
            return p
    return next((p for p in range(s, stop + 1) if not text[p - 1].isalnum()), stop)


def _cut_before(text: str, e: int, stop: int) -> int:
    """The last word boundary up to `e`, at `stop` at the earliest: at a space, else at a
    character that is no letter or digit, else `e` itself (inside a run too long to show)."""
    if e >= len(text):
        return len(text)
    for p in range(e, stop - 1, -1):
        if text[p].isspace():
            return p
    return next((p for p in range(e, stop - 1, -1) if not text[p].isalnum()), e)


STRETCH_LEAD = 4  # a stretch starts a quarter of the snippet before the match it is built on


def _best_stretch(text: str, span: tuple[int, int], limit: int, inside: list[tuple[int, int, str]]) -> int:
    """Where the snippet starts in a sentence longer than it: the stretch of `limit`
    characters, started a little before a match, that holds the most distinct query terms,
    then the most of them standing together (`_adjacent`: the phrase asked for), then the
    most matches; the earliest wins ties. A long sentence (a list of bodies: "Ban cán sự đảng
    …, UBKT Đảng ủy Khối Doanh nghiệp Trung ương …") shows the words asked for together, not
    the first of them alone."""
    s, e = span
    best_key: tuple[int, int, int] | None = None
    best = s
    starts = [m[0] for m in inside]
    for first in inside:
        lo = max(s, first[0] - limit // STRETCH_LEAD)
        hi = min(e, lo + limit)
        shown = inside[bisect_left(starts, lo) : bisect_right(starts, hi)]  # in text order
        shown = [m for m in shown if m[1] <= hi]
        key = (len({m[2] for m in shown}), _together(text, shown), len(shown))
        if best_key is None or key > best_key:
            best_key, best = key, lo
    return best


def _together(text: str, matches: list[tuple[int, int, str]]) -> int:
    """How many of `matches` (in text order) stand next to the one before (`_adjacent`): the
    query's words shown as the phrase they make, not scattered."""
    return sum(_adjacent(text, a[1], b[0]) for a, b in pairwise(matches))


def _merge_spans(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Marked syllables that stand together (`_adjacent`) become one mark: <mark>Đảng ủy</mark>,
    <mark>TN&MT</mark>, <mark>TP.HCM</mark>."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and (s <= merged[-1][1] or _adjacent(text, merged[-1][1], s)):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged
