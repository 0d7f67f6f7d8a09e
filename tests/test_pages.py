"""The HTML pages through Flask's test client: every page, escaping, error pages, headers, links."""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import REPO, SEED_ID
from webui import create_app
from webui.pages import SECURITY_HEADERS, SearchParams, _safe_link, vn_datetime, vn_number


@pytest.fixture(scope="module")
def app(seed_index: Path) -> Flask:
    return create_app(seed_index)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Tags(HTMLParser):
    """Every start tag with its attributes, and all text, of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    return tags


def links(html: str) -> list[str]:
    return [a["href"] or "" for tag, a in parse(html).tags if tag == "a" and "href" in a]


def args_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


# --- home -----------------------------------------------------------------------------------


def test_home_has_search_box_collection_and_lang(app: Flask, client: FlaskClient) -> None:
    html = get(client, "/")
    assert '<html lang="vi">' in html
    assert "Tìm kiếm" in html
    assert 'placeholder="Ví dụ: dang uy khoi doanh nghiep"' in html
    tags = parse(html).tags
    inputs = [a for t, a in tags if t == "input" and a.get("name") == "q"]
    assert len(inputs) == 1 and inputs[0]["id"] == "q"
    assert any(t == "label" and a.get("for") == "q" for t, a in tags)
    assert any(t == "form" and a.get("role") == "search" for t, a in tags)
    documents = app.extensions["vnsearch"].collection()["documents"]
    assert f"<strong>{documents}</strong> bài viết" in html
    assert "15/01/2020" in html and "01/12/2023" in html  # date range, Vietnamese style


def test_search_without_query_is_home(client: FlaskClient) -> None:
    assert "Kho lưu trữ có" in get(client, "/search")
    assert "Kho lưu trữ có" in get(client, "/?q=%20%20")


def test_no_external_resources(client: FlaskClient) -> None:
    for url in ("/", "/?q=dang+uy", f"/articles/{SEED_ID}"):
        for tag, attrs in parse(get(client, url)).tags:
            if tag in ("script", "link", "img", "iframe"):
                src = attrs.get("src") or attrs.get("href") or ""
                ours = src.startswith("/static/") or (attrs.get("rel") == "search" and src == "/opensearch.xml")
                assert ours, (url, tag, src)
            assert "style" not in attrs, (url, tag)  # CSP: no inline styles
            assert not any(k.startswith("on") for k in attrs), (url, tag)
        assert "<style" not in get(client, url)


def test_static_files_are_served(client: FlaskClient) -> None:
    for name, mimetype in (("style.css", "text/css"), ("suggest.js", "text/javascript"),
                           ("favicon.svg", "image/svg+xml")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.mimetype == mimetype
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


# --- results ----------------------------------------------------------------------------------


def test_results_unaccented_query_highlights_original_text(client: FlaskClient) -> None:
    html = get(client, "/?q=dang+uy+khoi+doanh+nghiep")
    assert re.search(r"Tìm thấy 1 kết quả\s+<span class=\"took\">\(\d+ ms\)</span>", html)
    assert "<mark>Đảng ủy Khối doanh nghiệp</mark>" in html
    assert f'href="/articles/{SEED_ID}?q=dang+uy+khoi+doanh+nghiep"' in html
    assert "11:29, 05/11/2021" in html
    assert '<span class="author">LMT</span>' in html
    assert '<span class="caption-tag">Ảnh:</span> Bí thư <mark>Đảng ủy Khối doanh nghiệp</mark>' in html
    assert "Có phải bạn muốn tìm:" in html
    assert "<mark>Đảng</mark>" in html


def test_a_long_query_makes_a_short_title_and_a_box_it_can_be_resubmitted_from(client: FlaskClient) -> None:
    """A 5,000-character query made a 5,000-character page title, and filled the 500-character
    box past its limit, so that once edited it could not be sent (a bug hunt's finding)."""
    q = "thanh uy " * 600
    page = get(client, "/search?q=" + q.replace(" ", "+"))
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title is not None and len(html_lib.unescape(title.group(1))) < 120
    assert "thanh… –" in title.group(1) and "..." not in title.group(1)  # the ellipsis the rest of the site uses
    box = re.search(r'<input id="q" name="q" type="search" value="([^"]*)"', page)
    assert box is not None and html_lib.unescape(box.group(1)) == q[:500]


def test_control_characters_in_the_query_never_reach_the_page(client: FlaskClient) -> None:
    """A NUL went raw into the title, the box and the heading; `q=%00` alone was a results page
    (bug hunt 75)."""
    assert "Kho lưu trữ có" in get(client, "/search?q=%00%01")
    html = get(client, "/search?q=doanh%00nghiep")
    assert "\x00" not in html and 'value="doanhnghiep"' in html  # as the search reads it
    # nor beside a parameter error, whose page shows the query back
    for url in ("/search?q=doanh%00nghiep&page=abc", "/articles/nope?q=doanh%00nghiep&page=abc"):
        response = client.get(url)
        assert response.status_code in (400, 404) and b"\x00" not in response.data


def test_invisible_characters_in_the_query_are_read_as_the_search_reads_them(client: FlaskClient) -> None:
    """A right-to-left override went raw into the page and turned its own words around it
    backwards ("Bỏ tô sáng" read "gnás ôt ỏB"), and a query of a zero-width space alone was a
    results page for an invisible query, where the search drops both (bug hunt 80). Each echo
    of the query is isolated from the page's text (<bdi>) for the right-to-left text left."""
    for q in ("%E2%80%8B", "%EF%BB%BF%E2%81%A0"):
        assert "Kho lưu trữ có" in get(client, f"/search?q={q}")  # the home page
    html = get(client, f"/articles/{SEED_ID}?q=%E2%80%AEdang%20uy")
    assert "\u202e" not in html and "“<bdi>dang uy</bdi>”" in html


def test_search_path_is_the_same_page(client: FlaskClient) -> None:
    a = get(client, "/?q=nam")
    b = get(client, "/search?q=nam")
    strip = re.compile(r"\(\d+ ms\)")
    assert strip.sub("", a) == strip.sub("", b)


def test_sort_facet_and_page_links_keep_the_query(client: FlaskClient) -> None:
    html = get(client, "/search?q=nam&per_page=1&field=all")
    hrefs = [h for h in links(html) if h.startswith("/search?")]
    assert hrefs
    for href in hrefs:
        assert args_of(href)["q"] == "nam", href
        assert args_of(href).get("per_page") == "1", href
    sorts = {args_of(h).get("sort") for h in hrefs if "sort=" in h}
    assert sorts == {"newest", "oldest"}
    assert 'aria-current="true">Liên quan</a>' in html
    # year facets set from/to to the whole year
    years = [args_of(h) for h in hrefs if "from=" in h]
    assert {"from": "2021-01-01", "to": "2021-12-31", "q": "nam", "per_page": "1"} in years
    assert {"from": "2020-01-01", "to": "2020-12-31", "q": "nam", "per_page": "1"} in years
    assert "Trang sau" in html
    pages = [args_of(h).get("page") for h in hrefs]
    assert "2" in pages and "3" in pages


def test_the_filter_form_keeps_the_order_and_the_page_size(client: FlaskClient) -> None:
    """"Lọc" dropped `per_page`, where every link and the search box keep it (bug hunt 75)."""
    tags = parse(get(client, "/search?q=nam&per_page=20&sort=newest&page=2")).tags
    forms = [i for i, (tag, a) in enumerate(tags) if tag == "form"]
    refine = forms[-1]  # the header's search form comes first
    hidden = {a["name"]: a["value"] for tag, a in tags[refine:] if tag == "input" and a.get("type") == "hidden"}
    assert hidden == {"q": "nam", "sort": "newest", "per_page": "20"}


def test_sorting_changes_order(client: FlaskClient) -> None:
    newest = get(client, "/search?q=nam&sort=newest")
    oldest = get(client, "/search?q=nam&sort=oldest")
    order = lambda html: re.findall(r'href="/articles/([^"?]+)\?', html)  # noqa: E731
    dates = lambda html: re.findall(r'<time datetime="([^"]+)"', html)  # noqa: E731
    assert len(order(newest)) >= 3
    assert order(newest) == list(reversed(order(oldest)))
    assert dates(newest) == sorted(dates(newest), reverse=True)
    assert 'aria-current="true">Mới nhất</a>' in newest


def test_month_facets_and_active_filter_with_clear_link(client: FlaskClient) -> None:
    html = get(client, "/search?q=nam&from=2021-01-01&to=2021-12-31")
    assert 'aria-current="true">Năm 2021</a>' in html
    assert "Tháng 11/2021" in html and "Tháng 6/2021" in html
    months = [args_of(h) for h in links(html) if "from=2021-06" in h]
    assert months and months[0]["to"] == "2021-06-30"
    assert "Từ 01/01/2021 đến 31/12/2021" in html
    clear = re.findall(r'<a href="([^"]*)" class="clear"', html)
    assert clear == ["/search?q=nam"], "a link clears the date filter and keeps the query"
    feb = get(client, "/search?q=nam&from=2024-02-01&to=2024-02-29")  # leap day: a valid 'to'
    assert "Không tìm thấy kết quả nào" in feb
    assert "tìm lại trong toàn bộ kho" in feb


def test_a_form_sets_any_date_range_and_the_field(client: FlaskClient) -> None:
    """Dates and the field were URL parameters only: the facets offer a year or a month, and
    the field filter had no control (bug hunt 70). The form keeps the query and the order, shows
    what is set, and a blank date is no filter."""
    html = get(client, "/search?q=nam&sort=newest")
    form = re.search(r'<details class="refine">.*?</details>', html, re.S)
    assert form and 'name="from"' in form[0] and 'name="to"' in form[0] and 'name="field"' in form[0]
    assert '<input type="hidden" name="sort" value="newest">' in form[0]
    sent = get(client, "/search?q=nam&sort=newest&from=2021-06-01&to=&field=title")
    assert '<details class="refine" open>' in sent and 'value="2021-06-01"' in sent
    assert '<option value="title" selected>' in sent and "Chỉ tìm trong: tiêu đề" in sent
    assert get(client, "/search?q=nam&from=&to=&field=all").count('<li class="hit">') == \
        get(client, "/search?q=nam").count('<li class="hit">')


def test_pagination_bounds(client: FlaskClient) -> None:
    first = get(client, "/search?q=nam&per_page=1")
    assert '<span class="disabled" aria-disabled="true">‹ Trang trước</span>' in first
    last = get(client, "/search?q=nam&per_page=1&page=3")
    assert '<span class="disabled" aria-disabled="true">Trang sau ›</span>' in last
    assert 'aria-current="page"' in last
    assert '<ol class="results" start="3">' in last
    beyond = get(client, "/search?q=nam&per_page=1&page=7")
    assert "Trang này không có kết quả" in beyond


def test_the_last_page_of_the_window_says_there_are_more_and_each_page_has_its_title(client: FlaskClient) -> None:
    """The pages stop at the result window without a word (bug hunt 70: "nam" said 1,576 results and
    page 100 was the last); every page had the same title, page 2 included."""
    last = get(client, "/search?q=nam&per_page=1&page=3")  # 3 results, 3 pages: nothing held back
    assert "window-end" not in last and "<title>nam – trang 3 – Tìm kiếm vnsearch</title>" in last
    from webui.pages import SearchParams, _pagination

    window = _pagination(SearchParams(q="nam", page=10, per_page=100), total=1576)
    assert window is not None and window["shown_of"] == 1000 and window["next"] is None
    assert _pagination(SearchParams(q="nam", page=9, per_page=100), total=1576)["shown_of"] is None


def test_pagination_never_links_past_the_result_window() -> None:
    from webui.pages import _pagination

    p = _pagination(SearchParams(q="x", per_page=100, page=9), total=50_000)
    assert p is not None and p["last"] == 10
    assert max(n for n, _ in p["pages"] if n) == 10
    p = _pagination(SearchParams(q="x", per_page=100, page=10), total=50_000)
    assert p is not None and p["next"] is None
    p = _pagination(SearchParams(q="x", page=6), total=200)
    assert p is not None
    assert [n for n, _ in p["pages"]] == [1, None, 4, 5, 6, 7, 8, None, 20]
    # a gap of one page shows that page: "1 … 3" took as much room as "1 2 3" (bug hunt 66)
    p = _pagination(SearchParams(q="x", page=5), total=200)
    assert p is not None and [n for n, _ in p["pages"]] == [1, 2, 3, 4, 5, 6, 7, None, 20]
    p = _pagination(SearchParams(q="x", page=16), total=200)
    assert p is not None and [n for n, _ in p["pages"]] == [1, None, 14, 15, 16, 17, 18, 19, 20]
    p = _pagination(SearchParams(q="x", page=2), total=25)
    assert p is not None and [n for n, _ in p["pages"]] == [1, 2, 3]
    assert _pagination(SearchParams(q="x", page=2), total=0) is None
    assert _pagination(SearchParams(q="x"), total=10) is None


def test_no_results_page_is_helpful(client: FlaskClient) -> None:
    html = get(client, "/search?q=qqqzzzxxy")
    assert "Không tìm thấy kết quả nào cho “<bdi>qqqzzzxxy</bdi>”" in html
    assert "ngoặc kép" in html and "Lọc theo thời gian" in html


def test_results_page_says_what_the_hits_lack(client: FlaskClient) -> None:
    html = get(client, "/search?q=blockchain+doanh+nghiep")
    assert re.search(r"Không bài nào có:\s*<s>blockchain</s> — kết quả theo các từ còn lại\.", html)
    assert "Không bài nào có" not in get(client, "/search?q=doanh+nghiep")
    assert "<s>QX&amp;ZW</s>" in get(client, "/search?q=QX%26ZW+doanh+nghiep")  # as typed, escaped
    assert "Không bài nào có đủ các từ cần tìm" in get(client, "/search?q=gi%C3%B3+UBND")  # "gió UBND"
    assert "Không bài nào có đủ" not in get(client, "/search?q=doanh+nghiep")


def test_results_page_says_a_quoted_phrase_was_searched_unquoted(client: FlaskClient) -> None:
    """No article holds "blockchain": the quoted phrase holding it can match nowhere, so its
    words were searched unquoted, and the page says so (as typed, escaped)."""
    html = get(client, "/search?q=%22blockchain+doanh%22+nghiep")
    said = "Không bài nào có đúng cụm “<bdi>blockchain doanh</bdi>”: đã tìm các từ của cụm như khi không có ngoặc kép."
    assert said in html
    assert re.search(r"Không bài nào có:\s*<s>blockchain</s>", html) and SEED_ID in html
    assert "“<bdi>qx&lt;i&gt;zw doanh</bdi>”" in get(client, "/search?q=%22qx%3Ci%3Ezw+doanh%22")
    assert "đúng cụm" not in get(client, "/search?q=%22doanh+nghiep%22")


def test_no_results_page_does_not_offer_what_was_already_searched(client: FlaskClient) -> None:
    # the seed page never prints "Việt Nam": "Vieejt Nam" was searched as it, so "try Việt Nam"
    # would only repeat the empty search; the reading is shown as understood instead
    html = get(client, "/search?q=Vieejt+Nam")
    assert "Không tìm thấy kết quả nào" in html and "Đã hiểu là" in html and "Việt" in html
    assert "Thử tìm" not in html

    # a spelling suggestion is offered once, not above the empty page too; where a filter
    # emptied the page, not at all: the same filter left it empty (bug hunt 75)
    html = get(client, "/search?q=%22uy+thanh%22")  # no article holds it; "did you mean" does read it
    assert "Không tìm thấy kết quả nào" in html and html.count("ủy Thành") == 1 and "Thử tìm" in html
    assert 'class="did-you-mean"' not in html
    html = get(client, "/search?q=thanh+uy&from=2030-01-01")
    assert "Không tìm thấy kết quả nào" in html and "Thử tìm" not in html and 'class="did-you-mean"' not in html
    assert "tìm lại trong toàn bộ kho" in html


def test_suggestion_link_keeps_filters_and_resets_page(client: FlaskClient) -> None:
    html = get(client, "/search?q=thanh+uy&sort=newest")
    hrefs = re.findall(r'Có phải bạn muốn tìm:\s*<a href="([^"]+)"', html)
    assert hrefs
    target = args_of(hrefs[0].replace("&amp;", "&"))
    assert target["q"] == "Thành ủy" and target["sort"] == "newest" and "page" not in target


# --- escaping ---------------------------------------------------------------------------------


HOSTILE_QUERIES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_hostile_queries_are_escaped_everywhere(client: FlaskClient, q: str) -> None:
    for url in ("/search", "/articles/gen-hostile", "/articles/no-such-id"):
        response = client.get(url, query_string={"q": q})
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 404)
        tags = parse(html).tags
        assert not any(t in ("img", "svg") for t, _ in tags), url
        assert [a.get("src") for t, a in tags if t == "script"] == ["/static/suggest.js"], url
        assert not any(k.startswith("on") for _, a in tags for k in a), url
        if "<" in q:
            assert q not in html


