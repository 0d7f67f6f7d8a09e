"""Reading inputs: the folders, pages and JSON Lines files a build is given, walked in a
stable order, each file's encoding detected, oversized and broken inputs refused by name and
reason (`IngestReport`), and the rest parsed by `indexer.ingest`'s rules (`parse_page`,
`parse_jsonl_record`) into `Article` records. One bad file never spoils a build."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from indexer.analysis import normalize_text
from indexer.encodings import UndecodableError, decode_as, detect_encoding
from indexer.ingest import IngestError, IngestReport, decode_bytes, parse_jsonl_record, parse_page
from indexer.model import Article, encodable_id

# A page or a JSON Lines record larger is refused: a scraped article is a few KB (news-50k's
# largest record is 50 KB), and one of 44 MB (a site dump, an embedded image) took 2.4 GB to
# build and 3-5 s of CPU in every search that matched it.
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
JSONL_DETECT_BYTES = 64 * 1024

# --- walking files ------------------------------------------------------------------------------


JSON_LINES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")  # ".ndjson": the same format, another name


def _kind(name: str) -> str | None:
    """"page", "jsonl", or None for a file that is no input. `.ndjson` files in a folder were
    skipped with a count, `--strict` passing, and a rebuild dropped them (bug hunt 92)."""
    lower = name.lower()
    if lower.endswith(".txt"):
        return "page"
    if lower.endswith(JSON_LINES):
        return "jsonl"
    return None


def _extension(name: str) -> str:
    suffixes = Path(name).suffixes
    return "".join(suffixes[-2:]) if suffixes else "(none)"


def _walk(root: Path) -> Iterator[tuple[Path, OSError | None]]:
    """Entries under `root` that are no folder (files, and what is neither: a broken link, a
    named pipe), sorted by name at each level, each with None; a folder that cannot be read,
    with why. Hidden entries (".git", an editor's swap files) and linked folders (which may
    loop) are left out. An unreadable folder was passed over without a word, `--strict` too,
    and a rebuild dropped its articles from the index (bug hunt 92)."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as error:
        yield root, error
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif not _linked_folder(entry):
            yield Path(entry.path), None


