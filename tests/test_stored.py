"""indexer/stored.py reads exactly what Whoosh's `stored_fields` reads: from our bulk writer's
segments and Whoosh's own (an update, with deletions), with and without stored offsets, and
falls back to Whoosh for a compound segment."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import whoosh.index
from whoosh import columns
from whoosh.fields import ID, STORED, Schema

from indexer import packed
from indexer.schema import INDEX_NAME
from indexer.stored import PackedStored, SegmentStored, StoredFields, lacks_packed, write_packed
from tests.test_postings import index_dir  # noqa: F401  (the fixture: a bulk build, then an update)


def _every_document_reads_the_same(searcher: whoosh.searching.Searcher) -> int:
    stored = StoredFields(searcher)
    for docnum in range(searcher.doc_count_all()):
        assert stored.get(searcher, docnum) == searcher.stored_fields(docnum), docnum
    return stored.mapped


def test_built_and_updated_segments_read_as_whoosh_reads_them(index_dir: Path) -> None:  # noqa: F811
    ix = whoosh.index.open_dir(str(index_dir), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
        assert len(leaves) >= 2, "expected a bulk segment and an update segment"
        assert _every_document_reads_the_same(searcher) == len(leaves)
        assert "article" in StoredFields(searcher).get(searcher, 0)


@pytest.mark.parametrize("compound", [False, True])
def test_offsets_stored_or_summed_and_compound_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compound: bool
) -> None:
    """Three segments: one with the offsets array Whoosh writes past 32,768 documents (its
    threshold lowered here), one without, one with a document without stored fields; deleted
    documents read too. A compound segment is not mapped: Whoosh reads it."""
    schema = Schema(id=ID(stored=True, unique=True), article=STORED)
    ix = whoosh.index.create_in(str(tmp_path), schema)
    defaults = columns.VarBytesColumn.Writer.__init__.__defaults__
    for batch in range(3):
        if batch == 0:
            monkeypatch.setattr(columns.VarBytesColumn.Writer.__init__, "__defaults__", (True, 4))
        writer = ix.writer(compound=compound)
        for i in range(12):
            if batch == 2 and i == 5:
                writer.add_document(id=f"{batch}-{i}")  # no stored article
            else:
                writer.add_document(id=f"{batch}-{i}", article={"title": f"bài {batch} {i}", "n": i * "x"})
        writer.commit(merge=False)
        monkeypatch.setattr(columns.VarBytesColumn.Writer.__init__, "__defaults__", defaults)
    writer = ix.writer(compound=compound)
    writer.delete_by_term("id", "1-3")
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        leaves = [reader for reader, _ in searcher.reader().leaf_readers()]
        assert len(leaves) == 3
        mapped = _every_document_reads_the_same(searcher)
        assert mapped == (0 if compound else 3)
        if not compound:
            held = [SegmentStored.open(reader) for reader in leaves]
            assert all(h is not None for h in held)
            assert [len(h._offsets) for h in held if h is not None] == [12, 12, 12]
            assert sorted(h._buf[-1:] == b"X" for h in held if h is not None) == [False, False, True]
            assert searcher.stored_fields(2 * 12 + 5) == {"id": "2-5"}
            # packed copies (what a build writes beside each segment) read the same
            assert all(lacks_packed(reader) for reader in leaves)
            for reader in leaves:
                write_packed(reader)
            assert not any(lacks_packed(reader) for reader in leaves)
            assert all(isinstance(PackedStored.open(reader), PackedStored) for reader in leaves)
            assert _every_document_reads_the_same(searcher) == 3
            assert all(isinstance(s, PackedStored) for s in StoredFields(searcher)._segments)


@pytest.mark.parametrize("count", [0, 1, 5, 400])
def test_packed_records_read_back_exactly(tmp_path: Path, count: int) -> None:
    """Empty records, too few to train a dictionary on, and enough to: each reads back as written."""
    records = [f"bài {i} " .encode() * (i % 7) + bytes([i % 256]) * (i % 3) for i in range(count)]
    stem = tmp_path / "r"
    packed.write(stem, records)
    back = packed.PackedRecords(stem)
    assert len(back) == count and [back.get(i) for i in range(count)] == records
    assert (packed.paths(stem)[0].stat().st_size > 0) == (count == 400)
    some = np.arange(count)[::-2]  # any order, empty records among them (i % 7 == 0, i % 3 == 0)
    joined, lengths = back.get_many(some)
    assert joined == b"".join(records[i] for i in some) and lengths.tolist() == [len(records[i]) for i in some]


def test_packed_records_cut_short_are_refused(tmp_path: Path) -> None:
    stem = tmp_path / "r"
    packed.write(stem, [b"x" * 100, b"y" * 50])
    zst = packed.paths(stem)[1]
    zst.write_bytes(zst.read_bytes()[:-1])
    with pytest.raises(ValueError, match="bytes, its offsets say"):
        packed.PackedRecords(stem)
