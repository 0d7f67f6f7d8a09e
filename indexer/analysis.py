"""The Vietnamese analyzer: every indexed field and every query goes through here.

Pipeline (in this order), each token keeping its character span in the ORIGINAL string:

1. **Normalization** (`normalize_text`): NFC, invisible characters removed (ZWSP, BOM, soft
   hyphen, word joiner), exotic spaces made plain, damaged combining marks dropped. Ingest runs
   this once and stores the result, so stored text, analyzed text and highlight offsets agree.
   The tokenizer itself never rewrites the text it is given: if handed un-normalized text (NFD,
   say) it still reports spans into *that* string and normalizes each token's surface alone.
2. **Tone placement** (`canonical_syllable`): old style (hòa, thủy, ủy, khỏe) is canonical, the
   style of ~99.96% of the corpus. `viet_text_tools.normalize_diacritics` does the moving; it
   knows the qu/gi clusters (quý, già) and upper case.
3. **Word breaking** with ICU's BreakIterator (Vietnamese locale). Words are syllables. ICU keeps
   numbers whole ("19.309", "112,383"), which we keep as single tokens. Letter words with inner
   dots ("TP.HCM") become their parts (tp, hcm) plus the joined form "tphcm" at the first part's
   position, so "TP.HCM", "TP HCM" and "TPHCM" meet. A hyphen with no spaces ("Covid-19") joins
   its sides into a bigram; a spaced dash ("Vắc – xin") does not. PyICU reports UTF-16 offsets:
   they are mapped back to Python indices when the text holds astral characters (emoji).
4. **Lowercasing**: full Unicode `str.lower` ("Đ" → "đ").
5. **Folding**: marks removed, đ/Đ/Ð → d, via a table derived from ICU's Latin-ASCII transform.

How search uses it (the design): each token yields two forms, `exact` (lowercased, tone
canonical, marks kept) and `folded` (ASCII). Index fields come in three variants fed by one
tokenization of the same text (see `FieldAnalyzer`):

* ``fold``   folded syllables with positions: matches regardless of diacritics, phrases (a line
             break, between paragraphs or captions, moves the positions on by LINE_GAP, so a
             phrase checked by positions never reads across it);
* ``exact``  the exact form, only for syllables that carry marks (an unmarked syllable's exact
             form equals its folded one): a query term typed WITH marks adds a boost from here,
             so "năm" prefers "năm" over "Nam", while a term without marks stays neutral;
* ``bigram`` folded adjacent-syllable pairs ("doanh nghiep"): multi-syllable words and names
             rank above scattered syllables without any statistical word segmenter.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress
from operator import ne

import icu
import numpy as np
from viet_text_tools import normalize_diacritics
from whoosh.analysis import Analyzer, Token

# Bump when tokens change: an index built with another version must be rebuilt.
# 2: "&" joins like a bare hyphen; initialisms get a joined alias; 3: LINE_GAP, line breaks; 4: one apostrophe;
# 5: bidi marks, variation selectors and CGJ removed, eth before a vowel read as Đ
ANALYZER_VERSION = "5"

# Positions skipped at a line break (paragraphs and captions are joined by newlines), as
# Elasticsearch's position_increment_gap: a quoted phrase with punctuation in it is checked by
# positions alone (no pair spans punctuation), and `"Hà Nội, Việt Nam"` matched "… Hà Nội" at
# a paragraph's end and "Việt Nam …" at the next one's start, or two captions.
LINE_GAP = 100

MAX_TOKEN_CHARS = 64  # longer "words" (base64 blobs, URLs) are cut; their span stays whole

# --- 1. normalization --------------------------------------------------------------------------

# Zero-width and format characters: soft hyphen, ZWSP/ZWJ/ZWNJ, word joiner, BOM, the Mongolian
# vowel separator, and what a bidi-aware editor or CMS leaves inside words (LRM, RLM, ALM, the
# embeddings and isolates), variation selectors and the combining grapheme joiner: ICU keeps
# them inside a word, which then matched nothing ("Hải\u200f Phòng").
_INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u061c\u034f"
    + "".join(map(chr, range(0x202A, 0x202F)))
    + "".join(map(chr, range(0x2066, 0x206A)))
    + "".join(map(chr, range(0xFE00, 0xFE10)))
)
_ODD_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Line breaks other than "\n": a lone CR (old Mac files), vertical tab, form feed, the
# separators, NEL, U+2028/2029. Dropped, they glued the words either side ("Hà NộiViệt Nam")
# and made a page with CR line endings one long lead.
_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROLS = "".join(chr(c) for c in [*range(0, 9), *range(14, 28), 31, 127])
_CLEAN_TABLE = str.maketrans(
    {**dict.fromkeys(_INVISIBLE + _CONTROLS, None), **dict.fromkeys(_ODD_SPACES, " "),
     **dict.fromkeys(_LINE_BREAKS, "\n")}
)
_NEEDS_CLEANING = re.compile("[" + re.escape(_INVISIBLE + _ODD_SPACES + _CONTROLS + _LINE_BREAKS) + "]")
_COMBINING = re.compile(r"[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def normalize_text(text: str) -> str:
    """Clean and NFC-normalize text once, at ingest and for queries.

    Removes characters that would split or glue words invisibly, turns no-break and other odd
    spaces into plain spaces, reads every line break as a newline (CRLF as one), drops control
    characters (keeping tab), and
    drops combining marks left over after NFC that are damage, not text: a mark after a space or
    at the start, or a mark its base letter already carries ("ơ" + U+031B); and reads the eth
    that legacy fonts print for Đ as Đ (`_ETH_BEFORE_VOWEL`). Every change keeps or removes whole
    characters, so a query's spans still point into what was typed.
    """
    if _NEEDS_CLEANING.search(text):  # most text is clean: skip the slow per-character pass
        text = text.replace("\r\n", "\n").translate(_CLEAN_TABLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if _COMBINING.search(text):
        text = unicodedata.normalize("NFC", _drop_damaged_marks(text))
    if "ð" in text or "Ð" in text:
        text = _ETH_BEFORE_VOWEL.sub(lambda m: _AS_D[m[0]], text)
    return text


# The Icelandic eth (U+00D0, U+00F0) looks like Đ/đ (U+0110, U+0111), and legacy fonts, converters
# and some keyboard layouts print it for them: starting a word before a vowel, as Đ starts a
# Vietnamese syllable, it is one ("Ðà Nẵng"); elsewhere ("Guðmundsson", "Eiður") it stays
_AS_D = {"Ð": "Đ", "ð": "đ"}
_VOWEL_LETTERS = "".join(
    c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and unicodedata.normalize("NFD", c)[0] in "aeiouyAEIOUY"
)
_ETH_BEFORE_VOWEL = re.compile(f"(?<![^\\W\\d_])[Ðð](?=[{_VOWEL_LETTERS}])")  # as Đ, a word's first letter


def _drop_damaged_marks(text: str) -> str:
    out: list[str] = []
    base = ""
    for ch in text:
        if unicodedata.combining(ch):
            if not base or base.isspace() or ch in unicodedata.normalize("NFD", base):
                continue
            base += ch
            out.append(ch)
            continue
        base = ch
        out.append(ch)
    return "".join(out)


# --- 2, 4, 5. forms of one syllable ------------------------------------------------------------


# Apostrophes inside a word ("H’Mông", "K‘Ho", "Hʼmông") are the keyboard's "'": the archive
# prints both, and "H'Mông" found 1 of the 5 articles of news-2k that print either (`_forms`)
_APOSTROPHE_LIKE = "\u2019\u2018\u02bc"
_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHE_LIKE, "'"))


def _build_fold_table() -> dict[int, str]:
    """Map every precomposed Latin letter to ASCII once, using ICU's Latin-ASCII transform
    (which, unlike NFD + mark removal, folds đ and the look-alike eth Ð)."""
    to_ascii = icu.Transliterator.createInstance("Latin-ASCII")
    table: dict[int, str] = {}
    ranges = [(0x00C0, 0x024F), (0x1E00, 0x1EFF), (0x0250, 0x02AF)]
    for lo, hi in ranges:
        for code in range(lo, hi + 1):
            ch = chr(code)
            folded = to_ascii.transliterate(ch)
            if folded != ch and folded.isascii():
                table[code] = folded.lower()
    table.update(dict.fromkeys(map(ord, _APOSTROPHE_LIKE), "'"))  # "H’Mông" folds as "H'Mông"
    return table


_FOLD_TABLE = _build_fold_table()


@lru_cache(maxsize=65536)
def canonical_syllable(word: str) -> str:
    """Lowercase, NFC, and old-style tone placement: 'Thành uỷ' and 'thành ủy' agree."""
    word = unicodedata.normalize("NFC", word).lower()
    if word.isascii():
        return word
    return normalize_diacritics(word)


@lru_cache(maxsize=65536)
def canonical_cased(word: str) -> str:
    """NFC and old-style tone placement, case kept: how a reading is shown to the user."""
    word = unicodedata.normalize("NFC", word)
    return word if word.isascii() else normalize_diacritics(word)


# After these onsets a lone i or y is one sound spelled two standard ways ("lí/lý do", "kĩ/kỹ
# thuật", "tỉ/tỷ lệ", "mĩ/mỹ phẩm", "hi/hy sinh", "qui/quy định"): school rules say i, most
# newspapers print y. Elsewhere the two differ ("Vy" is a name, "vi" is not).
_IY_ONSETS = ("qu", "h", "k", "l", "m", "s", "t")
_IY_SWAP = str.maketrans("iíìỉĩịIÍÌỈĨỊyýỳỷỹỵYÝỲỶỸỴ", "yýỳỷỹỵYÝỲỶỸỴiíìỉĩịIÍÌỈĨỊ")


def iy_variant(word: str) -> str | None:
    """The other standard spelling of a syllable whose rhyme is a lone i or y after h, k, l, m,
    s, t or qu ("lí" → "lý", "ky" → "ki", "Quí" → "Quý"), case and tone kept; None for any
    other word. The index keeps what each article prints, so a query asks for both."""
    word = unicodedata.normalize("NFC", word)
    lower = word.lower()
    for onset in _IY_ONSETS:
        if len(lower) == len(onset) + 1 and lower.startswith(onset):
            swapped = word[-1].translate(_IY_SWAP)
            return word[:-1] + swapped if swapped != word[-1] else None
    return None


def iy_spellings(word: str) -> tuple[str, ...]:
    """`word` and, where it has one (`iy_variant`), its other i/y spelling: the spellings a
    word typed either way stands for ("lí" → "lí", "lý")."""
    variant = iy_variant(word)
    return (word,) if variant is None else (word, variant)


def fold(text: str) -> str:
    """Diacritic-folded lowercase form: 'Đảng ủy' → 'dang uy'. Idempotent."""
    text = unicodedata.normalize("NFC", text).lower()
    if text.isascii():
        return text
    text = text.translate(_FOLD_TABLE)
    if not text.isascii():  # marks on letters outside the table, e.g. Cyrillic й
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
        text = unicodedata.normalize("NFC", text)
    return text


def _build_fold_lut() -> np.ndarray:
    """`_FOLD_TABLE` as an array indexed by code point, for `fold_quick`. 0 marks a letter
    that folds to more or fewer than one character (æ → ae), which the array cannot say."""
    lut = np.arange(max(_FOLD_TABLE) + 1, dtype=np.uint32)
    for code, folded in _FOLD_TABLE.items():
        lut[code] = ord(folded) if len(folded) == 1 else 0
    return lut


_FOLD_LUT = _build_fold_lut()


def _build_lower_fold_lut() -> np.ndarray:
    """`str.lower` then `_FOLD_TABLE` of every code point of the Basic Multilingual Plane, as one
    array, for `fold_quick`. 0 marks a character the array cannot say: İ (lower-cased to two),
    capital sigma (lower-cased by its context), a letter folding to two (æ), NUL. Lower-cased
    as one string (a loop over the 65,536 took ~35 ms of every start)."""
    codes = np.arange(0x10000, dtype=np.uint32)
    single = (codes != 0x130) & (codes != 0x3A3)
    text = codes[single].tobytes().decode("utf-32-le", "surrogatepass")
    lowered = text.lower()
    if len(lowered) != len(text):  # another letter lower-cases to two (none in Unicode 15): left out
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else "\0" for ch in text)
    lower = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lut = np.zeros(0x10000, dtype=np.uint32)
    lut[single] = np.where(lower < len(_FOLD_LUT), _FOLD_LUT[np.minimum(lower, len(_FOLD_LUT) - 1)], lower)
    return lut


_LOWER_FOLD_LUT = _build_lower_fold_lut()


def fold_quick(text: str) -> str:
    """`fold` without its fallback for letters outside the Vietnamese/Latin table: the same for
    Vietnamese text, and a C-speed pass over a whole article (a curly quote sends `fold` down
    its per-character path). For comparing words in bulk text, never for index terms.

    Why NumPy: `str.translate` looks each non-ASCII character up in a dict (~75 ns each, 0.2 ms
    for an article, paid for every article a query re-ranks or snippets); one array lookup over
    the code points is 5× faster, and lower-casing in the same lookup (`_LOWER_FOLD_LUT`) another
    2.4× (`str.lower` was half the cost). Text the arrays cannot fold character for character
    goes the `translate` way, so the result is always ``text.lower().translate(_FOLD_TABLE)``."""
    if text.isascii():
        return text.lower()
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max() < len(_LOWER_FOLD_LUT):
        folded = _LOWER_FOLD_LUT.take(codes)
        if folded.all():  # else a character the array cannot say, or a NUL
            return folded.tobytes().decode("utf-32-le", "surrogatepass")
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    codes = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = np.where(codes < len(_FOLD_LUT), _FOLD_LUT[np.minimum(codes, len(_FOLD_LUT) - 1)], codes)
    if not folded.all():  # a letter folding to two (æ) or a NUL in the text
        return lowered.translate(_FOLD_TABLE)
    return folded.tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=262144)
def _forms(surface: str) -> tuple[str, str]:
    exact = canonical_syllable(surface.translate(_APOSTROPHES))[:MAX_TOKEN_CHARS]
    return exact, fold(exact)


def has_marks(word: str) -> bool:
    """True when the word carries Vietnamese diacritics (so exact matching means something)."""
    exact, folded = _forms(word)
    return exact != folded


def has_vowel(folded: str) -> bool:
    """Whether a folded word has a vowel: a syllable, a name ("Trump"), not consonants alone (an
    initialism, "TSN", or a slip that lost its vowel, "Nm")."""
    return any(c in "aeiouy" for c in folded)


# --- 3. word breaking --------------------------------------------------------------------------


@dataclass(slots=True)
class Syllable:
    """One token. `start`/`end` slice the analyzed string to the token's source text.
    `joined` says the previous syllable is adjacent (only spaces, or a bare hyphen, between),
    which is what makes a bigram. `alias` marks an extra form at the previous token's position
    (the joined "tphcm")."""

    start: int
    end: int
    exact: str
    folded: str
    position: int
    joined: bool
    alias: bool = False


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_GAP_JOINS = re.compile(r"[ \t]*|-|&")
_INITIALISM_GAP = re.compile(r"[-&]")
MAX_INITIALISM_PART = 4
_local = threading.local()


def _word_breaker() -> icu.BreakIterator:
    bi = getattr(_local, "breaker", None)
    if bi is None:
        bi = _local.breaker = icu.BreakIterator.createWordInstance(icu.Locale("vi"))
    return bi


def _utf16_to_py(text: str) -> list[int]:
    mapping: list[int] = []
    for i, ch in enumerate(text):
        mapping.append(i)
        if ord(ch) > 0xFFFF:
            mapping.append(i)
    mapping.append(len(text))
    return mapping


def _word_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, ICU rule status) of every word-like segment, in Python offsets."""
    bi = _word_breaker()
    bi.setText(text)
    mapping = _utf16_to_py(text) if _ASTRAL.search(text) else None
    prev = 0
    for boundary in bi:
        status = bi.getRuleStatus()
        if status >= 100:  # numbers 100-199, letters 200-299, kana/ideographs above
            if mapping is None:
                yield prev, boundary, status
            else:
                yield mapping[prev], mapping[boundary], status
        prev = boundary


