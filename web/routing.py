"""How a page answers what goes wrong: never problem+json, always a page in Russian.

``WebRoute`` is the route class of every page: a person who is not signed in is sent to the
login page (and back afterwards); a refusal of the core is shown with its Russian sentence and
clause (``rendering.Refusal``); a page whose path names something malformed is missing (404),
like anything out of scope. Storage outages go on to the API's handler (503 with Retry-After),
which also tells the deployment to look for the database.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ejournal import messages
from ejournal.errors import EjournalError, NotFoundError, StorageUnavailableError
from web.rendering import Refusal, render
from web.services import NotAuthenticatedError

SESSION_COOKIE = "ej_session"
ROLE_COOKIE = "ej_role"


class LoginRequiredError(NotAuthenticatedError):
    """A page asked for without a live session: the person is sent to the login page."""


def to_login(request: Request) -> Response:
    """Off to the login page, to come back here afterwards (only for a page, not a form)."""
    back = request.url.path if request.method == "GET" else "/"
    if request.url.query and request.method == "GET":
        back += "?" + request.url.query
    target = f"/login?next={quote(back, safe='')}"
    if request.headers.get("HX-Request"):
        response: Response = Response(status_code=204, headers={"HX-Redirect": target})
    else:
        response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def refusal_page(request: Request, error: EjournalError) -> Response:
    """A refusal as a page of its own (or, for htmx, the fragment to put in place)."""
    refusal = Refusal.of(error)
    template = "refusal_fragment.html" if request.headers.get("HX-Request") else "refusal.html"
    return render(request, template, {"refusal": refusal}, status=refusal.status)


def not_found_page(request: Request) -> Response:
    return refusal_page(request, NotFoundError("no such page"))


def invalid_request_page(request: Request, error: RequestValidationError) -> Response:
    errors = [
        {
            "location": [str(part) for part in e.get("loc", ())],
            "message": messages.validation_message(e.get("type", ""), e.get("ctx")),
        }
        for e in error.errors()
    ]
    if any(e["location"][:1] == ["path"] for e in errors):
        return not_found_page(request)
    refusal = Refusal(
        "invalid-request",
        422,
        "Запрос составлен неверно",
        messages.validation_sentence(errors) or "Запрос составлен неверно.",
    )
    return render(request, "refusal.html", {"refusal": refusal}, status=422)


class WebRoute(APIRoute):
    """A page's route: errors become pages (see the module's docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except NotAuthenticatedError:
                return to_login(request)
            except StorageUnavailableError:
                raise
            except EjournalError as error:
                return refusal_page(request, error)
            except RequestValidationError as error:
                return invalid_request_page(request, error)

        return page
