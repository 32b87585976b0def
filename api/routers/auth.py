"""Login (OAuth2 password flow), logout, one's own password, and API tokens for integrations.

A temporary password (Gymnasium 2 §3.2, §5.4: a new school's first administrator's one-time
password, or one an administrator set for someone) opens no session: logging in with it answers
403 ``password-change-required``, and ``POST /auth/password-change`` (login, temporary password,
new password) replaces it with the person's own.

Failed logins slow the next attempts down by login name *and* client address
(ejournal.credentials.LoginThrottling): from an address that keeps failing, each attempt waits a
growing delay (429 with Retry-After), up to fifteen minutes; failures from other addresses slow a
login down only much later, and never from an address its owner signed in from, so an attacker
never locks the owner out. A missing login is throttled and answered exactly as an existing one.

The client address is the one the ASGI server gives (``request.client``). Behind a reverse
proxy, uvicorn takes it from X-Forwarded-For only for the proxies it trusts: set
``FORWARDED_ALLOW_IPS`` (uvicorn's ``--forwarded-allow-ips``, by default 127.0.0.1 and ::1) to
the proxy's address, or every client looks like the proxy and shares one throttle.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field

from api import problems
from api.dependencies import CurrentSession, DeploymentDep
from api.problems import ApiError, NotAuthenticatedError
from api.schemas.requests import RequestModel
from api.signing_in import SESSION_TTL, open_session, replace_password, self_actor, signed_in
from ejournal.commands import accounts
from ejournal.errors import NotFoundError
from ejournal.roles import Role
from ejournal.text import Label

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (RFC 6750)
    expires_in: int
    """Seconds until the token expires."""
    account_id: UUID
    school: str
    roles: list[Role]


class PasswordChangeRequiredError(ApiError):
    """The password is right but temporary: it opens no session until its holder replaces it
    (Gymnasium 2 §3.2, §5.4)."""

    slug = "password-change-required"
    title = "The temporary password must be changed"
    status = 403


FORM = "application/x-www-form-urlencoded"
LOGIN_EXAMPLES = {
    "login": {
        "summary": "A teacher of the default school",
        "value": {"grant_type": "password", "username": "morozova.ev", "password": "Осень-2026!"},
    },
    "in a school": {
        "summary": "An administrator of the school gym2",
        "value": {"username": "petrova@gym2", "password": "Гимназия № 2, кабинет 31"},
    },
}
"""Examples of the login form (OpenAPI ``examples`` of the request body)."""


@router.post(
    "/token",
    response_model=TokenPublic,
    summary="Log in (OAuth2 password flow)",
    openapi_extra={"requestBody": {"content": {FORM: {"examples": LOGIN_EXAMPLES}}}},
    responses={
        403: {
            **problems.RESPONSES[403],
            "description": "The password is temporary (problem password-change-required):"
            " change it first with POST /api/v1/auth/password-change",
        }
    },
)
def login(
    request: Request,
    deployment: DeploymentDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenPublic:
    """A bearer token for a login and its password. A temporary password (the one-time password
    of a new school's administrator, or one an administrator set) gives no token: the answer is
    403 ``password-change-required``, and ``POST /auth/password-change`` replaces it."""
    name, services, account = signed_in(request, deployment, form.username, form.password)
    if services.credentials.password_is_temporary(account.id):
        raise PasswordChangeRequiredError(
            "the password is temporary: change it before logging in"
            " (POST /api/v1/auth/password-change: login, temporary password, new password)"
        )
    grant = open_session(services, account)
    return TokenPublic(
        access_token=grant.token,
        expires_in=int(SESSION_TTL.total_seconds()),
        account_id=account.id,
        school=name.school,
        roles=sorted(account.roles()),
    )


@router.post("/logout", status_code=204, summary="Revoke the token of this request")
def logout(session: CurrentSession) -> Response:
    session.school.credentials.revoke(session.account.id, session.holder.credential_id)
    return Response(status_code=204)


class PasswordChangeRequest(RequestModel):
    """One's own password, replaced: the current one and the new one."""

    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)
    """At least 10 characters, 5 of them different, not holding the login, not the current
    password."""

    # A password is taken as typed: a space at either end is part of it.
    model_config = ConfigDict(
        str_strip_whitespace=False,
        json_schema_extra={
            "examples": [{"current_password": "Осень-2026!", "new_password": "Журнал 5А, каб. 214"}]
        },
    )


