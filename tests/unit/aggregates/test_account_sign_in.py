"""Account.SignedIn: a login of a parent or a student is one event naming who and in which
role, stamped by the server's clock; anything else is refused and emits nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from scenario import World

from ejournal import clock
from ejournal.aggregates.account import Account, AccountError, AccountInactiveError, Grant
from ejournal.commands import accounts
from ejournal.errors import AccessDeniedError
from ejournal.roles import Actor, Role

ADMIN = Actor(account_id=uuid4(), role=Role.ADMINISTRATOR)


def parent_account() -> Account:
    account = Account.register(
        login="parent0", full_name="Алексеева Ирина", email=None, actor=ADMIN
    )
    account.grant(Grant(id=uuid4(), role=Role.PARENT, student_id=uuid4()), ADMIN)
    account.collect_events()
    return account


def test_a_sign_in_is_one_event_with_the_role_and_the_servers_time() -> None:
    account = parent_account()
    moment = datetime(2026, 9, 7, 15, 0, tzinfo=UTC)
    with clock.using(clock.MovableClock(moment)):
        account.sign_in(Actor(account_id=account.id, role=Role.PARENT))
    [event] = account.collect_events()
    assert isinstance(event, Account.SignedIn)
    assert event.actor == Actor(account_id=account.id, role=Role.PARENT)
    assert event.timestamp == moment


def test_a_role_not_held_another_account_or_a_blocked_one_emit_nothing() -> None:
    account = parent_account()
    with pytest.raises(AccessDeniedError):
        account.sign_in(Actor(account_id=account.id, role=Role.STUDENT))
    with pytest.raises(AccountError):
        account.sign_in(Actor(account_id=uuid4(), role=Role.PARENT))
    account.block("утеря пароля", ADMIN)
    account.collect_events()
    with pytest.raises(AccountInactiveError):
        account.sign_in(Actor(account_id=account.id, role=Role.PARENT))
    assert account.collect_events() == []


def test_only_family_logins_are_recorded(world: World) -> None:
    school = world.school
    staff = school.account(world.math.account_id)
    assert accounts.sign_in_role(staff) is None
    with pytest.raises(AccessDeniedError):
        accounts.record_sign_in(
            school, world.math, accounts.RecordSignIn(account_id=world.math.account_id)
        )
    parent_id = accounts.register_account(
        school, world.admin, accounts.RegisterAccount(login="parent0", full_name="Алексеева Ирина")
    ).ids["account_id"]
    world.guardian_account(world.students[0], parent_id, "Алексеева Ирина")
    accounts.grant_role(
        school,
        world.admin,
        accounts.GrantRole(account_id=parent_id, role=Role.PARENT, student_id=world.students[0]),
    )
    # A parent who also teaches signs in as the parent they are.
    accounts.grant_role(
        school, world.admin, accounts.GrantRole(account_id=parent_id, role=Role.TEACHER)
    )
    assert accounts.sign_in_role(school.account(parent_id)) is Role.PARENT
    recorded = accounts.record_sign_in(
        school,
        Actor(account_id=parent_id, role=Role.PARENT),
        accounts.RecordSignIn(account_id=parent_id),
    )
    assert recorded.events == 1
    event = list(school.events.get(parent_id))[-1]
    assert isinstance(event, Account.SignedIn)
    assert event.timestamp == world.clock.now()
