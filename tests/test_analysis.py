"""The Vietnamese analyzer: normalization, tone placement, word breaking, folding, offsets."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import (
    FieldAnalyzer,
    bigrams,
    canonical_syllable,
    fold,
    has_marks,
    iy_variant,
    normalize_text,
    tokenize,
)
from indexer.columns import _UNSAFE, Columns, _columns_fast, columns, syllable_spans
from tests.conftest import SEEDS

SEED_TEXT = normalize_text(next(SEEDS.glob("*.txt")).read_text(encoding="utf-8"))
VIET_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)
viet_words = st.text(alphabet=VIET_LETTERS + VIET_LETTERS.upper(), min_size=1, max_size=8)
viet_text = st.lists(viet_words, min_size=1, max_size=12).map(" ".join)
# Real syllables: the seed's vocabulary plus open oa/oe/uy syllables with every tone, where
# old and new tone placement differ. Random letter strings are not syllables (three tone marks
# in one "word" has no correct placement), so tone properties range over these.
OPEN_SYLLABLES = [
    f"{onset}{rhyme}"
    for onset in ("h", "kh", "th", "t", "l", "x", "", "s", "ng")
    for rhyme in ("òa", "óa", "ỏa", "õa", "ọa", "òe", "óe", "ỏe", "õe", "ọe", "ùy", "úy", "ủy", "ũy", "ụy")
]
SYLLABLES = sorted({w for w in SEED_TEXT.split() if w.isalpha()} | set(OPEN_SYLLABLES))
syllable = st.tuples(st.sampled_from(SYLLABLES), st.sampled_from(["lower", "upper", "title"])).map(
    lambda pair: getattr(pair[0], pair[1])()
)
viet_sentence = st.lists(syllable, min_size=1, max_size=10).map(" ".join)


def folded(text: str) -> list[str]:
    return [t.folded for t in tokenize(text) if not t.alias]


def exact(text: str) -> list[str]:
    return [t.exact for t in tokenize(text) if not t.alias]


# --- normalization -------------------------------------------------------------------------


def test_nfd_input_becomes_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Tùng")
    assert normalize_text(nfd) == "Nguyễn Văn Tùng"


def test_invisible_and_odd_spaces_neither_split_nor_glue() -> None:
    assert normalize_text("Hà\u200bNội") == "HàNội"  # zero-width space: not a word break
    assert normalize_text("doanh\u00adnghiệp") == "doanhnghiệp"  # soft hyphen vanishes
    assert normalize_text("Hà\u00a0Nội") == "Hà Nội"  # no-break space is a space
    assert normalize_text("\ufeffĐảng ủy") == "Đảng ủy"
    assert folded("Hà\u00a0Nội") == ["ha", "noi"]


def test_bidi_marks_variation_selectors_and_cgj_do_not_stay_inside_a_word() -> None:
    """A CMS or a bidi-aware editor leaves LRM/RLM inside words, a phone an emoji's variation
    selector: ICU kept them inside the word, which then matched nothing (bug hunt 72)."""
    assert normalize_text("Hải\u200f Phòng") == "Hải Phòng"
    assert normalize_text("\u200eThủ tướng\u202b\u202c") == "Thủ tướng"
    assert normalize_text("yêu\ufe0f thanh\u034f long\u2066") == "yêu thanh long"
    assert exact(normalize_text("H\u200fà Nội")) == ["hà", "nội"]


def test_the_eth_before_a_vowel_is_read_as_d_with_stroke() -> None:
    """Ð/ð (U+00D0/U+00F0) look like Đ/đ and legacy fonts print them so: matched as "d" but
    never as the word typed with its marks (no exact form, every spelling marked). Elsewhere,
    as in an Icelandic name, it stays."""
    assert normalize_text("Ðà Nẵng, ðê điều, ÐƯỜNG") == "Đà Nẵng, đê điều, ĐƯỜNG"
    assert normalize_text("Guðmundsson, Eiður") == "Guðmundsson, Eiður"  # inside a word: not Đ (bug hunt 74)
    assert exact(normalize_text("Ðồng")) == exact("Đồng") == ["đồng"]


def test_every_line_break_is_a_newline() -> None:
    """A lone CR (old Mac files), a form feed, a vertical tab, NEL and U+2028/2029 were dropped
    as control characters, gluing the words either side ("Hà NộiViệt Nam"; a bug hunt's finding)."""
    for brk in ("\r", "\r\n", "\n", "\x0b", "\x0c", "\x1e", "\x85", "\u2028", "\u2029"):
        assert normalize_text(f"Hà Nội{brk}Việt Nam") == "Hà Nội\nViệt Nam", repr(brk)
    assert normalize_text("Hà\x00Nội\x1f") == "HàNội" and normalize_text("a\tb") == "a\tb"


def test_damaged_combining_marks_are_dropped() -> None:
    assert normalize_text("ơ\u031b") == "ơ"  # horn repeated on a precomposed ơ
    assert normalize_text("ị\u0323") == "ị"
    assert normalize_text("a \u0323b") == "a b"  # lone dot below after a space
    assert normalize_text("e\u0302\u0301") == "ế"  # a real decomposed letter is kept


# --- tone placement ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "old"),
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("uỷ", "ủy"), ("khoẻ", "khỏe"), ("Hoá", "hóa"), ("HOÀ", "hòa"),
     ("Uỷ", "ủy"), ("tuỳ", "tùy"), ("oà", "òa")],
)
def test_old_and_new_tone_styles_are_one_word(new: str, old: str) -> None:
    assert canonical_syllable(new) == canonical_syllable(old) == old


