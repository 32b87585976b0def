"""SchoolRecord: what a school is, recorded once in its own log when the school is created.

The school's name, the regulation profile it adopted and its time zone (DESIGN.md §11,
``ejournal school create``). They are recorded once: a school is created once, and its first
administrator sets up its years from here on (each year fixes its own zone and profile,
SchoolYear.Started). One record per school log, found again without a lookup
(``school_record_id``), so two concurrent creations collide on its first version instead of
making two schools in one log.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState
from ejournal.aggregates.identity import NAMESPACE
from ejournal.errors import InvariantError
from ejournal.roles import Actor


class SchoolRecordError(InvariantError):
    """A school's record contradicts itself."""

    slug = "school-record-invariant"


def school_record_id() -> UUID:
    """The record of a school's log (one log per school, so one record)."""
    return uuid5(NAMESPACE, "school-record")


class SchoolRecord(Aggregate):
    """One school: its name, its regulation profile and its time zone."""

    class State(SnapshotState):
        name: str
        profile: str
        timezone: str

    class Snapshot(AggregateSnapshot):
        state: SchoolRecord.State

    class Registered(Aggregate.Created):
        """The school was created in this deployment, with its first administrator."""

        name: str
        profile: str
        """The id of the shipped regulation profile the school adopted."""
        timezone: str
        """The IANA zone of the school's server time (deadlines, printed times)."""
        actor: Actor

    @staticmethod
    def create_id(**_: object) -> UUID:
        return school_record_id()

    @classmethod
    def register(cls, *, name: str, profile: str, timezone: str, actor: Actor) -> SchoolRecord:
        if not name.strip():
            raise SchoolRecordError("a school needs its name", invariant="school.name_missing")
        return cls(name=name.strip(), profile=profile, timezone=timezone, actor=actor)

    @event(Registered)
    def __init__(self, *, name: str, profile: str, timezone: str, actor: Actor) -> None:
        self.name = name
        self.profile = profile
        self.timezone = timezone
