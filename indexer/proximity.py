"""Re-ranking the best matches by where the query's words stand in their text: the articles
`indexer.ranking`'s query tree scores best are reordered by what BM25F cannot see.

* **Proximity**: the best articles by BM25F are re-ranked by the densest window of the
  query's words in their text (`proximity_rerank`): an answer or a paraphrased headline holds
  many query words close together, an article that merely mentions them does not.
* **Rare words together** (queries of RARE_FROM_WORDS+ words, `rarity_weights`): a second
  window, 40 syllables, where each query word weighs its idf. The first window counts "bệnh
  nhân" or "được" as much as the drug or symptom a question is about, and related articles
  hold the common words together as often as the one the question was written from; that one
  also holds the rare words there. Short queries are left as they were: they have few words
  to weigh, and on the keyword set the second window only cost typo queries (bench/journal/relevance.md,
  issue 11: vinewsqa +0.008 to +0.014 MRR@10 per form, headlines +0.001 to +0.005).
* **The opening in the query's order** (the same long queries, `lead_order`): the largest share
  of the query's words that the first LEAD_SYLLABLES of the text (title, lead) hold in the order
  the query has them. A headline or a question retells the article's opening, in its order; an
  article on the same event by another outlet opens with the same words in another order, or
  holds them further down (bench/journal/relevance.md, issue 11: headlines +0.002 to +0.003 MRR@10 per
  form, vinewsqa +0.001 to +0.003, short queries unchanged).
* **Numbers beside their words** (`numbers_held`, a query of at most WINDOW words, not a
  letter): the share of the query's numbers that the text holds next to the same neighbour
  ("2 đối tượng", "tháng 6/2017"). A number is too common a word for BM25 to weigh, yet in a
  headline it is the fact that tells one report from another outlet's of the same event ("3
  đối tượng … 40 bánh"): headlines +0.003 MRR@10 accented and plain (3 up, none down), the
  other sets unchanged. A letter's numbers are its writer's ("Tôi năm nay 45 tuổi"):
  counted, they moved 26 framed keyword queries and questions down (bench/journal/relevance.md, stop
  32). Those of a passage (more words than a WINDOW holds) are one fact among many, most
  often its date ("sáng nay, 6-2"), which every report of that day prints: counted, they
  cost pasted leads 0.002–0.007 MRR@10 on each of six samples (stop 39).
* **Pairs printed as typed** (`printed_pair_shares`, a short query): adjacent words typed with
  marks, printed side by side with them, lift an article among the PRINTED_PAIR_DEPTH best,
  before the re-rank takes its RERANK_DEPTH: the folded pairs cannot tell "ban đầu" from "bán đấu".
* **The whole query in a row** (`with_whole_query`, a short query of WHOLE_QUERY_WORDS+ words):
  an article among the same best that prints every word of the query in order, side by side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from itertools import compress, pairwise
from typing import Any

import numpy as np

from indexer.forward import WORD
from indexer.matching import idf

# --- knobs (tuned on bench/relevance.py; see the README's "Ranking") ------------------------

RERANK_DEPTH = 20  # how many of the best articles proximity may reorder
WINDOW = 20  # syllables: the span in which query words count as close together
PROXIMITY_WEIGHT = 1.0  # a window holding every query word adds the best article's score
RARE_WINDOW = 40  # syllables: the span of the rarity-weighted window (long queries)
RARE_WEIGHT = 0.5  # a window holding every query word, rarity-weighted, adds this × the best score
RARE_FROM_WORDS = 6  # queries of at least this many words get the rarity-weighted window
LEAD_SYLLABLES = 80  # the opening of a text (title, lead) that `lead_order` reads (long queries)
LEAD_WEIGHT = 0.1  # the whole query in order in the opening adds this × the best score
# A short query's adjacent words typed with marks, printed with them side by side, add this × the
# best score × their share (`printed_pair_shares`), among the PRINTED_PAIR_DEPTH best articles,
# before the re-rank takes its 20: the folded pairs cannot tell "ban đầu" from "bán đấu", and
# `ban đầu` ranked the auctions first. Stop 60: of 60 ambiguous pairs of news-50k, the top 10
# printing the pair typed, rarer reading 0.522 -> 0.745, commoner 0.777 -> 0.942 (read among the
# 20 re-ranked only: 0.663, 0.927); initialisms 0.924 -> 0.928 in 9 forms, keywords and questions
# the same; 0.3 cost keywords/typo-accented two queries. Long queries are left alone (a
# headline's pairs are many; stop 58 measured such a bonus lower on headlines, legal and leads),
# and so are questions and letters: `Strydom làm nghề gì?` fell 3 -> 5 in 9 forms, its answer
# never saying "làm nghề".
PRINTED_PAIR_WEIGHT = 0.1
PRINTED_PAIR_DEPTH = 100
# Among those PRINTED_PAIR_DEPTH, an article that holds such a pair only printed with other marks
# loses what the folded pair scored it (`without_pairs_printed_otherwise`): the bonus alone left
# `thuốc đau đầu` (headache pills) ranking "thuốc đấu thầu" (tendered drugs) first, whose title
# holds the folded pair. Unless fewer than this share of the articles holding the folded pair
# print it as typed: then the marks are likelier a slip ("lịch thi dấu" for "thi đấu": 4 of
# 2,106 in news-50k; "hầm chúa" for "hầm chứa": none), and every holder keeps its pair. Stop
# 74 (bench/marked_pairs.py): of 120 ambiguous pairs of news-50k, the top 10 printing the pair
# searched, rarer reading 0.575 -> 0.844, commoner 0.836 -> 0.962; dev 10 up, 0 down (one query
# in 10 forms), keywords-50k 22 up, 0 down in 8 forms (bench/journal/relevance.md, stop 74).
# With no share asked, marks-slip forms fell (keywords 0.980 -> 0.948, 15 queries down).
PRINTED_AS_TYPED_SHARE = 0.05
SHARE_SAMPLE = 200  # holders of a folded pair read for that share, at most, evenly spaced (all: 37 ms a query)
NUMBER_WEIGHT = 0.2  # every number of the query beside its neighbours, as typed, adds this × the best score
# A short query of WHOLE_QUERY_WORDS+ words printed whole, in a row, adds this × the best score among
# the PRINTED_PAIR_DEPTH best (`with_whole_query`): its pairs score apart, so `bão số 10` ranked
# "Đội CSGT số 10 … thông báo" (one pair, five times, in 291 words) above the one article
# printing "bão số 10". Stop 84, keywords-50k: 78 up, 7 down in 8 forms (typo 0.698 -> 0.719),
# dev 13 up, 0 down; the weight chosen with the words read in full only (5 forms): 0.1 27 up,
# 1 down; 0.2 32 up, 2 down; 0.3 and 0.5 32 up, 6 down. A question or a letter need not print
# its words in a row, and a long query's runs of three cost headlines and questions (stop 77).
WHOLE_QUERY_WEIGHT = 0.2
WHOLE_QUERY_WORDS = 3  # (also where a word held nowhere is read by the whole query: `misspellings.printed_whole`)

DocFrequency = Callable[[str], int]
# Adjacent query words (two; four for a pair across two words, `_across`), each in the folded
# forms it is read in full, and the spellings its marks ask for (None: typed bare, any):
# `QueryBuilder.printed_runs`
PrintedRun = tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...] | None, ...]]


def pairs_printed(pairs: Sequence[PrintedRun], docs: np.ndarray, printed_phrase: Callable[..., Any]) -> np.ndarray:
    """A row for each of `pairs`: whether each of `docs` (ascending docnums) prints its words side
    by side with the marks asked (`forward.ForwardIndex.printed_phrase`, which reads them all at
    once)."""
    rows = [printed_phrase(readings, spellings, docs) for readings, spellings in pairs]
    return np.array(rows, dtype=bool).reshape(len(pairs), len(docs))


def with_printed_pairs(scores: np.ndarray, docnums: Sequence[int], docs: np.ndarray, printed: np.ndarray) -> np.ndarray:
    """`scores` (a copy) with each of `docs` given PRINTED_PAIR_WEIGHT × the score of `docnums`'s
    first × its share of the query's pairs printed as typed (`printed`: `pairs_printed`)."""
    if not len(printed):
        return scores.copy()
    return _lifted(scores, docnums, docs, PRINTED_PAIR_WEIGHT, printed.sum(axis=0) / len(printed))


