"""Accent restoration ("did you mean") on a tiny index: the seed article alone, or nothing but
the shipped general model."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from indexer.analysis import canonical_syllable, fold
from indexer.ingest import parse_page
from indexer.model import Article
from indexer.restoration import GENERAL_MODEL, Counts, PrintedCounts, Restorer, general_counts, printed_syllables
from indexer.sidecars import ReadingCounter

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "000_731bbc153429bd94.txt"


def seed_counter() -> ReadingCounter:
    counter = ReadingCounter()
    counter.add(parse_page(SEED.read_text(encoding="utf-8"), id="seed"))
    return counter


@pytest.fixture(scope="module")
def seed_only() -> Restorer:
    return Restorer.from_counter(seed_counter())


@pytest.fixture(scope="module")
def no_index() -> Restorer:
    return Restorer()


def restored(restorer: Restorer, query: str) -> str | None:
    reading = restorer.restore(query.split())
    return None if reading is None else " ".join(reading)


def test_seed_article_alone_restores_its_own_names(seed_only: Restorer) -> None:
    assert restored(seed_only, "dang uy khoi doanh nghiep") == "Đảng ủy Khối doanh nghiệp"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ha noi", "Hà Nội"),
        ("viet nam", "Việt Nam"),
        ("thanh pho ho chi minh", "thành phố Hồ Chí Minh"),
        ("trung quoc", "Trung Quốc"),
        ("bo y te", "bộ y tế"),
        ("doanh nghiep", "doanh nghiệp"),
        ("thu tuong", "thủ tướng"),
    ],
)
def test_general_model_alone_restores_common_words(no_index: Restorer, query: str, expected: str) -> None:
    assert restored(no_index, query) == expected


def test_seed_index_still_knows_general_words(seed_only: Restorer) -> None:
    assert restored(seed_only, "ha noi") == "Hà Nội"


@pytest.mark.parametrize("query", ["xqz vvk", "zzq", "", "nam", "ha"])
def test_nothing_offered_without_support(no_index: Restorer, query: str) -> None:
    assert restored(no_index, query) is None


def test_unseen_pair_of_non_dominant_readings_is_not_offered() -> None:
    general = Counts({"ba": 5, "bà": 5, "bá": 5, "ca": 5, "cá": 5, "cà": 5}, {"bà ca": 1})
    restorer = Restorer({}, {}, general)
    assert restorer.restore(["ba", "ca"]) == ["bà", "ca"]  # the pair is known
    assert restorer.restore(["ca", "ba"]) is None  # nothing says which of three


def test_index_counts_outweigh_the_general_model_on_their_own_names() -> None:
    # The general model prefers "nói"; an index that prints "Nội" after "Hà" wins.
    general = Counts({"hà": 10, "nói": 100, "nội": 1, "và": 10_000}, {})
    article_counts = ({"Hà": 3, "Nội": 3}, {"Hà Nội": 3})
    assert Restorer({}, {}, general).restore(["ha", "noi"]) == ["hà", "nói"]
    assert Restorer(*article_counts, general).restore(["ha", "noi"]) == ["Hà", "Nội"]


def test_two_syllables_are_one_word_where_the_index_prints_them_together_beyond_chance() -> None:
    """`Restorer.one_word`: "mưa lớn" (printed together 22 times, "lớn" after "mưa" far likelier
    than anywhere) is a word; "nẵng mưa" (never together) and "lớn và" ("và" follows anything)
    are not, nor is a pair printed fewer than WORD_PAIR_LEAST times. Typed plain, some reading."""
    unigrams = {"đà": 22, "nẵng": 22, "mưa": 24, "lớn": 60, "và": 3_000, "mua": 30, "nắng": 2}
    bigrams = {"đà nẵng": 22, "mưa lớn": 22, "lớn và": 40, "nắng mưa": 2}
    restorer = Restorer(unigrams, bigrams, Counts({}, {}))
    assert restorer.one_word("đà", "nẵng") and restorer.one_word("mưa", "lớn")
    assert not restorer.one_word("nẵng", "mưa") and not restorer.one_word("lớn", "và")
    assert not restorer.one_word("nắng", "mưa")  # together, but only twice
    assert restorer.one_word_folded("mua", "lon") and not restorer.one_word_folded("nang", "mua")


def test_case_comes_from_the_pair_on_the_left() -> None:
    counts = {"Đảng": 2, "ủy": 3, "Khối": 2, "khối": 1}, {"Đảng ủy": 2, "ủy Khối": 2, "khối u": 1}
    restorer = Restorer(*counts, Counts({}, {}))
    assert restorer.restore(["dang", "uy", "khoi"]) == ["Đảng", "ủy", "Khối"]


def test_counts_keep_the_majority_case_only() -> None:
    counts = Counts({"Khối": 1, "khối": 3, "Nội": 5}, {"Hà Nội": 2, "hà nội": 1})
    assert counts.unigrams == {"khối": 4, "nội": 5}
    assert "khối" not in counts.cased and counts.cased["nội"] == "Nội"
    assert counts.cased["hà nội"] == "Hà Nội" and counts.bigrams["hà nội"] == 3


def test_general_model_is_loaded_once_and_is_small() -> None:
    assert general_counts() is general_counts()
    path = REPO / "indexer" / "data" / GENERAL_MODEL
    assert path.stat().st_size < 2 * 1024 * 1024
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    assert "wordfreq" in data["source"] and "pyvi" in data["source"]
    assert len(data["unigrams"]) > 5_000 and len(data["bigrams"]) > 10_000
    # Stored as printed, old-style tone placement: "hoá" and "hóa" are one syllable.
    assert "hoá" not in data["unigrams"] and data["unigrams"]["hóa"] > 0
    assert all(canonical_syllable(w) == w.lower() for w in list(data["unigrams"])[:2000])


def test_reading_counter_counts_bodies_within_budget(tmp_path: Path) -> None:
    article = Article(id="a", title="Tin mới", paragraphs=["Ủy ban nhân dân tỉnh, Hà Nội-Hải Phòng."])
    counter = ReadingCounter()
    counter.add(article)
    assert counter.body_bigrams["Ủy ban"] == 1 and counter.body_bigrams["nhân dân"] == 1
    assert counter.body_bigrams["Hà Nội"] == 1 and counter.body_bigrams["Nội Hải"] == 1
    assert "tỉnh Hà" not in counter.body_bigrams  # a comma stands between
    assert counter.bigrams == {"Tin mới": 1}  # titles, leads and captions apart, as before
    counter.save(tmp_path / "r.json.gz")
    loaded = ReadingCounter.load(tmp_path / "r.json.gz")
    assert (loaded.bigrams, loaded.body_bigrams, loaded.body_unigrams) == (
        counter.bigrams,
        counter.body_bigrams,
        counter.body_unigrams,
    )
    assert Restorer.from_counter(loaded).index.bigrams["hà nội"] == 1

    capped = ReadingCounter()
    capped.BODY_SYLLABLES = 3
    capped.add(article)
    capped.add(Article(id="b", title="Tin", paragraphs=["Quảng Ninh"]))
    assert "Quảng" not in capped.body_unigrams and capped.body_unigrams["Ủy"] == 1


def test_a_lone_syllable_needs_two_thirds_of_the_index() -> None:
    empty = Counts({}, {})
    assert Restorer({"Đảng": 5, "đáng": 1}, {}, empty).restore(["dang"]) == ["Đảng"]
    assert Restorer({"năm": 7, "Nam": 5}, {}, empty).restore(["nam"]) is None
    assert Restorer({}, {}, Counts({"năm": 100}, {})).restore(["nam"]) is None  # the general model alone


def test_hits_as_context_outweigh_the_models(no_index: Restorer) -> None:
    assert restored(no_index, "nao vo") != "nạo vỏ"
    hits = ["Máy nạo vỏ khoai tây", "Cách nạo vỏ nhanh"]
    assert no_index.restore(["nao", "vo"], hits) == ["nạo", "vỏ"]
    # Case and unknown names come from the hits too; unrelated words in them do not count.
    assert no_index.restore(["abu", "hananyah"], ["Phiến quân Abu Hananyah bị bắt"]) == ["Abu", "Hananyah"]
    assert no_index.restore(["xqz", "vvk"], ["Nhà ga mới"]) is None


def test_a_capital_that_starts_a_sentence_is_not_the_words_case() -> None:
    """Titles and snippets start with a capital: "Hàng loạt quán ăn…" said nothing about how
    "hang loat" is spelled, yet "did you mean" offered "Hàng loạt quán ăn". A word seen only
    there takes its case from the index; a name keeps its capital."""
    restorer = Restorer({"hàng": 9, "loạt": 9, "Ramos": 3}, {"hàng loạt": 9}, Counts({}, {}))
    hits = ["Hàng loạt quán ăn bị phạt", "Tối qua. Hàng loạt quán ăn đóng cửa"]
    assert restorer.restore(["hang", "loat"], hits) == ["hàng", "loạt"]
    assert restorer.local_counts(["hang", "loat"], hits).caseless == {"hàng", "hàng loạt"}
    # a capital that does not start a sentence is the word's own, and outvotes those that do
    assert restorer.restore(["hang", "loat"], [*hits, "Bộ sưu tập Hàng loạt"]) == ["Hàng", "loạt"]
    # a name at the start of every hit keeps its capital: from the index, else as printed
    assert restorer.restore(["ramos"], ["Ramos lại tỏa sáng"]) == ["Ramos"]
    assert restorer.restore(["abu", "hananyah"], ["Abu Hananyah bị bắt"]) == ["Abu", "Hananyah"]
    assert restorer.restore(["ha", "noi"], ["Hà Nội mưa to", "Hà Nội: Hà Nội lạnh"]) == ["Hà", "Nội"]


def test_a_run_of_capitals_is_not_the_words_case() -> None:
    """A crosshead printed in capitals ("QUAN ĐIỂM CHỈ ĐẠO VÀ MỤC TIÊU") voted its case into
    "did you mean": "quan điểm chỉ đạo VÀ MỤC tiêu" (bug hunt 72). A lone initialism keeps its
    capitals, and so does one printed beside another where the index spells it so."""
    restorer = Restorer({"và": 9, "mục": 9, "tiêu": 9, "UBND": 5, "TP": 5}, {"mục tiêu": 9}, Counts({}, {}))
    hits = ["QUAN ĐIỂM CHỈ ĐẠO VÀ MỤC TIÊU", "Kế hoạch và mục tiêu năm nay"]
    assert restorer.restore(["va", "muc", "tieu"], hits[:1]) == ["và", "mục", "tiêu"]
    assert restorer.restore(["va", "muc", "tieu"], hits) == ["và", "mục", "tiêu"]
    assert restorer.restore(["ubnd"], ["Chủ tịch UBND tỉnh"]) == ["UBND"]
    assert restorer.restore(["ubnd", "tp"], ["UBND TP Hà Nội họp"]) == ["UBND", "TP"]


def test_a_context_syllable_outside_the_querys_pairs_weighs_less(no_index: Restorer) -> None:
    """Hits are found by folded words: the lone "dụng" of "áp dụng" says less of how "dung sung
    gia" is spelled than "dùng súng" printed as the query's pair."""
    hits = [
        "Nghi phạm dùng súng giả. Hắn dùng súng bắn, dùng súng dọa",
        "Sử dụng súng hơi, sử dụng súng giả",
        "Dụng cụ, vận dụng, áp dụng, lợi dụng",
    ]
    folded = ["dung", "sung", "gia"]
    local = no_index.local_counts(folded, hits)
    assert local.unigrams["dụng"] == 2 + 4 * Restorer.CONTEXT_ALONE  # twice in "dụng súng", four times alone
    assert local.unigrams["dùng"] == 3
    assert no_index.restore(folded, hits) == ["dùng", "súng", "giả"]
    # one word has no pairs: every occurrence counts in full
    assert no_index.local_counts(["dung"], hits).unigrams["dụng"] == 6


