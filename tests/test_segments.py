"""The bulk segment writer (indexer/segments.py) writes what Whoosh's own writer writes."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import whoosh.index
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq
from whoosh.qparser import QueryParser
from whoosh.writing import SegmentWriter

from indexer import segments as segments_module
from indexer.analysis import FieldAnalyzer, tokenize
from indexer.generations import current_generation
from indexer.index import build_index
from indexer.ingest import IngestReport
from indexer.input_files import iter_articles
from indexer.model import Article
from indexer.schema import INDEX_NAME, WRITER_OPTIONS, document_fields, make_codec, make_schema
from indexer.segments import _TERMINFO, SegmentBuilder, _inline_entries, _Pickler, write_toc
from tests.conftest import SEED_ID, SHARED_CORPUS, synthetic_corpus

QUERIES = ["dang uy", "doanh nghiệp", "thanh pho", "năm", "Hà Nội", "giao thong", "tp hcm", "covid"]


@pytest.fixture(scope="module")
def articles(fixture_inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """The fixture articles and 40 synthetic ones (the volume the spill and segment tests need,
    in a fresh clone too), plus 60 real ones when ../shared is present (aliases like TP.HCM,
    hyphens, numbers, long bodies)."""
    inputs: list[Path] = [*fixture_inputs, synthetic_corpus(tmp_path_factory.mktemp("synthetic") / "s.jsonl", 40)]
    corpus = SHARED_CORPUS / "news-2k.jsonl"
    if corpus.is_file():
        sample = tmp_path_factory.mktemp("sample") / "sample.jsonl"
        with corpus.open(encoding="utf-8") as f:
            sample.write_text("".join(itertools.islice(f, 60)), encoding="utf-8")
        inputs.append(sample)
    return list(iter_articles(inputs, IngestReport()))


def _whoosh_built(folder: Path, articles: list[Article]) -> Any:
    folder.mkdir()
    ix = whoosh.index.create_in(str(folder), make_schema(), indexname=INDEX_NAME)
    writer = SegmentWriter(ix, **WRITER_OPTIONS)
    for article in articles:
        writer.add_document(**document_fields(article))
    writer.commit()
    return ix


def _bulk_built(folder: Path, articles: list[Article], limit_mb: float = 64, every: int = 0) -> tuple[Any, int]:
    """Articles written by a SegmentBuilder; `every`: a segment per that many articles."""
    folder.mkdir()
    ix = whoosh.index.create_in(str(folder), make_schema(), indexname=INDEX_NAME)
    builder = SegmentBuilder(ix.storage, ix.schema, make_codec(), INDEX_NAME, limit_mb)
    for n, article in enumerate(articles, start=1):
        builder.add_document(document_fields(article))
        if every and n % every == 0:
            builder.flush()
    segments = builder.finish()
    write_toc(ix.storage, ix.schema, INDEX_NAME, segments)
    return ix, len(segments)


def _decode(fmt: Any, value: Any) -> Any:
    if fmt.supports("positions"):
        return tuple(fmt.decode_positions(value))
    if fmt.supports("frequency"):
        return fmt.decode_frequency(value)
    return None


def _contents(ix: Any, totals: bool = True) -> dict[str, Any]:
    """Everything a reader can tell about an index, keyed by article id, not docnum.
    `totals=False` leaves out total field lengths: Whoosh's merge re-adds them from the lossy
    length bytes, so they change when Whoosh merges any segments, its own included."""
    with ix.reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        out: dict[str, Any] = {"stored": sorted((f["id"], f) for _, f in reader.iter_docs())}
        for name, fieldobj in reader.schema.items():
            if fieldobj.column_type:
                out[f"column {name}"] = sorted(zip(ids.values(), reader.column_reader(name), strict=True))
            if not fieldobj.indexed:
                continue
            terms = {}
            for text in reader.lexicon(name):
                m = reader.postings(name, text)
                postings = []
                while m.is_active():
                    postings.append((ids[m.id()], m.weight(), _decode(fieldobj.format, m.value())))
                    m.next()
                info = reader.term_info(name, text)
                terms[text] = (reader.doc_frequency(name, text), reader.frequency(name, text),
                               info.min_length(), info.max_length(), info.max_weight(), sorted(postings))
            out[f"terms {name}"] = terms
            if fieldobj.scorable:
                total = reader.field_length(name) if totals else None
                out[f"length {name}"] = (total, reader.max_field_length(name), sorted(
                    (ids[d], reader.doc_field_length(d, name)) for d in ids))
    return out


def _hits(ix: Any) -> list[list[tuple[str, float]]]:
    """Whoosh's own parser and BM25F searcher over the fold, exact and bigram fields."""
    results = []
    with ix.searcher() as searcher:
        for field in ("body", "lead_ex", "body_bi", "title"):
            parser = QueryParser(field, ix.schema)
            for q in QUERIES:
                hits = searcher.search(parser.parse(q), limit=20)
                results.append(sorted((hit["id"], round(hit.score, 5)) for hit in hits))
    return results


def test_field_analyzer_terms_are_what_it_yields() -> None:
    text = "Đảng ủy TP.HCM họp, Covid-19 và Vắc – xin năm 2021 Thành uỷ."
    tokens = tokenize(text)
    for variant in FieldAnalyzer.VARIANTS:
        analyzer = FieldAnalyzer(variant)
        yielded = [(t.text, t.pos) for t in analyzer(text, positions=True)]
        terms, positions = analyzer.terms(tokens)
        assert yielded == list(zip(terms, positions, strict=True))