@pytest.mark.parametrize("q", ["dang uy khoi <!--", "Vieejt Nam <svg onload=alert(1)>", 'thanh uy "><img src=x>'])
def test_hostile_text_around_a_suggestion_is_escaped(client: FlaskClient, q: str) -> None:
    """The "did you mean" line is inserted as built (`|safe`): the text typed after the words it
    restores must come out escaped, or `<!--` comments out the rest of the page (bug hunt 85)."""
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert 'class="did-you-mean' in page, "the query must get a suggestion for this test to mean anything"
    tags = [t for t, _ in parse(page).tags]
    assert "footer" in tags and not {"img", "svg"} & set(tags)
    assert "<!--" not in page and q.split()[-1] not in page


def test_hostile_article_is_escaped_in_results_and_article(client: FlaskClient) -> None:
    for url in ("/search?q=an+toan", "/articles/gen-hostile?q=an+toan", "/articles/gen-hostile"):
        html = get(client, url)
        tags = parse(html).tags
        assert [a.get("src") for t, a in tags if t == "script"] == ["/static/suggest.js"], url
        assert not any(t in ("img", "b", "i") for t, _ in tags), url
        assert not any(k.startswith("on") for _, a in tags for k in a), url
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
        assert "&lt;i&gt;Tác giả&lt;/i&gt;" in html
    html = get(client, "/articles/gen-hostile?q=an+toan")
    assert "&lt;img src=x onerror=alert(4)&gt; minh họa <mark>an toàn</mark>" in html


