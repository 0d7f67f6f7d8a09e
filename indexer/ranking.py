"""Ranking: how a parsed query becomes a query tree that says what matches and how it scores.

The design, from the relevance harness (bench/relevance.py: keyword, headline and question sets
in every query form, with a plain BM25 beside):

* **Every word is optional, with a minimum that scales with query length** (`minimum_match`):
  all of a 1–2 word query, then a share that falls as queries grow. A hard AND dropped the
  article a question was written about as soon as one question word was absent from it; a
  plain OR lets long queries match everything. Words the index does not hold at all are not
  counted, nor are a question's question words ("gì", "nào", "bao nhiêu"): they say what kind
  of answer is wanted, which the answer seldom repeats (vinewsqa: "Strydom làm nghề gì?"
  needed three of four words, and its article holds "Strydom" and "làm" only; MRR@10 +0.003
  accented and plain, 6 questions up, none down). When no article reaches the minimum, any
  word will do. Either way an article must hold a word the query is about: question words
  alone reached the minimum of "Salmonella là gì?" in 789 articles, which said nothing of it.
* **BM25F across fields** (`indexer.matching`): a term's frequencies in title, lead, body and
  captions are weighted and added BEFORE saturation, with one idf for the article. Summing a
  BM25 per field (what we did before) let a title sharing two query words outrank the body
  that answers the question. The weights depend on what the query is (`QueryBuilder.written`):
  a keyword search or a pasted headline names its topic, which the title and lead state
  (`FIELD_WEIGHTS`, title ×3, lead ×2); a question or a letter asks about what the body says
  (`QUESTION_FIELD_WEIGHTS`, ×2 and ×1.5, the weights every query had until stop 35).
  Measured on five headline samples nobody had tuned on (2,000 headlines), keywords over the
  whole news-50k and the harness's sets (bench/journal/relevance.md, stop 35). Pasted text
  (PARAGRAPH_WORDS words, not a question) is length-normalized harder (PARAGRAPH_B): its
  many words are held in part by any long report, which is no likelier its source (stop 73).
* **Adjacent pairs** of query syllables score from the bigram fields (multi-syllable words and
  names rank above scattered syllables), **diacritics typed** score from the exact-form fields
  ("năm" over "Nam"), both as optional boosts that never decide what matches. A pair of words
  read in several spellings ("Ban Ki": "ban ki", "ban ky") scores once, at its best: an article
  printing "Ban kỉ luật" and "Ban Kỷ luật" holds one pair of `Ban Ki-moon`, not two (stop 56).
* **Question words** ("là gì", "bao nhiêu", "như thế nào", "có … không") say what kind of
  answer is wanted, not what it is about: in a query that reads as a question they weigh
  little, as do pairs that involve them.
* **A question put as a letter** ("Xin chào, cho em hỏi … Em cảm ơn!"): its greeting, leave
  to ask and thanks (`indexer.letters.FRAMING_PHRASES`, `Meaning.framing`) are not searched for:
  they say how the question is asked, and counted they made the answer miss the minimum.
  Where its writer says who they are ("Tôi là độc giả lâu năm của báo"), the words weigh as
  a question word does, and are never needed (`ASIDE_WEIGHT`, `Meaning.aside`): they may name
  the topic ("tôi là f0, …"), but most often only who asks (bench/journal/relevance.md, stop 44).
* **Re-ranking the best matches** by where the query's words stand in their text (the densest
  window, rare words together, the opening in the query's order, numbers beside their words,
  pairs printed as typed) is `indexer.proximity`, which says why each counts.
* **A quoted phrase typed with marks holds to them** (`QueryBuilder._phrase_spellings`,
  `matching.PrintedPhrase`): each word typed with marks as typed (either i/y spelling), checked
  against the words the article prints (`indexer.forward`), so `"ban đầu"` finds no "bán đấu
  giá" and marks none. A word typed bare matches any marks ("Binh Dương" has lost one), and
  where no article prints the phrase as asked it is found with any marks (`attempts`). A
  phrase typed plain is diacritic-insensitive.
* What each word MEANS comes from `indexer.meanings.interpret`: keyboard-off input decoded,
  likely spellings of a word found nowhere in the index (or that a slip may have made), each
  form with its own weight, below the word as typed, so a typo never outranks a correctly
  typed match; and, for a long query typed without marks, the exact forms to prefer.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from itertools import pairwise, product
from typing import Any, Literal

from whoosh import query as wq

from indexer.analysis import Syllable, fold, has_marks, iy_spellings
from indexer.forward import WORD
from indexer.keyboard import could_be_syllable
from indexer.matching import AtLeast, B, FieldsTerm, PrintedPhrase
from indexer.meanings import date_runs, interpret
from indexer.proximity import (
    PROXIMITY_WEIGHT,
    RARE_FROM_WORDS,
    WHOLE_QUERY_WORDS,
    WINDOW,
    Aliases,
    DocFrequency,
    Groups,
    PrintedRun,
    word_groups,
)
from indexer.query import PASTED_WORDS, Abbreviations, Clause, ParsedQuery
from indexer.questions import asks_as_spelled
from indexer.snippets import HighlightRequest
from indexer.word_meaning import Meaning, Restores, marks_given, typed_meaning

# --- knobs (tuned on bench/relevance.py; see the README's "Ranking") ------------------------

# BM25F field weights. A keyword search or a pasted headline names its topic, which the title
# and the lead state; a question asks about a detail the body gives (`QueryBuilder.written`).
FIELD_WEIGHTS = {"title": 3.0, "lead": 2.0, "body": 1.0, "caption": 1.0}
QUESTION_FIELD_WEIGHTS = {"title": 2.0, "lead": 1.5, "body": 1.0, "caption": 1.0}
# A page with no title is shown under its lead's first sentence (`ingest.derive_title`), which the
# lead field holds already: weighed as a title too, that sentence counts five times the body. A
# topic query (keywords, a headline, a letter around either) names what a title states, and that
# sentence is the nearest the page has to one; a question asks about a detail and a passage words
# the article's text, so for them a derived title weighs this much (× the title's field weight),
# as the lead's sentence only.
# Stop 48, every title hidden: legal questions 0.8115 -> 0.8160, leads 0.9150 -> 0.9185 (fresh
# leads 0.8968 -> 0.8999), headlines read as questions 0.9502 -> 0.9527. Weighed 0 for every
# query, it cost headlines (typo 0.9451 -> 0.9396, two of three fresh samples; bench/journal/relevance.md, stop 48).
DERIVED_TITLE_WEIGHT = 0.0
BIGRAM_WEIGHT = 1.0  # an adjacent pair, relative to one syllable
EXACT_WEIGHT = 0.3  # a syllable typed with diacritics found with exactly those diacritics
QUESTION_WEIGHT = 0.5  # a question word inside a question
ASIDE_WEIGHT = 0.5  # a word of a letter's aside, the writer saying who they are (`Meaning.aside`)
PASSAGE_WORDS = 20  # a run of this many words or more is a passage: a fifth of it must match (`minimum_match`)
# In a long query (RARE_FROM_WORDS words or more: a pasted headline, a question) a word printed in
# more than this share of the archive's articles ("và", "của", "các", "ở") is marked only beside
# another word of the query, as a question word is, or beside another such word the query has
# next to it ("Việt Nam": `HighlightRequest.joined`): BM25's own idf gives a word in more than
# half the articles nothing to say, and marked alone such words were a quarter of a pasted
# headline's marks and chose its snippets (`_marked_beside`).
MARKED_BESIDE_SHARE = 0.5
# A pasted paragraph (PARAGRAPH_WORDS words or more, not a question) is matched with BM25's length
# normalization b at PARAGRAPH_B, not matching.B (0.75): a paragraph's many words are held in
# part by any long report of the day, and a longer article is no likelier the one it was pasted
# from. Stop 73: dev leads up in all 16 forms (accented 0.9189 -> 0.9215; 161 up, 24 down), the
# five fresh lead samples up in 20 of 25 cells (209 up, 87 down; leads-20261205 -0.0006 to
# -0.0018, leads-20261206 typo-keys -0.0026), every other set the same; b 0.85 gained about half,
# 1.0 churned more (leads-20261205 -0.005). From 20 words (PASSAGE_WORDS), two long headlines of a
# fresh sample fell (1st -> 3rd, 1st -> 2nd): a headline of 20-24 words names a topic.
PARAGRAPH_WORDS = 25
PARAGRAPH_B = 0.9
ALIAS_LETTERS = 3  # an abbreviation this long or longer is read as the words it stands for (`proximity.as_typed`)
MAX_SPELLED_OUT = 8  # a quoted phrase's i/y spellings looked for, at most (2 each for 3 words)
# How an attempt of `QueryBuilder.attempts` loosened the query: not at all (None), its quoted
# phrases searched as words ("unquoted"), any word of it ("partial")
Relaxed = Literal["unquoted", "partial"] | None

def minimum_match(n: int) -> int:
    """How many of a run's n words an article must hold: all of 1–2, then a falling share: 40%
    from 5 words, at least 3. Half (what headlines had until stop 35) left out the article a
    headline was written about when it holds only the headline's few rare words ("Las Palmas",
    "Barcelona" of eleven), and a few topic words of a letter amid the rest ("Chào bác sĩ, …
    giá dầu brent giảm …? Mong sớm nhận được phản hồi") (bench/journal/relevance.md, stops 28 and 35).
    From PASSAGE_WORDS words, a fifth: a pasted passage's article words it otherwise, and may
    be short ("Video chú gấu đoán toàn sai ở Confed Cup …" for a lead of 35 words) (stop 38)."""
    if n <= 2:
        return n
    if n <= 4:
        return n - 1
    if n >= PASSAGE_WORDS:
        return math.ceil(n * 0.2)
    return max(3, math.ceil(n * 0.4))


class QueryBuilder:
    """Turns a ParsedQuery into (what must match, the same plus boosts for ranking). Counting
    and facets need only the first, which is cheaper than the scored query."""

    def __init__(
        self,
        parsed: ParsedQuery,
        abbreviations: Abbreviations,
        meanings: dict[int, Meaning] | None = None,
        df: DocFrequency | None = None,
        restorer: Restores | None = None,
        documents: int | None = None,
    ) -> None:
        self.parsed = parsed
        self.abbreviations = abbreviations
        self.meanings = meanings or interpret(parsed, parsed.text, None, None)
        self.df = df
        self.restorer = restorer  # which adjacent syllables make a word (`_run_across`); None: not told
        self.documents = documents  # articles in the index (`_marked_beside`); None: not told
        self.highlight = HighlightRequest()  # what the hits are marked with, noted as the query is built
        self.proximity_terms: dict[str, float] = {}  # folded syllable -> its query weight
        self.sequence: list[dict[str, float]] = []  # each query word's forms, in query order
        self.readings: list[tuple[str, ...]] = []  # each word's forms read in full ("ki", "ky"), no guesses
        self.number_pairs: set[tuple[str, str]] = set()  # a number and a neighbour ("2 doi", "thang 6")
        # adjacent words whose printing a short query checks among its best: a pair of words, one
        # given marks at least ("ban đầu"); a pair across two words, the run of both (`_run_across`)
        self.printed_runs: list[PrintedRun] = []
        # what each of `printed_runs` scores as a folded pair (None: a word read only as a guess)
        self.printed_run_boosts: list[Any | None] = []
        self.indexed_as: dict[str, str] = {}  # a part the re-rank reads -> the term it is of ("000" -> "4.000")
        # an abbreviation's other forms -> the words typed for it, keyed by a form's first word
        # ("bao" -> [(("bao", "hiem", "xa", "hoi"), ("bhxh",))]): the re-rank reads them as typed
        self.aliases: Aliases = {}
        self.can_relax = False
        # a quoted phrase was held to the marks typed (`_phrase_spellings`): when nothing
        # matches, `query(marks=False)` finds it with any marks
        self.held_marks = False
        # words of the query (not its question words or asides) that no article holds in any
        # form tried ("covid" in a 2017 archive): the hits are for the rest, and the user is told so
        self.absent: list[Syllable] = []
        tokens = parsed.positive_tokens
        # A long query with quotes is most likely a pasted headline ('Mozilla "khai tử" Firefox
        # OS'): its quotes are typography, so they may relax when nothing matches them exactly.
        # A short one means what it says: "quang tran" finds that phrase or nothing.
        self.pasted = len(tokens) >= PASTED_WORDS
        self.long = len(tokens) >= RARE_FROM_WORDS  # gets the rarity-weighted window
        # a question or a letter (question words, framing formulas, a final "?"): the body
        # answers it, so the title and lead weigh less (QUESTION_FIELD_WEIGHTS)
        self.asks = parsed.text.rstrip().endswith("?") or any(m.asking for m in self.meanings.values())
        self.letter = any(m.framing for m in self.meanings.values())  # a letter's formulas frame it
        self.written = self.asks or self.letter
        self.field_weights = QUESTION_FIELD_WEIGHTS if self.written else FIELD_WEIGHTS
        # a question, or a passage (its words, not a letter's around them): a title derived from
        # the lead weighs as the lead's sentence (a letter that asks nothing is what it wraps)
        searched = sum(not getattr(self.meanings.get(id(t)), "framing", False) for t in tokens)
        self.derived_title = DERIVED_TITLE_WEIGHT if self.asks or searched >= PASSAGE_WORDS else 1.0
        self.length_norm = PARAGRAPH_B if searched >= PARAGRAPH_WORDS and not self.asks else B
        # a letter's numbers are the writer's own ("Tôi năm nay 45 tuổi"): not the article's facts;
        # a passage's are one fact of many, most often the date every report of that day prints
        self.weighs_numbers = not self.letter and len(tokens) <= WINDOW

    @property
    def window_weight(self) -> float:
        """What the densest window of the query's words adds (`proximity_rerank`): PROXIMITY_WEIGHT,
        × WINDOW / n for pasted text of n > WINDOW words (a lead, a long headline, a letter
        around either; not a question). A window holds at most WINDOW of its words, and the
        densest is any article's formula ("… đã khởi tố vụ án, khởi tố bị can, bắt tạm giam …")
        as often as the answer; where a question's words stand together, the answer restates it
        (stop 38). A letter that asks nothing is what it wraps (stop 43)."""
        n = len(self.sequence)
        return PROXIMITY_WEIGHT if self.asks or n <= WINDOW else PROXIMITY_WEIGHT * WINDOW / n

    @property
    def reads_printing(self) -> bool:
        """Whether the best matches are read for how they print the query's words (its pairs
        given marks, a pair across two words, the whole query in a row): a short query that is
        no question or letter. A long one's pairs are many, and an answer need not print a
        question's words as asked (`proximity.PRINTED_PAIR_WEIGHT`)."""
        return not (self.long or self.written)

    @property
    def whole_query(self) -> list[tuple[str, ...]] | None:
        """A short query of WHOLE_QUERY_WORDS+ words, each in every form it is looked for
        (`sequence`: a slip's candidates too, so `bo phan chia khao` is met where "bộ phận chìa
        khóa" stands), for the articles that print it whole (`proximity.with_whole_query`). None
        for a question or a letter, a long query, one quoted phrase (all it finds prints it so),
        and one with a word held nowhere, a number read as parts, or an abbreviation's parts
        (no run of its words to look for)."""
        words = [t for t in self.parsed.positive_tokens if not t.alias]
        clauses = [c for c in self.parsed.clauses if not c.negated]
        whole = [tuple(forms) for forms in self.sequence]
        if not self.reads_printing or len(words) < WHOLE_QUERY_WORDS or len(whole) != len(words):
            return None
        return None if len(clauses) == 1 and clauses[0].phrase else whole

    @property
    def proximity_groups(self) -> Groups:
        """The forms of each query word looked for in several (`word_groups`), which the re-rank
        counts as one word: an article that prints "Ban kỉ luật" and "kỷ luật" holds one word of
        "Ban Ki-moon" twice, not two of its three."""
        return word_groups(self.readings, self.sequence)

    def attempts(self) -> Iterator[tuple[tuple[Any, Any], Relaxed]]:
        """(`query()`, how it was relaxed) to evaluate in turn until one matches: the query as
        asked; quoted phrases with any marks, where they were held to those typed
        (`held_marks`); from PASTED_WORDS words, quoted phrases searched as their words
        ("unquoted"; straight to any word, `"tai nạn giao thông xe máy"` found 1,923 of
        news-2k's 2,000 articles, its words unquoted 275); any word of any clause ("partial":
        the hits hold only some of the words)."""
        yield self.query(), None
        marks = not self.held_marks
        if not marks:
            yield self.query(marks=False), None
        if self.pasted and any(c.phrase and not c.negated for c in self.parsed.clauses):
            yield self.query(unquoted=True, marks=marks), "unquoted"
        if self.can_relax:
            yield self.query(relaxed=True, marks=marks), "partial"

    def query(self, relaxed: bool = False, marks: bool = True, unquoted: bool = False) -> tuple[Any, Any]:
        """(core, scored). `relaxed` is the fallback when nothing matched: any word of any
        clause will do, quoted phrases included from PASTED_WORDS words (a short query's stay
        required: `"Hà Việt Nội" bóng` found "bóng" alone); `unquoted`, the one before it:
        those quoted phrases are searched as their words; `marks=False`, the one before that:
        quoted phrases are found with any marks (`held_marks`)."""
        required: list[Any] = []  # AND-ed groups
        phrases: list[Any] = []  # a short query's quoted phrases: required, relaxed or not
        boosts: list[Any] = []
        excluded: list[Any] = []
        pending_or: list[Any] = []
        self.sequence = []
        self.readings = []
        self.number_pairs = set()
        self.printed_runs = []
        self.printed_run_boosts = []
        self.highlight.held = set()  # the last query built decides (`attempts`)
        self.absent = []
        understood = {id(c): self._meanings(c) for c in self.parsed.clauses if not c.negated}
        only_asks = _asks_only([m for meanings in understood.values() for m in meanings])  # then they are all it has
        for clause in self.parsed.clauses:
            if clause.negated:
                excluded.append(self._excluded(clause))
                continue
            meanings = understood[id(clause)]
            if unquoted and clause.phrase:
                clause = replace(clause, phrase=False)
            group, clause_boosts = self._clause(clause, meanings, relaxed, only_asks, marks)
            boosts.extend(clause_boosts)
            if group is not None and not (only_asks or clause.phrase or clause.or_next or pending_or) \
                    and _asks_only(meanings):
                boosts.append(group)  # beside what the query is about ("là gì" of `"Salmonella" là gì?`): never needed
                continue
            if clause.or_next or pending_or:
                pending_or += [group] if group is not None else []
                if not clause.or_next and pending_or:
                    required.append(wq.Or(pending_or))
                    pending_or = []
                continue
            if group is not None:
                (phrases if clause.phrase and not self.pasted else required).append(group)
                if not (clause.phrase or self.pasted):
                    required += self._dates(clause, meanings)
        if pending_or:
            required.append(wq.Or(pending_or))
        if not required and not phrases:
            return wq.NullQuery, wq.NullQuery
        self.can_relax = self.can_relax or len(required) > 1
        # relaxed: any group will do (a pasted headline's "quoted" words need not be a phrase)
        combine = wq.Or if relaxed else wq.And
        rest = [required[0] if len(required) == 1 else combine(required)] if required else []
        core = _all([*phrases, *rest])
        if excluded:
            core = wq.AndNot(core, wq.Or(excluded))
        scored = wq.AndMaybe(core, wq.Or(boosts)) if boosts else core
        return core, scored

    # --- one clause ----------------------------------------------------------------------

    def _excluded(self, clause: Clause) -> Any:
        """What a `-word` or `-"phrase"` keeps out: its words side by side and, for an
        initialism typed with dots or joined ("TP.HCM", "TN&MT"), its letters run together too
        (the alias the index holds for it): `-"TP.HCM"` kept out "TP HCM" but not "TPHCM". Its
        words as typed, or decoded keystrokes whose letters no article holds (`-Vieejt`); a
        word given marks, printed with them (either i/y spelling: `-năm` keeps "Nam" in)."""
        tokens = [t for t in clause.tokens if not t.alias]
        meanings = self._meanings(clause)
        words = tuple(m.forms[0][0] for m in meanings)
        # in either i/y spelling where a quoted word is ("-kĩ" keeps out "kỹ" too; `-"li do"` "lý do")
        readings = [_read_in_full(m) for m in meanings]
        # as a quoted phrase (`_clause`), within the query's budget (`Clause.checked`)
        apart = [r.start for r in _joined_runs(tokens)[1:]] if clause.checked else []
        sequence = self._sequences(readings, clause.parts, exact=bool(apart), apart=apart)
        # a word given marks keeps out only what prints it so, as a quoted one finds only that:
        # `"thanh long" -"Thành Long"` (the fruit, not the actor) found nothing. A phrase's marks
        # are read in the forward index: only for those quotes the query holds to
        # (query.MAX_QUOTED_PHRASES), else 42 excluded common pairs cost 3.5 s of CPU
        marks_read = clause.phrase or len(tokens) == 1  # (one word: its exact-form postings, cheap)
        spellings = self._phrase_spellings(tokens, meanings) if marks_read else []
        if any(spellings):
            sequence = wq.And([sequence, *self._held_to_marks(readings, spellings, clause.parts)])
        whole = [t.folded for t in clause.tokens if t.alias and t.folded == "".join(words)]
        kept_out = [sequence, *([self._sequence((whole[0],), clause.parts)] if whole and len(words) > 1 else [])]
        # a quoted exclusion keeps out its words as typed, not an abbreviation's other forms
        forms = [] if clause.phrase else self._excluded_forms(tokens, words, clause.parts, clause.checked)
        return _either(kept_out + forms)

    def _excluded_forms(
        self, tokens: Sequence[Syllable], words: tuple[str, ...], parts: Sequence[str], checked: bool = True
    ) -> list[Any]:
        """Where an excluded abbreviation's group stands in any of its forms, as the same words
        unquoted and unexcluded find it (`_units`): `-TPHCM` kept out "TPHCM" but not "TP
        HCM", `-TP.HCM` not "TP. HCM" (bug hunt 70). The words typed are found by their
        positions, so a dot or a comma between them does not part them; the other forms side
        by side (pairs: positions for every form of 20 exclusions cost 60 ms on news-2k, bug
        hunt 71). Typed with marks, only an abbreviation listed so: `-ĐN` (Đà Nẵng) kept out
        every "DN", "doanh nghiệp"."""
        found = self.abbreviations.match(words, 0) if words else None
        if found is None or found[0] != len(words):
            return []
        if any(has_marks(t.exact) and t.exact not in self.abbreviations.spellings for t in tokens):
            return []
        if not checked:  # beyond the query's budget of position checks (`Clause.checked`): pairs only
            return [self._sequence(form, parts) for form in found[1]]
        return [self._sequence(form, parts, exact=True, apart=range(1, len(form))) if form == words
                else self._form_together(form, parts) for form in found[1]]

    def _dates(self, clause: Clause, meanings: Sequence[Meaning]) -> list[Any]:
        """A short query's dates typed day/month ("20/11", "6/12/2017"): each its numbers side by
        side, as the text prints a date. Matched apart, a date's numbers found whatever printed
        "20" and "11" most ("… 4/11 … 20%" in a tennis report), and of 25 dates news-2k prints
        1-3 times, 6 had none of those articles in the top 10 (bug hunt 64). A day or month
        in each spelling it is read in (`meanings._day_or_month`): "06/02" is "6/2", and "7/2"
        finds "07/02/2017" (bug hunt 69)."""
        runs = date_runs([t for t in clause.tokens if not t.alias], self.parsed.text)
        return [self._sequences([_read_in_full(meanings[i]) for i in run], clause.parts, exact=True,
                                apart=range(1, len(run))) for run in runs]  # ("/" parts them: no pairs held)

    def pairs_typed(self) -> Any:
        """Where two words typed side by side stand side by side (each in the forms it is read in
        full; not a question's or a letter's formula), in any clause: the matches a search sorted
        by date lists first (`SearchService._ranked`). Matched apart, a query's words are most of
        an archive: `Đà Nẵng` matched 154 of pages-300's articles, 15 of them about it, and sorted
        newest the first ten held "đã" and "năng" (bug hunt 70). None where every match may be
        about the query: a clause of one word (`Trump OR Tập Cận Bình`: Trump's articles), or
        one holding an abbreviation, which its other forms find apart (`UBND TPHCM`: bug hunt 71)."""
        pairs = []
        for clause in self.parsed.clauses:
            if clause.negated:
                continue
            tokens = [t for t in clause.tokens if not t.alias]
            meanings = self._meanings(clause)
            folded = [m.forms[0][0] for m in meanings]
            abbreviated = any(t.alias for t in clause.tokens) or any(
                self.abbreviations.match(folded, i) for i in range(len(folded)))
            held = [(meanings[i - 1], meanings[i]) for i in range(1, len(tokens)) if tokens[i].joined]
            held = [(a, b) for a, b in held if not (a.framing or b.framing or a.asking or b.asking)]
            if abbreviated or not held:
                return None
            pairs += [self._sequence((x, y), clause.parts) for a, b in held for x in _read_in_full(a)
                      for y in _read_in_full(b)]
        return _either(pairs) if pairs else None

    def _meanings(self, clause: Clause) -> list[Meaning]:
        """How each word of `clause` (its aliases aside) was understood."""
        return [self.meanings.get(id(t)) or typed_meaning(t, self.parsed.text) for t in clause.tokens if not t.alias]

    def _clause(
        self, clause: Clause, meanings: list[Meaning], relaxed: bool, only_asks: bool, marks: bool = True
    ) -> tuple[Any, list[Any]]:
        """(what `clause` matches, its boosts); `meanings`: its words as understood (`_meanings`).
        None for a clause of words no article holds (`absent`), as the minimum leaves such a
        word out of a clause of several: `field:xyzzy Hà Nội` found nothing, unlike `xyzzy Hà Nội`."""
        tokens = [t for t in clause.tokens if not t.alias]
        spellings = self._phrase_spellings(tokens, meanings) if clause.phrase and marks else None
        parts = clause.parts
        folded = [m.forms[0][0] for m in meanings]  # each word as understood
        # a quoted word stands for its other i/y spelling where an unquoted one does
        # (`meanings._either_spelling`): `"kĩ thuật"` finds "kỹ thuật"
        readings = [_read_in_full(m) for m in meanings]
        weight = [QUESTION_WEIGHT if m.asking else ASIDE_WEIGHT if m.aside else 1.0 for m in meanings]
        if self.weighs_numbers:
            self._note_numbers(folded)
        # A quoted phrase matches only where it stands whole, so only there is it marked, with
        # the punctuation typed in it (`_sequence`'s `apart`: "Hà Nội, Việt Nam") or without
        runs = _joined_runs(tokens) if clause.phrase and not (relaxed and self.pasted) else []
        stands_whole = len(tokens) > 1 and bool(runs)
        whole = [stands_whole] * len(tokens)
        if stands_whole:
            for words in _spelled_out(readings):
                self.highlight.phrase(words, apart=[r.start for r in runs[1:]])
        boosts = self._word_boosts(tokens, meanings, weight, parts, whole, only_asks)
        boosts += self._pair_boosts(tokens, meanings, weight, parts, note_marked=not clause.phrase)
        if clause.phrase and relaxed and self.pasted:
            return AtLeast([self._fields(parts, "", f, 1.0) for f in folded], 1), boosts
        if clause.phrase:
            self.can_relax = self.can_relax or self.pasted
            words = [_either([self._fields(parts, "", f, 1.0) for f in forms]) for forms in readings]
            sequence = self._sequences(readings, parts, exact=True, apart=[r.start for r in runs[1:]])
            if not spellings or not any(spellings):
                return wq.And([sequence, *words]), boosts
            self.held_marks = True
            self.highlight.held.update(f for forms, to in zip(readings, spellings, strict=True) if to for f in forms)
            return wq.And([sequence, *words, *self._held_to_marks(readings, spellings, parts)]), boosts
        before = len(self.absent)
        units, known, topic = self._units(clause, tokens, folded, meanings, weight)
        if units and len(self.absent) - before == len(units):
            return None, boosts  # each word in no article: it matches nowhere, the other clauses decide
        needed = 1 if relaxed else max(1, minimum_match(known))
        self.can_relax = self.can_relax or needed > 1
        if len(units) == 1:
            return units[0], boosts
        # An article that reaches the minimum with question words alone ("là", "gì" of
        # "Salmonella là gì?") holds nothing the query is about: it is no match.
        about = topic if topic and len(units) - len(topic) >= needed else ()
        return AtLeast(units, needed, one_of=about), boosts

    def _word_boosts(
        self,
        tokens: Sequence[Syllable],
        meanings: Sequence[Meaning],
        weight: Sequence[float],
        parts: Sequence[str],
        whole: Sequence[bool],
        only_asks: bool,
    ) -> list[Any]:
        """Each word's exact-form boost (diacritics typed or decoded), noting as it goes what the
        hits are marked with and each word's forms for the re-rank (`sequence`, `readings`)."""
        boosts: list[Any] = []
        common_before: tuple[str, ...] = ()  # the word before's forms, where most articles print it
        for i, meaning in enumerate(meanings):
            if meaning.framing:
                common_before = ()
                continue
            found: dict[str, float] = {}
            split: list[dict[str, float]] = []  # a form the re-rank reads as several words
            given = marks_given(tokens[i], meaning)
            asked = _asked_spellings(given)
            asks = meaning.asking and not only_asks and asks_as_spelled(given[1] if given else None)
            marked = meaning.marked
            common = not asks and self._marked_beside(meaning)
            if common and i and common_before and tokens[i].joined:
                for first in common_before:
                    for second in marked:
                        self.highlight.join(first, second)
            common_before = marked if common else ()
            for form, w in meaning.forms:
                if form in marked:
                    self.highlight.word(form, asking=asks, common=common)
                    for spelling in asked.get(form, (None,)):
                        self.highlight.term(form, spelling, alone=not whole[i])
                if self.df is None or self.df(form):  # a word found nowhere is never near another
                    split = self._note_proximity(form, weight[i] * w, found) or split
            if found:
                self.sequence.append(found)
                self.readings.append(tuple(f for f in meaning.in_full if f in found))
            self.sequence.extend(split)
            if meaning.exact:
                boosts.append(self._fields(parts, "_ex", meaning.exact, EXACT_WEIGHT * weight[i]))
        return boosts

    def _marked_beside(self, meaning: Meaning) -> bool:
        """Whether a long query's word is printed in more than MARKED_BESIDE_SHARE of the
        articles, and so marked only beside another query word. Stop 80, the hits' snippets
        of 200 headlines and 200 health questions typed with marks (typed plain): such words
        marked alone 3,358 -> 45 and 3,098 -> 47 (3,993 -> 0, 3,190 -> 3), words marked 14,736
        -> 12,118 and 14,450 -> 11,423; the snippets chose sentences with more of the query's
        other words (2.50 -> 2.59 and 2.09 -> 2.13 a snippet); 161 everyday questions over
        news-50k, 3,537 -> 95 marked alone, 3.57 -> 3.72 other words a snippet. No rank moves."""
        if not self.long or self.documents is None or self.df is None:
            return False
        return self.df(meaning.forms[0][0]) > MARKED_BESIDE_SHARE * self.documents

    def _pair_boosts(
        self,
        tokens: Sequence[Syllable],
        meanings: Sequence[Meaning],
        weight: Sequence[float],
        parts: Sequence[str],
        note_marked: bool = True,
    ) -> list[Any]:
        """A boost for each pair of adjacent words, in each form of both (adjacent syllables
        outrank scattered ones); the spellings of a pair whose words are both read in full are
        one pair, scored at its best. Notes the pairs given marks and the pairs across two words
        (`printed_runs`), and that boost of each, where `note_marked` (not a quoted phrase's: held
        to its marks already)."""
        boosts: list[Any] = []
        for i, b in enumerate(tokens[1:]):
            if b.joined and not (meanings[i].framing or meanings[i + 1].framing):
                if note_marked:
                    self._note_guessed_pairs(meanings[i], meanings[i + 1])
                marked = _marked_pair(tokens[i], meanings[i], b, meanings[i + 1]) if note_marked else None
                if marked is not None and not all(self.df is None or self.df(f[0]) for f in marked[0]):
                    marked = None  # a word no article holds counts in no pair
                w = BIGRAM_WEIGHT * min(weight[i], weight[i + 1])
                full: list[Any] = []  # the pair in each spelling of both words read in full: one pair
                full_x, full_y = meanings[i].in_full, meanings[i + 1].in_full
                for x, wx in meanings[i].forms:
                    for y, wy in meanings[i + 1].forms:
                        pair = self._fields(parts, "_bi", f"{x} {y}", w * wx * wy)
                        (full if x in full_x and y in full_y else boosts).append(pair)
                in_full = (full[0] if len(full) == 1 else wq.DisjunctionMax(full)) if full else None
                if in_full is not None:
                    boosts.append(in_full)
                run = self._run_across(tokens, meanings, i) if note_marked and in_full is not None else None
                if run is not None or marked is not None:
                    self.printed_runs.append(run or marked)
                    self.printed_run_boosts.append(in_full)
        return boosts

    def _note_guessed_pairs(self, a: Meaning, b: Meaning) -> None:
        """Marks a slip's candidate (matched, but marked nowhere alone: `Meaning.marked`) where
        it stands before or after the next word of the query as the pair boosted: `thanh tra
        toa dien` found "thanh tra toàn diện" through "toàn" and marked only "diện" of it."""
        shown_a, shown_b = a.marked, b.marked
        for x, _ in a.forms:
            for y, _ in b.forms:
                if (x in shown_a) != (y in shown_b):
                    self.highlight.phrase((x, y))

    def _run_across(self, tokens: Sequence[Syllable], meanings: Sequence[Meaning], i: int) -> PrintedRun | None:
        """For a short query's pair of words i and i+1 that joins two words (word i one word with
        word i-1, and word i+1 with word i+2: `Restorer.one_word`, as typed where either is typed
        with marks, else in some reading), the run of both words: only an article that prints
        them side by side holds the pair as meant. Elsewhere it is met by chance inside other
        words, and its rarity made it weigh: `Đà Nẵng mưa lớn` ranked first "Đà Nẵng mua ma túy"
        (the folded pair "nang mua"), `da nang mua lon` too. None for any other pair. Stop 76:
        the top 10 printing both words of 300 such queries of news-50k (`bench/two_words.py`),
        typed with marks 0.759 -> 0.801, plain 0.681 -> 0.749; keywords-50k 10 up, 1 down in 7
        forms, the dev sets unmoved (bench/journal/relevance.md). Where one side alone is a
        word, the run of three words churned the typo forms (44 up, 21 down)."""
        if self.restorer is None or not self.reads_printing or not 0 < i < len(tokens) - 2:
            return None
        span = range(i - 1, i + 3)
        if not all(tokens[j].joined for j in span[1:]) or any(meanings[j].framing for j in span):
            return None
        if not (self._one_word(tokens[i - 1], tokens[i]) and self._one_word(tokens[i + 1], tokens[i + 2])):
            return None
        readings = tuple(_read_in_full(meanings[j]) for j in span)
        return readings, tuple(_held_spellings(tokens[j], meanings[j]) for j in span)

    def _one_word(self, a: Syllable, b: Syllable) -> bool:
        """Whether syllables a and b make one word: as typed where either is typed with marks."""
        assert self.restorer is not None
        if has_marks(a.exact) or has_marks(b.exact):
            return self.restorer.one_word(a.exact, b.exact)
        return self.restorer.one_word_folded(a.folded, b.folded)

    def _units(
        self,
        clause: Clause,
        tokens: Sequence[Syllable],
        folded: Sequence[str],
        meanings: Sequence[Meaning],
        weight: Sequence[float],
    ) -> tuple[list[Any], int, list[int]]:
        """(the units of an unquoted clause that its minimum counts: an abbreviation group, a
        joined alias, a word in its forms; how many the index can match at all; which of them
        the query is about: all but its question words). Notes the words no article holds.
        `tokens`, `folded`: the clause's words (aliases aside), each folded as understood."""
        aliases = {t.position: t for t in clause.tokens if t.alias}
        parts = clause.parts
        units: list[Any] = []
        known = 0  # units the index can match at all: the minimum counts only these
        topic: list[int] = []  # units of what the query is about: all but its question words
        i = 0
        while i < len(tokens):
            if meanings[i].framing:  # how the question is put: not searched for
                i += 1
                continue
            found = self.abbreviations.match(folded, i)
            alias = aliases.get(tokens[i].position)
            span = [t for t in tokens[i:] if t.start < alias.end] if alias is not None else []  # the alias's words
            if found and found[0] < len(span):
                found = None  # a longer word typed apart: "vn express" is "VnExpress", not "Việt Nam express"
            if found:
                length, forms = found
                alternatives = []
                typed = tuple(folded[i : i + length])
                for form in forms:
                    if form != typed:  # the words typed are marked as each was typed (above)
                        if len(form) > 1:
                            self.highlight.phrase(form, apart=_printed_apart(form))
                        else:
                            self.highlight.term(form[0])
                        self._note_alias(form, typed)
                        alternatives.append(self._form(form, parts))
                    elif length > 1:  # the words typed, side by side or apart ("tai nạn … giao thông")
                        alternatives.append(AtLeast([self._fields(parts, "", f, 1.0) for f in form], length))
                    else:
                        alternatives.append(self._form(form, parts))
                topic.append(len(units))
                units.append(wq.DisjunctionMax(alternatives))
                known += 1
                i += length
                continue
            if alias is not None:  # "TP.HCM": the parts in order, or the joined "tphcm"
                # each part as understood: keys decoded ("haf.nooij" is "hà.nội", and found none)
                spelled = tuple(folded[i : i + len(span)])
                joined = "".join(spelled)
                sequence = self._sequence(spelled, parts)
                words = [self._fields(parts, "", f, 1.0) for f in spelled]
                in_order = wq.And([sequence, *words])
                if could_be_syllable(joined):  # "M&A" joined is "ma": "mà", "má" … everywhere
                    self.highlight.phrase(spelled)
                    units.append(in_order)
                else:
                    self.highlight.term(joined)
                    units.append(wq.DisjunctionMax([in_order, self._fields(parts, "", joined, len(span))]))
                topic.append(len(units) - 1)
                known += 1
                if self.df is not None and not any(self.df(f) for f in (joined, *spelled)):
                    self.absent.append(alias)
                i += len(span)
                continue
            forms = meanings[i].forms
            alternatives = [self._fields(parts, "", f, weight[i] * w) for f, w in forms]
            if not meanings[i].asking:  # (an aside may name the topic: "tôi là f0, …")
                topic.append(len(units))
            if not (meanings[i].asking or meanings[i].aside):  # (matched and scored, never needed)
                if self.df is None or any(self.df(f) for f, _ in forms):
                    known += 1
                else:
                    self.absent.append(tokens[i])
            units.append(alternatives[0] if len(alternatives) == 1 else wq.DisjunctionMax(alternatives))
            i += 1
        return units, known, topic

    def _note_proximity(self, form: str, weight: float, found: dict[str, float]) -> list[dict[str, float]]:
        """Note a form of a query word for the re-rank, which reads text split on \\w: a form
        that splits ("4.000" is "4", "000"; the analyzer keeps it whole) is noted as its parts,
        each with an equal share of the weight and the whole's df (`indexed_as`), and returned
        as places of the query's order; a form that does not goes into `found`."""
        parts = WORD.findall(form)
        if parts == [form]:
            found[form] = weight
            self.proximity_terms[form] = max(weight, self.proximity_terms.get(form, 0.0))
            return []
        share = weight / max(1, len(parts))
        for part in parts:
            self.proximity_terms[part] = max(share, self.proximity_terms.get(part, 0.0))
            self.indexed_as.setdefault(part, form)
        return [{part: share} for part in parts]

    def _note_alias(self, form: tuple[str, ...], typed: tuple[str, ...]) -> None:
        """Note another form of an abbreviation group for the re-rank (`as_typed`): an article
        that writes out "bảo hiểm xã hội" where the query typed "BHXH" (or the other way round)
        holds the query's words as much as one that prints them as typed. Its words are looked
        up beside the query's at no weight. Only where one side is a single word of
        ALIAS_LETTERS+ letters: "QH" for "Quốc hội", "ĐH" for "đại học" (or "đại hội"), "TP HCM"
        for "thành phố Hồ Chí Minh" are printed near every other word of politics, schooling
        or the city, and read as typed they moved the articles that print them up past the
        one a headline was written from (bench/journal/relevance.md, stop 36)."""
        abbreviation = min(form, typed, key=len)
        if len(abbreviation) > 1 or len(abbreviation[0]) < ALIAS_LETTERS:
            return
        if (form, typed) not in self.aliases.get(form[0], []):
            self.aliases.setdefault(form[0], []).append((form, typed))
        for word in form:
            self.proximity_terms.setdefault(word, 0.0)

    def _note_numbers(self, folded: Sequence[str]) -> None:
        """Note each number of a run of words with the word before and after it, as the
        re-rank reads text (`indexer.forward.text_words`: "4.000" is "4", "000"), for
        `numbers_held`; their words are looked up beside the query's at no weight."""
        words = [w for f in folded for w in WORD.findall(f)]
        pairs = [p for p in pairwise(words) if p[0].isdigit() or p[1].isdigit()]
        self.number_pairs.update(pairs)
        for word in {w for p in pairs for w in p}:
            self.proximity_terms.setdefault(word, 0.0)

    def _fields(self, parts: Sequence[str], suffix: str, text: str, weight: float) -> FieldsTerm:
        """One term looked up in several fields at once, scored with BM25F under this query's
        field weights (a `title:` search weighs a derived title as the title it asks for)."""
        derived = self.derived_title if len(parts) > 1 else 1.0
        fields = [p + suffix for p in parts]
        return FieldsTerm(fields, [self.field_weights[p] for p in parts], text, boost=weight, derived_title=derived,
                          b=self.length_norm)

    def _form(self, form: Sequence[str], parts: Sequence[str]) -> Any:
        """One form of an abbreviation group: a word, or a chain of adjacent pairs."""
        if len(form) == 1:
            return self._fields(parts, "", form[0], 1.0)
        words = [self._fields(parts, "", f, 1.0) for f in form]
        return wq.And([self._form_together(tuple(form), parts), *words])

    @classmethod
    def _form_together(cls, form: tuple[str, ...], parts: Sequence[str]) -> Any:
        """Where a form of an abbreviation group that was not typed stands together (scores
        nothing): by positions after an initialism's part (`_printed_apart`), else its pairs."""
        apart = _printed_apart(form)
        return cls._sequence(form, parts, exact=bool(apart), apart=apart)

    def _held_to_marks(
        self, readings: Sequence[tuple[str, ...]], spellings: Sequence[tuple[str, ...] | None], parts: Sequence[str]
    ) -> list[Any]:
        """What holds a quoted or excluded phrase to the marks its words were given
        (`_phrase_spellings`): each such word printed so in the part (the exact-form postings,
        cheap), which decides a phrase of one word and narrows where a longer one is read in the
        forward index (`PrintedPhrase`)."""
        printed = [_either([self._fields(parts, "_ex", x, 0.0) for x in held]) for held in spellings if held]
        return [*printed, *([PrintedPhrase(readings, spellings)] if len(readings) > 1 else [])]

    @staticmethod
    def _phrase_spellings(tokens: Sequence[Syllable], meanings: Sequence[Meaning]) -> list[tuple[str, ...] | None]:
        """The spellings each word of a quoted phrase given marks (typed, or keyed with the
        input method off) is held to: those marks, either i/y spelling. None for the others:
        a word typed bare may have lost its marks ("Binh Dương"), as a word typed bare is
        neutral in ranking, and a word read as something else (a slip's candidate). All None
        for a phrase holding a word the forward index reads as several ("4.000":
        `forward.text_words`)."""
        if not all(WORD.fullmatch(m.forms[0][0]) for m in meanings):
            return [None] * len(tokens)
        return [_held_spellings(token, meaning) for token, meaning in zip(tokens, meanings, strict=True)]

    @classmethod
    def _sequences(
        cls, readings: Sequence[tuple[str, ...]], parts: Sequence[str], exact: bool = False, apart: Collection[int] = ()
    ) -> Any:
        """Where the words stand together, each in one of its `readings` (`_sequence` for each
        way of spelling them out; beyond MAX_SPELLED_OUT ways, the first reading of each word)."""
        spelled = _spelled_out(readings)
        if len(spelled) == 1:
            return cls._sequence(spelled[0], parts, exact, apart)
        return wq.Or([cls._sequence(words, parts, exact, apart) for words in spelled])

    @staticmethod
    def _sequence(
        folded: tuple[str, ...], parts: Sequence[str], exact: bool = False, apart: Collection[int] = ()
    ) -> Any:
        """Where a sequence of syllables stands together (scores nothing: the words do). Two
        syllables are exactly one bigram term, far cheaper than positions; longer sequences
        intersect their bigrams first and, when `exact` (a quoted phrase: a promise of word
        order), check positions only there. Word i of `apart` follows punctuation: the index
        holds no pair across it (`Syllable.joined`), so positions alone tell: `"Hà Nội, Việt
        Nam"` found nothing."""
        if len(folded) == 1:
            return FieldsTerm(list(parts), [1.0] * len(parts), folded[0], boost=0.0)
        pairs = [f"{a} {b}" for i, (a, b) in enumerate(pairwise(folded), start=1) if i not in apart]
        per_part = []
        for p in parts:
            chain: list[Any] = [wq.Term(f"{p}_bi", pair, boost=0.0) for pair in pairs]
            if exact and (len(folded) > 2 or apart):
                chain.append(wq.Phrase(p, list(folded), boost=0.0))
            per_part.append(wq.And(chain) if len(chain) > 1 else chain[0])
        return wq.Or(per_part) if len(per_part) > 1 else per_part[0]


