"""Typo candidates from the symmetric-delete index (`indexer.typos`), and which of them was
meant (`indexer.typo_evidence`)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import typos
from indexer.ranking import EXACT_WEIGHT
from indexer.typo_evidence import SUGGESTED_WEIGHT
from indexer.typos import TypoIndex, distance, max_distance

_COUNTS = """nam:900 nan:20 man:40 anh:700 ang:30 nhanh:300 hanh:60 ha:800 noi:700 nai:50 moi:400
con:600 chon:90 facebook:90 chinh:500 phu:400 thu:300 tuong:200 truong:500 2020:100 u23:50"""
LEXICON = {w: int(n) for w, n in (item.split(":") for item in _COUNTS.split())}  # folded: df
INDEX = TypoIndex(LEXICON)


def test_three_letter_words_get_one_typo() -> None:
    assert INDEX.candidates("nma")[0] == ("nam", 900)  # adjacent swap
    assert INDEX.candidates("cin") == [("con", 600)]  # substitution
    assert INDEX.candidates("ncon") == [("con", 600)]  # insertion ("chon" is 2 substitutions away)
    assert INDEX.candidates("chn") == [("con", 600), ("chon", 90)]  # both 1 away: the more frequent first


def test_word_itself_and_short_words() -> None:
    assert all(c != "nam" for c, _ in INDEX.candidates("nam", limit=10))
    assert INDEX.candidates("nm") == []  # two letters: no tolerance
    assert INDEX.candidates("2021") == []  # numbers are not misspelled words
    assert "2020" not in INDEX and "u23" not in INDEX


def test_a_two_letter_word_is_looked_up_only_as_one_with_a_letter_lost() -> None:
    """`lost_letter`: the words one letter longer that the word is with one left out, anywhere
    in it, commonest first; no substitution, no swap."""
    index = TypoIndex({"nam": 900, "an": 800, "anh": 500, "nan": 50, "am": 40, "ban": 30, "na": 20})
    assert index.lost_letter("na") == [("nam", 900), ("nan", 50)]
    assert index.lost_letter("an") == [("anh", 500), ("nan", 50), ("ban", 30)]
    assert index.lost_letter("an", limit=1) == [("anh", 500)]


def test_ranking_prefers_nearer_same_first_letter_then_frequent() -> None:
    # all at distance 1; n-words first, by frequency; then the others by frequency
    assert [c for c, _ in INDEX.candidates("nanh", limit=5)] == ["nhanh", "nan", "anh", "hanh"]


def test_long_words_get_two_typos() -> None:
    assert max_distance("facebok") == 1
    assert max_distance("facebookk") == 2
    assert INDEX.candidates("faecbok") == []  # 7 letters, distance 2
    assert INDEX.candidates("facebokk")[0][0] == "facebook"  # 8 letters: one substitution
    assert INDEX.candidates("faceboxkk")[0][0] == "facebook"  # substitution + insertion
    assert INDEX.candidates("fcaebookx")[0][0] == "facebook"  # swap + insertion
    assert INDEX.candidates("fazebouk")[0][0] == "facebook"  # two substitutions
    once = TypoIndex({"facebook": 1})  # a long word seen once is filed at depth 1 only (index size)
    assert once.candidates("fazebouk") == []  # two substitutions need depth 2 on both sides
    assert once.candidates("fcaebook") == [("facebook", 1)]


def test_a_word_longer_than_any_within_reach_is_not_taken_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its deletions were all built before the ones longer than any lexicon word were dropped: a
    500-letter word cost 2.8 s and 0.5 GB (bug hunt 78). Longest reachable: MAX_LENGTH + 2."""
    from indexer import typos

    word = "x" * (typos.MAX_LENGTH - 1)
    index = TypoIndex({word: 5, "facebook": 90})
    assert index.candidates(word + "yz")[0][0] == word  # 2 letters over the longest kept: within reach
    monkeypatch.setattr(typos, "_deletes", lambda *_: pytest.fail("deletions built"))
    assert index.candidates(word + "xyz" + "æ" * 500) == [] and index.lost_letter("a" * 1000) == []


def test_input_is_folded() -> None:
    assert INDEX.candidates("Nàm") == INDEX.candidates("nam")  # tone-only differences are not typos
    assert INDEX.candidates("Nma")[0][0] == "nam"


