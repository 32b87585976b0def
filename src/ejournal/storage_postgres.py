"""PostgreSQL storage: a recorder a least-privileged role can write with; the append-only set-up.

eventsourcing's PostgreSQL recorder serialises writers with ``LOCK TABLE <events> IN EXCLUSIVE
MODE``, and PostgreSQL grants that lock mode only to a role holding UPDATE, DELETE or TRUNCATE on
the table (or owning it). The service's role holds only SELECT and INSERT on the events table
(DESIGN.md §4), so it takes a transaction-scoped advisory lock keyed on the table instead.
``migrate_school`` creates a school's schema and tables, makes the events table refuse UPDATE,
DELETE and TRUNCATE even for a superuser, and gives the service's role exactly what it needs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
    PostgresProcessRecorder,
)
from eventsourcing.utils import get_topic
from psycopg import sql

from ejournal.idempotency import (
    ANSWERS_TABLE,
    CommandAnswer,
    CommandKey,
    StoredAnswer,
    answers_table_statement,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from eventsourcing.persistence import ApplicationRecorder, StoredEvent
    from eventsourcing.utils import Environment, EnvType
    from psycopg import Cursor
    from psycopg.abc import Query
    from psycopg.rows import DictRow

EVENTS_LOCK_NAMESPACE = 0x656A6F75
"""First key of the writers' advisory lock ("ejou"); the second is the events table's OID."""

MIGRATION_LOCK_KEY = 0x656A6F75_6D696772
"""Session advisory lock held while migrating: concurrent migrations never race on the catalog."""

APPEND_ONLY_REASON = (
    "Recorded events are never changed or removed: a mark is superseded by a correction or"
    " voiding event with a reason (Lyceum 68 §3.6.8 forbids correcting marks and backdating them)."
)


class StorageError(Exception):
    """A school's storage cannot be set up or used as configured."""


@dataclass(frozen=True)
class PostgresLocation:
    """Where a PostgreSQL database is and whom to connect as."""

    dbname: str
    host: str
    port: int
    user: str
    password: str | None = field(default=None, repr=False)

    def connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        """An autocommit connection as this location's user, for set-up and tests."""
        return psycopg.connect(
            dbname=self.dbname,
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            autocommit=True,
            connect_timeout=10,
        )


def _advisory_lock_statements(datastore: PostgresDatastore, events_table: str) -> list[Query]:
    # The library's statements with the table lock swapped for an advisory lock. It is taken
    # before the INSERT draws notification ids and held until commit, exactly like the table
    # lock: ids are handed out in commit order, so a reader tailing the log never passes a gap
    # that a slower transaction fills in later. Plain reads are not blocked, as before.
    qualified = f"{_quote_ident(datastore.schema)}.{_quote_ident(events_table)}"
    return [
        sql.SQL("SET LOCAL lock_timeout = '{0}s'").format(datastore.lock_timeout),
        sql.SQL("SELECT pg_advisory_xact_lock({0}, {1}::regclass::oid::int4)").format(
            sql.Literal(EVENTS_LOCK_NAMESPACE), sql.Literal(qualified)
        ),
    ]


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


INSERT_ATTEMPTS = 10
"""How often a save is tried when the connection fails (the library's own retry count)."""

INSERT_RETRY_WAIT = 0.2
"""Seconds before the second try of a save; each further try waits one step longer."""


