"""The schema of a regulation profile: every timing and correction rule a school's regulation sets.

A profile is data (TOML), validated here. The product ships one per seed school (``profiles/``);
a school can write its own. Each rule carries the clause it comes from, so a refusal can cite it.
"""

from __future__ import annotations

import tomllib
from datetime import time
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ejournal.errors import Clause, InvariantError
from ejournal.marks import PeriodKind, WorkKind
from ejournal.subjects import PASS_FAIL_SUBJECTS
from ejournal.transcoding import SortedFrozenSet


def check_timezone(value: str) -> str:
    """An IANA time zone the server knows ("Europe/Moscow"), or ValueError."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{value!r} is not a time zone (an IANA name like 'Europe/Moscow')"
        ) from None
    return value


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SameDay(_Rule):
    """Due on the day of the lesson, by ``until`` local time (end of day when not given)."""

    kind: Literal["same_day"] = "same_day"
    until: time | None = None
    clause: Clause


class WithinDays(_Rule):
    """Due within ``days`` calendar or working days of the lesson (or of the results date,
    for external results), by the end of that day."""

    kind: Literal["within_days"] = "within_days"
    days: int = Field(ge=0)
    working_days: bool
    counted_from: Literal["lesson", "results"] = "lesson"
    clause: Clause


class AfterClassDay(_Rule):
    """Due within ``hours`` after the end of the class's last lesson that day."""

    kind: Literal["after_class_day"] = "after_class_day"
    hours: float = Field(gt=0)
    clause: Clause


class NotRegulated(_Rule):
    """The regulation sets no deadline (or leaves it to a school order not yet issued)."""

    kind: Literal["not_regulated"] = "not_regulated"
    clause: Clause | None = None
    note: str = ""


EntryDeadline = Annotated[
    SameDay | WithinDays | AfterClassDay | NotRegulated, Field(discriminator="kind")
]


class MarkDeadline(_Rule):
    """The deadline for marks of some kinds of work, optionally only in some subjects."""

    work_kinds: SortedFrozenSet[WorkKind]
    subjects: SortedFrozenSet[str] | None = None
    """Subject codes this rule is for; None means every subject not named by a narrower rule."""
    deadline: EntryDeadline


class LessonDeadlines(_Rule):
    """When the lesson record and its parts must be in the journal."""

    topic: EntryDeadline
    homework: EntryDeadline
    attendance: EntryDeadline
    marks: tuple[MarkDeadline, ...]
    """Tried in order: the first rule naming the work kind and the subject applies; a rule with
    ``subjects`` set comes before the general one for the same kinds."""
    default_mark: EntryDeadline
    """For work kinds no rule names (oral answers and other current marks)."""
    results_work_kinds: SortedFrozenSet[WorkKind] = frozenset(
        {WorkKind.EXTERNAL_DIAGNOSTIC, WorkKind.STATE_EXAM}
    )
    """The kinds of work whose results come from outside the school (an external diagnostic, a
    state exam): only their marks carry the day the results were received or announced
    (School 77 §4.4.10, Lyceum 68 §5.5). Every other mark is timed from its lesson."""
    results_clause: Clause | None = None
    """The clause that speaks of results received from outside, cited when a results date is
    refused (missing, in the future, before the work was done, or on a kind without one)."""


class PeriodMarkWindow(StrEnum):
    """How a regulation times period (quarter, half-year, year) marks."""

    LAST_WEEK = "last_week"
    """Within the last week of the period (Lyceum 68 §3.6.5)."""
    DAYS_BEFORE_END = "days_before_end"
    """No later than N days before the period ends (School 117 §5.2, School 77 §5.4)."""
    BY_ORDER = "by_order"
    """By the date a school order sets for the period; until the period is closed otherwise."""


class PeriodMarkRule(_Rule):
    window: PeriodMarkWindow
    days_before_end: int = 0
    clause: Clause
    forbidden_values: SortedFrozenSet[str] = frozenset()
    """Entries the regulation bans as period marks ("н/а", "осв.": School 77 §5.3); where a
    regulation is silent they may be recorded instead of a mark."""
    forbidden_clause: Clause | None = None
    """The clause that bans them: required when any entry is banned."""

    @model_validator(mode="after")
    def _days_given(self) -> PeriodMarkRule:
        if self.window is PeriodMarkWindow.DAYS_BEFORE_END and self.days_before_end < 1:
            raise ValueError("days_before_end must be at least 1 for that window")
        if self.forbidden_values and self.forbidden_clause is None:
            raise ValueError("forbidden_values needs the forbidden_clause that bans them")
        return self


