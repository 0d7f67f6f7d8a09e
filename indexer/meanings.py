"""What each typed word means (`interpret`): keyboard-off input (Telex, VNI) and misplaced marks
decoded when the index supports the reading (`indexer.keyboard`), likely spellings of a word the
index lacks or a slip may have made (`indexer.misspellings`, weighed by `indexer.typo_evidence`),
question words (`indexer.questions`) and letter formulas (`indexer.letters`), and the marks of a long query typed
without any (`indexer.restoration`). Each meaning is a few weighted folded forms that
`indexer.ranking` matches and scores."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import chain, pairwise
from typing import Literal, Protocol

from indexer.analysis import Syllable, canonical_syllable, fold, has_marks, has_vowel, iy_variant
from indexer.keyboard import Support, WordChoice, could_be_syllable, toned_sibling, understand
from indexer.letters import (
    FRAMING_FROM_WORDS,
    addressed_positions,
    asked_words,
    clause_breaks,
    framing_positions,
    hurried_breaks,
    introductions,
    quoted_words,
    writers_talk,
)
from indexer.matching import idf
from indexer.misspellings import KeyedSlips, printed_carried, printed_either_way, slip_candidates, typo_candidates
from indexer.query import PASTED_WORDS, ParsedQuery, joined_with_neighbours, quoted_text
from indexer.questions import (
    asks_as_spelled,
    in_question_phrase,
    looks_like_question,
    near_question_words,
    news_request_positions,
    question_positions,
    sure_question_phrases,
    sure_question_positions,
)
from indexer.typo_evidence import (
    SHORT_QUERY,
    SLIP_PAIR_SHARE,
    SLIP_RARITY,
    TAKEN_WEIGHT,
    likeliest_slip,
    neighbour_pairs,
    pair_docs,
    taken_as,
)
from indexer.typo_evidence import SUGGESTED_WEIGHT as TYPO_WEIGHT
from indexer.typos import TypoIndex

SHOWN_HELD = 10  # see _held_slip

# --- what the typed words mean -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Meaning:
    """What one typed word was taken to mean: the folded forms to match, best first, each with
    its weight (the word as understood 1.0; the raw keystrokes or a likely spelling less), the
    exact form to prefer when diacritics were typed or decoded, and the word to show."""

    forms: tuple[tuple[str, float], ...]
    exact: str | None
    shown: str
    how: str  # "typed", or how it was understood: "telex", "vni", "marks", "typo"
    # a question word of a question ("là gì", "như thế nào"): it asks for the answer and
    # describes none, so it weighs less, gets no slip candidates and no restored marks
    asking: bool = False
    # part of a formula the question is put in ("xin chào", "cho em hỏi", "cảm ơn":
    # `FRAMING_PHRASES`): neither matched nor scored nor highlighted, no slip candidates
    framing: bool = False
    # part of a letter's aside, the writer saying who they are ("Tôi là độc giả lâu năm",
    # `letters.introductions`): it may name the topic, so it is matched, but weighs little
    # and is never needed
    aside: bool = False

    @property
    def changed(self) -> bool:
        return self.how != "typed"

    @property
    def keyed(self) -> bool:
        """Decoded from keys typed with the input method off ("Vieejt", "Vie65t")."""
        return self.how in ("telex", "vni")

    @property
    def in_full(self) -> tuple[str, ...]:
        """The forms the word is read as in full (weight 1.0: as understood, its other i/y
        spelling), not a guess weighed below it (raw keystrokes, a slip's candidates)."""
        return tuple(f for f, w in self.forms if w == 1.0)

    @property
    def marked(self) -> tuple[str, ...]:
        """The forms the hits mark: not a slip's candidates at the typo weight, other than the
        one the word is shown as; they match, to rank, but "xuat khua gao" (shown "xuất khẩu
        gạo") marked "khá" and "khả" in hits that print them."""
        shown = fold(self.shown)
        return tuple(f for f, w in self.forms if w > TYPO_WEIGHT or f in (shown, iy_variant(shown)))


RAW_WEIGHT = 0.5  # the raw keystrokes of a word understood as Telex/VNI still match, below it
# A word typed with marks in the i/y spelling the index prints more ("bác sĩ") finds the other
# too ("bác sỹ": 12 of news-2k's articles print only that), weighed this much: found and
# marked, never ranked by it (matched at 0.5, "lý do" put an article printing "lí do" first)
OTHER_IY_WEIGHT = 0.0


# From this many words, a query typed without any mark gets the marks the restoration model
# reads into it as exact forms to prefer, as if typed (`restored_marks`).
RESTORE_FROM_WORDS = 6


class Restores(Protocol):
    """What `interpret` needs of `indexer.restoration.Restorer`."""

    def restore(
        self, folded: Sequence[str], context: Iterable[str] = (), given: Sequence[str | None] = ()
    ) -> list[str] | None: ...

    def fit(self, options: Sequence[str], before: str | None = None, after: str | None = None) -> list[float]: ...

    def misfit(self, typed: str, before: str | None, after: str | None) -> str | None: ...


def interpret(
    parsed: ParsedQuery,
    text: str,
    support: Support | None,
    typo_index: TypoIndex | None,
    restorer: Restores | None = None,
    listed: Callable[[Syllable], bool] = lambda word: False,
) -> dict[int, Meaning]:
    """Meanings of the positive query words, keyed by `id(token)`: keyboard-off input decoded
    where the index supports it (`indexer.keyboard.understand`), marks repaired, likely
    spellings for words the index holds in no form (`indexer.misspellings.typo_candidates`) or
    that a slip of the keys may have made (`slip_candidates`: matched, shown only for a word
    typed with marks the index never prints), and the
    marks of a long query typed without any (`restored_marks`, with `restorer`).
    A listed abbreviation (`listed`: "BCH", "tw") means what it says (`_abbreviations_as_typed`).
    Without an index (`support` None) every word means what it says."""
    meanings: dict[int, Meaning] = {}
    folded = [t.folded for t in parsed.positive_tokens]
    # a word typed with marks no question word has ("ban đầu", "đau đầu": not "đâu") asks nothing
    cues = [f if asks_as_spelled(t.exact if has_marks(t.exact) else None) else "" for t, f in
            zip(parsed.positive_tokens, folded, strict=True)]
    question = looks_like_question(cues, parsed.text) or _hurried_question(cues)
    # a request need not end in a question mark ("Xin chào, cho em hỏi giá vàng hôm nay")
    may_be_framed = question or len(parsed.positive_tokens) >= FRAMING_FROM_WORDS
    by_capitals = capitals_tell(parsed)
    # a short query's dates are read with or without their zeros, as `ranking` holds them side by
    # side; a pasted text's, one fact of many, as typed (two leads 2nd -> 3rd in 15 forms)
    pasted = len(parsed.positive_tokens) >= PASTED_WORDS
    for clause in parsed.clauses:
        tokens = [t for t in clause.tokens if not t.alias]
        if clause.negated:
            if support is not None:  # read as a quoted phrase is: `-"li do"` keeps out "lý do" as `"li do"` finds it
                meanings.update((id(t), m) for t, m in zip(tokens, _as_quoted(tokens, text, support), strict=True))
            continue
        if support is None:
            understood = [typed_meaning(tok, text) for tok in tokens]
            slips: list[list[str]] = [[] for _ in tokens]
        elif clause.phrase:
            understood = _as_quoted(tokens, text, support)
            slips = [[] for _ in tokens]
        else:
            understood, slips = _understood_words(tokens, text, support, typo_index, restorer)
            understood, slips = _abbreviations_as_typed(tokens, text, understood, slips, listed)
            if by_capitals:
                slips = [[] if s and _typed_initialism(t, text, support) else _names_only(t, s, text, restorer)
                         for t, s in zip(tokens, slips, strict=True)]
        # each word as understood asks or not; a quoted phrase asks nothing, it is matched as is
        words = [m.forms[0][0] for m in understood]  # each word as first understood
        dated = set() if clause.phrase or pasted else _date_numbers(tokens, text)
        framing, asides = set(), set()
        if may_be_framed and not clause.phrase:
            framing, asides = _framing(tokens, understood, words, text, question, support)
        if not clause.phrase:  # (a letter's formula too: "cho em hỏi tin mới nhất Đồng Tâm")
            asides |= news_request_positions(words, [t.exact for t in tokens]) - framing
        asks = question and not clause.phrase
        mistyped = _mistyped_question_words(words, [t.folded for t in tokens], understood) if asks else {}
        asked = [mistyped.get(i, w) for i, w in enumerate(words)]
        asking = question_positions(asked) - framing - asides if asks else set()
        for i, (tok, meaning, slipped) in enumerate(zip(tokens, understood, slips, strict=True)):
            if i in framing:
                meanings[id(tok)] = replace(meaning, framing=True)
                continue
            if i in asking:  # "tình trạng nao" is rarely printed, yet "nao" is no slip for "nay"
                if meaning.how == "typo" or i in mistyped:  # "ra aso": the question word alone, as "ra sao" typed right
                    exact = meaning.exact if meaning.how == "typo" else None  # (not the marks of "áo")
                    meaning = replace(meaning, forms=((asked[i], 1.0),), shown=mistyped.get(i, meaning.shown),
                                      exact=exact, how="typo")
                meanings[id(tok)] = replace(meaning, asking=True)
                continue
            if i in asides:
                meaning = replace(meaning, aside=True)
            sure, held = None, ""
            if slipped and support is not None:
                sure, held = _slip_sureness(tok, meaning, slipped, words, i, support, restorer)
            if sure == "marks" and restorer is not None:
                meaning = _remarked(meaning, tokens, i, restorer, support, text)
            elif sure is None and not meaning.changed and not clause.phrase and restorer is not None and support:
                meaning = _misfit_marks(meaning, tokens, i, restorer, support, text)
            if sure in ("taken", "unspelled"):
                typed_weight = TYPO_WEIGHT if sure == "unspelled" else 1.0  # letters that are no word
                meaning = _taken_slip(meaning, slipped, held, text[tok.start : tok.end], support, typed_weight)
            else:  # matched only (see slip_candidates); shown as the correction only if sure
                meaning = replace(meaning, forms=meaning.forms + _new_forms(meaning, slipped, TYPO_WEIGHT))
                if sure == "shown":
                    meaning = replace(meaning, shown=held, how="typo")
            meaning = _grouped_number(meaning, support)
            meanings[id(tok)] = _day_or_month(meaning, support) if i in dated else meaning
    if restorer is not None:
        meanings.update(restored_marks(parsed, meanings, restorer))
    return meanings


def _abbreviations_as_typed(
    tokens: Sequence[Syllable],
    text: str,
    understood: list[Meaning],
    slips: list[list[str]],
    listed: Callable[[Syllable], bool],
) -> tuple[list[Meaning], list[list[str]]]:
    """A listed abbreviation typed as a word of its own means what it says, the group it
    belongs to (`indexer.ranking` matches its expansions): `bch tw doan` was read as "ích tư
    đoạn", "tw" as Telex keys for "tư" and "bch" as a slip for "ích", and the article on the
    "Ban Chấp hành Trung ương Đoàn" was out of the top 10; "BCH" alone was offered "BẠCH".
    Unless it was read as keys and so were the query's other words, typed with the input
    method off: there "tw" is "tư" as much as "thuws" is "thứ". One read as typed keeps its
    slip candidates, matched only (`interpret`): "luyen tp" may be "luyện tập"."""
    keyed_elsewhere = any(m.keyed for t, m in zip(tokens, understood, strict=True) if not listed(t))
    as_typed = [i for i, t in enumerate(tokens) if listed(t) and understood[i].changed
                and not (understood[i].keyed and keyed_elsewhere)]
    if not as_typed:
        return understood, slips
    understood, slips = list(understood), list(slips)
    for i in as_typed:
        understood[i], slips[i] = typed_meaning(tokens[i], text), []
    return understood, slips


def capitals_tell(parsed: ParsedQuery) -> bool:
    """Whether a word typed in capitals says something: the query has a word of small letters
    (typed all in capitals, every word is)."""
    return any(any(c.islower() for c in parsed.text[t.start : t.end]) for t in parsed.positive_tokens)


# An initialism typed in capitals is one the archive prints in this many articles (`_typed_initialism`)
INITIALISM_LEAST = 3


def _typed_initialism(tok: Syllable, text: str, support: Support) -> bool:
    """Consonants typed in capitals ("HN", "TQ", "HS", "TĐ", where `capitals_tell`) that the
    archive prints in INITIALISM_LEAST+ articles: an initialism as it prints it (Hà Nội, Trung
    Quốc, học sinh), not a slip of "họ" or "từ": `chém người shop quần áo HN` was offered "HỌ",
    `DN TQ xả thải` "TỪ", and in a long query the slip was taken (bug hunt 69). Not letters with
    a vowel ("TROGN", "NAME": a slip of "TRỌNG", "NAM" that the archive prints once or as English,
    bug hunt 71)."""
    return typed_as_initialism(tok, text) and support.df(tok.folded) >= INITIALISM_LEAST


def typed_in_capitals(tok: Syllable, text: str) -> bool:
    """Two or more letters, every one a capital, as typed ("TSN", "VAT", "HÀ")."""
    typed = text[tok.start : tok.end]
    return len(typed) >= 2 and typed.isalpha() and typed.isupper()


def typed_as_initialism(tok: Syllable, text: str) -> bool:
    """Two or more consonants typed in capitals ("TSN", "HN"): how an initialism is typed, and
    no syllable's slip keeps only its consonants and its case (the caller checks
    `capitals_tell`: in a query typed all in capitals, every word is)."""
    return typed_in_capitals(tok, text) and not has_vowel(tok.folded)


def _names_only(tok: Syllable, slipped: list[str], text: str, restorer: Restores | None) -> list[str]:
    """The slip candidates of a word typed as a name (`_typed_name`) that are names too: "Osama"
    may be a slip of "Obama", "Macro" of "Macron", "Trump" is none of "trùm" (all of them lost,
    `ông Osama` found Abu Sayyaf: bug hunt 74)."""
    if not slipped or not _typed_name(tok, text, restorer):
        return slipped
    assert restorer is not None  # (`_typed_name` says no without it)
    return [c for c in slipped if (reading := restorer.restore([c])) and reading[0][:1].isupper()]


def _typed_name(tok: Syllable, text: str, restorer: Restores | None) -> bool:
    """A word typed with a capital, not the query's first, as the archive prints a name: the
    restoration model reads its letters capitalized and in the marks typed ("Trump", "Nga").
    No slip of a common word: `vợ Trump` matched "trùm" too, and put first "Vợ trùm khủng bố…",
    which never names Trump (bug hunt 73)."""
    typed = text[tok.start : tok.end]
    if restorer is None or not typed[:1].isupper() or typed.isupper() or not text[: tok.start].strip():
        return False
    if not has_vowel(tok.folded):  # "Việt Nm": a slip of "Nam", whatever "NM" is
        return False
    reading = restorer.restore([tok.folded])
    return bool(reading) and reading[0][:1].isupper() and canonical_syllable(reading[0]).lower() == tok.exact


def _grouped_number(meaning: Meaning, support: Support | None) -> Meaning:
    """A number of four digits or more typed ungrouped ("1000", "10000") found as news prints it
    too, its thousands grouped by dots ("1.000 tỷ": `1000 tỷ` found 2 articles of news-2k, a
    motorbike's name among them, `1.000 tỷ` 19), where the index holds that. Not a year
    (1900-2099): "SN 1997" and "ĐH 2017" found "1.997" and "2.017" people or dong."""
    folded = meaning.forms[0][0]
    if support is None or len(folded) < 4 or not folded.isdigit() or folded[0] == "0" or 1900 <= int(folded) < 2100:
        return meaning
    grouped = f"{int(folded):,}".replace(",", ".")
    if not support.df(grouped):
        return meaning
    return replace(meaning, forms=(meaning.forms[0], (grouped, meaning.forms[0][1]), *meaning.forms[1:]))


def date_runs(tokens: Sequence[Syllable], text: str, joins: Sequence[str] = ("/",)) -> list[list[int]]:
    """The numbers of each date typed day/month ("20/11", "6/12/2017"), as indices of `tokens`:
    a run of numbers, each joined to the next by one of `joins`."""
    runs: list[list[int]] = []
    for i in range(1, len(tokens)):
        a, b = tokens[i - 1], tokens[i]
        if a.folded.isdigit() and b.folded.isdigit() and text[a.end : b.start] in joins:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i - 1, i])
    return runs


