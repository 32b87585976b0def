"""Pages from Jinja2 templates, and a refusal as a person reads it.

Templates autoescape everything. Every page gets the signed-in person (if any), the role they
act in, the navigation of that role and the form token; a refusal is the core's error said in
Russian from the one catalogue (``ejournal.messages``), with the regulation's clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ejournal import messages
from ejournal.errors import EjournalError, RuleViolationError

TEMPLATES = Path(__file__).parent / "templates"

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def day_long(day: date) -> str:
    """«7 сентября 2026, пн»."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year}, {WEEKDAYS_SHORT[day.weekday()]}"


def day_short(day: date) -> str:
    """«07.09»."""
    return f"{day:%d.%m}"


def moment(value: datetime) -> str:
    """«07.09.2026 19:00» in the moment's own offset (the school's zone)."""
    return f"{value:%d.%m.%Y %H:%M}"


_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters.update(day_long=day_long, day_short=day_short, moment=moment)
_environment.globals.update(MONTHS=MONTHS)


PAGE_HEADERS = {
    "Content-Language": "ru",
    "Cache-Control": "no-store",  # a journal page may hold a child's marks: never kept
    # Everything comes from the service itself, and no other site may frame a page (a form
    # under a forged overlay) or receive its forms. htmx adds its own small <style>.
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline';"
    " frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@dataclass(frozen=True)
class Refusal:
    """A refused request as a page shows it: the Russian title and sentence, and for a
    regulation's rule the rule's id and clause."""

    slug: str
    status: int
    title: str
    detail: str
    rule: str | None = None
    clause: str | None = None
    clause_text: str | None = None

    @classmethod
    def of(cls, error: EjournalError, fields: dict[str, Any] | None = None) -> Refusal:
        known = {**error.fields(), **(fields or {})}
        said = messages.problem_text(error.slug, known)
        title, detail = said if said is not None else (error.title, error.detail)
        if isinstance(error, RuleViolationError):
            return cls(
                error.slug,
                error.status,
                title,
                detail,
                rule=error.rule,
                clause=str(error.clause),
                clause_text=error.clause.text or None,
            )
        return cls(error.slug, error.status, title, detail)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page: the template filled with the request's own context (who, in which role, the
    navigation, the form token) and ``context``."""
    page = getattr(request.state, "web", None)
    values: dict[str, Any] = {
        "request": request,
        "web": page,
        "csrf_token": page.csrf_token if page is not None else "",
        "refusal": None,
    }
    values.update(context or {})
    html = _environment.get_template(template).render(values)
    return HTMLResponse(
        html,
        status_code=status,
        headers={**PAGE_HEADERS, **(headers or {})},
    )