class AdvisoryLockApplicationRecorder(PostgresApplicationRecorder):
    """The library's application recorder, serialising writers without a table lock, recording a
    command's idempotency answer with its events, and never recording a save twice.

    Two departures from the library's ``insert_events``, each for a fault seen here:

    - No pipeline mode. In pipeline mode a save of a large event (a few MB) could leave the
      client and the server each waiting for the other (the backend in ``ClientRead`` while
      holding the writers' lock), hanging every writer of the school for good; reproduced with
      psycopg 3.3.9 and the C implementation (the family of psycopg issue #685). A save is one
      transaction of three statements, so the pipeline saved little.
    - A lost commit acknowledgement is resolved before anything is tried again. The library
      retries the whole insert on a connection error; when the error came after the server had
      committed, the retry failed on the version check and the command ran a second time with
      new ids (two marks for one request). Here, after a connection error, the save first looks
      for its own events, byte for byte, under the writers' lock (so a commit still under way
      has ended): found, the save succeeded; absent, it is tried again; another writer's events
      in their place are a conflict, as for any concurrent writer.
    """

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.lock_table_statements = _advisory_lock_statements(datastore, events_table_name)
        schema = sql.Identifier(datastore.schema)
        self._answers = sql.SQL("{}.{}").format(schema, sql.Identifier(ANSWERS_TABLE))
        self.sql_create_statements.append(
            sql.SQL(answers_table_statement("{}")).format(self._answers)
        )
        self._find_own_statement = sql.SQL(
            "SELECT e.notification_id, e.state FROM unnest(%s::uuid[], %s::bigint[])"
            " WITH ORDINALITY AS k(originator_id, originator_version, n)"
            " LEFT JOIN {}.{} e ON e.originator_id = k.originator_id"
            " AND e.originator_version = k.originator_version ORDER BY k.n"
        ).format(schema, sql.Identifier(events_table_name))

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        answer: CommandAnswer | None = kwargs.get("command_answer")
        outcome_unknown = False
        for attempt in range(1, INSERT_ATTEMPTS + 1):
            try:
                if outcome_unknown:
                    recorded = self._own_notification_ids(stored_events)
                    if recorded is not None:
                        return recorded
                    outcome_unknown = False
                return self._insert_in_one_transaction(stored_events, answer)
            except (InterfaceError, OperationalError):
                # The connection failed; if the transaction had reached COMMIT, it may or may
                # not have been committed. Find out before trying again.
                outcome_unknown = True
                if attempt == INSERT_ATTEMPTS:
                    raise
                time.sleep(INSERT_RETRY_WAIT * attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _insert_in_one_transaction(
        self, stored_events: Sequence[StoredEvent], answer: CommandAnswer | None
    ) -> list[int]:
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor() as curs,
        ):
            self._lock_table(curs)
            curs.execute(self.insert_events_statement, (rows,))
            notification_ids = [row["notification_id"] for row in curs.fetchall()]
            if len(notification_ids) != len(stored_events):
                raise IntegrityError(
                    f"{len(notification_ids)} notification ids for {len(stored_events)} events"
                )
            if answer is not None:
                # A second first-try with the same key fails here, like a concurrent writer.
                self._insert_answer(curs, answer, notification_ids)
            self._notify_channel(curs)
        return notification_ids

    def _insert_answer(
        self, curs: Cursor[DictRow], answer: CommandAnswer, notification_ids: list[int]
    ) -> None:
        curs.execute(
            sql.SQL(
                "INSERT INTO {} (account_id, idempotency_key, request_hash, answer, created_at)"
                " VALUES (%(account_id)s, %(idempotency_key)s, %(request_hash)s, %(answer)s,"
                " %(created_at)s)"
            ).format(self._answers),
            answer.row(notification_ids),
        )

    def _own_notification_ids(self, stored_events: Sequence[StoredEvent]) -> list[int] | None:
        """The notification ids of exactly these stored events if the log holds them (a save
        whose commit went through), None if it holds none of them; another writer's events in
        their place raise a conflict."""
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            # The lost transaction may still be open on the server, its COMMIT on the way or
            # being written, and it holds the writers' lock until it ends: taking the lock first
            # waits for its outcome. Looking without it found nothing, the save ran again after
            # that commit, and the command ran a second time (two marks for one request).
            self._lock_table(curs)
            curs.execute(
                self._find_own_statement,
                (
                    [e.originator_id for e in stored_events],
                    [e.originator_version for e in stored_events],
                ),
            )
            found = curs.fetchall()
        if all(row["notification_id"] is None for row in found):
            return None
        if all(
            row["notification_id"] is not None and bytes(row["state"]) == event.state
            for row, event in zip(found, stored_events, strict=True)
        ):
            return [int(row["notification_id"]) for row in found]
        raise IntegrityError("another writer recorded these aggregate versions first")

    def command_answer(self, key: CommandKey) -> StoredAnswer | None:
        """The answer recorded under a key, if its command was recorded."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(
                sql.SQL(
                    "SELECT request_hash, answer FROM {}"
                    " WHERE account_id = %s AND idempotency_key = %s"
                ).format(self._answers),
                (str(key.account_id), key.key),
            )
            row = curs.fetchone()
        if row is None:
            return None
        return StoredAnswer(request_hash=row["request_hash"], answer=orjson.loads(row["answer"]))


class AdvisoryLockProcessRecorder(PostgresProcessRecorder):
    """The library's process recorder (events plus tracking), serialising writers the same way."""

    def __init__(
        self,
        datastore: PostgresDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ):
        super().__init__(
            datastore, events_table_name=events_table_name, tracking_table_name=tracking_table_name
        )
        self.lock_table_statements = _advisory_lock_statements(datastore, events_table_name)