def _date_numbers(tokens: Sequence[Syllable], text: str) -> set[int]:
    """Which of `tokens` are the numbers of a date typed day/month ("06/02", "7-2-2017"): a
    number joined to a number by "/", "-" or "."."""
    return {i for run in date_runs(tokens, text, ("/", "-", ".")) for i in run}


def _day_or_month(meaning: Meaning, support: Support | None) -> Meaning:
    """A date's day or month (`_date_numbers`) found with or without a leading zero, as news
    prints either ("6/2", "07/2/2017"): phones and forms write "06/02", and `chứng khoán 06/02`
    found 2 articles of news-2k, not the one on 6/2, whose date every hit of a short query needs
    (`ranking.QueryBuilder._dates`; bug hunt 69). Both spellings are read in full, the one typed
    first. Only in a date of an unquoted short query: "bảng xếp hạng 05", "08:00", `"06/02"`
    quoted mean the digits typed (bug hunt 71), and a pasted text's date is one fact of many."""
    folded = meaning.forms[0][0]
    if support is None or not folded.isdigit() or len(folded) > 2 or folded in ("0", "00"):
        return meaning
    other = folded[1] if len(folded) == 2 and folded[0] == "0" else "0" + folded if len(folded) == 1 else None
    if other is None or not support.df(other):
        return meaning
    return replace(meaning, forms=(meaning.forms[0], (other, meaning.forms[0][1]), *meaning.forms[1:]))


