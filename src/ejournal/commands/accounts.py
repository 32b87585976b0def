"""Accounts: creating them, granting and revoking roles, blocking and annulment."""

from __future__ import annotations

from typing import Literal
from uuid import UUID, uuid4

from pydantic import Field

from ejournal.access import require_guardian_for_parent, require_role, resolve
from ejournal.aggregates.account import Account, AnnulmentNotice, Grant
from ejournal.aggregates.identity import account_id as account_id_for
from ejournal.application import Recorded, School
from ejournal.commands.command import Command
from ejournal.errors import AccessDeniedError, InvariantError, NotFoundError
from ejournal.roles import Actor, Role
from ejournal.text import Address, Label, Name, Reason


class RegisterAccount(Command):
    login: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    full_name: Name
    email: Address | None = None


def register_account(school: School, actor: Actor, cmd: RegisterAccount) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        # The administrator creates every account; a class teacher creates the accounts of
        # their class's families, to give them access (Lyceum 68 §3.5.6; School 77 §3.1,
        # §4.3.9; Belogorsk Instr. 3.2): an account is born without roles, and a class teacher
        # can then grant it only a family role over a student of their class.
        require_role(actor, Role.ADMINISTRATOR, Role.CLASS_TEACHER, action="creating accounts")
        if school.exists(account_id_for(cmd.login)):
            raise InvariantError(
                f"the login {cmd.login!r} is taken", invariant="account.login_taken"
            )
        account = Account.register(
            login=cmd.login, full_name=cmd.full_name, email=cmd.email, actor=actor
        )
        return school.record(account, ids={"account_id": account.id})

    return school.run(attempt)


class GrantRole(Command):
    account_id: UUID
    role: Role
    class_code: Label | None = None
    year: str | None = Field(default=None, pattern=r"^\d{4}/\d{4}$")
    """The school year of the class: a class scope is always of one year."""
    student_id: UUID | None = None


def grant_role(school: School, actor: Actor, cmd: GrantRole) -> Recorded:
    def attempt() -> Recorded:
        granter = resolve(school, actor)
        if cmd.role is Role.SYSTEM:
            raise AccessDeniedError("the system role is not granted")
        if actor.role is Role.CLASS_TEACHER and cmd.role in (Role.PARENT, Role.STUDENT):
            # Class teachers give parents and students their access (Lyceum 68 §3.5.6).
            student = school.student(cmd.student_id) if cmd.student_id else None
            if (
                granter is None
                or student is None
                or student.year is None
                or student.class_code is None
                or not granter.leads(student.year, student.class_code)
            ):
                raise NotFoundError("no such student")
        else:
            require_role(actor, Role.ADMINISTRATOR, action="granting roles")
            if cmd.student_id is not None:
                school.student(cmd.student_id)
            if cmd.year is not None:
                school.year_view(cmd.year)
        account = school.account(cmd.account_id)
        _check_class_exists(school, cmd.year, cmd.class_code)
        if actor.role is Role.CLASS_TEACHER and account.roles() - {Role.PARENT, Role.STUDENT}:
            # A class teacher gives family access only: a staff account is not theirs to touch.
            raise AccessDeniedError("a class teacher grants roles to parents and students only")
        if cmd.role is Role.PARENT and cmd.student_id is not None:
            require_guardian_for_parent(school.student(cmd.student_id), account.id)
        grant = Grant(
            id=uuid4(),
            role=cmd.role,
            class_code=cmd.class_code,
            year=cmd.year,
            student_id=cmd.student_id,
        )
        account.grant(grant, actor)
        return school.record(account, ids={"grant_id": grant.id})

    return school.run(attempt)


class RevokeRole(Command):
    account_id: UUID
    grant_id: UUID
    reason: Reason


def revoke_role(school: School, actor: Actor, cmd: RevokeRole) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, Role.ADMINISTRATOR, action="revoking roles")
        account = school.account(cmd.account_id)
        account.revoke(cmd.grant_id, cmd.reason, actor)
        return school.record(account)

    return school.run(attempt)


class BlockAccount(Command):
    account_id: UUID
    reason: Reason


def block_account(school: School, actor: Actor, cmd: BlockAccount) -> Recorded:
    def attempt() -> Recorded:
        keeper = resolve(school, actor)
        account = school.account(cmd.account_id)
        _require_access_keeper(school, actor, keeper, account, "blocking accounts")
        account.block(cmd.reason, actor)
        return school.record(account)

    return school.run(attempt)


class UnblockAccount(Command):
    account_id: UUID
    reason: Reason


def unblock_account(school: School, actor: Actor, cmd: UnblockAccount) -> Recorded:
    def attempt() -> Recorded:
        keeper = resolve(school, actor)
        account = school.account(cmd.account_id)
        _require_access_keeper(school, actor, keeper, account, "unblocking accounts")
        account.unblock(cmd.reason, actor)
        return school.record(account)

    return school.run(attempt)


class AnnulAccount(Command):
    """End the service to an applicant (School 117 §10): annul, block, record the notice."""

    account_id: UUID
    reason: Reason
    address: Address
    """Where the notice is sent (School 117 §10.2: the applicant's e-mail address)."""
    service: Name = (
        "Предоставление информации о текущей успеваемости учащегося, ведение электронного дневника"
    )


