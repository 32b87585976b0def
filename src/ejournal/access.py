"""Who may do what (DESIGN.md §5): every access rule, reads and writes, in one place.

Deny by default, and out of scope looks like missing. Each check names the rule that grants
access (and the clause it comes from); anything no rule grants is refused. A resource the reader
may not even see raises NotFoundError, exactly as a missing one would.

Writes: ``resolve``, ``require_role``, ``writer_of_lesson``, ``class_teacher_correcting``,
``require_journal_teacher``, ``require_class_teacher_of``, ``require_guardian_for_parent`` (the
command handlers call them). Reads: one function per kind of resource, taking the reader's
account and answering the resource it may read (``readable_journal``, ``history_journal``,
``story_mark``, ``monitored_journal``, ``class_list``, ``class_sheets``, ``reported_class``,
``movement_of``, ``student_record``, ``followed_student``, ``followed_students``, ``diary_of``,
``audit_scope``, ``teacher_schedule``, ``account_directory``); a route calls one and renders
what the read model answers for it, so no route decides scope itself. ``followed_child`` scopes a
parent's own writes about their child (an absence notice).

A class teacher's scope is a class *of a school year*: every check of it compares the year as
well as the class code (Account.leads), since "5А" names a different class every year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from ejournal.aggregates.account import Account, AccountInactiveError
from ejournal.aggregates.class_journal import ClassJournal, Mark, Substitution
from ejournal.aggregates.school_year import SchoolYear
from ejournal.aggregates.student import Student
from ejournal.application import School
from ejournal.commands.timing import local_today
from ejournal.errors import AccessDeniedError, Clause, NotFoundError, RuleViolationError
from ejournal.policy.profile import RegulationProfile
from ejournal.roles import ADMINISTRATION, Actor, Role

SYSTEM_ACCOUNT = UUID(int=0)
"""The service itself, for bootstrap steps no person can do yet (the first administrator)."""


def system_actor() -> Actor:
    return Actor(account_id=SYSTEM_ACCOUNT, role=Role.SYSTEM)


def resolve(school: School, actor: Actor) -> Account | None:
    """Check the actor is an active account holding the role it claims.

    Returns the account (None for the system actor). An unknown account is refused like a
    blocked one, so an outsider learns nothing.
    """
    if actor.role is Role.SYSTEM:
        if actor.account_id != SYSTEM_ACCOUNT:
            raise AccessDeniedError("only the service acts in the system role")
        return None
    try:
        account = school.view(Account, actor.account_id, "account")
    except NotFoundError:
        raise AccountInactiveError("no active account acts here") from None
    account.act_as(actor.role)
    return account


def require_role(actor: Actor, *roles: Role, action: str) -> None:
    """Refuse unless the actor acts in one of the roles (the system actor may set things up)."""
    if actor.role is Role.SYSTEM or actor.role in roles:
        return
    allowed = ", ".join(r.value for r in roles)
    raise AccessDeniedError(f"{action} is for: {allowed}")


def can_see_journal(actor: Actor, account: Account | None, journal: ClassJournal) -> bool:
    """Whether a journal is in the actor's scope at all (acting in one role)."""
    if actor.role is Role.SYSTEM or actor.role in ADMINISTRATION:
        return True
    if actor.role in (Role.INSPECTOR, Role.AUDITOR, Role.ARCHIVIST):
        return True
    if actor.role is Role.TEACHER:
        return _teaches(actor.account_id, journal)
    if actor.role is Role.CLASS_TEACHER and account is not None:
        return account.leads(journal.year, journal.class_code)
    return False


def _teaches(account_id: UUID, journal: ClassJournal) -> bool:
    """A teacher of the journal, or a substitute a deputy assigned to one of its lessons."""
    return account_id in journal.teachers or any(
        s.substitute_id == account_id and not s.cancelled for s in journal.substitutions.values()
    )


def visible_journal(
    school: School, actor: Actor, account: Account | None, journal_id: UUID
) -> ClassJournal:
    """Load a journal the actor may see; otherwise it does not exist for them."""
    journal = school.journal(journal_id)
    if not can_see_journal(actor, account, journal):
        raise NotFoundError("no such journal")
    return journal


