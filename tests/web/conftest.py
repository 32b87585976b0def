"""Web-tier fixtures: the real service over a copy of a small school, served by uvicorn on a
free port in a thread (a live server a real browser talks to), a real HTTP client for the
non-browser tests, and headless Chromium driven by Playwright.

The school is the scenario world (tests/scenario.py) with mathematics marks given on
3 September, a parent of the first student and everyone's password PASSWORD; built once per
session and copied for each test (tests/templates.py). The clock stands at Monday
7 September 2026, 10:00 at the school: lessons 1 and 2 (mathematics) are held and still open.

Chromium is Debian's (``chromium`` on PATH; ``.ci/run`` installs it): never downloaded by
Playwright. Without it the browser tests skip locally and fail under ``CI=true``, like the
PostgreSQL tests. Screenshots of the main pages go to ``var/screenshots/`` (not committed).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import uvicorn
from api_session import PASSWORD
from fastapi.testclient import TestClient
from scenario import World, build_world
from templates import SqliteTemplate, service_template, sqlite_template
from web_site import MONDAY, Site

from api.app import create_app
from api.deployment import SchoolServices
from ejournal.clock import MovableClock
from ejournal.commands import accounts
from ejournal.roles import Actor, Role
from ejournal.settings import Settings

PEOPLE = ("math", "class_teacher", "deputy", "admin")


def build_web_world(
    services: SchoolServices, clock: MovableClock
) -> tuple[World, dict[str, Actor]]:
    """The scenario world, marks in mathematics on 3 September, a parent of the first student;
    each person with the password PASSWORD."""
    world = build_world(services.app, clock)
    world.give_marks("math", 0, 1, on=date(2026, 9, 3), value="5")
    actors = {name: getattr(world, name) for name in PEOPLE}
    parent_id = accounts.register_account(
        world.school,
        world.admin,
        accounts.RegisterAccount(login="parent0", full_name="Алексеева Ирина Олеговна"),
    ).ids["account_id"]
    world.guardian_account(world.students[0], parent_id, "Алексеева Ирина Олеговна")
    accounts.grant_role(
        world.school,
        world.admin,
        accounts.GrantRole(account_id=parent_id, role=Role.PARENT, student_id=world.students[0]),
    )
    actors["parent"] = Actor(account_id=parent_id, role=Role.PARENT)
    for actor in actors.values():
        credential = services.credentials.set_password(actor.account_id, PASSWORD)
        accounts.set_credential(
            services.app,
            world.admin,
            accounts.SetCredential(
                account_id=actor.account_id, credential_id=credential, kind="password"
            ),
        )
    return world, actors


WEB_SCHOOL = service_template(build_web_world)


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return sqlite_template(tmp_path_factory.mktemp("web-template"), WEB_SCHOOL)


@pytest.fixture
def site(web_template: SqliteTemplate, sqlite_url: str, school_id: str) -> Iterator[Site]:
    """The real app over a copy of the web school (SQLite), its read models followed in a
    thread, the clock at Monday 7 September 10:00."""
    web_template.copy(sqlite_url, school_id)
    template = web_template.template
    settings = Settings(database_url=sqlite_url, school=school_id, password_hashing="cheapest")
    clock = MovableClock(template.now)
    app = create_app(settings.model_copy(update={"projections": "worker"}), clock=clock)
    deployment = app.state.deployment
    services = deployment.school(school_id)
    assert services is not None
    world = template.world_on(services.app, clock)
    services.notary.checkpoint()
    deployment.settings = settings
    services.follow()
    world.at(MONDAY, 10)
    try:
        yield Site(app=app, world=world, school=school_id, actors=dict(template.actors))
    finally:
        deployment.close()


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    """A real HTTP client on the app (no browser), answering redirects itself."""
    with TestClient(site.app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread cannot take signals
        pass


@pytest.fixture
def live(site: Site) -> Iterator[Site]:
    """The site served by uvicorn on a free local port, in a thread."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = _Server(uvicorn.Config(site.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.02)
    site.base_url = f"http://127.0.0.1:{port}"
    try:
        yield site
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; skipped locally without it, a failure in CI."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "no chromium on PATH (apt-get install -y chromium)"
        if _in_ci():
            pytest.fail(f"{message}: CI must run the browser tests")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only where a browser runs)

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def _asset_failed(answer: Any, errors: list[str]) -> None:
    if "/static/" in answer.url and not answer.ok:
        errors.append(f"{answer.url}: {answer.status}")


def _policy_violated(message: Any, errors: list[str]) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        errors.append(message.text)


@pytest.fixture
def page(browser: Any, live: Site) -> Iterator[Any]:
    """A fresh browser context (no cookies) on the live site, 1280 px wide."""
    context = browser.new_context(
        base_url=live.base_url, viewport={"width": 1280, "height": 900}, locale="ru-RU"
    )
    context.set_default_timeout(20_000)  # a shared CI machine is slow at times
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("requestfailed", lambda request: errors.append(f"{request.url}: {request.failure}"))
    tab.on("response", lambda answer: _asset_failed(answer, errors))
    tab.on("console", lambda message: _policy_violated(message, errors))
    try:
        yield tab
    finally:
        context.close()
    # Every script runs without an error and every asset loads from the service itself.
    assert errors == []
