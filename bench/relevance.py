"""Known-item relevance harness: success@1 and MRR@10 per engine and query form.

For each engine: build an index of the corpus in a temporary folder, run every query of the
query file (qid, form, kind, expected_id, query; see bench/make_queries.py), and report, per
query form, success@1 (expected article ranked first) and MRR@10 (mean of 1/rank, 0 when the
article is not in the top 10). Queries that raise count as misses (and as errors).

    python bench/relevance.py [--corpus ../shared/corpus/news-2k.jsonl]
        [--queries bench/queries/dev-news2k.tsv] [--engines vnsearch,whoosh-standard,fts5]
        [--out bench/results/relevance.md] [--subset N] [--show-misses K] [--by-kind]

Engines are small adapters with ``build(articles)`` and ``search(query, k=10) -> list[id]``;
add one to ENGINES. Variants of one engine (``-or``) share its index.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO.parent / "shared" / "corpus"
DEFAULT_CORPUS = CORPUS_DIR / "news-2k.jsonl"
DEFAULT_QUERIES = REPO / "bench" / "queries" / "dev-news2k.tsv"
DEFAULT_OUT = REPO / "bench" / "results" / "relevance.md"
DEFAULT_ENGINES = "vnsearch,whoosh-standard,whoosh-standard-or,fts5,fts5-or"

FORMS = ("accented", "plain", "nfd", "tone", "typo")
TONE_DIFF = "tone≠"  # pseudo-form: the tone queries that differ from their accented form
TONE_DIFF_ACC = "accented@tone≠"  # pseudo-form: the accented form of those same queries
PSEUDO_FORMS = (TONE_DIFF, TONE_DIFF_ACC)
K = 10


# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    qid: str
    form: str
    kind: str
    expected: str
    text: str


def read_articles(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL corpus (optionally gzipped) into a list of article dicts."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def read_queries(path: Path) -> list[Query]:
    """Read a query TSV with header ``qid form kind expected_id query``. No normalization is
    applied: the NFD form must reach the engines as NFD."""
    with open(path, encoding="utf-8", newline="") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["qid", "form", "kind", "expected_id", "query"]:
            raise SystemExit(f"{path}: unexpected header {header}")
        out = []
        for line in fh:
            line = line.rstrip("\n")
            if line:
                qid, form, kind, expected, text = line.split("\t", 4)
                out.append(Query(qid, form, kind, expected, text))
    return out


def full_text(a: dict[str, Any]) -> str:
    """title + lead + body + captions, newline separated."""
    return "\n".join([a["title"], a.get("lead") or "", a.get("body") or "", *(a.get("captions") or [])])


# --- engines -----------------------------------------------------------------------------------


class Engine:
    """An adapter: build an index of the articles, then answer queries with article ids."""

    def build(self, articles: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def search(self, query: str, k: int = K) -> list[str]:
        raise NotImplementedError

    def variant(self, **opts: Any) -> Engine:
        """An engine sharing this one's index, with other query options."""
        if opts:
            raise ValueError(f"{type(self).__name__} has no variants")
        return self

    def close(self) -> None:
        """Release searchers and temp folders."""


class WhooshStandard(Engine):
    """Stock Whoosh as a naive user sets it up: StandardAnalyzer on one TEXT field, default
    QueryParser (AndGroup: every word must match), or OrGroup in the ``-or`` variant."""

    def __init__(self, or_group: bool = False, _shared: WhooshStandard | None = None) -> None:
        self.or_group = or_group
        self._base = _shared
        self.tmp: Path | None = None
        self.ix: Any = None
        self.searcher: Any = None
        self.parser: Any = None

    def build(self, articles: list[dict[str, Any]]) -> None:
        from whoosh import index
        from whoosh.analysis import StandardAnalyzer
        from whoosh.fields import ID, TEXT, Schema

        self.tmp = Path(tempfile.mkdtemp(prefix="bench-whoosh-"))
        schema = Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=StandardAnalyzer()))
        self.ix = index.create_in(str(self.tmp), schema)
        writer = self.ix.writer(limitmb=256)
        for a in articles:
            writer.add_document(id=a["id"], text=full_text(a))
        writer.commit()
        self._open()

    def _open(self) -> None:
        from whoosh.qparser import AndGroup, OrGroup, QueryParser

        self.searcher = self.ix.searcher()
        group = OrGroup if self.or_group else AndGroup
        self.parser = QueryParser("text", self.ix.schema, group=group)

    def variant(self, **opts: Any) -> Engine:
        if not opts:
            return self
        other = WhooshStandard(_shared=self, **opts)
        other.ix = self.ix
        other._open()
        return other

    def search(self, query: str, k: int = K) -> list[str]:
        q = self.parser.parse(query)
        return [hit["id"] for hit in self.searcher.search(q, limit=k)]

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None
        if self._base is None and self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


