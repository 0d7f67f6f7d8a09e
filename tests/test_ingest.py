"""Ingest: scraped pages, JSON Lines, encodings through the file walker, and every bad input.

Run as a script (``python tests/test_ingest.py``) to print the pages-300 self-check: our parse
of ../shared/corpus/pages-300 against the news-2k.jsonl records the pages were made from."""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # when run as a script
    sys.path.insert(0, str(REPO))

from indexer.analysis import normalize_text  # noqa: E402
from indexer.encodings import encode_cp1258, encode_tcvn3, encode_vni_windows  # noqa: E402
from indexer.ingest import (  # noqa: E402
    IngestError,
    IngestReport,
    Rejection,
    decode_bytes,
    derive_title,
    is_caption_line,
    parse_jsonl_record,
    parse_page,
)
from indexer.input_files import iter_articles  # noqa: E402
from indexer.model import Article  # noqa: E402

SEED = REPO / "seeds" / "000_731bbc153429bd94.txt"
CORPUS = REPO.parent / "shared" / "corpus"
STAMP = re.compile(r"\d{1,2}:\d{2}\s+\d{1,2}/\d{1,2}/\d{4}")

# A page of our own sentences (not corpus text), in the scraped layout; the trailer is appended.
PAGE_HEAD = (
    "08:05 06/02/2017 Sáng 6/2, tỉnh Lâm Đồng khai mạc lễ hội hoa xuân với nhiều hoạt động. "
    "Lễ hội kéo dài đến hết tháng Giêng.\n"
    "Du khách tham quan vườn hoa tại quảng trường. Ảnh: Minh Anh\n"
    "Ban tổ chức cho biết năm nay có hơn 200 gian hàng tham gia.\n"
    "Chương trình nghệ thuật chào xuân\n"
    "Các đoàn nghệ thuật biểu diễn suốt ba đêm liền, thu hút đông đảo người dân.\n"
    "Người dân xếp hàng mua vé vào cửa (Ảnh: Hoài Thu)\n"
    "Ông Nguyễn Văn Bình nói: “Chúng tôi mong du khách có một mùa xuân vui vẻ.”\n"
    "TTXVN/Tin Tức\n"
)
TRAILER_GROUPED = (
    "09:10 06/02/2017\n07:45 06/02/2017\nGiá rau tăng nhẹ sau Tết\nĐường phố Đà Lạt đông vui ngày cuối tuần"
)
TRAILER_PAIRED = (
    "09:10 06/02/2017\nGiá rau tăng nhẹ sau Tết\n07:45 06/02/2017\nĐường phố Đà Lạt đông vui ngày cuối tuần"
)


def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present: corpus tests skipped")
    return CORPUS


def ingest(paths: list[Any]) -> tuple[list[Article], IngestReport]:
    report = IngestReport()
    return list(iter_articles(paths, report)), report


# --- the seed -----------------------------------------------------------------------------------


def test_seed_page() -> None:
    articles, report = ingest([SEED.parent])
    assert report.accepted == 1 and report.rejected == 0 and report.encodings == Counter({"utf-8": 1})
    a = articles[0]
    assert a.id == "000_731bbc153429bd94"
    assert a.source == "000_731bbc153429bd94.txt"
    assert a.published == "2021-11-05T11:29:00+07:00"
    assert a.author == "LMT"
    assert a.lead.startswith("Chiều 3-11, đồng chí Trần Lưu Quang") and a.lead.endswith("Khu Kinh tế thành phố.")
    assert [c.position for c in a.captions] == [0, 1, 2, 4]
    assert a.captions[0].text == "Bí thư Thành ủy Trần Lưu Quang phát biểu tại buổi làm việc"
    assert a.captions[3].text.endswith("tặng Đảng uỷ Khối doanh nghiệp thành phố")
    assert len(a.paragraphs) == 8
    assert a.paragraphs[-1].startswith("Đối với những vấn đề cần tiếp tục giải quyết")
    assert [(r.time, r.title[:20]) for r in a.related] == [
        ("2024-11-23T22:48:00+07:00", "Phấn đấu ngày 15/9 h"),
        ("2024-11-23T14:30:00+07:00", "Công an Hải Phòng xu"),
    ]
    text = "\n".join([a.title, a.lead, *a.paragraphs, *(c.text for c in a.captions)])
    assert "Cát Hải" not in text and "tâm bão" not in text  # the trailer is not article text
    assert a.title_derived
    assert a.title == "Chiều 3-11, đồng chí Trần Lưu Quang - Ủy viên Trung ương Đảng, Bí thư Thành ủy…"


# --- page layout --------------------------------------------------------------------------------


@pytest.mark.parametrize("trailer", [TRAILER_GROUPED, TRAILER_PAIRED], ids=["grouped", "paired"])
def test_both_trailer_layouts(trailer: str) -> None:
    a = parse_page(PAGE_HEAD + trailer, id="p")
    assert [(r.time, r.title) for r in a.related] == [
        ("2017-02-06T09:10:00+07:00", "Giá rau tăng nhẹ sau Tết"),
        ("2017-02-06T07:45:00+07:00", "Đường phố Đà Lạt đông vui ngày cuối tuần"),
    ]
    assert a.author == "TTXVN/Tin Tức"
    assert a.published == "2017-02-06T08:05:00+07:00"
    assert [(c.position, c.text[:22]) for c in a.captions] == [
        (0, "Du khách tham quan vườ"),
        (1, "Chương trình nghệ thuậ"),
        (2, "Người dân xếp hàng mua"),
    ]
    assert len(a.paragraphs) == 3
    assert a.title == "Sáng 6/2, tỉnh Lâm Đồng khai mạc lễ hội hoa xuân với nhiều hoạt động"


