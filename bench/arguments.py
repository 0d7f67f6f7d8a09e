"""Argument types the bench scripts share: a count or a duration of 0 or less is a usage
error, not a silently different run (`--subset 0` ran the whole set, `--passes 0` printed nan);
and the service of a `--code` checkout over an `--index` (`use_code`, `open_service`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def positive_int(text: str) -> int:
    """An argparse `type` for a count of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def positive_float(text: str) -> float:
    """An argparse `type` for a duration in seconds, more than 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
    return value


def use_code(code: Path) -> None:
    """Import `indexer` from the checkout `code` from now on (its folder first on sys.path): an
    older commit's, from a `git worktree`, measured in one session beside this one's."""
    sys.path.insert(0, str(code.resolve()))


def open_service(ap: argparse.ArgumentParser, index: Path) -> Any:
    """A `SearchService` over `index` (of the code `use_code` chose), its generation opened; an
    index it cannot read is a usage error in one line, not a traceback."""
    from indexer.index import IndexUnavailable
    from indexer.search import SearchService

    service = SearchService(index)
    try:
        service.generation()
    except IndexUnavailable as exc:
        ap.error(f"--index: {exc}")
    return service


def add_corpus_and_index(ap: argparse.ArgumentParser, repo: Path) -> None:
    """--corpus, --index and --code, of a script that measures a checkout's code (`--code`,
    default `repo`) on an index of a corpus it reads too."""
    ap.add_argument("--corpus", type=Path, required=True, help="the JSON Lines corpus the index was built from")
    ap.add_argument("--index", type=Path, required=True, help="an index root the code measured can read")
    ap.add_argument("--code", type=Path, default=repo, help="checkout whose indexer/ is measured")


def measured_service(ap: argparse.ArgumentParser, args: argparse.Namespace) -> Any:
    """The `SearchService` that `add_corpus_and_index`'s arguments ask for (`use_code`,
    `open_service`); a corpus that is not there is a usage error."""
    if not args.corpus.is_file():
        ap.error(f"--corpus: no such file: {args.corpus}")
    use_code(args.code)
    return open_service(ap, args.index)
