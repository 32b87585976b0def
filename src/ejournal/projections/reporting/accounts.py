"""The facts of accounts: names, family access, sign-ins."""

from __future__ import annotations

from ejournal.aggregates.account import Account
from ejournal.projections.read_model import Handlers
from ejournal.projections.reporting.schema import instant
from ejournal.projections.writes import Writes
from ejournal.roles import Role

FAMILY_ROLES = (Role.PARENT, Role.STUDENT)


HANDLERS: Handlers[Writes] = Handlers()
_on = HANDLERS.on


# --- accounts: names, family access, sign-ins ---------------------------------------------------


@_on(Account.Registered)
def _account_registered(e: Account.Registered, _position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO rpt_accounts (account_id, full_name) VALUES (%(account_id)s, %(full_name)s)
        ON CONFLICT (account_id) DO UPDATE SET full_name = excluded.full_name""",
        account_id=str(e.originator_id),
        full_name=e.full_name,
    )


@_on(Account.RoleGranted)
def _role_granted(e: Account.RoleGranted, _position: int, w: Writes) -> None:
    grant = e.grant
    if grant.role not in FAMILY_ROLES or grant.student_id is None:
        return
    w.add(
        """INSERT INTO rpt_family_grants (grant_id, account_id, role, student_id, granted_at,
            revoked_at)
        VALUES (%(grant_id)s, %(account_id)s, %(role)s, %(student_id)s, %(granted_at)s, NULL)
        ON CONFLICT (grant_id) DO UPDATE SET account_id = excluded.account_id,
            role = excluded.role, student_id = excluded.student_id,
            granted_at = excluded.granted_at""",
        grant_id=str(grant.id),
        account_id=str(e.originator_id),
        role=grant.role.value,
        student_id=str(grant.student_id),
        granted_at=instant(e.timestamp),
    )


@_on(Account.RoleRevoked)
def _role_revoked(e: Account.RoleRevoked, _position: int, w: Writes) -> None:
    w.add(
        """UPDATE rpt_family_grants SET revoked_at = %(at)s
        WHERE grant_id = %(grant_id)s AND revoked_at IS NULL""",
        grant_id=str(e.grant_id),
        at=instant(e.timestamp),
    )


@_on(Account.Annulled)
def _annulled(e: Account.Annulled, _position: int, w: Writes) -> None:
    # An annulled account has no access any more (School 117 §10): its family grants end.
    w.add(
        """UPDATE rpt_family_grants SET revoked_at = %(at)s
        WHERE account_id = %(account_id)s AND revoked_at IS NULL""",
        account_id=str(e.originator_id),
        at=instant(e.timestamp),
    )


@_on(Account.SignedIn)
def _signed_in(e: Account.SignedIn, position: int, w: Writes) -> None:
    w.add(
        """INSERT INTO rpt_sign_ins (position, account_id, role, signed_in_at)
        VALUES (%(position)s, %(account_id)s, %(role)s, %(at)s)
        ON CONFLICT (position) DO NOTHING""",
        position=position,
        account_id=str(e.originator_id),
        role=e.actor.role.value,
        at=instant(e.timestamp),
    )