def test_one_pair_in_the_context_does_not_outweigh_a_pair_held_four_times() -> None:
    """The hits of `ly do nghi hoc` print "lý do" four times and, once, "em học sinh đó nghỉ
    học". Weighed as P(nghỉ | đó) the one "đó nghỉ" came to 0.5, against the model's tiny
    P(nghỉ | do), and the reading was "lý đó nghỉ học". Weighed as the share of "đó nghỉ" among
    the readings of "do nghi", it cannot outweigh "lý do". Without a context, the model alone."""
    general = Counts(
        {"lý": 50, "do": 400, "đó": 300, "nghỉ": 40, "học": 200, "nghĩ": 30, "hóc": 2, "và": 10_000_000},
        {"lý do": 40, "lý đó": 3, "nghỉ học": 30, "đó là": 100, "do đó": 50},
    )
    restorer = Restorer({}, {}, general)
    hits = [
        "Em bị kỷ luật với 2 lý do là nghỉ học",
        "không lý do, lấy lý do nhà khó khăn, vì lý do ốm",
        "Tuần sau, em học sinh đó nghỉ học.",
        "Nhà trường cho học sinh nghỉ học",
    ]
    folded = ["ly", "do", "nghi", "hoc"]
    local = restorer.local_counts(folded, hits)
    assert local.bigrams["lý do"] == 4 and local.bigrams["đó nghỉ"] == 1
    assert restorer.restore(folded, hits) == ["lý", "do", "nghỉ", "học"]
    assert restorer.restore(folded) == ["lý", "do", "nghỉ", "học"]


