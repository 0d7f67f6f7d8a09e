"""Coverage-guided fuzzing of vnsearch's input parsers with atheris (libFuzzer). Not run in CI.

    pip install atheris
    python bench/fuzz_atheris.py [TARGET] [-atheris_runs=200000] [-max_total_time=120] [corpus_dir]

TARGET is one of ``query`` (parse_query + building the Whoosh query), ``page`` (decode_bytes +
parse_page), ``record`` (JSON decoding + parse_jsonl_record), ``all`` (the default: the first
byte picks one). Anything but the documented errors (IngestError for inputs that cannot become
an article) is a crash, which libFuzzer reports with the input that caused it. libFuzzer
prints the number of inputs tried (``#N DONE``) when it stops.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import atheris

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

with atheris.instrument_imports():
    from indexer.ingest import IngestError, decode_bytes, parse_jsonl_record, parse_page
    from indexer.query import ABBREVIATIONS_FILE, Abbreviations, parse_query
    from indexer.ranking import QueryBuilder

ABBREVIATIONS = Abbreviations([ABBREVIATIONS_FILE])


def fuzz_query(data: bytes) -> None:
    """Any text is a query: parse it and build the Whoosh query, never an exception."""
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    parsed = parse_query(text)
    if not parsed.is_empty:
        builder = QueryBuilder(parsed, ABBREVIATIONS)
        builder.query()
        builder.query(relaxed=True)


def fuzz_page(data: bytes) -> None:
    """Bytes of a scraped page: decoded and parsed, or refused with IngestError."""
    with contextlib.suppress(IngestError):
        text, encoding = decode_bytes(data)
        parse_page(text, id="fuzz", encoding=encoding)


def fuzz_record(data: bytes) -> None:
    """A JSON Lines line: decoded and parsed, or refused with IngestError (json errors are the
    reader's to report, as iter_articles does)."""
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError):
        return
    with contextlib.suppress(IngestError):
        parse_jsonl_record(obj, source="fuzz.jsonl", line=1)


TARGETS = {"query": fuzz_query, "page": fuzz_page, "record": fuzz_record}


def fuzz_all(data: bytes) -> None:
    if not data:
        return
    list(TARGETS.values())[data[0] % len(TARGETS)](data[1:])


def main() -> None:
    """Pick the target from the first argument (if it names one) and hand the rest to libFuzzer."""
    args = list(sys.argv)
    target = fuzz_all
    if len(args) > 1 and args[1] in (*TARGETS, "all"):
        target = TARGETS.get(args.pop(1), fuzz_all)
    atheris.Setup(args, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
