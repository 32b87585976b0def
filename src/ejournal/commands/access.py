"""Who may do what (DESIGN.md §5): deny by default, and out of scope looks like missing.

Each check names the rule that grants access; anything no rule grants is refused. A resource the
actor may not even see raises NotFoundError, exactly as a missing one would.

A class teacher's scope is a class *of a school year*: every check of it compares the year as
well as the class code (Account.leads), since "5А" names a different class every year.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from ejournal.aggregates.account import Account, AccountInactiveError
from ejournal.aggregates.class_journal import ClassJournal, Substitution
from ejournal.application import School
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
    """Whether a journal is in the actor's scope at all."""
    if actor.role is Role.SYSTEM or actor.role in ADMINISTRATION:
        return True
    if actor.role in (Role.INSPECTOR, Role.AUDITOR, Role.ARCHIVIST):
        return True
    if actor.role is Role.TEACHER:
        return actor.account_id in journal.teachers or any(
            s.substitute_id == actor.account_id and not s.cancelled
            for s in journal.substitutions.values()
        )
    if actor.role is Role.CLASS_TEACHER and account is not None:
        return account.leads(journal.year, journal.class_code)
    return False


def account_can_read_journal(account: Account, journal: ClassJournal) -> bool:
    """Whether any role the account holds lets it read a journal: one person often holds
    several (a class teacher who also teaches another class's subject)."""
    return any(
        can_see_journal(Actor(account_id=account.id, role=role), account, journal)
        for role in account.roles()
    )


def account_can_read_class(account: Account, year: str, class_code: str) -> bool:
    """The administration reads every class's list and sheets; a class teacher those of their
    class of that year."""
    return bool(account.roles() & ADMINISTRATION) or account.leads(year, class_code)


REPORT_READERS = (Role.DEPUTY, Role.DIRECTOR, Role.ADMINISTRATOR, Role.INSPECTOR, Role.AUDITOR)
"""Who reads every report of the school."""


def account_reads_every_report(account: Account) -> bool:
    return any(account.holds(role) for role in REPORT_READERS)


def account_can_report_on_class(account: Account, year: str, class_code: str) -> bool:
    """The reports of a class: the school's report readers, and its class teacher of that year."""
    return account_reads_every_report(account) or account.leads(year, class_code)


def account_can_monitor_journal(account: Account, journal: ClassJournal) -> bool:
    """The monitoring of a journal: the school's report readers, the class teacher of its class
    in its year, and a subject teacher of the journal."""
    return (
        account_reads_every_report(account)
        or account.leads(journal.year, journal.class_code)
        or (account.holds(Role.TEACHER) and account.id in journal.teachers)
    )


def visible_journal(
    school: School, actor: Actor, account: Account | None, journal_id: UUID
) -> ClassJournal:
    """Load a journal the actor may see; otherwise it does not exist for them."""
    journal = school.journal(journal_id)
    if not can_see_journal(actor, account, journal):
        raise NotFoundError("no such journal")
    return journal


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
