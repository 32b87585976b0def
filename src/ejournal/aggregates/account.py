"""Account: a person's access to one school's journal, with roles, scopes and state.

Secrets (password and token hashes) are not journal facts and never enter the log; the log
records only that a credential was set or revoked, and by whom (DESIGN.md §3). Blocking and
annulment cut an account off at once; annulment records the notification School 117 §10 requires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import event

from ejournal.aggregates.base import Aggregate, AggregateSnapshot, SnapshotState, Value
from ejournal.aggregates.identity import account_id as account_id_for
from ejournal.errors import AccessDeniedError, InvariantError, NotFoundError
from ejournal.roles import READ_ONLY_ROLES, Actor, Role


class AccountError(InvariantError):
    """A change to an account contradicts its state."""

    slug = "account-invariant"


class AccountInactiveError(AccessDeniedError):
    """A blocked or annulled account gets nothing (School 117 §10)."""

    slug = "account-inactive"
    title = "The account is blocked or annulled"
    status = 401


class Grant(Value):
    """One role held in one scope.

    A class teacher's scope is a class of one school year: a class code names a different class
    every year (DESIGN.md §5: last year's class teacher of 5А does not read this year's 5А). A
    parent's or a student's scope is a student, across years. A subject teacher holds no scope
    here: the journals they teach list them (ClassJournal.teachers).
    """

    id: UUID
    role: Role
    class_code: str | None = None
    year: str | None = None
    """The school year of the class ("2026/2027"); given exactly when ``class_code`` is."""
    student_id: UUID | None = None


def year_granted_in(recorded_at: datetime) -> str:
    """The school year a class scope recorded at a moment without a year was meant for.

    For grants recorded before grants named their year. A school year runs from September to
    August, but its staff are appointed over the summer before it (the demo and the scenarios
    set a year up in late August): a grant recorded from 1 June on is taken for the year that
    starts that September, one recorded before for the year under way.
    """
    start = recorded_at.year if recorded_at.month >= 6 else recorded_at.year - 1
    return f"{start}/{start + 1}"


def _name_the_year(grant: dict[str, Any], recorded_at: str) -> None:
    """Upcast a stored grant (its JSON form) that has a class but no year."""
    if grant.get("class_code") is not None and grant.get("year") is None:
        grant["year"] = year_granted_in(datetime.fromisoformat(recorded_at))


class AnnulmentNotice(Value):
    """The notification sent when the service ends for an applicant (School 117 §10.2)."""

    full_name: str
    address: str
    service: str
    reason: str


class Account(Aggregate):
    """A person's account in one school."""

    class State(SnapshotState):
        login: str
        full_name: str
        email: str | None
        grants: dict[UUID, Grant]
        credentials: dict[UUID, str]
        blocked: bool
        annulled: bool

    class Snapshot(AggregateSnapshot):
        state: Account.State

        # Version 2: grants name their school year. A version-1 snapshot's class grants get
        # the year of the snapshot's own time: the time of each grant is not in a snapshot.
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            for grant in state["state"].get("grants", {}).values():
                _name_the_year(grant, state["timestamp"])

    class Registered(Aggregate.Created):
        """An administrator created an account."""

        login: str
        full_name: str
        email: str | None
        actor: Actor

    class RoleGranted(Aggregate.Event):
        """The account holds a role in a scope."""

        grant: Grant
        actor: Actor

        # Version 2: a class scope names its school year. Events are never rewritten, so a
        # version-1 event is upcast as it is read (eventsourcing's class_version and
        # upcast_v1_v2, applied by our PydanticMapper): its year is derived from the time it
        # was recorded (year_granted_in).
        class_version: ClassVar[int] = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            _name_the_year(state["grant"], state["timestamp"])

    class RoleRevoked(Aggregate.Event):
        """A role was taken away."""

        grant_id: UUID
        reason: str
        actor: Actor

    class Blocked(Aggregate.Event):
        """Access was blocked (School 117 §10.1)."""

        reason: str
        actor: Actor

    class Unblocked(Aggregate.Event):
        reason: str
        actor: Actor

    class Annulled(Aggregate.Event):
        """The account was annulled and the applicant notified (School 117 §10)."""

        reason: str
        notice: AnnulmentNotice
        actor: Actor

    class CredentialSet(Aggregate.Event):
        """A password or an API token was set; the secret itself is kept outside the log."""

        credential_id: UUID
        kind: str
        actor: Actor
        temporary: bool = False
        """A temporary password (Gymnasium 2 §3.2, §5.4): its holder must replace it before it
        opens a session. Events from before temporary passwords read as False."""

    class CredentialRevoked(Aggregate.Event):
        credential_id: UUID
        reason: str
        actor: Actor

    class SignedIn(Aggregate.Event):
        """The person signed in (logged in with their password), in the role the actor names.

        A fact for the report on parents' and students' use of the journal (School 77 §4.3.11,
        §4.6.6; Lyceum 68 §3.4.6); one per login, never one per request. Nothing secret.
        """

        actor: Actor

    @staticmethod
    def create_id(login: str, **_: object) -> UUID:
        return account_id_for(login)

    @classmethod
    def register(cls, *, login: str, full_name: str, email: str | None, actor: Actor) -> Account:
        login = login.strip().lower()
        if not login or any(ch.isspace() for ch in login):
            raise AccountError(
                "a login is one word without spaces", invariant="account.login_has_spaces"
            )
        if not full_name.strip():
            raise AccountError(
                "an account needs the person's full name", invariant="account.full_name_missing"
            )
        return cls(login=login, full_name=full_name.strip(), email=email, actor=actor)

    @event(Registered)
    def __init__(self, *, login: str, full_name: str, email: str | None, actor: Actor) -> None:
        self.login = login
        self.full_name = full_name
        self.email = email
        self.grants: dict[UUID, Grant] = {}
        self.credentials: dict[UUID, str] = {}
        self.blocked = False
        self.annulled = False

    # --- queries --------------------------------------------------------------------------

    @property
    def is_active(self) -> bool:
        return not (self.blocked or self.annulled)

    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants.values())

    def holds(self, role: Role) -> bool:
        return any(g.role is role for g in self.grants.values())

    def classes_led(self) -> frozenset[tuple[str, str]]:
        """The classes this account is class teacher of, as (school year, class code)."""
        return frozenset(
            (g.year, g.class_code)
            for g in self.grants.values()
            if g.role is Role.CLASS_TEACHER and g.class_code is not None and g.year is not None
        )

    def leads(self, year: str, class_code: str) -> bool:
        """Whether this account is class teacher of a class in a school year."""
        return (year, class_code) in self.classes_led()

    def counsels(self, year: str, class_code: str) -> bool:
        """Whether this account is the psychologist assigned to a class in a school year."""
        return any(
            g.role is Role.PSYCHOLOGIST and g.year == year and g.class_code == class_code
            for g in self.grants.values()
        )

    def students_followed(self) -> frozenset[UUID]:
        """The children of a parent, or the student themself."""
        return frozenset(
            g.student_id
            for g in self.grants.values()
            if g.role in (Role.PARENT, Role.STUDENT) and g.student_id is not None
        )

    def act_as(self, role: Role) -> Actor:
        """The actor this account is when acting in a role it holds; refuses otherwise."""
        if not self.is_active:
            raise AccountInactiveError("this account is blocked or annulled")
        if not self.holds(role):
            raise AccessDeniedError(f"this account does not hold the role {role.value!r}")
        return Actor(account_id=self.id, role=role)

    # --- commands -------------------------------------------------------------------------

    def grant(self, grant: Grant, actor: Actor) -> None:
        self._check_not_annulled()
        if grant.role is Role.CLASS_TEACHER and grant.class_code is None:
            raise AccountError(
                "a class teacher's role names the class",
                invariant="account.class_teacher_needs_class",
            )
        if grant.role is Role.PSYCHOLOGIST and grant.class_code is None:
            raise AccountError(
                "a psychologist's role names the class they work with",
                invariant="account.psychologist_needs_class",
            )
        if (grant.class_code is None) != (grant.year is None):
            raise AccountError(
                "a role's class and its school year are named together",
                invariant="account.class_and_year_together",
            )
        if grant.role in (Role.PARENT, Role.STUDENT) and grant.student_id is None:
            raise AccountError(
                f"a {grant.role.value}'s role names the student",
                invariant="account.role_needs_student",
            )
        if grant.role in READ_ONLY_ROLES and grant.class_code is not None:
            raise AccountError(
                f"a {grant.role.value}'s role has no class scope",
                invariant="account.role_has_no_class_scope",
            )
        if grant.role is Role.STUDENT and any(g.role is Role.STUDENT for g in self.grants.values()):
            raise AccountError(
                "a student account belongs to one student",
                invariant="account.student_account_one_student",
            )
        for held in self.grants.values():
            if held.model_dump(exclude={"id"}) == grant.model_dump(exclude={"id"}):
                raise AccountError(
                    "the account already holds this role in this scope",
                    invariant="account.role_already_held",
                )
        self._role_granted(grant=grant, actor=actor)

    @event(RoleGranted)
    def _role_granted(self, grant: Grant, actor: Actor) -> None:
        self.grants[grant.id] = grant

    def revoke(self, grant_id: UUID, reason: str, actor: Actor) -> None:
        self._check_not_annulled()
        if grant_id not in self.grants:
            raise NotFoundError("the account holds no such role")
        _require_reason(reason)
        self._role_revoked(grant_id=grant_id, reason=reason, actor=actor)

    @event(RoleRevoked)
    def _role_revoked(self, grant_id: UUID, reason: str, actor: Actor) -> None:
        del self.grants[grant_id]

    def block(self, reason: str, actor: Actor) -> None:
        self._check_not_annulled()
        if self.blocked:
            raise AccountError(
                "the account is already blocked", invariant="account.already_blocked"
            )
        _require_reason(reason)
        self._blocked(reason=reason, actor=actor)

    @event(Blocked)
    def _blocked(self, reason: str, actor: Actor) -> None:
        self.blocked = True

    def unblock(self, reason: str, actor: Actor) -> None:
        self._check_not_annulled()
        if not self.blocked:
            raise AccountError("the account is not blocked", invariant="account.not_blocked")
        _require_reason(reason)
        self._unblocked(reason=reason, actor=actor)

    @event(Unblocked)
    def _unblocked(self, reason: str, actor: Actor) -> None:
        self.blocked = False

    def annul(self, reason: str, notice: AnnulmentNotice, actor: Actor) -> None:
        """End the service: annul the login, block access, record the notice (School 117 §10.1)."""
        self._check_not_annulled()
        _require_reason(reason)
        self._annulled(reason=reason, notice=notice, actor=actor)

    @event(Annulled)
    def _annulled(self, reason: str, notice: AnnulmentNotice, actor: Actor) -> None:
        self.annulled = True
        self.blocked = True
        self.credentials.clear()

    def set_credential(
        self, credential_id: UUID, kind: str, actor: Actor, *, temporary: bool = False
    ) -> None:
        self._check_not_annulled()
        if kind not in ("password", "api_token"):
            raise AccountError(
                f"unknown credential kind {kind!r}", invariant="account.credential_kind_unknown"
            )
        if temporary and kind != "password":
            raise AccountError(
                "only a password can be temporary", invariant="account.only_password_temporary"
            )
        self._credential_set(
            credential_id=credential_id, kind=kind, actor=actor, temporary=temporary
        )

    @event(CredentialSet)
    def _credential_set(
        self, credential_id: UUID, kind: str, actor: Actor, temporary: bool = False
    ) -> None:
        if kind == "password":
            for cid in [c for c, k in self.credentials.items() if k == "password"]:
                del self.credentials[cid]
        self.credentials[credential_id] = kind

    def revoke_credential(self, credential_id: UUID, reason: str, actor: Actor) -> None:
        if credential_id not in self.credentials:
            raise NotFoundError("no such credential")
        _require_reason(reason)
        self._credential_revoked(credential_id=credential_id, reason=reason, actor=actor)

    @event(CredentialRevoked)
    def _credential_revoked(self, credential_id: UUID, reason: str, actor: Actor) -> None:
        del self.credentials[credential_id]

    def sign_in(self, actor: Actor) -> None:
        """Record a login of this account's person in a role they hold."""
        if actor.account_id != self.id:
            raise AccountError(
                "a sign-in is recorded for the account that signed in",
                invariant="account.sign_in_of_other_account",
            )
        self.act_as(actor.role)
        self._signed_in(actor=actor)

    @event(SignedIn)
    def _signed_in(self, actor: Actor) -> None:
        """Nothing of the account changes: the event itself is the record."""

    def _check_not_annulled(self) -> None:
        if self.annulled:
            raise AccountError(
                "the account is annulled; nothing more can change on it",
                invariant="account.annulled",
            )


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise AccountError("this change needs a reason", invariant="change.reason_missing")
