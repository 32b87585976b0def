"""Errors as RFC 9457 problem details (``application/problem+json``), rendered in one place.

Every error has a stable ``type`` URI (``/problems/<slug>``, each one documented at that path),
a ``title``, a ``status`` and a human ``detail``; an error raised by a regulation rule also gives
the ``rule`` and the ``clause`` it comes from. Nothing else in the API builds an error response.

An exception no handler takes is answered here too, never as a bare ``text/plain`` 500: a
database that cannot be reached (``storage.unavailable`` decides) answers 503 with
``Retry-After``, and ``app.state.on_storage_unavailable`` is told (the deployment then checks
whether the server is gone); anything else answers 500 ``/problems/internal-error`` with the
request's id, and its traceback goes to the log, never to the client.

A person reads problems in Russian: a request whose ``Accept-Language`` prefers ``ru`` (q-values
honoured) gets every ``title`` and ``detail`` from the core's catalogue (``ejournal.messages``),
filled from the error's structured fields; the ``type``, ``status``, ``rule`` and ``clause`` stay
as they are. English stays the default for a client that does not ask.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ejournal import messages, storage
from ejournal.aggregates.base import request_id
from ejournal.errors import EjournalError, RuleViolationError, StorageUnavailableError

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/problems/"
RETRY_AFTER_SECONDS = 5
"""What a 503 asks a client to wait before trying again (``Retry-After``): a database restart
or failover takes seconds, and the service reconnects by itself."""
INTERNAL_ERROR = ("internal-error", "Internal error")
INVALID_REQUEST = ("invalid-request", "The request is not valid")
LANGUAGES = ("en", "ru")
"""The languages problems are written in; the first is the default."""

log = logging.getLogger(__name__)


class ApiError(EjournalError):
    """An error of the HTTP layer itself (authentication, idempotency, rate limits)."""

    headers: dict[str, str] | None = None

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.headers = headers


class NotAuthenticatedError(ApiError):
    slug = "not-authenticated"
    title = "Authentication required"
    status = 401


class RateLimitedError(ApiError):
    slug = "too-many-attempts"
    title = "Too many attempts"
    status = 429


class RequestTooLargeError(ApiError):
    slug = "request-too-large"
    title = "The request is too large"
    status = 413


def language(headers: Headers | Mapping[str, str]) -> str:
    """The language a request's ``Accept-Language`` prefers among ``LANGUAGES`` (RFC 9110
    §12.5.4: the highest q-value wins, a range's first-listed on a tie, ``q=0`` refuses); the
    default (English) when it names none of them."""
    header = headers.get("accept-language") or ""
    best, best_q = LANGUAGES[0], 0.0
    for item in header.split(","):
        tag, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.lower().split("-", 1)[0]
        if primary == "*":  # any language: the default is as good as any
            primary = LANGUAGES[0]
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


class ClausePublic(BaseModel):
    """The clause of a school regulation a refusal comes from."""

    source: str
    ref: str
    text: str | None = None


class ProblemPublic(BaseModel):
    """An error, as RFC 9457 problem details. ``title`` and ``detail`` are in Russian when the
    request's ``Accept-Language`` prefers ``ru`` (``Content-Language`` says which); English
    otherwise. ``type``, ``status``, ``rule`` and ``clause`` are the same in both."""

    model_config = ConfigDict(extra="allow")

    type: str
    """A stable URI for the kind of problem (``/problems/<slug>``)."""
    title: str
    status: int
    detail: str
    instance: str | None = None
    rule: str | None = None
    """For a refusal by a regulation rule: the rule's id."""
    clause: ClausePublic | None = None
    """For a refusal by a regulation rule: where the rule comes from."""


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "model": ProblemPublic,
        "description": description,
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemPublic"}}},
    }


RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem_response("The request cannot be carried out"),
    401: _problem_response("No valid bearer token, or the account is blocked or annulled"),
    403: _problem_response("The role does not allow this"),
    404: _problem_response("Not found, or outside the caller's scope (the two look the same)"),
    409: _problem_response("The request contradicts the record, or is still running"),
    413: _problem_response("The request body is larger than the service takes"),
    422: _problem_response("The request is invalid, or a regulation rule refused it"),
    429: _problem_response("Too many attempts"),
    500: _problem_response("The service failed; the answer names the request id it logged"),
    503: _problem_response(
        "The journal's storage cannot be reached right now; try again after Retry-After seconds"
    ),
}
"""The problem responses every route may give, for the OpenAPI document."""

