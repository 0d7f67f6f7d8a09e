"""Marks read into typed words by the restoration model (`indexer.restoration`): a long query
typed without any (`restored_marks`), a mistyped word's spelling that fits its neighbours
(`fits_marks`), and marks typed that fit neither the archive nor the neighbours (`remarked`,
`misfit_marks`: a slip of the tone, not of a letter)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from indexer.analysis import Syllable, canonical_syllable, fold, has_marks, iy_variant
from indexer.keyboard import keys_apart
from indexer.misspellings import printed_carried
from indexer.query import ParsedQuery
from indexer.support import Support
from indexer.word_meaning import Meaning, Restores, typed_case

# From this many words, a query typed without any mark gets the marks the restoration model
# reads into it as exact forms to prefer, as if typed (`restored_marks`).
RESTORE_FROM_WORDS = 6


# How much likelier than the next (10×) the restoration model must find a spelling of a mistyped
# word typed with marks, between its neighbours, to show it (`fits_marks`).
FITS_MARGIN = math.log(10.0)


def printed_spellings(typed: str, candidates: Sequence[str], support: Support) -> list[tuple[str, str]]:
    """(candidate, its spelling with the marks of `typed` carried over) for the candidates the
    index prints so (`misspellings.printed_carried`: "noà" → "nào"; "non" would need the marked
    "à" replaced): the only one is taken, between several `fits_marks` chooses."""
    return [(c, carried) for c in candidates if (carried := printed_carried(typed, c, support))]


def fits_marks(
    spelled: Sequence[tuple[str, str]], tokens: Sequence[Syllable], i: int, restorer: Restores
) -> str | None:
    """The candidate of word i, typed with marks and mistyped, whose spelling with those marks
    carried over (`printed_spellings`, two or more) the restoration model finds FITS_MARGIN
    likelier than any other's between the neighbours as typed with marks ("của nôg là": "ông"
    over "nô" and "ngô"; "khó như lnê trời": "lên" over "lê"); None where it finds none so.
    The neighbours' folded pairs, which rank the candidates (`held_slip`), cannot tell "của
    nó" from "của ô": the marks can. Shown for a word the index lacks, typo-accented form, no
    rank moved:
    shown exactly as meant, keywords 0.770 -> 0.777, headlines 0.647 -> 0.657, vinewsqa
    0.708 -> 0.718, questions 0.647 -> 0.657, legal 0.675 -> 0.683, leads 0.647 -> 0.660
    (bench/journal/relevance.md, "Stop 58")."""
    fits = restorer.fit([carried for _, carried in spelled], marked_word(tokens, i - 1), marked_word(tokens, i + 1))
    ranked = sorted(zip(fits, (c for c, _ in spelled), strict=True), reverse=True)
    return ranked[0][1] if ranked[0][0] - ranked[1][0] >= FITS_MARGIN else None


def marked_word(tokens: Sequence[Syllable], j: int) -> str | None:
    """Word j as typed, where it is typed with marks (a neighbour whose marks say how the word
    beside it is spelled); None where there is no word j or it has none."""
    return tokens[j].exact if 0 <= j < len(tokens) and has_marks(tokens[j].exact) else None


def remarked(
    meaning: Meaning, tokens: Sequence[Syllable], i: int, restorer: Restores, support: Support, text: str
) -> Meaning:
    """Word i, typed with marks that slipped ("Đà Nẳng"), read in the marks the restoration
    model gives its letters beside the marks typed on its neighbours ("Nẵng"): that spelling
    is shown and preferred as typed marks are, if the index prints it; the letters match as
    typed either way."""
    given = [t.exact if has_marks(t.exact) and j != i else None for j, t in enumerate(tokens)]
    reading = restorer.restore([t.folded for t in tokens], given=given)
    if reading is None or len(reading) != len(tokens):
        return meaning
    exact = canonical_syllable(reading[i])
    if fold(exact) != tokens[i].folded or not has_marks(exact) or not support.printed(exact):
        return meaning
    shown = typed_case(text[tokens[i].start : tokens[i].end], reading[i])
    return replace(meaning, exact=exact, shown=shown, how="typo")


# A pair typed with marks is a slip of them (`misfit_marks`) only where fewer than 1 in this many
# of the articles holding its letters side by side print it so. On news-50k the slips of bug hunts
# 73 and 74: "hà nôi" 4 of 8,314, "xã hôi" 4 of 6,051, "cá hổi" 0 of 62; pairs typed right: "mùi
# cỏ (cháy)" 1 of 175, "lúc nãy" 17 of 1,956, "bệnh lỵ" 2 of 160, "Văn Toản" 10 of 238
MISFIT_PRINTED_SHARE = 500


# ... and where articles hold its letters side by side at least this often: "khám ầu năm" (a slip
# of "đầu", letters left out) read "âu", whose pairs 2 articles of 2,500 hold ("Âu năm")
MISFIT_PAIR_LEAST = 20


def misfit_marks(
    meaning: Meaning, tokens: Sequence[Syllable], i: int, restorer: Restores, support: Support, text: str
) -> Meaning:
    """Word i, typed with marks its neighbours (typed with marks, side by side) are all but never
    printed beside (MISFIT_PRINTED_SHARE, MISFIT_PAIR_LEAST), where another spelling of its letters
    fits there far better (`Restorer.misfit`) and is printed: read in that spelling ("hà nôi" as
    "hà nội"), shown and preferred as typed marks are; the letters match as typed either way. A
    slipped mark that spells a printed word was matched as typed: `hà nôi` put first an article
    printing "cái nôi" (bug hunt 73)."""
    tok = tokens[i]
    if not has_marks(tok.exact):
        return meaning
    before = marked_word(tokens, i - 1) if tok.joined else None  # (side by side only)
    after = marked_word(tokens, i + 1) if i + 1 < len(tokens) and tokens[i + 1].joined else None
    before, after = (canonical_syllable(w) if w else None for w in (before, after))
    typed = canonical_syllable(tok.exact)
    respelled = restorer.misfit(typed, before, after)
    if respelled is None or not support.printed(respelled):
        return meaning
    # the model's counts hold titles, leads and captions, and bodies up to a budget: how often
    # articles print the pair is read in the index itself ("bệnh lỵ", "hộp sọ", "Văn Toản" were
    # read "bệnh lý", "hộp số", "Văn Toàn": bug hunt 74)
    pairs = [(a, b, support.pair_df(fold(a), fold(b))) for a, b in ((before, typed), (typed, after)) if a and b]
    if max((held for _, _, held in pairs), default=0) < MISFIT_PAIR_LEAST:  # the letters' pair is a chance
        return meaning
    if any(support.printed_pair(a, b) * MISFIT_PRINTED_SHARE > held for a, b, held in pairs):
        return meaning
    return replace(meaning, exact=respelled, shown=typed_case(text[tok.start : tok.end], respelled), how="typo")


def keyed_marks(tokens: Sequence[Syllable], understood: Sequence[Meaning]) -> list[str | None]:
    """Each word's marks as typed, or as its keys typed them (a word decoded from Telex or VNI
    keys: "haf" is "hà"); None for a word with neither."""
    return [m.exact if m.keyed else marked_word(tokens, j) for j, m in enumerate(understood)]


# Keys that slipped are read anew (`misfit_keys`) only as a spelling the archive prints in this
# share of the articles holding the letters side by side at least: on news-50k, the pairs of bug hunt
# 96's slips 0.34 ("động đất" 81 of 241, "Biển Đông" 392 of 1,134, where "biến động" shares the
# letters) to 0.91; not "Đà Nẵng báo" (5 of 108) for `Đà Nẵng baox`, "bão" keyed as meant
KEYS_READ_SHARE = 0.2


def misfit_keys(
    meaning: Meaning,
    tokens: Sequence[Syllable],
    i: int,
    words: Sequence[str],
    marked: list[str | None],
    read: Sequence[str],
    restorer: Restores,
    support: Support,
    text: str,
) -> Meaning:
    """Word i, decoded from keys (`Meaning.keyed`) into a spelling the archive all but never
    prints beside its neighbours (MISFIT_PRINTED_SHARE, MISFIT_PAIR_LEAST; side by side), read in
    the spelling the restoration model reads there, given the marks typed or keyed on the other
    words (`marked`), where the archive prints that one beside the neighbour in a fair share of
    the articles holding the letters so (KEYS_READ_SHARE), and more than the word as keyed
    beside the neighbour read anew: keys slip more often than marks, a key left out or struck for its
    neighbour ("haf noij", "nooij" meant, read "hà nọi"; "daauf tuw", "dd" meant: "dầu tư", not
    "dầu từ"; "tur vong": "tủ vong"; bug hunt 96). A word typed with marks needs the model far
    surer (`misfit_marks`). `words`: each word's letters as understood, which match as keyed
    either way; `marked` is read left to right, and a word read anew is marked so for the words
    after it; `read`, the model's reading of the query given `marked` (`keyed_reading`): how a
    neighbour without marks reads."""
    typed = marked[i]
    if not typed:
        return meaning
    typed = canonical_syllable(typed)
    beside = []  # the neighbours the word as keyed is all but never printed beside (most queries: none)
    for j in (i - 1, i + 1):
        if 0 <= j < len(words) and tokens[max(i, j)].joined:
            other = canonical_syllable(marked[j] or read[j])
            held = support.pair_df(*_side(i, j, words[i], words[j]))
            if restorer.pair_count(*_side(i, j, typed, other)) * MISFIT_PRINTED_SHARE > held:
                return meaning  # (the model's counts say so at once: most words keyed are keyed right)
            keyed = support.printed_pair(*_side(i, j, typed, other))
            if keyed * MISFIT_PRINTED_SHARE > held:  # printed so beside one neighbour: "Trump đả kích"
                return meaning
            if held >= MISFIT_PAIR_LEAST:
                beside.append((j, other, keyed, held))
    if not beside:
        return meaning

    def read_without(k: int) -> list[str] | None:  # the query read with word k's marks not given
        reading = restorer.restore(words, given=[m if j != k else None for j, m in enumerate(marked)])
        return [canonical_syllable(r) for r in reading] if reading and len(reading) == len(words) else None

    as_read = read_without(i)
    if as_read is None:
        return meaning
    respelled = as_read[i]
    if keys_apart(typed, respelled) != 1 or fold(respelled) != words[i] or not support.printed(respelled):
        return meaning  # (one key slipped: "dội" is no slip of "đối", whose keys differ by two)
    for j, other, keyed, held in beside:
        printed = support.printed_pair(*_side(i, j, respelled, other))
        if printed < KEYS_READ_SHARE * held:  # no spelling holds the pair ("Đà Nẵng baox": "báo" 5 of 108)
            continue
        neighbour_read = read_without(j)  # or was it the neighbour's keys that slipped ("daauf tuw")?
        other_read = neighbour_read[j] if neighbour_read else other
        if printed > keyed and printed > support.printed_pair(*_side(i, j, typed, other_read)):
            marked[i] = respelled
            return replace(meaning, exact=respelled, shown=typed_case(text[tokens[i].start : tokens[i].end], respelled))
    return meaning


def keyed_reading(words: Sequence[str], marked: Sequence[str | None], restorer: Restores) -> list[str]:
    """The restoration model's reading of a query's words (`words`, folded as understood) given
    the marks typed or keyed on them (`marked`), for `misfit_keys`; the words as folded where
    the model has none."""
    reading = restorer.restore(words, given=marked)
    return reading if reading is not None and len(reading) == len(words) else list(words)


def _side(i: int, j: int, a: str, b: str) -> tuple[str, str]:
    """Word i's `a` and its neighbour j's `b` in the order they stand."""
    return (b, a) if j < i else (a, b)


# Words that put a name after them ("ông Tám", "bé Hiếu"): the restoration model reads a name
# as its commonest word, so restored marks leave the next word alone (one-typo headlines and
# questions: three queries up one place, none down; plain forms unchanged).
TITLES = frozenset(["ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cụ", "bé", "cháu"])


def query_reading(parsed: ParsedQuery, meanings: dict[int, Meaning], restorer: Restores) -> list[str] | None:
    """The restoration model's reading of a query of RESTORE_FROM_WORDS+ words typed without a
    single mark, a syllable for each positive word (keys typed with the input method off read as
    decoded, in the marks their keys typed); None for any other query, or where the model offers
    none. Read once: `restored_marks` and a question's own words (`meanings._askers_own`) use it.
    A reading costs ~6 ms (p95 ~15 ms) for a 12-word question."""
    tokens = parsed.positive_tokens
    if len(tokens) < RESTORE_FROM_WORDS or any(has_marks(t.exact) for t in tokens):
        return None
    understood = [meanings[id(t)] for t in tokens]  # `interpret` gave every positive word one
    words = [_read_as(t, m) for t, m in zip(tokens, understood, strict=True)]
    reading = restorer.restore(words, given=[m.exact if m.keyed else None for m in understood])
    return reading if reading is not None and len(reading) == len(tokens) else None


def _read_as(tok: Syllable, meaning: Meaning) -> str:
    """The letters of a word the model reads its neighbours by: keys as decoded, a word the
    index lacks as the spelling it is shown as ("ihep": "hiep", so "dam" after it reads "dâm",
    not "đâm"), any other as typed."""
    if meaning.keyed:
        return meaning.forms[0][0]
    shown = fold(meaning.shown)
    if meaning.how == "typo" and shown.isalpha():
        return shown
    return tok.folded


def restored_marks(
    parsed: ParsedQuery, meanings: dict[int, Meaning], restorer: Restores, reading: Sequence[str]
) -> dict[int, Meaning]:
    """For a query of RESTORE_FROM_WORDS+ words typed without a single mark: the words taken
    as typed, with the exact form the restoration model reads for them (`reading`, from
    `query_reading`: "benh nhan" → "bệnh nhân"), so articles that print them so are preferred as
    they would be had the marks been typed. Before ranking there are no hits to lend context, so
    short queries, where the model is less sure, are left alone (keywords plain −0.002 with
    them); on long ones it reads 96% of vinewsqa's syllables right (headlines plain 0.942 →
    0.944, vinewsqa plain 0.795 → 0.799). The question words of a question are left unmarked:
    the model reads "tình trạng nao" as "não" (brain) as readily as "nào", and they weigh little
    anyway (vinewsqa plain 0.7985 → 0.7993); so is a name after a title word (`TITLES`), but
    not a word the two make (`Restores.one_word`: "bác sĩ", "cụ thể", "chú ý"). Marks read in the
    other i/y spelling ("bác sỹ" for `bac si`) are put on the letters typed ("sĩ")."""
    tokens = parsed.positive_tokens
    keyed = any(meanings[id(t)].keyed for t in tokens)
    out: dict[int, Meaning] = {}
    for i, (tok, word) in enumerate(zip(tokens, reading, strict=True)):
        meaning = meanings[id(tok)]  # `interpret` gave every positive word one
        if meaning.asking or meaning.framing:
            continue  # "tình trạng nao": not "não"; a question word weighs little, a formula nothing
        exact = canonical_syllable(word)
        if i and (title := canonical_syllable(reading[i - 1])) in TITLES and not restorer.one_word(title, exact):
            continue  # "ông tam": a name, which the model reads as its commonest word ("tâm"); "bác sĩ" is a word
        if fold(exact) != tok.folded and (variant := iy_variant(exact)) and fold(variant) == tok.folded:
            exact = variant  # "bac si" read "bác sỹ": the marks read, on the letters typed ("sĩ")
        if meaning.changed or exact == tok.folded or fold(exact) != tok.folded:
            continue  # decoded words have their marks; a reading must be the word typed
        if keyed and not keeps_read_marks(restorer, reading, i, tok.exact):
            continue
        out[id(tok)] = replace(meaning, exact=exact)
    return out


def keeps_read_marks(restorer: Restores, reading: Sequence[str | None], i: int, typed: str) -> bool:
    """Whether word i of a query keyed with the input method off, typed without keys (`typed`),
    is read in the marks the model reads into it (`reading[i]`) rather than as typed, without
    any: the method was off for it too ("beenh ho": "ho", not "hô"), unless the model finds
    those marks FITS_MARGIN likelier than none between the neighbours as read, a key dropped
    ("ban vangf online": "bán vàng"). Keyboard forms, what "Understood as" shows exactly as
    meant: keywords telex 0.997 -> 1.000, vinewsqa telex 0.962 -> 0.966, vni 0.970 -> 0.974
    (bench/journal/relevance.md, "Stop 62")."""
    before, after = (canonical_syllable(r) if 0 <= j < len(reading) and (r := reading[j]) else None
                     for j in (i - 1, i + 1))
    marked, bare = restorer.fit([canonical_syllable(reading[i] or typed), typed], before, after)
    return marked - bare >= FITS_MARGIN
