"""Typo candidates for query words the index does not know, without scanning the lexicon.

Whoosh's corrector walks the whole term list for every unknown word (tens of ms each). Here a
symmetric-delete index (the SymSpell idea) over the folded syllable lexicon answers in well
under a millisecond: every lexicon word is filed under itself and each string one deletion away;
a query word looks up itself and its own deletions, and the few hits are checked with the true
Damerau (optimal string alignment) distance. That finds every word within distance 1
(substitution, deletion, insertion, adjacent swap). Words of 3+ letters get distance 1, because
most Vietnamese syllables are 3-5 letters long (engines that start at 4 letters leave "nam",
"anh", "con" without any tolerance); words of LONG_WORD+ letters (never a Vietnamese syllable:
names, loanwords) also get distance 2 against long lexicon words found in 2+ documents.

Keys are stored as 64-bit string hashes in sorted NumPy arrays (hash collisions only add
candidates that the distance check then drops), which keeps a 100k-word lexicon near 10 MB.

Tone-only differences are not typos: everything here is folded (no marks), so "chò"/"chó" are
the same word already. Which of the candidates was meant, and how much each counts (a typo
must cost more than a missing mark), is `indexer.typo_evidence`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from indexer.analysis import fold
from indexer.mapped import load_array, open_trie, save_array, save_trie, trie_id, trie_keys
from indexer.typo_evidence import SHORT_QUERY, ranked_in_context

MIN_LENGTH = 3  # shorter words get no tolerance ("an"/"em"/"ba" are each other's typos) bar `lost_letter`
LONG_WORD = 8  # from this length on, distance 2
MAX_LENGTH = 24  # longer lexicon entries (URLs, hashes) are not worth indexing

# Candidates `TypoIndex.in_context` ranks by their neighbours; a caller that filters them (slips,
# words typed with marks) asks for all of them and keeps its best few after.
CONTEXT_POOL = 20
# ... and for a word typed with marks in a SHORT_QUERY (`misspellings._pool`), whose candidates are
# then kept only where the index prints them with those marks carried over
# (`misspellings.carried_marks`): a strong filter, so a wider pool, for the right spelling is often
# not among the 20 commonest one edit away ("mấy hì đau" → "thì", where "hai", "si" come
# first). Issue 11: keywords/typo-accented 0.9032 -> 0.9201, every other cell the same; 40
# measured 0.9173, 100 the same as 60. In every query it also lifted headlines/typo-accented
# 0.9438 -> 0.9455 but cost vinewsqa/typo-accented 0.7913 -> 0.7910.
MARKED_POOL = 60
# `TypoIndex.candidates` answers kept per index generation (all forgotten when full): each at
# most MARKED_POOL short pairs (a few KB), so at most a few MB a worker. Stop 78: 550 keyword
# queries over news-50k in 0.89x and 0.91x the time in two sessions, whole process (5 runs in
# turn with and without, median), the same answers.
REMEMBERED = 2048


def _deletes(word: str, depth: int) -> set[str]:
    """`word` and every string made from it by up to `depth` deletions."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau distance (optimal string alignment: an adjacent swap costs 1), or limit + 1 when
    it exceeds `limit` (the rows are cut off early)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d = min(d, prev2[j - 2] + 1)
            cur[j] = d
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def max_distance(word: str) -> int:
    """Typos allowed in a word of this length: 0 below MIN_LENGTH, 2 from LONG_WORD, else 1."""
    n = len(word)
    return 0 if n < MIN_LENGTH else 2 if n >= LONG_WORD else 1


def same_start(word: str, candidate: str, lost_start: bool = False) -> bool:
    """Whether `candidate` starts as `word` does, as a slip of the keys leaves it. A slip rarely
    hits the first letter, but two kinds move it:

    - the first two letters swapped ("hni" for "nhi", "ati" for "tai"). Those spellings were
      ranked behind every one keeping the typed first letter, so past the 20 the context ranks
      (`CONTEXT_POOL`) on a large index: keywords over news-50k, one typo, 0.590 -> 0.613;
      the default sets unchanged;
    - with `lost_start`, the first letter left out ("hu" for "khu", "uan" for "xuan"), in short
      queries (`SHORT_QUERY`): keywords/typo 0.8971 -> 0.9066, typo-keys 0.943 -> 0.953
      (over news-50k 0.613 -> 0.619, but typo-keys 0.7077 -> 0.7069: two queries down). In
      every query it cost vinewsqa/typo-accented 0.7913 -> 0.7905: an "h" word then starts
      like every "ch", "kh", "nh", "ph", "th" word, noise a long query does not need."""
    if candidate[:1] == word[:1] or (len(word) > 1 and candidate == word[1::-1] + word[2:]):
        return True
    return lost_start and candidate[1:] == word


