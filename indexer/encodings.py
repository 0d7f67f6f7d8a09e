"""Byte decoding for ingest: which encoding a scraped file is in, and the two legacy Vietnamese
font encodings Python has no codec for.

Detection order (`detect_encoding`), cheapest and surest first:

1. a BOM: UTF-8 (``utf-8-sig``) or UTF-16 LE/BE (``utf-16``);
2. NUL bytes: UTF-16 without a BOM when the NULs sit on one byte parity, else a binary file;
3. many other control bytes: a binary file;
4. valid UTF-8 (``utf-8``), or, for line records (``lines=True``: JSON Lines), UTF-8 but for a
   few damaged lines (`_mostly_utf8`), which the reader then rejects one by one: one stray byte
   in the first 64 KiB of a JSON Lines file lost the whole file, where the same byte later on
   cost only its line (ASCII lines, escaped records, count where no legacy encoding reads
   the file); a page that is UTF-8 text but for a few stray bytes (`_few_strays`: a character
   cut at the end, a Windows curly quote pasted in) is ``utf-8-strays``, its strays read as
   Windows-1258 and a cut last character dropped: one byte lost the whole page;
5. otherwise decode as Windows-1258, TCVN3 and VNI, and keep the one whose words look most like
   Vietnamese syllables (`vietnamese_score`). A file where no candidate looks like Vietnamese
   (and that is not plain ASCII with a few stray bytes) is undecodable.

TCVN3 (ABC, TCVN 5712:1993 "VN3"): one byte per precomposed lowercase letter, plus the seven
uppercase letters Ă Â Ê Ô Ơ Ư Đ at 0xA1-0xA7. VN3 has no uppercase letter with a tone mark:
such text was typed with lowercase codes in an uppercase font (.VnTimeH), so it decodes to
lowercase; nothing in the bytes says otherwise. Bytes VN3 leaves unused are read as Windows-1252
(the ABC fonts are Windows fonts: 0x93/0x94 are the curly quotes typed in Word).
The table was checked byte by byte against glibc's TCVN5712-1 converter (a VN1 superset that
agrees on every VN3 position).

VNI (VNI-Windows): an ASCII base letter followed by a mark byte (seen in Windows-1252 as
``ù ø û õ ï`` for the five tones, ``â á à å ã ä`` for the circumflex with each tone, ``ê é è ú ü
ë`` for the breve with each tone; upper case uses the upper-case bytes), and single bytes for
ơ (ô), ư (ö), đ (ñ), ỵ (î) and i with a tone (í ì æ ó ò).

Windows-1258 is Python's ``cp1258``; it decodes to base letter + combining tone mark, which is
not NFC: callers normalize (ingest runs `analysis.normalize_text` on every field).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "ENCODINGS",
    "UndecodableError",
    "decode_as",
    "decode_tcvn3",
    "decode_vni_windows",
    "detect_encoding",
    "encode_cp1258",
    "encode_tcvn3",
    "encode_vni_windows",
    "is_vietnamese_syllable",
    "vietnamese_score",
]

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "windows-1258", "tcvn3", "vni", "utf-8-strays")

# How much of a file the statistical part of detection looks at (validity checks see it all
# when the caller passes the whole file).
SCORE_SAMPLE_BYTES = 256 * 1024


class UndecodableError(ValueError):
    """The bytes are binary or in no encoding we know. The message is a plain reason."""


# --- Windows-1252 fallback for single-byte legacy encodings -------------------------------------


def _cp1252_char(byte: int) -> str:
    """Windows-1252, with its five undefined bytes read as the C1 controls of Latin-1."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


_CP1252 = [_cp1252_char(b) for b in range(256)]

# --- TCVN3 (ABC) --------------------------------------------------------------------------------

# byte -> letter, grouped by base vowel: plain (or mark) letter, then grave, hook, tilde, acute, dot.
_TCVN3_LETTERS: dict[int, str] = {
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xA8: "ă", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xA9: "â", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xAA: "ê", 0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xAB: "ô", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xAC: "ơ", 0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xAD: "ư", 0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
    0xAE: "đ",
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
}  # fmt: skip