def _mistyped_question_words(
    words: Sequence[str], typed: Sequence[str], understood: Sequence[Meaning]
) -> dict[int, str]:
    """Mistyped words (spellings the index lacks, given candidates) one of whose candidates
    makes a question phrase of two or more syllables with the words beside it ("ra aso" → "ra
    sao", "nhu the ano" → "như thế nào"), and that candidate: the word asks, as it would typed
    right, instead of being searched for as a topic word by its every candidate. Not a word
    before "gì" or "ai", which may follow any verb ("lma gi" is "làm gì", not "là gì"). Besides
    the index's candidates (a few per word, and none of a word an archive does not print), the
    question phrases' own words one slip from the letters typed (`near_question_words`).
    A word read as keys of an input method is taken so too, unless that reading asks already:
    "aso" of "ra aso?" is Telex for "áo", yet beside "ra" in a question it is "sao"."""
    found: dict[int, str] = {}
    for i, meaning in enumerate(understood):
        if meaning.how not in ("typo", "telex", "vni") or (i + 1 < len(words) and words[i + 1] in ("gi", "ai")):
            continue
        if meaning.how != "typo" and in_question_phrase(words, i):
            continue
        for candidate in chain((f for f, _ in meaning.forms), near_question_words(typed[i])):
            if candidate == words[i]:
                continue
            if in_question_phrase([*words[:i], candidate, *words[i + 1 :]], i):
                found[i] = candidate
                break
    return found


