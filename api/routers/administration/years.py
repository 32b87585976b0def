"""The school year's organisation: starting a year, its profile, calendar, bells, classes, class
teachers and timetables, and reading it all back.

Starting a year and adopting a profile are the administrator's; the rest of the set-up is the
administrator's or a deputy's (School 77 §4.6.2: the deputy forms the timetable).
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import cache
from typing import Annotated, Literal
from uuid import UUID
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
    computed_field,
    model_validator,
)

from api.commanding import RecordedPublic, Run
from api.dependencies import (
    CurrentAdministrator,
    CurrentReader,
    DeploymentDep,
    SchoolApp,
    acting_as,
)
from api.schemas.requests import IsoDate, RequestModel
from api.schemas.school_year import SchoolYearLabel, YearLabel, year_to_start
from ejournal.aggregates.school_year import SchoolYear
from ejournal.commands import year
from ejournal.marks import PeriodKind
from ejournal.policy.profile import RegulationProfile, shipped_profile_ids
from ejournal.roles import Actor
from ejournal.text import Label, Name, Reason, TextWithin

router = APIRouter()

CurrentOrganizer = Annotated[Actor, Depends(acting_as(*year.SETUP_ROLES))]
"""Who sets a year up once it is started: the administrator or a deputy."""


def _shipped(profile_id: str) -> str:
    # A profile is a shipped one or given whole: never a path on the server.
    if profile_id not in shipped_profile_ids():
        raise ValueError(f"no shipped profile {profile_id!r}; shipped: {shipped_profile_ids()}")
    return profile_id


ShippedProfileId = Annotated[
    Label,
    AfterValidator(_shipped),
    # The schema names the ids the route takes, not any label: a client (and the contract test)
    # that sends another reads a 422 the document announced.
    WithJsonSchema({"type": "string", "enum": sorted(shipped_profile_ids())}),
]
ProfileChoice = ShippedProfileId | Annotated[RegulationProfile, TextWithin(4000)]
"""A shipped profile's id ("school77") or the school's own profile, whole."""


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(name: str) -> str:
    # Every deadline is computed in this zone: a name that is no zone would fail them all later.
    if name not in _zones():
        raise ValueError(f"{name!r} is not an IANA time zone (such as Europe/Moscow)")
    return name


TimeZone = Annotated[
    Label,
    AfterValidator(_zone),
    WithJsonSchema({"type": "string", "enum": sorted(_zones()), "examples": ["Europe/Moscow"]}),
]
"""An IANA time zone the server knows; the schema lists them, as the route takes no other."""

_CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _clock_time(value: object) -> object:
    # Only what the schema below declares: pydantic alone would also take "08:00:00", 28800 or
    # "08:00:00+03:00" and answer with seconds.
    if isinstance(value, time) and not (value.second or value.microsecond or value.tzinfo):
        return value
    if isinstance(value, str) and re.fullmatch(_CLOCK_TIME, value):
        return time.fromisoformat(value)
    raise ValueError("a time of day is written HH:MM, such as 08:30")


ClockTimePublic = Annotated[
    time,
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": _CLOCK_TIME, "examples": ["08:30"]}),
]
"""A time of day as a school's bell schedule writes it, "08:30" (the school's own clock: no
seconds, no offset), in answers and, below, in requests: the schema and the JSON agree."""

ClockTime = Annotated[ClockTimePublic, BeforeValidator(_clock_time)]
"""A time of day in a request: "08:30" and nothing else."""


# --- requests -------------------------------------------------------------------------------


class PeriodRequest(RequestModel):
    """One reporting period of a year being started."""

    id: str = Field(pattern=r"^[A-Z][0-9]$", examples=["Q1"])
    name: Label = Field(examples=["1 четверть"])
    start: IsoDate
    end: IsoDate


class SchemeRequest(RequestModel):
    """The periods of some grades (half-years for grades 10–11 beside quarters for the rest)."""

    grades: list[Annotated[int, Field(ge=1, le=11)]] = Field(min_length=1, examples=[[10, 11]])
    periods: list[PeriodRequest] = Field(min_length=1)


class SchoolYearRequest(RequestModel):
    """A school year to start, with its periods and the regulation profile in force:
    ``periods`` for every grade, or ``schemes`` giving sets of grades their own periods."""

    label: YearLabel
    starts_on: IsoDate
    ends_on: IsoDate
    periods: list[PeriodRequest] = []
    schemes: list[SchemeRequest] = []
    profile: ProfileChoice | None = None
    """None: the profile the school was created with (``ejournal school create``)."""
    timezone: TimeZone | None = None
    """The school's zone; None: the one the school was created with, else the profile's."""
    week_length: Literal[5, 6] | None = None

    @model_validator(mode="after")
    def _zone_of_own_profile(self) -> SchoolYearRequest:
        if self.timezone is None and isinstance(self.profile, RegulationProfile):
            _zone(self.profile.timezone)
        return self


class ProfileRequest(RequestModel):
    """Another regulation profile for the year (a new or amended regulation)."""

    profile: ProfileChoice
    reason: Reason


class PeriodMarksDueRequest(RequestModel):
    """The date a school order sets for a period's marks."""

    due: IsoDate
    order: Name = Field(examples=["№ 57-о от 01.10.2026"])


