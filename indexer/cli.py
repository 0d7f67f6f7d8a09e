"""The `vnsearch` command line: build, update, delete, search, show, stats, serve."""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from indexer import __version__
from indexer.generations import BuildFailed, IndexBusy, SwappedIn, os_error_text, stop_on_signals
from indexer.index import (
    BUILD_LIMIT_MB,
    BuildReport,
    IndexUnavailable,
    build_index,
    current_meta,
    default_index_root,
    format_bytes,
    index_stats,
    readable_meta,
)
from indexer.ingest import IngestReport
from indexer.input_files import expected_articles, shown_path
from indexer.model import canonical_id, encodable_id
from indexer.parameters import DAY, MAX_PER_PAGE, MAX_RESULT_WINDOW, SORTS, InvalidParameter
from indexer.schema import body_blocks, public_article
from indexer.search import FIELD_CHOICES, SearchService
from indexer.settings import SettingError
from indexer.updates import delete_articles, update_index

DEFAULT_SEEDS = Path("seeds")
CHANGES_THE_INDEX = ("build", "update", "delete")  # stopped by SIGTERM or SIGHUP as by Ctrl-C: temp folder removed
EXIT_BUSY = 75  # sysexits EX_TEMPFAIL: another build, update or delete holds the index; try again later
QUIET_HELP = "no progress bar or progress lines (the summary is still printed)"


class CliError(Exception):
    """A one-line error for the user; exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    _printable_anywhere()
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    if args.command in CHANGES_THE_INDEX:
        stop_on_signals()
    try:
        return int(args.func(args) or 0)
    except (CliError, IndexUnavailable, InvalidParameter, SettingError) as exc:
        print(f"vnsearch: error: {exc}", file=sys.stderr)
        return 2
    except IndexBusy as exc:
        print(f"vnsearch: {args.command} refused: {exc}", file=sys.stderr)
        return EXIT_BUSY
    except BuildFailed as exc:
        print(f"vnsearch: {args.command} failed: {exc} (the previous index, if any, is untouched)", file=sys.stderr)
        return 1
    except SwappedIn as stop:
        print("vnsearch: interrupted after the new index was swapped in: it is served (older generations are "
              "pruned by the next build)", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt as stop:
        print("vnsearch: interrupted (the previous index, if any, is untouched)", file=sys.stderr)
        return 128 + getattr(stop, "signum", signal.SIGINT)
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a full disk, a read-only index folder
        print(f"vnsearch: {args.command} failed: {os_error_text(exc)} (the previous index, if any, is untouched)",
              file=sys.stderr)
        return 1


def _printable_anywhere() -> None:
    """Text a terminal or pipe cannot encode (PYTHONIOENCODING=ascii, a legacy code page) is
    printed as escapes, not a UnicodeEncodeError traceback: Vietnamese titles are in every
    answer."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