def _hurried_question(folded: Sequence[str]) -> bool:
    """A letter typed in a hurry (it opens with a greeting or holds a formula: `hurried_breaks`)
    that holds a phrase asking wherever it stands ("chao bac si … dong bhxh la gi co can di
    kham khong hay doi them a"): it asks, though no "?" ends it and its question is not last.
    A phrase that shares a word with whom the letter addresses asks nothing: the "bao lau" of
    "xin chao quy bao lau nay toi …" (Xin chào quý báo, lâu nay tôi …)."""
    if not hurried_breaks(folded):
        return False
    addressed = addressed_positions(folded)
    phrases = sure_question_phrases(folded)
    return any(addressed.isdisjoint(range(start, start + len(phrase))) for start, phrase in phrases)


def _framing(
    tokens: Sequence[Syllable],
    understood: Sequence[Meaning],
    words: Sequence[str],
    text: str,
    asks: bool,
    support: Support | None = None,
) -> tuple[set[int], set[int]]:
    """(framing, asides) of a run of typed words (`words`: each as first understood):
    `framing_positions`, with the sentences the text splits them into (`clause_breaks`: its
    punctuation and capitals), each word's typed form, and whether the query reads as a
    question; and, in a letter (something frames it, and it has several sentences), its
    `introductions` not framed and, with the index's counts (`support`), its `writers_talk`:
    the sentences in which the writer tells of themselves in words the archive finds common.
    A formula is read as understood and as typed: on a small
    archive that never prints "cảm", a typo's guess ("đảm") would hide the thanks, and "acm ơn"
    is thanks too. The second reading is asked for only where a typo made it differ."""
    typed = [text[t.start : t.end] for t in tokens]
    gaps = ["", *(text[a.end : b.start] for a, b in pairwise(tokens))]
    breaks, exact = clause_breaks(typed, gaps) or hurried_breaks(words), [t.exact for t in tokens]
    as_typed = [t.folded if m.how == "typo" else w for t, m, w in zip(tokens, understood, words, strict=True)]
    found = framing_positions(words, breaks, exact, asks)
    if as_typed != words:
        found |= framing_positions(as_typed, breaks, exact, asks)
    if not found or not breaks:  # an aside is one sentence of a letter
        return found, set()
    asides = introductions(words, breaks) - found
    if support is not None:  # and what the writer tells of themselves in common words
        n = support.documents

        def rarity(word: str) -> float | None:
            df = support.df(word)
            return idf(df, n) if df else None

        # the sentences a "?" ends ask; in a letter without one (typed in a hurry), those
        # that hold a phrase that asks wherever it stands ("… co bao nhieu loai ung thu")
        asked = asked_words([*gaps[1:], text[tokens[-1].end :]]) if "?" in text else sure_question_positions(words)
        quoted = quoted_words([text[: tokens[0].start], *gaps[1:]])
        asides |= writers_talk(words, breaks, found | asides, asked, rarity, exact, quoted)
    return found, asides


def _decoded_meaning(tok: Syllable, choice: WordChoice, text: str, support: Support) -> Meaning:
    """A word as `keyboard.understand` decoded it (Telex or VNI keys, marks on the wrong
    vowel), its letters as typed matched below it."""
    forms = [(choice.chosen.folded, 1.0), *((f, RAW_WEIGHT) for f in choice.folded_forms[1:])]
    exact, shown = choice.chosen.exact, choice.chosen.text
    toned = toned_sibling(exact, support) if choice.chosen.method in ("telex", "vni") else None
    if toned:  # the tone key left out ("Vieet Nam"): the spelling the index prints
        exact, shown = toned, typed_case(shown, toned)
    exact = exact if exact != choice.chosen.folded else None
    return Meaning(tuple(forms), exact, shown, choice.chosen.method)


KEYED_ONLY = 100  # how much rarer than the word they decode to a quoted word's keystrokes are taken for it


def unquote_found_nowhere(parsed: ParsedQuery, support: Support) -> ParsedQuery:
    """`parsed` with each quoted phrase that holds a word no article holds, as typed or decoded
    (`_keyed_only`) in either i/y spelling, read as its words unquoted: the phrase can match
    nowhere, so its words get what unquoted words get, as search engines drop quotes that find
    nothing: a slip read (`"nôg dân"` found nothing and said nothing; now "nông dân"), a word
    found nowhere noted absent and the others searched (`"covid" Hà Nội` searched any word of
    "Hà Nội"). Its words join the words typed beside it in one run, with one minimum match, as
    if typed without the quotes (a slip's candidate was required on its own: `"qwzx" Hà Nội`
    found 1 article, `qwzx Hà Nội` 10,138). The text stays as typed; the phrases are noted in
    `unquoted`, to tell the user. A query of PASTED_WORDS words or more is left alone: its
    quotes relax when nothing matches them (a pasted headline's `"ảo thuyt"`, unquoted, let 4
    articles match it all, and its own went from 1st to beyond the 10th)."""
    if len(parsed.positive_tokens) >= PASTED_WORDS:
        return parsed  # pasted text: its quotes relax when they match nothing (`ranking`)
    clauses, unquoted = list(parsed.clauses), []
    at = 0
    while at < len(clauses):
        clause = clauses[at]
        if clause.phrase and not clause.negated:
            tokens = [t for t in clause.tokens if not t.alias]
            if any(not any(support.df(f) for f, _ in m.forms) for m in _as_quoted(tokens, parsed.text, support)):
                unquoted.append(quoted_text(parsed.text, tokens))
                # its words and the words typed beside it: one run, with one minimum match
                clauses[at] = replace(clause, phrase=False)
                clauses, at = joined_with_neighbours(clauses, at)
        at += 1
    return replace(parsed, clauses=clauses, unquoted=tuple(unquoted)) if unquoted else parsed


def _as_quoted(tokens: Sequence[Syllable], text: str, support: Support) -> list[Meaning]:
    """The words of a quoted phrase or an exclusion: as typed, or decoded (`_keyed_only`), in
    either i/y spelling (`_quoted_spelling`)."""
    typed = _keyed_only(tokens, text, support)
    as_typed = [m.forms[0][0] for m in typed]
    return [_quoted_spelling(m, as_typed, i, support) for i, m in enumerate(typed)]