def test_page_without_trailer_or_byline() -> None:
    a = parse_page("10:00 01/03/2020 Đoạn dẫn ngắn.\nĐoạn thân bài thứ nhất kết thúc bằng dấu chấm.", id="x")
    assert a.author is None and a.related == [] and a.paragraphs == ["Đoạn thân bài thứ nhất kết thúc bằng dấu chấm."]


def test_timestamp_alone_on_the_first_line() -> None:
    a = parse_page("10:00 01/03/2020\nĐoạn dẫn ở dòng riêng.\nThân bài.\nHN", id="x")
    assert a.lead == "Đoạn dẫn ở dòng riêng." and a.author == "HN"


def test_crlf_blank_lines_and_invisible_characters() -> None:
    raw = (
        "\ufeff08:05 06/02/2017 Hà\u00a0Nội đón\u200b khách du\u00adlịch.\r\n"
        "   \r\n\t\r\n"
        "Thân bài có khoảng trắng lạ ở đây.\r\nNVA\r\n09:10 06/02/2017\r\nTin khác\r\n"
    )
    a = parse_page(raw, id="x")
    assert a.lead == "Hà Nội đón khách dulịch."
    assert a.paragraphs == ["Thân bài có khoảng trắng lạ ở đây."] and a.author == "NVA"
    assert a.related[0].title == "Tin khác"


def test_nfd_input_comes_out_nfc() -> None:
    import unicodedata

    a = parse_page(unicodedata.normalize("NFD", PAGE_HEAD + TRAILER_PAIRED), id="x")
    assert a.lead == unicodedata.normalize("NFC", a.lead) and "Lâm Đồng" in a.lead


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        ("Bí thư Thành ủy Trần Lưu Quang phát biểu tại buổi làm việc", True),
        ("Đoàn khách tham quan khu di tích. Ảnh: TTXVN", True),
        ("Đoàn khách tham quan khu di tích. Ảnh: Getty Images.", True),  # credit, then a period
        ("Tổng thống phát biểu tại Nhà Trắng. (Nguồn: Reuters)", True),
        ("Đoàn khách tham quan khu di tích (Ảnh minh họa).", True),
        ("Mazda 3 2009", True),  # short, no period: caption (crossheads too, by design)
        ("Một đoạn văn ngắn kết thúc bằng dấu chấm.", False),
        ("Liệu giá vàng có tiếp tục tăng?", False),
        ("Danh sách gồm:", False),
        ("Còn đó nhiều “sạn”", False),  # ends in a quote
        ("Thí sinh phải mang theo giấy tờ tùy thân;", False),  # list item
        ("Ông nói rằng chúng tôi sẽ cố gắng hết sức…", False),
        ("(Kết thúc phần một.)", False),
        ("Theo nguồn tin của phóng viên, vụ việc đang được điều tra.", False),  # "nguồn" is no credit
        ("x" * 201, False),
        ("12345", False),
    ],
)
def test_caption_rule(line: str, caption: bool) -> None:
    assert is_caption_line(line) is caption


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        ("Sáng 6/2, TP. HCM tổ chức hội nghị. Nhiều đại biểu dự.", "Sáng 6/2, TP. HCM tổ chức hội nghị"),
        ("Giá vàng tăng mạnh! Người dân đổ xô đi mua.", "Giá vàng tăng mạnh!"),
        ("Một câu không có dấu chấm cuối", "Một câu không có dấu chấm cuối"),
        ("", "Đoạn đầu tiên của thân bài"),
        (".", "."),  # a lead of one period: the title keeps it rather than be empty (found by fuzzing)
    ],
)
def test_derived_title(lead: str, title: str) -> None:
    assert derive_title(lead, ["Đoạn đầu tiên của thân bài."]) == title


def test_long_title_is_cut_at_a_clause() -> None:
    lead = "Trong năm 2020, " + "các địa phương đã triển khai nhiều giải pháp, " * 5 + "đạt kết quả tốt."
    title = derive_title(lead)
    assert title.endswith("…") and len(title) <= 111 and ", …" not in title


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_parse_page_raises_only_ingest_error(text: str) -> None:
    with contextlib.suppress(IngestError):
        parse_page(text, id="x")


