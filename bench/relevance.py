"""Known-item relevance harness: MRR@10 and success@1 per engine, query set and query form.

Several query sets (bench/querysets.py), each with its own corpus and index; every base query
in every form (bench/keystrokes.py); every engine (bench/engines.py) side by side; one report
with the engines as rows and set/form as columns, plus per set the difference vnsearch minus
bm25-plain (the baseline to beat) with every form where vnsearch is below flagged.

    python bench/relevance.py                                  # every set, form, default engine
    python bench/relevance.py --sets keywords,headlines --engines vnsearch,bm25-plain
    python bench/relevance.py --forms plain,telex --subset 50 --show-misses 5
    python bench/relevance.py --restoration                    # + "did you mean" restoration
    python bench/relevance.py --sets keywords,keywords-50k --keywords fresh.tsv   # queries nobody
                                                               # tuned on (make_queries.py --seed)
    python bench/relevance.py --ranks after.jsonl              # + every query's rank, for
    python bench/compare_ranks.py before.jsonl after.jsonl     #   which queries a change moved

Indexes are cached under bench/results/cache (``--cache DIR``), keyed by corpus + its hash +
engine + code version (vnsearch: ``indexer.index.INDEX_FORMAT``): a ranking change in vnsearch
is measured without rebuilding; ``--rebuild`` forces new builds, ``--no-cache`` uses temp folders.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import multiprocessing
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

# This checkout's `indexer`, ahead of one installed elsewhere in editable mode (a second
# worktree measured the first one's code: `querysets` imports it before `engines` adds the path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arguments import positive_int
from engines import DEFAULT_ENGINES, ENGINES, FAMILY_NAMES, Engine, K, VnSearch, full_text, title_of
from keystrokes import DEFAULT_FORMS, FORMS, SLIP_KINDS, fold, make_form, slip_kind, slipped_word
from querysets import OPTIONAL_SETS, SETS, QuerySet, keywords_50k_set, keywords_set

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "relevance.md"
DEFAULT_CACHE = REPO / "bench" / "results" / "cache"
BASELINE = "bm25-plain"
OURS = "vnsearch"
# forms whose "did you mean" the correction section scores (marks-slip: its letters are right)
TYPO_FORMS = ("typo", "typo-accented", "marks-slip")
# ... the keystrokes typed with the input method off, whose "Understood as" shows the query meant
KEYED_FORMS = ("telex", "telex-mid", "vni", "vni-mid", "telex-typo", "vni-typo", "telex-slip", "vni-slip")
# ... and the query typed right, where any change of letters is a false correction
CORRECTION_FORMS = ("accented", *TYPO_FORMS, *KEYED_FORMS)
# Pseudo-forms "<form>≠": the queries of a form that differ from their accented form (most
# queries hold no other tone placement and no abbreviation); "accented@<form>≠": the accented
# form of those same queries, to compare like with like.
DIFF_FORMS = ("tone", "spelled", "abbreviated")


def diff_forms(form: str) -> tuple[str, str]:
    """The two pseudo-forms of a form in DIFF_FORMS."""
    return f"{form}≠", f"accented@{form}≠"


# pseudo-form -> (the form it selects by, whether it keeps the accented side)
PSEUDO_FORMS = {name: (f, side) for f in DIFF_FORMS for name, side in zip(diff_forms(f), (False, True), strict=True)}


@dataclass(frozen=True, slots=True)
class Query:
    qid: str
    form: str
    kind: str
    expected: str
    text: str


def expand(qs: QuerySet, forms: list[str]) -> list[Query]:
    """Every base query of a set in every requested form."""
    return [
        Query(q.qid, form, q.kind, q.expected, q.given.get(form) or make_form(q.text, form))
        for q in qs.queries
        for form in forms
    ]


# --- running ----------------------------------------------------------------------------------------


@dataclass
class Run:
    """One engine on one set: rank of the expected article per (qid, form), None when not in
    the top K."""

    engine: str
    qset: str
    build_s: float | None = None
    build_note: str = ""
    error: str | None = None
    ranks: dict[tuple[str, str], int | None] = field(default_factory=dict)
    top: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    suggested: dict[tuple[str, str], str | None] = field(default_factory=dict)  # every query's suggestion
    restoration: bool = False  # vnsearch's suggestions are scored (--restoration)
    query_errors: dict[tuple[str, str], str] = field(default_factory=dict)
    query_s: float = 0.0
    searched: int = 0  # distinct query texts actually sent (identical forms are asked once)


class IndexCache:
    """Built indexes kept across runs: <root>/<corpus>-<hash>/<family>-<version hash>/. An entry
    is complete when its ``done.json`` exists (builds go to a ``.tmp`` folder renamed at the end)."""

    def __init__(self, root: Path | None, rebuild: bool) -> None:
        self.root = root
        self.rebuild = rebuild
        self.warnings: list[str] = []
        self.where: dict[Any, Path] = {}  # family -> folder of the index opened last

    def engine(self, factory: Any, qs: QuerySet) -> tuple[Engine, float, str]:
        """An opened engine of this family for the set's corpus, its build or load seconds, a note."""
        eng: Engine = factory()
        family = FAMILY_NAMES[factory]
        t0 = time.perf_counter()
        if self.root is None:
            eng.build(qs.articles)
            return eng, time.perf_counter() - t0, "built"
        slug = re.sub(r"[^a-z0-9]+", "-", qs.corpus_name.lower()).strip("-")[:60]
        version = eng.version()
        code = hashlib.sha256(version.encode()).hexdigest()[:10]
        where = self.root / f"{slug}-{qs.corpus_hash()}" / f"{family}-{code}"
        done = where / "done.json"
        self.where[factory] = where
        if done.exists() and not self.rebuild:
            eng.open(where)
            if isinstance(eng, VnSearch) and (warning := eng.stale_warning(where)):
                self.warnings.append(warning)
            built = json.loads(done.read_text(encoding="utf-8"))
            return eng, time.perf_counter() - t0, f"cached (built in {built['build_s']:.1f} s)"
        shutil.rmtree(where, ignore_errors=True)
        tmp = where.with_name(where.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        eng.build(qs.articles, tmp)
        eng.close()
        build_s = time.perf_counter() - t0
        tmp.rename(where)
        info = {"version": version, "corpus": qs.corpus_name, "documents": len(qs.articles), "build_s": build_s}
        done.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
        eng = factory()
        eng.open(where)
        return eng, build_s, "built"


Answer = tuple[list[str], str | None, str | None, float]  # ids, error, suggestion, seconds


def ask(engine: Engine, text: str) -> Answer:
    """One query: the top K ids, the error if it raised (a miss), vnsearch's suggestion."""
    t0 = time.perf_counter()
    err = None
    try:
        ids = list(engine.search(text, K))[:K]
    except Exception as exc:  # a parse error, bad syntax: a miss
        ids, err = [], f"{type(exc).__name__}: {exc}"
    return ids, err, getattr(engine, "last_suggestion", None), time.perf_counter() - t0


_WORKER: Engine | None = None


def _worker_open(factory: Any, opts: dict[str, Any], where: Path) -> None:
    """Pool initializer: each worker opens the cached index itself (searchers are not shared)."""
    global _WORKER
    base = factory()
    base.open(where)
    _WORKER = base.variant(**opts)


def _worker_ask(text: str) -> Answer:
    assert _WORKER is not None
    return ask(_WORKER, text)


def run_engine(engine: Engine, queries: list[Query], run: Run, suggestions: bool, pool: Any = None) -> None:
    """Every query through one engine. An engine is deterministic, so each distinct text is
    asked once (a form identical to another, e.g. tone = accented, reuses its answer); with a
    pool, the distinct texts are spread over its worker processes. Failures count as misses."""
    texts = list(dict.fromkeys(q.text for q in queries))
    run.restoration = run.restoration or suggestions
    if pool is not None:
        answers = dict(zip(texts, pool.map(_worker_ask, texts, chunksize=8), strict=True))
    else:
        answers = {t: ask(engine, t) for t in texts}
    run.searched += len(texts)
    run.query_s += sum(a[3] for a in answers.values())
    for q in queries:
        ids, err, suggestion, _ = answers[q.text]
        key = (q.qid, q.form)
        if err:
            run.query_errors[key] = err
        run.ranks[key] = ids.index(q.expected) + 1 if q.expected in ids else None
        run.top[key] = ids
        run.suggested[key] = suggestion


def run_set(
    qs: QuerySet, queries: list[Query], names: list[str], cache: IndexCache, restoration: bool, jobs: int = 1
) -> list[Run]:
    """Build or load each engine family once for this set's corpus, run each requested engine
    (vnsearch in ``jobs`` processes when > 1 and its index is cached on disk)."""
    runs: list[Run] = []
    families: dict[Any, Engine | Exception] = {}
    built_by: dict[Any, str] = {}
    try:
        for name in names:
            factory, opts = ENGINES[name]
            run = Run(name, qs.name)
            runs.append(run)
            if factory not in families:
                built_by[factory] = name
                print(f"[{qs.name}/{name}] index of {len(qs.articles)} articles ...", file=sys.stderr)
                try:
                    eng, seconds, note = cache.engine(factory, qs)
                    families[factory] = eng
                    run.build_s, run.build_note = seconds, note
                except Exception as exc:  # not importable, or its build failed
                    families[factory] = exc
            else:
                run.build_note = f"shared with {built_by[factory]}"
            base = families[factory]
            if isinstance(base, Exception):
                run.error = f"unavailable: {type(base).__name__}: {base}"
                print(f"[{qs.name}/{name}] {run.error}", file=sys.stderr)
                continue
            engine = base.variant(**opts)
            wants = restoration and name == OURS
            todo = queries
            if wants and not any(q.form == "plain" for q in queries):
                todo = queries + [Query(q.qid, "plain", q.kind, q.expected, fold(q.text)) for q in qs.queries]
            where = cache.where.get(factory)
            if jobs > 1 and name == OURS and where is not None:
                t0 = time.perf_counter()
                ctx = multiprocessing.get_context("fork")
                with ctx.Pool(jobs, initializer=_worker_open, initargs=(factory, opts, where)) as pool:
                    run_engine(engine, todo, run, wants, pool)
                run.query_s = time.perf_counter() - t0  # wall time, not the workers' sum
            else:
                run_engine(engine, todo, run, wants)
            print(
                f"[{qs.name}/{name}] {run.build_note} {run.build_s or 0:.1f} s; "
                f"{run.searched} queries in {run.query_s:.1f} s",
                file=sys.stderr,
            )
            if engine is not base:
                engine.close()
    finally:
        for eng in families.values():
            if isinstance(eng, Engine):
                eng.close()
    return runs


# --- scoring ----------------------------------------------------------------------------------------


@dataclass
class Score:
    n: int
    s1: float
    mrr: float


def score(ranks: list[int | None]) -> Score:
    """success@1 and MRR@10 over ranks (None = not in the top K)."""
    if not ranks:
        return Score(0, 0.0, 0.0)
    return Score(len(ranks), sum(r == 1 for r in ranks) / len(ranks), sum(1 / r for r in ranks if r) / len(ranks))


def select(queries: list[Query], form: str) -> list[Query]:
    """The queries of one form, or of a pseudo-form (`diff_forms`): "tone≠" = tone queries that
    differ from their accented form; "accented@tone≠" = the accented form of those same base
    queries; the same for the other DIFF_FORMS."""
    if form not in PSEUDO_FORMS:
        return [q for q in queries if q.form == form]
    base, accented_side = PSEUDO_FORMS[form]
    accented = {q.qid: q.text for q in queries if q.form == "accented"}
    differ = [q for q in queries if q.form == base and q.qid in accented and q.text != accented[q.qid]]
    if not accented_side:
        return differ
    qids = {q.qid for q in differ}
    return [q for q in queries if q.form == "accented" and q.qid in qids]


def cell(run: Run, qs: list[Query]) -> Score:
    return score([run.ranks.get((q.qid, q.form)) for q in qs])


def syllables(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def restoration_score(accented: str, suggestion: str | None) -> tuple[int, int, int]:
    """(syllables with marks in the accented query, of those restored exactly by the suggestion,
    unmarked syllables the suggestion marked wrongly). Compared lowercase with canonical tone
    placement; the suggestion is aligned with the query on folded syllables."""
    from indexer.analysis import canonical_syllable

    acc = syllables(accented)
    marked = [i for i, s in enumerate(acc) if fold(s) != s.lower()]
    if not suggestion:
        return len(marked), 0, 0
    sug = syllables(suggestion)
    if len(sug) == len(acc):
        pairs = dict(enumerate(range(len(acc))))
    else:
        sm = difflib.SequenceMatcher(a=[fold(s) for s in acc], b=[fold(s) for s in sug], autojunk=False)
        pairs = {b.a + j: b.b + j for b in sm.get_matching_blocks() for j in range(b.size)}
    restored = sum(1 for i in marked if i in pairs and canonical_syllable(sug[pairs[i]]) == canonical_syllable(acc[i]))
    wrong = sum(
        1
        for i, s in enumerate(acc)
        if i not in marked and i in pairs and canonical_syllable(sug[pairs[i]]) != s.lower()
    )
    return len(marked), restored, wrong


# --- reporting --------------------------------------------------------------------------------------


def fmt_score(sc: Score, which: str) -> str:
    """One cell: MRR@10 ("mrr"), success@1 ("s1") or both ("both"); "–" for no queries."""
    if not sc.n:
        return "–"
    return f"{sc.mrr:.3f} / {sc.s1:.3f}" if which == "both" else f"{(sc.mrr if which == 'mrr' else sc.s1):.3f}"


Results = list[tuple[QuerySet, list[Query], list[Run]]]


def wide_table(results: Results, names: list[str], forms: list[str], which: str) -> list[str]:
    """Rows engines, columns set/form, cells MRR@10 or success@1."""
    cols = [(qs, queries, f) for qs, queries, _ in results for f in forms]
    lines = [
        "| engine | " + " | ".join(f"{qs.name}/{f}" for qs, _, f in cols) + " |",
        "|---|" + "---:|" * len(cols),
    ]
    for name in names:
        cells = []
        for qs, queries, f in cols:
            run = next(r for r_qs, _, runs in results if r_qs is qs for r in runs if r.engine == name)
            cells.append("–" if run.error else fmt_score(cell(run, select(queries, f)), which))
        label = f"**{name}**" if name == OURS else name
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def long_table(results: Results, names: list[str], forms: list[str]) -> list[str]:
    """The same cells transposed (rows set/form, columns engines, MRR@10 / success@1) with
    vnsearch − bm25-plain: readable where the wide tables are not."""
    diff = OURS in names and BASELINE in names
    lines = [
        "| set / form | " + " | ".join(names) + (f" | {OURS} − {BASELINE} |" if diff else " |"),
        "|---|" + "---|" * (len(names) + diff),
    ]
    for qs, queries, runs in results:
        by_name = {r.engine: r for r in runs}
        for f in forms:
            group = select(queries, f)
            scores = {n: cell(by_name[n], group) for n in names if not by_name[n].error}
            cells = [fmt_score(scores[n], "both") if n in scores else "–" for n in names]
            if diff and OURS in scores and BASELINE in scores:
                a, b = scores[OURS], scores[BASELINE]
                flag = " ⚠" if a.mrr < b.mrr or a.s1 < b.s1 else ""
                cells.append(f"{a.mrr - b.mrr:+.3f} / {a.s1 - b.s1:+.3f}{flag}")
            elif diff:
                cells.append("–")
            lines.append(f"| {qs.name}/{f} | " + " | ".join(cells) + " |")
    return lines


def set_section(qs: QuerySet, queries: list[Query], runs: list[Run], forms: list[str], gen_s: float) -> list[str]:
    """Per set: MRR@10 / success@1 per engine and form (with the pseudo-forms), times, and
    vnsearch minus bm25-plain per form with the forms where vnsearch is below flagged."""
    pseudo = [p for f in DIFF_FORMS if f in forms for p in diff_forms(f)]
    shown = [f for f in (*forms, *pseudo) if select(queries, f)]
    groups = {f: select(queries, f) for f in shown}
    lines = [
        f"### {qs.name}",
        "",
        f"{qs.description}. Corpus: {qs.corpus_name}, {len(qs.articles)} articles; {len(qs.queries)} base queries; "
        f"set made in {gen_s:.1f} s. Cells: **MRR@10 / success@1**.",
        "",
        "| engine | index | queries | ms/query | " + " | ".join(f"{f} (n={len(groups[f])})" for f in shown) + " |",
        "|---|---|---:|---:|" + "---|" * len(shown),
    ]
    for run in runs:
        if run.error:
            lines.append(f"| {run.engine} | {run.error} |" + " – |" * (len(shown) + 2))
            continue
        cells = [fmt_score(cell(run, groups[f]), "both") for f in shown]
        index = run.build_note if run.build_s is None else f"{run.build_note} {run.build_s:.1f} s"
        ms = 1000 * run.query_s / run.searched if run.searched else 0.0
        errs = f" ({len(run.query_errors)} errors)" if run.query_errors else ""
        lines.append(f"| {run.engine}{errs} | {index} | {run.query_s:.1f} s | {ms:.1f} | " + " | ".join(cells) + " |")
    ours = next((r for r in runs if r.engine == OURS and not r.error), None)
    base = next((r for r in runs if r.engine == BASELINE and not r.error), None)
    if ours and base:
        lines += ["", f"{OURS} − {BASELINE} (MRR@10 / success@1; ⚠ = {OURS} below {BASELINE}):", ""]
        lines.append("| " + " | ".join(shown) + " |")
        lines.append("|" + "---|" * len(shown))
        cells, below = [], []
        for f in shown:
            a, b = cell(ours, groups[f]), cell(base, groups[f])
            dm, ds = a.mrr - b.mrr, a.s1 - b.s1
            flag = " ⚠" if dm < 0 or ds < 0 else ""
            if flag:
                below.append(f)
            cells.append(f"{dm:+.3f} / {ds:+.3f}{flag}")
        lines.append("| " + " | ".join(cells) + " |")
        lines += ["", f"{OURS} below {BASELINE} in: {', '.join(below) if below else 'no form'}."]
    lines += kind_table(queries, runs, forms)
    lines.append("")
    return lines


def kind_table(queries: list[Query], runs: list[Run], forms: list[str]) -> list[str]:
    """MRR@10 / success@1 per kind of query (`BaseQuery.kind`), engine and form, for a set that
    mixes kinds: its average hides which kind it misses (`legal`: readers' letters and news)."""
    kinds = sorted({q.kind for q in queries})
    if len(kinds) < 2:
        return []
    lines = ["", "By kind of query (MRR@10 / success@1):", "", "| kind | engine | " + " | ".join(forms) + " |",
             "|---|---|" + "---|" * len(forms)]
    for kind in kinds:
        of_kind = [q for q in queries if q.kind == kind]
        n = len({q.qid for q in of_kind})
        for run in runs:
            if run.error:
                continue
            cells = [fmt_score(cell(run, select(of_kind, f)), "both") for f in forms]
            lines.append(f"| {kind} (n={n}) | {run.engine} | " + " | ".join(cells) + " |")
    return lines


def correction_score(accented: str, typed: str, suggestion: str | None) -> tuple[bool, bool]:
    """What a person who typed `typed` is shown (the suggestion, else the query as typed) against
    the accented original: (the same, lowercase with canonical tone placement; the same
    letters, marks aside)."""
    from indexer.analysis import canonical_syllable

    shown = syllables(suggestion or typed)
    meant = syllables(accented)
    exact = [canonical_syllable(w) for w in shown] == [canonical_syllable(w) for w in meant]
    return exact, [fold(w) for w in shown] == [fold(w) for w in meant]


def restoration_section(results: Results) -> list[str]:
    """Share of accented syllables the plain query's suggestion restores, per set."""
    lines = [
        "## Restoration (\"did you mean\" on the plain form)",
        "",
        "Share of the syllables with marks in the accented query that vnsearch's "
        "`response[\"suggestion\"][\"text\"]` for the plain query restores exactly (lowercase, canonical tone "
        "placement); no suggestion restores nothing. vnsearch restores marks only in queries of at most 8 words.",
        "",
        "| set | queries | marked syllables | restored | queries with a suggestion | queries fully restored "
        "| unmarked syllables wrongly marked |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for qs, _, runs in results:
        run = next((r for r in runs if r.engine == OURS and not r.error and r.restoration), None)
        plain = {qid: s for (qid, form), s in run.suggested.items() if form == "plain"} if run else {}
        if not plain:
            continue
        marked = restored = wrong = full = with_sugg = n = 0
        for q in qs.queries:
            if q.qid not in plain:
                continue
            sugg = plain[q.qid]
            m, r, w = restoration_score(q.text, sugg)
            n += 1
            marked, restored, wrong = marked + m, restored + r, wrong + w
            with_sugg += sugg is not None
            full += m > 0 and r == m
        has_marks = sum(1 for q in qs.queries if q.qid in plain and fold(q.text) != q.text.lower())
        lines.append(
            f"| {qs.name} | {n} | {marked} | **{restored / max(marked, 1):.3f}** ({restored}) | "
            f"{with_sugg / max(n, 1):.3f} | {full / max(has_marks, 1):.3f} | {wrong} |"
        )
    return [*lines, "", *correction_section(results)]


def correction_section(results: Results) -> list[str]:
    """How often the one-typo query's "did you mean" shows the query meant, per set and typo form
    (those of the CORRECTION_FORMS that were run: the accented one says how often a query typed
    right is shown changed)."""
    rows = []
    for qs, queries, runs in results:
        run = next((r for r in runs if r.engine == OURS and not r.error and r.restoration), None)
        if run is None:
            continue
        typed = {(q.qid, q.form): q.text for q in queries}
        for form in CORRECTION_FORMS:
            asked = [q for q in qs.queries if (q.qid, form) in run.suggested and (q.qid, form) in typed]
            if not asked:
                continue
            answers = [(typed[(q.qid, form)], run.suggested[(q.qid, form)]) for q in asked]
            scores = [correction_score(q.text, *a) for q, a in zip(asked, answers, strict=True)]
            short = sum(len(syllables(q.text)) <= 8 for q in asked)
            suggested = sum(a[1] is not None for a in answers)
            n = len(asked)
            exact, letters = sum(e for e, _ in scores), sum(f for _, f in scores)
            shares = f"{suggested / n:.3f} | **{exact / n:.3f}** | {letters / n:.3f}"
            rows.append(f"| {qs.name} | {form} | {n} | {short} | {shares} |")
    if not rows:
        return []
    return [
        "## Correction (\"did you mean\" on the one-typo and keystroke forms, and on the query typed right)",
        "",
        "What a person who typed the one-typo query, or the query's keystrokes with the input method off "
        "(the telex and vni forms), is shown (the suggestion, else the query as typed), "
        "against the accented original: the same (lowercase, canonical tone placement), or the same letters "
        "with marks aside. In a query of more than 8 words vnsearch offers only decoded keystrokes and the "
        "words the index lacks, corrected. The `accented` rows are the queries typed right: below 1.000, "
        "right queries shown changed (some of vinewsqa's own questions hold a typo).",
        "",
        "| set | form | queries | of at most 8 words | with a suggestion | shown exactly as meant | same letters |",
        "|---|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]


# each one-slip form, and the form its slip was made in (the same queries typed right)
SLIP_FORMS = {
    "typo": "plain", "typo-accented": "accented", "typo-keys": "plain", "telex-typo": "telex", "vni-typo": "vni",
}


def slip_section(results: Results, names: list[str], forms: list[str]) -> list[str]:
    """Where the one-slip forms lose: per set, form and kind of slip (`keystrokes.slip_kind`),
    MRR@10 with the slip minus MRR@10 of the same queries typed right, per engine, and that
    difference again for the slips that make a word the corpus holds (a real-word slip: "nhieu
    lan" for "nhieu loan" reads as well as the query meant, so no engine can tell)."""
    rows = []
    for qs, queries, runs in results:
        done = {r.engine: r for r in runs if not r.error}
        pairs = [(form, base) for form, base in SLIP_FORMS.items() if form in forms and base in forms]
        if not done or not pairs:
            continue
        vocabulary = {w for a in qs.articles for w in syllables(fold(full_text(a)))}
        texts = {(q.qid, q.form): q.text for q in queries}
        for form, base in pairs:
            groups: dict[str, list[tuple[str, bool]]] = {}
            for q in select(queries, form):
                right = texts.get((q.qid, base))
                found = slipped_word(q.text, right) if right is not None else None
                kind = (slip_kind(*found) if found else None) or "other"
                groups.setdefault(kind, []).append((q.qid, bool(found) and found[0] in vocabulary))
            for kind in [*SLIP_KINDS, "other"]:
                group = groups.get(kind, [])
                if not group:
                    continue
                real = [qid for qid, is_word in group if is_word]
                cells = []
                for name in names:  # an engine that failed on this set: dashes, columns kept
                    run = done.get(name)
                    cells.append(_slip_loss(run, [qid for qid, _ in group], form, base) if run else "–")
                    cells.append(_slip_loss(run, real, form, base) if run and real else "–")
                rows.append(f"| {qs.name} | {form} | {kind} | {len(group)} | {len(real)} | " + " | ".join(cells) + " |")
    if not rows:
        return []
    heads = [h for name in names for h in (f"{name}: all", f"{name}: real-word slips")]
    return [
        "## One slip, by kind",
        "",
        "Each one-slip form against the same queries typed right (`typo` and `typo-keys`: the plain "
        "form; `typo-accented`: the accented one): MRR@10 with the slip minus MRR@10 without it, per kind "
        "of slip (`keystrokes.slip_kind`; `other`: the slip did not change a word, or changed more than "
        "one), for all the queries of the kind and for those whose slip makes a word the corpus holds "
        "(a real-word slip).",
        "",
        "| set | form | slip | queries | real-word slips | " + " | ".join(heads) + " |",
        "|---|---|---|---:|---:|" + "---:|" * len(heads),
        *rows,
        "",
    ]


def _slip_loss(run: Run, qids: list[str], form: str, base: str) -> str:
    slipped = score([run.ranks.get((qid, form)) for qid in qids])
    right = score([run.ranks.get((qid, base)) for qid in qids])
    return f"{slipped.mrr - right.mrr:+.3f}"


def runtime_section(results: Results, names: list[str], gen_times: dict[str, float]) -> list[str]:
    """Seconds per set: making the set, then per engine index build or cache load + queries."""
    lines = [
        "## Runtime (s)",
        "",
        "Per engine: index (build, or load from the cache) + queries; the machine's load varies.",
        "",
        "| set | make set | " + " | ".join(names) + " | total |",
        "|---|---:|" + "---:|" * len(names) + "---:|",
    ]
    for qs, _, runs in results:
        cells, total = [], gen_times[qs.name]
        for name in names:
            run = next(r for r in runs if r.engine == name)
            if run.error:
                cells.append("–")
                continue
            build = run.build_s or 0.0
            total += build + run.query_s
            cells.append(f"{build:.0f} + {run.query_s:.0f}")
        lines.append(f"| {qs.name} | {gen_times[qs.name]:.0f} | " + " | ".join(cells) + f" | {total:.0f} |")
    return [*lines, ""]


def write_ranks(results: Results, path: Path) -> None:
    """Every query's rank per engine as JSON Lines (`bench/compare_ranks.py` reads two such
    files): which queries a change moved, not only how much each cell did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for qs, queries, runs in results:
            for run in runs:
                for q in queries:
                    key = (q.qid, q.form)
                    row = {
                        "engine": run.engine, "set": qs.name, "form": q.form, "qid": q.qid, "kind": q.kind,
                        "rank": run.ranks.get(key), "expected": q.expected, "query": q.text,
                        "top": run.top.get(key, []), "suggestion": run.suggested.get(key),
                    }
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")


def misses_text(results: Results, forms: list[str], k: int) -> str:
    """The first k misses (rank != 1) per set, engine and form, with expected and top-3 titles."""
    out = []
    for qs, queries, runs in results:
        titles = {a["id"]: title_of(a) for a in qs.articles}
        for run in runs:
            if run.error:
                continue
            for f in forms:
                missed = [q for q in select(queries, f) if run.ranks.get((q.qid, q.form)) != 1]
                if not missed:
                    continue
                head = f"{qs.name} / {run.engine} / {f}: {len(missed)} not at rank 1"
                out.append(f"\n## {head}; first {min(k, len(missed))}")
                for q in missed[:k]:
                    rank = run.ranks.get((q.qid, q.form))
                    err = run.query_errors.get((q.qid, q.form))
                    note = f" ({err})" if err else ""
                    out.append(f"- {q.qid} [{q.kind}] {q.text!r} → rank {rank or f'>{K}'}{note}")
                    out.append(f"    expected: {titles.get(q.expected, q.expected)}")
                    for i, doc in enumerate(run.top.get((q.qid, q.form), [])[:3], 1):
                        out.append(f"    {i}. {titles.get(doc, doc)}")
    return "\n".join(out) + "\n"


def versions() -> str:
    """Versions of the things measured."""
    try:
        from importlib.metadata import version

        whoosh = version("whoosh-reloaded")
    except Exception:
        whoosh = "?"
    return f"Python {platform.python_version()}, whoosh-reloaded {whoosh}, SQLite {sqlite3.sqlite_version}"


def display(path: Path) -> str:
    """A path relative to the repo (or its parent) when possible: no machine paths in reports."""
    for base, prefix in ((REPO, ""), (REPO.parent, "../")):
        try:
            return prefix + str(path.resolve().relative_to(base))
        except ValueError:
            continue
    return path.name


def git_head() -> str:
    """The short commit hash of the code measured (the lead runs this from other worktrees)."""
    try:
        out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def parse_list(value: str, known: tuple[str, ...] | list[str], what: str, ap: argparse.ArgumentParser) -> list[str]:
    items = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [v for v in items if v not in known]
    if unknown:
        ap.error(f"unknown {what} {unknown}; known: {', '.join(known)}")
    return items


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    known_sets = {**SETS, **OPTIONAL_SETS}
    ap.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of: {', '.join(known_sets)}")
    ap.add_argument("--forms", default=",".join(DEFAULT_FORMS), help=f"comma-separated, of: {', '.join(FORMS)}")
    ap.add_argument("--engines", default=DEFAULT_ENGINES, help=f"comma-separated, of: {', '.join(ENGINES)}")
    ap.add_argument(
        "--subset", type=positive_int, metavar="N", help="only the first N base queries of each set (all forms)"
    )
    ap.add_argument("--show-misses", type=int, default=0, metavar="K", help="first K misses per set/engine/form")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="index cache (bench/results/cache)")
    ap.add_argument("--no-cache", action="store_true", help="build every index in a temp folder, keep nothing")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached indexes this run uses")
    ap.add_argument("--jobs", type=positive_int, default=1, help="vnsearch query processes (the machine is shared: 1)")
    ap.add_argument("--restoration", action="store_true", help="also score vnsearch's suggestion for plain queries")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="report (bench/results/relevance.md)")
    ap.add_argument("--ranks", type=Path, metavar="FILE", help="also write every query's rank (JSON Lines)")
    ap.add_argument("--keywords", type=Path, metavar="TSV",
                    help="the keyword sets' queries: a TSV as bench/make_queries.py writes (default: the dev set)")
    args = ap.parse_args(argv)
    if args.keywords:
        if not args.keywords.is_file():
            ap.error(f"--keywords: no such file {args.keywords}")
        known_sets["keywords"] = partial(keywords_set, args.keywords)
        known_sets["keywords-50k"] = partial(keywords_50k_set, args.keywords)

    set_names = parse_list(args.sets, list(known_sets), "set(s)", ap)
    forms = parse_list(args.forms, FORMS, "form(s)", ap)
    names = parse_list(args.engines, list(ENGINES), "engine(s)", ap)
    cache = IndexCache(None if args.no_cache else args.cache, args.rebuild)
    started = time.perf_counter()
    results = []
    gen_times = {}
    for set_name in set_names:
        t0 = time.perf_counter()
        try:
            qs = known_sets[set_name]()
        except FileNotFoundError as exc:
            print(f"[{set_name}] skipped: {exc}", file=sys.stderr)
            continue
        if args.subset:
            qs.queries = qs.queries[: args.subset]
        gen_times[set_name] = time.perf_counter() - t0
        ids = {a["id"] for a in qs.articles}
        lost = sum(q.expected not in ids for q in qs.queries)
        if lost:
            print(f"[{set_name}] warning: {lost} expected ids not in the corpus", file=sys.stderr)
        queries = expand(qs, forms)
        results.append((qs, queries, run_set(qs, queries, names, cache, args.restoration, args.jobs)))
    total = time.perf_counter() - started
    if not results:  # nothing measured: say so, and leave the last report as it is
        print(f"relevance.py: error: no set could be read (each was skipped above); {args.out} is unchanged",
              file=sys.stderr)
        return 2

    lines = [
        "# Relevance (known-item)",
        "",
        f"Code {git_head()}; {versions()}. Sets: {', '.join(qs.name for qs, _, _ in results)}; "
        f"forms: {', '.join(forms)}. Whole run {total:.0f} s.",
        "",
        "## MRR@10",
        "",
        *wide_table(results, names, forms, "mrr"),
        "",
        "## success@1",
        "",
        *wide_table(results, names, forms, "s1"),
        "",
        "## All cells: MRR@10 / success@1 (⚠: vnsearch below bm25-plain)",
        "",
        *long_table(results, names, forms),
        "",
        "## Per set",
        "",
    ]
    for qs, queries, runs in results:
        lines += set_section(qs, queries, runs, forms, gen_times[qs.name])
    lines += slip_section(results, names, forms)
    if args.restoration:
        lines += restoration_section(results)
    lines += runtime_section(results, names, gen_times)
    if cache.warnings:
        lines += ["## Warnings", "", *(f"- {w}" for w in dict.fromkeys(cache.warnings)), ""]
    text = "\n".join(lines)
    print(text)
    if args.show_misses:
        print(misses_text(results, forms, args.show_misses))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)  # as typed: the report itself names no machine paths
    if args.ranks:
        write_ranks(results, args.ranks)
        print(f"wrote {args.ranks}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