def _keyed_only(tokens: Sequence[Syllable], text: str, support: Support) -> list[Meaning]:
    """Words meant as typed (a quoted phrase, an excluded word), but for keystrokes typed with
    the input method off whose letters the index holds KEYED_ONLY times as rarely as the word
    they decode to, if at all: `"Vieejt Nam"` found nothing and said nothing, `-Vieejt` kept
    nothing out, and an archive of 34,701 articles prints "thanhf" somewhere. Only the decoded
    word is matched."""
    understood = understand([text[t.start : t.end] for t in tokens], support, _hyphened(tokens, text))
    out = []
    for tok, choice in zip(tokens, understood.words, strict=True):
        if (
            choice.changed
            and choice.chosen.method in ("telex", "vni")
            and support.df(tok.folded) * KEYED_ONLY < support.df(choice.chosen.folded)
        ):
            meaning = _decoded_meaning(tok, choice, text, support)
            out.append(replace(meaning, forms=meaning.forms[:1]))
        else:
            out.append(typed_meaning(tok, text))
    return out


def _understood_words(
    tokens: Sequence[Syllable],
    text: str,
    support: Support,
    typo_index: TypoIndex | None,
    restorer: Restores | None = None,
) -> tuple[list[Meaning], list[list[str]]]:
    """One run of typed words as understood (decoded; a mistyped word taken as a spelling or
    given candidates), and each word's slip candidates (`slip_candidates`), which `interpret`
    adds where the word asks nothing; `restorer` chooses which spelling a word typed with marks
    is shown as (`_fits_marks`)."""
    understood = understand([text[t.start : t.end] for t in tokens], support, _hyphened(tokens, text))
    none: list[list[str]] = [[] for _ in tokens]
    keyed = KeyedSlips(understood, support)
    typos = typo_candidates(understood, support, typo_index, keyed=keyed) if typo_index is not None else none
    slips = slip_candidates(understood, support, typo_index) if typo_index is not None else none
    chosen = [w.chosen.folded for w in understood.words]
    out: list[Meaning] = []
    for i, (tok, choice, candidates) in enumerate(zip(tokens, understood.words, typos, strict=True)):
        meaning = _decoded_meaning(tok, choice, text, support) if choice.changed else typed_meaning(tok, text)
        taken = taken_as(candidates, chosen, i, support.pair_df)
        if taken is None and not choice.changed and len(candidates) > 1:
            # the spelling shown, and given the typed marks: the one the neighbours hold
            held = _held_slip(candidates, chosen, i, support)
            candidates = [held, *(c for c in candidates if c != held)]
        marked = choice.typed_with_marks
        if marked and taken is None:
            spelled = _printed_spellings(choice.raw, candidates, support)
            if len(spelled) == 1:  # the only candidate printed with the marks typed is taken
                taken = spelled[0][0]
            elif len(spelled) > 1 and restorer is not None and (fits := _fits_marks(spelled, tokens, i, restorer)):
                candidates = [fits, *(c for c in candidates if c != fits)]  # shown, and its spelling preferred
        extra = (
            *_new_forms(meaning, [taken] if taken else [], TAKEN_WEIGHT),
            *_new_forms(meaning, [c for c in candidates if c != taken], TYPO_WEIGHT),
        )
        if extra:
            how = meaning.how if meaning.changed else "typo"
            shown = meaning.shown if meaning.changed else extra[0][0]
            # the spelling a mistyped word is taken as stands for it (abbreviations, question
            # words and pairs read the first form); a decoded word keeps its reading first
            lead = not meaning.changed and extra[0][0] == taken
            forms = (extra[0], *meaning.forms, *extra[1:]) if lead else meaning.forms + extra
            # typed marks carried over to the spelling the word is taken as (or the marks its
            # keys typed, one slip away: `KeyedSlips`): that spelling's exact form is
            # preferred as a typed one would be
            carried = printed_carried(choice.raw, extra[0][0], support) if marked else None
            keyed_marks = keyed(i).get(taken) if taken else None
            exact = carried or keyed_marks or meaning.exact
            meaning = Meaning(forms, exact, shown, how)
        out.append(_either_spelling(meaning, chosen, i, support))
    return out, slips


# How much likelier than the next (10×) the restoration model must find a spelling of a mistyped
# word typed with marks, between its neighbours, to show it (`_fits_marks`).
FITS_MARGIN = math.log(10.0)


def _printed_spellings(typed: str, candidates: Sequence[str], support: Support) -> list[tuple[str, str]]:
    """(candidate, its spelling with the marks of `typed` carried over) for the candidates the
    index prints so (`misspellings.printed_carried`: "noà" → "nào"; "non" would need the marked
    "à" replaced): the only one is taken, between several `_fits_marks` chooses."""
    return [(c, carried) for c in candidates if (carried := printed_carried(typed, c, support))]


def _fits_marks(
    spelled: Sequence[tuple[str, str]], tokens: Sequence[Syllable], i: int, restorer: Restores
) -> str | None:
    """The candidate of word i, typed with marks and mistyped, whose spelling with those marks
    carried over (`_printed_spellings`, two or more) the restoration model finds FITS_MARGIN
    likelier than any other's between the neighbours as typed with marks ("của nôg là": "ông"
    over "nô" and "ngô"; "khó như lnê trời": "lên" over "lê"); None where it finds none so.
    The neighbours' folded pairs, which rank the candidates (`_held_slip`), cannot tell "của
    nó" from "của ô": the marks can. Shown for a word the index lacks, typo-accented form, no
    rank moved:
    shown exactly as meant, keywords 0.770 -> 0.777, headlines 0.647 -> 0.657, vinewsqa
    0.708 -> 0.718, questions 0.647 -> 0.657, legal 0.675 -> 0.683, leads 0.647 -> 0.660
    (bench/journal/relevance.md, "Stop 58")."""
    fits = restorer.fit([carried for _, carried in spelled], _marked_word(tokens, i - 1), _marked_word(tokens, i + 1))
    ranked = sorted(zip(fits, (c for c, _ in spelled), strict=True), reverse=True)
    return ranked[0][1] if ranked[0][0] - ranked[1][0] >= FITS_MARGIN else None


def _marked_word(tokens: Sequence[Syllable], j: int) -> str | None:
    """Word j as typed, where it is typed with marks (a neighbour whose marks say how the word
    beside it is spelled); None where there is no word j or it has none."""
    return tokens[j].exact if 0 <= j < len(tokens) and has_marks(tokens[j].exact) else None


