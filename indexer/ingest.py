"""Ingest: turn what a scraper saved into clean `Article` records, and never let one bad file
spoil a build.

Inputs: scraped pages (``*.txt``, the layout of ``seeds/``) and JSON Lines (``*.jsonl``,
``*.jsonl.gz``, the corpus schema). Every file's encoding is detected (`indexer.encodings`),
every text field goes through `analysis.normalize_text`, and every input that cannot be used
becomes a `Rejection` with a plain reason: nothing is dropped silently.

Page layout and the rules that read it (`parse_page`):

* line 1 is ``HH:MM DD/MM/YYYY`` (Vietnam time) and the lead; a page without it is rejected;
* the **trailer** is the longest tail of the page made of timestamp lines and titles in which
  every title pairs with the first unpaired time listed before it, and no time is left over: this
  reads both layouts, grouped (all times, then all titles) and paired (time, title, ...). If no
  tail pairs up exactly, one that leaves times unpaired will do. It becomes `Related` items and
  is not part of the article text;
* the **byline** is the line just before the trailer (or the last line) when it looks like one:
  at most 60 characters and 8 words, no photo credit, no sentence punctuation at the end
  (a final "." only for initials like "N.H.");
* every other line is a **caption** or a **paragraph**, by `is_caption_line`.

Reading the files and folders a build is given is `indexer.input_files`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from indexer.analysis import normalize_text
from indexer.encodings import UndecodableError, decode_as, detect_encoding
from indexer.model import VIETNAM_TIME, Article, Caption, Related, canonical_id, encodable_id
from indexer.sentences import first_sentence

__all__ = [
    "IngestError",
    "IngestReport",
    "Rejection",
    "decode_bytes",
    "derive_title",
    "is_caption_line",
    "parse_jsonl_record",
    "parse_page",
]



class IngestError(Exception):
    """An input that cannot become an article; the message is a plain-language reason."""


@dataclass
class Rejection:
    """One rejected input: a whole file (line None) or one JSON line."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class IngestReport:
    """What an ingest run did, so a build can say what it accepted, rejected and skipped."""

    accepted: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    encodings: Counter[str] = field(default_factory=Counter)  # detected encoding -> files
    files: int = 0  # page and JSON Lines files opened (skipped files not included)
    skipped: int = 0  # files with other extensions (not rejections: not ours to read)
    skipped_extensions: Counter[str] = field(default_factory=Counter)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def reject(self, source: str, line: int | None, reason: str) -> None:
        self.rejections.append(Rejection(source, line, reason))

    def summary(self) -> str:
        """One line: counts of accepted, rejected (by kind) and skipped inputs."""
        files = f"{self.files} file" + ("" if self.files == 1 else "s")
        text = f"ingested {self.accepted} article{'' if self.accepted == 1 else 's'} from {files}"
        if self.rejections:
            kinds = Counter(_reason_kind(r.reason) for r in self.rejections)
            text += f"; rejected {self.rejected} (" + ", ".join(f"{k} {n}" for k, n in kinds.most_common()) + ")"
        else:
            text += "; rejected 0"
        if self.skipped:
            exts = ", ".join(f"{e} {n}" for e, n in self.skipped_extensions.most_common())
            text += f"; skipped {self.skipped} other file{'' if self.skipped == 1 else 's'} ({exts})"
        return text


def _reason_kind(reason: str) -> str:
    """A reason without its details, to count alike rejections: cut at ": " or " (" and
    without a final quoted value, never inside a word ("no timestamp line 'HH:MM …'" stays
    whole)."""
    if reason.startswith("duplicate id"):
        return "duplicate id"
    kind = re.split(r": | \(", reason, maxsplit=1)[0]
    return re.sub(r" '[^']*'$", "", kind).strip() or reason


# --- decoding -----------------------------------------------------------------------------------


def decode_bytes(data: bytes) -> tuple[str, str]:
    """-> (text, encoding name), one of `encodings.ENCODINGS`. Raises IngestError for binary or
    undecodable bytes. The returned text is NOT yet normalized (see `normalize_text`)."""
    if not data:
        return "", "utf-8"
    try:
        encoding = detect_encoding(data)
        return decode_as(data, encoding), encoding
    except UndecodableError as e:
        raise IngestError(str(e)) from None
    except (UnicodeDecodeError, ValueError):
        raise IngestError("undecodable: not UTF-8/UTF-16/Windows-1258/TCVN3/VNI text") from None