def test_only_mark_tags_come_from_documents(client: FlaskClient) -> None:
    """In the document-derived parts of a results page, the only element is <mark>."""
    html = get(client, "/search?q=an+toan+script")
    for fragment in re.findall(r'<p class="snippet">(.*?)</p>', html, re.S):
        assert {t for t, _ in parse(fragment).tags} <= {"mark"}


# --- article ----------------------------------------------------------------------------------


def test_article_page(client: FlaskClient) -> None:
    html = get(client, f"/articles/{SEED_ID}")
    assert "<mark>" not in html
    assert "11:29, 05/11/2021" in html
    assert "Tiêu đề lấy từ đoạn mở đầu" in html  # the seed's title is derived from its lead
    assert '<p class="byline">LMT</p>' in html
    assert "Tin liên quan" in html
    assert "Phấn đấu ngày 15/9 hoàn thành cấp điện cho 100% huyện đảo Cát Hải" in html
    assert "22:48, 23/11/2024" in html
    # captions in their places: the first caption comes right after the lead, before paragraph 1
    first_caption = html.index("Bí thư Thành ủy Trần Lưu Quang phát biểu tại buổi làm việc")
    assert html.index('class="lead"') < first_caption < html.index("Đảng bộ Khối doanh nghiệp thành phố là")
    assert html.count('<figure class="caption">') == 4


