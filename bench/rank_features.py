"""Ranking experiments without re-running queries: features of each query's best candidates,
extracted once from the harness's cached vnsearch indexes, then re-ranked in-process.

Why: a full `bench/relevance.py` run costs minutes per set; a re-ranking idea (a new signal, a
weight, a learned model) evaluated over saved candidates costs a second, on every set and form
at once. The `current` variant reproduces vnsearch's windows, rarity window and opening in
order (`indexer.proximity`), checked against the engine on a made-up set by the test suite;
it leaves out the number bonus (NUMBER_WEIGHT), pairs printed as typed (PRINTED_PAIR_WEIGHT)
and abbreviations read as typed (`as_typed`), so where a set's queries hold numbers, marked
pairs or abbreviations its MRR@10 can differ from the harness's: compare ideas against
`current`, not against the harness's table.

    python bench/rank_features.py extract --sets headlines,vinewsqa    # minutes, once per change
    python bench/rank_features.py eval --sets headlines,vinewsqa,keywords,initialisms
    python bench/rank_features.py eval --lightgbm   # + LambdaMART, 5-fold CV by base query

Features per candidate (the first `--depth` by the first-stage score, before any re-rank):
the first-stage score and its parts (words, adjacent pairs, exact forms), the densest window
share (10/20/40/80 syllables, query weights), the same by idf (20/40), query-word coverage
(plain, idf-weighted, first 60 syllables), adjacent-pair coverage, a Dirichlet query
likelihood (mu 300, 1000), the longest run of query words in order, log length, first-stage
rank, the share of the query the first 80 syllables hold in query order (`proximity.lead_order`).
Files go to bench/results/ (git-ignored): they hold article ids, never text.
`--lightgbm` needs `pip install lightgbm` (not a dependency: nothing learned is shipped).
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from engines import ENGINES
from keystrokes import DEFAULT_FORMS
from querysets import SETS, QuerySet
from relevance import DEFAULT_CACHE, REPO, IndexCache, expand

from indexer import matching, proximity
from indexer.forward import WORD
from indexer.matching import FieldsTerm
from indexer.query import FIELD_CHOICES, parse_query
from indexer.schema import PARTS
from indexer.search import _StoredArticles

NAMES = ["score", "core", "bi", "ex", "prox10", "prox20", "prox40", "prox80", "cov", "icov", "pc", "ipc", "lcov",
         "loglen", "rank", "iprox20", "iprox40", "ql300", "ql1000", "run", "lead80"]
F = {n: i for i, n in enumerate(NAMES)}
OUT = REPO / "bench" / "results"


# --- extraction ---------------------------------------------------------------------------------


def _parts_of(scored: Any) -> tuple[list[Any], list[Any]]:
    """The scored query's optional boosts, split into adjacent pairs and exact forms."""
    from whoosh import query as wq

    pairs: list[Any] = []
    exact: list[Any] = []
    if isinstance(scored, wq.AndMaybe):
        for sub in scored.b.subqueries:
            if isinstance(sub, FieldsTerm):
                (pairs if sub.fields[0].endswith("_bi") else exact).append(sub)
    return pairs, exact


