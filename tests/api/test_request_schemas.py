"""The OpenAPI document says what a route takes: a string its schema offers as valid is not
refused by the route's validator with 422 (the contract test sends what the schema allows).

For each kind of constrained string in a command body (a mark, journal text of one line or of
several, a school year's label), each probe matches the schema's pattern exactly when the
field's validator takes it; and the bodies name those patterns where clients read them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from api.app import create_app
from api.schemas.school_year import YearLabel
from ejournal.aggregates.school_year import LABEL_PATTERN
from ejournal.marks import MARK_PATTERN, MarkValue
from ejournal.policy.profile import shipped_profile_ids
from ejournal.settings import Settings
from ejournal.text import LINES_TEXT_PATTERN, ONE_LINE_TEXT_PATTERN, Label, Topic

PROBES = [
    "",
    " ",
    "\t",
    "\n",
    " \u00a0 ",
    "5",
    " 5 ",
    "4+",
    "4-",
    "4−",
    "0",
    "6",
    "55",
    "зач",
    "незач",
    " зач\n",
    "н/а",
    "Дроби",
    "  Дроби  ",
    "Дроби\nи доли",
    "a\x00b",
    "2026/2027",
    "2026-2027",
    " 2026/2027 ",
    "2026/2028",
    "1999/2000",
    "2100/2101",
    "2101/2102",
    "2026/2027x",
]


def _takes(adapter: TypeAdapter[Any], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("kind", "pattern"),
    [
        (MarkValue, MARK_PATTERN),
        (Label, ONE_LINE_TEXT_PATTERN),
        (Topic, LINES_TEXT_PATTERN),
        (YearLabel, LABEL_PATTERN),
    ],
    ids=["mark", "one-line text", "text of lines", "year label"],
)
def test_a_pattern_offers_exactly_what_the_validator_takes(kind: Any, pattern: str) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(kind)
    schema = adapter.json_schema()
    assert schema["pattern"] == pattern
    differ = [
        value for value in PROBES if bool(re.search(pattern, value)) != _takes(adapter, value)
    ]
    assert not differ, f"schema and validator disagree on {differ}"
    assert not re.search(pattern, "")


def _body(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    where = tmp_path_factory.mktemp("schemas")
    app = create_app(Settings(database_url=f"sqlite:///{where}/db", school="schemas"))
    openapi: dict[str, Any] = app.openapi()
    return openapi


@pytest.mark.parametrize(
    ("body", "field", "pattern"),
    [
        ("MarkRequest", "value", MARK_PATTERN),
        ("MarkCorrectionRequest", "value", MARK_PATTERN),
        ("PeriodMarkCorrectionRequest", "value", MARK_PATTERN),
        ("WholeLessonRequest", "topic", LINES_TEXT_PATTERN),
        ("SchoolYearRequest", "label", LABEL_PATTERN),
        ("YearClosingRequest", "next_year", LABEL_PATTERN),
        ("TransferRequest", "year", LABEL_PATTERN),
        ("WithdrawalRequest", "year", LABEL_PATTERN),
    ],
)
def test_the_command_bodies_name_the_constraint(
    document: dict[str, Any], body: str, field: str, pattern: str
) -> None:
    schema = _body(document, body)["properties"][field]
    choices = schema.get("anyOf", [schema])
    assert any(choice.get("pattern") == pattern for choice in choices), schema
    # The empty mark of the contract run is invalid under the schema, as the route says.
    assert not re.search(pattern, "")


def test_a_profile_id_and_a_time_zone_are_named_by_enum(document: dict[str, Any]) -> None:
    year = _body(document, "SchoolYearRequest")["properties"]
    zones = [c for c in year["timezone"]["anyOf"] if "enum" in c]
    assert len(zones) == 1
    assert "Europe/Moscow" in zones[0]["enum"]
    assert "Mars/Olympus" not in zones[0]["enum"]
    for body in ("SchoolYearRequest", "ProfileRequest"):
        choice = _body(document, body)["properties"]["profile"]
        ids = [c["enum"] for c in _choices(choice) if "enum" in c]
        assert ids == [sorted(shipped_profile_ids())], choice


def _choices(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of a schema, ``anyOf`` nested (an optional union) flattened."""
    if "anyOf" not in schema:
        return [schema]
    return [leaf for choice in schema["anyOf"] for leaf in _choices(choice)]