PROBLEM_TYPES: dict[str, str] = {}
"""Every problem slug the API can answer with, and what it means (served at /problems/<slug>)."""


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    *,
    lang: str = LANGUAGES[0],
    fields: Mapping[str, Any] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A problem+json answer. ``title`` and ``detail`` are the English; in Russian (``lang``) they
    come from the catalogue, filled from ``fields`` (the error's structured data)."""
    said = messages.problem_text(slug, fields or {}) if lang == "ru" else None
    if said is not None:
        title, detail = said
    headers = {**(headers or {}), "Content-Language": lang if said else LANGUAGES[0]}
    headers["Vary"] = "Accept-Language"
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extensions.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def problem_types() -> dict[str, str]:
    """Every problem type the API can answer with: each error class of the core that is loaded,
    those of the HTTP layer, and those the framework raises itself."""
    _register(EjournalError)
    PROBLEM_TYPES.setdefault(*INVALID_REQUEST)
    PROBLEM_TYPES.setdefault(*INTERNAL_ERROR)
    for code in (404, 405, 400, 415):
        PROBLEM_TYPES.setdefault(_http_slug(code), HTTPStatus(code).phrase)
    return PROBLEM_TYPES


def _register(cls: type[EjournalError]) -> None:
    PROBLEM_TYPES.setdefault(cls.slug, cls.title)
    for sub in cls.__subclasses__():
        _register(sub)


def _domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, EjournalError)
    extensions: dict[str, Any] = dict(error.extensions)
    if isinstance(error, RuleViolationError):
        extensions["rule"] = error.rule
        extensions["clause"] = {
            "source": error.clause.source,
            "ref": error.clause.ref,
            "text": error.clause.text or None,
        }
    headers = error.headers if isinstance(error, ApiError) else None
    if error.status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    if isinstance(error, StorageUnavailableError):
        log.warning(
            "request %s: %s %s: storage unavailable: %s",
            request_id.get(),
            request.method,
            request.url.path,
            error.reason,
        )
        headers = {**(headers or {}), "Retry-After": str(RETRY_AFTER_SECONDS)}
        extensions["request_id"] = request_id.get()
        on_unavailable = getattr(request.app.state, "on_storage_unavailable", None)
        if on_unavailable is not None:
            on_unavailable(error)
    fields = error.fields()
    if headers and "Retry-After" in headers:
        fields["retry_after"] = headers["Retry-After"]
    return problem(
        error.status,
        error.slug,
        error.title,
        error.detail,
        instance=request.url.path,
        headers=headers,
        lang=language(request.headers),
        fields=fields,
        **extensions,
    )


def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [
        {
            "location": [str(part) for part in e.get("loc", ())],
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in error.errors()
    ]
    contexts = [e.get("ctx") for e in error.errors()]
    return invalid_request(errors, request.url.path, language(request.headers), contexts)


def invalid_request(
    errors: list[dict[str, Any]],
    instance: str | None,
    lang: str = LANGUAGES[0],
    contexts: list[Any] | None = None,
) -> JSONResponse:
    """The answer to a request that does not match what its endpoint takes; each error gives its
    ``location``, ``message`` and ``type``. In Russian each ``message`` is the catalogue's phrase
    for its ``type`` (filled from pydantic's ``ctx``, given in ``contexts``), and the detail names
    each field."""
    where = "; ".join(f"{'.'.join(e['location'])}: {e['message']}" for e in errors[:5])
    if lang == "ru":
        contexts = contexts or [None] * len(errors)
        errors = [
            {**e, "message": messages.validation_message(e["type"], _context(ctx))}
            for e, ctx in zip(errors, contexts, strict=True)
        ]
    slug, title = INVALID_REQUEST
    return problem(
        422,
        slug,
        title,
        f"the request does not match what this endpoint takes: {where}",
        instance=instance,
        lang=lang,
        fields={"errors_text": messages.validation_sentence(errors)},
        errors=errors,
    )


def _context(ctx: Any) -> dict[str, Any] | None:
    """Pydantic's ``ctx`` of an error, as text to fill a message (``expected`` lists choices)."""
    if not isinstance(ctx, dict):
        return None
    return {
        key: value if isinstance(value, int | float) else str(value) for key, value in ctx.items()
    }


def _command_validation_error(request: Request, error: Exception) -> JSONResponse:
    """A request that passed its own model but not the command it becomes (a value the core's
    model refuses): the same answer as any invalid request."""
    assert isinstance(error, ValidationError)
    return _validation_error(request, RequestValidationError(error.errors()))


def _http_slug(status_code: int) -> str:
    return {404: "not-found", 405: "method-not-allowed"}.get(
        status_code, HTTPStatus(status_code).phrase.lower().replace(" ", "-")
    )


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    status = HTTPStatus(error.status_code)
    slug = _http_slug(error.status_code)
    detail = error.detail if isinstance(error.detail, str) else status.description
    headers = dict(error.headers) if error.headers else None
    if error.status_code == 405:
        # Starlette names only the first route that matched the path; a path can have several.
        headers = {**(headers or {}), "Allow": ", ".join(_methods_for(request))}
    return problem(
        error.status_code,
        slug,
        status.phrase,
        detail,
        instance=request.url.path,
        headers=headers,
        lang=language(request.headers),
        fields={"method": request.method},
    )


def _methods_for(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(request.url.path):
            methods |= route.methods
    return sorted(methods)


def _unhandled_error(request: Request, error: Exception) -> JSONResponse:
    """What no handler took: unavailable storage (503), or a failure of the service (500)."""
    outage = storage.unavailable(error)
    if outage is not None:
        return _domain_error(request, outage)
    rid = request_id.get()
    log.error("request %s: %s %s failed", rid, request.method, request.url.path, exc_info=error)
    slug, title = INTERNAL_ERROR
    return problem(
        500,
        slug,
        title,
        f"the service failed to answer this request; its log holds the cause under request id"
        f" {rid}",
        instance=request.url.path,
        lang=language(request.headers),
        fields={"request_id": rid},
        request_id=rid,
    )


class UnhandledErrorMiddleware:
    """Answers an exception that no handler took as problem+json (``_unhandled_error``).

    Plain ASGI, inside the request-id middleware (so the id is known and echoed) and outside
    the app's own handlers. Starlette's last-resort handler would run outside both, answer
    ``text/plain`` and lose the request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, send_watched)
        except Exception as error:
            if started:
                raise  # part of an answer is on its way: nothing can be said in its place
            response = _unhandled_error(Request(scope), error)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    """Render every error of the app as problem+json."""
    problem_types()
    app.add_exception_handler(EjournalError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _command_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    # Added before the request-id middleware, so it runs inside it (the last added is outermost).
    app.add_middleware(UnhandledErrorMiddleware)