def test_context_reranks() -> None:
    pairs = {("ha", "noi"): 50, ("con", "moi"): 3}

    def pair_df(a: str, b: str) -> int:
        return pairs.get((a, b), 0)

    plain = INDEX.candidates("nmoi")
    assert plain[0][0] == "noi"
    assert INDEX.in_context(["con", "nmoi"], 1, pair_df)[0][0] == "moi"
    assert INDEX.in_context(["ha", "nmoi"], 1, pair_df)[0][0] == "noi"
    assert INDEX.in_context(["nmoi"], 0, pair_df) == plain


def test_a_typo_costs_at_least_twice_a_missing_mark() -> None:
    exact_match = 1.0 + EXACT_WEIGHT  # folded + exact-form boost
    missing_mark = exact_match - 1.0
    typo = exact_match - SUGGESTED_WEIGHT
    assert typo >= 2 * missing_mark


def _osa(a: str, b: str) -> int:
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


WORD = st.text(alphabet="abcdghnot", min_size=0, max_size=9)


@settings(max_examples=300, deadline=None)
@given(WORD, WORD)
def test_distance_matches_the_full_table(a: str, b: str) -> None:
    assert distance(a, b, 2) == min(_osa(a, b), 3)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcdhnot", min_size=2, max_size=9), min_size=1, max_size=40), WORD)
def test_candidates_are_exactly_the_words_within_reach(lexicon: list[str], word: str) -> None:
    """Against a brute-force scan (a deletions-only index could miss some; this checks it does
    not), for query words short enough that only distance 1 applies on both sides."""
    index = TypoIndex(dict.fromkeys(lexicon, 1))
    got = {c for c, _ in index.candidates(word, limit=1000)}
    limit = max_distance(word)
    want = {w for w in set(lexicon) if w != word and limit and _osa(word, w) <= limit}
    if len(word) < 8:
        assert got == want
    else:
        assert got <= want


def test_remembered_candidates_are_the_answers_computed_and_only_so_many(monkeypatch: pytest.MonkeyPatch) -> None:
    """`TypoIndex.candidates` keeps its answers (a short query looks up every word, and the same
    words come back query after query), at most REMEMBERED of them (the words are whatever users
    type: a stream of made-up ones must not grow a worker's memory), and a kept answer is the one
    computed, however a caller changes the list it was given."""
    monkeypatch.setattr(typos, "REMEMBERED", 5)
    lexicon = {"tien": 90, "tieu": 40, "tin": 70, "tim": 30, "tiem": 20, "dien": 80, "tienn": 1}
    index = TypoIndex(lexicon)
    first = index.candidates("tiem", limit=4)
    given_back = index.candidates("tiem", limit=4)
    assert given_back == first and given_back is not first
    given_back.clear()
    for letter in "abcdefghijkl":  # twelve made-up words, each remembered in turn
        index.candidates(f"ti{letter}n", limit=4)
        assert len(index._remembered) <= 5
    assert index.candidates("tiem", limit=4) == first == TypoIndex(lexicon).candidates("tiem", limit=4)


def test_a_lone_long_candidate_is_taken_as_the_word() -> None:
    """One candidate of 6+ letters for an unknown word is almost surely the word meant: it
    leads the word's forms at TAKEN_WEIGHT. Short words and several candidates are not taken."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import TAKEN_WEIGHT, taken_as

    def no_pairs(a: str, b: str) -> int:
        return 0

    assert taken_as(["salmonella"], ["oalmonella"], 0, no_pairs) == "salmonella"
    assert taken_as(["noi"], ["nio"], 0, no_pairs) is None
    assert taken_as(["biotin", "biotic"], ["biotix"], 0, no_pairs) is None
    support = DictSupport.from_texts(["Vi khuẩn salmonella gây ngộ độc.", "Ngộ độc nặng là gì?"])
    parsed = parse_query("oalmonella là gì")
    meanings = interpret(parsed, parsed.text, support, TypoIndex(support.syllables))
    assert (("salmonella", TAKEN_WEIGHT), ("oalmonella", 1.0)) in [m.forms for m in meanings.values()]
    assert TAKEN_WEIGHT > SUGGESTED_WEIGHT


def test_the_one_candidate_printed_next_to_a_neighbour_is_taken() -> None:
    """ "xkt nghiem": of "xet", "xit" and "xat", only "xet nghiem" is printed, so the word is
    taken as "xet" (matched at TAKEN_WEIGHT, shown, and read by pairs); when two candidates
    each have a neighbour, or none has, the context decides nothing."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import TAKEN_WEIGHT, taken_as

    support = DictSupport.from_texts(
        ["Kết quả xét nghiệm máu.", "Bình xịt côn trùng.", "Xát muối vào vết thương.", "Xét nghiệm lại."]
    )
    assert taken_as(["xet", "xit", "xat"], ["ket", "qua", "xkt", "nghiem"], 2, support.pair_df) == "xet"
    assert taken_as(["xet", "xit", "xat"], ["xkt"], 0, support.pair_df) is None  # no neighbours
    assert taken_as(["xit", "xat"], ["ket", "qua", "xkt", "nghiem"], 2, support.pair_df) is None
    parsed = parse_query("ket qua xkt nghiem")
    meanings = interpret(parsed, parsed.text, support, TypoIndex(support.syllables))
    xkt = next(m for m in meanings.values() if ("xkt", 1.0) in m.forms)
    assert xkt.forms[0] == ("xet", TAKEN_WEIGHT)
    assert xkt.shown == "xet"
    assert all(w == SUGGESTED_WEIGHT for f, w in xkt.forms[2:])