def test_article_highlights_query_terms(client: FlaskClient) -> None:
    html = get(client, f"/articles/{SEED_ID}?q=dang+uy+khoi+doanh+nghiep")
    assert "<mark>Đảng ủy Khối doanh nghiệp</mark>" in html
    assert "Quay lại kết quả tìm “<bdi>dang uy khoi doanh nghiep</bdi>”" in html
    assert 'href="/search?q=dang+uy+khoi+doanh+nghiep"' in html
    # abbreviations are highlighted as search highlights them; excluded terms are not
    html = get(client, "/articles/gen-ubnd?q=uy+ban+nhan+dan+-giao")
    assert "<mark>UBND</mark>" in html and "<mark>giao" not in html


def test_back_to_results_returns_to_the_same_page_sort_and_filters(client: FlaskClient) -> None:
    """An article opened from page 2 of a sorted search links back to that page, not to page 1
    of the same words by relevance."""
    state = {"q": ["nam"], "per_page": ["1"], "page": ["2"], "sort": ["newest"]}
    results = get(client, "/search?q=nam&per_page=1&page=2&sort=newest")
    link = html_lib.unescape(re.search(r'<h2 class="hit-title"><a href="([^"]+)"', results).group(1))
    assert parse_qs(urlsplit(link).query) == state
    article = get(client, link)
    back = html_lib.unescape(re.search(r'<p class="back"><a href="([^"]+)"', article).group(1))
    assert urlsplit(back).path == "/search" and parse_qs(urlsplit(back).query) == state


