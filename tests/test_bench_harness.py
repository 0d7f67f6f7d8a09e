"""The relevance harness's own pieces: keystroke encoders, the bm25-plain baseline, scoring.

All but the last need no ../shared: the corpus below is made up here."""

from __future__ import annotations

import http.server
import importlib
import json
import pickle
import subprocess
import sys
import threading
import unicodedata
import urllib.parse
from pathlib import Path
from typing import ClassVar

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
keystrokes = importlib.import_module("keystrokes")
engines = importlib.import_module("engines")
relevance = importlib.import_module("relevance")


@pytest.mark.parametrize(
    ("accented", "telex", "telex_mid", "vni", "vni_mid"),
    [
        ("Việt Nam", "Vieetj Nam", "Vieejt Nam", "Vie6t5 Nam", "Vie65t Nam"),
        ("thành phố Hồ Chí Minh", "thanhf phoos Hoof Chis Minh", "thafnh phoos Hoof Chis Minh",
         "thanh2 pho61 Ho62 Chi1 Minh", "tha2nh pho61 Ho62 Chi1 Minh"),
        ("đường", "dduwowngf", "dduwowfng", "d9u7o7ng2", "d9u7o72ng"),
        ("Đường", "Dduwowngf", "Dduwowfng", "D9u7o7ng2", "D9u7o72ng"),
        ("ĐHĐCĐ", "DDHDDCDD", "DDHDDCDD", "D9HD9CD9", "D9HD9CD9"),
        ("trăm ủy", "trawm uyr", "trawm ury", "tra8m uy3", "tra8m u3y"),
        ("COVID-19 ở Hà Nội?", "COVID-19 owr Haf Nooij?", "COVID-19 owr Haf Nooji?",
         "COVID-19 o73 Ha2 No6i5?", "COVID-19 o73 Ha2 No65i?"),
    ],
)
def test_keystroke_encoders(accented: str, telex: str, telex_mid: str, vni: str, vni_mid: str) -> None:
    assert keystrokes.make_form(accented, "telex") == telex
    assert keystrokes.make_form(accented, "telex-mid") == telex_mid
    assert keystrokes.make_form(accented, "vni") == vni
    assert keystrokes.make_form(accented, "vni-mid") == vni_mid
    # NFD input encodes the same way
    assert keystrokes.keystrokes(unicodedata.normalize("NFD", accented)) == telex


def test_plain_nfd_tone_forms() -> None:
    assert keystrokes.make_form("Đảng ủy Hòa Bình", "plain") == "dang uy hoa binh"
    assert keystrokes.make_form("Hòa", "nfd") == unicodedata.normalize("NFD", "Hòa")
    assert keystrokes.make_form("thủy lợi Hòa Bình", "tone") == "thuỷ lợi Hoà Bình"


@pytest.mark.parametrize(("accented", "iy"), [
    ("Lý do kỹ thuật", "Lí do kĩ thuật"), ("Quy định của bác sĩ", "Qui định của bác sỹ"), ("THI KỲ", "THI KÌ"),
    ("Hy Lạp", "Hi Lạp"), ("Vy, thi, khi, tay, quay, Mỹ", "Vy, thi, khi, tay, quay, Mĩ"),
])
def test_iy_form_spells_a_lone_i_or_y_the_other_way(accented: str, iy: str) -> None:
    assert keystrokes.make_form(accented, "iy") == iy
    assert keystrokes.make_form(iy, "iy") == accented


@pytest.mark.parametrize("query", ["tên lửa hủy diệt", "giá dầu brent giảm", "Người lao động được tạm ứng bao nhiêu"])
def test_typo_is_one_edit_in_one_long_word_and_deterministic(query: str) -> None:
    plain = keystrokes.fold(query)
    typo = keystrokes.make_form(query, "typo")
    assert typo == keystrokes.make_form(query, "typo")
    before, after = plain.split(), typo.split()
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    a, b = changed[0]
    assert len(a) >= 3
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        i = diffs[0]
        assert len(diffs) == 1 or (diffs == [i, i + 1] and a[i] == b[i + 1] and a[i + 1] == b[i])
    else:
        assert len(b) == len(a) - 1 and any(a[:i] + a[i + 1 :] == b for i in range(len(a)))


@pytest.mark.parametrize("query", ["Thủ tướng Anh loại nỗ lực ban đầu", "Đảng ủy Khối doanh nghiệp", "Ai?? Bao nhiêu"])
def test_typo_accented_is_one_slip_in_one_accented_word_and_deterministic(query: str) -> None:
    typo = keystrokes.make_form(query, "typo-accented")
    assert typo == keystrokes.make_form(query, "typo-accented")
    before, after = query.split(), typo.split()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    a, b = changed[0]
    assert len(a) >= 3 and keystrokes.fold(a) != keystrokes.fold(b)
    if len(a) == len(b):  # a substitution comes bare; a swap keeps both letters as they were
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        i = diffs[0]
        swapped = diffs == [i, i + 1] and a[i : i + 2] == b[i + 1] + b[i]
        assert (len(diffs) == 1 and b[i] == keystrokes.fold(b[i])) or swapped
    else:
        assert len(b) == len(a) - 1 and any(a[:i] + a[i + 1 :] == b for i in range(len(a)))


