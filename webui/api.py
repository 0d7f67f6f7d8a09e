"""The JSON API under /api: thin, strict HTTP around `SearchService`.

Why the layer exists at all: programs need the HTTP side to be predictable. Every parameter is
validated here before any search runs, so bad input is always a 4xx JSON error (never a 500);
every /api response, including unknown routes and wrong methods, is JSON; and answers carry a
weak ETag tied to the index generation, so a client or proxy can revalidate with a cheap 304
that does not search at all. The published contract is `webui/openapi.py`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

import indexer
from indexer import __version__
from indexer.index import IndexUnavailable
from indexer.parameters import DAY, MAX_PER_PAGE, MAX_RESULT_WINDOW, SORTS, WHOLE_NUMBER, InvalidParameter
from indexer.schema import public_article
from indexer.search import FIELD_CHOICES, SUGGEST_LIMIT
from webui import service
from webui.openapi import (
    ARTICLE_MAX_AGE,
    MAX_Q_ACCEPTED,
    OPENAPI_MAX_AGE,
    SEARCH_MAX_AGE,
    SUGGEST_MAX_AGE,
    openapi_document,
)

api = Blueprint("api", __name__, url_prefix="/api")

PREFIX = "/api"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# Bumped when the JSON shape changes, so caches keyed on old ETags are not reused.
API_REVISION = "1"
_HEADER_LIST = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*")


def query_string_is_utf8() -> bool:
    """Whether the request's parameters are UTF-8 once percent-decoded. Werkzeug re-quotes bytes
    that are not ("%FF"), and `q=%FF%FE` was searched as the letters "FF FE" (bug hunt 72)."""
    try:
        unquote_to_bytes(request.query_string).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class ApiError(Exception):
    """An HTTP error with a stable code, rendered as {"error": {"code", "message"}}."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


# --- helpers -----------------------------------------------------------------------------------


def is_api_path(path: str) -> bool:
    """Whether a request path is the API's ("/api" itself too): its JSON errors and headers, not
    the pages' (which gave `/api`'s JSON 404 the pages' CSP: bug hunt 77)."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def _json(data: Any, status: int = 200) -> Response:
    """JSON in the order search() builds it (query, total, ... hits), not sorted: easier to read."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Response(body + "\n", status=status, mimetype="application/json")


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    response = _json({"error": {"code": code, "message": message}}, status)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers: dict[str, str] = {}
    if isinstance(exc, MethodNotAllowed):
        headers["Allow"] = ALLOWED_METHODS
        message = f"{request.method} is not allowed here; use GET"
    elif isinstance(exc, NotFound):
        message = f"no API route {request.path}: see /api/openapi.json"
    else:
        message = exc.description or exc.name
    code = _HTTP_CODES.get(status) or re.sub(r"\W+", "_", exc.name.lower()).strip("_")
    return _error(status, code, message, headers)


# The query parameters each route reads, as its OpenAPI document lists them, by operationId: the
# name of the view that serves it (others, "utm_source", are ignored, repeated or not)
ROUTE_PARAMETERS = {
    item["get"]["operationId"]: frozenset(p["name"] for p in item["get"].get("parameters", []) if p["in"] == "query")
    for item in openapi_document()["paths"].values()
}


def _parameters_read() -> frozenset[str]:
    """The query parameters the route asked for reads (none for an unknown route): Flask has
    matched the route already, so its view's name says which."""
    return ROUTE_PARAMETERS.get((request.endpoint or "").rpartition(".")[2], frozenset())


@api.before_request
def _parameters_readable() -> None:
    """Every parameter UTF-8 and each the route reads given once: a repeated one was read by its
    first value, so `per_page=5&per_page=abc` passed and `per_page=abc&per_page=5` did not (bug
    hunt 72). Only where the route reads parameters: `/api/health?q=1&q=2` was refused, though
    unknown parameters are ignored (bug hunt 77). Not for a CORS preflight (OPTIONS), which a
    browser needs answered 2xx."""
    read = _parameters_read()
    if request.method == "OPTIONS" or not read:
        return
    if not query_string_is_utf8():
        raise ApiError(400, "invalid_encoding", "the query string is not UTF-8 (percent-encode its UTF-8 bytes)")
    for name in read.intersection(request.args):
        if len(request.args.getlist(name)) > 1:
            raise ApiError(400, "repeated_parameter", f"{name} is given more than once")


def _arg(name: str) -> str | None:
    """A query parameter, None when absent. Present but empty is a value like any other (and
    invalid for everything but q): strict is more predictable for programs than guessing."""
    return request.args.get(name)


