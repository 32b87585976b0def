"""JSON request bodies name each key of an object once.

JSON leaves duplicate keys undefined and Python's parser silently keeps the last, so
``{"value": "5", "value": "2"}`` would record a "2" the client may never have meant, in a log
that is never rewritten. Every JSON body is checked here, before any route parses it: one
middleware covers every route, those of routers still to come included, where a request or
route class would have to be set on each router (``include_router`` keeps each route's class).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import problems
from ejournal import messages


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKeyError(key)
        found[key] = value
    return found


def duplicate_key(body: bytes) -> str | None:
    """The first key a JSON document names twice in one object; None when there is none, or
    when the body is no JSON at all (the route answers that as for any malformed body)."""
    try:
        json.loads(body, object_pairs_hook=_unique_keys)
    except _DuplicateKeyError as duplicate:
        return duplicate.key
    except ValueError:
        return None
    return None


def _is_json(content_type: str | None) -> bool:
    """Whether FastAPI reads a body of this type as JSON (application/json, application/*+json)."""
    if content_type is None:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


class UniqueKeysMiddleware:
    """Answers a JSON body with a duplicate key as an invalid request (422 problem+json); any
    other request goes on with its body replayed as it came."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(Headers(scope=scope).get("content-type")):
            await self.app(scope, receive, send)
            return
        read: list[Message] = []
        while True:
            message = await receive()
            read.append(message)
            if message["type"] != "http.request":  # the client left: nothing to check
                await self.app(scope, _replaying(read, receive), send)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in read)
        key = duplicate_key(body)
        if key is not None:
            lang = problems.language(Headers(scope=scope))
            said = f"duplicate key {key!r}"
            if lang == "ru":
                said = messages.validation_message("json", None)
            refusal = problems.problem(
                422,
                "invalid-request",
                "The request is not valid",
                f"the request body names {key!r} twice in one object: give each field once",
                instance=scope["path"],
                lang=lang,
                fields={
                    "errors_text": f"тело запроса — поле «{key}» названо в одном объекте дважды"
                },
                errors=[{"location": ["body"], "message": said, "type": "json"}],
            )
            await refusal(scope, receive, send)
            return
        message = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replaying([message], receive), send)


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    """A receive that gives the messages already read, then whatever the client sends next."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