def tokenize(text: str) -> list[Syllable]:
    """Break `text` into syllable tokens with spans into `text` itself (see module docstring)."""
    return _syllables(text, _word_spans(text))


def gap_joins(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], between two syllables, makes them adjacent (a pair): only
    spaces, or a bare hyphen or "&" ("Hà Nội", "Covid-19", "TN&MT"); punctuation parts them."""
    # one space is by far the commonest gap: skip the regex for it
    return (end - start == 1 and text[start] == " ") or _GAP_JOINS.fullmatch(text, start, end) is not None


def _syllables(text: str, spans: Iterable[tuple[int, int, int]]) -> list[Syllable]:
    """`tokenize` given the word spans of `text` and their ICU rule status."""
    tokens: list[Syllable] = []
    position = -1
    last_end = -1
    for start, end, status in spans:
        joined = last_end >= 0 and gap_joins(text, last_end, start)
        if not joined and last_end >= 0 and "\n" in text[last_end:start]:
            position += LINE_GAP
        surface = text[start:end]
        if status >= 200 and "." in surface:
            part_start = start
            first = True
            for part in surface.split("."):
                part_end = part_start + len(part)
                if part:
                    exact, folded = _forms(part)
                    position += 1
                    tokens.append(Syllable(part_start, part_end, exact, folded, position, joined or not first))
                    first = False
                part_start = part_end + 1
            exact, folded = _forms(surface.replace(".", ""))
            first_pos = position - sum(1 for p in surface.split(".") if p) + 1
            tokens.append(Syllable(start, end, exact, folded, first_pos, False, alias=True))
        else:
            exact, folded = _forms(surface)
            position += 1
            tokens.append(Syllable(start, end, exact, folded, position, joined))
        last_end = end
    _add_initialism_aliases(text, tokens)
    return tokens


def _add_initialism_aliases(text: str, tokens: list[Syllable]) -> None:
    """'TN&MT', 'VH-TT&DL', 'LĐ-TB&XH': short upper-case parts glued by '&' or '-' also give
    their joined form ('tnmt', 'vhttdl', 'ldtbxh') at the first part's position, the way
    'TP.HCM' gives 'tphcm', so however the initialism is typed it meets the text."""
    if "&" not in text and "-" not in text:
        return
    run: list[Syllable] = []

    def flush() -> None:
        if len(run) >= 2:
            exact = "".join(t.exact for t in run)
            tokens.append(Syllable(run[0].start, run[-1].end, exact, "".join(t.folded for t in run),
                                   run[0].position, False, alias=True))
        run.clear()

    count = len(tokens)
    for tok in tokens[:count]:
        if tok.alias:
            continue
        surface = text[tok.start : tok.end]
        initial = _is_initial(surface)
        if initial and run and _INITIALISM_GAP.fullmatch(text, run[-1].end, tok.start):
            run.append(tok)
            continue
        flush()
        if initial:
            run.append(tok)
    flush()
    if len(tokens) > count:  # keep positions in order for the index (stable: parts stay in order)
        tokens.sort(key=lambda t: t.position)


def bigrams(tokens: list[Syllable]) -> Iterator[tuple[str, int, int, int]]:
    """(folded "a b", position, start, end) for each pair of adjacent syllables."""
    prev: Syllable | None = None
    for tok in tokens:
        if tok.alias:
            continue
        if prev is not None and tok.joined:
            yield f"{prev.folded} {tok.folded}", prev.position, prev.start, tok.end
        prev = tok


# --- bulk analysis (the index writer's path) ---------------------------------------------------
#
# Indexing a corpus calls the tokenizer for millions of syllables, and a `Syllable` object per
# token costs more than everything else the build does per token. `columns` gives the same
# tokens as parallel lists instead. For text made only of characters whose ICU word-break rules
# are simple and verified (Latin letters, ASCII digits, spaces and common punctuation: all of
# news-50k but 418 of its 104,624 texts), the words are found by one regular expression that spells
# out those rules (UAX #29 WB5-WB12 as ICU applies them: "." "'" "’" "‘" "·" join letters,
# "." "," ";" "'" "’" "‘" join digits, ":" joins nothing) and their forms come from dict
# caches, all in C loops. Any other text goes through `tokenize`, the ICU word breaker, which
# stays the reference: tests/test_analysis.py checks that both give the same tokens.


@dataclass(slots=True)
class Columns:
    """The tokens of one text as parallel lists, in `tokenize`'s order. `surfaces` are the
    tokens' source text (``text[start:end]``); `alias` is None when no token is an alias."""

    surfaces: list[str]
    exact: list[str]
    folded: list[str]
    positions: list[int]
    joined: list[bool]
    alias: list[bool] | None = None

    @classmethod
    def from_tokens(cls, text: str, tokens: list[Syllable]) -> Columns:
        alias = [t.alias for t in tokens]
        return cls(
            [text[t.start : t.end] for t in tokens],
            [t.exact for t in tokens],
            [t.folded for t in tokens],
            [t.position for t in tokens],
            [t.joined for t in tokens],
            alias if any(alias) else None,
        )

    def syllables(self) -> tuple[list[str], list[str], list[bool], list[int]]:
        """(surfaces, folded forms, joined flags, positions) of the tokens that are not aliases."""
        if self.alias is None:
            return self.surfaces, self.folded, self.joined, self.positions
        keep = [not a for a in self.alias]
        return (
            list(compress(self.surfaces, keep)),
            list(compress(self.folded, keep)),
            list(compress(self.joined, keep)),
            list(compress(self.positions, keep)),
        )

    def bigrams(self) -> tuple[list[str], list[int]]:
        """The folded adjacent pairs and their positions, as `bigrams` gives them."""
        _, folded, joined, positions = self.syllables()
        nxt = joined[1:]
        pairs = [f"{a} {b}" for a, b, j in zip(folded, folded[1:], nxt, strict=False) if j]
        return pairs, list(compress(positions, nxt))