def _whole(name: str, default: int, lo: int, hi: int, code: str) -> int:
    raw = _arg(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw) or not lo <= int(raw) <= hi:
        raise ApiError(400, code, f"{name} must be a whole number between {lo} and {hi}")
    return int(raw)


def _day(name: str) -> str | None:
    raw = _arg(name)
    if raw is None:
        return None
    if not DAY.fullmatch(raw):
        raise ApiError(400, "invalid_date", f"{name} must be a date like 2021-11-05")
    return raw  # search() rejects impossible days (2021-02-30) and from > to


def _choice(name: str, default: str, choices: Any, code: str) -> str:
    raw = _arg(name)
    if raw is None:
        return default
    if raw not in choices:
        raise ApiError(400, code, f"{name} must be one of {', '.join(choices)}")
    return raw


def _query_text() -> str:
    q = request.args.get("q") or ""
    if len(q) > MAX_Q_ACCEPTED:
        raise ApiError(400, "query_too_long", f"q is longer than {MAX_Q_ACCEPTED} characters")
    return q


def _etag(canonical: Any) -> str:
    """Weak tag: the index generation + the validated request + what else the answer depends on
    (this code and its data, the abbreviation lists read: after a restart on new code or
    another list, the same request under the same tag was answered 0 and 40 hits: bug hunt 88).
    Weak because a search body differs in took_ms. Computed BEFORE the work: generations only
    move forward, so at worst a newer body carries an older tag, which is simply refetched next
    time, never served stale."""
    generation = service().generation().path.name
    answers = [API_REVISION, __version__, _code_digest(), service().abbreviations.digest]
    key = json.dumps([*answers, request.path, canonical], ensure_ascii=False, sort_keys=True)
    return f"{generation}.{hashlib.sha256(key.encode('utf-8')).hexdigest()[:20]}"


@functools.cache
def _code_digest() -> str:
    """Of every file of the packages that make an answer (indexer/ with its data, webui/), read
    once a process: a release changes answers without changing the index."""
    digest = hashlib.sha256()
    for package in (Path(__file__).parent, Path(indexer.__file__).parent):
        for path in sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _holds(etag: str) -> bool:
    """If-None-Match names `etag` (or "*"): the client already holds this answer."""
    inm = request.if_none_match
    return bool(inm) and (inm.star_tag or inm.contains_weak(etag))


def _cached(etag: str, cache_control: str, produce: Callable[[], Any]) -> Response:
    """304 when If-None-Match already holds `etag`, else the JSON of produce()."""
    response = Response(status=304) if _holds(etag) else _json(produce())
    response.set_etag(etag, weak=True)
    response.headers["Cache-Control"] = cache_control
    return response


# --- endpoints ----------------------------------------------------------------------------------


@api.get("/search")
def search() -> Response:
    """GET /api/search: the search JSON of SearchService.search (see webui/openapi.py)."""
    q = _query_text()
    per_page = _whole("per_page", 10, 1, MAX_PER_PAGE, "invalid_per_page")
    page = _whole("page", 1, 1, MAX_RESULT_WINDOW, "invalid_page")
    if page * per_page > MAX_RESULT_WINDOW:
        raise ApiError(400, "invalid_page", f"page × per_page may not exceed {MAX_RESULT_WINDOW}")
    sort = _choice("sort", "relevance", SORTS, "invalid_sort")
    field = _choice("field", "all", tuple(FIELD_CHOICES), "invalid_field")
    date_from, date_to = _day("from"), _day("to")
    params = {"q": q, "page": page, "per_page": per_page, "sort": sort, "from": date_from,
              "to": date_to, "field": field}

    def answer() -> dict[str, Any]:
        return service().search(q, page=page, per_page=per_page, sort=sort, date_from=date_from,
                                 date_to=date_to, field=field)

    return _spelled(_etag(params), f"public, max-age={SEARCH_MAX_AGE}", answer)


@api.get("/articles/<article_id:article_id>")
def article(article_id: str) -> Response:
    """GET /api/articles/ID: the article as parsed, or 404 not_found."""
    etag = _etag(None)
    cache_control = f"public, max-age={ARTICLE_MAX_AGE}"
    # the client holds this very article from this build ("*": any version of it, so only an
    # article that exists; werkzeug's `contains_weak` takes "*" for anything)
    if _holds(etag) and not request.if_none_match.star_tag:
        return _cached(etag, cache_control, dict)
    stored = service().article(article_id)
    if stored is None:
        raise ApiError(404, "not_found", f"no article with id {article_id!r}")
    return _cached(etag, cache_control, lambda: public_article(stored))


