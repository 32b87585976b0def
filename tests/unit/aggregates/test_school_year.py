"""Period schemes of a school year: half-years for grades 10–11 beside quarters or trimesters
for the rest (School 117, School 77, Belogorsk, Gymnasium 2); overlaps are refused only within
a scheme, and the period of a date is the one of the class's grade's scheme."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from scenario import build_world, sqlite_school

from ejournal.aggregates.school_year import Period, SchoolClass, SchoolYear, SchoolYearError
from ejournal.clock import MovableClock
from ejournal.errors import NotFoundError
from ejournal.policy.profile import load_profile
from ejournal.roles import Actor, Role

ADMIN = Actor(account_id=uuid4(), role=Role.ADMINISTRATOR)
LOWER = frozenset(range(1, 10))
UPPER = frozenset({10, 11})


def quarter(n: int, start: date, end: date, grades: frozenset[int] | None = LOWER) -> Period:
    return Period(id=f"Q{n}", name=f"{n} четверть", start=start, end=end, grades=grades)


def half(n: int, start: date, end: date, grades: frozenset[int] | None = UPPER) -> Period:
    return Period(id=f"H{n}", name=f"{n} полугодие", start=start, end=end, grades=grades)


QUARTERS = (
    quarter(1, date(2026, 9, 1), date(2026, 10, 24)),
    quarter(2, date(2026, 11, 5), date(2026, 12, 28)),
    quarter(3, date(2027, 1, 12), date(2027, 3, 20)),
    quarter(4, date(2027, 3, 30), date(2027, 5, 26)),
)
HALVES = (
    half(1, date(2026, 9, 1), date(2026, 12, 28)),
    half(2, date(2027, 1, 12), date(2027, 5, 26)),
)


def start(*periods: Period) -> SchoolYear:
    return SchoolYear.start(
        label="2026/2027",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 5, 31),
        periods=periods,
        profile=load_profile("school77"),
        actor=ADMIN,
    )


def test_half_years_for_grades_10_and_11_stand_beside_quarters() -> None:
    year = start(*QUARTERS, *HALVES)
    for code, grade in (("5А", 5), ("10А", 10)):
        year.form_class(SchoolClass(code=code, grade=grade, letter="А"), ADMIN)
    autumn_holidays = date(2026, 10, 28)
    assert year.period_of_class(autumn_holidays, "5А") is None
    assert year.period_of_class(autumn_holidays, "10А") == year.periods["H1"]
    assert year.period_of(date(2026, 12, 1), 5) == year.periods["Q2"]
    assert [p.id for p in year.periods_for(10)] == ["H1", "H2"]
    assert [p.id for p in year.periods_for(5)] == ["Q1", "Q2", "Q3", "Q4"]
    assert year.period("H1", 11).id == "H1"
    with pytest.raises(NotFoundError, match="not a period of grade 5"):
        year.period("H1", 5)


def test_overlaps_are_refused_within_a_scheme() -> None:
    overlapping = quarter(2, date(2026, 10, 20), date(2026, 12, 28))
    with pytest.raises(SchoolYearError, match="Q2 overlaps"):
        start(QUARTERS[0], overlapping, *HALVES)


def test_a_grade_has_one_scheme() -> None:
    with pytest.raises(SchoolYearError, match="grade 9 is in two period schemes"):
        start(*QUARTERS, *(h.model_copy(update={"grades": frozenset({9, 10, 11})}) for h in HALVES))


def test_periods_for_every_grade_do_not_stand_beside_schemes() -> None:
    with pytest.raises(SchoolYearError, match="every grade"):
        start(*(q.model_copy(update={"grades": None}) for q in QUARTERS), *HALVES)


def test_a_year_of_one_scheme_as_logged_before_schemes_serves_every_grade() -> None:
    """Periods without grades (every log before schemes) stay one scheme for all grades."""
    year = start(*(q.model_copy(update={"grades": None}) for q in QUARTERS))
    assert year.period_of(date(2026, 12, 1), 10) == year.periods["Q2"]
    assert Period.model_validate(
        {"id": "Q1", "name": "1 четверть", "start": "2026-09-01", "end": "2026-10-24"}
    ).applies_to(11)


def test_a_year_started_before_schemes_and_results_reads_back(tmp_path: Path) -> None:
    """An old log's SchoolYear.Started, stored before periods had grades and profiles had a
    basis for period marks and rules for results, decodes as one scheme for every grade and
    the default rules: no upcast is needed."""
    clock = MovableClock(datetime(2026, 8, 25, tzinfo=UTC))
    world = build_world(sqlite_school(tmp_path / "old.sqlite", clock), clock, "lyceum68")
    stored = next(
        n
        for n in world.school.recorder.select_notifications(start=1, limit=100)
        if n.topic.endswith("SchoolYear.Started")
    )
    state = json.loads(stored.state)
    for period in state["periods"]:
        del period["grades"]
    del state["profile"]["period_mark_basis"], state["profile"]["results"]
    old = StoredEvent(
        originator_id=stored.originator_id,
        originator_version=stored.originator_version,
        topic=stored.topic,
        state=json.dumps(state).encode(),
    )
    event = world.school.mapper.to_domain_event(old)
    assert isinstance(event, SchoolYear.Started)
    assert all(p.grades is None for p in event.periods)
    assert event.profile.period_mark_basis.min_current_marks == 0
    assert event.profile.results.exam_grades == {9, 11}
