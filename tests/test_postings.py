"""indexer/postings.py and indexer/flatpostings.py read exactly what Whoosh's own matchers read,
from segments written by our bulk writer (`vnsearch build`) and by Whoosh's writer (`vnsearch
update`); a segment without flat files is read from Whoosh's files, with the same answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import whoosh.index
from whoosh.matching import FilterMatcher

from indexer import flatpostings
from indexer import schema as schema_module
from indexer.flatpostings import FlatPostings
from indexer.generations import current_generation
from indexer.index import build_index
from indexer.matching import _numeric_column
from indexer.postings import SegmentPostings
from indexer.schema import INDEX_NAME
from indexer.updates import update_index
from tests.test_index_cli import synthetic_corpus

BLOCK = 64
TEXT_FIELDS = [f"{part}{suffix}" for part in ("title", "lead", "body", "caption") for suffix in ("", "_ex", "_bi")]


def _whoosh_postings(reader: Any, field: str, text: str) -> tuple[list[int], list[float]]:
    matcher = reader.postings(field, text)
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, fixture_inputs: list[Path]) -> Path:
    """A bulk-built generation of 400 synthetic articles in blocks of 64 postings (common words
    span several) plus the fixtures, then one `update` (a segment from Whoosh's own writer)."""
    tmp = tmp_path_factory.mktemp("postings")
    root = tmp / "ix"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema_module, "BLOCK_POSTINGS", BLOCK)
        build_index([synthetic_corpus(tmp / "syn.jsonl", 400)], root)
    update_index(list(fixture_inputs), root)
    generation = current_generation(root)
    assert generation is not None
    return generation


def test_every_term_reads_as_whoosh_reads_it(index_dir: Path) -> None:
    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
        assert len(leaves) >= 2, "expected a bulk segment and an update segment"
        multi_block = 0
        for reader in leaves:
            fast = SegmentPostings.open(reader)
            assert fast is not None
            for field in TEXT_FIELDS:
                if field not in reader.indexed_field_names():
                    continue
                for text in reader.lexicon(field):
                    text = text.decode("utf-8") if isinstance(text, bytes) else text
                    ids, weights = _whoosh_postings(reader, field, text)
                    found = fast.read(field, text)
                    assert found is not None, (field, text)
                    assert found[0].tolist() == ids, (field, text)
                    assert np.allclose(found[1], weights), (field, text)
                    assert fast.doc_frequency(field, text) == reader.doc_frequency(field, text)
                    multi_block += len(ids) > BLOCK
            assert fast.read("body", "khongcotu") is None
            assert fast.doc_frequency("body", "khongcotu") == 0
            assert fast.read("no_such_field", "va") is None
        assert multi_block > 0, "no posting list spans several blocks: the test proves too little"


def _whoosh_files_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Executors made from now on read Whoosh's files, as for a segment without flat files."""
    monkeypatch.setattr(FlatPostings, "open", classmethod(lambda cls, reader: None))


def test_flat_files_read_as_whoosh_files_read(index_dir: Path) -> None:
    """Every term of every text field of both segments (the bulk one and the update's, from
    Whoosh's writer) reads from the flat files as from Whoosh's: same docnums, same
    frequencies bit for bit, same document frequency; an absent term is None. Lists of more
    than 1/8 of a segment's documents are read from bitmaps, the others from the docnums."""
    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
        assert len(leaves) >= 2, "expected a bulk segment and an update segment"
        kinds: set[str] = set()
        for reader in leaves:
            flat, fast = FlatPostings.open(reader), SegmentPostings.open(reader)
            assert flat is not None and fast is not None
            kinds.update({"dense"} if flat._dense_terms else set(), {"sparse"} if len(flat._docs) else set())
            assert flat.fields == set(TEXT_FIELDS) & set(reader.indexed_field_names())
            for field in flat.fields:
                for text in reader.lexicon(field):
                    text = text.decode("utf-8")
                    expected, found = fast.read(field, text), flat.read(field, text)
                    assert expected is not None and found is not None, (field, text)
                    assert found[0].tolist() == expected[0].tolist(), (field, text)
                    assert np.array_equal(found[1].astype(np.float32), expected[1]), (field, text)
                    assert flat.doc_frequency(field, text) == fast.doc_frequency(field, text) == len(found[0])
            assert flat.read("body", "khongcotu") is None and flat.doc_frequency("body", "khongcotu") == 0
            assert flat.read("body", "\ud800") is None  # a lone surrogate: no key can hold it
        assert kinds == {"dense", "sparse"}


