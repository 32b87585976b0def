"""The keyset cursor of the audit trail's pages: a row's time and log position, opaque to the
client and checked when it comes back."""

from __future__ import annotations

import base64
import binascii
import re

from ejournal.errors import EjournalError


class InvalidCursorError(EjournalError):
    """The cursor was not one a page of the trail gave."""

    slug = "invalid-cursor"
    title = "The cursor is not valid"
    status = 422


def encode_cursor(recorded_at: int, position: int) -> str:
    """The opaque cursor of the page that follows a row (its time and position)."""
    # The closing "." makes a cut-off cursor fail instead of naming another place: cutting any
    # character off base64 drops at least the last byte.
    raw = f"{recorded_at}.{position}.".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_CURSOR = re.compile(r"(0|[1-9][0-9]{0,18})\.(0|[1-9][0-9]{0,18})\.")
"""What a cursor holds: a row's time and log position, unsigned, without leading zeros."""

LARGEST_STORED = 2**63 - 1
"""The largest integer a row's time or position can be (SQLite's INTEGER, PostgreSQL's BIGINT)."""


def decode_cursor(cursor: str) -> tuple[int, int]:
    """The row time and position of a cursor ``encode_cursor`` made; any other string is refused.

    A cursor comes back from the client and its numbers go into a query, so only the exact
    string a page gave is taken: SQLite fails outright on an integer beyond 64 bits.
    """
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        found = _CURSOR.fullmatch(raw.decode("ascii"))
    except (ValueError, binascii.Error):  # a UnicodeDecodeError is a ValueError
        found = None
    if found is not None:
        recorded_at, position = int(found[1]), int(found[2])
        if (
            recorded_at <= LARGEST_STORED
            and position <= LARGEST_STORED
            and encode_cursor(recorded_at, position) == cursor
        ):
            return recorded_at, position
    raise InvalidCursorError("the cursor is not one a page of the audit trail gave")
