"""What the index knows about words, as query understanding asks it (`Support`): how many
articles hold a folded syllable or an adjacent pair, and whether the archive prints a marked
spelling. `IndexSupport` answers from a served index, for one request; `DictSupport` from
plain counts, for tests and benchmarks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from indexer.analysis import Syllable, fold, has_marks, normalize_text, tokenize
from indexer.schema import PARTS

if TYPE_CHECKING:
    from indexer.matching import Executor


class Support(Protocol):
    """What the index knows: documents holding a folded syllable / an adjacent pair, and whether
    it prints an exact (marked) form at all."""

    documents: int  # articles in the index

    def df(self, folded: str) -> int: ...

    def pair_df(self, a: str, b: str) -> int: ...

    def printed(self, exact: str) -> bool: ...

    def printed_count(self, exact: str) -> int: ...

    def printed_pair(self, a: str, b: str) -> int: ...

    def printed_run(self, words: Sequence[str]) -> int: ...


class DictSupport:
    """A `Support` over plain counts, for tests and benchmarks (`from_texts` counts documents)."""

    def __init__(
        self,
        syllables: Mapping[str, int],
        pairs: Mapping[tuple[str, str], int],
        exact: Mapping[str, int] | None = None,
        documents: int | None = None,
        exact_pairs: Mapping[tuple[str, str], int] | None = None,
        runs: Sequence[Sequence[tuple[str, ...]]] = (),
    ) -> None:
        self.syllables = syllables  # folded syllable → documents (what a TypoIndex is built from)
        self.pairs = pairs
        self.exact = exact or {}  # canonical marked syllable → documents
        self.exact_pairs = exact_pairs or {}  # side by side, as printed → documents
        self.runs = runs  # per document, its runs of adjacent folded syllables (`from_texts`)
        # articles in all (`from_texts` counts them): by default as many as hold the commonest word
        self.documents = max(syllables.values(), default=0) if documents is None else documents

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> DictSupport:
        df: Counter[str] = Counter()
        pairs: Counter[tuple[str, str]] = Counter()
        exact: Counter[str] = Counter()
        exact_pairs: Counter[tuple[str, str]] = Counter()
        runs: list[list[tuple[str, ...]]] = []
        documents = 0
        for text in texts:
            documents += 1
            toks = [t for t in tokenize(normalize_text(text)) if not t.alias]
            runs.append(_runs(toks))
            df.update({t.folded for t in toks})
            pairs.update({(a.folded, b.folded) for a, b in pairwise(toks) if b.joined})
            exact.update({t.exact for t in toks})
            exact_pairs.update({(a.exact, b.exact) for a, b in pairwise(toks) if b.joined})
        return cls(df, pairs, exact, documents, exact_pairs, runs)

    def df(self, folded: str) -> int:
        return self.syllables.get(folded, 0)

    def pair_df(self, a: str, b: str) -> int:
        return self.pairs.get((a, b), 0)

    def printed(self, exact: str) -> bool:
        return bool(self.exact.get(exact))

    def printed_count(self, exact: str) -> int:
        return self.exact.get(exact, 0)

    def printed_pair(self, a: str, b: str) -> int:
        return self.exact_pairs.get((a, b), 0)

    def printed_run(self, words: Sequence[str]) -> int:
        n, want = len(words), tuple(words)
        return sum(any(want == run[k : k + n] for run in doc for k in range(len(run) - n + 1)) for doc in self.runs)


def _runs(toks: Sequence[Syllable]) -> list[tuple[str, ...]]:
    """A text's runs of adjacent syllables (each joined to the one before), folded."""
    runs: list[list[str]] = []
    for t in toks:
        if t.joined and runs:
            runs[-1].append(t.folded)
        else:
            runs.append([t.folded])
    return [tuple(r) for r in runs]