@pytest.mark.parametrize("word", ["quý", "già", "quỳnh", "giữa", "hoàng", "khuya", "thuở", "quả", "giả"])
def test_qu_and_gi_clusters_and_closed_syllables_stay(word: str) -> None:
    assert canonical_syllable(word) == word


def test_seed_mixes_both_styles_and_they_analyze_the_same() -> None:
    assert "Thành ủy" in SEED_TEXT and "Thành uỷ" in SEED_TEXT
    assert exact("Thành uỷ Hải Phòng") == exact("Thành ủy Hải Phòng") == ["thành", "ủy", "hải", "phòng"]


# --- word breaking -------------------------------------------------------------------------


def test_numbers_stay_whole() -> None:
    assert folded("tổng doanh thu 19.309 tỷ đồng, 112,383 triệu USD, tăng 11,4%") == [
        "tong", "doanh", "thu", "19.309", "ty", "dong", "112,383", "trieu", "usd", "tang", "11,4",
    ]


def test_dotted_abbreviation_gives_parts_and_joined_form() -> None:
    toks = tokenize("TP.HCM hôm nay")
    assert [(t.folded, t.alias) for t in toks] == [
        ("tp", False), ("hcm", False), ("tphcm", True), ("hom", False), ("nay", False),
    ]
    alias = toks[2]
    assert alias.position == toks[0].position
    assert "TP.HCM hôm nay"[alias.start : alias.end] == "TP.HCM"


def test_bare_hyphen_joins_but_spaced_dash_does_not() -> None:
    assert [b[0] for b in bigrams(tokenize("dịch bệnh Covid-19"))] == ["dich benh", "benh covid", "covid 19"]
    assert [b[0] for b in bigrams(tokenize("Vắc – xin"))] == []
    assert [b[0] for b in bigrams(tokenize("Hải Phòng, Hà Nội"))] == ["hai phong", "ha noi"]


def test_emoji_does_not_shift_offsets() -> None:
    text = "Tin nóng 😀🎉 Đảng ủy Khối 👍 doanh nghiệp"
    for tok in tokenize(text):
        assert text[tok.start : tok.end] in {"Tin", "nóng", "Đảng", "ủy", "Khối", "doanh", "nghiệp"}
    assert folded(text) == ["tin", "nong", "dang", "uy", "khoi", "doanh", "nghiep"]