class TemporaryPasswordChangeRequest(PasswordChangeRequest):
    """A temporary password replaced before the first login: who, and both passwords."""

    username: str = Field(max_length=200)
    """As for logging in: ``login`` (in the default school) or ``login@school``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "petrova@gym2",
                    "current_password": "k7Rw-2mQp-9xTz",
                    "new_password": "Гимназия № 2, кабинет 31",
                }
            ]
        }
    )


@router.post("/password", status_code=204, summary="Change one's own password")
def change_password(session: CurrentSession, body: PasswordChangeRequest) -> Response:
    """Replace the password of the calling account; the log records that it was set, by whom."""
    credentials = session.school.credentials
    if not credentials.verify_password(session.account.id, body.current_password):
        raise NotAuthenticatedError("the current password is wrong")
    replace_password(session.school, session.account, body.current_password, body.new_password)
    return Response(status_code=204)


@router.post(
    "/password-change",
    status_code=204,
    summary="Replace a temporary password (before the first login)",
)
def change_temporary_password(
    request: Request, deployment: DeploymentDep, body: TemporaryPasswordChangeRequest
) -> Response:
    """For a person whose password is temporary (``POST /auth/token`` answered 403
    ``password-change-required``): the login, the temporary password and a new one, which is
    not temporary. Refused, and throttled, exactly like a login with a wrong password. Then log
    in with the new password."""
    _, services, account = signed_in(request, deployment, body.username, body.current_password)
    replace_password(services, account, body.current_password, body.new_password)
    return Response(status_code=204)


class ApiTokenRequest(RequestModel):
    label: Label = Field(max_length=100)
    days: int | None = Field(default=365, ge=1, le=3650)
    """How long the token lives; null for no expiry."""


class ApiTokenPublic(BaseModel):
    credential_id: UUID
    label: str | None
    created_at: datetime | None = None
    expires_at: datetime | None
    token: str | None = None
    """The secret: shown once, when the token is made."""


@router.post(
    "/api-tokens", status_code=201, response_model=ApiTokenPublic, summary="Make an API token"
)
def create_api_token(session: CurrentSession, body: ApiTokenRequest) -> ApiTokenPublic:
    ttl = timedelta(days=body.days) if body.days else None
    grant = session.school.credentials.issue(session.account.id, "api_token", ttl, body.label)
    accounts.set_credential(
        session.school.app,
        self_actor(session.account),
        accounts.SetCredential(
            account_id=session.account.id, credential_id=grant.credential_id, kind="api_token"
        ),
    )
    return ApiTokenPublic(
        credential_id=grant.credential_id,
        label=body.label,
        expires_at=grant.expires_at,
        token=grant.token,
    )


@router.get("/api-tokens", response_model=list[ApiTokenPublic], summary="One's API tokens")
def list_api_tokens(session: CurrentSession) -> list[ApiTokenPublic]:
    return [
        ApiTokenPublic.model_validate(row)
        for row in session.school.credentials.api_tokens(session.account.id)
    ]


@router.delete("/api-tokens/{credential_id}", status_code=204, summary="Revoke an API token")
def revoke_api_token(session: CurrentSession, credential_id: UUID) -> Response:
    if not session.school.credentials.revoke(session.account.id, credential_id):
        raise NotFoundError("no such API token")
    accounts.revoke_credential(
        session.school.app,
        self_actor(session.account),
        accounts.RevokeCredential(
            account_id=session.account.id, credential_id=credential_id, reason="revoked by owner"
        ),
    )
    return Response(status_code=204)
