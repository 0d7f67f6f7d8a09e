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
the same word already. A typo must cost more than a missing mark: see SUGGESTED_WEIGHT.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np

from indexer.analysis import fold
from indexer.mapped import load_array, open_trie, save_array, save_trie, trie_id, trie_keys

MIN_LENGTH = 3  # shorter words get no tolerance ("an"/"em"/"ba" are each other's typos) bar `lost_letter`
LONG_WORD = 8  # from this length on, distance 2
MAX_LENGTH = 24  # longer lexicon entries (URLs, hashes) are not worth indexing

# Weight of a typo candidate's term relative to the word as typed (1.0). The exact-form boost
# of a correctly accented match is 0.3 on top of the folded 1.0 (ranking.EXACT_WEIGHT), so a
# document missing the marks scores 1.0 against 1.3: a missing mark costs 0.3. A typo
# candidate at 0.4 costs 0.9, so it ranks below a match with missing marks, and far below an
# exact match, even when its idf is somewhat higher.
SUGGESTED_WEIGHT = 0.4
# ... except the candidate a mistyped word is TAKEN AS (`taken_as`), matched at TAKEN_WEIGHT:
# - the lone candidate of a word of LONE_LETTERS+ letters (longer than nearly every Vietnamese
#   syllable: "salmonella" for "oalmonella", "biotin" for "bvotin"): few words lie one edit from
#   a long one, so it is almost surely what was meant, and at 0.4 a question's other words
#   outweighed it (vinewsqa/typo 0.780 -> 0.783; 0.6 and 1.0 measure the same);
# - the only candidate the index holds next to a neighbour of the word ("xkt nghiem" -> "xet":
#   "xet nghiem" is printed, "xit nghiem" and "xat nghiem" are not). Among spellings one edit
#   away, the typed context is the evidence a noisy-channel corrector would use
#   (keywords/typo 0.874 -> 0.879, vinewsqa/typo +0.001, other forms unchanged; 0.6 and 1.0
#   measured less);
# - in a SHORT_QUERY, the candidate the index holds next to a neighbour in DOMINANT times as
#   many articles as any other ("vh tt dl trnh luan": "tranh luan" 42, the next 1): a short
#   query's words each carry much of it (initialisms/typo 0.788 -> 0.801, keywords/typo
#   +0.001; 2x and 5x measured less, 10x lost). In long queries it measured -0.0003 on
#   vinewsqa/typo (stop 19): a question's other words carry it.
TAKEN_WEIGHT = 0.8
# ... and, in a long query, a known word's slip candidate the index holds this many times as often
# as the word, which is next to neither neighbour while the candidate is next to one; in a short
# query that candidate is only shown as the correction (`meanings._slip_sureness`).
SLIP_RARITY = 100
# ... or, in a long query, a slip candidate the index holds next to a neighbour in this share of
# its articles, where the word as typed stands next to neither: one of the archive's commonest
# pairs ("bệnh nhân", "khoa học", "tham gia") one edit away ("ben nhan", "khao hoc", "tham
# tia") is what was meant, however common the typed word ("bên") is alone (`meanings._slip_sureness`).
SLIP_PAIR_SHARE = 0.05
LONE_LETTERS = 6
# How much rarer candidates are preferred among those printed next to a neighbour
# (`TypoIndex.in_context`): each neighbour scores log(pairs) - RARITY x log(df). Raw pair counts
# (0) favour frequent words ("bac si hni": "hai", not "nhi"); 1 is the neighbour's share of the
# candidate's articles; 2 adds an idf-like rarity. With one typo: keywords 0.892 -> 0.897,
# headlines 0.9374 -> 0.9379, vinewsqa 0.787 -> 0.790, initialisms the same; 1 and 1.5
# measured less, 3 the same, no other form changes.
RARITY = 2
DOMINANT = 3
# A query of fewer words is short: each word is a large share of it, so a typo costs more and
# bolder repairs pay (here, and two-letter slips in `misspellings.slip_candidates`).
SHORT_QUERY = 6
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


