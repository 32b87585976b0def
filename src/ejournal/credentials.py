"""Secrets, kept outside the event log (DESIGN.md §3) in the school's own database.

Passwords are hashed with Argon2id (memory-hard, argon2-cffi). Bearer tokens and API tokens are
random, shown once, and stored as their SHA-256 (they carry 256 bits of entropy, so a fast hash is
enough and lookups stay O(1)). A token names its school, so a request finds the right database
without a directory: ``ejs.<school>.<secret>`` for a session, ``eja.<school>.<secret>`` for an
integration's API token (a dot is in neither a school id nor URL-safe base64). The log records
only that a credential was set or revoked, and by whom.

A password can be *temporary* (Gymnasium 2 §3.2, §5.4: "временный логин и пароль"): the
one-time password ``ejournal school create`` prints for a school's first administrator, and any
password an administrator sets for someone else. It opens no session: its holder must first
choose a password of their own (``check_new_password`` says which ones are refused), which is
no longer temporary.

What a request brings (a bearer token, a login form's username) is read by one total function
each, ``token_school`` and ``parse_username``: any text at all gives an answer, never an error,
so a malformed token is refused exactly like an unknown one and a malformed login exactly like
a wrong password.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID, uuid4

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from ejournal.clock import Clock
from ejournal.database import Cursor, SchoolDatabase
from ejournal.errors import EjournalError
from ejournal.storage import is_school_id

CredentialKind = Literal["password", "session", "api_token"]
SESSION_PREFIX = "ejs"
API_TOKEN_PREFIX = "eja"  # noqa: S105 (a prefix)
MAX_LOGIN_LENGTH = 64
"""As RegisterAccount allows: a longer login names no account."""
_TOKEN_SECRET = re.compile(r"[A-Za-z0-9_-]{1,128}")
"""The secret part of a token: URL-safe base64 (``secrets.token_urlsafe``)."""

_NO_ACCOUNT = UUID(int=0)

HASHING_PROFILES = {
    "rfc9106_low_memory": profiles.RFC_9106_LOW_MEMORY,
    "cheapest": profiles.CHEAPEST,
}

_TABLES = (
    """
    CREATE TABLE IF NOT EXISTS credentials (
        credential_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        label TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT,
        temporary BOOLEAN NOT NULL DEFAULT FALSE
    )
    """,
    # ``temporary`` (a password its holder must change before anything else) is added to a
    # table made before it by ``_add_temporary_column``.
    "CREATE UNIQUE INDEX IF NOT EXISTS credentials_by_hash ON credentials (secret_hash)",
    "CREATE INDEX IF NOT EXISTS credentials_by_account ON credentials (account_id, kind)",
    # Login attempts per (login name, client address), and per login name from every address
    # (address "*"); times in microseconds since the epoch, ``seen_at`` the latest attempt.
    # Kept in the school's database, not in a process's memory, so that every process of a
    # deployment throttles alike.
    """
    CREATE TABLE IF NOT EXISTS login_throttle (
        login TEXT NOT NULL,
        address TEXT NOT NULL,
        failures INTEGER NOT NULL,
        failed_at BIGINT,
        succeeded_at BIGINT,
        seen_at BIGINT NOT NULL,
        PRIMARY KEY (login, address)
    )
    """,
    "CREATE INDEX IF NOT EXISTS login_throttle_by_time ON login_throttle (seen_at)",
)


MIN_PASSWORD_LENGTH = 10
"""The shortest password a person may choose (an administrator's temporary one too)."""
MIN_DISTINCT_CHARACTERS = 5


class WeakPasswordError(EjournalError):
    """A new password that is too easy to guess: refused, nothing is set."""

    slug = "weak-password"
    title = "The password is too easy to guess"
    status = 422

    def __init__(self, detail: str, hint_ru: str) -> None:
        super().__init__(detail)
        self.hint_ru = hint_ru

    def fields(self) -> dict[str, Any]:
        return {**super().fields(), "hint": self.hint_ru}


def check_new_password(password: str, *, login: str, current: str | None = None) -> None:
    """Refuse a password a person may not choose: shorter than ``MIN_PASSWORD_LENGTH``, of
    fewer than ``MIN_DISTINCT_CHARACTERS`` different characters ("aaaaaaaaaa", "1212121212"),
    holding the login, or the same as the current one (a temporary password changed into
    itself would stay known to whoever set it). Length over composition rules, as NIST SP
    800-63B advises."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters",
            f"не короче {MIN_PASSWORD_LENGTH} символов.",
        )
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise WeakPasswordError(
            f"a password has at least {MIN_DISTINCT_CHARACTERS} different characters",
            f"не меньше {MIN_DISTINCT_CHARACTERS} разных символов.",
        )
    if login and login.lower() in password.lower():
        raise WeakPasswordError("a password does not contain the login", "без логина внутри.")
    if current is not None and password == current:
        raise WeakPasswordError(
            "the new password is the current one", "новый пароль должен отличаться от прежнего."
        )


def one_time_password() -> str:
    """A temporary password to hand to a person once: 16 characters of URL-safe base64 (96
    bits), with no character that reads like another on paper (0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(16))
        if len(set(password)) >= MIN_DISTINCT_CHARACTERS:
            return password


@dataclass(frozen=True)
class TokenGrant:
    """A token just issued: the secret is shown to its holder once and never stored."""

    token: str
    credential_id: UUID
    expires_at: datetime | None


@dataclass(frozen=True)
class TokenHolder:
    """Whose token a request carries."""

    account_id: UUID
    credential_id: UUID
    kind: CredentialKind


def token_school(token: str) -> str | None:
    """The school a bearer token names; None for any text not shaped like one of our tokens
    (``ejs.<school>.<secret>`` or ``eja.<school>.<secret>`` with a valid school id and a
    URL-safe secret). Never raises, whatever the text."""
    prefix, _, rest = token.partition(".")
    school, _, secret = rest.partition(".")
    if prefix not in (SESSION_PREFIX, API_TOKEN_PREFIX) or not is_school_id(school):
        return None
    if _TOKEN_SECRET.fullmatch(secret) is None:
        return None
    return school


@dataclass(frozen=True)
class LoginName:
    """Whom a login form names: a login in a school."""

    login: str
    """Lowercased, as Account.register keeps it."""
    school: str


def parse_username(username: str, default_school: str) -> LoginName | None:
    """Read a login form's username: ``login`` (in the default school) or ``login@school``.

    The school is what follows the last "@", so a login that is an e-mail address is written
    ``name@mail.ru@school``. None for any text that can name no account: an empty or over-long
    login, one with spaces or unprintable characters (which include lone surrogates), or a
    school that is no valid school id. Never raises, whatever the text.
    """
    text = username.strip()
    login, at, school = text.rpartition("@")
    if not at:
        login, school = text, default_school
    login, school = login.lower(), school.lower()
    if not is_school_id(school):
        return None
    if not 0 < len(login) <= MAX_LOGIN_LENGTH or not login.isprintable() or " " in login:
        return None
    return LoginName(login=login, school=school)


def _secret_bytes(password: str) -> bytes:
    # A form can carry text that is not valid Unicode (a lone surrogate); hashing it as UTF-8
    # would raise. "surrogatepass" gives every text one byte form and is plain UTF-8 otherwise.
    return password.encode("utf-8", "surrogatepass")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CredentialStore:
    """One school's passwords and tokens."""

    def __init__(
        self,
        database: SchoolDatabase,
        school: str,
        clock: Clock,
        hashing: str = "rfc9106_low_memory",
        throttling: LoginThrottling | None = None,
    ) -> None:
        self.database = database
        self.school = school
        self.clock = clock
        self.throttling = throttling or LoginThrottling()
        self._hasher = PasswordHasher.from_parameters(HASHING_PROFILES[hashing])
        # A real hash to verify against when the account has no password, so that a missing
        # account takes as long to refuse as a wrong password (no timing oracle for logins).
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    def create_tables(self) -> None:
        with self.database.transaction() as cursor:
            for statement in _TABLES:
                cursor.execute(statement)
            self._add_temporary_column(cursor)

    def _add_temporary_column(self, cursor: Cursor) -> None:
        """Bring a credentials table made before temporary passwords up to date (looked up
        first: ALTER TABLE would lock the table on every start of the service)."""
        if self.database.dialect == "sqlite":
            cursor.execute("SELECT name FROM pragma_table_info('credentials')")
        else:
            cursor.execute(
                "SELECT column_name AS name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = 'credentials'"
            )
        if "temporary" not in {row["name"] for row in cursor.fetchall()}:
            cursor.execute(
                "ALTER TABLE credentials ADD COLUMN temporary BOOLEAN NOT NULL DEFAULT FALSE"
            )

    # --- passwords ------------------------------------------------------------------------

    def set_password(self, account_id: UUID, password: str, *, temporary: bool = False) -> UUID:
        """Replace the account's password; returns the new credential's id. A ``temporary``
        one must be changed by its holder before it opens a session (Gymnasium 2 §3.2)."""
        credential_id = uuid4()
        now = self.clock.now().isoformat()
        with self.database.transaction() as cursor:
            cursor.execute(
                "UPDATE credentials SET revoked_at = %(now)s WHERE account_id = %(account)s"
                " AND kind = 'password' AND revoked_at IS NULL",
                {"now": now, "account": str(account_id)},
            )
            cursor.execute(
                "INSERT INTO credentials (credential_id, account_id, kind, secret_hash,"
                " created_at, temporary) VALUES (%(id)s, %(account)s, 'password', %(hash)s,"
                " %(now)s, %(temporary)s)",
                {
                    "id": str(credential_id),
                    "account": str(account_id),
                    "hash": self._hasher.hash(_secret_bytes(password)),
                    "now": now,
                    "temporary": temporary,
                },
            )
        return credential_id

    def password_is_temporary(self, account_id: UUID) -> bool:
        """Whether the account's live password is a temporary one it must change first."""
        with self.database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT temporary FROM credentials WHERE account_id = %(account)s"
                " AND kind = 'password' AND revoked_at IS NULL",
                {"account": str(account_id)},
            )
            row = cursor.fetchone()
        return row is not None and bool(row["temporary"])

    def verify_password(self, account_id: UUID | None, password: str) -> bool:
        """Whether the password is the account's; always does the work of one verification."""
        # A missing account is looked up too (under an id no account has) and verified against
        # a dummy hash: refusing it takes as long as refusing a wrong password.
        with self.database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT secret_hash FROM credentials WHERE account_id = %(account)s"
                " AND kind = 'password' AND revoked_at IS NULL",
                {"account": str(account_id or _NO_ACCOUNT)},
            )
            row = cursor.fetchone()
        stored = row["secret_hash"] if row else None
        try:
            verified = self._hasher.verify(stored or self._dummy_hash, _secret_bytes(password))
        except (VerificationError, InvalidHashError):
            return False
        return verified and stored is not None

    # --- tokens ---------------------------------------------------------------------------

    def issue(
        self,
        account_id: UUID,
        kind: Literal["session", "api_token"],
        ttl: timedelta | None,
        label: str | None = None,
    ) -> TokenGrant:
        prefix = SESSION_PREFIX if kind == "session" else API_TOKEN_PREFIX
        token = f"{prefix}.{self.school}.{secrets.token_urlsafe(32)}"
        credential_id = uuid4()
        now = self.clock.now()
        expires_at = now + ttl if ttl is not None else None
        with self.database.transaction() as cursor:
            cursor.execute(
                "INSERT INTO credentials (credential_id, account_id, kind, secret_hash, label,"
                " created_at, expires_at) VALUES (%(id)s, %(account)s, %(kind)s, %(hash)s,"
                " %(label)s, %(now)s, %(expires)s)",
                {
                    "id": str(credential_id),
                    "account": str(account_id),
                    "kind": kind,
                    "hash": _digest(token),
                    "label": label,
                    "now": now.isoformat(),
                    "expires": expires_at.isoformat() if expires_at else None,
                },
            )
        return TokenGrant(token=token, credential_id=credential_id, expires_at=expires_at)

    def holder(self, token: str) -> TokenHolder | None:
        """Whose live token this is; None for an unknown, expired or revoked token."""
        with self.database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT credential_id, account_id, kind, expires_at FROM credentials"
                " WHERE secret_hash = %(hash)s AND revoked_at IS NULL AND kind <> 'password'",
                {"hash": _digest(token)},
            )
            row = cursor.fetchone()
        if row is None:
            return None
        if row["expires_at"] and datetime.fromisoformat(row["expires_at"]) < self.clock.now():
            return None
        return TokenHolder(
            account_id=UUID(row["account_id"]),
            credential_id=UUID(row["credential_id"]),
            kind=row["kind"],
        )

    def revoke(self, account_id: UUID, credential_id: UUID) -> bool:
        """Revoke one of the account's tokens; False if it has no such live token."""
        with self.database.transaction() as cursor:
            cursor.execute(
                "UPDATE credentials SET revoked_at = %(now)s WHERE credential_id = %(id)s"
                " AND account_id = %(account)s AND revoked_at IS NULL",
                {
                    "now": self.clock.now().isoformat(),
                    "id": str(credential_id),
                    "account": str(account_id),
                },
            )
            return cursor.rowcount > 0

    def revoke_all(self, account_id: UUID, *, passwords: bool = False) -> None:
        """Cut an account off: every token, and with ``passwords`` its password too (an
        annulled login is annulled with its password, School 117 §10.1)."""
        with self.database.transaction() as cursor:
            cursor.execute(
                "UPDATE credentials SET revoked_at = %(now)s WHERE account_id = %(account)s"
                " AND revoked_at IS NULL AND (kind <> 'password' OR %(passwords)s)",
                {
                    "now": self.clock.now().isoformat(),
                    "account": str(account_id),
                    "passwords": passwords,
                },
            )

    def api_tokens(self, account_id: UUID) -> list[dict[str, str | None]]:
        with self.database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT credential_id, label, created_at, expires_at FROM credentials"
                " WHERE account_id = %(account)s AND kind = 'api_token' AND revoked_at IS NULL"
                " ORDER BY created_at",
                {"account": str(account_id)},
            )
            return cursor.fetchall()

    # --- throttling of logins ---------------------------------------------------------------

    def begin_login(self, login: str, address: str) -> timedelta | None:
        """Let one login attempt for a login name from a client address go ahead, or say how
        long it must wait (see LoginThrottling).

        An attempt that goes ahead is counted as a failure at once, before the password is
        checked, so concurrent attempts in any process of the deployment see it; a success
        takes it back (``login_succeeded``). Keyed by the login *name*, whether or not an
        account has it, so a missing login is throttled exactly like an existing one.
        """
        now = self.clock.now()
        policy = self.throttling
        lock = " FOR UPDATE" if self.database.dialect == "postgres" else ""
        with self.database.transaction() as cursor:
            rows = {}
            # The login's row before the address's, always: two attempts never wait on each
            # other's locks in opposite orders.
            for address_key in (_WHOLE_LOGIN, address):
                cursor.execute(
                    "INSERT INTO login_throttle (login, address, failures, seen_at) VALUES"
                    " (%(login)s, %(address)s, 0, %(now)s)"
                    " ON CONFLICT (login, address) DO NOTHING",
                    {"login": login, "address": address_key, "now": _micros(now)},
                )
                cursor.execute(
                    "SELECT failures, failed_at, succeeded_at FROM login_throttle"  # noqa: S608
                    f" WHERE login = %(login)s AND address = %(address)s{lock}",
                    {"login": login, "address": address_key},
                )
                row = cursor.fetchone()
                assert row is not None  # just inserted if it was not there
                rows[address_key] = _Attempts.of(row, now, policy.memory)
            mine, everyone = rows[address], rows[_WHOLE_LOGIN]
            wait = policy.wait(mine, now)
            # A login under attack from many addresses slows down too, but never for an address
            # it was recently signed in from: its owner is never locked out everywhere.
            if not mine.known_since(now - policy.known_for):
                wait = max(wait, policy.wait(everyone, now, free=policy.free_per_login))
            if wait > timedelta(0):
                return wait
            for address_key, attempts in rows.items():
                cursor.execute(
                    "UPDATE login_throttle SET failures = %(failures)s, failed_at = %(now)s,"
                    " seen_at = %(now)s WHERE login = %(login)s AND address = %(address)s",
                    {
                        "failures": attempts.failures + 1,
                        "now": _micros(now),
                        "login": login,
                        "address": address_key,
                    },
                )
        self._forget_old_attempts(now)
        return None

    def login_succeeded(self, login: str, address: str) -> None:
        """The attempt ``begin_login`` let through was right: the address's failures are
        cleared and it is known as the owner's; the login's own count takes the attempt back."""
        now = _micros(self.clock.now())
        with self.database.transaction() as cursor:
            cursor.execute(
                "UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1"
                " ELSE 0 END WHERE login = %(login)s AND address = %(whole)s",
                {"login": login, "whole": _WHOLE_LOGIN},
            )
            cursor.execute(
                "UPDATE login_throttle SET failures = 0, failed_at = NULL, succeeded_at = %(now)s,"
                " seen_at = %(now)s WHERE login = %(login)s AND address = %(address)s",
                {"login": login, "address": address, "now": now},
            )

    def _forget_old_attempts(self, now: datetime) -> None:
        # Rows of names nobody tried for a while and of addresses not known as an owner's:
        # attempts on made-up names must not grow the table for ever. A transaction of its
        # own, after the attempt's, so it holds no row lock while it waits for another.
        policy = self.throttling
        with self.database.transaction() as cursor:
            cursor.execute(
                "DELETE FROM login_throttle WHERE seen_at < %(forgotten)s"
                " AND (succeeded_at IS NULL OR succeeded_at < %(unknown)s)",
                {
                    "forgotten": _micros(now - policy.memory),
                    "unknown": _micros(now - policy.known_for),
                },
            )


