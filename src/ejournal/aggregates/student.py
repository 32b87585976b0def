"""Student: a person on the school's roll, across years.

Personal data, guardians, consent to personal-data processing (Gymnasium 2 §1.5), and the
movement record (движение учащихся): admission, transfers between classes, subgroup moves,
promotion and withdrawal. Which class a student sits in on a given day of a year is also kept by
that SchoolYear, written in the same save.
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState, Value
from ejournal.errors import InvariantError, NotFoundError
from ejournal.roles import Actor


class StudentError(InvariantError):
    """A change to a student's record contradicts it."""

    slug = "student-invariant"


class PersonName(Value):
    """A Russian full name: фамилия, имя, отчество (the last may be absent)."""

    last: str
    first: str
    patronymic: str | None = None

    def __str__(self) -> str:
        return " ".join(p for p in (self.last, self.first, self.patronymic) if p)


class Guardian(Value):
    """A parent or other legal representative (законный представитель)."""

    id: UUID
    name: PersonName
    relation: Literal["mother", "father", "guardian", "other"]
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    account_id: UUID | None = None


class Consent(Value):
    """Written consent to processing the student's personal data (Gymnasium 2 §1.5)."""

    id: UUID
    given_by: UUID | None
    """The guardian who signed; None when the student signed as an adult."""
    given_on: date
    document: str
    withdrawn_on: date | None = None


class Movement(Value):
    """One line of the movement record."""

    kind: Literal["admitted", "transferred", "promoted", "withdrawn", "subgroup"]
    on: date
    year: str
    from_place: str | None = None
    to_place: str | None = None
    order: str | None = None
    reason: str | None = None


class AdditionalEducation(Value):
    """A club, section or studio a student attends (дополнительное образование, Gymnasium 2
    §7.8): its name, the organisation that runs it, and from when to when."""

    id: UUID
    name: str
    organisation: str
    start: date
    end: date | None = None


class AbsenceNotice(Value):
    """A parent's advance notice that their child will miss school: the days, optionally only
    some lessons of each (``first_slot`` to ``last_slot``), and why, in the parent's words."""

    id: UUID
    start: date
    end: date
    first_slot: int | None = None
    last_slot: int | None = None
    text: str
    given_by: UUID
    """The parent's account."""

    def covers(self, day: date, slot: int) -> bool:
        """Whether an absence from a lesson on a day is one the notice told of."""
        return (
            self.start <= day <= self.end
            and (self.first_slot is None or self.first_slot <= slot)
            and (self.last_slot is None or slot <= self.last_slot)
        )