class Fts5(Engine):
    """SQLite FTS5 with ``unicode61 remove_diacritics 2``, columns title, lead, body, ranked by
    bm25(). The query is the user's words, each double-quoted: implicitly ANDed, or joined with
    OR in the ``-or`` variant."""

    def __init__(self, or_mode: bool = False, _shared: Fts5 | None = None) -> None:
        self.or_mode = or_mode
        self._base = _shared
        self.tmp: Path | None = None
        self.db: sqlite3.Connection | None = None

    def build(self, articles: list[dict[str, Any]]) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-fts5-"))
        self.db = sqlite3.connect(self.tmp / "fts.sqlite")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "id UNINDEXED, title, lead, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
        self.db.executemany(
            "INSERT INTO docs (id, title, lead, body) VALUES (?, ?, ?, ?)",
            ((a["id"], a["title"], a.get("lead") or "", a.get("body") or "") for a in articles),
        )
        self.db.commit()

    def variant(self, **opts: Any) -> Engine:
        if not opts:
            return self
        other = Fts5(_shared=self, **opts)
        other.db = self.db
        return other

    @staticmethod
    def expression(query: str, or_mode: bool = False) -> str:
        """The FTS5 MATCH expression: each whitespace-separated word as a quoted string."""
        words = ['"' + w.replace('"', '""') + '"' for w in query.split()]
        return (" OR " if or_mode else " ").join(words)

    def search(self, query: str, k: int = K) -> list[str]:
        assert self.db is not None
        rows = self.db.execute(
            "SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
            (self.expression(query, self.or_mode), k),
        )
        return [r[0] for r in rows]

    def close(self) -> None:
        if self._base is None:
            if self.db is not None:
                self.db.close()
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
        self.db = None
        self.tmp = None


class VnSearch(Engine):
    """The project's own engine, through its public interface:
    ``indexer.index.build_index(paths, index_root)`` and
    ``indexer.search.SearchService(index_root).search(q, page=1, per_page=10)["hits"]``.
    Imported lazily, so the other engines run even when it is not importable."""

    def __init__(self) -> None:
        self.tmp: Path | None = None
        self.service: Any = None

    def build(self, articles: list[dict[str, Any]]) -> None:
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))
        from indexer.index import build_index
        from indexer.search import SearchService

        self.tmp = Path(tempfile.mkdtemp(prefix="bench-vnsearch-"))
        corpus = self.tmp / "corpus.jsonl"
        with open(corpus, "w", encoding="utf-8") as fh:
            for a in articles:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")
        root = self.tmp / "index"
        build_index([corpus], root)
        self.service = SearchService(root)

    def search(self, query: str, k: int = K) -> list[str]:
        result = self.service.search(query, page=1, per_page=k)
        return [hit["id"] for hit in result["hits"]][:k]

    def close(self) -> None:
        close = getattr(self.service, "close", None)
        if callable(close):
            close()
        self.service = None
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


# name -> (family factory, variant options). Engines of one family share one build.
ENGINES: dict[str, tuple[Callable[[], Engine], dict[str, Any]]] = {
    "vnsearch": (VnSearch, {}),
    "whoosh-standard": (WhooshStandard, {}),
    "whoosh-standard-or": (WhooshStandard, {"or_group": True}),
    "fts5": (Fts5, {}),
    "fts5-or": (Fts5, {"or_mode": True}),
}


# --- running and scoring -----------------------------------------------------------------------


@dataclass
class Run:
    """One engine's results: rank of the expected article per query (None: not in top K)."""

    engine: str
    build_s: float | None = None
    build_note: str = ""
    error: str | None = None
    ranks: dict[tuple[str, str], int | None] = field(default_factory=dict)
    top: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    query_errors: dict[tuple[str, str], str] = field(default_factory=dict)
    query_ms: list[float] = field(default_factory=list)


