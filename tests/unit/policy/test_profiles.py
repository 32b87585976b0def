"""The shipped regulation profiles, and a school's own profile, against the profile schema."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from ejournal.errors import Clause
from ejournal.marks import PeriodKind, WorkKind
from ejournal.policy.profile import (
    CorrectionMode,
    NotRegulated,
    PeriodMarkWindow,
    RegulationProfile,
    load_profile,
    shipped_profile_ids,
)

SCHOOLS = {
    "lyceum68": "Lyceum 68",
    "school117": "School 117",
    "school77": "School 77",
    "belogorsk": "Belogorsk",
    "gymnasium2": "Gymnasium 2",
}


def clauses(model: object) -> Iterator[Clause]:
    """Every clause cited anywhere in a profile."""
    if isinstance(model, Clause):
        yield model
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from clauses(getattr(model, name))
    elif isinstance(model, tuple | list | frozenset | set):
        for item in model:
            yield from clauses(item)


def shipped_toml(profile_id: str) -> dict[str, Any]:
    resource = resources.files("ejournal.policy.profiles") / f"{profile_id}.toml"
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def test_one_profile_is_shipped_per_seed_school() -> None:
    assert shipped_profile_ids() == sorted(SCHOOLS)


@pytest.mark.parametrize(("profile_id", "school"), SCHOOLS.items())
def test_every_clause_cites_the_schools_own_regulation(profile_id: str, school: str) -> None:
    profile = load_profile(profile_id)
    assert profile.id == profile_id
    assert profile.school == school
    cited = list(clauses(profile))
    assert cited
    for clause in cited:
        assert clause.source == school
        assert clause.ref
        assert clause.text


@pytest.mark.parametrize("profile_id", SCHOOLS)
def test_every_kind_of_work_has_a_weight_and_no_modifiers(profile_id: str) -> None:
    profile = load_profile(profile_id)
    assert set(profile.weights) == set(WorkKind)
    assert all(weight > 0 for weight in profile.weights.values())
    assert profile.allow_mark_modifiers is False


@pytest.mark.parametrize("profile_id", SCHOOLS)
def test_a_rule_the_regulation_does_not_set_says_so(profile_id: str) -> None:
    profile = load_profile(profile_id)
    deadlines = profile.deadlines
    rules = [
        deadlines.topic,
        deadlines.homework,
        deadlines.attendance,
        deadlines.default_mark,
        *(m.deadline for m in deadlines.marks),
    ]
    for rule in rules:
        if isinstance(rule, NotRegulated):
            assert rule.note


def test_the_schools_time_zones_and_periods() -> None:
    zones = {profile_id: load_profile(profile_id).timezone for profile_id in SCHOOLS}
    assert zones == {
        "lyceum68": "Asia/Yekaterinburg",
        "school117": "Asia/Yekaterinburg",
        "school77": "Europe/Moscow",
        "belogorsk": "Europe/Simferopol",
        "gymnasium2": "Europe/Moscow",
    }
    assert load_profile("gymnasium2").period_kind is PeriodKind.TRIMESTERS
    assert load_profile("lyceum68").period_kind is PeriodKind.QUARTERS


def test_only_school77_bans_na_and_osv_as_period_marks() -> None:
    school77 = load_profile("school77").period_marks
    assert school77.forbidden_values == {"н/а", "осв."}
    assert school77.forbidden_clause is not None
    assert school77.forbidden_clause.ref == "§5.3"
    for profile_id in SCHOOLS.keys() - {"school77"}:
        assert load_profile(profile_id).period_marks.forbidden_values == frozenset()


def test_period_mark_windows() -> None:
    windows = {
        profile_id: (
            load_profile(profile_id).period_marks.window,
            load_profile(profile_id).period_marks.days_before_end,
        )
        for profile_id in SCHOOLS
    }
    assert windows == {
        "lyceum68": (PeriodMarkWindow.LAST_WEEK, 0),
        "school117": (PeriodMarkWindow.DAYS_BEFORE_END, 1),
        "school77": (PeriodMarkWindow.DAYS_BEFORE_END, 2),
        "belogorsk": (PeriodMarkWindow.BY_ORDER, 0),
        "gymnasium2": (PeriodMarkWindow.BY_ORDER, 0),
    }


def test_first_grade_rules() -> None:
    school117 = load_profile("school117").first_grade
    school77 = load_profile("school77").first_grade
    assert (school117.no_marks, school117.no_homework) == (True, False)
    assert (school77.no_marks, school77.no_homework) == (True, True)
    assert school117.clause is not None
    assert school117.clause.ref == "§5.5"
    assert school77.clause is not None
    assert school77.clause.ref == "§3.7"
    for profile_id in ("lyceum68", "belogorsk", "gymnasium2"):
        first_grade = load_profile(profile_id).first_grade
        assert not first_grade.no_marks
        assert not first_grade.no_homework


def test_correction_rules() -> None:
    lyceum = load_profile("lyceum68").corrections
    assert lyceum.value_change is CorrectionMode.FORBIDDEN
    assert lyceum.voiding is CorrectionMode.WITH_APPROVAL
    assert lyceum.value_change_clause is not None
    assert lyceum.value_change_clause.ref == "§3.6.8"
    gymnasium = load_profile("gymnasium2").corrections
    assert gymnasium.value_change is CorrectionMode.FORBIDDEN
    assert gymnasium.voiding is CorrectionMode.WITHIN_DAYS
    assert gymnasium.voiding_days == 7
    assert gymnasium.voiding_clause is not None
    assert gymnasium.voiding_clause.ref == "§8.6"
    for profile_id in ("school117", "school77", "belogorsk"):
        corrections = load_profile(profile_id).corrections
        assert corrections.value_change is CorrectionMode.ALLOWED
        assert corrections.voiding is CorrectionMode.ALLOWED


def test_subgroup_and_substitution_rules() -> None:
    school77 = load_profile("school77").subgroups
    assert school77.only_at_period_end
    assert school77.by_roles == {"administrator"}
    assert load_profile("school117").subgroups.only_at_period_end
    for profile_id in ("lyceum68", "belogorsk", "gymnasium2"):
        assert not load_profile(profile_id).subgroups.only_at_period_end
    refs = {}
    for profile_id in SCHOOLS:
        clause = load_profile(profile_id).substitution.clause
        assert clause is not None
        refs[profile_id] = clause.ref
    assert refs["lyceum68"] == "§5.1"
    assert refs["school77"] == "§4.4.3"
    assert refs["gymnasium2"] == "§8.3"


def test_a_school_can_load_its_own_profile_from_a_file(tmp_path: Path) -> None:
    data = (resources.files("ejournal.policy.profiles") / "school77.toml").read_text(
        encoding="utf-8"
    )
    own = data.replace('id = "school77"', 'id = "school77-sixday"').replace(
        "week_length = 5", "week_length = 6"
    )
    path = tmp_path / "school77-sixday.toml"
    path.write_text(own, encoding="utf-8")
    profile = load_profile(path)
    assert profile.id == "school77-sixday"
    assert profile.week_length == 6
    assert profile.deadlines == load_profile("school77").deadlines


def test_an_unknown_profile_is_named() -> None:
    with pytest.raises(LookupError, match="school999"):
        load_profile("school999")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "own.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("days = 3\n", "days = -3\n"), "greater than or equal to 0"),
        (('kind = "same_day"\n', 'kind = "by_the_by"\n'), "does not match any"),
        (("control = 2.0\n", "control = 2.0\nquiz = 1.0\n"), "weights.quiz"),
        (("days_before_end = 2\n", "days_before_end = 0\n"), "days_before_end must be"),
        (("week_length = 5\n", "week_length = 7\n"), "week_length"),
        (
            ("allow_mark_modifiers = false\n", "allow_mark_modifiers = false\nnickname = 1\n"),
            "nickname",
        ),
    ],
)
def test_a_malformed_profile_is_rejected(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    text = (resources.files("ejournal.policy.profiles") / "school77.toml").read_text(
        encoding="utf-8"
    )
    old, new = change
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(ValidationError, match=expected):
        load_profile(path)


def test_a_rule_without_its_clause_is_rejected() -> None:
    data = shipped_toml("lyceum68")
    del data["deadlines"]["topic"]["clause"]
    with pytest.raises(ValidationError, match=r"deadlines\.topic\.same_day\.clause"):
        RegulationProfile.model_validate(data)


def test_issue_12_rules_are_profile_data() -> None:
    """Late entries, correction windows, remarks, presence, results dates and subgroup moves
    are data, each with the clause it comes from."""
    lyceum, gymnasium, school77 = (
        load_profile("lyceum68"),
        load_profile("gymnasium2"),
        load_profile("school77"),
    )
    # Lyceum 68 §3.6.8: no late-entry permission lets a mark in.
    assert {k.value for k in lyceum.late_entries.permitted} == {"topic", "homework", "attendance"}
    assert lyceum.late_entries.clause is not None
    assert lyceum.late_entries.clause.ref == "§3.6.8"
    for profile_id in SCHOOLS.keys() - {"lyceum68"}:
        assert len(load_profile(profile_id).late_entries.permitted) == 5
    # Gymnasium 2 §8.6: seven days for every correction, and after them on a remark.
    corrections = gymnasium.corrections
    for window in (
        corrections.attendance_window,
        corrections.topic_window,
        corrections.homework_window,
    ):
        assert window is not None
        assert (window.days, window.clause.ref) == (7, "§8.6")
    assert corrections.voiding_on_remark_days == 7
    assert corrections.remark_by_roles == {"deputy", "administrator"}
    assert lyceum.corrections.remark_by_roles == {"deputy", "director"}
    for profile_id in SCHOOLS.keys() - {"gymnasium2"}:
        other = load_profile(profile_id).corrections
        assert other.attendance_window is other.topic_window is other.homework_window is None
    # Lyceum 68 §5.3: oral answers are given in the lesson.
    assert lyceum.presence.clause is not None
    assert lyceum.presence.clause.ref == "§5.3"
    assert {k.value for k in lyceum.presence.work_kinds} == {"oral", "classwork"}
    # Results dates: outside results only; School 77 §4.4.10, Lyceum 68 §5.5.
    assert school77.deadlines.results_clause is not None
    assert school77.deadlines.results_clause.ref == "§4.4.10"
    assert lyceum.deadlines.results_clause is not None
    assert lyceum.deadlines.results_clause.ref == "§5.5"
    assert school77.deadlines.results_work_kinds == {
        WorkKind.EXTERNAL_DIAGNOSTIC,
        WorkKind.STATE_EXAM,
    }
    # School 77 §4.4.9: moves only after the quarter has ended.
    assert school77.subgroups.at_end == "after"
    assert load_profile("school117").subgroups.at_end == "around"


def test_a_ban_on_period_entries_needs_its_clause() -> None:
    data = shipped_toml("school77")
    del data["period_marks"]["forbidden_clause"]
    with pytest.raises(ValidationError, match="forbidden_clause"):
        RegulationProfile.model_validate(data)