@pytest.mark.parametrize("query", ["Thủ tướng Anh loại nỗ lực ban đầu", "Đà Nẵng", "Bình Dương", "Ai?? Bao nhiêu"])
def test_marks_slip_changes_one_words_marks_and_no_letter(query: str) -> None:
    slipped = keystrokes.make_form(query, "marks-slip")
    assert slipped == keystrokes.make_form(query, "marks-slip")
    assert keystrokes.fold(slipped) == keystrokes.fold(query)  # the letters as they were
    changed = [(a, b) for a, b in zip(query.split(), slipped.split(), strict=True) if a != b]
    assert len(changed) == 1
    a, b = (unicodedata.normalize("NFD", w) for w in changed[0])

    def marks(word: str) -> int:
        return sum(unicodedata.combining(ch) > 0 or ch in "đĐ" for ch in word)

    assert a.translate({0x309: 0x303, 0x303: 0x309}) == b or marks(b) == marks(a) - 1  # hỏi/ngã, or one left out
    assert keystrokes.make_form("abc def", "marks-slip") == "abc def"  # no marks to slip


@pytest.mark.parametrize("query", ["tên lửa hủy diệt", "giá dầu brent giảm", "Người lao động được tạm ứng bao nhiêu",
                                   "Đảng ủy Khối doanh nghiệp", "bác sĩ nhi", "Thành ủy Hải Phòng"])
def test_typo_keys_is_one_keyboard_slip_in_one_long_word(query: str) -> None:
    """A neighbouring key instead or as well, a doubled letter, a dropped one or a swap."""
    plain = keystrokes.fold(query)
    typo = keystrokes.make_form(query, "typo-keys")
    assert typo == keystrokes.make_form(query, "typo-keys")
    changed = [(a, b) for a, b in zip(plain.split(), typo.split(), strict=True) if a != b]
    assert len(changed) == 1
    a, b = changed[0]
    assert len(a) >= 3

    def near(x: str, y: str) -> bool:
        return y in keystrokes._neighbour_keys(x)

    if len(b) == len(a):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        i = diffs[0]
        assert (len(diffs) == 1 and near(a[i], b[i])) or (diffs == [i, i + 1] and a[i : i + 2] == b[i + 1] + b[i])
    elif len(b) == len(a) + 1:
        i = next(i for i in range(len(b)) if b[:i] + b[i + 1 :] == a)
        neighbours = [b[j] for j in (i - 1, i + 1) if 0 <= j < len(b)]
        assert any(b[i] == n or near(n, b[i]) for n in neighbours)  # doubled, or a key beside one typed
    else:
        assert len(b) == len(a) - 1 and any(a[:i] + a[i + 1 :] == b for i in range(len(a)))


@pytest.mark.parametrize(
    ("typed", "meant", "kind"),
    [
        ("ben", "benh", "left out"), ("toii", "toi", "doubled"), ("bjenh", "benh", "extra key"),
        ("bemh", "benh", "wrong key"), ("tyy", "tuy", "wrong key"), ("nahn", "nhan", "swapped"),
        ("benh", "benh", None), ("bnhe", "benh", None), ("xx", "benh", None),
    ],
)
def test_slip_kind_names_the_one_slip_between_two_words(typed: str, meant: str, kind: str | None) -> None:
    """A substitution that happens to repeat its neighbour ("tyy") is a wrong key, not a double."""
    assert keystrokes.slip_kind(typed, meant) == kind


@pytest.mark.parametrize("query", ["tên lửa hủy diệt", "giá dầu brent giảm", "Người lao động được tạm ứng bao nhiêu",
                                   "Đảng ủy Khối doanh nghiệp", "bác sĩ nhi", "Thành ủy Hải Phòng", "HLV Lê Thụy Hải"])
@pytest.mark.parametrize("form", ["typo", "typo-accented", "typo-keys", "telex-typo", "vni-typo"])
def test_every_slip_the_forms_make_is_read_back_as_one_of_its_kinds(query: str, form: str) -> None:
    base = relevance.SLIP_FORMS[form]
    found = keystrokes.slipped_word(keystrokes.make_form(query, form), keystrokes.make_form(query, base))
    assert found is not None
    assert keystrokes.slip_kind(*found) in keystrokes.SLIP_KINDS


def test_slip_section_compares_each_kind_with_the_same_queries_typed_right() -> None:
    qs = relevance.QuerySet("t", "t", [{"id": "a", "title": "tin nhanh", "body": "nhieu lan"}], [], "")
    texts = {("1", "plain"): "nhieu loan", ("1", "typo"): "nhieu lan",  # a letter left out: a word the corpus holds
             ("2", "plain"): "tin nhanh", ("2", "typo"): "tin nahnh"}  # two letters swapped
    queries = [relevance.Query(qid, form, "k", "a", text) for (qid, form), text in texts.items()]
    ranks = {("1", "plain"): 1, ("1", "typo"): 2, ("2", "plain"): 1, ("2", "typo"): 1}
    run = relevance.Run("vnsearch", "t", ranks=ranks)
    lines = relevance.slip_section([(qs, queries, [run])], ["vnsearch"], ["plain", "typo"])
    rows = [line for line in lines if line.startswith("| t |")]
    assert rows == ["| t | typo | left out | 1 | 1 | -0.500 | -0.500 |", "| t | typo | swapped | 1 | 0 | +0.000 | – |"]
    assert relevance.slip_section([(qs, queries, [run])], ["vnsearch"], ["typo"]) == []  # no form typed right
    failed = relevance.Run("bm25-plain", "t", error="build failed")
    lines = relevance.slip_section([(qs, queries, [failed, run])], ["bm25-plain", "vnsearch"], ["plain", "typo"])
    assert "| t | typo | left out | 1 | 1 | – | – | -0.500 | -0.500 |" in lines


