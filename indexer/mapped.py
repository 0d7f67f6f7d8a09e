"""Read-only model files that a server opens with mmap instead of loading.

The "did you mean" models, the typo index and the titles for search-as-you-type are written
once per index generation at build time (`vnsearch build`), into the generation's ``models/``
folder. A server process maps them instead of building Python dicts and lists from
readings.json.gz and catalog.json.gz: they cost almost no private (anonymous) memory per worker,
every worker shares their pages through the page cache, and opening them takes milliseconds
instead of seconds (first answer, CLI start-up).

The formats are libraries' own: marisa-trie's static tries (string -> dense id, ``.mmap()``)
and NumPy ``.npy`` arrays indexed by those ids (``np.load(mmap_mode="r")``). Strings by id
(`StringColumn`) are one UTF-8 file plus a ``.npy`` of offsets.
"""

from __future__ import annotations

import json
import mmap
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import marisa_trie
import numpy as np

MODELS_DIR = "models"  # inside a generation folder
MODELS_VERSION = 1  # bump when a file's layout changes: older folders are then not used
MANIFEST = "manifest.json"


def segment_stem(reader: Any, layout: str) -> Path | None:
    """Where a Whoosh segment's own copy in `layout` ("pfl2", "sto1"...) lives: the stem
    ``<folder>/<segment id>.<layout>`` its files are named from, beside the segment's files
    (Whoosh's `clean_files` leaves them alone); None when the segment is not in a folder."""
    folder = getattr(reader._storage, "folder", None)
    return None if folder is None else Path(folder) / f"{reader.segment().segment_id()}.{layout}"


def layout_bytes(folder: Path, layout: str) -> int | None:
    """Bytes of a generation's per-segment files in `layout` (`vnsearch stats`), or None when
    it has none (an index built before that layout)."""
    files = [p for p in folder.glob(f"*.{layout}.*") if p.is_file()]
    return sum(p.stat().st_size for p in files) if files else None


def save_array(path: Path, array: Any) -> None:
    np.save(path, np.ascontiguousarray(array), allow_pickle=False)


def load_array(path: Path) -> np.ndarray:
    """A read-only view of a ``.npy`` file, paged in from the page cache as it is read (a
    plain ndarray over the map: np.memmap's slicing costs ~10x more per call)."""
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


def values(path: Path) -> Sequence[Any]:
    """A mapped ``.npy`` array as a memoryview: indexing it gives Python ints and floats
    (a NumPy scalar per lookup would be ~5x slower and would change nothing else)."""
    array = load_array(path)
    return memoryview(array) if array.size else memoryview(np.zeros(0, dtype=array.dtype))


def save_trie(path: Path, keys: Iterable[str]) -> marisa_trie.Trie:
    trie = marisa_trie.Trie(keys)
    trie.save(str(path))
    return trie


def open_trie(path: Path) -> marisa_trie.Trie:
    trie = marisa_trie.Trie()
    trie.mmap(str(path))
    return trie


def trie_id(trie: marisa_trie.Trie, key: str) -> int | None:
    """`trie.get(key)`; None for a key with a lone surrogate, which marisa cannot encode and
    which no key (written as UTF-8) can be: unknown, as a dict would say."""
    try:
        return trie.get(key)
    except UnicodeEncodeError:
        return None


def trie_keys(trie: marisa_trie.Trie) -> list[str]:
    """Every key of `trie`, in the order of their ids."""
    keys = [""] * len(trie)
    for key, i in trie.iteritems():
        keys[i] = key
    return keys


class StringColumn:
    """Strings by position, from ``NAME.utf8`` (all of them, concatenated) and
    ``NAME.offsets.npy`` (n + 1 byte offsets). `find` searches the whole text in C."""

    def __init__(self, folder: Path, name: str) -> None:
        self._offsets = values(folder / f"{name}.offsets.npy")
        path = folder / f"{name}.utf8"
        self._text: bytes | mmap.mmap = b""
        if path.stat().st_size:
            with path.open("rb") as f:
                self._text = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)

    @staticmethod
    def write(folder: Path, name: str, strings: Iterable[str]) -> None:
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        if offsets[-1] < 2**31:
            offsets = offsets.astype(np.int32)  # half the size for the usual columns
        (folder / f"{name}.utf8").write_bytes(b"".join(encoded))
        save_array(folder / f"{name}.offsets.npy", offsets)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self._text[self._offsets[i] : self._offsets[i + 1]].decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))

    def bounds(self, i: int) -> tuple[int, int]:
        """Byte offsets of string `i` in the whole text."""
        return self._offsets[i], self._offsets[i + 1]

    def find(self, needle: bytes, start: int = 0) -> int:
        """Byte offset of the next `needle` in the whole text from `start`, or -1."""
        return self._text.find(needle, start)

    def row_at(self, offset: int) -> int:
        """The string that the byte at `offset` belongs to."""
        return int(np.searchsorted(np.asarray(self._offsets), offset, side="right")) - 1


def write_manifest(folder: Path, **facts: Any) -> None:
    """Written last: a models folder without it (or of another version) is not used."""
    (folder / MANIFEST).write_text(json.dumps({"version": MODELS_VERSION, **facts}, indent=2), encoding="utf-8")


def models_folder(generation: Path) -> Path | None:
    """A generation's models folder when it is complete and of this version, else None (an
    index built before the models were written: they are then loaded into memory)."""
    folder = generation / MODELS_DIR
    return folder if read_manifest(folder) is not None else None


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a complete models folder of this version, else None."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("version") == MODELS_VERSION else None
