"""The request's context as ``Annotated`` dependencies: who is calling, in which role, on which
school. A route's signature reads like prose: ``def hold(..., teacher: CurrentTeacher)``.

Every route but login and health needs a live bearer token; the account behind it must be active
(blocking and annulment cut it off at once) and must hold the role the route acts in.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from fastapi.security import OAuth2PasswordBearer

from api.deployment import Deployment, SchoolServices
from api.problems import NotAuthenticatedError
from ejournal.aggregates.account import Account, AccountInactiveError
from ejournal.application import School
from ejournal.credentials import TokenHolder, token_school
from ejournal.errors import AccessDeniedError, NotFoundError
from ejournal.roles import ADMINISTRATION, Actor, Role

TOKEN_URL = "/api/v1/auth/token"  # noqa: S105 (a path)
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


# Dependencies that do no I/O are ``async``: a plain ``def`` dependency costs a trip through the
# thread pool on every request.


async def get_deployment(request: Request) -> Deployment:
    deployment: Deployment = request.app.state.deployment
    return deployment


DeploymentDep = Annotated[Deployment, Depends(get_deployment)]


@dataclass(frozen=True)
class Session:
    """An authenticated request: the school, the account, the credential it came with."""

    school: SchoolServices
    account: Account
    holder: TokenHolder


def current_session(
    deployment: DeploymentDep, token: Annotated[str | None, Depends(_bearer)]
) -> Session:
    if not token:
        raise NotAuthenticatedError("this needs a bearer token (POST /api/v1/auth/token)")
    school_id = token_school(token)
    services = deployment.school(school_id) if school_id else None
    holder = services.credentials.holder(token) if services else None
    if services is None or holder is None:
        raise NotAuthenticatedError("the token is unknown, expired or revoked")
    try:
        # Read, never changed: the cached account itself, not a copy. Reading it catches the
        # cache up to the log, so a block recorded by another process cuts this request off,
        # and the request's command need not catch up again (``School.caught_up_by_caller``).
        account = services.app.view(Account, holder.account_id, "account")
    except NotFoundError:
        raise NotAuthenticatedError("the token is unknown, expired or revoked") from None
    if not account.is_active:
        raise AccountInactiveError("this account is blocked or annulled")
    return Session(school=services, account=account, holder=holder)


CurrentSession = Annotated[Session, Depends(current_session)]

WAIT_SECONDS = 5.0
"""How long a read waits for the read models to reach a position it asked for."""


def caught_up(
    session: CurrentSession,
    response: Response,
    after: Annotated[
        int | None,
        Query(
            ge=0,
            description="A log position a command returned: wait (a few seconds at most) until"
            " the read models show it, so a reader sees what was just recorded.",
        ),
    ] = None,
) -> int:
    """Read-your-writes: wait (bounded) for the read models to apply ``after``, and answer the
    position they stand at, which goes back in ``X-Read-Position``."""
    return wait_for_read_models(session, response, after)


def wait_for_read_models(session: Session, response: Response, after: int | None) -> int:
    """The one read-your-writes wait, for a route whose query model carries ``after`` itself
    (the audit trail's); every other read depends on ``ReadPosition``."""
    projector = session.school.projector
    if after is not None:
        projector.wait_for(after, WAIT_SECONDS)
    position = projector.position()
    response.headers["X-Read-Position"] = str(position)
    return position


ReadPosition = Annotated[int, Depends(caught_up)]
"""The log position a read model read is made at, once it has applied the ``after`` asked for."""


async def current_school(session: CurrentSession) -> School:
    return session.school.app


SchoolApp = Annotated[School, Depends(current_school)]


def acting_as(*roles: Role) -> Callable[[Session], Coroutine[Any, Any, Actor]]:
    """A dependency giving the actor in the first of the roles the account holds."""
    names = ", ".join(r.value for r in roles)

    async def actor(session: CurrentSession) -> Actor:
        for role in roles:
            if session.account.holds(role):
                return session.account.act_as(role)
        raise AccessDeniedError(f"this is for: {names}")

    actor.__name__ = f"acting_as_{'_or_'.join(r.value for r in roles)}"
    return actor


CurrentTeacher = Annotated[Actor, Depends(acting_as(Role.TEACHER))]
CurrentClassTeacher = Annotated[Actor, Depends(acting_as(Role.CLASS_TEACHER))]
CurrentDeputy = Annotated[Actor, Depends(acting_as(Role.DEPUTY))]
CurrentAdministrator = Annotated[Actor, Depends(acting_as(Role.ADMINISTRATOR))]
CurrentSecretary = Annotated[Actor, Depends(acting_as(Role.SECRETARY, Role.ADMINISTRATOR))]
CurrentAdministration = Annotated[Actor, Depends(acting_as(*sorted(ADMINISTRATION)))]
CurrentAccessKeeper = Annotated[Actor, Depends(acting_as(Role.ADMINISTRATOR, Role.CLASS_TEACHER))]
"""Who gives and controls access: the administrator, and a class teacher for their class's
families (Lyceum 68 §3.5.6, §3.5.10; the core decides which accounts)."""
CurrentRollKeeper = Annotated[
    Actor, Depends(acting_as(Role.CLASS_TEACHER, Role.SECRETARY, Role.ADMINISTRATOR))
]
"""Who keeps students' personal data, guardians and consent: the class teacher of the
student's class (Lyceum 68 §3.5.2), the secretary and the administrator."""
CurrentRollReader = Annotated[
    Actor,
    Depends(
        acting_as(
            Role.SECRETARY,
            Role.ADMINISTRATOR,
            Role.DEPUTY,
            Role.DIRECTOR,
            Role.CLASS_TEACHER,
            Role.TEACHER,
        )
    ),
]
"""Who reads students' records at all: the roll keepers, the administration, class teachers
(their own class's students only: the core scopes each student), and teachers where the
school's profile grants it (Gymnasium 2 §3.1; the core decides)."""
CurrentFamily = Annotated[Actor, Depends(acting_as(Role.PARENT, Role.STUDENT))]
CurrentReader = Annotated[
    Actor,
    Depends(
        acting_as(
            Role.DEPUTY,
            Role.DIRECTOR,
            Role.ADMINISTRATOR,
            Role.INSPECTOR,
            Role.AUDITOR,
            Role.ARCHIVIST,
            Role.CLASS_TEACHER,
            Role.TEACHER,
            Role.PSYCHOLOGIST,
        )
    ),
]
"""Anyone who may read journals or a class's sheets at all; each read is further scoped to what
they may see."""
CurrentIntegrityReader = Annotated[
    Actor,
    Depends(
        acting_as(
            Role.DEPUTY,
            Role.DIRECTOR,
            Role.ADMINISTRATOR,
            Role.INSPECTOR,
            Role.AUDITOR,
            Role.ARCHIVIST,
        )
    ),
]
"""Who checks the log's integrity (checkpoints, public key, proofs): the administration, and
those who read history or keep the archive; they record nothing."""
