"""Signing in, as the API's login and the web journal's both do it: one implementation of the
throttled password check, of the session a login opens and of one's own new password.

Failed logins slow the next attempts down by login name *and* client address
(ejournal.credentials.LoginThrottling); a missing login is throttled and answered exactly as an
existing one. Not a router: ``api.routers.auth`` and ``web.auth`` call these functions, so the
pages and the API cannot drift apart on who may sign in.
"""

from __future__ import annotations

import math
from datetime import timedelta

from starlette.requests import Request

from api.deployment import Deployment, SchoolServices
from api.problems import NotAuthenticatedError, RateLimitedError
from ejournal.aggregates.account import Account
from ejournal.aggregates.identity import account_id as account_id_for
from ejournal.commands import accounts
from ejournal.credentials import LoginName, TokenGrant, check_new_password, parse_username
from ejournal.errors import AccessDeniedError, NotFoundError
from ejournal.roles import Actor

SESSION_TTL = timedelta(hours=12)


def signed_in(
    request: Request, deployment: Deployment, username: str, password: str
) -> tuple[LoginName, SchoolServices, Account]:
    """The account a login and password open, throttled by login name and client address; a
    missing login, a wrong password and an inactive account are refused alike."""
    name = parse_username(username, deployment.settings.school)
    services = deployment.school(name.school) if name is not None else None
    refused = NotAuthenticatedError("wrong login or password")
    if name is None or services is None:
        raise refused
    credentials = services.credentials
    address = client_address(request)
    wait = credentials.begin_login(name.login, address)
    if wait is not None:
        seconds = math.ceil(wait.total_seconds())
        raise RateLimitedError(
            f"too many failed logins; try again in {seconds} second{'' if seconds == 1 else 's'}",
            headers={"Retry-After": str(seconds)},
        )
    account: Account | None
    try:
        account = services.app.account(account_id_for(name.login))
    except NotFoundError:
        account = None
    # Verified even for a missing login (against a dummy hash): the same work, the same answer.
    verified = credentials.verify_password(account.id if account else None, password)
    if account is None or not verified or not account.is_active:
        raise refused
    credentials.login_succeeded(name.login, address)
    return name, services, account


def client_address(request: Request) -> str:
    """The client's address as the ASGI server reports it (behind a proxy, the address in
    X-Forwarded-For only when the server trusts that proxy: FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client and request.client.host else "unknown"


def open_session(services: SchoolServices, account: Account) -> TokenGrant:
    """A session token for an account that has signed in with its own (not a temporary)
    password; a parent's or a student's sign-in is recorded in the log (the family's activity
    the class teacher follows)."""
    grant = services.credentials.issue(account.id, "session", SESSION_TTL)
    family_role = accounts.sign_in_role(account)
    if family_role is not None:
        accounts.record_sign_in(
            services.app,
            account.act_as(family_role),
            accounts.RecordSignIn(account_id=account.id),
        )
    return grant


def self_actor(account: Account) -> Actor:
    """An account acting on its own credentials, in the first role it holds."""
    roles = sorted(account.roles())
    if not roles:
        raise AccessDeniedError(
            "У учётной записи нет ни одной роли: пароль ей задаёт администратор."
        )
    return account.act_as(roles[0])


def replace_password(
    services: SchoolServices, account: Account, current_password: str, new_password: str
) -> None:
    """Set the account's own new password (never temporary), after checking its strength, and
    record that it was set; the secret stays in the credential store."""
    check_new_password(new_password, login=account.login, current=current_password)
    actor = self_actor(account)
    credential_id = services.credentials.set_password(account.id, new_password)
    accounts.set_credential(
        services.app,
        actor,
        accounts.SetCredential(account_id=account.id, credential_id=credential_id, kind="password"),
    )
