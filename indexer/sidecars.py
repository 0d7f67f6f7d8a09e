"""The sidecars a build writes beside Whoosh's files, as JSON: the readings (accented
syllables and adjacent pairs as printed, which the "did you mean" models are made from) and the
catalog (per-article facts the server needs without unpickling articles)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

from indexer.columns import Columns, columns
from indexer.model import Article
from indexer.restoration import PrintedCounts
from indexer.schema import part_texts

PRUNE_READINGS_ABOVE = 50_000  # adjacent pairs in the "did you mean" model; see ReadingCounter.save


class ReadingCounter:
    """Counts accented syllables and adjacent pairs, as printed (case kept, tone placement
    canonical), so search can offer the dominant accented reading of an unaccented query,
    learned from this corpus. Titles, leads and captions are counted with the analyzer's
    tokenizer (the most carefully edited text, ~10% of the volume) into `unigrams`/`bigrams`;
    a full build counts them in its writer processes, from the tokens they index
    (`add_tokens`), and adds each writer's counts up (`merge`). Body paragraphs are counted
    apart, into `body_unigrams`/`body_bigrams` (restoration.Restorer adds them up), split by
    restoration.PrintedCounts (a regular expression and C loops, far faster than the word breaker),
    up to BODY_SYLLABLES per build, in input order (`add_bodies`, the build's main process): a
    small archive learns several times more pairs, a large one keeps its build time and model
    size bounded."""

    BODY_SYLLABLES = 2_000_000
    PARTS = ("title", "lead", "caption")

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {name: Counter() for name in self.NAMES}
        # counted, not yet added up into the counters: titles, leads, captions; bodies
        self._pending = {"": PrintedCounts(), "body_": PrintedCounts()}
        self.body_syllables = 0

    NAMES = ("unigrams", "bigrams", "body_unigrams", "body_bigrams")

    @property
    def unigrams(self) -> Counter[str]:
        return self._settled("unigrams")

    @property
    def bigrams(self) -> Counter[str]:
        return self._settled("bigrams")

    @property
    def body_unigrams(self) -> Counter[str]:
        return self._settled("body_unigrams")

    @property
    def body_bigrams(self) -> Counter[str]:
        return self._settled("body_bigrams")

    def _settled(self, name: str) -> Counter[str]:
        prefix = "body_" if name.startswith("body_") else ""
        pending = self._pending[prefix]
        if len(pending):
            unigrams, bigrams = pending.counts()
            self._counts[prefix + "unigrams"].update(unigrams)
            self._counts[prefix + "bigrams"].update(bigrams)
            self._pending[prefix] = PrintedCounts()
        return self._counts[name]

    def add(self, article: Article) -> None:
        texts = part_texts(article)
        for part in self.PARTS:
            if texts[part]:
                self.add_tokens(columns(texts[part]))
        self.add_bodies(article)

    def remove(self, article: Article) -> None:
        """Take back what `add` counts of an article (one `vnsearch delete` removes, or the
        version an update replaces), so that what only removed articles print is gone and "did
        you mean" no longer reads a query into it. Never below zero: a saved model keeps no
        pair seen once, and a body past BODY_SYLLABLES was not counted. Such a body is taken
        back all the same (which was counted is not kept): the words it shares with counted
        bodies lose its few uses of them, a small price for leaving nothing of it behind."""
        counted = ReadingCounter()
        counted.add(article)
        for name in self.NAMES:
            mine = getattr(self, name)
            taken = 0
            for key, n in getattr(counted, name).items():
                held = mine.get(key, 0)
                taken += min(n, held)
                if held > n:
                    mine[key] = held - n
                elif held:
                    del mine[key]
            if name == "body_unigrams":
                self.body_syllables = max(0, self.body_syllables - taken)

    def add_tokens(self, tokens: Columns) -> None:
        """Count one part's tokens (captions joined by newlines, which no pair crosses)."""
        surfaces, _, joined, _ = tokens.syllables()
        self._pending[""].add_syllables(surfaces, joined)

    def add_bodies(self, article: Article) -> None:
        for paragraph in article.paragraphs:
            if self.body_syllables >= self.BODY_SYLLABLES:
                break
            self.body_syllables += self._pending["body_"].add(paragraph)

    def settle(self) -> None:
        """Add up what was counted (a writer process does it before sending its counts)."""
        for name in self.NAMES:
            self._settled(name)

    def merge(self, other: ReadingCounter) -> None:
        for name in self.NAMES:
            getattr(self, name).update(getattr(other, name))
        self.body_syllables += other.body_syllables

    def save(self, path: Path) -> ReadingCounter:
        """On a large corpus, pairs seen once are dropped: weak evidence, and most of the
        model's memory in every server worker (news-50k: 345k pairs, 142k seen twice or more).
        `vnsearch update` then counts from the pruned model: an approximation it can afford.
        Returns what was saved, as `load` would read it back (the build makes the models
        from it: see write_models)."""
        data: dict[str, dict[str, int]] = {}
        prune = len(self.bigrams) + len(self.body_bigrams) > PRUNE_READINGS_ABOVE
        for name in ("unigrams", "bigrams", "body_unigrams", "body_bigrams"):
            counts = dict(getattr(self, name))
            if prune and name.endswith("bigrams"):
                counts = {pair: n for pair, n in counts.items() if n > 1}
            data[name] = counts
        _write_json_gz(path, data)
        return self._from_data(data)

    @classmethod
    def load(cls, path: Path) -> ReadingCounter:
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as f:
                return cls._from_data(json.load(f))
        return cls()

    @classmethod
    def _from_data(cls, data: dict[str, dict[str, int]]) -> ReadingCounter:
        counter = cls()
        for name in ("unigrams", "bigrams", "body_unigrams", "body_bigrams"):
            getattr(counter, name).update(data.get(name, {}))
        counter.body_syllables = counter.body_unigrams.total()  # `update` keeps to the budget
        return counter


def _write_json_gz(path: Path, data: Any) -> None:
    """json.dumps in one go (its C encoder; json.dump to a file encodes in Python, chunk by
    chunk) and gzip at level 6 (9 takes 3.5× as long for a file 3% smaller)."""
    with gzip.open(path, "wb", compresslevel=6) as f:
        f.write(json.dumps(data, ensure_ascii=False).encode("utf-8"))


class Catalog:
    """Per-article facts the server needs without unpickling every stored article (which
    holds the whole text): titles for search-as-you-type, and the numbers of meta.json."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str | None, int]] = {}

    def add(self, article: Article) -> None:
        self.entries[article.id] = (article.title, article.published, len(article.captions))

    def remove(self, article_id: str) -> None:
        self.entries.pop(article_id, None)

    def summary(self) -> dict[str, Any]:
        dates = sorted(p for _, p, _ in self.entries.values() if p)
        return {
            "captions": sum(n for _, _, n in self.entries.values()),
            "date_range": [dates[0], dates[-1]] if dates else None,
        }

    def save(self, path: Path) -> None:
        _write_json_gz(path, self.entries)

    @classmethod
    def load(cls, path: Path) -> Catalog:
        catalog = cls()
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as f:
                catalog.entries = {k: tuple(v) for k, v in json.load(f).items()}  # type: ignore[misc]
        return catalog
