"""What a journal's aggregate does not keep but its grid shows: the values corrections superseded
(a mark's previous value, a lesson's previous topic, the reason) and the entries that were
corrected or filled in late, as of one version of the journal.

Those few facts are read from the journal's own correction events: their stored topic picks them
out, so only they are decoded, and the application keeps what it read of a journal's log
(append-only, so it stays true) and reads only what came after.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from ejournal.aggregates.class_journal import ClassJournal
from ejournal.application import School

_SUPERSEDING = frozenset(
    get_topic(cls)
    for cls in (
        ClassJournal.MarkCorrected,
        ClassJournal.MarkVoided,
        ClassJournal.LessonDetailsRecorded,
        ClassJournal.LessonDetailsCorrected,
        ClassJournal.AttendanceCorrected,
        ClassJournal.PeriodMarkCorrected,
    )
)
"""The stored topics of the events that supersede or flag what the aggregate keeps."""


@dataclass
class Superseded:
    """What corrections superseded and which entries were corrected or filled in late, as the
    grid shows them, from a journal's events up to one version."""

    mark_previous: dict[UUID, str] = field(default_factory=dict)
    mark_reason: dict[UUID, str] = field(default_factory=dict)
    lesson_corrections: dict[UUID, ClassJournal.LessonDetailsCorrected] = field(
        default_factory=dict
    )
    late_details: dict[UUID, UUID] = field(default_factory=dict)
    """A lesson's topic or homework filled in late: the first permission it was under."""
    attendance_corrected: set[str] = field(default_factory=set)
    """As the aggregate keys attendance: "<lesson>/<student>"."""
    period_mark_corrections: dict[tuple[str, UUID], ClassJournal.PeriodMarkCorrected] = field(
        default_factory=dict
    )


def superseded(school: School, journal_id: UUID, version: int) -> Superseded:
    """What the journal's corrections up to ``version`` superseded or flagged."""
    found = Superseded()
    for event in _superseding_events(school, journal_id).up_to(school, journal_id, version):
        match event:
            case ClassJournal.MarkCorrected():
                found.mark_previous[event.mark_id] = event.previous
                found.mark_reason[event.mark_id] = event.reason
            case ClassJournal.MarkVoided():
                found.mark_reason[event.mark_id] = event.reason
            case ClassJournal.LessonDetailsRecorded() if event.late is not None:
                found.late_details.setdefault(event.lesson_id, event.late.permission_id)
            case ClassJournal.LessonDetailsCorrected():
                found.lesson_corrections[event.lesson_id] = event
            case ClassJournal.AttendanceCorrected():
                found.attendance_corrected.add(f"{event.lesson_id}/{event.student_id}")
            case ClassJournal.PeriodMarkCorrected():
                found.period_mark_corrections[event.period_id, event.student_id] = event
    return found


class _SupersedingEvents:
    """One journal's superseding events, read from the log once and then only extended as the
    journal grows: the log is append-only, so what was read stays true. A full-year journal's
    log is thousands of events; its corrections a handful."""

    def __init__(self) -> None:
        self.read_to = 0
        self.events: list[Any] = []
        self.lock = threading.Lock()

    def up_to(self, school: School, journal_id: UUID, version: int) -> list[Any]:
        with self.lock:
            if version > self.read_to:
                for stored in school.recorder.select_events(
                    journal_id, gt=self.read_to, lte=version
                ):
                    if stored.topic not in _SUPERSEDING:
                        continue
                    event: Any = school.mapper.to_domain_event(stored)
                    # Details filled in on time change nothing the aggregate does not keep.
                    if not isinstance(event, ClassJournal.LessonDetailsRecorded) or event.late:
                        self.events.append(event)
                self.read_to = version
            return [e for e in self.events if e.originator_version <= version]


JOURNALS_REMEMBERED = 512
"""Journals whose superseding events an application keeps in memory (least recently read go)."""

_remembered: weakref.WeakKeyDictionary[School, OrderedDict[UUID, _SupersedingEvents]] = (
    weakref.WeakKeyDictionary()
)
_remembered_lock = threading.Lock()


def _superseding_events(school: School, journal_id: UUID) -> _SupersedingEvents:
    with _remembered_lock:
        journals = _remembered.setdefault(school, OrderedDict())
        known = journals.get(journal_id)
        if known is None:
            known = journals[journal_id] = _SupersedingEvents()
            while len(journals) > JOURNALS_REMEMBERED:
                journals.popitem(last=False)
        journals.move_to_end(journal_id)
        return known