def with_whole_query(scores: np.ndarray, docnums: Sequence[int], docs: np.ndarray, printed: np.ndarray) -> np.ndarray:
    """`scores` (a copy) with each of `docs` that prints the whole query in a row (`printed`,
    one bool each) given WHOLE_QUERY_WEIGHT × the score of `docnums`'s first."""
    return _lifted(scores, docnums, docs, WHOLE_QUERY_WEIGHT, printed)


def _lifted(
    scores: np.ndarray, docnums: Sequence[int], docs: np.ndarray, weight: float, shares: np.ndarray
) -> np.ndarray:
    """`scores` (a copy) with each of `docs` given `weight` × the score of `docnums`'s first × its
    share (`shares`, one each): what the bonuses among the best PRINTED_PAIR_DEPTH add."""
    scores = scores.copy()
    if len(docs):
        top = float(scores[docnums[0]]) or 1.0
        scores[docs] += (weight * top * shares).astype(scores.dtype)
    return scores


def without_pairs_printed_otherwise(
    scores: np.ndarray,
    docs: np.ndarray,
    printed: np.ndarray,
    pairs: Sequence[PrintedRun],
    pair_scores: Sequence[np.ndarray | None],
    printed_phrase: Callable[..., Any],
) -> np.ndarray:
    """`scores` (a copy) less, at each of `docs` that holds a pair of `pairs` folded but does not
    print it as typed (`printed`: `pairs_printed`), what that folded pair scored there
    (`pair_scores`, each over every article; None: not scored in full). A pair that under
    PRINTED_AS_TYPED_SHARE of the articles holding it print as typed (SHARE_SAMPLE of them
    read) takes nothing back: its marks are likelier a slip than what is meant. Not so a pair
    across two words (`_across`), each a word with its other neighbour: its words are as meant,
    and where they do not stand side by side, the pair is met by chance."""
    scores = scores.copy()
    for pair, held, scored in zip(pairs, printed, pair_scores, strict=True):
        if scored is not None and (_across(pair) or _printed_as_typed_enough(pair, scored, printed_phrase)):
            scores[docs] -= np.where(held, 0, scored[docs])
    return scores