class _Parser(argparse.ArgumentParser):
    """A command's parser whose usage errors carry its `hint`: `vnsearch search -nam` said only
    "the following arguments are required: query", with the fix in --help alone."""

    def __init__(self, *args: Any, hint: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hint = hint

    def error(self, message: str) -> NoReturn:
        if self.hint and ("arguments are required" in message or "unrecognized arguments: -" in message):
            message = f"{message}\n{self.hint}"
        super().error(message)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="vnsearch",
        description="Search Vietnamese news archives: with or without diacritics, any tone style.",
    )
    p.add_argument("--version", action="version", version=f"vnsearch {__version__}")
    sub = p.add_subparsers(title="commands", metavar="COMMAND", dest="command", parser_class=_Parser)

    def index_opt(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument(
            "--index",
            type=Path,
            default=None,
            help="index folder (default: $VNSEARCH_INDEX, else ./var/index)",
        )

    b = sub.add_parser("build", help="rebuild the index from files or folders (atomic swap)")
    b.add_argument("paths", nargs="*", type=Path, help="pages (.txt), .jsonl, .jsonl.gz, or folders (default: seeds/)")
    index_opt(b)
    b.add_argument("--strict", action="store_true", help="fail (and keep the old index) if any input is rejected")
    b.add_argument("--procs", type=_whole(1, 64), default=None,
                   help="writer processes (default: 2, or 1 core if that is all)")
    b.add_argument(
        "--memory-mb",
        type=_megabytes,
        default=BUILD_LIMIT_MB,
        help=f"postings held in memory by all writer processes before they write them apart (default {BUILD_LIMIT_MB})",
    )
    b.add_argument("--quiet", action="store_true", help=QUIET_HELP)
    b.set_defaults(func=cmd_build)

    u = sub.add_parser("update", help="add or replace articles by id without a full rebuild")
    u.add_argument("paths", nargs="+", type=Path, help="pages (.txt), .jsonl, .jsonl.gz, or folders")
    index_opt(u)
    u.add_argument("--strict", action="store_true", help="fail (and keep the index as it was) if any input is rejected")
    u.add_argument("--quiet", action="store_true", help=QUIET_HELP)
    u.set_defaults(func=cmd_update)

    dash_id = "An id starting with '-' goes after '--', options before it: vnsearch {} -- -x"
    d = sub.add_parser("delete", help="delete articles by id without a full rebuild",
                       epilog=dash_id.format("delete"), hint=dash_id.format("delete"))
    d.add_argument(
        "ids",
        nargs="+",
        metavar="ID",
        help="article ids (as `vnsearch show` and the API give them); - reads them from standard input, one a line",
    )
    d.add_argument(
        "--expunge",
        action="store_true",
        help="rewrite the index from its stored articles without them, so no word statistic counts them "
        "(as long as a full build)",
    )
    index_opt(d)
    d.add_argument("--quiet", action="store_true", help=QUIET_HELP)
    d.set_defaults(func=cmd_delete)

    dash = "A query starting with '-' goes after '--', options before it: vnsearch search --limit 5 -- '-nam bộ'"
    s = sub.add_parser("search", help="search and print results", epilog=dash, hint=dash)
    s.add_argument("query")
    s.add_argument("--limit", type=_whole(1, MAX_PER_PAGE), default=10,
                   help=f"results per page (1-{MAX_PER_PAGE}, default 10)")
    s.add_argument("--page", type=_whole(1, MAX_RESULT_WINDOW), default=1,
                   help=f"page of results (from 1, default 1; page × limit at most {MAX_RESULT_WINDOW})")
    s.add_argument("--sort", choices=list(SORTS), default="relevance",
                   help="relevance (default), or by publication time, undated articles last")
    s.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", type=_day,
                   help="published on or after this day, Vietnam time (only dated articles match)")
    s.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", type=_day,
                   help="published on or before this day, Vietnam time (only dated articles match)")
    s.add_argument("--field", choices=list(FIELD_CHOICES), default="all",
                   help="where to search (default all; body is the lead and paragraphs)")
    s.add_argument("--json", action="store_true", help="print exactly the JSON of GET /api/search")
    index_opt(s)
    s.set_defaults(func=cmd_search)

    sh = sub.add_parser("show", help="print one article as parsed and stored", epilog=dash_id.format("show"),
                        hint=dash_id.format("show"))
    sh.add_argument("id")
    sh.add_argument("--json", action="store_true", help="print exactly the JSON of GET /api/articles/ID")
    index_opt(sh)
    sh.set_defaults(func=cmd_show)

    st = sub.add_parser("stats", help="documents, captions, date range, size, build time, versions")
    st.add_argument("--json", action="store_true", help="print the numbers as JSON")
    index_opt(st)
    st.set_defaults(func=cmd_stats)

    sv = sub.add_parser("serve", help="serve the web UI and JSON API with a production WSGI server")
    index_opt(sv)
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sv.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    sv.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    sv.add_argument("--threads", type=int, default=2, help="threads per worker (default 2)")
    sv.set_defaults(func=cmd_serve)
    return p


