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
    DictSupport,
    _letters,
    base_letters,
    build_syllable,
    carried_marks,
    could_be_syllable,
    decode_telex,
    decode_vni,
    encode_telex,
    encode_vni,
    printed_carried,
    readings,
    repair_marks,
    slip_candidates,
    split_syllable,
    typo_candidates,
    understand,
)
from indexer.typos import SHORT_QUERY, TypoIndex


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


def test_typo_candidates_after_decoding(support: DictSupport) -> None:
    index = TypoIndex(support.syllables)
    # "phoos" with a stray x: two tone keys, so no decoding; its base letters "pho" are known
    got = understand(["thanhf", "phoxos"], support)
    assert got.words[1].chosen.method == "raw"
    assert got.words[1].typo_keys == ("phoxos", "pho")
    assert typo_candidates(got, support, index) == [[], ["pho"]]
    # the docs' example with one more stray key: "nooiij" does not decode, "noii" is 1 edit away
    assert typo_candidates(understand(["haf", "nooiij"], support), support, index) == [[], ["noi"]]
    # a typo in a plain word: candidates in context
    got = understand(["Vieejt", "Nma"], support)
    assert typo_candidates(got, support, index)[1][0] == "nam"
    # words the index knows get none
    assert typo_candidates(understand(["teen", "gas"], support), support, index) == [[], []]



def test_a_lone_tone_key_that_makes_a_syllable_never_printed_is_a_slip() -> None:
    """ "so tixn no" ("số tiền nợ" with one slip): "x" is a Telex tone key, and "tixn" would read
    "tĩn", which the index never prints; no other word was keyed, so it is read as typed and
    looked up as a typo ("tiền", printed after "số"). Where the index prints the reading
    ("tins" → "tín"), where the key is a letter doubled ("dduc" → "đuc"), or where other words
    were keyed too ("haf noij"), it still decodes."""
    support = DictSupport.from_texts(
        ["Số tiền nợ tăng nhanh.", "Tin tức trong ngày.", "Tín dụng tăng ở Hà Nội.", "Đức thắng."]
    )
    got = understand(["so", "tixn", "no"], support)
    assert got.text == "so tixn no"
    assert typo_candidates(got, support, TypoIndex(support.syllables))[1][0] == "tien"
    assert understand(["so", "tins", "no"], support).text == "so tín no"
    assert understand(["dduc", "thang"], support).text == "đuc thang"
    assert understand(["haf", "noij"], support).text == "hà nọi"

SLIPS = [
    "Nông dân canh tác lúa nước.",
    "Kỹ thuật canh tác mới.",
    "Ông Cahn phát biểu.",  # "cahn" is in the index, as a name
    "Tình trạng nhiễu loạn thị trường.",
    "Thời tiết gây nhiễu loạn giao thông.",
    "Lan về nhà.",
    "Mua vé số, hốt bạc tỷ.",
    "Ngày HT khai mạc.",  # "ht" known, as an abbreviation
    "Tiền vé tăng. Thị trường hiện nay sôi động.",
    "Nông dân kêu trời vì nắng hạn.",
    "Tiểu thương kêu trời vì giá tỏi.",
    "Cháy khu trọ ở ngoại thành.",
    "Khu trọ của công nhân, nhà hư hỏng.",
]


def test_slip_candidates_for_known_words_a_slip_may_have_made() -> None:
    """A known word typed plain, taken as typed and next to neither neighbour in the index gets
    the candidates the index holds next to a neighbour: once is enough after a word that spells
    no syllable ("cahn"), a real syllable needs the pair in SLIP_PAIR_DOCS articles."""
    support = DictSupport.from_texts(SLIPS)
    index = TypoIndex(support.syllables)
    assert support.df("cahn") and not support.pair_df("cahn", "tac")
    assert slip_candidates(understand(["cahn", "tac"], support), support, index) == [["canh"], []]
    # a real syllable: "nhieu loan" is in two articles, so "lan" (alone on its side) gets "loan"
    assert "loan" in slip_candidates(understand(["nhieu", "lan"], support), support, index)[1]
    # ... but one article is not enough: "thi truong tien" could be "thi truong hien", held once
    assert support.df("tien") and support.pair_df("truong", "hien") == 1
    assert slip_candidates(understand(["thi", "truong", "tien"], support), support, index)[2] == []
    # two letters that spell no syllable get distance 1 ("ht" for "hot")
    assert support.df("ht") and "hot" in slip_candidates(understand(["ht", "bac"], support), support, index)[0]
    # a word typed with marks gets only spellings the index prints with those marks ("cảnh" is
    # printed nowhere here: see below for one that is); one decoded from keystrokes was meant
    assert slip_candidates(understand(["cảhn", "tac"], support), support, index)[0] == []
    assert slip_candidates(understand(["nhieeuf", "lan"], support), support, index)[0] == []
    # nor a word next to a neighbour it is seen with, nor a query of one word
    assert slip_candidates(understand(["canh", "tac"], support), support, index) == [[], []]
    assert slip_candidates(understand(["cahn"], support), support, index) == [[]]
    # and typo_candidates, whose candidates are suggested, still leaves every known word alone
    assert typo_candidates(understand(["cahn", "tac"], support), support, index) == [[], []]


