"""Running a command from a page's form: the core's handler, under the form's idempotency key.

Each form carries a key made when the page was shown, and the command runs through the API's
``CommandRunner``: the key's answer is stored with the command's events, so a form sent twice
(a double click, a reload after a lost answer) records nothing twice and gets the first answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.idempotency import MAX_KEY_LENGTH
from ejournal.roles import Actor
from web.auth import WebPage
from web.services import CommandRunner, RecordedPublic

__all__ = ["KEY_FIELD", "RecordedPublic", "new_key", "run"]

C = TypeVar("C", bound=Command)

KEY_FIELD = "idempotency_key"


def new_key() -> str:
    return f"web-{uuid.uuid4()}"


def run(
    request: Request,
    page: WebPage,
    key: str | None,
    handler: Callable[[School, Actor, C], Recorded],
    command: C,
) -> RecordedPublic:
    """Run ``handler`` for ``command`` as the page's actor, once per key."""
    usable = key if key and len(key) <= MAX_KEY_LENGTH else None
    runner = CommandRunner(request, Response(), page.session, usable)
    return runner(handler, page.actor, command)