# --- reads ----------------------------------------------------------------------------------------
#
# A read is made by an account, not by one of its roles: one person often holds several (a class
# teacher who also teaches another class's subject), and reads what any of them grants.

REPORT_READERS = frozenset(
    {Role.DEPUTY, Role.DIRECTOR, Role.ADMINISTRATOR, Role.INSPECTOR, Role.AUDITOR}
)
"""Who reads every report and sheet of the school: the administration reads everything
(DESIGN.md §5; Gymnasium 2 §3.1: the director and the administration «имеют право доступа ко
всем данным»), inspectors and auditors read and record nothing."""

HISTORY_READERS = REPORT_READERS
"""Who replays the history of every journal."""

TRAIL_READERS = frozenset({Role.AUDITOR, Role.DEPUTY, Role.DIRECTOR, Role.ADMINISTRATOR})
"""Who reads the whole audit trail: the auditor, and the administration (DESIGN.md §5)."""

ROLL_READERS = frozenset({Role.SECRETARY, Role.ADMINISTRATOR, Role.DEPUTY, Role.DIRECTOR})
"""Who reads every student's record: the secretary keeps the roll (Lyceum 68 §3.8), the
administration reads everything."""

JOURNAL_READERS = frozenset(
    {
        Role.DEPUTY,
        Role.DIRECTOR,
        Role.ADMINISTRATOR,
        Role.INSPECTOR,
        Role.AUDITOR,
        Role.ARCHIVIST,
        Role.CLASS_TEACHER,
        Role.TEACHER,
    }
)
"""The roles that read journals at all; each journal is further scoped."""


def _reads_all(account: Account, roles: frozenset[Role]) -> bool:
    return bool(account.roles() & roles)


def can_read_journal(account: Account, journal: ClassJournal) -> bool:
    """A journal's page and grid: whoever may see it in any role the account holds (a teacher
    their journals, a class teacher all journals of their class, Lyceum 68 §3.5.1)."""
    return any(
        can_see_journal(Actor(account_id=account.id, role=role), account, journal)
        for role in account.roles()
    )


def readable_journal(school: School, account: Account, journal_id: UUID) -> ClassJournal:
    """A journal the account may read; otherwise it does not exist for them."""
    journal = school.view(ClassJournal, journal_id, "journal")
    if not can_read_journal(account, journal):
        raise NotFoundError("no such journal")
    return journal


def can_read_history(account: Account, journal: ClassJournal) -> bool:
    """A journal's history: the history readers, a teacher of the journal, and the class
    teacher of its class, who reads every page of the class (Lyceum 68 §3.5.1), as it stands and
    as it stood."""
    return (
        _reads_all(account, HISTORY_READERS)
        or (account.holds(Role.TEACHER) and account.id in journal.teachers)
        or account.leads(journal.year, journal.class_code)
    )


def history_journal(school: School, account: Account, journal_id: UUID) -> ClassJournal:
    """A journal whose history the account may replay; otherwise it does not exist."""
    journal = school.view(ClassJournal, journal_id, "journal")
    if not can_read_history(account, journal):
        raise NotFoundError("no such journal")
    return journal


def can_read_mark_story(account: Account, journal: ClassJournal, mark: Mark) -> bool:
    """One mark's story: a history reader of its journal, or a parent of the student it was
    given to (Gymnasium 2 §3.7: a parent reads only their own child's data)."""
    return can_read_history(account, journal) or any(
        g.role is Role.PARENT and g.student_id == mark.student_id for g in account.grants.values()
    )


def story_mark(
    school: School, account: Account, journal_id: UUID, mark_id: UUID
) -> tuple[ClassJournal, Mark]:
    """A mark whose story the account may read; a missing journal, a missing mark and one out
    of scope answer alike. A parent's read is also held to the consent rule."""
    try:
        journal = school.view(ClassJournal, journal_id, "journal")
        mark = journal.mark(mark_id)
    except NotFoundError:
        raise NotFoundError("no such mark") from None
    if not can_read_mark_story(account, journal, mark):
        raise NotFoundError("no such mark")
    if not can_read_history(account, journal):
        check_consent(school, school.view(Student, mark.student_id, "student"))
    return journal, mark


