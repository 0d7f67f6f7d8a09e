"""Keyboard-off queries (Telex, VNI), marks on the wrong vowel, and the gate that decides."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import canonical_syllable, fold
from indexer.keyboard import (
    ONSETS,
    RHYMES,
    TONE_MARKS,
    _letters,
    base_letters,
    build_syllable,
    could_be_syllable,
    decode_telex,
    decode_vni,
    encode_telex,
    encode_vni,
    readings,
    repair_marks,
    split_syllable,
    typed_so_far,
    understand,
)
from indexer.misspellings import typo_candidates
from indexer.support import DictSupport
from indexer.typo_evidence import SHORT_QUERY
from indexer.typos import TypoIndex


@pytest.mark.parametrize(
    ("typed", "so_far"),
    [("Vieej", "Việ"), ("Vie65", "Việ"), ("ddaa", "đâ"), ("nawm", "năm"), ("Thuyr", "Thủy"), ("Vieejt", "Việt"),
     ("viet", "viet"), ("Nam", "Nam"), ("2017", "2017"), ("đườ", "đườ")],
)
def test_typed_so_far_reads_the_marks_of_a_word_being_typed(typed: str, so_far: str) -> None:
    """Search-as-you-type with the input method off: a word cut short ("Vieej", on its way to
    "Vieejt") does not decode, but its keys already say "ê" and the dot below."""
    assert typed_so_far(typed) == so_far


def words(text: str, decode) -> str:
    return " ".join(decode(w) or w for w in text.split())


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Vieejt Nam", "Việt Nam"),
        ("Vieetj Nam", "Việt Nam"),  # tone key at the end
        ("Viêjt Nam", "Việt Nam"),  # circumflex typed with the IME, tone key raw
        ("thanhf phoos Hoof Chis Minh", "thành phố Hồ Chí Minh"),
        ("dduwowngf", "đường"),
        ("dduowngf", "đường"),  # uow
        ("dduwongf", "đường"),  # uwo
        ("dduongwf", "đường"),  # w typed late
        ("VIEEJT NAM", "VIỆT NAM"),
        ("Ddaf Nawngx", "Đà Nẵng"),
        ("hoawcj", "hoặc"),
        ("ruwowuj", "rượu"),
        ("giuwowngf quoocs gif", "giường quốc gì"),
        ("nhwng", "nhưng"),  # w alone is ư
        ("giwax thw", "giữa thư"),  # also after the i of gi
        ("thuowr", "thuở"),  # ươ is not a rhyme without a coda: uơ
        ("ddooongf xooong", "đoòng xoong"),  # ooo is oo
        ("UBND HDDND CDDV", "UBND HĐND CĐV"),  # initialisms: only dd applies
        ("hoaf", "hòa"),  # old-style tone placement, the canonical form
        ("haf noij", "hà nọi"),  # mistyped: nooij was meant; see test_mistyped_keys_still_match_folded
    ],
)
def test_telex(typed: str, meant: str) -> None:
    assert words(typed, decode_telex) == meant


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Vie65t Nam", "Việt Nam"),
        ("Vie6t5 Nam", "Việt Nam"),
        ("d9u7o7ng2", "đường"),
        ("d9uo7ng2", "đường"),
        ("D9U7O7NG2", "ĐƯỜNG"),
        ("hoa2 thu3y qua6n", "hòa thủy quân"),
        ("ho8c5", None),  # 8 (breve) needs an a
        ("CD9V", "CĐV"),
    ],
)
def test_vni(typed: str, meant: str | None) -> None:
    assert (decode_vni(typed) if meant is None else words(typed, decode_vni)) == meant


@pytest.mark.parametrize(
    "word", ["virus", "corona", "Facebook", "Messi", "iPhone", "2020", "U23", "G7", "", "x", "sms"]
)
def test_not_keystrokes_of_a_syllable(word: str) -> None:
    assert decode_vni(word) is None or decode_vni(word) == word
    assert decode_telex(word) is None or decode_telex(word) == word


def test_telex_changes_some_english_words_which_is_why_there_is_a_gate() -> None:
    assert [decode_telex(w) for w in ("teen", "gas", "sex")] == ["tên", "gá", "sẽ"]
    assert decode_vni("teen") is None


def test_accented_words_decode_to_themselves() -> None:
    for w in ("Việt", "đường", "hòa", "Nam"):
        assert decode_telex(w) == w
        assert decode_vni(w) == w


def test_invalid_syllables_are_rejected() -> None:
    assert decode_telex("vieejft") is None  # two tone keys
    assert decode_telex("taf") == "tà"
    assert decode_telex("tatf") is None  # a stop coda takes only sắc or nặng
    assert decode_telex("ghaf") is None  # gh only before i, e, ê
    assert decode_telex("cis") is None  # k, not c, before i


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("vịêt", "việt"),
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("Hoà", "Hòa"),
        ("VỊÊT", "VIỆT"),
        ("nguời", "người"),
        ("dưong", "dương"),
        ("khoẻ", "khỏe"),
        ("tìêng", "tiềng"),
    ],
)
def test_repair_marks(typed: str, meant: str) -> None:
    assert repair_marks(typed) == meant


@pytest.mark.parametrize("word", ["việt", "hòa", "Nam", "quý", "già", "thuở", "vịêtt", "ả́"])
def test_repair_marks_leaves_correct_or_invalid_words(word: str) -> None:
    assert repair_marks(word) is None


def test_readings() -> None:
    assert [(r.text, r.method) for r in readings("Vieejt")] == [("Vieejt", "raw"), ("Việt", "telex")]
    assert [(r.text, r.method) for r in readings("vịêt")] == [("vịêt", "raw"), ("việt", "marks")]
    assert [(r.text, r.method) for r in readings("hoa2")] == [("hoa2", "raw"), ("hòa", "vni")]
    assert [r.folded for r in readings("dduwowngf")] == ["dduwowngf", "duong"]


# --- gating --------------------------------------------------------------------------------------

NEWS = [
    "Thành phố Hồ Chí Minh và Hà Nội là hai thành phố lớn của Việt Nam.",
    "Virus corona lây lan, nhiều người đeo khẩu trang ở Hà Nội.",
    "Giới trẻ mê phim teen, tên của bộ phim được nhắc nhiều trên Facebook.",
    "Giá gas tăng, người dân lo lắng. Messi ghi bàn cho Inter Miami.",
    "Đường phố Đà Nẵng sạch đẹp; con đường ven biển.",
    "iPhone X ra mắt ở Việt Nam, giá cao.",
]


@pytest.fixture(scope="module")
def support() -> DictSupport:
    return DictSupport.from_texts(NEWS)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Vieejt Nam", "Việt Nam"),
        ("Vie65t Nam", "Việt Nam"),
        ("VIEEJT NAM", "VIỆT NAM"),
        ("thanhf phoos Hoof Chis Minh", "thành phố Hồ Chí Minh"),
        ("dduwowngf phoos", "đường phố"),
        ("d9u7o7ng2 pho61", "đường phố"),
        ("Đường phoos Ddaf Nẵng", "Đường phố Đà Nẵng"),  # mixed with accented words
        ("haf noij", "hà nọi"),
        ("vịêt nam", "việt nam"),  # mark repair: same folded form, always taken
    ],
)
def test_understand_decodes_when_the_index_agrees(support: DictSupport, typed: str, meant: str) -> None:
    got = understand(typed.split(), support)
    assert got.text == meant
    assert got.changed


@pytest.mark.parametrize(
    "query", ["virus corona", "teen", "phim teen", "gas", "giá gas", "Facebook", "Messi", "iPhone X", "sex"]
)
def test_understand_keeps_words_the_index_knows(support: DictSupport, query: str) -> None:
    got = understand(query.split(), support)
    assert got.text == query
    assert not got.changed


def test_an_archives_own_typo_is_weak_evidence_against_the_reading_it_prints_everywhere() -> None:
    """news-50k prints "Côong an" in 8 articles, "khoông" once, "đèn cos" in 4, "Myat Min Oo" in
    3: `coong an` was read as typed ("Côong an"), against the "công an" of 6,673 articles, and
    `khoong cos` found the headlights. A word or pair printed that seldom counts for less
    (`_known`), unless typed as a name, with a capital after the query's first word."""
    words = {"coong": 8, "cong": 35_000, "an": 9_000, "khoong": 1, "khong": 36_000, "cos": 4, "co": 49_000,
             "myat": 2, "min": 575, "oo": 3, "o": 33_000}
    pairs = {("coong", "an"): 1, ("cong", "an"): 6_673, ("khong", "co"): 8_872, ("myat", "min"): 1,
             ("min", "oo"): 1, ("min", "o"): 7}
    archive = DictSupport(words, pairs, documents=34_701)
    assert understand(["coong", "an"], archive).text == "công an"
    assert understand(["khoong", "cos"], archive).text == "không có"
    assert understand(["Myat", "Min", "Oo"], archive).text == "Myat Min Oo"
    # in an archive of 300 articles, 8 is a word's full count: the same words are read as typed
    small = DictSupport(words, pairs, documents=300)
    assert understand(["coong", "an"], small).text == "coong an"