_TCVN3_DECODE = "".join(_TCVN3_LETTERS.get(b, _CP1252[b]) for b in range(256))
_TCVN3_ENCODE: dict[str, int] = {ch: b for b, ch in _TCVN3_LETTERS.items()}


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes to Unicode (NFC letters; upper-case toned letters come out lower case)."""
    return codecs.charmap_decode(data, "strict", _TCVN3_DECODE)[0]


def encode_tcvn3(text: str) -> bytes:
    """Unicode to TCVN3. Upper-case letters with a tone mark have no VN3 code: they are written
    with the lower-case code, as the uppercase ABC fonts expected. Raises ValueError for
    characters TCVN3 cannot hold. (Used to build test fixtures and by anyone exporting.)"""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        code = ord(ch)
        if code < 0x80:
            out.append(code)
        elif ch in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[ch])
        elif ch.lower() in _TCVN3_ENCODE and ch.lower() != ch:
            out.append(_TCVN3_ENCODE[ch.lower()])
        else:
            out.append(_cp1252_byte(ch, "TCVN3", exclude=_TCVN3_LETTERS))
    return bytes(out)


def _cp1252_byte(ch: str, name: str, exclude: Iterable[int] = ()) -> int:
    try:
        byte = ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        byte = -1
    if byte < 0 or byte in exclude:
        raise ValueError(f"{ch!r} (U+{ord(ch):04X}) cannot be written in {name}")
    return byte


# --- VNI ----------------------------------------------------------------------------------------

_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, acute, grave, hook, tilde, dot
_VNI_TONE = ("", "ù", "ø", "û", "õ", "ï")  # mark bytes (as Windows-1252) after a vowel
_VNI_CIRCUMFLEX = ("â", "á", "à", "å", "ã", "ä")  # circumflex + each tone
_VNI_BREVE = ("ê", "é", "è", "ú", "ü", "ë")  # breve + each tone
_VNI_I = ("i", "í", "ì", "æ", "ó", "ò")  # i with each tone: single bytes


def _compose(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


def _vni_table() -> dict[str, str]:
    """VNI byte sequence (as Windows-1252 text) -> Unicode letter, lower and upper case."""
    table: dict[str, str] = {}
    for tone, mark in zip(_TONES, _VNI_TONE, strict=True):
        i = _TONES.index(tone)
        for base, seq in (("a", "a"), ("e", "e"), ("o", "o"), ("u", "u"), ("y", "y"), ("ơ", "ô"), ("ư", "ö")):
            if seq + mark != base:  # skip the identity entries (plain ASCII vowels)
                table[seq + mark] = _compose(base, tone)
        for base in "aeo":
            table[base + _VNI_CIRCUMFLEX[i]] = _compose(base, "\u0302", tone)
        table["a" + _VNI_BREVE[i]] = _compose("a", "\u0306", tone)
        if tone:
            table[_VNI_I[i]] = _compose("i", tone)
    table["î"] = "ỵ"  # VNI's own byte for y with a dot below (y + ï is accepted too, below)
    table["ñ"] = "đ"
    upper = {seq.upper(): ch.upper() for seq, ch in table.items()}
    table.update(upper)
    # Decode-only leniency: "yï" for ỵ (some converters emit it), and the mark byte in the other
    # case than its base letter (caps-lock typing): the base letter decides the case.
    extra: dict[str, str] = {"yï": "ỵ", "YÏ": "Ỵ"}
    for seq, ch in table.items():
        if len(seq) == 2:
            extra.setdefault(seq[0] + seq[1].swapcase(), ch)
    for seq, ch in extra.items():
        table.setdefault(seq, ch)
    return table


_VNI_DECODE = _vni_table()
# Canonical encoding: same-case mark bytes, "î" for ỵ. Built from the strict table only.
_VNI_ENCODE: dict[str, str] = {}
for _seq, _ch in _VNI_DECODE.items():
    if _seq in ("yï", "YÏ") or (len(_seq) == 2 and _seq[0].isupper() != _seq[1].isupper()):
        continue
    _VNI_ENCODE.setdefault(_ch, _seq)
_VNI_PATTERN = re.compile("|".join(re.escape(s) for s in sorted(_VNI_DECODE, key=len, reverse=True)))


def decode_vni_windows(data: bytes) -> str:
    """VNI-Windows bytes to Unicode: Windows-1252 first, then base + mark sequences to letters."""
    text = "".join(map(_CP1252.__getitem__, data))
    return _VNI_PATTERN.sub(lambda m: _VNI_DECODE[m.group()], text)


def encode_vni_windows(text: str) -> bytes:
    """Unicode to VNI-Windows. Raises ValueError for characters VNI cannot hold (Latin-1
    letters such as "é" would read back as Vietnamese, so they are refused too). For fixtures
    and exports."""
    mark_bytes = {ord(c.encode("cp1252")) for seq in _VNI_ENCODE.values() for c in seq if not c.isascii()}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ord(ch))
        elif ch in _VNI_ENCODE:
            out += _VNI_ENCODE[ch].encode("cp1252")
        else:
            out.append(_cp1252_byte(ch, "VNI", exclude=mark_bytes))
    return bytes(out)


# --- Windows-1258 -------------------------------------------------------------------------------

_CP1258_KEEP = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: precomposed in cp1258


def encode_cp1258(text: str) -> bytes:
    """Unicode to Windows-1258 the way Vietnamese Windows wrote it: letters with a circumflex,
    breve or horn precomposed (â ă ê ô ơ ư), the tone as a separate combining byte. Python's
    codec alone refuses NFC text such as "ế", hence this helper (for fixtures and exports)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            ch.encode("cp1258")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _CP1258_KEEP)
        tones = "".join(c for c in decomposed if unicodedata.combining(c) and c not in _CP1258_KEEP)
        out.append(unicodedata.normalize("NFC", base) + tones)
    return "".join(out).encode("cp1258")


