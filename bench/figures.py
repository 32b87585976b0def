"""What one benchmark run reports: figures next to their targets, written as Markdown and JSON.

A figure whose capability is not built, or whose measurement failed, is still reported, with
its state spelled out, so a run never hides what it did not measure.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

State = Literal["measured", "not built", "failed", "skipped"]


@dataclass(frozen=True)
class Target:
    """A performance bar: ``value`` with ``at_least`` (a rate) or not (a time), and its anchor."""

    value: float
    at_least: bool
    anchor: str
    """Where the bar comes from: "DESIGN.md §10", "issue 7"."""

    def met_by(self, value: float) -> bool:
        return value >= self.value if self.at_least else value < self.value

    def text(self, unit: str) -> str:
        sign = "≥" if self.at_least else "<"
        return f"{sign} {_number(self.value)} {unit} ({self.anchor})".replace("  ", " ")


@dataclass(frozen=True)
class Figure:
    """One measured quantity of one backend."""

    section: str
    what: str
    backend: str
    value: float | None
    unit: str
    target: Target | None = None
    state: State = "measured"
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None or math.isnan(self.value):
            return None
        return self.target.met_by(self.value)

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["met"] = self.met
        return data


def not_built(section: str, what: str, reason: str) -> Figure:
    return Figure(section, what, "—", None, "", state="not built", note=reason)


def failed(section: str, what: str, backend: str, error: BaseException) -> Figure:
    return Figure(section, what, backend, None, "", state="failed", note=f"{error!r}"[:300])


def _number(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def markdown(figures: list[Figure]) -> str:
    """The figures as Markdown tables, one per section, in the order they were measured."""
    lines: list[str] = []
    sections = list(dict.fromkeys(f.section for f in figures))
    for section in sections:
        lines += [f"### {section}", "", "| what | backend | figure | target | met |"]
        lines.append("|---|---|---:|---|---|")
        for f in (f for f in figures if f.section == section):
            if f.state != "measured" or f.value is None:
                shown = f"*{f.state}*"
            else:
                shown = f"{_number(f.value)} {f.unit}".strip()
            target = f.target.text(f.unit) if f.target else ""
            met = {True: "yes", False: "**no**", None: ""}[f.met]
            what = f"{f.what} — {f.note}" if f.note else f.what
            lines.append(f"| {what} | {f.backend} | {shown} | {target} | {met} |")
        lines.append("")
    return "\n".join(lines)