def _linked_folder(entry: os.DirEntry[str]) -> bool:
    """Whether a folder entry is a link to a folder; not a link that loops ("latest -> latest"),
    which is then reported by name as a broken link: `is_dir` raised on it, and one such link
    ended the build with a traceback that named no file (bug hunt 76)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def expected_articles(paths: Sequence[str | Path]) -> int:
    """About how many articles `iter_articles` will read from `paths`, for a progress bar:
    a page each, a JSON Lines file its lines. Only regular files are opened: anything else may
    block (a named pipe hung `build` before it said a word); an unreadable one counts nothing."""
    total = 0
    for given in paths:
        path = Path(given)
        for file, unread in _walk(path) if path.is_dir() else [(path, None)]:
            kind = _kind(file.name)
            if unread or kind is None or not file.is_file():
                continue
            if kind == "page":
                total += 1
                continue
            try:
                with _open_binary(file) as raw:
                    total += sum(chunk.count(b"\n") for chunk in iter(lambda raw=raw: raw.read(1 << 20), b""))
            except (OSError, EOFError, zlib.error):  # the build reports the file
                continue
    return total


GZIP_MAGIC = b"\x1f\x8b"
NOT_AN_INPUT = "not an input: name pages *.txt, JSON Lines *.jsonl or *.ndjson (either may be gzipped: *.jsonl.gz)"


def iter_articles(paths: Sequence[str | Path], report: IngestReport) -> Iterator[Article]:
    """Yield the articles of files and folders (recursively, sorted). ``*.txt`` are pages,
    ``*.jsonl`` / ``*.jsonl.gz`` (or ``*.ndjson``) JSON Lines; other files in a folder are counted as skipped, and
    a file named on its own that is neither is rejected by name (`build news.json` dropped it
    with a count, `--strict` passing: bug hunt 70). Bad input never raises: it is recorded in
    `report` and the walk goes on. Streams: JSON Lines are read line by line, so a large archive
    is never held in memory."""
    seen: dict[str, str] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file, unread in _walk(path):
                source = shown_path(file.relative_to(path).as_posix() if file != path else str(given))
                if unread:
                    report.reject(f"{source}/", None, f"cannot read the folder: {unread.strerror or unread}")
                    continue
                yield from _ingest_file(file, source, report, seen)
        elif path.is_file() and _kind(path.name) is None:
            report.reject(shown_path(path.name), None, NOT_AN_INPUT)
        elif path.is_file():
            yield from _ingest_file(path, shown_path(path.name), report, seen)
        elif path.exists():
            report.reject(shown_path(str(given)), None, "not a regular file or folder")
        else:
            report.reject(shown_path(str(given)), None, "no such file or folder")


def shown_path(text: str) -> str:
    r"""A path as text to report and store: the bytes of a name that are no UTF-8 (a Windows
    zip's "tin_t\xe1.txt"), which Python reads as lone surrogates that nothing can print, store
    or send, as \xNN escapes. A folder so named made every article page in it a 500."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _ingest_file(path: Path, source: str, report: IngestReport, seen: dict[str, str]) -> Iterator[Article]:
    kind = _kind(path.name)
    if kind is None:
        report.skipped += 1
        report.skipped_extensions[_extension(path.name)] += 1
        return
    if not path.is_file():  # in a folder: said, not dropped
        vanished = not path.exists() and not path.is_symlink()  # a scraper rotating its files
        report.reject(source, None, "broken link" if path.is_symlink() and not path.exists() else
                      "no such file (removed during the build?)" if vanished else "not a regular file")
        return
    report.files += 1
    articles = _read_page(path, source, report) if kind == "page" else _read_jsonl(path, source, report)
    for article, line in articles:
        first = seen.get(article.id)
        if first is not None:
            report.reject(source, line, f"duplicate id {article.id} (first seen in {first})")
            continue
        seen[article.id] = source if line is None else f"{source}:{line}"
        report.accepted += 1
        yield article


def _read_page(path: Path, source: str, report: IngestReport) -> Iterator[tuple[Article, int | None]]:
    if not encodable_id(path.name):  # its id is its name: the index could not store it
        report.reject(source, None, "file name is not UTF-8: rename it (the page's id is its name)")
        return
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            report.reject(source, None, f"too large for a page ({size / 1e6:.0f} MB)")
            return
        data = path.read_bytes()
    except OSError as e:
        report.reject(source, None, f"cannot read: {e.strerror or e}")
        return
    if not data.strip():
        report.reject(source, None, "empty file")
        return
    try:
        text, encoding = decode_bytes(data)
    except IngestError as e:
        report.reject(source, None, str(e))
        return
    report.encodings[encoding] += 1
    if not normalize_text(text).strip():
        report.reject(source, None, "empty file")
        return
    try:
        article = parse_page(text, id=path.name[: -len(".txt")], source=source, encoding=encoding)
    except IngestError as e:
        report.reject(source, None, str(e))
        return
    yield article, None


def _open_binary(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _jsonl_lines(path: Path, encoding: str, lone_cr: bool = False) -> Iterator[str | bytes]:
    """Raw lines: text for UTF-16 (its newlines are two bytes), bytes otherwise. `lone_cr`: the
    file ends its lines with a CR alone (old Mac OS), which a JSON text never holds raw: read
    as line breaks too (only the first record was read, the rest rejected with it as one). A CR
    alone inside a line of a file that ends others with LF (files joined with `cat`) is a break
    as well: its records were rejected as one invalid line (bug hunt 70)."""
    newline = None if lone_cr else "\n"
    with _open_binary(path) as raw:
        if lone_cr and encoding != "utf-16":  # Latin-1 maps bytes to characters one for one
            for line in _bounded_lines(io.TextIOWrapper(raw, encoding="latin-1", newline=None)):
                yield line if isinstance(line, _Oversized) else line.encode("latin-1")
        elif encoding == "utf-16":
            prefix = raw.read(2)
            raw.seek(0)
            codec = "utf-16" if prefix in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else None
            if codec is None:
                sample = raw.read(JSONL_DETECT_BYTES)
                raw.seek(0)
                codec = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
            yield from _bounded_lines(io.TextIOWrapper(raw, encoding=codec, errors="strict", newline=newline))
        else:
            for line in _bounded_lines(raw):
                if isinstance(line, _Oversized) or b"\r" not in line.rstrip(b"\r\n"):
                    yield line
                else:
                    yield from line.replace(b"\r\n", b"\n").replace(b"\r", b"\n").splitlines(keepends=True)


class _Oversized(int):
    """A line longer than MAX_ARTICLE_BYTES, read past, not kept: its length."""


def _bounded_lines(stream: Any) -> Iterator[Any]:
    """The lines of `stream` (bytes or text), each read up to MAX_ARTICLE_BYTES: a longer
    one is an `_Oversized`, read past in pieces (a 2.4 MB .jsonl.gz holding one 1.26 GB line
    took 2.5 GB of memory to refuse)."""
    newline = "\n" if isinstance(stream, io.TextIOBase) else b"\n"
    while line := stream.readline(MAX_ARTICLE_BYTES + 1):
        if len(line) <= MAX_ARTICLE_BYTES or line.endswith(newline):
            yield line
            continue
        size = len(line)
        while (piece := stream.readline(1 << 20)) and not piece.endswith(newline):
            size += len(piece)
        yield _Oversized(size + len(piece))


def _detection_prefix(path: Path) -> tuple[bytes, bool]:
    """Up to JSONL_DETECT_BYTES of the file, to detect its encoding, and whether that is all of
    it. Read by lines: a truncated .gz raises at its cut (a read of many bytes raises before
    returning any), and a small one is cut within the prefix; the lines before the cut are
    kept, so they are read and the cut is reported at its line, as in a large file. Raises
    only when nothing can be read."""
    pieces: list[bytes] = []
    size = 0
    with _open_binary(path) as raw:
        while size < JSONL_DETECT_BYTES:
            try:
                piece = raw.readline(JSONL_DETECT_BYTES - size)
            except (EOFError, zlib.error):
                if not pieces:
                    raise
                return b"".join(pieces), True
            if not piece:
                break
            pieces.append(piece)
            size += len(piece)
    return b"".join(pieces), size < JSONL_DETECT_BYTES


def _read_jsonl(path: Path, source: str, report: IngestReport) -> Iterator[tuple[Article, int | None]]:
    """The records of a JSON-lines file, each with its line number; every line that is not one
    is reported by number and reason, and reading goes on (a cut or corrupt file: up to where
    it breaks)."""
    detected = _jsonl_encoding(path, source, report)
    if detected is None:
        return
    encoding, lone_cr = detected
    line_codec = "utf-8" if encoding == "utf-8-sig" else encoding
    number = 0
    blank = True  # only blank lines so far
    try:
        for number, raw_line in enumerate(_jsonl_lines(path, encoding, lone_cr), start=1):
            if isinstance(raw_line, _Oversized):
                report.reject(source, number, f"too large for a record ({raw_line / 1e6:.0f} MB)")
                blank = False
                continue
            text = _line_text(raw_line, line_codec)
            if text is None:
                report.reject(source, number, f"undecodable line (file detected as {encoding})")
                blank = False
                continue
            if not text.strip():
                continue
            blank = False
            article, why = _jsonl_record(text, source, number)
            if article is None:
                report.reject(source, number, why)
                continue
            article.encoding = encoding
            yield article, number
    except (OSError, EOFError, zlib.error) as e:
        report.reject(source, number + 1, f"cannot read further (corrupt or truncated file: {e})")
    except UnicodeDecodeError:
        report.reject(source, number + 1, f"undecodable text (file detected as {encoding}); rest of file skipped")
    else:
        if blank:  # e.g. whitespace that only decodes as such (NULs read as UTF-16)
            report.reject(source, None, "empty file")


def _jsonl_encoding(path: Path, source: str, report: IngestReport) -> tuple[str, bool] | None:
    """The encoding of a JSON-lines file, detected from its first bytes, and whether it ends
    its lines with a CR alone; None, reported, for a file that cannot be read, holds nothing
    or decodes as no encoding we read."""
    try:
        prefix, complete = _detection_prefix(path)
    except (OSError, EOFError, zlib.error) as e:
        report.reject(source, None, f"cannot read: {getattr(e, 'strerror', None) or e}")
        return None
    if not prefix.strip():
        report.reject(source, None, "empty file")
        return None
    if prefix.startswith(GZIP_MAGIC):  # "binary file" said nothing of the fix (bug hunt 92)
        name = "compressed twice" if path.name.lower().endswith(".gz") else "gzip-compressed: name it *.jsonl.gz"
        report.reject(source, None, name)
        return None
    try:
        encoding = detect_encoding(prefix, complete=complete, lines=True)
    except UndecodableError as e:
        report.reject(source, None, str(e))
        return None
    report.encodings[encoding] += 1
    return encoding, b"\r" in prefix and b"\n" not in prefix


def _line_text(raw_line: str | bytes, codec: str) -> str | None:
    """A line as text, without a BOM (any line's: files each saved with one, then joined with
    `cat`); None where its bytes do not decode."""
    if isinstance(raw_line, bytes):
        try:
            raw_line = decode_as(raw_line, codec)
        except (UnicodeDecodeError, ValueError):
            return None
    return raw_line.lstrip("\ufeff")


def _jsonl_record(text: str, source: str, number: int) -> tuple[Article | None, str]:
    """The article a line's JSON text holds, or None and why it holds none. Read without its
    line ending: a line cut short inside a string was "Invalid control character" (its newline),
    where it is an unterminated string (bug hunt 92)."""
    try:
        obj = json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as e:
        return None, f"invalid JSON: {e.msg} (column {e.colno})"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    try:
        return parse_jsonl_record(obj, source=source, line=number), ""
    except IngestError as e:
        return None, str(e)
