"""Reliability and security: fuzzed queries, pages, records and files; hostile documents and
queries in a real index; every limit enforced.

What is asserted everywhere: no exception escapes but the documented ones (`InvalidParameter`
for a bad parameter, `IngestError` for a bad record or page), every piece of HTML we emit is
escaped except our own ``<mark>`` tags, and each search finishes in bounded time.

Kill-a-build and rebuild-under-load are in tests/test_index_cli.py and tests/test_server.py.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import json
import random
import re
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.index import build_index
from indexer.ingest import IngestError, IngestReport, parse_jsonl_record, parse_page
from indexer.input_files import iter_articles
from indexer.model import Article
from indexer.parameters import MAX_PER_PAGE, MAX_RESULT_WINDOW, SORTS, InvalidParameter
from indexer.search import FIELD_CHOICES, MAX_QUERY_CHARS, MAX_QUERY_TERMS, SNIPPET_CHARS, SearchService, parse_query
from tests.conftest import SEEDS

SECONDS_PER_SEARCH = 2.0  # the bound on one search, however hostile the query or the document
MARK = re.compile(r"</?mark>")
SEED_PAGE = next(SEEDS.glob("*.txt")).read_bytes()
_FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fuzz(examples: int) -> settings:
    """Hypothesis settings for a fuzz test: no per-example deadline (the bound is asserted)."""
    return settings(_FUZZ, max_examples=examples)


# --- what "escaped" means ---------------------------------------------------------------------


def assert_escaped(fragment: str, where: str) -> None:
    """Only our own <mark> tags may be markup; everything else must arrive escaped."""
    bare = MARK.sub("", fragment)
    assert "<" not in bare and ">" not in bare, f"unescaped markup in {where}: {fragment[:200]!r}"


def html_fragments(result: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, html) of every HTML string in a search response."""
    if result.get("suggestion"):
        yield "suggestion", result["suggestion"]["html"]
    for hit in result["hits"]:
        yield f"{hit['id']} title_html", hit["title_html"]
        yield f"{hit['id']} snippet", hit["snippet"]
        for cap in hit["captions"]:
            yield f"{hit['id']} caption", cap["html"]


