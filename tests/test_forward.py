"""The forward index (indexer.forward): the words the build writes for the proximity re-rank are
the words the re-rank used to read from the stored text, by docnum, across segments, updates
and deletions; an index without them is re-ranked the old way, with the same results."""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import whoosh.index
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import flatpostings, stored
from indexer.forward import FORMAT, ForwardIndex, ForwardWriter, printed_words, searchable_text, text_words
from indexer.generations import current_generation
from indexer.index import build_index
from indexer.mapped import trie_keys
from indexer.proximity import _query_word_hits
from indexer.search import SearchService
from indexer.updates import update_index
from tests.conftest import SEEDS, synthetic_corpus, write_generated
from tests.test_index_cli import run_cli

SAMPLES = [
    "Giá xăng TĂNG mạnh\nHà Nội: giá xăng, dầu “tăng” 3,5% – từ 15h",
    "",
    "Æsir và Þór ở Hoà Bình; thuỷ lợi, Thủy lợi 2024-01-02",
    "x\u0301 tách dấu rời, Ω and ﬁ ligature, số 100.000 đồng",
    "một hai ba một hai ba một",
]


@dataclass
class _Segment:
    """What ForwardWriter and ForwardIndex ask of a Whoosh segment."""

    name: str
    count: int

    def segment_id(self) -> str:
        return self.name

    def doc_count_all(self) -> int:
        return self.count


def _words(forward: ForwardIndex, docnum: int, printed: bool = False) -> list[str]:
    """The (folded, or `printed`) words the forward index holds for a docnum, as strings."""
    k = bisect_right(forward.bases, docnum) - 1
    part = forward.parts[k]
    assert part is not None
    ids = part.ids(docnum - forward.bases[k])
    if printed:
        keys = trie_keys(part.printed)
        return [keys[i] for i in ids.tolist()]
    keys = trie_keys(part.words)
    return [keys[i] for i in part.folds[ids].tolist()]


def test_written_words_read_back_as_the_text_path_gives_them(tmp_path: Path) -> None:
    articles = [{"title": t.split("\n")[0], "lead": "", "paragraphs": t.split("\n")[1:], "captions": []}
                for t in SAMPLES]
    articles.append({"title": "Ảnh", "lead": None, "captions": [{"text": "Chú thích ảnh", "position": 0}]})
    writer = ForwardWriter()
    for article in articles:
        writer.add(article)
    segments = [_Segment("MAIN_a", 2), _Segment("MAIN_b", len(articles) - 2)]  # one writer, two segments
    writer.write(tmp_path, segments)
    forward = ForwardIndex(tmp_path, segments)
    assert forward.bases == [0, 2]
    weights = {"gia": 1.0, "tang": 0.5, "thuy": 1.0, "mot": 1.0, "anh": 1.0, "absent": 1.0, "æsir": 1.0}
    words = forward.query(weights)
    for docnum, article in enumerate(articles):
        expected = text_words(searchable_text(article))
        assert _words(forward, docnum) == expected
        assert _words(forward, docnum, printed=True) == printed_words(searchable_text(article))[1]
        assert words.hits(docnum) == _query_word_hits(expected, weights)
    assert words.hits(0) and words.hits(4)  # the samples do hold query words
    # printed: lower case, tone placement canonical ("Hoà", "thuỷ" as "hòa", "thủy")
    assert _words(forward, 2, printed=True)[:9] == ["æsir", "và", "þór", "ở", "hòa", "bình", "thủy", "lợi", "thủy"]


def test_printed_words_are_the_folded_words_as_printed() -> None:
    """Each printed word folds to the word `text_words` gives at its place."""
    for text in SAMPLES:
        folded, printed = printed_words(text)
        assert folded == text_words(text) and len(printed) == len(folded)
    assert printed_words("Thành uỷ, ĐẢNG ỦY")[1] == ["thành", "ủy", "đảng", "ủy"]
    assert printed_words("İstanbul và Hà Nội")[0] == ["i", "stanbul", "va", "ha", "noi"]  # "İ": two folded


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x2100, exclude_categories=("Cs",)), max_size=40))
def test_printed_words_split_as_the_folded_text_splits(text: str) -> None:
    """The words are split once, as printed, where no character can move a word boundary
    when folded (`forward._MOVES_BOUNDS`): they must be `text_words` all the same, or the
    re-rank's positions would change."""
    folded, printed = printed_words(text)
    assert folded == text_words(text) and len(printed) == len(folded)