def can_monitor_journal(account: Account, journal: ClassJournal) -> bool:
    """A journal's monitoring: the report readers, the class teacher of its class in its year,
    and a subject teacher of the journal."""
    return (
        _reads_all(account, REPORT_READERS)
        or account.leads(journal.year, journal.class_code)
        or (account.holds(Role.TEACHER) and account.id in journal.teachers)
    )


def monitored_journal(school: School, account: Account, journal_id: UUID) -> ClassJournal:
    journal = school.view(ClassJournal, journal_id, "journal")
    if not can_monitor_journal(account, journal):
        raise NotFoundError("no such journal")
    return journal


def _school_class(school: School, year: str, class_code: str) -> SchoolYear:
    school_year = school.year_view(year)
    if class_code not in school_year.classes:
        raise NotFoundError("no such class")
    return school_year


def teaches_class(school: School, account: Account, year: str, class_code: str) -> bool:
    """Whether the account teaches a subject in a class of a year (a teacher of one of its
    journals)."""
    if not account.holds(Role.TEACHER):
        return False
    return any(
        account.id in school.view(ClassJournal, journal_id, "journal").teachers
        for journal_id in school.year_view(year).journals_of(class_code)
    )


def account_can_read_class(account: Account, year: str, class_code: str) -> bool:
    """A class's list and its students' printouts: the administration, and the class's own
    class teacher of that year (Lyceum 68 §3.5.2)."""
    return _reads_all(account, ADMINISTRATION) or account.leads(year, class_code)


def class_list(school: School, account: Account, year: str, class_code: str) -> SchoolYear:
    """A class list (``account_can_read_class``); the school year is answered, for anyone else
    the class does not exist."""
    school_year = _school_class(school, year, class_code)
    if not account_can_read_class(account, year, class_code):
        raise NotFoundError("no such class")
    return school_year


def class_sheets(school: School, account: Account, year: str, class_code: str) -> SchoolYear:
    """A class's summary sheets and its results of a period: the administration, the class
    teacher (School 77 §4.3.10), and a subject teacher who teaches in the class (School 77
    §4.4.11: «Отчет по итогам успеваемости класса за учебный период», «Сводная ведомость учета
    успеваемости обучающихся класса»; Gymnasium 2 §3.1: a teacher sees every mark of the classes
    they teach their subject in), and the psychologist assigned to the class (School 77 §1.6)."""
    school_year = _school_class(school, year, class_code)
    if not (
        _reads_all(account, ADMINISTRATION)
        or account.leads(year, class_code)
        or account.counsels(year, class_code)
        or teaches_class(school, account, year, class_code)
    ):
        raise NotFoundError("no such class")
    return school_year


def reported_class(school: School, account: Account, year: str, class_code: str) -> SchoolYear:
    """A class's reports: the report readers and its class teacher of that year (School 77
    §4.3.10)."""
    school_year = _school_class(school, year, class_code)
    if not (_reads_all(account, REPORT_READERS) or account.leads(year, class_code)):
        raise NotFoundError("no such class")
    return school_year


def require_school_reports(account: Account) -> None:
    """The school-wide reports: the report readers only."""
    if not _reads_all(account, REPORT_READERS):
        raise AccessDeniedError("the school's reports are for the administration and inspectors")


def movement_of(school: School, account: Account, year: str) -> frozenset[str] | None:
    """Whose movement the account reads in a year's movement sheet: every class's (None) for
    the administration, the classes it leads for a class teacher (School 77 §4.3.10: «Сводная
    ведомость учета движения учащихся» among the class teacher's reports); anyone else is
    refused."""
    school.year_view(year)
    if _reads_all(account, ADMINISTRATION):
        return None
    led = frozenset(code for led_year, code in account.classes_led() if led_year == year)
    if not account.holds(Role.CLASS_TEACHER):
        raise AccessDeniedError("the movement sheet is for the administration and class teachers")
    return led


def student_record(school: School, account: Account, student_id: UUID) -> Student:
    """A student's record, guardians and consents: the roll's readers, and the class teacher
    of the student's class, who keeps them current (Lyceum 68 §3.5.2; School 77 §4.3.7;
    Gymnasium 2 §3.1, §7.1), and where the profile grants it a teacher of the student's class
    (Gymnasium 2 §3.1, emergencies); anyone else reads no such student."""
    student = school.view(Student, student_id, "student")
    if _reads_all(account, ROLL_READERS):
        return student
    if student.year is None or student.class_code is None:
        raise NotFoundError("no such student")
    if account.leads(student.year, student.class_code):
        return student
    profile = school.year_view(student.year).profile
    if profile.personal_data.teachers_read_students_records and teaches_class(
        school, account, student.year, student.class_code
    ):
        # Gymnasium 2 §3.1: a teacher of the class, for emergencies.
        return student
    raise NotFoundError("no such student")


