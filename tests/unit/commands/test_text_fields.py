"""Every text a command carries is journal text (ejournal.text) or a stricter closed form (a
pattern, a mark): a new field that forgets it fails here, before a NUL or a novel reaches the log.
"""

from __future__ import annotations

import importlib
import pkgutil

from pydantic import BaseModel
from text_fields import loose_fields

import ejournal.commands
from ejournal.commands.command import Command

MACHINE_WRITTEN = {
    "RegisterArchive.stores",
    "RecordArchiveContents.documents",
    "RecordArchiveVerification.problems",
    "RecordArchiveVerification.stores",
    "RecordArchiveRepair.restored",
    "RecordArchiveRepair.set_aside",
}
"""Text no person types: what the archive process found (store URLs, the paths and damage it saw
in a bag). A fact about a damaged archive is recorded whatever the damage holds."""


def every_command() -> list[type[Command]]:
    for module in pkgutil.iter_modules(ejournal.commands.__path__):
        importlib.import_module(f"ejournal.commands.{module.name}")
    found: list[type[Command]] = []
    todo = [Command]
    while todo:
        cls = todo.pop()
        found.extend(cls.__subclasses__())
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("ejournal.commands")]


def test_the_walk_finds_the_commands_and_a_forgotten_field() -> None:
    names = {cls.__name__ for cls in every_command()}
    assert {"RegisterAccount", "RecordWholeLesson", "AdmitStudent", "KtpLine"} <= names

    class Forgetful(BaseModel):
        reason: str
        notes: tuple[str, ...] | None = None

    assert list(loose_fields(Forgetful, "Forgetful")) == ["Forgetful.reason", "Forgetful.notes"]


def test_every_text_of_every_command_is_journal_text() -> None:
    loose = [
        where
        for cls in every_command()
        for where in loose_fields(cls, cls.__name__)
        if not where.startswith(tuple(MACHINE_WRITTEN))
    ]
    assert loose == []
