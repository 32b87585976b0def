"""The error hierarchy of the journal core.

Each error has a stable problem type (a slug the API turns into an RFC 9457 ``type`` URI), a short
title and a human sentence. An error raised by a regulation rule also names the clause it comes
from. A refused command records nothing.

The title and the sentence here are English, for API clients and logs; the Russian a person reads
comes from ``ejournal.messages``, one entry per slug, filled from the error's ``fields()``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Clause(BaseModel):
    """A clause of a school regulation that a rule comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """The regulation, by school: "Lyceum 68", "School 77", ..."""
    ref: str
    """The clause, as the regulation numbers it: "§5.4", "Инструкция, п. 4.2"."""
    text: str = ""
    """The clause's wording (Russian), quoted where it helps the reader."""

    def __str__(self) -> str:
        return f"{self.source}, {self.ref}"


class EjournalError(Exception):
    """Base of every error the core raises on purpose."""

    slug: ClassVar[str] = "error"
    title: ClassVar[str] = "The request could not be carried out"
    status: ClassVar[int] = 400

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions

    def fields(self) -> dict[str, Any]:
        """The structured data a message about this error may name (``ejournal.messages``)."""
        return dict(self.extensions)


class NotFoundError(EjournalError):
    """A resource does not exist, or is outside the caller's scope (the two look the same)."""

    slug = "not-found"
    title = "Not found"
    status = 404


class AccessDeniedError(EjournalError):
    """The actor is known and may see the resource, but may not do this to it."""

    slug = "forbidden"
    title = "Not allowed for this role"
    status = 403


class InvariantError(EjournalError):
    """A command contradicts what the journal already holds (an aggregate invariant).

    ``invariant`` names which one, as a stable id ("year.already_set_up"): the catalogue
    (``ejournal.messages.INVARIANTS``) says it in Russian, so a person reads what is wrong, not
    only that something is. Every raise of an invariant family (``invariant-violated`` and the
    ``*-invariant`` slugs) names one; a test walks the source for it."""

    slug = "invariant-violated"
    title = "The command contradicts the record"
    status = 409

    def __init__(self, detail: str, *, invariant: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.invariant = invariant

    def fields(self) -> dict[str, Any]:
        said = super().fields()
        if self.invariant is not None:
            said["invariant"] = self.invariant
        return said


class RuleViolationError(EjournalError):
    """A regulation rule refused the command; the clause is named."""

    slug = "rule-violated"
    title = "Refused by a regulation rule"
    status = 422

    def __init__(self, detail: str, *, rule: str, clause: Clause, **extensions: Any) -> None:
        super().__init__(f"{detail} ({clause})", **extensions)
        self.rule = rule
        self.clause = clause

    def fields(self) -> dict[str, Any]:
        return {
            **super().fields(),
            "rule": self.rule,
            "clause": str(self.clause),
            "clause_source": self.clause.source,
            "clause_ref": self.clause.ref,
        }


class DeadlinePassedError(RuleViolationError):
    """An entry came after the deadline its regulation sets, with no late-entry permission."""

    slug = "deadline-passed"
    title = "The deadline for this entry has passed"


class ConcurrencyError(EjournalError):
    """Others kept writing to the same aggregate; retries ran out."""

    slug = "concurrent-modification"
    title = "The record changed while the command ran"
    status = 409


class StorageUnavailableError(EjournalError):
    """A school's database cannot be reached or written right now: the server is down or
    restarting, its connections were cut, it ran out of connections, disk or time, or an SQLite
    file cannot be opened or written. Trying again later may succeed (``storage.unavailable``
    decides which errors mean this)."""

    slug = "storage-unavailable"
    title = "The journal's storage is unavailable"
    status = 503

    def __init__(self, detail: str, *, reason: str, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.reason = reason
        """What the database driver said, for the log and the operator; not sent to every
        client, since it names hosts and files."""