def _marked_pair(a: Syllable, meaning_a: Meaning, b: Syllable, meaning_b: Meaning) -> PrintedRun | None:
    """Words a and b as a `PrintedRun`, if either was given marks as the word it is read as
    (not a slip's candidate); None otherwise."""
    spellings = (_held_spellings(a, meaning_a), _held_spellings(b, meaning_b))
    if spellings == (None, None):
        return None
    return (_read_in_full(meaning_a), _read_in_full(meaning_b)), spellings


def _printed_apart(form: Sequence[str]) -> list[int]:
    """The places of an abbreviation form's words that may follow punctuation: those after an
    initialism's part, printed with a dot as often as not ("TP. HCM", "TP. Hồ Chí Minh"; the
    index holds no pair across it, so `TPHCM` missed them: bug hunt 77). For `_sequence`."""
    return [i for i in range(1, len(form)) if not could_be_syllable(form[i - 1])]


def _read_in_full(meaning: Meaning) -> tuple[str, ...]:
    """A word's folded forms read in full, as understood first (`Meaning.in_full`: its other i/y
    spelling), as a quoted phrase and a pair typed with marks look for it."""
    folded = meaning.forms[0][0]
    return (folded, *(f for f in meaning.in_full if f != folded))


def _held_spellings(token: Syllable, meaning: Meaning) -> tuple[str, ...] | None:
    """The spellings a word given marks (typed, or keyed with the input method off) is held to:
    those marks, either i/y spelling. None for a word typed bare, and for one read as something
    else (a slip's candidate)."""
    marked = marks_given(token, meaning)
    return iy_spellings(marked[1]) if marked is not None and marked[0] == meaning.forms[0][0] else None