def checked_search(service: SearchService, q: str, **kwargs: Any) -> dict[str, Any]:
    """search() within the time bound, with every HTML fragment escaped. The bound is on the
    CPU time of the calling thread (search runs there), so that other load on a shared
    machine cannot fail it; wall time gets a loose sanity bound."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    result = service.search(q, **kwargs)
    cpu, wall = time.thread_time() - cpu_started, time.perf_counter() - started
    assert cpu < SECONDS_PER_SEARCH, f"{cpu:.2f} s CPU for {q[:80]!r} {kwargs}"
    assert wall < 5 * SECONDS_PER_SEARCH, f"{wall:.2f} s for {q[:80]!r} {kwargs}"
    assert len(result["query"]) <= MAX_QUERY_CHARS
    assert len(result["hits"]) <= result["per_page"]
    for where, fragment in html_fragments(result):
        assert_escaped(fragment, where)
    for hit in result["hits"]:  # escaped, not altered: unescaping gives the stored title back
        assert html.unescape(MARK.sub("", hit["title_html"])) == hit["title"]
    return result


# --- strategies ---------------------------------------------------------------------------------

# Query syntax and the characters that have broken parsers before: quotes, operators, field
# prefixes, Vietnamese with and without marks, combining marks, bidi controls, astral
# characters, controls, markup.
_QUERY_PIECES = st.sampled_from(
    [
        '"',
        '"',
        "-",
        "OR",
        "OR",
        "(",
        ")",
        ":",
        "title:",
        "caption:",
        "body:",
        "lead:",
        "tieude:",
        "foo:",
        " ",
        " ",
        "\t",
        "\n",
        "đảng",
        "ủy",
        "uỷ",
        "dang",
        "uy",
        "Hà",
        "Nội",
        "ha",
        "noi",
        "UBND",
        "TP.HCM",
        "tp.",
        "19.309",
        "Covid-19",
        "-x",
        "a",
        "\u0301",
        "\u0323",
        "\u202e",
        "\u202b",
        "\u2067",
        "\u200b",
        "\ufeff",
        "😀",
        "𝔘",
        "𠀀",
        "\x00",
        "\x1b[31m",
        "<script>",
        "</mark>",
        "<mark>",
        "&amp;",
        "'",
        "\\",
        "*",
        "?",
        "~2",
        "^3",
        "AND",
        "NOT",
    ]
)
query_text = st.one_of(
    st.lists(_QUERY_PIECES, max_size=40).map("".join),
    st.lists(_QUERY_PIECES, max_size=40).map(" ".join),
    st.text(max_size=120),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
)


# --- the query parser ---------------------------------------------------------------------------


@fuzz(400)
@given(query_text)
def test_parse_query_accepts_anything_within_bounds(text: str) -> None:
    parsed = parse_query(text)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert sum(len(c.tokens) for c in parsed.clauses) <= MAX_QUERY_TERMS
    for clause in parsed.clauses:
        assert clause.tokens, "a clause without tokens"
        for tok in clause.tokens:
            assert 0 <= tok.start < tok.end <= len(parsed.text)
            assert tok.folded.isascii() or not tok.folded.isalpha() or tok.folded == tok.folded.lower()


def test_parse_query_bounds_length_and_terms() -> None:
    long = parse_query("đảng " * 3000)
    assert long.truncated and len(long.text) == MAX_QUERY_CHARS
    many = parse_query(" ".join("abcdefghij"[i % 10] for i in range(MAX_QUERY_TERMS + 50)))
    assert len(many.text) < MAX_QUERY_CHARS  # cut by its terms, not its length
    assert many.truncated and sum(len(c.tokens) for c in many.clauses) == MAX_QUERY_TERMS
    # what is shown back too: the API's `query` said all 170 words where 120 were searched;
    # the text stays whole, so a question's "?" past the cut still makes it one (bug hunt 84)
    assert many.searched_text == " ".join("abcdefghij"[i % 10] for i in range(MAX_QUERY_TERMS))
    assert many.text.endswith("j")


# --- the search function, every parameter ----------------------------------------------------


@pytest.fixture(scope="module")
def service(seed_index: Path) -> SearchService:
    return SearchService(seed_index)


_DATES = st.sampled_from(
    [
        None,
        "",
        "2021-11-05",
        "2020-01-01",
        "2023-12-31",
        "2021-02-30",
        "05/11/2021",
        "x",
        "9999-12-31",
        "0001-01-01",
        "2021-1-5",
        "\u0662\u0660\u0662\u0661-01-01",
    ]
)


def _valid_day(value: str | None) -> bool:
    from datetime import date

    if value in (None, ""):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _expect_invalid(
    page: Any, per_page: Any, sort: str, field: str, date_from: str | None, date_to: str | None
) -> bool:
    from datetime import date

    try:
        page, per_page = int(page), int(per_page)
    except (TypeError, ValueError):
        return True
    if not 1 <= per_page <= MAX_PER_PAGE or page < 1 or page * per_page > MAX_RESULT_WINDOW:
        return True
    if sort not in SORTS or field not in FIELD_CHOICES:
        return True
    if not (_valid_day(date_from) and _valid_day(date_to)):
        return True
    return bool(date_from and date_to and date.fromisoformat(date_from) > date.fromisoformat(date_to))


@fuzz(300)
@given(
    q=query_text,
    page=st.one_of(st.integers(-3, 1200), st.sampled_from(["2", "x", "", None, 1.5])),
    per_page=st.one_of(st.integers(-3, 150), st.sampled_from(["10", "ten", None])),
    sort=st.sampled_from([*SORTS, "random", "", "NEWEST"]),
    field=st.sampled_from([*FIELD_CHOICES, "author", ""]),
    date_from=_DATES,
    date_to=_DATES,
)
def test_search_fuzz_only_invalid_parameter_escapes(
    service: SearchService,
    q: str,
    page: Any,
    per_page: Any,
    sort: str,
    field: str,
    date_from: str | None,
    date_to: str | None,
) -> None:
    kwargs = {
        "page": page,
        "per_page": per_page,
        "sort": sort,
        "field": field,
        "date_from": date_from,
        "date_to": date_to,
    }
    if _expect_invalid(page, per_page, sort, field, date_from, date_to):
        with pytest.raises(InvalidParameter) as exc:
            service.search(q, **kwargs)
        assert exc.value.code.startswith("invalid_") and exc.value.message
        return
    result = checked_search(service, q, **kwargs)
    assert result["page"] == int(page) and result["per_page"] == int(per_page)
    assert result["total"] >= len(result["hits"])


@fuzz(100)
@given(query_text)
def test_suggest_and_highlighter_accept_anything(service: SearchService, text: str) -> None:
    for item in service.suggest(text):
        assert set(item) == {"id", "title"}
    highlighter = service.highlighter(text)
    assert all(isinstance(t, str) for t in highlighter.terms)
    assert "<script" not in highlighter.mark_all("<script>" + text)


# --- pages and records ------------------------------------------------------------------------

_PAGE_LINES = st.one_of(
    st.sampled_from(
        [
            "10:00 01/03/2020 Đoạn dẫn.",
            "10:00 01/03/2020",
            "25:99 31/02/2020 Giờ sai.",
            "00:00 29/02/2020 Năm nhuận.",
            "08:15 05/02/2017",
            "Ảnh: TTXVN",
            "(Nguồn: Reuters)",
            "Ảnh minh họa",
            "LMT",
            "N.H.",
            "Theo VnExpress",
            "",
            " ",
            "\ufeff",
            "\r",
            "\x00",
            "<script>alert(1)</script>",
            "\u202eevil.txt",
            "😀" * 50,
            "a\u0301\u0301\u0301" * 30,
        ]
    ),
    st.text(max_size=200),
    st.text(alphabet='abcđêơ ĂẢ.,:?!“”"()0123456789/-–', max_size=300),
)


@fuzz(300)
@given(st.lists(_PAGE_LINES, max_size=30), st.sampled_from(["\n", "\r\n", "\r", "\u2028"]))
def test_parse_page_structured_fuzz_only_ingest_error(lines: list[str], newline: str) -> None:
    try:
        article = parse_page(newline.join(lines), id="fuzz")
    except IngestError as exc:
        assert str(exc), "an IngestError without a reason"
        return
    assert isinstance(article, Article) and article.id == "fuzz"
    assert article.title and article.lead and article.published
    assert all(c.position <= len(article.paragraphs) for c in article.captions)


_JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40))
_JSON = st.recursive(
    _JSON_LEAF,
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)),
    max_leaves=12,
)
_FIELDS = ["id", "url", "title", "author", "published", "lead", "body", "captions", "source"]
_RECORD = st.one_of(
    _JSON,
    st.dictionaries(st.sampled_from(_FIELDS), _JSON, max_size=9),
    st.fixed_dictionaries(
        {
            "id": st.one_of(st.text(max_size=20), st.integers(), st.none()),
            "title": st.one_of(st.text(max_size=60), st.none()),
            "lead": st.one_of(st.text(max_size=100), st.none()),
            "body": st.one_of(
                st.text(max_size=300), st.lists(st.text(max_size=40), max_size=5), st.none(), st.integers()
            ),
            "captions": st.one_of(st.lists(st.text(max_size=40), max_size=4), st.text(max_size=10), st.none()),
            "published": st.one_of(
                st.none(),
                st.text(max_size=30),
                st.sampled_from(
                    [
                        "2021-11-05T08:00:00+07:00",
                        "2021-11-05",
                        "05/11/2021",
                        "08:00 05/11/2021",
                        "2021-02-30",
                        "1e9",
                        "Z",
                    ]
                ),
                st.integers(),
            ),
        },
    ),
)


@fuzz(250)
@given(_RECORD)
def test_parse_jsonl_record_fuzz_only_ingest_error(record: Any) -> None:
    try:
        article = parse_jsonl_record(record, source="fuzz.jsonl", line=1)
    except IngestError as exc:
        assert str(exc)
        return
    assert article.id and (article.lead or article.paragraphs or article.captions)


def test_record_whose_body_is_only_its_caption_gets_a_title_or_is_refused() -> None:
    """Found by the fuzz test above: such a record used to become an article with no title."""
    record = {"id": "c1", "title": None, "lead": "", "body": "Ảnh: TTXVN", "captions": ["Ảnh: TTXVN"]}
    with pytest.raises(IngestError, match="no text"):
        parse_jsonl_record(record)
    titled = parse_jsonl_record({**record, "title": "Ảnh trong ngày"})
    assert titled.title == "Ảnh trong ngày" and titled.captions[0].text == "Ảnh: TTXVN"


# --- whole files: random bytes, mutated real inputs ------------------------------------------

_SEED_LINE = (
    json.dumps(
        {
            "id": "r1",
            "title": "Tiêu đề",
            "lead": "Đoạn dẫn.",
            "body": "Thân bài.\nẢnh: TTXVN",
            "captions": ["Ảnh: TTXVN"],
            "published": None,
        },
        ensure_ascii=False,
    ).encode()
    + b"\n"
)


def _mutate(data: bytes, rng: random.Random, edits: int) -> bytes:
    buf = bytearray(data)
    for _ in range(edits):
        op = rng.randrange(4)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        elif op == 2:
            del buf[pos : pos + rng.randrange(1, 64)]
        else:
            buf[pos:pos] = rng.choice([b"\n", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00\x00", b'"', b"{", b"}"])
    return bytes(buf)


_FILE_BYTES = st.one_of(
    st.binary(max_size=600),
    st.builds(
        _mutate,
        st.sampled_from([SEED_PAGE, _SEED_LINE * 3, SEED_PAGE.decode().encode("utf-16")]),
        st.randoms(use_true_random=False),
        st.integers(1, 12),
    ),
)
_NAMES = st.sampled_from(["a.txt", "b.jsonl", "c.jsonl.gz", "d.TXT", "e.gz.jsonl"])


def _as_file(data: bytes, name: str, gz_mode: int) -> bytes:
    if not name.endswith(".gz"):
        return data
    packed = gzip.compress(data)
    return [packed, packed[: len(packed) // 2], data][gz_mode]  # whole, truncated, not gzip at all


@fuzz(150)
@given(st.lists(st.tuples(_FILE_BYTES, _NAMES, st.integers(0, 2)), min_size=1, max_size=5))
def test_iter_articles_over_random_files_never_raises(files: list[tuple[bytes, str, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = []
        for i, (data, name, gz_mode) in enumerate(files):
            path = folder / f"{i}{name}"
            path.write_bytes(_as_file(data, name, gz_mode))
            names.append(path.name)
        report = IngestReport()
        articles = list(iter_articles([folder], report))
        assert report.files == len(names)
        assert report.accepted == len(articles)
        for name in names:
            produced = [a for a in articles if a.source.split(":")[0] == name or a.id == Path(name).stem]
            rejected = [r for r in report.rejections if r.source == name]
            assert produced or rejected, f"{name}: neither accepted nor rejected"
            assert all(r.reason.strip() for r in rejected)


# --- hostile documents in a real index --------------------------------------------------------

ONE_MB = 1024 * 1024
WORDS = ["Đảng", "ủy", "khối", "doanh", "nghiệp", "Hà", "Nội", "giao", "thông", "năm", "mới"]
HOSTILE_RECORDS = [
    {
        "id": "h-script",
        "title": "<script>alert('t')</script> Tin <b>đậm</b>",
        "lead": '"><img src=x onerror=alert(1)> javascript:alert(2) zzhostile',
        "body": "<iframe src=//evil></iframe>\n<svg onload=alert(3)>zzhostile</svg>\n&lt;already&gt; &amp;",
        "captions": ["Ảnh <img src=x onerror=alert(4)>: TTXVN"],
        "author": "<i>x</i>",
    },
    {
        "id": "h-rtl",
        "title": "Tin \u202egnp.exe\u202c về \u202bعربي\u202c và \u2067עברית\u2069 zzbidi",
        "lead": "Văn bản có \u200f dấu RTL \u200e và \u061c ký tự điều khiển zzbidi.",
        "body": "Nội dung \u202e đảo ngược.",
    },
    {
        "id": "h-astral",
        "title": "Emoji 😀🇻🇳👨‍👩‍👧 và 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀𠀁 zzastral",
        "lead": "Chuỗi 😀" * 200 + " zzastral",
        "body": "🎉 " * 500 + "kết thúc zzastral",
    },
    {
        "id": "h-zalgo",
        "title": "Z" + "\u0301\u0323\u0309" * 300 + " zzzalgo",
        "lead": "a" + "\u0300" * 2000 + " zzzalgo",
        "body": ("ơ\u031b" * 500) + " zzzalgo",
    },
    {
        "id": "h-quotes",
        "title": 'Trích dẫn """((("lồng nhau")))""" zzquotes',
        "lead": '"' * 5000 + " zzquotes",
        "body": "“‘«»’” " * 2000,
    },
    {
        "id": "h-controls",
        "title": "Ký tự\x00điều\x07khiển\x1b[31m zzcontrol",
        "lead": "Dòng\rtrở về\x0b zzcontrol",
        "body": "\ufeff\u200b\u00ad" * 1000 + " zzcontrol",
    },
    {"id": "h-longword", "title": "Một từ rất dài zzlongword", "lead": "Đoạn dẫn zzlongword.", "body": "x" * ONE_MB},
]


def _one_mb_page() -> str:
    rng = random.Random(3)
    line: list[str] = []
    size = 0
    while size < ONE_MB:
        word = rng.choice(WORDS)
        line.append(word)
        size += len(word.encode()) + 1
    line.insert(len(line) // 2, "zzmegaline")
    return "10:00 05/11/2021 Trang có một dòng dài một megabyte zzmegapage.\n" + " ".join(line) + "\nLMT"


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-in")
    (folder / "megaline.txt").write_text(_one_mb_page(), encoding="utf-8")
    with (folder / "hostile.jsonl").open("w", encoding="utf-8") as f:
        for record in HOSTILE_RECORDS:
            f.write(json.dumps({"published": "2021-11-05T08:00:00+07:00", **record}, ensure_ascii=False) + "\n")
    (folder / "seed.txt").write_bytes(SEED_PAGE)
    root = tmp_path_factory.mktemp("hostile-ix") / "ix"
    started = time.perf_counter()
    report = build_index([folder], root, procs=1)
    assert time.perf_counter() - started < 120
    assert report.documents == len(HOSTILE_RECORDS) + 2, report.ingest.summary()
    return root


@pytest.fixture(scope="module")
def hostile(hostile_index: Path) -> SearchService:
    return SearchService(hostile_index)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zzhostile", "h-script"),
        ("script alert", "h-script"),
        ("zzbidi", "h-rtl"),
        ("zzastral", "h-astral"),
        ("😀 zzastral", "h-astral"),
        ("zzzalgo", "h-zalgo"),
        ("zzquotes", "h-quotes"),
        ('"lồng nhau"', "h-quotes"),
        ("zzcontrol", "h-control"),
        ("zzlongword", "h-longword"),
        ("zzmegaline", "megaline"),
        ("dang uy khoi doanh nghiep", None),
        ("ha noi", None),
    ],
)
def test_hostile_documents_are_found_escaped_and_fast(hostile: SearchService, query: str, expected: str | None) -> None:
    result = checked_search(hostile, query, per_page=20)
    ids = [h["id"] for h in result["hits"]]
    if expected is not None:
        assert any(i.startswith(expected) for i in ids), ids
    for hit in result["hits"]:
        assert len(MARK.sub("", hit["snippet"])) <= SNIPPET_CHARS * 6 + 8  # escaping at most ×6
    if expected == "h-script":
        hit = next(h for h in result["hits"] if h["id"] == "h-script")
        assert "&lt;" in hit["title_html"] and "<script" not in hit["title_html"]


HOSTILE_QUERIES = [
    '"""((("a"))) -"-" OR OR',
    '"' * 999,
    '"a' * 400,
    "((((((((((" * 50,
    "-" * 500,
    "OR " * 300,
    "title:" * 100 + "x",
    "a:b:c:d:e:f",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "\u202eabc\u202c zzbidi",
    "\u2067עברית\u2069",
    "😀" * 300,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀",
    "a" + "\u0301" * 5000,
    "\x00\x01\x02 zzcontrol",
    "x" * 100_000,
    " ".join(WORDS * 20),
    " OR ".join(WORDS * 5),
    '"' + " ".join(WORDS * 10) + '"',
    "-" + " -".join(WORDS * 5),
    "đảng " * 2000,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_are_bounded_and_escaped(hostile: SearchService, query: str) -> None:
    for sort in SORTS:
        checked_search(hostile, query, sort=sort)
    assert all(isinstance(t, str) for t in hostile.highlighter(query).terms)
    hostile.suggest(query)


