"""Decoding scraped bytes: BOMs, UTF-16, Windows-1258 and the TCVN3 / VNI font encodings.

Fixtures are generated: the seed page (or random Vietnamese text) encoded with our own encoders,
which the round-trip properties tie to the decoders."""

from __future__ import annotations

import codecs
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.analysis import normalize_text
from indexer.encodings import (
    UndecodableError,
    decode_as,
    decode_tcvn3,
    decode_vni_windows,
    detect_encoding,
    encode_cp1258,
    encode_tcvn3,
    encode_vni_windows,
    is_vietnamese_syllable,
)

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_731bbc153429bd94.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")

LOWER = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONED = "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
VIETNAMESE = LOWER + TONED + (LOWER + TONED).upper()


def _tcvn3_expected(text: str) -> str:
    """What TCVN3 can hold: upper-case toned letters are written with lower-case codes."""
    return "".join(c.lower() if c in TONED.upper() else c for c in text)


# --- tables -------------------------------------------------------------------------------------


def test_tcvn3_classic_mojibake_reads_back() -> None:
    # What TCVN3 files look like when opened as Windows-1252: "§¶ng", "ViÖt Nam", "Hµ Néi".
    assert decode_tcvn3("§¶ng ViÖt Nam Hµ Néi".encode("cp1252")) == "Đảng Việt Nam Hà Nội"


def test_tcvn3_covers_every_lowercase_letter_and_the_seven_capitals() -> None:
    letters = LOWER + TONED + "ĂÂÊÔƠƯĐ"
    encoded = encode_tcvn3(letters)
    assert len(encoded) == len(letters)
    assert decode_tcvn3(encoded) == letters
    assert len(set(encoded)) == len(letters)


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv")
def test_tcvn3_table_agrees_with_glibc() -> None:
    # glibc's TCVN5712-1 is VN1, a superset of VN3 that adds upper-case letters in the bytes VN3
    # leaves free; on every byte where our table has a Vietnamese letter, the two must agree.
    lowercase = encode_tcvn3(LOWER + TONED + "ĂÂÊÔƠƯĐ")
    run = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=lowercase, capture_output=True)
    if run.returncode != 0:
        pytest.skip("iconv without TCVN5712-1")
    assert unicodedata.normalize("NFC", run.stdout.decode("utf-8")) == decode_tcvn3(lowercase)


def test_tcvn3_uppercase_toned_letters_fall_back_to_lowercase_codes() -> None:
    # The .VnTimeH convention: "ĐẢNG ỦY" was typed with lower-case codes in an upper-case font.
    assert decode_tcvn3(encode_tcvn3("ĐẢNG ỦY")) == "ĐảNG ủY"


def test_vni_classic_mojibake_reads_back() -> None:
    # VNI text in Windows-1252: "Vieät Nam", "Ñaø Naüng", "Thaønh phoá Hoà Chí Minh".
    raw = "Vieät Nam, Ñaø Naüng, Thaønh phoá Hoà Chí Minh, ñöôïc, Nguyeãn, ÑAÛNG".encode("cp1252")
    assert decode_vni_windows(raw) == "Việt Nam, Đà Nẵng, Thành phố Hồ Chí Minh, được, Nguyễn, ĐẢNG"


def test_vni_covers_every_letter_in_both_cases() -> None:
    assert decode_vni_windows(encode_vni_windows(VIETNAMESE)) == VIETNAMESE


def test_vni_accepts_a_mark_in_the_other_case() -> None:
    assert decode_vni_windows("AÙnh".encode("cp1252")) == decode_vni_windows("Aùnh".encode("cp1252")) == "Ánh"


def test_encoders_refuse_what_they_cannot_hold() -> None:
    with pytest.raises(ValueError):
        encode_vni_windows("Señor")  # "ñ" is the byte VNI uses for "đ"
    with pytest.raises(ValueError):
        encode_tcvn3("日本")


def test_cp1258_fixture_is_decomposed_and_normalizes_back() -> None:
    raw = encode_cp1258("Việt Nam")
    decoded = raw.decode("cp1258")
    assert decoded != "Việt Nam"  # base letter + combining tone: not NFC
    assert normalize_text(decoded) == "Việt Nam"


