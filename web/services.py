"""What the pages take from the API package: the one narrow door from ``web`` into ``api``.

The pages need the running service's schools (``Deployment``), the session a token opens (the
same check as a bearer token's), the read-your-writes wait, and the sign-in (throttled password
check, session token, one's own password); the office's pages also read a journal's page
(``journal_page``), a report's days, a year to start (its zone as ``POST /years`` fills it) and
the CSV dialects as the API does. Those live in ``api`` beside the HTTP API: ``web`` imports
them here and nowhere else, and ``api`` never imports ``web`` but to mount it
(``api.app.create_app``), so there is no cycle.
"""

from __future__ import annotations

from enum import StrEnum

from starlette.requests import Request
from starlette.responses import Response

from api.commanding import CommandRunner, RecordedPublic
from api.dependencies import Session, current_session, wait_for_read_models
from api.deployment import Deployment, SchoolServices
from api.problems import NotAuthenticatedError, RateLimitedError
from api.schemas.journal_page import JournalPagePublic, journal_page
from api.schemas.reports import report_days
from api.schemas.requests import IsoDate
from api.schemas.school_year import (
    MONTH_PATTERN,
    YEAR_PATTERN,
    core_label,
    month_start,
    today_within,
    url_label,
    year_to_start,
)
from api.signing_in import SESSION_TTL, open_session, replace_password, signed_in
from api.tabular import CsvDialect, csv_stream, render_view
from ejournal.projections.summary_sheets.queries import SheetView

__all__ = [
    "MONTH_PATTERN",
    "SESSION_TTL",
    "YEAR_PATTERN",
    "CommandRunner",
    "CsvDialect",
    "Deployment",
    "IsoDate",
    "JournalPagePublic",
    "NotAuthenticatedError",
    "RateLimitedError",
    "RecordedPublic",
    "SchoolServices",
    "Session",
    "core_label",
    "csv_stream",
    "deployment_of",
    "journal_page",
    "month_start",
    "open_session",
    "read_position",
    "replace_password",
    "report_days",
    "session_for_token",
    "signed_in",
    "today_within",
    "url_label",
    "xlsx_download",
    "year_to_start",
]


def deployment_of(request: Request) -> Deployment:
    """The schools this service serves."""
    deployment: Deployment = request.app.state.deployment
    return deployment


def session_for_token(request: Request, token: str | None) -> Session:
    """The session a cookie's token opens: exactly the API's bearer-token check (unknown,
    expired or revoked: NotAuthenticatedError; blocked or annulled: AccountInactiveError)."""
    return current_session(deployment_of(request), token)


def read_position(session: Session, after: int | None) -> int:
    """Read-your-writes for a page: the API's one wait (bounded) until the read models have
    applied ``after``; the position they stand at."""
    return wait_for_read_models(session, Response(), after)


class _Workbook(StrEnum):
    XLSX = "xlsx"


def xlsx_download(view: SheetView, name: str, position: int) -> Response:
    """A sheet as the API's XLSX download (``api.tabular``): the same workbook, offered under
    ``name``.xlsx, read at log ``position``."""
    return render_view(
        view, _Workbook.XLSX, name, Response(headers={"X-Read-Position": str(position)})
    )
