"""The server's clock: the only source of "now" for recorded times and deadlines.

Every recorded time is the server's, never the client's. Commands run under the clock of their
application, so tests can move time without patching anything.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current server time, timezone-aware (UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(tz=UTC)


class MovableClock:
    """A clock that stands still until told to move: for tests, demos and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a movable clock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the clock is set to a timezone-aware moment")
        with self._lock:
            self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta


_current: ContextVar[Clock] = ContextVar("ejournal_clock", default=SystemClock())  # noqa: B039 (stateless)


def now() -> datetime:
    """The current server time under the clock in force."""
    return _current.get().now()


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Run a block (a command, a test) under the given clock."""
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)
