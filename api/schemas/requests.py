"""The base of every request body."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    """A request body: unknown fields are refused, and strings are stripped as the core's
    commands strip them, so a body that passes here also passes as a command."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
