"""The FastAPI application: versioned under /api/v1, OpenAPI at /docs and /redoc, errors as
problem+json."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from api import conditional, problems
from api.deployment import Deployment
from api.json_bodies import UniqueKeysMiddleware
from api.request_limits import RequestLimitsMiddleware, document_url_rule
from api.routers import (
    administration,
    audit,
    auth,
    class_teacher,
    family,
    health,
    history,
    integrity,
    me,
    printouts,
    projections,
    reports,
    secretary,
    teacher,
)
from api.routers.administration.imports import app_import_jobs
from ejournal import messages
from ejournal.aggregates.base import request_id
from ejournal.clock import Clock
from ejournal.settings import Settings
from web.app import install as install_web

API_PREFIX = "/api/v1"


IMPORT_SHUTDOWN_WAIT_SECONDS = 30.0
"""How long a stopping service waits for running imports before closing storage."""


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The service over one deployment's schools."""
    deployment = Deployment(settings or Settings(), clock)

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        yield
        # Imports run in their own threads: let them end before the storage they write closes.
        app_import_jobs(started.state).wait(IMPORT_SHUTDOWN_WAIT_SECONDS)
        deployment.close()

    app = FastAPI(
        title="ejournal",
        version="1",
        summary="Event-sourced electronic class journal and student diary",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load Swagger UI and ReDoc from a CDN: served below
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    app.state.deployment = deployment
    app.state.on_storage_unavailable = deployment.storage_failed
    problems.install(app)
    conditional.install(app)
    # The last added runs first: the request id, so every refusal carries it; then the limits,
    # so an oversized body is refused before the duplicate-key check buffers it.
    app.add_middleware(UniqueKeysMiddleware)
    app.add_middleware(RequestLimitsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    routers = (health, auth, me, teacher, class_teacher, administration, secretary, family)
    for module in (*routers, printouts, reports, audit, history, integrity, projections):
        app.include_router(module.router, prefix=API_PREFIX, responses=problems.RESPONSES)
    # The public log (no login): the key, signed checkpoints and proofs, never an event.
    public = {code: r for code, r in problems.RESPONSES.items() if code not in (401, 403)}
    app.include_router(integrity.public_router, prefix=API_PREFIX, responses=public)
    app.get("/problems/{slug}", include_in_schema=False)(_problem_type)
    _serve_api_docs(app)
    # The web journal's pages at / (web/): over the same deployment, handlers and queries.
    install_web(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def operation_id(route: APIRoute) -> str:
    """A route's ``operationId``: its handler's name ("record_whole_lesson"), which clients'
    generated code is named after. FastAPI's default adds the path and the method, so moving a
    route would rename every client's function; a name stays while the operation does."""
    return route.name


DOCS_ASSETS = "/docs/assets"
REDOC_ASSETS = "/redoc/assets"
REDOC_DIRECTORY = Path(__file__).parent / "static" / "redoc"
"""ReDoc's standalone bundle, vendored from npm (its version and licence: README.md there)."""


def _serve_api_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from the service itself, so they work in a
    school's network without internet (FastAPI's default pages load them, and ReDoc's fonts,
    from CDNs and show a blank page offline). Swagger UI comes from the ``swagger-ui-bundle``
    package, a pinned copy of its release; ReDoc's bundle is vendored in ``api/static/redoc``."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")
    app.mount(REDOC_ASSETS, StaticFiles(directory=REDOC_DIRECTORY), name="redoc-assets")

    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="ejournal API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )

    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="ejournal API",
            redoc_js_url=f"{REDOC_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
            with_google_fonts=False,
        )

    app.get("/docs", include_in_schema=False)(docs)
    app.get("/redoc", include_in_schema=False)(redoc)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with errors documented as what they are: problem+json only."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        for operation in (op for item in schema["paths"].values() for op in item.values()):
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code.startswith(("4", "5")) and problems.MEDIA_TYPE in content:
                    content.pop("application/json", None)
        document_url_rule(schema)
        app.openapi_schema = schema
    return app.openapi_schema


class RequestIdMiddleware:
    """Every event a request records carries its id (``X-Request-ID``, or a new one), and the
    response echoes it. Plain ASGI: Starlette's ``http`` middleware wrapper costs far more."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        rid = given if 0 < len(given) <= 100 and given.isprintable() else uuid.uuid4().hex

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("X-Request-ID", rid)
            await send(message)

        token = request_id.set(rid)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)


def _problem_type(slug: str, request: Request) -> JSONResponse:
    """What a problem type means: the page its ``type`` URI points at (in Russian on asking)."""
    title = problems.PROBLEM_TYPES.get(slug)
    lang = problems.language(request.headers)
    if title is None:
        return problems.problem(
            404, "not-found", "Not found", f"no problem type {slug!r}", lang=lang
        )
    russian = messages.PROBLEMS.get(slug) if lang == "ru" else None
    if russian is not None:
        title = russian.title
    return JSONResponse(
        {"type": problems.TYPE_BASE + slug, "title": title},
        headers={"Content-Language": "ru" if russian else "en", "Vary": "Accept-Language"},
    )
