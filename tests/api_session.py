"""A logged-in HTTP session on the real app over the scenario school (the API tests' handle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from scenario import World

from ejournal.roles import Actor

PASSWORD = "correct horse battery staple"


class _Tokens(dict[str, str]):
    """Tokens by person; reading one of a person not logged in yet logs them in."""

    def __init__(self, api: Api) -> None:
        super().__init__()
        self.api = api

    def __missing__(self, who: str) -> str:
        return self.api.token(who)


@dataclass
class Api:
    """The running app, the scenario world behind it, and who is logged in.

    A person logs in when a test first acts as them (or reads their token), or when the test
    says so (``sign_in``): a test that counts what the log holds signs a parent or a student in
    first, since their sign-in is an event."""

    client: TestClient
    world: World
    school: str
    tokens: dict[str, str] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    expiry: dict[str, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        tokens = _Tokens(self)
        tokens.update(self.tokens)
        self.tokens = tokens

    def token(self, who: str) -> str:
        """A live token for a person: logged in again, as a client would, once the server's
        clock has moved past the last token's expiry."""
        now = self.world.clock.now()
        expiry = self.expiry.get(who)  # none known for a token a test put in itself
        if who not in self.tokens or (expiry is not None and now >= expiry):
            response = self.login(who)
            assert response.status_code == 200, response.text
            self.tokens[who] = response.json()["access_token"]
            self.expiry[who] = now + timedelta(seconds=response.json()["expires_in"])
        return self.tokens[who]

    def sign_in(self, *people: str) -> None:
        """Log people in now, before a test counts what its requests record: a parent's or a
        student's sign-in is itself an event of the log (Account.SignedIn)."""
        for who in people:
            self.token(who)

    def headers(self, who: str | None, **extra: str) -> dict[str, str]:
        """Authorization for a logged-in person (None: no token at all)."""
        headers = dict(extra)
        if who is not None:
            headers["Authorization"] = f"Bearer {self.token(who)}"
        return headers

    def get(self, path: str, who: str | None, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.headers(who), **kwargs)

    def post(self, path: str, who: str | None, json: Any = None, **headers: str) -> Any:
        return self.client.post(path, json=json, headers=self.headers(who, **headers))

    def login(self, who: str, password: str = PASSWORD) -> Any:
        login = self.world.school.account(self.actors[who].account_id).login
        return self.client.post(
            "/api/v1/auth/token", data={"username": f"{login}@{self.school}", "password": password}
        )