def test_a_phrase_is_held_to_its_marks_word_after_word_within_one_document(tmp_path: Path) -> None:
    """`printed_phrase`: "ban đầu" is not "bán đấu"; a free word (None) may be printed any
    way, as any of its readings; a phrase that runs from the end of one article into the next
    is in neither; a segment without forward files holds every phrase (its marks cannot be told)."""
    texts = ["Giá ban đầu cao", "Bán đấu giá đất", "Thành uỷ họp, đầu năm", "Cuối bài là ban", "đầu bài sau"]
    writer = ForwardWriter()
    for text in texts:
        writer.add({"title": text, "lead": "", "paragraphs": [], "captions": []})
    segments = [_Segment("MAIN_a", 3), _Segment("MAIN_b", 2)]
    writer.write(tmp_path, segments)
    docs = np.arange(5)

    def held(folded: list[str | tuple[str, ...]], spellings: list[tuple[str, ...] | None]) -> list[int]:
        readings = [(w,) if isinstance(w, str) else w for w in folded]
        return np.flatnonzero(ForwardIndex(tmp_path, segments).printed_phrase(readings, spellings, docs)).tolist()

    assert held(["ban", "dau"], [("ban",), ("đầu",)]) == [0]
    assert held(["ban", "dau"], [("bán",), ("đấu",)]) == [1]
    assert held(["ban", "dau"], [None, ("đầu",)]) == [0]
    assert held(["ban", "dau", "gia"], [None, None, ("giá",)]) == [1]
    assert held([("cuoi", "ban"), "dau"], [None, ("đấu",)]) == [1]  # a free word read two ways
    assert held(["cuoi", "dau"], [None, ("đấu",)]) == []
    assert held(["thanh", "uy"], [("thành",), ("ủy", "uỷ")]) == [2]
    assert held(["hop", "dau"], [("họp",), ("đầu",)]) == [2]  # a comma between: words still side by side
    assert held(["ban", "dau"], [("bàn",), ("đầu",)]) == []
    assert held(["dau", "ban"], [("đầu",), ("ban",)]) == []  # not in that order anywhere
    assert held(["cuoi", "bai", "la", "ban", "dau"], [None, None, None, ("ban",), ("đầu",)]) == []
    for path in tmp_path.glob("MAIN_b.*"):
        path.unlink()
    assert held(["ban", "dau"], [("ban",), ("đầu",)]) == [0, 3, 4]  # MAIN_b cannot tell: all of it


def test_writer_refuses_segments_of_another_size(tmp_path: Path) -> None:
    writer = ForwardWriter()
    writer.add_words(["a"])
    with pytest.raises(ValueError):
        writer.write(tmp_path, [_Segment("MAIN_a", 2)])


def _check_index(root: Path) -> ForwardIndex:
    """Every live docnum's forward words are its stored text's words."""
    gen = current_generation(root)
    assert gen is not None
    service = SearchService(root)
    forward = service.generation().forward
    assert forward is not None and all(part is not None for part in forward.parts)
    with service.generation().ix.searcher() as searcher:
        reader = searcher.reader()
        for docnum in reader.all_doc_ids():
            article = reader.stored_fields(docnum)["article"]
            assert _words(forward, docnum) == text_words(searchable_text(article)), article["id"]
    return forward


