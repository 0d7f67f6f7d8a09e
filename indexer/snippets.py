"""Snippets and highlighting, cut from the stored original text.

Highlights come from re-analyzing the original text with the same analyzer as the index, so
they follow it exactly (diacritic-insensitive, tone-style-insensitive) and offsets are exact.
Everything but our own <mark> tags is HTML-escaped.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from typing import Any

from indexer.analysis import tokenize

SNIPPET_CHARS = 240
SNIPPET_SCAN_CHARS = 20_000  # snippets come from the first 20,000 characters of a paragraph
MAX_CAPTIONS_SHOWN = 3

# --- snippets and highlighting -----------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")


class Highlighter:
    """Marks query terms in original text. Everything but our own <mark> tags is escaped."""

    def __init__(self, folded_terms: set[str]) -> None:
        self.terms = folded_terms

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        return [(t.start, t.end, t.folded) for t in tokenize(text) if t.folded in self.terms and not t.alias]

    def mark(self, text: str, matches: list[tuple[int, int, str]], lo: int = 0, hi: int | None = None) -> str:
        hi = len(text) if hi is None else hi
        out: list[str] = []
        pos = lo
        spans = _merge_spans([(s, e) for s, e, _ in matches if s >= lo and e <= hi], text)
        for s, e in spans:
            out.append(html.escape(text[pos:s]))
            out.append(f"<mark>{html.escape(text[s:e])}</mark>")
            pos = e
        out.append(html.escape(text[pos:hi]))
        return "".join(out)

    def mark_all(self, text: str) -> str:
        return self.mark(text, self._matches(text))

    def snippet(self, article: dict[str, Any], limit: int = SNIPPET_CHARS) -> str:
        """The sentence with the most distinct query terms (earliest wins ties), widened with
        its neighbours up to `limit` characters, cut at word boundaries."""
        best: tuple[int, int, int] | None = None  # (-distinct, -count, order)
        best_text, best_span, best_matches = "", (0, 0), []
        blocks = [article.get("lead") or "", *(article.get("paragraphs") or [])]
        order = 0
        for block in blocks:
            if not block:
                continue
            block = block[:SNIPPET_SCAN_CHARS]  # a 1 MB paragraph must not cost seconds per hit
            matches = self._matches(block)
            for s, e in _sentences(block):
                inside = [m for m in matches if m[0] >= s and m[1] <= e]
                key = (-len({m[2] for m in inside}), -len(inside), order)
                order += 1
                if best is None or key < best:
                    best, best_text, best_span, best_matches = key, block, (s, e), matches
        if best is None:
            return ""
        s, e = _widen(best_text, best_span, limit, best_matches)
        prefix = "… " if s > 0 else ""
        suffix = " …" if e < len(best_text) else ""
        return prefix + self.mark(best_text, best_matches, s, e) + suffix

    def captions(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        """Captions holding at least half of the distinct query terms (at least one), best first."""
        scored = []
        for index, cap in enumerate(article.get("captions") or []):
            cap = {**cap, "text": cap["text"][:SNIPPET_SCAN_CHARS]}
            matches = self._matches(cap["text"])
            distinct = len({m[2] for m in matches})
            if distinct:
                scored.append((distinct, index, cap, matches))
        if not scored:
            return []
        need = max(1, math.ceil(min(len(self.terms), max(d for d, *_ in scored)) / 2))
        scored = [s for s in scored if s[0] >= need]
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [
            {"index": index, "position": cap["position"], "html": self.mark(cap["text"], matches)}
            for _, index, cap, matches in scored[:MAX_CAPTIONS_SHOWN]
        ]


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _widen(text: str, span: tuple[int, int], limit: int, matches: list[tuple[int, int, str]]) -> tuple[int, int]:
    s, e = span
    if e - s > limit:
        inside = [m for m in matches if m[0] >= s and m[1] <= e]
        centre = inside[0][0] if inside else s
        s = max(s, centre - limit // 4)
        e = min(e, s + limit)
    else:
        room = limit - (e - s)
        e = min(len(text), e + room)
        if e - s < limit and s > 0:
            s = max(0, s - (limit - (e - s)))
    # cut at word boundaries (never inside a syllable)
    if s > 0:
        while s < len(text) and not text[s - 1].isspace():
            s += 1
    if e < len(text):
        while e > s and not text[e].isspace():
            e -= 1
    return s, e


def _merge_spans(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Adjacent marked syllables separated only by spaces become one mark: <mark>Đảng ủy</mark>."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and (s <= merged[-1][1] or text[merged[-1][1] : s].strip(" ") == ""):
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged



def mark_runs(words: Sequence[str], flags: Sequence[bool]) -> str:
    """Escaped words with each run of flagged ones in a single <mark>: <mark>Đảng ủy Khối</mark>."""
    out: list[str] = []
    run: list[str] = []
    for word, flag in zip(words, flags, strict=True):
        if flag:
            run.append(html.escape(word))
            continue
        if run:
            out.append(f"<mark>{' '.join(run)}</mark>")
            run = []
        out.append(html.escape(word))
    if run:
        out.append(f"<mark>{' '.join(run)}</mark>")
    return " ".join(out)