def test_a_dominant_candidate_is_taken_in_a_short_query_only() -> None:
    """Two candidates printed next to a neighbour: in a short query the one printed DOMINANT
    times as often is taken ("trnh luan": "tranh luan" 42 articles, "tinh luan" 1); below that,
    or in a long query, the context decides nothing."""
    from indexer.typo_evidence import DOMINANT, SHORT_QUERY, taken_as

    # (both a letter left out of what was typed: the slip weighs them alike)
    counts = {("tranh", "luan"): 3 * DOMINANT, ("trinh", "luan"): 3}

    def pair_df(a: str, b: str) -> int:
        return counts.get((a, b), 0)

    short = ["vh", "trnh", "luan"]
    assert taken_as(["trinh", "tranh"], short, 1, pair_df) == "tranh"
    long = ["vh", "trnh", "luan", *["x"] * SHORT_QUERY]
    assert taken_as(["trinh", "tranh"], long, 1, pair_df) is None
    counts[("trinh", "luan")] = 4  # 9 < 3 x 4: not dominant
    assert taken_as(["trinh", "tranh"], short, 1, pair_df) is None


def test_the_likelier_slip_decides_between_candidates_held_alike() -> None:
    """ "bac si hni": "nhi" (two letters swapped) and "hai" (a far key struck) are each held
    next to "si" in two articles; two swapped letters are the likelier slip, so "nhi" is taken.
    With "hai" held far more often, the neighbours win again."""
    from indexer.typo_evidence import taken_as

    counts = {("si", "hai"): 2, ("si", "nhi"): 2}

    def pair_df(a: str, b: str) -> int:
        return counts.get((a, b), 0)

    assert taken_as(["hai", "nhi"], ["bac", "si", "hni"], 2, pair_df) == "nhi"
    counts[("si", "hai")] = 40
    assert taken_as(["hai", "nhi"], ["bac", "si", "hni"], 2, pair_df) == "hai"


_LETTERS = st.text(alphabet="abcdeghiklmnopqrstuvxy", min_size=3, max_size=8)


@settings(max_examples=200, deadline=None)
@given(_LETTERS, st.data())
def test_slip_cost_weighs_each_kind_of_slip(word: str, data: st.DataObject) -> None:
    """A letter left out, two adjacent letters swapped: free; a letter doubled, or a key next
    to the right one struck: KEY_COST; any other letter: LETTER_COST (against the word meant)."""
    from indexer.typo_evidence import KEY_COST, LETTER_COST, _neighbour_keys, slip_cost

    i = data.draw(st.integers(0, len(word) - 1))
    assert slip_cost(word[:i] + word[i + 1 :], word) == 0.0
    assert slip_cost(word[:i] + word[i] + word[i:], word) == KEY_COST
    if i + 1 < len(word) and word[i] != word[i + 1]:
        assert slip_cost(word[:i] + word[i + 1] + word[i] + word[i + 2 :], word) == 0.0
    other = data.draw(st.sampled_from([c for c in "abcdefghijklmnopqrstuvwxyz" if c != word[i]]))
    expected = KEY_COST if _neighbour_keys(word[i], other) else LETTER_COST
    assert slip_cost(word[:i] + other + word[i + 1 :], word) == expected


def test_in_context_prefers_the_rarer_candidate_among_those_printed_next_to_a_neighbour() -> None:
    """ "bac si hni": "hai" and "nhi" both follow "si" in the index, "hai" in more articles, but
    as a smaller share of its own and a far commoner word: the distinctive "nhi" comes first.
    A candidate with no printed neighbour still comes last, whatever its rarity."""
    index = TypoIndex({"hai": 100, "nhi": 5, "hoi": 50, "bac": 9, "si": 9})
    counts = {("si", "hai"): 6, ("si", "nhi"): 3}

    def pair_df(a: str, b: str) -> int:
        return counts.get((a, b), 0)

    got = [c for c, _ in index.in_context(["bac", "si", "hni"], 2, pair_df, limit=3)]
    assert got[:2] == ["nhi", "hai"] and got[-1] == "hoi"