def test_built_and_updated_indexes_hold_every_articles_words(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    build_index([SEEDS], root, procs=1)
    _check_index(root)
    update_index([write_generated(tmp_path / "gen")], root)  # a new segment, written by Whoosh
    replacement = tmp_path / "repl.jsonl"  # a replaced article: a deleted docnum and a new one
    replacement.write_text(json.dumps({"id": "gen-nam-south", "title": "Bão số chín đổ bộ", "lead": "Cơn bão.",
                                       "body": "Mưa lớn."}, ensure_ascii=False) + "\n", encoding="utf-8")
    update_index([replacement], root)
    forward = _check_index(root)
    assert len(forward.parts) >= 2
    assert SearchService(root).search("bao so chin")["hits"][0]["id"] == "gen-nam-south"


def test_an_update_replaces_copies_in_retired_layouts(tmp_path: Path) -> None:
    """An index whose per-segment copies are in layouts no longer read (as stop 24 wrote them:
    named .pfl1. and .fwd1.) answers from Whoosh's files; an update writes today's copies for
    every segment and leaves the retired files behind, and answers as an index that never had
    them."""
    root, control = tmp_path / "ix", tmp_path / "control"
    for folder in (root, control):
        build_index([SEEDS, write_generated(tmp_path / "gen")], folder, procs=1)
    queries = ["gio mua mien nam", "thuy loi hoa binh", "UBND thành phố họp"]
    before = _results(root, queries)
    old = current_generation(root)
    assert old is not None
    today = {FORMAT: ".fwd1.", flatpostings.FORMAT: ".pfl1.", stored.PACKED_FORMAT: None}
    for kind, retired in today.items():
        for path in old.glob(f"*.{kind}.*"):
            path.rename(path.with_name(path.name.replace(f".{kind}.", retired))) if retired else path.unlink()
    assert SearchService(root).generation().forward is None
    assert _results(root, queries) == before
    extra = tmp_path / "extra.jsonl"
    article = {"id": "extra-1", "title": "Cầu mới", "body": "Khánh thành."}
    extra.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    for folder in (root, control):
        update_index([extra], folder)
    new = current_generation(root)
    assert new is not None and new != old
    assert not [*new.glob("*.fwd1.*"), *new.glob("*.pfl1.*")]
    segments = {segment.segment_id() for segment in whoosh.index.open_dir(str(new))._segments()}
    assert len(segments) >= 2
    for kind in today:
        assert {p.name.split(".")[0] for p in new.glob(f"*.{kind}.*")} == segments, kind
    assert _check_index(root) is not None
    assert _results(root, queries) == _results(control, queries)


@pytest.mark.slow
def test_a_multiprocess_build_numbers_words_as_whoosh_numbers_documents(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    build_index([synthetic_corpus(tmp_path / "c.jsonl", 500)], root, procs=2)
    assert len(_check_index(root).parts) == 2


def _results(root: Path, queries: list[str]) -> list[list[tuple[str, float, str]]]:
    service = SearchService(root)
    return [[(h["id"], h["score"], h["snippet"]) for h in service.search(q, per_page=20)["hits"]] for q in queries]


@pytest.mark.parametrize("files", [FORMAT, flatpostings.FORMAT, stored.PACKED_FORMAT])
def test_an_index_without_forward_flat_posting_or_packed_files_ranks_the_same(tmp_path: Path, files: str) -> None:
    """The forward index (here), the flat posting files (indexer.flatpostings) and the packed
    stored articles (indexer.stored) only make answers cheaper or smaller: an index built
    before them answers the same."""
    root = tmp_path / "ix"
    build_index([SEEDS, write_generated(tmp_path / "gen")], root, procs=1)
    queries = ["gio mua mien nam", "năm làm việc tổng kết", "thuy loi hoa binh", "UBND thành phố họp", "quang canh pho"]
    with_files = _results(root, queries)
    assert any(with_files)
    gen = current_generation(root)
    assert gen is not None
    paths = sorted(gen.glob(f"*.{files}.*"))
    assert paths
    for path in paths:  # an index built before these files existed
        path.unlink()
    if files == FORMAT:
        assert SearchService(root).generation().forward is None
    elif files == flatpostings.FORMAT:
        assert "none: decoded from Whoosh's files" in run_cli("stats", index=root).stdout
    else:
        assert "Whoosh's stored column" in run_cli("stats", index=root).stdout
    assert _results(root, queries) == with_files
