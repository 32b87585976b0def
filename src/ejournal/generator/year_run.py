"""The school year, day by day: every lesson recorded through ``RecordWholeLesson`` on its day,
with the server clock set to the moment a teacher would make the entry, so every deadline of the
profile holds as it would for a real school.

Each school day's entries are made in the order of their moments: the secretary's transfers
and the deputy's substitutions before the first bell, the late entries the deputy permitted and
the absence reasons of spells that ended the day before, then each lesson in the break after it
ends or in the afternoon (never after the profile's deadline), control-work marks a day later
where the profile allows it, corrections of marks found wrong, period marks from the weighted
average inside the profile's window, and in the evening the deputies close a period once its
marks are in.

A run may start after the year has begun (the demo's fortnight): its lessons are numbered after
those the timetable held before it. Its chance mishaps follow ``Rates``; a scripted school turns
them off and keeps only the second day's own (a sick teacher, a forgotten lesson, a wrong mark).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from uuid import UUID

from ejournal.aggregates.school_year import Period, SchoolYear
from ejournal.commands import attendance, lessons, marks, period_marks, students, substitutions
from ejournal.commands.marking import MarkEntry
from ejournal.generator import assessment
from ejournal.generator.absences import REASON_NOTES, Spell, attendance_at, plan_spells
from ejournal.generator.assessment import UNMARKED_SUBJECTS
from ejournal.generator.ktp import homework, is_control_work, ktp_item_for, paragraph
from ejournal.generator.set_up import place
from ejournal.generator.timetable import WEEKDAYS, Slot
from ejournal.generator.world import JournalNote, MarkNote, Pupil, World, spread
from ejournal.generator.year_calendar import DEMO_YEAR
from ejournal.marks import Attendance, WorkKind
from ejournal.policy.deadlines import EntryKind, entry_deadline, period_mark_deadline
from ejournal.policy.profile import CorrectionMode
from ejournal.roles import Role

Action = Callable[[], None]
Progress = Callable[[int, int], None]

LATE_ENTRY_RATE = 0.002
"""The share of lessons a teacher forgets to enter on their day."""
CORRECTION_RATE = 0.002
"""The share of lessons at which a mark is later found entered wrongly."""
TEACHER_SICK_START = 0.004
"""The chance, on a school day, that a teacher falls ill from that day."""
TEACHER_SPELL_LENGTHS = (1, 1, 2, 3)
EVENING = time(19, 0)
"""No teacher fills the journal in after this, whatever the profile allows."""


@dataclass(frozen=True)
class Rates:
    """How often, unscripted, things go wrong: a lesson left unentered, a mark entered wrongly,
    a teacher falling ill (a scripted school sets them to nought)."""

    late_entry: float = LATE_ENTRY_RATE
    correction: float = CORRECTION_RATE
    teacher_sick_start: float = TEACHER_SICK_START


@dataclass(frozen=True)
class Transfer:
    """A student moved to a parallel class by an order, before the first bell of a day: the
    last student in the register of ``from_class`` who has missed no day."""

    on: date
    from_class: str
    to_class: str
    order: str
    reason: str = "По заявлению родителей (законных представителей)"


@dataclass(frozen=True)
class LessonPlan:
    """One lesson to be recorded: its day, its timetable slot, its journal, its number in the
    journal's year and who teaches it."""

    day: date
    slot: Slot
    note: JournalNote
    number: int
    teacher: str
    """The staff key of who teaches it: the journal's teacher, or a substitute."""
    substitute: bool = False


@dataclass(frozen=True)
class _Item:
    moment: datetime
    action: Action