def test_a_reading_printed_once_in_the_context_does_not_outweigh_one_printed_often() -> None:
    """One snippet prints "Pham Ngọc Thạch" without its mark, 21 print "Phạm Ngọc Thạch". The
    context's pair "pham ngọc" weighs its reading once, in the step; counted in the first
    word's reading as well, it made the rare reading's share explode and won."""
    general = Counts({"phạm": 50, "ngọc": 40, "thạch": 20, "và": 10_000_000}, {"phạm ngọc": 20, "ngọc thạch": 10})
    restorer = Restorer({}, {}, general)
    hits = [*(f"Ông Phạm Ngọc Thạch số {i}" for i in range(21)), "Trường ĐH Y khoa Pham Ngọc Thạch dừng tuyển sinh"]
    assert restorer.restore(["pham", "ngoc", "thach"], hits) == ["Phạm", "Ngọc", "Thạch"]


_WORDS = st.lists(st.sampled_from(["Hà", "Nội", "hà", "nội", "Ủy", "ban", "tin", "mới", "Xyz", "19", "-", ","]),
                  max_size=8).map(" ".join)
_ARTICLES = st.builds(
    lambda i, title, lead, body: Article(id=f"a{i}", title=title, lead=lead, paragraphs=body),
    st.integers(0, 3), _WORDS, _WORDS, st.lists(_WORDS, max_size=3),
)


