"""The web tier's handle on a running site: its app, world, people and address, and what a
browser test does on every page (log in, keep a screenshot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from api_session import PASSWORD
from fastapi import FastAPI
from scenario import World

from ejournal.roles import Actor

SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
MONDAY = date(2026, 9, 7)


@dataclass
class Site:
    """The running service over this test's school: its app, world, people and clock."""

    app: FastAPI
    world: World
    school: str
    actors: dict[str, Actor]
    base_url: str = ""

    def login_of(self, who: str) -> str:
        return f"{self.world.school.account(self.actors[who].account_id).login}@{self.school}"

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        self.world.at(day, hour, minute)

    def ids(self) -> dict[str, Any]:
        return {"journals": self.world.journals, "students": self.world.students}


def screenshot(tab: Any, name: str) -> None:
    """Keep a picture of a main page (var/screenshots/, not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(tab: Any, site: Site, who: str) -> None:
    tab.goto("/login")
    tab.fill("#username", site.login_of(who))
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_load_state()
