"""Every month a request names ("2026-09", in a query) is a month a calendar has: the pattern
routes check lets through no string that is not a date's month (a year 0 or a month 13 once
answered 500), and every route that takes a ``month`` checks it with that one pattern."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from api.app import create_app
from api.schemas.school_year import MONTH_PATTERN, month_start
from ejournal.settings import Settings


def test_every_month_the_pattern_admits_is_a_date() -> None:
    admitted = 0
    for year in range(10_000):
        for month in range(14):
            text = f"{year:04d}-{month:02d}"
            if re.fullmatch(MONTH_PATTERN, text):
                assert month_start(text).isoformat() == f"{text}-01"
                admitted += 1
    assert admitted == 9_000 * 12  # years 1000-9999, months 01-12
    assert not re.fullmatch(MONTH_PATTERN, "2026-9")


def _api_routes(routes: Iterable[Any]) -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route.path, route
        # FastAPI includes a router as one entry holding the router (its paths lack the prefix).
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)


def test_every_route_taking_a_month_checks_it_with_the_pattern(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/months", school="months"))
    checked = []
    for path, route in _api_routes(app.routes):
        for param in route.dependant.query_params:
            if param.name == "month":
                patterns = [getattr(m, "pattern", None) for m in param.field_info.metadata]
                assert MONTH_PATTERN in patterns, path
                checked.append(path)
    assert "/years/{year}/reports/working-time" in checked
    assert "/teacher/journals/{journal_id}/grid" in checked