def candidate_features(words: list[str], qwords: list[str], weights: dict[str, float], idf: dict[str, float],
                       cf: dict[str, float], total_len: float) -> list[float]:
    """The text features of one candidate (`words`: its folded syllables)."""
    counts = Counter(words)
    length = max(len(words), 1)
    total_w = sum(weights.values()) or 1.0
    total_idf = sum(weights[t] * idf[t] for t in weights) or 1.0
    pairs = [(a, b) for a, b in pairwise(qwords) if a in weights and b in weights]
    have = set(pairwise(words))
    pair_idf = sum(min(idf[a], idf[b]) for a, b in pairs) or 1.0
    head = Counter(words[:60])
    rare = {t: weights[t] * idf[t] for t in weights}
    ql = []
    for mu in (300.0, 1000.0):
        s = sum(weights[t] * math.log(1 + counts[t] / (mu * max(cf[t], 0.5) / total_len)) for t in weights)
        ql.append(s + sum(weights.values()) * math.log(mu / (length + mu)))
    positions: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        positions[w].append(i)
    run = 0
    for i in range(len(qwords)):
        for p in positions.get(qwords[i], [])[:50]:
            k = 1
            while i + k < len(qwords) and p + k < len(words) and words[p + k] == qwords[i + k]:
                k += 1
            run = max(run, k)
    return [
        *(proximity.densest_window(words, weights, w) / total_w for w in (10, 20, 40, 80)),
        sum(weights[t] for t in weights if counts[t]) / total_w,
        sum(weights[t] * idf[t] for t in weights if counts[t]) / total_idf,
        sum(1 for p in pairs if p in have) / max(len(pairs), 1),
        sum(min(idf[a], idf[b]) for a, b in pairs if (a, b) in have) / pair_idf,
        sum(weights[t] * idf[t] for t in weights if head[t]) / total_idf,
        math.log(length),
        -1.0,  # rank, filled in by the caller
        proximity.densest_window(words, rare, 20) / total_idf,
        proximity.densest_window(words, rare, 40) / total_idf,
        *ql,
        run / max(len(qwords), 1),
    ]