def test_unmarking_an_article_keeps_the_way_back_to_its_results(client: FlaskClient) -> None:
    """"Bỏ tô sáng" linked to the bare article, so the link back to the results went with the
    marks (bug hunt 65)."""
    marked = get(client, f"/articles/{SEED_ID}?q=dang+uy&sort=newest")
    link = html_lib.unescape(re.search(r'<a href="([^"]+)">Bỏ tô sáng</a>', marked).group(1))
    unmarked = get(client, link)
    assert "<mark>" not in unmarked and "Bỏ tô sáng" not in unmarked
    back = html_lib.unescape(re.search(r'<p class="back"><a href="([^"]+)"', unmarked).group(1))
    assert parse_qs(urlsplit(back).query) == {"q": ["dang uy"], "sort": ["newest"]}


def test_article_not_found(client: FlaskClient) -> None:
    html = get(client, "/articles/no-such-article?q=abc", status=404)
    assert "Không tìm thấy bài viết" in html
    assert 'href="/search?q=abc"' in html


def test_unknown_page_is_html_404_but_api_stays_json(client: FlaskClient) -> None:
    assert "Không tìm thấy trang" in get(client, "/no/such/page", status=404)
    response = client.get("/api/no-such-route")
    assert response.status_code == 404 and response.is_json


