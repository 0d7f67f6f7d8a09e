"""The models a build writes into gen/models and the server maps (indexer.mapped) answer exactly
as the in-memory models loaded from readings.json.gz / catalog.json.gz and the index's terms
(the path of indexes built before them, and the reference here)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
import whoosh.index

from indexer.analysis import fold
from indexer.generations import current_generation
from indexer.index import typo_lexicon
from indexer.mapped import MANIFEST, MODELS_DIR, StringColumn, read_manifest
from indexer.restoration import Counts, Restorer
from indexer.search import SearchService
from indexer.sidecars import Catalog, ReadingCounter
from indexer.titles import MappedTitles, Titles, open_titles
from indexer.typos import MappedTypoIndex, TypoIndex, stable_hashes
from indexer.updates import update_index


@pytest.fixture(scope="module")
def gen(seed_index: Path) -> Path:
    found = current_generation(seed_index)
    assert found is not None
    return found


@pytest.fixture(scope="module")
def restorers(gen: Path) -> tuple[Restorer, Restorer]:
    return Restorer.from_counter(ReadingCounter.load(gen / "readings.json.gz")), Restorer.open(gen / MODELS_DIR)


def _folded_words(gen: Path) -> list[str]:
    catalog = Catalog.load(gen / "catalog.json.gz")
    return [w for title, _, _ in catalog.entries.values() for w in fold(title).split() if w.isalpha()]


def test_a_build_writes_a_complete_models_folder(gen: Path) -> None:
    manifest = read_manifest(gen / MODELS_DIR)
    assert manifest is not None and manifest["documents"] == json.loads((gen / "meta.json").read_text())["documents"]


def test_mapped_restoration_tables_equal_the_loaded_ones(restorers: tuple[Restorer, Restorer]) -> None:
    memory, mapped = restorers
    for name in ("index", "general"):
        a: Counts = getattr(memory, name)
        b = getattr(mapped, name)
        assert b.total == a.total
        for table in ("unigrams", "bigrams", "cased", "successors"):
            assert dict(getattr(b, table)) == getattr(a, table), (name, table)
    assert dict(mapped.by_fold) == memory.by_fold
    assert dict(mapped._succ_mass) == memory._succ_mass
    assert (mapped._gen_scale, mapped._idx_scale) == (memory._gen_scale, memory._idx_scale)
    assert mapped.by_fold.get("khong-co-dau") is None and "khong-co-dau" not in mapped.index.unigrams


def test_mapped_restorer_restores_as_the_loaded_one(gen: Path, restorers: tuple[Restorer, Restorer]) -> None:
    memory, mapped = restorers
    words = _folded_words(gen)
    general = [pair.split(" ") for pair in list(memory.general.bigrams)[::50]]
    rng = random.Random(7)
    queries = [words[i : i + n] for n in (1, 2, 3, 5) for i in range(0, len(words), 3)]
    queries += [[fold(s) for s in pair] for pair in general]
    queries += [rng.sample(words, 4) for _ in range(100)]
    context = ["Đảng ủy Khối doanh nghiệp tỉnh", "UBND thành phố Hà Nội họp", "Miền Nam đón gió mùa"]
    offered = 0
    for q in queries:
        expected = memory.restore(q)
        assert mapped.restore(q) == expected, q
        assert mapped.restore(q, context) == memory.restore(q, context), q
        offered += expected is not None
    assert offered > len(queries) // 4  # the comparison is not all None on both sides


def test_mapped_typo_index_finds_the_same_candidates(gen: Path, restorers: tuple[Restorer, Restorer]) -> None:
    ix = whoosh.index.open_dir(str(gen))
    with ix.reader() as reader:
        lexicon = typo_lexicon(restorers[0].index.unigrams, reader)
    memory, mapped = TypoIndex(lexicon), MappedTypoIndex(gen / MODELS_DIR)
    assert len(mapped) == len(memory) > 100 and sorted(mapped.words) == sorted(memory.words)
    rng = random.Random(3)
    probes = ["facebokk", "thanhphoo", "x" * 30, "ngưyen", "nguyễnn"]
    for w in sorted(memory.words):
        i = rng.randrange(len(w))
        probes += [w[:i] + w[i + 1 :], w[:i] + rng.choice("aeiouhnt") + w[i:], w[:i] + "z" + w[i + 1 :], w]
    found = 0
    for p in probes:
        assert mapped.candidates(p, limit=5) == memory.candidates(p, limit=5), p
        assert (p in mapped) == (p in memory)
        found += bool(memory.candidates(p))
    assert found > len(probes) // 2
    words = ["thanh", "phoo", "ha", "noii"]
    pair_df = lambda a, b: len(a) + len(b)  # noqa: E731  (any deterministic support will do)
    for i in range(len(words)):
        assert mapped.in_context(words, i, pair_df) == memory.in_context(words, i, pair_df)


def test_typo_key_hashes_do_not_depend_on_the_process() -> None:
    keys = ["nam", "nguyen", "a" * 24, ""]
    code = f"from indexer.typos import stable_hashes; print(stable_hashes({keys!r}).tolist())"
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] == f"{stable_hashes(keys).tolist()}\n"
    assert len(set(stable_hashes(keys).tolist())) == len(keys)


def test_mapped_titles_suggest_as_the_loaded_ones(gen: Path) -> None:
    catalog = Catalog.load(gen / "catalog.json.gz")
    memory = Titles.from_catalog(catalog.entries)
    mapped = MappedTitles(gen / MODELS_DIR)
    assert list(mapped.keys) == list(memory.keys) and list(mapped.ids) == list(memory.ids)
    assert mapped.newest is not None and memory.newest is not None and mapped.newest.tolist() == memory.newest.tolist()
    keys = {"t", "a", "zzz", "ha noi", "hoa binh", "nam", "an toan"}
    for folded in memory.keys:
        for n in range(1, len(folded) + 1):
            keys.add(folded[:n].strip())
        keys.update(fold(w) for w in folded.split())
    keys.discard("")
    for key in sorted(keys):
        for limit in (1, 3, 10):
            assert mapped.suggest(key, limit) == memory.suggest(key, limit), (key, limit)


def test_titles_contained_are_not_matched_across_two_titles(tmp_path: Path) -> None:
    # The folded titles are stored end to end: "a x" + "b" + "c d x" + "xb" reads "a xbc d xxb",
    # where " xb" runs across the first two and must not count.
    rows = [("a x", "A X", "1"), ("b", "B", "2"), ("c d x", "C D X", "3"), ("xb", "XB", "4")]
    Titles(rows).write(tmp_path)
    mapped = MappedTitles(tmp_path)
    assert mapped.suggest("xb", 10) == [{"id": "4", "title": "XB"}]
    assert [s["id"] for s in mapped.suggest("x", 10)] == ["4", "1", "3"]
    for key in ("a", "b", "c", "d", "x", "xb", "d x", "q"):
        assert mapped.suggest(key, 10) == Titles(rows).suggest(key, 10), key


def test_titles_written_before_their_word_keys_complete_as_a_rebuilt_index(tmp_path: Path) -> None:
    """An index built before stop 74 has its titles sorted by folded text with the punctuation
    kept ("titles.folded"): `open_titles` reads them into memory by their words, so its server
    completes `hoa binh 18` (bug hunt 89) as a rebuilt one does; a new folder is mapped."""
    entries = [("1", "Hòa Bình: 18 bệnh nhân"), ("2", "'Vua Càn Long' bồi thường"), ("3", "Hà Nội mưa")]
    old = sorted((fold(title), title, doc_id) for doc_id, title in entries)
    for name, column in zip(("titles.folded", "titles.text", "titles.id"), zip(*old, strict=True), strict=True):
        StringColumn.write(tmp_path, name, column)
    (tmp_path / "new").mkdir()
    Titles.from_entries(entries).write(tmp_path / "new")

    before, rebuilt = open_titles(tmp_path), open_titles(tmp_path / "new")
    assert isinstance(rebuilt, MappedTitles) and not isinstance(before, MappedTitles)
    assert before.suggest("hoa binh 18", 10) == [{"id": "1", "title": "Hòa Bình: 18 bệnh nhân"}]
    for key in ("hoa binh 18", "vua can", "ha", "h", "18", "mua"):
        assert before.suggest(key, 10) == rebuilt.suggest(key, 10), key


def test_string_column_round_trip(tmp_path: Path) -> None:
    strings = ["", "Hà Nội", "", "đường", "x" * 1000, ""]
    StringColumn.write(tmp_path, "c", strings)
    column = StringColumn(tmp_path, "c")
    assert list(column) == strings and len(column) == len(strings)
    StringColumn.write(tmp_path, "empty", [])
    assert list(StringColumn(tmp_path, "empty")) == []


def test_an_index_without_models_answers_the_same(tmp_path: Path, seed_index: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(seed_index, old, symlinks=True)
    gen = current_generation(old)
    assert gen is not None
    shutil.rmtree(gen / MODELS_DIR)  # as built before the models folder existed
    with_models, without = SearchService(seed_index), SearchService(old)
    assert with_models.generation().models is not None and without.generation().models is None
    assert isinstance(without.generation().restorer.index, Counts)
    for q in ("dang uy khoi doanh nghiep", "gio mua mien nam", "thuy loi hoa binh", "ubnd thanh pho", "quang canh"):
        assert with_models.search(q)["suggestion"] == without.search(q)["suggestion"], q
        assert with_models.suggest(q[:6]) == without.suggest(q[:6])
    for q in ("thanh phoo", "gioo mua"):
        assert with_models.search(q)["suggestion"] == without.search(q)["suggestion"], q


def test_a_models_folder_of_another_version_is_not_used(tmp_path: Path, seed_index: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(seed_index, copy, symlinks=True)
    gen = current_generation(copy)
    assert gen is not None
    manifest = gen / MODELS_DIR / MANIFEST
    manifest.write_text(json.dumps({"version": -1}))
    service = SearchService(copy)
    assert service.generation().models is None
    assert service.search("gio mua")["suggestion"] is not None


def test_update_writes_new_models_and_leaves_the_old_ones(tmp_path: Path, seed_index: Path) -> None:
    root = tmp_path / "ix"
    shutil.copytree(seed_index, root, symlinks=True)
    before = current_generation(root)
    assert before is not None
    old_files = {p.name: p.read_bytes() for p in (before / MODELS_DIR).iterdir()}
    added = tmp_path / "more.jsonl"
    article = {"id": "gen-added", "title": "Quýt Hồng Lai Vung vào mùa", "published": "2023-01-05T08:00:00+07:00",
               "lead": "Nhà vườn Lai Vung thu hoạch quýt hồng.", "body": "Quýt hồng Lai Vung chín đỏ.",
               "source": "tests", "url": None, "captions": []}
    added.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    report = update_index([added], root)
    after = report.generation
    assert after is not None and after != before
    assert read_manifest(after / MODELS_DIR) is not None
    assert {p.name: p.read_bytes() for p in (before / MODELS_DIR).iterdir()} == old_files
    service = SearchService(root)
    assert service.suggest("quyt hong") == [{"id": "gen-added", "title": article["title"]}]
    assert "vung" in service.generation().typo_index
    memory = Restorer.from_counter(ReadingCounter.load(after / "readings.json.gz"))
    mapped = service.generation().restorer
    assert dict(mapped.index.unigrams) == memory.index.unigrams
    for a, b in pairwise(["quyt", "hong", "lai", "vung"]):
        assert mapped.restore([a, b]) == memory.restore([a, b])


def test_lone_surrogates_are_unknown_words_not_errors(gen: Path, restorers: tuple[Restorer, Restorer]) -> None:
    # marisa cannot encode them; the dicts simply do not hold them: the same answers either way
    memory, mapped = restorers
    for q in (["\ud800"], ["ha", "n\udcffoi"], ["mien", "nam\ud800"]):
        assert mapped.restore(q) == memory.restore(q)
        assert mapped.restore(q, ["x \ud800"]) == memory.restore(q, ["x \ud800"])
    assert "\ud800" not in mapped.index.unigrams and mapped.index.cased.get("\ud800") is None
    assert "\ud800" not in mapped.by_fold
    catalog = Catalog.load(gen / "catalog.json.gz")
    titles = Titles.from_catalog(catalog.entries)
    for key in ("\ud800", "gio\udcff", "mien \ud800"):
        assert MappedTitles(gen / MODELS_DIR).suggest(key, 10) == titles.suggest(key, 10)
    typos = MappedTypoIndex(gen / MODELS_DIR)
    assert "nam\ud800" not in typos and typos.candidates("na\ud800m") == []
