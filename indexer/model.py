"""The article record every part of vnsearch shares: ingest produces it, the index stores it,
the CLI, the API and the web pages show it.

All text in an Article is already cleaned and NFC-normalized by `analysis.normalize_text`, so
character offsets computed on it are the offsets the highlighter uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