def test_nfd_text_offsets_point_into_the_nfd_string() -> None:
    nfd = unicodedata.normalize("NFD", "Bí thư Thành ủy 😀 Trần Lưu Quang")
    toks = tokenize(nfd)
    assert [t.exact for t in toks] == ["bí", "thư", "thành", "ủy", "trần", "lưu", "quang"]
    for tok in toks:
        assert unicodedata.normalize("NFC", nfd[tok.start : tok.end]).lower() == tok.exact


def test_lowercasing_and_d_folding() -> None:
    assert exact("ĐẢNG ỦY") == ["đảng", "ủy"]
    assert folded("ĐẢNG ỦY Đà Nẵng Ðà") == ["dang", "uy", "da", "nang", "da"]  # Ð: eth look-alike
    assert fold("Đảng ủy Khối doanh nghiệp") == "dang uy khoi doanh nghiep"


def test_seed_tokens() -> None:
    toks = tokenize(SEED_TEXT)
    assert [t.folded for t in toks[:8]] == ["11", "29", "05", "11", "2021", "chieu", "3", "11"]
    pairs = {b[0] for b in bigrams(toks)}
    assert {"dang uy", "doanh nghiep", "tran luu", "luu quang", "thanh uy", "khoi doanh"} <= pairs
    for tok in toks:
        assert canonical_syllable(SEED_TEXT[tok.start : tok.end]) == tok.exact or tok.alias


def test_generated_tone_variants_really_differ() -> None:
    from viet_text_tools import normalize_diacritics

    assert normalize_diacritics("hòa thủy khỏe", new_style=True) == "hoà thuỷ khoẻ"
    assert sum(normalize_diacritics(w, new_style=True) != w for w in OPEN_SYLLABLES) >= 60


def test_has_marks() -> None:
    assert has_marks("năm") and has_marks("Đà") and not has_marks("Nam") and not has_marks("doanh")


# --- Whoosh field variants ---------------------------------------------------------------------


def test_field_variants() -> None:
    text = "Năm nay Nam Bộ"
    fold_toks = [(t.text, t.pos) for t in FieldAnalyzer("fold")(text, positions=True)]
    assert fold_toks == [("nam", 0), ("nay", 1), ("nam", 2), ("bo", 3)]
    # exact forms only for syllables with marks
    assert [t.text for t in FieldAnalyzer("exact")(text)] == ["năm", "bộ"]
    bi = [(t.text, t.startchar, t.endchar) for t in FieldAnalyzer("bigram")(text, chars=True)]
    assert bi == [("nam nay", 0, 7), ("nay nam", 4, 11), ("nam bo", 8, 14)]


def test_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="variant"):
        FieldAnalyzer("stem")


# --- properties ------------------------------------------------------------------------------


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_offsets_always_slice_the_source(text: str) -> None:
    for tok in tokenize(text):
        assert 0 <= tok.start < tok.end <= len(text)
        source = text[tok.start : tok.end]
        if tok.alias:  # 'TP.HCM' -> 'tphcm', 'TN&MT' / 'VH-TT' -> 'tnmt' / 'vhtt'
            source = re.sub(r"[.&-]", "", source)
        assert tok.folded == fold(canonical_syllable(source)[:64])


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=120))
@settings(max_examples=300, deadline=None)
def test_offsets_survive_astral_characters(text: str) -> None:
    text = "😀" + text + " Hà Nội"
    toks = tokenize(text)
    assert [t.folded for t in toks[-2:]] == ["ha", "noi"]
    assert text[toks[-1].start : toks[-1].end] == "Nội"


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_folding_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(max_size=80) | viet_text | st.text(alphabet="Ææßđ\x00\ud800ȺẞaÀİΣΑ\u212a😀Ă", max_size=20))
@settings(max_examples=400, deadline=None)
def test_fold_quick_is_the_fold_table_applied(text: str) -> None:
    """fold_quick's array lookup gives exactly what translating with the table gives, also for
    letters that fold to two (æ), NULs and lone surrogates."""
    from indexer.analysis import _FOLD_TABLE, fold_quick

    assert fold_quick(text) == text.lower().translate(_FOLD_TABLE)