_line = st.text(alphabet='abcđêơ ĂẢ.,:?!“”"()0123456789/', min_size=1, max_size=60)
_stamp = st.builds(lambda h, d: f"{h:02d}:30 {d:02d}/02/2017", st.integers(0, 23), st.integers(1, 28))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_line, _stamp), max_size=12))
def test_every_line_lands_somewhere(lines: list[str]) -> None:
    text = "\n".join(["10:00 01/03/2020 Đoạn dẫn.", *lines])
    a = parse_page(text, id="x")
    placed = Counter([*a.paragraphs, *(c.text for c in a.captions), *(r.title for r in a.related)])
    if a.author:
        placed[a.author] += 1
    for line in (ln.strip() for ln in lines):
        if line and not STAMP.fullmatch(line):
            assert placed[line] > 0, line
            placed[line] -= 1
    assert all(c.position <= len(a.paragraphs) for c in a.captions)


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_record_captions_are_taken_out_of_the_body() -> None:
    a = parse_jsonl_record(
        {
            "id": "r1",
            "title": "Tiêu đề",
            "lead": "Đoạn dẫn.",
            "body": "Đoạn một.\nẢnh đoàn khách. Ảnh: TTXVN\n\n  Đoạn hai.  \n",
            "captions": ["Ảnh đoàn khách. Ảnh: TTXVN", "Chú thích không có trong thân bài"],
            "published": None,
            "author": "Bích Thanh",
        },
        source="a.jsonl",
        line=3,
    )
    assert a.paragraphs == ["Đoạn một.", "Đoạn hai."]
    assert [(c.position, c.text) for c in a.captions] == [
        (1, "Ảnh đoàn khách. Ảnh: TTXVN"),
        (2, "Chú thích không có trong thân bài"),
    ]
    assert (a.title, a.title_derived, a.published, a.author, a.source) == (
        "Tiêu đề",
        False,
        None,
        "Bích Thanh",
        "a.jsonl:3",
    )


@pytest.mark.parametrize(
    ("published", "iso"),
    [
        ("2021-11-05T11:29:00+07:00", "2021-11-05T11:29:00+07:00"),
        ("2021-11-05T11:29:00", "2021-11-05T11:29:00+07:00"),
        ("2021-11-05T04:29:00Z", "2021-11-05T11:29:00+07:00"),  # in the archive's time, as filters read days
        ("2021-12-31T20:00:00-05:00", "2022-01-01T08:00:00+07:00"),
        ("11:29 05/11/2021", "2021-11-05T11:29:00+07:00"),
        ("05/11/2021 11:29", "2021-11-05T11:29:00+07:00"),  # the date first: rejected (bug hunt 70)
        ("05/11/2021", "2021-11-05T00:00:00+07:00"),
        # cleaned as text is: a BOM, a zero-width space, a bidi mark, a no-break space (bug hunt 72)
        ("\ufeff2021-11-05T11:29:00\u200b", "2021-11-05T11:29:00+07:00"),
        ("\u200e11:29 05/11/2021", "2021-11-05T11:29:00+07:00"),
        ("2021-11-05T11:29:00\u00a0+07:00", "2021-11-05T11:29:00+07:00"),
    ],
)
def test_jsonl_published_forms(published: str, iso: str) -> None:
    assert parse_jsonl_record({"id": "x", "lead": "Dẫn.", "published": published}).published == iso


def test_jsonl_missing_title_is_derived_and_source_falls_back_to_the_record() -> None:
    a = parse_jsonl_record({"id": 7, "body": "Câu đầu tiên. Câu thứ hai.", "source": "baomoi.com"})
    assert (a.id, a.title, a.title_derived, a.source) == ("7", "Câu đầu tiên", True, "baomoi.com")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"title": "x", "body": "y"}, "missing id"),
        ({"id": "  ", "body": "y"}, "missing id"),
        ({"id": "x", "title": "Chỉ có tiêu đề"}, "no text"),
        ({"id": "x", "body": 3}, "'body' must be a string"),
        ({"id": "x", "body": "y", "captions": "z"}, "'captions' must be a list"),
        ({"id": "x", "body": "y", "published": "hôm qua"}, "invalid published date"),
        # placeholders: the first overflowed in Vietnam time, a traceback that ended the build
        ({"id": "x", "body": "y", "published": "9999-12-31T23:59:59Z"}, "out of range"),
        ({"id": "x", "body": "y", "published": "0001-01-01T00:00:00+08:00"}, "out of range"),
        ({"id": "x", "body": "y", "published": "01/01/0999"}, "out of range"),
        # its page's address would be another (browsers resolve "." and ".."), or none
        ({"id": "..", "body": "y"}, "no page could show it"),
        ({"id": ".", "body": "y"}, "no page could show it"),
        ({"id": "/lead", "body": "y"}, "no page could show it"),
        ({"id": "a//b", "body": "y"}, "no page could show it"),
        ({"id": "a/../b", "body": "y"}, "no page could show it"),
        # a line break: its page's link was a 404, and `delete -` reads one id a line (bug hunt 70)
        ({"id": "nl\nid", "body": "y"}, "holds a line break or a control character"),
        ({"id": "a\u2028b", "body": "y"}, "holds a line break or a control character"),
        ([1, 2], "not a JSON object but an array"),
        (None, "not a JSON object but null"),
        # NaN and Infinity are no JSON, yet Python reads them: stored as "nan" and "inf" (bug hunt 76)
        ({"id": float("nan"), "body": "y"}, "not a string or a whole number"),
        ({"id": float("inf"), "body": "y"}, "not a string or a whole number"),
        ({"id": 1.5, "body": "y"}, "not a string or a whole number"),
        ({"id": "x", "body": ["a", 3]}, "'body' must be a string or an array of strings, not an array"),
        ({"id": "x", "body": "y", "published": 2017}, "must be a string or null, not a number"),
        ({"id": "x", "body": "y", "captions": ["z \ud800"]}, "'captions' holds an unpaired surrogate"),
    ],
)
def test_jsonl_bad_records(record: Any, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        parse_jsonl_record(record)


def test_a_whole_number_id_written_as_a_float_is_that_number() -> None:
    """pandas writes 21457801 as 21457801.0: the id "21457801.0" matched no link (bug hunt 76)."""
    assert parse_jsonl_record({"id": 21457801.0, "body": "Câu."}).id == "21457801"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (" ", "leaves no id"),  # " .txt"
        (".", "no page could show it"),  # "..txt"
        ("new\nline", "holds a line break or a control character"),
        ("tab\tx", "holds a line break or a control character"),
    ],
)
def test_a_page_whose_name_makes_no_id_a_page_could_show_is_rejected(name: str, reason: str) -> None:
    """A page's id is its file name: JSON Lines refused these ids, pages took them, and their
    results linked to 404s; the empty one could not be deleted (bug hunt 76)."""
    with pytest.raises(IngestError, match=reason):
        parse_page("10:00 01/03/2020 Đoạn dẫn ngắn.\nThân bài.", id=name)


