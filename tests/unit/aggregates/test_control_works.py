"""A journal's schedule of frontal works (Gymnasium 2 §6.3): planned, agreed, cancelled with a
reason; only frontal kinds; nothing agreed twice or after cancellation."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

import pytest

from ejournal.aggregates.control_works import (
    ControlWorkError,
    ControlWorkSchedule,
    schedule_id,
)
from ejournal.marks import WorkKind
from ejournal.roles import Actor, Role

TEACHER = Actor(account_id=uuid4(), role=Role.TEACHER)
DEPUTY = Actor(account_id=uuid4(), role=Role.DEPUTY)
JOURNAL = UUID(int=7)


def test_a_work_is_planned_agreed_and_cancelled() -> None:
    schedule = ControlWorkSchedule.open(JOURNAL, TEACHER)
    assert schedule.id == schedule_id(JOURNAL)
    work = uuid4()
    schedule.plan(work, date(2026, 9, 16), WorkKind.LABORATORY, "Плотность вещества", TEACHER)
    schedule.agree(work, DEPUTY)
    with pytest.raises(ControlWorkError, match="already agreed"):
        schedule.agree(work, DEPUTY)
    with pytest.raises(ControlWorkError, match="needs a reason"):
        schedule.cancel(work, " ", DEPUTY)
    schedule.cancel(work, "карантин", DEPUTY)
    with pytest.raises(ControlWorkError, match="cancelled work is not agreed"):
        schedule.agree(work, DEPUTY)
    events = schedule.collect_events()
    assert [type(e).__name__ for e in events] == [
        "Opened",
        "WorkPlanned",
        "WorkAgreed",
        "WorkCancelled",
    ]
    agreed = events[2]
    assert isinstance(agreed, ControlWorkSchedule.WorkAgreed)
    assert (agreed.actor, agreed.journal_id, agreed.work_id) == (DEPUTY, JOURNAL, work)
    cancelled = events[3]
    assert isinstance(cancelled, ControlWorkSchedule.WorkCancelled)
    assert cancelled.reason == "карантин"


def test_only_frontal_works_are_scheduled() -> None:
    schedule = ControlWorkSchedule.open(JOURNAL, TEACHER)
    with pytest.raises(ControlWorkError, match=r"§6\.3"):
        schedule.plan(uuid4(), date(2026, 9, 16), WorkKind.ORAL, "Устный опрос", TEACHER)
    assert [type(e).__name__ for e in schedule.collect_events()] == ["Opened"]