@api.get("/suggest")
def suggest() -> Response:
    """GET /api/suggest?q=: up to 10 title completions for search-as-you-type."""
    q = _query_text()
    limit = _whole("limit", SUGGEST_LIMIT, 1, SUGGEST_LIMIT, "invalid_limit")

    def answer() -> dict[str, Any]:
        return {"query": q, "suggestions": service().suggest(q, limit=limit)}

    return _spelled(_etag({"q": q, "limit": limit}), f"public, max-age={SUGGEST_MAX_AGE}", answer)


def _spelled(etag: str, cache_control: str, answer: Callable[[], Any]) -> Response:
    """`_cached` for an answer that spelling help shapes (a search's "did you mean", a slip
    mended in a suggestion): a worker still loading its models answers at once without it,
    another answer than the one its ETag would promise, so neither tagged nor to be kept (a
    browser revalidated such an answer with 304 for the life of the index; a suggestion's empty
    list too, bug hunt 93). A client that holds the tagged, whole answer still gets its 304."""
    if service().generation().warming and not _holds(etag):
        response = _json(answer())
        response.headers["Cache-Control"] = "no-store"
        return response
    return _cached(etag, cache_control, answer)


@api.get("/health")
def health() -> Response:
    """GET /api/health: 200 while an index is served (503 index_unavailable otherwise)."""
    health = service().health()
    # the tag follows `warming` too, so a revalidating monitor sees it turn false
    return _cached(_etag({"warming": health["warming"]}), "no-cache", lambda: health)


@api.get("/openapi.json")
def openapi() -> Response:
    """GET /api/openapi.json: the contract, independent of the index (served even without one)."""
    doc = openapi_document()
    tag = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()[:20]
    return _cached(tag, f"public, max-age={OPENAPI_MAX_AGE}", lambda: doc)


# --- errors, CORS, headers ------------------------------------------------------------------------


@api.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return _error(exc.status, exc.code, exc.message, exc.headers)


@api.errorhandler(InvalidParameter)
def _invalid_parameter(exc: InvalidParameter) -> Response:
    return _error(400, exc.code, exc.message)


@api.errorhandler(IndexUnavailable)
def _unavailable(exc: IndexUnavailable) -> Response:
    """503, saying why in the server's log only: the reason names the index's folder and the
    command to run, which are the operator's, not an API client's to read (bug hunt 70)."""
    current_app.logger.warning("index unavailable: %s", exc)
    return _error(503, "index_unavailable", "no index is served yet: try again later", {"Retry-After": "30"})


@api.errorhandler(HTTPException)
def _http(exc: HTTPException) -> Response:
    return _http_error(exc)


@api.errorhandler(Exception)
def _internal(exc: Exception) -> Response:
    current_app.logger.exception("unhandled error in %s %s", request.method, request.full_path)
    return _error(500, "internal", "internal error: it has been logged")


@api.before_app_request
def _api_routing_errors() -> Response | None:
    """Unknown /api routes and wrong methods are JSON too. Done before dispatch (not with an
    app-wide 404 handler) so the HTML pages' own error handlers cannot take these over."""
    exc = request.routing_exception
    if exc is None or not is_api_path(request.path) or isinstance(exc, RequestRedirect):
        return None
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    return None


def _cors_origin(configured: str, origin: str | None) -> tuple[str | None, bool]:
    """(Access-Control-Allow-Origin value or None, whether the answer varies by Origin)."""
    configured = (configured or "").strip()
    if not configured:
        return None, False
    if configured == "*":
        return "*", False
    allowed = {o.strip().rstrip("/") for o in configured.split(",") if o.strip()}
    if origin and origin.rstrip("/") in allowed:
        return origin, True
    return None, True


@api.after_app_request
def _api_headers(response: Response) -> Response:
    """CORS (GET and preflight) and safety headers on every /api response."""
    if not is_api_path(request.path):
        return response
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.method == "OPTIONS" and not response.get_data():  # Flask's answer: no body, so no type
        response.headers.pop("Content-Type", None)  # (it said text/html: bug hunt 77)
    allow_origin, varies = _cors_origin(current_app.config.get("CORS_ORIGINS", ""), request.headers.get("Origin"))
    if varies:
        response.vary.add("Origin")
    if allow_origin is not None:
        response.headers["Access-Control-Allow-Origin"] = allow_origin
        # Retry-After too: a browser dashboard told 503 `index_unavailable` reads when to retry (bug hunt 88)
        response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            requested = request.headers.get("Access-Control-Request-Headers", "").strip()
            if requested and _HEADER_LIST.fullmatch(requested):
                response.headers["Access-Control-Allow-Headers"] = requested
            response.headers["Access-Control-Max-Age"] = "600"
    return response