def test_articles_with_a_term_are_those_bm25f_counted_for_the_query(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long query's re-rank asks how many articles hold each word (`articles_with`) right
    after the query scored it: the count `bm25f` made for this thread's query is used, the
    same count the lists give, and no list is read again. A term the query did not score is
    counted from its lists."""
    from whoosh import query as wq

    from indexer.matching import Executor, FieldsTerm

    parts, weights = ("title", "lead", "body", "caption"), (2.0, 1.5, 1.0, 1.0)
    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        fresh = Executor(searcher)
        words = sorted({t.decode("utf-8") for _, t in searcher.reader().most_frequent_terms("body", 6)})
        expected = {w: fresh.articles_with(parts, w, searcher) for w in [*words, "khongcotu"]}
        assert any(expected.values())
        executor = Executor(searcher)
        executor.evaluate(wq.Or([FieldsTerm(parts, weights, w) for w in [*words, "khongcotu"]]), searcher)
        reads = []
        original = Executor.raw_postings
        monkeypatch.setattr(Executor, "raw_postings", lambda self, *a: reads.append(a) or original(self, *a))
        assert {w: executor.articles_with(parts, w, searcher) for w in expected} == expected
        assert not reads
        lead_words = {t.decode("utf-8") for _, t in searcher.reader().most_frequent_terms("lead", 20)}
        other = sorted(lead_words - set(words))[0]
        assert executor.articles_with(parts, other, searcher) == fresh.articles_with(parts, other, searcher)
        assert reads


def test_executor_reads_flat_files_uncached_with_the_answers_of_whoosh_files(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lists every segment holds flat are read from the maps, not cached; without the flat
    files (an index built before them) the executor reads and caches them from Whoosh's
    files: the same lists, document frequencies and BM25F bits either way."""
    from indexer.matching import Executor

    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        flat = Executor(searcher)
        assert all(leaf.flat is not None for leaf in flat._segments_of(searcher))
        with monkeypatch.context() as patch:
            _whoosh_files_only(patch)
            whoosh_files = Executor(searcher)
            assert all(leaf.flat is None for leaf in whoosh_files._segments_of(searcher))
        parts, weights = ("title", "lead", "body", "caption"), (2.0, 1.5, 1.0, 1.0)
        words = {t.decode("utf-8") for f in ("body", "title") for _, t in searcher.reader().most_frequent_terms(f, 8)}
        for text in [*sorted(words), "khongcotu"]:
            for field in ("body", "title_bi", "lead_ex"):
                ids, tfs = flat.raw_postings(field, text, searcher)
                expected_ids, expected_tfs = whoosh_files.raw_postings(field, text, searcher)
                assert ids.dtype == np.intp and tfs.dtype == np.float32
                assert ids.tolist() == expected_ids.tolist() and np.array_equal(tfs, expected_tfs)
                assert flat.doc_frequency(searcher, field, text) == whoosh_files.doc_frequency(searcher, field, text)
            mask, score = flat.bm25f(parts, weights, text, searcher)
            expected_mask, expected_score = whoosh_files.bm25f(parts, weights, text, searcher)
            assert np.array_equal(mask, expected_mask)
            assert np.array_equal(score.view(np.uint32), expected_score.view(np.uint32))
        assert not flat._postings and whoosh_files._postings


def test_flat_files_of_another_segment_or_unfinished_are_not_used(index_dir: Path, tmp_path: Path) -> None:
    """Files whose document count is not the segment's, or without their .json (written
    last), are not opened: the segment is read from Whoosh's files."""
    import shutil

    copy = tmp_path / "gen"
    shutil.copytree(index_dir, copy)
    ix = whoosh.index.open_dir(str(copy), indexname=INDEX_NAME)
    with ix.reader() as reader:
        first, second = [leaf for leaf, _ in reader.leaf_readers()][:2]
        facts = flatpostings._paths(copy / f"{first.segment().segment_id()}.{flatpostings.FORMAT}")["json"]
        data = facts.read_text(encoding="utf-8")
        facts.write_text(data.replace('"documents": ', '"documents": 1'), encoding="utf-8")
        assert FlatPostings.open(first) is None
        facts.unlink()
        assert FlatPostings.open(first) is None and FlatPostings.open(second) is not None
        assert [leaf for leaf, _ in reader.leaf_readers() if flatpostings.lacks(leaf)] == [first]


def test_date_columns_read_in_bulk_as_whoosh_reads_them(index_dir: Path) -> None:
    """The executor's published / oldest / month columns (NumPy over the column files) equal
    Whoosh's per-document column readers, across a bulk segment and an update's segment."""
    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        for name in ("published", "oldest", "month"):
            expected = list(searcher.reader().column_reader(name))
            assert _numeric_column(searcher, name).tolist() == expected
        assert any(expected), "no dated article: the test proves too little"


def test_blocks_are_read_from_their_head(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast block reader must not quietly fall back: every block of both segments (blocks
    of 64 postings and shorter tails: long and short byte strings; weights none, one value or
    an array) is read by `_block_head`; a block pickled as Whoosh's stock writer pickles it
    (tuples) is left to the whole unpickling. (That all of them read right is the test above.)"""
    import pickle

    from indexer import postings

    outcomes: list[bool] = []
    real = postings._block_head

    def spy(data: bytes, compressed: bool, count: int) -> Any:
        got = real(data, compressed, count)
        outcomes.append(got is not None)
        return got

    monkeypatch.setattr(postings, "_block_head", spy)
    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        for reader, _ in searcher.reader().leaf_readers():
            fast = SegmentPostings.open(reader)
            assert fast is not None
            for field in TEXT_FIELDS:
                for text in reader.lexicon(field) if field in reader.indexed_field_names() else []:
                    fast.read(field, text.decode("utf-8") if isinstance(text, bytes) else text)
    assert len(outcomes) > 100 and all(outcomes)
    stock = pickle.dumps(((3, 4), (1.0, 2.0), (b"", b"")), 2)
    assert real(stock, False, 2) is None


def test_cached_postings_are_held_small_and_read_the_same(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The posting cache (of lists read from Whoosh's files) holds docnums as uint16 (fewer
    than 65,536 articles) and counts as uint16; what it returns indexes and weighs exactly as
    the lists read from disk."""
    from indexer.matching import Executor, _compact_ids

    _whoosh_files_only(monkeypatch)
    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        executor = Executor(searcher)
        reader = searcher.reader()
        common = [(f, t) for f in ("body", "title", "body_bi") for _, t in reader.most_frequent_terms(f, 3)]
        for field, text in common:
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            ids, tfs = executor._read_postings(searcher, field, text)
            cached_ids, cached_tfs = executor.raw_postings(field, text, searcher)
            assert executor._postings[field, text][0].dtype == np.uint16  # held small...
            assert cached_ids.dtype == np.intp and len(cached_ids) == len(ids) > 0  # ...given as indices
            assert cached_ids.tolist() == ids.tolist() and np.array_equal(cached_tfs, tfs)
    big = np.array([0, 70_000], dtype=np.int32)
    assert _compact_ids(big, 70_001) is big


def _bm25f_reference(executor: Any, fields: tuple[str, ...], weights: tuple[float, ...], text: str,
                     searcher: Any, boost: float) -> tuple[np.ndarray, np.ndarray]:
    """BM25F as `Executor.bm25f` computed it before it was made cheaper (scatter-adds, one
    NumPy expression): the bits it must still give."""
    from indexer.matching import idf

    found = []
    for field, weight in zip(fields, weights, strict=True):
        ids, tfs = executor._read_postings(searcher, field, text)
        if len(ids):
            found.append((ids, weight * tfs * executor._length_norms(field, searcher)[ids]))
    mask = np.zeros(executor.n, dtype=bool)
    score = np.zeros(executor.n, dtype=np.float32)
    for ids, values in found:
        score[ids] += values
    np.not_equal(score, 0, out=mask)
    df = int(np.count_nonzero(mask))
    saturated = (idf(df, executor.n) * score * (1.2 + 1) / (score + 1.2)).astype(np.float32)
    return mask, saturated * boost if boost else np.zeros_like(score)


def test_bm25f_gives_the_bits_of_the_plain_formula(index_dir: Path) -> None:
    """Scores are compared bit for bit: answers must not move by a rounding."""
    from indexer.matching import Executor

    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        executor = Executor(searcher)
        parts = ("title", "lead", "body", "caption")
        words = [t for _, t in searcher.reader().most_frequent_terms("body", 12)]
        words += [t for _, t in searcher.reader().most_frequent_terms("title", 12)]
        for text in {w.decode("utf-8") if isinstance(w, bytes) else w for w in words}:
            for boost in (1.0, 0.3, 2, 0.0):
                mask, score = executor.bm25f(parts, (2.0, 1.5, 1.0, 1.0), text, searcher, boost)
                ref_mask, ref_score = _bm25f_reference(executor, parts, (2.0, 1.5, 1.0, 1.0), text, searcher, boost)
                assert np.array_equal(mask, ref_mask) and mask.any(), text
                assert score.dtype == np.float32 and np.array_equal(score.view(np.uint32), ref_score.view(np.uint32))


def test_sums_and_maxima_of_scores_are_numpys_bit_for_bit() -> None:
    """The query tree's sums, maxima and unions (`_sum`, `_any`, `_add_fields`) equal
    NumPy's stacked reductions and scatter-adds, bit for bit, dense lists and sparse alike."""
    from indexer.matching import _add_fields, _any, _sum

    rng = np.random.default_rng(7)
    n = 5000
    for k in (1, 2, 3, 7):
        scores = [(rng.random(n) * 10.0 ** rng.integers(-3, 3, n)).astype(np.float32) * (rng.random(n) < 0.6)
                  for _ in range(k)]
        assert np.array_equal(_sum(scores).view(np.uint32), np.sum(scores, axis=0).view(np.uint32))
        assert _sum(scores) is not scores[0]
        masks = [s > 0.5 for s in scores]
        assert np.array_equal(_any(masks), np.logical_or.reduce(masks))
        found = []
        for size in rng.integers(1, n, k):  # long lists (spread) and short ones (scatter-added)
            ids = np.sort(rng.choice(n, size, replace=False)).astype(np.intp)
            found.append((ids, rng.random(size).astype(np.float32)))
        expected = np.zeros(n, dtype=np.float32)
        for ids, values in found:
            expected[ids] += values
        got = np.zeros(n, dtype=np.float32)
        _add_fields(got, found)
        assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def test_each_searcher_has_its_own_segment_list(index_dir: Path) -> None:
    """The segments a searcher reads are worked out once per searcher (each thread has its own
    Whoosh readers), share one map per segment, and are forgotten with the searcher."""
    import gc

    from indexer.matching import Executor

    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    first, second = ix.searcher(), ix.searcher()
    executor = Executor(first)
    mine, theirs = executor._segments_of(first), executor._segments_of(second)
    assert executor._segments_of(first) is mine and len(mine) == len(theirs) >= 2
    assert [(leaf.reader, leaf.offset) for leaf in mine] == list(first.reader().leaf_readers())
    assert all(a.fast is b.fast is not None and a.flat is b.flat is not None for a, b in zip(mine, theirs, strict=True))
    assert executor.doc_frequency(second, "body", "khongcotu") == 0
    second.close()
    del second, theirs
    gc.collect()
    assert len(executor._leaves) == 1
    first.close()


def test_term_infos_are_remembered_boundedly_and_dfs_come_from_held_lists(
    index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A term info asked again comes from the segment's short memory (bounded: it empties when
    full), the same bytes a lookup finds; a document frequency for a list the executor holds
    is the list's length, which is what the term infos say."""
    from indexer import postings
    from indexer.matching import Executor

    monkeypatch.setattr(postings, "RECENT_TERMS", 50)
    _whoosh_files_only(monkeypatch)
    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        reader = next(r for r, _ in searcher.reader().leaf_readers())
        fast = SegmentPostings.open(reader)
        assert fast is not None
        terms = [t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.lexicon("body")]
        assert len(terms) > postings.RECENT_TERMS
        fieldnum = fast._fieldmap["body"]
        for text in [*terms[: postings.RECENT_TERMS + 10], "khongcotu"]:
            direct = fast._lookup(fieldnum.to_bytes(2, "big") + text.encode("utf-8"))
            assert fast._term_info("body", text) == direct == fast._term_info("body", text)
            assert len(fast._recent) <= postings.RECENT_TERMS
        assert fast._term_info("body", "khongcotu") is None

        executor = Executor(searcher)
        for field in ("body", "title_bi"):
            for _, text in searcher.reader().most_frequent_terms(field, 5):
                text = text.decode("utf-8") if isinstance(text, bytes) else text
                expected = searcher.doc_frequency(field, text)
                assert executor.doc_frequency(searcher, field, text) == expected  # from the term infos
                executor.raw_postings(field, text, searcher)
                assert executor.doc_frequency(searcher, field, text) == expected  # from the held list


def test_phrase_positions_are_checked_as_whoosh_checks_them(index_dir: Path) -> None:
    """`matching._adjacent_at` (each word's postings bisected to each candidate) marks exactly
    the articles Whoosh's `Phrase` matcher finds, over lists of several blocks and segments,
    for phrases cut from the articles' own text, with a word repeated, and out of order."""
    import random

    from whoosh import query as wq

    from indexer.analysis import fold
    from indexer.matching import _adjacent_at

    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    rnd = random.Random(3)
    with ix.searcher() as searcher:
        n = searcher.doc_count_all()
        phrases: list[list[str]] = []
        for doc in rnd.sample(range(n), 60):
            article = searcher.stored_fields(doc)["article"]
            words = [w for w in fold(" ".join(article.get("paragraphs") or [article["title"]])).split() if w.isalnum()]
            if len(words) >= 4:
                k = rnd.randint(2, 4)
                i = rnd.randint(0, len(words) - k)
                phrases += [words[i : i + k], words[i : i + k][::-1], [words[i], words[i]]]
        live = np.array([not searcher.reader().is_deleted(d) for d in range(n)])  # Whoosh skips deleted ones
        checked = found = 0
        for words in phrases:
            for field in ("title", "body"):
                if any((field, w) not in searcher.reader() for w in words):
                    continue
                holds_all = np.ones(n, dtype=bool)
                for w in set(words):
                    holds_all &= np.isin(np.arange(n), list(searcher.docs_for_query(wq.Term(field, w))))
                candidates = np.flatnonzero(holds_all)
                expected = np.zeros(n, dtype=bool)
                expected[list(searcher.docs_for_query(wq.Phrase(field, words)))] = True
                got = np.zeros(n, dtype=bool)
                _adjacent_at(searcher, field, words, candidates, got)
                assert np.array_equal(got & live, expected), (field, words)
                checked += 1
                found += int(got.any())
        assert checked > 100 and 0 < found < checked  # phrases that match and phrases that do not