class IndexSupport:
    """What the index says about words (`Support`), for one request: how
    many articles hold a folded syllable, or an adjacent pair, in any part. Remembered, since
    decoding and typo ranking ask about the same words several times."""

    def __init__(self, searcher: Any, executor: Executor, printed_phrase: Callable[..., Any] | None = None) -> None:
        self.searcher = searcher
        self.executor = executor
        self._printed_phrase = printed_phrase  # `ForwardIndex.printed_phrase`; None: cannot tell
        self._counts: dict[str, int] = {}
        self.documents = searcher.doc_count_all()
        self._large = self.documents >= PRINTED_NOISE_FROM

    def _remembered(self, key: str, count: Callable[[], int]) -> int:
        found = self._counts.get(key)
        if found is None:
            found = self._counts[key] = count()
        return found

    def _count(self, suffix: str, text: str) -> int:
        doc_frequency = self.executor.doc_frequency
        return self._remembered(
            suffix + "\t" + text, lambda: sum(doc_frequency(self.searcher, p + suffix, text) for p in PARTS)
        )

    def df(self, folded: str) -> int:
        return self._count("", folded)

    def pair_df(self, a: str, b: str) -> int:
        return self._count("_bi", f"{a} {b}")

    def printed_count(self, exact: str) -> int:
        """Articles printing `exact` (a canonical marked syllable), counted once per part."""
        return self._count("_ex", exact)

    def printed(self, exact: str) -> bool:
        """Whether some article prints `exact` (a canonical marked syllable): on an index of
        PRINTED_NOISE_FROM+ articles, in two places at least (parts of articles, counted as
        `printed_count` counts them). The body first: nearly every printed word is there, so
        one lookup usually answers."""
        need = 2 if self._large else 1
        doc_frequency = self.executor.doc_frequency

        def count() -> int:
            found = 0
            for part in PRINTED_ORDER:
                found += doc_frequency(self.searcher, part + "_ex", exact)
                if found >= need:
                    return 1
            return 0

        return bool(self._remembered("printed\t" + exact, count))

    def printed_pair(self, a: str, b: str) -> int:
        """Articles printing `a` and `b` (canonical syllables, one marked at least) side by side:
        of those holding the folded pair and printing the marked one so (`b`, or `a` where `b`
        has no marks: "Đồng Nai"), those printing the two so, read in the forward index (as many
        as hold the folded pair where it cannot tell: no forward index)."""
        fa, fb = fold(a), fold(b)
        if self._printed_phrase is None:
            return self.pair_df(fa, fb)
        marked = b if has_marks(b) or not has_marks(a) else a

        def count() -> int:
            held = self._held_in_one_part([("_bi", f"{fa} {fb}"), ("_ex", marked)])
            printed = self._printed_phrase(((fa,), (fb,)), ((a,), (b,)), held) if len(held) else []
            return int(np.count_nonzero(printed))

        return self._remembered(f"printed pair\t{a} {b}", count)

    def printed_run(self, words: Sequence[str]) -> int:
        """Articles printing `words` (folded syllables) in a row, in one part: of those holding
        each adjacent pair in that part, those whose words hold the run (read in the forward
        index; where it cannot tell, all of them). Nothing is read past a pair held nowhere."""
        if any(not self.pair_df(a, b) for a, b in pairwise(words)):
            return 0

        def count() -> int:
            docs = self._held_in_one_part([("_bi", f"{a} {b}") for a, b in pairwise(words)])
            if not len(docs) or self._printed_phrase is None:
                return len(docs)
            return int(np.count_nonzero(self._printed_phrase([(w,) for w in words], [None] * len(words), docs)))

        return self._remembered("run\t" + " ".join(words), count)

    def _held_in_one_part(self, terms: Sequence[tuple[str, str]]) -> np.ndarray:
        """Docnums (ascending) of the articles holding every one of `terms` ((field suffix, text):
        "_bi" a folded pair, "_ex" a marked syllable) in one same part (title, lead, body or
        caption): those a run of words may be printed in (`printed_pair`, `printed_run`)."""
        postings = self.executor.raw_postings
        held = []
        for part in PARTS:
            docs = None
            for suffix, text in terms:
                found = postings(part + suffix, text, self.searcher)[0]
                docs = found if docs is None else np.intersect1d(docs, found)
                if not len(docs):
                    break
            if docs is not None and len(docs):
                held.append(docs)
        return np.unique(np.concatenate(held)) if held else np.zeros(0, dtype=np.intp)


PRINTED_ORDER = ("body", "lead", "title", "caption")  # `IndexSupport.printed`: likeliest first
# From this many articles, a marked spelling printed in one place only (one part of one article)
# is taken as not printed: a large archive prints its own typos ("nhâ", "hụ", "độgn" each once
# in news-50k), and a slip the index "prints" was never corrected (`misspellings._unprinted_marks`)
# nor ruled out as a candidate (`misspellings.printed_carried`). Keywords over news-50k typed with
# marks and one slip (stop 24): MRR@10 0.6776 -> 0.6827, shown as meant 0.560 -> 0.593; the
# accented, plain, telex and other typo forms unchanged. Two places in 10,000 articles (4 on
# news-50k) cost the accented form (0.7874 -> 0.7857). Smaller indexes (every default
# relevance set) are unchanged: there a word printed once is as often a rare real one.
PRINTED_NOISE_FROM = 20_000