@pytest.mark.parametrize("query", ["Đảng ủy Khối doanh nghiệp", "Người lao động được tạm ứng", "giá dầu brent giảm"])
def test_keyed_typos_slip_once_in_the_keystrokes_and_typo_2_once_more_than_typo(query: str) -> None:
    for slipped_form, base_form in (("telex-typo", "telex"), ("vni-typo", "vni"), ("typo-2", "typo")):
        slipped, base = keystrokes.make_form(query, slipped_form), keystrokes.make_form(query, base_form)
        assert slipped == keystrokes.make_form(query, slipped_form) != base  # the same every run
        found = keystrokes.slipped_word(slipped, base)
        assert found is not None and keystrokes.slip_kind(*found) in keystrokes.SLIP_KINDS


@pytest.mark.parametrize("query", ["Nguyên nhân chính dẫn đến ngạt thở là gì?", "giá dầu brent giảm"])
def test_framed_puts_the_query_between_an_opening_and_a_closing(query: str) -> None:
    """The query whole, after one opening and before one closing of FRAMES, the same every run;
    framed-plain is that text folded."""
    framed = keystrokes.make_form(query, "framed")
    assert framed == keystrokes.make_form(query, "framed")
    openings, closings = keystrokes.FRAMES
    opening = next(o for o in openings if framed.startswith(o + " "))
    closing = next(c for c in closings if framed.endswith(" " + c))
    assert framed == f"{opening} {query} {closing}"
    assert keystrokes.make_form(query, "framed-plain") == keystrokes.fold(framed)


def test_neighbour_keys_on_qwerty() -> None:
    assert keystrokes._neighbour_keys("g") == "fhtyvb"
    assert keystrokes._neighbour_keys("q") == "wa"
    assert keystrokes._neighbour_keys("m") == "njk"


def test_bm25_terms_fold_and_pair_only_adjacent_syllables() -> None:
    terms = engines.bm25_terms("Đảng ủy, Hà Nội.\nHọp")
    assert terms == ["dang", "uy", "dang uy", "ha", "noi", "ha noi", "hop"]


ARTICLES = [
    {"id": "a", "title": "Hà Nội mưa lớn", "lead": "Mưa lớn kéo dài ở Hà Nội.", "body": "Nhiều tuyến phố ngập."},
    {"id": "b", "title": "Nội thất phòng khách", "lead": "Chọn nội thất cho căn hộ nhỏ.", "body": "Gỗ và vải."},
    {"id": "c", "title": "Đảng ủy khối họp", "lead": None, "body": "Đảng ủy khối doanh nghiệp họp tổng kết.",
     "captions": ["Quang cảnh hội nghị Hà Nội"]},
    {"id": "d", "_title": "Giá lúa tăng", "lead": "Giá lúa tăng mạnh.", "body": "Nông dân vui mừng."},
]


@pytest.mark.parametrize(("query", "first"), [("ha noi mua", "a"), ("Hà Nội", "a"), ("dang uy hop", "c"),
                                               ("noi that can ho", "b"), ("giá lúa", "d"), ("hội nghị", "c")])
def test_bm25_plain_ranks_the_obvious_article_first(query: str, first: str, tmp_path: Path) -> None:
    eng = engines.Bm25Plain()
    eng.build(ARTICLES, tmp_path)
    assert eng.search(query, 10)[0] == first
    reopened = engines.Bm25Plain()
    reopened.open(tmp_path)
    assert reopened.search(query, 10) == eng.search(query, 10)


def test_bm25_plain_every_word_optional_and_pairs_count() -> None:
    eng = engines.Bm25Plain()
    eng.build(ARTICLES)
    assert eng.search("hà nội xyzzy", 10)[0] == "a"  # an unknown word does not empty the result
    assert eng.search("xyzzy", 10) == []
    # "hà nội" as a pair outranks articles holding only "nội"
    assert eng.search("ha noi", 10).index("a") < eng.search("ha noi", 10).index("b")


def test_scores_and_restoration() -> None:
    sc = relevance.score([1, 2, None, 10])
    assert sc.s1 == 0.25
    assert sc.mrr == pytest.approx((1 + 0.5 + 0.1) / 4)
    assert relevance.restoration_score("tên lửa hủy diệt", "tên lửa huỷ diệt") == (4, 4, 0)
    assert relevance.restoration_score("tên lửa hủy diệt", None) == (4, 0, 0)
    assert relevance.restoration_score("vợ lý hải", "vợ ly hai") == (3, 1, 0)
    # one typo: what is shown (the suggestion, else the query) against what was meant
    assert relevance.correction_score("tên lửa hủy diệt", "ten lua uy diet", "tên lửa huỷ diệt") == (True, True)
    assert relevance.correction_score("tên lửa hủy diệt", "ten lua huy diet", None) == (False, True)
    assert relevance.correction_score("tên lửa hủy diệt", "ten lua uy diet", None) == (False, False)
    assert relevance.correction_score("tên lửa hủy diệt", "ten lua uy diet", "tên lửa uy diệt") == (False, False)
    assert relevance.restoration_score("xe vietlott mới", "xé vietlott mới") == (1, 1, 1)