# --- the family -----------------------------------------------------------------------------------


class ConsentRequiredError(RuleViolationError):
    """The school's regulation admits a student to the electronic journal and diary only with
    written consent, and none is in force."""

    slug = "consent-required"
    title = "No written consent is in force for this student"
    status = 403


def check_consent(school: School, student: Student) -> None:
    """Refuse a family read of a student whose school requires written consent (a profile's
    ``consent`` rule, Gymnasium 2 §1.5) when none is in force today."""
    if student.year is None:
        return
    year = school.year_view(student.year)
    rule = year.profile.consent
    if not rule.required:
        return
    today = local_today(year, school.clock.now())
    if not student.has_consent(today):
        raise ConsentRequiredError(
            "the student is in the electronic diary only with the written consent of a parent"
            " (legal representative), and none is in force",
            rule="consent",
            clause=rule.clause or Clause(source=year.profile.school, ref="профиль школы"),
        )


def followed_student(school: School, account: Account, student_id: UUID) -> Student:
    """A child the account follows (a parent's child, a student themself: Gymnasium 2 §3.7,
    §3.8); any other student does not exist for them. Their name, class, guardians and whether
    consent is in force are the family's own, so not held to the consent rule: that is where a
    parent learns why the diary is closed."""
    if student_id not in account.students_followed():
        raise NotFoundError("no such student")
    return school.view(Student, student_id, "student")


def diary_of(school: School, account: Account, student_id: UUID) -> Student:
    """A child whose diary (lessons, marks, absences, averages) the account reads: one it
    follows, with consent in force where the school requires it (Gymnasium 2 §1.5)."""
    student = followed_student(school, account, student_id)
    check_consent(school, student)
    return student


def followed_students(school: School, account: Account) -> list[Student]:
    """The children the account follows, in id order."""
    return [
        school.view(Student, student_id, "student")
        for student_id in sorted(account.students_followed())
    ]


def require_guardian_for_parent(student: Student, account_id: UUID) -> None:
    """The parent role over a student goes only to a person recorded as the student's parent
    (legal representative) with this account (Gymnasium 2 §3.7: «Права доступа родителя
    (законного представителя) предоставляются лицу, о котором имеются сведения как о родителе
    (законном представителе) в базе данных класса»)."""
    if not any(g.account_id == account_id for g in student.guardians.values()):
        raise RuleViolationError(
            "the parent role goes only to an account recorded as the student's guardian",
            rule="parent-is-guardian",
            clause=PARENT_IS_GUARDIAN,
        )


PARENT_IS_GUARDIAN = Clause(
    source="Gymnasium 2",
    ref="§3.7",
    text="Права доступа родителя (законного представителя) предоставляются лицу, о котором"
    " имеются сведения как о родителе (законном представителе) в базе данных класса.",
)


# --- the audit trail ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditScope:
    """What of the trail one account may read (deny by default: an empty scope reads nothing)."""

    everything: bool = False
    reader: UUID | None = None
    """Rows of the journals this account keeps or substitutes in."""
    classes: frozenset[tuple[str, str]] = frozenset()
    """Rows of the journals of these classes, as (school year, class code): a class teacher's."""
    children: frozenset[UUID] = frozenset()
    """The history of these students' marks (a parent's)."""


def audit_scope(account: Account, school: School | None = None) -> AuditScope:
    """What an account may read of the trail, from every role it holds; refuses an account
    none of whose roles reads it. Given the school, a parent's children are held to the consent
    rule as their diary is (Gymnasium 2 §1.5)."""
    roles = account.roles()
    if roles & TRAIL_READERS:
        return AuditScope(everything=True)
    children = frozenset(
        g.student_id
        for g in account.grants.values()
        if g.role is Role.PARENT and g.student_id is not None
    )
    refusal: ConsentRequiredError | None = None
    if school is not None and children:
        children, refusal = _consented(school, children)
    scope = AuditScope(
        reader=account.id if Role.TEACHER in roles else None,
        classes=account.classes_led(),
        children=children,
    )
    if refusal is not None and scope.reader is None and not scope.classes and not children:
        raise refusal
    if scope.reader is None and not scope.classes and not scope.children:
        raise AccessDeniedError(
            "the audit trail is for the auditor, the administration, teachers and parents"
        )
    return scope