def extract(qs: QuerySet, forms: list[str], subset: int | None, depth: int, cache: Path, out: Path = OUT) -> Path:
    """Run each distinct query text of a set through vnsearch's first stage; save features."""
    from whoosh import query as wq

    set_name = qs.name
    if subset:
        qs.queries = qs.queries[:subset]
    queries = expand(qs, forms)
    eng, _, _ = IndexCache(cache, False).engine(ENGINES["vnsearch"][0], qs)
    service = eng.service
    gen = service.generation()
    searcher = service._searcher(gen)
    executor = gen.executor(searcher)
    n = executor.n
    ids = [searcher.stored_fields(d)["article"]["id"] for d in range(n)]
    total_len = float(sum(searcher.reader().field_length(p) for p in PARTS))
    stats: dict[str, tuple[float, int]] = {}
    cands: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    texts = list(dict.fromkeys(q.text for q in queries))
    for count, text in enumerate(texts):
        parsed = parse_query(text, FIELD_CHOICES["all"])
        if parsed.is_empty:
            continue
        parsed, built, meanings, _ = service._understood(parsed, gen)
        for attempt, _ in built.attempts():
            core, scored = attempt
            mask, scores = executor.evaluate(scored, searcher)
            if mask.any():
                break
        docs = executor.top(mask, scores, "relevance", depth)
        if not docs:
            continue
        zero = np.zeros(n, dtype=np.float32)
        core_s = executor.evaluate(core, searcher)[1]
        pairs, exact = _parts_of(scored)
        pair_s = executor.evaluate(wq.Or(pairs), searcher)[1] if pairs else zero
        exact_s = executor.evaluate(wq.Or(exact), searcher)[1] if exact else zero
        weights = dict(built.proximity_terms)
        for t in weights:
            if t not in stats:
                cf = sum(float(executor.raw_postings(p, t, searcher)[1].sum()) for p in PARTS)
                stats[t] = (cf, executor.articles_with(PARTS, t, searcher))
        idf = {t: matching.idf(stats[t][1], n) for t in weights}
        cf = {t: stats[t][0] for t in weights}
        qwords = [(meanings[id(t)].forms[0][0] if id(t) in meanings else t.folded) for t in parsed.positive_tokens]
        articles = _StoredArticles(searcher)
        order = proximity.query_order(built.sequence)
        order_total = sum(max(forms.values()) for forms in built.sequence) or 1.0
        rows = []
        for rank, d in enumerate(docs):
            words = WORD.findall(articles.folded_text(d))
            row = [float(scores[d]), float(core_s[d]), float(pair_s[d]), float(exact_s[d])]
            row += candidate_features(words, qwords, weights, idf, cf, total_len)
            row[F["rank"]] = rank
            hits = proximity._query_word_hits(words, weights)
            row.append(proximity.lead_order(hits, order, len(built.sequence)) / order_total)
            rows.append(row)
        cands[text] = {"docs": [ids[d] for d in docs], "X": np.array(rows), "nq": len(parsed.positive_tokens),
                       "window": built.window_weight / proximity.PROXIMITY_WEIGHT}
        if count % 500 == 0:
            print(f"[{set_name}] {count}/{len(texts)} {time.perf_counter() - started:.0f} s", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"features-{set_name}.pkl"
    rows_q = [(q.qid, q.form, q.expected, q.text) for q in queries]
    with open(path, "wb") as fh:
        pickle.dump({"queries": rows_q, "cands": cands, "names": NAMES}, fh)
    print(f"[{set_name}] wrote {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


# --- evaluation ---------------------------------------------------------------------------------

Scorer = Callable[[dict[str, Any]], np.ndarray]


def rerank(prox: float = proximity.PROXIMITY_WEIGHT, rare: float = 0.0, rare_from: int = proximity.RARE_FROM_WORDS,
           depth: int = proximity.RERANK_DEPTH, lead: float = 0.0) -> Scorer:
    """vnsearch's re-rank from the features: score + best × (prox × window share + rare × the
    idf-weighted 40-syllable window share + lead × the opening's share in query order, the last
    two for queries of `rare_from`+ words), first `depth`."""
    def scorer(c: dict[str, Any]) -> np.ndarray:
        x = c["X"]
        s = x[:, F["score"]].copy()
        k = min(depth, len(s))
        top = s[0] or 1.0
        bonus = prox * c.get("window", 1.0) * x[:k, F["prox20"]]  # a pasted passage's share (stop 38)
        if rare and c["nq"] >= rare_from:
            bonus = bonus + rare * x[:k, F["iprox40"]] + lead * x[:k, F["lead80"]]
        out = s - 1e9  # past the depth: first-stage order, below the re-ranked head
        out[:k] = s[:k] + top * bonus
        return out
    return scorer


def mrr(data: dict[str, Any], scorer: Scorer | Callable[[str, str, dict[str, Any]], np.ndarray],
        keyed: bool = False) -> dict[str, float]:
    """MRR@10 per form (and ALL) of a scorer over saved candidates."""
    per: dict[str, list[float]] = defaultdict(list)
    for qid, form, expected, text in data["queries"]:
        c = data["cands"].get(text)
        rr = 0.0
        if c is not None:
            s = scorer(qid, text, c) if keyed else scorer(c)  # type: ignore[call-arg]
            order = list(np.lexsort((np.arange(len(s)), -s)))
            order += list(range(len(s), len(c["docs"])))
            top = [c["docs"][i] for i in order[:10]]
            rr = 1.0 / (top.index(expected) + 1) if expected in top else 0.0
        per[form].append(rr)
        per["ALL"].append(rr)
    return {f: float(np.mean(v)) for f, v in per.items()}


def lightgbm_cv(datas: dict[str, dict[str, Any]], depth: int) -> None:
    """LambdaMART over normalized features, 5 folds by base query (a query's forms stay in one
    fold), trained on every set at once; MRR@10 of the held-out predictions vs `current`."""
    import lightgbm as lgb

    def feats(c: dict[str, Any]) -> np.ndarray:
        x = c["X"][:depth]
        top = x[0, 0] or 1.0
        ql = x[:, F["ql1000"]]
        cols = [x[:, F[n]] / top for n in ("score", "core", "bi", "ex")]
        cols += [x[:, F[n]] for n in [*NAMES[4:13], "loglen", "iprox20", "iprox40", "run"]]
        cols += [ql - ql.max(), np.full(len(x), c["nq"])]
        return np.stack(cols, axis=1)

    groups = {name: {} for name in datas}  # (qid, text) -> (X, y)
    for name, data in datas.items():
        for qid, _, expected, text in data["queries"]:
            c = data["cands"].get(text)
            if c is not None and (qid, text) not in groups[name]:
                x = feats(c)
                groups[name][(qid, text)] = (x, np.array([d == expected for d in c["docs"][: len(x)]], dtype=int))
    predicted: dict[tuple[str, str, str], np.ndarray] = {}
    params = {"objective": "lambdarank", "learning_rate": 0.05, "num_leaves": 15, "min_data_in_leaf": 20,
              "bagging_fraction": 0.8, "bagging_freq": 1, "feature_fraction": 0.8, "verbose": -1,
              "lambdarank_truncation_level": 10, "num_threads": 1, "seed": 1}
    for fold in range(5):
        train = [(x, y) for g in groups.values() for (qid, _), (x, y) in g.items()
                 if zlib.crc32(qid.encode()) % 5 != fold and y.any()]
        data = lgb.Dataset(np.concatenate([x for x, _ in train]), np.concatenate([y for _, y in train]),
                           group=[len(y) for _, y in train])
        model = lgb.train(params, data, num_boost_round=300)
        for name, g in groups.items():
            for (qid, text), (x, _) in g.items():
                if zlib.crc32(qid.encode()) % 5 == fold:
                    predicted[(name, qid, text)] = model.predict(x)
    for name, data in datas.items():
        base = mrr(data, rerank(rare=proximity.RARE_WEIGHT, lead=proximity.LEAD_WEIGHT))
        got = mrr(data, lambda qid, text, c, name=name: predicted[(name, qid, text)], keyed=True)
        print(f"lightgbm-cv {name}: current {base['ALL']:.4f} -> {got['ALL']:.4f}  "
              + " ".join(f"{f}:{base[f]:.3f}->{got[f]:.3f}" for f in got if f != "ALL"))


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("command", choices=("extract", "eval"))
    ap.add_argument("--sets", default="headlines,vinewsqa")
    ap.add_argument("--forms", default=",".join(DEFAULT_FORMS))
    ap.add_argument("--subset", type=int, help="first N base queries of each set (extract)")
    ap.add_argument("--depth", type=int, default=50, help="candidates kept per query (extract)")
    ap.add_argument("--lightgbm", action="store_true", help="also LambdaMART, 5-fold CV (eval)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="the harness's index cache (extract)")
    args = ap.parse_args(argv)
    names = args.sets.split(",")
    if args.command == "extract":
        for name in names:
            extract(SETS[name](), args.forms.split(","), args.subset, args.depth, args.cache)
        return 0
    datas = {}
    for name in names:
        with open(OUT / f"features-{name}.pkl", "rb") as fh:
            datas[name] = pickle.load(fh)
    variants: dict[str, Scorer] = {
        "no re-rank": rerank(prox=0.0),
        "window only (before issue 11)": rerank(),
        "rarity window (before the opening in order)": rerank(rare=proximity.RARE_WEIGHT),
        "current (+ rarity window + opening in order)": rerank(rare=proximity.RARE_WEIGHT, lead=proximity.LEAD_WEIGHT),
        "rarity window and opening for every query": rerank(
            rare=proximity.RARE_WEIGHT, lead=proximity.LEAD_WEIGHT, rare_from=0
        ),
    }
    for label, scorer in variants.items():
        cells = []
        for name, data in datas.items():
            m = mrr(data, scorer)
            forms = " ".join(f"{f} {v:.3f}" for f, v in m.items() if f != "ALL")
            cells.append(f"{name} {m['ALL']:.4f} ({forms})")
        print(f"{label}:\n  " + "\n  ".join(cells))
    if args.lightgbm:
        lightgbm_cv(datas, proximity.RERANK_DEPTH)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
