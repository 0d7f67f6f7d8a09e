"""What a search request may ask for, checked once for every front end: the service refuses
what these refuse (InvalidParameter, with the API's error code), and the API, the pages and the
command line read their parameters by the same limits and the same day format."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from whoosh import query as wq

from indexer.model import VIETNAM_TIME
from indexer.query import FIELD_CHOICES
from indexer.schema import UNDATED_OLDEST

MAX_PER_PAGE = 100
MAX_RESULT_WINDOW = 1000  # page * per_page may not go deeper than this
SORTS = ("relevance", "newest", "oldest")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # the one form a date parameter takes (ASCII digits)
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")  # ASCII digits only: int() also takes "+5", " 5", "５"


class InvalidParameter(ValueError):
    """A request parameter that cannot be honoured (bad date, unknown sort...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def checked_choices(sort: str, field: str) -> None:
    """Refuse a sort or a field the search does not know."""
    if sort not in SORTS:
        raise InvalidParameter("invalid_sort", f"sort must be one of {', '.join(SORTS)}")
    if field not in FIELD_CHOICES:
        raise InvalidParameter("invalid_field", f"field must be one of {', '.join(FIELD_CHOICES)}")


def checked_page(page: int, per_page: int) -> tuple[int, int]:
    """`page` and `per_page` as whole numbers, within MAX_PER_PAGE and MAX_RESULT_WINDOW."""
    try:
        page, per_page = int(page), int(per_page)
    except (TypeError, ValueError):
        raise InvalidParameter("invalid_page", "page and per_page must be whole numbers") from None
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidParameter("invalid_per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
    if page < 1 or page * per_page > MAX_RESULT_WINDOW:
        raise InvalidParameter(
            "invalid_page", f"page must be ≥ 1 and page × per_page ≤ {MAX_RESULT_WINDOW}"
        )
    return page, per_page


def parse_day(value: str | None, name: str) -> date | None:
    """The day `value` names, YYYY-MM-DD only: `date.fromisoformat` also takes "20220101" and
    ISO weeks ("2022-W01-6"), which the API refused and the pages and the CLI took."""
    if value in (None, ""):
        return None
    try:
        if not DAY.fullmatch(str(value)):
            raise ValueError
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidParameter("invalid_date", f"{name} must be a date like 2021-11-05") from None


def date_filter_of(date_from: str | None, date_to: str | None) -> Any:
    """The Whoosh filter on publication time of a `from`/`to` pair of days (inclusive, read in
    the archive's time zone), None for neither; refuses a day of another form and from > to."""
    start, end = parse_day(date_from, "from"), parse_day(date_to, "to")
    if start is None and end is None:
        return None
    if start is not None and end is not None and start > end:
        raise InvalidParameter("invalid_date", "from must not be after to")
    # On `oldest`, where undated articles are UNDATED_OLDEST, past every day: on `published`
    # they are 0, and a range starting at 1 to keep them out lost every article dated before 1970.
    lo = int(datetime(start.year, start.month, start.day, tzinfo=VIETNAM_TIME).timestamp()) if start else None
    hi = (
        int(datetime(end.year, end.month, end.day, tzinfo=VIETNAM_TIME).timestamp()) + 86399
        if end
        else UNDATED_OLDEST - 1
    )
    return wq.NumericRange("oldest", lo, hi)