def test_understand_keeps_raw_when_nothing_is_supported(support: DictSupport) -> None:
    # "sẽ" is unknown to this index, and one key ("x") is too little to spell it
    nothing = DictSupport({}, {})
    assert understand(["sex"], nothing).text == "sex"
    assert understand(["bus", "taxi"], nothing).text == "bus taxi"
    assert understand([], support).words == ()


@pytest.mark.parametrize(("typed", "meant"), [("xyzzy Vieejt", "xyzzy Việt"), ("Vie65t Nam", "Việt Nam")])
def test_understand_decodes_what_two_keys_spell_on_an_index_that_lacks_it(typed: str, meant: str) -> None:
    # a small index (the seed page) never prints "Việt": the keystrokes spell it all the same,
    # where the raw letters spell nothing anyone meant
    assert understand(typed.split(), DictSupport({}, {})).text == meant


def test_understand_keeps_a_raw_word_the_index_knows_over_an_unknown_decoding() -> None:
    assert understand(["Vieejt"], DictSupport({"vieejt": 1}, {})).text == "Vieejt"


def test_understand_reports_options_and_forms_to_match(support: DictSupport) -> None:
    (word,) = understand(["teen"], support).words
    assert word.chosen.method == "raw"
    assert [r.text for r in word.options] == ["teen", "tên"]
    assert word.folded_forms == ("teen",)
    viet, nam = understand(["Vieejt", "Nam"], support).words
    assert (viet.chosen.method, viet.chosen.exact, viet.folded_forms) == ("telex", "việt", ("viet", "vieejt"))
    assert (nam.changed, nam.folded_forms) == (False, ("nam",))


