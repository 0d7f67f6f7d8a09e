"""The restoration model as files a server maps instead of loading (`Restorer.save` writes
them at build time, `Restorer.open` reads them): tries of the lowercase syllables, pairs and
folded syllables, and by id NumPy arrays of counts and flags, through `indexer.mapped`.
Apart from `indexer.restoration` because how the model is stored is not how it decodes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from indexer.mapped import StringColumn, open_trie, save_array, save_trie, trie_id, trie_keys, values

if TYPE_CHECKING:
    from indexer.restoration import Counts

_IN_INDEX, _IN_GENERAL, _SUCC_INDEX, _SUCC_GENERAL, _MASS = 1, 2, 4, 8, 16
_PREFIX = "restoration"
_MISSING = object()


class _Column(Mapping[str, Any]):
    """The keys of a trie whose flag has `bit`, with their values: a read-only dict of
    mapped files."""

    def __init__(self, trie: Any, flags: Sequence[int], bit: int, values: Sequence[Any], size: int) -> None:
        self._trie, self._flags, self._bit, self._values, self._size = trie, flags, bit, values, size

    def get(self, key: str, default: Any = None) -> Any:
        i = trie_id(self._trie, key)
        if i is None or not self._flags[i] & self._bit:
            return default
        return self._values[i]

    def __getitem__(self, key: str) -> Any:
        found = self.get(key, _MISSING)
        if found is _MISSING:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _MISSING) is not _MISSING

    def __iter__(self) -> Iterator[str]:
        flags, bit = self._flags, self._bit
        return (key for key, i in self._trie.iteritems() if flags[i] & bit)

    def __len__(self) -> int:
        return self._size


class _TrieMapping(Mapping[str, Any]):
    """A read-only dict of mapped files whose keys are a trie's keys, each with the value
    `_value` gives for its id."""

    def __init__(self, trie: Any) -> None:
        self._trie = trie

    def _value(self, i: int) -> Any:
        raise NotImplementedError

    def get(self, key: str, default: Any = None) -> Any:
        i = trie_id(self._trie, key)
        return default if i is None else self._value(i)

    def __getitem__(self, key: str) -> Any:
        i = trie_id(self._trie, key)
        if i is None:
            raise KeyError(key)
        return self._value(i)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and trie_id(self._trie, key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._trie.keys())

    def __len__(self) -> int:
        return len(self._trie)


class _Cased(_TrieMapping):
    """`Counts.cased` from mapped files: a trie of the lowercase keys, their printed forms by id."""

    def __init__(self, trie: Any, forms: StringColumn) -> None:
        super().__init__(trie)
        self._forms = forms

    def _value(self, i: int) -> str:
        return self._forms[i]


class _Candidates(_TrieMapping):
    """`Restorer.by_fold` from mapped files: folded syllable -> its accented readings."""

    def __init__(self, folds: Any, offsets: Sequence[int], ids: Sequence[int], syllables: Any) -> None:
        super().__init__(folds)
        self._offsets, self._ids, self._syllables = offsets, ids, syllables

    def _value(self, i: int) -> list[str]:
        restore = self._syllables.restore_key
        return [restore(self._ids[j]) for j in range(self._offsets[i], self._offsets[i + 1])]


class MappedCounts:
    """`Counts` read from mapped files: the same attributes, as read-only mappings."""

    def __init__(
        self,
        unigrams: Mapping[str, int],
        bigrams: Mapping[str, int],
        cased: Mapping[str, str],
        total: int,
        successors: Mapping[str, int],
    ) -> None:
        self.unigrams, self.bigrams, self.cased, self.total, self.successors = (
            unigrams, bigrams, cased, total, successors
        )
        self.caseless: frozenset[str] = frozenset()  # printed case is counted everywhere in the index


class MappedModel:
    """A Restorer's tables as files in one folder: tries of the lowercase syllables, pairs and
    folded syllables (string -> id), and by id NumPy arrays of counts and flags (which model
    has the key) and columns of printed forms. Opening maps them: ~no private memory."""

    def __init__(self, folder: Path) -> None:
        def path(name: str) -> Path:
            return folder / f"{_PREFIX}.{name}"

        facts = json.loads(path("json").read_text(encoding="utf-8"))
        syllables, pairs = open_trie(path("unigrams.marisa")), open_trie(path("bigrams.marisa"))
        uni_flags, bi_flags = values(path("uni-flags.npy")), values(path("bi-flags.npy"))

        def counts(name: str, bit: int) -> MappedCounts:
            sizes = facts[name]
            return MappedCounts(
                unigrams=_Column(syllables, uni_flags, bit, values(path(f"uni-{name}.npy")), sizes["unigrams"]),
                bigrams=_Column(pairs, bi_flags, bit, values(path(f"bi-{name}.npy")), sizes["bigrams"]),
                cased=_Cased(open_trie(path(f"cased-{name}.marisa")), StringColumn(folder, f"{_PREFIX}.cased-{name}")),
                total=sizes["total"],
                successors=_Column(
                    syllables,
                    uni_flags,
                    _SUCC_INDEX if bit == _IN_INDEX else _SUCC_GENERAL,
                    values(path(f"uni-successors-{name}.npy")),
                    sizes["successors"],
                ),
            )

        self.index, self.general = counts("index", _IN_INDEX), counts("general", _IN_GENERAL)
        self.succ_mass = _Column(syllables, uni_flags, _MASS, values(path("uni-mass.npy")), facts["mass"])
        self.by_fold = _Candidates(
            open_trie(path("folds.marisa")),
            values(path("fold-offsets.npy")),
            values(path("fold-candidates.npy")),
            syllables,
        )

    @staticmethod
    def write(
        folder: Path,
        index: Counts | MappedCounts,
        general: Counts | MappedCounts,
        by_fold: Mapping[str, list[str]],
        succ_mass: Mapping[str, float],
    ) -> None:
        def path(name: str) -> Path:
            return folder / f"{_PREFIX}.{name}"

        models = {"index": index, "general": general}
        syllables = save_trie(
            path("unigrams.marisa"),
            {*index.unigrams, *general.unigrams, *index.successors, *general.successors, *succ_mass},
        )
        pairs = save_trie(path("bigrams.marisa"), {*index.bigrams, *general.bigrams})
        uni_keys = trie_keys(syllables)
        bi_keys = trie_keys(pairs)
        uni_flags = np.zeros(len(uni_keys), dtype=np.uint8)
        bi_flags = np.zeros(len(bi_keys), dtype=np.uint8)
        facts: dict[str, Any] = {"mass": len(succ_mass)}
        for name, counts in models.items():
            bit = _IN_INDEX if name == "index" else _IN_GENERAL
            succ_bit = _SUCC_INDEX if name == "index" else _SUCC_GENERAL
            for keys, flags, table, kind in (
                (uni_keys, uni_flags, counts.unigrams, "uni"),
                (bi_keys, bi_flags, counts.bigrams, "bi"),
            ):
                flags |= _flags(keys, table, bit)
                save_array(path(f"{kind}-{name}.npy"), _counts(keys, table))
            cased = save_trie(path(f"cased-{name}.marisa"), counts.cased.keys())
            StringColumn.write(folder, f"{_PREFIX}.cased-{name}", map(counts.cased.__getitem__, trie_keys(cased)))
            succ = counts.successors
            uni_flags |= _flags(uni_keys, succ, succ_bit)
            save_array(path(f"uni-successors-{name}.npy"), _counts(uni_keys, succ))
            facts[name] = {
                "total": counts.total,
                "unigrams": len(counts.unigrams),
                "bigrams": len(counts.bigrams),
                "successors": len(succ),
            }
        uni_flags |= _flags(uni_keys, succ_mass, _MASS)
        save_array(path("uni-mass.npy"), _counts(uni_keys, succ_mass, np.float64))
        save_array(path("uni-flags.npy"), uni_flags)
        save_array(path("bi-flags.npy"), bi_flags)
        folds = save_trie(path("folds.marisa"), by_fold.keys())
        offsets, ids = [0], []
        for key in trie_keys(folds):
            ids.extend(syllables[s] for s in by_fold[key])
            offsets.append(len(ids))
        save_array(path("fold-offsets.npy"), np.array(offsets, dtype=np.int64))
        save_array(path("fold-candidates.npy"), np.array(ids, dtype=np.int32))
        path("json").write_text(json.dumps(facts), encoding="utf-8")


def _flags(keys: Sequence[str], table: Mapping[str, Any], bit: int) -> np.ndarray:
    """`bit` for each of `keys` that `table` has, else 0."""
    found = np.fromiter(map(table.__contains__, keys), dtype=bool, count=len(keys))
    return found.astype(np.uint8) * np.uint8(bit)


def _counts(keys: Sequence[str], table: Mapping[str, Any], dtype: Any = np.int64) -> np.ndarray:
    """`table`'s value for each of `keys`, 0 where it has none (counts in 32 bits when they fit:
    half the file and page cache)."""
    found = np.fromiter(map(table.get, keys, repeat(0)), dtype=dtype, count=len(keys))
    if dtype == np.int64 and (not len(found) or (found.min() >= -(2**31) and found.max() < 2**31)):
        found = found.astype(np.int32)
    return found