def _indexed_words(lexicon: Mapping[str, int]) -> list[str]:
    """The lexicon words a typo index files: alphabetic ASCII, 2 to MAX_LENGTH letters."""
    return [w for w in lexicon if 2 <= len(w) <= MAX_LENGTH and w.isascii() and w.isalpha()]


class TypoIndex:
    """Folded lexicon words near a query word, by edit distance, frequency and context.

    Built from `{folded_syllable: document_frequency}` once per index generation (news-50k's
    lexicon: see bench/typos.py for time and memory). Only alphabetic entries are kept: numbers
    and codes ("u23", "2020") are not misspelled words. Asked for a word the index lacks
    (`misspellings.typo_candidates`) and for a known one a slip of the keys may have made
    (`misspellings.slip_candidates`, which keeps only those its neighbours hold).
    """

    def __init__(self, lexicon: Mapping[str, int]) -> None:
        words = _indexed_words(lexicon)
        self.words = words
        self.freq = np.fromiter((lexicon[w] for w in words), dtype=np.int64, count=len(words))
        self._known = frozenset(words)
        self._remembered: dict[tuple[str, int, int, bool], tuple[tuple[str, int], ...]] = {}
        counts = np.zeros(len(words), dtype=np.int64)

        def hashes() -> Iterator[int]:
            for i, w in enumerate(words):
                keys = _deletes(w, self._depth(w, lexicon[w]))
                counts[i] = len(keys)
                yield from map(hash, keys)

        keys = np.fromiter(hashes(), dtype=np.int64)
        ids = np.repeat(np.arange(len(words), dtype=np.int32), counts)
        order = np.argsort(keys)
        self._keys = keys[order]
        self._ids = ids[order]

    @staticmethod
    def _depth(word: str, df: int) -> int:
        """Deletions filed for a lexicon word: 2 for long words seen in 2+ documents (a long word
        found once is mostly noise, and its ~40 keys would double the index), else 1."""
        return 2 if len(word) >= LONG_WORD and df >= 2 else 1

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self._known

    @property
    def nbytes(self) -> int:
        """Bytes held by the NumPy arrays (the word list and dict come on top)."""
        return self._keys.nbytes + self._ids.nbytes + self.freq.nbytes

    def _probe(self, word: str, maxdist: int) -> np.ndarray:
        """The keys to look up for `word`: its deletions' hashes."""
        return np.fromiter((hash(d) for d in _deletes(word, maxdist)), dtype=np.int64)

    def _word(self, i: int) -> str:
        return self.words[i]

    def _near(self, word: str, maxdist: int) -> Iterator[tuple[str, int, int]]:
        """(candidate, distance, df) for lexicon words within `maxdist` of `word`, itself excluded.
        Nothing for a word longer than any within reach (MAX_LENGTH + maxdist): its deletions, built
        to be looked up, cost the cube of its length (a 500-letter word: 2.8 s and 0.5 GB, bug
        hunt 78)."""
        if len(word) > MAX_LENGTH + maxdist:
            return
        probe = self._probe(word, maxdist)
        lo = np.searchsorted(self._keys, probe, side="left")
        hi = np.searchsorted(self._keys, probe, side="right")
        seen: set[int] = set()
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            seen.update(self._ids[a:b].tolist())
        for i in seen:
            cand = self._word(i)
            if cand == word:
                continue
            d = distance(word, cand, maxdist)
            if d <= maxdist:
                yield cand, d, int(self.freq[i])

    def candidates(
        self, word: str, limit: int = 3, maxdist: int | None = None, lost_start: bool = False
    ) -> list[tuple[str, int]]:
        """Up to `limit` (folded candidate, df) within the allowed distance of `word` (folded
        here; `max_distance` unless `maxdist` says), best first: nearer, then starting as the
        word does (`same_start`: first letters are rarely mistyped), then more frequent. The
        word itself is never among them. Remembered (REMEMBERED): a short query's every word
        is looked up (`misspellings.slip_candidates`), and the same words come back query after
        query."""
        word = fold(word)
        maxdist = max_distance(word) if maxdist is None else maxdist
        if not maxdist or not word.isalpha():
            return []
        key = (word, limit, maxdist, lost_start)
        found = self._remembered.get(key)
        if found is None:
            if len(self._remembered) >= REMEMBERED:
                self._remembered.clear()  # (a plain dict: no reference back to the index, no lock needed)
            found = self._remembered[key] = self._ranked_near(word, limit, maxdist, lost_start)
        return list(found)

    def _ranked_near(self, word: str, limit: int, maxdist: int, lost_start: bool) -> tuple[tuple[str, int], ...]:
        found = sorted(
            self._near(word, maxdist), key=lambda c: (c[1], not same_start(word, c[0], lost_start), -c[2], c[0])
        )
        return tuple((c, df) for c, _, df in found[:limit])

    def lost_letter(self, word: str, limit: int = CONTEXT_POOL) -> list[tuple[str, int]]:
        """Up to `limit` (candidate, df) that `word` (folded) is with one letter left out,
        commonest first: the one slip looked for in a two-letter word that `max_distance` gives
        no tolerance (`misspellings._near_in_context`)."""
        found = [(c, df) for c, _, df in self._near(word, 1) if len(c) == len(word) + 1]
        return sorted(found, key=lambda c: (-c[1], c[0]))[:limit]

    def in_context(
        self,
        words: Sequence[str],
        i: int,
        pair_df: Callable[[str, str], int],
        limit: int = 3,
        pool: int = CONTEXT_POOL,
        maxdist: int | None = None,
        chance: int = 0,
    ) -> list[tuple[str, int]]:
        """Candidates for `words[i]` (folded query words), re-ranked by the neighbours: a
        candidate forming a pair the index holds with more of the neighbours comes first; among
        those, per neighbour, the larger share of the candidate's articles that hold the pair
        and the rarer candidate (log pairs - RARITY x log df: the neighbour's share, times an
        idf-like rarity, since a word typed into a search is more often a distinctive one);
        the distance/frequency order after; a pair held by `chance` (`chance_pairs`) does not
        count (`typo_evidence.ranked_in_context`). In a short query a lost first letter is
        looked for too (`same_start`)."""
        found = self.candidates(words[i], limit=pool, maxdist=maxdist, lost_start=len(words) < SHORT_QUERY)
        return ranked_in_context(found, words, i, pair_df, limit, chance)


