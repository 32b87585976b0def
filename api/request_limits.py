"""What the service refuses before routing: a body over ``MAX_BODY_BYTES``, and a path or query
that holds a character no journal text may (NUL and the other control characters).

One place for every endpoint, so no route parses a five-megabyte body or passes a NUL to
PostgreSQL (issue 11). A refusal is problem+json, as every error of the API.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import problems
from ejournal.text import ONE_LINE_PATTERN, refused_character

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body taken. The largest real bodies (a whole year's KTP, a class's whole
lesson with its marks, a school's own regulation profile) are tens of kilobytes."""


class RequestLimitsMiddleware:
    """Refuses, before the app sees it, a request whose path or query holds a character journal
    text refuses (422), or whose body is larger than ``max_body`` bytes (413)."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        errors = _url_errors(scope)
        if errors:
            lang = problems.language(Headers(scope=scope))
            await problems.invalid_request(errors, None, lang)(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if length.isdigit() and int(length) > self.max_body:
                await self._too_large(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        # No length announced (a chunked body): read it here, up to the limit, then hand it on.
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before it finished sending
            body += message.get("body", b"")
            if len(body) > self.max_body:
                await self._too_large(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replaying(bytes(body), receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = problems.RequestTooLargeError
        response = problems.problem(
            error.status,
            error.slug,
            error.title,
            f"the request body is larger than {self.max_body} bytes, the most this service takes",
            instance=scope["path"],
            lang=problems.language(Headers(scope=scope)),
            fields={"max_bytes": self.max_body},
        )
        await response(scope, receive, send)


def document_url_rule(openapi: dict[str, Any]) -> None:
    """Say in the OpenAPI document what the middleware refuses: every text parameter of a path or
    a query is one line of journal text."""
    for item in openapi["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in ("path", "query"):
                    _one_line(parameter.get("schema", {}))


def _one_line(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(schema):
        schema["pattern"] = ONE_LINE_PATTERN
    for choice in schema.get("anyOf", []):
        _one_line(choice)


def _url_errors(scope: Scope) -> list[dict[str, Any]]:
    """What in the path and the query (as the app will decode them) is not journal text."""
    errors: list[dict[str, Any]] = []
    why = refused_character(scope["path"])
    if why:
        errors.append({"location": ["path"], "message": why, "type": "journal_text_character"})
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if why := refused_character(name):
            location = ["query"]
        elif why := refused_character(value):
            location = ["query", name]
        else:
            continue
        errors.append({"location": location, "message": why, "type": "journal_text_character"})
    return errors


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then whatever the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
