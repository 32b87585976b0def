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
from ejournal.idempotency import (
    MAX_KEY_LENGTH,
    AlreadyRecordedError,
    CommandKey,
    check_answer,
    keyed,
)
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
    """Runs one command of one request, once per Idempotency-Key: the key's answer is recorded
    with the command's events, so a retry finds it exactly when the command was recorded."""

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
        # The session's account was read through the cache an instant ago, which caught it up.
        with app.caught_up_by_caller():
            return self._run(app, handler, actor, command)

    def _run(
        self, app: School, handler: Callable[[School, Actor, C], Recorded], actor: Actor, command: C
    ) -> RecordedPublic:
        if self.key is None:
            return _public(handler(app, actor, command))
        fingerprint = request_fingerprint(
            self.request.method, self.request.url.path, command.model_dump(mode="json")
        )
        key = CommandKey(account_id=self.session.account.id, key=self.key, fingerprint=fingerprint)
        try:
            # Checked before the handler too, so a handler's work outside the log (a password
            # set in the credential store) is not done again for a plain retry.
            check_answer(key, app.command_answer(key))
            with keyed(key):
                return _public(handler(app, actor, command))
        except AlreadyRecordedError as replay:
            # The command was recorded by an earlier try with this key: the same answer again.
            self.response.headers["Idempotent-Replayed"] = "true"
            return RecordedPublic.model_validate(replay.answer)


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
            max_length=MAX_KEY_LENGTH,
            description="A unique key per intended change; a retry with it records nothing twice.",
        ),
    ] = None,
) -> CommandRunner:
    return CommandRunner(request, response, session, idempotency_key)


Run = Annotated[CommandRunner, Depends(command_runner)]
