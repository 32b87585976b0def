"""What makes two requests "the same request" for one Idempotency-Key (DESIGN.md §11).

The key's answer is recorded by the core in the same transaction as the command's events
(``ejournal.idempotency``); the API only says which requests are the same.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """A digest of a request's method, path and command: a retry must match it."""
    payload = orjson.dumps([method, path, body], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()
