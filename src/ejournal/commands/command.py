"""The base of every command model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Command(BaseModel):
    """A request to change the record: frozen, and unknown fields are refused at the edge.

    No command carries a recorded time: every recorded time is the server's.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