# --- Vietnamese-likeness ------------------------------------------------------------------------

_TONE_MARKS = set(_TONES[1:])
_ONSET = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
_NUCLEI = (
    *("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"),
    *("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "oo"),
    *("ôi", "ơi", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "yê"),
    *("iêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu"),
)
_NUCLEUS = "(?:" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + ")"
_SYLLABLE = re.compile(_ONSET + _NUCLEUS + r"(?:ch|ng|nh|[cmnptk])?")
_WORD = re.compile(r"[^\W\d_]+")
_VIET_LETTERS = set("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
_OK_SYMBOLS = set("“”‘’–—…•°«»×·€£\u00a0\u200b\ufeff\u00ad")


def is_vietnamese_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable (onset, vowel nucleus, coda, at most one tone).
    A heuristic for detection, not a spell checker: it also accepts some non-words."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONE_MARKS)
    if tones > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None


def vietnamese_score(text: str) -> tuple[float, float, int]:
    """(share of non-ASCII words that are Vietnamese syllables, share of non-ASCII characters
    that are neither Vietnamese letters nor common typographic symbols, number of words with
    non-ASCII letters). Mojibake scores low on the first and high on the second."""
    text = unicodedata.normalize("NFC", text)
    words = [w for w in _WORD.findall(text) if not w.isascii()]
    valid = sum(1 for w in words if is_vietnamese_syllable(w))
    odd = total = 0
    for ch in text:
        if ch.isascii():
            continue
        total += 1
        if ch.lower() not in _VIET_LETTERS and ch not in _OK_SYMBOLS:
            odd += 1
    return (valid / len(words) if words else 0.0), (odd / total if total else 0.0), len(words)


# --- detection ----------------------------------------------------------------------------------

_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26, 27))
_LEGACY = ("windows-1258", "tcvn3", "vni")


def decode_as(data: bytes, encoding: str) -> str:
    """Decode with one of `ENCODINGS` (not normalized). Raises UnicodeDecodeError / ValueError."""
    if encoding == "tcvn3":
        return decode_tcvn3(data)
    if encoding == "vni":
        return decode_vni_windows(data)
    if encoding == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode(_bomless_utf16(data) or "utf-16")
    if encoding == "utf-8-strays":
        return data.decode("utf-8", errors=_STRAYS)
    return data.decode(encoding)


