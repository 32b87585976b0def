"""Conditional reads (RFC 9110 §8.8.3, §13.1.2): an ``ETag`` on every read model's page, and
``304 Not Modified`` for an ``If-None-Match`` that still matches, decided before the read model
is queried.

A page's answer is a function of: the school's log (its head, and how far each read model has
applied it), who reads it (the account, and its version: roles and scopes are the account's
events), what was asked (path, query, ``Accept``, ``Accept-Language``), and, for an answer that
says whether a deadline has passed or what "to date" is, the time. The tag is a digest of all
of these, so it changes whenever the answer could, and it names the account: one reader's
cached page is never another's (and ``Vary: Authorization, Cookie`` says so to every cache on
the way). The log's part of the tag is taken when the ``Fresh`` dependency runs, before the
route reads anything, so an answer is never older than its tag; the route calls
``fresh.check()`` after its scope check (a reader who lost access gets 404, never a 304) and
before it queries the read model.

``after`` (read-your-writes) is left out of the tag: it only says how long to wait, and the
positions the read models stand at once the wait is over are in the tag.
"""

from __future__ import annotations

import hashlib
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, FastAPI, Request, Response
from starlette.responses import Response as StarletteResponse

from api.dependencies import CurrentSession

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

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
    state: Hash
    """The tag's digest so far, taken before the route reads anything (see ``freshness``)."""

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
        """The strong entity tag of the answer."""
        digest = self.state.copy()
        digest.update((moment.isoformat() if moment is not None else "").encode())
        return '"' + urlsafe_b64encode(digest.digest()[:18]).decode() + '"'


def _matches(if_none_match: str | None, tag: str) -> bool:
    """If-None-Match's weak comparison (RFC 9110 §13.1.2): any listed tag, ``W/`` or not, or
    ``*`` (the reader holds some answer, and there is one)."""
    if not if_none_match:
        return False
    given = (t.strip() for t in if_none_match.split(","))
    return any(t == "*" or t.removeprefix("W/") == tag for t in given)


def freshness(request: Request, response: Response, session: CurrentSession) -> Freshness:
    """The conditional part of a read (see the module).

    The state of the log goes into the tag here, before the route loads anything it answers
    with (its scope check loads aggregates it may answer from): the answer is then at least as
    new as its tag says, and a tag never stands for an answer older than the log it names. A
    route that waits for a position (``ReadPosition``) names it before ``Fresh``, so the tag is
    taken once the wait is over. Not ``async``: two queries, off the event loop."""
    digest = hashlib.sha256(TAG_FORMAT)
    services = session.school
    account = session.account
    parts: list[object] = [
        services.app.school_id,
        account.id,
        account.version,
        request.method,
        request.url.path,
        sorted((k, v) for k, v in request.query_params.multi_items() if k not in _IGNORED_PARAMS),
        request.headers.get("accept", ""),
        request.headers.get("accept-language", ""),
    ]
    # The log's head and each read model's position (two queries): the answer is made from the
    # read models, or from aggregates (any change to one moves the head).
    for status in services.projector.status():
        parts.append((status.name, status.version, status.position))
        parts.append(status.head)
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\x00")
    return Freshness(request, response, digest)


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
