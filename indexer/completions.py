"""Search-as-you-type: what a prefix typed completes, and in which order (`complete`), over
the titles of `indexer.titles` (the rows, their word keys, and whether a title prints the
marks typed); where nothing does, the words typed with a slip mended (`complete_mended`).
`SearchService.suggest` and so `GET /api/suggest` answer with it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from indexer.analysis import fold, fold_quick, has_marks, iy_variant
from indexer.keyboard import base_letters, typed_so_far
from indexer.query import MAX_QUERY_CHARS, ParsedQuery, completion_text, normalize_query
from indexer.titles import Titles, marks_first, prints_as_typed, title_key
from indexer.word_meaning import Meaning

SUGGEST_LIMIT = 10
SUGGEST_SCAN = 3000  # titles starting with a prefix typed with marks read at most for those printing them
# Where nothing completes the words typed (`SearchService.suggest`): mended in a prefix of at most
# SLIP_WORDS words, at most SUGGEST_ATTEMPTS ways; a word typed plain in SLIP_SPELLINGS spellings
# nearest it, each held by SLIP_RARER times as many articles as the word typed (`one_slip_mended`)
SLIP_WORDS = 8
SUGGEST_ATTEMPTS = 24
SLIP_SPELLINGS = 8
SLIP_RARER = 10
_WORD = re.compile(r"\w+")  # a word as `titles.title_key` splits them
_DIGIT = re.compile(r"\d")
_CODE_PARTS = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")  # "su35" → "su 35", "iphone7" → "iphone 7"


def complete(titles: Titles, prefix: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, str]]:
    """Up to `limit` {"id", "title"} of `titles` whose words start with the words typed
    (`titles.title_key`: folded, their punctuation aside), then those with a run of words
    starting with them: diacritic-insensitive, those that print the marks typed first
    (`titles.marks_first`), either i/y spelling of a word one (`_in_either_spelling`). Where
    that finds nothing: letters run into digits as the archive prints them apart ("su35":
    "Su-35 …", "iphone7": "iPhone 7 …"); then words typed with the input method off ("Thuyr
    lowij", "Vieej") as the letters their keystrokes type (`keyboard.base_letters`: "thuy
    loi", "vie"), those that print the marks they type first (`keyboard.typed_so_far`: "Thủy
    lợi", "Việ"). A word with digits is read so only where its keys spell a syllable (VNI:
    "vie65"): read as keys, "su35" offered "Sự …" and "a320" "Á hậu …" (bug hunt 89)."""
    typed = typed_text(prefix)
    key = title_key(typed)
    if not key:
        return []
    limit = max(1, min(limit, SUGGEST_LIMIT))
    found = _in_either_spelling(titles, key, typed, limit)
    if not found and (parted := _CODE_PARTS.sub(" ", key)) != key:
        found = _in_either_spelling(titles, parted, typed, limit)
    if not found:
        words, typed_words = key.split(), _WORD.findall(typed)
        if len(typed_words) == len(words):
            read = [typed_so_far(w) for w in typed_words]  # the marks typed so far, where it decodes
            letters = [w if r == t and _DIGIT.search(w) else base_letters(w) or w
                       for w, t, r in zip(words, typed_words, read, strict=True)]
            if letters != words:  # keystrokes: ordered by the marks they type ("Vieej": "Việ")
                spelled = [r if r != t else x for t, r, x in zip(typed_words, read, letters, strict=True)]
                found = _in_either_spelling(titles, " ".join(letters), " ".join(spelled), limit)
    return found


def typed_text(prefix: str) -> str:
    """What `complete` matches of `prefix`: the words typed, the query's syntax aside
    (`query.completion_text`), one space apart, within MAX_QUERY_CHARS."""
    return " ".join(completion_text(normalize_query(prefix or "")).split())[:MAX_QUERY_CHARS]


def typos_read(parsed: ParsedQuery, meanings: dict[int, Meaning]) -> list[str]:
    """The words of `parsed` with those search reads as typos (`Meaning.how`) in the spelling it
    shows for them (folded): first all but the last word, which may be one still being typed
    ("benh vein b" → "benh vien b"), then that one too ("gia vnag" → "gia vang")."""
    tokens = [t for t in parsed.positive_tokens if not t.alias]
    typos = [(m := meanings.get(id(t))) is not None and m.how == "typo" for t in tokens]
    words = [parsed.text[t.start : t.end] for t in tokens]
    fixed = [fold_quick(meanings[id(t)].shown) if typo else w for t, w, typo in zip(tokens, words, typos, strict=True)]
    return [" ".join([*fixed[:-1], words[-1]]), " ".join(fixed)] if tokens else []


def complete_mended(
    titles: Titles, typed: str, read: Sequence[str], typo_index: Any, df: Callable[[str], int],
    limit: int = SUGGEST_LIMIT,
) -> list[dict[str, str]]:
    """`complete` of the words `typed` (`typed_text`; nothing completes them) with a slip mended,
    the first of at most SUGGEST_ATTEMPTS ways that completes a title: as search reads them
    (`read`: `typos_read`), then one word at a time in the spellings nearest it
    (`one_slip_mended`), in the words typed and in search's reading: a slip emptied the list
    (`benh vein b`, `gia vnag`), where search offered "did you mean", and one into a word the
    archive prints too (`tia xe taxi`) where it could not; two slips, one search reads and one
    it does not (`bemh vein b`)."""
    bases = dict.fromkeys([*read[:1], typed])
    mended = itertools.chain(read, *(one_slip_mended(text, typo_index, df) for text in bases))
    tried = {typed}
    for attempt in mended:
        if attempt in tried:
            continue
        if found := complete(titles, attempt, limit):
            return found
        tried.add(attempt)
        if len(tried) > SUGGEST_ATTEMPTS:
            break
    return []


def one_slip_mended(typed: str, typo_index: Any, df: Callable[[str], int]) -> Iterator[str]:
    """`typed` (`typed_text`) with one of its words but the last, which may be still being
    typed, in one of the SLIP_SPELLINGS spellings nearest it that the index holds
    (`typos.TypoIndex.candidates`), word by word: where the titles themselves say which slip
    was made. A slip that makes a word the archive prints too ("tia" of `tia xe taxi`) is one
    that search reads as typed. Only a word typed without marks (typed with them, it is meant:
    `hấp thụ` was offered "Hai Thủ tướng …"), and only into a spelling SLIP_RARER times as
    common (`df`: articles holding a folded word): `tuy nhiên` offered "Tự nhiên kỳ thú …" and
    `cho biết` "… có biết …" (bug hunt 93). None without a typo index (a worker still loading it)."""
    words = typed.split()
    if typo_index is None:
        return
    for i, word in enumerate(words[:-1]):
        if has_marks(word):
            continue
        least = SLIP_RARER * max(1, df(fold(word)))
        for spelling, held in typo_index.candidates(word, limit=SLIP_SPELLINGS):
            if held >= least:
                yield " ".join([*words[:i], spelling, *words[i + 1 :]])


def _in_either_spelling(titles: Titles, key: str, typed: str, limit: int) -> list[dict[str, str]]:
    """`_completions` of `key` (`titles.title_key`), and, where a word of `typed` has another
    i/y spelling (`_other_iy`), of that spelling too, as search finds both: the titles that
    start with either first, then those that print the marks of either, each group in its
    order. By the marks typed alone, `lí do` listed nine titles holding "lí do" inside before
    any of the 42 starting "Lý do", and `Mĩ` "mũm mĩm" before "Mỹ …" (bug hunt 89)."""
    other = _other_iy(typed)
    found = _completions(titles, key, typed, limit)
    if other is None:
        return found
    other_key = title_key(other)
    both = _distinct_titles([*found, *_completions(titles, other_key, other, limit)], 2 * limit)

    def order(row: dict[str, str]) -> tuple[bool, bool]:
        words = title_key(row["title"])
        starts = words.startswith(key) or words.startswith(other_key)
        return not starts, not (prints_as_typed(row["title"], typed) or prints_as_typed(row["title"], other))

    return sorted(both, key=order)[:limit]


def _completions(titles: Titles, key: str, spelled: str, limit: int) -> list[dict[str, str]]:
    """Titles completing the folded `key`, those that print the marks of `spelled` first: found
    along the titles starting with `key` (`Titles.printing`, up to SUGGEST_SCAN of them), then
    the others in the order `titles.marks_first` gives them."""
    found = marks_first(titles.suggest(key, 2 * limit), spelled, 2 * limit)
    if has_marks(spelled):
        found = [*titles.printing(key, spelled, limit, SUGGEST_SCAN), *found]
    return _distinct_titles(found, limit)


def _other_iy(typed: str) -> str | None:
    """`typed` with each word that has another i/y spelling spelled so ("kĩ thuật" → "kỹ
    thuật", "ly do" → "li do"), as search finds both (`meanings._either_spelling`); the last
    word only when typed with marks (cut short, "ki" may be the start of "kiểm"). None when no
    word has one."""
    words = typed.split()
    swapped = [(iy_variant(w) if i < len(words) - 1 or has_marks(w) else None) or w for i, w in enumerate(words)]
    return " ".join(swapped) if swapped != words else None


def _distinct_titles(found: list[dict[str, str]], limit: int) -> list[dict[str, str]]:
    """The first `limit` of `found` with no title twice: two articles under one title (a
    report run twice) were two rows of the dropdown that looked the same; so were titles that
    differ in their punctuation or capitals only ("… vì hoa không nở", "… vì hoa... không nở":
    bug hunt 89), whose words (`titles.title_key`) are one."""
    seen: set[str] = set()
    out = []
    for row in found:
        words = title_key(row["title"])
        if words not in seen:
            seen.add(words)
            out.append(row)
    return out[:limit]
