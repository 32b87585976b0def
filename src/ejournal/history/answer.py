"""The base of the history API's answers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class HistoryModel(BaseModel):
    """A frozen part of the history API."""

    model_config = ConfigDict(frozen=True)