def test_mistyped_keys_still_match_folded(support: DictSupport) -> None:
    """ "haf noij" (nooij meant) decodes to "hà nọi": a valid syllable with the wrong mark, but
    folded "ha noi" is what matching uses, so it finds "Hà Nội"; only the exact-form boost is lost."""
    got = understand(["haf", "noij"], support)
    assert [w.chosen.folded for w in got.words] == [fold("Hà"), fold("Nội")]


def test_base_letters() -> None:
    assert [base_letters(w) for w in ("noiij", "nooij", "dduwowngf", "Vie65t", "nhwng", "Hà")] == [
        "noii", "noi", "duong", "viet", "nhung", "ha",
    ]  # fmt: skip
    # a run of a doubling key types a pair at a time: "a" x 500 completed as "Á hậu …" (bug hunt 78)
    assert [base_letters(w) for w in ("aaa", "aaaa", "d" * 480, "dddd")] == ["aa", "aa", "d" * 240, "dd"]


def test_typo_candidates_after_decoding(support: DictSupport) -> None:
    index = TypoIndex(support.syllables)
    # "phoos" with a stray x: two tone keys, so no decoding; its base letters "pho" are known
    got = understand(["thanhf", "phoxos"], support)
    assert got.words[1].chosen.method == "raw"
    assert got.words[1].typo_keys == ("phoxos", "pho")
    # a capital inside a word is how a name is written, never keystrokes: "VinFast" was "Vina"
    got = understand(["VinFast", "phoxos"], support)
    assert got.words[0].typo_keys == ("vinfast",) and got.words[1].typo_keys == ("phoxos", "pho")
    assert typo_candidates(got, support, index) == [[], ["pho"]]
    # a code's digits are no VNI keys: "H5N1" was offered "HN" (bug hunt 70); "Vie65t" is keys
    got = understand(["H5N1", "P2P", "A321neo", "Vie65tt"], support)
    assert [w.typo_keys for w in got.words] == [("h5n1",), ("p2p",), ("a321neo",), ("vie65tt", "viett")]
    # the docs' example with one more stray key: "nooiij" does not decode, "noii" is 1 edit away
    assert typo_candidates(understand(["haf", "nooiij"], support), support, index) == [[], ["noi"]]
    # a typo in a plain word: candidates in context
    got = understand(["Vieejt", "Nma"], support)
    assert typo_candidates(got, support, index)[1][0] == "nam"
    # words the index knows get none
    assert typo_candidates(understand(["teen", "gas"], support), support, index) == [[], []]


@pytest.mark.parametrize(
    ("word", "could"), [("tien", True), ("canh", True), ("gi", True), ("quy", True), ("khuyu", True),
                        ("nghieng", True), ("cahn", False), ("tori", False), ("ht", False), ("vietlott", False)]
)
def test_could_be_syllable(word: str, could: bool) -> None:
    assert could_be_syllable(word) is could


