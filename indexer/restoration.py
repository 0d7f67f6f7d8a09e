"""Accent restoration for "did you mean": the most likely accented reading of an unaccented
query ("dang uy khoi doanh nghiep" → "Đảng ủy Khối doanh nghiệp").

Three sources of evidence, strongest first, interpolated so that a small archive still gets
good readings:
- the query's context, when the caller gives it: the titles and snippets of its hits, which
  spell these very words as the archive prints them;
- the index's own counts (sidecars.ReadingCounter: syllables and adjacent pairs as printed in
  titles, leads, captions and, up to a budget, bodies), which know the archive's names and
  topics, weighed more as the index grows;
- a general model shipped in indexer/data/restoration-general.json.gz (syllable frequencies
  from wordfreq, adjacent pairs of dictionary words and names from pyvi, Faker and CLDR; see
  bench/make_restoration_model.py and indexer/data/NOTICE.md), loaded once per process.

A build interpolates the two models once and writes the result into the index generation
(`Restorer.save`, `indexer.restoration_files`); a server maps those files (`Restorer.open`) instead of
loading both models into every worker: same answers, no private copy, opened in milliseconds.

Decoding is a syllable bigram model with Viterbi over the accented readings of each folded
syllable, on lowercase forms; case is put back afterwards from the pairs that were seen.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from indexer.analysis import canonical_cased, fold
from indexer.restoration_files import MappedCounts, MappedModel

if TYPE_CHECKING:
    from indexer.sidecars import ReadingCounter

GENERAL_MODEL = "restoration-general.json.gz"
_LETTERS = re.compile(r"[^\W\d_]+")
_GAP = re.compile(r"[ -]")  # what may stand between the two syllables of a pair


def printed_syllables(text: str) -> Iterator[tuple[str, bool]]:
    """(syllable as printed, tone placement canonical; joined to the previous one) for running
    text split at non-letters: a regular expression is 6× faster than the ICU word breaker
    and enough to count syllables of body text or of search hits."""
    last_end = -1
    for m in _LETTERS.finditer(text):
        yield canonical_cased(m.group()), last_end >= 0 and _GAP.fullmatch(text, last_end, m.start()) is not None
        last_end = m.end()


def printed_pairs(texts: Iterable[str]) -> set[tuple[str, str]]:
    """The folded pairs of syllables `texts` print side by side ("xe buýt" → ("xe", "buyt")), as
    `printed_syllables` joins them."""
    pairs: set[tuple[str, str]] = set()
    for text in texts:
        before = ""
        for syllable, joined in printed_syllables(text):
            folded = fold(syllable)
            if joined and before:
                pairs.add((before, folded))
            before = folded
    return pairs


_SPLIT_LETTERS = re.compile(f"({_LETTERS.pattern})")
_JOINING_GAPS = frozenset(" -")  # what `_GAP` lets stand between the two syllables of a pair
_PRINTED_LIMIT = 10_000  # syllables remembered by `_PRINTED` (~2.7 MB when full)


class _PrintedForms(dict):  # type: ignore[type-arg]
    """syllable as printed -> (`canonical_cased`, its `fold`), for `Restorer.local_counts`:
    each query's context (~40 titles and snippets) is mostly the same common syllables, and
    their two forms were a third of its time; `map(forms.__getitem__, ...)` runs in C."""

    def __missing__(self, printed: str) -> tuple[str, str]:
        if len(self) >= _PRINTED_LIMIT:  # bounded: news brings new names every day
            self.clear()
        surface = canonical_cased(printed)
        forms = self[printed] = (surface, fold(surface))
        return forms


_PRINTED = _PrintedForms()
_SENTENCE_END = re.compile(r"[.!?:…]")  # in the gap before a syllable: it starts a sentence
# How much likelier (log: e^12, ~160,000×) another spelling of a word's letters must fit between
# its neighbours than the one typed, for the marks typed to be a slip (`Restorer.misfit`)
MISFIT_MARGIN = 12.0
# Two syllables make a word (`Restorer.one_word`) where the index's counts print them together
# this often, and the second follows the first this many times likelier than it stands anywhere:
# in news-50k "học sinh" (1,597 times, 108×), "tự tử" (191, 42×), "mưa lớn" (174, 127×); not
# "sinh tự" (25, 2.6×), "nẵng mưa" (0), "tự sản" (7, 1.0×), nor "tự vẫn" (35, 5.8×). At 10 and
# 4×, keywords-50k lost two queries (one typo, one plain), at 5 and 2× five, at 20 and 10× one
# (`QueryBuilder._run_across`; stop 76, bench/journal/relevance.md).
WORD_PAIR_LEAST = 20
WORD_PAIR_LIFT = 10.0
WORD_READINGS = 6  # a folded syllable's likeliest readings tried for `one_word_folded`


def _shouted(syllables: Sequence[str]) -> set[int]:
    """Places of syllables printed in a run of capitals ("QUAN ĐIỂM CHỈ ĐẠO VÀ MỤC TIÊU", a
    crosshead): their capitals are the text's, not the word's, and vote on no case, as a
    sentence's first word does not ("did you mean" offered "quan điểm chỉ đạo VÀ MỤC tiêu")."""
    caps = [len(s) > 1 and s.isupper() for s in syllables]
    return {k for k, c in enumerate(caps) if c and ((k > 0 and caps[k - 1]) or (k + 1 < len(caps) and caps[k + 1]))}