@given(st.lists(_ARTICLES, max_size=4), _ARTICLES)
@settings(max_examples=200, deadline=None)
def test_removing_an_article_leaves_the_counts_of_the_others(others: list[Article], removed: Article) -> None:
    """`ReadingCounter.remove` (vnsearch delete, or the version an update replaces) undoes
    `add`: the counts are those of the other articles alone, as if it had never been added,
    wherever it came in the order (bodies well within the budget)."""
    for at in range(len(others) + 1):
        counter = ReadingCounter()
        for article in [*others[:at], removed, *others[at:]]:
            counter.add(article)
        counter.remove(removed)
        alone = ReadingCounter()
        for article in others:
            alone.add(article)
        for name in ReadingCounter.NAMES:
            assert getattr(counter, name) == +getattr(alone, name), name
            assert all(n > 0 for n in getattr(counter, name).values()), name  # nothing saved at zero
        assert counter.body_syllables == alone.body_syllables


@given(st.lists(st.text(alphabet="aàĐđỨứ HhTt19-–.,\n'’_@", max_size=40), max_size=4))
@settings(max_examples=300, deadline=None)
def test_printed_counts_count_what_printed_syllables_yields(texts: list[str]) -> None:
    counts = PrintedCounts()
    assert [counts.add(text) for text in texts] == [len(list(printed_syllables(text))) for text in texts]
    expected_unigrams: Counter[str] = Counter()
    expected_bigrams: Counter[str] = Counter()
    for text in texts:
        prev = ""
        for surface, joined in printed_syllables(text):
            expected_unigrams[surface] += 1
            if joined:
                expected_bigrams[f"{prev} {surface}"] += 1
            prev = surface
    unigrams, bigrams = counts.counts()
    assert (unigrams, bigrams) == (expected_unigrams, expected_bigrams)
    assert (list(unigrams), list(bigrams)) == (list(expected_unigrams), list(expected_bigrams))  # first seen first


_CONTEXT_TEXT = st.lists(
    st.tuples(st.sampled_from(["Đà", "da", "Hà", "ha", "HA", "Tu", "tú", "u", "Ủ", "à", "19", "x_y", "Ứ"]),
              st.sampled_from([" ", "-", "–", ", ", " - ", "\n", "'", "  ", "@"])),
    max_size=12,
).map(lambda pairs: "".join(w + g for w, g in pairs))


