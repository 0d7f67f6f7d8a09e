"""The fixes proposed by bench/PERFORMANCE.md, applied as patches so they can be measured
(``python bench/perf.py --fixes``) before anyone changes indexer/ or webui/.

Each patch is the smallest change with the effect; PERFORMANCE.md gives the change to make in
the source. As a script, ``python bench/perf_fixes.py ARGS...`` runs ``vnsearch ARGS...`` with
the patches applied (gunicorn workers fork from that process and inherit them).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MAX_HIGHLIGHT_SCAN = 20_000  # characters of one block analyzed to choose and mark a snippet


def bounded_highlighting(limit: int = MAX_HIGHLIGHT_SCAN) -> None:
    """Highlighter analyzes at most `limit` characters of a block: a 1 MB paragraph costs as
    much as a 20 kB one (matches further on are not marked)."""
    from indexer import search

    def matches(self: Any, text: str) -> list[tuple[int, int, str]]:
        return [
            (t.start, t.end, t.folded) for t in search.tokenize(text[:limit]) if t.folded in self.terms and not t.alias
        ]

    search.Highlighter._matches = matches


def apply_all() -> None:
    """Every patch."""
    bounded_highlighting()


def main(argv: list[str] | None = None) -> int:
    """`vnsearch ARGS...` with the patches applied."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    apply_all()
    from indexer.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