class ClosureRequest(RequestModel):
    """Days without lessons: holidays, a quarantine, another schedule change."""

    start: IsoDate
    end: IsoDate
    kind: Literal["holidays", "quarantine", "other"]
    classes: list[Label] | None = Field(default=None, min_length=1, examples=[["5А", "5Б"]])
    """The classes it concerns; the whole school when absent or null (never an empty list)."""
    reason: Reason = Field(examples=["Приказ № 12-о: карантин по гриппу"])


class ClosureLiftingRequest(RequestModel):
    """Why a declared closure is cancelled."""

    reason: Reason


class BellSlotRequest(RequestModel):
    """One lesson slot of the day."""

    slot: int = Field(ge=0, le=12)
    start: ClockTime
    end: ClockTime


class BellScheduleRequest(RequestModel):
    """The times of the lesson slots."""

    slots: list[BellSlotRequest]
    reason: Reason | None = None
    """Why a bell schedule already set is replaced."""


class SchoolClassRequest(RequestModel):
    """A class to form this year."""

    grade: int = Field(ge=1, le=11)
    letter: Label = Field(max_length=3, examples=["Б"])
    class_teacher_id: UUID | None = None


class ClassTeacherRequest(RequestModel):
    """The class teacher of a class."""

    account_id: UUID
    reason: Reason | None = None
    """Why the class teacher already assigned is replaced."""


class TimetableEntryRequest(RequestModel):
    """One weekly lesson: weekday (1 = Monday), slot, the journal it belongs to."""

    weekday: int = Field(ge=1, le=6)
    slot: int = Field(ge=0, le=12)
    journal_id: UUID


class TimetableRequest(RequestModel):
    """The weekly timetable of one class."""

    entries: list[TimetableEntryRequest]
    reason: Reason | None = None
    """Why a timetable already set is replaced."""


# --- reads ----------------------------------------------------------------------------------


class PeriodPublic(BaseModel):
    """A reporting period, with the due date of its marks where an order set one."""

    id: str
    name: str
    start: date
    end: date
    marks_due: date | None
    marks_due_order: str | None
    grades: list[int] | None
    """The grades of the period's scheme; null for every grade."""


class TimetableEntryPublic(BaseModel):
    """One weekly lesson of a class: weekday (1 = Monday), slot, its journal."""

    weekday: int
    slot: int
    journal_id: UUID


class SchoolClassPublic(BaseModel):
    """A class of the year, its class teacher and its weekly timetable."""

    code: str
    grade: int
    letter: str
    class_teacher_id: UUID | None
    timetable: list[TimetableEntryPublic]


class JournalRefPublic(BaseModel):
    """One entry of the year's registry of class journals."""

    journal_id: UUID
    class_code: str
    subject: str
    subgroup: str | None