class _WordBreak:
    """ICU's UWordBreakValues (PyICU spells out only some of them)."""

    OTHER, ALETTER, MIDLETTER, MIDNUM, NUMERIC, MIDNUMLET, SINGLE_QUOTE, DOUBLE_QUOTE = 0, 1, 4, 5, 6, 11, 15, 16


def _word_break_classes() -> tuple[str, dict[str, str]]:
    """The characters of the fast path (a regex class body) and its word-break classes."""
    wb = _WordBreak
    blocks = [(0x0000, 0x024F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x27BF)]
    latin = [(0x0000, 0x024F), (0x1E00, 0x1EFF)]
    classes: dict[str, list[str]] = {"safe": [], "L": [], "N": [], "D": [], "ML": [], "MN": []}
    for lo, hi in blocks:
        for code in range(lo, hi + 1):
            ch = chr(code)
            prop = icu.Char.getIntPropertyValue(ch, icu.UProperty.WORD_BREAK)
            cat = unicodedata.category(ch)
            if ch in "\n\t ":
                classes["safe"].append(ch)
                continue
            if cat[0] in "CMZ" or ch == "@":  # controls, marks, format, odd spaces; see below
                continue
            in_latin = any(a <= code <= b for a, b in latin)
            if prop == wb.ALETTER and in_latin:
                classes["L"].append(ch)
                if not ch.islower():
                    classes["N"].append(ch)
            elif prop == wb.NUMERIC and ch.isascii():
                classes["D"].append(ch)
            elif prop == wb.MIDLETTER and ch != ":":
                classes["ML"].append(ch)
            elif prop == wb.MIDNUM:
                classes["MN"].append(ch)
            elif prop in (wb.MIDNUMLET, wb.SINGLE_QUOTE):
                classes["ML"].append(ch)
                classes["MN"].append(ch)
            elif not (prop in (wb.OTHER, wb.DOUBLE_QUOTE) and cat[0] != "L") and ch != ":":
                continue  # ExtendNumLet ("_"), letters outside Latin, other numerals...
            classes["safe"].append(ch)
    # ICU does not let ":" join letters (as UAX #29 would): here it is MidLetter no more, like
    # there. ICU's "@" is a letter: left out. Marks, format characters and CR are left out
    # because WB4 absorbs them into words.
    return "".join(map(re.escape, classes["safe"])), {k: "".join(map(re.escape, v)) for k, v in classes.items()}


