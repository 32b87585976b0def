"""Configuration of the service and of every ``ejournal`` command, from the environment and .env.

Every variable is prefixed ``EJOURNAL_`` (``EJOURNAL_DATABASE_URL``, ``EJOURNAL_TIMEZONE``, ...), as
promised in DESIGN.md §11. Values are checked here, so a typo fails at start-up with the variable's
name rather than later inside the storage layer.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SCHOOL_ID_PATTERN = r"^[a-z0-9_]{1,40}$"
"""A school id: it becomes a PostgreSQL schema name (``school_<id>``) and an SQLite file name."""

DATABASE_URL_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")

INSTALLATION_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}(/[A-Za-z0-9._:-]{1,100}){0,3}$"
"""An installation's name: a host name or a path-like name, no spaces, no '+' (it becomes part
of the checkpoints' origin line and of the signing key's name)."""


def default_installation() -> str:
    """The machine's host name, in the characters an origin line may hold: unique enough to tell
    two installations' logs of the same school id apart; set EJOURNAL_INSTALLATION to the
    service's public host name (``journal.school77.ru``) for one that says more."""
    name = re.sub(r"[^A-Za-z0-9._:-]", "-", socket.gethostname().lower()).strip("-.")
    return name[:100] or "localhost"


AGGREGATE_CACHE_SIZE = 512
"""Aggregates kept in memory per school unless the settings say otherwise."""


class Settings(BaseSettings):
    """What one deployment is configured with: where the logs live, whose calendar, which keys."""

    model_config = SettingsConfigDict(
        env_prefix="EJOURNAL_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    database_url: str = "sqlite:///./var/ejournal"
    """``sqlite:///DIR`` (one ``DIR/<school>.sqlite`` per school) or ``postgresql://user[:pw]@host:port/db``."""

    timezone: str | None = None
    """The time zone given to a school year set up without one (the demo's, or ``POST
    /years`` without ``timezone``), over its profile's own; unset: the profile's zone. A year's
    zone is fixed when it is set up and recorded in its log; every deadline and every printed
    time of the school uses it, and changing this setting never moves a year already set up."""

    profile: str = "school77"
    """The regulation profile in force for a school created without one."""

    school: str = Field(default="demo", pattern=SCHOOL_ID_PATTERN)
    """The school a command works on when none is named."""

    cipher_key_file: Path | None = None
    """A file holding a base64 AES key: when set, event payloads are encrypted at rest."""

    signing_key_dir: Path = Path("./var/keys")
    """Where each school's Ed25519 key for signing checkpoints lives (``<school_id>.key``, made
    when a new log first needs one and named in the log); never in the database. A relative path
    is taken from the working directory when the settings are read and kept absolute, so every
    message names the real place; a key the log does not name is refused, never used."""

    checkpoint_dir: Path = Path("./var/checkpoints")
    """Where signed checkpoints are written besides the database
    (``<checkpoint_dir>/<school_id>/<size, 12 digits>.checkpoint``), so a rewritten database
    is detectable. Relative paths are made absolute as for ``signing_key_dir``."""

    installation: str = Field(default_factory=default_installation, pattern=INSTALLATION_PATTERN)
    """This installation's name in the origin line of a new log's checkpoints
    (``<installation>/ejournal/<school_id>``), so that two installations' logs of one school id
    never share an origin; default: the host name. It is recorded when a school's key is first
    registered in its log; an existing log keeps the origin its key event (or, for a log from
    before key events, its first checkpoint) names, whatever this says later."""

    checkpoint_every_events: int = Field(default=1000, ge=1)
    """The notary signs a checkpoint once this many events were recorded since the last one ..."""

    checkpoint_every_seconds: int = Field(default=300, ge=1)
    """... or once this many seconds passed since the last one and the log has grown."""

    uncovered_grace_seconds: int = Field(default=900, ge=1)
    """How long an event may wait for a signed checkpoint before /health says "degraded"."""

    app_role: str = "ejournal_app"
    """The PostgreSQL role the service connects as: it may only SELECT and INSERT events."""

    app_role_password: SecretStr | None = None
    """The app role's password; none when the server authenticates it otherwise (peer, cert)."""

    password_hashing: Literal["rfc9106_low_memory", "cheapest"] = "rfc9106_low_memory"  # noqa: S105
    """The Argon2id profile for passwords: RFC 9106's low-memory profile (64 MiB, 3 passes);
    "cheapest" exists for test suites and must never be used for real accounts."""

    projections: Literal["embedded", "worker"] = "embedded"
    """Who keeps the read models up to date: a thread of the service (the embedded default), or
    a separate ``ejournal projections run`` worker (a PostgreSQL deployment's choice)."""

    pool_size: int = Field(default=5, ge=1)
    """PostgreSQL connections kept open per school application."""

    pool_timeout: float = Field(default=5.0, gt=0)
    """Seconds a request waits for a PostgreSQL connection before it is answered "storage
    unavailable" (503): while the server is down, every request would otherwise hang."""

    aggregate_cache_size: int = Field(default=AGGREGATE_CACHE_SIZE, ge=1)
    """Aggregates a school application keeps in memory (EJOURNAL_AGGREGATE_CACHE_SIZE); a
    full-year journal takes a few megabytes."""

    @field_validator("signing_key_dir", "checkpoint_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().absolute()

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(DATABASE_URL_SCHEMES):
            schemes = ", ".join(DATABASE_URL_SCHEMES)
            raise ValueError(f"EJOURNAL_DATABASE_URL must start with one of {schemes}: {value!r}")
        return value

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        # Checked here, not when a school is first created with it: a typo in the profile
        # stops every command (``migrate`` included) and the service at start-up, naming the
        # profiles there are. Imported here: the profile's schema imports much of the core.
        from ejournal.policy.profile import load_profile  # noqa: PLC0415

        try:
            load_profile(value)
        except LookupError as error:
            raise ValueError(str(error.args[0])) from None
        except ValidationError as error:  # a school's own file, not a valid profile
            first = error.errors()[0]
            where = ".".join(map(str, first["loc"])) or "the file"
            raise ValueError(
                f"the profile {value!r} cannot be used: {error.error_count()} problem(s),"
                f" the first: {where}: {first['msg']}"
            ) from None
        except (OSError, ValueError) as error:  # an unreadable file, not TOML
            raise ValueError(f"the profile {value!r} cannot be used: {error}") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value