def _spelled_out(readings: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Every way of spelling out words that each have `readings` ("ki"/"ky" × "thuat"); beyond
    MAX_SPELLED_OUT ways, the first reading of each word alone (the ways double with each i/y
    word: a quoted phrase of 22 such words took 45 s of a server thread)."""
    if math.prod(map(len, readings)) > MAX_SPELLED_OUT:
        return [tuple(r[0] for r in readings)]
    return list(product(*readings))


def _all(queries: Sequence[Any]) -> Any:
    """The one query, or an And of several."""
    return queries[0] if len(queries) == 1 else wq.And(list(queries))


def _either(queries: Sequence[Any]) -> Any:
    """The one query, or an Or of several."""
    return queries[0] if len(queries) == 1 else wq.Or(list(queries))


def _joined_runs(tokens: Sequence[Syllable]) -> list[range]:
    """The runs of `tokens` that stand side by side (`Syllable.joined`: no punctuation between)."""
    starts = [i for i, t in enumerate(tokens) if i == 0 or not t.joined]
    return [range(a, b) for a, b in zip(starts, [*starts[1:], len(tokens)], strict=True)]


def _asks_only(meanings: Sequence[Meaning]) -> bool:
    """Every word of `meanings` (one at least) says how the query asks (a question word, a
    letter's formula), none what it is about."""
    return bool(meanings) and all(m.asking or m.framing for m in meanings)


def _asked_spellings(marked: tuple[str, str] | None) -> dict[str, tuple[str, ...]]:
    """Folded form → the spellings asked for, of a word given marks (`word_meaning.marks_given`): the word
    and its other i/y spelling, under either's letters: "mĩ" asks for "mỹ" too, not "mì"."""
    if marked is None:
        return {}
    folded, exact = marked
    spellings = iy_spellings(exact)
    return {folded: spellings} | {fold(other): spellings for other in spellings[1:]}
