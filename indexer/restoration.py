"""Accent restoration for "did you mean": the most likely accented reading of an unaccented
query ("dang uy khoi doanh nghiep" → "Đảng ủy Khối doanh nghiệp").

Two sources of evidence, interpolated so that a small archive still gets good readings:
- the index's own counts (index.ReadingCounter: syllables and adjacent pairs as printed in
  titles, leads and captions), which know the archive's names and topics;
- a general model shipped in indexer/data/restoration-general.json.gz (syllable frequencies
  from wordfreq, adjacent pairs of dictionary words and names from pyvi, Faker and CLDR; see
  bench/make_restoration_model.py and indexer/data/NOTICE.md), loaded once per process.

Decoding is a syllable bigram model with Viterbi over the accented readings of each folded
syllable, on lowercase forms; case is put back afterwards from the pairs that were seen.
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import TYPE_CHECKING

from indexer.analysis import fold

if TYPE_CHECKING:
    from indexer.index import ReadingCounter

GENERAL_MODEL = "restoration-general.json.gz"


class Counts:
    """Lowercase syllable and pair counts, with the dominant printed case of those seen
    capitalized. Built from cased counts ({"Hà": 3, "hà": 1}, {"Hà Nội": 2})."""

    def __init__(self, unigrams: Mapping[str, int], bigrams: Mapping[str, int]) -> None:
        self.unigrams: dict[str, int] = {}
        self.bigrams: dict[str, int] = {}
        self.cased: dict[str, str] = {}  # lowercase syllable or pair -> dominant printed form
        self._add(unigrams, self.unigrams)
        self._add(bigrams, self.bigrams)
        self.total = max(1, sum(self.unigrams.values()))
        self.successors: dict[str, int] = {}  # distinct pairs that start with a syllable
        for pair in self.bigrams:
            first = pair.split(" ", 1)[0]
            self.successors[first] = self.successors.get(first, 0) + 1

    def _add(self, cased_counts: Mapping[str, int], into: dict[str, int]) -> None:
        best: dict[str, tuple[int, str]] = {}
        for surface, n in cased_counts.items():
            low = surface.lower()
            into[low] = into.get(low, 0) + n
            if surface != low and n > best.get(low, (0, ""))[0]:
                best[low] = (n, surface)
        for low, (n, surface) in best.items():
            # Capitalized forms win only when they are the majority of this syllable or pair.
            if 2 * n > into[low]:
                self.cased[low] = surface


@cache
def general_counts() -> Counts:
    """The shipped general model, read once per process (about 0.1 s, ~10 MiB)."""
    raw = resources.files("indexer").joinpath("data", GENERAL_MODEL).read_bytes()
    data = json.loads(gzip.decompress(raw))
    return Counts(data["unigrams"], data["bigrams"])


class Restorer:
    """Accented readings of folded syllable sequences, for one index generation. Build one per
    generation from its ReadingCounter (or its unigrams/bigrams) and reuse it: it is
    read-only and thread-safe after construction."""

    CANDIDATES = 16  # accented readings kept per folded syllable
    INDEX_PRIOR = 20_000.0  # μ: syllables of index text at which index and general weigh alike
    DISCOUNT = 0.75  # D: absolute discount of each index pair count, given to the back-off
    PAIR_PRIOR = 3.0  # κ: extra weight of the general estimate in each index bigram step
    DICT_WEIGHT = 0.7  # λ: share of the dictionary pairs in the general bigram estimate

    def __init__(
        self,
        unigrams: Mapping[str, int] | None = None,
        bigrams: Mapping[str, int] | None = None,
        general: Counts | None = None,
    ) -> None:
        self.index = Counts(unigrams or {}, bigrams or {})
        self.general = general if general is not None else general_counts()
        gen, idx = self.general, self.index
        # P(s) = (c_index(s) + μ P_general(s)) / (N_index + μ): a small index leans on the
        # general model, a large one on itself.
        weight = self.INDEX_PRIOR / (idx.total + self.INDEX_PRIOR)
        self._gen_scale = weight / gen.total
        self._idx_scale = (1.0 - weight) / idx.total
        by_fold: dict[str, list[str]] = {}
        for surface in {*gen.unigrams, *idx.unigrams}:
            by_fold.setdefault(fold(surface), []).append(surface)
        self.by_fold = {k: sorted(v, key=self.unigram, reverse=True)[: self.CANDIDATES] for k, v in by_fold.items()}
        # Dictionary successors of each syllable, normalized by the general unigram mass.
        succ_mass: dict[str, float] = {}
        for pair in gen.bigrams:
            a, b = pair.split(" ", 1)
            succ_mass[a] = succ_mass.get(a, 0.0) + gen.unigrams.get(b, 1) / gen.total
        self._succ_mass = succ_mass

    @classmethod
    def from_counter(cls, counter: ReadingCounter) -> Restorer:
        """From an index's ReadingCounter: its title, lead and caption counts plus its body
        counts. The counter can be dropped afterwards: the Restorer keeps its own copy."""
        return cls(counter.unigrams + counter.body_unigrams, counter.bigrams + counter.body_bigrams)

    def unigram(self, s: str) -> float:
        """P(s), interpolated; a tiny floor for forms neither model has seen."""
        p = self.general.unigrams.get(s, 0) * self._gen_scale + self.index.unigrams.get(s, 0) * self._idx_scale
        return p or 1e-9

    def _general_bigram(self, a: str, b: str, p_b: float) -> float:
        mass = self._succ_mass.get(a)
        if not mass:
            return p_b
        in_dict = 1.0 if f"{a} {b}" in self.general.bigrams else 0.0
        p_dict = in_dict * self.general.unigrams.get(b, 1) / self.general.total / mass
        return self.DICT_WEIGHT * p_dict + (1.0 - self.DICT_WEIGHT) * p_b

    def bigram(self, a: str, b: str) -> float:
        """P(b | a): index pair counts, absolutely discounted (a syllable followed by many
        different ones leaves more to the unseen), backed off to the general estimate."""
        prior = self._general_bigram(a, b, self.unigram(b))
        pair = self.index.bigrams.get(f"{a} {b}", 0)
        backoff = self.DISCOUNT * self.index.successors.get(a, 0) + self.PAIR_PRIOR
        return (max(pair - self.DISCOUNT, 0.0) + backoff * prior) / (self.index.unigrams.get(a, 0) + self.PAIR_PRIOR)

    def candidates(self, folded: str) -> list[str]:
        return self.by_fold.get(folded) or [folded]

    def decode(self, folded: Sequence[str]) -> list[str]:
        """Viterbi: argmax over readings of log P(s1) + Σ log P(s_i | s_{i-1}), lowercase."""
        best = {s: (math.log(self.unigram(s)), [s]) for s in self.candidates(folded[0])}
        for f in folded[1:]:
            step: dict[str, tuple[float, list[str]]] = {}
            for s in self.candidates(f):
                score, path = max(
                    ((sc + math.log(self.bigram(p[-1], s)), p) for sc, p in best.values()),
                    key=lambda x: x[0],
                )
                step[s] = (score, [*path, s])
            best = step
        return max(best.values(), key=lambda x: x[0])[1]

    def supported(self, path: Sequence[str]) -> bool:
        """A reading is offered only with evidence: a pair of it seen in the index or the
        dictionary, or else every syllable the dominant reading of its folded form (at least
        half of the probability of its alternatives). A lone syllable has no context, and many
        folded syllables are words themselves ("nam" is not a typo of "năm"): it needs two
        thirds of the index's own uses of its folded form."""
        if len(path) == 1:
            counts = [self.index.unigrams.get(c, 0) for c in self.candidates(fold(path[0]))]
            return 3 * self.index.unigrams.get(path[0], 0) >= 2 * sum(counts) > 0
        if any(f"{a} {b}" in self.index.bigrams or f"{a} {b}" in self.general.bigrams for a, b in pairwise(path)):
            return True
        return all(self._dominant(s) for s in path)

    def _dominant(self, s: str) -> bool:
        known = s in self.index.unigrams or s in self.general.unigrams
        return known and 2 * self.unigram(s) >= sum(self.unigram(c) for c in self.candidates(fold(s)))

    def cased(self, path: Sequence[str]) -> list[str]:
        """Put back the printed case: from the pair on the left, else the pair on the right,
        else the syllable alone; index evidence before the general model's."""
        out: list[str] = []
        for i, s in enumerate(path):
            keys: Iterable[tuple[str, int]] = []
            if i > 0:
                keys = [(f"{path[i - 1]} {s}", 1)]
            if i + 1 < len(path):
                keys = [*keys, (f"{s} {path[i + 1]}", 0)]
            out.append(self._case(s, keys))
        return out

    def _case(self, s: str, keys: Iterable[tuple[str, int]]) -> str:
        keys = list(keys)
        for counts in (self.index, self.general):
            for key, side in keys:
                if key in counts.bigrams:
                    return counts.cased.get(key, key).split(" ")[side]
        for counts in (self.index, self.general):
            if s in counts.unigrams:
                return counts.cased.get(s, s)
        return s

    def restore(self, folded: Sequence[str]) -> list[str] | None:
        """The most likely accented reading of a folded syllable sequence, cased as printed,
        or None when no model knows it well enough to offer it."""
        if not folded or all(f not in self.by_fold for f in folded):
            return None
        path = self.decode(folded)
        if not self.supported(path):
            return None
        return self.cased(path)