class PeriodMarkBasis(_Rule):
    """What a period mark must rest on: the student's current marks of that period in the
    journal (School 77 §5.1–5.2: "должны быть обоснованы", "необходимо наличие количества
    оценок"; Gymnasium 2 §8.4: "обеспечивают необходимую накопляемость отметок")."""

    min_current_marks: int = Field(default=0, ge=0)
    """Current marks (not voided) the student must have in the period; 0 sets no minimum."""
    clause: Clause | None = None


class ResultMarkRule(_Rule):
    """Year, exam and final marks (годовая, экзаменационная, итоговая отметка).

    A year mark is recorded by the journal's teacher after the student's mark for the last
    period of the year (School 117 §6.1: in the column after the last lesson; School 77 §4.4.6),
    within the window of that last period's marks. Exam and final marks exist in the grades
    that sit the state final attestation (9 and 11: Lyceum 68 §5.5–5.6, Gymnasium 2 §2.2); a
    final mark rests on the year mark and, where the student sat an exam in the subject, comes
    after the exam mark.
    """

    year_clause: Clause | None = None
    exam_grades: SortedFrozenSet[int] = frozenset({9, 11})
    exam_clause: Clause | None = None
    final_grades: SortedFrozenSet[int] = frozenset({9, 11})
    final_clause: Clause | None = None
    final_after_exam_days: int | None = Field(default=None, ge=0)
    """Working days after the exam mark is entered within which the final mark is due
    (Lyceum 68 §5.6: "в течение 3 рабочих дней после внесения информации о результатах
    ГИА-9"); None sets no term."""
    final_after_exam_grades: SortedFrozenSet[int] = frozenset()
    """The grades that term is for (Lyceum 68 §5.6 names grade 9 only)."""


class FirstGradeRule(_Rule):
    """What grade 1 journals may not hold."""

    no_marks: bool = False
    no_homework: bool = False
    clause: Clause | None = None


class CorrectionMode(StrEnum):
    """What may happen to a mark already recorded."""

    ALLOWED = "allowed"
    """A correction or voiding with a reason, by the journal's teacher."""
    WITHIN_DAYS = "within_days"
    """Only within ``days`` of the original entry."""
    WITH_APPROVAL = "with_approval"
    """Only after a deputy's remark authorises it (a second event)."""
    FORBIDDEN = "forbidden"


class CorrectionWindow(_Rule):
    """How long a record of a lesson (its attendance, topic, homework) may still be corrected:
    until the end of the ``days``-th calendar day after the lesson, in the school's zone."""

    days: int = Field(ge=0)
    clause: Clause


class CorrectionRule(_Rule):
    """How a recorded mark, and the other records of a lesson, may be superseded."""

    value_change: CorrectionMode
    """Replacing a mark's value by another."""
    value_change_clause: Clause | None = None
    voiding: CorrectionMode
    """Voiding an entry made in error (wrong student, wrong lesson)."""
    voiding_days: int | None = None
    voiding_clause: Clause | None = None
    value_change_days: int | None = None
    voiding_on_remark_days: int | None = None
    """Past ``voiding_days``, an entry made in error may still be voided on a remark that
    authorises it, within this many days of the remark (Gymnasium 2 §8.6: corrections "для
    устранения замечаний … не позднее семи дней"); None: never past the window."""
    remark_by_roles: SortedFrozenSet[str] = frozenset({"deputy"})
    """Who records a remark that authorises a correction or voiding (Lyceum 68 §3.6.7: the
    deputies; Gymnasium 2 §8.6: the deputy or the journal's administrator)."""
    attendance_window: CorrectionWindow | None = None
    """How long attendance may be corrected; None: the regulation sets no term."""
    topic_window: CorrectionWindow | None = None
    """How long a lesson's topic may be corrected; None: no term."""
    homework_window: CorrectionWindow | None = None
    """How long a lesson's homework may be corrected; None: no term."""


class SubgroupRule(_Rule):
    """When and by whom a student can move between subgroups."""

    only_at_period_end: bool
    days_around_period_end: int = 3
    """How close to a period's last day counts as "at the end"."""
    at_end: Literal["around", "after"] = "around"
    """"around": within ``days_around_period_end`` before or after a period's last day;
    "after": only once a period has ended, effective within that many days after its last day
    (School 77 §4.4.9: "только по окончании учебного периода (четверти)")."""
    by_roles: SortedFrozenSet[str] = frozenset({"administrator"})
    clause: Clause | None = None


class PresenceRule(_Rule):
    """The kinds of work only a student present at the lesson can have done: an oral answer or
    classwork is given in the lesson, while a written work may be written later and is marked
    from the day it was written (Lyceum 68 §5.3, §5.4)."""

    work_kinds: SortedFrozenSet[WorkKind] = frozenset({WorkKind.ORAL, WorkKind.CLASSWORK})
    clause: Clause | None = None
    """The clause that ties these marks to the lesson itself, where the regulation has one."""


