"""Query parsing: what the user typed, as clauses of syllables.

Parsing is lenient (quotes, -exclude, OR, field:, never an error): anything a user types gives
a query and bad syntax degrades to plain words. Abbreviations (UBND ↔ Ủy ban nhân dân) are
recognised here as groups of interchangeable folded syllable sequences. What each word then
means (keyboard-off input, typos, restored marks) is `indexer.meanings.interpret`; which words
ask a question is `indexer.questions`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer.analysis import Syllable, has_marks, normalize_text, tokenize
from indexer.schema import PARTS
from indexer.settings import SettingError

MAX_QUERY_CHARS = 500
# A pasted lead or letter runs to 100 syllables, and its last ones are often what it asks
# ("… Xin hỏi …"): at 32 terms, 253 of 400 pasted leads were cut (bench/journal/relevance.md, stop 38).
# 120 bounds the cost (a 500-character query of the commonest words: ~0.1 s on 34,701 articles).
MAX_QUERY_TERMS = 120
# From this many words outside its quotes, a query is pasted text (a headline, a lead, a
# question) and its quotes are typography ('… HLV Jordan "ngả mũ"'), not an exact phrase
# (bench/journal/relevance.md, stop 38)
PASTED_TEXT_WORDS = 8
# From this many words in all, quotes that match nothing as written relax (`ranking`); below it
# a quoted phrase is a promise, and one holding a word no article holds is read as its words
# (`meanings.unquote_found_nowhere`)
PASTED_WORDS = 5
# Quoted phrases held as phrases in one query, at most: each is checked at the articles holding
# its words, and a 500-character query of 35 quoted common phrases took 5 s of a server thread
# (a bug hunt's finding); those after the first few are searched as their words. Exclusions
# whose words punctuation parts (`-và,của`), checked at their positions too, count with them:
# 38 of them took 5 s, and with every loosening of the query 19 s (bug hunt 87)
MAX_QUOTED_PHRASES = 4
# ... and from this many with typographic quotes (“…”): what news text prints, so pasted as often
# as typed (a phone types them for '"'). Typed, an exact phrase goes with a word or three: the
# legal question 'Lạm phát lấy lại “phong độ”?' (its article never writes "phong độ") was lost
# when they became phrase quotes, at 8.
TYPOGRAPHIC_TEXT_WORDS = 4
FIELD_CHOICES = {
    "all": PARTS,
    "title": ("title",),
    "body": ("lead", "body"),
    "lead": ("lead",),
    "caption": ("caption",),
}
FIELD_ALIASES = {"title": "title", "caption": "caption", "body": "body", "lead": "lead",
                 "tieude": "title", "anh": "caption", "chuthich": "caption"}
ABBREVIATIONS_FILE = Path(__file__).parent / "data" / "abbreviations.tsv"

# --- query parsing -------------------------------------------------------------------------------


@dataclass
class Clause:
    """One unit of a parsed query: plain words (a run of them), or a quoted phrase."""

    tokens: list[Syllable]
    phrase: bool = False
    negated: bool = False
    parts: tuple[str, ...] = PARTS
    or_next: bool = False  # joined to the next clause by OR
    # An exclusion whose words punctuation parts (`-"Hà Nội, Việt Nam"`, `-và,của`) is checked
    # at their positions, as a quoted phrase is, within the same budget (MAX_QUOTED_PHRASES):
    # beyond it (False), its words are kept out where they stand side by side
    checked: bool = True


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)
    truncated: bool = False
    unquoted: tuple[str, ...] = ()  # quoted phrases read as words (`meanings.unquote_found_nowhere`), as typed
    terms_end: int | None = None  # where the text was cut at MAX_QUERY_TERMS terms (None: it was not)

    @property
    def searched_text(self) -> str:
        """The text whose words are searched, as the response shows it back: cut after the
        MAX_QUERY_TERMS-th term (the API's `query` held all 125 words where the notice said 120
        were searched: bug hunt 82). `text` stays whole, spans and all: a question's closing
        "?" past the cut still makes it one (bug hunt 84)."""
        return self.text if self.terms_end is None else self.text[: self.terms_end].rstrip()

    @property
    def positive_tokens(self) -> list[Syllable]:
        return [t for c in self.clauses if not c.negated for t in c.tokens if not t.alias]

    @property
    def is_empty(self) -> bool:
        return not any(c.tokens for c in self.clauses if not c.negated)

    def searched_parts(self) -> tuple[str, ...]:
        """The parts of an article its words are looked for in (`field`, or the prefixes of all
        its words: `caption:năm` marked "năm" in the title and the snippet of the body too)."""
        asked = {p for c in self.clauses if not c.negated for p in c.parts}
        return tuple(p for p in PARTS if p in asked) or PARTS

    def quoted_phrases(self) -> list[str]:
        """What was typed between the quotes of each phrase the query asks for, as typed."""
        return [quoted_text(self.text, [t for t in c.tokens if not t.alias])
                for c in self.clauses if c.phrase and not c.negated]


# A minus excludes what follows it; before a number only where the number ends the query, or
# only exclusions follow it: a refinement typed at the end (`iphone -7`, `giá vàng -2017 -2018`).
# Elsewhere it is a negative number of a pasted text (`ở -50 độ`), searched as the number: `-7`
# was read so everywhere, which searched for what was to be kept out (bug hunt 65).
_MINUS = r'-(?=[^\d\s]|\d[^\s"]*(?:\s+-(?:"[^"]*"|[^\s"]\S*))*\s*$)'
_QUERY_TOKEN = re.compile(
    rf'(?P<neg>{_MINUS})?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))|(?P<quote>")'
)


_QUOTED = re.compile(r'"[^"]*"')


def quotes_are_typography(text: str, typographic: bool = False) -> bool:
    """Whether the query's quotes belong to a pasted text rather than ask for a phrase: it has
    PASTED_TEXT_WORDS+ words outside them (where they were typed “…”, `typographic`:
    TYPOGRAPHIC_TEXT_WORDS+, or PASTED_TEXT_WORDS+ inside one). Quoting a phrase to search for
    it exactly goes with a few words, while news text quotes a word or two amid a sentence,
    and a phrase required of a pasted headline or lead keeps out the article that words it
    otherwise. Only the plain phrases lose their quotes: -"…" and field:"…" are still operators."""
    if '"' not in text:
        return False
    if typographic and any(len(tokenize(q)) >= PASTED_TEXT_WORDS for q in _QUOTED.findall(text)):
        return True  # “a quotation of a sentence”, pasted: no phrase typed on a phone
    enough = TYPOGRAPHIC_TEXT_WORDS if typographic else PASTED_TEXT_WORDS
    return len(tokenize(_QUOTED.sub(" ", text))) >= enough


def _unquoted(m: re.Match[str]) -> str:
    """A quoted phrase as plain words, unless it is -"excluded" or field:"…" (same length)."""
    if m.start() and m.string[m.start() - 1] in "-:":
        return m.group()
    return " " + m.group()[1:-1] + " "


# A field prefix with a space after it ("title: giá vàng") or nothing ("title:", while still
# typing). Not "anh:", which is also a word a pasted text may end a label with.
_SPACED_FIELD = re.compile(
    r"(?<![\w:])(" + "|".join(a for a in FIELD_ALIASES if a != "anh") + r"):(?:\s+|$)", re.IGNORECASE
)


def _unspaced_fields(text: str) -> str:
    """A field prefix joined to its word ("title: giá" → "title:giá"), or dropped where nothing
    follows it yet ("giá title:")."""
    return _SPACED_FIELD.sub(lambda m: "" if m.end() == len(text) else m.group(1) + ":", text)


def completion_text(text: str) -> str:
    """What search-as-you-type completes (`SearchService.suggest`): the words typed, without
    the query's syntax, which titles do not print (`"giá` is "giá", `title:gia` "gia", `nam OR`
    "nam"); an excluded word is no part of it (`-gia` is "")."""
    words: list[str] = []
    excluding = False  # (after NOT)
    operators = _operators(text)
    matches = list(_QUERY_TOKEN.finditer(_unspaced_fields(_balanced(text))))
    for k, m in enumerate(matches):
        word, phrase, prefix = m.group("word"), m.group("phrase"), m.group("field")
        operator = word in operators and (words or _unit_follows(matches, k)) and not excluding
        if m.group("quote") is not None or word == "OR" or operator:
            excluding = word == "NOT"
            continue
        if m.group("neg") or excluding:
            excluding = False
            continue
        if prefix and word is not None and FIELD_ALIASES.get(prefix.lower()) is None:
            word = prefix + ":" + word  # not a field: one word ("19:30")
        typed = phrase if phrase is not None else word
        if any(ch.isalnum() for ch in typed):  # not a "-" before the word to exclude, still to come
            words.append(typed)
    return " ".join(words)


def _unit_follows(matches: Sequence[re.Match[str]], k: int) -> bool:
    """Whether a word or a phrase follows `matches[k]`: an operator that opens a query stands
    for one (`NOT bạc giá vàng` was searched for "bạc" as a word; bug hunt 77), one typed
    alone is a word."""
    return any(m.group("word") is not None or m.group("phrase") is not None for m in matches[k + 1 :])


def _operators(text: str) -> tuple[str, ...]:
    """AND and NOT as operators, unless the whole query is in capitals: typed so without marks,
    "NOT" is as often "nốt" (`THUY DAU NOI NOT BAN`, `THOT NOT`: bug hunt 71)."""
    return ("AND", "NOT") if any(c.islower() for c in text) else ()


def _balanced(text: str) -> str:
    """`text` without its last quote where nothing closes it and it follows a field prefix or
    a minus: an unbalanced quote is ignored (`_QUERY_TOKEN` skips it), but there it cut the
    operator from its word ("title:\"giá vàng" searched the word "title", "-\"mưa" searched
    "mưa"). Anywhere else the text is left as typed."""
    if text.count('"') % 2 == 0:
        return text
    last = text.rindex('"')
    return text[:last] + text[last + 1 :] if last and text[last - 1] in "-:" else text


# Full-width forms (U+FF01-FF5E, and the ideographic space) as the ASCII they stand for: what
# an East Asian input method types ("ＵＢＮＤ"), which the archive prints in ASCII.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# ... and the typographic double quotes a phone or a word processor puts in place of '"' (iOS and
# macOS type “…” by default), and the minus sign, as the operators they stand for: `“ban đầu”`
# was searched as two loose words, and `-“ban đầu”` searched for "đầu" instead of keeping it out
_TYPOGRAPHIC_QUOTES = "“”„‟″〝〞"
_OPERATORS = {ord(c): ord('"') for c in _TYPOGRAPHIC_QUOTES} | {0x2212: ord("-")}
_AS_TYPED_ON_A_KEYBOARD = _HALF_WIDTH | _OPERATORS
# The "_" and "+" a slug, a hashtag or a URL puts between words, read as spaces (`_spaced`):
# `gia_vang_hom_nay` was one word no article holds (nothing found), `gia+vang` words apart
_SEPARATORS = {ord("_"): ord(" "), ord("+"): ord(" ")}
_CHUNK = re.compile(r"\S+")


def _spaced(text: str) -> str:
    """`text` with the `_SEPARATORS` of each run of words as spaces (one for one: the spans stay),
    not in an exclusion, a field's word or a code with digits: `-samsung+galaxy` made "galaxy"
    a word to find, `52340101_QT` two words and a "did you mean" of another code (bug hunt 71)."""
    def spaced(chunk: re.Match[str]) -> str:
        word = chunk[0]
        kept = word[0] == "-" or ":" in word or any(c.isdigit() for c in word)
        return word if kept else word.translate(_SEPARATORS)

    return _CHUNK.sub(spaced, text)


def normalize_query(text: str) -> str:
    """`normalize_text`, and full-width letters, digits and signs, typographic double quotes and
    the minus sign as ASCII (one for one: spans still point into what was typed, as far as they did)."""
    return _spaced(normalize_text(text).translate(_AS_TYPED_ON_A_KEYBOARD))


def parse_query(text: str, parts: Sequence[str] = PARTS) -> ParsedQuery:
    """Lenient parse: anything a user types gives a query; bad syntax degrades to plain words.

    Syntax: "exact phrase", -word / -"phrase" to exclude (a minus before a number excludes it
    at the end of the query, "iphone -7"; elsewhere it is a negative number, "ở -50 độ"), OR
    between two units (AND between them is what words typed side by side mean already; NOT
    before one excludes it, as the minus does: Lucene's and the search engines' words for
    them, which were searched as the words "and" and "not", "did you mean" offering "ANH"),
    and a field
    prefix (title:, caption:, body:, lead:; a space after it is forgiven, a prefix with nothing
    after it is dropped). An unbalanced quote is ignored; quotes after MAX_QUOTED_PHRASES
    phrases are searched as their words. A unit is a phrase
    or a run of plain words, so "ha noi OR hai phong" means (ha noi) OR (hai phong): Vietnamese
    words are several syllables.
    """
    typographic = any(c in _TYPOGRAPHIC_QUOTES for c in text or "")
    typed = "".join(ch if ch.isprintable() else " " for ch in normalize_text(text or "").translate(_HALF_WIDTH))
    mapped = _spaced(typed.translate(_OPERATORS))  # one for one: the same spans
    text = _unspaced_fields(_balanced(mapped))
    truncated = len(text) > MAX_QUERY_CHARS
    # the text as typed, its quotes as typed (“…” shown back as “…”, in "did you mean" too),
    # where joining a field to its word or dropping a quote left the spans in place
    shown = typed if text == mapped else text
    text = text[:MAX_QUERY_CHARS]
    parsed = ParsedQuery(text=shown[:MAX_QUERY_CHARS], truncated=truncated)
    if quotes_are_typography(text, typographic):  # the same length: spans still point into `text`
        text = _QUOTED.sub(_unquoted, text)
    run: Clause | None = None  # the current run of plain words
    n_terms = 0
    n_phrases = 0
    excluding = False  # NOT came before this unit
    operators = _operators(text)
    matches = list(_QUERY_TOKEN.finditer(text))
    for k, m in enumerate(matches):
        if m.group("quote") is not None:
            continue
        word, phrase = m.group("word"), m.group("phrase")
        if word == "OR" and parsed.clauses:
            parsed.clauses[-1].or_next = True
            run = None
            continue
        if word in operators and (parsed.clauses or _unit_follows(matches, k)) and not excluding:
            excluding = word == "NOT"
            continue
        negated, excluding = bool(m.group("neg")) or excluding, False
        prefix = m.group("field")
        alias = FIELD_ALIASES.get(prefix.lower()) if prefix else None
        clause_parts = tuple(parts)
        if alias is not None:
            clause_parts = tuple(p for p in FIELD_CHOICES[alias] if p in parts) or clause_parts
        elif prefix and word is not None:  # not a field: the whole thing is a word ("19:30",
            word = prefix + ":" + word  # "http:…", a pasted "Mả Lạng:Người") in the run of words
        if phrase is not None:
            source, base = phrase, m.start("phrase")
        else:
            source, base = word, m.start("field") if prefix and alias is None else m.start("word")
        tokens = tokenize(source or "")
        for tok in tokens:  # spans into the query text, not into the word
            tok.start += base
            tok.end += base
        if not tokens:
            continue
        n_terms += len(tokens)
        if n_terms > MAX_QUERY_TERMS:
            parsed.truncated = True
            parsed.terms_end = m.start()
            break
        if phrase is not None or negated or alias is not None:
            parted = negated and any(not t.joined for t in tokens[1:])  # checked at its positions
            n_phrases += phrase is not None or parted
            held = phrase is not None and n_phrases <= MAX_QUOTED_PHRASES
            parsed.clauses.append(Clause(tokens, phrase=held, negated=negated, parts=clause_parts,
                                         checked=not parted or n_phrases <= MAX_QUOTED_PHRASES))
            run = None
        elif run is not None:
            offset = run.tokens[-1].position + 1
            for tok in tokens:
                tok.position += offset
            tokens[0].joined = True
            run.tokens.extend(tokens)
        else:
            run = Clause(tokens, parts=clause_parts)
            parsed.clauses.append(run)
    return parsed


def joined_with_neighbours(clauses: Sequence[Clause], i: int) -> tuple[list[Clause], int]:
    """`clauses` with clause i (plain words) and the runs of plain words beside it (same
    fields, no OR between, not excluded, no initialism) made one run, as the parse makes words
    typed side by side: what a quoted phrase becomes once read as its words
    (`meanings.unquote_found_nowhere`), so that they share one minimum match. Also returns
    where the run stands."""

    def plain(c: Clause) -> bool:
        return not (c.phrase or c.negated or any(t.alias for t in c.tokens)) and c.parts == clauses[i].parts

    first = i - 1 if i > 0 and plain(clauses[i - 1]) and not clauses[i - 1].or_next else i
    last = i + 1 if i + 1 < len(clauses) and plain(clauses[i + 1]) and not clauses[i].or_next else i
    tokens: list[Syllable] = []
    for c in clauses[first : last + 1]:
        shift = tokens[-1].position + 1 if tokens else 0
        tokens += [replace(t, position=t.position + shift, joined=t.joined or (k == 0 and bool(tokens)))
                   for k, t in enumerate(c.tokens)]
    run = replace(clauses[i], tokens=tokens, or_next=clauses[last].or_next)
    return [*clauses[:first], run, *clauses[last + 1 :]], first


def quoted_text(text: str, tokens: Sequence[Syllable]) -> str:
    """What was typed between the quotes around a phrase's `tokens` (its punctuation too:
    `"<b>x</b>"` is `<b>x</b>`)."""
    quotes = '"' + _TYPOGRAPHIC_QUOTES
    start = max(text.rfind(q, 0, tokens[0].start) for q in quotes)
    ends = [e for q in quotes if (e := text.find(q, tokens[-1].end)) >= 0]
    return text[start + 1 : min(ends) if ends else tokens[-1].end].strip()


# --- abbreviations -------------------------------------------------------------------------------


class Abbreviations:
    """Groups of interchangeable forms (an abbreviation and its expansions), matched on folded
    syllable sequences, so "ubnd", "UBND" and "uy ban nhan dan" all find each other."""

    def __init__(self, files: Iterable[Path]) -> None:
        self.groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        self.spellings: set[str] = set()  # each one-word form as written, lowercase ("đh", "dn")
        self.longest = 1
        read = hashlib.sha256()
        for path in files:
            read.update(self._load(path).encode("utf-8") + b"\0")
        self.digest = read.hexdigest()[:16]  # of the lists read: what an answer's ETag says it used

    def _load(self, path: Path) -> str:
        """Read one list into the groups; its text."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:  # a user's file (VNSEARCH_ABBREVIATIONS)
            reason = e.strerror if isinstance(e, OSError) and e.strerror else "not UTF-8 text"
            raise SettingError(f"abbreviation file {path}: {reason}") from None
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            read = [self._read(text) for text in line.split("\t") if text.strip()]
            self.spellings.update(spelled for _, _, spelled in read if spelled)
            written = [syllables for syllables, _, _ in read] + [joined for _, run, _ in read for joined in run]
            forms = list(dict.fromkeys(f for f in written if f))
            if len(forms) < 2:
                continue
            for form in forms:
                group = self.groups.setdefault(form, [form])
                group.extend(f for f in forms if f not in group)
                self.longest = max(self.longest, len(form))
        return text

    @staticmethod
    def _read(text: str) -> tuple[tuple[str, ...], list[tuple[str, ...]], str]:
        """(the folded syllables of one form of the list; for an initialism written in parts,
        "TP.HCM", "TN&MT", its letters run together, "tphcm", as the analyzer's alias reads it
        in a text too: each finds the other's articles and marks, where only their expansion
        was shared; the form as written, lowercase, where it is one word, "ĐH": "đh", "TP.HCM":
        "tphcm", else "")."""
        text = normalize_text(text.strip())
        tokens = tokenize(text)
        joined = [(t.folded,) for t in tokens if t.alias and t.start == 0 and t.end == len(text)]
        words = [t for t in tokens if not t.alias]
        spelled = words[0].exact if len(words) == 1 else next((t.exact for t in tokens if t.alias), "")
        return tuple(t.folded for t in words), joined, spelled

    def listed(self, word: Syllable) -> bool:
        """Whether one typed word is a form of a group on its own: an abbreviation ("bch",
        "tw") or an initialism's letters run together ("tphcm"), never a syllable; typed with
        marks, as written with them ("đh" is "ĐH"; "đn" is no "DN")."""
        return (word.folded,) in self.groups and (not has_marks(word.exact) or word.exact in self.spellings)

    def match(self, folded: Sequence[str], start: int) -> tuple[int, list[tuple[str, ...]]] | None:
        """Longest form starting at `start`: (length, all forms of its group)."""
        for length in range(min(self.longest, len(folded) - start), 0, -1):
            group = self.groups.get(tuple(folded[start : start + length]))
            if group:
                return length, group
        return None