def test_article_to_dict_is_asdict(articles: list[Article]) -> None:
    assert any(a.captions for a in articles)
    for article in articles:
        assert article.to_dict() == dataclasses.asdict(article)
        assert list(article.to_dict()) == [f.name for f in dataclasses.fields(article)]


def test_whoosh_searcher_finds_the_seed_in_a_vnsearch_index(seed_index: Path) -> None:
    ix = whoosh.index.open_dir(str(current_generation(seed_index)))
    with ix.searcher() as searcher:
        hits = searcher.search(QueryParser("lead", ix.schema).parse("dang uy khoi doanh nghiep"))
        assert hits[0]["id"] == SEED_ID
        assert [h["id"] for h in searcher.search(wq.Phrase("lead", ["dang", "uy", "khoi"]))] == [SEED_ID]
        assert [h["id"] for h in searcher.search(wq.Term("id", SEED_ID))] == [SEED_ID]


def test_bulk_segments_hold_what_whoosh_writes(tmp_path: Path, articles: list[Article]) -> None:
    whoosh_ix = _whoosh_built(tmp_path / "whoosh", articles)
    bulk_ix, _ = _bulk_built(tmp_path / "bulk", articles)
    assert _contents(bulk_ix) == _contents(whoosh_ix)
    assert _hits(bulk_ix) == _hits(whoosh_ix)


def test_memory_limit_spills_runs_merged_into_one_segment(
    tmp_path: Path, articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a tiny limit the builder writes its postings apart many times, and still writes one
    segment, the same as with memory enough for all."""
    runs: list[Path] = []
    save = segments_module._save_run
    monkeypatch.setattr(segments_module, "_save_run", lambda folder, p: (runs.append(folder), save(folder, p)))
    one_ix, one = _bulk_built(tmp_path / "one", articles)
    assert not runs
    spilled_ix, spilled = _bulk_built(tmp_path / "spilled", articles, limit_mb=0.2)
    assert one == spilled == 1 and len({run.parent for run in runs}) >= 3
    assert not (tmp_path / "spilled" / f"{INDEX_NAME}.runs").exists()
    assert _contents(spilled_ix) == _contents(one_ix)
    assert _hits(spilled_ix) == _hits(one_ix)


def test_whoosh_adds_to_and_merges_bulk_segments(tmp_path: Path, articles: list[Article]) -> None:
    one_ix, one = _bulk_built(tmp_path / "one", articles)
    many_ix, many = _bulk_built(tmp_path / "many", articles[1:], limit_mb=0.2, every=7)
    assert one == 1 and many >= 3
    # Whoosh's own writer adds to bulk-written segments and merges them
    writer = many_ix.writer(**WRITER_OPTIONS)
    writer.add_document(**document_fields(articles[0]))
    writer.commit(merge=False)
    assert _hits(many_ix) == _hits(one_ix)
    writer = many_ix.writer(**WRITER_OPTIONS)
    writer.commit(optimize=True)
    assert len(many_ix._segments()) == 1
    assert _contents(many_ix, totals=False) == _contents(one_ix, totals=False)


def test_build_limit_is_honoured_end_to_end(tmp_path: Path, fixture_inputs: list[Path]) -> None:
    report = build_index(fixture_inputs, tmp_path / "ix", procs=1, limit_mb=0.01)  # a run per article
    ix = whoosh.index.open_dir(str(report.generation))
    assert len(ix._segments()) == 1
    assert sorted(p.name for p in report.generation.iterdir() if not p.name.startswith(INDEX_NAME + "_")) == [
        "_MAIN_1.toc", "catalog.json.gz", "meta.json", "models", "readings.json.gz"]
    with ix.searcher() as searcher:
        hits = searcher.search(QueryParser("lead", ix.schema).parse("dang uy khoi doanh nghiep"))
        assert hits[0]["id"] == SEED_ID


@given(
    st.lists(st.tuples(st.integers(1, 7), st.booleans()), min_size=1, max_size=30),
    st.randoms(use_true_random=False),
)
@settings(max_examples=200, deadline=None)
def test_inline_postings_are_what_the_pickler_writes(terms: list[tuple[int, bool]], rng: Any) -> None:
    """`_inline_entries` encodes all inline posting lists at once: byte for byte what
    `_Pickler` writes for each, whatever the docnum widths, weights and value lengths."""
    counts = [n for n, _ in terms]
    tend = np.cumsum(counts)
    tstart = tend - counts
    total = int(tend[-1])
    pdocs = np.sort(np.asarray([rng.choice([5, 300, 70_000, 2**30]) + i for i in range(total)], dtype=np.int64))
    weights = np.asarray([1.0 if unit else rng.choice([1.0, 2.0, 0.5]) for (n, unit) in terms for _ in range(n)])
    values = [bytes(rng.randrange(256) for _ in range(rng.choice([0, 4, 9, 300]))) for _ in range(total)]
    info = np.zeros(len(counts), dtype=_TERMINFO)
    info["df"] = counts
    selected = np.arange(len(counts))
    offsets = np.append(0, np.cumsum([len(v) for v in values]))
    encoded = _inline_entries(info, selected, tstart, tend, pdocs, weights, b"".join(values), offsets)
    pickler = _Pickler()
    for t, (a, b) in enumerate(zip(tstart.tolist(), tend.tolist(), strict=True)):
        w = weights[a:b].tolist()
        inline_w = None if min(w) == max(w) == 1.0 else tuple(w)
        expected = info[t : t + 1].tobytes() + pickler((tuple(pdocs[a:b].tolist()), inline_w, tuple(values[a:b])))
        assert encoded[t] == expected