class Student(Aggregate):
    """A student of the school."""

    class State(SnapshotState):
        name: PersonName
        birth_date: date
        class_code: str | None
        year: str | None
        guardians: dict[UUID, Guardian]
        consents: dict[UUID, Consent]
        movements: list[Movement]
        withdrawn: bool
        additional_education: dict[UUID, AdditionalEducation] = {}
        notices: dict[UUID, AbsenceNotice] = {}

    class Snapshot(AggregateSnapshot):
        state: Student.State

    class Admitted(Aggregate.Created):
        """The secretary admitted a student into a class by an order."""

        name: PersonName
        birth_date: date
        class_code: str
        year: str
        on: date
        order: str
        actor: Actor

    class PersonalDataCorrected(Aggregate.Event):
        """A correction of the student's name or birth date, with its reason."""

        name: PersonName
        birth_date: date
        previous_name: PersonName
        previous_birth_date: date
        reason: str
        actor: Actor

    class GuardianAdded(Aggregate.Event):
        guardian: Guardian
        actor: Actor

    class GuardianRemoved(Aggregate.Event):
        guardian_id: UUID
        reason: str
        actor: Actor

    class ConsentRecorded(Aggregate.Event):
        """Consent to personal-data processing was received (Gymnasium 2 §1.5)."""

        consent: Consent
        actor: Actor

    class ConsentWithdrawn(Aggregate.Event):
        consent_id: UUID
        on: date
        reason: str
        actor: Actor

    class Transferred(Aggregate.Event):
        """Moved to another class of the same year by an order."""

        from_class: str
        to_class: str
        on: date
        order: str
        reason: str
        actor: Actor

    class SubgroupMoved(Aggregate.Event):
        """Moved between subgroups of a subject (School 77 §4.4.9)."""

        subject: str
        from_subgroup: str | None
        to_subgroup: str
        on: date
        actor: Actor

    class Promoted(Aggregate.Event):
        """Promoted to the next grade's class for a new school year."""

        from_class: str
        to_class: str
        from_year: str
        to_year: str
        on: date
        order: str
        actor: Actor

    class Withdrawn(Aggregate.Event):
        """Left the school (выбытие): to another school, graduated, or otherwise."""

        on: date
        reason: str
        destination: str | None
        order: str
        actor: Actor

    class ProgressPrintoutIssued(Aggregate.Event):
        """A printout of the student's results for some days was made for a family without
        electronic access (School 77 §4.3.5, §9.2): who made it, for which days; the time is
        the event's. The regulation asks for one at least every two weeks: this is the record
        that it was given."""

        start: date
        end: date
        actor: Actor

    @classmethod
    def admit(
        cls,
        *,
        name: PersonName,
        birth_date: date,
        class_code: str,
        year: str,
        on: date,
        order: str,
        actor: Actor,
    ) -> Student:
        if birth_date >= on:
            raise StudentError(
                "a student is born before being admitted", invariant="student.born_after_admission"
            )
        if not order.strip():
            raise StudentError(
                "admission is by an order; give its number",
                invariant="student.admission_order_missing",
            )
        return cls(
            name=name,
            birth_date=birth_date,
            class_code=class_code,
            year=year,
            on=on,
            order=order,
            actor=actor,
        )

    @event(Admitted)
    def __init__(
        self,
        *,
        name: PersonName,
        birth_date: date,
        class_code: str,
        year: str,
        on: date,
        order: str,
        actor: Actor,
    ) -> None:
        self.name = name
        self.birth_date = birth_date
        self.class_code: str | None = class_code
        self.year: str | None = year
        self.guardians: dict[UUID, Guardian] = {}
        self.consents: dict[UUID, Consent] = {}
        self.movements: list[Movement] = [
            Movement(kind="admitted", on=on, year=year, to_place=class_code, order=order)
        ]
        self.withdrawn = False

    # --- queries --------------------------------------------------------------------------

    def has_consent(self, on: date) -> bool:
        """Whether a consent to personal-data processing is in force on a day."""
        return any(
            c.given_on <= on and (c.withdrawn_on is None or on < c.withdrawn_on)
            for c in self.consents.values()
        )

    # --- commands -------------------------------------------------------------------------

    def correct_personal_data(
        self, name: PersonName, birth_date: date, reason: str, actor: Actor
    ) -> None:
        self._check_on_roll()
        _require_reason(reason)
        if name == self.name and birth_date == self.birth_date:
            raise StudentError(
                "the corrected data equals the recorded data",
                invariant="student.correction_changes_nothing",
            )
        self._personal_data_corrected(
            name=name,
            birth_date=birth_date,
            previous_name=self.name,
            previous_birth_date=self.birth_date,
            reason=reason,
            actor=actor,
        )

    @event(PersonalDataCorrected)
    def _personal_data_corrected(
        self,
        name: PersonName,
        birth_date: date,
        previous_name: PersonName,
        previous_birth_date: date,
        reason: str,
        actor: Actor,
    ) -> None:
        self.name = name
        self.birth_date = birth_date

    def add_guardian(self, guardian: Guardian, actor: Actor) -> None:
        self._check_on_roll()
        if guardian.id in self.guardians:
            raise StudentError(
                "this guardian is already recorded", invariant="student.guardian_already_recorded"
            )
        self._guardian_added(guardian=guardian, actor=actor)

    @event(GuardianAdded)
    def _guardian_added(self, guardian: Guardian, actor: Actor) -> None:
        self.guardians[guardian.id] = guardian

    def remove_guardian(self, guardian_id: UUID, reason: str, actor: Actor) -> None:
        if guardian_id not in self.guardians:
            raise NotFoundError("no such guardian")
        _require_reason(reason)
        self._guardian_removed(guardian_id=guardian_id, reason=reason, actor=actor)

    @event(GuardianRemoved)
    def _guardian_removed(self, guardian_id: UUID, reason: str, actor: Actor) -> None:
        del self.guardians[guardian_id]

    def record_consent(self, consent: Consent, actor: Actor) -> None:
        if consent.given_by is not None and consent.given_by not in self.guardians:
            raise StudentError(
                "consent is given by a recorded guardian (or the student)",
                invariant="student.consent_by_unknown",
            )
        if consent.id in self.consents:
            raise StudentError(
                "this consent is already recorded", invariant="student.consent_already_recorded"
            )
        self._consent_recorded(consent=consent, actor=actor)

    @event(ConsentRecorded)
    def _consent_recorded(self, consent: Consent, actor: Actor) -> None:
        self.consents[consent.id] = consent

    def issue_progress_printout(self, start: date, end: date, actor: Actor) -> None:
        if end < start:
            raise StudentError(
                f"the printout's days end ({end}) before they start ({start})",
                invariant="student.printout_days_reversed",
            )
        self._progress_printout_issued(start=start, end=end, actor=actor)

    @event(ProgressPrintoutIssued)
    def _progress_printout_issued(self, start: date, end: date, actor: Actor) -> None:
        """Nothing of the student changes: the event itself is the record."""

    def withdraw_consent(self, consent_id: UUID, on: date, reason: str, actor: Actor) -> None:
        consent = self.consents.get(consent_id)
        if consent is None or consent.withdrawn_on is not None:
            raise NotFoundError("no such consent in force")
        if on < consent.given_on:
            raise StudentError(
                "consent cannot be withdrawn before it was given",
                invariant="student.consent_withdrawn_before_given",
            )
        _require_reason(reason)
        self._consent_withdrawn(consent_id=consent_id, on=on, reason=reason, actor=actor)

    @event(ConsentWithdrawn)
    def _consent_withdrawn(self, consent_id: UUID, on: date, reason: str, actor: Actor) -> None:
        self.consents[consent_id] = self.consents[consent_id].model_copy(
            update={"withdrawn_on": on}
        )

    def transfer(self, to_class: str, on: date, order: str, reason: str, actor: Actor) -> str:
        """Move to another class of the same year; returns the class left."""
        self._check_on_roll()
        if self.class_code is None:
            raise StudentError("the student is in no class", invariant="student.in_no_class")
        if to_class == self.class_code:
            raise StudentError(
                f"the student is already in class {to_class}", invariant="student.already_in_class"
            )
        _require_reason(reason)
        from_class = self.class_code
        self._transferred(
            from_class=from_class, to_class=to_class, on=on, order=order, reason=reason, actor=actor
        )
        return from_class

    @event(Transferred)
    def _transferred(
        self, from_class: str, to_class: str, on: date, order: str, reason: str, actor: Actor
    ) -> None:
        self.class_code = to_class
        self.movements.append(
            Movement(
                kind="transferred",
                on=on,
                year=self.year or "",
                from_place=from_class,
                to_place=to_class,
                order=order,
                reason=reason,
            )
        )

    def move_subgroup(
        self, subject: str, from_subgroup: str | None, to_subgroup: str, on: date, actor: Actor
    ) -> None:
        self._check_on_roll()
        self._subgroup_moved(
            subject=subject,
            from_subgroup=from_subgroup,
            to_subgroup=to_subgroup,
            on=on,
            actor=actor,
        )

    @event(SubgroupMoved)
    def _subgroup_moved(
        self, subject: str, from_subgroup: str | None, to_subgroup: str, on: date, actor: Actor
    ) -> None:
        self.movements.append(
            Movement(
                kind="subgroup",
                on=on,
                year=self.year or "",
                from_place=f"{subject}/{from_subgroup}" if from_subgroup else None,
                to_place=f"{subject}/{to_subgroup}",
            )
        )

    def promote(self, to_class: str, to_year: str, on: date, order: str, actor: Actor) -> None:
        self._check_on_roll()
        if self.class_code is None or self.year is None:
            raise StudentError(
                "the student is in no class to be promoted from",
                invariant="student.promotion_from_no_class",
            )
        if to_year == self.year:
            raise StudentError(
                "promotion moves a student into another school year",
                invariant="student.promotion_same_year",
            )
        self._promoted(
            from_class=self.class_code,
            to_class=to_class,
            from_year=self.year,
            to_year=to_year,
            on=on,
            order=order,
            actor=actor,
        )

    @event(Promoted)
    def _promoted(
        self,
        from_class: str,
        to_class: str,
        from_year: str,
        to_year: str,
        on: date,
        order: str,
        actor: Actor,
    ) -> None:
        self.class_code = to_class
        self.year = to_year
        self.movements.append(
            Movement(
                kind="promoted",
                on=on,
                year=to_year,
                from_place=from_class,
                to_place=to_class,
                order=order,
            )
        )

    def withdraw(
        self, on: date, reason: str, destination: str | None, order: str, actor: Actor
    ) -> None:
        self._check_on_roll()
        _require_reason(reason)
        self._withdrawn(on=on, reason=reason, destination=destination, order=order, actor=actor)

    @event(Withdrawn)
    def _withdrawn(
        self, on: date, reason: str, destination: str | None, order: str, actor: Actor
    ) -> None:
        self.movements.append(
            Movement(
                kind="withdrawn",
                on=on,
                year=self.year or "",
                from_place=self.class_code,
                to_place=destination,
                order=order,
                reason=reason,
            )
        )
        self.class_code = None
        self.withdrawn = True

    # --- additional education (Gymnasium 2 §7.8) ---------------------------------------------
    # Kept last: a snapshot taken before these events has no such field, and gets it empty.

    class AdditionalEducationRecorded(Aggregate.Event):
        """The class teacher recorded a club or section the student attends (Gymnasium 2 §7.8)."""

        activity: AdditionalEducation
        actor: Actor

    class AdditionalEducationEnded(Aggregate.Event):
        """The student stopped attending a club or section; ``on`` is the last day."""

        activity_id: UUID
        on: date
        actor: Actor

    def activities(self) -> dict[UUID, AdditionalEducation]:
        """The clubs and sections recorded, by id."""
        return dict(self.__dict__.get("additional_education", {}))

    def record_additional_education(self, activity: AdditionalEducation, actor: Actor) -> None:
        self._check_on_roll()
        if activity.id in self.activities():
            raise StudentError(
                "this activity is already recorded", invariant="activity.already_recorded"
            )
        if activity.end is not None and activity.end < activity.start:
            raise StudentError(
                "an activity ends on or after its first day", invariant="activity.dates_reversed"
            )
        self._additional_education_recorded(activity=activity, actor=actor)

    @event(AdditionalEducationRecorded)
    def _additional_education_recorded(self, activity: AdditionalEducation, actor: Actor) -> None:
        self.additional_education = {**self.activities(), activity.id: activity}

    def end_additional_education(self, activity_id: UUID, on: date, actor: Actor) -> None:
        activity = self.activities().get(activity_id)
        if activity is None:
            raise NotFoundError("no such activity")
        if activity.end is not None:
            raise StudentError(
                "this activity has already ended", invariant="activity.already_ended"
            )
        if on < activity.start:
            raise StudentError(
                "an activity ends on or after its first day", invariant="activity.dates_reversed"
            )
        self._additional_education_ended(activity_id=activity_id, on=on, actor=actor)

    @event(AdditionalEducationEnded)
    def _additional_education_ended(self, activity_id: UUID, on: date, actor: Actor) -> None:
        activities = self.activities()
        activities[activity_id] = activities[activity_id].model_copy(update={"end": on})
        self.additional_education = activities

    # --- a parent's notice of absence (issue 14) -----------------------------------------------
    # Kept last, as above: a snapshot taken before these events has no notices.

    class AbsenceNoticeGiven(Aggregate.Event):
        """A parent gave notice of their child's absence (Gymnasium 2 §3.7: the parent, the
        legal representative, speaks for the child); the class teacher decides the reason."""

        notice: AbsenceNotice
        actor: Actor

    def absence_notices(self) -> dict[UUID, AbsenceNotice]:
        """The notices of absence the family gave, by id."""
        return dict(self.__dict__.get("notices", {}))

    def give_absence_notice(self, notice: AbsenceNotice, actor: Actor) -> None:
        self._check_on_roll()
        if notice.id in self.absence_notices():
            raise StudentError(
                "this notice is already recorded", invariant="notice.already_recorded"
            )
        if notice.end < notice.start:
            raise StudentError(
                "a notice's last day is on or after its first", invariant="notice.dates_reversed"
            )
        if (
            notice.first_slot is not None
            and notice.last_slot is not None
            and notice.last_slot < notice.first_slot
        ):
            raise StudentError(
                "a notice's last lesson is at or after its first",
                invariant="notice.lessons_reversed",
            )
        if not notice.text.strip():
            raise StudentError(
                "a notice says why the child will be absent", invariant="notice.reason_missing"
            )
        self._absence_notice_given(notice=notice, actor=actor)

    @event(AbsenceNoticeGiven)
    def _absence_notice_given(self, notice: AbsenceNotice, actor: Actor) -> None:
        self.notices = {**self.absence_notices(), notice.id: notice}

    def _check_on_roll(self) -> None:
        if self.withdrawn:
            raise StudentError("the student has left the school", invariant="student.left_school")


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise StudentError("this change needs a reason", invariant="change.reason_missing")
