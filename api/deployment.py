"""What one running service serves: the schools of a deployment, each with its log and stores.

A school is opened on first use and kept open. Only schools that exist are opened: a token or a
login naming an unknown school is refused like a wrong password, and nothing is created for it.
A school that cannot be opened (its database down) is not remembered, and what was opened of it
is closed: the next request tries again, so the service recovers by itself once the database is
back. An open school's connection pools replace the connections the server cut. When the server
cannot be reached at all, the open schools are closed too (``storage_failed``): their pools
would hold every request for their timeouts, times the library's retries, and reconnect only
after a growing backoff; for a few seconds requests are then answered at once, and afterwards
the schools are opened afresh.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field

from api.problems import RETRY_AFTER_SECONDS
from ejournal import storage
from ejournal.application import School
from ejournal.clock import Clock, SystemClock
from ejournal.credentials import CredentialStore
from ejournal.database import SchoolDatabase, open_database
from ejournal.errors import StorageUnavailableError
from ejournal.idempotency import ensure_answers_table
from ejournal.integrity.notary import Notary
from ejournal.projections.catalogue import read_models
from ejournal.projections.projector import Projector, open_projector
from ejournal.schools import open_school, school_exists
from ejournal.settings import Settings
from ejournal.storage import is_school_id

log = logging.getLogger(__name__)


@dataclass
class SchoolServices:
    """One open school: its event-sourced application, its plain SQL stores, its read models."""

    app: School
    database: SchoolDatabase
    credentials: CredentialStore
    projector: Projector
    notary: Notary
    stop: threading.Event = field(default_factory=threading.Event)
    follower: threading.Thread | None = None

    def follow(self) -> None:
        """Keep the read models up to date in a thread of this service (the embedded mode)."""
        self.follower = threading.Thread(
            target=self.projector.run,
            args=(self.stop,),
            name=f"projector-{self.app.school_id}",
            daemon=True,
        )
        self.follower.start()

    def close(self) -> None:
        self.stop.set()
        self.projector.wake()
        if self.follower is not None:
            self.follower.join(timeout=10)
        self.app.close()
        self.database.close()


class Deployment:
    """The schools this service serves."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self._schools: dict[str, SchoolServices] = {}
        self._lock = threading.Lock()
        self._outage: StorageUnavailableError | None = None
        self._outage_until = 0.0
        self._probing = False

    def school(self, school_id: str) -> SchoolServices | None:
        """An existing school's services, opened on first use; None for an unknown school, and
        for any text that is no school id (it may come from a request). While the database server
        is known to be unreachable, StorageUnavailableError at once."""
        if not is_school_id(school_id):
            return None
        with self._lock:
            self._check_outage()
            services = self._schools.get(school_id)
            if services is not None:
                return services
            if not school_exists(self.settings, school_id):
                return None
            services = self._open(school_id, migrate=False)
            self._schools[school_id] = services
            return services

    def opened(self) -> list[SchoolServices]:
        """The schools opened so far (a school is opened on first use)."""
        with self._lock:
            return list(self._schools.values())

    def create_school(self, school_id: str) -> SchoolServices:
        """Set up a school's storage (migrate) and open it."""
        with self._lock:
            services = self._schools.get(school_id)
            if services is None:
                services = self._open(school_id, migrate=True)
                self._schools[school_id] = services
            return services

    def storage_failed(self, outage: StorageUnavailableError) -> None:
        """Told when a request found the storage unavailable. Looks, in a thread of its own,
        whether the database server can be reached at all. If it can, nothing is done: the pool
        that held a cut connection has dropped it. If it cannot, every open school is closed and
        forgotten, and for ``RETRY_AFTER_SECONDS`` every request is answered at once; then the
        next request opens its school afresh, or finds the server still away and starts over."""
        with self._lock:
            if self._probing or time.monotonic() < self._outage_until:
                return
            self._probing = True
        threading.Thread(target=self._probe, name="storage-probe", daemon=True).start()

    def _probe(self) -> None:
        try:
            outage = storage.unreachable(self.settings)
            if outage is None:
                return
            log.warning(
                "the database cannot be reached (%s): closing the open schools", outage.reason
            )
            with self._lock:
                self._outage = outage
                self._outage_until = time.monotonic() + RETRY_AFTER_SECONDS
                closing = list(self._schools.values())
                self._schools.clear()
            for services in closing:
                try:
                    services.close()
                except Exception:
                    log.exception("closing school %s failed", services.app.school_id)
        finally:
            with self._lock:
                self._probing = False

    def _check_outage(self) -> None:
        if self._outage is None:
            return
        if time.monotonic() >= self._outage_until:
            self._outage = None
            return
        raise StorageUnavailableError(
            self._outage.detail,
            reason=f"{self._outage.reason} (tried again within {RETRY_AFTER_SECONDS} s)",
        )

    def _open(self, school_id: str, *, migrate: bool) -> SchoolServices:
        with ExitStack() as opened:
            # Should any step fail (the database went away), what was opened is closed again:
            # a half-open school would keep its pools reconnecting for nobody.
            app = open_school(self.settings, school_id, clock=self.clock, migrate=migrate)
            opened.callback(app.close)
            database = open_database(self.settings, school_id)
            opened.callback(database.close)
            credentials = CredentialStore(
                database, school_id, self.clock, self.settings.password_hashing
            )
            credentials.create_tables()
            ensure_answers_table(database)
            # The log's Merkle tree is a read model of the service's projector, which asks the
            # notary after each pass whether a checkpoint is due.
            notary = Notary(self.settings, app, database, clock=self.clock)
            projector = open_projector(app, database, [*read_models(), notary.tree])
            projector.after_pass.append(notary.checkpoint_if_due)
            services = SchoolServices(app, database, credentials, projector, notary)
            opened.pop_all()
        if self.settings.projections == "embedded":
            services.follow()
        return services

    def close(self) -> None:
        with self._lock:
            for services in self._schools.values():
                services.close()
            self._schools.clear()