def _root(args: argparse.Namespace) -> Path:
    """The index folder given (or the default); a file there is a usage error, not a traceback."""
    root = args.index if args.index is not None else default_index_root()
    if root.is_symlink() and not root.exists():
        raise CliError(f"{root} is a broken link, not an index folder")
    if root.exists() and not root.is_dir():
        raise CliError(f"{root} is a file, not an index folder")
    if (blocking := next((p for p in root.parents if p.exists() and not p.is_dir()), None)) is not None:
        raise CliError(f"{blocking} is a file, not a folder (in --index {root})")
    # an index's `current` or one of its generations: a build there nested a whole index inside
    # the generation being served (bug hunt 92)
    generation = root.name.startswith("gen-") and (root / "meta.json").is_file()
    if generation or (root.name == "current" and root.is_symlink()):
        raise CliError(f"{root} is a generation of the index at {root.parent}: give --index {root.parent}")
    return root


# --- build / update ---------------------------------------------------------------------------


class Progress:
    """A tqdm bar with docs/s on a terminal; plain periodic lines otherwise (logs, CI)."""

    def __init__(self, total: int | None, quiet: bool, label: str) -> None:
        self.quiet = quiet
        self.bar = None
        self.count = 0
        self.started = self.last = time.perf_counter()
        self.label = label
        self.expected = None  # a line said with the first articles, not before the build lock is taken
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=" docs", desc=label, dynamic_ncols=True, smoothing=0.1)
        elif not quiet and total is not None:
            self.expected = f"{label}: {total} article{'' if total == 1 else 's'} expected"

    def __call__(self, n: int) -> None:
        self.count += n
        if self.bar is not None:
            self.bar.update(n)
            return
        if self.expected:
            print(self.expected, file=sys.stderr)
            self.expected = None
        now = time.perf_counter()
        if not self.quiet and now - self.last >= 5:
            rate = self.count / (now - self.started)
            print(f"{self.label}: {self.count} articles, {rate:.0f} docs/s", file=sys.stderr)
            self.last = now

    def stage(self, text: str) -> None:
        """All articles are handed over; the index is being written (can take a while)."""
        if self.bar is not None:
            self.bar.set_description(f"{self.label}: {text}")
        elif not self.quiet:
            print(f"{self.label}: {self.count} articles read; {text} …", file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def estimate_total(paths: Sequence[Path]) -> int | None:
    """Articles to expect, for the progress bar (`input_files.expected_articles`); None for none."""
    return expected_articles(paths) or None


def _built(run: Callable[[], BuildReport], report: IngestReport, progress: Progress) -> int:
    """Run a build or an update (`run`) and print what it did. One that fails (nothing
    usable, or `--strict`) lists the files and lines it rejected before its error, as one that
    succeeds lists them: `update` used to print only the summary of their reasons."""
    try:
        build = run()
    except BuildFailed:
        progress.close()
        _print_rejections(report)
        raise
    finally:
        progress.close()
    _print_build(build, report)
    return 0


def _print_rejections(report: IngestReport) -> None:
    for rejection in report.rejections:
        print(f"  rejected {rejection}", file=sys.stderr)


def _print_build(build: BuildReport, report: IngestReport) -> None:
    _print_rejections(report)
    print(report.summary(), file=sys.stderr)
    if report.encodings:
        encodings = ", ".join(f"{name} {n}" for name, n in report.encodings.most_common())
        print(f"encodings: {encodings}", file=sys.stderr)
    print(f"{build.summary()}", file=sys.stderr)
    print(f"index: {build.generation}", file=sys.stderr)


def _named_inputs(paths: Sequence[Path]) -> list[Path]:
    """`paths` as named on the command line, each of which must exist: a mistyped name is a
    usage error before anything is built, where it was one rejection among the files and the
    build went on to replace the index with what the other names held (`news-50k.jsonl.gzz`
    would have dropped the archive, exit 0). Files inside a named folder are still reported
    one by one (`input_files.iter_articles`)."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {', '.join(missing)} (nothing was built; the index is untouched)")
    return list(paths)


def cmd_build(args: argparse.Namespace) -> int:
    if not args.paths and not DEFAULT_SEEDS.is_dir():  # run outside a checkout: a usage error, as a missing name is
        raise CliError(f"no files or folders named, and no {DEFAULT_SEEDS}/ here to build from (nothing was built)")
    paths = _named_inputs(args.paths) or [DEFAULT_SEEDS]
    root = _root(args)
    report = IngestReport()
    progress = Progress(estimate_total(paths), args.quiet, "build")
    return _built(
        lambda: build_index(
            paths, root, procs=args.procs, limit_mb=args.memory_mb, strict=args.strict, progress=progress, report=report
        ),
        report,
        progress,
    )


def cmd_update(args: argparse.Namespace) -> int:
    paths = _named_inputs(args.paths)
    root = _root(args)
    report = IngestReport()
    progress = Progress(estimate_total(paths), args.quiet, "update")
    return _built(lambda: update_index(paths, root, progress=progress, report=report, strict=args.strict), report,
                  progress)


def cmd_delete(args: argparse.Namespace) -> int:
    """Exit 1 when an id is not in the index (like rm), after deleting the others."""
    root = _root(args)
    given = [i for arg in args.ids for i in (_stdin_ids() if arg == "-" else [arg])]
    unreadable = next((n for n, i in enumerate(given, start=1) if not encodable_id(i)), None)
    if unreadable is not None:  # nothing deleted: the list is not what was meant
        raise CliError(f"id {unreadable} of {len(given)} is not UTF-8 text: give the ids (or save the list) as UTF-8")
    ids = [i for i in map(canonical_id, given) if i]
    if not ids:
        raise CliError("no article id given" + (" (standard input was empty)" if "-" in args.ids else ""))
    progress = None
    if args.expunge:  # it writes the articles kept (exactly so when every id is found)
        kept = current_meta(root)[1]["documents"] - len(set(ids))
        progress = Progress(max(kept, 0), args.quiet, "expunge")
    try:
        report = delete_articles(ids, root, expunge=args.expunge, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    print(report.summary(), file=sys.stderr)
    print(f"index: {report.generation}", file=sys.stderr)
    return 1 if report.missing else 0


def _stdin_ids() -> list[str]:
    """A takedown list piped in: one id a line, blank lines skipped (a BOM, as Windows Notepad
    saves one, and odd spaces are read away by `canonical_id`)."""
    return [line for line in sys.stdin if canonical_id(line)]


# --- search / show / stats ---------------------------------------------------------------------

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def render_marked(text: str, color: bool) -> str:
    """Our snippet HTML for a terminal: <mark> as bold yellow (or [brackets]), entities decoded."""
    if color:
        text = _MARK.sub(lambda m: f"\x1b[1;33m{m.group(1)}\x1b[0m", text)
    else:
        text = _MARK.sub(lambda m: f"[{m.group(1)}]", text)
    return html.unescape(text)


def _whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, so that a bad `--limit` is named
    as the option typed, not as the API's `per_page`."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"-?[0-9]+", text):  # as the API reads one: not int()'s "1_0", " 5", "５"
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
        bounds = f"must be from {low} to {high}" if high else f"must be {low} or more"
        if len(text.lstrip("-").lstrip("0")) > 18:  # int() fails on 4,300 digits; no bound is this large
            raise argparse.ArgumentTypeError(bounds)
        value = int(text)
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(bounds)
        return value

    return parse


def _day(text: str) -> str:
    """An argparse type: a day as YYYY-MM-DD, as the API takes one: `--from=` was no filter,
    where the API answers `from=` with invalid_date (bug hunt 77). The search itself refuses
    an impossible day (2021-02-30) and a `--from` after `--to`."""
    if not DAY.fullmatch(text):
        raise argparse.ArgumentTypeError(f"must be a date like 2021-11-05, not {text!r}")
    return text


def _megabytes(text: str) -> float:
    """An argparse type: a number of megabytes from 1, finite (`--memory-mb nan` was a traceback)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 1 <= value < 1e9:  # (NaN fails both)
        raise argparse.ArgumentTypeError("must be a number of megabytes from 1")
    return value


ECHO_CHARS = 200  # of a query echoed back: a pasted 10,000-character one is not repeated whole


def _echoed(text: str) -> str:
    """Query text for the terminal, cut to ECHO_CHARS (the service has taken out control
    characters already: `normalize_query`)."""
    return text if len(text) <= ECHO_CHARS else text[: ECHO_CHARS - 1] + "…"


def cmd_search(args: argparse.Namespace) -> int:
    result = _searched(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_results(result, color=sys.stdout.isatty())
    return 0


def _searched(args: argparse.Namespace) -> dict[str, Any]:
    """The service's answer to `search`'s arguments, its refusals worded as the flags are named."""
    if not encodable_id(args.query):  # as the API's 400 invalid_encoding: `xe m\xe1y` searched "xe m y"
        raise CliError("the query is not UTF-8 text: set the terminal to UTF-8 (or give the query as UTF-8)")
    service = SearchService(_root(args))
    try:
        return service.search(
            args.query,
            page=args.page,
            per_page=args.limit,
            sort=args.sort,
            date_from=args.date_from,
            date_to=args.date_to,
            field=args.field,
        )
    except InvalidParameter as exc:  # --page and --limit are whole from 1: only the window is left
        if exc.code == "invalid_date":  # named as typed here: "--from", not the API's "from"
            raise CliError(re.sub(r"\b(from|to)\b", r"--\1", str(exc), count=2)) from None
        if exc.code != "invalid_page":
            raise
        raise CliError(f"--page × --limit may not exceed {MAX_RESULT_WINDOW}: page {args.page} of {args.limit} "
                       f"ends at result {args.page * args.limit}") from None


def _print_results(result: dict[str, Any], color: bool) -> None:
    """`search`'s answer as text: what was understood, then each hit (bold and dim where `color`)."""
    bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if color else (lambda s: s)
    dim = (lambda s: f"\x1b[2m{s}\x1b[0m") if color else (lambda s: s)
    first = (result["page"] - 1) * result["per_page"]
    noun = "result" if result["total"] == 1 else "results"
    print(dim(f"{result['total']} {noun} ({result['took_ms']:.0f} ms) for “{_echoed(result['query'])}”"))
    if result.get("notice"):  # the query was cut to the limits
        print(f"Searched cut: {result['notice']}")
    if result.get("suggestion"):
        suggestion = result["suggestion"]
        keyboard = suggestion["kind"] == "keyboard"
        label = "Understood as (typed with the input method off)" if keyboard else "Did you mean"
        print(f"{label}: {render_marked(suggestion['html'], color)}")
    if result.get("partial"):
        print("No article holds enough of these words together: the results hold some of them")
    for phrase in result.get("unquoted", []):
        print(f"No article holds “{phrase}” as a phrase: its words searched as if unquoted")
    if result.get("absent"):
        rest = ": results for the other words" if result["total"] else ""
        print(f"In no article: {', '.join(result['absent'])}{rest}")
    for i, hit in enumerate(result["hits"], start=first + 1):
        when = (hit.get("published") or "")[:16].replace("T", " ")
        meta = " · ".join(x for x in (when, hit.get("author") or "", hit["id"]) if x)
        print()
        print(f"{i}. {bold(render_marked(hit['title_html'], color))}")
        print(f"   {dim(meta)}")
        if hit["snippet"]:
            print(f"   {render_marked(hit['snippet'], color)}")
        for cap in hit["captions"]:
            print(f"   📷 {render_marked(cap['html'], color)}")
    if not result["hits"] and result["total"]:
        pages = -(-result["total"] // result["per_page"])
        plural = "s" if pages > 1 else ""
        print(f"Page {result['page']} is past the last: {pages} page{plural} of {result['per_page']}.")
    elif not result["hits"]:
        # as the results page advises: quotes, exclusions, fields and dates only narrow a search
        print("No results. Tips: check the spelling, use fewer or commoner words, or drop \"quotes\", "
              "-exclusions, field: prefixes and dates.")


def cmd_show(args: argparse.Namespace) -> int:
    article = SearchService(_root(args)).article(args.id)
    if article is None:
        raise CliError(f"no article with id {shown_path(args.id)!r}")
    if args.json:
        print(json.dumps(public_article(article), ensure_ascii=False, indent=2))
        return 0
    print(article["title"] + (" (title derived from the lead)" if article.get("title_derived") else ""))
    print(" · ".join(x for x in (article.get("published"), article.get("author"), article.get("source")) if x))
    if article["lead"]:  # a record may have none: no blank lines for it
        print()
        print(article["lead"])
    for kind, text in body_blocks(article):
        print(f"\n  📷 {text}" if kind == "caption" else f"\n{text}")
    if article.get("related"):
        print("\nRelated:")
        for rel in article["related"]:
            print(f"  {rel.get('time') or ''}  {rel['title']}")
    return 0



def cmd_stats(args: argparse.Namespace) -> int:
    stats = index_stats(_root(args))
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    date_range = stats["date_range"]
    rows = [
        ("index", f"{stats['index']} ({stats['generation']})"),
        ("documents", stats["documents"]),
        ("captions", stats["captions"]),
        ("date range", f"{date_range[0]} … {date_range[1]}" if date_range else "(no dates)"),
        ("index size", format_bytes(stats["index_bytes"])),
        ("built at", stats["built_at"] if not stats["full_build_at"]
         else f"{stats['built_at']} by an update or a deletion (the last full build {stats['full_build_at']})"),
        ("build time", f"{stats['build_seconds']} s"),
        ("analyzer", f"version {stats['analyzer_version']} (schema {stats['schema_version']})"),
        ("models", f"mapped, {format_bytes(stats['models_bytes'])}" if stats["models_bytes"] is not None
         else "none: loaded into each server process at start (rebuild to map them)"),
        ("forward", f"mapped, {format_bytes(stats['forward_bytes'])} (the re-rank's words, quoted phrases' marks)"
         if stats["forward_bytes"] is not None
         else "none: the re-rank reads stored text, quoted phrases match any marks (rebuild to write it)"),
        ("postings", f"flat, mapped, {format_bytes(stats['flat_postings_bytes'])}"
         if stats["flat_postings_bytes"] is not None else "none: decoded from Whoosh's files (rebuild to write them)"),
        ("articles", f"packed, mapped, {format_bytes(stats['packed_stored_bytes'])}"
         if stats["packed_stored_bytes"] is not None else "Whoosh's stored column (rebuild to pack them)"),
    ]
    for name, value in rows:
        print(f"{name:>11}: {value}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from webui.server import serve

    root = _root(args)
    SearchService(root)  # its settings read once here: a bad one is said before any worker starts
    if not (root / "current").exists():  # started before the first build (a container, a unit)
        print(f"vnsearch: no index at {root} yet: every request is answered 503 until "
              f"'vnsearch build --index {root}' makes one", file=sys.stderr)
    else:  # a damaged one is named, as by every command: it was served as "try again later" (bug hunt 82)
        readable_meta(root)
    return serve(root, host=args.host, port=args.port, workers=args.workers, threads=args.threads)
