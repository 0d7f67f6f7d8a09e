"""The index and the `vnsearch` command line, end to end through real subprocesses."""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pytest
import whoosh.index

import indexer.index as index_module
from indexer import forward
from indexer.generations import BuildFailed, build_lock, current_generation, failure_text
from indexer.index import build_index, typo_lexicon
from indexer.parameters import SORTS
from indexer.schema import INDEX_NAME, PARTS
from indexer.search import FIELD_CHOICES, SearchService
from indexer.updates import delete_articles, update_index
from tests.conftest import GENERATED, REPO, SEED_ID, SEEDS, synthetic_corpus, write_generated


def run_cli(
    *args: str, index: Path | None = None, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "indexer", *args]
    if index is not None:
        cmd += ["--index", str(index)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, input=stdin)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_help_lists_commands() -> None:
    out = run_cli("--help").stdout
    for command in ("build", "update", "delete", "search", "show", "stats", "serve"):
        assert command in out


def test_the_command_imports_with_the_collector_paused_then_runs_with_it_on() -> None:
    """`indexer.launch` (the `vnsearch` script and `python -m indexer`): the command line's
    imports end up frozen (never walked by the cyclic collector again), the collector is on
    for the command itself, and the command's exit status is returned."""
    probe = (
        "import gc, sys\n"
        "from indexer import launch\n"
        "sys.argv = ['vnsearch', 'stats', '--index', sys.argv[1]]\n"
        "status = launch.main()\n"
        "print(status, gc.isenabled(), gc.get_freeze_count() > 10000, 'whoosh' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe, "/nonexistent-index"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.stdout.split() == ["2", "True", "True", "True"], proc.stdout + proc.stderr
    assert 'vnsearch = "indexer.launch:main"' in (REPO / "pyproject.toml").read_text(encoding="utf-8")


def test_build_seeds_then_search_without_diacritics(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build = run_cli("build", "seeds/", index=index)
    assert "indexed 1 article (1 in index)" in build.stderr
    assert current_generation(index) is not None
    out = run_cli("search", "dang uy khoi doanh nghiep", index=index).stdout
    assert out.startswith("1 result (")  # one article: not "1 results"
    assert "[Đảng ủy Khối doanh nghiệp]" in out  # emphasized on a non-terminal
    as_json = json.loads(run_cli("search", "dang uy khoi doanh nghiep", "--json", index=index).stdout)
    assert as_json["hits"][0]["id"] == SEED_ID
    assert set(as_json) >= {"query", "total", "page", "per_page", "took_ms", "suggestion", "facets", "hits"}
    assert "In no article: blockchain: results for the other words" in run_cli("search", "blockchain doanh nghiep",
                                                                          index=index).stdout


def test_search_takes_the_fields_and_sorts_the_api_takes(seed_index: Path) -> None:
    """`--field lead` as the API's field=lead (the CLI offered all, title, body, caption)."""
    for field in FIELD_CHOICES:
        found = json.loads(run_cli("search", "doanh nghiep", "--field", field, "--json", index=seed_index).stdout)
        assert found["query"] == "doanh nghiep", field
    lead = json.loads(run_cli("search", "doanh nghiep", "--field", "lead", "--json", index=seed_index).stdout)
    assert lead["hits"]
    assert f"{{{','.join(SORTS)}}}" in run_cli("search", "--help").stdout


def test_search_says_when_hits_hold_only_some_words(seed_index: Path) -> None:
    assert "No article holds enough of these words together" in run_cli("search", "gió UBND", index=seed_index).stdout
    assert "No article holds enough" not in run_cli("search", "gió miền Nam", index=seed_index).stdout


def test_search_says_when_the_query_was_cut_and_prints_where_vietnamese_cannot_be_encoded(seed_index: Path) -> None:
    """The text output said nothing of a query cut to the limits (the API and page do), and a
    stdout that cannot encode Vietnamese (PYTHONIOENCODING=ascii) ended in a traceback."""
    pasted = "thành ủy " * 700  # past the API's 5,000 characters: the command line cuts, never refuses
    assert len(pasted) > 5000
    long = run_cli("search", pasted, index=seed_index).stdout
    assert "Searched cut: query cut to" in long
    assert "Searched cut" not in run_cli("search", "thành ủy", index=seed_index).stdout
    cmd = [sys.executable, "-m", "indexer", "search", "Thành ủy", "--index", str(seed_index)]
    ascii_out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300,
                               env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert ascii_out.returncode == 0 and "Traceback" not in ascii_out.stderr
    assert "Th\\xe0nh" in ascii_out.stdout  # escaped, not lost


@pytest.mark.parametrize("q", ["dang uy khoi doanh nghiep", "blockchain doanh nghiep", "gió UBND", "Vieejt Nam",
                               '"thành ủy" -doanh', "thành ủy " * 300])
def test_search_json_is_the_apis_json(seed_index: Path, q: str) -> None:
    """The README: `vnsearch search … --json` prints exactly GET /api/search's JSON. Only the
    time taken may differ (bug hunt 85: the keys a search adds only sometimes, such as `absent`
    and `notice`, could go missing from the command line's output and no test saw it)."""
    from webui import create_app

    cli = json.loads(run_cli("search", q, "--json", index=seed_index).stdout)
    api = create_app(seed_index).test_client().get("/api/search", query_string={"q": q}).get_json()
    for answer in (cli, api):
        del answer["took_ms"]
    assert cli == api


def test_search_says_a_page_is_past_the_last_and_names_the_option_typed(seed_index: Path) -> None:
    """A page past the last said "N results" and then "No results. Tips: …"; `--limit 0` was
    refused as the API's "per_page"; a pasted long query was echoed whole in the header."""
    past = run_cli("search", "doanh nghiep", "--page", "40", index=seed_index).stdout
    assert "is past the last: 1 page of 10" in past and "No results" not in past
    # nothing found: advice that widens the search, as the results page's (it said to add quotes; bug hunt 82)
    none = run_cli("search", '"thành ủy" -doanh', index=seed_index).stdout
    assert "No results" in none and 'drop "quotes"' in none and "for a phrase" not in none
    for option, value, said in (("--limit", "0", "must be from 1 to 100"), ("--limit", "x", "not a whole number"),
                                ("--page", "0", "must be from 1 to 1000"), ("--limit", "1_0", "not a whole number")):
        bad = run_cli("search", "doanh nghiep", option, value, index=seed_index, check=False)
        assert bad.returncode == 2 and f"argument {option}: {said}" in bad.stderr and "per_page" not in bad.stderr
    # dates named as typed, not as the API's "from" and "to" (bug hunt 70)
    # and a blank one refused, as the API refuses `from=` (it was no filter; bug hunt 77)
    for dates, said in ((["--from", "2021-02-30"], "--from must be a date"),
                        (["--from", "2022-01-01", "--to", "2021-01-01"], "--from must not be after --to"),
                        (["--from="], "argument --from: must be a date"), (["--to", "2021"], "argument --to: must")):
        bad = run_cli("search", "doanh nghiep", *dates, index=seed_index, check=False)
        assert bad.returncode == 2 and said in bad.stderr, bad.stderr
    # a build's own numbers: `--memory-mb nan` was a traceback, `--procs 0` built (bug hunt 70)
    for option, value in (("--memory-mb", "nan"), ("--memory-mb", "inf"), ("--memory-mb", "0"), ("--procs", "0")):
        bad = run_cli("build", "seeds", option, value, index=seed_index.parent / "never", check=False)
        assert bad.returncode == 2 and f"argument {option}:" in bad.stderr and "Traceback" not in bad.stderr
    header = run_cli("search", "thành ủy " * 300, index=seed_index).stdout.splitlines()[0]
    assert len(header) < 260 and header.endswith("…”")
    # the result window too is named as typed (it said "page × per_page"; bug hunt 66)
    deep = run_cli("search", "doanh nghiep", "--page", "101", index=seed_index, check=False)
    assert deep.returncode == 2 and "--page × --limit may not exceed 1000" in deep.stderr
    assert "per_page" not in deep.stderr
    # a query that starts with "-" is read as an option: the error says where it goes
    dash = run_cli("search", "-nam", index=seed_index, check=False)
    assert dash.returncode == 2 and "goes after '--'" in dash.stderr
    for command in ("show", "delete"):  # so does an id's (bug hunt 76: `delete -x` said only "required: ID")
        dash = run_cli(command, "-x", index=seed_index, check=False)
        assert dash.returncode == 2 and f"vnsearch {command} -- -x" in dash.stderr


def test_show_prints_no_blank_lead(tmp_path: Path) -> None:
    """A record without a lead printed three blank lines between its meta line and its body."""
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    feed.write_text(json.dumps({"id": "no-lead", "title": "Tin ngắn", "body": "Đoạn một.\n\nĐoạn hai."}) + "\n",
                    encoding="utf-8")
    build_index([feed.parent], tmp_path / "ix", procs=1)
    shown = run_cli("show", "no-lead", index=tmp_path / "ix").stdout
    assert "\n\n\n" not in shown and "Đoạn một." in shown and "Đoạn hai." in shown


def test_show_and_stats(seed_index: Path) -> None:
    shown = json.loads(run_cli("show", SEED_ID, "--json", index=seed_index).stdout)
    assert shown["id"] == SEED_ID and shown["author"] == "LMT" and len(shown["captions"]) == 4
    assert set(shown) == {"id", "title", "title_derived", "url", "published", "author", "lead", "paragraphs",
                          "captions", "related", "source"}
    text = run_cli("show", SEED_ID, index=seed_index).stdout
    assert "Bí thư Thành ủy Trần Lưu Quang phát biểu tại buổi làm việc" in text
    stats = json.loads(run_cli("stats", "--json", index=seed_index).stdout)
    assert stats["documents"] == 7 and stats["captions"] >= 4
    assert stats["date_range"][0].startswith("2020-01-15")
    assert "documents" in run_cli("stats", index=seed_index).stdout
    assert stats["models_bytes"] > 0 and "models: mapped" in run_cli("stats", index=seed_index).stdout
    assert stats["forward_bytes"] > 0 and "forward: mapped" in run_cli("stats", index=seed_index).stdout
    assert stats["flat_postings_bytes"] > 0 and "postings: flat, mapped" in run_cli("stats", index=seed_index).stdout
    assert stats["packed_stored_bytes"] > 0 and "articles: packed, mapped" in run_cli("stats", index=seed_index).stdout


def test_stats_after_an_update_or_a_deletion_keeps_the_encodings_and_names_the_full_build(tmp_path: Path) -> None:
    """After `update` or `delete`, `stats` said the index's files were of no encoding (`{}`, or
    the update's alone) and "built at" the change's time, with no word of the last full build
    (bug hunt 92)."""
    index = tmp_path / "ix"
    build_index([SEEDS, write_generated(tmp_path / "gen")], index, procs=1)
    built = json.loads(run_cli("stats", "--json", index=index).stdout)
    assert built["full_build_at"] is None and sum(built["encodings"].values()) == 2
    run_cli("update", "--quiet", str(SEEDS), index=index)
    run_cli("delete", "--quiet", SEED_ID, index=index)
    changed = json.loads(run_cli("stats", "--json", index=index).stdout)
    assert changed["full_build_at"] == built["built_at"]
    assert changed["encodings"] == {k: v + (k == "utf-8") for k, v in built["encodings"].items()}  # + the update's
    assert f"(the last full build {built['built_at']})" in run_cli("stats", index=index).stdout
    # an expunge rewrites the index from its own articles: the files and the full build are the same
    run_cli("delete", "--quiet", "--expunge", GENERATED[0]["id"], index=index)
    expunged = json.loads(run_cli("stats", "--json", index=index).stdout)
    assert expunged["full_build_at"] == built["built_at"] and expunged["encodings"] == changed["encodings"]


def test_stats_says_when_an_index_has_no_mapped_models(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    (current_generation(index) / "models" / "manifest.json").unlink()  # as built before models/
    assert json.loads(run_cli("stats", "--json", index=index).stdout)["models_bytes"] is None
    assert "rebuild to map them" in run_cli("stats", index=index).stdout


def test_stats_says_when_an_index_has_no_forward_files(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    for path in current_generation(index).glob(f"*.{forward.FORMAT}.*"):
        path.unlink()  # as built before the forward index
    assert json.loads(run_cli("stats", "--json", index=index).stdout)["forward_bytes"] is None
    assert "re-rank reads stored text" in run_cli("stats", index=index).stdout


def test_clear_one_line_errors(tmp_path: Path) -> None:
    missing = run_cli("search", "ha noi", index=tmp_path / "nothing", check=False)
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "vnsearch build" in missing.stderr
    unknown = run_cli("show", "no-such-id", index=tmp_path / "nothing", check=False)
    assert unknown.returncode == 2
    no_input = run_cli("build", str(tmp_path / "does-not-exist"), index=tmp_path / "ix", check=False)
    assert no_input.returncode == 2 and "does-not-exist" in no_input.stderr
    assert no_input.stderr.strip().count("\n") == 0
    assert current_generation(tmp_path / "ix") is None


def test_a_mistyped_input_name_builds_nothing_and_keeps_the_index(tmp_path: Path) -> None:
    """`vnsearch build seeds/ news.jsonl.gzz`: the name that does not exist used to be one
    rejection, and the build replaced the index with the seeds alone, exit 0."""
    index = tmp_path / "ix"
    run_cli("build", str(SEEDS), index=index)
    first = current_generation(index)
    for command in ("build", "update"):
        typo = run_cli(command, str(SEEDS), str(tmp_path / "news.jsonl.gzz"), index=index, check=False)
        assert typo.returncode == 2 and "news.jsonl.gzz" in typo.stderr and "untouched" in typo.stderr
        assert current_generation(index) == first


def test_a_record_with_an_unpaired_surrogate_is_rejected_and_the_rest_built(tmp_path: Path) -> None:
    """JSON lets "\\ud800" through; the index writer failed on it and the whole build ended in a
    traceback. Now that line is rejected by name and reason, and the others are indexed."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    lines = [
        '{"id": "ok-1", "title": "Tin một", "lead": "Nội dung tin một."}',
        '{"id": "bad", "title": "x \\ud800", "lead": "Nội dung."}',
        '{"id": "ok-2", "title": "Tin hai", "lead": "Nội dung tin hai."}',
    ]
    (inputs / "w.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    built = run_cli("build", str(inputs), index=tmp_path / "ix")
    assert "w.jsonl:2: field 'title' holds an unpaired surrogate" in built.stderr
    stats = json.loads(run_cli("stats", "--json", index=tmp_path / "ix").stdout)
    assert stats["documents"] == 2


def test_a_named_pipe_or_a_broken_link_in_a_folder_is_reported_not_waited_on(tmp_path: Path) -> None:
    """A named pipe called *.jsonl hung `build` before it said a word (the progress bar's count
    opened it), and a broken link was dropped without a word (a bug hunt's findings)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jsonl").write_text('{"id": "ok-1", "title": "Tin một", "lead": "Nội dung."}\n', encoding="utf-8")
    os.mkfifo(inputs / "pipe.jsonl")
    (inputs / "gone.jsonl").symlink_to(inputs / "nowhere.jsonl")
    built = subprocess.run([sys.executable, "-m", "indexer", "build", str(inputs), "--index", str(tmp_path / "ix")],
                           cwd=REPO, capture_output=True, text=True, timeout=60)
    assert built.returncode == 0, built.stderr
    assert "gone.jsonl: broken link" in built.stderr and "pipe.jsonl: not a regular file" in built.stderr
    assert json.loads(run_cli("stats", "--json", index=tmp_path / "ix").stdout)["documents"] == 1


def test_a_link_that_loops_is_reported_and_the_rest_built(tmp_path: Path) -> None:
    """One link to itself in a scraper's folder ("latest -> latest") ended `build` and `update`
    with a traceback that named no file, nothing built (bug hunt 76)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jsonl").write_text('{"id": "ok-1", "title": "Tin một", "lead": "Nội dung."}\n', encoding="utf-8")
    (inputs / "loop.jsonl").symlink_to(inputs / "loop.jsonl")
    built = run_cli("build", "--quiet", str(inputs), index=tmp_path / "ix")
    assert "loop.jsonl: broken link" in built.stderr
    assert json.loads(run_cli("stats", "--json", index=tmp_path / "ix").stdout)["documents"] == 1
    updated = run_cli("update", "--quiet", str(inputs), index=tmp_path / "ix")
    assert "loop.jsonl: broken link" in updated.stderr


def test_a_damaged_index_is_named_in_one_line(tmp_path: Path) -> None:
    """A half-copied index (a segment file missing) made search, show, update and delete end in
    a traceback, and `stats` said it was fine; a meta.json without its counts made `stats` end
    in a traceback (bug hunt 76)."""
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    gen = current_generation(index)
    meta = json.loads((gen / "meta.json").read_text())
    next(gen.glob("*.trm")).unlink()
    for args in (("search", "ha noi"), ("show", SEED_ID), ("update", str(SEEDS)), ("delete", SEED_ID), ("stats",)):
        proc = run_cli(*args, index=index, check=False)
        assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0, proc.stderr
        assert "is incomplete or damaged" in proc.stderr and "rebuild needed" in proc.stderr
    (gen / "meta.json").write_text(json.dumps({"format": meta["format"]}))
    stats = run_cli("stats", index=index, check=False)
    assert stats.returncode == 2 and "meta.json without documents" in stats.stderr


def test_a_generation_deleted_by_hand_is_said_so_and_served_as_unavailable(tmp_path: Path) -> None:
    """The served generation's folder removed by hand: searches and article pages were 500s
    while `/api/health` said ok, and the command line said "run 'vnsearch build' first" as to
    a new install (bug hunt 92). The server answers 503 `index_unavailable`, health too, and
    every command names the missing generation."""
    from webui import create_app

    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    client = create_app(index).test_client()
    assert client.get("/api/search?q=ha+noi").status_code == 200
    gen = current_generation(index)
    assert gen is not None
    gen.rename(tmp_path / "elsewhere")
    for url in ("/api/health", "/api/search?q=thanh+uy", f"/api/articles/{SEED_ID}", "/search?q=thanh+uy"):
        answer = client.get(url)
        assert answer.status_code == 503, url
    assert client.get("/api/health").get_json()["error"]["code"] == "index_unavailable"
    for args in (("stats",), ("search", "ha noi"), ("update", str(SEEDS))):
        proc = run_cli(*args, index=index, check=False)
        assert proc.returncode == 2 and f"serves {gen.name}, which is missing" in proc.stderr, proc.stderr


def test_an_index_generation_given_as_the_index_is_a_usage_error(tmp_path: Path) -> None:
    """`--index` naming an index's `current` or a generation said "no index … run 'vnsearch
    build' first", and a build there nested a whole index inside the generation being served
    (bug hunt 92)."""
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    gen = current_generation(index)
    assert gen is not None
    for given in (index / "current", gen):
        for args in (("stats",), ("build", str(SEEDS))):
            proc = run_cli(*args, index=given, check=False)
            assert proc.returncode == 2 and f"is a generation of the index at {index}" in proc.stderr, proc.stderr
    assert sorted(p.name for p in gen.iterdir() if p.name.startswith(("gen-", "current"))) == []


def test_build_without_inputs_outside_a_checkout_is_a_usage_error(tmp_path: Path) -> None:
    """`build` with no paths reads ./seeds: run elsewhere it failed as a build (exit 1) and left
    an index folder holding only its lock (bug hunt 76)."""
    proc = subprocess.run([sys.executable, "-m", "indexer", "build", "--index", str(tmp_path / "ix")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 2 and "no seeds/ here" in proc.stderr
    assert not (tmp_path / "ix").exists()


def test_search_refuses_a_query_that_is_not_utf8_and_a_page_past_any_window(seed_index: Path) -> None:
    """`xe m\\xe1y` from a Latin-1 terminal searched "xe m y" (the API answers 400
    invalid_encoding); a 4,300-digit --page was a traceback (bug hunt 76)."""
    proc = subprocess.run([sys.executable, "-m", "indexer", "search", b"xe m\xe1y", "--index", str(seed_index)],
                          cwd=REPO, capture_output=True, timeout=60)
    assert proc.returncode == 2 and b"not UTF-8" in proc.stderr
    huge = run_cli("search", "--page", "9" * 4300, "ha noi", index=seed_index, check=False)
    assert huge.returncode == 2 and "must be from 1 to" in huge.stderr and "Traceback" not in huge.stderr


PAGE = "08:15 06/12/2026 Sáng nay, thành phố Đà Nẵng khánh thành cầu mới bắc qua sông Hàn.\nĐoạn thân bài.\n"


def test_a_name_that_is_not_utf8_is_reported_and_the_rest_built(tmp_path: Path) -> None:
    """A page named in another encoding (a Windows zip's "tin_t\\xe1.txt") ended the whole build
    in a traceback, indexing nothing; in a folder so named, every article's page was a 500
    (its `source` held bytes nothing can send). Bug hunt 65."""
    inputs = tmp_path / "in"
    folder = Path(os.fsdecode(bytes(inputs / "th") + b"\xe1ng2"))
    folder.mkdir(parents=True)
    Path(os.fsdecode(bytes(inputs) + b"/tin_t\xe1.txt")).write_text(PAGE, encoding="utf-8")
    (folder / "good-name.txt").write_text(PAGE, encoding="utf-8")
    built = run_cli("build", str(inputs), index=tmp_path / "ix")
    assert "rejected tin_t\\xe1.txt: file name is not UTF-8" in built.stderr
    article = SearchService(tmp_path / "ix").article("good-name")
    assert article is not None and article["source"] == "th\\xe1ng2/good-name.txt"
    json.dumps(article).encode("utf-8")  # what the API sends: no lone surrogate in it


def test_ids_are_found_as_given_in_any_normal_form_and_takedown_lists_may_carry_a_bom(tmp_path: Path) -> None:
    """Ids are stored NFC and trimmed, but were looked up exactly as given: a page named on macOS
    (NFD names) could not be shown or deleted by its own name, nor the first id of a list saved
    by Windows Notepad (a BOM); a list in UTF-16 ended in a traceback. Bug hunt 65."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    nfd = unicodedata.normalize("NFD", "bài-đà-nẵng")
    (inputs / f"{nfd}.txt").write_text(PAGE, encoding="utf-8")
    (inputs / "other.txt").write_text(PAGE, encoding="utf-8")
    index = tmp_path / "ix"
    run_cli("build", str(inputs), index=index)
    service = SearchService(index)
    assert service.article(nfd)["id"] == unicodedata.normalize("NFC", nfd)
    assert service.article(f" {nfd}\u00a0") is not None and service.article("ab\udcff") is None
    assert run_cli("show", nfd, index=index).returncode == 0
    utf16 = subprocess.run([sys.executable, "-m", "indexer", "delete", "-", "--index", str(index)], cwd=REPO,
                           input="other\n".encode("utf-16"), capture_output=True, timeout=60)
    assert utf16.returncode == 2 and b"is not UTF-8 text" in utf16.stderr and b"Traceback" not in utf16.stderr
    assert service.article("other") is not None  # nothing deleted
    deleted = run_cli("delete", "-", index=index, stdin=f"\ufeff{nfd}\r\n")
    assert "deleted 1 article" in deleted.stderr and service.article(nfd) is None


def test_an_index_path_that_is_a_file_or_holds_no_index_is_a_usage_error(tmp_path: Path) -> None:
    """`build --index FILE` ended in a FileExistsError traceback, and `update` or `delete` on
    a folder with no index left that folder behind, made for its lock."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for args in (("build", str(SEEDS)), ("update", str(SEEDS)), ("stats",)):
        proc = run_cli(*args, index=tmp_path / "afile", check=False)
        assert proc.returncode == 2 and "afile is a file, not an index folder" in proc.stderr, args
        assert "Traceback" not in proc.stderr
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    for where, said in (("afile/sub", "afile is a file, not a folder"), ("gone", "gone is a broken link")):
        proc = run_cli("build", str(SEEDS), index=tmp_path / where, check=False)
        assert proc.returncode == 2 and said in proc.stderr and "Traceback" not in proc.stderr, where
    for args in (("update", str(SEEDS)), ("delete", "x")):
        proc = run_cli(*args, index=tmp_path / "none", check=False)
        assert proc.returncode == 2 and "no index at" in proc.stderr, args
        assert not (tmp_path / "none").exists(), args


def test_build_reports_rejections_and_strict_keeps_old_index(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "seed.txt").write_bytes(next(SEEDS.glob("*.txt")).read_bytes())
    (inputs / "empty.txt").write_bytes(b"")
    index = tmp_path / "ix"
    ok = run_cli("build", str(inputs), index=index)
    assert "empty.txt" in ok.stderr and "rejected 1" in ok.stderr
    first = current_generation(index)
    strict = run_cli("build", str(inputs), "--strict", index=index, check=False)
    assert strict.returncode == 1 and "--strict" in strict.stderr
    assert current_generation(index) == first


def test_a_failed_update_lists_what_it_rejected_as_a_failed_build_does(tmp_path: Path) -> None:
    """An update with nothing usable printed only the summary of reasons ("rejected 2 (invalid
    JSON 1, empty file 1)"); a build of the same input named each file and line."""
    index = tmp_path / "ix"
    run_cli("build", str(SEEDS), index=index)
    first = current_generation(index)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    (bad / "empty.txt").write_bytes(b"")
    for command in ("build", "update"):
        failed = run_cli(command, str(bad), index=index, check=False)
        assert failed.returncode == 1, (command, failed.stderr)
        assert "rejected broken.jsonl:1: invalid JSON" in failed.stderr, (command, failed.stderr)
        assert "rejected empty.txt: empty file" in failed.stderr, (command, failed.stderr)
        assert current_generation(index) == first
    # with a usable article beside them, `--strict` fails either command alike (update had none)
    write_generated(bad)
    for command in ("build", "update"):
        strict = run_cli(command, "--strict", str(bad), index=index, check=False)
        assert strict.returncode == 1 and "--strict: 2 input(s) rejected" in strict.stderr, (command, strict.stderr)
        assert current_generation(index) == first


def _assert_live_mask_is_whooshs(service: SearchService, live_documents: int) -> None:
    """The executor's live mask marks exactly Whoosh's live docnums, with some deleted."""
    gen = service.generation()
    with gen.ix.searcher() as searcher:
        live = gen.executor(searcher).live
        assert set(np.flatnonzero(live).tolist()) == set(searcher.reader().all_doc_ids())
        assert live.sum() == live_documents < len(live)


def test_update_adds_and_replaces_by_id(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    service = SearchService(index)
    assert service.search('"gio mua"')["unquoted"] == ["gio mua"]  # no article holds "gio"
    gen_dir = write_generated(tmp_path / "gen")
    run_cli("update", str(gen_dir), index=index)
    assert service.search("gio mua mien nam")["hits"][0]["id"] == "gen-nam-south"
    assert service.search("dang uy khoi doanh nghiep")["hits"][0]["id"] == SEED_ID  # old docs kept
    # replace one article by id: the old text no longer matches, the new one does
    replacement = tmp_path / "repl.jsonl"
    replacement.write_text(json.dumps({"id": "gen-nam-south", "title": "Bão số chín đổ bộ", "lead": "Cơn bão mạnh.",
                                       "body": "Mưa lớn kéo dài."}, ensure_ascii=False) + "\n", encoding="utf-8")
    report = update_index([replacement], index)
    assert report.added == 1 and report.documents == 7
    assert service.search('"gio mua"')["total"] == 0
    assert service.search("bao so chin")["hits"][0]["id"] == "gen-nam-south"
    _assert_live_mask_is_whooshs(service, 7)  # the replaced version is a deleted docnum


def _readings(index: Path) -> dict[str, dict[str, int]]:
    with gzip.open(current_generation(index) / "readings.json.gz", "rt", encoding="utf-8") as f:
        return json.load(f)


def _generated_without(tmp_path: Path, *ids: str) -> Path:
    """The generated test articles but those with these ids, as a JSON Lines file."""
    lines = write_generated(tmp_path / "all").read_text(encoding="utf-8").splitlines()
    kept = tmp_path / "kept.jsonl"
    kept.write_text("".join(line + "\n" for line in lines if json.loads(line)["id"] not in ids), encoding="utf-8")
    return kept


def _articles_holding(index: Path, folded: str) -> int:
    """Whoosh's document frequency of a folded word over the parts: deleted articles counted."""
    ix = whoosh.index.open_dir(str(current_generation(index)), indexname=INDEX_NAME)
    with ix.searcher() as searcher:
        return sum(searcher.doc_frequency(part, folded) for part in PARTS)


def test_replacing_an_article_counts_only_its_new_text_for_did_you_mean(tmp_path: Path) -> None:
    inputs = write_generated(tmp_path / "gen")
    replacement = {"id": "gen-nam-south", "title": "Bão số chín đổ bộ", "lead": "Cơn bão mạnh.",
                   "body": "Mưa lớn kéo dài.", "source": "tests", "url": None, "captions": []}
    (tmp_path / "repl.jsonl").write_text(json.dumps(replacement, ensure_ascii=False) + "\n", encoding="utf-8")
    updated = tmp_path / "updated"
    build_index([SEEDS, inputs], updated, procs=1)
    update_index([tmp_path / "repl.jsonl"], updated)
    update_index([tmp_path / "repl.jsonl"], updated)  # twice: still counted once
    rebuilt = tmp_path / "rebuilt"
    build_index([SEEDS, _generated_without(tmp_path, "gen-nam-south"), tmp_path / "repl.jsonl"], rebuilt, procs=1)
    assert _readings(updated) == _readings(rebuilt)
    assert "Gió mùa" not in _readings(updated)["bigrams"]


def test_delete_removes_articles_from_results_pages_suggestions_and_readings(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([SEEDS, write_generated(tmp_path / "gen")], index, procs=1)
    service = SearchService(index)
    assert service.search("kenh muong")["hits"][0]["id"] == "gen-new-style"
    assert any(s["id"] == "gen-new-style" for s in service.suggest("thuy loi"))
    assert "kênh mương" in _readings(index)["bigrams"]
    first = current_generation(index)

    proc = run_cli("delete", "-", "no-such-id", index=index, check=False, stdin="gen-new-style\n\n")
    assert proc.returncode == 1  # like rm: the others are deleted, the missing one reported
    assert "deleted 1 article (6 left in index)" in proc.stderr and "not in the index: no-such-id" in proc.stderr
    assert current_generation(index) != first
    assert "gen-new-style" not in {hit["id"] for hit in service.search("kenh muong")["hits"]}
    assert service.article("gen-new-style") is None
    assert not any(s["id"] == "gen-new-style" for s in service.suggest("thuy loi"))
    assert "kênh mương" not in _readings(index)["bigrams"] and "mương" not in _readings(index)["unigrams"]
    build_index([SEEDS, _generated_without(tmp_path, "gen-new-style")], tmp_path / "reference", procs=1)
    assert _readings(index) == _readings(tmp_path / "reference")  # as if never indexed
    assert service.search("dang uy khoi doanh nghiep")["hits"][0]["id"] == SEED_ID  # the rest stays
    assert json.loads(run_cli("stats", "--json", index=index).stdout)["documents"] == 6
    _assert_live_mask_is_whooshs(service, 6)  # the deleted article is a deleted docnum


def test_delete_of_ids_not_in_the_index_changes_nothing(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    first = current_generation(index)
    proc = run_cli("delete", "no-such-id", index=index, check=False)
    assert proc.returncode == 1 and "not in the index: no-such-id" in proc.stderr
    # a takedown list of thousands long gone is named in a line a terminal shows (it was 33 KB)
    many = run_cli("delete", "-", index=index, check=False, stdin="".join(f"gone-{i}\n" for i in range(3100)))
    assert many.returncode == 1 and "gone-19 and 3,080 more (the previous" in many.stderr
    assert "gone-20," not in many.stderr
    nothing = run_cli("delete", "-", index=index, check=False, stdin="\n")
    assert nothing.returncode == 2 and "no article id given" in nothing.stderr
    every = run_cli("delete", SEED_ID, index=index, check=False)  # the only article
    assert every.returncode == 1 and "vnsearch build" in every.stderr
    assert current_generation(index) == first
    assert SearchService(index).article(SEED_ID) is not None


def test_delete_expunge_takes_the_words_out_of_the_statistics_too(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([SEEDS, write_generated(tmp_path / "gen")], index, procs=1)
    assert _articles_holding(index, "muong") == 1
    delete_articles(["gen-new-style"], index)
    assert _articles_holding(index, "muong") == 1  # only marked deleted, as in Lucene
    report = delete_articles(["gen-ubnd"], index, expunge=True)
    assert report.expunged and report.deleted == ["gen-ubnd"] and report.documents == 5
    assert _articles_holding(index, "muong") == 0
    ix = whoosh.index.open_dir(str(current_generation(index)), indexname=INDEX_NAME)
    with ix.reader() as reader:
        assert reader.doc_count() == reader.doc_count_all() == 5  # no deleted docnum left
        assert "muong" not in typo_lexicon({}, reader)
    # the same index as a build of the inputs without them: words, counts and results
    reference = tmp_path / "reference"
    build_index([SEEDS, _generated_without(tmp_path, "gen-new-style", "gen-ubnd")], reference, procs=1)
    assert _readings(index) == _readings(reference)
    service, built = SearchService(index), SearchService(reference)
    for q in ("kenh muong ubnd", "dang uy khoi doanh nghiep", "gio mua mien nam", "Thành uỷ"):
        assert [h["id"] for h in service.search(q)["hits"]] == [h["id"] for h in built.search(q)["hits"]]
    assert service.search("dang uy khoi doanh nghiep")["hits"][0]["id"] == SEED_ID


def test_incompatible_index_says_rebuild_needed(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    meta_path = current_generation(index) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["format"] = "schema 0 / analyzer 0"
    meta_path.write_text(json.dumps(meta))
    proc = run_cli("search", "ha noi", index=index, check=False)
    assert proc.returncode == 2 and "rebuild needed" in proc.stderr


@pytest.mark.slow
def test_killing_builds_leaves_the_old_index_serving(tmp_path: Path) -> None:
    """SIGKILL a build at several points: the previous index keeps answering, no stale lock
    blocks the next build, and no temp folder piles up. Each kill comes a random while after
    the build starts, or as soon as it says it writes the index, whichever is first: a fixed
    while alone assumed the build outlasts it, which a faster machine need not (bug hunt 85)."""
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    before = current_generation(index)
    corpus = synthetic_corpus(tmp_path / "big.jsonl", 12000)  # the bulk writer builds ~1,500 a second
    rng = random.Random(11)
    for attempt in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "indexer", "build", str(corpus), "--index", str(index)],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        said: list[str] = []
        threading.Thread(target=lambda p=proc, lines=said: lines.extend(p.stderr or ()), daemon=True).start()
        deadline = time.monotonic() + 60
        while not list(index.glob(".tmp-*")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        kill_at = time.monotonic() + rng.uniform(0.2, 2.0) + attempt * 0.5
        while time.monotonic() < kill_at and not any("writing the index" in line for line in said):
            time.sleep(0.02)
        assert proc.poll() is None, "the build finished before it could be killed"
        workers = psutil.Process(proc.pid).children(recursive=True)
        if attempt % 2 == 0:
            os.killpg(proc.pid, signal.SIGKILL)  # the build and its writer workers
        else:
            os.kill(proc.pid, signal.SIGKILL)  # the build alone: its workers must not linger
        proc.wait()
        _gone, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, f"writer workers outlived the killed build: {alive}"
        assert current_generation(index) == before
        assert SearchService(index).search("dang uy khoi doanh nghiep")["hits"][0]["id"] == SEED_ID
    assert list(index.glob(".tmp-*")), "killed builds leave temp folders for the next build to remove"
    build_index([SEEDS], index, procs=1)  # the lock died with its holder; leftovers are cleaned
    assert not list(index.glob(".tmp-*"))
    assert current_generation(index) != before
    assert len(list(index.glob("gen-*"))) <= 2


def test_a_swap_keeps_the_generation_before_it_and_prunes_the_older_ones(tmp_path: Path) -> None:
    """`generations._prune_generations`: the generation a swap replaces stays on disk for the
    requests still reading it, and goes at the next swap (bug hunt 85: deleting it at once
    passed every test, which asserted at most two generations)."""
    index = tmp_path / "ix"
    served = []
    for _ in range(3):
        build_index([SEEDS], index, procs=1)
        served.append(current_generation(index))
        assert served[-1] is not None and served[-1].is_dir()
        assert sorted(index.glob("gen-*")) == sorted(served[-2:])


def test_a_generation_a_killed_build_left_unserved_is_pruned_not_the_one_served(tmp_path: Path) -> None:
    """Generations were pruned by age: one a build killed between its rename and the swap had
    put in place, never served, was kept, and the one served until the next swap removed; a
    link made to be renamed `current` stayed forever (bug hunt 92)."""
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    served = current_generation(index)
    assert served is not None
    orphan = index / "gen-29991231T235959-000000"  # newer by name and by age
    shutil.copytree(served, orphan)
    later = time.time() + 60
    os.utime(orphan, (later, later))
    (index / ".current-dead").symlink_to(orphan.name)
    build_index([SEEDS], index, procs=1)
    assert sorted(index.glob("gen-*")) == sorted([served, current_generation(index)])
    assert not list(index.glob(".current-*"))


def test_interrupted_after_the_swap_says_the_new_index_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C while the generations a swap left were pruned printed "the previous index, if
    any, is untouched" when the change was served (bug hunt 92): a takedown run again then
    failed, "not in the index"."""
    from indexer import cli, generations

    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    before = current_generation(index)

    def interrupted(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(generations, "_prune_generations", interrupted)
    assert cli.main(["update", "--quiet", "--index", str(index), str(SEEDS)]) == 130
    assert "interrupted after the new index was swapped in: it is served" in capsys.readouterr().err
    assert current_generation(index) not in (before, None)


def _a_long_build_over_the_seeds_index(tmp_path: Path) -> tuple[Path, Path | None, subprocess.Popen[str]]:
    """(index, its generation, the process): an index of the seeds, and `vnsearch build` of
    4,000 synthetic articles over it started in a session of its own, its stderr piped."""
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    before = current_generation(index)
    corpus = synthetic_corpus(tmp_path / "big.jsonl", 4000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "indexer", "build", str(corpus), "--index", str(index)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    return index, before, proc


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_or_sighup_stop_a_build_as_ctrl_c_does(tmp_path: Path, stop: int) -> None:
    """`systemctl stop`, `timeout` and a closed terminal send SIGTERM or SIGHUP: the build
    ended without a word and left its temp folder, the size of an index, until the next
    command (bug hunt 92). It stops as on Ctrl-C: one line, temp folder removed, old index
    served, exit status 128 + the signal's number."""
    index, before, proc = _a_long_build_over_the_seeds_index(tmp_path)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "expected" in line:  # reading its inputs: the temp folder is there
            break
    time.sleep(0.5)
    assert proc.poll() is None, "the build finished before it could be stopped"
    proc.send_signal(stop)
    said = proc.stderr.read()
    assert proc.wait(timeout=60) == 128 + stop
    assert "vnsearch: interrupted (the previous index, if any, is untouched)" in said
    assert not list(index.glob(".tmp-*")) and current_generation(index) == before


@pytest.mark.slow
def test_killing_a_build_while_it_writes_the_index_leaves_the_old_one(tmp_path: Path) -> None:
    """SIGKILL the build once every article is handed over and its writer processes write
    their segments: the workers die with it and the previous index keeps serving."""
    index, before, proc = _a_long_build_over_the_seeds_index(tmp_path)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "writing the index" in line:
            break
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers, "the build should be writing in its worker processes"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"writer workers outlived the killed build: {alive}"
    assert current_generation(index) == before
    assert SearchService(index).search("dang uy khoi doanh nghiep")["hits"][0]["id"] == SEED_ID
    build_index([SEEDS], index, procs=1)
    assert not list(index.glob(".tmp-*"))


def test_a_failing_writer_process_fails_the_build_and_keeps_the_old_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    before = current_generation(index)
    corpus = synthetic_corpus(tmp_path / "c.jsonl", 600)
    original = index_module.document_fields

    def fail_on_one(article: Any) -> dict[str, Any]:
        if article.id == "syn-450":
            raise RuntimeError("boom")
        return original(article)

    monkeypatch.setattr(index_module, "document_fields", fail_on_one)  # forked workers inherit it
    with pytest.raises(BuildFailed, match="boom"):
        build_index([corpus], index, procs=2)
    assert current_generation(index) == before
    assert not list(index.glob(".tmp-*"))


@pytest.mark.slow
def test_multiprocess_build_matches_single_process(tmp_path: Path) -> None:
    corpus = synthetic_corpus(tmp_path / "c.jsonl", 500)
    one = build_index([corpus], tmp_path / "one", procs=1)
    two = build_index([corpus], tmp_path / "two", procs=2)
    assert one.documents == two.documents == 500
    for q in ("dang uy", "thanh uy hai phong", '"doanh nghiep"'):
        a = SearchService(tmp_path / "one").search(q, per_page=5)
        b = SearchService(tmp_path / "two").search(q, per_page=5)
        assert a["total"] == b["total"]


def test_a_truncated_gzip_is_reported_and_the_build_goes_on(tmp_path: Path) -> None:
    """A .jsonl.gz cut short (an interrupted download) is rejected by name and reason; what it
    held before the cut and every other input are indexed (the progress count once crashed)."""
    whole = gzip.compress(synthetic_corpus(tmp_path / "syn.jsonl", 60).read_bytes())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    proc = run_cli("build", str(cut), "seeds/", index=tmp_path / "ix")
    assert "cut.jsonl.gz" in proc.stderr and "truncated" in proc.stderr
    assert "Traceback" not in proc.stderr
    found = SearchService(tmp_path / "ix").search("dang uy khoi doanh nghiep")
    assert found["hits"][0]["id"] == SEED_ID


def test_update_refused_by_the_lock_does_not_first_announce_its_articles(tmp_path: Path) -> None:
    """`update` printed "N articles expected" and then failed: another build held the lock."""
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    with build_lock(index):  # held by this process, as a running build holds it
        refused = run_cli("update", str(SEEDS), index=index, check=False)
        deleting = run_cli("delete", SEED_ID, index=index, check=False)
    assert refused.returncode == 75 and "expected" not in refused.stderr
    assert f"another build, update or delete (process {os.getpid()}) is running" in refused.stderr
    # a refused takedown is no partial one (exit 1, some ids missing): a script can tell to retry
    assert deleting.returncode == 75 and "nothing was done" in deleting.stderr
    assert "update: " in run_cli("update", str(SEEDS), index=index).stderr  # unlocked, it runs and reports
    assert SearchService(index).article(SEED_ID) is not None


def test_a_file_system_error_is_one_line_and_the_index_stays(tmp_path: Path) -> None:
    """A full disk or a read-only index folder ended `build`, `update` and `delete` in a
    traceback, NumPy's short write saying only "… requested and … written" (bug hunt 92)."""
    index = tmp_path / "ix"
    build_index([SEEDS], index, procs=1)
    (index / "build.lock").unlink()
    (index / "build.lock").mkdir()  # (tests may run as root, whom no file mode stops)
    for args in (("build", str(SEEDS)), ("update", str(SEEDS)), ("delete", SEED_ID)):
        proc = run_cli(*args, index=index, check=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert f"failed: Is a directory: {index / 'build.lock'} (the previous index" in proc.stderr
    assert SearchService(index).article(SEED_ID) is not None
    try:
        raise OSError("84245 requested and 75760 written")
    except OSError as error:
        assert failure_text(error) == "84245 requested and 75760 written (is the disk full?)"
    try:
        raise OSError(28, "No space left on device", "/ix/.tmp-1/_MAIN_1.seg")
    except OSError as error:
        assert failure_text(error) == "No space left on device: /ix/.tmp-1/_MAIN_1.seg"
    try:
        raise ValueError("a bug")
    except ValueError as error:
        assert failure_text(error).startswith("\nTraceback") and "ValueError: a bug" in failure_text(error)
