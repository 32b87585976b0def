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


_CONTRAST_SCRIPT = """() => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest(".sr, .skip") || !el.getClientRects().length) continue;
    const fg = rgb(getComputedStyle(el).color).slice(0, 3);
    const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < 4.5) failures.push(`${el.tagName} «${text}» ${ratio.toFixed(2)}`);
  }
  return failures;
}"""


def contrast_failures(tab: Any) -> list[str]:
    """Text on the page whose contrast with its background is under WCAG AA's 4.5:1."""
    failures: list[str] = tab.evaluate(_CONTRAST_SCRIPT)
    return failures
