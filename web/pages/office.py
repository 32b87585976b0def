"""What the office's pages (deputy, auditor, inspector, administrator) share: a form the core
refused for its input said in Russian, and moments typed into a form read in the school's zone.

Nothing here decides anything: the scope checks are the core's (``ejournal.access``), the rules
the command handlers'; a page only turns what a person typed into the values a handler or a
query takes, and a refusal into the sentence a person reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from ejournal import messages
from web.rendering import Refusal

INVALID_FORM = "invalid-request"
"""The problem type of an input the page could not take (the API's 422 for the same input)."""


def invalid_form(error: ValidationError, labels: Mapping[str, str]) -> Refusal:
    """A command that refused its input (pydantic's errors), naming each field as the form
    labels it."""
    parts = []
    for e in error.errors()[:5]:
        field = str(e["loc"][0]) if e.get("loc") else ""
        said = messages.validation_message(e.get("type", ""), e.get("ctx"))
        parts.append(f"«{labels.get(field, field)}» — {said}")
    return wrong_input("; ".join(parts) or "Форма заполнена неверно.")


def wrong_input(detail: str) -> Refusal:
    """A refusal of what was typed into a form, in Russian."""
    return Refusal(INVALID_FORM, 422, "Форма заполнена неверно", detail)


def no_such_person(name: str) -> Refusal:
    """A person typed by name or login whom the accounts' directory does not know (404, as
    the API answers)."""
    return Refusal(
        "not-found",
        404,
        "Не найдено",
        f"Учётной записи с таким ФИО или логином нет: «{name}». Проверьте написание.",
    )


def given(value: str | None) -> str | None:
    """A form field's value, or None for a field left empty (an HTML form sends it as "")."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def local_moment(value: str | None, zone: ZoneInfo) -> datetime | None:
    """A moment typed into a ``datetime-local`` field ("2026-09-07T10:00"), read on the school's
    clock; None when left empty; ValueError when it is no moment."""
    text = given(value)
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def moment_field(moment: datetime | None, zone: ZoneInfo) -> str:
    """A moment as a ``datetime-local`` field shows it, on the school's clock."""
    return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def local_day(value: str | None) -> date | None:
    """A day typed into a ``date`` field; None when left empty; ValueError when it is no day."""
    text = given(value)
    return None if text is None else date.fromisoformat(text)