class YearRun:
    """Lives a generated school through its school days from ``first`` to ``last``."""

    def __init__(
        self,
        world: World,
        first: date,
        last: date,
        progress: Progress | None = None,
        *,
        rates: Rates | None = None,
        transfers: Sequence[Transfer] = (),
    ) -> None:
        self.world = world
        self.first, self.last = first, last
        self.progress = progress
        self.rates = rates or Rates()
        self.transfers = tuple(transfers)
        self.rng: random.Random = world.rng
        self.year: SchoolYear = world.year
        self.calendar = self.year.calendar()
        self.class_days: dict[str, list[date]] = {}
        self.class_day_sets: dict[str, frozenset[date]] = {}
        self.spell_ends: dict[tuple[date, str], list[tuple[Pupil, Spell]]] = {}
        """The spells that end on a day, by (day, class)."""
        self.sick_teachers: dict[date, list[str]] = {}
        self.covering: set[tuple[date, int, str]] = set()
        self.control_marks: dict[tuple[UUID, date, int], list[MarkEntry]] = {}
        busy: dict[tuple[int, int], list[str]] = {}
        for slot in world.timetable:
            busy.setdefault((slot.weekday, slot.slot), []).extend(slot.course.teachers)
        self.busy = busy

    # --- the plan of the year ---------------------------------------------------------------

    def school_days(self) -> list[date]:
        """The days lessons are held in some class, inside a reporting period."""
        return [
            day
            for day in self.calendar.working_days(self.first, self.last)
            if self.year.period_of(day) is not None and day.isoweekday() <= WEEKDAYS
        ]

    def run(self) -> None:
        days = self.school_days()
        if not days:
            return
        for plan in self.world.classes:
            self.class_days[plan.code] = [
                d for d in days if self.calendar.is_working_day(d, plan.code)
            ]
            self.class_day_sets[plan.code] = frozenset(self.class_days[plan.code])
        self.number_from_the_year_start()
        self.plan_absences()
        self.plan_teacher_illness(days)
        tally = self.world.tally
        tally.first_day, tally.last_day, tally.school_days = days[0], days[-1], len(days)
        carried: list[_Item] = []
        for index, day in enumerate(days):
            following = days[index + 1] if index + 1 < len(days) else None
            today, tomorrow = self.day_agenda(day, index, following)
            self.run_agenda(carried + today)
            carried = tomorrow
            if self.progress is not None:
                self.progress(index + 1, len(days))
        self.run_agenda(carried)

    def run_agenda(self, agenda: list[_Item]) -> None:
        order = sorted(range(len(agenda)), key=lambda i: (agenda[i].moment, i))
        for i in order:
            self.world.at(agenda[i].moment)
            agenda[i].action()

    def number_from_the_year_start(self) -> None:
        """A run that starts after the year has begun numbers its lessons (and so their plan
        items) after those the timetable held since the year's first day."""
        start = self.year.starts_on
        if self.first <= start:
            return
        before = [
            d
            for d in self.calendar.working_days(start, self.first - timedelta(days=1))
            if self.year.period_of(d) is not None and d.isoweekday() <= WEEKDAYS
        ]
        for slot in self.world.timetable:
            held = sum(
                1
                for d in before
                if d.isoweekday() == slot.weekday
                and self.calendar.is_working_day(d, slot.class_code)
            )
            for note in self.world.notes_of(slot):
                note.planned += held

    def plan_absences(self) -> None:
        """Each student's spells away, period by period, and when their reasons are entered."""
        for pupil in self.world.pupils:
            days = self.class_days[pupil.class_code]
            for period in self.year.periods.values():
                inside = [d for d in days if period.start <= d <= period.end]
                for spell in plan_spells(inside, pupil.proneness, self.rng):
                    pupil.away.update(spell.days)
                    key = (spell.days[-1], pupil.class_code)
                    self.spell_ends.setdefault(key, []).append((pupil, spell))

    def plan_teacher_illness(self, days: list[date]) -> None:
        """Teachers' sick days; on the second school day one teacher is always off, so even a
        short run has its substitutions."""
        for teacher in self.world.staffing.teachers:
            index = 0
            while index < len(days):
                if self.rng.random() < self.rates.teacher_sick_start:
                    length = self.rng.choice(TEACHER_SPELL_LENGTHS)
                    for day in days[index : index + length]:
                        self.sick_teachers.setdefault(day, []).append(teacher.key)
                    index += length + 1
                else:
                    index += 1
        day = days[min(1, len(days) - 1)]
        teaching = sorted(
            {
                t
                for s in self.world.timetable
                if s.weekday == day.isoweekday()
                for t in s.course.teachers
            }
        )
        if teaching:
            off = self.sick_teachers.setdefault(day, [])
            chosen = self.rng.choice(teaching)
            if chosen not in off:
                off.append(chosen)

    # --- one day ----------------------------------------------------------------------------

    def day_agenda(
        self, day: date, index: int, following: date | None
    ) -> tuple[list[_Item], list[_Item]]:
        """The day's own entries, and those made about it on the next school day."""
        today: list[_Item] = [
            _Item(self.world.local(day, time(7, 45)), self.transfer_action(transfer))
            for transfer in self.transfers
            if transfer.on == day
        ]
        tomorrow: list[_Item] = []
        # On the second school day one lesson is always forgotten and one mark always found
        # wrong, so that even a one-week school holds a late entry and a correction.
        late_owed = correction_owed = index == 1
        for plan in self.lessons_of(day, today):
            if following is None:
                today.append(_Item(self.recording_moment(plan), self.lesson_action(plan, None)))
                continue
            if not plan.substitute and (late_owed or self.rng.random() < self.rates.late_entry):
                late_owed = False
                tomorrow += self.late_entry(plan, following)
                continue
            today.append(_Item(self.recording_moment(plan), self.lesson_action(plan, following)))
            deferred = self.deferred_control(plan, following)
            if deferred is not None:
                tomorrow.append(deferred)
            markable = plan.note.grade >= 2 and plan.note.subject not in UNMARKED_SUBJECTS
            if markable and (correction_owed or self.rng.random() < self.rates.correction):
                correction_owed = False
                moment = self.world.local(following, time(15, self.rng.randrange(60)))
                tomorrow.append(_Item(moment, self.correction_action(plan)))
        today += self.period_mark_entries(day)
        # What is about today's last hours is entered the next morning, or this evening when
        # the run ends today.
        about_today = self.reason_entries(day, following) + self.closing_entries(day, following)
        if following is None:
            today += about_today
        else:
            tomorrow += about_today
        return today, tomorrow

    def lessons_of(self, day: date, agenda: list[_Item]) -> list[LessonPlan]:
        """The lessons held that day, numbered in their journals, with the substitutions the
        deputies assign before the first bell for teachers off sick."""
        sick = self.sick_teachers.get(day, [])
        plans: list[LessonPlan] = []
        assigned = 0
        for slot in self.world.timetable:
            if slot.weekday != day.isoweekday() or day not in self.class_day_sets[slot.class_code]:
                continue
            for note in self.world.notes_of(slot):
                teacher = note.teacher
                if teacher in sick:
                    cover = self.substitute_for(day, slot, note)
                    if cover is None:
                        self.world.tally.cancelled_lessons += 1
                        continue
                    teacher = cover
                note.planned += 1
                plan = LessonPlan(day, slot, note, note.planned, teacher, teacher != note.teacher)
                if plan.substitute:
                    assigned += 1
                    moment = self.world.local(day, time(7, 30)) + timedelta(seconds=20 * assigned)
                    agenda.append(_Item(moment, self.substitution_action(plan)))
                plans.append(plan)
        return plans

    def substitute_for(self, day: date, slot: Slot, note: JournalNote) -> str | None:
        """A colleague free in that slot and not off sick, one of the same speciality if there
        is one."""
        sick = self.sick_teachers.get(day, [])
        busy = self.busy.get((slot.weekday, slot.slot), [])
        free = [
            t
            for t in self.world.staffing.teachers
            if t.key not in busy
            and t.key not in sick
            and (day, slot.slot, t.key) not in self.covering
        ]
        if not free:
            return None
        wanted = self.world.staffing.teacher(note.teacher).speciality
        same = [t for t in free if t.speciality == wanted]
        chosen = self.rng.choice(same or free).key
        self.covering.add((day, slot.slot, chosen))
        return chosen

    # --- recording a lesson -------------------------------------------------------------------

    def recording_moment(self, plan: LessonPlan) -> datetime:
        """Most teachers fill the journal in the break after the lesson, some in the afternoon;
        always after the lesson ends and before the profile's deadline."""
        day = plan.day
        ends = self.world.local(day, self.year.lesson_end(plan.slot.slot) or time(15, 0))
        closes = self.window_close(plan)
        earliest = ends + timedelta(minutes=2)
        if self.rng.random() < 0.65:
            moment = earliest + timedelta(minutes=self.rng.randint(0, 18))
        else:
            afternoon = max(earliest, self.world.local(day, time(14, 30)))
            spare = max(0, int((closes - afternoon).total_seconds() // 60) - 5)
            moment = afternoon + timedelta(minutes=self.rng.randint(0, spare))
        return min(moment, closes - timedelta(minutes=1))

    def window_close(self, plan: LessonPlan) -> datetime:
        evening = self.world.local(plan.day, EVENING)
        deadline = self.first_deadline(plan)
        return evening if deadline is None else min(deadline, evening)

    def first_deadline(self, plan: LessonPlan) -> datetime | None:
        """The earliest deadline among a lesson's topic, homework, attendance and oral marks."""
        closes = []
        for entry in (EntryKind.TOPIC, EntryKind.HOMEWORK, EntryKind.ATTENDANCE, EntryKind.MARK):
            deadline = self.deadline(
                plan, entry, WorkKind.ORAL if entry is EntryKind.MARK else None
            )
            if deadline is not None:
                closes.append(deadline)
        return min(closes, default=None)

    def deadline(
        self, plan: LessonPlan, entry: EntryKind, work_kind: WorkKind | None = None
    ) -> datetime | None:
        found = entry_deadline(
            self.world.profile,
            self.calendar,
            entry=entry,
            lesson_date=plan.day,
            class_code=plan.slot.class_code,
            subject=plan.note.subject,
            work_kind=work_kind,
            lesson_end=self.year.lesson_end(plan.slot.slot),
            class_day_end=self.year.class_day_end(plan.slot.class_code, plan.day),
        )
        return None if found is None else found.closes_at

    def lesson_action(self, plan: LessonPlan, following: date | None) -> Action:
        def record() -> None:
            self.record_lesson(plan, defer=self._defers(plan, following))

        return record

    def record_lesson(self, plan: LessonPlan, *, defer: bool = False) -> bool:
        """Record a lesson as one whole-lesson submission; returns whether it was late."""
        note, rng = plan.note, self.rng
        item, topic = ktp_item_for(note.ktp, plan.number)
        control = self._is_control(plan, topic)
        statuses: dict[UUID, Attendance] = {}
        present: list[Pupil] = []
        for pupil in note.roster:
            status = (
                Attendance.ABSENT if plan.day in pupil.away else attendance_at(plan.slot.slot, rng)
            )
            if status is not Attendance.ABSENT:
                present.append(pupil)
            if status is not Attendance.PRESENT:
                statuses[pupil.id] = status
        entries = self.marks_for(note, topic, present, control=control)
        if control and defer:
            self.control_marks[(note.id, plan.day, plan.slot.slot)] = entries
            entries = []
        work = (
            None
            if note.grade == 1 or control
            else homework(
                note.subject, note.grade, paragraph(plan.number, note.course.hours, note.grade)
            )
        )
        recorded = lessons.record_whole_lesson(
            self.world.school,
            self.world.teacher(plan.teacher),
            lessons.RecordWholeLesson(
                journal_id=note.id,
                on=plan.day,
                slot=plan.slot.slot,
                topic=topic,
                homework=work,
                ktp_item=item,
                attendance=statuses,
                marks=tuple(entries),
            ),
        )
        self._note_marks(note, plan.day, entries, recorded.ids)
        tally = self.world.tally
        tally.lessons += 1
        tally.attendances += len(note.roster)
        tally.control_works += control
        tally.substituted_lessons += plan.substitute
        tally.absences += sum(1 for s in statuses.values() if s is Attendance.ABSENT)
        tally.late_arrivals += sum(1 for s in statuses.values() if s is Attendance.LATE)
        deadline = self.first_deadline(plan)
        return deadline is not None and self.world.clock.now() > deadline

    def _is_control(self, plan: LessonPlan, topic: str) -> bool:
        note = plan.note
        return note.grade >= 2 and note.subject not in UNMARKED_SUBJECTS and is_control_work(topic)

    def marks_for(
        self, note: JournalNote, topic: str, present: list[Pupil], *, control: bool
    ) -> list[MarkEntry]:
        """No marks in grade 1 (School 77 §3.7); a control work marks everyone present;
        otherwise a teacher marks one to four students."""
        if note.grade == 1 or not present:
            return []
        rng = self.rng
        if control:
            kind = assessment.control_kind(topic)
            return [
                MarkEntry(
                    student_id=p.id,
                    value=assessment.draw_mark(
                        p.skill(note.subject), rng, assessment.CONTROL_WORK_SHIFT
                    ),
                    work_kind=kind,
                )
                for p in present
            ]
        count = assessment.draw_count(rng, note.subject, len(present))
        kinds = assessment.work_kinds(note.subject, self.world.profile)
        return [
            MarkEntry(
                student_id=p.id,
                value=assessment.draw_mark(p.skill(note.subject), rng),
                work_kind=rng.choice(kinds),
            )
            for p in rng.sample(present, count)
        ]

    def _note_marks(
        self, note: JournalNote, day: date, entries: list[MarkEntry], ids: dict[str, UUID]
    ) -> None:
        for i, entry in enumerate(entries):
            mark_id = ids[f"mark_{i}"]
            weight = self.world.profile.weight(entry.work_kind)
            note.marks[mark_id] = MarkNote(mark_id, entry.student_id, entry.value, weight, day)
        self.world.tally.marks += len(entries)

    # --- control works marked the next day ------------------------------------------------------

    def _defers(self, plan: LessonPlan, following: date | None) -> bool:
        """Whether a control work's marks wait for the next school day: where the profile gives
        written work more than the day (School 77: three days), a teacher checks the papers at
        home; a substitute marks at once."""
        if following is None or plan.substitute:
            return False
        if following not in self.class_day_sets[plan.slot.class_code]:
            return False
        _, topic = ktp_item_for(plan.note.ktp, plan.number)
        if not self._is_control(plan, topic):
            return False
        closes = self.deadline(plan, EntryKind.MARK, assessment.control_kind(topic))
        return closes is None or self.world.local(following, time(17, 0)) <= closes

    def deferred_control(self, plan: LessonPlan, following: date | None) -> _Item | None:
        if following is None or not self._defers(plan, following):
            return None
        moment = self.world.local(following, time(15, 0)) + timedelta(
            minutes=self.rng.randrange(120)
        )

        def mark_papers() -> None:
            entries = self.control_marks.pop((plan.note.id, plan.day, plan.slot.slot), [])
            if not entries:
                return
            _, topic = ktp_item_for(plan.note.ktp, plan.number)
            recorded = lessons.record_whole_lesson(
                self.world.school,
                self.world.teacher(plan.note.teacher),
                lessons.RecordWholeLesson(
                    journal_id=plan.note.id,
                    on=plan.day,
                    slot=plan.slot.slot,
                    topic=topic,
                    marks=tuple(entries),
                ),
            )
            self._note_marks(plan.note, plan.day, entries, recorded.ids)

        return _Item(moment, mark_papers)

    # --- substitutions, late entries, corrections -------------------------------------------------

    def substitution_action(self, plan: LessonPlan) -> Action:
        """The deputy assigns the substitute before the first bell (School 77 §4.4.3)."""

        def assign() -> None:
            note = plan.note
            substitutions.assign_substitution(
                self.world.school,
                self.world.deputy(note.grade),
                substitutions.AssignSubstitution(
                    journal_id=note.id,
                    on=plan.day,
                    slot=plan.slot.slot,
                    substitute_id=self.world.accounts[plan.teacher],
                    replaced_id=self.world.accounts[note.teacher],
                    reason="Болезнь учителя (листок нетрудоспособности)",
                ),
            )
            self.world.tally.substitutions += 1

        return assign

    def late_entry(self, plan: LessonPlan, following: date) -> list[_Item]:
        """A teacher forgets a lesson; the next morning the deputy permits the entry (where its
        deadline has passed) and the teacher makes it, flagged late."""
        note = plan.note
        entered_at = self.world.local(following, time(8, 30)) + timedelta(
            seconds=self.rng.randrange(600)
        )
        deadline = self.first_deadline(plan)
        late = deadline is not None and entered_at > deadline

        def permit() -> None:
            substitutions.permit_late_entry(
                self.world.school,
                self.world.deputy(note.grade),
                substitutions.PermitLateEntry(
                    journal_id=note.id,
                    from_date=plan.day,
                    to_date=plan.day,
                    teacher_id=self.world.accounts[note.teacher],
                    valid_days=2,
                    reason=(
                        f"Урок {plan.day:%d.%m.%Y} ({note.class_code}, {plan.slot.slot}-й урок)"
                        " не внесён в срок: служебная записка учителя"
                    ),
                ),
            )

        def enter() -> None:
            self.world.tally.late_lessons += self.record_lesson(plan)

        permission = [_Item(self.world.local(following, time(8, 20)), permit)] if late else []
        return [*permission, _Item(entered_at, enter)]

    def correction_action(self, plan: LessonPlan) -> Action:
        """The teacher finds a mark of the lesson entered wrongly: corrects its value, or where a
        profile never changes a value, voids the entry (with a deputy's remark where the profile
        asks for one)."""

        def correct() -> None:
            note = plan.note
            candidates = [m for m in note.marks.values() if m.on == plan.day]
            if not candidates:
                return
            below_five = [m for m in candidates if m.value != "5"]
            mark = (below_five or candidates)[-1]
            rules = self.world.profile.corrections
            if rules.value_change is not CorrectionMode.FORBIDDEN:
                self._correct_value(note, mark, rules.value_change)
            elif rules.voiding is not CorrectionMode.FORBIDDEN:
                self._void(note, mark, rules.voiding)
            else:
                return
            self.world.tally.corrections += 1

        return correct

    def _correct_value(self, note: JournalNote, mark: MarkNote, mode: CorrectionMode) -> None:
        new_value = str(int(mark.value) + 1) if mark.value != "5" else "4"
        reason = (
            f"Ошибка при вводе: выставлено «{mark.value}» вместо «{new_value}»"
            " (по тетради обучающегося)"
        )
        marks.correct_mark(
            self.world.school,
            self.world.teacher(note.teacher),
            marks.CorrectMark(
                journal_id=note.id,
                mark_id=mark.id,
                value=new_value,
                reason=reason,
                authorization_id=self._authorization(note, mark, "correct", mode, reason),
            ),
        )
        note.marks[mark.id] = MarkNote(mark.id, mark.student_id, new_value, mark.weight, mark.on)

    def _void(self, note: JournalNote, mark: MarkNote, mode: CorrectionMode) -> None:
        reason = "Отметка выставлена ошибочно не тому обучающемуся"
        marks.void_mark(
            self.world.school,
            self.world.teacher(note.teacher),
            marks.VoidMark(
                journal_id=note.id,
                mark_id=mark.id,
                reason=reason,
                authorization_id=self._authorization(note, mark, "void", mode, reason),
            ),
        )
        del note.marks[mark.id]

    def _authorization(
        self,
        note: JournalNote,
        mark: MarkNote,
        action: Literal["correct", "void"],
        mode: CorrectionMode,
        remark: str,
    ) -> UUID | None:
        """The deputy's remark a profile may require before a mark is changed."""
        if mode is not CorrectionMode.WITH_APPROVAL:
            return None
        return marks.authorize_correction(
            self.world.school,
            self.world.deputy(note.grade),
            marks.AuthorizeCorrection(
                journal_id=note.id, mark_id=mark.id, action=action, remark=remark
            ),
        ).ids["authorization_id"]

    # --- transfers ------------------------------------------------------------------------------

    def transfer_action(self, transfer: Transfer) -> Action:
        """The secretary records the transfer; the student leaves the old class's journals and
        joins the new one's, in the smaller group of each split subject."""

        def move() -> None:
            world = self.world
            pupil = next(
                p
                for p in reversed(world.pupils)
                if p.class_code == transfer.from_class and not p.away
            )
            students.transfer_student(
                world.school,
                world.actor("secretary", Role.SECRETARY),
                students.TransferStudent(
                    year=DEMO_YEAR,
                    student_id=pupil.id,
                    to_class=transfer.to_class,
                    on=transfer.on,
                    order=transfer.order,
                    reason=transfer.reason,
                ),
            )
            for note in world.journals.values():
                if pupil in note.roster:
                    note.roster.remove(pupil)
                if note.class_code == transfer.to_class and note.subgroup is None:
                    note.roster.append(pupil)
            pupil.class_code = transfer.to_class
            pupil.subgroups.clear()
            for (code, subject, group), note in world.journals.items():
                if code != transfer.to_class or group != "1":
                    continue
                other = world.journals[(code, subject, "2")]
                smaller = "1" if len(note.roster) <= len(other.roster) else "2"
                place(world, pupil, subject, smaller, transfer.on)

        return move

    # --- absence reasons ------------------------------------------------------------------------

    def reason_entries(self, day: date, following: date | None) -> list[_Item]:
        """The class teachers record the reasons of spells that ended today: the next morning,
        or this evening on the run's last day."""
        start = (
            self.world.local(following, time(8, 50))
            if following is not None
            else self.world.local(day, time(19, 30))
        )
        items: list[_Item] = []
        for plan in self.world.classes:
            for pupil, spell in self.spell_ends.get((day, plan.code), []):
                moment = start + timedelta(seconds=30 * len(items))
                items.append(_Item(moment, self.reason_action(pupil, spell)))
        return items

    def reason_action(self, pupil: Pupil, spell: Spell) -> Action:
        def record() -> None:
            recorded = attendance.set_absence_reason(
                self.world.school,
                self.world.class_teacher(pupil.class_code),
                attendance.SetAbsenceReason(
                    year=DEMO_YEAR,
                    class_code=pupil.class_code,
                    student_id=pupil.id,
                    start=spell.days[0],
                    end=spell.days[-1],
                    absence_reason=spell.reason,
                    note=REASON_NOTES[spell.reason],
                ),
            )
            self.world.tally.absence_reasons += recorded.events

        return record

    # --- period marks and closing periods -------------------------------------------------------

    def period_mark_day(self, period: Period, class_code: str) -> date | None:
        """The school day a class's period marks are entered: the last one the profile's window
        allows (School 77: at least two days before the period ends)."""
        deadline = period_mark_deadline(
            self.world.profile,
            self.calendar,
            period_start=period.start,
            period_end=period.end,
            class_code=class_code,
            order_date=period.marks_due,
        )
        closes = period.end if deadline is None else deadline.closes_at.date()
        opens = period.start
        if deadline is not None and deadline.opens_at is not None:
            opens = deadline.opens_at.date()
        # A Saturday the state makes a working day has no timetable: no lessons, no marks.
        days = [
            d
            for d in self.calendar.working_days(opens, min(closes, period.end), class_code)
            if d.isoweekday() <= WEEKDAYS
        ]
        day = days[-1] if days else None
        # A run that stops before the day leaves the period's marks to come.
        return day if day is not None and day in self.class_day_sets[class_code] else None

    def period_mark_entries(self, day: date) -> list[_Item]:
        """Every teacher enters the period marks of their journals of the classes whose day it
        is, from the weighted average of the marks so far, in the afternoon."""
        work: list[tuple[JournalNote, Period, Pupil]] = []
        for period in self.year.periods.values():
            if not period.start <= day <= period.end:
                continue
            for plan in self.world.classes:
                if plan.grade == 1 or self.period_mark_day(period, plan.code) != day:
                    continue
                for note in self.world.journals.values():
                    if note.class_code == plan.code:
                        work += [(note, period, pupil) for pupil in note.roster]
        moments = spread(
            self.world.local(day, time(15, 30)),
            self.world.local(day, time(18, 50)),
            len(work),
            self.rng,
        )
        return [
            _Item(moment, self.period_mark_action(note, period, pupil))
            for moment, (note, period, pupil) in zip(moments, work, strict=True)
        ]

    def period_mark_action(self, note: JournalNote, period: Period, pupil: Pupil) -> Action:
        def record() -> None:
            given = [
                (m.value, m.weight)
                for m in note.marks.values()
                if m.student_id == pupil.id and period.start <= m.on <= period.end
            ]
            if len(given) < self.year.profile.period_mark_basis.min_current_marks:
                # No basis for a mark (School 77 §5.1–5.2): the teacher cannot give one.
                return
            fallback = assessment.draw_mark(pupil.skill(note.subject), self.rng)
            value = assessment.period_mark(note.subject, given, fallback)
            period_marks.record_period_mark(
                self.world.school,
                self.world.teacher(note.teacher),
                period_marks.RecordPeriodMark(
                    journal_id=note.id, period_id=period.id, student_id=pupil.id, value=value
                ),
            )
            self.world.tally.period_marks += 1

        return record

    def closing_entries(self, day: date, following: date | None) -> list[_Item]:
        """The deputies close a period class by class once it is over: on the first school day
        after it, when the reasons and late entries about its last days are in, or on the
        evening of the run's last day when the run goes on past the period. A run that stops on
        a period's last day (the demo's, in the holidays) leaves it open: that school day is
        still to come."""
        items: list[_Item] = []
        for period in self.year.periods.values():
            last_day_of_period = day <= period.end and (
                period.end < self.last if following is None else following > period.end
            )
            if not last_day_of_period:
                continue
            when = (
                self.world.local(following, time(18, 40))
                if following is not None
                else self.world.local(day, time(20, 0))
            )
            for n, plan in enumerate(self.world.classes):
                items.append(
                    _Item(when + timedelta(minutes=n), self.close_action(period, plan.code))
                )
        return items

    def close_action(self, period: Period, class_code: str) -> Action:
        grade = next(p.grade for p in self.world.classes if p.code == class_code)

        def close() -> None:
            period_marks.close_period(
                self.world.school,
                self.world.deputy(grade),
                period_marks.ClosePeriod(
                    year=DEMO_YEAR, period_id=period.id, class_code=class_code
                ),
            )
            self.world.tally.closed_periods += 1

        return close


def live_through(
    world: World,
    first: date,
    last: date,
    progress: Progress | None = None,
    *,
    rates: Rates | None = None,
    transfers: Sequence[Transfer] = (),
) -> None:
    """Live the generated school through its school days from ``first`` to ``last``."""
    YearRun(world, first, last, progress, rates=rates, transfers=transfers).run()
