"""The rows of accounts' changes: registration, roles, blocking, credentials."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ejournal.aggregates.account import Account, Grant
from ejournal.projections.audit_trail.batch import Batch
from ejournal.projections.audit_trail.kinds import AuditKind
from ejournal.projections.audit_trail.memory import account_key
from ejournal.projections.read_model import Handler, Handlers

HANDLERS: Handlers[Batch] = Handlers()
_on = HANDLERS.on


def _grant(grant: Grant) -> str:
    scope = grant.class_code or (str(grant.student_id) if grant.student_id else "")
    year = f" {grant.year}" if grant.year else ""
    return f"{grant.role.value} {scope}{year}".strip()


# --- accounts -----------------------------------------------------------------------------------


def _about_account(b: Batch, position: int, kind: AuditKind, e: Any, **fields: Any) -> None:
    b.row(position, kind, e, **({"account_id": e.originator_id} | fields))


def _account_state(b: Batch, account_id: UUID) -> str:
    known = b.memory.get(account_key(account_id)) or {}
    return str(known.get("state", "active"))


@_on(Account.Registered)
def _registered(e: Account.Registered, position: int, b: Batch) -> None:
    b.memory.put(account_key(e.originator_id), {"name": e.full_name, "state": "active"})
    _about_account(
        b, position, AuditKind.ACCOUNT_REGISTERED, e, value_after=e.full_name, note=e.login
    )


@_on(Account.RoleGranted)
def _role_granted(e: Account.RoleGranted, position: int, b: Batch) -> None:
    grant = e.grant
    b.memory.put(
        f"grant/{grant.id}",
        {
            "grant": _grant(grant),
            "class_code": grant.class_code,
            "year": grant.year,
            "student_id": str(grant.student_id) if grant.student_id else None,
        },
    )
    _about_account(
        b,
        position,
        AuditKind.ROLE_GRANTED,
        e,
        class_code=grant.class_code,
        year=grant.year,
        student_id=grant.student_id,
        value_after=_grant(grant),
    )


@_on(Account.RoleRevoked)
def _role_revoked(e: Account.RoleRevoked, position: int, b: Batch) -> None:
    known = b.memory.get(f"grant/{e.grant_id}") or {}
    _about_account(
        b,
        position,
        AuditKind.ROLE_REVOKED,
        e,
        class_code=known.get("class_code"),
        year=known.get("year"),
        student_id=known.get("student_id"),
        value_before=known.get("grant"),
        reason=e.reason,
    )


def _state_change(kind: AuditKind, state: str) -> Handler[Batch]:
    def handle(e: Any, position: int, b: Batch) -> None:
        before = _account_state(b, e.originator_id)
        b.memory.update(account_key(e.originator_id), state=state)
        _about_account(
            b, position, kind, e, value_before=before, value_after=state, reason=e.reason
        )

    return handle


_on(Account.Blocked)(_state_change(AuditKind.ACCOUNT_BLOCKED, "blocked"))
_on(Account.Unblocked)(_state_change(AuditKind.ACCOUNT_UNBLOCKED, "active"))
_on(Account.Annulled)(_state_change(AuditKind.ACCOUNT_ANNULLED, "annulled"))


@_on(Account.CredentialSet)
def _credential_set(e: Account.CredentialSet, position: int, b: Batch) -> None:
    note = "временный пароль: сменить при первом входе" if e.temporary else None
    _about_account(b, position, AuditKind.CREDENTIAL_SET, e, value_after=e.kind, note=note)


@_on(Account.CredentialRevoked)
def _credential_revoked(e: Account.CredentialRevoked, position: int, b: Batch) -> None:
    _about_account(b, position, AuditKind.CREDENTIAL_REVOKED, e, reason=e.reason)
