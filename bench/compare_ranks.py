"""Which queries a change moved: two `relevance.py --ranks` files, before and after, compared
cell by cell (set × form) for one engine.

    python bench/relevance.py --ranks before.jsonl ...     # at the old code
    python bench/relevance.py --ranks after.jsonl ...      # at the new code, same options
    python bench/compare_ranks.py before.jsonl after.jsonl [--engine vnsearch] [--list 20]

A cell's MRR@10 can stay put while queries move both ways; a change that lifts one query by
dropping another is no gain. So each cell reports how many queries went up and down beside
its MRR@10 before and after, and `--list N` names the N that moved most. Beside the ranks,
each cell counts the queries whose top 10 or whose "did you mean" changed while the rank held
(`others`, `suggested`): a change meant to leave behaviour as it was, or the same code run in
two processes, must show 0 in every column.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

Key = tuple[str, str, str, str]  # engine, set, form, qid


def load(path: Path) -> dict[Key, dict]:
    """The rows of a `--ranks` file by (engine, set, form, qid)."""
    rows: dict[Key, dict] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            rows[(row["engine"], row["set"], row["form"], row["qid"])] = row
    return rows


def reciprocal(rank: int | None) -> float:
    """1/rank, 0 for an article not in the top 10."""
    return 1 / rank if rank else 0.0


@dataclass
class CellChange:
    """One set × form of one engine: MRR@10 before and after, and the queries that moved."""

    set: str
    form: str
    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    moved: list[tuple[float, int | None, int | None, str]] = field(default_factory=list)
    others: int = 0  # the rank held, the rest of the top 10 did not
    suggested: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # query, before, after

    @property
    def up(self) -> int:
        return sum(delta > 0 for delta, *_ in self.moved)

    @property
    def down(self) -> int:
        return sum(delta < 0 for delta, *_ in self.moved)

    def mrr(self, which: list[float]) -> float:
        return sum(which) / len(which) if which else 0.0


def compare(before: dict[Key, dict], after: dict[Key, dict], engine: str) -> list[CellChange]:
    """Per cell, in the order the `after` file lists them, the queries both files ranked."""
    cells: dict[tuple[str, str], CellChange] = {}
    for key, row in after.items():
        if key[0] != engine or key not in before:
            continue
        cell = cells.setdefault((row["set"], row["form"]), CellChange(row["set"], row["form"]))
        old, new = before[key]["rank"], row["rank"]
        cell.before.append(reciprocal(old))
        cell.after.append(reciprocal(new))
        if old != new:
            cell.moved.append((reciprocal(new) - reciprocal(old), old, new, row["query"]))
        elif before[key].get("top") != row.get("top"):
            cell.others += 1
        if before[key].get("suggestion") != row.get("suggestion"):
            cell.suggested.append((row["query"], before[key].get("suggestion"), row.get("suggestion")))
    return list(cells.values())


def report(cells: list[CellChange], listed: int) -> list[str]:
    """A markdown table of the cells, then the most moved queries of each cell that moved."""
    lines = [
        "| set | form | queries | MRR@10 before | after | up | down | others | suggested |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in cells:
        mark = " ↑" if c.mrr(c.after) > c.mrr(c.before) else " ↓" if c.mrr(c.after) < c.mrr(c.before) else ""
        lines.append(
            f"| {c.set} | {c.form} | {len(c.after)} | {c.mrr(c.before):.4f} | {c.mrr(c.after):.4f}{mark}"
            f" | {c.up} | {c.down} | {c.others} | {len(c.suggested)} |"
        )
    ups, downs = sum(c.up for c in cells), sum(c.down for c in cells)
    others, suggested = sum(c.others for c in cells), sum(len(c.suggested) for c in cells)
    lines += ["", f"{ups} queries up, {downs} down, {others} other top 10s at the same rank,"
              f" {suggested} suggestions changed, in {len(cells)} cells."]
    for c in cells:
        if listed and (c.moved or c.suggested):
            lines += ["", f"{c.set} / {c.form}:"]
            for delta, old, new, query in sorted(c.moved, key=lambda m: -abs(m[0]))[:listed]:
                lines.append(f"  {delta:+.3f}  {old or '–'} → {new or '–'}  {query}")
            for query, old_s, new_s in c.suggested[:listed]:
                lines.append(f"  did you mean  {old_s or '–'} → {new_s or '–'}  {query}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("before", type=Path, help="a relevance.py --ranks file of the old code")
    ap.add_argument("after", type=Path, help="the same run's file at the new code")
    ap.add_argument("--engine", default="vnsearch", help="the engine compared (vnsearch)")
    ap.add_argument("--list", type=int, default=0, metavar="N", help="name the N most moved queries per cell")
    args = ap.parse_args(argv)
    if args.list < 0:
        ap.error(f"--list must be 0 or more, not {args.list}")
    files = []
    for path in (args.before, args.after):
        try:
            files.append(load(path))
        except OSError as exc:
            ap.error(f"cannot read {path}: {exc.strerror or exc}")
        except (ValueError, KeyError, TypeError) as exc:  # a report, or any file but a --ranks one
            ap.error(f"{path} is not a relevance.py --ranks file ({type(exc).__name__}: {exc})")
    before, after = files
    cells = compare(before, after, args.engine)
    if not cells:
        print(f"no query of engine {args.engine!r} is in both files", file=sys.stderr)
        return 2
    unmatched = sum(k[0] == args.engine and k not in before for k in after)
    if unmatched:
        print(f"warning: {unmatched} queries of the second file are not in the first", file=sys.stderr)
    print("\n".join(report(cells, args.list)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
