"""Signing in and out of the web journal, the role one acts in, and a temporary password's
replacement: the same accounts, passwords, throttling and temporary-password rule as the API
(``api.signing_in``), with the session token in a cookie.

The session cookie (``ej_session``) holds the same kind of session token as ``POST
/api/v1/auth/token`` gives: HttpOnly (no script reads it), SameSite=Lax (no other site's form
posts with it), Secure over HTTPS, for the token's twelve hours. Logging out revokes the token
in the credential store, not only the cookie. The role a person with several acts in is the
``ej_role`` cookie, checked against the roles the account holds on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ejournal.aggregates.account import Account
from ejournal.errors import AccessDeniedError, EjournalError, NotFoundError
from ejournal.roles import Actor, Role
from web import csrf
from web.navigation import NavItem, default_role, home_of, navigation_of
from web.rendering import Refusal, render
from web.routing import ROLE_COOKIE, SESSION_COOKIE, LoginRequiredError, WebRoute
from web.services import (
    SESSION_TTL,
    NotAuthenticatedError,
    RateLimitedError,
    Session,
    deployment_of,
    open_session,
    replace_password,
    session_for_token,
    signed_in,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@dataclass(frozen=True)
class WebPage:
    """A signed-in page's request: the session, the role acted in, the navigation, the form
    token."""

    session: Session
    role: Role
    roles: tuple[Role, ...]
    csrf_token: str

    @property
    def account(self) -> Account:
        return self.session.account

    @property
    def actor(self) -> Actor:
        return self.session.account.act_as(self.role)

    @property
    def navigation(self) -> tuple[NavItem, ...]:
        return navigation_of(self.role)


def current_page(request: Request) -> WebPage:
    """The signed-in person of a page; LoginRequiredError sends anyone else to the login."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequiredError("no session cookie")
    session = session_for_token(request, token)
    roles = session.account.roles()
    chosen = request.cookies.get(ROLE_COOKIE, "")
    role = Role(chosen) if chosen in {r.value for r in roles} else default_role(roles)
    if role is None:
        raise AccessDeniedError("the account holds no role")
    page = WebPage(
        session=session,
        role=role,
        roles=tuple(r for r in Role if r in roles),
        csrf_token=csrf.session_token(token),
    )
    request.state.web = page
    return page


CurrentPage = Annotated[WebPage, Depends(current_page)]


async def checked_post(request: Request, page: CurrentPage) -> WebPage:
    """A signed-in person's POST whose CSRF token is the session's (403 otherwise)."""
    csrf.check(page.csrf_token, await csrf.sent_token(request))
    return page


PostedPage = Annotated[WebPage, Depends(checked_post)]


def acting_as(*roles: Role) -> object:
    """A page's dependency: the person, acting in the role they chose when it is one of
    ``roles``, else in the first of ``roles`` they hold (403 for anyone holding none); the core
    scopes what they then see."""

    def page_in_role(request: Request, page: CurrentPage) -> WebPage:
        if page.role in roles:
            return page  # the chosen role is kept: a deputy who also administers stays a deputy
        for role in roles:
            if page.account.holds(role):
                acted = _in_role(page, role)
                request.state.web = acted  # the navigation is the role's the page acts in
                return acted
        raise AccessDeniedError(f"this page is for: {', '.join(r.value for r in roles)}")

    return Depends(page_in_role)


def _in_role(page: WebPage, role: Role) -> WebPage:
    return WebPage(page.session, role, page.roles, page.csrf_token)


