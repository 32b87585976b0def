"""Accounts: creating them, roles, passwords, blocking and annulment (the administrator's,
Lyceum 68 §3.4; School 117 §10). The administration may read an account.

Blocking and annulment cut an account off at once: every request after them is refused, because
the account is inactive. A blocked account's tokens are revoked when it is unblocked, so none
comes back to life, and until then its client is told why it is refused (account-inactive, not
an unknown token). An annulment is final: its tokens are revoked there and then.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, SecretStr, computed_field

from api.commanding import RecordedPublic, Run
from api.dependencies import (
    CurrentAccessKeeper,
    CurrentAdministration,
    CurrentAdministrator,
    CurrentSession,
    SchoolApp,
)
from api.schemas.requests import RequestModel
from api.schemas.school_year import YearLabel, url_label
from ejournal.aggregates.account import Account, Grant
from ejournal.application import Recorded, School
from ejournal.commands import accounts
from ejournal.commands.command import Command
from ejournal.credentials import CredentialStore
from ejournal.roles import Actor, Role
from ejournal.text import Address, Label, Name, Reason

router = APIRouter()

MIN_PASSWORD_LENGTH = 10


class AccountRequest(RequestModel):
    """A person's account: the login they sign in with and their full name."""

    login: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")
    full_name: Name = Field(examples=["Иванова Мария Петровна"])
    email: Address | None = None


class RoleGrantRequest(RequestModel):
    """A role in a scope: a class teacher's class of a school year, a parent's or a student's
    student."""

    role: Role
    class_code: Label | None = None
    year: YearLabel | None = None
    """The school year of the class: "5А" names a different class every year."""
    student_id: UUID | None = None


class RoleRevocationRequest(RequestModel):
    """Why a role is taken away."""

    reason: Reason


class BlockingRequest(RequestModel):
    """Why access is blocked (or restored)."""

    reason: Reason = Field(examples=["утеря пароля"])


class AnnulmentRequest(RequestModel):
    """The end of the service to an applicant and what the notice says (School 117 §10.2:
    name, the address it is sent to, the service, the reason)."""

    reason: Reason
    address: Address = Field(examples=["ivanova@example.ru"])
    """Where the notice is sent: the applicant's e-mail address."""
    service: Name | None = None
    """The service ended; the electronic diary service when absent."""


class PasswordRequest(RequestModel):
    """A new password the administrator sets for an account."""

    # A password is taken as typed: a space at either end is part of it.
    model_config = ConfigDict(str_strip_whitespace=False)

    password: SecretStr = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)


class GrantPublic(BaseModel):
    """A role the account holds, in its scope."""

    grant_id: UUID
    role: Role
    class_code: str | None
    year: str | None
    """The school year of the class, as "2026-2027"."""
    student_id: UUID | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def role_name(self) -> str:
        """The role in Russian, for display: "классный руководитель"."""
        return self.role.title_ru

    @classmethod
    def of(cls, grant: Grant) -> GrantPublic:
        return cls(
            grant_id=grant.id,
            role=grant.role,
            class_code=grant.class_code,
            year=url_label(grant.year) if grant.year else None,
            student_id=grant.student_id,
        )


class AccountPublic(BaseModel):
    """An account as the administration sees it (no secrets: those never leave their store)."""

    account_id: UUID
    login: str
    full_name: str
    email: str | None
    roles: list[GrantPublic]
    active: bool
    blocked: bool
    annulled: bool

    @classmethod
    def of(cls, account: Account) -> AccountPublic:
        return cls(
            account_id=account.id,
            login=account.login,
            full_name=account.full_name,
            email=account.email,
            roles=[
                GrantPublic.of(g)
                for g in sorted(account.grants.values(), key=lambda g: (g.role, str(g.id)))
            ],
            active=account.is_active,
            blocked=account.blocked,
            annulled=account.annulled,
        )


class SetPassword(Command):
    """Set an account's password: the secret to the credential store, the fact to the log.

    A command of its own so that a retry with the same Idempotency-Key sets nothing twice; the
    password is a SecretStr, so it never enters the idempotency fingerprint.
    """

    account_id: UUID
    password: SecretStr


class PasswordSetter:
    """The handler of SetPassword over one school's credential store."""

    def __init__(self, credentials: CredentialStore) -> None:
        self.credentials = credentials

    def __call__(self, school: School, actor: Actor, cmd: SetPassword) -> Recorded:
        accounts.require_access_keeper(school, actor, cmd.account_id)
        # A password someone else chose is temporary (Gymnasium 2 §3.2, §5.4): whoever set it
        # knows it, so it opens no session until its holder replaces it with their own.
        temporary = actor.account_id != cmd.account_id
        credential_id = self.credentials.set_password(
            cmd.account_id, cmd.password.get_secret_value(), temporary=temporary
        )
        try:
            return accounts.set_credential(
                school,
                actor,
                accounts.SetCredential(
                    account_id=cmd.account_id,
                    credential_id=credential_id,
                    kind="password",
                    temporary=temporary,
                ),
            )
        except BaseException:
            # A secret the log does not know of must not stay usable.
            self.credentials.revoke(cmd.account_id, credential_id)
            raise