def run_engine(engine: Engine, name: str, queries: list[Query], run: Run) -> None:
    """Run every query through an engine, recording ranks, top ids, errors and latency."""
    for q in queries:
        t0 = time.perf_counter()
        try:
            ids = engine.search(q.text, K)
        except Exception as exc:  # any failure (parse error, bad syntax) is a miss
            ids = []
            run.query_errors[(q.qid, q.form)] = f"{type(exc).__name__}: {exc}"
        run.query_ms.append((time.perf_counter() - t0) * 1000)
        ids = list(ids)[:K]
        run.ranks[(q.qid, q.form)] = ids.index(q.expected) + 1 if q.expected in ids else None
        run.top[(q.qid, q.form)] = ids


def run_all(names: list[str], articles: list[dict[str, Any]], queries: list[Query]) -> list[Run]:
    """Build each engine family once, run each requested engine, close everything."""
    families: dict[Callable[[], Engine], Engine | Exception] = {}
    built_by: dict[Callable[[], Engine], str] = {}
    runs = []
    try:
        for name in names:
            factory, opts = ENGINES[name]
            run = Run(name)
            runs.append(run)
            if factory not in families:
                print(f"[{name}] building index of {len(articles)} articles ...", file=sys.stderr)
                t0 = time.perf_counter()
                built_by[factory] = name
                eng = None
                try:
                    eng = factory()
                    eng.build(articles)
                    run.build_s = time.perf_counter() - t0
                    families[factory] = eng
                except Exception as exc:  # not importable yet, or its build failed
                    families[factory] = exc
                    if eng is not None:
                        eng.close()
            else:
                run.build_note = f"shared with {built_by[factory]}"
            base = families[factory]
            if isinstance(base, Exception):
                run.error = f"unavailable: {type(base).__name__}: {base}"
                print(f"[{name}] {run.error}", file=sys.stderr)
                continue
            engine = base.variant(**opts)
            t0 = time.perf_counter()
            run_engine(engine, name, queries, run)
            print(f"[{name}] {len(queries)} queries in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            if engine is not base:
                engine.close()
    finally:
        for eng in families.values():
            if isinstance(eng, Engine):
                eng.close()
    return runs


@dataclass
class Score:
    n: int
    s1: float
    mrr: float


def score(ranks: Iterable[int | None]) -> Score:
    """success@1 and MRR@10 over ranks (None = not in the top 10)."""
    ranks = list(ranks)
    if not ranks:
        return Score(0, 0.0, 0.0)
    s1 = sum(r == 1 for r in ranks) / len(ranks)
    mrr = sum(1 / r for r in ranks if r is not None) / len(ranks)
    return Score(len(ranks), s1, mrr)


def select(queries: list[Query], form: str) -> list[Query]:
    """The queries of one form. TONE_DIFF: the tone queries that differ from their accented form;
    TONE_DIFF_ACC: the accented form of the same base queries (to compare like with like)."""
    if form not in PSEUDO_FORMS:
        return [q for q in queries if q.form == form]
    accented = {q.qid: q.text for q in queries if q.form == "accented"}
    differ = [q for q in queries if q.form == "tone" and q.text != accented.get(q.qid)]
    if form == TONE_DIFF:
        return differ
    qids = {q.qid for q in differ}
    return [q for q in queries if q.form == "accented" and q.qid in qids]


# --- reporting ---------------------------------------------------------------------------------


def fmt_s(seconds: float | None, note: str) -> str:
    return note if seconds is None else f"{seconds:.1f} s"


def report(runs: list[Run], queries: list[Query], corpus: Path, qpath: Path, n_articles: int, by_kind: bool) -> str:
    """The markdown report: one row per engine, one column per form (MRR@10 / success@1)."""
    forms = [f for f in (*FORMS, *PSEUDO_FORMS) if select(queries, f)]
    groups = {f: select(queries, f) for f in forms}
    n_base = len({q.qid for q in queries})
    lines = [
        f"Corpus `{display(corpus)}` ({n_articles} articles); queries `{display(qpath)}` "
        f"({n_base} base queries x {len([f for f in forms if f not in PSEUDO_FORMS])} forms). "
        f"Cells: **MRR@10 / success@1**. `{TONE_DIFF}` = the tone-form queries that differ from "
        f"their accented form (the other tone forms are identical to accented); "
        f"`{TONE_DIFF_ACC}` = the accented form of those same queries.",
        "",
        "| engine | build | " + " | ".join(f"{f} (n={len(groups[f])})" for f in forms) + " | all forms | ms/query |",
        "|---|---|" + "---|" * len(forms) + "---|---|",
    ]
    for run in runs:
        if run.error:
            lines.append(f"| {run.engine} | {run.error} |" + " – |" * (len(forms) + 2))
            continue
        cells = []
        for f in forms:
            sc = score(run.ranks[(q.qid, q.form)] for q in groups[f])
            cells.append(f"{sc.mrr:.3f} / {sc.s1:.3f}")
        every = score(run.ranks[(q.qid, q.form)] for q in queries)
        cells.append(f"{every.mrr:.3f} / {every.s1:.3f}")
        ms = statistics.mean(run.query_ms) if run.query_ms else 0.0
        errs = f" ({len(run.query_errors)} query errors)" if run.query_errors else ""
        lines.append(
            f"| {run.engine}{errs} | {fmt_s(run.build_s, run.build_note)} | " + " | ".join(cells) + f" | {ms:.1f} |"
        )
    if by_kind:
        kinds = sorted({q.kind for q in queries})
        lines += ["", "MRR@10 by query kind and form:", ""]
        lines.append("| engine | kind | n | " + " | ".join(forms) + " |")
        lines.append("|---|---|---|" + "---|" * len(forms))
        for run in runs:
            if run.error:
                continue
            for kind in kinds:
                cells = []
                for f in forms:
                    sc = score(run.ranks[(q.qid, q.form)] for q in groups[f] if q.kind == kind)
                    cells.append(f"{sc.mrr:.3f}" if sc.n else "–")
                n = sum(q.kind == kind for q in groups[forms[0]])
                lines.append(f"| {run.engine} | {kind} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def misses_text(runs: list[Run], queries: list[Query], titles: dict[str, str], k: int) -> str:
    """The first k misses (rank != 1) per engine and form, with the expected and top-3 titles."""
    out = []
    for run in runs:
        if run.error:
            continue
        for f in (*FORMS, TONE_DIFF):
            missed = [q for q in select(queries, f) if run.ranks[(q.qid, q.form)] != 1]
            if not missed:
                continue
            out.append(f"\n## {run.engine} / {f}: {len(missed)} not at rank 1; first {min(k, len(missed))}")
            for q in missed[:k]:
                rank = run.ranks[(q.qid, q.form)]
                err = run.query_errors.get((q.qid, q.form))
                out.append(f"- {q.qid} [{q.kind}] {q.text!r} → rank {rank or f'>{K}'}" + (f" ({err})" if err else ""))
                out.append(f"    expected: {titles.get(q.expected, q.expected)}")
                for i, doc in enumerate(run.top[(q.qid, q.form)][:3], 1):
                    out.append(f"    {i}. {titles.get(doc, doc)}")
    return "\n".join(out) + "\n"


def display(path: Path) -> str:
    """A path relative to the repo root when possible (no machine paths in reports)."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        try:
            return "../" + str(path.resolve().relative_to(REPO.parent))
        except ValueError:
            return path.name


def versions() -> str:
    """Versions of the things measured."""
    try:
        from importlib.metadata import version

        whoosh = version("whoosh-reloaded")
    except Exception:
        whoosh = "?"
    return f"Python {platform.python_version()}, whoosh-reloaded {whoosh}, SQLite {sqlite3.sqlite_version}"


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    ap.add_argument("--engines", default=DEFAULT_ENGINES, help=f"comma-separated, of: {', '.join(ENGINES)}")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown report")
    ap.add_argument("--subset", type=int, metavar="N", help="only the first N base queries (all forms)")
    ap.add_argument("--show-misses", type=int, default=0, metavar="K", help="print first K misses per engine/form")
    ap.add_argument("--by-kind", action="store_true", help="also break MRR@10 down by query kind")
    args = ap.parse_args(argv)

    names = [n.strip() for n in args.engines.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENGINES]
    if unknown:
        ap.error(f"unknown engine(s) {unknown}; known: {', '.join(ENGINES)}")
    articles = read_articles(args.corpus)
    queries = read_queries(args.queries)
    if args.subset:
        keep = list(dict.fromkeys(q.qid for q in queries))[: args.subset]
        queries = [q for q in queries if q.qid in set(keep)]
    ids = {a["id"] for a in articles}
    missing = sorted({q.expected for q in queries} - ids)
    if missing:
        print(f"warning: {len(missing)} expected ids not in the corpus (they can only miss)", file=sys.stderr)

    runs = run_all(names, articles, queries)
    text = "# Relevance (known-item)\n\n" + report(
        runs, queries, args.corpus, args.queries, len(articles), args.by_kind
    )
    text += f"\n{versions()}.\n"
    print(text)
    if args.show_misses:
        print(misses_text(runs, queries, {a["id"]: a["title"] for a in articles}, args.show_misses))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {display(args.out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
