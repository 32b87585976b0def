"""What every read model writes or orders the same way: the type of a floating-point column, the
order of names, a scheme's grades, the columns of a late entry. (The registry of handlers and
the write buffer are ``read_model`` and ``writes``.)"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any
from uuid import UUID

from ejournal.aggregates.class_journal import LateEntry
from ejournal.database import Dialect

REAL: dict[Dialect, str] = {"sqlite": "REAL", "postgres": "DOUBLE PRECISION"}
"""A floating-point column: PostgreSQL's REAL is single precision (a weight of 1.1 would come
back as 1.100000023841858)."""


def alphabetical(name: str) -> str:
    """A sort key for Russian names: neither SQLite's nor a "C"-collated PostgreSQL's ORDER BY
    knows that ё sorts with е."""
    return name.casefold().replace("ё", "е")


def grades_column(grades: frozenset[int] | None) -> str | None:
    """A scheme's grades as a column keeps them, ",10,11," (a grade is found as ",10," in it);
    NULL for every grade."""
    return None if grades is None else "," + ",".join(map(str, sorted(grades))) + ","


def late_columns(late: LateEntry | None) -> dict[str, Any]:
    """An entry's late-entry columns: whether it was made late, under which permission (DESIGN.md
    §4: a late entry is flagged everywhere)."""
    return {
        "late": late is not None,
        "late_permission_id": str(late.permission_id) if late else None,
    }


# The same few ids (a journal, its lessons, its students) recur in every event of a batch.
id_text = lru_cache(maxsize=4096)(str)


def column_value(value: Any) -> Any:
    """A value as a column stores it: an id as its text, a day as an ISO date, an enum as its
    value; None stays NULL."""
    kind = type(value)
    # Most values are text or NULL already: an audit row asks this of a dozen fields an event.
    if kind is str or value is None or kind is int or kind is bool:
        return value
    if kind is UUID:
        return id_text(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


_PREFIX = re.compile(r"^[a-z]{1,20}$")


def table_prefix(prefix: str) -> str:
    """A read model's table prefix: a constant of its code, never anything a request carries;
    checked all the same, since it is put into SQL text."""
    if not _PREFIX.match(prefix):
        raise ValueError(f"not a table prefix: {prefix!r}")
    return prefix