_SAFE_BODY, _WB = _word_break_classes()
_UNSAFE = re.compile(f"[^{_SAFE_BODY}]")
_LD = f"[{_WB['L']}{_WB['D']}]"
_WORD_SPLIT = re.compile(
    f"({_LD}+(?:(?:(?<=[{_WB['L']}])[{_WB['ML']}](?=[{_WB['L']}])|(?<=[{_WB['D']}])[{_WB['MN']}](?=[{_WB['D']}])){_LD}+)*)"
)
# A dot a fast-path word can hold: between a letter or digit and another (words start and end
# with letters or digits)
_INNER_DOT = re.compile(f"(?<={_LD})\\.(?={_LD})")
# letters that are not lower case around "-" or "&": where an initialism alias may be
_INITIALISM_HINT = re.compile(f"(?<=[{_WB['N']}])[-&](?=[{_WB['N']}])")
_DIGITS = frozenset("0123456789")


def _dotted_letters(word: str) -> bool:
    """A fast-path word the analyzer splits at its dots ("TP.HCM": "tp", "hcm" and the alias
    "tphcm"). A word ending in a digit is a number (ICU rule status 100): "19.309" stays whole."""
    return "." in word and word[-1] not in _DIGITS
_FAST_CACHE_LIMIT = 200_000


