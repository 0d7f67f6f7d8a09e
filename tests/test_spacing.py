"""Words spaced otherwise than the archive prints them (`indexer.spacing.split_glued`), read
against a few counts: what the index knows decides (the searches themselves are in
tests/test_search.py)."""

from __future__ import annotations

from indexer.query import parse_query
from indexer.spacing import APART_RATIO, RUN_COHESION, split_glued
from indexer.support import DictSupport
from indexer.typos import TypoIndex


def words(q: str, support: DictSupport, lexicon: TypoIndex | None = None) -> list[str]:
    """The query's words as read (aliases aside)."""
    return [t.folded for t in split_glued(parse_query(q), support, lexicon).positive_tokens]


def aliases(q: str, support: DictSupport) -> list[str]:
    parsed = split_glued(parse_query(q), support, TypoIndex(support.syllables))
    return [t.folded for c in parsed.clauses for t in c.tokens if t.alias]


def test_letters_run_into_a_number_are_the_two_words_the_archive_prints() -> None:
    """ "RON95" is read as "RON 95" where the archive prints that pair and not the word: it was
    taken for a slip of "RON" ("rốn"). Not VNI keys ("ha2" is "hà"), unless typed with marks."""
    support = DictSupport({"xang": 1, "gia": 1, "ron": 1, "95": 1}, {("ron", "95"): 1}, documents=10)
    spans = [(t.start, t.end, t.folded, t.position)
             for t in split_glued(parse_query("xăng RON95 giá"), support).positive_tokens]
    assert spans == [(0, 4, "xang", 0), (5, 8, "ron", 1), (8, 10, "95", 2), (11, 14, "gia", 3)]
    anything = DictSupport({}, {("ha", "2"): 1, ("16", "gb"): 1, ("quan", "1"): 1, ("lo", "1a"): 1}, documents=10)
    assert split_glued(parse_query("ha2 noi"), anything) == parse_query("ha2 noi")  # VNI keys ("hà")
    # typed with marks, no keystrokes: "quận1" (VNI would read "quan1" as "quán") was offered "quận"
    assert [t.exact for t in split_glued(parse_query("quận1"), anything).positive_tokens] == ["quận", "1"]
    # a number with letters after it: a road ("Quốc lộ1A" was offered "Quốc loa")
    assert [t.exact for t in split_glued(parse_query("Quốc lộ1A"), anything).positive_tokens] == ["quốc", "lộ", "1a"]


def test_a_number_run_into_its_unit_is_the_two_words_the_archive_prints() -> None:
    """ "121kg" is read as "121 kg" where the archive prints that pair and not the word: `giảm
    121kg` did not find "giảm 121 kg" (bug hunt 69). Printed run together, it is searched as it
    is; where neither is printed, it stays whole (reported absent)."""
    support = DictSupport({"giam": 5, "121": 2, "kg": 9, "20": 9, "tan": 9, "16gb": 1, "16": 9, "gb": 9},
                          {("121", "kg"): 1, ("20", "tan"): 3, ("16", "gb"): 2}, documents=10)
    read = split_glued(parse_query("giảm 121kg"), support).positive_tokens
    spans = [(t.start, t.end, t.exact, t.position) for t in read]
    assert spans == [(0, 4, "giảm", 0), (5, 8, "121", 1), (8, 10, "kg", 2)]
    assert words("20tấn", support) == ["20", "tan"]
    assert words("16gb", support) == ["16gb"]  # printed so
    assert words("560km", support) == ["560km"]  # neither printed
    # a pasted headline's word in no article is left out: "16GB" split ranked another iPhone
    # article above a headline's own
    assert words("giảm cân 121kg sau hai năm", support)[2] == "121kg"


GLUED = DictSupport(
    {"da": 5, "nang": 5, "samsung": 3, "sam": 1, "sung": 1, "do": 9, "la": 9, "phan": 4, "to": 4,
     "vietnam": 1, "viet": 9, "nam": 9, "o": 9, "ha": 900, "va": 900, "na": 100, "betong": 2, "be": 9, "tong": 9},
    {("da", "nang"): 4, ("sam", "sung"): 1, ("do", "la"): 5, ("phan", "to"): 2, ("viet", "nam"): 9,
     ("o", "o"): 3, ("o", "to"): 3, ("to", "o"): 3, ("ha", "va"): 300, ("va", "na"): 1, ("be", "tong"): 9},
    {"bêtông": 2},
    documents=1000,
)