def test_two_letter_slip_candidates_in_short_queries_only() -> None:
    """A two-letter word of a short query is a large share of it: a dropped letter ("hu tro"
    for "khu tro") gets the one-edit spellings held next to a neighbour. In a long query such a
    word weighs little and its many neighbours are noise (vinewsqa plain lost 0.002)."""
    support = DictSupport.from_texts(SLIPS)
    index = TypoIndex(support.syllables)
    assert support.df("hu") and not support.pair_df("hu", "tro") and support.pair_df("khu", "tro") == 2
    assert "khu" in slip_candidates(understand(["hu", "tro"], support), support, index)[0]
    long = ["hu", "tro", "cua", "cong", "nhan", "ngoai", "thanh"]
    assert len(long) >= SHORT_QUERY
    assert slip_candidates(understand(long, support), support, index)[0] == []


def test_slip_candidates_for_the_lone_word_one_key_decoded() -> None:
    """In a query typed plain, a word that one keystroke decodes ("tori" → "tỏi") may be a
    slip of the letters ("trời", two swapped): it gets the candidates held next to a neighbour.
    With the input method off most words carry keys, and then a key is a key."""
    support = DictSupport.from_texts(SLIPS)
    index = TypoIndex(support.syllables)
    got = understand(["keu", "tori"], support)
    assert got.words[1].chosen.text == "tỏi" and not support.pair_df("keu", "toi")
    assert slip_candidates(got, support, index)[1] == ["troi"]
    # two decoded words: typed with the input method off
    got = understand(["keeu", "tori"], support)
    assert [w.chosen.text for w in got.words] == ["kêu", "tỏi"]
    assert slip_candidates(got, support, index)[1] == []


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


SLIP_WORDS = ["canh", "cahn", "tac", "ta", "ht", "hot", "bac", "lan", "loan", "nhieu", "cánh", "tỏi", "tori", "x1"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(SLIP_WORDS), min_size=1, max_size=5),
    st.dictionaries(st.sampled_from(SLIP_WORDS), st.integers(0, 3)),
    st.dictionaries(st.tuples(st.sampled_from(SLIP_WORDS), st.sampled_from(SLIP_WORDS)), st.integers(0, 3)),
)
def test_slip_candidates_only_add_other_words_to_plain_known_ones(
    query: list[str], dfs: dict[str, int], pairs: dict[tuple[str, str], int]
) -> None:
    """Whatever the counts: one list per word; never a word's own form; nothing for a word
    decoded (but the lone one-key one), or the index lacks; for a word typed with marks, only
    spellings printed with them (none here: these counts print nothing); every candidate is
    held next to a neighbour."""
    support = DictSupport({fold(w): n for w, n in dfs.items()}, {(fold(a), fold(b)): n for (a, b), n in pairs.items()})
    got = understand(query, support)
    slips = slip_candidates(got, support, TypoIndex(support.syllables))
    assert len(slips) == len(query)
    chosen = [w.chosen.folded for w in got.words]
    for i, (word, found) in enumerate(zip(got.words, slips, strict=True)):
        assert not set(found) & set(word.folded_forms)
        one_key = word.chosen.method in ("telex", "vni") and len(fold(word.raw)) - len(chosen[i]) == 1
        lone_key = one_key and sum(w.changed for w in got.words) == 1
        if (word.changed and not lone_key) or fold(word.raw) != word.raw.lower() or not support.df(chosen[i]):
            assert found == []
        for c in found:
            near = [support.pair_df(chosen[i - 1], c)] if i else []
            near += [support.pair_df(c, chosen[i + 1])] if i + 1 < len(chosen) else []
            assert max(near) >= 1


