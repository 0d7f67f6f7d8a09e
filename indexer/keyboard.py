"""Queries typed with the Vietnamese input method off, or with marks on the wrong vowel.

People whose IME is off or broken send the raw keystrokes: Telex ("Vieejt Nam", "dduwowngf")
or VNI ("Vie65t Nam", "d9u7o7ng2"). Others type the marks but put them on the wrong vowel
("vịêt", "hoà"). This module turns such a word into the syllable that was meant, and decides,
per query and with the index's help, whether that reading or the raw text is what to search.

Decoding is per word and strict: the keys are collected (vowel modifiers, one tone key, đ), applied
to the base letters, the tone is placed by the project's canonical (old-style) rule
(`indexer.analysis.canonical_cased`), and the result must be a phonotactically valid syllable
(onset + rhyme tables below, stop codas only with sắc/nặng). Anything else decodes to None.

Decoding is never applied blindly: Telex turns real words into Vietnamese ones (teen → tên,
gas → gá, sex → sẽ, moon → môn). `understand` picks, over the whole query, the reading the
index supports best (known syllables, known adjacent pairs), and prefers the raw text on ties
and for words the index already knows, so "teen", "gas", "Facebook" stay as typed.

Use, per run of adjacent query words (`Support` is the index's document counts):

1. ``u = understand(surfaces, support)``; match word i on ``u.words[i].folded_forms`` (the
   chosen reading, and the raw word, so a wrong choice costs ranking, never recall), with the
   exact-form boost of ``u.words[i].chosen.exact`` when it carries marks;
2. ``indexer.misspellings.typo_candidates(u, support, typo_index)``: extra folded forms for
   words the index knows in no form, to match at the lower `typo_evidence.SUGGESTED_WEIGHT`
   ("haf nooiij": the base letters "noii" are one edit from "noi"); `slip_candidates` for words it
   knows that a slip may have made.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Literal

from viet_text_tools import normalize_diacritics

from indexer.analysis import canonical_cased, canonical_syllable, fold, has_marks, normalize_text
from indexer.support import Support
from indexer.typo_evidence import SHORT_QUERY, chance_pairs
from indexer.typos import LONG_WORD

# --- syllable model ------------------------------------------------------------------------------

# Vowel modifiers, as the combining marks they compose with.
CIRCUMFLEX, HORN, BREVE = "\u0302", "\u031b", "\u0306"
# Tones 1..5: sắc, huyền, hỏi, ngã, nặng (0 = none, the VNI/Telex numbering).
TONE_MARKS = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_MARK_TONE = {m: i for i, m in enumerate(TONE_MARKS) if m}
_MODIFIERS = {CIRCUMFLEX, HORN, BREVE}

_ONSET_TABLE = "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x"
ONSETS = frozenset(_ONSET_TABLE.split())
# Every rhyme (vowels + coda) of the standard orthography, tone-less, plus the k coda of Central
# Highlands names (Đắk Lắk). "gi"/"qu" take these too (gi + iêng is written "giêng"; after qu the
# rhyme may also be checked as "u" + rhyme: see split_syllable).
_RHYME_TABLE = """
    a ac ach ai ak am an ang anh ao ap at au ay
    ăc ăk ăm ăn ăng ăp ăt
    âc âm ân âng âp ât âu ây
    e ec em en eng eo ep et
    ê êch êm ên ênh êp êt êu
    i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
    o oc oi om on ong op ot oong ooc
    ô ôc ôi ôm ôn ông ôp ôt
    ơ ơi ơm ơn ơp ơt
    u ua uc ui um un ung up ut uôc uôi uôm uôn uông uôt
    ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
    y yêm yên yêng yêt yêu
    oa oac oach oai oam oan oang oanh oap oat oay oăc oăm oăn oăng oăt
    oe oen oeo oet
    uân uâng uât uây uê uêch uênh uơ
    uy uya uych uyên uyêt uynh uyp uyt uyu