# --- dates --------------------------------------------------------------------------------------

_STAMP = r"(?P<hh>\d{1,2}):(?P<mm>\d{2})\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
_FIRST_LINE = re.compile(_STAMP + r"(?:\s+(?P<rest>.*))?")
_STAMP_LINE = re.compile(_STAMP)
# ... and the date before the time, as many feeds write it ("05/11/2021 11:29" rejected its record)
_DATE_THEN_TIME = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s+(?P<hh>\d{1,2}):(?P<mm>\d{2})")


def _stamp_iso(m: re.Match[str]) -> str | None:
    """ISO 8601 in Vietnam time for a matched HH:MM DD/MM/YYYY, None if no such moment;
    IngestError for a year out of range (`_archive_date`)."""
    try:
        dt = datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["hh"]), int(m["mm"]), tzinfo=VIETNAM_TIME)
    except ValueError:
        return None
    return _archive_date(dt, f"{m['hh']}:{m['mm']} {m['d']}/{m['m']}/{m['y']}")


FIRST_YEAR = 1000  # the earliest published year taken: facets and filters read years as YYYY


def _archive_date(local: datetime | None, text: str) -> str:
    """ISO 8601 of a moment in Vietnam time (None: none there), or IngestError where its year is
    out of FIRST_YEAR-9999. A placeholder ("0001-01-01", "9999-12-31T23:59:59Z") is no date: a
    year of 1 made a facet "1" that no YYYY link reaches, from a record and from a page's
    timestamp alike (a page's was let through: bug hunt 76)."""
    if local is None or not FIRST_YEAR <= local.year <= 9999:
        raise IngestError(f"published date {text[:40]!r} is out of range (years {FIRST_YEAR}-9999)")
    return local.isoformat(timespec="seconds")


def _parse_published(value: Any) -> str | None:
    """JSON Lines `published`: ISO 8601 (a naive time is taken as Vietnam time), 'HH:MM
    DD/MM/YYYY', 'DD/MM/YYYY HH:MM' or 'DD/MM/YYYY'; null stays None. Raises IngestError
    otherwise. Cleaned as every text field is: a BOM, a zero-width space or a bidi mark a CMS
    left in it rejected the whole record."""
    if value is not None and not isinstance(value, str):
        raise IngestError(f"published must be a string or null, not {_json_kind(value)}")
    text = normalize_text(value or "").strip()
    if not text:
        return None
    m = _STAMP_LINE.fullmatch(text) or _DATE_THEN_TIME.fullmatch(text)
    if m:
        iso = _stamp_iso(m)
        if iso:
            return iso
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if m:
            dt = datetime(int(m[3]), int(m[2]), int(m[1]), tzinfo=VIETNAM_TIME)
        else:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=VIETNAM_TIME)
    except ValueError:
        raise IngestError(f"invalid published date {text[:40]!r}") from None
    # in the archive's own time, as the date filters read days (`parameters.date_filter_of`): the
    # month facet, the date shown and `stats` take the date from this text, and a time given in
    # another zone ("2021-12-31T20:00:00-05:00") fell in 2021 there and in 2022 for the filters
    try:
        local = dt.astimezone(VIETNAM_TIME)
    except OverflowError:  # "9999-12-31T23:59:59Z" is in the year 10000 in Hà Nội
        local = None
    return _archive_date(local, text)


# --- line rules ---------------------------------------------------------------------------------

