"""The `vnsearch` command's entry point (and `python -m indexer`'s).

Why not `indexer.cli:main` itself: the command line imports NumPy, Whoosh, PyICU, Flask and
the indexer before it does anything (~90k objects), and Python's cyclic garbage collector,
triggered by allocations, walks all that is already loaded again and again while they load
(median over ten starts: 0.61 s with it, 0.49 s without). So they are imported with it paused,
then frozen (`gc.freeze`: never walked again; nothing imported is ever freed), and it is on
again for the command itself. The server's first answer waits for these imports.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    try:
        from indexer.cli import main as cli_main

        gc.freeze()
    finally:
        gc.enable()
    return cli_main()