"""
RHYMES = frozenset(_RHYME_TABLE.split())
_STOPS = ("c", "ch", "p", "t")  # stop codas take only sắc (1) or nặng (5)
_FRONT = tuple("ieêy")  # c/k, g/gh, ng/ngh are chosen by whether the rhyme starts with one of these
VOWELS = frozenset("aăâeêioôơuưy")


def _compose(base: str, mod: str = "", tone: int = 0) -> str:
    return unicodedata.normalize("NFC", base + mod + TONE_MARKS[tone])


def _letters(word: str) -> tuple[list[tuple[str, str]], list[int]] | None:
    """Lowercase `word` as (base letter, modifier) pairs plus the tones its marks carry; None
    when it holds something that is not a Latin letter, digit or Vietnamese mark."""
    letters: list[tuple[str, str]] = []
    tones: list[int] = []
    for ch in word.lower():
        if ch == "đ":
            letters.append(("d", "đ"))
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        if not (base.isascii() and base.isalnum()):
            return None
        mod = ""
        for m in marks:
            if m in _MODIFIERS and not mod:
                mod = m
            elif m in _MARK_TONE:
                tones.append(_MARK_TONE[m])
            else:
                return None
        letters.append((base, mod))
    return letters, tones


def _spell(letters: Sequence[tuple[str, str]]) -> str:
    return "".join("đ" if mod == "đ" else _compose(base, mod) for base, mod in letters)


def split_syllable(text: str) -> tuple[str, str] | None:
    """(onset, rhyme) of a lowercase tone-less syllable, or None when it is not a valid one.

    The glides of "qu" and "gi" belong to the onset; gi + iê… is written "giê…" (giếng), and
    "gi" before a consonant or alone is g + i (gì, gìn).
    """
    onset = ""
    for n in (3, 2, 1):
        if text[:n] in ONSETS and len(text) > n:
            onset = text[:n]
            break
    if onset == "gi" and text[2] not in VOWELS:
        onset = "g"
    if onset == "qu" and text[2] not in VOWELS:
        return None
    rhyme = text[len(onset) :]
    glide = {"gi": "i", "qu": "u"}.get(onset)
    if rhyme not in RHYMES and (glide is None or glide + rhyme not in RHYMES):
        return None
    front = rhyme.startswith(_FRONT)
    if onset in ("gh", "ngh") and not front:  # k is also written before a, o, u in names (Bắc Kạn, Kông)
        return None
    if (onset == "c" or onset == "ng") and front:
        return None
    if onset == "g" and rhyme.startswith(("e", "ê")):
        return None
    return onset, rhyme


def _tone_index(rhyme: str) -> int:
    """Index in `rhyme` of the vowel that carries the tone, old style: the modified vowel (ơ of
    ươ), else the only vowel, else the middle of three, else the second of two before a coda,
    else the first of two (hòa, thủy, mùa)."""
    vowels = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    marked = [i for i in vowels if rhyme[i] in "ăâêôơư"]
    if marked:
        return marked[-1]
    if len(vowels) == 1:
        return vowels[0]
    if len(vowels) == 3:
        return vowels[1]
    coda = rhyme[vowels[-1] + 1 :]
    return vowels[1] if coda else vowels[0]


def build_syllable(letters: Sequence[tuple[str, str]], tone: int) -> str | None:
    """The canonical lowercase syllable for base letters with modifiers and a tone, or None."""
    plain = _spell(letters)
    parts = split_syllable(plain)
    if parts is None:
        return None
    onset, rhyme = parts
    if tone in (2, 3, 4) and rhyme.endswith(_STOPS):
        return None
    if tone:
        i = len(onset) + _tone_index(rhyme)
        plain = plain[:i] + _compose(plain[i], "", tone) + plain[i + 1 :]
    return canonical_cased(plain)


def _recase(word: str, syllable: str) -> str:
    """Case of the typed word carried to the reading: VIEEJT → VIỆT, Vieejt → Việt."""
    letters = [c for c in word if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return syllable.upper()
    if word[:1].isupper():
        return syllable[:1].upper() + syllable[1:]
    return syllable


# --- keystroke decoding ----------------------------------------------------------------------------

_TELEX_TONES = {"s": 1, "f": 2, "r": 3, "x": 4, "j": 5, "z": 0}
_VNI_TONES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "0": 0}
MAX_WORD = 14  # longer strings are not one syllable's keystrokes


def _glide(letters: Sequence[tuple[str, str]]) -> int:
    """Letters at the start that belong to the onset even though they are vowels: qu, gi."""
    return 2 if [b for b, _ in letters[:2]] in (["q", "u"], ["g", "i"]) else 0


def _horn_options(letters: list[tuple[str, str]], keys: int, targets: str) -> list[list[tuple[str, str]]]:
    """Ways to apply `keys` horn/breve keys (Telex w, VNI 7/8), most likely first: u+o together
    (ươ: "uow", "uwo", "uwow"), else one of the plain u, o, a. Validity picks among them."""
    start = _glide(letters)  # the glide of qu, gi is no target
    options: list[list[tuple[str, str]]] = []
    if "u" in targets and "o" in targets:
        for i in range(start, len(letters) - 1):
            (a, ma), (b, mb) = letters[i], letters[i + 1]
            # one key modifies both ("uow"), or the one left ("uwo"); a second key is tolerated
            if a == "u" and b == "o" and {ma, mb} <= {"", HORN} and "" in (ma, mb) and keys <= 2:
                opt = list(letters)
                opt[i], opt[i + 1] = ("u", HORN), ("o", HORN)
                options.append(opt)
    if keys == 1:
        for want in "uoa":
            if want not in targets:
                continue
            for i in range(start, len(letters)):
                if letters[i] == (want, ""):
                    opt = list(letters)
                    opt[i] = (want, BREVE if want == "a" else HORN)
                    options.append(opt)
    return options


@dataclass
class _Typing:
    """A word's letters as its keys are read, and the keys applied once all are read: the
    tone keys, and the horn keys (Telex w, VNI 7 for u/o and 8 for a) by the vowels they take."""

    letters: list[tuple[str, str]]
    tone_keys: list[int]
    horn_keys: dict[str, int]
    seen_vowel: bool = False

    def letter(self, base: str, mod: str = "") -> None:
        self.letters.append((base, mod))
        self.seen_vowel = self.seen_vowel or base in "aeiouy"


def _decode(word: str, scheme: Literal["telex", "vni"]) -> str | None:
    word = normalize_text(word)
    if not word or len(word) > MAX_WORD or not any(c.isalpha() for c in word):
        return None
    parsed = _letters(word)
    if parsed is None:
        return None
    typed, marked_tones = parsed
    if len(marked_tones) > 1:
        return None
    if not any(b in "aeiouy" or (scheme == "telex" and b == "w") for b, _ in typed):
        return _acronym(word, scheme)
    typing = _Typing(letters=[], tone_keys=list(marked_tones), horn_keys={"u": 0, "a": 0})
    tones = _TELEX_TONES if scheme == "telex" else _VNI_TONES
    apply_key = _telex_key if scheme == "telex" else _vni_key
    for base, mod in typed:
        if mod:
            typing.letter(base, mod)
        elif base in tones and typing.seen_vowel:
            typing.tone_keys.append(tones[base])
        else:
            applied = apply_key(base, typing)
            if applied is None or (not applied and base.isdigit()):
                return None
            if not applied:
                typing.letter(base)
    return _spelled(word, typing, scheme)


def _spelled(word: str, typing: _Typing, scheme: Literal["telex", "vni"]) -> str | None:
    """The syllable the keys read spell, in `word`'s case: one tone key at most, the horn keys
    on each set of vowels they may modify, the first that makes a valid syllable."""
    if len(typing.tone_keys) > 1 or not typing.seen_vowel:
        return None
    tone = typing.tone_keys[0] if typing.tone_keys else 0
    candidates = [typing.letters]
    for kind, keys in typing.horn_keys.items():
        if keys:
            targets = ("uoa" if scheme == "telex" else "uo") if kind == "u" else "a"
            candidates = [opt for c in candidates for opt in _horn_options(c, keys, targets)]
    for option in candidates:
        syllable = build_syllable(option, tone)
        if syllable is not None:
            return _recase(word, syllable)
    return None


def _telex_key(base: str, typing: _Typing) -> bool:
    """Apply `base` as a Telex key (w, a doubled a/e/o, dd) if it is one here; False: a letter."""
    letters = typing.letters
    if base == "w":
        if any(lt in (("u", ""), ("o", ""), ("a", "")) for lt in letters[_glide(letters) :]):
            typing.horn_keys["u"] += 1
        else:  # w with nothing to modify is ư ("nhwng", "giwax")
            typing.letter("u", HORN)
    elif base in "aeo" and letters[-1:] == [(base, CIRCUMFLEX)]:  # "ooo" → "oo"
        letters[-1] = (base, "")
        letters.append((base, ""))
    elif base in "aeo" and letters[-1:] == [(base, "")]:
        letters[-1] = (base, CIRCUMFLEX)
    elif base == "d" and letters[:1] == [("d", "")] and (len(letters) == 1 or typing.seen_vowel):
        letters[0] = ("d", "đ")
    else:
        return False
    return True


def _vni_key(base: str, typing: _Typing) -> bool | None:
    """Apply `base` as a VNI key (9 for đ, 6 circumflex, 7 and 8 horns) if it is one here;
    False: a letter; None: a digit that is no key here (no syllable's keystrokes)."""
    if not base.isdigit():
        return False
    letters = typing.letters
    if base == "9" and letters[:1] == [("d", "")]:
        letters[0] = ("d", "đ")
    elif base == "6" and typing.seen_vowel:
        found = [i for i, lt in enumerate(letters) if lt[0] in "aeo" and lt[1] == ""]
        if not found:
            return None
        letters[found[-1]] = (letters[found[-1]][0], CIRCUMFLEX)
    elif base in "78" and typing.seen_vowel:
        typing.horn_keys["u" if base == "7" else "a"] += 1
    else:
        return None
    return True


_ACRONYM_D = {"telex": re.compile("d[dD]|D[dD]"), "vni": re.compile("[dD]9")}


def _acronym(word: str, scheme: Literal["telex", "vni"]) -> str | None:
    """Consonant-only words are initialisms: only the đ key applies ("HDDND" → "HĐND")."""
    if not word.isascii() or (not word.isalpha() and scheme == "telex") or not word.isalnum():
        return None
    decoded = _ACRONYM_D[scheme].sub(lambda m: "Đ" if m[0][0] == "D" else "đ", word)
    if decoded == word or any(c.isdigit() for c in decoded):
        return None
    return decoded


def decode_telex(word: str) -> str | None:
    """The syllable a Telex keystroke sequence spells ("Vieejt" → "Việt", "dduwowngf" → "đường"),
    case kept; None when `word` is not the keystrokes of a valid syllable. Tone key (s f r x j, z
    = none) at the end or right after the vowel; aa ee oo aw ow uw dd, w alone = ư; already typed
    marks are kept ("Viêjt" → "Việt"). A word without keys decodes to itself ("Nam")."""
    return _decode(word, "telex")


def decode_vni(word: str) -> str | None:
    """The syllable a VNI keystroke sequence spells ("Vie65t" → "Việt", "d9u7o7ng2" → "đường"),
    case kept; None when invalid. Digits: 1-5 tones (0 none), 6 â ê ô, 7 ư ơ, 8 ă, 9 đ."""
    return _decode(word, "vni")


_TELEX_KEYS = {CIRCUMFLEX: None, HORN: "w", BREVE: "w", "đ": "d"}
_VNI_KEYS = {CIRCUMFLEX: "6", HORN: "7", BREVE: "8", "đ": "9"}


def _encode(syllable: str, scheme: Literal["telex", "vni"], tone_after_vowel: bool) -> str:
    keys = _TELEX_KEYS if scheme == "telex" else _VNI_KEYS
    tone_keys = "zsfrxj" if scheme == "telex" else "012345"
    out: list[str] = []
    tone_key = ""
    previous = ""  # the previous letter when it is a plain vowel
    for ch in syllable:
        if ch in "đĐ":
            out.append(ch.replace("đ", "d").replace("Đ", "D") + keys["đ"])
            continue
        base, *marks = unicodedata.normalize("NFD", ch)
        piece = base
        if scheme == "telex" and base.lower() in "aeo" and previous == base.lower() and not _MODIFIERS & set(marks):
            piece = base * 2  # "oo" is typed "ooo" (xoong, Đoòng); "oo" alone would be ô
        previous = base.lower() if not _MODIFIERS & set(marks) else ""
        tone = ""
        for m in marks:
            if m in _MODIFIERS:
                piece += keys[m] or base.lower()
            else:
                tone = tone_keys[_MARK_TONE[m]]
        if tone and tone_after_vowel:
            piece += tone
        elif tone:
            tone_key = tone
        out.append(piece)
    keystrokes = "".join(out) + tone_key
    return keystrokes.upper() if len(syllable) > 1 and syllable.isupper() else keystrokes  # caps lock


def encode_telex(syllable: str, tone_after_vowel: bool = False) -> str:
    """The Telex keystrokes of a syllable, the inverse of `decode_telex` ("việt" → "vieetj", or
    "vieejt" with the tone key right after its vowel). For tests and benchmarks."""
    return _encode(syllable, "telex", tone_after_vowel)


def encode_vni(syllable: str, tone_after_vowel: bool = False) -> str:
    """The VNI keystrokes of a syllable ("việt" → "vie6t5", or "vie65t"). For tests and benchmarks."""
    return _encode(syllable, "vni", tone_after_vowel)


_HORN_FIXES = (("ưo", "ươ"), ("uơ", "ươ"))


def repair_marks(word: str) -> str | None:
    """The word with its marks re-placed ("vịêt" → "việt", "hoà" → "hòa", "nguời" → "người"),
    case kept; None when nothing changes or the word is not a valid syllable. The word is
    stripped to base letters + modifiers + one tone and rebuilt, so it is idempotent."""
    word = normalize_text(word)
    if word.isascii() or len(word) > MAX_WORD:
        return None
    parsed = _letters(word)
    if parsed is None or len(parsed[1]) > 1 or any(b.isdigit() for b, _ in parsed[0]):
        return None
    letters, tones = parsed
    tone = tones[0] if tones else 0
    syllable = build_syllable(letters, tone)
    if syllable is None:  # a half-typed ươ ("nguời", "dưong")
        plain = _spell(letters)
        for wrong, right in _HORN_FIXES:
            if wrong in plain:
                fixed = _letters(plain.replace(wrong, right, 1))
                syllable = build_syllable(fixed[0], tone) if fixed else None
                break
    if syllable is None:
        return None
    repaired = _recase(word, syllable)
    return None if repaired == word else repaired


# --- readings and gating ---------------------------------------------------------------------------

Method = Literal["raw", "telex", "vni", "marks"]


@dataclass(frozen=True, slots=True)
class Reading:
    """One way to read a typed word: `text` to show, `folded` to match, `method` it came from."""

    text: str
    folded: str
    method: Method

    @property
    def exact(self) -> str:
        """The form the `exact` index fields hold (lowercase, canonical tone placement)."""
        return canonical_syllable(self.text)


def base_letters(word: str) -> str:
    """The folded letters a keystroke sequence types, its keys dropped: "noiij" → "noii",
    "dduwowngf" → "duong", "Vie65t" → "viet"; a run of a doubling key is a pair of keys at a
    time ("aaaa" → "aa", not "a": bug hunt 78). For typo lookup of a word that does not decode
    (a mistyped keystroke): "noiij" is 2 edits from "noi", its base letters only 1. Not a
    reading: English words lose letters too ("virus" → "viu")."""
    out: list[str] = []
    seen_vowel = False
    doubled = False  # the letter before was a doubling key: a third is typed ("aaa" is "aa")
    for c in fold(word):
        if c in "aeod" and out[-1:] == [c] and not doubled:
            doubled = True
            continue
        doubled = False
        if c.isdigit() or (seen_vowel and c in _TELEX_TONES):
            continue
        if c == "w":  # ư when it stands alone, else a modifier of the vowel before
            if seen_vowel:
                continue
            c = "u"
        out.append(c)
        seen_vowel = seen_vowel or c in "aeiouy"
    return "".join(out)


# The endings a syllable being typed may still get: a word cut short is decoded with each,
# which is then taken off again ("Vieej" + "t" is "Việt": "Việ").
_ENDINGS_TO_COME = ("", "t", "n", "c", "m", "p", "ng", "nh", "ch")


def typed_so_far(word: str) -> str:
    """What the keystrokes of a word being typed with the input method off spell so far, marks
    included: the word decoded as Telex or VNI, or, cut short, decoded with an ending still to
    come and that ending taken off ("Vieej" → "Việ", "Vie65" → "Việ", "nawm" → "năm"); the word
    itself where neither reads it. For search-as-you-type (`titles.marks_first`)."""
    for ending in _ENDINGS_TO_COME:
        for decode in (decode_telex, decode_vni):
            decoded = decode(word + ending)
            if decoded and decoded.lower().endswith(ending) and decoded.lower() != (word + ending).lower():
                return decoded[: len(decoded) - len(ending)]
    return word


def readings(word: str) -> list[Reading]:
    """The raw word first, then each distinct decoded or repaired reading (by text)."""
    raw = Reading(word, fold(word), "raw")
    out = [raw]
    seen = {word}
    for method, fn in (("marks", repair_marks), ("telex", decode_telex), ("vni", decode_vni)):
        text = fn(word)
        if text is not None and text not in seen:
            seen.add(text)
            out.append(Reading(text, fold(text), method))
    return out


# A spelling with its shape marks but no tone ("tiêng") that the index prints TONE_DOMINANT
# times less often than the same letters with one tone ("tiếng"; news-50k: 12 against 8,512):
# the tone key was left out, and the few articles printing it toneless hold a typo. Real
# toneless words are not that rare beside their toned siblings: "đê" 244 against "để" 31,394
# (128×), "ơ" 159 against "ở" (198×), "cân" 2,623 against "cần" 11,570. A syllable ending in a
# stop (c, ch, p, t) is never toneless ("viêt", "đươc"): only sắc or nặng can sit on it.
TONE_DOMINANT = 500


def toned_sibling(exact: str, support: Support) -> str | None:
    """The toned spelling a toneless `exact` (canonical, lowercase) was meant as: for a stop
    ending, the likelier of sắc and nặng the index prints; else the toned spelling it prints
    TONE_DOMINANT times as often. None otherwise."""
    parsed = _letters(exact)
    if parsed is None or parsed[1] or not has_marks(exact):  # toned, or no marks to go by
        return None
    stop = fold(exact).endswith(_STOPS)
    tones = (1, 5) if stop else range(1, len(TONE_MARKS))
    toned = (build_syllable(parsed[0], tone) for tone in tones)
    count, best = max(((support.printed_count(t), t) for t in toned if t), default=(0, ""))
    needed = 1 if stop else TONE_DOMINANT * max(1, support.printed_count(exact))
    return best if count >= needed else None


@dataclass(frozen=True, slots=True)
class WordChoice:
    """The reading chosen for one typed word, and the others that were considered."""

    raw: str
    chosen: Reading
    options: tuple[Reading, ...]

    @property
    def changed(self) -> bool:
        return self.chosen.text != self.raw

    @property
    def keyed(self) -> bool:
        """Decoded from Telex or VNI keystrokes: the input method was off."""
        return self.changed and self.chosen.method in ("telex", "vni")

    @property
    def typed_with_marks(self) -> bool:
        """Typed as it stands, with marks (not decoded from keys): a word typed with care."""
        return not self.changed and has_marks(self.raw)

    @property
    def folded_forms(self) -> tuple[str, ...]:
        """What to match: the chosen reading, then the raw word when it differs (the raw words
        keep matching, so a wrong choice costs ranking, never recall)."""
        raw = fold(self.raw)
        return (self.chosen.folded,) if raw == self.chosen.folded else (self.chosen.folded, raw)

    @property
    def decoded_by_one_key(self) -> bool:
        """Whether one keystroke decoded the word ("tori" → "tỏi", Telex or VNI)."""
        return _one_key(self.options[0], self.chosen)

    @property
    def typo_keys(self) -> tuple[str, ...]:
        """Folded strings to look typo candidates up with (`misspellings.typo_candidates`): the
        `folded_forms`, then the raw word's `base_letters` (for a mistyped keystroke) when they
        are short enough for a syllable: a long word is no keystrokes, and its base letters with
        a long word's two edits on top were four from what was typed ("Donovanosis": "donovanoi",
        then "Donovan"). None for a word that opens with a digit: "16GB", "39m2", "50cc" are a
        number and its unit, neither keystrokes nor a slip ("50cc" was offered "có", "16gb" "gì").
        No base letters for a word with a capital inside ("VinFast", "iPhone"): a name, not
        keystrokes ("VinFast", its f and s read as Telex tone keys, was offered "Vina"); nor for
        a code, whose digits are no VNI keys (`_vni_digits`: "H5N1" was offered "HN", Hà Nội's
        news, "P2P" "PP", "A321neo" "Neo"; bug hunt 70)."""
        if self.raw[:1].isdigit():
            return ()
        keys = self.folded_forms
        letters = base_letters(self.raw)
        if letters in keys or len(letters) >= LONG_WORD or _capital_inside(self.raw) or not _vni_digits(self.raw):
            return keys
        return (*keys, letters)


def keys_apart(a: str, b: str) -> int:
    """How many keys tell two spellings of the same letters apart (canonical syllables): a tone
    key, a shape key (circumflex, horn, breve: "ươ" takes one), the đ key, each 1 ("nọi" and
    "nội" 1, "dội" and "đối" 2). Keys that slipped are one key off what was meant."""
    pa, pb = _letters(a), _letters(b)
    if pa is None or pb is None:  # letters no key types ("löw"): the same word, or more than a key apart
        return 0 if a == b else 2
    shapes = [{mod for _, mod in letters if mod} for letters, _ in (pa, pb)]  # (the đ is a letter's modifier)
    return (set(pa[1]) != set(pb[1])) + len(shapes[0] ^ shapes[1])


# The VNI keys that may follow a syllable's letters: a mark (6 â ê ô, 7 ư ơ, 8 ă) and a tone (1-5),
# each struck twice at most ("bong11")
_VNI_KEYS_AFTER = re.compile(r"([a-z]+?)([678]{1,2}[1-5]{0,2}|[1-5]{1,2})")


def letters_and_vni_keys(folded: str) -> bool:
    """Whether `folded` is a syllable's letters and VNI keys after them that spell no syllable
    with them: keys that slipped ("tuong1", the 7s of "tu7o7ng1" left out; "bong11"), where other
    words are VNI keys (`spacing`, `didyoumean`). Not a number run into letters ("iphone7",
    "ron95"): their letters are no syllable or their digits no keys."""
    m = _VNI_KEYS_AFTER.fullmatch(folded)
    return m is not None and could_be_syllable(m[1]) and decode_vni(folded) is None


_NOT_VNI_DIGITS = re.compile(r"^[^aeiouy\d]*[0-8]|\d{3}", re.IGNORECASE)


def _vni_digits(word: str) -> bool:
    """Whether the digits of a word may be VNI keys: each after a vowel (a mark or a tone), or 9
    after d (đ), and never three in a row (a mark and a tone at most: "Vie65t"). "H5N1", "P2P"
    and "A321neo" are codes."""
    return _NOT_VNI_DIGITS.search(word) is None


def _capital_inside(word: str) -> bool:
    """A capital letter after a small one ("VinFast", "iPhone"): how names are written, never
    keystrokes typed with the input method off."""
    return any(a.islower() and b.isupper() for a, b in pairwise(word))


@dataclass(frozen=True, slots=True)
class Understood:
    """One choice per query word, in order; `text` is the query as understood (for display)."""

    words: tuple[WordChoice, ...]

    @property
    def text(self) -> str:
        return " ".join(w.chosen.text for w in self.words)

    @property
    def changed(self) -> bool:
        return any(w.changed for w in self.words)


# Scores of one reading of the whole query (see `understand`). A known pair outweighs the raw
# word's head start, so one supported pair can overturn a known raw word ("Hoof" in "phoos Hoof
# Chis"), but a decoded syllable alone never does ("teen" stays "teen").
RAW_KNOWN = 2.5
DECODED_KNOWN = 1.0
PAIR_KNOWN = 2.0
TIE = 0.01  # frequency only breaks ties
# A word counts in full where it is printed in KNOWN_SHARE of the archive's articles (at least
# one: 104 of news-50k's, 6 of news-2k's), a pair where it is held in more than chance explains
# (`typo_evidence.chance_pairs`: 4 articles of news-50k, 1 of news-2k), and either less below, on
# a log scale (`_known`): an archive prints its own typos, keys and all ("Côong an" in 8 articles
# of news-50k, "khoông" in 1), and `coong an` was read as typed, against the "công an" of 6,673.
KNOWN_SHARE = 0.003
# A decoded syllable the index lacks, for a raw word it lacks too, when two or more keys were
# consumed ("Vieejt" → "Việt", "Vie65t" → "Việt" on an index that never prints it): the
# keystrokes spell it, where the raw letters spell nothing anyone meant. One key is not enough
# ("bus" → "bú", "taxi" → "tãi"). Below DECODED_KNOWN, so a reading the index holds wins.
DECODED_UNKNOWN = 0.5
SPELLING_KEYS = 2


def _one_key(raw: Reading, decoded: Reading) -> bool:
    """Whether `decoded` read exactly one keystroke of `raw` as a mark (Telex or VNI)."""
    return decoded.method in ("telex", "vni") and len(raw.folded) - len(decoded.folded) == 1


def _spelled_by_keys(raw: Reading, decoded: Reading) -> bool:
    """Whether `decoded` used SPELLING_KEYS+ keystrokes of `raw` as marks (Telex or VNI)."""
    return decoded.method in ("telex", "vni") and len(raw.folded) - len(decoded.folded) >= SPELLING_KEYS


def _unprinted_syllable(raw: Reading, decoded: Reading, support: Support) -> bool:
    """Whether `decoded` read one tone key of `raw` ("x" of "tixn", "2" of "hoa2") as a mark and
    made a syllable the index never prints so ("tĩn"). Not a shape key ("dduc" → "đuc": its
    letters are what the slip of a doubled letter leaves anyway), nor an initialism ("GDDDT" →
    "GDĐT"), whose marked form the index may hold only in parts."""
    if not _one_key(raw, decoded) or not could_be_syllable(decoded.folded) or support.printed(decoded.exact):
        return False
    key = Counter(raw.folded) - Counter(decoded.folded)  # the letter read as a mark
    return set(key) <= set(_TELEX_TONES if decoded.method == "telex" else _VNI_TONES)


def _in_a_tone_style(word: str) -> bool:
    """Marks placed the old way ("hòa", "ủy") or the new way ("hoà", "uỷ"): both are right."""
    word = normalize_text(word)
    return word in (canonical_cased(word), normalize_diacritics(word, new_style=True))


@lru_cache(maxsize=4096)
def _options(word: str) -> tuple[Reading, ...]:
    """The raw word (or its mark repair, same folded form: a pure improvement, taken only when
    the marks are misplaced, not merely in the other tone style), then decoded readings with
    other folded forms, one per folded form. Remembered for the last 4,096 words (~2 MB): every
    word of every query is decoded three ways (a sixth of understanding a query), and half the
    words of the workload's first-sight queries were in an earlier one."""
    found = readings(word)
    base = found[0] if _in_a_tone_style(word) else next((r for r in found if r.method == "marks"), found[0])
    out = [base]
    for r in found[1:]:
        if all(r.folded != o.folded for o in out):
            out.append(r)
    return tuple(out)


def understand(words: Sequence[str], support: Support, hyphened: Iterable[range] = ()) -> Understood:
    """Choose per word the raw text or a decoded reading, judged over the whole query.

    A reading of the query scores: per word, RAW_KNOWN when the raw word is in the index,
    DECODED_KNOWN when a decoded one is (decoded syllables the index lacks are not considered),
    and per adjacent pair PAIR_KNOWN when the index holds it, each less where it is printed in
    fewer than KNOWN_SHARE of the articles (`_known`; a raw word typed as a name in full:
    `_typed_as_names`); otherwise document frequencies only break ties. The best-scoring
    reading wins (exact Viterbi over the chain), raw on ties. `words` are the surfaces of one
    run of adjacent query words; `hyphened`, the runs of them joined by hyphens ("Sang-hwa":
    range(1, 3) of "Lee Sang-hwa").
    """
    options = [_options(w) for w in words]
    keyed = sum(any(r.method in ("telex", "vni") for r in o) for o in options)
    if any(has_marks(w) for w in words) or (len(words) >= SHORT_QUERY and keyed == 1):
        # Marks typed: the input method was on, so a word that one key would decode ("sex" →
        # "sẽ", "Lis" → "Lì") is spelled as meant, an English word or a name; two or more keys
        # ("Việt Nam xuaats khaaur") still read as the method switched off mid-query (vinewsqa
        # accented 0.8006 -> 0.8016, typo-accented 0.7891 -> 0.7912). Likewise in a long query
        # where no other word could be keys: typed with the method off, most words would carry
        # some ("vi sao sex lam giam dau bung kinh"; vinewsqa plain 0.7993 -> 0.8003, typo
        # 0.7899 -> 0.7909, headlines typo 0.9380 -> 0.9383). No other cell moved. Beside words
        # typed with marks, unless the letters as typed are held but by chance (`_keys_for_sure`:
        # "tai nạn giao thoong", "Đà Nẵng baox"); in a long query typed plain, such a word is a slip.
        typed_marks, named = any(has_marks(w) for w in words), _typed_as_names(words)
        options = [tuple(r for r in o if not _one_key(o[0], r)
                         or (typed_marks and _keys_for_sure(o[0], r, i in named, support)))
                   for i, o in enumerate(options)]
    elif keyed == 1:
        # The only word that could be keys, and one key would make it a syllable the index never
        # prints so ("so tixn no": "tĩn"): a slip that hit a Telex key, looked up as a typo
        # ("tiền"). With other words keyed ("haf noij"), the input method was off for them all.
        options = [tuple(r for r in o if not _unprinted_syllable(o[0], r, support)) for o in options]
    for run in hyphened:
        # The parts of a romanized name ("Lee Sang-hwa", "Moon Jae-in"), each printed as typed, are
        # no keys: the pair a decoding would make ("sang hua") is no evidence against a hyphen.
        # Not an initialism's ("KH-DDT": "KH-ĐT"), nor where a part is printed only as keys
        # would make it ("Ar-raapj": "Ả-rập", "coong-ddaam").
        if all(not words[i].isupper() and support.df(options[i][0].folded) for i in run):
            options = [o[:1] if i in run else o for i, o in enumerate(options)]
    if not words or all(len(o) == 1 for o in options):
        return Understood(tuple(WordChoice(w, o[0], tuple(o)) for w, o in zip(words, options, strict=True)))
    dfs = {r.folded: support.df(r.folded) for opts in options for r in opts}
    in_full = max(1.0, KNOWN_SHARE * support.documents)
    pair_in_full = chance_pairs(support.documents) + 1
    named = _typed_as_names(words)

    def unary(i: int, k: int, r: Reading) -> float:
        df = dfs[r.folded]
        if k == 0:  # the raw word
            return RAW_KNOWN * (1.0 if i in named else _known(df, in_full)) + TIE * math.log1p(df) if df else 0.0
        if df:
            return DECODED_KNOWN * _known(df, in_full) + TIE * math.log1p(df)
        raw = options[i][0]
        return DECODED_UNKNOWN if _spelled_by_keys(raw, r) and not dfs[raw.folded] else -math.inf

    # best[k]: (score, path) of the best reading of words[:i+1] ending in options[i][k]
    best = [(unary(0, k, r), [k]) for k, r in enumerate(options[0])]
    for i in range(1, len(words)):
        layer = []
        for k, r in enumerate(options[i]):
            u = unary(i, k, r)
            scored = []
            for j, prev in enumerate(options[i - 1]):
                score, path = best[j]
                if math.isfinite(score + u) and dfs[prev.folded] and dfs[r.folded]:
                    pair = support.pair_df(prev.folded, r.folded)
                    score += PAIR_KNOWN * _known(pair, pair_in_full) + TIE * math.log1p(pair) if pair else 0.0
                scored.append((score + u, -sum(path), [*path, k]))  # ties: fewer decoded words
            top = max(scored)
            layer.append((top[0], top[2]))
        best = layer
    _, path = max(best, key=lambda sp: (sp[0], -sum(sp[1])))
    return Understood(tuple(WordChoice(w, o[k], tuple(o)) for w, o, k in zip(words, options, path, strict=True)))


def _keys_for_sure(raw: Reading, decoded: Reading, named: bool, support: Support) -> bool:
    """Whether a word one key decodes is keys wherever it is typed, beside words typed with marks
    too: its letters as typed are held in no more articles than chance (`chance_pairs`; "thoong"
    in 2 of news-50k's, its own keystroke typos; "baox" in none), its decoding is printed
    ("thông", "bão"), and it is not typed as a name (`_typed_as_names`: "cô Lis"). Read as a
    slip of letters, "thoong" matched "thương" and "hong" as much as "thông", and "baox" was
    shown "báo" (bug hunt 96)."""
    return not named and support.df(raw.folded) <= chance_pairs(support.documents) and support.printed(decoded.exact)


def _known(articles: int, in_full: float) -> float:
    """How fully a word or pair printed in `articles` articles counts as known: 1 from `in_full`
    articles on (KNOWN_SHARE), on a log scale below."""
    return min(1.0, math.log1p(articles) / math.log1p(in_full))


def _typed_as_names(words: Sequence[str]) -> set[int]:
    """The words (by place) typed with a capital after the first ("Myat Min Oo", "cô Lee") or
    in capitals ("CAR-T", "HER 2"): a name or an initialism as typed, known in full however
    seldom the archive prints it (`understand`). Keys typed with the input method off do not
    stop for a capital mid-query; the first word's may be the sentence's."""
    return {i for i, w in enumerate(words) if len(w) > 1 and w[0].isupper() and (i > 0 or w.isupper())}


_FOLDED_ONSETS = frozenset(fold(o) for o in ONSETS) | {""}
_FOLDED_RHYMES = frozenset(fold(r) for r in RHYMES)


def could_be_syllable(folded: str) -> bool:
    """Whether some marking of a folded word spells a Vietnamese syllable ("tien" for "tiền";
    not "cahn", "tori", "ht"): an onset, then a rhyme (gi/qu lend their glide), checked loosely."""
    for n in (3, 2, 1, 0):
        onset, rhyme = folded[:n], folded[n:]
        if onset in _FOLDED_ONSETS and rhyme and (
            rhyme in _FOLDED_RHYMES or (onset in ("gi", "qu") and onset[1] + rhyme in _FOLDED_RHYMES)
        ):
            return True
    return False