def _stray_bytes(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler for UTF-8 text with a few stray bytes: a character cut at the end
    (an interrupted copy) is dropped, any other stray byte read as Windows-1258 (a curly quote
    typed in Word is 0x93 there, as in Windows-1252)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    data, start, end = error.object, error.start, error.end
    if end == len(data) and _utf8_prefix(bytes(data[start:end])):
        return "", end
    return bytes(data[start:end]).decode("windows-1258", errors="replace"), end


def _utf8_prefix(tail: bytes) -> bool:
    """Whether `tail` is the start of a UTF-8 character of more bytes: a lead byte, then
    continuation bytes."""
    return 0xC2 <= tail[0] <= 0xF4 and all(0x80 <= b <= 0xBF for b in tail[1:])


_STRAYS = "vnsearch-utf8-strays"
codecs.register_error(_STRAYS, _stray_bytes)


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when the NULs of `data` look like UTF-16 text without a BOM."""
    sample = data[:SCORE_SAMPLE_BYTES]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = max(1, len(sample) // 2)
    if odd > 0.2 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.2 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def detect_encoding(data: bytes, *, complete: bool = True, lines: bool = False) -> str:
    """Name the encoding of `data` (a whole file, or its first bytes with ``complete=False``;
    ``lines``: records a line each, UTF-8 but for a few damaged ones is UTF-8). Raises
    UndecodableError with a plain reason for binary or unknown bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        body = data[2:] if complete else data[2 : len(data) & ~1]
        try:
            body.decode("utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be")
        except UnicodeDecodeError as e:
            if complete or e.start < len(body) - 4:
                raise UndecodableError("undecodable: invalid UTF-16 text after the BOM") from None
        return "utf-16"
    if b"\x00" in data:
        if _bomless_utf16(data):
            try:
                decode_as(data if complete else data[: len(data) & ~1], "utf-16")
                return "utf-16"
            except UnicodeDecodeError:
                pass
        raise UndecodableError("binary file (NUL bytes)")
    sample = data[:SCORE_SAMPLE_BYTES]
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    if sample and controls > 0.02 * len(sample):
        raise UndecodableError("binary file (control bytes)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    whole_lines = data if complete else data[: data.rfind(b"\n") + 1]
    if lines and (_mostly_utf8(whole_lines) or _few_strays(whole_lines)):
        return "utf-8"
    if not lines and _few_strays(data if complete else data[:-3]):
        return "utf-8-strays"
    try:
        return _guess_legacy(sample)
    except UndecodableError:
        # records written with escaped non-ASCII (Python's json.dumps) are ASCII lines: UTF-8
        if lines and _mostly_utf8(whole_lines, ascii_counts=True):
            return "utf-8"
        raise


# Lines of UTF-8 text (with bytes beyond ASCII) there must be for each line that is not, for
# line records to be UTF-8 with damaged lines: a legacy encoding's Vietnamese is not UTF-8 on
# almost every line.
UTF8_LINES_PER_DAMAGED = 3


def _mostly_utf8(data: bytes, ascii_counts: bool = False) -> bool:
    """Whether the lines of `data` are UTF-8 text but for a few: lines beyond ASCII, or (with
    `ascii_counts`, where no legacy encoding reads them) any."""
    damaged = utf8 = 0
    for line in data.split(b"\n"):
        if line.isascii():
            utf8 += ascii_counts and bool(line.strip())
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            damaged += 1
    return damaged > 0 and damaged * UTF8_LINES_PER_DAMAGED <= utf8


# UTF-8 characters beyond ASCII there must be for each stray byte (or run of them), for text
# to be UTF-8 with strays (`_few_strays`): a legacy encoding's Vietnamese is almost no valid
# UTF-8 at all (its marked letters are single bytes, seldom followed by continuation bytes).
UTF8_CHARS_PER_STRAY = 10


def _few_strays(data: bytes) -> bool:
    """Whether `data` is UTF-8 text (beyond ASCII) but for a few stray bytes: a cut character,
    a pasted Windows-1252 quote. One damaged line of a feed of one or two records lost the
    file, as "not UTF-8" (`_mostly_utf8` wants 3 good lines for each damaged one). Strays that
    are all Windows-1252 punctuation (bytes 0x80-0x9F: “ ” ‘ ’ – … , which no legacy Vietnamese
    encoding's letters are) need only some UTF-8 beside them: a brief of 5 marked letters and
    two pasted curly quotes was rejected whole (bug hunt 70)."""
    text = data.decode("utf-8", errors="surrogateescape")
    strays = [ch for ch in text if "\udc80" <= ch <= "\udcff"]
    beyond_ascii = sum(1 for ch in text if ord(ch) > 0x7F) - len(strays)
    if not strays or not beyond_ascii:
        return False
    punctuation = all(ch <= "\udc9f" for ch in strays)
    return punctuation or beyond_ascii >= UTF8_CHARS_PER_STRAY * len(strays)


def _guess_legacy(sample: bytes) -> str:
    scored: list[tuple[float, float, str]] = []
    for name in _LEGACY:
        try:
            text = decode_as(sample, name)
        except UnicodeDecodeError:
            continue
        valid, odd, words = vietnamese_score(text)
        all_words = len(_WORD.findall(text)) or 1
        if words == 0 or words < 0.01 * all_words:
            # Plain ASCII with a few stray bytes (a "café", a curly quote): Windows-1258 is a
            # faithful reading of Windows-1252 text, the usual source of such strays.
            if name == "windows-1258" and odd < 0.5:
                return name
            continue
        scored.append((valid, -odd, name))
    if scored:
        valid, neg_odd, name = max(scored)
        if valid >= 0.6 and -neg_odd <= 0.2:
            return name
    raise UndecodableError("undecodable: not UTF-8/UTF-16/Windows-1258/TCVN3/VNI text")
