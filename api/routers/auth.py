"""Login (OAuth2 password flow), logout, one's own password, and API tokens for integrations.

Failed logins are counted per account: after five within fifteen minutes the account's login is
refused for the rest of that window (429 with Retry-After), whatever the password.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.dependencies import CurrentSession, DeploymentDep
from api.problems import NotAuthenticatedError, RateLimitedError
from ejournal.aggregates.account import Account
from ejournal.aggregates.identity import account_id as account_id_for
from ejournal.commands import accounts
from ejournal.errors import NotFoundError
from ejournal.roles import Actor, Role
from ejournal.text import Label

router = APIRouter(prefix="/auth", tags=["auth"])

SESSION_TTL = timedelta(hours=12)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (RFC 6750)
    expires_in: int
    """Seconds until the token expires."""
    account_id: UUID
    school: str
    roles: list[Role]


def _split_username(username: str, default_school: str) -> tuple[str, str]:
    """``login`` in the default school, or ``login@school``."""
    login, _, school = username.strip().partition("@")
    return login.lower(), (school or default_school).lower()


@router.post("/token", response_model=TokenPublic, summary="Log in (OAuth2 password flow)")
def login(
    deployment: DeploymentDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenPublic:
    login_name, school_id = _split_username(form.username, deployment.settings.school)
    services = deployment.school(school_id) if school_id.isidentifier() else None
    refused = NotAuthenticatedError("wrong login or password")
    if services is None:
        raise refused
    account: Account | None
    try:
        account = services.app.account(account_id_for(login_name))
    except NotFoundError:
        account = None
    credentials = services.credentials
    if account is not None:
        count, oldest = credentials.failures_since(
            account.id, deployment.clock.now() - FAILURE_WINDOW
        )
        if count >= MAX_FAILURES and oldest is not None:
            retry = int((oldest + FAILURE_WINDOW - deployment.clock.now()).total_seconds()) + 1
            raise RateLimitedError(
                f"too many failed logins for this account; try again in {retry} seconds",
                headers={"Retry-After": str(max(retry, 1))},
            )
    if not credentials.verify_password(account.id if account else None, form.password):
        if account is not None:
            credentials.record_failure(account.id)
        raise refused
    assert account is not None
    if not account.is_active:
        raise refused
    credentials.clear_failures(account.id)
    grant = credentials.issue(account.id, "session", SESSION_TTL)
    family_role = accounts.sign_in_role(account)
    if family_role is not None:
        accounts.record_sign_in(
            services.app,
            account.act_as(family_role),
            accounts.RecordSignIn(account_id=account.id),
        )
    return TokenPublic(
        access_token=grant.token,
        expires_in=int(SESSION_TTL.total_seconds()),
        account_id=account.id,
        school=school_id,
        roles=sorted(account.roles()),
    )


@router.post("/logout", status_code=204, summary="Revoke the token of this request")
def logout(session: CurrentSession) -> Response:
    session.school.credentials.revoke(session.account.id, session.holder.credential_id)
    return Response(status_code=204)


def _self_actor(session: CurrentSession) -> Actor:
    """An account acting on its own credentials, in the first role it holds."""
    role = sorted(session.account.roles())[0]
    return session.account.act_as(role)


class PasswordChangeRequest(BaseModel):
    current_password: str
    new_password: str = Field(min_length=10, max_length=256)


@router.post("/password", status_code=204, summary="Change one's own password")
def change_password(session: CurrentSession, body: PasswordChangeRequest) -> Response:
    credentials = session.school.credentials
    if not credentials.verify_password(session.account.id, body.current_password):
        raise NotAuthenticatedError("the current password is wrong")
    credential_id = credentials.set_password(session.account.id, body.new_password)
    accounts.set_credential(
        session.school.app,
        _self_actor(session),
        accounts.SetCredential(
            account_id=session.account.id, credential_id=credential_id, kind="password"
        ),
    )
    return Response(status_code=204)


class ApiTokenRequest(BaseModel):
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
        _self_actor(session),
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
        _self_actor(session),
        accounts.RevokeCredential(
            account_id=session.account.id, credential_id=credential_id, reason="revoked by owner"
        ),
    )
    return Response(status_code=204)