def _consented(
    school: School, children: frozenset[UUID]
) -> tuple[frozenset[UUID], ConsentRequiredError | None]:
    """The children whose data the consent rule lets their family read, and the first refusal
    (to tell a family that reads nothing else why)."""
    allowed = set()
    refusal: ConsentRequiredError | None = None
    for child in sorted(children):
        try:
            check_consent(school, school.view(Student, child, "student"))
        except ConsentRequiredError as error:
            refusal = refusal or error
        else:
            allowed.add(child)
    return frozenset(allowed), refusal


def audit_covers_journal(school: School, scope: AuditScope, journal: ClassJournal) -> bool:
    """Whether a journal's rows are in a trail scope: the same rule as a journal's read (a
    teacher's or substitute's journals, a class teacher's class), and for a parent a journal
    their child was ever on the page of."""
    if scope.everything or (journal.year, journal.class_code) in scope.classes:
        return True
    if scope.reader is not None and _teaches(scope.reader, journal):
        return True
    if scope.children:
        year = school.year_view(journal.year)
        return any(
            ever_on_page(year, child, journal.class_code, journal.subject, journal.subgroup)
            for child in scope.children
        )
    return False


JournalPage = tuple[str, str, str, str | None]
"""A journal's page: its school year, class code, subject and subgroup (None: the whole class)."""


def audit_covers_student(
    school: School,
    scope: AuditScope,
    student_id: UUID,
    pages: Callable[[], Iterable[JournalPage]],
) -> bool:
    """Whether a student's rows are in a trail scope: a parent's own child, or a student ever on
    the page of a journal in the scope (``pages`` lists those journals; asked only when needed)."""
    if scope.everything or student_id in scope.children:
        return True
    found = list(pages())
    years = {label: school.year_view(label) for label in {year for year, *_ in found}}
    return any(
        ever_on_page(years[year], student_id, class_code, subject, subgroup)
        for year, class_code, subject, subgroup in found
    )


def ever_on_page(
    year: SchoolYear, student_id: UUID, class_code: str, subject: str, subgroup: str | None
) -> bool:
    """Whether a student was ever on a journal's page in its year."""
    if subgroup is None:
        return any(s.place == class_code for s in year.class_stints.get(student_id, ()))
    place = f"{class_code}/{subject}/{subgroup}"
    return any(s.place == place for s in year.subgroup_stints.get(student_id, ()))


# --- everyday reads (issue 14) -------------------------------------------------------------------

TEACHER_SCHEDULE_READERS = ADMINISTRATION
"""Who reads any teacher's journals and lessons: the administration, which forms the timetable
and assigns substitutions (DESIGN.md §1: the deputy; Lyceum 68 §3.7)."""

DIRECTORY_READERS = frozenset({*ADMINISTRATION, Role.AUDITOR})
"""Who looks accounts up by name or login: the administration, which keeps accounts (Lyceum 68
§3.4), and the auditor, who asks who changed what (DESIGN.md §1)."""


def teacher_schedule(school: School, account: Account, teacher_id: UUID) -> Account:
    """A teacher whose journals and lessons the account reads: a teacher their own, the
    administration any teacher's; for anyone else (and for an account that teaches nothing) the
    teacher does not exist."""
    if teacher_id == account.id:
        teacher = account
    elif _reads_all(account, TEACHER_SCHEDULE_READERS):
        teacher = school.view(Account, teacher_id, "teacher")
    else:
        raise NotFoundError("no such teacher")
    if not teacher.holds(Role.TEACHER):
        raise NotFoundError("no such teacher")
    return teacher