# A photo credit at the end of a line: "… Ảnh: TTXVN", "… (Ảnh: Lê Hòa/Vietnam+)", "(Nguồn: AFP)",
# "- Ảnh: PLO.", "(Ảnh THX)", "Ảnh minh họa", and "… Ảnh:" whose name the scraper lost. The credit
# itself is short and holds no sentence. "Nguồn" alone on a line ("Nguồn: Zing.") credits the
# article, not a photo.
_PHOTO_WORD = r"(?:[Ảả]nh|[Nn]guồn\s+ảnh|[Pp]hoto|[Vv]ideo|[Cc]lip|[Đđ]ồ\s+h(?:ọa|oạ)|[Ii]nfographic|[Bb]iểu\s+đồ)"
_CREDIT_WORD = r"(?:" + _PHOTO_WORD + r"|[Nn]guồn)"
_CREDIT = re.compile(
    r"(?:^|[\s(\[.,;\-–—…])(?P<credit>"
    + (_CREDIT_WORD + r"\s*:[^:]{0,60}?")  # "Ảnh: Hồng Phú", "Ảnh:"
    + (r"|\(\s*" + _CREDIT_WORD + r"\b[^()]{0,60}\)")  # "(Ảnh THX)", "(Ảnh minh họa)"
    + r"|[Ảả]nh\s+minh\s+h(?:ọa|oạ)(?:\s+[^\s.][^.]{0,30})?"  # "Ảnh minh họa", "Ảnh minh họa CTV"
    + r")[\s)\].]*$"
)
_NO_SENTENCE = re.compile(r"[.!?]\s+\S")
_ARTICLE_SOURCE = re.compile(r"\(?\s*[Nn]guồn(?!\s+ảnh)\s*[:\s]")

# What ends a sentence-like line, so that it is not a caption. Quotes close quoted speech (and
# the rare crosshead that ends in a quote); ",", ";" and an opening quote end a fragment or a
# list item that continues, not a caption.
_PARAGRAPH_ENDINGS = set('.…?!:;,"”“»')
_CLOSERS = set(")]’'")
MAX_CAPTION_CHARS = 200  # uncredited captions in pages-300 are at most 142 characters
MAX_CREDITED_CAPTION_CHARS = 300


def has_credit(line: str) -> bool:
    """True when the line ends with a photo credit ("Ảnh: …", "(Nguồn: …)", "Ảnh minh họa")."""
    m = _CREDIT.search(line)
    if m is None or _NO_SENTENCE.search(m["credit"].rstrip(". )]")):
        return False
    return not (m.start("credit") <= 1 and _ARTICLE_SOURCE.match(m["credit"]))


def is_caption_line(line: str) -> bool:
    """Decide caption vs paragraph for one body line (stripped, normalized). The rules:

    1. a line ending with a photo credit is a caption (even with a final period), up to 300
       characters;
    2. otherwise a caption is a line of at most 200 characters, with a letter, whose last
       character (looking inside a closing bracket or ’) is not sentence punctuation
       ``. … ? ! :``, a quote ``" ” »`` or a continuation mark ``, ; “``.

    Crossheads ("Giải bài toán biến đổi khí hậu") and in-body source lines ("Theo Vnreview")
    pass rule 2: from the text alone they cannot be told from uncredited captions, and the
    page layout prints all of them the same way. They stay searchable (captions are indexed).
    """
    if not line or not any(c.isalpha() for c in line):
        return False
    if len(line) <= MAX_CREDITED_CAPTION_CHARS and has_credit(line):
        return True
    if len(line) > MAX_CAPTION_CHARS:
        return False
    end = line.rstrip()
    while len(end) > 1 and end[-1] in _CLOSERS:
        end = end[:-1].rstrip()
        if end and end[-1] in ".?!…":
            return False
    return line[-1] not in _PARAGRAPH_ENDINGS


def _looks_like_byline(line: str) -> bool:
    """The byline as printed: initials ("LMT"), a name ("Bích Thanh"), an agency
    ("TTXVN/Tin Tức"), "Theo VnExpress". Short, no credit, no sentence punctuation at the end."""
    if len(line) > 60 or len(line.split()) > 8 or not any(c.isalpha() for c in line):
        return False
    if has_credit(line) or line[-1] in '?!:;,…"”“»':
        return False
    # A final period only after initials or an agency ("N.H.", "TTXVN."), not after words.
    return not (line.endswith(".") and any(sum(c.islower() for c in w) >= 3 for w in line.split()))


# --- trailer ------------------------------------------------------------------------------------


MAX_TRAILER_LINES = 200  # a trailer lists a few items; bounds the search on odd, long pages


def _pair_trailer(lines: Sequence[str], *, strict: bool) -> list[Related] | None:
    """Pair times and titles first-in first-out (works for grouped and paired layouts).
    strict: every title has a time and every time a title; else titles must have a time."""
    pending: list[str] = []
    items: list[Related] = []
    for line in lines:
        m = _STAMP_LINE.fullmatch(line)
        if m:
            pending.append(_stamp_iso(m) or line)
        elif pending:
            items.append(Related(pending.pop(0), line))
        else:
            return None
    if not items or (strict and pending):
        return None
    return items


