"""Every form the web journal accepts is protected against cross-site request forgery: each POST
route of the pages depends on the session's CSRF check (``checked_post``) or, before a session
exists, on the double-submit check of the login forms. A new page whose POST forgot it fails
here, before any browser test would notice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from web import auth
from web.app import PAGES


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _routes(routes: Any) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # a router included in a router
        if included is not None:
            yield from _routes(included.routes)


def test_every_page_post_checks_its_csrf_token() -> None:
    guards = {auth.checked_post, auth.PreSessionChecked.dependency}
    posts = [
        route for router in PAGES for route in _routes(router.routes) if "POST" in route.methods
    ]
    assert len(posts) >= 15  # the pages' forms are found at all
    unguarded = [r.path for r in posts if not guards & set(_calls(r.dependant))]
    assert unguarded == []
