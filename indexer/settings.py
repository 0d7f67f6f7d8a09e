"""What a bad setting is: the environment variables vnsearch reads (VNSEARCH_RESULT_CACHE_MB,
VNSEARCH_ABBREVIATIONS) are checked where they are read, and a bad one is a `SettingError` naming
the variable and what it takes, which the CLI prints as one line (exit 2) and `vnsearch serve`
reports before its workers start, not as a traceback in each worker's boot."""

from __future__ import annotations


class SettingError(ValueError):
    """A bad environment setting, named with its variable and what it takes."""