def annul_account(school: School, actor: Actor, cmd: AnnulAccount) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        require_role(actor, Role.ADMINISTRATOR, action="annulling accounts")
        account = school.account(cmd.account_id)
        notice = AnnulmentNotice(
            full_name=account.full_name,
            address=cmd.address,
            service=cmd.service,
            reason=cmd.reason,
        )
        account.annul(cmd.reason, notice, actor)
        return school.record(account)

    return school.run(attempt)


class SetCredential(Command):
    """Record that a password or API token was set; the secret itself never enters the log."""

    account_id: UUID
    credential_id: UUID
    kind: Literal["password", "api_token"]
    temporary: bool = False
    """A temporary password, which its holder must change first (Gymnasium 2 §3.2, §5.4)."""


def set_credential(school: School, actor: Actor, cmd: SetCredential) -> Recorded:
    def attempt() -> Recorded:
        keeper = resolve(school, actor)
        account = school.account(cmd.account_id)
        if actor.account_id != cmd.account_id:
            _require_access_keeper(school, actor, keeper, account, "setting credentials")
        account.set_credential(cmd.credential_id, cmd.kind, actor, temporary=cmd.temporary)
        return school.record(account, ids={"credential_id": cmd.credential_id})

    return school.run(attempt)


def require_access_keeper(school: School, actor: Actor, account_id: UUID) -> None:
    """Refuse, before any secret or token is touched, an actor who may not give or control
    this account's access (its own holder may set its own password): a refused attempt must
    not leave the account without the password or tokens it had."""
    keeper = resolve(school, actor)
    if actor.account_id != account_id:
        _require_access_keeper(
            school, actor, keeper, school.account(account_id), "setting credentials"
        )


class RevokeCredential(Command):
    account_id: UUID
    credential_id: UUID
    reason: Reason


def revoke_credential(school: School, actor: Actor, cmd: RevokeCredential) -> Recorded:
    def attempt() -> Recorded:
        resolve(school, actor)
        _self_or_administrator(actor, cmd.account_id, "revoking credentials")
        account = school.account(cmd.account_id)
        account.revoke_credential(cmd.credential_id, cmd.reason, actor)
        return school.record(account)

    return school.run(attempt)


class RecordSignIn(Command):
    """Record that a person signed in: when (the server's clock) and in which role. No secret,
    no address, no device."""

    account_id: UUID


FAMILY_ROLES = (Role.PARENT, Role.STUDENT)


def sign_in_role(account: Account) -> Role | None:
    """The role a login is recorded under, or None when it is not recorded.

    Only parents' and students' logins are: the regulations ask for their activity (School 77
    §4.3.11 "Ведет мониторинг использования системы учащимися и их родителями", §4.6.6;
    Lyceum 68 §3.4.6 "процент участия родителей и учащихся в работе с электронным классным
    журналом"), while staff show their work in the entries they make. A person who is also on
    the staff signs in as the parent or student they are.
    """
    return next((role for role in FAMILY_ROLES if account.holds(role)), None)


def record_sign_in(school: School, actor: Actor, cmd: RecordSignIn) -> Recorded:
    """One event per login (a login lasts hours), never one per request."""

    def attempt() -> Recorded:
        resolve(school, actor)
        if actor.role not in FAMILY_ROLES:
            raise AccessDeniedError("sign-ins are recorded for parents and students")
        account = school.account(cmd.account_id)
        account.sign_in(actor)
        return school.record(account)

    return school.run(attempt)


def _check_class_exists(school: School, year: str | None, class_code: str | None) -> None:
    """A class scope names a class its school year has: a grant for a class that was never
    formed would lead nobody and stand in the log as if it did (answered as a missing one)."""
    if year is not None and class_code is not None:
        school.year_view(year).school_class(class_code)


def _require_access_keeper(
    school: School, actor: Actor, keeper: Account | None, account: Account, action: str
) -> None:
    """Who gives and controls an account's access: the administrator for every account; the
    class teacher for a family account of their own class, whose every role is a parent's or a
    student's over students of classes they lead (Lyceum 68 §3.5.6 «предоставляют реквизиты
    доступа родителям … и учащимся», §3.5.10 «осуществляют контроль доступа родителей … и
    учащихся»; School 77 §3.1; Belogorsk Instr. 3.2, 4.2). Anyone else's account is not theirs to
    touch, and answers as a missing one."""
    if actor.role is Role.CLASS_TEACHER and keeper is not None:
        if not family_of_class(school, keeper, account):
            raise NotFoundError("no such account")
        return
    require_role(actor, Role.ADMINISTRATOR, action=action)


def family_of_class(school: School, keeper: Account, account: Account) -> bool:
    """Whether an account is a family account of a class the keeper leads: it holds roles, all
    of them a parent's or a student's, over students each in a class the keeper leads now."""
    if not account.grants or account.roles() - set(FAMILY_ROLES):
        return False
    for student_id in account.students_followed():
        student = school.student(student_id)
        if (
            student.year is None
            or student.class_code is None
            or not keeper.leads(student.year, student.class_code)
        ):
            return False
    return True


def _self_or_administrator(actor: Actor, account_id: UUID, action: str) -> None:
    if actor.account_id != account_id:
        require_role(actor, Role.ADMINISTRATOR, action=action)