def test_options_are_remembered_and_cannot_be_changed_by_a_caller() -> None:
    """`_options` is cached across queries: what it returns is a tuple (no caller can alter
    the cached answer) and a second call gives the same readings."""
    from indexer.keyboard import _options

    first = _options("Vieejt")
    assert isinstance(first, tuple) and _options("Vieejt") is first
    assert [(r.text, r.method) for r in first] == [("Vieejt", "raw"), ("Việt", "telex")]


@pytest.mark.parametrize(
    ("typed", "candidate", "meant"),
    [
        ("ôti", "toi", "tôi"),  # swapped: the mark moves with its letter
        ("noà", "nao", "nào"),
        ("Bcá", "bac", "bác"),
        ("khă", "khan", "khăn"),  # a letter dropped comes back bare
        ("dựnn", "dung", "dựng"),  # a letter added goes
        ("rtị", "tri", "trị"),
        ("tưxng", "tuong", "tưong"),  # the slip took the marked letter: its mark is gone too
        ("Thàn", "thanh", "thành"),
        ("hoà", "hoa", None),  # no slip at all
        ("noà", "nhao", None),  # two edits
        ("noà", "non", None),  # a marked letter typed for a bare one: no slip of the fingers
        ("nàoo", "nao", "nào"),
        ("naào", "nao", "nào"),  # the bare copy goes, the marked one stays
    ],
)
def test_carried_marks(typed: str, candidate: str, meant: str | None) -> None:
    assert carried_marks(typed, candidate) == meant


def test_whole_carried_marks_only_when_no_mark_can_be_missing() -> None:
    """`whole`: the spelling is known only when the letter the edit brings back could carry
    no mark: a swap, a letter dropped, a consonant other than d put back."""
    assert carried_marks("âdu", "dau", whole=True) == "dâu"  # swap
    assert carried_marks("dựnn", "dung", whole=True) == "dựng"  # an extra letter dropped
    assert carried_marks("khă", "khan", whole=True) == "khăn"  # n carries no mark
    assert carried_marks("đvng", "dang") == "đang"
    assert carried_marks("đvng", "dang", whole=True) is None  # it may have been "ă"
    assert carried_marks("pưa", "dua", whole=True) is None  # it may have been "đ"
    assert carried_marks("đm", "dam", whole=True) is None


ACCENTED = ["tôi", "nào", "bác", "khăn", "dựng", "trị", "thành", "nguyễn", "quyết", "được", "nghiêng", "Đảng"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ACCENTED), st.integers(0, 10), st.sampled_from(["swap", "del", "sub"]), st.sampled_from("bkxz"))
def test_carried_marks_undoes_a_slip_that_left_the_marks(word: str, at: int, kind: str, letter: str) -> None:
    """One slip on an accented word that leaves its marked letters in place (any swap; a bare
    letter dropped or replaced): carrying the slipped word's marks onto the folded original
    gives the original back. Any answer folds to the candidate."""
    k = at % len(word)
    if kind == "swap":
        if k + 1 >= len(word) or word[k] == word[k + 1]:
            return
        slipped = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    elif fold(word[k]) != word[k].lower():
        return  # a marked letter dropped or replaced takes its mark along
    elif kind == "del":
        slipped = word[:k] + word[k + 1 :]
    else:
        if letter == word[k].lower():
            return
        slipped = word[:k] + letter + word[k + 1 :]
    assert carried_marks(slipped, fold(word)) == canonical_syllable(word)
    for candidate in (fold(word), fold(word)[1:], fold(word) + "x", fold(word)[::-1]):
        got = carried_marks(slipped, candidate)
        assert got is None or fold(got) == candidate


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.text(alphabet="abcdeghiklmnopqrstuvxy", max_size=12))
def test_carried_marks_takes_any_text(typed: str, candidate: str) -> None:
    """Whatever was typed (emoji, combining marks, digits), an answer or None, never an error;
    an answer always folds back to the candidate."""
    got = carried_marks(typed, candidate)
    assert got is None or fold(got) == candidate


MARKED = [
    "Bệnh nhân nào cũng được chăm sóc.",
    "Trẻ non tháng cần chăm sóc.",
    "Không ai biết no đói thế non.",
    "Khó khăn chồng chất.",
    "Khó khăn của nông dân.",
    "Anh ấy khá giỏi.",
    "Hướng dẫn ngư dân đánh cá.",
    "Phụ nữ và trẻ em.",
]


