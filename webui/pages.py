"""The HTML pages: home, results, article. Server-rendered, complete without JavaScript.

Everything from documents and queries is autoescaped by Jinja; the only markup we let through
(`|safe`) is what `indexer.search` already built as escaped text plus our own <mark> tags:
`title_html`, `snippet`, caption `html`, `suggestion.html`, and the article text marked here
with the same `Highlighter`. Pages carry a strict Content-Security-Policy (no inline script or
style at all), so even a mistake in escaping could not run a script.
"""

from __future__ import annotations

import calendar
import math
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from indexer.analysis import normalize_text
from indexer.forward import searchable_blocks
from indexer.index import IndexUnavailable
from indexer.parameters import MAX_PER_PAGE, MAX_RESULT_WINDOW, SORTS, WHOLE_NUMBER, InvalidParameter, parse_day
from indexer.schema import body_blocks
from indexer.search import FIELD_CHOICES
from webui import service
from webui.api import is_api_path, query_string_is_utf8

pages = Blueprint("pages", __name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

DEFAULT_PER_PAGE = 10
OPENSEARCH_MAX_AGE = 86400  # seconds a browser may keep the search-engine description
SORT_LABELS = {"relevance": "Liên quan", "newest": "Mới nhất", "oldest": "Cũ nhất"}
FIELD_LABELS = {"all": "Tất cả", "title": "Tiêu đề", "body": "Nội dung", "lead": "Đoạn dẫn",
                "caption": "Chú thích ảnh"}
PAGE_LINKS_AROUND = 2  # page numbers shown either side of the current one

# Vietnamese messages for InvalidParameter codes (the service's own messages are English).
INVALID_MESSAGES = {
    "invalid_page": f"Số trang không hợp lệ: trang là số nguyên từ 1, và chỉ xem được {MAX_RESULT_WINDOW} kết quả đầu.",
    "invalid_per_page": f"Số kết quả mỗi trang phải từ 1 đến {MAX_PER_PAGE}.",
    "invalid_date": "Ngày không hợp lệ: hãy dùng dạng 2021-11-05, và ngày bắt đầu không được sau ngày kết thúc.",
    "invalid_sort": "Cách sắp xếp không hợp lệ.",
    "invalid_field": "Phạm vi tìm kiếm không hợp lệ.",
    "invalid_encoding": "Địa chỉ tìm kiếm không phải UTF-8: hãy gõ lại từ khóa.",
}


# --- request parameters ------------------------------------------------------------------------


def _query_as_searched(text: str) -> str:
    """The query as the search reads it (`normalize_text`: invisible and format characters
    dropped), without any control character but spaces: the page echoes it in its title, box
    and headings. A NUL went there raw (no HTML may hold one; `q=%00` was a results page, not
    the home page: bug hunt 75), and a right-to-left override turned the page's own words
    around it backwards, where the search had dropped it (bug hunt 80)."""
    return "".join(c for c in normalize_text(text) if c.isspace() or unicodedata.category(c) != "Cc")


def _is_day(text: str) -> bool:
    """Whether a date parameter names a day the search takes (`parse_day`: 2021-02-30 is none)."""
    try:
        return parse_day(text, "date") is not None
    except InvalidParameter:
        return False


@dataclass(frozen=True)
class SearchParams:
    """The search state carried by every link of a results page (defaults left out of URLs)."""

    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    sort: str = "relevance"
    date_from: str = ""
    date_to: str = ""
    field: str = "all"

    @classmethod
    def from_request(cls) -> SearchParams:
        if not query_string_is_utf8():  # werkzeug re-quotes such bytes as "%FF": no words
            raise InvalidParameter("invalid_encoding", "invalid_encoding: the query string is not UTF-8")
        args = request.args
        return cls(
            q=_query_as_searched(args.get("q", "")).strip(),
            page=_whole(args.get("page"), 1, "invalid_page"),
            per_page=_whole(args.get("per_page"), DEFAULT_PER_PAGE, "invalid_per_page"),
            sort=args.get("sort") or "relevance",
            date_from=(args.get("from") or "").strip(),
            date_to=(args.get("to") or "").strip(),
            field=args.get("field") or "all",
        )

    def well_formed(self) -> SearchParams:
        """These parameters less a sort, field, date, page size or page the search would
        refuse: an article's way back to its results was a 400 page for `?sort=bad` (bug hunt
        80), and for `per_page=500`, which its search box passed on as well (bug hunt 86)."""
        per_page = self.per_page if 1 <= self.per_page <= MAX_PER_PAGE else DEFAULT_PER_PAGE
        date_from = self.date_from if _is_day(self.date_from) else ""
        date_to = self.date_to if _is_day(self.date_to) else ""
        if date_from and date_to and date_from > date_to:
            date_from = date_to = ""
        return replace(
            self,
            sort=self.sort if self.sort in SORTS else "relevance",
            field=self.field if self.field in FIELD_CHOICES else "all",
            date_from=date_from,
            date_to=date_to,
            per_page=per_page,
            page=self.page if self.page >= 1 and self.page * per_page <= MAX_RESULT_WINDOW else 1,
        )

    def query_args(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {"q": self.q}
        if self.field != "all":
            out["field"] = self.field
        if self.date_from:
            out["from"] = self.date_from
        if self.date_to:
            out["to"] = self.date_to
        if self.sort != "relevance":
            out["sort"] = self.sort
        if self.per_page != DEFAULT_PER_PAGE:
            out["per_page"] = self.per_page
        if self.page != 1:
            out["page"] = self.page
        return out

    def url(self, **changes: Any) -> str:
        """This search's URL with some parameters changed; any change but `page` goes back to
        page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return "/search?" + urlencode(replace(self, **changes).query_args())

    @property
    def filtered(self) -> bool:
        return bool(self.date_from or self.date_to or self.field != "all")


def _whole(value: str | None, default: int, code: str) -> int:
    """A page or page size as the API reads it (`WHOLE_NUMBER`), empty for the default: a form
    may send the field blank."""
    if value is None or value == "":
        return default
    if not WHOLE_NUMBER.fullmatch(value):
        raise InvalidParameter(code, f"{code}: not a whole number")
    return int(value)


# --- formatting (template filters) ------------------------------------------------------------


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@pages.app_template_filter("vn_datetime")
def vn_datetime(value: str | None) -> str:
    """ISO 8601 → "11:29, 05/11/2021" (the article's own local time, as printed by the paper)."""
    dt = _parse_iso(value)
    if dt is None:
        return value or ""
    return dt.strftime("%H:%M, %d/%m/%Y")


@pages.app_template_filter("vn_date")
def vn_date(value: str | None) -> str:
    """ISO 8601 → "05/11/2021"."""
    dt = _parse_iso(value)
    return dt.strftime("%d/%m/%Y") if dt else (value or "")


@pages.app_template_filter("vn_number")
def vn_number(value: int | float) -> str:
    """12345 → "12.345" (Vietnamese thousands separator)."""
    return f"{int(value):,}".replace(",", ".")


def _month_label(value: str) -> str:
    year, month = value.split("-")
    return f"Tháng {int(month)}/{year}"


def _month_bounds(value: str) -> tuple[str, str]:
    year, month = (int(x) for x in value.split("-"))
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1).isoformat(), date(year, month, last).isoformat()


def _safe_link(url: str | None) -> str | None:
    """The article's original URL, only when it is plain http(s)."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


# --- views ---------------------------------------------------------------------------------------


@pages.get("/")
@pages.get("/search")
def search() -> Any:
    """Home (no query) or results (?q=...)."""
    try:
        params = SearchParams.from_request()
    except InvalidParameter as exc:
        return _invalid(exc, SearchParams(q=_typed_query(exc)))
    if not params.q:
        return _home()
    try:
        result = service().search(
            params.q,
            page=params.page,
            per_page=params.per_page,
            sort=params.sort,
            date_from=params.date_from or None,
            date_to=params.date_to or None,
            field=params.field,
        )
    except InvalidParameter as exc:
        # the error page's search box starts afresh: it kept what was refused, so each search
        # from it was refused again (bug hunt 80)
        return _invalid(exc, SearchParams(q=params.q))
    return render_template(
        "results.html",
        params=params,
        result=result,
        sorts=[(s, SORT_LABELS[s]) for s in SORTS],
        facets=_facet_links(params, result["facets"]),
        filters=_active_filters(params),
        pagination=_pagination(params, result["total"]),
        field_labels=FIELD_LABELS,
    )


def _home() -> str:
    collection = service().collection()
    return render_template("home.html", params=SearchParams(), collection=collection)


def _typed_query(exc: InvalidParameter) -> str:
    """The query to show back beside a parameter error: none where the query string is not
    UTF-8 (werkzeug's "%FF" is no text the user typed)."""
    return "" if exc.code == "invalid_encoding" else _query_as_searched(request.args.get("q", "")).strip()


def _invalid(exc: InvalidParameter, params: SearchParams) -> Response:
    message = INVALID_MESSAGES.get(exc.code, "Tham số tìm kiếm không hợp lệ.")
    return _error_page(400, "Yêu cầu không hợp lệ", message, params, back=bool(params.q))


@pages.get("/articles/<article_id:article_id>")
def article(article_id: str) -> Any:
    """One article, with the query terms marked when opened from a results page (?q=..., with
    that page's other parameters for the way back to it; `mark=0`: shown unmarked, the way back
    kept: "Bỏ tô sáng" dropped the query, and the link back to the results with it)."""
    searched = service()
    doc = searched.article(article_id)
    try:  # the search it was opened from, so that "back to results" returns to the same page
        params = SearchParams.from_request().well_formed()
    except InvalidParameter as exc:
        params = SearchParams(q=_typed_query(exc))
    q = params.q
    if doc is None:
        return _error_page(404, "Không tìm thấy bài viết", "Không có bài viết nào với mã này trong kho lưu trữ.",
                           params, back=bool(q))
    texts = searchable_blocks(doc)
    highlighter = searched.highlighter("" if request.args.get("mark") == "0" else q).within(texts)

    def mark(text: str) -> Markup:
        return Markup(highlighter.mark_all(text or ""))  # escaped text + our <mark> only

    blocks = [(kind, mark(text)) for kind, text in body_blocks(doc)]
    return render_template(
        "article.html",
        params=params,
        article=doc,
        title_html=mark(doc.get("title") or ""),
        lead_html=mark(doc.get("lead") or ""),
        blocks=blocks,
        source_url=_safe_link(doc.get("url")),
        marked=bool(highlighter.terms),
        # a related item the archive holds opens it; the others are headlines only, which a
        # link that looked like theirs searched for (bug hunt 80: 287 unrelated results)
        related=[{**rel, "id": searched.titled(rel.get("title") or "")} for rel in doc.get("related") or []],
    )


# --- building blocks of the results page -----------------------------------------------------


def _facet_links(params: SearchParams, facets: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Year and month facets as links that keep the query. Months are listed for the year in
    view (a year or month filter set, or results from one year only), not for all years."""
    years = []
    for f in facets.get("year") or []:
        lo, hi = f"{f['value']}-01-01", f"{f['value']}-12-31"
        years.append({"label": f["value"], "count": f["count"], "url": params.url(date_from=lo, date_to=hi),
                      "active": (params.date_from, params.date_to) == (lo, hi)})
    months = []
    if len(years) == 1:
        for f in facets.get("month") or []:
            lo, hi = _month_bounds(f["value"])
            months.append({"label": _month_label(f["value"]), "count": f["count"],
                           "url": params.url(date_from=lo, date_to=hi),
                           "active": (params.date_from, params.date_to) == (lo, hi)})
    return {"year": years, "month": months}


def _active_filters(params: SearchParams) -> list[dict[str, str]]:
    out = []
    if params.date_from or params.date_to:
        if params.date_from and params.date_to:
            label = f"Từ {vn_date(params.date_from)} đến {vn_date(params.date_to)}"
        elif params.date_from:
            label = f"Từ {vn_date(params.date_from)}"
        else:
            label = f"Đến {vn_date(params.date_to)}"
        out.append({"label": label, "clear_url": params.url(date_from="", date_to="")})
    if params.field != "all":
        out.append({"label": f"Chỉ tìm trong: {FIELD_LABELS.get(params.field, params.field).lower()}",
                    "clear_url": params.url(field="all")})
    return out


def _pagination(params: SearchParams, total: int) -> dict[str, Any] | None:
    """Prev/next and a few page numbers around the current one, never past the result window."""
    last = max(1, min(math.ceil(total / params.per_page), MAX_RESULT_WINDOW // params.per_page))
    if total == 0 or (last == 1 and params.page == 1):
        return None
    current = params.page
    around = range(max(1, current - PAGE_LINKS_AROUND), min(last, current + PAGE_LINKS_AROUND) + 1)
    numbers: list[int | None] = []  # None = a gap (…), of two pages or more: "…" for one page hid it
    previous = 0
    for n in sorted({1, last, *around}):
        if n - previous == 2:
            numbers.append(previous + 1)
        elif n - previous > 2:
            numbers.append(None)
        numbers.append(n)
        previous = n
    return {
        "current": current,
        "last": last,
        # the last page of the result window, with more matches than it shows: said so
        "shown_of": last * params.per_page if current == last and total > last * params.per_page else None,
        "prev": params.url(page=current - 1) if current > 1 else None,
        "next": params.url(page=current + 1) if current < last else None,
        "pages": [(n, params.url(page=n) if n else None) for n in numbers],
    }


@pages.get("/opensearch.xml")
def opensearch() -> Response:
    """The site as a browser's search engine (OpenSearch 1.1): a search typed in the address
    bar opens its results page. Every page links it (`<link rel="search">`), so a browser
    offers to add it; its URLs are absolute, from the address the site was reached at."""
    body = render_template("opensearch.xml", root=request.url_root)
    return Response(body, mimetype="application/opensearchdescription+xml",
                    headers={"Cache-Control": f"public, max-age={OPENSEARCH_MAX_AGE}"})


# --- errors and headers ------------------------------------------------------------------------


def _error_page(
    status: int, title: str, message: str, params: SearchParams | None = None, back: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    """The site's error page (error.html: the search box, a way home, and with `back` a link to
    the search `params`), in Vietnamese, for every status a page can answer."""
    body = render_template("error.html", params=params or SearchParams(), title=title, message=message, back=back)
    return Response(body, status=status, headers=headers, mimetype="text/html")


@pages.errorhandler(IndexUnavailable)
def index_unavailable(exc: IndexUnavailable) -> Any:
    """No index built yet (or it went away): a friendly 503 that asks to come back later."""
    return _error_page(503, "Chưa sẵn sàng", "Kho lưu trữ chưa có chỉ mục tìm kiếm. Vui lòng thử lại sau ít phút.",
                       headers={"Retry-After": "30"})


@pages.app_errorhandler(404)
def not_found(exc: HTTPException) -> Any:
    """A friendly HTML 404 for page URLs; the JSON API keeps its own."""
    if is_api_path(request.path):
        return exc
    return _error_page(404, "Không tìm thấy trang", "Địa chỉ này không có trên vnsearch.")


@pages.app_errorhandler(405)
def method_not_allowed(exc: HTTPException) -> Any:
    """A page asked with POST or DELETE: the site's own page, not Werkzeug's English one (the
    API answers its routes in JSON before dispatch)."""
    return _error_page(405, "Yêu cầu không hợp lệ", "Trang này chỉ nhận yêu cầu GET: hãy mở địa chỉ trong trình duyệt.",
                       headers={"Allow": ", ".join(sorted(exc.valid_methods or ["GET", "HEAD"]))})


@pages.app_errorhandler(500)
def internal_error(exc: HTTPException) -> Any:
    """A fault of ours on a page (Flask has logged it): the site's page, with the search box and
    a way home, never a traceback; the API keeps its JSON 500."""
    if is_api_path(request.path):
        return exc
    return _error_page(500, "Lỗi máy chủ", "Đã có lỗi ở phía vnsearch và lỗi đã được ghi lại. Vui lòng thử lại sau.")


@pages.after_app_request
def security_headers(response: Response) -> Response:
    """CSP and friends on every HTML page and static file (the API sets its own headers)."""
    if is_api_path(request.path):
        return response
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