class BellSlotPublic(BaseModel):
    """When a lesson slot starts and ends."""

    slot: int
    start: ClockTimePublic
    end: ClockTimePublic


class ClosurePublic(BaseModel):
    """Days without lessons, for the whole school (``classes`` null) or some classes."""

    closure_id: UUID
    start: date
    end: date
    kind: str
    classes: list[str] | None
    reason: str
    lifted: bool


class SchoolYearPublic(BaseModel):
    """A school year's organisation as it stands."""

    label: str
    starts_on: date
    ends_on: date
    timezone: str
    week_length: int
    period_kind: PeriodKind
    profile: str
    """The id of the regulation profile in force."""
    closed: bool
    periods: list[PeriodPublic]
    classes: list[SchoolClassPublic]
    journals: list[JournalRefPublic]
    bells: list[BellSlotPublic]
    closures: list[ClosurePublic]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def period_kind_name(self) -> str:
        """How the year is divided, in Russian, for display: "Четверти"."""
        return self.period_kind.title_ru

    @classmethod
    def of(cls, school_year: SchoolYear) -> SchoolYearPublic:
        return cls(
            label=school_year.label,
            starts_on=school_year.starts_on,
            ends_on=school_year.ends_on,
            timezone=school_year.timezone,
            week_length=school_year.week_length,
            period_kind=school_year.period_kind,
            profile=school_year.profile.id,
            closed=school_year.closed,
            periods=[
                PeriodPublic.model_validate(
                    {**p.model_dump(), "grades": sorted(p.grades) if p.grades else None}
                )
                for p in sorted(school_year.periods.values(), key=lambda p: p.start)
            ],
            classes=[
                SchoolClassPublic(
                    **c.model_dump(),
                    timetable=[
                        TimetableEntryPublic.model_validate(e.model_dump())
                        for e in sorted(
                            school_year.timetable.get(code, ()),
                            key=lambda e: (e.weekday, e.slot),
                        )
                    ],
                )
                for code, c in sorted(school_year.classes.items())
            ],
            journals=[
                JournalRefPublic(journal_id=jid, **ref.model_dump())
                for jid, ref in sorted(
                    school_year.journals.items(),
                    key=lambda item: (item[1].class_code, item[1].subject, item[1].subgroup or ""),
                )
            ],
            bells=[
                BellSlotPublic.model_validate(b.model_dump())
                for _, b in sorted(school_year.bells.items())
            ],
            closures=[
                ClosurePublic(
                    closure_id=c.id,
                    **c.model_dump(exclude={"id", "classes"}),
                    classes=sorted(c.classes) if c.classes is not None else None,
                )
                for c in sorted(school_year.closures.values(), key=lambda c: c.start)
            ],
        )


# --- routes ---------------------------------------------------------------------------------


@router.post("/years", status_code=201, summary="Start a school year")
def start_school_year(
    administrator: CurrentAdministrator,
    body: SchoolYearRequest,
    run: Run,
    deployment: DeploymentDep,
    school: SchoolApp,
) -> RecordedPublic:
    """Set up a school year with its reporting periods and the regulation profile in force.
    Its profile is ``profile``, else the one the school was created with; its time zone is
    ``timezone``, else the school's (``ejournal school create``), else the deployment's
    ``EJOURNAL_TIMEZONE``, else the profile's. The zone is recorded with the year and never
    changes while the year runs."""
    command = year_to_start(year.StartSchoolYear(**body.model_dump()), deployment, school)
    return run(year.start_school_year, administrator, command)


@router.get("/years/{year}", summary="A school year's organisation")
def read_school_year(
    reader: CurrentReader, label: SchoolYearLabel, school: SchoolApp
) -> SchoolYearPublic:
    """Periods, classes with their class teachers and timetables, the registry of class journals,
    bells and closures: the year's organisation, which all staff who read journals may see (it
    holds no one's marks or personal data). Families get 403: they read diaries, not the year."""
    return SchoolYearPublic.of(school.year_view(label))