def _hyphened(tokens: Sequence[Syllable], text: str) -> list[range]:
    """The runs of `tokens` joined by bare hyphens ("Sang-hwa", "Ba-ri-a")."""
    runs: list[range] = []
    start = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or text[tokens[i - 1].end : tokens[i].start] != "-":
            if i - start > 1:
                runs.append(range(start, i))
            start = i
    return runs


def _either_spelling(meaning: Meaning, words: Sequence[str], i: int, support: Support) -> Meaning:
    """`meaning` with the other standard spelling of its i/y matched as the same word ("lí do"
    finds "lý do": `analysis.iy_variant`), where the index prefers it. With marks, typed or
    decoded, the tone makes it the same word: where the index prints the other spelling more
    ("mĩ phẩm": "mỹ"), its letters are matched too and it is the exact form boosted. Typed
    plain, "my" may be "Mỹ" or "mì", so only where the index holds the variant next to a
    neighbour (`words`, each word's folded reading) at least as often as the word as typed
    ("ki thuat": "kỹ thuật"; not "hang my"). A word typed with marks as the index mostly prints it
    finds the other spelling too, weighing nothing (OTHER_IY_WEIGHT): asking for both spellings of
    every "sĩ" and "kỳ" (each matches every tone of its letters) and boosting both moved keywords
    0.977 -> 0.973 ("bác sĩ nhi" put "bác sỹ" first), and left out, "tỷ lệ" missed the 25 articles
    of news-2k that print only "tỉ lệ". Issue 11's harness, form `iy` (the other spelling typed):
    keywords 0.958 -> 0.973, headlines 0.940 -> 0.946, vinewsqa 0.797 -> 0.802, questions 0.997 ->
    0.998 (was below plain BM25), initialisms 0.819 -> 0.851; one vinewsqa question ("thai kì", its
    article prints "thai kỳ") now ranks as typed "thai kỳ" does, 3 -> 6 (vinewsqa 0.8047 ->
    0.8044)."""
    folded, weight = meaning.forms[0]
    variant = iy_variant(folded)
    if variant is None or not support.df(variant) or any(f == variant for f, _ in meaning.forms):
        return meaning
    exact = meaning.exact
    if exact and has_marks(exact):
        other = canonical_syllable(iy_variant(exact) or "")
        if not support.printed(other):
            return meaning
        if support.printed_count(other) <= support.printed_count(exact):  # found, not ranked by
            return replace(meaning, forms=(meaning.forms[0], (variant, weight * OTHER_IY_WEIGHT), *meaning.forms[1:]))
        exact = other
    elif pair_docs(words, i, variant, support.pair_df) < max(1, pair_docs(words, i, folded, support.pair_df)):
        return meaning
    return replace(meaning, forms=(meaning.forms[0], (variant, weight), *meaning.forms[1:]), exact=exact)


def _quoted_spelling(meaning: Meaning, words: Sequence[str], i: int, support: Support) -> Meaning:
    """A word of a quoted phrase read in its other i/y spelling too: typed with marks, always
    (the tone makes it the same word, and the phrase holds to those marks in either spelling:
    `ranking.QueryBuilder._phrase_spellings`: `"tỉ lệ"` finds "tỷ lệ"); typed plain, where
    unquoted it is (`_either_spelling`: `"ki thuat"` finds "kỹ thuật", `"hang my"` no "hàng mì")."""
    folded, weight = meaning.forms[0]
    variant = iy_variant(folded)
    if meaning.exact and has_marks(meaning.exact) and variant is not None and support.df(variant):
        return replace(meaning, forms=(meaning.forms[0], (variant, weight), *meaning.forms[1:]))
    return _either_spelling(meaning, words, i, support)