class _FormCache(dict):  # type: ignore[type-arg]
    """surface -> exact or folded form; `map(cache.__getitem__, words)` runs in C."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, surface: str) -> str:
        if len(self) >= _FAST_CACHE_LIMIT:  # bounded: a long build meets many numbers and names
            self.clear()
        form = self[surface] = _forms(surface)[self.index]
        return form


class _GapCache(dict):  # type: ignore[type-arg]
    def __missing__(self, gap: str) -> bool:
        if len(self) >= _FAST_CACHE_LIMIT:
            self.clear()
        joined = self[gap] = gap_joins(gap, 0, len(gap))
        return joined


_EXACT = _FormCache(0)
_FOLDED = _FormCache(1)
_GAP_JOINED = _GapCache()


def columns(text: str) -> Columns:
    """`tokenize(text)` as `Columns`, by the regular expression when `text` allows it, a line
    at a time (no rule joins words across a newline, and positions move on by LINE_GAP), each
    line through ICU where the regular expression cannot read it."""
    if "\n" not in text:
        cols = _columns_fast(text)
        return cols if cols is not None else Columns.from_tokens(text, tokenize(text))
    lines = text.split("\n")
    cols = Columns([], [], [], [], [], None)
    shift = 0
    for line in lines:
        part = _columns_fast(line)
        if part is None:
            part = Columns.from_tokens(line, tokenize(line))
        if not part.positions:
            continue
        cols.surfaces += part.surfaces
        cols.exact += part.exact
        cols.folded += part.folded
        cols.positions += [p + shift for p in part.positions] if shift else part.positions
        cols.joined += part.joined
        if part.alias is not None or cols.alias is not None:
            if cols.alias is None:
                cols.alias = [False] * (len(cols.surfaces) - len(part.surfaces))
            cols.alias += part.alias if part.alias is not None else [False] * len(part.surfaces)
        shift += max(part.positions) + 1 + LINE_GAP
    if cols.alias is not None and any(a and "." not in s for a, s in zip(cols.alias, cols.surfaces, strict=True)):
        # an initialism alias anywhere makes `tokenize` sort all the tokens by position
        # (which moves the dotted aliases of other lines too): stable, as there
        order = sorted(range(len(cols.positions)), key=cols.positions.__getitem__)
        for name in ("surfaces", "exact", "folded", "positions", "joined", "alias"):
            column = getattr(cols, name)
            setattr(cols, name, [column[i] for i in order])
    return cols


def _columns_fast(text: str) -> Columns | None:
    """None when `text` holds a character outside the fast path's verified set."""
    if _UNSAFE.search(text):
        return None
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    n = len(words)
    joined = [False]
    joined += map(_GAP_JOINED.__getitem__, parts[2:-1:2])
    del joined[n:]
    # a word is a number (ICU rule status 100) when it ends with a digit; letter words with
    # inner dots ("TP.HCM") become their parts and a joined alias
    dotted = [i for i, w in enumerate(words) if _dotted_letters(w)] if "." in text else []
    hint = ("-" in text or "&" in text) and _INITIALISM_HINT.search(text) is not None
    if not dotted and not hint:
        return Columns(
            words, list(map(_EXACT.__getitem__, words)), list(map(_FOLDED.__getitem__, words)), list(range(n)), joined
        )
    offsets = list(accumulate(map(len, parts), initial=0))
    starts, ends = offsets[1::2][:n], offsets[2::2]
    surfaces: list[str] = []
    keys: list[str] = []  # what the forms are made of
    positions: list[int] = []
    joins: list[bool] = []
    alias: list[bool] = []
    begins: list[int] = []
    stops: list[int] = []
    shift = prev = 0
    for i in dotted:
        surfaces += words[prev:i]
        keys += words[prev:i]
        positions += range(prev + shift, i + shift)
        joins += joined[prev:i]
        alias += [False] * (i - prev)
        begins += starts[prev:i]
        stops += ends[prev:i]
        word, first, at = words[i], i + shift, starts[i]
        pieces = word.split(".")  # never empty: a word neither starts nor ends with "."
        for k, piece in enumerate(pieces):
            surfaces.append(piece)
            keys.append(piece)
            positions.append(first + k)
            joins.append(joined[i] or k > 0)
            alias.append(False)
            begins.append(at)
            stops.append(at + len(piece))
            at += len(piece) + 1
        surfaces.append(word)
        keys.append(word.replace(".", ""))
        positions.append(first)
        joins.append(False)
        alias.append(True)
        begins.append(starts[i])
        stops.append(ends[i])
        shift += len(pieces) - 1
        prev = i + 1
    surfaces += words[prev:]
    keys += words[prev:]
    positions += range(prev + shift, n + shift)
    joins += joined[prev:]
    alias += [False] * (n - prev)
    begins += starts[prev:]
    stops += ends[prev:]
    exact = list(map(_EXACT.__getitem__, keys))
    folded = list(map(_FOLDED.__getitem__, keys))
    cols = Columns(surfaces, exact, folded, positions, joins, alias if dotted else None)
    if hint:
        _add_initialism_columns(text, cols, begins, stops)
    return cols


