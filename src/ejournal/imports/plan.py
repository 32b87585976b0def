"""What an import will do, decided before anything is recorded: one step per thing a row names,
either a command to run or "already recorded exactly so"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ejournal.aggregates.account import Account
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.imports.columns import Column, Sheet
from ejournal.roles import Actor


@dataclass(frozen=True)
class Step:
    """One thing of the record a row names (THINGS): ``run`` records it through the command
    handlers; None means the record already holds it and nothing is done."""

    row: int
    thing: str
    run: Callable[[], Recorded] | None
    login_without_password: str | None = None
    """The login of a parent account this step creates without a password."""


class ImportKind(Protocol):
    """One kind of file a school imports: its template's columns and how its rows are planned."""

    name: str
    title: str
    """What the file holds, in Russian (the template's sheet name)."""
    columns: tuple[Column, ...]

    def plan(
        self, school: School, actor: Actor, account: Account | None, sheet: Sheet, year: str
    ) -> list[Step]:
        """The steps of every row; a wrong row adds its problems to ``sheet`` instead."""
        ...


C = TypeVar("C", bound=Command)


def runs(
    school: School, actor: Actor, handler: Callable[[School, Actor, C], Recorded], command: C
) -> Callable[[], Recorded]:
    """A step's run: the command through its own handler, with every check it makes."""
    return lambda: handler(school, actor, command)