def _slip_sureness(
    tok: Syllable,
    meaning: Meaning,
    slipped: Sequence[str],
    words: Sequence[str],
    i: int,
    support: Support,
    restorer: Restores | None = None,
) -> tuple[Literal["taken", "unspelled", "shown", "marks"] | None, str]:
    """How sure it is that a word with slip candidates (`misspellings.slip_candidates`: one edit
    away, held next to a neighbour) is a slip for one of them, and which: "taken" as it
    (`_taken_slip`), "unspelled" (taken, its letters weighing as a candidate), "shown" as the
    correction while still matched as typed, "marks" (its letters right, its marks slipped:
    `_remarked`), or None (matched only: a printed word is as often a name as a slip). The
    spelling is the one the neighbours hold (`_held_slip`), or, for letters that spell no
    syllable, the likeliest slip (`typo_evidence.likeliest_slip`).

    - Typed with marks the index never prints, its letters held next to a neighbour at least
      as often as the candidate it would be taken as ("Đà Nẳng": "đà nang" in 2,036 articles,
      "đa dạng" in 1,314; "Bình Dưong": 1,390 to 26): "marks", a slip of the tone (hỏi for
      ngã) or of a vowel's mark, not of a letter (it was taken as "Đà Dạng", "Bình Dưng").

    - Typed with marks the index never prints ("bệnh nhâ", "khó khă" → "nhân", "khăn"):
      taken. A printed marked word ("củ tọa") may be a name. Issue 11's typo-accented form:
      keywords 0.9017 -> 0.9032, initialisms 0.7627 -> 0.7717, vinewsqa 0.7912 -> 0.7906 (each
      query it moved now ranks as its accented form does), then 0.7913 with the "đ" a slip may
      bring back (`misspellings.printed_carried`). Where its letters spell no syllable either
      ("căn ặdn": "adn" is no word, yet matched in full it found articles about DNA),
      "unspelled" (below): stop 46, keywords typed with marks and one slip over news-50k
      0.7281 -> 0.7337, 300 fresh ones 0.6727 -> 0.6738; legal/typo-accented 0.8139 -> 0.8118
      (one question, whose slip had found its article first where typed right it is 4th).
    - Held SLIP_RARITY times less often than the candidate ("than hin" for "thân hình", "tự
      siết bệnh" for "biết", "ati" for "tại"): one this rare beside one this common that fits
      its place is mostly a slip. In a long query (SHORT_QUERY+ words) taken: headlines/typo,
      typo-accented, typo-keys +0.0013 each, vinewsqa/typo 0.7909 -> 0.7919, typo-accented
      0.7913 -> 0.7917 (30x the same or less, 300x nothing). In a short one taking it lost
      (keywords-50k/typo 0.619 -> 0.616, keywords/typo-keys -0.004: a keyword search's rare
      word is more often what is meant), so there it is only shown: over news-50k, one-typo
      keyword queries shown exactly as meant 0.347 -> 0.433 (typo-keys 0.520 -> 0.610, typed
      with marks 0.593 -> 0.653), no ranking changed, no correct query given a suggestion.
      Not for a word the index holds next to a neighbour (a short query's suspect too:
      `typo_evidence.chance_pairs`): that pair, however rare, is most often a name typed
      as meant, and showing it corrected cost three right keyword queries (stop 40).
    - The same rare word in a short query, where its letters spell no syllable ("ha noi bna
      lo", "xe hco do chu", "doanh nghiep trung adm": `_spells_no_syllable`): "unspelled",
      taken as the candidate with the most pairs weighed by how likely the slip is
      (`typo_evidence.likeliest_slip`: "bán", two letters swapped, over "ba"), the letters as
      typed matched at the typo weight. Stop 46, one typo, over news-50k: keywords 0.6665 ->
      0.6826, typed with marks 0.7273 -> 0.7281, as keystrokes 0.7458 -> 0.7488; 300 fresh
      keyword queries 0.6855 -> 0.6982, 0.6700 -> 0.6727, 0.6847 -> 0.6871; news-2k keywords
      0.9179 -> 0.9201. With two-letter words too ("bt", "tr": as often abbreviations),
      keywords/typo-keys lost 0.0017; in long queries nothing gained (legal typo-accented
      -0.001). Not where the archive prints the letters as a name, with marks (typed so or
      not: `_printed_name`, "vang nie" and "vàng niê" for "H'Ăng Niê"): on 300 keyword
      queries nobody tuned on (`bench/make_queries.py --seed 20261204`) over news-50k, one
      typo 0.6188 -> 0.6260, typed with marks 0.6999 -> 0.7023, as keystrokes 0.6757 ->
      0.6783, accented and plain unchanged (without it: "vàng niê" lost its article, accented
      and plain -0.0017). Such a name is not shown corrected either ("vang nie" was offered
      "vàng niêm"; now the restoration's "vàng Niê").
    - In a long query, the candidate it is taken as (`_held_slip`) held next to a neighbour in
      SLIP_PAIR_SHARE of the index's articles, where the word stands next to neither: one of
      the archive's commonest pairs is one edit away ("ben nhan" → "bệnh nhân", "khao hoc" →
      "khoa học", "tham tia" → "tham gia"), however common the word is alone ("bên"). Taken
      (stop 33): vinewsqa/typo 0.7941 -> 0.7958, questions/typo-keys +0.0005, keywords/framed
      +0.0006, nothing down; over news-50k no rank moved (0.03 moved a headline down)."""
    held = _held_slip(slipped, words, i, support)  # (the neighbours' pairs are counted already)
    unspelled = _spells_no_syllable(tok.folded)

    def unspelled_or(sure: Literal["taken", "shown"]) -> tuple[Literal["taken", "unspelled", "shown"], str]:
        likeliest = likeliest_slip(slipped, words, i, support.pair_df) if unspelled else None
        return ("unspelled", likeliest) if likeliest else (sure, held)

    if tok.exact != tok.folded and not printed_either_way(tok.exact, support):
        if pair_docs(words, i, words[i], support.pair_df) >= max(1, pair_docs(words, i, held, support.pair_df)):
            return "marks", held
        return unspelled_or("taken")
    if meaning.changed:
        return None, held
    long = len(words) >= SHORT_QUERY
    alone = not pair_docs(words, i, words[i], support.pair_df)
    if alone and support.df(tok.folded) * SLIP_RARITY <= support.df(slipped[0]):
        if long:
            return "taken", held
        if unspelled and _printed_name(tok.folded, support, restorer):
            return None, held  # a name ("vang nie", "vàng niê"): neither taken nor shown corrected
        return unspelled_or("shown")
    if long and pair_docs(words, i, held, support.pair_df) >= SLIP_PAIR_SHARE * support.documents:
        return "taken", held
    return None, held


