"""Every date a request carries, in a body (at any depth) or a query, is an ISO calendar date
and nothing else: pydantic's lax mode would read 0 as 1 January 1970 and a midnight timestamp
as a day, and such a date would go into the log."""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError

from api.app import create_app
from ejournal.settings import Settings

NOT_DATES = (0, "0", 1790000000, "2026-09-01T00:00:00", "01.09.2026", "2026-9-1")


def _leaves(where: str, annotation: Any, metadata: list[Any]) -> Iterator[tuple[str, Any]]:
    """The fields under an annotation that are no model, each with its own metadata."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            yield from _leaves(f"{where}.{name}", field.annotation, list(field.metadata))
        return
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is not Annotated and any(
        isinstance(a, type) and issubclass(a, BaseModel) for a in args
    ):
        for arg in args:
            if arg is not Ellipsis:
                yield from _leaves(where, arg, [])
        return
    yield where, Annotated[(annotation, *metadata)] if metadata else annotation


def _params(dependant: Dependant) -> Iterator[Any]:
    """A route's query and body parameters, its dependencies' included."""
    yield from dependant.query_params
    yield from dependant.body_params
    for sub in dependant.dependencies:
        yield from _params(sub)


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        # FastAPI includes a router as one entry holding the router, whose paths lack the prefix.
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _api_routes(included.routes)


def request_dates(tmp_path: Path) -> list[tuple[str, Any]]:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}", school="dates"))
    found = []
    for route in _api_routes(app.routes):
        for param in _params(route.dependant):
            info = param.field_info
            where = f"{sorted(route.methods)[0]} {route.path} {param.name}"
            for leaf, annotation in _leaves(where, info.annotation, list(info.metadata)):
                schema = json.dumps(TypeAdapter(annotation).json_schema())
                if '"format": "date"' in schema:
                    found.append((leaf, annotation))
    return found


def test_every_date_of_a_request_is_written_yyyy_mm_dd(tmp_path: Path) -> None:
    dates = request_dates(tmp_path)
    # The date fields this test must reach, so that a walk finding none cannot pass.
    reached = {where for where, _ in dates}
    assert {
        "POST /years/{year}/closures body.start",
        "POST /years body.periods.start",
        "POST /journals/{journal_id}/late-entry-permissions body.from_date",
        "GET /family/children/{student_id}/diary start",
        "GET /audit query.lesson_from",
    } <= reached, sorted(reached)
    lenient = []
    for where, annotation in dates:
        adapter = TypeAdapter(annotation)
        assert adapter.validate_python("2026-09-01") == date(2026, 9, 1), where
        for written in NOT_DATES:
            try:
                adapter.validate_python(written)
            except ValidationError:
                continue
            lenient.append((where, written))
    assert lenient == []