class RecordKind(StrEnum):
    """The kinds of entry a deputy's late-entry permission may let in after their deadline."""

    TOPIC = "topic"
    HOMEWORK = "homework"
    ATTENDANCE = "attendance"
    MARK = "mark"
    PERIOD_MARK = "period_mark"


class LateEntryRule(_Rule):
    """Whether a deputy's late-entry permission exists, and for which kinds of entry (DESIGN.md
    §4). A kind not listed is refused after its deadline whatever a deputy permits."""

    permitted: SortedFrozenSet[RecordKind] = frozenset(RecordKind)
    clause: Clause | None = None
    """The clause that bans late entries of the kinds not listed."""
    permitted_clause: Clause | None = None
    """The clause that lets the listed kinds be put right late, where the regulation has one."""


class SubstitutionRule(_Rule):
    """A substitute may record only the lesson a deputy's substitution grant covers."""

    requires_grant: bool = True
    clause: Clause | None = None


class ConsentRule(_Rule):
    """Whether a student is in the electronic journal and diary only with written consent to
    processing their personal data: where required, a family reads nothing of a student with no
    consent in force."""

    required: bool = False
    clause: Clause | None = None


class PersonalDataRule(_Rule):
    """Whether a subject teacher reads the records (guardians and their contacts) of the students
    of the classes they teach: only where the regulation grants it (Gymnasium 2 §3.1: the teacher
    «имеет право доступа … к персональным данным детей для уточнения информации, в том числе в
    экстренных ситуациях»); elsewhere those records are the class teacher's and the roll
    keepers'."""

    teachers_read_students_records: bool = False
    clause: Clause | None = None


class RegulationProfile(BaseModel):
    """One school's regulation, as data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    school: str
    """The school as prose names it ("Lyceum 68")."""
    official_name: str
    """The school's name as its documents print it, in Russian, taken from its regulation's
    title ("МАОУ «Лицей № 68» …"): the archive's title pages carry it."""
    regulation: str
    """The document's title (Russian)."""
    timezone: Annotated[str, AfterValidator(check_timezone)]
    period_kind: PeriodKind
    week_length: Literal[5, 6] = 5
    allow_mark_modifiers: bool = False
    """Whether "4+" / "5-" exist in this school."""
    pass_fail_subjects: SortedFrozenSet[str] = PASS_FAIL_SUBJECTS
    """Subject codes assessed "зач"/"незач" only; every other subject is marked 1–5."""
    weights: dict[WorkKind, float]
    """Weight of each kind of work in the weighted average (средневзвешенный балл)."""
    deadlines: LessonDeadlines
    period_marks: PeriodMarkRule
    first_grade: FirstGradeRule
    corrections: CorrectionRule
    subgroups: SubgroupRule
    substitution: SubstitutionRule
    period_mark_basis: PeriodMarkBasis = PeriodMarkBasis()
    results: ResultMarkRule = ResultMarkRule()
    late_entries: LateEntryRule = LateEntryRule()
    presence: PresenceRule = PresenceRule()
    consent: ConsentRule = ConsentRule()
    personal_data: PersonalDataRule = PersonalDataRule()

    def weight(self, kind: WorkKind) -> float:
        return self.weights.get(kind, 1.0)


PROFILES_PACKAGE = "ejournal.policy.profiles"


def shipped_profile_ids() -> list[str]:
    """The profiles shipped with the product, one per seed school."""
    root = resources.files(PROFILES_PACKAGE)
    return sorted(p.name.removesuffix(".toml") for p in root.iterdir() if p.name.endswith(".toml"))


class UnknownProfileError(InvariantError):
    """No shipped regulation profile has that id."""

    slug = "unknown-profile"
    title = "No such regulation profile"
    status = 422


def shipped_profile(profile_id: str) -> RegulationProfile:
    """A profile shipped with the product, by id only: a request never names a server file."""
    if profile_id not in shipped_profile_ids():
        raise UnknownProfileError(
            f"no regulation profile {profile_id!r}; shipped: {', '.join(shipped_profile_ids())}"
            " (or send the school's own profile in full)"
        )
    return load_profile(profile_id)


def load_profile(id_or_path: str | Path) -> RegulationProfile:
    """A shipped profile by id (``lyceum68``), or a school's own profile from a TOML file."""
    path = Path(id_or_path)
    if path.suffix == ".toml" and path.exists():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    else:
        resource = resources.files(PROFILES_PACKAGE) / f"{id_or_path}.toml"
        if not resource.is_file():
            raise LookupError(
                f"no regulation profile {id_or_path!r}; shipped: {', '.join(shipped_profile_ids())}"
            )
        data = tomllib.loads(resource.read_text(encoding="utf-8"))
    return RegulationProfile.model_validate(data)