@pytest.mark.parametrize("stamp", ["11:29 01/01/0001", "11:29 05/11/0999"])
def test_a_page_dated_out_of_the_years_taken_is_rejected(stamp: str) -> None:
    """Records dated so were refused, pages were not: a year facet "1" again (bug hunt 76)."""
    with pytest.raises(IngestError, match="out of range"):
        parse_page(f"{stamp} Đoạn dẫn ngắn.\nThân bài.", id="x")
    with pytest.raises(IngestError, match="out of range"):
        parse_jsonl_record({"id": "x", "body": "y", "published": stamp})


@pytest.mark.parametrize("stamp", ["11:29 01/01/1000", "1000-01-01", "9999-12-31T16:59:59Z"])
def test_the_first_and_last_years_taken_are_taken(stamp: str) -> None:
    """The years taken are 1000-9999 (`ingest.FIRST_YEAR`): their ends are dates, not out of
    range (bug hunt 85: a first year of 1900 passed every test, which tried only years refused)."""
    record = parse_jsonl_record({"id": "x", "body": "y", "published": stamp})
    assert record.published is not None and record.published[:4] in ("1000", "9999")
    if "/" in stamp:
        assert parse_page(f"{stamp} Đoạn dẫn ngắn.\nThân bài.", id="x").published is not None


def _record(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"gen-{i}", "title": f"Tin số {i}", "lead": f"Đoạn dẫn của tin số {i}.", "body": "Thân bài.", **extra}