# --- properties ----------------------------------------------------------------------------------


def _syllables() -> list[str]:
    """Every valid syllable of the tables: onset × rhyme × tone, where build_syllable accepts."""
    out = []
    for onset in sorted(ONSETS | {""}):
        for rhyme in sorted(RHYMES):
            letters, _ = _letters(onset + rhyme)
            for tone in range(len(TONE_MARKS)):
                syllable = build_syllable(letters, tone)
                if syllable is not None:
                    out.append(syllable)
    return out


SYLLABLES = _syllables()


def test_every_valid_syllable_round_trips() -> None:
    assert len(SYLLABLES) > 5000
    bad = [
        s
        for s in SYLLABLES
        for after in (False, True)
        if decode_telex(encode_telex(s, after)) != s or decode_vni(encode_vni(s, after)) != s
    ]
    assert not bad[:20]


def test_generated_syllables_are_canonical() -> None:
    assert all(canonical_syllable(s) == s for s in SYLLABLES)
    assert split_syllable("giêng") == ("gi", "êng")
    assert split_syllable("gin") == ("g", "in")
    assert split_syllable("quốc".replace("ố", "ô")) == ("qu", "ôc")


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SYLLABLES), st.booleans(), st.sampled_from(["lower", "upper", "title"]))
def test_round_trip_keeps_case(syllable: str, after: bool, case: str) -> None:
    typed = getattr(syllable, case)() if case != "title" else syllable[:1].upper() + syllable[1:]
    assert decode_telex(encode_telex(typed, after)) == typed
    assert decode_vni(encode_vni(typed, after)) == typed


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=20))
def test_decoding_never_raises(text: str) -> None:
    for fn in (decode_telex, decode_vni, repair_marks):
        out = fn(text)
        assert out is None or isinstance(out, str)
    assert readings(text)[0].method == "raw"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=6))
def test_understand_never_raises_and_keeps_every_word(query: list[str]) -> None:
    support = DictSupport({fold(w): 1 for w in query[::2]}, {})
    got = understand(query, support)
    assert [w.raw for w in got.words] == query
    assert all(w.chosen in w.options for w in got.words)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SYLLABLES), st.integers(0, 6), st.integers(0, 5))
def test_repair_is_idempotent(syllable: str, where: int, tone: int) -> None:
    """Put a tone mark on any letter: the repair (if any) is a fixed point and keeps the fold."""
    bare = "".join(c for c in unicodedata.normalize("NFD", syllable) if c not in TONE_MARKS[1:])
    i = min(where, len(unicodedata.normalize("NFC", bare)) - 1)
    bare = unicodedata.normalize("NFC", bare)
    word = unicodedata.normalize("NFC", bare[:i] + bare[i] + TONE_MARKS[tone] + bare[i + 1 :])
    repaired = repair_marks(word)
    if repaired is not None:
        assert repair_marks(repaired) is None
        assert fold(repaired) == fold(word)


def test_options_are_remembered_and_cannot_be_changed_by_a_caller() -> None:
    """`_options` is cached across queries: what it returns is a tuple (no caller can alter
    the cached answer) and a second call gives the same readings."""
    from indexer.keyboard import _options

    first = _options("Vieejt")
    assert isinstance(first, tuple) and _options("Vieejt") is first
    assert [(r.text, r.method) for r in first] == [("Vieejt", "raw"), ("Việt", "telex")]


def test_a_keyed_word_without_its_tone_key_reads_as_the_tone_the_index_prints() -> None:
    """ "Vieet Nam": the keys spell "Viêt", which one article prints (a typo): a syllable ending
    in "t" always has a tone, and "Việt" is printed: the tone key was left out. A toneless word
    printed often beside its toned siblings ("đau" beside "đâu", "đầu") is read as keyed."""
    from indexer.keyboard import toned_sibling
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.typos import TypoIndex as Index

    texts = ["Toyota Viêt Nam giảm giá."] + ["Việt Nam xuất khẩu gạo."] * 120 + ["Đau đầu.", "Đau ở đâu?"] * 30
    support = DictSupport.from_texts(texts)
    assert toned_sibling("viêt", support) == "việt"
    assert toned_sibling("việt", support) is None  # toned already
    assert toned_sibling("đau", support) is None  # printed as often as "đầu"
    assert toned_sibling("cung", support) is None  # no marks typed to go by
    stops = DictSupport.from_texts(["Một mặt trận.", "Mất điện.", "Mất nước."])
    assert toned_sibling("mât", stops) == "mất"  # a stop ending is never toneless: sắc or nặng
    parsed = parse_query("Vieet Nam")
    viet = next(m for m in interpret(parsed, parsed.text, support, Index(support.syllables)).values()
                if m.forms[0][0] == "viet")
    assert viet.exact == "việt" and viet.shown == "Việt" and viet.how == "telex"
    parsed = parse_query("ddau")
    dau = next(iter(interpret(parsed, parsed.text, support, Index(support.syllables)).values()))
    assert dau.exact == "đau" and dau.shown == "đau"