class AdvisoryLockPostgresFactory(PostgresFactory):
    """eventsourcing's PostgreSQL factory with the advisory-lock recorders, otherwise unchanged."""

    application_recorder_class = AdvisoryLockApplicationRecorder
    process_recorder_class = AdvisoryLockProcessRecorder

    def __init__(self, env: Environment | EnvType | None):
        super().__init__(env)
        # The library's insert function takes no lock at all, and its name is shared by every
        # application in a schema (the last one created wins: events landed in another app's
        # table, DESIGN.md §12). Refuse it rather than lose ordering or write to the wrong log.
        if self.datastore.enable_db_functions:
            self.close()
            raise StorageError("POSTGRES_ENABLE_DB_FUNCTIONS must not be set for ejournal")

    def application_recorder(self) -> ApplicationRecorder:
        recorder = super().application_recorder()
        # APPLICATION_RECORDER_TOPIC could name a recorder that still takes the table lock,
        # which the service's role is not allowed to take.
        if not isinstance(recorder, AdvisoryLockApplicationRecorder):
            raise StorageError(
                f"{type(recorder).__name__} takes a table lock the service role may not take"
            )
        return recorder


FACTORY_TOPIC = get_topic(AdvisoryLockPostgresFactory)


@dataclass(frozen=True)
class SchoolTables:
    """The tables of one school's application that the service role is given access to."""

    schema: str
    events: str
    snapshots: str | None


def migrate_school(
    admin: PostgresLocation,
    schema: str,
    app_role: str,
    app_role_password: str | None,
    create_tables: Callable[[], SchoolTables],
) -> None:
    """Set up one school's schema as the admin: tables, append-only triggers, the app role's grants.

    ``create_tables`` constructs the school's application with CREATE_TABLE=y as the admin and says
    which tables it made. Every step is idempotent; a global advisory lock serialises migrations.
    """
    with admin.connect() as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK_KEY,))
        try:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            tables = create_tables()
            with conn.transaction():
                _make_append_only(conn, tables)
                _ensure_role(conn, app_role, app_role_password)
                _grant(conn, tables, app_role)
                _check_role_is_confined(conn, tables, app_role)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK_KEY,))


def drop_school_schema(admin: PostgresLocation, schema: str) -> None:
    """Drop one school's schema and everything in it (tests; a school handed over elsewhere)."""
    with admin.connect() as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _make_append_only(conn: psycopg.Connection[Any], tables: SchoolTables) -> None:
    schema = sql.Identifier(tables.schema)
    events = sql.SQL("{}.{}").format(schema, sql.Identifier(tables.events))
    function = sql.SQL("{}.refuse_event_change").format(schema)
    # search_path is pinned so nothing created later in the schema can shadow what the
    # function calls.
    conn.execute(
        sql.SQL(
            "CREATE OR REPLACE FUNCTION {function}() RETURNS trigger"
            " LANGUAGE plpgsql SET search_path = pg_catalog AS $body$"
            " BEGIN"
            "  RAISE EXCEPTION 'ejournal: %.% is append-only: % refused',"
            "   TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP"
            "   USING DETAIL = {reason}, HINT = 'Record a correction or voiding event instead.';"
            " END"
            " $body$"
        ).format(function=function, reason=sql.Literal(APPEND_ONLY_REASON))
    )
    triggers = (
        ("events_append_only_rows", "BEFORE UPDATE OR DELETE", "FOR EACH ROW"),
        ("events_append_only_truncate", "BEFORE TRUNCATE", "FOR EACH STATEMENT"),
    )
    for name, when, level in triggers:
        trigger = sql.Identifier(name)
        conn.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(trigger, events))
        conn.execute(
            sql.SQL(
                "CREATE TRIGGER {} " + when + " ON {} " + level + " EXECUTE FUNCTION {}()"
            ).format(trigger, events, function)
        )
        # ALWAYS: the trigger fires under session_replication_role = replica too, the usual
        # way bulk loaders skip triggers. Only the owner or a superuser can still disable it,
        # which is what the signed Merkle checkpoints outside the database are for.
        conn.execute(sql.SQL("ALTER TABLE {} ENABLE ALWAYS TRIGGER {}").format(events, trigger))