# --- errors and headers -----------------------------------------------------------------------


def test_wrong_method_and_a_fault_of_ours_are_the_sites_own_pages(seed_index: Path) -> None:
    """405 and 500 were Werkzeug's English pages, without the search box or a way home (bug
    hunt 66); the API keeps its JSON for both."""
    app = create_app(seed_index)
    client = app.test_client()
    for method in ("POST", "DELETE"):
        response = client.open("/search?q=nam", method=method)
        assert response.status_code == 405 and "GET" in response.headers["Allow"]
        html = response.get_data(as_text=True)
        assert '<html lang="vi"' in html and "chỉ nhận yêu cầu GET" in html and 'id="q"' in html
    assert client.post("/api/search?q=nam").is_json

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a fault of ours")

    service = app.extensions["vnsearch"]
    for name in ("search", "article"):
        setattr(service, name, broken)
    for url in ("/search?q=nam", f"/articles/{SEED_ID}"):
        response = client.get(url)
        assert response.status_code == 500, url
        html = response.get_data(as_text=True)
        assert "Lỗi máy chủ" in html and "a fault of ours" not in html and 'id="q"' in html
        assert response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    response = client.get("/api/search?q=nam")
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("page=abc", "Số trang không hợp lệ"),
        ("page=0", "trang là số nguyên từ 1"),
        ("page=-3", "Số trang không hợp lệ"),
        ("page=99999999999999999999", "Số trang không hợp lệ"),
        ("per_page=1000", "Số kết quả mỗi trang"),
        ("per_page=x", "Số kết quả mỗi trang"),
        ("per_page=%EF%BC%95", "Số kết quả mỗi trang"),  # a full-width ５, which the API refuses too
        ("page=+2", "Số trang không hợp lệ"),
        ("from=2021-02-30", "Ngày không hợp lệ"),
        ("from=yesterday", "Ngày không hợp lệ"),
        ("from=2022-01-01&to=2021-01-01", "Ngày không hợp lệ"),
        ("sort=random", "Cách sắp xếp không hợp lệ"),
        ("field=author", "Phạm vi tìm kiếm không hợp lệ"),
    ],
)
def test_invalid_parameters_give_a_friendly_400(client: FlaskClient, query: str, expected: str) -> None:
    html = get(client, f"/search?q=nam&{query}", status=400)
    assert expected in html
    assert 'href="/search?q=nam"' in html  # a way back to a valid search
    # its search box starts afresh: it kept what was refused, so each search from it was
    # refused again (bug hunt 80)
    assert not [a for tag, a in parse(html).tags if tag == "input" and a.get("type") == "hidden"]


def test_an_articles_way_back_leaves_out_what_the_search_would_refuse(client: FlaskClient) -> None:
    """`/articles/ID?q=gia&sort=bad&field=x` led back to a 400 page (bug hunt 80)."""
    html = get(client, f"/articles/{SEED_ID}?q=nam&sort=bad&field=x&from=2021-02-30&to=2021-12-31&per_page=20")
    back = html_lib.unescape(re.search(r'<p class="back"><a href="([^"]+)"', html).group(1))
    assert args_of(back) == {"q": "nam", "to": "2021-12-31", "per_page": "20"}
    assert get(client, back).count('<li class="hit">') >= 1