def test_lower_fold_array_is_lower_then_table_for_every_character() -> None:
    """`fold_quick`'s one array says `str.lower` then the table for every character of the
    Basic Multilingual Plane but those it cannot say in one character (and NUL, its mark)."""
    from indexer.analysis import _FOLD_TABLE, _LOWER_FOLD_LUT

    for code, folded in enumerate(_LOWER_FOLD_LUT.tolist()):
        expected = chr(code).lower().translate(_FOLD_TABLE)
        if folded:
            assert chr(folded) == expected, hex(code)
        else:
            assert code in (0, 0x3A3) or len(expected) != 1, hex(code)


@pytest.mark.parametrize(("word", "variant"), [
    ("lí", "lý"), ("lý", "lí"), ("Kỹ", "Kĩ"), ("ky", "ki"), ("Quí", "Quý"), ("quy", "qui"), ("tỷ", "tỉ"),
    ("hy", "hi"), ("SĨ", "SỸ"), ("mị", "mỵ"),
    ("vi", None), ("Vy", None), ("khi", None), ("thi", None), ("tay", None), ("y", None), ("qu", None),
])
def test_iy_variant_is_the_other_standard_spelling(word: str, variant: str | None) -> None:
    assert iy_variant(word) == variant


def test_iy_spellings_are_the_word_and_its_variant() -> None:
    from indexer.analysis import iy_spellings

    assert iy_spellings("lí") == ("lí", "lý")
    assert iy_spellings("Mỹ") == ("Mỹ", "Mĩ")
    assert iy_spellings("vi") == ("vi",)


IY_ONSETS = ["h", "k", "l", "m", "s", "t", "qu", "Qu", "K", "b", "th", ""]


@given(st.sampled_from(IY_ONSETS), st.sampled_from("iìỉĩíịyỳỷỹýỵIÝ"))
def test_iy_variant_keeps_the_tone_and_undoes_itself(onset: str, vowel: str) -> None:
    """The variant swaps i and y only, keeping case and tone, and swaps back."""
    word = onset + vowel
    variant = iy_variant(word)
    if variant is None:
        assert onset.lower() not in ("h", "k", "l", "m", "s", "t", "qu")
        return
    assert iy_variant(variant) == word
    assert variant[:-1] == onset and fold(variant[-1]) != fold(vowel)
    tone = slice(len(onset) + 1, None)  # the marks after the vowel's letter, in NFD
    assert unicodedata.normalize("NFD", variant)[tone] == unicodedata.normalize("NFD", word)[tone]


@given(viet_text)
@settings(max_examples=300, deadline=None)
def test_folded_vietnamese_is_ascii(text: str) -> None:
    assert fold(text).isascii()
    assert all(t.folded.isascii() for t in tokenize(text))


@given(viet_sentence)
@settings(max_examples=300, deadline=None)
def test_tone_styles_analyze_identically(text: str) -> None:
    from viet_text_tools import normalize_diacritics

    old = normalize_diacritics(text, new_style=False)
    new = normalize_diacritics(text, new_style=True)
    assert exact(old) == exact(new)
    assert folded(old) == folded(new) == folded(text)


@given(viet_sentence)
@settings(max_examples=200, deadline=None)
def test_nfd_and_nfc_analyze_identically(text: str) -> None:
    nfd = unicodedata.normalize("NFD", text)
    assert exact(nfd) == exact(text)
    assert exact(normalize_text(nfd)) == exact(text)


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_normalize_text_is_idempotent_nfc(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)


# --- the bulk path (`columns`) gives the ICU tokenizer's tokens ---------------------------------

# Characters whose word-break handling the fast path spells out, and others that must send the
# text to ICU: ":" (MidLetter in UAX #29, not in ICU), "@" (a letter to ICU), "_" (ExtendNumLet),
# combining marks, Cyrillic, Greek, Han, emoji, soft hyphen, CR.
TRICKY = ".,;:'’‘·․‧⁄-&–—“”\"()/%?!…@_ \n\t\r½²ªµ\u0301\u00adАβ中😀×"
BULK_ALPHABET = "aAbBđĐếỨuUyYhHcCtT19" + TRICKY