def _split_trailer(lines: list[str]) -> tuple[int, list[Related]]:
    """(index where the trailer starts, its items); (len(lines), []) when there is none."""
    first = max(0, len(lines) - MAX_TRAILER_LINES)
    starts = [i for i in range(first, len(lines)) if _STAMP_LINE.fullmatch(lines[i])]
    for strict in (True, False):
        for i in starts:
            items = _pair_trailer(lines[i:], strict=strict)
            if items is not None:
                return i, items
    # Only timestamps at the very end (titles lost): drop them as a trailer with no items.
    i = len(lines)
    while i > 0 and _STAMP_LINE.fullmatch(lines[i - 1]):
        i -= 1
    return i, []


# --- titles -------------------------------------------------------------------------------------

MAX_TITLE_CHARS = 110


def derive_title(lead: str, paragraphs: Sequence[str] = ()) -> str:
    """A readable title for a page that has none: the lead's first sentence (else the first
    paragraph's), without its final period. Over 110 characters it is cut at the last clause
    break (", ", " - ", ": ") after 40 characters, else at a word, and ends with "…"."""
    source = lead.strip() or next((p for p in paragraphs if p.strip()), "")
    sentence = first_sentence(source)
    if len(sentence) <= MAX_TITLE_CHARS:
        if sentence.endswith(".") and not sentence.endswith(".."):
            return sentence[:-1].rstrip() or sentence  # a lone "." stays: a title is never empty
        return sentence
    window = sentence[: MAX_TITLE_CHARS + 1]
    cut = max(window.rfind(", "), window.rfind(" - "), window.rfind(" – "), window.rfind(": "))
    if cut < 40:
        cut = window.rfind(" ")
    if cut <= 0:
        cut = MAX_TITLE_CHARS
    return sentence[:cut].rstrip(" ,;:-–") + "…"


# --- pages --------------------------------------------------------------------------------------


def parse_page(text: str, *, id: str, source: str = "", encoding: str | None = None) -> Article:
    """Parse one scraped page (layout and rules in the module docstring). Raises IngestError."""
    lines = [line.strip() for line in normalize_text(text).splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise IngestError("empty page")
    m = _FIRST_LINE.fullmatch(lines[0])
    if not m:
        raise IngestError("no timestamp line 'HH:MM DD/MM/YYYY' at the start")
    published = _stamp_iso(m)
    if published is None:
        raise IngestError(f"invalid date or time in the timestamp {m.group()[:16]!r}")
    lead = (m["rest"] or "").strip()
    rest = lines[1:]
    if not lead:  # the timestamp alone on its line: the lead is the next line
        if not rest or _STAMP_LINE.fullmatch(rest[0]):
            raise IngestError("no lead paragraph after the timestamp")
        lead, rest = rest[0], rest[1:]
    start, related = _split_trailer(rest)
    body = rest[:start]
    author = body.pop() if body and _looks_like_byline(body[-1]) else None
    paragraphs: list[str] = []
    captions: list[Caption] = []
    for line in body:
        if is_caption_line(line):
            captions.append(Caption(line, len(paragraphs)))
        else:
            paragraphs.append(line)
    page_id = canonical_id(id)
    if not page_id:
        raise IngestError("its file name leaves no id (a page's id is its name without .txt)")
    _check_id(page_id)
    return Article(
        id=page_id,
        title=derive_title(lead, paragraphs),
        title_derived=True,
        published=published,
        author=author,
        lead=lead,
        paragraphs=paragraphs,
        captions=captions,
        related=related,
        source=source,
        encoding=encoding,
    )


# --- JSON Lines ---------------------------------------------------------------------------------


def _unencodable_field(obj: dict[str, Any]) -> str | None:
    """The first field whose text (a string, or strings in a list) UTF-8 cannot encode: JSON
    lets a lone surrogate through as an escape ("\\ud800"), and the index writer failed on it,
    ending the whole build with a traceback that named no line."""
    for name, value in obj.items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not encodable_id(text):
                return str(name)
    return None


def _text_field(obj: dict[str, Any], name: str) -> str:
    value = obj.get(name)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and name == "id":
        return str(value)
    if isinstance(value, float) and name == "id":
        # a whole number written as a float (pandas' 21457801.0) is that number; NaN, Infinity
        # (no JSON, which Python reads) and 1.5 are no id: they were stored as "nan", "inf", "1.5"
        if not value.is_integer():
            raise IngestError(f"id {value!r} is not a string or a whole number")
        return str(int(value))
    if not isinstance(value, str):
        raise IngestError(f"field {name!r} must be a string, not {_json_kind(value)}")
    return normalize_text(value).strip()


def _check_id(id_: str) -> None:
    """Raise IngestError for an id no page could show, from a record or a page's file name
    (`..txt` was the id ".", a name with a line break one that `delete -` could not read:
    bug hunt 76)."""
    if any(step in ("", ".", "..") for step in id_.split("/")):
        # its page's address (/articles/<id>) would be another one: browsers resolve "." and
        # ".." there, and an empty step is no address of ours
        raise IngestError(f"id {id_[:40]!r} has an empty, '.' or '..' part between slashes: no page could show it")
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in id_):
        # no address holds a line break, nor can `vnsearch delete -` read one (one id a line)
        raise IngestError(f"id {id_[:40]!r} holds a line break or a control character: no page could show it")


