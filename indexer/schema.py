"""What an article is indexed as: the Whoosh schema (each searchable part in three variants),
the fields of one article's document, and the codec and writer settings the segments are written
with. One place, read by the build (`indexer.index`, `indexer.segments`) and by the query side
(`indexer.query`, `indexer.search`), which need the parts without the build's machinery."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import ANALYZER_VERSION, FieldAnalyzer
from indexer.model import Article, canonical_id, encodable_id

SCHEMA_VERSION = "3"  # 2: plain segment files (see make_codec), catalog.json.gz; 3: title_derived
INDEX_FORMAT = f"schema {SCHEMA_VERSION} / analyzer {ANALYZER_VERSION}"
PARTS = ("title", "lead", "body", "caption")
UNDATED_OLDEST = 2**62  # sorts undated articles last when sorting oldest first
INDEX_NAME = "MAIN"  # Whoosh's default index name


# Whoosh's writer can store short posting lists inline in the term table instead of as a
# pickled, compressed block each, but calls a misspelled method, so its default (inlinelimit=1)
# never inlines anything. Our bigram and exact fields hold many rare terms: inlining them and
# compressing blocks lightly builds ~10% faster, gives a smaller index and identical results
# (the reader side, ListMatcher, is intact). One more repair: for a field without posting values
# (ID) the writer inlines an empty value tuple, which ListMatcher reads back as "" (str) and
# Whoosh's merge then refuses (assert bytes): store b"" per posting instead. Tested by
# tests/test_index_cli.py and tests/test_segments.py.
def _set_inline(terminfo: W3TermInfo, ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes]) -> None:
    terminfo.set_inlined(ids, weights, values if values else [b""] * len(ids))


W3TermInfo.set_inline = _set_inline


# Postings per block: Whoosh's 128 lets its matchers skip within long lists, which our NumPy
# executor never does (it reads whole lists); 1,024 makes 8x fewer blocks to decode per list
# (news-50k first sight: about half the time spent reading postings), same index size.
BLOCK_POSTINGS = 1024


def make_codec() -> W3Codec:
    return W3Codec(blocklimit=BLOCK_POSTINGS, inlinelimit=8, compression=1)


# compound=False: Whoosh's reader of compound segment files wraps its mmap in a BytesIO, which
# COPIES the term and posting files into memory for every searcher (measured: ~1 GB per
# searcher on news-50k, and the server keeps one per thread). Plain segment files are read
# through the OS page cache instead, shared by every thread and process.
WRITER_OPTIONS: dict[str, Any] = {"limitmb": 256, "compound": False, "codec": make_codec()}


def make_schema() -> Schema:
    """Each searchable part in three variants (see `indexer.analysis`): folded with positions,
    exact forms, folded bigrams. Only ``article`` is stored: snippets are cut from it."""
    fields: dict[str, Any] = {
        "id": ID(stored=True, unique=True),
        # undated: 0, among the dates before 1970; the filters and both date orders read `oldest`
        "published": NUMERIC(bits=64, signed=True, sortable=True),
        "oldest": NUMERIC(bits=64, signed=True, sortable=True),
        "month": NUMERIC(bits=32, sortable=True),
        # 1 where the title is the lead's first sentence (`Article.title_derived`): a question or
        # a passage does not weigh it as a title (`ranking.DERIVED_TITLE_WEIGHT`)
        "title_derived": NUMERIC(bits=8, signed=False, sortable=True),
        "article": STORED,
    }
    for part in PARTS:
        fields[part] = TEXT(analyzer=FieldAnalyzer("fold"), phrase=True)
        fields[f"{part}_ex"] = TEXT(analyzer=FieldAnalyzer("exact"), phrase=False)
        fields[f"{part}_bi"] = TEXT(analyzer=FieldAnalyzer("bigram"), phrase=False)
    return Schema(**fields)


def part_texts(article: Article) -> dict[str, str]:
    """The text of each searchable part. Paragraphs and captions are joined by newlines, which
    the analyzer never bridges with a bigram. The related-news trailer is deliberately absent."""
    return {
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "caption": "\n".join(c.text for c in article.captions),
    }


def published_epoch(article: Article) -> int | None:
    if not article.published:
        return None
    try:
        return int(datetime.fromisoformat(article.published).timestamp())
    except ValueError:
        return None


def document_fields(article: Article) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": article.id, "article": article.to_dict()}
    epoch = published_epoch(article)
    doc["published"] = epoch if epoch is not None else 0
    doc["oldest"] = epoch if epoch is not None else UNDATED_OLDEST
    doc["month"] = int(article.published[:4] + article.published[5:7]) if epoch is not None else 0
    doc["title_derived"] = int(article.title_derived)
    for part, text in part_texts(article).items():
        if text:
            # The same str object feeds all three variants: the analyzer tokenizes it once.
            doc[part] = doc[f"{part}_ex"] = doc[f"{part}_bi"] = text
    return doc


def stored_article(searcher: Any, given: str) -> dict[str, Any] | None:
    """The article `document_fields` stored under an id, the id given read as ingest stores ids
    (`canonical_id`); None where no article has it, or `given` is text no id can be."""
    if not encodable_id(given):
        return None
    stored = searcher.document(id=canonical_id(given))
    return stored["article"] if stored else None


def public_article(article: dict[str, Any]) -> dict[str, Any]:
    """The article JSON of GET /api/articles/ID and `vnsearch show --json`: the stored
    article's public keys, in one place for both front ends."""
    keys = ("id", "title", "title_derived", "url", "published", "author", "lead", "paragraphs",
            "captions", "related", "source")
    return {k: article.get(k) for k in keys}


def body_blocks(article: dict[str, Any]) -> list[tuple[Literal["caption", "paragraph"], str]]:
    """A stored article's body in reading order, as `vnsearch show` prints it and the article
    page shows it: each caption before the paragraph at its position, those after the last
    paragraph (a position out of range is read as the nearest end) last."""
    paragraphs = article.get("paragraphs") or []
    captions_at: dict[int, list[str]] = {}
    for cap in article.get("captions") or []:
        position = min(max(int(cap.get("position") or 0), 0), len(paragraphs))
        captions_at.setdefault(position, []).append(cap["text"])
    blocks: list[tuple[Literal["caption", "paragraph"], str]] = []
    for i, para in enumerate(paragraphs):
        blocks.extend(("caption", text) for text in captions_at.get(i, []))
        blocks.append(("paragraph", para))
    blocks.extend(("caption", text) for text in captions_at.get(len(paragraphs), []))
    return blocks