_WHOLE_LOGIN = "*"
"""The throttle row that counts a login's failures from every address (no host is "*")."""


@dataclass(frozen=True)
class LoginThrottling:
    """How failed logins slow the next attempts down: by login name *and* client address.

    From one address, the first ``free_per_address`` failures cost nothing; after that each
    attempt waits a delay that doubles with every failure (1 s, 2 s, 4 s, …) up to
    ``longest_delay``. Failures of a login from all addresses together slow it down only
    after ``free_per_login`` of them, and never from an address the login was signed in from
    within ``known_for``: an attacker never locks the owner out. Failures are forgotten once
    ``memory`` has passed since the last one; a success clears its address's count.
    """

    free_per_address: int = 3
    free_per_login: int = 30
    first_delay: timedelta = timedelta(seconds=1)
    longest_delay: timedelta = timedelta(minutes=15)
    memory: timedelta = timedelta(hours=24)
    known_for: timedelta = timedelta(days=90)

    def delay(self, failures: int, free: int) -> timedelta:
        """How long after the last of so many failures the next attempt waits."""
        if failures < free:
            return timedelta(0)
        # Capped before the power grows: 2**60 seconds overflow a timedelta.
        doublings = min(failures - free, 30)
        return min(self.first_delay * (1 << doublings), self.longest_delay)

    def wait(self, attempts: _Attempts, now: datetime, free: int | None = None) -> timedelta:
        """How long from now the next attempt must wait; zero if it may go ahead."""
        if attempts.failed_at is None:
            return timedelta(0)
        delay = self.delay(attempts.failures, self.free_per_address if free is None else free)
        return max(attempts.failed_at + delay - now, timedelta(0))


@dataclass(frozen=True)
class _Attempts:
    """One throttle row, read at a moment."""

    failures: int
    failed_at: datetime | None
    succeeded_at: datetime | None

    @classmethod
    def of(cls, row: dict[str, Any], now: datetime, memory: timedelta) -> _Attempts:
        failed_at = _moment(row["failed_at"])
        if failed_at is not None and failed_at < now - memory:
            failed_at = None  # forgotten: the count starts again
        return cls(
            failures=int(row["failures"]) if failed_at is not None else 0,
            failed_at=failed_at,
            succeeded_at=_moment(row["succeeded_at"]),
        )

    def known_since(self, since: datetime) -> bool:
        """Whether the login succeeded from this address since a moment."""
        return self.succeeded_at is not None and self.succeeded_at >= since


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    # Integers, not ISO text: compared in SQL the same way on both backends.
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _moment(micros: int | None) -> datetime | None:
    return _EPOCH + timedelta(microseconds=micros) if micros is not None else None
