"""What a mistyped query word may have meant: candidates for a word the index knows in no form
(`typo_candidates`; for one typed with Telex or VNI keys, also the syllables its keystrokes
one slip away decode to: `KeyedSlips`; in a short query, the one with which an article prints
the query whole: `printed_whole`), for a word it knows that a slip of the keys
may have made (`slip_candidates`), and the marks typed carried over to a candidate
(`carried_marks`, `printed_carried`), which say which of a typo's spellings was meant.

These run on `indexer.keyboard.understand`'s reading of a query (keystrokes decoded first,
tolerance after), look spellings up in `indexer.typos.TypoIndex`, rank them by the neighbours
and take one where the evidence points at it alone (`indexer.typo_evidence`);
`indexer.meanings.interpret` weighs what they find.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence

from indexer.analysis import canonical_syllable, fold, iy_spellings
from indexer.keyboard import Understood, WordChoice, could_be_syllable, decode_telex, decode_vni
from indexer.proximity import WHOLE_QUERY_WORDS
from indexer.support import Support
from indexer.typo_evidence import (
    DOMINANT,
    SHORT_QUERY,
    best_read,
    chance_pairs,
    neighbour_pairs,
    pair_docs,
    ranked_in_context,
    reading_better,
    taken_as,
)
from indexer.typos import CONTEXT_POOL, MARKED_POOL, TypoIndex, distance, max_distance

CANDIDATES_PER_WORD = 3  # typo or slip candidates matched for one word, at most


def typo_candidates(
    understood: Understood,
    support: Support,
    index: TypoIndex,
    keyed: KeyedSlips | None = None,
) -> list[list[str]]:
    """Per word, folded typo candidates to match besides its `folded_forms` (at a lower weight:
    typo_evidence.SUGGESTED_WEIGHT), for words the index knows in none of those forms; [] elsewhere.

    Decoding first, tolerance after: a `typo_keys` entry the index knows is taken as it is (the
    base letters of a mistyped keystroke sequence: "ddifnhj" → "dinh"), else the candidates of
    each key, ranked by `TypoIndex.in_context` with the neighbours' chosen readings (among those
    the context ranks first, the ones two edits away only where none is one away: stop 71,
    dev 2 up, 0 down). Where none
    of those is one the word can be taken as (`taken_as`), the syllables its keystrokes one
    slip away decode to (`keyed`, a `KeyedSlips` of the query) come first.
    """
    chosen = [w.chosen.folded for w in understood.words]
    limit = CANDIDATES_PER_WORD
    out: list[list[str]] = []
    for i, word in enumerate(understood.words):
        found: list[str] = []
        if not _held(word, support):
            marked = word.typed_with_marks
            pool = _pool(word, chosen)
            for key in word.typo_keys:
                if support.df(key):
                    found.append(key)
                    continue
                near = _near_in_context(chosen, i, key, support, index, pool if marked else limit, pool=pool)
                # a spelling one edit away is what was meant, not one two away: "mourinio"
                # matched "Mauricio" beside "Mourinho", and its idf put it first (bug hunt 79)
                if any(distance(key, c) <= 1 for c in near):
                    near = [c for c in near if distance(key, c) <= 1]
                if marked:
                    near.sort(key=lambda c: printed_carried(word.raw, c, support) is None)
                found += near[:limit]
            found = list(dict.fromkeys(found))[:limit]
            if keyed is not None and taken_as(found, chosen, i, support.pair_df) is None and (spelled := keyed(i)):
                decoded = [(f, support.df(f)) for f in spelled]
                chance = chance_pairs(support.documents)
                first = [c for c, _ in ranked_in_context(decoded, chosen, i, support.pair_df, limit, chance)]
                found = list(dict.fromkeys([*first, *found]))[:limit]
        out.append(found)
    return out


def printed_whole(understood: Understood, support: Support, index: TypoIndex) -> dict[int, str]:
    """{i: spelling} for a short query of WHOLE_QUERY_WORDS+ words in which one word alone, word
    i, is held nowhere in any form: the one spelling, among the CONTEXT_POOL nearest it, with
    which some article prints the whole query in a row (`Support.printed_run`), or does in
    DOMINANT times as many articles as any other. `meanings.interpret` takes the word as it.

    The neighbours one at a time took "tổng" for `noi rang tog thanh` (news-50k: "did you
    mean" showed "nói rằng Tổng thanh"), and rank "tiếp" first for `iep nhan tinh` ("tiếp
    nhận" is one of the archive's commonest pairs); the query whole, in a row, is printed with
    "tòa" alone ("nói rằng Tòa Thánh"), and, where an article prints "kiếp nhân tình", with
    "kiếp". Stop 85: keywords-50k typo 0.7194 -> 0.7227 (3 up, 0 down in 8 forms), two keyword
    sets nobody tuned on 8 up, 0 down, keyboard forms 10 up, 2 down; dev unmoved.

    Not in a long query (SHORT_QUERY words): a question need not print its words in a row, and
    there the right word taken moved as many questions down as up. Not for a word the index
    holds: a query typed right need not be printed whole either, and one spelling away it may
    be ("lâm đồng sung": "Lâm Đồng cũng", 14 articles; measured, keywords-50k typo 0.7194 ->
    0.7289, but plain 0.8140 -> 0.8118)."""
    chosen = [w.chosen.folded for w in understood.words]
    if not WHOLE_QUERY_WORDS <= len(chosen) < SHORT_QUERY:
        return {}
    unheld = [i for i, w in enumerate(understood.words) if not _held(w, support)]
    if len(unheld) != 1:
        return {}
    i = unheld[0]
    # the letters its keys leave (`WordChoice.typo_keys`) only where another word was keyed:
    # typed plain, `Qatsr thiệt thòi` ("qatr") found "rất thiệt thòi" printed whole
    word = understood.words[i]
    printed: dict[str, int] = {}
    for key in word.typo_keys if keyed_elsewhere(understood)[i] else word.folded_forms:
        for candidate, _ in index.candidates(key, limit=CONTEXT_POOL, lost_start=True):
            if candidate not in printed:
                printed[candidate] = support.printed_run([*chosen[:i], candidate, *chosen[i + 1 :]])
    held = sorted(((n, c) for c, n in printed.items() if n), reverse=True)
    if len(held) == 1 or (len(held) > 1 and held[0][0] >= DOMINANT * held[1][0]):
        return {i: held[0][1]}
    return {}


def _held(word: WordChoice, support: Support) -> bool:
    """Whether the index holds the word in one of the forms it is matched in (`folded_forms`):
    a word held in none is a typo (`typo_candidates`), one held may be a slip (`slip_candidates`)."""
    return any(support.df(f) for f in word.folded_forms)


def keyed_elsewhere(understood: Understood) -> list[bool]:
    """Per word, whether another word of the query was decoded from keystrokes (`WordChoice.keyed`):
    the input method was off, for this word too, it may be."""
    keyed = [w.keyed for w in understood.words]
    count = sum(keyed)
    return [count - own > 0 for own in keyed]


class KeyedSlips:
    """Per word of a query, `keyed_slips` where a slip among keystrokes may have made it: in a
    query typed with the input method off (another of its words was decoded from Telex or VNI
    keys). Worked out only when asked, once a word (`asked`): by `typo_candidates` for a word
    the index knows in no form whose letters' own candidates take none, and by
    `meanings.interpret` for the marks of the syllable such a word is taken as.

    A slip among keystrokes ("hoots abcj": two keys of "bacj" swapped; "xe khhchs": a wrong key
    in "khachs") leaves base letters ("abc", "khhch") that a typo lookup takes as they are or
    finds nothing for, and loses the marks the keys typed. Not for a query typed plain: there a
    letter that is also a key is mostly a slip of its own ("duof", "cawn", "tas"; measured:
    vinewsqa typo-keys 0.7923 -> 0.7887). Issue 11, `telex-typo` form (one slip in Telex
    keystrokes): keywords 0.8913 -> 0.9078, vinewsqa 0.7956 -> 0.7977, headlines and legal
    +0.0007; no other form of the six sets moved. Asked for even where the letters' candidates
    take one, they lifted keywords to 0.9133 but added a second reading where the letters had
    found the one ("Haf Nooid": "nội", and "đôi" from "dooid"), fresh headlines 20261205
    0.9352 -> 0.9316."""

    def __init__(self, understood: Understood, support: Support) -> None:
        self._raw = [w.raw if elsewhere else None
                     for w, elsewhere in zip(understood.words, keyed_elsewhere(understood), strict=True)]
        self._support = support
        self.asked: dict[int, dict[str, str]] = {}

    def __call__(self, i: int) -> dict[str, str]:
        """Folded syllable -> marked spelling for word i (`keyed_slips`); {} where none may be."""
        raw = self._raw[i]
        if raw is None:
            return {}
        if i not in self.asked:
            self.asked[i] = keyed_slips(raw, self._support)
        return self.asked[i]


_KEYED = re.compile(r"[sfrxj]$|w|aa|ee|oo|dd|[a-z][0-9]")  # a Telex or VNI key in a word
KEYED_LETTERS = 8  # longer words are no one syllable's keystrokes (`dduwowngf` is 9: one slip is 8)


def keyed_slips(raw: str, support: Support) -> dict[str, str]:
    """Folded syllable -> its marked spelling, for the keystroke sequences one slip (a key left
    out, two swapped, a wrong or an extra key) from `raw`, a word typed with Telex or VNI keys
    (`_KEYED`), that decode to a spelling the index prints ("abcj" → "bạc", "khhchs" →
    "khách", "mrcs" → "móc", "mục", "mác"); commonest folded syllable first, each with its
    commonest printed spelling. ~1-6 ms a word: a few hundred sequences decoded."""
    word = raw.lower()
    if not (word.isascii() and word.isalnum() and len(word) <= KEYED_LETTERS and _KEYED.search(word)):
        return {}
    edits = {word[:k] + word[k + 1 :] for k in range(len(word))}
    edits |= {word[:k] + word[k + 1] + word[k] + word[k + 2 :] for k in range(len(word) - 1)}
    edits |= {word[:k] + c + word[k + 1 :] for k in range(len(word)) for c in string.ascii_lowercase}
    edits |= {word[:k] + c + word[k:] for k in range(len(word) + 1) for c in string.ascii_lowercase}
    spelled: dict[str, str] = {}
    for edit in sorted(edits):  # (a set's order changes with the process's hash seed: ties)
        decoded = decode_vni(edit) if any(c.isdigit() for c in edit) else decode_telex(edit)
        exact = canonical_syllable(decoded.lower()) if decoded else ""
        if exact and support.printed(exact):
            folded = fold(exact)
            if support.printed_count(exact) > support.printed_count(spelled.get(folded, "")):
                spelled[folded] = exact
    return dict(sorted(spelled.items(), key=lambda item: (-support.df(item[0]), item[0])))


MARKABLE = frozenset("aeiouyd")  # letters a mark can sit on (đ is a marked d)


def carried_marks(typed: str, candidate: str, whole: bool = False) -> str | None:
    """Folded `candidate` spelled with the marks of `typed` on the letters one slip left in
    place ("ôti" → "tôi", "noà" → "nào", "Bcá" → "bác"; an inserted letter comes bare), in the
    canonical exact form; None when one substitution, deletion, insertion or adjacent swap does
    not turn the folded `typed` into `candidate`, or only by dropping or replacing a marked
    letter (nobody types "à" by mistake for "n"). Typed marks are evidence a slip rarely
    destroys: they say which of a typo's spellings was meant. With `whole`, also None when the
    letter the edit brings back could carry a mark nobody typed ("đvng" → "đang" may be
    "đăng"): the spelling is then only likely, not known."""
    word = unicodedata.normalize("NFC", typed).lower()
    base = fold(word)
    if len(base) != len(word):
        return None
    n, m = len(base), len(candidate)
    if m == n:
        diff = [k for k in range(n) if base[k] != candidate[k]]
        k = diff[0] if diff else 0
        if len(diff) == 1 and word[k] == base[k] and not (whole and candidate[k] in MARKABLE):
            out = word[:k] + candidate[k] + word[k + 1 :]
        elif diff == [k, k + 1] and base[k : k + 2] == candidate[k + 1] + candidate[k]:
            out = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
        else:
            return None
    elif m == n + 1:
        k = next((k for k in range(m) if candidate[:k] == base[:k] and candidate[k + 1 :] == base[k:]), -1)
        if k < 0 or (whole and candidate[k] in MARKABLE):
            return None
        out = word[:k] + candidate[k] + word[k:]
    elif m == n - 1:
        k = next((k for k in range(n) if base[:k] + base[k + 1 :] == candidate and word[k] == base[k]), -1)
        if k < 0:
            return None
        out = word[:k] + word[k + 1 :]
    else:
        return None
    return canonical_syllable(out)


# A known word's replacement must be held next to a neighbour: once is enough for a word that
# spells no syllable ("cahn"), a real syllable ("lan" for "loan") needs SLIP_PAIR_DOCS
# articles, since a pair seen once is often a chance meeting.
SLIP_PAIR_DOCS = 2


def slip_candidates(
    understood: Understood, support: Support, index: TypoIndex, read_otherwise: bool = True
) -> list[list[str]]:
    """Per word, folded spellings to match at a lower weight for a word the index KNOWS but a
    slip of the keys may have made (`_may_be_slip`): the candidates the index holds next to a
    neighbour ("cahn ta" → "canh": keywords/typo MRR@10 0.852 → 0.873 with the two-letter rule
    of `_near_in_context`, every other form unchanged). Matched, and suggested only where
    `slips.slip_sureness` is sure: a known word is as often a name ("Nga", "Vietlott") as a
    slip, and "did you mean" must not guess.
    A word typed with marks may be such a slip too ("củ tọa" for "chủ tọa", "toà diện" for
    "toàn diện"): its candidates are those the index prints with the typed marks carried over.

    A word typed with marks the index never prints so ("khă" for "khăn", "tẩc" for "tẩy", "nư"
    for "ngư") is a suspect too, even when its letters are printed next to a neighbour: its
    candidates, one edit away even for two letters, are those the index prints with the typed
    marks carried over (`carried_marks`) and holds next to a neighbour. Those are shown as a
    correction (`meanings.interpret`): marks printed nowhere are no name.

    In a short query, a word held next to a neighbour may be a slip too, of a candidate that
    reads far better between them (`_may_read_otherwise`), where `read_otherwise`: such a
    candidate is matched, and shown only where it reads better still (`slips.slip_sureness`),
    so search-as-you-type, which reads no match, does without it.

    In a long query (SHORT_QUERY words or more) a word's candidates hold the one that reads
    best between its neighbours (`_with_best_read`)."""
    chosen = [w.chosen.folded for w in understood.words]
    # In a short query (typo_evidence.SHORT_QUERY), a two-letter slip suspect ("hu tro": "khu"
    # lost its k) gets distance 1 too: keywords/typo 0.882 -> 0.891. In a long one it weighs
    # little and its many one-edit neighbours are noise (vinewsqa plain -0.002): there it gets
    # only the words it is with a letter lost, held together with a neighbour
    # (LOST_LETTER_SHARE).
    short_query = len(chosen) < SHORT_QUERY
    out: list[list[str]] = []
    for i, word in enumerate(understood.words):
        found: list[str] = []
        if _unprinted_marks(word, chosen[i], support):  # two letters too: "ru gủ" for "ngủ"
            pool = _pool(word, chosen)  # (MARKED_POOL: the word is typed with marks)
            near = _near_in_context(chosen, i, chosen[i], support, index, pool, slip=True, pool=pool)
            found = [
                c for c in near if printed_carried(word.raw, c, support) and pair_docs(chosen, i, c, support.pair_df)
            ]
        elif _held(word, support) and (
            (alone := _may_be_slip(understood, chosen, i, support, short_query))
            or (short_query and read_otherwise and _may_read_otherwise(understood, chosen, i))
        ):
            need = SLIP_PAIR_DOCS if could_be_syllable(chosen[i]) else 1
            pool = _pool(word, chosen)
            for key in word.typo_keys:
                near = _near_in_context(chosen, i, key, support, index, pool, slip=short_query, pool=pool)
                held = [c for c in near if _slip_fits(c, word, chosen, i, support, need)]
                if not alone:  # (`_may_read_otherwise`)
                    held = reading_better(held, chosen, i, support.df, support.pair_df)
                if short_query:
                    found += held[:CANDIDATES_PER_WORD]
                else:
                    starts = _other_first_letter(key, index)
                    starts = [c for c in starts if _slip_fits(c, word, chosen, i, support, need)]
                    found += _with_best_read(held, chosen, i, support, starts)
        out.append(list(dict.fromkeys(found))[:CANDIDATES_PER_WORD])
    return out


def _slip_fits(candidate: str, word: WordChoice, chosen: Sequence[str], i: int, support: Support, need: int) -> bool:
    """Whether a slip suspect's `candidate` is worth matching: a spelling the word is not read in
    already, held next to a neighbour in `need` articles, and, for a word typed with marks,
    printed with them carried over (`printed_carried`)."""
    return (
        candidate not in word.folded_forms
        and pair_docs(chosen, i, candidate, support.pair_df) >= need
        and (not word.typed_with_marks or printed_carried(word.raw, candidate, support))
    )


# How many of the spellings one edit from a long query's word `_other_first_letter` looks
# through: all of them, past every one that keeps the typed first letter (on news-50k a word of
# three or four letters has 35-80, a third of them starting otherwise).
FIRST_LETTER_POOL = 400


def _other_first_letter(key: str, index: TypoIndex) -> list[str]:
    """The spellings one edit from `key` (three letters or more) that start with another letter:
    a first letter struck wrong, added or left out ("phu gin chan" for "phủ kín chăn", "Thái uan"
    for "Thái Lan"). The nearest CONTEXT_POOL spellings the neighbours rank keep the
    typed first letter (`typos.same_start`: a slip there is rarer), and a three-letter word has
    more than that many, so a long query's suspect never met the word meant; `_with_best_read`
    reads these too. Stop 82: headlines/typo 0.9472 -> 0.9481 (`phu gin chan`, 7th -> 2nd), the
    fresh samples' typo forms 6 up, 4 down (bench/journal/relevance.md). A two-letter word
    gets none: "ve" is "de", "le", "me" as readily."""
    maxdist = min(1, max_distance(key))
    return [c for c, _ in index.candidates(key, limit=FIRST_LETTER_POOL, maxdist=maxdist) if c[:1] != key[:1]]


def _with_best_read(
    held: Sequence[str], chosen: Sequence[str], i: int, support: Support, other_start: Sequence[str]
) -> list[str]:
    """The first CANDIDATES_PER_WORD of a long query's word's candidates `held`, the one that
    reads best between its neighbours (`typo_evidence.best_read`), among them or the spellings
    that start with another letter (`other_start`: `_other_first_letter`), in the last place
    where it is not among them. Only added: the first candidate, which a slip's sureness weighs
    (`slips.slip_sureness`) and which is shown, stays."""
    kept = list(held[:CANDIDATES_PER_WORD])
    read = [*held, *other_start]
    best = best_read(read, chosen, i, support.df, support.pair_df, chance_pairs(support.documents))
    return kept if best is None or best in kept else [*kept[: CANDIDATES_PER_WORD - 1], best]


def _pool(word: WordChoice, chosen: Sequence[str]) -> int:
    """How many of the spellings nearest a word to rank by context: MARKED_POOL for a word typed
    with marks (its candidates are then filtered by them) in a SHORT_QUERY, where each word
    carries much of the query; else CONTEXT_POOL (in a question, the wider pool moved two
    questions, one a place down: vinewsqa/typo-accented 0.7913 -> 0.7910)."""
    return MARKED_POOL if word.typed_with_marks and len(chosen) < SHORT_QUERY else CONTEXT_POOL


# A two-letter word that may be a syllable gets no tolerance (`typos.MIN_LENGTH`: "an", "em",
# "ba" are each other's typos) but for one slip, a letter lost from a three-letter word ("un thu"
# for "ung thư", "hu tuong" for "thủ tướng", "vi sa" for "vì sao"; `TypoIndex.lost_letter`).
# Such a spelling is kept only where the index holds it next to a neighbour as a pair that
# belongs together: in SLIP_PAIR_DOCS articles beyond chance, and in LOST_LETTER_SHARE of the
# articles of the rarer word of the pair: "hoc ma hien" (news about a school) is no "hoc mat"
# nor "mau hien", each met a few times among hundreds. Stop 41, one typo: headlines 0.9422 ->
# 0.9451, typo-keys 0.9439 -> 0.9451; vinewsqa typo-accented 0.7961 -> 0.7974, typo-keys
# 0.7923 -> 0.7939; legal typo 0.8050 -> 0.8070. Repaired, three questions fell back to their
# rank typed right ("ni gì" → "nói gì", 1 -> 2; vinewsqa typo -0.0003, legal typo-accented
# -0.002). Without the share, vinewsqa plain and accented lost 0.001 ("hoc ma hien"); 0.02 and
# 0.05 of the rarer word lifted less. (Stop 41 counted the candidate's side in occurrences,
# the typo lookup's count; counted in articles like the neighbour's since stop 42, one
# question of 12,315 moved, a place up.)
LOST_LETTER_SHARE = 0.01


def _near_in_context(
    chosen: Sequence[str], i: int, key: str, support: Support, index: TypoIndex, limit: int, slip: bool = False,
    pool: int = CONTEXT_POOL,
) -> list[str]:
    """`TypoIndex.in_context` for `key` in place of word i: its best `limit` of the `pool`
    nearest spellings (`_pool`). A two-letter key that spells no
    syllable ("ht": a letter dropped from "hot") gets distance 1, where `max_distance` allows
    a two-letter word none; so does any two-letter `slip` suspect in a short query ("hu tro":
    "khu"). Any other two-letter key gets the words it is with a letter lost, those held
    together with a neighbour (LOST_LETTER_SHARE)."""
    two_letters = len(key) == 2 and key.isalpha()
    short = two_letters and (slip or not could_be_syllable(key))
    context = [*chosen[:i], key, *chosen[i + 1 :]]
    chance = chance_pairs(support.documents)
    if two_letters and not short:
        found = ranked_in_context(index.lost_letter(key, pool), context, i, support.pair_df, pool, chance)
        return [c for c, _ in found if _held_together(context, i, c, support, chance)][:limit]
    maxdist = 1 if short else None
    found = index.in_context(context, i, support.pair_df, limit=limit, pool=pool, maxdist=maxdist, chance=chance)
    return [c for c, _ in found]


def _held_together(words: Sequence[str], i: int, candidate: str, support: Support, chance: int) -> bool:
    """Whether the index holds `candidate` in place of word i next to a neighbour in more than
    `chance` articles, SLIP_PAIR_DOCS at least, and in LOST_LETTER_SHARE of the articles of
    the rarer word of that pair (`support.df` of both): a pair that belongs together ("hoa
    sen": most articles with "sen"), not one met by chance."""
    for held, j in zip(neighbour_pairs(words, i, candidate, support.pair_df), (i - 1, i + 1), strict=True):
        if 0 <= j < len(words):
            rarer = min(support.df(candidate), support.df(words[j]))
            if held >= max(SLIP_PAIR_DOCS, chance + 1, LOST_LETTER_SHARE * rarer):
                return True
    return False


def _unprinted_marks(word: WordChoice, folded: str, support: Support) -> bool:
    """Word typed with marks (as typed, not decoded) whose letters the index knows but whose
    spelling it never prints, either way (`printed_either_way`): the marks are care, so the
    letters may be the slip."""
    return word.typed_with_marks and bool(support.df(folded)) and not printed_either_way(word.raw, support)


def printed_either_way(spelling: str, support: Support) -> bool:
    """Whether the index prints `spelling`, or its other standard spelling ("lí" where only
    "lý" is printed: `analysis.iy_spellings`), which is no slip."""
    return any(support.printed(canonical_syllable(s)) for s in iy_spellings(spelling))


def printed_carried(typed: str, candidate: str, support: Support, whole: bool = False) -> str | None:
    """`carried_marks(typed, candidate, whole)` when the index prints that spelling, else None.
    A letter the slip brought back (substituted or added, never typed) may be a modified one,
    the spelling printed most (`_MODIFIED`): a "d" an "đ" ("gàn ông" → "đàn", where "dàn" is
    printed nowhere; a phone keyboard has a key for it), a vowel one with its hat or horn
    ("ngời nhà" → "người", the Telex keys "uw" both left out). Not with `whole`, which wants
    the spelling known: that letter could be either."""
    carried = carried_marks(typed, candidate, whole)
    if carried is None or support.printed(carried):
        return carried
    if whole or (k := _brought_back(typed, carried)) is None:
        return None
    spellings = [canonical_syllable(carried[:k] + letter + carried[k + 1 :]) for letter in _MODIFIED[carried[k]]]
    printed = [s for s in spellings if support.printed(s)]
    return max(printed, key=support.printed_count) if printed else None


# The letters a slip may have brought back bare where the word prints them with a modifier: the
# key for the modifier was lost with the letter ("ngời" → "người": Telex "uw" both left out)
_MODIFIED = {"a": "âă", "e": "ê", "o": "ôơ", "u": "ư", "d": "đ"}


def _brought_back(typed: str, carried: str) -> int | None:
    """Where `carried` (`carried_marks` of `typed`) holds a letter the slip brought back, never
    typed, that may be a modified one (`_MODIFIED`); None where it brought back none such."""
    word = unicodedata.normalize("NFC", typed).lower()
    k = next((k for k, (a, b) in enumerate(zip(word, carried, strict=False)) if a != b), len(word))
    if k >= len(carried) or carried[k] not in _MODIFIED:
        return None
    if len(carried) == len(word) + 1 or (len(carried) == len(word) and carried[k + 1 :] == word[k + 1 :]):
        return k
    return None


def _may_be_slip(
    understood: Understood, chosen: Sequence[str], i: int, support: Support, short_query: bool = False
) -> bool:
    """Whether word i, which the index holds, may be a slip of the keys: taken as typed or
    `_lone_key`, and found next to neither neighbour in the index (`chosen`: each word's folded
    reading), with at least one neighbour to judge by. Typed marks do not clear a word: a slip
    with the input method on leaves them on the wrong letters ("củ tọa"; issue 11's
    `typo-accented` form: keywords 0.899 -> 0.902, initialisms 0.730 -> 0.763, every other
    cell the same).

    In a `short_query`, a word found next to a neighbour in as few articles as chance explains
    (`typo_evidence.chance_pairs`, at least one: "an khan tot lanh" for "an khang tốt lành",
    where news-2k prints "an khan" once, in "Bộ Công an khẩn trương") is a suspect as well: its
    candidates must still be held next to one in SLIP_PAIR_DOCS articles, and are only
    matched, at a typo's weight, so a rare pair typed as meant (a name: "thuy hien") keeps its
    article on top. Stop 40: keywords/typo 0.9132 -> 0.9179, typo-accented 0.9284 -> 0.9318,
    typo-keys 0.9583 -> 0.9594, initialisms/typo +0.002; over news-50k (3 chance meetings)
    keywords typo 0.6516 -> 0.6571, typo-accented 0.7159 -> 0.7234, typo-keys 0.7331 ->
    0.7374; every other cell the same. Two on news-2k cost keywords/plain 0.0025 ("thuy hien"
    lost its article to "thuc hien"), five on news-50k keywords-50k/accented 0.0016; in long
    queries the rule measured mixed (bench/journal/relevance.md)."""
    word = understood.words[i]
    if len(chosen) < 2 or (word.changed and not _lone_key(understood, i)) or _code(chosen[i]):
        return False
    seen = max(1, chance_pairs(support.documents)) if short_query else 0
    spellings = iy_spellings(chosen[i])  # "li do": "lý do" spelled the other way, no slip
    return all(pair_docs(chosen, i, s, support.pair_df) <= seen for s in spellings)


def _may_read_otherwise(understood: Understood, chosen: Sequence[str], i: int) -> bool:
    """Whether word i of a short query, held next to a neighbour in more articles than chance
    explains (else `_may_be_slip`), may yet be a slip: taken as typed, not a code, with a
    neighbour. Its candidates are those that read far better between its neighbours
    (`typo_evidence.reading_better`), matched at a typo's weight (shown only where they read
    better by SHOWN_ODDS: `slips.slip_sureness`): a slip into
    another word ("thanh tra toa dien", "thi sinh dung ky thi") lost the article, which held
    neither pair. Stop 78, over news-50k, the keywords set and two sets nobody tuned on
    (`bench/make_queries.py --seed 20261208`, `--seed 20261209`), one typo: typed plain 0.683 ->
    0.698, 0.693 -> 0.704, 0.690 -> 0.702; with marks 0.743 -> 0.747, 0.696 -> 0.701, 0.736 ->
    0.744; as keystrokes 0.749 -> 0.756, 0.703 -> 0.715, 0.735 -> 0.739 (63 queries up, 8 down
    in 9 cells); typed right, 2 up, 1 down a place; news-2k keywords with one typo 0.920 ->
    0.922. Its cost: a keyword query's every word is looked up (news-50k, first sight, old and
    new in turn, p50 14 and 16 -> 20 and 19 ms, with `TypoIndex.candidates` remembered)."""
    word = understood.words[i]
    return len(chosen) >= 2 and not word.changed and not _code(chosen[i])


def _code(folded: str) -> bool:
    """Letters and digits in one word the index holds ("th1", "qh13", "mig21", "u23", "h5n1"):
    a code, printed as typed; no slip of the keys made it ("tổng lỗ th1" was taken as "thì")."""
    return any(c.isdigit() for c in folded) and any(c.isalpha() for c in folded)


def _lone_key(understood: Understood, i: int) -> bool:
    """Word i is the query's only decoded word, and one keystroke decoded it ("keu tori" →
    "tỏi"): in a query typed plain, a slip of the letters ("trời", two swapped) as likely as
    a tone key. With the input method off, most words carry keys (keywords/typo 0.879 → 0.882
    with this; with every one-key word, vinewsqa/telex lost 0.0014)."""
    return understood.words[i].decoded_by_one_key and sum(w.changed for w in understood.words) == 1
