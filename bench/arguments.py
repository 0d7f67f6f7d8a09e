"""Argument types the bench scripts share: a count or a duration of 0 or less is a usage
error, not a silently different run (`--subset 0` ran the whole set, `--passes 0` printed nan)."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """An argparse `type` for a count of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def positive_float(text: str) -> float:
    """An argparse `type` for a duration in seconds, more than 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
    return value
