"""The OpenAPI 3 document of the JSON API, built from the same constants the code enforces, so
the published limits cannot drift from the real ones. Served at GET /api/openapi.json and
checked against a live server by tests/test_server.py (schemathesis)."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from indexer import __version__
from indexer.parameters import MAX_PER_PAGE, MAX_RESULT_WINDOW, SORTS
from indexer.ranking import PASSAGE_WORDS
from indexer.search import FIELD_CHOICES, MAX_QUERY_CHARS, MAX_QUERY_TERMS, SUGGEST_LIMIT

# A q longer than this is refused (400 query_too_long); up to it, search() cuts q to
# MAX_QUERY_CHARS and says so in "notice". See the README's "JSON API".
MAX_Q_ACCEPTED = 10 * MAX_QUERY_CHARS
MAX_PAGE = MAX_RESULT_WINDOW  # reachable only with per_page=1: page × per_page ≤ MAX_RESULT_WINDOW

SEARCH_MAX_AGE = 60
SUGGEST_MAX_AGE = 60
ARTICLE_MAX_AGE = 600
OPENAPI_MAX_AGE = 300

ERROR_CODES = {
    "invalid_page": "page is not a whole number, < 1, or page × per_page is beyond the result window",
    "invalid_per_page": f"per_page is not a whole number between 1 and {MAX_PER_PAGE}",
    "invalid_sort": f"sort is not one of {', '.join(SORTS)}",
    "invalid_field": f"field is not one of {', '.join(FIELD_CHOICES)}",
    "invalid_date": "from/to is not a real YYYY-MM-DD date, or from is after to",
    "invalid_limit": f"limit is not a whole number between 1 and {SUGGEST_LIMIT}",
    "query_too_long": f"q is longer than {MAX_Q_ACCEPTED} characters",
    "invalid_encoding": "the query string is not UTF-8 once percent-decoded",
    "repeated_parameter": "a parameter is given more than once",
    "not_found": "no such article, or no such /api route",
    "method_not_allowed": "only GET, HEAD and OPTIONS are served",
    "index_unavailable": "no index has been built yet (or it needs a rebuild)",
    "internal": "a bug: logged by the server",
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.1 spells null as JSON Schema does (3.0's `nullable` is ignored next to $ref)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


_STR = {"type": "string"}
_INT = {"type": "integer"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {
                        **_STR,
                        "description": "Stable machine-readable code:\n"
                        + "\n".join(f"- `{k}`: {v}" for k, v in ERROR_CODES.items()),
                        "examples": ["invalid_per_page"],
                    },
                    "message": {**_STR, "description": "Human-readable, English; may change."},
                },
            }
        },
    },
    "Suggestion": {
        "type": "object",
        "description": "“Did you mean”: the query as understood: keyboard-off input decoded, "
        "misspellings corrected, diacritics restored; everything else typed (punctuation, quotes, "
        "-excluded words, OR, a field prefix) kept where it stood. `html` marks the changed words with <mark> "
        "and is escaped. `kind` says what changed: `keyboard` (typed with the input method off, "
        "Telex or VNI, or marks on the wrong vowel: the results are already for this reading), "
        "`spelling` (a word the index lacks, corrected), `accents` (diacritics restored). A query of more "
        "than 8 words is offered only its decoded keystrokes and corrections, never restored diacritics.",
        "required": ["text", "html", "kind"],
        "properties": {
            "text": _STR,
            "html": _STR,
            "kind": {"type": "string", "enum": ["keyboard", "spelling", "accents"]},
        },
    },
    "FacetValue": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {
            "value": {**_STR, "description": "YYYY for year, YYYY-MM for month", "examples": ["2021"]},
            "count": {**_INT, "minimum": 1},
        },
    },
    "Facets": {
        "type": "object",
        "description": "Counts of all matching (dated) articles, newest first; undated ones are not counted.",
        "required": ["year", "month"],
        "properties": {
            "year": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}},
            "month": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}},
        },
    },
    "CaptionHit": {
        "type": "object",
        "description": "A photo caption holding the query's words; marked only where captions were searched.",
        "required": ["index", "position", "html"],
        "properties": {
            "index": {**_INT, "minimum": 0, "description": "index into the article's captions"},
            "position": {**_INT, "minimum": 0, "description": "body paragraphs before the caption"},
            "html": {**_STR, "description": "escaped text with <mark> around matched words"},
        },
    },
    "Hit": {
        "type": "object",
        "required": ["id", "title", "title_html", "url", "published", "author", "score", "snippet", "captions"],
        "properties": {
            "id": _STR,
            "title": {**_STR, "description": "plain text (not escaped)"},
            "title_html": {**_STR, "description": "escaped title with <mark> around matched words"},
            "url": _nullable(_STR),
            "published": _nullable(
                {**_STR, "description": "ISO 8601 with offset", "examples": ["2021-11-05T11:29:00+07:00"]}
            ),
            "author": _nullable(_STR),
            "score": {"type": "number", "minimum": 0},
            "snippet": {**_STR, "description": "escaped excerpt with <mark>; '' when the article has no text"},
            "captions": {
                "type": "array",
                "maxItems": 3,
                "items": {"$ref": "#/components/schemas/CaptionHit"},
            },
        },
    },
    "SearchResult": {
        "type": "object",
        "required": ["query", "total", "page", "per_page", "took_ms", "suggestion", "facets", "hits"],
        "properties": {
            "query": {**_STR, "description": "the query as searched (normalized, possibly cut)"},
            "total": {**_INT, "minimum": 0},
            "page": {**_INT, "minimum": 1},
            "per_page": {**_INT, "minimum": 1, "maximum": MAX_PER_PAGE},
            "took_ms": {"type": "number", "minimum": 0},
            "suggestion": _nullable({"$ref": "#/components/schemas/Suggestion"}),
            "facets": {"$ref": "#/components/schemas/Facets"},
            "hits": {"type": "array", "maxItems": MAX_PER_PAGE, "items": {"$ref": "#/components/schemas/Hit"}},
            "notice": {**_STR, "description": "present only when the query was cut to the limits"},
            "partial": {
                "type": "boolean",
                "const": True,
                "description": "present only when no article holds enough of the query's words together "
                "(all of one or two, a share of more): the hits hold some of them",
            },
            "absent": {
                "type": "array",
                "items": _STR,
                "description": "present only when words of a query of fewer than 20 words, as typed, are "
                "in no article in any spelling tried (a likely spelling, the keystrokes decoded): the hits "
                "are for the rest",
            },
            "unquoted": {
                "type": "array",
                "items": _STR,
                "description": "present only when a quoted phrase holds a word in no article (as typed, "
                "its keystrokes decoded, either i/y spelling), so it can match nowhere, or, in a query of 5 "
                "words or more, no article holds it as written with the rest of the query: the phrases, as "
                "typed without their quotes, searched as words would be (a likely spelling, the other words)",
            },
        },
    },
    "Caption": {
        "type": "object",
        "required": ["text", "position"],
        "properties": {"text": _STR, "position": {**_INT, "minimum": 0}},
    },
    "Related": {
        "type": "object",
        "required": ["time", "title"],
        "properties": {"time": _nullable(_STR), "title": _STR},
    },
    "Article": {
        "type": "object",
        "description": "The article as parsed and stored. All text is plain (not escaped).",
        "required": ["id", "title", "title_derived", "url", "published", "author", "lead", "paragraphs",
                     "captions", "related", "source"],
        "properties": {
            "id": _STR,
            "title": _STR,
            "title_derived": {"type": "boolean", "description": "true when the page had no title: taken from the lead"},
            "url": _nullable(_STR),
            "published": _nullable({**_STR, "examples": ["2021-11-05T11:29:00+07:00"]}),
            "author": _nullable(_STR),
            "lead": _STR,
            "paragraphs": {"type": "array", "items": _STR},
            "captions": {"type": "array", "items": {"$ref": "#/components/schemas/Caption"}},
            "related": {"type": "array", "items": {"$ref": "#/components/schemas/Related"}},
            "source": _nullable(_STR),
        },
    },
    "Suggestions": {
        "type": "object",
        "required": ["query", "suggestions"],
        "properties": {
            "query": {**_STR, "description": "q as received, so a client can drop stale answers"},
            "suggestions": {
                "type": "array",
                "maxItems": SUGGEST_LIMIT,
                "items": {
                    "type": "object",
                    "required": ["id", "title"],
                    "properties": {"id": _STR, "title": {**_STR, "description": "plain text"}},
                },
            },
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "documents", "built_at", "generation", "warming"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "documents": {**_INT, "minimum": 0},
            "built_at": {**_STR, "description": "when the served index was built (ISO 8601)"},
            "generation": {**_STR, "description": "the served index generation (changes on every build)"},
            "warming": {
                "type": "boolean",
                "description": "the answering worker is still loading the index's spelling models: its "
                "searches come at once without 'did you mean', untagged and not to be cached",
            },
        },
    },
}

_CACHE_HEADERS = {
    "ETag": {"description": "weak validator: index generation + canonical request", "schema": _STR},
    "Cache-Control": {"schema": _STR},
}


def _json(ref: str, description: str, headers: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }
    if headers:
        out["headers"] = copy.deepcopy(_CACHE_HEADERS)
    return out


_ERRORS = {
    "400": _json("Error", "bad parameter (see the error code)"),
    "405": _json("Error", "method_not_allowed: only GET, HEAD and OPTIONS are served (see Allow)"),
    "414": {"description": "request line over 8190 bytes: refused by the HTTP server itself (not JSON)"},
    "500": _json("Error", "internal: a bug, logged by the server"),
    "503": _json("Error", "index_unavailable: no index built yet"),
}
# what any route may answer, whatever its parameters (400 only a route that reads some)
_ALWAYS = {code: _ERRORS[code] for code in ("405", "500")}
_NOT_MODIFIED = {"description": "If-None-Match matched: the cached response is still current"}


def _query(name: str, schema: dict[str, Any], description: str, example: Any = None) -> dict[str, Any]:
    param = {"name": name, "in": "query", "required": False, "schema": schema, "description": description}
    if example is not None:
        param["example"] = example
    return param


_DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}


def _build() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "vnsearch",
            "version": __version__,
            "description": (
                "Search Vietnamese news archives: diacritic-insensitive, tone-style aware, with "
                "highlighted snippets. Read-only; every operation is a GET. Errors are "
                '`{"error": {"code", "message"}}` with a 4xx/5xx status. An empty q is an empty '
                "query; any other parameter given empty (`page=`) is invalid. Responses carry a weak "
                "ETag tied to the index build; send it back in If-None-Match to get 304."
            ),
        },
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search articles",
                    "description": (
                        "Words match diacritic-insensitively. An article must hold every word of a 1–2 word "
                        "query, all but one of 3–4, 40% of 5 or more (at least 3), and a fifth of a passage of "
                        f"{PASSAGE_WORDS} or more; words the index lacks and a question's question words do not "
                        "count; where no article holds that many, any word may (`partial`). Syntax: "
                        '"phrase", -exclude, OR, field:word (title:, body:, lead:, caption:; a space after '
                        "the colon is forgiven). A q with no "
                        f"searchable word (absent, empty, only punctuation) gives total 0. A q over "
                        f"{MAX_QUERY_CHARS} characters or {MAX_QUERY_TERMS} terms is cut, with "
                        f"a `notice`; over {MAX_Q_ACCEPTED} characters it is refused (query_too_long). The "
                        "request line is limited to 8190 bytes (414, not JSON): percent-encoded, an accented "
                        f"character takes up to 9, so cut a pasted text to {MAX_QUERY_CHARS} characters first. "
                        f"page × per_page may not exceed {MAX_RESULT_WINDOW}."
                    ),
                    "parameters": [
                        _query("q", {"type": "string", "maxLength": MAX_Q_ACCEPTED}, "the query",
                               "dang uy khoi doanh nghiep"),
                        _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                               "1-based page"),
                        _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                            "default": 10}, "hits per page"),
                        _query("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"},
                               "relevance, or by publication time, undated articles last: where the query has two "
                               "words typed side by side, the matches printing them side by side come first, each "
                               "run in date order (a single word or a quoted phrase: the dates alone)"),
                        _query("from", _DATE, "published on or after this day (Vietnam time)", "2019-01-01"),
                        _query("to", _DATE, "published on or before this day (Vietnam time)", "2030-12-31"),
                        _query("field", {"type": "string", "enum": list(FIELD_CHOICES), "default": "all"},
                               "where to search: body = lead + paragraphs"),
                    ],
                    "responses": {
                        "200": _json("SearchResult", "results", headers=True),
                        "304": _NOT_MODIFIED,
                        **_ERRORS,
                    },
                }
            },
            "/api/articles/{id}": {
                "get": {
                    "operationId": "article",
                    "summary": "One article as parsed",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                         "description": "a hit's id, percent-encoded: a page's file name or a record's id, it "
                                        "may hold any letter, a space, '/', '?' or '#'",
                         "example": "000_731bbc153429bd94"}
                    ],
                    "responses": {
                        "200": _json("Article", "the article", headers=True),
                        "304": _NOT_MODIFIED,
                        "404": _json("Error", "not_found: no article with this id"),
                        **_ALWAYS,
                        "414": _ERRORS["414"],
                        "503": _ERRORS["503"],
                    },
                }
            },
            "/api/suggest": {
                "get": {
                    "operationId": "suggest",
                    "summary": "Title completions for search-as-you-type",
                    "description": (
                        "Titles whose words start with the words of q, newest first, then titles with a run of "
                        "words starting with them, each title once: punctuation aside (hoa binh 18: Hòa Bình: 18 …), "
                        "diacritic- and case-insensitive, either i/y spelling of a whole word (kĩ thuật: Kỹ "
                        "thuật), and titles that print the marks typed come first, at their start or inside "
                        "(năm: Năm học … before Nam Định …). Where none does, keystrokes typed with the input "
                        "method off are read as the letters they type (Gios muaf: gió mùa), then a slip in the words "
                        "typed as search reads it (gia vnag: Giá vàng …). An empty q gives no suggestions."
                    ),
                    "parameters": [
                        _query("q", {"type": "string", "maxLength": MAX_Q_ACCEPTED}, "what was typed so far",
                               "chieu"),
                        _query("limit", {"type": "integer", "minimum": 1, "maximum": SUGGEST_LIMIT,
                                         "default": SUGGEST_LIMIT}, "at most this many"),
                    ],
                    "responses": {
                        "200": _json("Suggestions", "completions", headers=True),
                        "304": _NOT_MODIFIED,
                        **_ERRORS,
                    },
                }
            },
            "/api/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness and the index being served",
                    "responses": {
                        "200": _json("Health", "serving", headers=True),
                        "304": _NOT_MODIFIED,
                        **_ALWAYS,
                        "503": _ERRORS["503"],
                    },
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {
                        "200": {"description": "OpenAPI 3.1 document",
                                "content": {"application/json": {"schema": {"type": "object"}}}},
                        "304": _NOT_MODIFIED,
                        **_ALWAYS,
                    },
                }
            },
        },
        "components": {"schemas": copy.deepcopy(SCHEMAS)},
    }


@cache
def openapi_document() -> dict[str, Any]:
    """Built once per process; callers must not mutate it."""
    return _build()