def test_a_mistyped_word_typed_with_marks_keeps_them_on_its_spelling() -> None:
    """ "tình trạng thế noà": of the spellings one edit from "noa", only "nào" is printed with
    the typed mark carried over, so the word is taken as "nao" and "nào" is the exact form to
    prefer, as if typed. Typed plain, "nao" and "non" are each printed after "the" once: the
    likelier slip (two letters swapped, not a far key) takes it, with no exact form."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import TAKEN_WEIGHT

    support = DictSupport.from_texts(
        ["Tình trạng thế nào?", "Nông dân gieo mạ non.", "Ăn no mặc ấm.", "Thế non nước."]
    )
    index = TypoIndex(support.syllables)
    parsed = parse_query("tình trạng thế noà")
    noa = next(m for m in interpret(parsed, parsed.text, support, index).values() if ("noa", 1.0) in m.forms)
    assert noa.forms[0] == ("nao", TAKEN_WEIGHT) and noa.exact == "nào"
    parsed = parse_query("tinh trang the noa")
    noa = next(m for m in interpret(parsed, parsed.text, support, index).values() if ("noa", 1.0) in m.forms)
    assert noa.forms[0] == ("nao", TAKEN_WEIGHT) and noa.exact is None


def test_a_marked_spelling_printed_nowhere_is_shown_corrected() -> None:
    """ "khó khă": "kha" is known ("khá") but "khă" is printed nowhere, and "khăn" is printed
    after "khó": the word is taken as "khan", which leads at the taken weight with "khăn" as
    the exact form to prefer, still matches as typed ("kha" in full: the tone may be what was
    wrong), and is shown as corrected. A word typed plain that fits no neighbour (a name as
    often as a slip) is not taken as anything and is shown as typed."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import TAKEN_WEIGHT

    support = DictSupport.from_texts(["Khó khăn chồng chất.", "Khó khăn của nông dân.", "Anh ấy khá giỏi."])
    index = TypoIndex(support.syllables)
    parsed = parse_query("khó khă")
    kha = next(m for m in interpret(parsed, parsed.text, support, index).values() if ("kha", 1.0) in m.forms)
    assert kha.forms[0] == ("khan", TAKEN_WEIGHT) and kha.exact == "khăn"
    assert kha.how == "typo" and kha.shown == "khan"
    parsed = parse_query("kho kha")
    kha = next(m for m in interpret(parsed, parsed.text, support, index).values() if ("kha", 1.0) in m.forms)
    assert kha.forms[0] == ("kha", 1.0) and kha.how == "typed"