def stable_hashes(keys: Sequence[str | bytes]) -> np.ndarray:
    """64-bit hashes of strings of at most MAX_LENGTH bytes (UTF-8), the same in every process
    (Python's `hash` of a str is salted per process, so it cannot be written to a file): each
    key zero-padded to 24 bytes, read as three 64-bit words, each mixed in by splitmix64's
    finalizer. Vectorized: news-50k's ~1M deletion keys take ~0.1 s."""
    padded = np.array([k.encode("utf-8") if isinstance(k, str) else k for k in keys], dtype=f"S{MAX_LENGTH}")
    words = padded.view(np.uint64).reshape(len(keys), MAX_LENGTH // 8) if len(keys) else np.zeros((0, 3), np.uint64)
    h = np.full(len(keys), 0x9E3779B97F4A7C15, dtype=np.uint64)
    for column in words.T:
        h ^= column
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h.view(np.int64)


class MappedTypoIndex(TypoIndex):
    """The same answers as `TypoIndex(lexicon)`, from files written at build time (`write`) and
    mapped read-only (see indexer.mapped): the words in a marisa trie (its ids number them),
    their frequencies and the sorted deletion-key hashes (`stable_hashes`) in NumPy arrays."""

    def __init__(self, folder: Path) -> None:
        self._trie = open_trie(folder / "typos.words.marisa")
        self.freq = load_array(folder / "typos.freq.npy")
        self._keys = load_array(folder / "typos.keys.npy")
        self._ids = load_array(folder / "typos.ids.npy")
        self._remembered = {}

    @classmethod
    def write(cls, folder: Path, lexicon: Mapping[str, int]) -> None:
        """Write the files for `lexicon` (as given to TypoIndex: `{folded syllable: df}`). Words
        and their deletion keys go in sorted order, so two builds of the same index write the
        same bytes (a set's order follows the process's hash seed)."""
        words = sorted(_indexed_words(lexicon))
        trie = save_trie(folder / "typos.words.marisa", words)
        freq = np.zeros(len(trie), dtype=np.int64)
        keys: list[str] = []
        ids: list[int] = []
        for w in words:
            i = trie[w]
            freq[i] = lexicon[w]
            deletes = sorted(_deletes(w, cls._depth(w, lexicon[w])))
            keys.extend(deletes)
            ids.extend([i] * len(deletes))
        hashes = stable_hashes(keys)
        order = np.argsort(hashes, kind="stable")
        save_array(folder / "typos.freq.npy", freq)
        save_array(folder / "typos.keys.npy", hashes[order])
        save_array(folder / "typos.ids.npy", np.asarray(ids, dtype=np.int32)[order])

    def __len__(self) -> int:
        return len(self._trie)

    def __contains__(self, word: str) -> bool:
        return trie_id(self._trie, word) is not None

    @property
    def words(self) -> list[str]:  # type: ignore[override]
        """Every word (for tools and tests; the server never lists them)."""
        return trie_keys(self._trie)

    def _word(self, i: int) -> str:
        return self._trie.restore_key(i)

    def _probe(self, word: str, maxdist: int) -> np.ndarray:
        # A deletion longer than any key written (MAX_LENGTH bytes) cannot be one of them.
        encoded = (d.encode("utf-8", "surrogatepass") for d in _deletes(word, maxdist))
        deletes = [d for d in encoded if len(d) <= MAX_LENGTH]
        return stable_hashes(deletes)
