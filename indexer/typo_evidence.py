"""Which of a mistyped word's spellings was meant, and how much each counts: the two halves of
a noisy-channel corrector, over the spellings one edit away that `indexer.typos` looks up.

- The channel: how likely the slip from a spelling to what was typed is (`slip_cost`: a letter
  left out or two swapped likelier than a wrong or an extra letter, a neighbouring key likelier
  than a far one).
- The context: the articles that hold a spelling next to the word's neighbours
  (`neighbour_pairs`), where a pair held in no more articles than chance explains does not count
  (`chance_pairs`), with a preference for rare spellings (`ranked_in_context`).
- What they decide: the weight a candidate is matched at (SUGGESTED_WEIGHT; TAKEN_WEIGHT for the
  one a word is taken as, `taken_as`), and how sure a slip must be (SLIP_RARITY,
  SLIP_PAIR_SHARE), by how long the query is (SHORT_QUERY).

`indexer.misspellings` finds each word's candidates with both; `indexer.meanings` weighs them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from indexer.analysis import iy_spellings

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
# query that candidate is only shown as the correction (`slips.slip_sureness`).
SLIP_RARITY = 100
# ... or, in a long query, a slip candidate the index holds next to a neighbour in this share of
# its articles, where the word as typed stands next to neither: one of the archive's commonest
# pairs ("bệnh nhân", "khoa học", "tham gia") one edit away ("ben nhan", "khao hoc", "tham
# tia") is what was meant, however common the typed word ("bên") is alone (`slips.slip_sureness`).
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
# `best_read` reads a candidate held next to a neighbour in READ_FROM_PAIRS articles or more,
# and adds PAIR_PRIOR to each pair count it reads (a pair never seen is not impossible)
READ_FROM_PAIRS = 2
PAIR_PRIOR = 0.5
# A query of fewer words is short: each word is a large share of it, so a typo costs more and
# bolder repairs pay (here, and two-letter slips in `misspellings.slip_candidates`).
SHORT_QUERY = 6


def taken_as(candidates: Sequence[str], words: Sequence[str], i: int, pair_df: Callable[[str, str], int]) -> str | None:
    """The candidate that word i (of the folded query `words`) is taken to mean, if the
    evidence points at one alone (see TAKEN_WEIGHT); None when it does not. The evidence is
    each candidate's pairs with a neighbour weighed by how likely the slip from it to what was
    typed is (`slip_likelihood`): the two halves of a noisy-channel corrector."""
    if len(candidates) == 1 and len(candidates[0]) >= LONE_LETTERS:
        return candidates[0]
    held = sorted(_channel_evidence(candidates, words, i, pair_df), reverse=True)
    held = [(n, c) for n, c in held if n]
    if len(held) == 1 or (len(held) > 1 and len(words) < SHORT_QUERY and held[0][0] >= DOMINANT * held[1][0]):
        return held[0][1]
    return None


def _channel_evidence(
    candidates: Sequence[str], words: Sequence[str], i: int, pair_df: Callable[[str, str], int]
) -> list[tuple[float, str]]:
    """(evidence, candidate) for word i: the candidate's pairs with a neighbour weighed by how
    likely the slip from it to what was typed is (`slip_likelihood`)."""
    return [(pair_docs(words, i, c, pair_df) * slip_likelihood(words[i], c), c) for c in candidates]


def likeliest_slip(
    candidates: Sequence[str], words: Sequence[str], i: int, pair_df: Callable[[str, str], int]
) -> str | None:
    """The candidate one slip from word i with the most evidence (`_channel_evidence`; on a
    tie, the first), where `taken_as` wants one to stand out; None where none is one slip away
    and held next to a neighbour. For letters that spell no syllable
    (`slips.slip_sureness`)."""
    one_slip = [c for c in candidates if slip_cost(words[i], c) < 2 * LETTER_COST]
    best = max(_channel_evidence(one_slip, words, i, pair_df), key=lambda scored: scored[0], default=(0, None))
    return best[1] if best[0] else None


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


def best_read(
    candidates: Sequence[str],
    words: Sequence[str],
    i: int,
    df: Callable[[str], int],
    pair_df: Callable[[str, str], int],
    chance: int = 0,
) -> str | None:
    """Of `candidates` for word i of `words`, the one a bigram model reads best between its
    neighbours (`reading`, jointly), counting only the pairs held beyond `chance`. Only a
    candidate held next to a neighbour in READ_FROM_PAIRS articles beyond `chance` is read: held
    once, a stray word ("tds", printed once, after "khi") reads best, being so rare. None where
    no candidate is.

    Why (`misspellings._with_best_read`, long queries): `ranked_in_context`'s count of the
    neighbours a candidate is held next to put common words that meet any neighbour first:
    `le vai than tai` (lễ vía Thần Tài, two letters of "vía" swapped, making "vài") got "vật",
    "văn" and "vì", each held next to "lê" and to "thần", and not "vía", held next to "thần"
    alone, in 17 of its 46 articles. Stop 72: headlines/typo 0.9451 -> 0.9472 (that headline
    7th -> 1st), six fresh headlines and leads up, none down; one lead down a place in two
    forms. Measured and not kept: ranking every candidate by its reading (keywords/typo 0.9201
    -> 0.9052 in short queries; in long ones vinewsqa/typo-accented 0.7974 -> 0.7959), and the
    same addition for a word the index lacks (`đất qàng thành` gained "đang": legal/
    typo-accented 0.8157 -> 0.8136)."""
    def beyond_chance(a: str, b: str) -> int:
        held = pair_df(a, b)
        return held if held > chance else 0

    best, best_reading = None, -math.inf
    for candidate in candidates:
        if max(neighbour_pairs(words, i, candidate, beyond_chance)) < READ_FROM_PAIRS:
            continue
        read = reading(words, i, candidate, df, beyond_chance, joint=True)
        if read > best_reading:
            best, best_reading = candidate, read
    return best


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


# A word the index holds next to its neighbours may still be a slip where one of its candidates
# reads far better between them (`reading_better`): by this much on the log scale of a bigram model,
# after the slip's own cost (`slip_likelihood`). e^3 = 20: a word typed as meant is taken to be
# twenty times likelier than a slip.
SLIP_ODDS = 3.0
# ... and shown as the correction where it reads better by this much (`slips.slip_sureness`),
# read jointly (`reading`): e^7, about 1,100 to one.
SHOWN_ODDS = 7.0


def reading(
    words: Sequence[str],
    i: int,
    spelling: str,
    df: Callable[[str], int],
    pair_df: Callable[[str, str], int],
    joint: bool = False,
) -> float:
    """log P(spelling | the word before) + log P(the word after | spelling), up to a constant
    shared by every spelling of word i: its pair with each neighbour (PAIR_PRIOR added: a pair
    never seen is not impossible), over its articles (`df`) where a word follows it. With
    `joint` (as `best_read` reads), the first word's reading holds log P(spelling) too: a word
    printed once, beside the word after it, is no likelier for that ("qunah mốc", an archive's
    typo, read better than "quanh mốc" without it)."""
    before, after = neighbour_pairs(words, i, spelling, pair_df)
    if i + 1 == len(words):  # the last word: its pair with the word before
        return math.log(before + PAIR_PRIOR) if i > 0 else math.log(max(df(spelling), 1)) if joint else 0.0
    if i == 0:  # jointly, log P(w) + log P(after | w): the pair's own count
        return math.log(after + PAIR_PRIOR) - (0.0 if joint else math.log(max(df(spelling), 1)))
    return math.log(before + PAIR_PRIOR) + math.log(after + PAIR_PRIOR) - math.log(max(df(spelling), 1))


def reading_better(
    candidates: Sequence[str],
    words: Sequence[str],
    i: int,
    df: Callable[[str], int],
    pair_df: Callable[[str, str], int],
) -> list[str]:
    """The `candidates` that read better in the place of word i than any spelling of the word as
    typed (`analysis.iy_spellings`: "li do" is "lý do") by SLIP_ODDS, the slip from each to what
    was typed weighed in (`slip_likelihood`): `thi sinh dung ky thi` reads "đăng ký" (1,685
    articles of news-50k, "dung ky" 115), `thanh tra toa dien` "toàn diện"; `rut sung de doa`
    keeps "súng", held after "rút" in 68 articles, though "dùng để" is held in 1,400."""
    return [c for c in candidates if reading_odds(words, i, c, df, pair_df) >= SLIP_ODDS]


def reading_odds(
    words: Sequence[str],
    i: int,
    candidate: str,
    df: Callable[[str], int],
    pair_df: Callable[[str, str], int],
    joint: bool = False,
) -> float:
    """How much better `candidate` reads in the place of word i than any spelling of the word as
    typed, on the log scale, the slip from it to what was typed weighed in (`reading_better`;
    `joint`: see `reading`)."""
    typed = max(reading(words, i, s, df, pair_df, joint) for s in iy_spellings(words[i]))
    return reading(words, i, candidate, df, pair_df, joint) + math.log(slip_likelihood(words[i], candidate)) - typed


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