def test_syllables_run_together_are_read_apart_where_they_hold_together() -> None:
    """ "danang" (a hashtag, a domain, a phone keyboard) is "da nang"; not a word the archive
    prints unless its syllables far more ("samsung", not "vietnam"), four letters the archive
    lacks ("dola": a slip far more often), keystrokes, a
    syllable, one-letter syllables (Telex "ootoo" was shown "o o to o"), syllables that hold
    together by chance ("havana", read as "hà và na"), or a word one slip from one the index
    prints more often than the syllables side by side ("phanto" is "phantom")."""
    assert words("danang", GLUED) == ["da", "nang"]  # 4 × 1000 / (5 × 5) holds together
    assert words("dola", GLUED) == ["dola"]
    assert words("phanto", GLUED) == ["phan", "to"]
    lexicon = TypoIndex({**GLUED.syllables, "phantom": 49, "dnang": 1})
    assert words("phanto", GLUED, lexicon) == ["phanto"]  # "phantom", 49 times; "phan to" twice
    assert words("danang", GLUED, lexicon) == ["da", "nang"]  # "namdinh" is not "namhinh", printed once
    assert RUN_COHESION > 1 * 1000 / (900 * 100)  # "va na"
    assert words("havana", GLUED) == ["havana"]
    assert words("samsung", GLUED) == ["samsung"]  # printed, 3 times as often as "sam sung"
    # printed, but its syllables PRINTED_SPLIT_RATIO times as often: both ("saigon", "hanoi", "sapa"
    # found none of news-50k's "Sài Gòn", "Hà Nội", "Sa Pa" articles: bug hunt 73)
    assert words("vietnam", GLUED) == ["viet", "nam"] and aliases("vietnam", GLUED) == ["vietnam"]
    # ... but not beside a foreign word: part of a name ("Vietnam Airlines" lost its articles)
    assert words("vietnam airlines", GLUED) == ["vietnam", "airlines"]
    four = DictSupport({"sapa": 3, "sa": 20, "pa": 10, "dola": 3, "do": 20, "la": 20},
                       {("sa", "pa"): 2 * 3, ("do", "la"): 20}, documents=1000)
    # four letters, printed or not: "dola" is "đôla", as one word (a headline 1st -> 3rd read "do la")
    assert words("Sapa", four) == ["sapa"] and words("dola", four) == ["dola"]
    # ... of two syllables: a printed word of three is a name ("Mandela", "Vovinam")
    three = DictSupport({"vovinam": 1, "vo": 30, "vi": 30, "nam": 30}, {("vo", "vi"): 9, ("vi", "nam"): 9},
                        documents=100)
    assert words("vovinam", three) == ["vovinam"]
    twice = DictSupport({"coco": 1, "co": 30}, {("co", "co"): 9}, documents=100)
    assert words("coco", twice) == ["coco"]  # ... nor one syllable twice ("Coco", "Nana": names)
    assert words("ViệtNam", GLUED) == ["viet", "nam"]  # typed with marks: not the Latin word printed
    assert words("bêtông", GLUED) == ["betong"]  # ... unless printed with those marks
    assert words("ootoo", GLUED) == ["ootoo"]
    assert words("thanhf", GLUED) == ["thanhf"]  # keystrokes ("thành")
    assert words("nghieng", GLUED) == ["nghieng"]  # a syllable itself


def test_two_words_typed_apart_get_the_word_the_archive_prints_far_more() -> None:
    """ "sam sung": "Samsung" is printed, the pair never. Not where the pair is printed
    1/APART_RATIO as often ("sau di" is "sau đi" as much as "Saudi"), not a word the index lacks
    ("kud o": a slip of "kurd", not "Kudo"), not keystrokes ("Hari An" is Telex "Hải An"), not in
    quotes or an exclusion; a number and its unit however often ("100 km", "100km")."""
    support = DictSupport(
        {"samsung": 3, "sam": 1, "sung": 1, "kudo": 3, "o": 9, "harian": 3, "hari": 2, "an": 9,
         "saudi": 25, "sau": 90, "di": 90, "5km": 1, "5": 9, "km": 9},
        {("sau", "di"): 1, ("5", "km"): 10},
        documents=100,
    )
    assert aliases("sam sung", support) == ["samsung"]
    assert APART_RATIO * 1 > 25
    assert aliases("sau di", support) == []
    assert aliases("kud o", support) == []
    assert aliases("Hari An", support) == []
    assert aliases('"sam sung"', support) == aliases('-"sam sung"', support) == []
    assert aliases("5 km", support) == ["5km"]
    # two words no syllable spells, printed as one more often than apart: "Ocean Bank" found 3
    # articles of news-50k, "Oceanbank" 21 (bug hunt 73)
    banks = DictSupport({"oceanbank": 4, "ocean": 5, "bank": 9}, {("ocean", "bank"): 3}, documents=100)
    assert aliases("Ocean Bank", banks) == ["oceanbank"]