class _Ids(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


class PrintedCounts:
    """Counts `printed_syllables` of many texts and their joined pairs, as
    ``Counter(syllables), Counter("a b" pairs)`` in first-seen order (`counts`), at C speed:
    a text costs one regex split and a dict lookup per syllable; syllables are kept as ids and
    pairs are counted once, at the end, with NumPy. Tested against printed_syllables."""

    def __init__(self) -> None:
        self.ids = _Ids()  # syllable as printed (tone placement not yet canonical) -> id
        self.seen = array("i")  # every syllable's id
        self.joined = bytearray()  # 1 where a syllable pairs with the one before

    def __len__(self) -> int:
        return len(self.seen)

    def add(self, text: str) -> int:
        """Count `text`; returns the syllables counted."""
        parts = _SPLIT_LETTERS.split(text)
        words = parts[1::2]
        if words:
            self.seen.fromlist(list(map(self.ids.__getitem__, words)))
            self.joined.append(0)
            self.joined += bytes(map(_JOINING_GAPS.__contains__, parts[2:-1:2]))
        return len(words)

    def add_syllables(self, surfaces: list[str], joined: list[bool]) -> None:
        """Count syllables already split (an analyzer's tokens: `joined` says a syllable
        pairs with the one before)."""
        if surfaces:
            self.seen.fromlist(list(map(self.ids.__getitem__, surfaces)))
            self.joined.append(0)
            self.joined += bytes(joined[1:])

    def counts(self) -> tuple[Counter[str], Counter[str]]:
        canonical: dict[str, int] = {}
        ids = [canonical.setdefault(canonical_cased(s), len(canonical)) for s in self.ids]
        mapping = np.asarray(ids, dtype=np.int64)
        names = list(canonical)
        seen = mapping[np.frombuffer(self.seen, dtype=np.int32)] if len(self.seen) else np.zeros(0, dtype=np.int64)
        unigrams = Counter(dict(zip(names, np.bincount(seen, minlength=len(names)).tolist(), strict=True)))
        joined = np.frombuffer(self.joined, dtype=np.uint8)[1:].astype(bool)
        keys = (seen[:-1][joined] << 32) | seen[1:][joined]
        pairs, first, count = np.unique(keys, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")  # first seen first, like a Counter filled in order
        pairs = pairs[order]
        firsts, seconds = (pairs >> 32).tolist(), (pairs & 0xFFFFFFFF).tolist()
        bigrams = Counter(
            {f"{names[a]} {names[b]}": n for a, b, n in zip(firsts, seconds, count[order].tolist(), strict=True)}
        )
        return unigrams, bigrams


class Counts:
    """Lowercase syllable and pair counts, with the dominant printed case of those seen
    capitalized. Built from cased counts ({"Hà": 3, "hà": 1}, {"Hà Nội": 2}). `initial`: how
    many of those counts stood at the start of a sentence, whose capital is the sentence's and
    not the word's: they do not vote on its case, and a key seen only there is `caseless`."""

    def __init__(
        self, unigrams: Mapping[str, float], bigrams: Mapping[str, float], initial: Mapping[str, float] | None = None
    ) -> None:
        # counts are whole, but a query's context weighs some occurrences less (local_counts)
        self.unigrams: dict[str, float] = {}
        self.bigrams: dict[str, float] = {}
        self.cased: dict[str, str] = {}  # lowercase syllable or pair -> dominant printed form
        self.caseless: set[str] = set()  # lowercase keys whose every count is `initial`
        self._add(unigrams, self.unigrams, initial or {})
        self._add(bigrams, self.bigrams, initial or {})
        self.total = max(1, sum(self.unigrams.values()))
        self.successors: dict[str, int] = {}  # distinct pairs that start with a syllable
        for pair in self.bigrams:
            first = pair.split(" ", 1)[0]
            self.successors[first] = self.successors.get(first, 0) + 1

    def _add(self, cased_counts: Mapping[str, float], into: dict[str, float], initial: Mapping[str, float]) -> None:
        votes: dict[str, float] = {}
        best: dict[str, tuple[float, float, str]] = {}  # low -> (votes, count, capitalized surface)
        for surface, n in cased_counts.items():
            low = surface.lower()
            into[low] = into.get(low, 0) + n
            vote = n - initial.get(surface, 0)
            votes[low] = votes.get(low, 0) + vote
            if surface != low and (vote, n) > best.get(low, (0, 0, ""))[:2]:
                best[low] = (vote, n, surface)
        for low, total in votes.items():
            if total < 1e-9:  # weights are fractions: "all initial" may leave a rounding error
                self.caseless.add(low)
        for low, (vote, n, surface) in best.items():
            # Capitalized forms win only when they are the majority of this syllable or pair:
            # of its votes, or, where every count stood at a sentence's start, of its counts.
            majority = 2 * n > into[low] if low in self.caseless else 2 * vote > votes[low]
            if majority:
                self.cased[low] = surface


@cache
def general_counts() -> Counts:
    """The shipped general model, read once per process (0.3–0.6 s, ~5 MiB)."""
    raw = resources.files("indexer").joinpath("data", GENERAL_MODEL).read_bytes()
    data = json.loads(gzip.decompress(raw))
    return Counts(data["unigrams"], data["bigrams"])


class _Facts(NamedTuple):
    """One syllable's numbers in `Restorer.bigram`."""

    unigram: float  # Restorer.unigram
    general_unigram: int  # its general count, 1 when unseen
    index_unigram: int
    successors: int  # distinct syllables after it in the index
    succ_mass: float | None  # general mass of its dictionary successors


class Restorer:
    """Accented readings of folded syllable sequences, for one index generation. Build one per
    generation from its ReadingCounter (or its unigrams/bigrams) and reuse it: it is
    read-only and thread-safe after construction."""

    CANDIDATES = 16  # accented readings kept per folded syllable
    CONTEXT_PRIOR = 1.0  # weight of the models against one occurrence in the query's context
    INDEX_PRIOR = 20_000.0  # μ: syllables of index text at which index and general weigh alike
    DISCOUNT = 0.75  # D: absolute discount of each index pair count, given to the back-off
    PAIR_PRIOR = 3.0  # κ: extra weight of the general estimate in each index bigram step
    DICT_WEIGHT = 0.7  # λ: share of the dictionary pairs in the general bigram estimate
    # weight of a context syllable printed outside any of the query's pairs (see local_counts)
    CONTEXT_ALONE = 0.25
    COMMON = 1e-5  # share of the general model's syllables that makes a reading common (`common`)

    def __init__(
        self,
        unigrams: Mapping[str, int] | None = None,
        bigrams: Mapping[str, int] | None = None,
        general: Counts | None = None,
    ) -> None:
        self.index: Counts | MappedCounts = Counts(unigrams or {}, bigrams or {})
        self.general: Counts | MappedCounts = general if general is not None else general_counts()
        gen, idx = self.general, self.index
        self._set_scales()
        by_fold: dict[str, list[str]] = {}
        for surface in {*gen.unigrams, *idx.unigrams}:
            by_fold.setdefault(fold(surface), []).append(surface)
        self.by_fold: Mapping[str, list[str]] = {
            k: sorted(v, key=lambda s: (-self.unigram(s), s))[: self.CANDIDATES] for k, v in by_fold.items()
        }
        # Dictionary successors of each syllable, normalized by the general unigram mass.
        succ_mass: dict[str, float] = {}
        for pair in gen.bigrams:
            a, b = pair.split(" ", 1)
            succ_mass[a] = succ_mass.get(a, 0.0) + gen.unigrams.get(b, 1) / gen.total
        self._succ_mass: Mapping[str, float] = succ_mass

    def _set_scales(self) -> None:
        # P(s) = (c_index(s) + μ P_general(s)) / (N_index + μ): a small index leans on the
        # general model, a large one on itself.
        weight = self.INDEX_PRIOR / (self.index.total + self.INDEX_PRIOR)
        self._gen_scale = weight / self.general.total
        self._idx_scale = (1.0 - weight) / self.index.total

    def save(self, folder: Path) -> None:
        """Write this model (index counts, general model, candidates by folded form) as files
        that `open` maps: see `MappedModel`."""
        MappedModel.write(folder, self.index, self.general, self.by_fold, self._succ_mass)

    @classmethod
    def open(cls, folder: Path) -> Restorer:
        """The model `save` wrote, mapped read-only: the same answers as the Restorer that wrote
        it, in milliseconds and without a private copy per process (see indexer.mapped)."""
        model = MappedModel(folder)
        self = cls.__new__(cls)
        self.index, self.general = model.index, model.general
        self._set_scales()
        self.by_fold, self._succ_mass = model.by_fold, model.succ_mass
        return self

    @classmethod
    def from_counter(cls, counter: ReadingCounter) -> Restorer:
        """From an index's ReadingCounter: its title, lead and caption counts plus its body
        counts. The counter can be dropped afterwards: the Restorer keeps its own copy."""
        return cls(counter.unigrams + counter.body_unigrams, counter.bigrams + counter.body_bigrams)

    def unigram(self, s: str) -> float:
        """P(s), interpolated; a tiny floor for forms neither model has seen."""
        p = self.general.unigrams.get(s, 0) * self._gen_scale + self.index.unigrams.get(s, 0) * self._idx_scale
        return p or 1e-9

    def _facts(self, s: str, memo: dict[str, _Facts] | None) -> _Facts:
        """What `bigram` reads of one syllable, looked up once per decode (`memo`): a step
        asks every pair of two syllables' readings, so each reading is asked many times
        and each answer is a trie lookup in the mapped model."""
        found = memo.get(s) if memo is not None else None
        if found is None:
            found = _Facts(
                self.unigram(s), self.general.unigrams.get(s, 1), self.index.unigrams.get(s, 0),
                self.index.successors.get(s, 0), self._succ_mass.get(s),
            )
            if memo is not None:
                memo[s] = found
        return found

    def bigram(self, a: str, b: str, memo: dict[str, _Facts] | None = None) -> float:
        """P(b | a): index pair counts, absolutely discounted (a syllable followed by many
        different ones leaves more to the unseen), backed off to the general estimate:
        P_dict(b | a), the dictionary's pairs normalized by a's successors' general mass,
        interpolated with P(b)."""
        fa, fb = self._facts(a, memo), self._facts(b, memo)
        prior = fb.unigram
        if fa.succ_mass:
            in_dict = 1.0 if f"{a} {b}" in self.general.bigrams else 0.0
            p_dict = in_dict * fb.general_unigram / self.general.total / fa.succ_mass
            prior = self.DICT_WEIGHT * p_dict + (1.0 - self.DICT_WEIGHT) * prior
        pair = self.index.bigrams.get(f"{a} {b}", 0)
        backoff = self.DISCOUNT * fa.successors + self.PAIR_PRIOR
        return (max(pair - self.DISCOUNT, 0.0) + backoff * prior) / (fa.index_unigram + self.PAIR_PRIOR)

    def printed_case(self, low: str) -> str | None:
        """How the archive mostly prints a lowercase syllable, where that is not lowercase
        ("vat": "VAT", "nha": "Nha"), by the index's counts; None otherwise."""
        return self.index.cased.get(low)

    def misfit(self, typed: str, before: str | None, after: str | None) -> str | None:
        """Another spelling of the letters of `typed` (lowercase, canonical) that fits between
        its neighbours, typed with marks, MISFIT_MARGIN likelier than `typed`, whose pair with
        them the index's counts never hold: its marks slipped ("hà nôi" for "hà nội"). Measured
        on the dev sets' queries (stop 67, `bench/journal/relevance.md`): it picks out 73–174
        of each set's queries with a slipped mark and 0–3 of those typed right, each of those a
        typo of the set's own ("Bênh viện", "ô nhiễn") but one ("không thể chê được")."""
        if before is None and after is None:
            return None
        pairs = self.index.bigrams
        if (before and f"{before} {typed}" in pairs) or (after and f"{typed} {after}" in pairs):
            return None
        others = [c for c in self.candidates(fold(typed)) if c != typed]
        if not others:
            return None
        scores = self.fit([typed, *others], before, after)
        best = max(range(1, len(scores)), key=scores.__getitem__)
        return others[best - 1] if scores[best] - scores[0] >= MISFIT_MARGIN else None

    def pair_count(self, a: str, b: str) -> float:
        """How often the model's counts hold `a` and `b` (lowercase, canonical) side by side: the
        archive prints them so at least that often (`read_marks.misfit_keys` asks it first, where
        the index would read thousands of articles to say so)."""
        return self.index.bigrams.get(f"{a} {b}", 0)

    def one_word(self, a: str, b: str) -> bool:
        """Whether syllables a and b (lowercase, canonical) side by side are one word, by the
        index's counts (WORD_PAIR_LEAST, WORD_PAIR_LIFT): a pair of a query's words that
        joins one word to the next is met by chance inside other words ("nẵng mưa" of `Đà
        Nẵng mưa lớn` in "Đà Nẵng mua ma túy")."""
        return (self.index.bigrams.get(f"{a} {b}", 0) >= WORD_PAIR_LEAST
                and self.bigram(a, b) >= WORD_PAIR_LIFT * self.unigram(b))

    def one_word_folded(self, a: str, b: str) -> bool:
        """`one_word` for some reading of folded syllables a and b (each one of its
        WORD_READINGS likeliest): typed plain, "da nang" is "Đà Nẵng"."""
        return any(self.one_word(x, y) for x in self.candidates(a)[:WORD_READINGS]
                   for y in self.candidates(b)[:WORD_READINGS])

    def fit(self, options: Sequence[str], before: str | None = None, after: str | None = None) -> list[float]:
        """log P(option | before) + log P(after | option) for each reading in `options` (lowercase,
        canonical), `before` and `after` the neighbours' readings where known; log P(option)
        where there is none before. How well each reading fits its place, to choose between
        spellings a slip leaves open ("của ông là" over "của nô là")."""
        memo: dict[str, _Facts] = {}
        out = []
        for s in options:
            score = math.log(self.bigram(before, s, memo) if before else self.unigram(s))
            if after:
                score += math.log(self.bigram(s, after, memo))
            out.append(score)
        return out

    def common(self, folded: str) -> bool:
        """Whether a reading of this folded word is common in the language: one in COMMON of
        the general model's syllables ("viet": "việt" 1.8e-3; not "kai", 8e-6)."""
        unigrams, total = self.general.unigrams, self.general.total
        return any(unigrams.get(s, 0) >= total * self.COMMON for s in self.candidates(folded))

    def candidates(self, folded: str) -> list[str]:
        return self.by_fold.get(folded) or [folded]

    def decode(
        self, folded: Sequence[str], local: Counts | None = None, given: Sequence[str | None] = ()
    ) -> list[str]:
        """Viterbi: argmax over readings of log P(s1) + Σ log P(s_i | s_{i-1}), lowercase.
        `local` counts from the query's context (see restore) weigh in at each step; `given`:
        the reading of a word already known (its marks typed), where not None."""
        local = local or Counts({}, {})
        options = [
            [given[i]] if i < len(given) and given[i] else self._with_local(self.candidates(f), f, local)
            for i, f in enumerate(folded)
        ]
        memo: dict[str, _Facts] = {}

        # where the context holds the first two words as a pair, it weighs their readings in
        # that step (`_steps`): counted in the first word's too, it counted twice, and a rare
        # reading printed once ("Pham Ngọc Thạch" in one snippet, "Phạm" in 21) won
        paired = len(options) > 1 and any(local.bigrams.get(f"{a} {b}") for a in options[0] for b in options[1])

        def first(s: str) -> float:
            if paired:
                return self.unigram(s)
            seen = sum(local.unigrams.get(c, 0) for c in options[0])
            return (local.unigrams.get(s, 0) + self.CONTEXT_PRIOR * self.unigram(s)) / (seen + self.CONTEXT_PRIOR)

        best = {s: (math.log(first(s)), [s]) for s in options[0]}
        for prev_options, now in pairwise(options):
            step_best: dict[str, tuple[float, list[str]]] = {}
            step = self._steps(prev_options, now, local, memo)
            for s in now:
                score, path = max(
                    ((sc + math.log(step[p[-1], s]), p) for sc, p in best.values()),
                    key=lambda x: x[0],
                )
                step_best[s] = (score, [*path, s])
            best = step_best
        return max(best.values(), key=lambda x: x[0])[1]

    def _steps(
        self, before: list[str], after: list[str], local: Counts, memo: dict[str, _Facts]
    ) -> dict[tuple[str, str], float]:
        """P(b | a) for each reading a of one syllable and b of the next: the model's, times
        what the context says of that pair's reading among all readings of the same letters.
        The model's share of reading "a b" (P(a) P(b | a) over the pair's readings) is updated
        by the context's counts of each reading (CONTEXT_PRIOR: one occurrence weighs as much
        as the models), and the step scaled by updated / prior share; letters the context does
        not hold as a pair leave the model alone. The context used to weigh P(b | a) itself:
        one "em học sinh đó nghỉ học" in a snippet made P(nghỉ | đó) 0.5 where the model's
        P(nghỉ | do) is 5e-6, and `ly do nghi hoc` read "lý đó nghỉ học" although the same
        snippets print "lý do" four times (bench/journal/relevance.md, stop 33: keywords 871 → 882 of 910
        syllables restored, keywords over news-50k 864 → 872, with `decode`'s first word)."""
        model = {(a, b): self.bigram(a, b, memo) for a in before for b in after}
        held = {pair: local.bigrams.get(f"{pair[0]} {pair[1]}", 0) for pair in model}
        seen = sum(held.values())
        if not seen:
            return model
        prior = {a: self.unigram(a) for a in before}
        mass = {(a, b): prior[a] * p for (a, b), p in model.items()}
        total = sum(mass.values())
        steps = {}
        for pair, p in model.items():
            share = mass[pair] / total
            steps[pair] = p * (held[pair] + self.CONTEXT_PRIOR * share) / ((seen + self.CONTEXT_PRIOR) * share)
        return steps

    @staticmethod
    def _with_local(options: list[str], folded: str, local: Counts) -> list[str]:
        extra = [s for s in local.unigrams if fold(s) == folded and s not in options]
        return [*options, *extra]

    def local_counts(self, folded: Sequence[str], context: Iterable[str]) -> Counts:
        """Counts of the query's syllables and adjacent pairs as printed in `context` (e.g.
        the titles and snippets of the search hits): the archive's own spelling of exactly
        these words, whatever the whole-index model had room to keep. A syllable counts in
        full where it stands in one of the query's pairs, else at CONTEXT_ALONE: the hits were
        found by folded words, so a lone "báo" of "báo cáo" near the hit's other words says
        little about the "bao" of "bao nhieu nguoi" (keywords 868 → 871 of 910 syllables,
        keywords over news-50k 860 → 864; bench/journal/relevance.md, "Stop 30")."""
        wanted = set(folded)
        pairs = {f"{a} {b}" for a, b in pairwise(folded)}
        alone = 1.0 if not pairs else self.CONTEXT_ALONE
        unigrams: Counter[str] = Counter()
        bigrams: Counter[str] = Counter()
        initial: Counter[str] = Counter()  # of those, at a sentence's start: `Counts` `initial`
        for text in context:
            parts = _SPLIT_LETTERS.split(text)  # text, syllable, gap, syllable, ..., text
            shouted = _shouted(parts[1::2])
            prev = ""
            prev_paired = prev_initial = False
            for k, (surface, folded_surface) in enumerate(map(_PRINTED.__getitem__, parts[1::2])):
                if folded_surface in wanted:
                    starts = k == 0 or k in shouted or _SENTENCE_END.search(parts[2 * k]) is not None
                    if prev and parts[2 * k] in _JOINING_GAPS and fold(f"{prev} {surface}") in pairs:
                        bigrams[f"{prev} {surface}"] += 1
                        unigrams[surface] += 1
                        # joined, `surface` starts no sentence, but in a run of capitals its
                        # capital is the run's, as its pair's is (`_shouted`)
                        initial[surface] += k in shouted
                        initial[f"{prev} {surface}"] += prev_initial
                        if not prev_paired:  # counted alone a step ago: now it is in a pair
                            unigrams[prev] += 1 - alone
                            initial[prev] += (1 - alone) * prev_initial
                        prev_paired = True
                    else:
                        unigrams[surface] += alone
                        initial[surface] += alone * starts
                        prev_paired = False
                    prev, prev_initial = surface, starts
                else:
                    prev = ""
                    prev_paired = False
        return Counts(+unigrams, bigrams, initial)

    def supported(self, path: Sequence[str], local: Counts | None = None) -> bool:
        """A reading is offered only with evidence: a pair of it seen in the index, the
        dictionary or the context, or else every syllable the dominant reading of its folded
        form (at least half of the probability of its alternatives). A lone syllable has no
        context, and many folded syllables are words themselves ("nam" is not a typo of "năm"):
        it needs two thirds of the index's own uses of its folded form."""
        models = [self.index, self.general, *([local] if local else [])]
        if len(path) == 1:
            counts = [self.index.unigrams.get(c, 0) for c in self.candidates(fold(path[0]))]
            return 3 * self.index.unigrams.get(path[0], 0) >= 2 * sum(counts) > 0
        if any(f"{a} {b}" in m.bigrams for a, b in pairwise(path) for m in models):
            return True
        return all(self._dominant(s) for s in path)

    def _dominant(self, s: str) -> bool:
        known = s in self.index.unigrams or s in self.general.unigrams
        return known and 2 * self.unigram(s) >= sum(self.unigram(c) for c in self.candidates(fold(s)))

    def cased(self, path: Sequence[str], local: Counts | None = None) -> list[str]:
        """Put back the printed case: from the pair on the left, else the pair on the right,
        else the syllable alone; the context's evidence first, then the index's, then the
        general model's."""
        models = [*([local] if local else []), self.index, self.general]
        out: list[str] = []
        for i, s in enumerate(path):
            keys: list[tuple[str, int]] = []
            if i > 0:
                keys.append((f"{path[i - 1]} {s}", 1))
            if i + 1 < len(path):
                keys.append((f"{s} {path[i + 1]}", 0))
            out.append(self._case(s, keys, models))
        return out

    @staticmethod
    def _case(s: str, keys: list[tuple[str, int]], models: list[Counts]) -> str:
        """The first model's case that has the pair, else the syllable; one whose only
        evidence stood at sentence starts (`Counts.caseless`) only when none has more."""
        for sure in (True, False):
            for counts in models:
                for key, side in keys:
                    if key in counts.bigrams and not (sure and key in counts.caseless):
                        return counts.cased.get(key, key).split(" ")[side]
            for counts in models:
                if s in counts.unigrams and not (sure and s in counts.caseless):
                    return counts.cased.get(s, s)
        return s

    def restore(
        self, folded: Sequence[str], context: Iterable[str] = (), given: Sequence[str | None] = ()
    ) -> list[str] | None:
        """The most likely accented reading of a folded syllable sequence, cased as printed,
        or None when no model knows it well enough to offer it. `context`: texts the query
        was found in (titles and snippets of its hits), whose spelling of these very words
        outweighs the models; `given`: readings already known, as `decode` takes them."""
        local = self.local_counts(folded, context) if context else None
        known = local.unigrams if local else {}
        if not folded or all(f not in self.by_fold and not any(fold(s) == f for s in known) for f in folded):
            return None
        path = self.decode(folded, local, given)
        if not self.supported(path, local):
            return None
        return self.cased(path, local)
