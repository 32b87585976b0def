"""How a school year is written where the core's "2026/2027" cannot go: "2026-2027" in a URL.

A body may write a year either way; both mean the core's label.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Path
from pydantic import BeforeValidator, Field

from ejournal.errors import NotFoundError

_URL_LABEL = re.compile(r"(\d{4})-(\d{4})")


def school_year(
    year: Annotated[
        str, Path(description="The school year, as 2026-2027.", examples=["2026-2027"])
    ],
) -> str:
    """The core's label of the year a URL names; a malformed year does not exist."""
    match = _URL_LABEL.fullmatch(year)
    if match is None:
        raise NotFoundError(f"no such school year {year}")
    return f"{match[1]}/{match[2]}"


SchoolYearLabel = Annotated[str, Depends(school_year)]
"""The year of the URL, as the core labels it ("2026/2027")."""


def _slashed(value: object) -> object:
    return value.strip().replace("-", "/") if isinstance(value, str) else value


YearLabel = Annotated[
    str,
    BeforeValidator(_slashed),
    Field(pattern=r"^\d{4}/\d{4}$", examples=["2026/2027"]),
]
"""A school year in a body: "2026/2027" (or "2026-2027", as in URLs)."""