@pytest.mark.parametrize(
    "refused, kept",
    [
        ("per_page=500", {}),
        ("per_page=0", {}),
        ("per_page=50&page=21", {"per_page": "50"}),
        ("page=3", {"page": "3"}),
        ("from=2021-12-31&to=2021-01-01", {}),
    ],
)
def test_an_articles_search_box_and_way_back_pass_on_no_page_or_dates_the_search_refuses(
    client: FlaskClient, refused: str, kept: dict[str, str]
) -> None:
    """`/articles/ID?q=nam&per_page=500` kept per_page=500 in its way back and its search box's
    hidden fields, so the next search from the article was a 400 page (bug hunt 86)."""
    html = get(client, f"/articles/{SEED_ID}?q=nam&{refused}")
    back = html_lib.unescape(re.search(r'<p class="back"><a href="([^"]+)"', html).group(1))
    assert args_of(back) == {"q": "nam", **kept}
    get(client, back)  # a results page, not a 400
    hidden = {a["name"]: a["value"] for tag, a in parse(html).tags if tag == "input" and a.get("type") == "hidden"}
    get(client, "/search?" + urlencode({"q": "nam", **hidden}))  # nor the next search from the article


OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def test_the_site_is_a_search_engine_a_browser_can_add(client: FlaskClient) -> None:
    """Every page links an OpenSearch description, whose search URL, absolute at the address
    the site was reached at, opens the results page of what is typed in the address bar."""
    links = [a for tag, a in parse(get(client, "/")).tags if tag == "link" and a.get("rel") == "search"]
    assert [a["type"] for a in links] == ["application/opensearchdescription+xml"]
    assert links == [a for tag, a in parse(get(client, f"/articles/{SEED_ID}")).tags
                     if tag == "link" and a.get("rel") == "search"]
    response = client.get(links[0]["href"], headers={"Host": "tin.example.vn"})
    assert response.status_code == 200 and response.mimetype == "application/opensearchdescription+xml"
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    description = ElementTree.fromstring(response.get_data())
    assert description.findtext(f"{OPENSEARCH}ShortName") == "vnsearch"
    assert description.findtext(f"{OPENSEARCH}InputEncoding") == "UTF-8"
    template = description.find(f"{OPENSEARCH}Url[@type='text/html']").get("template")
    url = urlsplit(template.replace("{searchTerms}", quote_plus("dang uy khoi doanh nghiep")))
    assert (url.scheme, url.netloc) == ("http", "tin.example.vn")
    assert get(client, f"{url.path}?{url.query}").count('<li class="hit">') >= 1
    # a Host header no browser sends is no markup in the description
    hostile = client.get("/opensearch.xml", headers={"Host": 'x"><Url template="http://evil/'})
    assert ElementTree.fromstring(hostile.get_data()).findall(f"{OPENSEARCH}Url")[0].get("template").endswith(
        "/search?q={searchTerms}")
    assert "evil" not in hostile.get_data(as_text=True)


def test_a_query_string_that_is_not_utf8_is_refused_not_searched(client: FlaskClient) -> None:
    """Werkzeug re-quotes bytes that are not UTF-8: `q=%FF%FE` searched the letters "FF FE",
    showed "%FF%FE" in the box and offered "%VFF%FE" (bug hunt 72)."""
    html = get(client, "/search?q=%FF%FE", status=400)
    assert "không phải UTF-8" in html and "%FF" not in html
    assert "%FF" not in get(client, f"/articles/{SEED_ID}?q=%FF%FE")  # nor shown back in an article's search box


def test_no_index_gives_friendly_503(tmp_path: Path) -> None:
    client = create_app(tmp_path / "empty").test_client()
    for url in ("/", "/search?q=nam", "/articles/x"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "30"
        html = response.get_data(as_text=True)
        assert "chưa có chỉ mục" in html
        assert response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/", "/search?q=nam", f"/articles/{SEED_ID}", "/search?q=nam&page=0",
                                 "/articles/nope", "/nope"])
