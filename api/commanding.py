"""Running a command from a request: the handler, the idempotency key, and the answer.

Every command endpoint answers with what was recorded: the ids made, the number of events and
the log position to wait for (read-your-writes). A retry with the same ``Idempotency-Key``
records nothing twice and gets the first answer back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel

from api.dependencies import CurrentSession, Session
from api.idempotency import request_fingerprint
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.roles import Actor

C = TypeVar("C", bound=Command)


class RecordedPublic(BaseModel):
    """What a command recorded."""

    position: int
    """The log position of the last event recorded; reads can wait for it."""
    events: int
    """How many events the command recorded."""
    ids: dict[str, UUID]
    """The ids the command made (lesson_id, mark_id, ...)."""


class CommandRunner:
    """Runs one command of one request, once per Idempotency-Key."""

    def __init__(
        self, request: Request, response: Response, session: Session, key: str | None
    ) -> None:
        self.request = request
        self.response = response
        self.session = session
        self.key = key

    def __call__(
        self, handler: Callable[[School, Actor, C], Recorded], actor: Actor, command: C
    ) -> RecordedPublic:
        app = self.session.school.app
        if self.key is None:
            return _public(handler(app, actor, command))
        store = self.session.school.idempotency
        account_id = self.session.account.id
        fingerprint = request_fingerprint(
            self.request.method, self.request.url.path, command.model_dump(mode="json")
        )
        stored = store.claim(account_id, self.key, fingerprint)
        if stored is not None:
            self.response.status_code = stored.status_code
            self.response.headers["Idempotent-Replayed"] = "true"
            return RecordedPublic.model_validate(stored.body)
        try:
            answer = _public(handler(app, actor, command))
        except BaseException:
            store.release(account_id, self.key)
            raise
        store.complete(account_id, self.key, 201, answer.model_dump(mode="json"))
        return answer


def _public(recorded: Recorded) -> RecordedPublic:
    return RecordedPublic(position=recorded.position, events=recorded.events, ids=recorded.ids)


async def command_runner(
    request: Request,
    response: Response,
    session: CurrentSession,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="A unique key per intended change; a retry with it records nothing twice.",
        ),
    ] = None,
) -> CommandRunner:
    return CommandRunner(request, response, session, idempotency_key)


Run = Annotated[CommandRunner, Depends(command_runner)]
