"""What one running service serves: the schools of a deployment, each with its log and stores.

A school is opened on first use and kept open. Only schools that exist are opened: a token or a
login naming an unknown school is refused like a wrong password, and nothing is created for it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ejournal.application import School
from ejournal.clock import Clock, SystemClock
from ejournal.credentials import CredentialStore
from ejournal.database import SchoolDatabase, open_database
from ejournal.idempotency import ensure_answers_table
from ejournal.integrity.notary import Notary
from ejournal.projections.catalogue import read_models
from ejournal.projections.projector import Projector, open_projector
from ejournal.schools import open_school, school_exists
from ejournal.settings import Settings
from ejournal.storage import is_school_id


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

    def school(self, school_id: str) -> SchoolServices | None:
        """An existing school's services, opened on first use; None for an unknown school, and
        for any text that is no school id (it may come from a request)."""
        if not is_school_id(school_id):
            return None
        with self._lock:
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

    def _open(self, school_id: str, *, migrate: bool) -> SchoolServices:
        app = open_school(self.settings, school_id, clock=self.clock, migrate=migrate)
        database = open_database(self.settings, school_id)
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
        if self.settings.projections == "embedded":
            services.follow()
        return services

    def close(self) -> None:
        with self._lock:
            for services in self._schools.values():
                services.close()
            self._schools.clear()