def _jsonl(records: list[Any]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def test_jsonl_gz_streams_and_reports_line_numbers(tmp_path: Path) -> None:
    lines = [_record(1), "{not json", "", _record(2), {"title": "no id", "body": "x"}, _record(1), _record(3)]
    with gzip.open(tmp_path / "news.jsonl.gz", "wt", encoding="utf-8") as f:
        f.write(_jsonl(lines))
    articles, report = ingest([tmp_path])
    assert [a.id for a in articles] == ["gen-1", "gen-2", "gen-3"]
    assert [str(r) for r in report.rejections] == [
        "news.jsonl.gz:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        "news.jsonl.gz:5: missing id",
        "news.jsonl.gz:6: duplicate id gen-1 (first seen in news.jsonl.gz:1)",
    ]
    assert articles[1].source == "news.jsonl.gz:4" and articles[1].encoding == "utf-8"
    assert report.summary() == (
        "ingested 3 articles from 1 file; rejected 3 (invalid JSON 1, missing id 1, duplicate id 1)"
    )


@pytest.mark.parametrize(
    ("encode", "name"),
    [
        (lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("utf-16"), "utf-16"),
        (encode_cp1258, "windows-1258"),
    ],
)
def test_jsonl_in_other_encodings(tmp_path: Path, encode, name: str) -> None:
    records = [_record(i, lead="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ ba được tổ chức.") for i in range(3)]
    (tmp_path / "x.jsonl").write_bytes(encode(_jsonl(records)))
    articles, report = ingest([tmp_path / "x.jsonl"])
    assert report.rejections == [] and report.encodings == Counter({name: 1})
    assert [a.lead for a in articles] == ["Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ ba được tổ chức."] * 3


@pytest.mark.parametrize("damage", [b"\xff", b"\xc3(", b"caf\xe9 "])
def test_a_damaged_line_near_the_start_of_a_jsonl_file_costs_only_that_line(tmp_path: Path, damage: bytes) -> None:
    """One stray byte in the first 64 KiB (where the encoding is detected) lost the whole
    file, exit 0, where the same byte further on cost only its line (a bug hunt's finding)."""
    records = [_record(i, lead="Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ ba được tổ chức.") for i in range(12)]
    lines = _jsonl(records).encode("utf-8").split(b"\n")
    lines[2] = lines[2].replace(b"H\xe1\xbb\x99i", b"H" + damage + b"i", 1)
    (tmp_path / "x.jsonl").write_bytes(b"\n".join(lines))
    articles, report = ingest([tmp_path / "x.jsonl"])
    assert [str(r) for r in report.rejections] == ["x.jsonl:3: undecodable line (file detected as utf-8)"]
    assert len(articles) == 11 and report.encodings == Counter({"utf-8": 1})
    # a file in a legacy encoding is not UTF-8 on almost every line: still read as what it is
    (tmp_path / "y.jsonl").write_bytes(encode_tcvn3(_jsonl(records)))
    articles, report = ingest([tmp_path / "y.jsonl"])
    assert report.rejections == [] and report.encodings == Counter({"tcvn3": 1}) and len(articles) == 12
    # records written with escaped non-ASCII (Python's json.dumps) are ASCII lines: UTF-8 too
    escaped = [json.dumps(json.loads(line)).encode() for line in _jsonl(records).splitlines()]
    escaped[2] = escaped[2].replace(b"H\\u1ed9i", b"H" + damage + b"i", 1)
    (tmp_path / "z.jsonl").write_bytes(b"\n".join(escaped) + b"\n")
    articles, report = ingest([tmp_path / "z.jsonl"])  # (or Windows-1258, a stray byte read as a letter)
    assert {str(r) for r in report.rejections} <= {"z.jsonl:3: undecodable line (file detected as utf-8)"}
    assert len(articles) + len(report.rejections) == 12


def test_a_short_feed_or_a_page_with_a_cut_or_stray_byte_loses_only_what_is_damaged(tmp_path: Path) -> None:
    """A feed of one good record and a last one cut inside a character (an interrupted copy)
    was rejected whole as "not UTF-8" (3 good lines were wanted per damaged one), and so was a
    UTF-8 page with one Windows curly quote pasted in, or cut at its end (bug hunt 65)."""
    lead = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ ba được tổ chức."
    data = _jsonl([_record(1, lead=lead), _record(2, lead=lead)]).encode("utf-8")
    (tmp_path / "cut.jsonl").write_bytes(data[: data.rindex("ộ".encode()) + 1])  # cut inside "ộ" of line 2
    articles, report = ingest([tmp_path / "cut.jsonl"])
    assert [a.id for a in articles] == ["gen-1"]
    assert [str(r) for r in report.rejections] == ["cut.jsonl:2: undecodable line (file detected as utf-8)"]
    page = PAGE_HEAD.encode("utf-8")
    (tmp_path / "quote.txt").write_bytes(page.replace("lễ hội".encode(), b"\x93l\xe1\xbb\x85 h\xe1\xbb\x99i\x94", 1))
    (tmp_path / "cut.txt").write_bytes(page[: page.rindex("ộ".encode()) + 1])
    articles, report = ingest([tmp_path / "quote.txt", tmp_path / "cut.txt"])
    assert report.rejections == [] and report.encodings == Counter({"utf-8-strays": 2})
    assert "“lễ hội”" in articles[0].lead
    cut = articles[1]
    ends_on_caption = cut.captions and cut.captions[-1].position == len(cut.paragraphs)
    last = cut.captions[-1].text if ends_on_caption else cut.paragraphs[-1]
    assert PAGE_HEAD[: PAGE_HEAD.rindex("ộ")].endswith(last)  # the cut character dropped, nothing read in its place
    # a legacy encoding's Vietnamese is almost no UTF-8: still read as what it is
    assert ingest([_written(tmp_path / "legacy.txt", encode_cp1258(PAGE_HEAD))])[1].encodings == Counter(
        {"windows-1258": 1})


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_jsonl_with_lone_cr_line_ends_or_joined_files_each_with_a_bom_reads_every_record(tmp_path: Path) -> None:
    """Lone CR line ends (old Mac OS) kept only the first record, its rejection counting as one;
    files each saved with a BOM and joined with `cat` lost every record after the first."""
    records = [_record(i) for i in range(3)]
    (tmp_path / "cr.jsonl").write_bytes(_jsonl(records).replace("\n", "\r").encode("utf-8"))
    joined = b"".join(codecs.BOM_UTF8 + _jsonl([r]).replace("\n", "\r\n").encode("utf-8") for r in records)
    (tmp_path / "joined.jsonl").write_bytes(joined)
    # joined with `cat`, a CRLF file before a lone-CR one: the CR records were one invalid line
    mixed = _jsonl(records[:1]).replace("\n", "\r\n") + _jsonl(records[1:]).replace("\n", "\r")
    (tmp_path / "mixed.jsonl").write_bytes(mixed.encode("utf-8"))
    for name in ("cr.jsonl", "joined.jsonl", "mixed.jsonl"):
        articles, report = ingest([tmp_path / name])
        assert report.rejections == [] and [a.id for a in articles] == ["gen-0", "gen-1", "gen-2"], name


def test_a_file_named_on_its_own_that_is_no_input_is_rejected_by_name(tmp_path: Path) -> None:
    """`build news.json` (for .jsonl) dropped the file with a count, and `--strict` passed (bug
    hunt 70); in a folder such a file is still only skipped."""
    (tmp_path / "news.json").write_text(_jsonl([_record(0)]), encoding="utf-8")
    articles, report = ingest([tmp_path / "news.json"])
    assert articles == [] and [str(r) for r in report.rejections] == [
        "news.json: not an input: name pages *.txt, JSON Lines *.jsonl or *.ndjson (either may be gzipped: *.jsonl.gz)"]
    articles, report = ingest([tmp_path])
    assert report.rejections == [] and report.skipped_extensions == Counter({".json": 1})


def test_a_photo_gallery_of_a_title_and_captions_is_an_article(tmp_path: Path) -> None:
    """"Chùm ảnh: …" items are a title and captions; they were rejected as "no text" (bug hunt
    65). Their captions are found and shown like any others."""
    gallery = {"id": "g1", "title": "Chùm ảnh: Hà Nội mùa thu", "captions": ["Hồ Gươm buổi sáng sương mờ. Ảnh: TTXVN"]}
    article = parse_jsonl_record(gallery)
    assert article.lead == "" and article.paragraphs == [] and [c.text for c in article.captions] == gallery["captions"]
    with pytest.raises(IngestError, match="no text"):
        parse_jsonl_record({"id": "g2", "title": "Chùm ảnh", "captions": []})


def test_captions_are_placed_in_time_linear_in_their_number() -> None:
    """Each caption looked through every body line (16,000 captions: 3.3 s, a record under the
    5 MB cap could hold a build for a minute); the same places as before, in one pass."""
    lines = [f"Dòng {i % 500}." for i in range(20_000)]
    article = parse_jsonl_record({"id": "x", "title": "t", "lead": "l", "body": "\n".join(lines), "captions": lines})
    assert len(article.captions) == 20_000 and article.paragraphs == []
    record = {"id": "y", "title": "t", "lead": "l", "body": "A\nB\nA\nC", "captions": ["A", "A", "D"]}
    repeated = parse_jsonl_record(record)
    assert [(c.text, c.position) for c in repeated.captions] == [("A", 0), ("A", 1), ("D", 2)]
    assert repeated.paragraphs == ["B", "C"]


def test_a_record_or_page_too_large_for_an_article_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON Lines record had no size limit (one of 44 MB took 2.4 GB to build and seconds of
    CPU in every search it matched); pages had one. Both are refused over MAX_ARTICLE_BYTES,
    by file (and line) and reason, the rest kept."""
    import indexer.input_files as input_files

    monkeypatch.setattr(input_files, "MAX_ARTICLE_BYTES", 2000)
    records = [_record(1), _record(2, lead="Hà Nội mưa lớn. " * 200), _record(3)]
    (tmp_path / "x.jsonl").write_text(_jsonl(records), encoding="utf-8")
    (tmp_path / "big.txt").write_text(PAGE_HEAD + "Thân bài. " * 300, encoding="utf-8")
    articles, report = ingest([tmp_path])
    assert [a.id for a in articles] == ["gen-1", "gen-3"]
    assert [str(r) for r in report.rejections] == ["big.txt: too large for a page (0 MB)",
                                                   "x.jsonl:2: too large for a record (0 MB)"]
    # read past, never held whole (a 2.4 MB .jsonl.gz of one 1.26 GB line took 2.5 GB to refuse)
    lines = list(input_files._bounded_lines(io.BytesIO(b"a\n" + b"x" * 10_000 + b"\nb")))
    assert lines == [b"a\n", 10_001, b"b"] and isinstance(lines[1], input_files._Oversized)
    text = list(input_files._bounded_lines(io.TextIOWrapper(io.BytesIO(("é" * 3000 + "\nc\n").encode()))))
    assert text == [3001, "c\n"]


# --- encodings through the walker ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("utf-8", lambda t: t.encode("utf-8")),
        ("utf-8-sig", lambda t: codecs.BOM_UTF8 + t.encode("utf-8")),
        ("utf-16", lambda t: t.encode("utf-16")),
        ("windows-1258", encode_cp1258),
        ("tcvn3", encode_tcvn3),
        ("vni", encode_vni_windows),
    ],
)
def test_seed_in_every_encoding_parses_the_same(tmp_path: Path, name: str, encode) -> None:
    text = SEED.read_text(encoding="utf-8")
    if name in ("tcvn3", "vni"):
        text = text.replace("–", "-")  # the en dash is not in these font encodings
    (tmp_path / "seed.txt").write_bytes(encode(text))
    articles, report = ingest([tmp_path])
    assert report.encodings == Counter({name: 1}) and report.rejected == 0
    a = articles[0]
    expected = parse_page(text, id="seed")
    if name == "tcvn3":  # no upper-case toned letters in TCVN3: compare case-insensitively
        assert a.lead.lower() == expected.lead.lower()
    else:
        assert (a.lead, a.paragraphs, a.captions, a.related) == (
            expected.lead,
            expected.paragraphs,
            expected.captions,
            expected.related,
        )
    assert a.encoding == name and a.author == "LMT" and len(a.captions) == 4 and len(a.related) == 2


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\x0c\n"])
def test_a_page_with_other_line_endings_parses_as_with_newlines(tmp_path: Path, ending: str) -> None:
    """A page with CR line endings (old Mac files) was one long lead, its related-news trailer
    indexed, its words glued at every line end, and nothing reported (a bug hunt's finding)."""
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "seed.txt").write_text(text.replace("\n", ending), encoding="utf-8", newline="")
    articles, report = ingest([tmp_path])
    expected = parse_page(text, id="seed")
    a = articles[0]
    assert report.rejected == 0
    assert (a.lead, a.paragraphs, a.captions, a.related, a.author) == (
        expected.lead, expected.paragraphs, expected.captions, expected.related, expected.author)


# --- bad input ----------------------------------------------------------------------------------


def test_each_bad_input_is_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    good = PAGE_HEAD + TRAILER_GROUPED
    (tmp_path / "a_good.txt").write_text(good, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_blank.txt").write_bytes(b"  \n\n\xef\xbb\xbf\xe2\x80\x8b\n")  # BOM + ZWSP only
    (tmp_path / "d_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    (tmp_path / "e_no_stamp.txt").write_text("Một trang không có dòng thời gian.\nThân bài.", encoding="utf-8")
    (tmp_path / "f_undecodable.txt").write_bytes("这是一段中文文本，用来测试无法解码的情况。".encode("gbk") * 3)
    (tmp_path / "g_bad_date.txt").write_text("25:61 31/02/2017 Dẫn.", encoding="utf-8")
    (tmp_path / "h.jsonl").write_text(_jsonl([_record(1), '{"id": "gen-2", "lead": "x",}']), encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a_good.txt").write_text(good, encoding="utf-8")  # same stem as a_good: same id
    (sub / "notes.html").write_text("<p>skip me</p>", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("ignored", encoding="utf-8")
    articles, report = ingest([tmp_path, tmp_path / "missing.txt"])
    assert [a.id for a in articles] == ["a_good", "gen-1"]
    assert [str(r) for r in report.rejections] == [
        "b_empty.txt: empty file",
        "c_blank.txt: empty file",
        "d_binary.txt: binary file (NUL bytes)",
        "e_no_stamp.txt: no timestamp line 'HH:MM DD/MM/YYYY' at the start",
        "f_undecodable.txt: undecodable: not UTF-8/UTF-16/Windows-1258/TCVN3/VNI text",
        "g_bad_date.txt: invalid date or time in the timestamp '25:61 31/02/2017'",
        "h.jsonl:2: invalid JSON: Expecting property name enclosed in double quotes (column 29)",
        "sub/a_good.txt: duplicate id a_good (first seen in a_good.txt)",
        f"{tmp_path / 'missing.txt'}: no such file or folder",
    ]
    assert report.files == 9 and report.accepted == 2 and report.rejected == 9
    assert report.skipped == 1 and report.skipped_extensions == Counter({".html": 1})
    summary = report.summary()
    assert summary.startswith("ingested 2 articles from 9 files; rejected 9 (")
    assert "empty file 2" in summary and "skipped 1 other file (.html 1)" in summary


def test_rejection_str() -> None:
    assert str(Rejection("a.jsonl", 4, "missing id")) == "a.jsonl:4: missing id"
    assert str(Rejection("p.txt", None, "empty file")) == "p.txt: empty file"


def test_decode_bytes_wraps_detection_errors() -> None:
    assert decode_bytes(b"") == ("", "utf-8")
    with pytest.raises(IngestError, match="binary file"):
        decode_bytes(b"abc\x00def")


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    data = gzip.compress(_jsonl([_record(i) for i in range(2000)]).encode("utf-8"))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    articles, report = ingest([tmp_path])
    assert 0 < len(articles) < 2000
    assert report.rejected == 1 and "corrupt or truncated" in report.rejections[0].reason


def test_a_small_truncated_gzip_keeps_its_whole_lines_too(tmp_path: Path) -> None:
    """Cut within the bytes read to detect the encoding, a small file was rejected whole
    ("cannot read: Compressed file ended…"), no line named, nothing kept."""
    data = gzip.compress(_jsonl([_record(i) for i in range(4)]).encode("utf-8"))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[:-12])  # the end-of-stream marker and a little more
    articles, report = ingest([tmp_path])
    assert [a.id for a in articles] == ["gen-0", "gen-1", "gen-2", "gen-3"][: len(articles)] and articles
    assert [str(r).split(":")[:2] for r in report.rejections] == [["cut.jsonl.gz", str(len(articles) + 1)]]
    assert "corrupt or truncated" in report.rejections[0].reason


def test_a_line_cut_short_and_a_gzip_without_its_name_say_what_they_are(tmp_path: Path) -> None:
    """A JSON line cut inside a string was "Invalid control character" (its own newline), and a
    gzip file named *.jsonl a "binary file", which said nothing of the fix (bug hunt 92)."""
    (tmp_path / "cut.jsonl").write_text(_jsonl([_record(1)]) + '{"id": "gen-2", "title": "Tin c\n', encoding="utf-8")
    (tmp_path / "packed.jsonl").write_bytes(gzip.compress(_jsonl([_record(3)]).encode("utf-8")))
    (tmp_path / "twice.jsonl.gz").write_bytes(gzip.compress(gzip.compress(_jsonl([_record(4)]).encode("utf-8"))))
    articles, report = ingest([tmp_path])
    assert [a.id for a in articles] == ["gen-1"]
    assert [str(r) for r in report.rejections] == [
        "cut.jsonl:2: invalid JSON: Unterminated string starting at (column 26)",
        "packed.jsonl: gzip-compressed: name it *.jsonl.gz",
        "twice.jsonl.gz: compressed twice",
    ]


def test_ndjson_files_are_json_lines(tmp_path: Path) -> None:
    """`.ndjson` (the same format by another name) in a folder was skipped with a count, and
    `--strict` passed: a rebuild dropped its articles (bug hunt 92)."""
    (tmp_path / "a.ndjson").write_text(_jsonl([_record(1)]), encoding="utf-8")
    (tmp_path / "b.ndjson.gz").write_bytes(gzip.compress(_jsonl([_record(2)]).encode("utf-8")))
    articles, report = ingest([tmp_path])
    assert [a.id for a in articles] == ["gen-1", "gen-2"] and report.skipped == 0 and report.rejected == 0


def test_a_folder_that_cannot_be_read_is_rejected_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder among the inputs that could not be read (a month's archive copied with the wrong
    owner) was passed over without a word, `--strict` too, and a rebuild dropped its articles
    from the index (bug hunt 92). It is a rejection, by name and reason; so is a folder named
    on its own that cannot be read, which said only "0 articles from 0 files"."""
    inputs = tmp_path / "in"
    (inputs / "locked").mkdir(parents=True)
    (inputs / "a.jsonl").write_text(_jsonl([_record(1)]), encoding="utf-8")
    (inputs / "locked" / "b.jsonl").write_text(_jsonl([_record(2)]), encoding="utf-8")
    scandir = os.scandir

    def unreadable(path: Any) -> Any:  # (tests may run as root, whom no file mode stops)
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", unreadable)
    articles, report = ingest([inputs])
    assert [a.id for a in articles] == ["gen-1"]
    assert [str(r) for r in report.rejections] == ["locked/: cannot read the folder: Permission denied"]
    articles, report = ingest([inputs / "locked"])
    assert articles == [] and [str(r) for r in report.rejections] == [
        f"{inputs / 'locked'}/: cannot read the folder: Permission denied"]


def test_a_file_removed_during_the_build_is_said_to_be_gone(tmp_path: Path) -> None:
    """A file a scraper rotated away between the folder's listing and its reading was "not a
    regular file" (bug hunt 92)."""
    (tmp_path / "a.jsonl").write_text(_jsonl([_record(1)]), encoding="utf-8")
    (tmp_path / "z.jsonl").write_text(_jsonl([_record(2)]), encoding="utf-8")
    articles = iter_articles([tmp_path], report := IngestReport())
    assert next(articles).id == "gen-1"
    (tmp_path / "z.jsonl").unlink()
    assert list(articles) == []
    assert [str(r) for r in report.rejections] == ["z.jsonl: no such file (removed during the build?)"]


# --- the corpus ---------------------------------------------------------------------------------


def pages300_self_check(root: Path) -> dict[str, Any]:
    """Our parse of pages-300 against the news-2k records the pages were rendered from (matched
    by lead, then by body). The JSONL `captions` list holds only credited captions, so caption
    agreement is measured on those; uncredited caption lines are body lines there."""
    articles, report = ingest([root / "pages-300"])
    by_lead: dict[str, list[dict[str, Any]]] = {}
    with (root / "news-2k.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            by_lead.setdefault(normalize_text(record["lead"] or "").strip(), []).append(record)
    stats = Counter(pages=len(articles), rejected=report.rejected)
    for a in articles:
        raw = [ln.strip() for ln in (root / "pages-300" / a.source).read_text(encoding="utf-8").splitlines()]
        stats["timestamp lines in trailers"] += sum(1 for ln in raw[1:] if STAMP.fullmatch(ln))
        stats["related items"] += len(a.related)
        stats["pages with date and lead"] += bool(a.published and a.lead)
        stats["bylines"] += a.author is not None
        stats["caption lines"] += len(a.captions)
        stats["pages with captions"] += bool(a.captions)
        candidates = by_lead.get(a.lead, [])
        if not candidates:
            continue
        body_of = {id(r): [normalize_text(p).strip() for p in r["body"].split("\n") if p.strip()] for r in candidates}
        record = max(candidates, key=lambda r: len(set(body_of[id(r)]) & set(a.paragraphs)))
        stats["matched records"] += 1
        credited = [normalize_text(c).strip() for c in record["captions"]]
        ours = {c.text for c in a.captions}
        stats["jsonl credited captions"] += len(credited)
        stats["jsonl credited captions found"] += sum(1 for c in credited if c in ours)
        body = body_of[id(record)]
        stats["jsonl body lines"] += len(body)
        stats["jsonl body lines as paragraphs"] += sum(1 for p in body if p in a.paragraphs)
        stats["jsonl body lines as captions"] += sum(1 for p in body if p in ours)
        stats["paragraphs not in the jsonl body"] += sum(1 for p in a.paragraphs if p not in body)
    return dict(stats)


@pytest.mark.corpus
def test_pages300_structure() -> None:
    stats = pages300_self_check(corpus())
    assert stats["pages"] == 300 and stats["rejected"] == 0
    assert stats["pages with date and lead"] == 300
    assert stats["bylines"] == 300
    assert stats["related items"] == stats["timestamp lines in trailers"]
    assert stats["matched records"] == 300
    assert stats["jsonl credited captions found"] == stats["jsonl credited captions"]
    assert stats["paragraphs not in the jsonl body"] == 0
    assert 480 <= stats["caption lines"] <= 500  # 489 caption lines in the corpus README


@pytest.mark.corpus
def test_pages300_both_trailer_layouts() -> None:
    root = corpus() / "pages-300"
    articles, _ = ingest([root])
    layouts = Counter()
    for a in articles:
        n = len(a.related)
        lines = (root / a.source).read_text(encoding="utf-8").splitlines()[-2 * n :]
        flags = [bool(STAMP.fullmatch(ln)) for ln in lines]
        if n == 1:
            layouts["single"] += flags == [True, False]
        elif flags == [True] * n + [False] * n:
            layouts["grouped"] += 1
        elif flags == [True, False] * n:
            layouts["paired"] += 1
        titles = [normalize_text(ln).strip() for ln, f in zip(lines, flags, strict=True) if not f]
        assert [r.title for r in a.related] == titles
        assert all(r.time and r.time.startswith("20") for r in a.related)
    assert layouts["grouped"] > 0 and layouts["paired"] > 0
    assert sum(layouts.values()) == 300


@pytest.mark.corpus
def test_news2k_jsonl() -> None:
    articles, report = ingest([corpus() / "news-2k.jsonl"])
    assert len(articles) == 2000 and report.rejected == 0 and report.encodings == Counter({"utf-8": 1})
    assert sum(len(a.captions) for a in articles) == 374
    assert all(a.title and not a.title_derived and a.published is None for a in articles)


if __name__ == "__main__":
    for key, value in pages300_self_check(CORPUS).items():
        print(f"{key:>36}: {value}")
