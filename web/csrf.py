"""Protection of every form against cross-site request forgery.

A signed-in person's forms carry a per-session token derived from the session token by a
one-way hash: the page knows it, a foreign site cannot compute it (the session token sits in an
HttpOnly cookie), and it dies with the session. It is checked on every POST, from the form's
``csrf_token`` field or, for htmx requests, the ``X-CSRF-Token`` header. Forms shown before a
session exists (login, a temporary password's replacement) use a double-submit cookie: a
random value in a cookie and the same in the form. SameSite=Lax cookies are the second fence.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request

from ejournal.errors import AccessDeniedError

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
PRE_SESSION_COOKIE = "ej_csrf"


class CsrfRefusedError(AccessDeniedError):
    """A form came without the token of the page it was shown on: possibly forged elsewhere."""

    slug = "csrf-refused"
    title = "The form's protection token is missing or wrong"


def session_token(session_secret: str) -> str:
    """The CSRF token of the session whose secret token is ``session_secret``."""
    return hashlib.sha256(b"ejournal web csrf\x00" + session_secret.encode()).hexdigest()


def new_pre_session_token() -> str:
    return secrets.token_urlsafe(32)


async def sent_token(request: Request) -> str:
    """The token a POST carries: the htmx header, else the form field."""
    header = request.headers.get(HEADER)
    if header:
        return header
    form = await request.form()
    value = form.get(FIELD)
    return value if isinstance(value, str) else ""


def check(expected: str | None, sent: str) -> None:
    """Refuse (403) unless the sent token is the expected one."""
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise CsrfRefusedError("the form's CSRF token is missing or wrong: reload the page")