def _remarked(
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


# A pair typed with marks is a slip of them (`_misfit_marks`) only where fewer than 1 in this many
# of the articles holding its letters side by side print it so. On news-50k the slips of bug hunts
# 73 and 74: "hà nôi" 4 of 8,314, "xã hôi" 4 of 6,051, "cá hổi" 0 of 62; pairs typed right: "mùi
# cỏ (cháy)" 1 of 175, "lúc nãy" 17 of 1,956, "bệnh lỵ" 2 of 160, "Văn Toản" 10 of 238
MISFIT_PRINTED_SHARE = 500
# ... and where articles hold its letters side by side at least this often: "khám ầu năm" (a slip
# of "đầu", letters left out) read "âu", whose pairs 2 articles of 2,500 hold ("Âu năm")
MISFIT_PAIR_LEAST = 20


def _misfit_marks(
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
    before = _marked_word(tokens, i - 1) if tok.joined else None  # (side by side only)
    after = _marked_word(tokens, i + 1) if i + 1 < len(tokens) and tokens[i + 1].joined else None
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


def _spells_no_syllable(folded: str) -> bool:
    """Letters of three or more that no marking makes a Vietnamese syllable ("bna", "hco",
    "adm"; `keyboard.could_be_syllable`). Two letters are as often an abbreviation ("bt", "tr")."""
    return len(folded) >= 3 and not could_be_syllable(folded)


def _printed_name(folded: str, support: Support, restorer: Restores | None) -> bool:
    """Whether the archive prints these letters as a name in Vietnamese script: capitalized and
    with marks (as the restoration model reads them), in more than half the articles that hold
    them ("Niê": all 14 articles of news-50k holding "nie"). Its own typos are printed so
    seldom ("Tẻh": 3 of 7), in lowercase ("đnag", "ddiễn") or in one place ("Syỉa")."""
    reading = restorer.restore([folded]) if restorer is not None else None
    if not reading or not has_marks(reading[0]) or not reading[0][:1].isupper():
        return False
    printed = canonical_syllable(reading[0])  # and printed beyond a large archive's noise: not "Syỉa", once
    return support.printed(printed) and 2 * support.printed_count(printed) > support.df(folded)


def _held_slip(slipped: Sequence[str], words: Sequence[str], i: int, support: Support) -> str:
    """The slip candidate word i is meant as, shown or taken (`_slip_sureness`), or the typo
    candidate a word the index lacks is shown as when none is taken (`_understood_words`: "người
    nah" was offered "người nấu", "Việt aNm" "Việt ẩm", "kao nhiêu" "kéo nhiêu"): the first, as
    the context ranks them (`TypoIndex.in_context` weighs a pair against how common the
    candidate is), unless another is held SHOWN_HELD times as often next to the word's
    neighbours: then that is what was meant ("veit tại Mỹ": "vịt" fits "tại" as well for its
    rarity, "Việt" is held there 129 times to 3; "tình trạn": "trạc" 10 times, "trạng" 4,356).
    Shown (short queries): over news-50k, one-typo keyword queries shown exactly as meant 0.433
    -> 0.447, typed with marks 0.653 -> 0.660; news-2k's 0.513 -> 0.517. Taken (stop 32): no
    harness ranking moved; the harness's typo-accented suggestions, 10 changed: 7 became right
    ("sư phụ", "tâm lý", "đây là", "được" twice, "hiện tại", "đề nghị"), 3 wrong ("dương dật"
    → "đây", where "đây là" outweighs "dương vật"; "năm nàs" → "nay"; "tôd chết" → "tôi").
    Shown for a typo (stop 33): no rank moved; one-typo queries shown exactly as meant, typed
    plain / with marks: keywords 0.557 / 0.763 → 0.560 / 0.763, headlines – / 0.613 → 0.640,
    vinewsqa 0.096 / 0.680 → 0.102 / 0.696, questions – / 0.623 → 0.650, over news-50k 0.460 /
    0.680 → 0.463 / 0.687."""
    held = [sum(neighbour_pairs(words, i, c, support.pair_df)) for c in slipped]
    best = max(range(len(slipped)), key=lambda k: (held[k], -k))
    return slipped[best] if held[best] >= SHOWN_HELD * max(1, held[0]) else slipped[0]


def _taken_slip(
    meaning: Meaning, slipped: Sequence[str], best: str, typed: str, support: Support, typed_weight: float = 1.0
) -> Meaning:
    """`meaning` taken as `best`, its likeliest slip candidate (`_held_slip`), as a
    mistyped word is (`_understood_words`): that leads at TAKEN_WEIGHT (so pairs read it) and is
    shown, with marks typed carried over to it as its exact form. The letters as typed still
    match, in full (a wrong tone on the right letters, "nguy hiễm", is as common) or at
    `typed_weight` where they spell no syllable (`_slip_sureness`)."""
    rest = [c for c in slipped if c != best]
    as_typed = tuple((f, min(w, typed_weight)) for f, w in meaning.forms)
    forms = (*_new_forms(meaning, [best], TAKEN_WEIGHT), *as_typed, *_new_forms(meaning, rest, TYPO_WEIGHT))
    carried = printed_carried(typed, best, support) if has_marks(typed) else None
    return replace(meaning, forms=forms, exact=carried or meaning.exact, shown=best, how="typo")


def typed_case(typed: str, word: str) -> str:
    """A reading in the case the user typed the word in: capitals for capitals ("BCÁ" → "BÁC",
    "DANG" → "ĐẢNG", where the hits print "Đảng"), a lowercase reading capitalized ("Kệt" →
    "Kiệt"); otherwise a reading with capitals of its own (a name as the hits print it) stays."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if not word.islower() or not typed[:1].isupper():
        return word
    return word[:1].upper() + word[1:]


def _new_forms(meaning: Meaning, spellings: Sequence[str], weight: float) -> tuple[tuple[str, float], ...]:
    """`spellings` the meaning does not match yet, each at `weight`."""
    known = {f for f, _ in meaning.forms}
    return tuple((c, weight) for c in spellings if c not in known)


def restored_marks(parsed: ParsedQuery, meanings: dict[int, Meaning], restorer: Restores) -> dict[int, Meaning]:
    """For a query of RESTORE_FROM_WORDS+ words typed without a single mark: the words taken
    as typed, with the exact form the restoration model reads for them ("benh nhan" → "bệnh
    nhân"), so articles that print them so are preferred as they would be had the marks been
    typed. Before ranking there are no hits to lend context, so short queries, where the
    model is less sure, are left alone (keywords plain −0.002 with them); on long ones it
    reads 96% of vinewsqa's syllables right (headlines plain 0.942 → 0.944, vinewsqa plain
    0.795 → 0.799). The question words of a question are left unmarked: the model reads
    "tình trạng nao" as "não" (brain) as readily as "nào", and they weigh little anyway
    (vinewsqa plain 0.7985 → 0.7993); so is a name after a title word (`TITLES`). A
    restoration costs ~6 ms (p95 ~15 ms) for a 12-word question."""
    tokens = parsed.positive_tokens
    if len(tokens) < RESTORE_FROM_WORDS or any(has_marks(t.exact) for t in tokens):
        return {}
    understood = [meanings[id(t)] for t in tokens]
    keyed = any(m.keyed for m in understood)
    # read around words keyed with the input method off as decoded, in the marks their keys typed
    words = [m.forms[0][0] if m.keyed else t.folded for t, m in zip(tokens, understood, strict=True)]
    reading = restorer.restore(words, given=[m.exact if m.keyed else None for m in understood])
    if reading is None or len(reading) != len(tokens):
        return {}
    out: dict[int, Meaning] = {}
    for i, (tok, word) in enumerate(zip(tokens, reading, strict=True)):
        meaning = meanings[id(tok)]  # `interpret` gave every positive word one
        if meaning.asking or meaning.framing:
            continue  # "tình trạng nao": not "não"; a question word weighs little, a formula nothing
        if i and canonical_syllable(reading[i - 1]) in TITLES:
            continue  # "ông tam": a name, which the model reads as its commonest word ("tâm")
        exact = canonical_syllable(word)
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


# Words that put a name after them ("ông Tám", "bé Hiếu"): the restoration model reads a name
# as its commonest word, so restored marks leave the next word alone (one-typo headlines and
# questions: three queries up one place, none down; plain forms unchanged).
TITLES = frozenset(["ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cụ", "bé", "cháu"])


def typed_meaning(tok: Syllable, text: str) -> Meaning:
    """A word that means what it says."""
    exact = tok.exact if tok.exact != tok.folded else None
    return Meaning(((tok.folded, 1.0),), exact, text[tok.start : tok.end], "typed")


def marks_given(token: Syllable, meaning: Meaning) -> tuple[str, str] | None:
    """(folded, exact) of a word the user gave marks: typed with them ("năm"), or keyed with
    the input method off ("nawm"); None for a word typed plain, even when restoration read
    marks into it (a guess is no request)."""
    if meaning.how in ("telex", "vni", "marks") and meaning.exact:
        return meaning.forms[0][0], meaning.exact
    if has_marks(token.exact):
        return token.folded, token.exact
    return None