def _across(run: PrintedRun) -> bool:
    """Whether `run` is a pair across two words, checked as the run of both
    (`QueryBuilder._run_across`), not a pair of two words given marks."""
    return len(run[0]) > 2


def _printed_as_typed_enough(pair: PrintedRun, scored: np.ndarray, printed_phrase: Callable[..., Any]) -> bool:
    """Whether PRINTED_AS_TYPED_SHARE of the articles holding `pair` folded (`scored` > 0, read
    SHARE_SAMPLE of them) print it as typed: its marks are then meant, not a slip."""
    holding = _evenly(np.flatnonzero(scored > 0), SHARE_SAMPLE)
    as_typed = np.count_nonzero(printed_phrase(*pair, holding)) if len(holding) else 0
    return bool(as_typed) and as_typed >= PRINTED_AS_TYPED_SHARE * len(holding)


def _evenly(docs: np.ndarray, most: int) -> np.ndarray:
    """At most `most` of `docs` (ascending), evenly spaced through them."""
    return docs if len(docs) <= most else docs[np.linspace(0, len(docs) - 1, most).astype(np.int64)]


def densest_window(
    words: Sequence[str], weights: dict[str, float], width: int, groups: Groups | None = None
) -> float:
    """The largest total weight of DISTINCT query words found within `width` consecutive words;
    the forms of one word (`groups`: "ki" and "ky") count once, at the heaviest found."""
    return _densest(_query_word_hits(words, weights), weights, width, groups)


def _query_word_hits(words: Sequence[str], weights: dict[str, float]) -> list[tuple[int, str]]:
    """(position, word) of the query words in `words`, picked out at C speed (`map` +
    `compress`): an article has hundreds of words and a query a few, and this runs for every
    article a query re-ranks."""
    return [(i, words[i]) for i in compress(range(len(words)), map(weights.__contains__, words))]


# A form -> every form of the one query word it is read in full as, for a word read in several
# ("Ki": "ki" and "ky"): `QueryBuilder.proximity_groups`.
Groups = dict[str, tuple[str, ...]]