def test_index_cache_reuses_builds_and_warns_on_stale_vnsearch_code(tmp_path: Path) -> None:
    querysets = importlib.import_module("querysets")
    qs = querysets.QuerySet("tiny", "tiny corpus", ARTICLES, [], "made up")
    cache = relevance.IndexCache(tmp_path, rebuild=False)
    eng, _, note = cache.engine(engines.Bm25Plain, qs)
    assert note == "built" and eng.search("ha noi", 10)[0] == "a"
    eng, _, note = cache.engine(engines.Bm25Plain, qs)
    assert note.startswith("cached") and eng.search("ha noi", 10)[0] == "a"
    eng, _, note = relevance.IndexCache(tmp_path, rebuild=True).engine(engines.Bm25Plain, qs)
    assert note == "built"
    stamp = tmp_path / "indexing-source.txt"
    stamp.write_text("not the current hash\n", encoding="utf-8")
    assert "--rebuild" in (engines.VnSearch().stale_warning(tmp_path) or "")
    stamp.write_text(engines.indexing_source_hash() + "\n", encoding="utf-8")
    assert engines.VnSearch().stale_warning(tmp_path) is None


perf = importlib.import_module("perf")
workload = importlib.import_module("workload")


def test_fts5_or_expression_quotes_each_word_and_ors_them() -> None:
    assert perf.fts5_or_expression("Hà Nội?") == '"Hà" OR "Nội"'
    assert perf.fts5_or_expression('COVID-19 "ở" đâu') == '"COVID" OR "19" OR "ở" OR "đâu"'
    assert perf.fts5_or_expression("?!") == ""


