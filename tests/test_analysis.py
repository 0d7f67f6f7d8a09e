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
    normalize_text,
    tokenize,
)
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
