"""Words spaced otherwise than the archive prints them, read as it prints them: letters run into
a number ("RON95": "RON 95"), syllables run together ("danang": "Đà Nẵng"), and two words typed
apart that it prints as one ("sam sung": "Samsung"; "372 km/h": "372km/h"). What the index
knows decides (`indexer.support.Support`); the query's text and every span stay as typed, so
"did you mean" and the highlighter read the words where they were typed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from itertools import pairwise

from indexer.analysis import Syllable, has_marks
from indexer.keyboard import could_be_syllable, decode_telex, decode_vni, letters_and_vni_keys
from indexer.query import PASTED_WORDS, ParsedQuery
from indexer.support import Support
from indexer.typos import MAX_LENGTH, TypoIndex

# Letters run into a number: "RON95", "iphone7", "windows10", "lộ1A" (a road: the archive prints
# "lộ 1A"); in a short query, a number run into its unit: "121kg", "560km", "20tấn" (never taken
# for a slip: `keyboard.WordChoice.typo_keys`)
_LETTERS_FIRST = re.compile(r"[^\W\d_]+(?=\d\w*$)")
_NUMBER_FIRST = re.compile(r"\d+(?=[^\W\d_]+$)")


def split_glued(parsed: ParsedQuery, support: Support, lexicon: TypoIndex | None = None) -> ParsedQuery:
    """`parsed` with its words read as the archive spaces them:

    - letters run into a number ("RON95", "iphone7"), or in a query of fewer than
      PASTED_WORDS words a number into its unit ("121kg"), that no article prints so, but that
      articles print as two words side by side ("RON 95", "121 kg"), read as those two words
      (`_letters_and_number`): "RON95" was taken for a slip of "RON" ("rốn") and the number
      dropped, "windows10" for "undo"; `-RON95` kept nothing out; `giảm 121kg` did not find
      "giảm 121 kg". A pasted headline's word in no article is left out and the rest carries it:
      read as "16" and "GB", a headline's "16GB" ranked another iPhone article above its own;
    - syllables run together ("danang"), read as those syllables, the word kept as their alias
      (`_syllables`), unless the index holds a word one slip away (`lexicon`) more often;
    - two words typed apart that the archive prints as one ("sam sung", "372 km/h"), given it
      as their alias in an unquoted clause (`_apart_as_one`).

    The text and every span stay as typed. `lexicon` (the index's typo index) also answers
    whether a word of letters is in the index at all, where a df would read posting lists."""
    clauses = []
    glued = (_LETTERS_FIRST, _NUMBER_FIRST) if len(parsed.positive_tokens) < PASTED_WORDS else (_LETTERS_FIRST,)
    for clause in parsed.clauses:
        keyed = _vni_keyed(clause.tokens)
        tokens = _split(clause.tokens, lambda tok, k=keyed: _letters_and_number(tok, support, glued, k), alias=False)
        near = _beside_foreign_words(tokens)
        tokens = _split(tokens, lambda tok, near=near: _syllables(tok, support, lexicon, id(tok) in near), alias=True)
        if not (clause.phrase or clause.negated):
            tokens = _apart_as_one(tokens, support, lexicon)
        clauses.append(replace(clause, tokens=tokens))
    return replace(parsed, clauses=clauses)


def _split(tokens: Sequence[Syllable], parts_of: Callable[[Syllable], list[str] | None], alias: bool) -> list[Syllable]:
    """`tokens` with each word that `parts_of` cuts (folded, in order) read as those parts, the
    positions after it moved up; the word itself kept at the first part's position as their
    `alias` if asked. Only a word typed as it folds, letter for letter, is cut."""
    out: list[Syllable] = []
    shift = 0  # a word read as n parts moves the positions after it up by n - 1
    for tok in tokens:
        whole = not tok.alias and tok.end - tok.start == len(tok.folded) == len(tok.exact)
        parts = parts_of(tok) if whole else None
        if not parts:
            out.append(replace(tok, position=tok.position + shift) if shift else tok)
            continue
        at, start = tok.position + shift, tok.start
        for k, part in enumerate(parts):
            end = start + len(part)
            out.append(replace(tok, start=start, end=end, exact=tok.exact[start - tok.start : end - tok.start],
                               folded=part, position=at + k, joined=tok.joined if k == 0 else True))
            start = end
        if alias:
            out.append(replace(tok, position=at, joined=False, alias=True))
        shift += len(parts) - 1
    return out


def _letters_and_number(
    tok: Syllable, support: Support, glued: Sequence[re.Pattern[str]], vni_keyed: bool = False
) -> list[str] | None:
    """The letters and the number of a word that runs one into the other ("RON95", "121kg"), if
    no article prints the word and articles print the two side by side. Not a word that VNI keys
    spell ("ha2" is "hà"), unless typed with marks: "quận1" is no keystrokes (it was offered
    "quận", the number dropped). Nor, where other words of the query are VNI keys
    (`vni_keyed`), a syllable's letters and the keys after them ("Thu3 tuong1", the 7s left out
    of "tu7o7ng1", was read "Thủ tướng 1", the number searched and marked; bug hunt 96): the
    keys slipped, and the word is looked up as a slip of them."""
    head = next((m for m in (pattern.match(tok.folded) for pattern in glued) if m), None)
    if head is None or support.df(tok.folded):
        return None
    if not has_marks(tok.exact) and decode_vni(tok.folded) is not None:  # (typed with marks: no keys)
        return None
    if vni_keyed and not has_marks(tok.exact) and letters_and_vni_keys(tok.folded):
        return None
    n = head.end()
    return [tok.folded[:n], tok.folded[n:]] if support.pair_df(tok.folded[:n], tok.folded[n:]) else None


# Two words typed apart are read as the one word the archive prints (`_apart_as_one`) where it
# prints that word in APART_LEAST articles' parts and APART_RATIO times as often as the pair: on
# news-2k "samsung" 26 to 0, "facebook" 91 to 0; not "saudi" 25 to "sau di" 1, "hama" 4 to 1.
APART_LEAST = 3
APART_RATIO = 30


def _apart_as_one(tokens: Sequence[Syllable], support: Support, lexicon: TypoIndex | None) -> list[Syllable]:
    """Two words of plain letters typed side by side that the archive prints as one word, no
    syllable, far more often than as the pair ("sam sung": "Samsung" in 14 of news-2k's
    articles, "sâm sung" in none; APART_RATIO), given that word as their alias, the way
    "TP.HCM" has "tphcm": either finds the article. A foreign name split at its syllables was
    read as Vietnamese, "sắm súng", and found no Samsung article. So is a number and the unit
    after it, wherever the archive prints them run together ("372 km/h": "372km/h" is printed;
    372 was said to be in no article; "100 km" found none of the articles printing "100km").
    Not words the index lacks (a slip: "kud o" is no "Kudo") or keystrokes ("Hari An" is "Hải
    An", not "harian")."""
    out = list(tokens)
    taken = -1  # the second word of the last pair read as one
    for k, (a, b) in enumerate(pairwise(tokens)):
        if k > taken and b.joined and not (a.alias or b.alias) and _one_word(a, b, support, lexicon):
            out.append(replace(a, end=b.end, exact=a.exact + b.exact, folded=a.folded + b.folded, joined=False,
                               alias=True))
            taken = k + 1
    return out


def _one_word(a: Syllable, b: Syllable, support: Support, lexicon: TypoIndex | None) -> bool:
    """Whether the archive prints `a` and `b` as one word (`_apart_as_one`)."""
    number = a.exact.isdigit()
    if not ((number or _letters(a)) and _letters(b)):
        return False
    word = a.folded + b.folded  # (the cheap tests first: most pairs are no word in the index)
    if not (number or _in_lexicon(word, lexicon)) or could_be_syllable(word):
        return False
    if _keys(a.folded) or _keys(b.folded):
        return False
    if not ((number or support.df(a.folded)) and support.df(b.folded)):
        return False
    printed = support.df(word)
    if number:  # a number and its unit, "5 km" or "5km": either is the same
        return printed > 0
    # far more often as one word: "ha ma" is "hà mã" as much as "Hama", "sau di" not "Saudi"; two
    # words no syllable spells ("ocean bank": "Oceanbank" 34, "Ocean Bank" 3) more often at all
    ratio = 1 if not (could_be_syllable(a.folded) or could_be_syllable(b.folded)) else APART_RATIO
    return printed >= APART_LEAST and printed > ratio * support.pair_df(a.folded, b.folded)


def _in_lexicon(word: str, lexicon: TypoIndex | None) -> bool:
    """Whether a word of letters may be in the index: a lookup in `lexicon`'s words (alphabetic,
    up to MAX_LENGTH letters), cheaper than its df. Without one, maybe."""
    return lexicon is None or len(word) > MAX_LENGTH or word in lexicon


def _vni_keyed(tokens: Sequence[Syllable]) -> bool:
    """Whether a word of `tokens` is VNI keys, digits and all ("thu3", "d9a1"): the input method
    was off, and a digit after a syllable's letters is a key too."""
    return any(
        not has_marks(t.exact) and any(c.isdigit() for c in t.folded) and decode_vni(t.folded) not in (None, t.folded)
        for t in tokens
    )


def _keys(folded: str) -> bool:
    """Letters that Telex or VNI keys read as another syllable ("hari": "hải")."""
    return any(decoded not in (None, folded) for decoded in (decode_telex(folded), decode_vni(folded)))


def _letters(tok: Syllable) -> bool:
    """Typed as plain ASCII letters, no marks: how a foreign name is typed."""
    return tok.exact.isascii() and tok.exact.isalpha() and tok.end - tok.start == len(tok.exact)


# A word of this many letters or more may be syllables run together ("phaohoa", "danang"), read
# as at most RUN_SYLLABLES of them; a syllable has at most SYLLABLE_LETTERS letters ("nghieng").
# Shorter ones are slips far more often ("dono", "olua", "gaio" in the harness's one-typo forms),
# and "đôla" is printed as one word.
RUN_LETTERS = 5
RUN_SYLLABLES = 4
# How much a glued word's syllables must hold together (`_cohesion`, the least of its pairs).
# On news-2k the runs people glue hold 0.020 ("hanam") to 1.9 ("doanhnghiep"), "hoangxuanvinh"
# 0.10; foreign words the index lacks, read as syllables, 0.004 ("sumatra") to 0.013 ("nguyan").
RUN_COHESION = 0.015
# A word the archive prints is read as its syllables too (the word kept as their alias) where it
# prints them side by side this many times as often (`_syllables_run_together`)
PRINTED_SPLIT_RATIO = 2
SYLLABLE_LETTERS = 7


def _beside_foreign_words(tokens: Sequence[Syllable]) -> set[int]:
    """Words, by `id`, typed side by side with a word of plain letters that no marking makes a
    Vietnamese syllable ("airlines"): part of a foreign name ("vietnam airlines")."""
    foreign = [_letters(t) and not could_be_syllable(t.folded) for t in tokens]
    near: set[int] = set()
    for (a, b), (a_foreign, b_foreign) in zip(pairwise(tokens), pairwise(foreign), strict=True):
        if b.joined and a_foreign:
            near.add(id(b))
        if b.joined and b_foreign:
            near.add(id(a))
    return near


def _syllables(
    tok: Syllable, support: Support, lexicon: TypoIndex | None, beside_foreign: bool = False
) -> list[str] | None:
    """The syllables a word is, run together (a hashtag, a domain, a phone keyboard's
    "danang", "phaohoa", "hoangxuanvinh"), where the archive prints them side by side and never
    the word (`_syllables_run_together`): alone such a word found nothing, and beside other
    words it was dropped. Not where the index holds a word one slip from it (`lexicon`) more
    often than the syllables side by side: "phanto" is "phantom", "nguyan" "nguyen", not "phan
    tô", "nguy an"; but "namdinh" is "Nam Định", not "namhinh", printed once."""
    printed = bool(support.df(tok.folded))
    if printed and beside_foreign:  # printed, as its syllables too, but not in a foreign name
        return None  # ("vietnam airlines": "Việt Nam" as a keyword lost it)
    found = _syllables_run_together(tok.folded, support, tok.exact)
    if found is None:
        return None
    if printed:  # (so no slip)
        return found[1]
    near = lexicon.candidates(tok.folded, limit=3, maxdist=1) if lexicon is not None else []
    return found[1] if found[0] > max((df for _, df in near), default=0) else None


def _syllables_run_together(folded: str, support: Support, exact: str) -> tuple[int, list[str]] | None:
    """(how often the archive prints the least of their pairs; the syllables) a word of letters
    no article prints is, run together, if it is no syllable itself and no keystrokes: the split
    whose every pair of neighbours holds together most (`_cohesion`), each of two letters or
    more, and at least RUN_COHESION: a foreign word the index lacks is a
    run of common syllables that hold together by chance, "havana" "hà và na", "sumatra" "su
    mà trả", "ducati" "đủ cả tỉ" (bug hunt 68). A word the archive prints
    ("Mandela", "Vovinam", "vietnam") is searched as it is: split, "did you mean" showed "Man
    de la", "Vo vi nam"; nor Telex keys for two syllables ("ootoo", "ôtô", which one syllable's
    decoding does not read: it showed "o o to o"). Typed with marks ("ViệtNam", "bóngđá"), the
    word is what the archive prints with those marks (`exact`), however often it prints its
    letters in Latin; "bêtông" is printed. Typed plain, a word the archive prints is its
    syllables too, where it prints them side by side PRINTED_SPLIT_RATIO times as often:
    "saigon", "hanoi" found only the articles printing "Saigon", "Hanoi" (59, 103 on news-50k)
    and none of those printing "Sài Gòn", "Hà Nội" (1,368, 8,314: bug hunt 73), if it is two
    syllables, not one twice ("samsung" is not "sâm sung", 5; "Coco" no "co co"), of five
    letters or more as any: "dola" is "đôla", printed as one word, however often "do la" stands
    side by side ("Sapa" stays whole too). "Did you mean" shows it as typed
    (`didyoumean._shown_as_typed`: "vietnam airlines" is no "Việt Nam Airlines")."""
    if len(folded) < RUN_LETTERS or not folded.isascii() or not folded.isalpha() or could_be_syllable(folded):
        return None
    if _keys(folded):
        return None
    if has_marks(exact) and support.printed(exact):
        return None
    printed = support.df(folded)  # (a printed word is its syllables too where those are far commoner)
    best: tuple[float, int, list[str]] | None = None
    for parts in _splits(folded, RUN_SYLLABLES):
        if len(parts) < 2 or not all(len(p) > 1 and support.df(p) for p in parts):
            continue
        least = min(support.pair_df(a, b) for a, b in pairwise(parts))
        cohesion = min(_cohesion(a, b, support) for a, b in pairwise(parts))
        if least and cohesion >= RUN_COHESION and (best is None or (cohesion, least) > best[:2]):
            best = (cohesion, least, parts)
    if best is None or best[1] < PRINTED_SPLIT_RATIO * printed:
        return None
    if printed and (len(best[2]) > 2 or best[2][0] == best[2][1]):  # a name: "banana", "Coco", "Nana"
        return None
    return best[1], best[2]


def _cohesion(a: str, b: str, support: Support) -> float:
    """How much more often the archive prints `a` next to `b` than each's frequency would put
    them there: the articles holding the pair × all articles ÷ those holding each word."""
    return support.pair_df(a, b) * support.documents / max(1, support.df(a) * support.df(b))


def _splits(letters: str, most: int) -> Iterator[list[str]]:
    """Every way to cut `letters` into at most `most` pieces that could each be a syllable."""
    if not letters:
        yield []
        return
    if most == 0:
        return
    for n in range(1, min(SYLLABLE_LETTERS, len(letters)) + 1):
        if could_be_syllable(letters[:n]):
            for rest in _splits(letters[n:], most - 1):
                yield [letters[:n], *rest]