# a pair in a run of capitals: its second syllable's capital is the run's too (CI, stop 73)
@example(texts=["HA HA "], folded=["ha", "ha"], limit=2)
@given(texts=st.lists(_CONTEXT_TEXT | st.text(alphabet="aàÀĐđỨứUuỦủ HhTt19-–.,\n'’_@", max_size=40), max_size=4),
       folded=st.lists(st.sampled_from(["a", "da", "ha", "tu", "u", "h", "t"]), min_size=1, max_size=3),
       limit=st.sampled_from([2, 10_000]))
@settings(max_examples=300, deadline=None)
def test_local_counts_count_the_wanted_printed_syllables(
    no_index: Restorer, texts: list[str], folded: list[str], limit: int
) -> None:
    """The context's counts, with printed forms remembered across queries (and forgotten when
    many), are `printed_syllables`' wanted syllables and pairs; a syllable in none of the
    query's pairs counts CONTEXT_ALONE when the query has pairs."""
    import indexer.restoration as restoration

    wanted, pairs = set(folded), {f"{a} {b}" for a, b in pairwise(folded)}
    alone = Restorer.CONTEXT_ALONE if pairs else 1.0
    expected_unigrams: Counter[str] = Counter()
    expected_bigrams: Counter[str] = Counter()
    expected_initial: Counter[str] = Counter()
    for text in texts:
        run: list[str | None] = [s if fold(s) in wanted else None for s, _ in printed_syllables(text)]
        joined = [j for _, j in printed_syllables(text)]
        # a syllable starts a sentence when first in the text or after a sentence's end mark
        gaps = re.split(r"[^\W\d_]+", text)[:-1]
        starts = [i == 0 or any(c in gap for c in ".!?:…") for i, gap in enumerate(gaps)]
        # ... or stands in a run of capitals (a crosshead's case is not the word's)
        caps = [len(s) > 1 and s.isupper() for s, _ in printed_syllables(text)]
        starts = [start or (c and ((i > 0 and caps[i - 1]) or (i + 1 < len(caps) and caps[i + 1])))
                  for i, (start, c) in enumerate(zip(starts, caps, strict=True))]
        paired = [False] * len(run)
        for i in range(1, len(run)):
            prev, surface = run[i - 1], run[i]
            if prev and surface and joined[i] and fold(f"{prev} {surface}") in pairs:
                expected_bigrams[f"{prev} {surface}"] += 1
                expected_initial[f"{prev} {surface}"] += starts[i - 1]
                paired[i - 1] = paired[i] = True
        for surface, in_pair, start in zip(run, paired, starts, strict=True):
            if surface:
                expected_unigrams[surface] += 1 if in_pair else alone
                expected_initial[surface] += (1 if in_pair else alone) * start
    expected = Counts(expected_unigrams, expected_bigrams, expected_initial)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(restoration, "_PRINTED_LIMIT", limit)
        for _ in range(2):  # forms computed, then remembered
            local = no_index.local_counts(folded, texts)
            assert (local.unigrams, local.bigrams, local.cased, local.caseless) == (
                expected.unigrams, expected.bigrams, expected.cased, expected.caseless
            )


def test_bigram_with_remembered_syllables_is_the_formula(seed_only: Restorer) -> None:
    """`bigram` with a decode's memory of each syllable's numbers gives the bits of the formula
    read straight from the models (absolute discounting backed off to the dictionary estimate)."""
    r = seed_only

    def formula(a: str, b: str) -> float:
        p_b = r.unigram(b)
        mass = r._succ_mass.get(a)
        if mass:
            in_dict = 1.0 if f"{a} {b}" in r.general.bigrams else 0.0
            p_dict = in_dict * r.general.unigrams.get(b, 1) / r.general.total / mass
            p_b = r.DICT_WEIGHT * p_dict + (1.0 - r.DICT_WEIGHT) * p_b
        pair = r.index.bigrams.get(f"{a} {b}", 0)
        backoff = r.DISCOUNT * r.index.successors.get(a, 0) + r.PAIR_PRIOR
        return (max(pair - r.DISCOUNT, 0.0) + backoff * p_b) / (r.index.unigrams.get(a, 0) + r.PAIR_PRIOR)

    syllables = [s for f in ("ha", "noi", "dang", "uy", "khoi", "viet", "nam", "zzz") for s in r.candidates(f)]
    memo: dict = {}
    for a in syllables:
        for b in syllables:
            assert r.bigram(a, b, memo) == r.bigram(a, b) == formula(a, b), (a, b)
    assert len(memo) == len(set(syllables))