def _ensure_role(conn: psycopg.Connection[Any], role: str, password: str | None) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if exists is None:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    if password is not None:
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
        )


def _grant(conn: psycopg.Connection[Any], tables: SchoolTables, role: str) -> None:
    grantee = sql.Identifier(role)
    schema = sql.Identifier(tables.schema)
    events = sql.SQL("{}.{}").format(schema, sql.Identifier(tables.events))
    # CREATE lets the service make its read models and projection tracking tables (derived data,
    # rebuilt from the log) at start-up; it gives no power over tables the role does not own.
    conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA {} TO {}").format(schema, grantee))
    conn.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC, {}").format(events, grantee))
    conn.execute(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(events, grantee))
    sequence = _notification_id_sequence(conn, tables)
    conn.execute(sql.SQL("REVOKE ALL ON SEQUENCE {} FROM PUBLIC, {}").format(sequence, grantee))
    # USAGE for nextval() in the column default; no UPDATE, so no setval().
    conn.execute(sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {} TO {}").format(sequence, grantee))
    # A command's answer under its Idempotency-Key is written once with its events, never changed.
    answers = sql.SQL("{}.{}").format(schema, sql.Identifier(ANSWERS_TABLE))
    conn.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC, {}").format(answers, grantee))
    conn.execute(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(answers, grantee))
    if tables.snapshots is not None:
        # Snapshots are derived from events; the library only ever inserts and reads them.
        snapshots = sql.SQL("{}.{}").format(schema, sql.Identifier(tables.snapshots))
        conn.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC, {}").format(snapshots, grantee))
        conn.execute(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(snapshots, grantee))


def _notification_id_sequence(conn: psycopg.Connection[Any], tables: SchoolTables) -> sql.SQL:
    qualified = f"{_quote_ident(tables.schema)}.{_quote_ident(tables.events)}"
    row = conn.execute(
        "SELECT pg_get_serial_sequence(%s, 'notification_id')", (qualified,)
    ).fetchone()
    if row is None or row[0] is None:
        raise StorageError(f"{qualified} has no notification_id sequence")
    # pg_get_serial_sequence returns the name already quoted where needed.
    return sql.SQL(str(row[0]))


_FORBIDDEN_ON_EVENTS: Sequence[str] = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")


def _check_role_is_confined(conn: psycopg.Connection[Any], tables: SchoolTables, role: str) -> None:
    # Grants alone prove nothing if the role is a superuser, owns the table or is a member of a
    # role that does: check what it can actually do, and refuse to leave a school half-protected.
    qualified = f"{_quote_ident(tables.schema)}.{_quote_ident(tables.events)}"
    row = conn.execute(
        "SELECT r.rolsuper, pg_has_role(r.oid, c.relowner, 'MEMBER')"
        " FROM pg_roles r, pg_class c WHERE r.rolname = %s AND c.oid = %s::regclass",
        (role, qualified),
    ).fetchone()
    if row is None:
        raise StorageError(f"role {role!r} or table {qualified} vanished during migration")
    is_superuser, is_owner = row
    if is_superuser:
        raise StorageError(f"the app role {role!r} is a superuser: it must not be")
    if is_owner:
        raise StorageError(f"the app role {role!r} owns {qualified} (or is a member of its owner)")
    for privilege in _FORBIDDEN_ON_EVENTS:
        held = conn.execute(
            "SELECT has_table_privilege(%s, %s, %s)", (role, qualified, privilege)
        ).fetchone()
        if held is not None and held[0]:
            raise StorageError(f"the app role {role!r} still holds {privilege} on {qualified}")
