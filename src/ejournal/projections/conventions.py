"""What every read model does the same way: finding the handler of an event, the type of a
floating-point column, the order of names, the columns of a late entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ejournal.aggregates.class_journal import LateEntry
from ejournal.database import Dialect

REAL: dict[Dialect, str] = {"sqlite": "REAL", "postgres": "DOUBLE PRECISION"}
"""A floating-point column: PostgreSQL's REAL is single precision (a weight of 1.1 would come
back as 1.100000023841858)."""

Handler = TypeVar("Handler", bound=Callable[..., object])


def registrar(handlers: dict[type, Handler]) -> Callable[..., Callable[[Handler], Handler]]:
    """A decorator ``on(*event_types)`` that files a read model's handler under the events it
    applies, in ``handlers``."""

    def on(*event_types: type) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for event_type in event_types:
                handlers[event_type] = handler
            return handler

        return register

    return on


def alphabetical(name: str) -> str:
    """A sort key for Russian names: neither SQLite's nor a "C"-collated PostgreSQL's ORDER BY
    knows that ё sorts with е."""
    return name.casefold().replace("ё", "е")


def late_columns(late: LateEntry | None) -> dict[str, Any]:
    """An entry's late-entry columns: whether it was made late, under which permission (DESIGN.md
    §4: a late entry is flagged everywhere)."""
    return {
        "late": late is not None,
        "late_permission_id": str(late.permission_id) if late else None,
    }
