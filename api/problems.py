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
from starlette.exceptions import HTTPException as StarletteHTTPException

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


class IdempotencyConflictError(ApiError):
    slug = "idempotency-key-reused"
    title = "The idempotency key was used for another request"
    status = 422


class IdempotencyInProgressError(ApiError):
    slug = "idempotency-key-in-progress"
    title = "A request with this idempotency key is still being processed"
    status = 409


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
    where = "; ".join(f"{'.'.join(e['location'])}: {e['message']}" for e in errors[:5])
    return problem(
        422,
        "invalid-request",
        "The request is not valid",
        f"the request does not match what this endpoint takes: {where}",
        instance=request.url.path,
        errors=errors,
    )


def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    status = HTTPStatus(error.status_code)
    slug = {404: "not-found", 405: "method-not-allowed"}.get(
        error.status_code, status.phrase.lower().replace(" ", "-")
    )
    detail = error.detail if isinstance(error.detail, str) else status.description
    return problem(
        error.status_code,
        slug,
        status.phrase,
        detail,
        instance=request.url.path,
        headers=dict(error.headers) if error.headers else None,
    )


def install(app: FastAPI) -> None:
    """Render every error of the app as problem+json."""
    _register(EjournalError)
    PROBLEM_TYPES.setdefault("invalid-request", "The request is not valid")
    app.add_exception_handler(EjournalError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
