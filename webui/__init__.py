"""vnsearch web: the Flask app serving HTML pages and the JSON API from one SearchService."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request
from flask_compress import Compress
from werkzeug.routing import PathConverter

from indexer.index import default_index_root
from indexer.search import SearchService


class ArticleIdConverter(PathConverter):
    """An article id in a URL: any characters, "/" and line breaks too (werkzeug's `path` stops
    at a line break, so `/api/articles/ID%0A` answered "no API route", not "no article")."""

    regex = r"[^/](?s:.)*?"


def create_app(index_root: Path | str | None = None, *, cors_origins: str = "*") -> Flask:
    """App factory. One SearchService per process: it opens searchers once per thread and
    follows `vnsearch build` swaps by itself."""
    app = Flask(__name__)
    app.url_map.converters["article_id"] = ArticleIdConverter
    root = Path(index_root) if index_root is not None else default_index_root()
    app.config["VNSEARCH_INDEX"] = root
    app.config["CORS_ORIGINS"] = cors_origins
    app.extensions["vnsearch"] = SearchService(root)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    # Answers compressed as the client accepts (zstd, brotli, gzip; 500 bytes or more): a page
    # of 100 hits is ~150 KB of JSON. Registered first, its hook runs last, on the final body.
    # The API answers its own conditional requests: Flask-Compress's answered `If-Match` with a
    # cacheable 412, and only for answers it compressed (bug hunt 88).
    app.config["COMPRESS_ALGORITHM"] = ["zstd", "br", "gzip"]
    app.config["COMPRESS_EVALUATE_CONDITIONAL_REQUEST"] = False
    Compress(app)
    app.before_request(_accepted_encodings_only)

    from webui.api import api
    from webui.pages import pages

    app.register_blueprint(api)
    app.register_blueprint(pages)
    return app


def _accepted_encodings_only() -> None:
    """The request's Accept-Encoding less the codings it refuses (`gzip;q=0`), as werkzeug
    parses it: Flask-Compress chose a coding the client refused when it was the only one
    named, and read no q-value written with a space (`gzip; q=0.5`; bug hunt 88)."""
    if "HTTP_ACCEPT_ENCODING" in request.environ:
        accepted = request.accept_encodings
        request.environ["HTTP_ACCEPT_ENCODING"] = ", ".join(f"{c};q={q}" for c, q in accepted if q > 0)


def service(app: Flask | None = None) -> SearchService:
    """The app's one SearchService: the current request's app, by default (the blueprints)."""
    return (app or current_app).extensions["vnsearch"]
