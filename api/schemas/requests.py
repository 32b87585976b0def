"""The base of every request body, and how a request writes a date."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict


class RequestModel(BaseModel):
    """A request body: unknown fields are refused, and strings are stripped as the core's
    commands strip them, so a body that passes here also passes as a command."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    # Pydantic's lax mode reads 0 (or "0") as 1 January 1970 and "2026-09-01T00:00:00" as a day:
    # a date the client never wrote would go into the log.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value  # the date validator reads it, and refuses a 30 February
    raise ValueError("a date is written YYYY-MM-DD, such as 2026-09-01")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A date in a request body or query: an ISO 8601 calendar date ("2026-09-01") and nothing else."""