@router.post("/accounts", status_code=201, summary="Create an account")
def register_account(keeper: CurrentAccessKeeper, body: AccountRequest, run: Run) -> RecordedPublic:
    """Create a person's account, without roles or a password yet; the answer carries its
    ``account_id``. The administrator creates any account; a class teacher creates those of
    their class's families, and can then give them only a family role (Lyceum 68 §3.5.6)."""
    return run(accounts.register_account, keeper, accounts.RegisterAccount(**body.model_dump()))


@router.get("/accounts/{account_id}", summary="An account")
def read_account(
    reader: CurrentAdministration, account_id: UUID, school: SchoolApp
) -> AccountPublic:
    """An account's login, name, roles and state, for the deputy, director and administrator."""
    return AccountPublic.of(school.view(Account, account_id, "account"))


@router.post("/accounts/{account_id}/roles", status_code=201, summary="Grant a role")
def grant_role(
    administrator: CurrentAdministrator, account_id: UUID, body: RoleGrantRequest, run: Run
) -> RecordedPublic:
    """Give the account a role in a scope; the answer carries the ``grant_id``."""
    return run(
        accounts.grant_role,
        administrator,
        accounts.GrantRole(account_id=account_id, **body.model_dump()),
    )


@router.post(
    "/accounts/{account_id}/roles/{grant_id}/revocation",
    status_code=201,
    summary="Revoke a role",
)
def revoke_role(
    administrator: CurrentAdministrator,
    account_id: UUID,
    grant_id: UUID,
    body: RoleRevocationRequest,
    run: Run,
) -> RecordedPublic:
    """Take a role away from the account, with the reason."""
    return run(
        accounts.revoke_role,
        administrator,
        accounts.RevokeRole(account_id=account_id, grant_id=grant_id, reason=body.reason),
    )


@router.post("/accounts/{account_id}/blocking", status_code=201, summary="Block an account")
def block_account(
    keeper: CurrentAccessKeeper, account_id: UUID, body: BlockingRequest, run: Run
) -> RecordedPublic:
    """Block the account's access at once (School 117 §10.1): each of its tokens is refused
    from the next request on (problem ``account-inactive``), and revoked if it is unblocked."""
    return run(
        accounts.block_account,
        keeper,
        accounts.BlockAccount(account_id=account_id, reason=body.reason),
    )


@router.post("/accounts/{account_id}/unblocking", status_code=201, summary="Unblock an account")
def unblock_account(
    keeper: CurrentAccessKeeper,
    account_id: UUID,
    body: BlockingRequest,
    session: CurrentSession,
    run: Run,
) -> RecordedPublic:
    """Restore a blocked account's access: it logs in again, and the tokens it held when it was
    blocked stay dead."""
    accounts.require_access_keeper(session.school.app, keeper, account_id)
    if session.school.app.view(Account, account_id, "account").blocked:
        # Revoked before access returns, so no old token works for a moment in between; a
        # blocked account could get no new token (login and API tokens need an active one).
        session.school.credentials.revoke_all(account_id)
    return run(
        accounts.unblock_account,
        keeper,
        accounts.UnblockAccount(account_id=account_id, reason=body.reason),
    )


@router.post("/accounts/{account_id}/annulment", status_code=201, summary="Annul an account")
def annul_account(
    administrator: CurrentAdministrator,
    account_id: UUID,
    body: AnnulmentRequest,
    session: CurrentSession,
    run: Run,
) -> RecordedPublic:
    """End the service to an applicant (School 117 §10): the account is annulled and blocked
    for good, its tokens are revoked at once, and the notice (name, address, service, reason)
    is recorded with the annulment."""
    recorded = run(
        accounts.annul_account,
        administrator,
        accounts.AnnulAccount(account_id=account_id, **body.model_dump(exclude_none=True)),
    )
    session.school.credentials.revoke_all(account_id, passwords=True)
    return recorded


@router.post("/accounts/{account_id}/password", status_code=201, summary="Set a password")
def set_password(
    keeper: CurrentAccessKeeper,
    account_id: UUID,
    body: PasswordRequest,
    session: CurrentSession,
    run: Run,
) -> RecordedPublic:
    """Set the account's password (the previous one stops working); the log records that a
    password was set and by whom, never the password. The answer carries the
    ``credential_id``. Set for someone else, the password is temporary (Gymnasium 2 §3.2,
    §5.4): its holder's login answers 403 ``password-change-required`` until they replace it
    (``POST /auth/password-change``)."""
    return run(
        PasswordSetter(session.school.credentials),
        keeper,
        SetPassword(account_id=account_id, password=body.password),
    )