# --- detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("utf-16"), "utf-16"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
        (lambda t: t.encode("utf-16-le"), "utf-16"),  # no BOM: found by its NUL bytes
        (encode_cp1258, "windows-1258"),
        (encode_tcvn3, "tcvn3"),
        (encode_vni_windows, "vni"),
    ],
)
def test_seed_in_every_encoding_is_detected_and_decoded(encode, name: str) -> None:
    text = SEED_TEXT.replace("–", "-") if name in ("tcvn3", "vni") else SEED_TEXT
    data = encode(text)
    assert detect_encoding(data) == name
    expected = _tcvn3_expected(text) if name == "tcvn3" else text
    assert normalize_text(decode_as(data, name)) == normalize_text(expected)


@pytest.mark.parametrize("name", ["windows-1258", "tcvn3", "vni"])
def test_short_legacy_text_is_detected(name: str) -> None:
    text = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ ba được tổ chức tại Hà Nội."
    encode = {"windows-1258": encode_cp1258, "tcvn3": encode_tcvn3, "vni": encode_vni_windows}[name]
    assert detect_encoding(encode(text)) == name


def test_detection_on_a_prefix_tolerates_a_cut_character() -> None:
    data = SEED_TEXT.encode("utf-8")
    cut = data.index("Chiều".encode()) + 3  # inside the two bytes of "ề"
    assert detect_encoding(data[:cut], complete=False) == "utf-8"


def test_broken_utf16_after_a_bom_is_refused() -> None:
    with pytest.raises(UndecodableError, match="UTF-16"):
        detect_encoding(codecs.BOM_UTF16_LE + b"\x00\xd8A\x00")  # a lone surrogate


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file (NUL bytes)"),
        (bytes(range(1, 32)) * 20, "binary file (control bytes)"),
        ("北京欢迎你，这是一段中文文本，用来测试无法解码的情况。".encode("gbk") * 5, "undecodable"),
    ],
)
def test_binary_and_unknown_bytes_are_refused(data: bytes, reason: str) -> None:
    with pytest.raises(UndecodableError, match=reason.split(" (")[0]):
        detect_encoding(data)


def test_ascii_with_a_stray_windows_1252_byte_is_kept() -> None:
    text = b"An English page that mentions one caf\xe9 and a \x93quote\x94, " + b"then goes on in plain ASCII. " * 40
    assert detect_encoding(text) == "windows-1258"


def test_a_short_utf8_text_with_pasted_windows_1252_quotes_is_utf8() -> None:
    """Five marked letters and two pasted curly quotes: the whole page was rejected as "not
    UTF-8/…" (bug hunt 70). A legacy encoding's letters are no such bytes (0x80-0x9F), so its
    short text is still read as what it is."""
    brief = "Ninh Bình đón khách ".encode() + b"\x93du l" + "ịch".encode() + b"\x94.\n"
    assert detect_encoding(brief) == "utf-8-strays"
    assert decode_as(brief, "utf-8-strays") == "Ninh Bình đón khách “du lịch”.\n"
    short = "Ninh Bình đón khách du lịch mùa xuân.\n"
    for encode, name in ((encode_tcvn3, "tcvn3"), (encode_vni_windows, "vni"), (encode_cp1258, "windows-1258")):
        assert detect_encoding(encode(short)) == name


def test_syllable_check() -> None:
    for word in ["nghiêng", "Người", "khuỷu", "quốc", "giặt", "Đảng", "oái", "uyên", "thuở"]:
        assert is_vietnamese_syllable(word), word
    for word in ["Viờũt", "§¶ng", "caf", "Vieät", "ñöôïc", "hoàá"]:
        assert not is_vietnamese_syllable(word), word


# --- round-trip properties ----------------------------------------------------------------------

_vietnamese_text = st.text(alphabet=VIETNAMESE + " .,;:!?-()0123456789\n", max_size=200)


@settings(max_examples=150, deadline=None)
@given(_vietnamese_text)
def test_vni_round_trip(text: str) -> None:
    assert decode_vni_windows(encode_vni_windows(text)) == unicodedata.normalize("NFC", text)


@settings(max_examples=150, deadline=None)
@given(_vietnamese_text)
def test_tcvn3_round_trip(text: str) -> None:
    assert decode_tcvn3(encode_tcvn3(text)) == _tcvn3_expected(text)


@settings(max_examples=150, deadline=None)
@given(_vietnamese_text)
def test_cp1258_round_trip(text: str) -> None:
    assert normalize_text(encode_cp1258(text).decode("cp1258")) == unicodedata.normalize("NFC", text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_detection_never_fails_with_anything_but_undecodable(data: bytes) -> None:
    try:
        name = detect_encoding(data)
    except UndecodableError:
        return
    decode_as(data, name)  # what was detected must decode
