"""What each typed word means (`interpret`): keyboard-off input (Telex, VNI) and misplaced marks
decoded when the index supports the reading (`indexer.keyboard`), likely spellings of a word the
index lacks or a slip may have made (`indexer.misspellings`, weighed by `indexer.typo_evidence`;
how sure a slip is: `indexer.slips`), question words (`indexer.questions`) and letter formulas
(`indexer.letters`), and the marks the restoration model reads (`indexer.read_marks`). Each
meaning (`indexer.word_meaning.Meaning`) is a few weighted folded forms that `indexer.ranking`
matches and scores."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from itertools import chain, pairwise

from indexer.analysis import Syllable, canonical_syllable, fold, has_marks, has_vowel, iy_variant
from indexer.keyboard import WordChoice, toned_sibling, understand
from indexer.letters import (
    FRAMING_FROM_WORDS,
    addressed_positions,
    asked_words,
    askers_words,
    clause_breaks,
    closing_particles,
    framing_positions,
    hurried_breaks,
    introductions,
    quoted_words,
    writers_talk,
)
from indexer.matching import idf
from indexer.misspellings import (
    CANDIDATES_PER_WORD,
    KeyedSlips,
    printed_carried,
    printed_whole,
    slip_candidates,
    typo_candidates,
)
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
from indexer.read_marks import (
    fits_marks,
    keyed_marks,
    keyed_reading,
    misfit_keys,
    misfit_marks,
    printed_spellings,
    query_reading,
    remarked,
    restored_marks,
)
from indexer.slips import foreign_name_parts, held_slip, names_only, slip_sureness, taken_slip
from indexer.support import Support
from indexer.typo_evidence import (
    SUGGESTED_WEIGHT,
    TAKEN_WEIGHT,
    pair_docs,
    taken_as,
)
from indexer.typos import TypoIndex
from indexer.word_meaning import Meaning, Restores, new_forms, typed_case, typed_meaning

RAW_WEIGHT = 0.5  # the raw keystrokes of a word understood as Telex/VNI still match, below it
# A word typed with marks in the i/y spelling the index prints more ("bác sĩ") finds the other
# too ("bác sỹ": 12 of news-2k's articles print only that), weighed this much: found and
# marked, never ranked by it (matched at 0.5, "lý do" put an article printing "lí do" first)
OTHER_IY_WEIGHT = 0.0


def interpret(
    parsed: ParsedQuery,
    text: str,
    support: Support | None,
    typo_index: TypoIndex | None,
    restorer: Restores | None = None,
    listed: Callable[[Syllable], bool] = lambda word: False,
    matched: bool = True,
) -> dict[int, Meaning]:
    """Meanings of the positive query words, keyed by `id(token)`: keyboard-off input decoded
    where the index supports it (`indexer.keyboard.understand`), marks repaired, likely
    spellings for words the index holds in no form (`indexer.misspellings.typo_candidates`) or
    that a slip of the keys may have made (`slip_candidates`: matched, shown only for a word
    typed with marks the index never prints), and the
    marks of a long query typed without any (`restored_marks`, with `restorer`).
    A listed abbreviation (`listed`: "BCH", "tw") means what it says (`_abbreviations_as_typed`).
    Not `matched`: only what the words are read as is wanted, not every spelling they match
    (search-as-you-type: `slip_candidates`' `read_otherwise`). Without an index (`support`
    None) every word means what it says."""
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
            understood, slips = _understood_words(tokens, text, support, typo_index, restorer, matched)
            understood, slips = _abbreviations_as_typed(tokens, text, understood, slips, listed)
            if by_capitals:
                slips = [[] if s and _typed_initialism(t, text, support) else names_only(t, s, text, restorer)
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
        # a word the index holds asks only in a query that asks with "?" ("cnkt oa dau": "hóa dầu", not "ở đâu")
        held_slips = slips if "?" in text else ()
        mistyped = _mistyped_question_words(words, [t.folded for t in tokens], understood, held_slips) if asks else {}
        asked = [mistyped.get(i, w) for i, w in enumerate(words)]
        asking = question_positions(asked) - framing - asides if asks else set()
        keyed = any(m.keyed for m in understood) and restorer is not None and support is not None
        marked = keyed_marks(tokens, understood) if keyed and not clause.phrase else []
        read = keyed_reading(words, marked, restorer) if marked else []
        name_parts = (foreign_name_parts(tokens, understood, slips, words, support, restorer)
                      if support is not None and not clause.phrase else set())
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
            meaning = _with_slips(meaning, tokens, i, slipped, words, text, support, restorer,
                                  listed(tok), clause.phrase, i in name_parts)
            if meaning.keyed and read:
                meaning = misfit_keys(meaning, tokens, i, words, marked, read, restorer, support, text)
            meaning = _grouped_number(meaning, support)
            meanings[id(tok)] = _day_or_month(meaning, support) if i in dated else meaning
    reading = query_reading(parsed, meanings, restorer) if restorer is not None else None
    if question:
        meanings.update(_askers_own(parsed, meanings, text, reading, support))
    if restorer is not None and reading is not None:
        meanings.update(restored_marks(parsed, meanings, restorer, reading))
    return meanings


def _askers_own(
    parsed: ParsedQuery,
    meanings: dict[int, Meaning],
    text: str,
    reading: Sequence[str] | None,
    support: Support | None,
) -> dict[int, Meaning]:
    """A question's words that are the asker's own "tôi" and "ạ" (`letters.askers_words`: who
    asks, and how politely), as framing. Spelled as typed or decoded, or, in a question typed
    without a single mark, as the restoration model reads them (`reading`: "con toi" is "con
    tôi", "toi nay" is "tối nay"); an "a" typed plain that closes the question is "ạ" where the
    index seldom prints the word before it with an "a" (`letters.closing_particles`). Typed
    plain, they were searched for until stop 77: natural-50k plain 0.594 -> 0.613, legal plain
    1 up, nothing down (bench/journal/relevance.md). Clause by clause, as typed words, not a
    quoted phrase's: each keeps two words (`title:Tôi …` would have kept none, and matched
    nothing)."""
    read = dict(zip(map(id, parsed.positive_tokens), reading, strict=True)) if reading is not None else {}
    own: dict[int, Meaning] = {}
    for clause in parsed.clauses:
        tokens = [t for t in clause.tokens if not t.alias]
        if clause.negated or clause.phrase or not tokens:
            continue
        understood = [meanings[id(t)] for t in tokens]
        spelled = [m.exact or (r if (r := read.get(id(t))) and not m.changed and fold(r) == t.folded else None)
                   for t, m in zip(tokens, understood, strict=True)]
        before = [text[: tokens[0].start], *(text[a.end : b.start] for a, b in pairwise(tokens))]
        if support is not None:
            after = [*before[1:], text[tokens[-1].end :]]
            for i in closing_particles([text[t.start : t.end] for t in tokens], after,
                                       _share_followed_by_a(support, [t.folded for t in tokens])):
                spelled[i] = "ạ"
        asking = {i for i, m in enumerate(understood) if m.asking}
        kept_apart = {i for i, m in enumerate(understood) if m.aside or m.framing}
        found = askers_words(spelled, [t.exact for t in tokens], before, asking) - kept_apart
        own.update((id(tokens[i]), replace(understood[i], framing=True)) for i in found)
    return own


def _share_followed_by_a(support: Support, folded: Sequence[str]) -> Callable[[int], float]:
    """For word i, the share of the articles holding word i - 1 that print it followed by an
    "a" in any marks (`letters.closing_particles`)."""
    return lambda i: support.pair_df(folded[i - 1], "a") / max(support.df(folded[i - 1]), 1)


def _with_slips(
    meaning: Meaning,
    tokens: Sequence[Syllable],
    i: int,
    slipped: Sequence[str],
    words: Sequence[str],
    text: str,
    support: Support | None,
    restorer: Restores | None,
    listed: bool,
    phrase: bool,
    name_part: bool = False,
) -> Meaning:
    """Word i's meaning with its slip candidates (`misspellings.slip_candidates`) as sure as
    `slips.slip_sureness` is of them: taken as the slip, shown as it, or only matched; its
    marks repaired where they slipped (`remarked`) or misfit the word (`misfit_marks`). A
    listed abbreviation read as typed is never shown or taken as a slip, only matched with its
    slips (`gv danh hs` was offered "gỗ đánh HS": bug hunt 79). A foreign name's part
    (`name_part`: `slips.foreign_name_parts`) is no slip either: matched with its slips only."""
    tok = tokens[i]
    sure, held = None, ""
    if slipped and support is not None and not (listed and not meaning.changed):
        sure, held = slip_sureness(tok, meaning, slipped, words, i, support, restorer)
        if sure == "unspelled" and name_part:
            sure = None
    if sure == "marks" and restorer is not None:
        meaning = remarked(meaning, tokens, i, restorer, support, text)
    elif sure in (None, "hinted") and not meaning.changed and not phrase and restorer is not None and support:
        meaning = misfit_marks(meaning, tokens, i, restorer, support, text)
    if sure in ("taken", "unspelled"):
        typed_weight = SUGGESTED_WEIGHT if sure == "unspelled" else 1.0  # letters that are no word
        return taken_slip(meaning, slipped, held, text[tok.start : tok.end], support, typed_weight)
    # matched only (see slip_candidates); shown as the correction only if sure
    meaning = replace(meaning, forms=meaning.forms + new_forms(meaning, slipped, SUGGESTED_WEIGHT))
    if sure == "hinted":  # shown only where the hits bear it out (`didyoumean.hinted_meanings`)
        return replace(meaning, hint=held)
    return replace(meaning, shown=held, how="typo") if sure == "shown" else meaning


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
    words: Sequence[str], typed: Sequence[str], understood: Sequence[Meaning], slips: Sequence[Sequence[str]]
) -> dict[int, str]:
    """Mistyped words (spellings the index lacks, given candidates) one of whose candidates
    makes a question phrase of two or more syllables with the words beside it ("ra aso" → "ra
    sao", "nhu the ano" → "như thế nào"), and that candidate: the word asks, as it would typed
    right, instead of being searched for as a topic word by its every candidate. Not a word
    before "gì" or "ai", which may follow any verb ("lma gi" is "làm gì", not "là gì"). Besides
    the index's candidates (a few per word, and none of a word an archive does not print), the
    question phrases' own words one slip from the letters typed (`near_question_words`).
    A word read as keys of an input method is taken so too, unless that reading asks already:
    "aso" of "ra aso?" is Telex for "áo", yet beside "ra" in a question it is "sao". So is a
    word the index holds where a slip may have made it (`slips`, its slip candidates): "nhiu"
    of "co bao nhiu di vat …?" is printed ("nhíu mày"), yet beside "bao" it is "nhiêu" (dev
    vinewsqa typo-keys 2 up, 0 down; bench/journal/relevance.md, stop 83)."""
    found: dict[int, str] = {}
    for i, meaning in enumerate(understood):
        slipped = slips[i] if slips and not meaning.changed else ()
        suspect = meaning.how in ("typo", "telex", "vni") or bool(slipped)
        if not suspect or (i + 1 < len(words) and words[i + 1] in ("gi", "ai")):
            continue
        if meaning.how != "typo" and in_question_phrase(words, i):
            continue
        for candidate in chain((f for f, _ in meaning.forms), slipped, near_question_words(typed[i])):
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
        if choice.keyed and support.df(tok.folded) * KEYED_ONLY < support.df(choice.chosen.folded):
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
    matched: bool = True,
) -> tuple[list[Meaning], list[list[str]]]:
    """One run of typed words as understood (decoded; a mistyped word taken as a spelling or
    given candidates), and each word's slip candidates (`slip_candidates`), which `interpret`
    adds where the word asks nothing; `restorer` chooses which spelling a word typed with marks
    is shown as (`fits_marks`)."""
    understood = understand([text[t.start : t.end] for t in tokens], support, _hyphened(tokens, text))
    none: list[list[str]] = [[] for _ in tokens]
    keyed = KeyedSlips(understood, support)
    typos = typo_candidates(understood, support, typo_index, keyed=keyed) if typo_index is not None else none
    slips = slip_candidates(understood, support, typo_index, matched) if typo_index is not None else none
    whole = printed_whole(understood, support, typo_index) if typo_index is not None else {}
    chosen = [w.chosen.folded for w in understood.words]
    out: list[Meaning] = []
    for i, (tok, choice, candidates) in enumerate(zip(tokens, understood.words, typos, strict=True)):
        meaning = _decoded_meaning(tok, choice, text, support) if choice.changed else typed_meaning(tok, text)
        if i in whole:  # the spelling with which the query is printed whole, in a row
            taken = whole[i]
            candidates = [taken, *(c for c in candidates if c != taken)][:CANDIDATES_PER_WORD]
        else:
            taken = taken_as(candidates, chosen, i, support.pair_df)
        if taken is None and not choice.changed and len(candidates) > 1:
            # the spelling shown, and given the typed marks: the one the neighbours hold
            held = held_slip(candidates, chosen, i, support)
            candidates = [held, *(c for c in candidates if c != held)]
        marked = choice.typed_with_marks
        if marked and taken is None:
            spelled = printed_spellings(choice.raw, candidates, support)
            if len(spelled) == 1:  # the only candidate printed with the marks typed is taken
                taken = spelled[0][0]
            elif len(spelled) > 1 and restorer is not None and (fits := fits_marks(spelled, tokens, i, restorer)):
                candidates = [fits, *(c for c in candidates if c != fits)]  # shown, and its spelling preferred
        extra = (
            *new_forms(meaning, [taken] if taken else [], TAKEN_WEIGHT),
            *new_forms(meaning, [c for c in candidates if c != taken], SUGGESTED_WEIGHT),
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


