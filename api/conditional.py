"""Conditional reads (RFC 9110 §8.8.3, §13.1.2): an ``ETag`` on every read model's page, and
``304 Not Modified`` for an ``If-None-Match`` that still matches, decided before the read model
is queried.

A page's answer is a function of: the school's log (its head, and how far each read model has
applied it), who reads it (the account, and its version: roles and scopes are the account's
events), what was asked (path, query, ``Accept``, ``Accept-Language``), and, for an answer that
says whether a deadline has passed or what "to date" is, the time. The tag is a digest of all
of these, so it changes whenever the answer could, and it names the account: one reader's
cached page is never another's (and ``Vary: Authorization, Cookie`` says so to every cache on
the way). A route calls ``fresh.check()`` after its scope check (a reader who lost access gets
404, never a 304) and before it queries anything.

``after`` (read-your-writes) is left out of the tag: it only says how long to wait, and the
positions the read models stand at once the wait is over are in the tag.
"""

from __future__ import annotations

import hashlib
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from starlette.responses import Response as StarletteResponse

from api.dependencies import CurrentSession, Session

TAG_FORMAT = b"ejournal-etag-1"
"""Changed whenever what goes into a tag, or the shape of the pages it covers, changes: a tag
given by an older service then never matches."""
CACHE_CONTROL = "private, no-cache"
"""A page is one reader's (private), and kept only to be revalidated (no-cache): a client asks
each time, and gets a 304 with no body when nothing changed."""
VARY = "Authorization, Cookie, Accept, Accept-Language"
_CARRIED = ("ETag", "Vary", "Cache-Control", "X-Read-Position")
"""The headers a 304 repeats (RFC 9110 §15.4.5), and a route that builds its own response
(a sheet as CSV) copies."""
_IGNORED_PARAMS = frozenset({"after"})


class NotModifiedError(Exception):
    """The reader's copy, named by ``If-None-Match``, is still the answer."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("not modified")
        self.headers = headers


@dataclass(frozen=True)
class Freshness:
    """A read's conditional part: the route calls ``check`` once it has scoped the reader."""

    request: Request
    response: Response
    session: Session

    def check(self, moment: date | None = None) -> None:
        """Tag the answer; answer 304 now if the reader's copy has the same tag. ``moment``:
        for an answer that depends on the time, the time it depends on, as coarse as the
        answer allows (a day for "to date", a minute for "deadline passed")."""
        tag = self.tag(moment)
        headers = self.response.headers
        headers["ETag"] = tag
        headers["Vary"] = VARY
        headers["Cache-Control"] = CACHE_CONTROL
        if _matches(self.request.headers.get("if-none-match"), tag):
            raise NotModifiedError({k: headers[k] for k in _CARRIED if k in headers})

    def tag(self, moment: date | None = None) -> str:
        """The strong entity tag of the answer this request would get now."""
        digest = hashlib.sha256(TAG_FORMAT)
        services = self.session.school
        account = self.session.account
        parts: list[object] = [
            services.app.school_id,
            account.id,
            account.version,
            self.request.method,
            self.request.url.path,
            sorted(
                (k, v)
                for k, v in self.request.query_params.multi_items()
                if k not in _IGNORED_PARAMS
            ),
            self.request.headers.get("accept", ""),
            self.request.headers.get("accept-language", ""),
            moment.isoformat() if moment is not None else "",
        ]
        # One query each for the log's head and the read models' positions: the answer is made
        # from these (the read models) or from aggregates (any change moves the head).
        for status in services.projector.status():
            parts.append((status.name, status.version, status.position))
            parts.append(status.head)
        for part in parts:
            digest.update(repr(part).encode())
            digest.update(b"\x00")
        return '"' + urlsafe_b64encode(digest.digest()[:18]).decode() + '"'


def _matches(if_none_match: str | None, tag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 §13.1.2): any listed tag, ``W/`` or not, or
    ``*`` (the reader holds some answer, and there is one)."""
    if not if_none_match:
        return False
    given = (t.strip() for t in if_none_match.split(","))
    return any(t == "*" or t.removeprefix("W/") == tag for t in given)


async def freshness(request: Request, response: Response, session: CurrentSession) -> Freshness:
    """The conditional part of a read (see the module)."""
    return Freshness(request, response, session)


Fresh = Annotated[Freshness, Depends(freshness)]


def carried_headers(response: Response) -> dict[str, str]:
    """The tag and its companions, for a route that answers with a response of its own."""
    return {k: response.headers[k] for k in _CARRIED if k in response.headers}


async def _not_modified(request: Request, error: Exception) -> StarletteResponse:
    assert isinstance(error, NotModifiedError)
    return StarletteResponse(status_code=304, headers=error.headers)


def install(app: FastAPI) -> None:
    """Answer ``NotModifiedError`` as 304 with the tag and no body."""
    app.add_exception_handler(NotModifiedError, _not_modified)
