"""The web journal mounted on the service: its pages at ``/``, its assets at ``/static``.

``api.app.create_app`` calls ``install``; the pages share the app's deployment, middleware and
clock. A path no route knows answers a Russian 404 page to a browser (a request that accepts
HTML outside ``/api``), and problem+json to everyone else, as before.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from web import auth
from web.pages import administration, audit, class_teacher, deputy, family, inspector, teacher
from web.routing import not_found_page

STATIC = Path(__file__).parent / "static"
"""htmx (vendored from npm, 0BSD licence: static/README.md), the stylesheet and the grid's
keyboard script: every asset is served by the service itself."""

PAGES = (
    auth.router,
    family.router,
    teacher.router,
    class_teacher.router,
    deputy.router,
    audit.router,
    inspector.router,
    administration.router,
)


def install(app: FastAPI) -> None:
    """Mount the pages, their assets and the HTML 404 on ``app``."""
    for router in PAGES:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="web-static")
    api_handler = app.exception_handlers[StarletteHTTPException]

    async def not_found(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if error.status_code == 404 and _wants_page(request):
            return not_found_page(request)
        response: Response = await _call(api_handler, request, error)
        return response

    app.add_exception_handler(StarletteHTTPException, not_found)


def _wants_page(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(("/api/", "/problems/", "/docs", "/redoc", "/openapi.json")) and (
        "text/html" in request.headers.get("accept", "")
    )


async def _call(handler: object, request: Request, error: Exception) -> Response:
    result = handler(request, error)  # type: ignore[operator]
    if hasattr(result, "__await__"):
        result = await result
    assert isinstance(result, Response)
    return result