def word_groups(readings: Sequence[tuple[str, ...]], sequence: Sequence[dict[str, float]]) -> Groups:
    """`Groups` from each query word's forms read in full (`QueryBuilder.readings`, `Meaning.in_full`: "ki" and
    "ky", the two i/y spellings; not a slip's candidates, weighed below the word) that are no
    other word's form (`QueryBuilder.sequence`). A form two words share ("nhiem" of "truyền
    nhiễm nguy hiễm", "hiễm" also read as a slip for "nhiễm") stays a word of its own, counted
    once, as before; a word typed twice is one word."""
    words_of = Counter(form for forms in {tuple(forms) for forms in sequence} for form in forms)
    groups: Groups = {}
    for forms in dict.fromkeys(readings):
        own = tuple(f for f in forms if words_of[f] == 1)
        if len(own) > 1:
            groups.update(dict.fromkeys(own, own))
    return groups


def window_total(weights: dict[str, float], groups: Groups | None = None) -> float:
    """What a window holding every query word is worth: each word at its heaviest form."""
    if not groups:
        return sum(weights.values())
    seen: set[tuple[str, ...]] = set()
    total = 0.0
    for form, weight in weights.items():
        group = groups.get(form)
        if group is None:
            total += weight
        elif group not in seen:
            seen.add(group)
            total += max(weights[f] for f in group)
    return total


def _densest(
    hits: Sequence[tuple[int, str]], weights: dict[str, float], width: int, groups: Groups | None = None
) -> float:
    """`densest_window` over the (position, word) of the query words in a text. It runs over
    every hit of 20 articles a query (hundreds each for common words), so the counts are a
    plain dict of the query's words (a Counter's missing keys cost a Python call) and the
    best is kept with a comparison, not `max`; a word with one form moves the sum by the same
    additions and subtractions in the same order (so to the same float). A form of a word
    with several (`groups`) adds what its word's heaviest form inside adds, once."""
    inside = dict.fromkeys(weights, 0)
    shared = groups or {}
    held = {group: 0.0 for group in shared.values()}  # what each several-form word adds now
    best = current = 0.0
    first = 0
    for position, word in hits:
        if not inside[word]:
            inside[word] = 1
            group = shared.get(word)
            if group is None:
                current += weights[word]
            else:
                current += _regrouped(group, weights, inside, held)
        else:
            inside[word] += 1
        while hits[first][0] <= position - width:
            old = hits[first][1]
            inside[old] -= 1
            if not inside[old]:
                group = shared.get(old)
                if group is None:
                    current -= weights[old]
                else:
                    current += _regrouped(group, weights, inside, held)
            first += 1
        if current > best:
            best = current
    return best


def _regrouped(
    group: tuple[str, ...], weights: dict[str, float], inside: dict[str, int], held: dict[tuple[str, ...], float]
) -> float:
    """How much more the word of `group` adds to a window (`_densest`) since one of its forms
    came in or left: its heaviest form inside now (0.0 for none) less what `held` says it
    added, which is updated."""
    now = max((weights[f] for f in group if inside[f]), default=0.0)
    change = now - held[group]
    held[group] = now
    return change


def rarity_weights(weights: dict[str, float], df: DocFrequency, n: int) -> dict[str, float]:
    """Each proximity word's query weight × its idf: what a window of rare words is worth. A
    word read at no weight (an abbreviation's other form, a number's neighbour) is worth 0.0
    whatever its idf, so its df, a walk of its posting lists, is not asked for."""
    return {word: w * idf(df(word), n) if w else 0.0 for word, w in weights.items()}


Aliases = dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]  # see QueryBuilder.aliases


def as_typed(hits: Sequence[tuple[int, str]], aliases: Aliases, weights: dict[str, float]) -> list[tuple[int, str]]:
    """A text's (position, query word) hits with every other form of a query's abbreviation
    (`QueryBuilder.aliases`: "bảo hiểm xã hội" at positions p..p+3) read as the words typed
    for it ("bhxh" at p), so the windows and the opening in order count it as the query's word.
    Typed words the re-rank does not weigh (found nowhere) are left out."""
    at = dict(hits)
    out: list[tuple[int, str]] = []
    covered = -1  # the last position of a form already read
    for position, word in hits:
        if position <= covered:
            continue
        for form, typed in aliases.get(word, ()):
            if all(at.get(position + k) == form[k] for k in range(1, len(form))):
                out.extend((position, t) for t in typed if t in weights)
                covered = position + len(form) - 1
                break
        else:
            out.append((position, word))
    return out


QueryOrder = dict[str, list[tuple[int, float]]]  # word -> (its places in the query, weight), last first