def test_fts5_or_runner_finds_any_word_best_first(tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    records = [
        {"id": "a", "title": "Bão số 5 đổ bộ", "lead": "", "body": "Bão mạnh ở miền Trung.", "captions": []},
        {"id": "b", "title": "Giá vàng tăng", "lead": "", "body": "Giá vàng hôm nay.", "captions": []},
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    perf.build_fts5(src, tmp_path / "fts")
    run, close = perf.fts5_or_runner(tmp_path / "fts" / "fts.sqlite")
    try:
        rows = run("bao vang mien trung")  # no diacritics, any word
        assert [r[0] for r in rows] == ["a", "b"]
        assert "<mark>" in rows[0][1]
        assert run("...") == []
    finally:
        close()


class _SearchStub(http.server.BaseHTTPRequestHandler):
    """Answers /api/search with JSON over kept-alive connections; after `q=drop` it closes the
    connection without saying so, as a server does with one idle past its keep-alive."""

    protocol_version = "HTTP/1.1"
    connections: ClassVar[set[int]] = set()  # the clients' ports
    queries: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).connections.add(self.client_address[1])
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["q"][0]
        type(self).queries.append(q)
        body = json.dumps({"query": q}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = q == "drop"

    def log_message(self, *args: object) -> None:
        pass


def test_client_keeps_its_connection_and_reconnects_once_when_dropped() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SearchStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with perf.Client(f"http://127.0.0.1:{server.server_address[1]}", timeout=5) as client:
            assert client.search("Hà Nội", "relevance") and client.search("bão", "newest")
            assert len(_SearchStub.connections) == 1  # kept alive
            assert client.search("drop", "relevance")
            assert client.search("sau", "relevance")  # on a new connection, asked again once
        assert _SearchStub.queries == ["Hà Nội", "bão", "drop", "sau"]
        assert len(_SearchStub.connections) == 2
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(perf.HTTP_ERRORS), perf.Client(f"http://127.0.0.1:{server.server_address[1]}") as client:
        client.search("x", "relevance")  # nothing listens: refused, not retried forever


def test_workload_result_percentiles_per_kind_and_all() -> None:
    res = perf.WorkloadResult(kinds=("keywords", "typos"))
    res.samples = {"vnsearch first": {"keywords": [1.0, 2.0, 3.0], "typos": [10.0]}}
    assert res.pct("vnsearch first", "keywords", 50) == 2.0
    assert res.pct("vnsearch first", "all", 100) == 10.0
    assert res.all("vnsearch first") == [1.0, 2.0, 3.0, 10.0]
    assert res.pct("fts5 first", "typos", 50) != res.pct("fts5 first", "typos", 50)  # nan: no samples


def test_workload_rejects_a_query_seen_twice() -> None:
    q = workload.WorkQuery
    workload.check_distinct(workload.Workload([q("keywords", "Hà Nội", "x")], [q("typos", "ha noj", "x")]))
    with pytest.raises(ValueError, match="twice"):
        workload.check_distinct(workload.Workload([q("keywords", "Hà Nội", "x")], [q("keywords", "ha noi", "x")]))


def test_rank_features_rerank_reproduces_the_product_formula() -> None:
    """bench/rank_features.py re-ranks saved candidates the way indexer.ranking does: the
    window bonus for every query, the rarity window only from RARE_FROM_WORDS words, and MRR
    counts the expected article's rank in the top 10."""
    import numpy as np

    rank_features = importlib.import_module("rank_features")
    from indexer import proximity

    f = rank_features.F
    x = np.zeros((3, len(rank_features.NAMES)))
    x[:, f["score"]] = [10.0, 9.0, 8.0]
    x[:, f["prox20"]] = [0.0, 0.05, 0.1]  # plain window: "c" gains 1.0, not enough
    x[:, f["iprox40"]] = [0.0, 0.0, 1.0]  # rarity window: "c" gains 5.0 more
    short = {"docs": ["a", "b", "c"], "X": x, "nq": proximity.RARE_FROM_WORDS - 1}
    long = {**short, "nq": proximity.RARE_FROM_WORDS}
    scorer = rank_features.rerank(rare=proximity.RARE_WEIGHT)
    data = {"queries": [("q1", "accented", "c", "short"), ("q2", "accented", "c", "long")],
            "cands": {"short": short, "long": long}}
    assert list(scorer(short)) == pytest.approx([10.0, 9.5, 9.0])
    got = rank_features.mrr(data, scorer)  # "c": third for the short query, first for the long one
    assert got == {"accented": pytest.approx((1 / 3 + 1) / 2), "ALL": pytest.approx(2 / 3)}


def test_rank_features_extract_saves_the_candidates_vnsearch_ranks(tmp_path: Path) -> None:
    """`extract` reads each query as the service does (its `_understood`, its attempts), so the
    `current` re-rank of what it saved gives the engine's own MRR@10; it broke silently once
    when `_understood` grew a return value."""
    rank_features = importlib.import_module("rank_features")
    querysets = importlib.import_module("querysets")
    from indexer import proximity

    queries = [querysets.BaseQuery("q1", "headline", "a", "Hà Nội mưa lớn"),
               querysets.BaseQuery("q2", "headline", "c", "đảng ủy khối doanh nghiệp họp"),
               querysets.BaseQuery("q3", "headline", "b", "nội thất căn hộ")]
    qs = querysets.QuerySet("tiny", "tiny corpus", ARTICLES, queries, "made up")
    path = rank_features.extract(qs, ["accented", "plain"], None, 10, tmp_path / "cache", out=tmp_path)
    with open(path, "rb") as fh:
        data = pickle.load(fh)
    assert {text for *_, text in data["queries"]} == {
        "Hà Nội mưa lớn", "ha noi mua lon", "đảng ủy khối doanh nghiệp họp", "dang uy khoi doanh nghiep hop",
        "nội thất căn hộ", "noi that can ho"}
    eng, _, _ = relevance.IndexCache(tmp_path / "cache", rebuild=False).engine(engines.VnSearch, qs)
    expected = {}
    for _, form, article, text in data["queries"]:
        top = eng.search(text, 10)
        expected.setdefault(form, []).append(1 / (top.index(article) + 1) if article in top else 0.0)
    got = rank_features.mrr(data, rank_features.rerank(rare=proximity.RARE_WEIGHT, lead=proximity.LEAD_WEIGHT))
    assert got["accented"] == pytest.approx(sum(expected["accented"]) / 3) == pytest.approx(1.0)
    assert got["plain"] == pytest.approx(sum(expected["plain"]) / 3)


def test_throughput_reports_how_the_workers_shared_the_work() -> None:
    run = perf.Throughput(clients=16, worker_cpu=[3.0, 1.0])
    assert run.split == "75% / 25%"
    assert perf.Throughput(clients=16).split == "–"


def test_fresh_headline_samples_are_other_articles_and_other_titles(shared_corpus: Path) -> None:
    """`headlines-<seed>` (bench/querysets.py FRESH_HEADLINES_SEEDS): drawn like the default set
    from other samples of news-50k, so they judge what was never tuned on."""
    querysets = importlib.import_module("querysets")
    default = querysets.SETS["headlines"]()
    seed = querysets.FRESH_HEADLINES_SEEDS[0]
    fresh = querysets.OPTIONAL_SETS[f"headlines-{seed}"]()
    assert (default.name, fresh.name) == ("headlines", f"headlines-{seed}")
    assert len(fresh.queries) == len(default.queries) == querysets.HEADLINES_QUERIES
    assert f"seed {seed}" in fresh.corpus_name and fresh.corpus_hash() != default.corpus_hash()
    assert {q.text for q in fresh.queries} != {q.text for q in default.queries}
    assert all("title" not in a for a in fresh.articles)  # titles hidden, as in the default set


def test_legal_questions_are_question_titles_of_articles_that_cite_the_law(shared_corpus: Path) -> None:
    """`legal` (bench/querysets.py): the titles that ask a question, of articles whose text cites
    the law ("Điều 8", "Nghị định", "Bộ luật", …), over every article citing it, titles hidden."""
    querysets = importlib.import_module("querysets")
    legal = querysets.SETS["legal"]()
    by_id = {a["id"]: a for a in legal.articles}
    assert len(legal.queries) >= 200 and len(by_id) > 3000
    assert all("title" not in a for a in legal.articles)
    assert all(querysets.legal_markers(a) >= querysets.LEGAL_CORPUS_MARKERS for a in legal.articles)
    for q in legal.queries:
        letter = querysets.answers_a_letter(by_id[q.expected])
        assert q.text.endswith("?") and q.kind == ("letter" if letter else "news")
        assert querysets.legal_markers(by_id[q.expected]) >= querysets.LEGAL_ANSWER_MARKERS
    assert len({q.text for q in legal.queries}) == len(legal.queries)
    assert 10 <= sum(q.kind == "letter" for q in legal.queries) < len(legal.queries) / 2


@pytest.mark.parametrize(
    ("lead", "body", "letter"),
    [
        ("Chị Nguyễn Thị Lan (Hà Nam) hỏi: Mua căn hộ chung cư có phải nộp lệ phí trước bạ?", "Luật sư: …", True),
        (None, "Tôi năm nay 30 tuổi, mong luật sư tư vấn giúp việc chia tài sản chung.", True),
        ("Trả lời ý kiến của Công ty CP Bình Minh về hóa đơn điện tử, Bộ Tài chính cho biết …", "…", True),
        ("Bạn đọc Trần Văn B (Cần Thơ) gửi câu hỏi về thủ tục cấp hộ chiếu.", "…", True),
        ("Theo luật sư, người vi phạm có thể bị phạt tiền.", "Bạn đọc phản ánh việc này từ tuần trước.", False),
        ("Công an huyện vừa khởi tố một vụ án.", "Điều 174 Bộ luật Hình sự quy định …", False),
    ],
)
def test_an_article_answers_a_letter_when_its_opening_quotes_or_answers_a_reader(
    lead: str | None, body: str, letter: bool
) -> None:
    querysets = importlib.import_module("querysets")
    assert querysets.answers_a_letter({"lead": lead, "body": body}) is letter
    later = {"lead": None, "body": "x" * querysets.LETTER_OPENING + (lead or "") + body}
    assert querysets.answers_a_letter(later) is False  # past the opening: quoted in passing, not answered


def test_kind_table_scores_each_kind_of_a_mixed_set_apart() -> None:
    kinds = {"1": "letter", "2": "news", "3": "news"}
    queries = [relevance.Query(qid, "accented", kind, f"doc{qid}", f"q{qid}") for qid, kind in kinds.items()]
    run = relevance.Run("vnsearch", "t", ranks={("1", "accented"): 2, ("2", "accented"): 1, ("3", "accented"): None})
    failed = relevance.Run("bm25-plain", "t", error="build failed")
    lines = relevance.kind_table(queries, [run, failed], ["accented"])
    assert [line for line in lines if line.startswith("| ") and "(n=" in line] == [
        "| letter (n=1) | vnsearch | 0.500 / 0.000 |",
        "| news (n=2) | vnsearch | 0.500 / 0.500 |",
    ]
    assert relevance.kind_table(queries[1:], [run], ["accented"]) == []  # one kind: the set's own row says it


def test_spelled_and_abbreviated_forms_write_abbreviations_out_and_back() -> None:
    query = "Đóng BHXH 2 năm ở TP.HCM, Bộ GD&ĐT nói gì?"
    spelled = keystrokes.make_form(query, "spelled")
    assert spelled == "Đóng bảo hiểm xã hội 2 năm ở Thành phố Hồ Chí Minh, Bộ Giáo dục và Đào tạo nói gì?"
    assert keystrokes.make_form(spelled, "abbreviated") == query
    assert keystrokes.make_form("Ủy ban nhân dân và hội đồng nhân dân", "abbreviated") == "UBND và HĐND"
    assert keystrokes.make_form("BHXHA và xBHXH", "spelled") == "BHXHA và xBHXH"  # whole words only
    assert keystrokes.make_form("nói gì", "spelled") == "nói gì"


def test_pseudo_forms_keep_only_the_queries_a_form_changes() -> None:
    Query = relevance.Query
    queries = [
        Query("q1", "accented", "k", "a", "Đóng BHXH"), Query("q1", "spelled", "k", "a", "Đóng bảo hiểm xã hội"),
        Query("q2", "accented", "k", "b", "Giá vàng"), Query("q2", "spelled", "k", "b", "Giá vàng"),
    ]
    assert [q.qid for q in relevance.select(queries, "spelled≠")] == ["q1"]
    assert [(q.qid, q.form) for q in relevance.select(queries, "accented@spelled≠")] == [("q1", "accented")]
    assert len(relevance.select(queries, "spelled")) == 2


def test_ranks_file_and_comparison_count_the_queries_a_change_moved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    compare_ranks = importlib.import_module("compare_ranks")
    querysets = importlib.import_module("querysets")
    qs = querysets.QuerySet("tiny", "tiny corpus", ARTICLES, [], "made up")
    queries = [relevance.Query(f"q{i}", "plain", "kw", "a", f"query {i}") for i in range(4)]

    def ranks_file(name: str, ranks: list[int | None], top: list[str], suggested: list[str | None]) -> Path:
        keys = [(q.qid, q.form) for q in queries]
        run = relevance.Run(
            "vnsearch", "tiny", ranks=dict(zip(keys, ranks, strict=True)),
            top={k: ["a", t] for k, t in zip(keys, top, strict=True)},
            suggested=dict(zip(keys, suggested, strict=True)),
        )
        path = tmp_path / name
        relevance.write_ranks([(qs, queries, [run])], path)
        return path

    before = ranks_file("before.jsonl", [1, 2, None, 3], ["b", "c", "d", "e"], [None, None, "query two", None])
    # two up, one down, one at the same rank with another second result; one suggestion changed
    after = ranks_file("after.jsonl", [1, 1, 5, 4], ["x", "c", "d", "e"], [None, None, "query 2", None])
    (cell,) = compare_ranks.compare(compare_ranks.load(before), compare_ranks.load(after), "vnsearch")
    assert (cell.set, cell.form, cell.up, cell.down, cell.others) == ("tiny", "plain", 2, 1, 1)
    assert cell.suggested == [("query 2", "query two", "query 2")]
    assert cell.mrr(cell.before) == pytest.approx((1 + 1 / 2 + 0 + 1 / 3) / 4)
    assert cell.mrr(cell.after) == pytest.approx((1 + 1 + 1 / 5 + 1 / 4) / 4)
    assert compare_ranks.main([str(before), str(after), "--list", "1"]) == 0
    out = capsys.readouterr().out
    assert "| tiny | plain | 4 | 0.4583 | 0.6125 ↑ | 2 | 1 | 1 | 1 |" in out
    assert "+0.500  2 → 1  query 1" in out  # the most moved query named
    assert "did you mean  query two → query 2  query 2" in out
    assert compare_ranks.main([str(before), str(after), "--engine", "fts5"]) == 2  # nothing to compare


@pytest.mark.parametrize(
    "form, frames",
    [
        ("framed-2", keystrokes.FRAMES_2),
        ("framed-3", keystrokes.FRAMES_3),
        ("framed-4", keystrokes.FRAMES_4),
        ("framed-5", keystrokes.FRAMES_5),
        ("framed-6", keystrokes.FRAMES_6),
        ("framed-7", keystrokes.FRAMES_7),
        ("framed-8", keystrokes.FRAMES_8),
    ],
)
def test_the_later_framed_forms_frame_the_query_with_their_own_set(form: str, frames: tuple) -> None:
    """framed-2 … -8 are framed's rule over FRAMES_2 … _8: one opening and one
    closing of that set; the -plain form is the same, folded, and the -bare form folded with
    no punctuation mark."""
    query = "tên lửa hủy diệt"
    framed = keystrokes.make_form(query, form)
    openings, closings = frames
    assert any(framed.startswith(o + " ") for o in openings) and any(framed.endswith(" " + c) for c in closings)
    assert f" {query} " in framed and keystrokes.make_form(query, f"{form}-plain") == keystrokes.fold(framed)
    bare = keystrokes.make_form(query, f"{form}-bare")  # typed in a hurry: no mark ends a sentence
    assert bare.split() == keystrokes.fold(framed).replace(",", " ").replace(".", " ").replace("?", " ").replace(
        "!", " ").replace(":", " ").split()


def test_keywords_option_runs_the_keyword_set_with_other_queries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--keywords FILE` measures queries nobody tuned on (`make_queries.py --seed`) with the
    harness itself, where a script had to swap `querysets.KEYWORDS_TSV`."""
    querysets = importlib.import_module("querysets")
    monkeypatch.setattr(querysets, "read_jsonl", lambda path: [dict(a) for a in ARTICLES])  # the corpus
    dev_set = querysets.KEYWORDS_TSV
    tsv = tmp_path / "fresh.tsv"
    tsv.write_text("qid\tform\tkind\texpected_id\tquery\n"
                   "f1\taccented\tlead-phrase\ta\tmưa lớn\nf2\taccented\ttitle-words\td\tgiá lúa\n", encoding="utf-8")
    args = ["--sets", "keywords", "--engines", "bm25-plain", "--forms", "accented", "--no-cache",
            "--out", str(tmp_path / "r.md"), "--ranks", str(tmp_path / "r.jsonl")]
    assert relevance.main([*args, "--keywords", str(tsv)]) == 0
    rows = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["qid"], r["rank"]) for r in rows] == [("f1", 1), ("f2", 1)]
    assert "fresh.tsv: 2-5 syllable phrases" in (tmp_path / "r.md").read_text(encoding="utf-8")  # named as run
    assert dev_set == querysets.KEYWORDS_TSV  # the dev set stays the default for the next run
    with pytest.raises(SystemExit):
        relevance.main([*args, "--keywords", str(tmp_path / "missing.tsv")])


SCRIPTS = sorted(p.name for p in BENCH.glob("*.py") if p.name != "fuzz_atheris.py")  # atheris: optional


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_bench_script_starts(script: str) -> None:
    """Each documented command at least starts: bench/keyboard.py and bench/typos.py failed at
    import for 30 stops after a function they use moved, and no test ran them."""
    done = subprocess.run([sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize(
    ("script", "args", "says"),
    [
        ("relevance.py", ["--subset", "0"], "--subset: must be 1 or more"),
        ("relevance.py", ["--jobs", "-1"], "--jobs: must be 1 or more"),
        ("perf.py", ["--passes", "0"], "--passes: must be 1 or more"),
        ("perf.py", ["--duration", "nan"], "--duration: must be more than 0 seconds"),
        ("perf.py", ["--engines", ","], "--engines: name at least one"),
        ("compare_ranks.py", ["missing-before.jsonl", "missing-after.jsonl"], "cannot read missing-before.jsonl"),
        ("first_sight.py", ["--index", "no-such-index"], "--index: no index at no-such-index"),
        ("marked_pairs.py", ["--corpus", "missing.jsonl", "--index", "x"], "--corpus: no such file: missing.jsonl"),
        ("marked_pairs.py", ["--corpus", "c", "--index", "x", "--pairs", "0"], "--pairs: must be 1 or more"),
        ("two_words.py", ["--corpus", "missing.jsonl", "--index", "x"], "--corpus: no such file: missing.jsonl"),
        ("two_words.py", ["--corpus", "c", "--index", "x", "--queries", "0"], "--queries: must be 1 or more"),
    ],
)
def test_bench_scripts_refuse_bad_arguments_in_one_line(script: str, args: list[str], says: str) -> None:
    done = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_compare_ranks_names_a_file_that_is_not_a_ranks_file(tmp_path: Path) -> None:
    report = tmp_path / "relevance.md"
    report.write_text("# Relevance (known-item)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(BENCH / "compare_ranks.py"), str(report), str(report)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and f"{report} is not a relevance.py --ranks file" in done.stderr, done.stderr


def test_relevance_without_the_corpus_fails_and_keeps_the_last_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh clone has no ../shared: every set is skipped. That run measured nothing, so it
    must not exit 0 and overwrite the last report with empty tables."""
    querysets = importlib.import_module("querysets")
    monkeypatch.setattr(querysets, "NEWS_2K", tmp_path / "no-such-corpus.jsonl")
    out = tmp_path / "relevance.md"
    out.write_text("the last report\n", encoding="utf-8")
    status = relevance.main(["--sets", "keywords", "--forms", "accented", "--engines", "bm25-plain", "--no-cache",
                             "--out", str(out)])
    assert status == 2 and out.read_text(encoding="utf-8") == "the last report\n"
    assert "no set could be read" in capsys.readouterr().err


def test_perf_times_searches_not_the_results_cache(seed_index: Path) -> None:
    """perf.py repeats the same queries pass after pass: with the results cache on, its timed
    passes measured cache hits (~0.1 ms) beside the baselines' computed answers."""
    perf = importlib.import_module("perf")
    service = perf.computing_service(seed_index)
    for _ in range(3):
        assert service.search("thanh uy")["total"] > 0
    assert service.results.hits == 0 and len(service.results) == 0


def test_costly_queries_stay_within_the_limits_and_run_on_any_index(seed_index: Path) -> None:
    """bench/costly.py's queries are what a user may send (500 characters at most, so the cut
    is not what is measured), and it runs end to end on the seed index (its timings are the
    bench's to judge, not this test's)."""
    costly = importlib.import_module("costly")
    shapes = costly.cases()
    assert len({name for name, _, _ in shapes}) == len(shapes)
    assert all(len(query) <= 500 for _, query, _ in shapes)
    assert sum(query.count(",") for _, query, _ in shapes) > 4 * 20  # the comma-parted exclusions
    run = subprocess.run([sys.executable, str(BENCH / "costly.py"), "--index", str(seed_index)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert [line.split()[0] for line in run.stdout.splitlines()[1:-1]] == [name.split()[0] for name, _, _ in shapes]
    assert run.stdout.splitlines()[-1].startswith("slowest ")


def test_marked_pairs_measures_the_top_ten_printing_each_reading(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """`bench/marked_pairs.py` over a corpus that prints "bão lũ" (floods) in 30 articles and
    "báo lũ" (of "cảnh báo lũ") in 40: the one folded pair printed two ways, each reading
    searched, the share of its top 10 printing it as searched."""
    from indexer.index import build_index

    marked_pairs = importlib.import_module("marked_pairs")
    corpus = tmp_path / "c.jsonl"
    rows = [{"id": f"f{i}", "title": f"Tin {i}", "lead": f"Bão lũ làm hư hại {i} nhà.", "body": "Dân dọn dẹp."}
            for i in range(30)]
    rows += [{"id": f"w{i}", "title": f"Tin {i}", "lead": f"Cảnh báo lũ quét ở xã {i}.", "body": "Dân sơ tán."}
             for i in range(40)]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    build_index([corpus], tmp_path / "ix")

    assert marked_pairs.ambiguous_pairs(corpus, 10, 1) == [("báo lũ", "bão lũ")]
    assert marked_pairs.main(["--corpus", str(corpus), "--index", str(tmp_path / "ix")]) == 0
    said = capsys.readouterr().out
    assert "1 folded pairs printed two ways" in said
    assert "commoner reading: top 10 printing the pair as searched 1.000" in said
    assert "rarer reading: top 10 printing the pair as searched 1.000" in said


def test_two_words_measures_the_top_ten_printing_both_words(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """`bench/two_words.py` over a corpus whose 30 articles print "học sinh" near "tự tử", "áp
    lực" and other dictionary words: each query drawn is two of them, and the 30 print both."""
    from indexer.index import build_index

    two_words = importlib.import_module("two_words")
    corpus = tmp_path / "c.jsonl"
    rows = [{"id": f"s{i}", "title": f"Tin {i}", "lead": f"Học sinh tự tử vì áp lực thi cử {i}.",
             "body": "Xin chia buồn."} for i in range(30)]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    build_index([corpus], tmp_path / "ix")

    drawn = two_words.drawn_queries(two_words.printed_dictionary_words(corpus), 5, 1)
    assert drawn and all(both == {f"s{i}" for i in range(30)} for _, both in drawn)
    lead = rows[0]["lead"].lower()
    assert all(len(q.split()) == 4 and q.split()[0] + " " + q.split()[1] in lead and q.split(maxsplit=2)[2] in lead
               for q, _ in drawn)
    assert two_words.main(["--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--queries", "5"]) == 0
    said = capsys.readouterr().out
    assert f"{len(drawn)} queries of two dictionary words" in said
    assert "typed with marks: precision at 10 1.000, first hit prints both 1.000" in said