def test_a_printed_marked_word_that_fits_no_neighbour_matches_its_carried_spellings() -> None:
    """ "củ tọa": "củ" is printed ("củ cải") but never next to "tọa"; one edit away, "chủ" is
    printed with the typed mark carried over and held before "tọa" in two articles. It matches
    at the typo weight, and is shown as typed: a printed word may be a name."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport

    support = DictSupport.from_texts(["Chủ tọa phiên tòa nói.", "Lời chủ tọa.", "Củ cải trắng.", "Chú Tư."])
    index = TypoIndex(support.syllables)
    assert support.printed("củ") and not support.pair_df("cu", "toa") and support.pair_df("chu", "toa") == 2
    parsed = parse_query("củ tọa")
    cu = next(m for m in interpret(parsed, parsed.text, support, index).values() if m.forms[0] == ("cu", 1.0))
    assert ("chu", SUGGESTED_WEIGHT) in cu.forms and cu.how == "typed" and cu.shown == "củ"


def test_a_slip_that_moves_the_first_letter_is_within_reach() -> None:
    """Candidates starting with the typed first letter come first (first letters are rarely
    mistyped), but two slips move it: the first two letters swapped ("ati" for "tai") and, in a
    short query, the first letter left out ("hu" for "khu"). With 25 spellings one edit away
    that keep the first letter, those were never among the 20 the context ranks."""
    from indexer.typo_evidence import SHORT_QUERY
    from indexer.typos import CONTEXT_POOL, same_start

    assert same_start("ati", "tai") and same_start("ati", "atm") and not same_start("ati", "xti")
    assert not same_start("hu", "khu") and same_start("hu", "khu", lost_start=True)
    others = {f"at{c}": 50 for c in "bcdefghjklmnopqrsuvwxyz"} | {"ai": 60, "at": 70}
    index = TypoIndex({"tai": 900, **others})
    assert len(others) > CONTEXT_POOL
    assert ("tai", 900) in index.candidates("ati", limit=CONTEXT_POOL)

    h_words = {f"h{c}": 500 for c in "aeioy"} | {f"hu{c}": 400 for c in "abcdeghilmnopqrstvxy"}
    index = TypoIndex({"khu": 450, **h_words})  # rarer than 5 of them
    pairs = {("khu", "tro"): 5}

    def pair_df(a: str, b: str) -> int:
        return pairs.get((a, b), 0)

    short = ["hu", "tro"]
    assert [c for c, _ in index.in_context(short, 0, pair_df, limit=1, maxdist=1)] == ["khu"]
    long = [*short, "o", "ha", "noi", "gia", "re"][: SHORT_QUERY + 1]
    assert "khu" not in [c for c, _ in index.in_context(long, 0, pair_df, limit=3, maxdist=1)]


def test_a_rare_word_is_taken_in_a_long_query_and_shown_corrected_in_a_short_one() -> None:
    """ "thân hin": "hin" is printed (a name, once), never next to "thân", and "hình", one
    edit away, is printed 100 times as often and after "thân" (SLIP_RARITY). In a long query
    the word is taken as "hinh"; in a short one, where a rare word is more often what was
    meant, it only matches "hinh" at the typo weight but is shown corrected. A word that is not
    that rare beside the candidate is matched as typed and shown as typed; so is one the index
    holds next to "thân" once (a short query's suspect still: a name, most often)."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import SLIP_RARITY, TAKEN_WEIGHT

    common = [f"Thân hình cân đối số {i}." for i in range(SLIP_RARITY)]

    def hin(query: str, texts: list[str]) -> object:
        support = DictSupport.from_texts(texts)
        parsed = parse_query(query)
        meanings = interpret(parsed, parsed.text, support, TypoIndex(support.syllables)).values()
        return next(m for m in meanings if ("hin", 1.0) in m.forms)

    taken = hin("anh ấy có thân hin cân đối không", [*common, "Ông Hin ở đây."])
    assert taken.forms[0] == ("hinh", TAKEN_WEIGHT) and taken.how == "typo" and taken.shown == "hinh"
    shown = hin("thân hin cân đối", [*common, "Ông Hin ở đây."])
    assert shown.forms[0] == ("hin", 1.0) and ("hinh", SUGGESTED_WEIGHT) in shown.forms
    assert shown.how == "typo" and shown.shown == "hinh"
    name = hin("thân hin cân đối", [*common, "Ông Hin ở đây.", "Bà Hin ở kia."])  # only 50x rarer
    assert name.forms[0] == ("hin", 1.0) and ("hinh", SUGGESTED_WEIGHT) in name.forms
    assert name.how == "typed" and name.shown == "hin"
    held_once = hin("thân hin cân đối", [*common, "Ông Thân Hin ở đây."])
    assert held_once.forms[0] == ("hin", 1.0) and ("hinh", SUGGESTED_WEIGHT) in held_once.forms
    assert held_once.how == "typed" and held_once.shown == "hin"


def test_a_typo_is_shown_as_the_spelling_its_neighbours_hold() -> None:
    """ "người nah": "nấu" and "nhà" are one edit away and both printed after "người". The
    context ranking prefers the rarer ("nấu", once), but "người nhà" is printed in 20 articles
    (SHOWN_HELD times as often and more): that is the spelling shown. Both still match at the
    typo weight: which one is meant is not sure enough to take."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport

    texts = [*(f"Người nhà bệnh nhân số {i} đã đến." for i in range(20)), "Người nấu ăn giỏi."]
    support = DictSupport.from_texts(texts)
    index = TypoIndex(support.syllables)
    assert [c for c, _ in index.in_context(["nguoi", "nah"], 1, support.pair_df, limit=2)] == ["nau", "nha"]
    parsed = parse_query("người nah cho biết gì về em")
    meaning = next(m for m in interpret(parsed, parsed.text, support, index).values() if ("nah", 1.0) in m.forms)
    assert meaning.shown == "nha" and meaning.how == "typo"
    assert ("nha", SUGGESTED_WEIGHT) in meaning.forms and ("nau", SUGGESTED_WEIGHT) in meaning.forms


def test_a_common_word_is_taken_as_the_archives_common_pair_one_edit_away() -> None:
    """ "ben nhan": "bên" is common alone, never next to "nhân"; "bệnh", one edit away, stands
    before it in SLIP_PAIR_SHARE of the articles or more. In a long query "ben" is taken as
    "benh"; below that share, or in a short query, it is matched as typed with "benh" at the
    typo weight, and shown as typed."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import SLIP_PAIR_SHARE, TAKEN_WEIGHT

    side = [f"Bên trái là nhà số {i}." for i in range(60)]  # "bên" alone: no rarer than "bệnh"

    def ben(query: str, patients: int, others: int) -> object:
        texts = [*side, *(f"Bệnh nhân số {i} đã khỏi." for i in range(patients))]
        texts += [f"Tin số {i}." for i in range(others)]
        support = DictSupport.from_texts(texts)
        parsed = parse_query(query)
        meanings = interpret(parsed, parsed.text, support, TypoIndex(support.syllables)).values()
        return next(m for m in meanings if ("ben", 1.0) in m.forms)

    question = "vì sao ben nhan bị đau bụng như vậy"
    assert 10 / (60 + 10 + 100) >= SLIP_PAIR_SHARE > 10 / (60 + 10 + 200)
    taken = ben(question, 10, 100)
    assert taken.forms[0] == ("benh", TAKEN_WEIGHT) and taken.how == "typo" and taken.shown == "benh"
    rarer = ben(question, 10, 200)  # the pair in under SLIP_PAIR_SHARE of the articles
    assert rarer.forms[0] == ("ben", 1.0) and ("benh", SUGGESTED_WEIGHT) in rarer.forms and rarer.how == "typed"
    short = ben("ben nhan đau", 10, 100)
    assert short.forms[0] == ("ben", 1.0) and short.how == "typed"


def test_on_a_large_index_a_marked_spelling_printed_once_is_not_printed() -> None:
    """A large archive prints its own typos: from PRINTED_NOISE_FROM articles, a marked
    spelling found in one place only ("nhâ") is not taken as printed, so "bệnh nhâ" is still
    read as a slip; on a smaller index one place is enough (a rare word is as likely)."""
    from indexer.support import PRINTED_NOISE_FROM, IndexSupport

    class Searcher:
        def __init__(self, articles: int) -> None:
            self.articles = articles

        def doc_count_all(self) -> int:
            return self.articles

    printed = {("body_ex", "nhâ"): 1, ("body_ex", "nhân"): 900, ("title_ex", "nhân"): 80}

    class Executor:
        def doc_frequency(self, searcher: object, field: str, text: str) -> int:
            return printed.get((field, text), 0)

    large = IndexSupport(Searcher(PRINTED_NOISE_FROM), Executor())  # type: ignore[arg-type]
    assert not large.printed("nhâ") and large.printed("nhân") and not large.printed("nhấ")
    small = IndexSupport(Searcher(PRINTED_NOISE_FROM - 1), Executor())  # type: ignore[arg-type]
    assert small.printed("nhâ") and small.printed("nhân") and not small.printed("nhấ")


def test_the_slip_shown_is_the_one_held_far_more_often_beside_the_neighbours() -> None:
    """ "veit tại Mỹ": the context ranks "vit" first (it fits "tại" as well, for its rarity),
    but "viet" is held next to "tai" SHOWN_HELD times as often or more: that is shown. Held
    less than that, or nowhere, the context's first stays."""
    from indexer.slips import SHOWN_HELD, held_slip

    class Pairs:
        def __init__(self, held: dict[tuple[str, str], int]) -> None:
            self.held = held

        def pair_df(self, a: str, b: str) -> int:
            return self.held.get((a, b), 0)

    words = ["veit", "tai", "my"]
    held = Pairs({("vit", "tai"): 3, ("vet", "tai"): 8, ("viet", "tai"): 3 * SHOWN_HELD})
    assert held_slip(["vit", "vet", "viet"], words, 0, held) == "viet"  # type: ignore[arg-type]
    less = Pairs({("vit", "tai"): 3, ("viet", "tai"): 3 * SHOWN_HELD - 1})
    assert held_slip(["vit", "viet"], words, 0, less) == "vit"  # type: ignore[arg-type]
    assert held_slip(["vit", "viet"], words, 0, Pairs({})) == "vit"  # type: ignore[arg-type]


def test_a_pair_held_by_chance_is_no_context_evidence() -> None:
    """On a large index a stray spelling held next to the neighbour a few times ("chun" after
    "se", once) outranks, for its rarity, the word meant ("chuyen", after "se" 250 times);
    with the chance meetings of that index (`chance_pairs`) not counted, the word meant leads.
    On a small index (no chance meetings) one pair is evidence, as it was."""
    from indexer.typo_evidence import chance_pairs, ranked_in_context

    pairs = {("se", "chun"): 1, ("se", "chuyen"): 250}

    def pair_df(a: str, b: str) -> int:
        return pairs.get((a, b), 0)

    found = [("chun", 13), ("chuyen", 8288)]
    words = ["my", "se", "chuen"]
    assert ranked_in_context(found, words, 2, pair_df, 1, chance_pairs(2_600))[0][0] == "chun"
    assert ranked_in_context(found, words, 2, pair_df, 1, chance_pairs(34_701))[0][0] == "chuyen"


def test_letters_that_spell_no_syllable_are_taken_in_a_short_query_as_the_likeliest_slip() -> None:
    """ "hà nội bna lỗ": "bna" is printed (a code, once), next to neither neighbour, and no
    marking makes it a syllable. A short query's rare word is usually what was meant, but not
    such letters: the word is taken as the candidate whose pairs, weighed by how likely the
    slip is, are most: "bán" (two letters swapped, after "nội" and before "lỗ"), not "ba" (a
    neighbouring key struck as well; before "lô" as often). The letters as typed still match,
    at a candidate's weight. Rare letters that may be a syllable ("hin") are only shown
    corrected (`test_a_rare_word_is_taken_in_a_long_query_and_shown_corrected_in_a_short_one`)."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import SLIP_RARITY, TAKEN_WEIGHT

    texts = [*(f"Hà Nội bán lỗ căn hộ số {i}." for i in range(SLIP_RARITY))]
    texts += [*(f"Ba lô số {i}." for i in range(SLIP_RARITY)), "Mã BNA."]
    support = DictSupport.from_texts(texts)
    parsed = parse_query("hà nội bna lỗ")
    meanings = interpret(parsed, parsed.text, support, TypoIndex(support.syllables)).values()
    bna = next(m for m in meanings if any(f == "bna" for f, _ in m.forms))
    assert bna.forms[0] == ("ban", TAKEN_WEIGHT) and bna.how == "typo" and bna.shown == "ban"
    assert ("bna", SUGGESTED_WEIGHT) in bna.forms and ("ba", SUGGESTED_WEIGHT) in bna.forms


def test_marks_printed_nowhere_on_letters_that_spell_no_syllable_leave_the_letters_a_candidates_weight() -> None:
    """ "căn ặdn": "ặdn" is printed nowhere, so it is taken as "dặn" (held after "căn", the
    typed mark carried over). Its letters match too, but "adn" is no syllable (it is the
    archive's "ADN"): they weigh as a candidate, not in full as a wrong tone on a syllable's
    letters does ("nguy hiễm": the letters "hiem" still match at 1.0)."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import TAKEN_WEIGHT

    texts = [*(f"Mẹ căn dặn con lần {i}." for i in range(5)), "Xét nghiệm ADN.", "Kết quả ADN."]
    texts += [*(f"Bệnh nguy hiểm số {i}." for i in range(5)), "Nhiễm bệnh."]
    support = DictSupport.from_texts(texts)
    index = TypoIndex(support.syllables)

    def meaning_of(query: str, typed: str) -> object:
        parsed = parse_query(query)
        return next(m for m in interpret(parsed, parsed.text, support, index).values() if (typed, 1.0) in m.forms
                    or (typed, SUGGESTED_WEIGHT) in m.forms)

    adn = meaning_of("căn ặdn", "adn")
    assert adn.forms[0] == ("dan", TAKEN_WEIGHT) and adn.exact == "dặn" and adn.shown == "dan"
    assert ("adn", SUGGESTED_WEIGHT) in adn.forms and ("adn", 1.0) not in adn.forms
    hiem = meaning_of("bệnh nguy hiễm", "hiem")
    assert ("hiem", 1.0) in hiem.forms


def test_letters_the_archive_prints_as_a_name_in_vietnamese_script_are_no_slip() -> None:
    """ "vang nie": "nie" spells no syllable and is rare beside "niêm" (held after "vàng"), but
    the archive prints it capitalized with marks in every article that holds it ("Niê", a
    name): typed plain or with those marks ("vàng niê"), it is matched as typed (its one-edit
    spellings at the typo weight) and not shown corrected. Letters the archive prints with marks but in lowercase (its
    own typo, "đnag") or without any are a slip, taken as the likeliest spelling."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import SLIP_RARITY, TAKEN_WEIGHT

    class Reads:  # the restoration model's reading of one syllable, as the archive prints it
        def __init__(self, reading: str) -> None:
            self.reading = reading

        def restore(self, folded: object, context: object = ()) -> list[str]:
            return [self.reading]

        def misfit(self, typed: str, before: str | None, after: str | None) -> None:
            return None

        def pair_count(self, a: str, b: str) -> float:
            return 0

    texts = [*(f"Giá vàng niêm yết số {i}." for i in range(SLIP_RARITY)), "Người đẹp H'Ăng Niê."]
    support = DictSupport.from_texts(texts)
    index = TypoIndex(support.syllables)

    def nie(query: str, reading: str) -> object:
        parsed = parse_query(query)
        meanings = interpret(parsed, parsed.text, support, index, Reads(reading)).values()
        return next(m for m in meanings if any(f == "nie" for f, _ in m.forms))

    for query in ("vang nie", "vàng niê"):
        name = nie(query, "Niê")
        assert name.forms[0] == ("nie", 1.0) and ("niem", SUGGESTED_WEIGHT) in name.forms and name.how == "typed"
    slip = nie("vang nie", "niê")  # printed so, but never as a name
    assert slip.forms[0] == ("niem", TAKEN_WEIGHT) and ("nie", SUGGESTED_WEIGHT) in slip.forms


def test_a_mistyped_word_typed_with_marks_is_shown_as_the_spelling_that_fits_its_neighbours() -> None:
    """ "của nôg là": "nôg" is one slip from "ông", "nô" and "ngô", and the folded neighbours
    cannot tell them apart ("của nó" is "cua no" too). With the marks typed carried over, the
    restoration model finds "của ông là" likeliest by far: that is the spelling shown. Where
    the model sees no such margin ("nôg" alone, "ông" only twice as common as "nô"), none."""
    from collections import Counter

    from indexer.analysis import normalize_text, tokenize
    from indexer.read_marks import fits_marks, printed_spellings
    from indexer.restoration import Counts, Restorer, printed_syllables
    from indexer.support import DictSupport

    texts = [*(f"Nhà của ông là đây {i}." for i in range(20)), *(f"Đó là nhà của nó {i}." for i in range(30))]
    texts += [*(f"Chuyện nô lệ {i}." for i in range(10)), *(f"Bắp ngô {i}." for i in range(3))]
    unigrams: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for text in texts:
        previous = None
        for syllable, joined in printed_syllables(text):
            unigrams[syllable] += 1
            if previous and joined:
                bigrams[f"{previous} {syllable}"] += 1
            previous = syllable
    support = DictSupport.from_texts(texts)
    restorer = Restorer(unigrams, bigrams, general=Counts({}, {}))

    def fits(query: str, i: int) -> str | None:
        tokens = [t for t in tokenize(normalize_text(query)) if not t.alias]
        spelled = printed_spellings(tokens[i].exact, ["no", "ong", "ngo"], support)
        return fits_marks(spelled, tokens, i, restorer)

    assert fits("của nôg là", 1) == "ong"
    assert fits("nôg", 0) is None  # "ông" 20 times, "nô" 10: no margin without neighbours


def test_a_rare_word_is_shown_as_the_common_slip_its_neighbour_holds_not_the_contexts_first() -> None:
    """ "tham nhun": "nhun" is printed once, never next to "tham". The context ranks "nhua"
    first (printed twice, after "tham": it fits for its rarity), but "tham nhung" is printed
    SHOWN_HELD times as often, and "nhung" SLIP_RARITY times as often as "nhun": a short query
    shows "nhung" (`held_slip`), and its rarity is weighed against that word, the one shown,
    not the context's first (news-50k: `tham nhun` was offered nothing, "tham nhũng" being in
    629 articles). It is only shown: "nhun" still matches as typed."""
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.support import DictSupport
    from indexer.typo_evidence import SLIP_RARITY

    texts = [*(f"Vụ tham nhũng số {i} bị xử." for i in range(SLIP_RARITY))]
    texts += ["Tấm thảm nhựa mới.", "Thảm nhựa cũ.", "Cô nhún vai."]
    support = DictSupport.from_texts(texts)
    index = TypoIndex(support.syllables)
    assert next(c for c, _ in index.in_context(["tham", "nhun"], 1, support.pair_df, limit=2)) == "nhua"
    parsed = parse_query("tham nhun")
    meaning = next(m for m in interpret(parsed, parsed.text, support, index).values() if ("nhun", 1.0) in m.forms)
    assert meaning.forms[0] == ("nhun", 1.0) and ("nhung", SUGGESTED_WEIGHT) in meaning.forms
    assert meaning.how == "typo" and meaning.shown == "nhung"
