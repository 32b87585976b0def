"""How an ``ejournal`` command ends when it cannot do what was asked: one sentence on stderr and
a documented exit code, never a traceback.

A command group built with ``cls=ReportingGroup`` catches what its commands did not handle and
says it (``explain``): bad settings (exit 2), the database that cannot be reached or written, a
data directory that cannot be made or written, a refusal of the core (exit 1). What is none of
these is a bug, and keeps its traceback. Every command's group is one: the ``ejournal`` group
catches for its own commands and for the groups added to it; a plugin's group (``archive``)
maps its own errors to its own codes first.
"""

from __future__ import annotations

import re
from typing import Any

import typer
from typer.core import TyperGroup

EXIT_FAILED = 1
"""The command could not do what was asked; the sentence on stderr says why."""
EXIT_BAD_SETTINGS = 2
"""A setting (``EJOURNAL_…``) or an option is wrong; click's own usage errors exit 2 too."""


def explain(error: Exception) -> tuple[str, int] | None:
    """The sentence and the exit code for an error no command handled; None for a bug."""
    # Imported here: every ``ejournal`` call loads this module, few of them fail.
    from pydantic import ValidationError  # noqa: PLC0415

    from ejournal import storage  # noqa: PLC0415
    from ejournal.errors import EjournalError  # noqa: PLC0415
    from ejournal.settings import Settings  # noqa: PLC0415

    if isinstance(error, ValidationError) and error.title == Settings.__name__:
        problems = "; ".join(
            f"EJOURNAL_{'_'.join(map(str, e['loc'])).upper()}:"
            f" {e['msg'].removeprefix('Value error, ')}"
            for e in error.errors()
        )
        return f"bad settings: {problems}", EXIT_BAD_SETTINGS
    outage = storage.unavailable(error)
    if outage is not None:
        message = f"the database {_where()} cannot be reached or written ({outage.reason})"
    elif isinstance(error, EjournalError):
        message = error.detail
    elif isinstance(error, storage.StorageError):
        message = str(error)
    elif isinstance(error, OSError):
        # A data, key or checkpoint directory that cannot be made or written: name it.
        reason = error.strerror or str(error)
        message = f"cannot use {error.filename}: {reason}" if error.filename else reason
    else:
        return None
    return message, EXIT_FAILED


class ReportingGroup(TyperGroup):
    """A command group whose commands end, whatever goes wrong that ``explain`` knows, in one
    sentence on stderr and an exit code (``exit_code`` may choose another one)."""

    prefix = "ejournal"

    def invoke(self, ctx: Any) -> Any:  # Any: the context class is typer's vendored click's
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):
            raise  # a usage error, or a command ending with its own code: said already
        except Exception as error:
            explained = self.explain(error)
            if explained is None:
                raise
            message, code = explained
            typer.echo(f"{self.prefix}: {message}", err=True)
            raise typer.Exit(code) from None

    def explain(self, error: Exception) -> tuple[str, int] | None:
        """The sentence and exit code for an error; a plugin's group adds its own."""
        return explain(error)


def _where() -> str:
    from pydantic import ValidationError  # noqa: PLC0415

    from ejournal.settings import Settings  # noqa: PLC0415

    try:
        url = Settings().database_url
    except ValidationError:
        return "as configured"
    # Never print a password.
    return "at " + re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