def test_security_headers(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"


def test_api_responses_do_not_get_the_page_csp(client: FlaskClient) -> None:
    response = client.get("/api/suggest?q=dang")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers


def test_suggest_api_shape_used_by_the_script(client: FlaskClient) -> None:
    """suggest.js reads `suggestions` [{id, title}] from /api/suggest."""
    data = client.get("/api/suggest?q=gio mua").get_json()
    assert data["suggestions"][0] == {"id": "gen-nam-south", "title": "Gió mùa tràn về miền Nam"}
    assert "data.suggestions" in (REPO / "webui" / "static" / "suggest.js").read_text(encoding="utf-8")


# --- formatting -----------------------------------------------------------------------------


def test_formatting_helpers() -> None:
    assert vn_datetime("2021-11-05T11:29:00+07:00") == "11:29, 05/11/2021"
    assert vn_datetime("not a date") == "not a date"
    assert vn_datetime(None) == ""
    assert vn_number(1234567) == "1.234.567"
    assert _safe_link("https://baohaiphong.vn/a.html") == "https://baohaiphong.vn/a.html"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil", "", None):
        assert _safe_link(bad) is None
    params = SearchParams(q="a b", sort="newest", page=3)
    assert params.url() == "/search?q=a+b&sort=newest"
    assert params.url(page=2) == "/search?q=a+b&sort=newest&page=2"


def test_an_article_without_a_date_has_no_stray_separator(tmp_path: Path) -> None:
    """The meta line separates the date from the source link only when there is a date."""
    import json

    from indexer.index import build_index

    (tmp_path / "in").mkdir()
    record = {"title": "Tin", "lead": "Nội dung.", "body": "", "source": "t", "author": None, "captions": []}
    undated = {**record, "id": "a", "url": "https://example.org/a", "published": None}
    dated = {**record, "id": "b", "url": "https://example.org/b", "published": "2021-11-05T11:29:00+07:00"}
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (undated, dated))
    (tmp_path / "in" / "a.jsonl").write_text(lines, encoding="utf-8")
    build_index([tmp_path / "in"], tmp_path / "ix", procs=1)
    client = create_app(tmp_path / "ix").test_client()

    def meta(html: str) -> str:
        start = html.index('<p class="meta">')
        return html[start : html.index("</p>", start)]

    assert "Bài gốc" in meta(get(client, "/articles/a")) and "·" not in meta(get(client, "/articles/a"))
    assert "11:29, 05/11/2021" in meta(get(client, "/articles/b")) and "·" in meta(get(client, "/articles/b"))


def test_a_related_item_the_archive_holds_opens_it_and_the_others_say_they_search(tmp_path: Path) -> None:
    """Every "Tin liên quan" headline linked to a search for its words, like an article link:
    the trailer's articles are seldom in the archive, and the search found 287 unrelated ones
    (bug hunt 80). One the archive holds, by its exact title, opens it; the others are text with
    a link that says it searches."""
    import json
    import shutil

    from indexer.index import build_index

    shutil.copytree(REPO / "seeds", tmp_path / "in" / "seeds")
    title = "Phấn đấu ngày 15/9 hoàn thành cấp điện cho 100% huyện đảo Cát Hải"  # in the seed's trailer
    held = {"id": "dien-cat-hai", "url": None, "title": title, "author": None, "published": None,
            "lead": "Điện về đảo.", "body": "", "captions": []}
    (tmp_path / "in" / "held.jsonl").write_text(json.dumps(held, ensure_ascii=False) + "\n", encoding="utf-8")
    build_index([tmp_path / "in"], tmp_path / "ix", procs=1)
    html = get(create_app(tmp_path / "ix").test_client(), f"/articles/{SEED_ID}?q=thanh+uy")
    related = html[html.index('id="related-h"'):]
    assert f'<a href="/articles/dien-cat-hai">{held["title"]}</a>' in related
    searched = [(a.get("aria-label"), a["href"]) for tag, a in parse(related).tags if tag == "a"][1:]
    assert searched and all(label.startswith("Tìm trong kho: ") and href.startswith("/search?q=")
                            for label, href in searched)


def test_each_tip_of_the_home_page_finds_the_seed_article(tmp_path: Path) -> None:
    """What a new user tries first, on the index `make serve` builds from seeds/ alone: two tips
    found nothing there (`tieude:"hải phòng"`, the derived title cut before it; `doanh
    nghiệp -covid`, the article naming Covid-19: bug hunt 82)."""
    from indexer.index import build_index
    from indexer.search import SearchService

    build_index([REPO / "seeds"], tmp_path / "ix", procs=1)
    home = create_app(tmp_path / "ix").test_client().get("/").get_data(as_text=True)
    tips = home[home.index('class="tips"') :]
    examples = [html_lib.unescape(code) for code in re.findall(r"<code>(.*?)</code>", tips)]
    assert len(examples) >= 5 and "OR" in examples
    service = SearchService(tmp_path / "ix")
    for example in (e for e in examples if e != "OR"):
        hits = service.search(example)["hits"]
        assert [hit["id"] for hit in hits] == [SEED_ID], example

