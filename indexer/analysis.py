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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import ne
from typing import TYPE_CHECKING

import icu
import numpy as np
from viet_text_tools import normalize_diacritics
from whoosh.analysis import Analyzer, Token

if TYPE_CHECKING:
    from indexer.columns import Columns

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
# prints both, and "H'Mông" found 1 of the 5 articles of news-2k that print either (`syllable_forms`)
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
def syllable_forms(surface: str) -> tuple[str, str]:
    """A word's (exact, folded) forms, as every token of it is indexed."""
    exact = canonical_syllable(surface.translate(_APOSTROPHES))[:MAX_TOKEN_CHARS]
    return exact, fold(exact)


def has_marks(word: str) -> bool:
    """True when the word carries Vietnamese diacritics (so exact matching means something)."""
    exact, folded = syllable_forms(word)
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
                    exact, folded = syllable_forms(part)
                    position += 1
                    tokens.append(Syllable(part_start, part_end, exact, folded, position, joined or not first))
                    first = False
                part_start = part_end + 1
            exact, folded = syllable_forms(surface.replace(".", ""))
            first_pos = position - sum(1 for p in surface.split(".") if p) + 1
            tokens.append(Syllable(start, end, exact, folded, first_pos, False, alias=True))
        else:
            exact, folded = syllable_forms(surface)
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
        initial = is_initial_part(surface)
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


def is_initial_part(surface: str) -> bool:
    """A part an initialism is made of: letters, all capitals, MAX_INITIALISM_PART at most."""
    return surface.isalpha() and surface.isupper() and len(surface) <= MAX_INITIALISM_PART


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
        """`terms` of the same tokens given as `Columns` (see `indexer.columns`)."""
        if self.variant == "fold":
            return cols.folded, cols.positions
        if self.variant == "exact":
            marked = list(map(ne, cols.exact, cols.folded))
            return list(compress(cols.exact, marked)), list(compress(cols.positions, marked))
        return cols.bigrams()


def _forms_as_tokens(value: str) -> list[Syllable]:
    exact, folded = syllable_forms(value)
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