# --- the pages ------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this site only (never another host)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _pre_session_form(
    request: Request, template: str, context: dict[str, object], status: int = 200
) -> Response:
    token = request.cookies.get(csrf.PRE_SESSION_COOKIE) or csrf.new_pre_session_token()
    response = render(request, template, {**context, "csrf_token": token}, status=status)
    response.set_cookie(
        csrf.PRE_SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


async def _pre_session_check(request: Request) -> None:
    csrf.check(request.cookies.get(csrf.PRE_SESSION_COOKIE), await csrf.sent_token(request))


PreSessionChecked = Depends(_pre_session_check)


@router.get("/")
def home(page: CurrentPage) -> Response:
    """The chosen role's home page."""
    return RedirectResponse(home_of(page.role), status_code=303)


@router.get("/home")
def common_home(request: Request, page: CurrentPage) -> Response:
    """The home of a role whose pages are still to come."""
    return render(request, "home.html")


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 (the query's name)
    return _pre_session_form(request, "login.html", {"next": _safe_next(next), "login": ""})


@router.post("/login", dependencies=[PreSessionChecked])
def login(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002 (the form's name)
) -> Response:
    """Log in with the API's rules; a temporary password leads to its replacement instead."""
    form = {"next": _safe_next(next), "login": username}
    try:
        _, services, account = signed_in(request, deployment_of(request), username, password)
    except (NotAuthenticatedError, RateLimitedError) as error:
        fields = {"retry_after": error.headers["Retry-After"]} if error.headers else {}
        refusal = Refusal.of(error, fields)
        if isinstance(error, NotAuthenticatedError):
            refusal = Refusal(
                error.slug, 401, "Неверный логин или пароль", "Неверный логин или пароль."
            )
        return _pre_session_form(
            request, "login.html", {**form, "refusal": refusal}, refusal.status
        )
    if services.credentials.password_is_temporary(account.id):
        return RedirectResponse(
            f"/password-change?login={quote(username, safe='')}", status_code=303
        )
    grant = open_session(services, account)
    response = RedirectResponse(form["next"], status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        grant.token,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(ROLE_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(page: PostedPage) -> Response:
    """Revoke the session's token (the cookie alone would not end it) and forget the cookies."""
    session = page.session
    session.school.credentials.revoke(session.account.id, session.holder.credential_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(ROLE_COOKIE, path="/")
    return response


@router.post("/role")
def switch_role(request: Request, page: PostedPage, role: Annotated[str, Form()]) -> Response:
    """Act in another of one's roles; a role the account does not hold is refused."""
    if role not in {r.value for r in page.roles}:
        raise NotFoundError("no such role of this account")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        ROLE_COOKIE,
        role,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.get("/password-change")
def password_change_form(request: Request, login: str = "") -> Response:
    """A temporary password's replacement (Gymnasium 2 §3.2, §5.4), before the first login."""
    return _pre_session_form(request, "password_change.html", {"login": login, "done": False})


@router.post("/password-change", dependencies=[PreSessionChecked])
def change_temporary_password(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    current_password: Annotated[str, Form(max_length=256)],
    new_password: Annotated[str, Form(max_length=256)],
    repeated_password: Annotated[str, Form(max_length=256)],
) -> Response:
    """Replace a temporary password as ``POST /api/v1/auth/password-change`` does: refused and
    throttled like a login with a wrong password; then log in with the new one."""
    context: dict[str, object] = {"login": username, "done": False}
    try:
        if new_password != repeated_password:
            refusal = Refusal(
                "password-mismatch",
                422,
                "Пароли не совпадают",
                "Новый пароль и его повтор не совпадают.",
            )
            return _pre_session_form(
                request, "password_change.html", {**context, "refusal": refusal}, 422
            )
        _, services, account = signed_in(
            request, deployment_of(request), username, current_password
        )
        replace_password(services, account, current_password, new_password)
    except EjournalError as error:
        refusal = Refusal.of(error)
        if isinstance(error, NotAuthenticatedError):
            refusal = Refusal(
                error.slug, 401, "Неверный логин или пароль", "Неверный логин или временный пароль."
            )
        return _pre_session_form(
            request, "password_change.html", {**context, "refusal": refusal}, refusal.status
        )
    return _pre_session_form(request, "password_change.html", {**context, "done": True})