def syllable_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded form) of each syllable `tokenize` finds in `text`, aliases left out:
    what highlighting needs. By the fast path's regular expression where `text` allows it
    (snippets re-analyze ~30 sentences a query, and the ICU word breaker plus a `Syllable` per
    token was an eighth of a query's time), else from `tokenize`; tests check both agree."""
    if _UNSAFE.search(text):
        return [(t.start, t.end, t.folded) for t in tokenize(text) if not t.alias]
    parts = _WORD_SPLIT.split(text)
    words = parts[1::2]
    offsets = list(accumulate(map(len, parts), initial=0))
    spans = list(zip(offsets[1::2], offsets[2::2], map(_FOLDED.__getitem__, words), strict=False))
    if _INNER_DOT.search(text) is None:  # no word holds a dot (most sentences just end in one)
        return spans
    out: list[tuple[int, int, str]] = []
    for span, word in zip(spans, words, strict=True):
        if _dotted_letters(word):  # its parts are the syllables
            at = span[0]
            for piece in word.split("."):
                out.append((at, at + len(piece), _FOLDED[piece]))
                at += len(piece) + 1
        else:
            out.append(span)
    return out


def _is_initial(surface: str) -> bool:
    return surface.isalpha() and surface.isupper() and len(surface) <= MAX_INITIALISM_PART


def _add_initialism_columns(text: str, cols: Columns, begins: list[int], stops: list[int]) -> None:
    """`_add_initialism_aliases` on columns, looking only where `_INITIALISM_GAP` joins two
    capitals: every run of two or more parts has such a gap between its first two."""
    keep = [i for i, a in enumerate(cols.alias) if not a] if cols.alias is not None else range(len(cols.surfaces))
    ends = [stops[i] for i in keep]
    pairs: list[int] = []  # k: syllables keep[k] and keep[k + 1] join into an initialism
    for m in _INITIALISM_HINT.finditer(text):
        gap = m.start()
        k = bisect_left(ends, gap)
        if (
            k + 1 < len(keep)
            and ends[k] == gap
            and begins[keep[k + 1]] == gap + 1
            and _is_initial(cols.surfaces[keep[k]])
            and _is_initial(cols.surfaces[keep[k + 1]])
            and (not pairs or pairs[-1] != k)
        ):
            pairs.append(k)
    if not pairs:
        return
    runs: list[tuple[int, int]] = []  # first and last syllable (indices into keep)
    for k in pairs:
        if runs and runs[-1][1] == k:
            runs[-1] = (runs[-1][0], k + 1)
        else:
            runs.append((k, k + 1))
    alias = cols.alias if cols.alias is not None else [False] * len(cols.surfaces)
    for a, b in runs:
        members = [keep[k] for k in range(a, b + 1)]
        cols.surfaces.append(text[begins[members[0]] : stops[members[-1]]])
        cols.exact.append("".join(cols.exact[i] for i in members))
        cols.folded.append("".join(cols.folded[i] for i in members))
        cols.positions.append(cols.positions[members[0]])
        cols.joined.append(False)
        alias.append(True)
    order = sorted(range(len(alias)), key=cols.positions.__getitem__)  # stable, as tokenize sorts
    for name in ("surfaces", "exact", "folded", "positions", "joined"):
        column = getattr(cols, name)
        setattr(cols, name, [column[i] for i in order])
    cols.alias = [alias[i] for i in order]


# --- Whoosh glue -------------------------------------------------------------------------------


def _tokens_cached(text: str) -> list[Syllable]:
    """The three field variants of one text are analyzed back to back: tokenize once."""
    last = getattr(_local, "last", None)
    if last is not None and last[0] is text:
        return last[1]
    tokens = tokenize(text)
    _local.last = (text, tokens)
    return tokens


class FieldAnalyzer(Analyzer):
    """A Whoosh analyzer for one field variant: 'fold', 'exact' or 'bigram' (module docstring)."""

    VARIANTS = ("fold", "exact", "bigram")

    def __init__(self, variant: str = "fold") -> None:
        if variant not in self.VARIANTS:
            raise ValueError(f"unknown analyzer variant {variant!r}")
        self.variant = variant

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldAnalyzer) and other.variant == self.variant

    def __hash__(self) -> int:
        return hash(("FieldAnalyzer", self.variant))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        tokens = _tokens_cached(value) if tokenize else _forms_as_tokens(value)
        if self.variant == "fold":
            for s in tokens:
                yield _fill(t, s.folded, s.position, s.start, s.end, start_pos, start_char)
        elif self.variant == "exact":
            for s in tokens:
                if s.exact != s.folded:
                    yield _fill(t, s.exact, s.position, s.start, s.end, start_pos, start_char)
        else:
            for text, pos, start, end in bigrams(tokens):
                yield _fill(t, text, pos, start, end, start_pos, start_char)

    def terms(self, tokens: list[Syllable]) -> tuple[list[str], list[int]]:
        """The terms this variant indexes for `tokens` and their positions, in the order
        `__call__` yields them, without Token objects: the bulk index writer's fast path
        (`indexer.segments`). Tested against `__call__`."""
        if self.variant == "fold":
            return [s.folded for s in tokens], [s.position for s in tokens]
        if self.variant == "exact":
            marked = [s for s in tokens if s.exact != s.folded]
            return [s.exact for s in marked], [s.position for s in marked]
        pairs = list(bigrams(tokens))
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def column_terms(self, cols: Columns) -> tuple[list[str], list[int]]:
        """`terms` of the same tokens given as `Columns` (see `columns`)."""
        if self.variant == "fold":
            return cols.folded, cols.positions
        if self.variant == "exact":
            marked = list(map(ne, cols.exact, cols.folded))
            return list(compress(cols.exact, marked)), list(compress(cols.positions, marked))
        return cols.bigrams()


def _forms_as_tokens(value: str) -> list[Syllable]:
    exact, folded = _forms(value)
    return [Syllable(0, len(value), exact, folded, 0, False)]


def _fill(t: Token, text: str, pos: int, start: int, end: int, start_pos: int, start_char: int) -> Token:
    t.text = text
    t.boost = 1.0
    t.stopped = False
    if t.positions:
        t.pos = start_pos + pos
    if t.chars:
        t.startchar = start_char + start
        t.endchar = start_char + end
    return t