def taken_as(candidates: Sequence[str], words: Sequence[str], i: int, pair_df: Callable[[str, str], int]) -> str | None:
    """The candidate that word i (of the folded query `words`) is taken to mean, if the
    evidence points at one alone (see TAKEN_WEIGHT); None when it does not. The evidence is
    each candidate's pairs with a neighbour weighed by how likely the slip from it to what was
    typed is (`slip_likelihood`): the two halves of a noisy-channel corrector."""
    if len(candidates) == 1 and len(candidates[0]) >= LONE_LETTERS:
        return candidates[0]
    held = sorted(
        ((pair_docs(words, i, c, pair_df) * slip_likelihood(words[i], c), c) for c in candidates), reverse=True
    )
    held = [(n, c) for n, c in held if n]
    if len(held) == 1 or (len(held) > 1 and len(words) < SHORT_QUERY and held[0][0] >= DOMINANT * held[1][0]):
        return held[0][1]
    return None


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
    and codes ("u23", "2020") are not misspelled words. Meant for query words the index lacks
    (misspellings.typo_candidates does that check): a known word's neighbours are other words.
    """

    def __init__(self, lexicon: Mapping[str, int]) -> None:
        words = _indexed_words(lexicon)
        self.words = words
        self.freq = np.fromiter((lexicon[w] for w in words), dtype=np.int64, count=len(words))
        self._known = frozenset(words)
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
        """(candidate, distance, df) for lexicon words within `maxdist` of `word`, itself excluded."""
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
        word itself is never among them."""
        word = fold(word)
        maxdist = max_distance(word) if maxdist is None else maxdist
        if not maxdist or not word.isalpha():
            return []
        found = sorted(
            self._near(word, maxdist), key=lambda c: (c[1], not same_start(word, c[0], lost_start), -c[2], c[0])
        )
        return [(c, df) for c, _, df in found[:limit]]

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
        count. In a short query a lost first letter is looked for too (`same_start`)."""
        found = self.candidates(words[i], limit=pool, maxdist=maxdist, lost_start=len(words) < SHORT_QUERY)
        return ranked_in_context(found, words, i, pair_df, limit, chance)


# Two syllables meet by chance in about one article per CHANCE_ARTICLES indexed (`chance_pairs`):
# on news-50k (34,701 articles) a candidate held 3 times next to a neighbour is often a stray
# spelling ("chun" after "se", held once, ranked above "chuyen", held 250 times).
CHANCE_ARTICLES = 10_000


def chance_pairs(documents: int) -> int:
    """How many articles of an index of `documents` may hold a pair by chance: 0 below
    CHANCE_ARTICLES (news-2k's 2,600), 3 on news-50k's 34,701."""
    return documents // CHANCE_ARTICLES


def ranked_in_context(
    found: Sequence[tuple[str, int]],
    words: Sequence[str],
    i: int,
    pair_df: Callable[[str, str], int],
    limit: int,
    chance: int = 0,
) -> list[tuple[str, int]]:
    """The best `limit` of `found` ((folded candidate, df), in their own order of preference)
    for word i of `words`, re-ranked by the neighbours as `TypoIndex.in_context` says. A pair
    held in `chance` articles or fewer (`chance_pairs`) is no evidence: on news-50k, keywords
    with one typo 0.6571 -> 0.6665, typed with marks 0.7234 -> 0.7273, as keystrokes 0.7374 ->
    0.7458, and on 300 fresh keyword queries 0.6758 -> 0.6855, 0.6659 -> 0.6700, 0.6810 ->
    0.6847 (stop 40; 1, 2 and 5 measured less). On news-2k counting only pairs held twice or
    more lost (keywords/typo -0.0025, typo-accented -0.006): there one is evidence."""

    def context(cand: str, df: int) -> tuple[int, float]:
        pairs = [p for p in neighbour_pairs(words, i, cand, pair_df) if p > chance]
        return len(pairs), sum(math.log1p(p) - RARITY * math.log1p(df) for p in pairs)

    scored = [(context(c, df), -rank, c, df) for rank, (c, df) in enumerate(found)]
    scored.sort(reverse=True)
    return [(c, df) for _, _, c, df in scored[:limit]]


# How a slip of the fingers is weighed (`slip_likelihood`): a letter left out or two swapped are
# each one of a few places; a wrong or an extra letter is also one of the 26 letters, or of the
# ~6 keys around the meant one (or a letter doubled), which fingers hit far more often.
_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {c: (row, col) for row, keys in enumerate(_QWERTY) for col, c in enumerate(keys)}
LETTER_COST = math.log(26)
KEY_COST = math.log(6)
# P(typed | meant) ** CHANNEL_WEIGHT scales a candidate's pairs in `taken_as`. Issue 11, one
# typo: keywords/typo 0.9066 -> 0.9074, typo-accented 0.9201 -> 0.9204, vinewsqa/typo-accented
# 0.7942 -> 0.7957, initialisms/typo-accented 0.7717 -> 0.7790, every other cell the same; 1.0
# lifted keywords/typo more (0.9091 with letters only) but cost typo-keys 0.9531 -> 0.9524
# (the right word taken, the article a place down), 2.0 less.
CHANNEL_WEIGHT = 0.5


def _neighbour_keys(a: str, b: str) -> bool:
    """Whether keys `a` and `b` touch on a QWERTY keyboard (rows staggered by half a key)."""
    if a not in _KEY_AT or b not in _KEY_AT:
        return False
    (row_a, col_a), (row_b, col_b) = _KEY_AT[a], _KEY_AT[b]
    step = {0: (-1, 1), 1: (-1, 0), -1: (0, 1)}.get(row_b - row_a, ())
    return col_b - col_a in step


def slip_cost(typed: str, meant: str) -> float:
    """-log P(typed | meant) up to a constant, for a word one slip from what was meant: 0 for
    a letter left out or two adjacent ones swapped, KEY_COST for a neighbouring key struck
    instead or as well (or a letter doubled), LETTER_COST for any other wrong or extra letter,
    twice that for more than one slip."""
    n, m = len(typed), len(meant)
    if m == n + 1:
        k = next((k for k in range(n) if typed[k] != meant[k]), n)  # the letter left out
        return 0.0 if meant[:k] + meant[k + 1 :] == typed else 2 * LETTER_COST
    if m == n:
        diff = [k for k in range(n) if typed[k] != meant[k]]
        if len(diff) == 1:
            return KEY_COST if _neighbour_keys(meant[diff[0]], typed[diff[0]]) else LETTER_COST
        if len(diff) == 2:
            a, b = diff
            if b == a + 1 and typed[a] == meant[b] and typed[b] == meant[a]:
                return 0.0
    elif m == n - 1:
        k = next((k for k in range(m) if typed[k] != meant[k]), m)  # the extra letter
        if typed[:k] + typed[k + 1 :] == meant:
            around = [typed[j] for j in (k - 1, k + 1) if 0 <= j < n]
            return KEY_COST if any(y == typed[k] or _neighbour_keys(y, typed[k]) for y in around) else LETTER_COST
    return 2 * LETTER_COST


def slip_likelihood(typed: str, meant: str) -> float:
    """How likely, relative to a lost letter, `typed` is as a slip for `meant` (`slip_cost`),
    raised to CHANNEL_WEIGHT."""
    return math.exp(-CHANNEL_WEIGHT * slip_cost(typed, meant))


def neighbour_pairs(
    words: Sequence[str], i: int, candidate: str, pair_df: Callable[[str, str], int]
) -> tuple[int, int]:
    """Articles holding `candidate` right after words[i - 1] and right before words[i + 1] (0
    where there is no such neighbour): how well a spelling fits the place of word i."""
    before = pair_df(words[i - 1], candidate) if i > 0 else 0
    after = pair_df(candidate, words[i + 1]) if i + 1 < len(words) else 0
    return before, after


def pair_docs(words: Sequence[str], i: int, candidate: str, pair_df: Callable[[str, str], int]) -> int:
    """The most articles holding `candidate` next to one of words[i]'s neighbours (as pairs)."""
    return max(neighbour_pairs(words, i, candidate, pair_df))


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