def test_megaline_snippet_is_bounded(hostile: SearchService) -> None:
    """A word half a megabyte into one line is found; the snippet stays ~SNIPPET_CHARS (it
    need not show that word: highlighting may scan only the start of a huge block)."""
    hit = next(h for h in checked_search(hostile, "zzmegaline")["hits"] if h["id"] == "megaline")
    assert 0 < len(MARK.sub("", hit["snippet"])) <= SNIPPET_CHARS + 4


# --- bounds -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"per_page": MAX_PER_PAGE + 1}, "invalid_per_page"),
        ({"per_page": 0}, "invalid_per_page"),
        ({"page": 0}, "invalid_page"),
        ({"page": MAX_RESULT_WINDOW // 10 + 1, "per_page": 10}, "invalid_page"),
        ({"page": MAX_RESULT_WINDOW // MAX_PER_PAGE + 1, "per_page": MAX_PER_PAGE}, "invalid_page"),
        ({"page": 10**12}, "invalid_page"),
    ],
)
def test_paging_bounds(service: SearchService, kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(InvalidParameter) as exc:
        service.search("nam", **kwargs)
    assert exc.value.code == code


def test_deepest_allowed_page_is_served(service: SearchService) -> None:
    deepest = checked_search(service, "nam", page=MAX_RESULT_WINDOW // MAX_PER_PAGE, per_page=MAX_PER_PAGE)
    assert deepest["hits"] == []  # past the end of 7 documents: empty, not an error


def test_ten_kilobyte_query_is_cut_with_a_notice(service: SearchService) -> None:
    result = checked_search(service, ("dang uy khoi " * 1000)[:10_240])
    assert "notice" in result and len(result["query"]) <= MAX_QUERY_CHARS
    assert result["hits"] and result["hits"][0]["id"] == "000_731bbc153429bd94"


def test_api_enforces_the_same_bounds(seed_index: Path) -> None:
    from webui import create_app
    from webui.openapi import MAX_Q_ACCEPTED

    client = create_app(seed_index).test_client()
    cases = [
        ({"q": "nam", "per_page": str(MAX_PER_PAGE + 1)}, 400, "invalid_per_page"),
        ({"q": "nam", "page": "101", "per_page": "10"}, 400, "invalid_page"),
        ({"q": "nam", "page": "99999999999"}, 400, "invalid_page"),
        ({"q": "a" * (MAX_Q_ACCEPTED + 1)}, 400, "query_too_long"),
        ({"q": "đảng " * (MAX_Q_ACCEPTED // 5)}, 200, None),
        ({"q": '"""((("a"))) -"-" OR OR'}, 200, None),
        ({"q": "<script>alert(1)</script>"}, 200, None),
    ]
    for params, status, code in cases:
        response = client.get("/api/search", query_string=params)
        assert response.status_code == status, (params, response.get_json())
        body = response.get_json()
        if code:
            assert body["error"]["code"] == code and body["error"]["message"]
        else:
            for where, fragment in html_fragments(body):
                assert_escaped(fragment, where)


def test_server_bounds_request_time_and_size() -> None:
    from webui.server import gunicorn_options

    options = gunicorn_options("127.0.0.1", 8000, 2, 4)
    assert 0 < options["timeout"] <= 60  # a stuck worker is killed and replaced
    assert options["limit_request_line"] <= 8190
    assert options["graceful_timeout"] <= options["timeout"]


# --- slow: fuzzed inputs through a real build ------------------------------------------------


@pytest.mark.slow
def test_build_from_a_folder_of_fuzzed_files(tmp_path: Path) -> None:
    """A build over 300 mutated pages and JSON Lines files completes, indexes what it can and
    reports everything else by file; searching the result stays bounded and escaped."""
    rng = random.Random(8)
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(200):
        data = _mutate(SEED_PAGE, rng, rng.randrange(0, 30))
        (folder / f"p{i:03d}.txt").write_bytes(data)
    for i in range(100):
        lines = b"".join(
            _mutate(_SEED_LINE.replace(b'"r1"', f'"r{i}-{j}"'.encode()), rng, rng.randrange(0, 6)) for j in range(5)
        )
        name = folder / f"j{i:03d}.jsonl.gz" if i % 3 == 0 else folder / f"j{i:03d}.jsonl"
        name.write_bytes(gzip.compress(lines) if name.suffix == ".gz" else lines)
    report = IngestReport()
    build = build_index([folder], tmp_path / "ix", procs=1, report=report)
    assert report.files == 300 and build.documents == report.accepted > 0
    assert report.rejected > 0 and all(r.reason for r in report.rejections)
    service = SearchService(tmp_path / "ix")
    for q in ("dang uy khoi doanh nghiep", "tieu de", '"than bai"', "ttxvn", "ha noi OR hai phong"):
        checked_search(service, q, per_page=50)


@pytest.mark.slow
@fuzz(60)
@given(st.binary(min_size=1, max_size=2000))
def test_gzip_garbage_is_rejected_with_a_reason(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.jsonl.gz"
        with contextlib.suppress(zlib.error):
            path.write_bytes(gzip.compress(data)[: max(10, len(data) // 3)])
        report = IngestReport()
        list(iter_articles([path], report))
        assert report.files == 1 and (report.accepted or report.rejections)