def taught_journals(school: School, teacher: Account, year: str) -> list[ClassJournal]:
    """The journals of a year a teacher keeps or substitutes in (a substitution a deputy
    assigned and did not cancel: Lyceum 68 §5.1), in class, subject and subgroup order. The
    teacher comes from ``teacher_schedule``."""
    school_year = school.year_view(year)
    journals = [
        school.view(ClassJournal, journal_id, "journal") for journal_id in school_year.journals
    ]
    return sorted(
        (j for j in journals if _teaches(teacher.id, j)),
        key=lambda j: (j.class_code, j.subject, j.subgroup or ""),
    )


def followed_child(school: School, account: Account, student_id: UUID) -> Student:
    """A child of a parent (not a student themself): who gives the school notice of the child's
    absence (Gymnasium 2 §3.7: the parent, the legal representative). Any other student does not
    exist for the account."""
    if not any(
        g.role is Role.PARENT and g.student_id == student_id for g in account.grants.values()
    ):
        raise NotFoundError("no such student")
    return school.view(Student, student_id, "student")


def noticed_children(school: School, account: Account) -> list[Student]:
    """The children whose notices of absence the account reads: those it is the parent of
    (who gives the notices, Gymnasium 2 §3.7), in id order; another guardian's notices for the
    same child included, since either may give one."""
    children = sorted(
        {g.student_id for g in account.grants.values() if g.role is Role.PARENT and g.student_id}
    )
    return [school.view(Student, student_id, "student") for student_id in children]


def account_directory(account: Account) -> None:
    """The accounts' directory (search by name or login): ``DIRECTORY_READERS`` only."""
    if not _reads_all(account, DIRECTORY_READERS):
        raise AccessDeniedError("looking accounts up is for the administration and the auditor")


READ_RULES = (
    "readable_journal",
    "history_journal",
    "story_mark",
    "monitored_journal",
    "class_list",
    "class_sheets",
    "reported_class",
    "require_school_reports",
    "movement_of",
    "student_record",
    "followed_student",
    "followed_students",
    "followed_child",
    "noticed_children",
    "diary_of",
    "audit_scope",
    "teacher_schedule",
    "account_directory",
)
"""The read rules a route calls: a test holds every read route of the API to calling one."""


# --- writes ---------------------------------------------------------------------------------------


class SubstitutionNotGrantedError(RuleViolationError, AccessDeniedError):
    """A teacher who does not keep the journal wrote to a lesson no substitution grants them:
    refused by the regulation's substitution rule, which the answer cites (403)."""

    slug = "substitution-not-granted"
    title = "No substitution grants this lesson"
    status = 403


def writer_of_lesson(
    actor: Actor, journal: ClassJournal, on: date, slot: int, profile: RegulationProfile
) -> Substitution | None:
    """Check the actor may record this lesson: a teacher of the journal, or the substitute a
    deputy assigned to exactly this lesson (Lyceum 68 §5.1; School 77 §4.4.3; Gymnasium 2
    §8.3). Returns the substitution when the actor writes as a substitute."""
    if actor.role is not Role.TEACHER:
        raise AccessDeniedError("lessons, attendance and marks are recorded by teachers")
    if actor.account_id in journal.teachers:
        return None
    substitution = journal.substitution_for(on, slot, actor.account_id)
    if substitution is None:
        rule = profile.substitution
        raise SubstitutionNotGrantedError(
            f"a substitute records only the lesson a deputy's substitution covers; none covers"
            f" lesson {slot} on {on.isoformat()} for this teacher",
            rule="substitution.requires_grant",
            clause=rule.clause or Clause(source=profile.school, ref="профиль школы: substitution"),
        )
    return substitution


def class_teacher_correcting(
    actor: Actor, account: Account | None, journal: ClassJournal, on: date, slot: int
) -> Actor | None:
    """The class teacher's right to correct recorded attendance in every journal of their class
    of that year (School 77 §4.3.8: the class teacher checks the class's absences daily and
    corrects them; Lyceum 68 §3.5.1: every page of the class «с правом редактирования»).
    Answers the actor to record the correction in (the class teacher role), or None when the
    rule does not apply and the lesson's writers' rule decides (``writer_of_lesson``): a
    teacher of the journal, or the substitute of the lesson, corrects as themself."""
    if actor.role is Role.TEACHER and (
        actor.account_id in journal.teachers
        or journal.substitution_for(on, slot, actor.account_id) is not None
    ):
        return None
    if (
        account is not None
        and account.holds(Role.CLASS_TEACHER)
        and account.leads(journal.year, journal.class_code)
    ):
        return account.act_as(Role.CLASS_TEACHER)
    return None


