""""Did you mean": the query as understood, in the user's own words.

What `indexer.meanings.interpret` made of each typed word (keyboard-off input decoded, a misspelling
corrected) and, for a query typed without diacritics, the accented reading of
`indexer.restoration` in the light of the hits' own text. Only the words change: everything
else the user typed (punctuation inside a word such as "46/2016/NĐ-CP" or "TP.HCM", a question
mark, quotes, `-excluded` words, `OR`, a `title:` prefix) is kept where it stood, so following
the suggestion searches the same thing, spelled right.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from indexer.analysis import Syllable, canonical_syllable, fold, has_marks, has_vowel
from indexer.keyboard import could_be_syllable, decode_vni, letters_and_vni_keys
from indexer.meanings import capitals_tell, typed_as_initialism, typed_in_capitals
from indexer.misspellings import printed_carried, printed_either_way
from indexer.query import ParsedQuery, parse_query
from indexer.questions import question_spellings
from indexer.read_marks import keeps_read_marks
from indexer.restoration import Restorer, printed_pairs
from indexer.support import Support
from indexer.typo_evidence import pair_docs
from indexer.word_meaning import Meaning, marks_given, typed_case, typed_meaning

# Longer queries are pasted text or questions: only a word decoded, or one the index lacks
# corrected, is offered, and marks are read only into a corrected word of a query typed with
# them (`did_you_mean`): a 15-word reading is wrong somewhere a third of the time.
MAX_WORDS = 8


def did_you_mean(
    parsed: ParsedQuery,
    meanings: dict[int, Meaning],
    support: Support,
    restorer: Restorer | None,
    context: Sequence[str],
) -> dict[str, str] | None:
    """`{"text", "html", "kind"}` for the query as understood and, where it was typed without
    diacritics, with them restored; `<mark>` on what changed. None when there is nothing to add
    to what was typed. `context`: the hits' titles and snippets as shown, in plain text: how
    they print these words is the best evidence of how the user meant them."""
    tokens = parsed.positive_tokens
    if not tokens:
        return None
    long = len(tokens) > MAX_WORDS
    typed_marks = any(has_marks(t.exact) for t in tokens)
    typed = [parsed.text[t.start : t.end] for t in tokens]
    initialisms = capitals_tell(parsed)
    as_typed = _shown_as_typed(parsed, support)
    if initialisms or len(tokens) == 1:  # (in a query all in capitals, every word is)
        unkeyed = [t for t in tokens if not (id(t) in meanings and meanings[id(t)].keyed)]
        as_typed |= _printed_in_capitals(unkeyed, parsed.text, restorer)
    hinted = hinted_meanings(tokens, meanings, context)
    vni_keyed = any(m.how == "vni" for m in meanings.values())
    understood: list[Meaning] = []
    for t in tokens:
        meaning = hinted.get(id(t)) or meanings.get(id(t)) or typed_meaning(t, parsed.text)
        initialism = initialisms and typed_as_initialism(t, parsed.text)
        offered = id(t) not in as_typed and (
            meaning.how != "typo" or _offered_corrected(t, meaning, initialism, support, restorer, long, vni_keyed)
        )
        understood.append(meaning if offered else typed_meaning(t, parsed.text))
    changed = [m.changed for m in understood]
    # excluded words decoded from keystrokes (`meanings._keyed_only`: `-Vieejt`) are shown so
    keyed = [(t, m.shown) for c in parsed.clauses if c.negated for t in c.tokens
             if (m := meanings.get(id(t))) is not None and m.changed]
    if (typed_marks or long) and not any(changed) and not keyed:
        return None
    decoded = [m.changed and m.how != "typo" for m in understood]
    corrected = _as_understood(tokens, understood)
    reading = _readings(None if long and not typed_marks else restorer, corrected, tokens, parsed.text, context)
    keys_off = any(m.keyed for m in understood)

    def left_bare(i: int) -> bool:  # the input method off: a word typed without keys has no marks
        return keys_off and not changed[i] and restorer is not None and not keeps_read_marks(
            restorer, reading, i, tokens[i].exact)

    reading = [None if id(t) in as_typed else r for t, r in zip(tokens, reading, strict=True)]
    if long:  # marks are read into a corrected word of a query typed with them, nowhere else
        reading = [r if changed[i] and not decoded[i] else None for i, r in enumerate(reading)]
    for i, spelled in question_spellings(corrected, parsed.text).items():
        if reading[i] is not None:  # "bệnh nào?", not the model's "bệnh não"
            reading[i] = spelled
    words: list[str] = []
    for i in range(len(tokens)):
        # A decoded word as decoded, unless the index never printed it so and restoration
        # has a reading ("haf noij" decodes to "hà nọi": the keystrokes miss a key).
        carried = printed_carried(typed[i], corrected[i], support, whole=True) if understood[i].how == "typo" else None
        read = reading[i]
        if decoded[i] and (read is None or support.printed(understood[i].exact or "")):
            words.append(understood[i].shown)
        elif carried and (read is None or canonical_syllable(read) != carried):
            # a slip that left every mark typed ("âdu", "đồgn"): those marks, not the model's
            # guess ("đầu", "động"); where the model agrees, its reading keeps a name's capital
            words.append(typed_case(typed[i], carried))
        elif read is not None and (not typed_marks or changed[i]) and not left_bare(i):
            # typed with marks, the user's case is theirs: a word corrected in small letters stays
            # so (`hà nôi` was offered "hà Nội", `bênh viện bạch mai` "Bệnh viện bạch mai")
            words.append(typed_case(typed[i], read.lower() if typed_marks and typed[i].islower() else read))
        elif changed[i]:
            # a spelling whose marks are known (the marks its keys typed: `misspellings.KeyedSlips`)
            known = understood[i].exact
            words.append(typed_case(typed[i], known if known and fold(known) == corrected[i] else corrected[i]))
        else:
            words.append(typed[i])
    if not any(changed) and not keyed and [w.lower() for w in words] == [w.lower() for w in typed]:
        return None
    if (not keyed and [fold(w) for w in words] == [t.folded for t in tokens] and not typed_marks
            and all(r is None for r in reading)):
        return None
    flags = [changed[i] or (not typed_marks and has_marks(w)) for i, w in enumerate(words)]
    kind = "keyboard" if any(decoded) or keyed else "spelling" if any(changed) else "accents"
    placed = sorted([*zip(tokens, words, flags, strict=True), *((t, shown, True) for t, shown in keyed)],
                    key=lambda p: p[0].start)
    text, marked = _in_place(parsed.text, *(list(column) for column in zip(*placed, strict=True)))
    return {"text": text, "html": marked, "kind": kind}


def hinted_meanings(
    tokens: Sequence[Syllable], meanings: dict[int, Meaning], context: Sequence[str]
) -> dict[int, Meaning]:
    """By `id`, the words a slip made, as far as the hits tell, read as the spelling meant: each
    word with a hint (`Meaning.hint`: `xe but`, "buyt"; `slips.slip_sureness`) that the hits'
    titles and snippets (`context`) print next to a neighbour of the word, where they never
    print the word as typed next to one. Only shown: it is matched, ranked and marked as before."""
    if not any(m.hint for t in tokens if (m := meanings.get(id(t))) is not None):
        return {}
    printed = printed_pairs(context)

    def in_hits(a: str, b: str) -> int:  # a pair count, as `pair_docs` reads one: 1 if the hits print it
        return int((a, b) in printed)

    folded = [t.folded for t in tokens]
    out: dict[int, Meaning] = {}
    for i, t in enumerate(tokens):
        meaning = meanings.get(id(t))
        if meaning is None or not meaning.hint or meaning.changed:
            continue
        if pair_docs(folded, i, meaning.hint, in_hits) and not pair_docs(folded, i, folded[i], in_hits):
            out[id(t)] = replace(meaning, shown=meaning.hint, how="typo")
    return out


def _shown_as_typed(parsed: ParsedQuery, support: Support) -> set[int]:
    """The words shown as typed, by `id`, as `spacing.split_glued` read them: typed apart where
    the archive prints one word ("sam sung", "Samsung": a name's parts, not Vietnamese, "sắm
    súng"), typed as one word of letters the archive prints and read as its syllables too
    ("vietnam": a brand's "Vietnam Airlines" as often as "Việt Nam"; not an initialism's parts,
    "gd&dt" is "GD&ĐT"), and a unit run into a number (`_units_run_into_a_number`)."""
    text = parsed.text
    apart = {id(t) for c in parsed.clauses for a in c.tokens
             if a.alias and (" " in text[a.start : a.end] or (text[a.start : a.end].isalpha() and support.df(a.folded)))
             for t in c.tokens if not t.alias and a.start <= t.start and t.end <= a.end}
    return apart | _units_run_into_a_number(parsed)


def _printed_in_capitals(tokens: Sequence[Syllable], text: str, restorer: Restorer | None) -> set[int]:
    """Words typed in capitals without marks as the archive prints them, by `id`: an acronym
    ("BOT", "VAT": the restoration model's counts hold them so, mostly), not a word typed loud
    (`VAT` was offered "VẬT", bug hunt 73; `NOT` is still "NỐT"). Letters only: "A3" is VNI's
    "Ả" as often as a paper size. The caller asks where capitals tell, or of a query of one word,
    and not of keystrokes decoded ("DDH" is "ĐH")."""
    if restorer is None:
        return set()
    found = set()
    for t in tokens:
        typed = text[t.start : t.end]
        if typed_in_capitals(t, text) and typed.lower() == t.folded and restorer.printed_case(t.folded) == typed:
            found.add(id(t))
    return found


def _units_run_into_a_number(parsed: ParsedQuery) -> set[int]:
    """The unit of a number typed run into it and read apart (`spacing.split_glued`: "100ha"),
    by `id`: shown as typed, no syllable to give marks ("100Hà", bug hunt 71)."""
    tokens = parsed.positive_tokens
    return {id(b) for a, b in pairwise(tokens) if a.folded.isdigit() and b.start == a.end and not b.folded.isdigit()}


def reading_spellings(parsed: ParsedQuery, suggestion: dict[str, str] | None) -> dict[str, frozenset[str]]:
    """For a query typed without marks whose suggestion only restores them (kind "accents"),
    the spelling each typed word was read as, by folded form ("bao" → "bao", "nhieu" →
    "nhiêu"): the hits mark those, not every spelling a folded word matches
    (`snippets.Highlighter.reading`). {} for any other query, or when the suggestion's words
    do not line up with the query's."""
    if suggestion is None or suggestion["kind"] != "accents":
        return {}
    typed = parsed.positive_tokens
    read = parse_query(suggestion["text"]).positive_tokens
    if [t.folded for t in typed] != [t.folded for t in read]:
        return {}
    spellings: dict[str, set[str]] = {}
    for token in read:
        spellings.setdefault(token.folded, set()).add(token.exact)
    return {folded: frozenset(exact) for folded, exact in spellings.items()}


def plain_spellings(
    parsed: ParsedQuery, meanings: dict[int, Meaning], restorer: Restorer | None
) -> dict[str, frozenset[str]]:
    """For a query given marks (typed, or keyed with the input method off), the words typed
    plain that the restoration model, reading them beside the marks given, reads plain too, by
    folded form ("Việt Nam": "nam" → "nam"): the hits mark that spelling, not every one the
    folded word matches ("Nam", not the "năm" beside it; `snippets.Highlighter.reading`). A
    plain word the model reads with marks may be one whose marks were left out ("Thành uy":
    "ủy"), and marks every spelling. Read without the hits' context, so the article page reads
    it the same. A long query too (stop 80; a pasted headline's "Công an" marked every "án",
    its "trong" every "trọng"): over 200 headlines and 200 health questions typed with marks,
    the words of the hits' snippets typed plain and marked in a spelling with marks 303 -> 118
    and 191 -> 108 (those left: words the model reads with marks, and hits that print the word
    only so); the reading costs about a millisecond (p95 6 ms for a 40-word lead)."""
    tokens = parsed.positive_tokens
    if restorer is None or not tokens:
        return {}
    understood = [meanings.get(id(t)) or typed_meaning(t, parsed.text) for t in tokens]
    given = [marks[1] if marks else None
             for marks in (marks_given(t, m) for t, m in zip(tokens, understood, strict=True))]
    plain = [m.how == "typed" and g is None and t.exact.isalpha()
             for t, m, g in zip(tokens, understood, given, strict=True)]
    if not any(given) or not any(plain):
        return {}
    reading = _readings(restorer, _as_understood(tokens, understood), tokens, parsed.text, [], given)
    return {t.folded: frozenset({t.exact}) for t, is_plain, r in zip(tokens, plain, reading, strict=True)
            if is_plain and r is not None and canonical_syllable(r) == t.exact}


def _as_understood(tokens: Sequence[Syllable], understood: Sequence[Meaning]) -> list[str]:
    """Each word folded as understood: a decoded or corrected word as shown, the rest as typed."""
    return [fold(m.shown) if m.changed else t.folded for t, m in zip(tokens, understood, strict=True)]


_SPACES = re.compile(r"\s+")
# (not the "_" and "+" of a slug or a URL, read as spaces: `query._SEPARATORS`)
_PHRASE_BREAK = re.compile(r"[^\W_]|[,;:!?()\[\]{}\"'“”‘’«»…&/<>|=]|\.\s|\s[-–—]+\s")


def _readings(
    restorer: Restorer | None,
    folded: list[str],
    tokens: Sequence[Syllable],
    text: str,
    context: list[str],
    given: Sequence[str | None] = (),
) -> list[str | None]:
    """The accented reading of each word, None where no model offers one; `given`: the words
    whose reading is known (`Restorer.decode`). Each phrase is read
    on its own (`_one_phrase`): across a comma, a colon, a quote or an excluded word the
    model's pairs say nothing, so "ha noi, da nang" is "Hà Nội, Đà Nẵng", not "Hà Nội, đã nắng"."""
    reading: list[str | None] = [None] * len(folded)
    if restorer is None:
        return reading
    start = 0
    for end in range(1, len(folded) + 1):
        if end < len(folded) and _one_phrase(text, tokens[end - 1], tokens[end]):
            continue
        read = restorer.restore(folded[start:end], context, given[start:end])
        if read is not None:
            reading[start:end] = read
        start = end
    return reading


def _one_phrase(text: str, a: Syllable, b: Syllable) -> bool:
    """Whether syllables a and b may be read as one phrase: nothing between them that ends a
    phrase (a comma, colon, quote, bracket, "&", "/", a sentence's full stop, a dash between
    spaces: a route or a match, "ha noi - da nang" was read "Hà Nội - đã nâng") and no other
    word (one excluded with "-"). A hyphen inside a word does not ("Sang-hwa", "NĐ-CP"), nor
    the dot of "TP.HCM"."""
    return _PHRASE_BREAK.search(text, a.end, b.start) is None


def _in_place(text: str, tokens: Sequence[Syllable], words: Sequence[str], flags: Sequence[bool]) -> tuple[str, str]:
    """`text` with each token's span replaced by its word, as plain text and as escaped HTML
    with each run of flagged words in one `<mark>` (a run goes on across spaces, not across
    anything else typed between: "<mark>Đảng ủy Khối</mark>", "<mark>Hà Nội</mark>, …").
    Runs of spaces become one, and syllables typed run together are shown apart ("danang":
    "Đà Nẵng"); `tokens` are in the order of `text`, as a parse gives them."""
    plain: list[str] = []
    marked: list[str] = []
    end = 0
    open_run = False
    as_typed = False  # the word before was shown as typed
    for tok, word, flag in zip(tokens, words, flags, strict=True):
        gap = _SPACES.sub(" ", text[end : tok.start])
        shown_as_typed = word == text[tok.start : tok.end]
        if end and end == tok.start and text[end - 1].isalpha() and text[end].isalpha():
            # (`spacing.split_glued`: a word read as its syllables, shown so unless both are as
            # typed: "vietnam airlines" was offered "viet nam airlines")
            gap = "" if as_typed and shown_as_typed else " "
        as_typed = shown_as_typed
        if open_run and not (flag and gap.strip() == ""):
            marked.append("</mark>")
            open_run = False
        plain.append(gap)
        marked.append(html.escape(gap))
        if flag and not open_run:
            marked.append("<mark>")
            open_run = True
        plain.append(word)
        marked.append(html.escape(word))
        end = tok.end
    if open_run:
        marked.append("</mark>")
    tail = _SPACES.sub(" ", text[end:])
    plain.append(tail)
    marked.append(html.escape(tail))
    return "".join(plain).strip(), "".join(marked).strip()  # outer spaces lie outside any <mark>


def _lacks_common(folded: str, support: Support, restorer: Restorer) -> bool:
    """A syllable of the language, and a common one (`Restorer.common`), that the index lacks
    (one it holds was corrected for its marks, which is no reason to keep it)."""
    return could_be_syllable(folded) and restorer.common(folded) and not support.df(folded)


def _offered_corrected(
    token: Syllable,
    meaning: Meaning,
    initialism: bool,
    support: Support,
    restorer: Restorer | None,
    long: bool,
    vni_keyed: bool = False,
) -> bool:
    """Whether a word matched as a typo is shown corrected. Not a common syllable the index
    lacks ("viet" where "Việt" is never printed): shown with its marks, not as the nearest
    word the index holds ("viên"). Not, in a long query, a word the index holds as typed: a
    name as often as a slip ("Mata", "HS"), and a long query holds more names. Not a code,
    letters that spell no syllable followed by digits ("qh13", "mig21"): no VNI keys, and its
    correction would drop the number ("QH", "MiG"); nor letters run into a number that no
    article prints side by side ("RON95" on news-2k was offered "RON", the 95 dropped), unless
    VNI keys spell them ("co1" is "có") or, where other words are VNI keys (`vni_keyed`), they
    are a syllable's letters and keys that slipped ("Thu3 tuong1": `letters_and_vni_keys`).
    Not an `initialism` (`meanings.typed_as_initialism`, where capitals tell) as a word with a
    vowel: "TSN" is an initialism the archive does not print, not a slip of "TÂN" (`sân bay
    TSN` was offered "sân bay TÂN"); another initialism may be offered."""
    if initialism and has_vowel(fold(meaning.shown)):
        return False
    if restorer is not None and _lacks_common(token.folded, support, restorer):
        return False
    if (code := _CODE.fullmatch(token.folded)) and not (vni_keyed and letters_and_vni_keys(token.folded)) and (
        not could_be_syllable(code[1]) or not (support.df(token.folded) or decode_vni(token.folded))
    ):
        return False
    return not (long and _held_as_typed(token, support))


_CODE = re.compile(r"([a-z]+)\d+")


def _held_as_typed(token: Syllable, support: Support) -> bool:
    """Whether the index holds the word as typed: its letters and, typed with marks, that
    spelling (or its other i/y spelling)."""
    return bool(support.df(token.folded)) and (not has_marks(token.exact) or printed_either_way(token.exact, support))
