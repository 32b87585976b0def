"""Parents' and students' activity on both backends: accounts and sign-ins per class and month
in the school's time zone, as counted by hand from tests/report_term.py."""

from __future__ import annotations

from datetime import date

import pytest
from report_term import Term
from scenario import YEAR

from ejournal.aggregates.account import Account
from ejournal.projections.family_activity import FamilyActivityLine, family_activity
from ejournal.projections.reporting.queries import ReportNotProjectedError


def months(line: FamilyActivityLine, n: int = 3) -> list[tuple[object, ...]]:
    return [
        (
            m.parents,
            m.parents_signed_in,
            m.parents_share,
            m.parent_sign_ins,
            m.students,
            m.students_signed_in,
            m.students_share,
            m.student_sign_ins,
        )
        for m in line.months[:n]
    ]


def test_per_class_and_month(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        view = family_activity(cursor, YEAR)
    assert view.months[:2] == (date(2026, 9, 1), date(2026, 10, 1))
    lines = {line.class_code: line for line in view.classes}
    assert list(lines) == ["1А", "5А", "5Б"]
    assert months(lines["5А"]) == [
        # parent0 (7 and 30 Sep at 23:30) and parent4 (10 and 20 Sep, while his son was
        # in 5А for part of the month); student1 on 7 Sep.
        (2, 2, 100.0, 4, 1, 1, 100.0, 1),
        # parent0 at 00:30 on 1 Oct, Moscow time; student1's role ends on 10 Oct.
        (1, 1, 100.0, 1, 1, 0, 0.0, 0),
        (1, 0, 0.0, 0, 0, 0, None, 0),
    ]
    year = lines["5А"].year_total
    assert (year.parents, year.parents_signed_in, year.parent_sign_ins) == (2, 2, 5)
    assert (year.students, year.students_signed_in, year.student_sign_ins) == (1, 1, 1)
    assert months(lines["5Б"], 2) == [
        (1, 1, 100.0, 2, 0, 0, None, 0),
        (1, 0, 0.0, 0, 0, 0, None, 0),
    ]
    assert months(lines["1А"], 1) == [(0, 0, None, 0, 0, 0, None, 0)]
    assert view.school is not None
    # A parent counts once for the school, whatever classes their children were in.
    assert months(view.school, 2) == [
        (2, 2, 100.0, 4, 1, 1, 100.0, 1),
        (2, 1, 50.0, 1, 1, 0, 0.0, 0),
    ]


def test_one_class_and_the_sign_in_event(term: Term) -> None:
    with term.database.transaction(write=False) as cursor:
        view = family_activity(cursor, YEAR, "5Б")
        with pytest.raises(ReportNotProjectedError):
            family_activity(cursor, YEAR, "9Я")
    assert [line.class_code for line in view.classes] == ["5Б"]
    assert view.school is None
    parent = term.family["parent4"]
    signed = list(term.world.school.events.get(parent.account_id))[-1]
    assert isinstance(signed, Account.SignedIn)
    assert signed.actor == parent  # the account itself, in the role it signed in as
    assert set(signed.model_dump()) == {
        "originator_id",
        "originator_version",
        "timestamp",
        "request_id",
        "actor",
    }
