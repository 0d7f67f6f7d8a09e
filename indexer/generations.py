"""Where an index lives on disk, and how a new generation of it replaces the one served.

An index root holds one folder per generation, a ``current`` symlink to the one being served
and a lock::

    build.lock            lockf'ed by the one build/update running (released if it dies)
    current -> gen-…      symlink to the generation being served; swapped atomically
    gen-20261124T231500-3f2a/   a complete index (what is in it: indexer.index)
    .tmp-…/               a build in progress; removed on failure, and by the next build if
                          a killed build left it behind

Why: a build never writes into the index being served. It fills a temp folder
(`generation_in_progress`), and only then renames it and swaps the ``current`` symlink
(`publish`: ``os.replace`` is atomic), so a reader never sees a half-built index and a failed or
killed build leaves the old one whole. The previous generation is kept so a server that has it
open can finish its requests; every other is pruned (`_prune_generations`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import shutil
import signal
import traceback
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any


class BuildFailed(Exception):
    """The build produced no index; the previous one (if any) is untouched."""


class IndexBusy(BuildFailed):
    """Another build, update or delete holds the index's lock: nothing was done, and the same
    command may simply be run again later (its own exit status: a takedown script read the
    refused `delete` as one whose ids were partly missing, bug hunt 92)."""


def os_error_text(error: OSError) -> str:
    """An OSError in one line, in the system's words and with the file it names: a full disk
    or a read-only index folder ended `build`, `update` and `delete` in a traceback, and
    NumPy's short write says only "84245 requested and 75760 written" (bug hunt 92)."""
    if error.errno is None:
        return f"{error} (is the disk full?)"
    return f"{error.strerror}: {error.filename}" if error.filename else str(error.strerror)


def failure_text(error: BaseException) -> str:
    """What a build's helper process reports of its failure: an OSError in one line
    (`os_error_text`), anything else as its traceback, on lines of its own."""
    return os_error_text(error) if isinstance(error, OSError) else "\n" + traceback.format_exc()


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """One build or update per index root. A POSIX record lock (lockf) belongs to this process
    alone: the kernel drops it when the process dies, and unlike flock the writer's forked
    worker processes do not inherit it, so a killed build never leaves a stale lock behind."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "build.lock", "a+") as lock_file:
        try:
            fcntl.lockf(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock_file.seek(0)
            holder = lock_file.read().strip()
            by = f" (process {holder})" if holder.isdigit() else ""
            raise IndexBusy(f"another build, update or delete{by} is running on {root}: nothing was done, "
                            "run it again when that one has ended") from None
        lock_file.truncate(0)
        lock_file.write(str(os.getpid()))
        lock_file.flush()
        try:
            yield
        finally:
            fcntl.lockf(lock_file, fcntl.LOCK_UN)


def _remove_stale_temp(root: Path) -> None:
    """Called with the build lock held, so every temp folder, and every link made to be renamed
    ``current``, is an abandoned build's."""
    for tmp in root.glob(".tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for link in root.glob(".current-*"):
        link.unlink(missing_ok=True)


def _new_temp(root: Path) -> Path:
    tmp = root / f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    return tmp


@contextlib.contextmanager
def generation_in_progress(root: Path) -> Iterator[Path]:
    """A fresh temp folder for a new generation, removed if anything goes wrong before
    `publish` renames it into place. Called with the build lock held."""
    _remove_stale_temp(root)
    tmp = _new_temp(root)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def publish(root: Path, tmp: Path) -> Path:
    """Rename the finished generation in `tmp` into place, point ``current`` at it and prune
    every generation but it and the one it replaces (`_prune_generations`). Returns its folder.
    Interrupted once ``current`` points at it, `SwappedIn`: the new index is served."""
    previous = current_link(root)
    gen = root / f"gen-{datetime.now().strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
    tmp.rename(gen)
    _fsync_dir(root)
    link_tmp = root / f".current-{secrets.token_hex(4)}"
    os.symlink(gen.name, link_tmp)
    os.replace(link_tmp, root / "current")
    try:
        _fsync_dir(root)
        _prune_generations(root, keep={gen.name, previous})
    except KeyboardInterrupt as interrupt:
        raise SwappedIn(getattr(interrupt, "signum", signal.SIGINT)) from None
    return gen


class Interrupted(KeyboardInterrupt):
    """A build, update or delete stopped by a signal (`signum`): SIGTERM (`systemctl stop`,
    `timeout`) and SIGHUP (a closed terminal) as SIGINT is, its temp folder removed and the
    index served untouched; they left a temp folder of the index's size, without a word (bug
    hunt 92). The command line sets this up (`stop_on_signals`)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signum)
        self.signum = signum


class SwappedIn(Interrupted):
    """Interrupted after the swap: the new generation is served; the older ones are pruned by
    the next build, update or delete. (Said as "the previous index is untouched", bug hunt 92.)"""


def stop_on_signals() -> None:
    """Make SIGTERM and SIGHUP interrupt this process as Ctrl-C does (`Interrupted`)."""

    def interrupt(signum: int, _frame: Any) -> None:
        raise Interrupted(signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune_generations(root: Path, keep: set[str | None]) -> None:
    """Remove every generation folder not named in `keep`: the one swapped in, and the one it
    replaced, which a server may still be answering from until it sees the swap. By name, not
    by age: by age, a generation that a build killed between its rename and the swap had put
    in place, never served, was kept, and the one served until then removed (bug hunt 92)."""
    for gen in root.glob("gen-*"):
        if gen.name not in keep and gen.is_dir():
            shutil.rmtree(gen, ignore_errors=True)


def current_generation(root: Path) -> Path | None:
    """The folder of the generation being served, None without one."""
    link = current_link(root)
    return None if link is None else linked_generation(root, link)


def current_link(root: Path) -> str | None:
    """The text of the ``current`` symlink (a generation's name), None without one: one system
    call, so a server can ask on every request whether a build has swapped in another
    generation (resolving the path as well took ~8 and was a tenth of a cached answer's CPU).
    A generation's name is never used twice (`publish`), so the same text is the same one."""
    try:
        return os.readlink(Path(root) / "current")
    except OSError:
        return None


def linked_generation(root: Path, link: str) -> Path | None:
    """The folder a ``current`` link's text names, None when it is not one."""
    gen = (Path(root) / link).resolve()
    return gen if gen.is_dir() else None


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())