def _reference_columns(text: str) -> Columns:
    return Columns.from_tokens(text, tokenize(text))


@given(st.text(alphabet=BULK_ALPHABET, max_size=60))
@settings(max_examples=1500, deadline=None)
def test_columns_are_the_icu_tokens(text: str) -> None:
    assert columns(text) == _reference_columns(text)


def _reference_spans(text: str) -> list[tuple[int, int, str]]:
    return [(t.start, t.end, t.folded) for t in tokenize(text) if not t.alias]


@given(st.text(alphabet=BULK_ALPHABET, max_size=60))
@settings(max_examples=1500, deadline=None)
def test_syllable_spans_are_the_icu_tokens(text: str) -> None:
    assert syllable_spans(text) == _reference_spans(text)


SPECIAL_WORDS = ["TP.HCM", "VH-TT&DL", "LĐ-TB&XH", "19.309", "1,5", "Covid-19", "U.23", "A-B", "x.y.z", "1.5A"]
GAPS = [" ", " ", "-", "&", ", ", ". ", " – ", "\n", ".", "'", ":"]


@given(
    st.lists(st.one_of(syllable, st.sampled_from(SPECIAL_WORDS)), min_size=1, max_size=12),
    st.lists(st.sampled_from(GAPS), min_size=12, max_size=12),
)
@settings(max_examples=500, deadline=None)
def test_columns_of_vietnamese_text_are_the_icu_tokens(words: list[str], gaps: list[str]) -> None:
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    assert _columns_fast(text) is not None
    assert columns(text) == _reference_columns(text)
    assert syllable_spans(text) == _reference_spans(text)


@given(st.lists(st.lists(st.one_of(syllable, st.sampled_from([*SPECIAL_WORDS, "a@b.vn", "x_y", "Ωmega", "N.T.H"])),
                         max_size=6).map(" ".join), min_size=1, max_size=5).map("\n".join))
@settings(max_examples=500, deadline=None)
def test_columns_line_by_line_are_the_icu_tokens(text: str) -> None:
    assert columns(text) == _reference_columns(text)


def test_columns_of_text_with_lines_only_icu_can_read_are_the_icu_tokens() -> None:
    """Line by line, the fast path where it can: an initialism alias on one line makes
    tokenize sort every token by position, dotted aliases of the other lines included."""
    for text in ["cô N.T.H.N\nemail a@b.vn\nBộ LĐ-TB&XH", "TP.HCM x\n_y\nA-B", "a@b\n\nc.d e", "x\r\ny"]:
        assert _columns_fast(text) is None
        assert columns(text) == _reference_columns(text)


def test_fast_path_handles_every_character_it_accepts_as_icu_does() -> None:
    """Each character of the fast path's set, in the contexts where word-break rules differ."""
    safe = [chr(c) for c in range(0x2800) if not _UNSAFE.match(chr(c))]
    assert len(safe) > 2000 and ":" in safe and "@" not in safe and "_" not in safe
    contexts = ["a{0}b", "1{0}2", "{0}a1", "A{0}B-C", "TP{0}HCM.x", "1.5{0}a", "x{0}{0}y", "Đ{0}Ư-A&B"]
    for ch in safe:
        for context in contexts:
            text = context.format(ch)
            fast = columns if ch == "\n" else _columns_fast  # (`columns` reads a line at a time)
            assert fast(text) == _reference_columns(text), (text, hex(ord(ch)))
            assert syllable_spans(text) == _reference_spans(text), (text, hex(ord(ch)))


def test_column_terms_are_the_terms() -> None:
    text = "Đảng ủy TP.HCM họp, Covid-19 và Vắc – xin năm 2021 Thành uỷ. Bộ LĐ-TB&XH, U.S-A-B 1.5A"
    tokens, cols = tokenize(text), columns(text)
    assert cols.alias is not None and sum(cols.alias) == 5  # TP.HCM, LĐ-TB&XH, U.S, S-A-B, 1.5A
    for variant in FieldAnalyzer.VARIANTS:
        analyzer = FieldAnalyzer(variant)
        assert analyzer.column_terms(cols) == analyzer.terms(tokens)