def _json_kind(value: Any) -> str:
    """What JSON calls a value's type, for a message: "null", not Python's "NoneType"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


def parse_jsonl_record(obj: dict[str, Any], *, source: str = "", line: int | None = None) -> Article:
    """One corpus record (schema in ../shared/corpus/README.md) to an Article. Raises IngestError
    for a record without id or text. Captions that repeat a body line are taken out of the
    paragraphs at that place; other captions go after the last paragraph. `source` names the
    file (with ``:line``); without it the record's own `source` field is kept."""
    if not isinstance(obj, dict):
        raise IngestError(f"not a JSON object but {_json_kind(obj)}")
    if (field := _unencodable_field(obj)) is not None:
        raise IngestError(f"field {field!r} holds an unpaired surrogate (an escape such as \\ud800), which is no text")
    id_ = _text_field(obj, "id")
    if not id_:
        raise IngestError("missing id")
    _check_id(id_)
    lead = _text_field(obj, "lead")
    body = obj.get("body")
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        body = "\n".join(body)
    elif body is not None and not isinstance(body, str):
        raise IngestError(f"field 'body' must be a string or an array of strings, not {_json_kind(body)}")
    lines = [p.strip() for p in normalize_text(body or "").split("\n")]
    lines = [p for p in lines if p]
    raw_captions = obj.get("captions") or []
    if not isinstance(raw_captions, list) or not all(isinstance(c, str) for c in raw_captions):
        raise IngestError("field 'captions' must be a list of strings")
    caption_texts = [t for t in (normalize_text(c).strip() for c in raw_captions) if t]
    if not lead and not lines and not caption_texts:  # a photo gallery ("Chùm ảnh: …") is its captions
        raise IngestError("no text (lead, body and captions are empty)")
    taken: dict[int, str] = {}
    unplaced: list[str] = []
    at: dict[str, list[int]] = {}  # each body line's places, last first: a caption takes the first free one
    for i in reversed(range(len(lines))):
        at.setdefault(lines[i], []).append(i)
    for text in caption_texts:
        places = at.get(text)
        if places:
            taken[places.pop()] = text
        else:
            unplaced.append(text)
    paragraphs: list[str] = []
    captions: list[Caption] = []
    for i, p in enumerate(lines):
        if i in taken:
            captions.append(Caption(p, len(paragraphs)))
        else:
            paragraphs.append(p)
    captions += [Caption(t, len(paragraphs)) for t in unplaced]
    title = _text_field(obj, "title")
    if not lead and not paragraphs and not title:
        raise IngestError("no text: lead and body are empty once captions are taken out, and no title")
    where = f"{source}:{line}" if source and line is not None else source
    return Article(
        id=id_,
        title=title or derive_title(lead, paragraphs),
        title_derived=not title,
        url=_text_field(obj, "url") or None,
        published=_parse_published(obj.get("published")),
        author=_text_field(obj, "author") or None,
        lead=lead,
        paragraphs=paragraphs,
        captions=captions,
        related=[],
        source=where or _text_field(obj, "source"),
    )
