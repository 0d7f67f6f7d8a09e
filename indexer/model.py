"""The article record every part of vnsearch shares: ingest produces it, the index stores it,
the CLI, the API and the web pages show it.

All text in an Article is already cleaned and NFC-normalized by `analysis.normalize_text`, so
character offsets computed on it are the offsets the highlighter uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone
from typing import Any

from indexer.analysis import normalize_text

# The archive's time zone: ingest stores publication times in it, and a date filter's days
# are read in it (`parameters.date_filter_of`)
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")


def canonical_id(given: str) -> str:
    """An article id as the index keeps it: cleaned and NFC-normalized like all text (a no-break
    space or a BOM read as a space or dropped), trimmed. Ingest stores ids so and every lookup
    (`vnsearch show`, `delete`, the API) reads the id it is given so: a page named on macOS
    (NFD file names) or a takedown list saved with a BOM could not be found by the id its
    operator held. An id UTF-8 cannot encode (a lone surrogate: bytes of a name that were no
    UTF-8) is no id any article has; it is returned as is, for `encodable_id` to refuse."""
    return normalize_text(given).strip()


def encodable_id(given: str) -> bool:
    """Whether `given` can be an id (or any text of an article) at all: text UTF-8 encodes (the
    index writer and reader fail on a lone surrogate, which bytes of another encoding in a file
    name or argument become, and a JSON escape such as "\\ud800")."""
    try:
        given.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(slots=True)
class Caption:
    """A photo caption. `position` is the number of body paragraphs that precede it, so a
    caption with position 0 stands before the first paragraph (right after the lead)."""

    text: str
    position: int


@dataclass(slots=True)
class Related:
    """One item of the related-news trailer: another article's time and title (not indexed)."""

    time: str | None
    title: str


@dataclass(slots=True)
class Article:
    id: str
    title: str
    title_derived: bool = False
    url: str | None = None
    published: str | None = None  # ISO 8601 with offset, e.g. 2021-11-05T11:29:00+07:00
    author: str | None = None
    lead: str = ""
    paragraphs: list[str] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    source: str = ""
    encoding: str | None = None  # what ingest detected for the input file

    @property
    def body(self) -> str:
        """The paragraphs as one text, as the `body` part is searched (`schema.part_texts`)."""
        return "\n".join(self.paragraphs)

    def to_dict(self) -> dict[str, Any]:
        """`dataclasses.asdict(self)`, spelled out: the build stores one per article, and the
        generic version costs more than indexing a title."""
        return {
            "id": self.id,
            "title": self.title,
            "title_derived": self.title_derived,
            "url": self.url,
            "published": self.published,
            "author": self.author,
            "lead": self.lead,
            "paragraphs": list(self.paragraphs),
            "captions": [{"text": c.text, "position": c.position} for c in self.captions],
            "related": [{"time": r.time, "title": r.title} for r in self.related],
            "source": self.source,
            "encoding": self.encoding,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            id=data["id"],
            title=data.get("title") or "",
            title_derived=bool(data.get("title_derived", False)),
            url=data.get("url"),
            published=data.get("published"),
            author=data.get("author"),
            lead=data.get("lead") or "",
            paragraphs=list(data.get("paragraphs") or []),
            captions=[Caption(c["text"], int(c["position"])) for c in data.get("captions") or []],
            related=[Related(r.get("time"), r["title"]) for r in data.get("related") or []],
            source=data.get("source") or "",
            encoding=data.get("encoding"),
        )