@router.post("/years/{year}/profile", status_code=201, summary="Adopt another regulation profile")
def adopt_profile(
    administrator: CurrentAdministrator, label: SchoolYearLabel, body: ProfileRequest, run: Run
) -> RecordedPublic:
    """Put another regulation profile in force for the rest of the year, with the reason."""
    return run(
        year.adopt_profile, administrator, year.AdoptProfile(year=label, **body.model_dump())
    )


@router.post(
    "/years/{year}/periods/{period_id}/marks-due",
    status_code=201,
    summary="Set when a period's marks are due",
)
def set_period_marks_due(
    organizer: CurrentOrganizer,
    label: SchoolYearLabel,
    period_id: str,
    body: PeriodMarksDueRequest,
    run: Run,
) -> RecordedPublic:
    """Record the school order that sets the due date of a period's marks (for profiles that
    time period marks "by order")."""
    return run(
        year.set_period_marks_due,
        organizer,
        year.SetPeriodMarksDue(year=label, period_id=period_id, **body.model_dump()),
    )


@router.post("/years/{year}/closures", status_code=201, summary="Declare days without lessons")
def declare_closure(
    organizer: CurrentOrganizer, label: SchoolYearLabel, body: ClosureRequest, run: Run
) -> RecordedPublic:
    """Declare holidays, a quarantine or another schedule change (Gymnasium 2 §6.6), for the
    whole school or some classes; its days drop out of the working-day calendar."""
    return run(
        year.declare_closure, organizer, year.DeclareClosure(year=label, **body.model_dump())
    )


@router.post(
    "/years/{year}/closures/{closure_id}/lifting",
    status_code=201,
    summary="Lift a declared closure",
)
def lift_closure(
    organizer: CurrentOrganizer,
    label: SchoolYearLabel,
    closure_id: UUID,
    body: ClosureLiftingRequest,
    run: Run,
) -> RecordedPublic:
    """Cancel a closure still in force, with the reason; its days are school days again."""
    return run(
        year.lift_closure,
        organizer,
        year.LiftClosure(year=label, closure_id=closure_id, **body.model_dump()),
    )


@router.post("/years/{year}/bells", status_code=201, summary="Set the bell schedule")
def set_bell_schedule(
    organizer: CurrentOrganizer, label: SchoolYearLabel, body: BellScheduleRequest, run: Run
) -> RecordedPublic:
    """Set the times of the lesson slots; replacing a schedule already set needs a reason."""
    return run(
        year.set_bell_schedule, organizer, year.SetBellSchedule(year=label, **body.model_dump())
    )


@router.post("/years/{year}/classes", status_code=201, summary="Form a class")
def form_class(
    organizer: CurrentOrganizer, label: SchoolYearLabel, body: SchoolClassRequest, run: Run
) -> RecordedPublic:
    """Form a class of the year ("5Б"), optionally with its class teacher."""
    return run(year.form_class, organizer, year.FormClass(year=label, **body.model_dump()))


@router.post(
    "/years/{year}/classes/{class_code}/class-teacher",
    status_code=201,
    summary="Assign a class's class teacher",
)
def assign_class_teacher(
    organizer: CurrentOrganizer,
    label: SchoolYearLabel,
    class_code: str,
    body: ClassTeacherRequest,
    run: Run,
) -> RecordedPublic:
    """Assign the class teacher of a class; replacing one needs a reason."""
    return run(
        year.assign_class_teacher,
        organizer,
        year.AssignClassTeacher(year=label, class_code=class_code, **body.model_dump()),
    )


@router.post(
    "/years/{year}/classes/{class_code}/timetable",
    status_code=201,
    summary="Set a class's weekly timetable",
)
def set_timetable(
    organizer: CurrentOrganizer,
    label: SchoolYearLabel,
    class_code: str,
    body: TimetableRequest,
    run: Run,
) -> RecordedPublic:
    """Set the weekly timetable of a class from its journals; replacing one needs a reason."""
    return run(
        year.set_timetable,
        organizer,
        year.SetTimetable(year=label, class_code=class_code, **body.model_dump()),
    )