def require_journal_teacher(actor: Actor, journal: ClassJournal) -> None:
    if actor.role is not Role.TEACHER or actor.account_id not in journal.teachers:
        raise AccessDeniedError("only a teacher of this journal may do this")


def require_class_teacher_of(
    actor: Actor, account: Account | None, year: str, class_code: str
) -> None:
    """Absence reasons are set by the class's own class teacher of that year (Lyceum 68
    §3.5.3)."""
    if actor.role is Role.SYSTEM:
        return
    if actor.role is not Role.CLASS_TEACHER or account is None:
        raise AccessDeniedError("absence reasons are set by the class teacher")
    if not account.leads(year, class_code):
        raise NotFoundError("no such journal")


# --- imports from a school's files --------------------------------------------------------------

IMPORTERS: dict[str, tuple[Role, ...]] = {
    "students": (Role.ADMINISTRATOR, Role.SECRETARY),
    "staff": (Role.ADMINISTRATOR,),
    "timetable": (Role.ADMINISTRATOR, Role.DEPUTY),
    "ktp": (Role.DEPUTY, Role.TEACHER),
}
"""Who imports each kind of file, in the order a person holding several roles acts in: the
roll is the secretary's and the administrator's (Lyceum 68 §3.8.3), staff accounts the
administrator's (Lyceum 68 §3.4), the timetable the deputy's and the administrator's (School 77
§4.6.2), a journal's KTP its teacher's or a deputy's (School 77 §4.4.7). Each row still runs
through its command's own checks."""


def importer(account: Account, kind: str) -> Actor:
    """The actor an account imports a kind of file as: the first importing role it holds."""
    for role in IMPORTERS.get(kind, ()):
        if account.holds(role):
            return account.act_as(role)
    allowed = ", ".join(r.value for r in IMPORTERS.get(kind, ()))
    raise AccessDeniedError(f"importing {kind} is for: {allowed}")


def require_importer(actor: Actor, kind: str) -> None:
    """Refuse an actor whose role does not import this kind of file."""
    require_role(actor, *IMPORTERS.get(kind, ()), action=f"importing {kind}")


def creates_accounts(actor: Actor) -> bool:
    """Whether the actor may create accounts and grant roles (the administrator, Lyceum 68
    §3.4): an import by anyone else records no parent account."""
    return actor.role in (Role.ADMINISTRATOR, Role.SYSTEM)


KTP_AUTHORS = "the journal's teacher or a deputy"
"""Who writes a journal's KTP, for a refusal to name."""


def can_set_ktp(actor: Actor, account: Account | None, journal: ClassJournal) -> bool:
    """A journal's KTP is set by a teacher of the journal or by a deputy; ``set_ktp`` and the
    KTP import both ask here.

    Every seed gives the writing of the KTP to the subject teacher: Lyceum 68 §3.6.2, School 77
    §4.4.7 («Создаёт календарно-тематическое планирование и размещает его в АИС СГО»),
    Gymnasium 2 §8.2 («Своевременно вносят … календарно-тематическое планирование по своему
    учебному предмету»), Belogorsk's instruction for the subject teacher («до начала учебного
    года создает календарно-тематическое планирование и внедряет его в ЭЖ»). The deputy may
    correct it: Gymnasium 2 §3.1 gives the school's administration (the deputy director) access
    to all data «для … внесения необходимых корректировок». The administrator is refused on
    purpose: no seed gives the journal's administrator the writing of a plan; Belogorsk's
    administrator and deputy only check that the teachers' plans are there before the year
    («проверяет наличие календарно-тематического планирования в ЭЖ школы у учителей -
    предметников»), Lyceum 68 §3.4 and Gymnasium 2 §5 give the administrator technical duties
    and the monitoring of journal keeping, and School 77 §4.1.5 has them enter classes,
    teachers and the timetable, not plans. A plan is the teacher's teaching content; an
    administrator who also teaches or deputises sets it in that role."""
    return actor.role is Role.DEPUTY or (
        actor.role is Role.TEACHER
        and actor.account_id in journal.teachers
        and can_see_journal(actor, account, journal)
    )