def test_typo_candidates_put_first_the_spelling_the_typed_marks_fit() -> None:
    """ "thế noà": "non" is printed after "thế", "nao" is not, but only "nào" carries the
    typed mark where the swap left it, and the index prints it: it comes first."""
    support = DictSupport.from_texts(MARKED)
    index = TypoIndex(support.syllables)
    assert support.pair_df("the", "non") and not support.pair_df("the", "nao")
    plain = typo_candidates(understand(["the", "noa"], support), support, index)[1]
    assert plain[0] != "nao"
    assert typo_candidates(understand(["thế", "noà"], support), support, index)[1][0] == "nao"


def test_a_marked_spelling_the_index_never_prints_gets_the_one_it_prints() -> None:
    """ "khó khă": the letters "kha" are known ("khá"), but "khă" is printed nowhere (nor is it
    Vietnamese): the slip candidates are the one-edit spellings printed with the typed marks
    carried over and held next to a neighbour ("khăn"). A printed marked word gets only such
    spellings too, and here there are none ("khán" is printed nowhere)."""
    support = DictSupport.from_texts(MARKED)
    index = TypoIndex(support.syllables)
    assert support.df("kha") and not support.printed("khă")
    assert slip_candidates(understand(["khó", "khă"], support), support, index)[1] == ["khan"]
    assert slip_candidates(understand(["khó", "khá"], support), support, index)[1] == []
    # two letters get one edit too ("nư dân": "nu" is known, from "nữ"; "ngư" is printed)
    assert support.df("nu") and not support.printed("nư")
    assert slip_candidates(understand(["dẫn", "nư", "dân"], support), support, index)[1] == ["ngu"]


def test_a_slip_that_brings_back_a_first_d_may_bring_back_d_stroke() -> None:
    """ "người gàn ông": "gàn" is printed nowhere; one edit away, "đàn" is printed after
    "người" and before "ông", but the mark carried over spells "dàn", which is printed
    nowhere. A "d" the slip brought back as a word's first letter may be "đ"; a "d" the typist
    typed stays as typed ("dàn" from "dàm" or "àdn" is not "đàn"), and "did you mean" (`whole`)
    does not guess it."""
    support = DictSupport.from_texts(["Người đàn ông đi làm.", "Một người đàn ông.", "Gan nhiễm mỡ.", "Gàu múc nước."])
    index = TypoIndex(support.syllables)
    assert printed_carried("gàn", "dan", support) == "đàn"
    assert printed_carried("dàm", "dan", support) is None
    assert printed_carried("àdn", "dan", support) is None  # the typist's own "d", swapped
    assert printed_carried("gan", "dan", support, whole=True) is None  # "did you mean" wants it known
    assert printed_carried("gàn", "dan", support, whole=True) is None  # "d" could carry a mark: not known
    assert slip_candidates(understand(["người", "gàn", "ông"], support), support, index)[1][0] == "dan"


def test_a_marked_slip_is_found_beyond_the_commonest_spellings_one_edit_away() -> None:
    """ "mấy hì đau": "hì" is printed nowhere; of the spellings one edit from "hi", 24 are
    printed more often than "thi", so "thi" is not among the 20 a plain word's context ranks.
    The typed mark is a strong filter (only "thì" is printed with it and held next to "đau"),
    so a word typed with marks looks further (MARKED_POOL)."""
    from indexer.typos import CONTEXT_POOL, MARKED_POOL

    common = ["ha", "ho", "hu", "he", "bi", "di", "li", "mi", "ni", "si", "ti", "vi", "xi", "ai", "oi", "ui",
              "khi", "chi", "nhi", "phi", "ghi", "hia", "hit", "him"]
    texts = [f"{w} {w} {w}." for w in common for _ in range(5)] + ["Hí hửng.", "Mấy thì đau đẻ."]
    support = DictSupport.from_texts(texts)
    index = TypoIndex(support.syllables)
    assert support.df("hi") and not support.printed("hì") and len(common) > CONTEXT_POOL < MARKED_POOL
    near = [c for c, _ in index.in_context(["may", "hi", "dau"], 1, support.pair_df, limit=CONTEXT_POOL)]
    assert "thi" not in near  # beyond the commonest
    assert slip_candidates(understand(["mấy", "hì", "đau"], support), support, index)[1] == ["thi"]


def test_a_keyed_word_without_its_tone_key_reads_as_the_tone_the_index_prints() -> None:
    """ "Vieet Nam": the keys spell "Viêt", which one article prints (a typo): a syllable ending
    in "t" always has a tone, and "Việt" is printed: the tone key was left out. A toneless word
    printed often beside its toned siblings ("đau" beside "đâu", "đầu") is read as keyed."""
    from indexer.keyboard import toned_sibling
    from indexer.query import interpret, parse_query
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