def test_with_marks_typed_a_one_key_word_is_spelled_as_meant() -> None:
    """ "Vì sao sex làm…": marks typed, so the input method was on, and "sex" is the English
    word, not Telex for "sẽ" (which the index holds next to "sao" and "làm"). Typed plain, the
    same short query reads as keystrokes; two keys still decode in a marked query (the method
    was switched off mid-query)."""
    support = DictSupport.from_texts(["Vì sao sẽ làm được.", "Sao sẽ làm thế.", "Sex và sức khỏe.", "Xuất khẩu gạo."])
    assert support.df("sex") and support.pair_df("sao", "se") and support.pair_df("se", "lam")
    assert [w.chosen.text for w in understand(["Vì", "sao", "sex", "làm"], support).words][2] == "sex"
    assert [w.chosen.text for w in understand(["vi", "sao", "sex", "lam"], support).words][2] == "sẽ"
    assert [w.chosen.text for w in understand(["Gạo", "xuaats", "khaaur"], support).words][1:] == ["xuất", "khẩu"]
    # a long query typed plain where no other word could be keys: the one key is a letter too
    long = ["vi", "sao", "sex", "lam", "giam", "dau", "bung"]
    assert len(long) >= SHORT_QUERY
    assert [w.chosen.text for w in understand(long, support).words][2] == "sex"
    # ... unless the letters as typed are in no article: "giao thoong" beside marks is "thông" (read
    # as a slip of letters, it matched "thương" and "hong" as much; bug hunt 96), but not a name
    thong = DictSupport.from_texts(["Tai nạn giao thông.", "Giao thương.", "Sex và sức khỏe.", "Lì xì."])
    assert understand(["tai", "nạn", "giao", "thoong"], thong).text == "tai nạn giao thông"
    assert understand(["Vì", "sao", "sex"], thong).text == "Vì sao sex"
    assert understand(["cô", "Lis"], thong).text == "cô Lis"


def test_understand_keeps_the_parts_of_a_romanized_name_as_typed() -> None:
    # "hwa" decodes to "hưa" (w: ư), and "sang hua" is a pair the index holds ("sáng hứa"):
    # joined by a hyphen and printed as typed, "Sang-hwa" is a name, not keystrokes
    index = DictSupport({"lee": 3, "sang": 50, "hwa": 2, "hua": 40}, {("sang", "hua"): 5})
    assert understand(["Lee", "Sang", "hwa"], index).text == "Lee Sang hưa"
    assert understand(["Lee", "Sang", "hwa"], index, [range(1, 3)]).text == "Lee Sang hwa"
    # a part the index never prints as typed is still keys ("Ả-rập"), and so is an initialism's
    # ("KH-ĐT", where the index happens to print "DDT")
    rap = DictSupport({"ar": 5, "a": 90, "rap": 30}, {("a", "rap"): 9})
    assert understand(["Ar", "raapj"], rap, [range(0, 2)]).text == "Ả rập"
    kh = DictSupport({"kh": 20, "ddt": 2, "dt": 30}, {("kh", "dt"): 9})
    assert understand(["KH", "DDT"], kh, [range(0, 2)]).text == "KH ĐT"


def test_a_query_reads_the_hyphened_parts_of_a_name_as_typed() -> None:
    from indexer.meanings import interpret
    from indexer.query import parse_query
    from indexer.typos import TypoIndex as Index

    texts = ["Hoa hậu Lee Hyo-ri và Lee Sang-soon.", "Hwasong-14 là tên lửa.", "Đội Hwa Chong."]
    texts += ["Sáng hứa, chiều quên."] * 5 + ["Lời hứa của anh."] * 20
    support = DictSupport.from_texts(texts)

    def how(query: str) -> list[str]:
        parsed = parse_query(query)
        return [m.how for m in interpret(parsed, parsed.text, support, Index(support.syllables)).values()]

    assert how("Sang-hwa") == ["typed", "typed"]
    assert how("Sang hwa") == ["typed", "telex"]  # no hyphen: the pair the index holds decides, as before
    assert how("Lee Sang-hwa") == ["typed", "typed", "typed"]