def query_order(sequence: Sequence[dict[str, float]]) -> QueryOrder:
    """Where each word stands in the query (`QueryBuilder.sequence`), for `lead_order`; a word
    typed twice stands in both places."""
    order: QueryOrder = {}
    for place, forms in enumerate(sequence):
        for form, weight in forms.items():
            order.setdefault(form, []).insert(0, (place, weight))
    return order


def lead_order(hits: Sequence[tuple[int, str]], order: QueryOrder, places: int, width: int = LEAD_SYLLABLES) -> float:
    """The largest total weight of query words that the first `width` words hold in the query's
    order (a weighted longest common subsequence). `hits` are the text's (position, query word)
    in text order; `best[p]` is the heaviest ordered match that ends at query place p, so each
    hit costs one `max` over the places before it (a query has few; an opening few hits)."""
    best = [0.0] * places
    for position, word in hits:
        if position >= width:
            break
        for place, weight in order.get(word, ()):  # last place first: a hit extends chains once
            gain = weight + (max(best[:place]) if place else 0.0)
            if gain > best[place]:
                best[place] = gain
    return max(best, default=0.0)


def numbers_held(hits: Sequence[tuple[int, str]], pairs: Collection[tuple[str, str]]) -> float:
    """The share of the query's number pairs (`QueryBuilder.number_pairs`) that stand side by
    side in the text, from its (position, query word) hits; 0.0 for a query without numbers."""
    if not pairs:
        return 0.0
    held = {(a, b) for (p, a), (q, b) in pairwise(hits) if q == p + 1}
    return len(held.intersection(pairs)) / len(pairs)


def proximity_rerank(
    docnums: Sequence[int],
    scores: Any,
    folded_texts: Callable[[int], str],
    weights: dict[str, float],
    rare: dict[str, float] | None = None,
    sequence: Sequence[dict[str, float]] | None = None,
    hits_of: Callable[[int], list[tuple[int, str]] | None] | None = None,
    numbers: Collection[tuple[str, str]] = (),
    aliases: Aliases | None = None,
    window_weight: float = PROXIMITY_WEIGHT,
    groups: Groups | None = None,
) -> list[tuple[int, float]]:
    """Re-rank the best articles: score + `window_weight` (`QueryBuilder.window_weight`) × (share
    of the query's weight found in the article's densest window) × the best score, + RARE_WEIGHT
    × the same share for the `rare` weights (`rarity_weights`; None for short queries) in a
    RARE_WINDOW, + LEAD_WEIGHT × the share of the query's words that the opening holds in the
    query's order (`lead_order`; `sequence` is `QueryBuilder.sequence`, None for short
    queries). `folded_texts` gives an article's searchable text folded by `fold_quick`; its
    words are split on \\w (`indexer.forward.text_words` without the fold). `hits_of`, when
    given, gives an article's (position, query word) from the forward index (`indexer.forward`:
    the same words, written at build time), or None for an article it lacks, whose text is then
    read. + NUMBER_WEIGHT × the share of `numbers` (`QueryBuilder.number_pairs`) the text holds
    side by side (`numbers_held`). `aliases`: the other forms of the query's abbreviations, read
    as typed (`as_typed`). `groups`: the forms of one query word (`QueryBuilder.proximity_groups`),
    which a window counts once."""
    if not docnums:
        return []
    total = window_total(weights, groups)
    rare_total = window_total(rare, groups) if rare else 0.0
    order = query_order(sequence) if sequence else {}
    order_total = sum(max(forms.values()) for forms in sequence) if sequence else 0.0
    top = float(scores[docnums[0]]) or 1.0
    rescored = []
    for doc in docnums:
        bonus = 0.0
        if total > 0:
            hits = hits_of(doc) if hits_of is not None else None
            if hits is None:
                hits = _query_word_hits(WORD.findall(folded_texts(doc)), weights)
            if aliases:
                hits = as_typed(hits, aliases, weights)
            bonus = window_weight * top * _densest(hits, weights, WINDOW, groups) / total
            if rare and rare_total > 0:  # the same words (rare has weights' keys), other weights
                bonus += RARE_WEIGHT * top * _densest(hits, rare, RARE_WINDOW, groups) / rare_total
            if order_total > 0:
                bonus += LEAD_WEIGHT * top * lead_order(hits, order, len(sequence or ())) / order_total
            if numbers:
                bonus += NUMBER_WEIGHT * top * numbers_held(hits, numbers)
        rescored.append((doc, float(scores[doc]) + bonus))
    rescored.sort(key=lambda ds: -ds[1])
    return rescored
