"""Errors as RFC 9457 problem details (``application/problem+json``), rendered in one place.

Every error has a stable ``type`` URI (``/problems/<slug>``, each one documented at that path),
a ``title``, a ``status`` and a human ``detail``; an error raised by a regulation rule also gives
the ``rule`` and the ``clause`` it comes from. Nothing else in the API builds an error response.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from ejournal.errors import EjournalError, RuleViolationError

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/problems/"


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


class ClausePublic(BaseModel):
    """The clause of a school regulation a refusal comes from."""

    source: str
    ref: str
    text: str | None = None


class ProblemPublic(BaseModel):
    """An error, as RFC 9457 problem details."""

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
    **extensions: Any,
) -> JSONResponse:
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
    return problem(
        error.status,
        error.slug,
        error.title,
        error.detail,
        instance=request.url.path,
        headers=headers,
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
    return invalid_request(errors, request.url.path)


def invalid_request(errors: list[dict[str, Any]], instance: str | None) -> JSONResponse:
    """The answer to a request that does not match what its endpoint takes; each error gives its
    ``location``, ``message`` and ``type``."""
    where = "; ".join(f"{'.'.join(e['location'])}: {e['message']}" for e in errors[:5])
    return problem(
        422,
        "invalid-request",
        "The request is not valid",
        f"the request does not match what this endpoint takes: {where}",
        instance=instance,
        errors=errors,
    )


def _command_validation_error(request: Request, error: Exception) -> JSONResponse:
    """A request that passed its own model but not the command it becomes (a value the core's
    model refuses): the same answer as any invalid request."""
    assert isinstance(error, ValidationError)
    return _validation_error(request, RequestValidationError(error.errors()))


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    status = HTTPStatus(error.status_code)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(
        error.status_code, status.phrase.lower().replace(" ", "-")
    )
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
    )


def _methods_for(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(request.url.path):
            methods |= route.methods
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Render every error of the app as problem+json."""
    _register(EjournalError)
    PROBLEM_TYPES.setdefault("invalid-request", "The request is not valid")
    app.add_exception_handler(EjournalError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _command_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
